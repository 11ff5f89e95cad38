/** Entry point of the Azure Pipelines task bundle. No top-level await: the mock runner require()s it. */
// Keep this import first: it must run before task-lib empties the INPUT_* variables.
import { capturedInput, capturedToken } from './capture-token.js';
import * as tl from 'azure-pipelines-task-lib/task.js';
import { run } from './main.js';

let finished = false;
// If the event loop ever empties before the check settles, fail rather than pass silently.
process.on('exit', () => {
  if (!finished) tl.setResult(tl.TaskResult.Failed, 'credential-preflight stopped before the check finished (internal error).');
});
run({ ...tl, getInput: capturedInput }, { ...process.env, INPUT_TOKEN: capturedToken })
  .catch((e: unknown) => {
    tl.setResult(tl.TaskResult.Failed, `credential-preflight crashed: ${e instanceof Error ? e.message : String(e)}`);
  })
  .finally(() => {
    finished = true;
  });
