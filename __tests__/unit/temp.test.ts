import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TEARDOWN = '../support/temp-teardown.mjs';

describe('jest global teardown (support/temp-teardown.mjs)', () => {
  it('fails the run naming what a test left in the run’s temporary directory, keeps quiet about the shared TLS cache, and removes it all', async () => {
    const { default: teardown } = (await import(TEARDOWN)) as { default: () => void };
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-teardown-'));
    const g = globalThis as { __credentialPreflightTestTmp?: string };
    const before = g.__credentialPreflightTestTmp;
    try {
      fs.mkdirSync(path.join(root, 'credential-preflight-test-tls-v1'));
      g.__credentialPreflightTestTmp = root;
      expect(() => teardown()).not.toThrow();
      expect(fs.existsSync(root)).toBe(false);

      fs.mkdirSync(path.join(root, 'credential-preflight-test-tls-v1'), { recursive: true });
      fs.mkdirSync(path.join(root, 'cp-forgotten-abc123'));
      fs.writeFileSync(path.join(root, 'credential-preflight-42.md'), '');
      expect(() => teardown()).toThrow(
        /tests left 2 entries in the temporary directory .*: cp-forgotten-abc123, credential-preflight-42\.md$/,
      );
      expect(fs.existsSync(root)).toBe(false);
    } finally {
      g.__credentialPreflightTestTmp = before;
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
