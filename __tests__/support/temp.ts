/**
 * Temporary directories for tests: `tempDir('what')` makes `$TMPDIR/cp-what-XXXXXX` and removes it
 * (with everything a test or a spawned bundle wrote into it) after the test file, pass or fail.
 * jest's global setup points TMPDIR at one directory per run and its teardown fails the run when
 * anything is left there (support/temp-setup.mjs, temp-teardown.mjs).
 */
import { afterAll } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(what: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cp-${what}-`));
  made.push(dir);
  return dir;
}
