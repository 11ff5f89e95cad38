// MockTestRunner case "warn": Code (Read & Write) is required; the write half cannot be proven with a
// read-only request, so the task succeeds with issues (scope.unverifiable).
import { taskRunner } from './task-case-common.mjs';

const tmr = taskRunner();
tmr.setInput('requiredScopes', 'Code: Read & Write');
tmr.run(true);
