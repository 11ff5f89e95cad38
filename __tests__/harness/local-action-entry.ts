/**
 * The entry @github/local-action loads: it imports a module and calls its exported `run()` with no
 * arguments, after stubbing `@actions/core`. This is src/action/index.ts's one call, exported instead
 * of invoked, so the adapter under test is the real one with the (stubbed) toolkit injected.
 */
import * as core from '@actions/core';
import { run as runAction } from '../../src/action/main.js';

export async function run(): Promise<void> {
  await runAction(core, process.env);
}
