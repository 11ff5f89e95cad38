// jest globalTeardown: every test cleans up after itself (support/temp.ts), so the run's temporary
// directory (temp-setup.mjs) must be empty now, except for the test TLS material the workers share
// (emulators/tls.ts). Anything else fails the run, naming what was left; the directory goes either way.
import { readdirSync, rmSync } from 'node:fs';

const SHARED_BY_DESIGN = /^credential-preflight-test-tls-/;

export default function teardown() {
  const root = globalThis.__credentialPreflightTestTmp;
  if (!root) return;
  const left = readdirSync(root).filter((name) => !SHARED_BY_DESIGN.test(name));
  rmSync(root, { recursive: true, force: true });
  if (left.length > 0)
    throw new Error(
      `tests left ${left.length} entries in the temporary directory (each test must remove what it creates): ${left.sort().join(', ')}`,
    );
}
