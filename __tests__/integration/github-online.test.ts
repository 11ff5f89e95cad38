/**
 * GitHub online checks through runPreflight against the local GitHub emulator: the real HTTP client,
 * TLS with the test CA, api.github.com routed by an injected dispatcher, GHES on 127.0.0.1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request, type Agent } from 'undici';
import type { PreflightDeps } from '../../src/core/preflight.js';
import type { Report } from '../../src/core/report.js';
import type { RawInputs } from '../../src/core/request.js';
import { parseExpirationHeader } from '../../src/core/providers/github/interpret.js';
import {
  classicParents,
  describeAccepted,
  expandClassic,
  GITHUB_PERMISSIONS,
  hasRight,
  parseRequired,
} from '../../src/core/providers/github/scopes.js';
import { mintGitHubClassic, mintGitHubFineGrained, mintGitHubStatelessInstallation } from '../../src/core/providers/github/synthetic.js';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { startGitHubEmulator, type GitHubEmulator, type GitHubRepoSpec, type GitHubTokenSpec } from '../emulators/github.js';
import { getTestTls } from '../emulators/tls.js';
import { allCodes as all, findingText as text, onlineDeps, preflight, TEST_HTTP, verdictCodes as codes } from '../support/online.js';
import { fill, leaks } from '../support/tokens.js';

const NOW = new Date();
const day = (n: number): Date => new Date(NOW.getTime() + n * 86_400_000);
/** `YYYY-MM-DD HH:MM:SS UTC`, the classic PAT form. */
const utcHeader = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
/** `YYYY-MM-DD HH:MM:SS +0100`, the other form (same instant, written in UTC+1). */
const offsetHeader = (d: Date): string => `${new Date(d.getTime() + 3_600_000).toISOString().slice(0, 19).replace('T', ' ')} +0100`;

const classic = (word: string): string => mintGitHubClassic('ghp', fill(word, 30));
const CLASSIC = classic('FAKEx0CLASSICx0GOODx0NOTxREAL');
const NARROW = classic('FAKEx0CLASSICx0NARROWx0NOTREAL');
const EXPIRING = classic('FAKEx0CLASSICx0SOONx0NOTxREAL');
const FOREVER = classic('FAKEx0CLASSICx0FOREVERx0NOTREAL');
const READER = classic('FAKEx0CLASSICx0READERx0NOTREAL');
const UNKNOWN = classic('FAKEx0UNKNOWNx0TOKENx0NOTxREAL');
const LOCKED = classic('FAKEx0LOCKEDx0OUTx0TOKENxNOTREAL');
const SSO = classic('FAKEx0SSOx0UNAUTHORISEDx0NOTREAL');
const OAUTH = mintGitHubClassic('gho', fill('FAKEx0OAUTHx0TOKENx0NOTxREAL', 30));
const USER_TO_SERVER = mintGitHubClassic('ghu', fill('FAKEx0APPx0USERx0TOKENx0NOTREAL', 30));
const FINE = mintGitHubFineGrained(fill('11FAKE0TEST0FINE0GOOD0', 22), fill('FAKEx0FINEx0GRAINEDx0TESTx0TOKENx0NOTxREAL', 43), 'FAKETAIL');
const FINE_READER = mintGitHubFineGrained(
  fill('11FAKE0TEST0FINE0READ0', 22),
  fill('FAKEx0FINEx0READERx0TESTx0TOKENx0NOTxREAL', 43),
  'FAKETAIL',
);
const INSTALL = mintGitHubClassic('ghs', fill('FAKEx0INSTALLATIONx0NOTxREAL', 30));
const STATELESS = mintGitHubStatelessInstallation(424242);

const ALICE = 'fake-alice';
const tokens: Record<string, GitHubTokenSpec> = {
  [CLASSIC]: { kind: 'classic', login: ALICE, scopes: ['repo', 'admin:org', 'workflow'], expiration: utcHeader(day(90)) },
  [NARROW]: { kind: 'classic', login: ALICE, scopes: ['public_repo', 'read:user'], expiration: utcHeader(day(90)) },
  [EXPIRING]: { kind: 'classic', login: ALICE, scopes: ['repo'], expiration: offsetHeader(day(3)) },
  [FOREVER]: { kind: 'classic', login: ALICE, scopes: ['repo'] },
  [READER]: { kind: 'classic', login: 'fake-reader', scopes: ['repo'], expiration: utcHeader(day(90)) },
  [LOCKED]: { kind: 'classic', login: ALICE, scopes: ['repo'], lockedOut: true },
  [SSO]: { kind: 'classic', login: ALICE, scopes: ['repo'], ssoUnauthorized: ['fake-octo-org'], expiration: utcHeader(day(90)) },
  [OAUTH]: { kind: 'oauth', login: ALICE, scopes: ['repo', 'read:org'] },
  [USER_TO_SERVER]: {
    kind: 'user-to-server',
    login: ALICE,
    permissions: { contents: 'read', metadata: 'read' },
    expiration: offsetHeader(new Date(NOW.getTime() + 8 * 3_600_000)),
  },
  [FINE]: {
    kind: 'fine-grained',
    login: ALICE,
    repositories: ['fake-octo-org/hello-world', 'fake-octo-org/private-stuff'],
    permissions: { contents: 'read', metadata: 'read', issues: 'write' },
    expiration: offsetHeader(day(60)),
  },
  [FINE_READER]: {
    kind: 'fine-grained',
    login: 'fake-reader',
    repositories: 'all',
    permissions: { contents: 'write', metadata: 'read' },
    expiration: offsetHeader(day(60)),
  },
  [INSTALL]: {
    kind: 'installation',
    repositories: ['fake-octo-org/hello-world', 'fake-octo-org/hello-world-docs'],
    permissions: { contents: 'write', metadata: 'read', actions: 'read' },
    expiration: offsetHeader(new Date(NOW.getTime() + 3_600_000)),
  },
  [STATELESS]: { kind: 'installation', repositories: ['fake-octo-org/hello-world'], permissions: { metadata: 'read' } },
};
const repos: GitHubRepoSpec[] = [
  {
    id: 1001,
    fullName: 'fake-octo-org/hello-world',
    collaborators: { [ALICE]: 'admin', 'fake-reader': 'pull' },
    previousNames: ['fake-octo-org/hello-old'],
  },
  { id: 1002, fullName: 'fake-octo-org/hello-world-docs', archived: true },
  { id: 1003, fullName: 'fake-octo-org/private-stuff', private: true, collaborators: { [ALICE]: 'push' } },
  { id: 1004, fullName: 'fake-octo-org/secret-sauce', private: true },
  { id: 1005, fullName: 'fake-octo-org/empty-one', empty: true, collaborators: { [ALICE]: 'admin' } },
];

let emu: GitHubEmulator;
let dispatcher: Agent;

beforeAll(async () => {
  emu = await startGitHubEmulator({ tokens, repos, users: { [ALICE]: 4242, 'fake-reader': 4343 }, ghesVersion: '3.19.2' });
  dispatcher = emu.dispatcher();
});
afterEach(() => emu.clearFaults());
afterAll(async () => {
  await dispatcher.close();
  await emu.close();
});

const check = (inputs: RawInputs, d: Agent = dispatcher, log?: PreflightDeps['log']): Promise<Report> =>
  preflight({ provider: 'github', ...inputs }, onlineDeps(NOW, d, { log }));
const since = (n: number) => emu.requests.slice(n);

describe('identity', () => {
  it('classic PAT: login, granted scopes, provider expiry, exact repository, Bearer only to api.github.com', async () => {
    const before = emu.requests.length;
    const r = await check({ token: CLASSIC, project: 'fake-octo-org/hello-world', requiredScopes: 'repo, read:org, public_repo' });
    expect(r.outcome).toBe('passed');
    expect(r.identity).toEqual({ name: ALICE, id: '4242' });
    expect(r.project).toEqual({ requested: 'fake-octo-org/hello-world', canonical: 'fake-octo-org/hello-world' });
    expect(r.scopes).toEqual({
      required: ['repo', 'read:org', 'public_repo'],
      verified: ['repo', 'read:org', 'public_repo'],
      missing: [],
      unverifiable: [],
    });
    expect(text(r, 'scope.granted')).toContain('repo, admin:org, workflow');
    // One note for every verified scope, each with how it was proven.
    expect(r.findings.filter((f) => f.code === 'scope.verified')).toHaveLength(1);
    expect(text(r, 'scope.verified')).toMatch(
      /^Verified: repo \(.*\); read:org \(the token carries admin:org, which includes it.*\); public_repo \(/,
    );
    expect([r.expirySource, r.daysRemaining]).toEqual(['provider', 89]);
    expect(Math.abs(Date.parse(r.expiresAt!) - day(90).getTime())).toBeLessThan(1000);
    const sent = since(before);
    expect(sent.map((q) => q.path)).toEqual(['/user', '/repos/fake-octo-org/hello-world']);
    expect(sent.every((q) => q.method === 'GET' && q.host === 'api.github.com' && q.authScheme === 'Bearer')).toBe(true);
    expect(leaks(JSON.stringify(r), CLASSIC)).toEqual([]);
  });

  it('installation tokens (40-character and stateless) identify through /installation/repositories, never /user', async () => {
    const before = emu.requests.length;
    const r = await check({
      token: INSTALL,
      project: 'fake-octo-org/hello-world',
      requiredScopes: 'contents:read, actions:read, metadata:read',
    });
    expect(r.outcome).toBe('passed');
    expect(r.identity?.name).toBe('GitHub App installation (2 repositories)');
    expect(r.scopes.verified).toEqual(['contents:read', 'actions:read', 'metadata:read']);
    const s = await check({ token: STATELESS, project: 'fake-octo-org/hello-world' });
    expect([s.outcome, s.tokenKind, s.identity?.name]).toEqual([
      'passed',
      'github.installation-stateless',
      'GitHub App installation (1 repository)',
    ]);
    expect(since(before).some((q) => q.path === '/user')).toBe(false);
    expect(since(before).filter((q) => q.path === '/installation/repositories')).toHaveLength(2);
    // A one-hour installation token is not "expiring" against a threshold in days.
    expect(all(r)).not.toContain('token.expiring');
    expect(r.expirySource).toBe('provider');
  });

  it('401 Bad credentials → token.rejected with the causes in order; never a guess at which', async () => {
    const r = await check({ token: UNKNOWN });
    expect(codes(r)).toEqual(['token.rejected:error']);
    expect(r.findings[0]!.message).toMatch(
      /\(1\) it was revoked.*\(2\) it expired.*\(3\) it was mistyped.*\(4\) it was created on another GitHub host/,
    );
    expect(r.findings[0]!.message).toMatch(/request id [0-9A-F]+:[0-9A-F]+:FAKE:TEST/);
    const refresh = await check({ token: mintGitHubClassic('ghr', fill('FAKEx0REFRESHx0TOKENx0NOTxREAL', 70)) });
    expect(codes(refresh)).toEqual(['token.rejected:error', 'token.wrong-kind:warning']);
    expect(refresh.findings[0]!.message).toContain('(1) it is a GitHub App refresh token');
    const statelessOnGhes = await check({
      token: mintGitHubStatelessInstallation(777, { iss: 'FAKE-OTHER', note: 'NOT REAL' }),
      url: emu.ghesUrl,
    });
    expect(statelessOnGhes.findings[0]!.message).toContain('(1) GitHub Enterprise Server does not issue stateless installation tokens');
    const i = await check({ token: mintGitHubClassic('ghs', fill('FAKEx0GONEx0INSTALLx0NOTxREAL', 30)) });
    expect(codes(i)).toEqual(['token.rejected:error']);
    expect(i.findings[0]!.message).toMatch(/\(1\) it expired: installation tokens live one hour/);
  });

  it('403 failed-login lockout → token.rejected explaining the lockout', async () => {
    const r = await check({ token: LOCKED });
    expect(codes(r)).toEqual(['token.rejected:error']);
    expect(r.findings[0]!.message).toContain('Maximum number of login attempts exceeded');
  });

  it('no expiry header on a PAT → token.no-expiry; the ±HHMM form turns into token.expiring', async () => {
    const forever = await check({ token: FOREVER });
    expect([forever.outcome, forever.expiresAt]).toEqual(['passed', null]);
    expect(all(forever)).toContain('token.no-expiry');
    const soon = await check({ token: EXPIRING });
    expect(codes(soon)).toEqual(['token.expiring:warning']);
    expect([soon.expirySource, soon.daysRemaining]).toEqual(['provider', 2]);
    expect(Math.abs(Date.parse(soon.expiresAt!) - day(3).getTime())).toBeLessThan(1000);
  });
});

describe('classic scopes', () => {
  it('scope.missing names exactly what to add (and the scopes that include it)', async () => {
    const r = await check({ token: NARROW, requiredScopes: 'repo, read:org, public_repo, read:user' });
    expect(r.scopes).toEqual({
      required: ['repo', 'read:org', 'public_repo', 'read:user'],
      verified: ['public_repo', 'read:user'],
      missing: ['repo', 'read:org'],
      unverifiable: [],
    });
    expect(codes(r)).toEqual(['scope.missing:error', 'scope.missing:error']);
    const missing = text(r, 'scope.missing');
    expect(missing).toContain('tick `repo`');
    expect(missing).toContain('tick `read:org` (or a scope that includes it: write:org, admin:org)');
    expect(missing).toContain('it carries public_repo, read:user');
  });

  it('OAuth tokens read scopes too; App user tokens have none to compare (classic scope → unverifiable)', async () => {
    const o = await check({ token: OAUTH, requiredScopes: 'read:org, workflow' });
    expect([o.scopes.verified, o.scopes.missing]).toEqual([['read:org'], ['workflow']]);
    expect(text(o, 'scope.missing')).toContain('Authorise the OAuth app again');
    const u = await check({ token: USER_TO_SERVER, requiredScopes: 'repo' });
    expect(codes(u)).toEqual(['scope.unverifiable:warning']);
    expect(all(u)).not.toContain('scope.granted');
  });

  it("contents:write on a classic token: proven by the scope and the user's push right, refused without it", async () => {
    const ok = await check({ token: CLASSIC, project: 'fake-octo-org/hello-world', requiredScopes: 'contents:write' });
    expect([ok.outcome, ok.scopes.verified]).toEqual(['passed', ['contents:write']]);
    expect(text(ok, 'scope.verified')).toMatch(/carries `repo`.*push access/);
    const reader = await check({ token: READER, project: 'fake-octo-org/hello-world', requiredScopes: 'contents:write, contents:read' });
    expect(reader.scopes).toMatchObject({ verified: ['contents:read'], missing: ['contents:write'] });
    expect(text(reader, 'scope.missing')).toContain('has no push access');
    const narrow = await check({ token: NARROW, project: 'fake-octo-org/hello-world', requiredScopes: 'workflows:write' });
    expect(text(narrow, 'scope.missing')).toContain('tick `workflow`');
    // public_repo writes to public repositories: proven for a known public one, not without a repository.
    const publicRepo = await check({ token: NARROW, project: 'fake-octo-org/hello-world', requiredScopes: 'contents:write' });
    expect(publicRepo.scopes.verified).toEqual(['contents:write']);
    const noRepo = await check({ token: NARROW, requiredScopes: 'contents:write' });
    expect(noRepo.scopes.unverifiable).toEqual(['contents:write']);
    expect(text(noRepo, 'scope.unverifiable')).toContain('covers public repositories only');
  });
});

describe('fine-grained and App permissions', () => {
  it('proves each read with a GET, explains a 403 with X-Accepted-GitHub-Permissions, never proves a write', async () => {
    const before = emu.requests.length;
    const r = await check({
      token: FINE,
      project: 'fake-octo-org/hello-world',
      requiredScopes: 'contents:read, metadata:read, pull-requests: read, Issues: Read and write, contents:write',
    });
    expect(r.scopes).toEqual({
      required: ['contents:read', 'metadata:read', 'pull_requests:read', 'issues:write', 'contents:write'],
      verified: ['contents:read', 'metadata:read'],
      missing: ['pull_requests:read'],
      unverifiable: ['issues:write', 'contents:write'],
    });
    expect(text(r, 'scope.missing')).toContain('GitHub says it needs pull_requests: read');
    expect(text(r, 'scope.missing')).toContain('Pull requests to Read-only');
    expect(text(r, 'scope.unverifiable')).toContain('cannot be proven without writing; its read half is confirmed');
    expect(since(before).every((q) => q.method === 'GET')).toBe(true);
    expect(r.outcome).toBe('failed');
  });

  it("a write level is refused when the token's user lacks the role; the user's role alone proves nothing", async () => {
    const reader = await check({ token: FINE_READER, project: 'fake-octo-org/hello-world', requiredScopes: 'contents:write' });
    expect(codes(reader)).toEqual(['scope.missing:error']);
    expect(text(reader, 'scope.missing')).toContain('never has more rights than its user');
    const admin = await check({ token: FINE, project: 'fake-octo-org/hello-world', requiredScopes: 'contents:write' });
    expect(codes(admin)).toEqual(['scope.unverifiable:warning']);
    expect(text(admin, 'scope.unverifiable')).toContain("that is the user's right, not proof of the token's permission");
  });

  it('an organisation permission on a user-owned repository says the owner is no organisation, not that a feature is off', async () => {
    const r = await check({ token: FINE, project: `${ALICE}/dotfiles`, requiredScopes: 'members:read' });
    expect(r.scopes.unverifiable).toEqual(['members:read']);
    expect(text(r, 'scope.unverifiable')).toContain(`answered 404: "${ALICE}" is not an organisation the token can see`);
    expect(text(r, 'scope.unverifiable')).not.toContain('turned off');
  });

  it('installation token lacking a permission gets the App / GITHUB_TOKEN hint', async () => {
    const r = await check({ token: STATELESS, project: 'fake-octo-org/hello-world', requiredScopes: 'issues:read' });
    expect(codes(r)).toEqual(['scope.missing:error']);
    expect(text(r, 'scope.missing')).toContain('permissions: issues: read');
  });

  it('an empty repository still proves contents:read (409 comes after the permission check)', async () => {
    const r = await check({ token: CLASSIC, project: 'fake-octo-org/empty-one', requiredScopes: 'contents:read' });
    expect([r.outcome, r.scopes.verified]).toEqual(['passed', ['contents:read']]);
  });

  it('unknown scopes and levels → scope.unknown; a permission needing a repository without one → unverifiable', async () => {
    const r = await check({ token: FINE, requiredScopes: 'frobnicate, contents:teleport, workflows:read, contents:read' });
    expect(codes(r)).toEqual(['scope.unknown:error', 'scope.unknown:error', 'scope.unknown:error', 'scope.unverifiable:warning']);
    expect(text(r, 'scope.unverifiable')).toContain('pass `project`');
  });
});

describe('repository', () => {
  it('different casing → project.case-mismatch with the canonical full_name', async () => {
    const r = await check({ token: CLASSIC, project: 'Fake-Octo-Org/Hello-World' });
    expect(codes(r)).toEqual(['project.case-mismatch:error']);
    expect(r.project.canonical).toBe('fake-octo-org/hello-world');
  });

  it('renamed → 301 followed once on the same origin → project.renamed with the new name; probes follow too', async () => {
    const before = emu.requests.length;
    const r = await check({ token: CLASSIC, project: 'fake-octo-org/hello-old', requiredScopes: 'contents:read' });
    expect(codes(r)).toEqual(['project.renamed:error']);
    expect(r.findings[0]!.message).toContain('"fake-octo-org/hello-world"');
    expect(r.scopes.verified).toEqual(['contents:read']);
    const paths = since(before).map((q) => q.path);
    expect(paths).toEqual(expect.arrayContaining(['/repos/fake-octo-org/hello-old', '/repositories/1001', '/repositories/1001/commits']));
  });

  it('a redirect to another origin is never followed with the token', async () => {
    emu.fault(
      { type: 'redirect', status: 301, location: 'https://evil.example/repositories/1' },
      { path: '/repos/fake-octo-org/hello-world', times: 1 },
    );
    const before = emu.requests.length;
    const r = await check({ token: CLASSIC, project: 'fake-octo-org/hello-world' });
    expect(codes(r)).toEqual(['project.renamed:error']);
    expect(r.findings[0]!.message).toContain('not followed');
    expect(since(before).every((q) => q.host === 'api.github.com')).toBe(true);
  });

  it('a redirect on the same origin but off the API base (GHES /login) is not followed, and is not called another origin', async () => {
    const origin = new URL(emu.ghesUrl).origin;
    emu.fault(
      { type: 'redirect', status: 301, location: `${origin}/login?return_to=%2Frepos` },
      { path: '/api/v3/repos/fake-octo-org/hello-world', times: 1 },
    );
    const before = emu.requests.length;
    const r = await check({ token: CLASSIC, url: emu.ghesUrl, project: 'fake-octo-org/hello-world' });
    expect(codes(r)).toEqual(['project.renamed:error']);
    expect(r.findings.find((f) => f.code === 'project.renamed')!.message).toContain(
      `to ${origin}/login, which is outside the configured API (${emu.ghesUrl})`,
    );
    expect(since(before).every((q) => q.path.startsWith('/api/v3/'))).toBe(true);
  });

  it('archived → project.archived warning', async () => {
    const r = await check({ token: CLASSIC, project: 'fake-octo-org/hello-world-docs' });
    expect([r.outcome, ...codes(r)]).toEqual(['warned', 'project.archived:warning']);
  });

  it('404 → project.not-found with both readings and the closest names; a missing owner is said so', async () => {
    const typo = await check({ token: CLASSIC, project: 'fake-octo-org/hello-wrld' });
    expect(codes(typo)).toEqual(['project.not-found:error']);
    expect(typo.findings[0]!.message).toContain('does not exist, or the token cannot see it');
    expect(typo.findings[0]!.message).toContain('"fake-octo-org/hello-world"');
    const hidden = await check({ token: CLASSIC, project: 'fake-octo-org/secret-sauce' });
    expect(hidden.findings[0]!.message).toContain('or the token cannot see it');
    const owner = await check({ token: CLASSIC, project: 'fake-nobody/thing' });
    expect(owner.findings[0]!.message).toContain('The owner "fake-nobody" does not exist');
    const install = await check({ token: INSTALL, project: 'fake-octo-org/private-stuff' });
    expect(install.findings[0]!.message).toContain('not among the 2 repositories this app installation can access');
  });

  it('a private repository is invisible to a classic token without `repo`', async () => {
    const r = await check({ token: NARROW, project: 'fake-octo-org/private-stuff' });
    expect(codes(r)).toEqual(['project.not-found:error']);
  });

  it('SAML SSO not authorised → token.sso-required with the authorisation URL', async () => {
    const r = await check({ token: SSO, project: 'fake-octo-org/hello-world', requiredScopes: 'contents:read' });
    expect(codes(r)[0]).toBe('token.sso-required:error');
    expect(r.findings.filter((f) => f.code === 'token.sso-required')).toHaveLength(1);
    expect(r.findings[0]!.message).toContain('https://github.com/orgs/fake-octo-org/sso?authorization_request=');
  });

  it('project must be owner/repo', async () => {
    expect(codes(await check({ token: CLASSIC, project: 'hello-world' }))).toEqual(['config.invalid:error']);
    // A clone URL with another secret in it: the message shows it without the user name and password.
    const clone = await check({
      token: CLASSIC,
      project: 'https://deploy-user:FAKE-OTHER-PASSWORD@github.com/fake-octo-org/hello-world.git',
    });
    expect(codes(clone)).toEqual(['config.invalid:error']);
    expect(clone.findings.map((f) => `${f.message} ${f.hint}`).join('\n')).not.toMatch(/FAKE-OTHER-PASSWORD|deploy-user/);
    expect(clone.findings.find((f) => f.code === 'config.invalid')!.message).toContain(
      '"https://github.com/fake-octo-org/hello-world.git"',
    );
  });
});

describe('hosts', () => {
  it('GHES at /api/v3: identity, version from /meta, credential only to that origin', async () => {
    const before = emu.requests.length;
    const r = await check({ token: CLASSIC, url: emu.ghesUrl, project: 'fake-octo-org/hello-world', requiredScopes: 'contents:read' });
    expect(r.outcome).toBe('passed');
    expect(text(r, 'url.server-version')).toContain('GitHub Enterprise Server 3.19.2');
    const sent = since(before);
    expect(sent.every((q) => q.host === '127.0.0.1' && q.path.startsWith('/api/v3/'))).toBe(true);
    expect(sent.map((q) => q.path)).toEqual(
      expect.arrayContaining([
        '/api/v3/user',
        '/api/v3/meta',
        '/api/v3/repos/fake-octo-org/hello-world',
        '/api/v3/repos/fake-octo-org/hello-world/commits',
      ]),
    );
  });

  it('GHES rename: Location stays on the GHES origin and is followed there', async () => {
    const r = await check({ token: CLASSIC, url: emu.ghesUrl, project: 'fake-octo-org/hello-old' });
    expect(codes(r)).toEqual(['project.renamed:error']);
  });

  it('*.ghe.com goes to api.{sub}.ghe.com', async () => {
    const hosts: string[] = [];
    // The test certificate does not cover *.ghe.com: the TLS failure is reported as such, never as a token verdict.
    const r = await check({ token: CLASSIC, url: 'https://fakeco.ghe.com' }, dispatcher, (e) => hosts.push(`${e.host}${e.path}`));
    expect(codes(r)).toEqual(['network.tls:error']);
    expect(r.outcome).toBe('unverified');
    expect(hosts[0]).toBe('api.fakeco.ghe.com/user');
  });

  it('costs two round trips: identity, then the repository and every probe at once', async () => {
    emu.clearLog();
    // Every permission with a read probe of its own, each sent once, all GETs.
    const probed = GITHUB_PERMISSIONS.filter((p) => p.probe && p.probe !== 'repository');
    const paths = probed.map(
      (p) => `/${p.probe!.replace('{repo}', 'repos/fake-octo-org/hello-world').replace('{owner}', 'fake-octo-org')}`,
    );
    // Hold the second wave's answers until all are in (or 1 s passed): a client that waited for one
    // answer before sending the next request cannot pass the ordering checks below.
    emu.fault({ type: 'barrier', count: paths.length + 1 }, { path: /^\/(repos|orgs|user)\// });
    const r = await check({
      token: INSTALL,
      project: 'fake-octo-org/hello-world',
      requiredScopes: [...probed.map((p) => `${p.name}:read`), 'contents:write'].join(', '),
    });
    expect(r.outcome).not.toBe('unverified');
    const [identity, ...second] = emu.requests;
    expect(identity!.path).toBe('/installation/repositories');
    expect(second.map((q) => q.path).sort()).toEqual(['/repos/fake-octo-org/hello-world', ...paths.map((p) => p.split('?')[0]!)].sort());
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(Math.max(...second.map((q) => q.seq))).toBeLessThanOrEqual(Math.min(...second.map((q) => q.requestsSeenAtAnswer!)));
    expect(Math.min(...second.map((q) => q.seq))).toBeGreaterThan(identity!.requestsSeenAtAnswer!);
  });
});

describe('rate limits and network trouble: never a token verdict', () => {
  it('403 primary limit with a reset far away → network.rate-limited (unverified)', async () => {
    emu.fault({ type: 'rateLimit', retryAfterSeconds: 3600 }, { path: '/user', times: 1 });
    const r = await check({ token: CLASSIC });
    expect([r.outcome, ...codes(r)]).toEqual(['unverified', 'network.rate-limited:error']);
    expect(r.findings[0]!.message).toMatch(/rate limit of this token is used up \(the limit for "core" resets at \d\d:\d\d UTC\)/);
  });

  it('403 primary limit that has already reset → waited out and retried once', async () => {
    const f = emu.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { path: '/user', times: 1 });
    // The reset is a whole second of the emulator's (real) clock, so the client reads it with the real
    // clock too (a fixed one drifts behind on a loaded machine); a wait of up to a second is allowed.
    const r = await preflight(
      { provider: 'github', token: CLASSIC },
      onlineDeps(new Date(), dispatcher, { now: () => new Date(), http: { ...TEST_HTTP, maxBackoffMs: 1500 } }),
    );
    expect([r.outcome, f.hits]).toEqual(['passed', 1]);
  });

  it('the client retries a 403 whose rate-limit window is used up (x-ratelimit-remaining 0), never a plain 403', async () => {
    const limited = emu.fault(
      { type: 'status', status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0' } },
      { path: '/user', times: 1 },
    );
    let before = emu.requests.length;
    const r = await check({ token: CLASSIC });
    expect([r.outcome, limited.hits, since(before).filter((q) => q.path === '/user').length]).toEqual(['passed', 1, 2]);
    const plain = emu.fault({ type: 'status', status: 403, body: { message: 'Forbidden' } }, { path: '/user', times: Infinity });
    before = emu.requests.length;
    const p = await check({ token: CLASSIC });
    plain.cancel();
    expect([plain.hits, since(before).filter((q) => q.path === '/user').length]).toEqual([1, 1]);
    expect([p.outcome, ...codes(p)]).toEqual(['unverified', 'network.unexpected-response:error']);
  });

  it('429 with Retry-After is retried by the client; 429 forever → network.rate-limited', async () => {
    emu.fault({ type: 'status', status: 429, headers: { 'retry-after': '0', 'x-ratelimit-remaining': '0' } }, { path: '/user', times: 1 });
    expect((await check({ token: CLASSIC })).outcome).toBe('passed');
    const f = emu.fault({ type: 'status', status: 429, headers: { 'retry-after': '0' } }, { path: '/user', times: Infinity });
    const r = await check({ token: CLASSIC });
    f.cancel();
    expect([r.outcome, ...codes(r)]).toEqual(['unverified', 'network.rate-limited:error']);
  });

  it('secondary limit on a probe → network.rate-limited, the permission unverifiable', async () => {
    const f = emu.fault(
      {
        type: 'status',
        status: 403,
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
        headers: { 'retry-after': '120' },
      },
      { path: '/repos/fake-octo-org/hello-world/commits', times: Infinity },
    );
    const r = await check({ token: FINE, project: 'fake-octo-org/hello-world', requiredScopes: 'contents:read' });
    f.cancel();
    expect(codes(r)).toEqual(['network.rate-limited:error', 'scope.unverifiable:warning']);
    expect(r.outcome).toBe('unverified');
  });

  it('5xx, an HTML portal, a dropped connection, nothing listening, an untrusted CA', async () => {
    let f = emu.fault({ type: 'status', status: 502 }, { path: '/user', times: Infinity });
    expect(codes(await check({ token: CLASSIC }))).toEqual(['network.unexpected-response:error']);
    f.cancel();
    f = emu.fault({ type: 'htmlPortal' }, { path: '/user', times: 1 });
    expect(codes(await check({ token: CLASSIC }))).toEqual(['network.unexpected-response:error']);
    f = emu.fault({ type: 'drop', at: 'start' }, { path: '/user', times: Infinity });
    expect(codes(await check({ token: CLASSIC }))).toEqual(['network.unreachable:error']);
    f.cancel();
    expect(codes(await check({ token: CLASSIC, url: 'https://127.0.0.1:1/api/v3' }))).toEqual(['network.unreachable:error']);
    const untrusting = emulatorDispatcher(emu, { ca: getTestTls().otherCaPem });
    try {
      const r = await check({ token: CLASSIC }, untrusting);
      expect([r.outcome, ...codes(r)]).toEqual(['unverified', 'network.tls:error']);
    } finally {
      await untrusting.close();
    }
  });
});

describe('scope catalogue (pure)', () => {
  it('classic hierarchy: parents cover children, transitively', () => {
    const g = expandClassic(['repo', 'admin:org', 'user', 'write:packages', 'admin:repo_hook']);
    for (const s of [
      'repo:status',
      'repo_deployment',
      'public_repo',
      'repo:invite',
      'security_events',
      'write:org',
      'read:org',
      'read:user',
      'user:email',
      'user:follow',
      'read:packages',
      'write:repo_hook',
      'read:repo_hook',
    ])
      expect(g.has(s)).toBe(true);
    expect(g.has('workflow')).toBe(false);
    expect(expandClassic(['public_repo']).has('repo')).toBe(false);
    expect(expandClassic(['write:org']).has('admin:org')).toBe(false);
    expect(classicParents('read:org')).toEqual(['write:org', 'admin:org']);
  });

  it('parses scopes and permissions as users write them', () => {
    expect(parseRequired('repo:status')).toEqual({ kind: 'classic', id: 'repo:status' });
    expect(parseRequired('pull-requests: write')).toMatchObject({ kind: 'permission', id: 'pull_requests:write' });
    expect(parseRequired('Pull requests: Read and write')).toMatchObject({ id: 'pull_requests:write' });
    expect(parseRequired('contents=read')).toMatchObject({ id: 'contents:read' });
    expect(parseRequired('metadata')).toMatchObject({ id: 'metadata:read' });
    expect(parseRequired('Dependabot alerts: read')).toMatchObject({ id: 'vulnerability_alerts:read' });
    expect(parseRequired('metadata:write')).toMatchObject({ kind: 'unknown' });
    expect(parseRequired('contents:maybe')).toMatchObject({ kind: 'unknown' });
  });

  it('reads X-Accepted-GitHub-Permissions alternatives and repository roles', () => {
    expect(describeAccepted('pull_requests=read,contents=read; issues=read,contents=read')).toBe(
      'pull_requests: read and contents: read, or issues: read and contents: read',
    );
    expect(describeAccepted('')).toBeUndefined();
    expect(hasRight({ admin: false, maintain: false, push: true, triage: true, pull: true }, 'push')).toBe(true);
    expect(hasRight({ admin: false, maintain: false, push: false, triage: true, pull: true }, 'push')).toBe(false);
    expect(hasRight(undefined, 'push')).toBeUndefined();
  });

  it('parses both expiry header formats to the same instant', () => {
    expect(parseExpirationHeader('2026-12-31 23:59:59 UTC')?.toISOString()).toBe('2026-12-31T23:59:59.000Z');
    expect(parseExpirationHeader('2027-01-01 00:59:59 +0100')?.toISOString()).toBe('2026-12-31T23:59:59.000Z');
    expect(parseExpirationHeader('2026-12-31 15:59:59 -0800')?.toISOString()).toBe('2026-12-31T23:59:59.000Z');
    expect(parseExpirationHeader('next tuesday')).toBeUndefined();
  });
});

describe('emulator fidelity (replays @octokit/fixtures)', () => {
  const raw = async (path: string, token?: string) => {
    const res = await request(`https://api.github.com${path}`, { dispatcher, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> };
  };

  it('rename: 301 with the fixture body, Location and url on /repositories/{id}, which answers the repository', async () => {
    const moved = await raw('/repos/fake-octo-org/hello-old', CLASSIC);
    expect(moved.status).toBe(301);
    expect(moved.body).toEqual({
      message: 'Moved Permanently',
      url: 'https://api.github.com/repositories/1001',
      documentation_url: 'https://docs.github.com/v3/#http-redirects',
    });
    expect(moved.headers.location).toBe('https://api.github.com/repositories/1001');
    const repo = await raw('/repositories/1001', CLASSIC);
    expect([repo.status, repo.body.full_name, repo.body.permissions]).toEqual([
      200,
      'fake-octo-org/hello-world',
      { pull: true, triage: true, push: true, maintain: true, admin: true },
    ]);
  });

  it('headers: request id, rate limit, X-OAuth-Scopes for classic (empty for fine-grained), expiry; 401 Bad credentials', async () => {
    const c = await raw('/user', CLASSIC);
    expect(c.headers['x-github-request-id']).toBeDefined();
    expect(c.headers['x-oauth-scopes']).toBe('repo, admin:org, workflow');
    expect(Number(c.headers['x-ratelimit-remaining'])).toBeGreaterThan(0);
    expect(c.headers['github-authentication-token-expiration']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect((await raw('/user', FINE)).headers['x-oauth-scopes']).toBe('');
    const bad = await raw('/user', UNKNOWN);
    expect([bad.status, bad.body.message]).toEqual([401, 'Bad credentials']);
    const integration = await raw('/user', INSTALL);
    expect([integration.status, integration.body.message]).toEqual([403, 'Resource not accessible by integration']);
    const root = await raw('/');
    expect(root.body.repository_url).toBe('https://api.github.com/repos/{owner}/{repo}');
  });
});
