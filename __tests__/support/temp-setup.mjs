// jest globalSetup: one temporary directory per test run. TMPDIR (and TMP/TEMP) point at it before
// any worker starts, so os.tmpdir() in the workers, and in every bundle they spawn (baseEnv passes
// TMPDIR on), is this directory. temp-teardown.mjs removes it and fails the run if a test left
// anything in it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const root = mkdtempSync(join(tmpdir(), 'credential-preflight-tests-'));
  globalThis.__credentialPreflightTestTmp = root;
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = root;
}
