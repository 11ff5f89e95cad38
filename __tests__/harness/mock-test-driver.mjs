// Runs one case script through task-lib's MockTestRunner and prints what it saw as JSON.
// A separate process because MockTestRunner runs the task with spawnSync: inside jest it would
// block the event loop that serves the emulator the task is talking to.
import { resolve } from 'node:path';
import { MockTestRunner } from 'azure-pipelines-task-lib/mock-test.js';

const [caseScript, taskJson] = process.argv.slice(2);
const tr = new MockTestRunner(resolve(caseScript), resolve(taskJson));
// Offline: run on this Node instead of downloading the one task.json's handler implies, and call
// runAsync() without a version argument (a version argument downloads anyway).
tr.nodePath = process.execPath;
await tr.runAsync();
process.stdout.write(JSON.stringify({ succeeded: tr.succeeded, stdout: tr.stdout, stderr: tr.stderr }));
