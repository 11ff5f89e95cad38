/**
 * Entry for running the action's TypeScript source under @github/local-action (`npm run action:local`).
 * local-action imports the entry it is given and calls its exported `run()` with no arguments, after
 * stubbing `@actions/core`. src/action/index.ts (the bundle's entry) calls run at import and exports
 * nothing, so local-action refuses it ("does not export a run() function"); this file is that one call,
 * exported instead of invoked, so the adapter it runs is the real one with the stubbed toolkit injected.
 */
import * as core from '@actions/core';
import { run as runAction } from './main.js';

export async function run(): Promise<void> {
  await runAction(core, process.env);
}
