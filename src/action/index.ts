/** Entry point of the GitHub Action bundle (dist/action/index.js). */
import { run } from './main.js';
import { workflowCommands as core } from './workflow-commands.js';

let finished = false;
// If the event loop ever empties before the check settles, fail rather than pass silently.
process.on('exit', () => {
  if (!finished) core.setFailed('credential-preflight stopped before the check finished (internal error).');
});
void run(core, process.env).finally(() => {
  finished = true;
});
