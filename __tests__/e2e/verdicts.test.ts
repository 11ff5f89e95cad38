/**
 * Same verdict everywhere: each online scenario through the CLI, the action and the task bundles,
 * against the local Azure DevOps emulator (Server shape on 127.0.0.1, CA via NODE_EXTRA_CA_CERTS).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator, type AzureDevOpsProjectSpec } from '../emulators/azure-devops.js';
import { caFile } from '../emulators/tls.js';
import { azureDevOpsPat, leaks } from '../support/tokens.js';
import { expectVerdict, runEverywhere, type Outcome } from '../support/verdicts.js';

const NOW = new Date();
const GOOD = azureDevOpsPat(NOW, 0, 'FAKEx0VERDICTx0PATx0NOTxREAL');
const EXPIRED = azureDevOpsPat(NOW, 3, 'FAKEx0EXPx0VERDICTx0NOTxREAL');
const UNKNOWN = azureDevOpsPat(NOW, 0, 'FAKEx0UNKNOWNx0VERDICTx0REAL');
const user = { id: '00000000-fa4e-7e57-0000-0000000000a1', displayName: 'Verdict Tester', uniqueName: 'FABRIKAM\\verdict' };
const project = (id: number, name: string, extra: Partial<AzureDevOpsProjectSpec> = {}): AzureDevOpsProjectSpec => ({
  id: `00000000-fa4e-7e57-0000-000000000${400 + id}`,
  name,
  ...extra,
});
let emu: AzureDevOpsEmulator;

beforeAll(async () => {
  const projects = [project(1, 'Fabrikam-Fiber', { previousNames: ['Fabrikam-Old'] }), project(2, 'Going-Away', { state: 'deleting' })];
  emu = await startAzureDevOpsEmulator({
    mode: 'server',
    apiVersionCeiling: '7.1', // Azure DevOps Server 2022.x
    organizations: [
      ...['fabrikam', 'stormorg', 'brokenorg', 'droporg'].map((name) => ({ name, projects })),
      { name: 'publicorg', projects: [], public: true },
    ],
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
  outcome: Outcome;
  code?: string;
}

const scenarios: Scenario[] = [
  { name: 'good PAT, exact project, read scope', token: GOOD, project: 'Fabrikam-Fiber', scopes: 'vso.code', outcome: 'passed' },
  {
    name: 'write scope cannot be proven',
    token: GOOD,
    project: 'Fabrikam-Fiber',
    scopes: 'Code: Read & Write',
    outcome: 'warned',
    code: 'scope.unverifiable',
  },
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

describe.each(scenarios)('$name', (s) => {
  it(`→ ${s.outcome}${s.code ? ` with ${s.code}` : ''} from the CLI, the action and the task`, async () => {
    const run = await runEverywhere({
      provider: 'azure-devops',
      tokenEnv: 'AZURE_DEVOPS_PAT',
      token: s.token,
      url: s.url ?? emu.collectionUrl(s.org ?? 'fabrikam'),
      project: s.project,
      scopes: s.scopes,
      env: s.trustCa === false ? {} : { NODE_EXTRA_CA_CERTS: caFile },
    });
    expectVerdict(run, s.outcome, s.code);
    expect(leaks(run.visible, s.token)).toEqual([]);
  });
});
