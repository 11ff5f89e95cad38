/**
 * Bitbucket Cloud online checks end to end through runPreflight against the local HTTPS emulator:
 * the real HTTP client, TLS with the test CA, retries; api.bitbucket.org routed by an injected
 * dispatcher. Tokens are minted at test time from FAKE/TEST words.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Agent } from 'undici';
import type { Report } from '../../src/core/report.js';
import type { RawInputs } from '../../src/core/request.js';
import { secretForms } from '../../src/core/secrets.js';
import { mintAtbb, mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import {
  BITBUCKET_PERMISSIONS,
  effectiveScopes,
  findBitbucketPermission,
  parseScopeHeader,
} from '../../src/core/providers/bitbucket/scopes.js';
import { startBitbucketEmulator, type BitbucketEmulator, type BitbucketTokenSpec } from '../emulators/bitbucket.js';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { getTestTls } from '../emulators/tls.js';
import { allCodes as all, onlineDeps, preflight, verdictCodes as codes } from '../support/online.js';
import { fill, leaks } from '../support/tokens.js';

const NOW = new Date();
const api = (word: string): string => mintAtlassianToken('api', fill(word, 171));
const access = (word: string): string => mintAtlassianToken('access', fill(word, 171));

const EMAIL = 'fake.tester@example.test';
const user = { account_id: '557058:fake-test-0001', uuid: '{fake-test-uuid}', display_name: 'Fake Test User', nickname: 'faketester' };

const T = {
  good: api('FAKE-x0-TEST-GOOD-API-TOKEN-NOT-REAL-'),
  writeOnly: api('FAKE-x0-TEST-WRITE-ONLY-NOT-REAL-'),
  noUser: api('FAKE-x0-TEST-NO-USER-SCOPE-NOT-REAL-'),
  noHeader: api('FAKE-x0-TEST-NO-HEADER-NOT-REAL-'),
  revoked: api('FAKE-x0-TEST-REVOKED-NOT-REAL-'),
  unscoped: api('FAKE-x0-TEST-UNSCOPED-NOT-REAL-'),
  outsider: api('FAKE-x0-TEST-OUTSIDER-NOT-REAL-'),
  repoToken: access('FAKE-x0-TEST-REPO-ACCESS-NOT-REAL-'),
  repoTokenNoHeader: access('FAKE-x0-TEST-REPO-NOHDR-NOT-REAL-'),
  unknownAccess: access('FAKE-x0-TEST-UNKNOWN-ACCESS-NOT-REAL-'),
  prOnly: access('FAKE-x0-TEST-PR-ONLY-ACCESS-NOT-REAL-'),
  projectToken: access('FAKE-x0-TEST-PROJECT-ACCESS-NOT-REAL-'),
  projectNoHeader: access('FAKE-x0-TEST-PROJECT-NOHDR-NOT-REAL-'),
  appPassword: mintAtbb(fill('FAKEx0TESTx0APPx0PASS', 24)),
  hooks: api('FAKE-x0-TEST-HOOKS-NOHDR-NOT-REAL-'),
  emailApp: mintAtbb(fill('FAKEx0TESTx0EMAILx0APP', 24)),
  noEmailApp: mintAtbb(fill('FAKEx0TESTx0NOx0EMAIL', 24)),
};
const READ = [
  'read:user:bitbucket',
  'read:workspace:bitbucket',
  'read:repository:bitbucket',
  'read:pullrequest:bitbucket',
  'read:pipeline:bitbucket',
];
const tokens: Record<string, BitbucketTokenSpec> = {
  [T.good]: { type: 'api-token', email: EMAIL, user, scopes: [...READ, 'write:repository:bitbucket'] },
  [T.writeOnly]: {
    type: 'api-token',
    email: EMAIL,
    user,
    scopes: ['read:user:bitbucket', 'read:workspace:bitbucket', 'write:repository:bitbucket'],
  },
  [T.noUser]: {
    type: 'api-token',
    email: EMAIL,
    user,
    scopes: ['read:repository:bitbucket', 'read:workspace:bitbucket'],
    scopesHeader: false,
  },
  [T.noHeader]: {
    type: 'api-token',
    email: EMAIL,
    user,
    scopes: ['read:user:bitbucket', 'read:workspace:bitbucket', 'read:repository:bitbucket', 'read:pullrequest:bitbucket'],
    scopesHeader: false,
  },
  [T.revoked]: { type: 'api-token', email: EMAIL, user, scopes: READ, revoked: true },
  [T.hooks]: {
    type: 'api-token',
    email: EMAIL,
    user,
    scopes: ['read:user:bitbucket', 'read:repository:bitbucket', 'read:webhook:bitbucket'],
    scopesHeader: false,
  },
  [T.emailApp]: { type: 'app-password', username: 'faketester', user, scopes: ['account', 'repository', 'email'], scopesHeader: false },
  [T.noEmailApp]: { type: 'app-password', username: 'faketester', user, scopes: ['account', 'repository'], scopesHeader: false },
  [T.unscoped]: { type: 'api-token', email: EMAIL, user, scopes: [], unscoped: true },
  [T.outsider]: { type: 'api-token', email: 'outsider@example.test', user: { ...user, account_id: '557058:fake-outsider' }, scopes: READ },
  [T.repoToken]: { type: 'access-token', scopes: ['pullrequest:write', 'pipeline'], resource: { workspace: 'fabrikam', repo: 'web-app' } },
  [T.appPassword]: { type: 'app-password', username: 'faketester', user, scopes: ['account', 'repository'] },
  [T.repoTokenNoHeader]: {
    type: 'access-token',
    scopes: ['pullrequest'],
    resource: { workspace: 'fabrikam', repo: 'web-app' },
    scopesHeader: false,
  },
  [T.prOnly]: { type: 'access-token', scopes: ['pullrequest'], resource: { workspace: 'fabrikam', repo: 'web-app' } },
  [T.projectToken]: { type: 'access-token', scopes: ['project'], resource: { workspace: 'fabrikam', project: 'WEB' } },
  [T.projectNoHeader]: {
    type: 'access-token',
    scopes: ['project'],
    resource: { workspace: 'fabrikam', project: 'WEB' },
    scopesHeader: false,
  },
};
const workspaces = [
  {
    slug: 'fabrikam',
    name: 'Fabrikam',
    members: [user.account_id],
    projects: ['WEB'],
    repos: [
      { slug: 'web-app', name: 'Web App', project: 'WEB' },
      { slug: 'secret-repo', private: true, readers: ['nobody'] },
    ],
  },
];

let emu: BitbucketEmulator;
let dispatcher: Agent;
beforeAll(async () => {
  emu = await startBitbucketEmulator({ tokens, workspaces });
  dispatcher = emu.dispatcher();
});
afterAll(async () => {
  await dispatcher.close();
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
  emu.clearLog();
});

async function check(inputs: RawInputs, d: Agent = dispatcher, now: Date = NOW): Promise<Report> {
  const report = await preflight({ provider: 'bitbucket', username: EMAIL, ...inputs }, onlineDeps(now, d));
  // No finding, identity or fact ever carries a slice of the token or of its Basic header.
  const basic = Buffer.from(`${EMAIL}:${inputs.token}`).toString('base64');
  expect(leaks(JSON.stringify(report), inputs.token ?? '')).toEqual([]);
  expect(leaks(JSON.stringify(report), basic)).toEqual([]);
  return report;
}
const paths = (): string[] => emu.requests.map((q) => q.path + (Object.keys(q.query).length ? `?${new URLSearchParams(q.query)}` : ''));

describe('API tokens (Basic e-mail:token)', () => {
  it('passes a good token: identity, exact repository, scopes from x-oauth-scopes', async () => {
    const r = await check({
      token: T.good,
      project: 'fabrikam/web-app',
      requiredScopes: 'read:repository:bitbucket, write:repository:bitbucket, Pull requests: Read, repository',
    });
    expect(r.outcome).toBe('passed');
    expect(r.identity).toEqual({ name: 'Fake Test User', id: user.account_id });
    expect(r.project).toEqual({ requested: 'fabrikam/web-app', canonical: 'fabrikam/web-app' });
    // The OAuth-style name and the portal name were translated into the API-token family.
    expect(r.scopes).toEqual({
      required: ['read:repository:bitbucket', 'write:repository:bitbucket', 'read:pullrequest:bitbucket'],
      verified: ['read:repository:bitbucket', 'write:repository:bitbucket', 'read:pullrequest:bitbucket'],
      missing: [],
      unverifiable: [],
    });
    expect(all(r)).toEqual(expect.arrayContaining(['token.identity', 'scope.granted', 'scope.verified']));
    expect(r.findings.find((f) => f.code === 'scope.granted')!.message).toContain('write:repository:bitbucket');
    expect(r.findings.find((f) => f.code === 'token.identity')!.message).toContain('x-credential-type: api_token');
    // Sent as Basic to api.bitbucket.org only; the header told the scopes, so no probes.
    expect(emu.requests.every((q) => q.host === 'api.bitbucket.org' && q.authScheme === 'Basic' && q.method === 'GET')).toBe(true);
    expect(paths()).toEqual(['/2.0/user', '/2.0/repositories/fabrikam/web-app', '/2.0/workspaces/fabrikam']);
  });

  it('write does not imply read for API-token scopes: scope.missing names the read scope', async () => {
    const r = await check({
      token: T.writeOnly,
      project: 'fabrikam',
      requiredScopes: 'read:repository:bitbucket, write:repository:bitbucket',
    });
    expect(codes(r)).toEqual(['scope.missing:error']);
    expect(r.scopes.missing).toEqual(['read:repository:bitbucket']);
    expect(r.findings[0]!.message).toContain('imply nothing');
    expect(r.findings[0]!.hint).toContain('read:repository:bitbucket');
    expect(r.findings[0]!.hint).toContain('Create API token with scopes');
  });

  it('unknown scopes and scopes an API token cannot carry are scope.unknown', async () => {
    const r = await check({ token: T.good, requiredScopes: 'repo:everything, email' });
    expect(codes(r)).toEqual(['scope.unknown:error', 'scope.unknown:error']);
    expect(r.findings[0]!.message).toContain('"repo:everything" is not a Bitbucket Cloud scope');
    expect(r.findings[1]!.message).toContain('has no equivalent for this token type (Atlassian API token)');
  });

  it('403 on /2.0/user: the credential is valid, the identity unknown, not rejected', async () => {
    const r = await check({ token: T.noUser, project: 'fabrikam/web-app', requiredScopes: 'read:repository:bitbucket' });
    expect(r.outcome).toBe('passed');
    expect(r.identity).toBeNull();
    const note = r.findings.find((f) => f.code === 'token.identity')!;
    expect([note.severity, note.message]).toEqual(['info', expect.stringContaining('lacks read:user:bitbucket')]);
    expect(r.scopes.verified).toEqual(['read:repository:bitbucket']);
  });

  it('without x-oauth-scopes, read scopes are proven by GETs and the rest is unverifiable', async () => {
    const r = await check({
      token: T.noHeader,
      project: 'fabrikam/web-app',
      requiredScopes: 'read:pullrequest:bitbucket, read:pipeline:bitbucket, write:repository:bitbucket, read:user:bitbucket',
    });
    expect(r.scopes).toEqual({
      required: ['read:pullrequest:bitbucket', 'read:pipeline:bitbucket', 'write:repository:bitbucket', 'read:user:bitbucket'],
      verified: ['read:pullrequest:bitbucket', 'read:user:bitbucket'],
      missing: ['read:pipeline:bitbucket'],
      unverifiable: ['write:repository:bitbucket'],
    });
    expect(codes(r)).toEqual(['scope.missing:error', 'scope.unverifiable:warning']);
    expect(r.findings[0]!.message).toContain('denied for lack of scope (403)');
    expect(all(r)).not.toContain('scope.granted');
  });

  it('without x-oauth-scopes, Webhooks: Read is proven by the repository hooks list, and denied without it', async () => {
    const scopes = 'Webhooks: Read';
    const granted = await check({ token: T.hooks, project: 'fabrikam/web-app', requiredScopes: scopes });
    expect([granted.outcome, granted.scopes.verified]).toEqual(['passed', ['read:webhook:bitbucket']]);
    expect(paths()).toContain('/2.0/repositories/fabrikam/web-app/hooks?pagelen=1');
    const denied = await check({ token: T.noHeader, project: 'fabrikam/web-app', requiredScopes: scopes });
    expect([codes(denied), denied.scopes.missing]).toEqual([['scope.missing:error'], ['read:webhook:bitbucket']]);
    // The 403's `error.detail.granted` (third-party reports only) is quoted as what Bitbucket said.
    expect(denied.findings[0]!.message).toContain(
      'Bitbucket says the credential carries "read:user:bitbucket, read:workspace:bitbucket, read:repository:bitbucket, read:pullrequest:bitbucket"',
    );
    const noRepo = await check({ token: T.hooks, project: 'fabrikam', requiredScopes: scopes });
    expect(noRepo.scopes.unverifiable).toEqual(['read:webhook:bitbucket']);
  });

  it('a missing user scope is scope.missing when it is required', async () => {
    const r = await check({ token: T.noUser, requiredScopes: 'Account: Read' });
    expect(codes(r)).toEqual(['scope.missing:error']);
    expect(r.scopes.missing).toEqual(['read:user:bitbucket']);
  });

  it('costs two round trips: identity, then the lookups and every probe at once', async () => {
    // Every API-token read scope with a probe: the /2.0/user answer of round 1 doubles as the account's.
    const reads = BITBUCKET_PERMISSIONS.filter((p) => p.probe && p.apiToken).map((p) => p.apiToken!);
    // repository, workspace, projects, pullrequests, pipelines, issues, hooks, snippets, runners, ssh-keys, gpg-keys
    // (e-mail addresses have no API-token scope of their own).
    const wave = 11;
    emu.fault({ type: 'barrier', count: wave }, { path: /^\/2\.0\/(?!user$)/ });
    const r = await check({ token: T.noHeader, project: 'fabrikam/web-app', requiredScopes: reads.join(', ') });
    expect(r.scopes.verified).toEqual(
      expect.arrayContaining(['read:pullrequest:bitbucket', 'read:workspace:bitbucket', 'read:repository:bitbucket']),
    );
    const [identity, ...second] = emu.requests;
    expect(identity!.path).toBe('/2.0/user');
    expect(second).toHaveLength(wave);
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(Math.min(...second.map((q) => q.seq))).toBeGreaterThan(identity!.requestsSeenAtAnswer!);
    expect(Math.max(...second.map((q) => q.seq))).toBeLessThanOrEqual(Math.min(...second.map((q) => q.requestsSeenAtAnswer!)));
  });

  it('rejected (401 with the Bitbucket realm): likely causes in order', async () => {
    const r = await check({ token: T.revoked, project: 'fabrikam/web-app' });
    expect(codes(r)).toEqual(['token.rejected:error']);
    const m = r.findings[0]!.message;
    expect(m).toContain('WWW-Authenticate: Basic realm="Bitbucket.org HTTP"');
    expect(m.indexOf('revoked')).toBeLessThan(m.indexOf('not the e-mail'));
    expect(m.indexOf('not the e-mail')).toBeLessThan(m.indexOf('without Bitbucket scopes'));
    // A rejected Basic credential is not sent again.
    expect(paths()).toEqual(['/2.0/user']);
  });

  it('a user name that is not an e-mail puts that cause first', async () => {
    const r = await check({ token: T.good, username: 'faketester' });
    expect(codes(r)).toEqual(['token.rejected:error', 'config.username:warning']);
    const m = r.findings.find((f) => f.code === 'token.rejected')!.message;
    expect(m).toMatch(/\(1\) the user name is not the e-mail/);
  });

  it('a wrong e-mail and a token created without scopes are rejected the same way', async () => {
    expect(codes(await check({ token: T.good, username: 'someone.else@example.test' }))).toEqual(['token.rejected:error']);
    const r = await check({ token: T.unscoped });
    expect(codes(r)).toEqual(['token.rejected:error']);
    expect(r.findings[0]!.message).toContain('Token is invalid, expired, or not supported for this endpoint.');
  });

  it('a missing user name is config.username, and nothing is sent', async () => {
    const r = await check({ token: T.good, username: '' });
    expect(codes(r)).toEqual(['config.username:error']);
    expect(all(r)).toContain('online.skipped');
    expect(emu.requests).toHaveLength(0);
  });

  it('the user name is trimmed, and the Basic form of the trimmed name is masked', async () => {
    const r = await check({ token: T.good, username: `  ${EMAIL}\n` });
    expect(r.outcome).toBe('passed');
    const forms = secretForms(T.good, `  ${EMAIL}\n`);
    expect(forms).toContain(Buffer.from(`${EMAIL}:${T.good}`).toString('base64'));
  });
});

describe('projects: workspace and repository lookups', () => {
  it('an unknown workspace is url.org-not-found', async () => {
    const r = await check({ token: T.good, project: 'nosuchspace/web-app' });
    expect(codes(r)).toEqual(['url.org-not-found:error']);
    expect(r.findings[0]!.message).toContain('"nosuchspace"');
    expect(codes(await check({ token: T.good, project: 'nosuchspace' }))).toEqual(['url.org-not-found:error']);
  });

  it('an unknown repository is project.not-found: missing or no access, both said', async () => {
    const r = await check({ token: T.good, project: 'fabrikam/web-ap' });
    expect(codes(r)).toEqual(['project.not-found:error']);
    expect(r.findings[0]!.message).toMatch(/does not exist, or the account has no access/);
    // A third request only to explain the miss: the names the token can see.
    expect(r.findings[0]!.message).toContain('Closest names the token can see: "fabrikam/web-app"');
    expect(r.findings[0]!.hint).toBe('Use the exact repository slug, e.g. "fabrikam/web-app".');
    expect(paths()).toEqual([
      '/2.0/user',
      '/2.0/repositories/fabrikam/web-ap',
      '/2.0/workspaces/fabrikam',
      '/2.0/repositories/fabrikam?pagelen=100',
    ]);
    const far = await check({ token: T.good, project: 'fabrikam/completely-different' });
    expect(far.findings[0]!.message).not.toContain('Closest');
  });

  it('different casing is project.case-mismatch with the exact name', async () => {
    const r = await check({ token: T.good, project: 'fabrikam/Web-App' });
    expect(codes(r)).toEqual(['project.case-mismatch:error']);
    expect(r.project.canonical).toBe('fabrikam/web-app');
    expect(r.findings[0]!.hint).toBe('Use "fabrikam/web-app" exactly.');
    const w = await check({ token: T.good, project: 'Fabrikam' });
    expect(codes(w)).toEqual(['project.case-mismatch:error']);
    expect(w.project.canonical).toBe('fabrikam');
  });

  it('a {uuid} in place of a slug is no casing problem; the slug beside it is still compared exactly', async () => {
    const byUuid = await check({ token: T.good, project: '{fabrikam-uuid}/web-app' });
    expect([byUuid.outcome, codes(byUuid), byUuid.project.canonical]).toEqual(['passed', [], 'fabrikam/web-app']);
    const ws = await check({ token: T.good, project: '{fabrikam-uuid}' });
    expect([ws.outcome, codes(ws), ws.project.canonical]).toEqual(['passed', [], 'fabrikam']);
    const repoUuid = await check({ token: T.good, project: 'Fabrikam/{fabrikam-web-app-uuid}' });
    expect(codes(repoUuid)).toEqual(['project.case-mismatch:error']);
    expect(repoUuid.findings.find((f) => f.code === 'project.case-mismatch')!.message).toContain('exists as "fabrikam/web-app"');
  });

  it('a private repository the account cannot read (403) is a missing permission', async () => {
    const r = await check({ token: T.good, project: 'fabrikam/secret-repo' });
    expect(codes(r)).toEqual(['scope.missing:error']);
    expect(r.findings[0]!.message).toContain('no permission to read the repository "fabrikam/secret-repo"');
  });

  it('a workspace the account is not a member of', async () => {
    const r = await check({ token: T.outsider, username: 'outsider@example.test', project: 'fabrikam' });
    expect(r.outcome).toBe('passed'); // public repositories are listed; the workspace exists
    const s = await check({ token: T.outsider, username: 'outsider@example.test', project: 'fabrikam/secret-repo' });
    expect(codes(s)).toEqual(['scope.missing:error']);
  });

  it('a lookup denied for lack of scope names the scope', async () => {
    const r = await check({ token: T.writeOnly, project: 'fabrikam/web-app' });
    expect(codes(r)).toEqual(['scope.missing:error']);
    expect(r.findings[0]!.message).toContain('lacks read:repository:bitbucket (403)');
  });

  it('the project can come from a bitbucket.org URL', async () => {
    const r = await check({ token: T.good, url: 'https://bitbucket.org/fabrikam/web-app' });
    expect(r.project).toEqual({ requested: 'fabrikam/web-app', canonical: 'fabrikam/web-app' });
    expect(codes(r)).toEqual(['url.extra-path:warning']);
    expect(r.outcome).toBe('warned');
  });

  it('a project that is neither workspace nor workspace/repo is config.invalid, without a lookup', async () => {
    const r = await check({ token: T.good, project: 'a/b/c' });
    expect(codes(r)).toEqual(['config.invalid:error']);
    expect(emu.requests).toHaveLength(0);
    const clone = await check({ token: T.good, project: 'https://deploy-user:FAKE-OTHER-PASSWORD@bitbucket.org/fabrikam/web-app.git' });
    expect(codes(clone)).toEqual(['config.invalid:error']);
    expect(clone.findings.map((f) => `${f.message} ${f.hint}`).join('\n')).not.toMatch(/FAKE-OTHER-PASSWORD|deploy-user/);
    // Beside a URL that names another project too, and anywhere in the report.
    const both = await check({
      token: T.good,
      url: 'https://bitbucket.org/fabrikam/web-app',
      project: 'https://deploy-user:FAKE-OTHER-PASSWORD@bitbucket.org/fabrikam/web-app.git',
    });
    expect(all(both)).toContain('project.info');
    expect(JSON.stringify(both)).not.toMatch(/FAKE-OTHER-PASSWORD|deploy-user/);
  });
});

describe('access tokens (Bearer, pseudo-user)', () => {
  it('never calls /2.0/user; type and scopes come from the headers, with the OAuth hierarchy', async () => {
    const r = await check({
      token: T.repoToken,
      username: '',
      project: 'fabrikam/web-app',
      requiredScopes: 'repository, repository:write, pullrequest, pipeline, pipeline:write',
    });
    expect(r.identity).toEqual({ name: 'repository access token', id: 'repo_access_token' });
    // pullrequest:write implies pullrequest, repository:write and repository.
    expect(r.scopes).toEqual({
      required: ['repository', 'repository:write', 'pullrequest', 'pipeline', 'pipeline:write'],
      verified: ['repository', 'repository:write', 'pullrequest', 'pipeline'],
      missing: ['pipeline:write'],
      unverifiable: [],
    });
    expect(codes(r)).toEqual(['scope.missing:error']);
    expect(r.findings[0]!.hint).toContain('Access tokens');
    expect(emu.requests.every((q) => q.authScheme === 'Bearer')).toBe(true);
    expect(paths()).not.toContain('/2.0/user');
    expect(paths()).toEqual(['/2.0/repositories/fabrikam/web-app', '/2.0/repositories/fabrikam?pagelen=1']);
  });

  it('API-token scope names are translated for access tokens', async () => {
    const r = await check({ token: T.repoToken, username: '', project: 'fabrikam/web-app', requiredScopes: 'read:repository:bitbucket' });
    expect([r.outcome, r.scopes.verified]).toEqual(['passed', ['repository']]);
  });

  it('without the header: one more round of read probes', async () => {
    const r = await check({
      token: T.repoTokenNoHeader,
      username: '',
      project: 'fabrikam/web-app',
      requiredScopes: 'pullrequest, pipeline, repository:write',
    });
    expect(r.scopes).toEqual({
      required: ['pullrequest', 'pipeline', 'repository:write'],
      verified: ['pullrequest'],
      missing: ['pipeline'],
      unverifiable: ['repository:write'],
    });
    expect(codes(r)).toEqual(['scope.missing:error', 'scope.unverifiable:warning']);
  });

  it("pullrequest and project each imply repository (Atlassian's scope pages), from the header or by a read", async () => {
    const pr = await check({ token: T.prOnly, username: '', project: 'fabrikam/web-app', requiredScopes: 'repository, pullrequest' });
    expect([pr.outcome, pr.scopes.verified, pr.scopes.missing]).toEqual(['passed', ['repository', 'pullrequest'], []]);
    const project = await check({ token: T.projectToken, username: '', project: 'fabrikam/web-app', requiredScopes: 'repository' });
    expect([project.outcome, project.scopes.verified, project.scopes.missing]).toEqual(['passed', ['repository'], []]);
    // Without the header the repository read itself is the proof (the emulator's own table lets `project` read).
    const probed = await check({ token: T.projectNoHeader, username: '', project: 'fabrikam/web-app', requiredScopes: 'repository' });
    expect([probed.outcome, probed.scopes.verified, probed.scopes.missing]).toEqual(['passed', ['repository'], []]);
  });

  it("another repository is out of the token's reach", async () => {
    const r = await check({ token: T.repoToken, username: '', project: 'fabrikam/secret-repo' });
    expect(codes(r)).toEqual(['scope.missing:error']);
    expect(r.findings[0]!.hint).toContain('access token created for this repository');
  });

  it('no project: the repository listing proves the token', async () => {
    const r = await check({ token: T.repoToken, username: '' });
    expect([r.outcome, r.identity?.name]).toEqual(['passed', 'repository access token']);
    expect(paths()).toEqual(['/2.0/repositories?role=member&pagelen=1']);
  });

  it('an unknown access token is token.rejected with access-token causes', async () => {
    const r = await check({ token: T.unknownAccess, username: '', project: 'fabrikam/web-app' });
    expect(codes(r)).toEqual(['token.rejected:error']);
    expect(r.findings[0]!.message).toContain('deleted');
  });
});

describe('app passwords (retired)', () => {
  const BEFORE_BROWNOUT = new Date(Date.UTC(2026, 4, 1));
  it('before the brownouts: a warning, Basic with the Bitbucket user name, checked online', async () => {
    const r = await check(
      { token: T.appPassword, username: 'faketester', project: 'fabrikam/web-app', requiredScopes: 'repository' },
      undefined,
      BEFORE_BROWNOUT,
    );
    expect([r.outcome, codes(r)]).toEqual(['warned', ['token.retired:warning']]);
    expect([r.identity?.name, r.scopes.verified]).toEqual(['Fake Test User', ['repository']]);
    expect(emu.requests.every((q) => q.authScheme === 'Basic')).toBe(true);
    // The e-mail does not work with app passwords: said offline, nothing sent.
    emu.clearLog();
    const e = await check({ token: T.appPassword, username: EMAIL }, undefined, BEFORE_BROWNOUT);
    expect(codes(e)).toEqual(['config.username:error', 'token.retired:warning']);
    expect(emu.requests).toHaveLength(0);
    // Without a user name Bitbucket refuses it; the causes start with the retirement.
    const none = await check({ token: T.appPassword, username: '' }, undefined, BEFORE_BROWNOUT);
    expect(codes(none)).toEqual(['token.rejected:error', 'token.retired:warning']);
    expect(none.findings[0]!.message).toMatch(/\(1\) the app password may already have been disabled \(app passwords are being retired/);
  });

  it('without x-oauth-scopes, Account: Email is proven by GET /2.0/user/emails, and denied without it', async () => {
    const inputs = { username: 'faketester', requiredScopes: 'Account: Email' };
    const granted = await check({ token: T.emailApp, ...inputs }, undefined, BEFORE_BROWNOUT);
    expect(granted.scopes.verified).toEqual(['email']);
    expect(paths()).toContain('/2.0/user/emails?pagelen=1');
    const denied = await check({ token: T.noEmailApp, ...inputs }, undefined, BEFORE_BROWNOUT);
    expect(denied.scopes.missing).toEqual(['email']);
  });

  it('fail offline as token.retired with the migration steps; nothing is sent', async () => {
    const r = await check({ token: T.appPassword, username: 'faketester' });
    expect(codes(r)).toEqual(['token.retired:error']);
    expect(r.findings[0]!.hint).toContain('API token');
    expect(all(r)).toContain('online.skipped');
    expect(emu.requests).toHaveLength(0);
  });
});

describe('network trouble is never a verdict on the token', () => {
  it('retries a 429 and passes', async () => {
    emu.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { path: '/2.0/user', times: 1 });
    const r = await check({ token: T.good, project: 'fabrikam/web-app' });
    expect(r.outcome).toBe('passed');
    expect(emu.requests.filter((q) => q.path === '/2.0/user')).toHaveLength(2);
  });

  it('429 beyond the retries is network.rate-limited (unverified)', async () => {
    emu.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { path: '/2.0/', times: Infinity });
    const r = await check({ token: T.good, project: 'fabrikam/web-app' });
    expect([r.outcome, codes(r)]).toEqual(['unverified', ['network.rate-limited:error']]);
  });

  it('429 on the repository lookup after a good identity', async () => {
    emu.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { path: '/2.0/repositories/', times: Infinity });
    const r = await check({ token: T.good, project: 'fabrikam/web-app' });
    expect([r.outcome, codes(r)]).toEqual(['unverified', ['network.rate-limited:error']]);
  });

  it.each([
    ['5xx', { type: 'status', status: 503 } as const, 'network.unexpected-response'],
    ['an HTML portal page', { type: 'htmlPortal' } as const, 'network.unexpected-response'],
    ['truncated JSON', { type: 'truncatedJson' } as const, 'network.unexpected-response'],
    ['a dropped connection', { type: 'drop', at: 'start' } as const, 'network.unreachable'],
    ['a redirect', { type: 'redirect', location: 'https://evil.example/steal' } as const, 'network.unexpected-response'],
  ])('%s → unverified', async (_name, fault, code) => {
    emu.fault(fault, { path: '/2.0/', times: Infinity });
    const r = await check({ token: T.good, project: 'fabrikam/web-app' });
    expect([r.outcome, codes(r)]).toEqual(['unverified', [`${code}:error`]]);
  });

  it('access tokens too', async () => {
    emu.fault({ type: 'status', status: 502 }, { path: '/2.0/', times: Infinity });
    const r = await check({ token: T.repoToken, username: '', project: 'fabrikam/web-app' });
    expect([r.outcome, codes(r)]).toEqual(['unverified', ['network.unexpected-response:error']]);
  });

  it('an untrusted certificate is network.tls', async () => {
    const untrusting = emulatorDispatcher(emu, { ca: getTestTls().otherCaPem });
    try {
      const r = await check({ token: T.good }, untrusting);
      expect([r.outcome, codes(r)]).toEqual(['unverified', ['network.tls:error']]);
    } finally {
      await untrusting.close();
    }
  });
});

describe('scope catalogue', () => {
  it('OAuth implications follow Atlassian: write implies read, admin implies nothing', () => {
    expect([...effectiveScopes(['pullrequest:write'], 'oauth')].sort()).toEqual([
      'pullrequest',
      'pullrequest:write',
      'repository',
      'repository:write',
    ]);
    expect([...effectiveScopes(['repository:admin'], 'oauth')]).toEqual(['repository:admin']);
    expect([...effectiveScopes(['write:repository:bitbucket'], 'api-token')]).toEqual(['write:repository:bitbucket']);
  });

  it('reads the header and the portal names', () => {
    expect(parseScopeHeader('repository:write, pullrequest')).toEqual(['repository:write', 'pullrequest']);
    expect(parseScopeHeader(undefined)).toBeUndefined();
    expect(parseScopeHeader(' ')).toBeUndefined();
    expect(findBitbucketPermission('pull requests : read')?.apiToken).toBe('read:pullrequest:bitbucket');
    expect(findBitbucketPermission('REPOSITORY:WRITE')?.portal).toBe('Repositories: Write');
  });
});
