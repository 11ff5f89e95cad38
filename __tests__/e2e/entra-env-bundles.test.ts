/**
 * The Azure Identity variables through all three bundles when they do not describe a usable
 * credential, and the Entra stage's own network trouble: each run ends in a finding that names the
 * variable (or host) to fix, shows the URL asked for, and prints nothing secret. No emulator: the
 * incomplete sets send no request, and the authority is a closed loopback port.
 *
 * Needs `npm run build` (dist/).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseEnv, runBundle, withoutMaskCommands } from '../support/run-bundle.js';
import { tempDir } from '../support/temp.js';
import { leaks } from '../support/tokens.js';

const URL_ = 'https://dev.azure.com/fabrikam';
const PASSWORD = 'FAKEq7VuserPasswordZNOTxREAL';
const SECRET = 'FAKEq7VclientSecretZNOTxREAL';
let dir: string;

beforeAll(() => {
  dir = tempDir('entra-env');
});

interface Outcome {
  failed: boolean;
  codes: string[];
  /** Everything printed or written, the masking commands excepted. */
  text: string;
  /** The report's URL as the front end hands it on (output `report`, or the CLI's JSON). */
  url: string | null | undefined;
}

const reportUrl = (json: string | undefined): string | null | undefined =>
  json ? (JSON.parse(json) as { url: { input: string | null } }).url.input : undefined;

async function action(env: Record<string, string>): Promise<Outcome> {
  const out = path.join(dir, `out-${Math.random().toString(16).slice(2)}`);
  fs.writeFileSync(out, '');
  const r = await runBundle('action', [], baseEnv({ GITHUB_OUTPUT: out, INPUT_URL: URL_, ...env }));
  const written = fs.readFileSync(out, 'utf8');
  const report = /report<<(\S+)\n([\s\S]*?)\n\1/.exec(written)?.[2];
  const codes = [...r.stdout.matchAll(/title=credential-preflight ([\w.-]+)::/g)].map((m) => m[1]!);
  return { failed: r.code !== 0, codes, text: withoutMaskCommands(r.stdout) + r.stderr + written, url: reportUrl(report) };
}

async function task(env: Record<string, string>): Promise<Outcome> {
  const r = await runBundle('task', [], baseEnv({ AGENT_TEMPDIRECTORY: dir, INPUT_URL: URL_, ...env }));
  const codes = [...r.stdout.matchAll(/code=([\w.-]+);/g)].map((m) => m[1]!);
  const report = /variable=report;isOutput=true;[^\]]*\](.*)/.exec(r.stdout)?.[1];
  const failed = /##vso\[task\.complete result=Failed;/.test(r.stdout);
  return { failed, codes, text: withoutMaskCommands(r.stdout) + r.stderr, url: reportUrl(report) };
}

async function cli(env: Record<string, string>): Promise<Outcome> {
  const r = await runBundle('cli', ['--url', URL_, '--format', 'json'], baseEnv(env));
  const report = JSON.parse(r.stdout) as { url: { input: string | null }; findings: { code: string }[] };
  return { failed: r.code !== 0, codes: report.findings.map((f) => f.code), text: r.stdout + r.stderr, url: report.url.input };
}

describe.each([
  ['action', action],
  ['task', task],
  ['cli', cli],
] as const)('%s bundle: Azure Identity variables that describe no usable credential', (_front, run) => {
  it('ids without a secret, certificate or token file: entra.env-incomplete names the three variables, not token.missing', async () => {
    const o = await run({ AZURE_CLIENT_ID: 'c1', AZURE_TENANT_ID: 't1' });
    expect([o.failed, o.codes]).toEqual([true, ['entra.env-incomplete']]);
    expect(o.text).toContain('one of AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH is missing');
    expect(o.text).not.toMatch(/provider not detected/i);
    expect(o.url).toBe(URL_);
  });

  it('a token file without AZURE_CLIENT_ID: names AZURE_CLIENT_ID (set but empty)', async () => {
    const o = await run({ AZURE_CLIENT_ID: '', AZURE_TENANT_ID: 't1', AZURE_FEDERATED_TOKEN_FILE: '/var/run/token' });
    expect(o.codes).toEqual(['entra.env-incomplete']);
    expect(o.text).toContain('AZURE_CLIENT_ID is missing (AZURE_CLIENT_ID is set but empty)');
  });

  it('AZURE_USERNAME / AZURE_PASSWORD: said unsupported (ROPC, no MFA); the password is never printed', async () => {
    const o = await run({
      AZURE_CLIENT_ID: 'c1',
      AZURE_TENANT_ID: 't1',
      AZURE_USERNAME: 'someone@contoso.example',
      AZURE_PASSWORD: PASSWORD,
    });
    expect([o.failed, o.codes]).toEqual([true, ['entra.env-incomplete']]);
    expect(o.text).toContain('multifactor authentication (MFA)');
    expect(leaks(o.text, PASSWORD)).toEqual([]);
  });

  it('an unreachable authority: the fix names the authority host, the URL is still shown, the secret is not', async () => {
    const o = await run({
      AZURE_CLIENT_ID: 'c1',
      AZURE_TENANT_ID: 't1',
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_AUTHORITY_HOST: 'https://127.0.0.1:1',
    });
    expect(o.codes).toEqual(['network.unreachable']);
    expect(o.text).toContain('Allow HTTPS from this runner to 127.0.0.1:1');
    expect(o.text).not.toContain("Check the URL's host");
    expect(o.url).toBe(URL_);
    expect(leaks(o.text, SECRET)).toEqual([]);
  });
});
