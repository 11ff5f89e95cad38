/**
 * Same verdict everywhere: each online scenario through the CLI, the action and the task bundles,
 * against the local Azure DevOps emulator (Server shape on 127.0.0.1, CA via NODE_EXTRA_CA_CERTS).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAzureDevOpsEmulator, type AdoEmulator, type AdoProjectSpec } from '../emulators/azure-devops.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle, withoutMaskCommands } from '../support/run-bundle.js';
import { adoPat, leaks } from '../support/tokens.js';

const NOW = new Date();
const GOOD = adoPat(NOW, 0, 'FAKEx0VERDICTx0PATx0NOTxREAL');
const EXPIRED = adoPat(NOW, 3, 'FAKEx0EXPx0VERDICTx0NOTxREAL');
const UNKNOWN = adoPat(NOW, 0, 'FAKEx0UNKNOWNx0VERDICTx0REAL');
const user = { id: '00000000-fa4e-7e57-0000-0000000000a1', displayName: 'Verdict Tester', uniqueName: 'FABRIKAM\\verdict' };
const project = (id: number, name: string, extra: Partial<AdoProjectSpec> = {}): AdoProjectSpec => ({ id: `00000000-fa4e-7e57-0000-000000000${400 + id}`, name, ...extra });
let emu: AdoEmulator;

beforeAll(async () => {
  const projects = [project(1, 'Fabrikam-Fiber', { previousNames: ['Fabrikam-Old'] }), project(2, 'Going-Away', { state: 'deleting' })];
  emu = await startAzureDevOpsEmulator({
    mode: 'server',
    apiVersionCeiling: '7.1', // Azure DevOps Server 2022.x
    organizations: [...['fabrikam', 'stormorg', 'brokenorg', 'droporg'].map((name) => ({ name, projects })), { name: 'publicorg', projects: [], public: true }],
    tokens: {
      [GOOD]: { user, organizations: 'all', scopes: ['vso.project', 'vso.code_write'] },
      [EXPIRED]: { user, organizations: 'all', scopes: 'full', expired: true },
    },
  });
  emu.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { path: '/stormorg/', times: Infinity });
  emu.fault({ type: 'status', status: 503, headers: { 'retry-after': '0' } }, { path: '/brokenorg/', times: Infinity });
  emu.fault({ type: 'drop', at: 'start' }, { path: '/droporg/', times: Infinity });
});
afterAll(async () => emu.close());

interface Scenario {
  name: string;
  token: string;
  org?: string;
  url?: string;
  project?: string;
  scopes?: string;
  trustCa?: boolean;
  outcome: 'passed' | 'warned' | 'failed' | 'unverified';
  code?: string;
}

const scenarios: Scenario[] = [
  { name: 'good PAT, exact project, read scope', token: GOOD, project: 'Fabrikam-Fiber', scopes: 'vso.code', outcome: 'passed' },
  { name: 'write scope cannot be proven', token: GOOD, project: 'Fabrikam-Fiber', scopes: 'Code: Read & Write', outcome: 'warned', code: 'scope.unverifiable' },
  { name: 'scope missing', token: GOOD, project: 'Fabrikam-Fiber', scopes: 'vso.build', outcome: 'failed', code: 'scope.missing' },
  { name: 'project casing', token: GOOD, project: 'fabrikam-FIBER', outcome: 'failed', code: 'project.case-mismatch' },
  { name: 'project renamed', token: GOOD, project: 'Fabrikam-Old', outcome: 'failed', code: 'project.renamed' },
  { name: 'project missing', token: GOOD, project: 'Fabrikam-Fibre', outcome: 'failed', code: 'project.not-found' },
  { name: 'project being deleted', token: GOOD, project: 'Going-Away', outcome: 'failed', code: 'project.unavailable' },
  { name: 'expired PAT', token: EXPIRED, outcome: 'failed', code: 'token.expired' },
  { name: 'rejected PAT', token: UNKNOWN, outcome: 'failed', code: 'token.rejected' },
  { name: 'anonymous on a public org', token: UNKNOWN, org: 'publicorg', outcome: 'failed', code: 'token.anonymous' },
  { name: 'unknown collection', token: GOOD, org: 'nosuchcollection', outcome: 'failed', code: 'url.org-not-found' },
  { name: '429 storm', token: GOOD, org: 'stormorg', outcome: 'unverified', code: 'network.rate-limited' },
  { name: '5xx burst', token: GOOD, org: 'brokenorg', outcome: 'unverified', code: 'network.unexpected-response' },
  { name: 'dropped connections', token: GOOD, org: 'droporg', outcome: 'unverified', code: 'network.unreachable' },
  { name: 'nothing listening', token: GOOD, url: 'https://127.0.0.1:1/fabrikam', outcome: 'unverified', code: 'network.unreachable' },
  { name: 'untrusted certificate', token: GOOD, trustCa: false, outcome: 'unverified', code: 'network.tls' },
];

const EXIT = { passed: 0, warned: 0, failed: 1, unverified: 3 };
const TASK_RESULT = { passed: 'Succeeded', warned: 'SucceededWithIssues', failed: 'Failed', unverified: 'Failed' };

describe.each(scenarios)('$name', (s) => {
  it(`→ ${s.outcome}${s.code ? ` with ${s.code}` : ''} from the CLI, the action and the task`, async () => {
    const url = s.url ?? emu.collectionUrl(s.org ?? 'fabrikam');
    const ca = s.trustCa === false ? {} : { NODE_EXTRA_CA_CERTS: caFile };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-verdict-'));
    const outputFile = path.join(dir, 'out');
    fs.writeFileSync(outputFile, '');
    const inputs = { PROVIDER: 'azure-devops', URL: url, TOKEN: s.token, PROJECT: s.project ?? '' };
    const action = Object.fromEntries(Object.entries({ ...inputs, 'REQUIRED-SCOPES': s.scopes ?? '' }).map(([k, v]) => [`INPUT_${k}`, v]));
    const task = Object.fromEntries(Object.entries({ ...inputs, REQUIREDSCOPES: s.scopes ?? '' }).map(([k, v]) => [`INPUT_${k}`, v]));
    const cliArgs = ['--provider', 'azure-devops', '--url', url, '--format', 'json', ...(s.project ? ['--project', s.project] : []), ...(s.scopes ? ['--required-scopes', s.scopes] : [])];
    const [cli, act, tsk] = await Promise.all([
      runBundle('cli', cliArgs, baseEnv({ ...ca, AZURE_DEVOPS_PAT: s.token })),
      runBundle('action', [], baseEnv({ ...ca, ...action, GITHUB_OUTPUT: outputFile })),
      runBundle('task', [], baseEnv({ ...ca, ...task, AGENT_TEMPDIRECTORY: dir })),
    ]);

    const report = JSON.parse(cli.stdout);
    expect([report.outcome, cli.code]).toEqual([s.outcome, EXIT[s.outcome]]);
    const first = report.findings.find((f: { severity: string }) => f.severity !== 'info');
    expect(first?.code).toBe(s.code);

    expect(fs.readFileSync(outputFile, 'utf8')).toMatch(new RegExp(`outcome<<ghadelimiter_[\\w-]+\\n${s.outcome}\\n`));
    expect(act.code).toBe(s.outcome === 'failed' || s.outcome === 'unverified' ? 1 : 0);
    expect(tsk.stdout).toContain(`##vso[task.complete result=${TASK_RESULT[s.outcome]};]`);
    if (s.code) {
      const level = s.outcome === 'warned' ? 'warning' : 'error';
      expect(act.stdout).toContain(`::${level} title=credential-preflight ${s.code}::`);
      expect(tsk.stdout).toContain(`##vso[task.logissue type=${level};code=${s.code};]`);
    }
    const visible = withoutMaskCommands([cli.stdout, cli.stderr, act.stdout, act.stderr, tsk.stdout, tsk.stderr, fs.readFileSync(outputFile, 'utf8')].join('\n'));
    expect(leaks(visible, s.token)).toEqual([]);
  });
});
