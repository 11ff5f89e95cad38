/** Entry point of the Azure Pipelines task bundle. No top-level await: the mock runner require()s it. */
// Keep this import first: it reads the agent's hand-over (inputs, connection secrets) before anything else runs.
import { capturedToken, vault } from './capture-token.js';
import { secretForms } from '../core/secrets.js';
import { crashReporter } from './crash.js';
import { loggingCommands } from './logging-commands.js';
import { run } from './main.js';

const tl = loggingCommands(vault);
let finished = false;
// If the event loop ever empties before the check settles, fail rather than pass silently.
process.on('exit', () => {
  if (!finished) tl.setResult(tl.TaskResult.Failed, 'credential-preflight stopped before the check finished (internal error).');
});
const crashed = crashReporter(tl, secretForms(capturedToken));
process.on('uncaughtException', crashed);
process.on('unhandledRejection', crashed);
run(tl, { ...process.env, INPUT_TOKEN: capturedToken })
  .catch(crashed)
  .finally(() => {
    finished = true;
  });
