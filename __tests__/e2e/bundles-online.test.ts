/**
 * The three bundles against the local Azure DevOps emulator (Server shape on 127.0.0.1), trusting the
 * test CA through NODE_EXTRA_CA_CERTS exactly as a self-hosted runner or agent would.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle, withoutMaskCommands as hidden } from '../support/run-bundle.js';
import { azureDevOpsPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date();
const GOOD = azureDevOpsPat(NOW, 0, 'FAKEx0BUNDLEx0PATx0NOTxREAL');
const EXPIRED = azureDevOpsPat(NOW, 2, 'FAKEx0OLDx0BUNDLEx0NOTxREAL');
let emu: AzureDevOpsEmulator;
let url: string;

beforeAll(async () => {
  emu = await startAzureDevOpsEmulator({
    mode: 'server',
    apiVersionCeiling: '7.1', // Azure DevOps Server 2022.x
    organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000201', name: 'Fabrikam-Fiber' }] }],
    tokens: {
      [GOOD]: {
        user: { id: '00000000-fa4e-7e57-0000-0000000000bb', displayName: 'Bundle Tester', uniqueName: 'FABRIKAM\\bundle' },
        organizations: ['fabrikam'],
        scopes: ['vso.project', 'vso.code'],
      },
      [EXPIRED]: {
        user: { id: '00000000-fa4e-7e57-0000-0000000000cc', displayName: 'Old', uniqueName: 'FABRIKAM\\old' },
        organizations: ['fabrikam'],
        scopes: 'full',
        expired: true,
      },
    },
  });
  url = emu.collectionUrl('fabrikam');
});
afterAll(async () => emu.close());

const env = (extra: Record<string, string>) => baseEnv({ NODE_EXTRA_CA_CERTS: caFile, ...extra });

describe('CLI bundle online', () => {
  it('0 passed, 1 wrong casing / missing scope / expired, 3 unreachable — and no token in the output', async () => {
    const args = ['--provider', 'azure-devops', '--url', url, '--format', 'json'];
    // Six independent runs, side by side.
    const [ok, casing, scope, expired, down, untrusted] = await Promise.all([
      runBundle('cli', [...args, '--project', 'Fabrikam-Fiber', '--required-scopes', 'vso.code'], env({ AZURE_DEVOPS_PAT: GOOD })),
      runBundle('cli', [...args, '--project', 'FABRIKAM-fiber'], env({ AZURE_DEVOPS_PAT: GOOD })),
      runBundle('cli', [...args, '--project', 'Fabrikam-Fiber', '--required-scopes', 'Build: Read'], env({ AZURE_DEVOPS_PAT: GOOD })),
      runBundle('cli', args, env({ AZURE_DEVOPS_PAT: EXPIRED })),
      runBundle('cli', ['--provider', 'azure-devops', '--url', 'https://127.0.0.1:1/fabrikam'], env({ AZURE_DEVOPS_PAT: GOOD })),
      runBundle('cli', [...args], baseEnv({ AZURE_DEVOPS_PAT: GOOD })),
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      outcome: 'passed',
      identity: { name: 'Bundle Tester' },
      project: { canonical: 'Fabrikam-Fiber' },
      scopes: { verified: ['vso.code'] },
    });
    expect([casing.code, JSON.parse(casing.stdout).findings[0].code]).toEqual([1, 'project.case-mismatch']);
    expect([scope.code, JSON.parse(scope.stdout).findings[0].code]).toEqual([1, 'scope.missing']);
    expect([expired.code, JSON.parse(expired.stdout).findings[0].code]).toEqual([1, 'token.expired']);
    expect(down.code).toBe(3);
    expect([untrusted.code, JSON.parse(untrusted.stdout).findings[0].code]).toEqual([3, 'network.tls']);
    for (const r of [ok, casing, scope, down, untrusted]) expect(leaks(r.stdout + r.stderr, GOOD)).toEqual([]);
  });

  it('logs requests with --debug, without credentials', async () => {
    const r = await runBundle('cli', ['--provider', 'azure-devops', '--url', url, '--debug'], env({ AZURE_DEVOPS_PAT: GOOD }));
    expect(r.stderr).toMatch(/GET 127\.0\.0\.1:\d+\/fabrikam\/_apis\/connectionData → 200 \(\d+ ms\)/);
    expect(leaks(r.stderr, GOOD)).toEqual([]);
    expect(r.stderr).not.toContain(Buffer.from(`:${GOOD}`).toString('base64').slice(0, 12));
  });
});

describe('action and task bundles online: same verdicts', () => {
  it('action: identity output, failure on wrong casing', async () => {
    const dir = tempDir('action');
    const out = path.join(dir, 'out');
    fs.writeFileSync(out, '');
    const base = { INPUT_PROVIDER: 'azure-devops', INPUT_URL: url, INPUT_TOKEN: GOOD, GITHUB_OUTPUT: out };
    const ok = await runBundle('action', [], env({ ...base, INPUT_PROJECT: 'Fabrikam-Fiber' }));
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/identity<<ghadelimiter_[\w-]+\nBundle Tester\n/);
    const bad = await runBundle('action', [], env({ ...base, INPUT_PROJECT: 'fabrikam-fiber' }));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('::error title=credential-preflight project.case-mismatch::');
    expect(leaks(hidden(ok.stdout + bad.stdout) + fs.readFileSync(out, 'utf8'), GOOD)).toEqual([]);
  });

  it('task: identity variable, Failed on wrong casing', async () => {
    const base = {
      INPUT_PROVIDER: 'azure-devops',
      INPUT_URL: url,
      INPUT_TOKEN: GOOD,
      AGENT_TEMPDIRECTORY: tempDir('task'),
    };
    const ok = await runBundle('task', [], env({ ...base, INPUT_PROJECT: 'Fabrikam-Fiber' }));
    expect(ok.stdout).toMatch(/##vso\[task\.setvariable variable=identity;isOutput=true;issecret=false;\]Bundle Tester/);
    expect(ok.stdout).toMatch(/##vso\[task\.complete result=Succeeded;\]/);
    const bad = await runBundle('task', [], env({ ...base, INPUT_PROJECT: 'fabrikam-fiber' }));
    expect(bad.stdout).toMatch(/##vso\[task\.logissue type=error;code=project\.case-mismatch;\]/);
    expect(bad.stdout).toMatch(/##vso\[task\.complete result=Failed;\]/);
    expect(leaks(hidden(ok.stdout + bad.stdout), GOOD)).toEqual([]);
  });
});
