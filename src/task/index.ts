/** Entry point of the Azure Pipelines task bundle. No top-level await: the mock runner require()s it. */
import * as tl from 'azure-pipelines-task-lib/task.js';
import { run } from './main.js';

run(tl, process.env).catch((e: unknown) => {
  tl.setResult(tl.TaskResult.Failed, `credential-preflight crashed: ${e instanceof Error ? e.message : String(e)}`);
});
