/**
 * Same verdict everywhere, GitHub: each online finding code through the CLI, the action and the task
 * bundles, against the local GitHub emulator as a GitHub Enterprise Server on 127.0.0.1 (`/api/v3`,
 * CA via NODE_EXTRA_CA_CERTS; no proxy needed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mintGitHubClassic, mintGitHubFineGrained } from '../../src/core/providers/github/synthetic.js';
import type { FaultSpec } from '../emulators/harness.js';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github.js';
import { getTestTls } from '../emulators/tls.js';
import { fill, leaks } from '../support/tokens.js';
import { expectVerdict, runEverywhere, verdictTitle, type VerdictScenario } from '../support/verdicts.js';

const NOW = new Date();
const header = (days: number): string => `${new Date(NOW.getTime() + days * 86_400_000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const classic = (word: string): string => mintGitHubClassic('ghp', fill(word, 30));
const GOOD = classic('FAKEx0VERDICTx0GITHUBx0NOTREAL');
const NARROW = classic('FAKEx0VERDICTx0NARROWx0NOTREAL');
const SOON = classic('FAKEx0VERDICTx0SOONx0NOTxREAL');
const UNKNOWN = classic('FAKEx0VERDICTx0UNKNOWNx0NOTREAL');
const LOCKED = classic('FAKEx0VERDICTx0LOCKEDx0NOTREAL');
const SSO = classic('FAKEx0VERDICTx0SSOx0NOTxREALx0');
const FINE = mintGitHubFineGrained(fill('11FAKE0VERDICT0FINE000', 22), fill('FAKEx0VERDICTx0FINEx0GRAINEDx0NOTxREAL', 43), 'FAKETAIL');
const INSTALL = mintGitHubClassic('ghs', fill('FAKEx0VERDICTx0INSTALLx0NOTREAL', 30));
const ME = 'fake-verdict-user';
const REPO = 'fake-verdict-org/hello-world';

let emu: GitHubEmulator;

beforeAll(async () => {
  emu = await startGitHubEmulator({
    users: { [ME]: 7001 },
    tokens: {
      [GOOD]: { kind: 'classic', login: ME, scopes: ['repo', 'read:org'], expiration: header(120) },
      [NARROW]: { kind: 'classic', login: ME, scopes: ['public_repo'], expiration: header(120) },
      [SOON]: { kind: 'classic', login: ME, scopes: ['repo'], expiration: header(3) },
      [LOCKED]: { kind: 'classic', login: ME, scopes: ['repo'], lockedOut: true },
      [SSO]: { kind: 'classic', login: ME, scopes: ['repo'], ssoUnauthorized: ['fake-verdict-org'], expiration: header(120) },
      [FINE]: {
        kind: 'fine-grained',
        login: ME,
        repositories: [REPO],
        permissions: { metadata: 'read', contents: 'read' },
        expiration: header(120),
      },
      [INSTALL]: { kind: 'installation', repositories: [REPO], permissions: { metadata: 'read', contents: 'write' } },
    },
    repos: [
      { id: 3001, fullName: REPO, collaborators: { [ME]: 'admin' }, previousNames: ['fake-verdict-org/hello-old'] },
      { id: 3002, fullName: 'fake-verdict-org/attic', archived: true },
    ],
  });
});
afterAll(async () => emu.close());

interface Scenario extends VerdictScenario {
  url?: string;
  /** On every request to /api/v3/user while the scenario runs. */
  fault?: FaultSpec;
}

const scenarios: Scenario[] = [
  { name: 'classic PAT, exact repository, read permission', token: GOOD, project: REPO, scopes: 'repo, contents:read', outcome: 'passed' },
  { name: 'installation token', token: INSTALL, project: REPO, scopes: 'contents:read', outcome: 'passed' },
  {
    name: 'fine-grained write cannot be proven',
    token: FINE,
    project: REPO,
    scopes: 'contents:write',
    outcome: 'warned',
    code: 'scope.unverifiable',
  },
  { name: 'classic scope missing', token: NARROW, scopes: 'repo', outcome: 'failed', code: 'scope.missing' },
  { name: 'fine-grained permission missing', token: FINE, project: REPO, scopes: 'issues:read', outcome: 'failed', code: 'scope.missing' },
  { name: 'unknown scope', token: GOOD, scopes: 'contents:teleport', outcome: 'failed', code: 'scope.unknown' },
  { name: 'repository casing', token: GOOD, project: 'Fake-Verdict-Org/Hello-World', outcome: 'failed', code: 'project.case-mismatch' },
  { name: 'repository renamed', token: GOOD, project: 'fake-verdict-org/hello-old', outcome: 'failed', code: 'project.renamed' },
  { name: 'repository missing', token: GOOD, project: 'fake-verdict-org/hello-wrld', outcome: 'failed', code: 'project.not-found' },
  { name: 'repository archived', token: GOOD, project: 'fake-verdict-org/attic', outcome: 'warned', code: 'project.archived' },
  { name: 'expiring soon (provider header)', token: SOON, outcome: 'warned', code: 'token.expiring' },
  { name: 'bad credentials', token: UNKNOWN, outcome: 'failed', code: 'token.rejected' },
  { name: 'failed-login lockout', token: LOCKED, outcome: 'failed', code: 'token.rejected' },
  { name: 'SAML SSO not authorised', token: SSO, project: REPO, outcome: 'failed', code: 'token.sso-required' },
  {
    name: 'primary rate limit',
    token: GOOD,
    fault: { type: 'rateLimit', retryAfterSeconds: 3600 },
    outcome: 'unverified',
    code: 'network.rate-limited',
  },
  {
    name: '5xx burst',
    token: GOOD,
    fault: { type: 'status', status: 503, headers: { 'retry-after': '0' } },
    outcome: 'unverified',
    code: 'network.unexpected-response',
  },
  { name: 'nothing listening', token: GOOD, url: 'https://127.0.0.1:1/api/v3', outcome: 'unverified', code: 'network.unreachable' },
  { name: 'untrusted certificate', token: GOOD, trustCa: false, outcome: 'unverified', code: 'network.tls' },
];

describe.each(scenarios)('$name', (s) => {
  it(verdictTitle(s), async () => {
    const handle = s.fault ? emu.fault(s.fault, { path: '/api/v3/user', times: Infinity }) : undefined;
    let run;
    try {
      run = await runEverywhere({
        provider: 'github',
        tokenEnv: 'GITHUB_TOKEN',
        token: s.token,
        url: s.url ?? emu.origin + '/api/v3',
        project: s.project,
        scopes: s.scopes,
        env: s.trustCa === false ? {} : { NODE_EXTRA_CA_CERTS: getTestTls().caFile },
      });
    } finally {
      handle?.cancel();
    }
    expectVerdict(run, s.outcome, s.code);
    expect(run.report.provider).toBe('github');
    if (s.outcome === 'passed') {
      expect(run.outputs).toMatch(
        new RegExp(`identity<<ghadelimiter_[\\w-]+\\n${s.token === INSTALL ? 'GitHub App installation \\(1 repository\\)' : ME}\\n`),
      );
    }
    expect(leaks(run.visible, s.token)).toEqual([]);
  });
});
