// Shared by the per-case MockTestRunner scripts: one TaskMockRunner for the task bundle, with the
// inputs every case shares. The jest test passes the emulator's URL and the (synthetic) token through
// HARNESS_* variables; the agent's CA file arrives as Agent.CAInfo, as `--sslcacert` sets it.
import { resolve } from 'node:path';
import { TaskMockRunner } from 'azure-pipelines-task-lib/mock-run.js';

/** A runner for the task entry named by HARNESS_TASK_ENTRY (the staged task folder's bundle). */
export function taskRunner() {
  const entry = process.env.HARNESS_TASK_ENTRY;
  if (!entry) throw new Error('HARNESS_TASK_ENTRY is not set');
  const tmr = new TaskMockRunner(resolve(entry));
  tmr.setInput('provider', 'azure-devops');
  tmr.setInput('token', process.env.HARNESS_TOKEN ?? '');
  tmr.setInput('url', process.env.HARNESS_URL ?? '');
  tmr.setInput('project', 'Fabrikam-Fiber');
  return tmr;
}
