// MockTestRunner case "pass": a valid PAT with Code (read), proven against the emulator.
import { taskRunner } from './task-case-common.mjs';

const tmr = taskRunner();
tmr.setInput('requiredScopes', 'vso.code');
tmr.run(true); // true: the real task-lib inside the bundle runs (nothing inside a bundle can be mocked)
