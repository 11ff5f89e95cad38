/**
 * What task-lib used to do for every task: an error escaping the run fails the task with its message
 * rather than crashing the step — redacted like every other sink (the agent masks what the run
 * registered, but the message may quote a form of the token it never saw).
 */
import { outputGuard } from '../core/render/publication.js';
import type { TaskLib } from './main.js';

export function crashReporter(tl: Pick<TaskLib, 'setResult' | 'TaskResult'>, secrets: readonly string[]): (e: unknown) => void {
  return (e) => {
    const message = e instanceof Error ? e.message : String(e);
    tl.setResult(
      tl.TaskResult.Failed,
      outputGuard(secrets).line(`credential-preflight crashed: ${message}. Please report this with the debug log.`),
    );
  };
}
