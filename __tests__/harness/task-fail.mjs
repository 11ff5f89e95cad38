// MockTestRunner case "fail": the emulator answers 401 "has expired" for this PAT (token.expired).
import { taskRunner } from './task-case-common.mjs';

const tmr = taskRunner();
tmr.setInput('requiredScopes', 'vso.code');
tmr.run(true);
