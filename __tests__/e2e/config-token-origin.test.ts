/**
 * A credentials-file entry reads its `token-env` as `--token-env` does, through the CLI bundle: the
 * variable's name hints the provider of a token no provider recognises (GITHUB_TOKEN → GitHub), and
 * an unset variable gets the fix naming it, with export examples.
 */
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseEnv, runBundle } from '../support/run-bundle.js';
import { tempDir } from '../support/temp.js';

const NOT_A_TOKEN = 'FAKEx0NOTxAxTOKENx0ORIGIN';

function configFile(text: string): string {
  const file = path.join(tempDir('config-origin'), 'credentials.yml');
  fs.writeFileSync(file, text);
  return file;
}

interface Row {
  name: string;
  report: { provider: string | null; findings: { code: string; message: string; hint: string }[] };
}

async function rows(env: Record<string, string>): Promise<Row[]> {
  const file = configFile(
    'defaults:\n  offline: true\ncredentials:\n  - name: hub\n    token-env: GITHUB_TOKEN\n  - name: mine\n    token-env: MY_PAT\n',
  );
  const r = await runBundle('cli', ['--config', file, '--format', 'json'], baseEnv(env));
  expect(r.code).toBe(1);
  return (JSON.parse(r.stdout) as { credentials: Row[] }).credentials;
}

describe('a credentials-file entry reads its variable like --token-env', () => {
  it("takes the provider from the variable's name, as a single check does", async () => {
    const [hub] = await rows({ GITHUB_TOKEN: NOT_A_TOKEN, MY_PAT: NOT_A_TOKEN });
    expect(hub!.report.provider).toBe('github');
    const info = hub!.report.findings.find((f) => f.code === 'token.info');
    expect(info?.message).toContain('taken from the variable it was read from, GITHUB_TOKEN');
    // The same token from the single-check flag: the same diagnosis.
    const single = await runBundle('cli', ['--offline', '--format', 'json'], baseEnv({ GITHUB_TOKEN: NOT_A_TOKEN }));
    const report = JSON.parse(single.stdout) as Row['report'];
    expect(hub!.report.findings.map((f) => f.code)).toEqual(report.findings.map((f) => f.code));
  });

  it('names the unset variable in the fix, with export examples', async () => {
    const [, mine] = await rows({ GITHUB_TOKEN: NOT_A_TOKEN });
    const missing = mine!.report.findings.find((f) => f.code === 'token.missing');
    expect(missing?.message).toBe('No token was provided: environment variable MY_PAT is not set.');
    expect(missing?.hint).toContain('MY_PAT is not set in this environment');
    expect(missing?.hint).toContain('`export MY_PAT=…`');
    expect(missing?.hint).toContain('`$env:MY_PAT = …`');
  });

  it('a variable set but empty keeps its own fix (a secret that arrived empty)', async () => {
    const [, mine] = await rows({ GITHUB_TOKEN: NOT_A_TOKEN, MY_PAT: '' });
    const missing = mine!.report.findings.find((f) => f.code === 'token.missing');
    expect(missing?.hint).toContain('its secret arrived empty');
    expect(missing?.hint).not.toContain('not set in this environment');
  });
});
