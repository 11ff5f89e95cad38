/** Entry point of the Azure Pipelines task bundle. No top-level await: the mock runner require()s it. */
// Keep this import first: it reads the agent's hand-over (inputs, connection secrets) before anything else runs.
import { capturedToken, vault } from './capture-token.js';
import { loggingCommands } from './logging-commands.js';
import { run } from './main.js';

const tl = loggingCommands(vault);
let finished = false;
// If the event loop ever empties before the check settles, fail rather than pass silently.
process.on('exit', () => {
  if (!finished) tl.setResult(tl.TaskResult.Failed, 'credential-preflight stopped before the check finished (internal error).');
});
// task-lib used to catch these for every task: an error escaping the run fails the task with its
// message (the agent masks every secret the run registered), rather than crashing the step.
const crashed = (e: unknown): void =>
  tl.setResult(tl.TaskResult.Failed, `credential-preflight crashed: ${e instanceof Error ? e.message : String(e)}`);
process.on('uncaughtException', crashed);
process.on('unhandledRejection', crashed);
run(tl, { ...process.env, INPUT_TOKEN: capturedToken })
  .catch(crashed)
  .finally(() => {
    finished = true;
  });
