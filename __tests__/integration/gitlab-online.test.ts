/**
 * GitLab online checks through runPreflight against the local GitLab emulator: the real HTTP client,
 * TLS with the test CA, retries. Self-managed on https://127.0.0.1:PORT (also under a relative root);
 * gitlab.com routed to the emulator by an injected dispatcher.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'undici';
import type { Report } from '../../src/core/report.js';
import type { RawInputs } from '../../src/core/request.js';
import { gitlabOnline } from '../../src/core/providers/gitlab/online.js';
import { coverage, findGitLabScope } from '../../src/core/providers/gitlab/scopes.js';
import { mintGitLabJobJwt } from '../../src/core/providers/gitlab/synthetic.js';
import {
  BAD_TOKEN_TEXT,
  EXPIRED_TEXT,
  INSUFFICIENT_SCOPE_TEXT,
  REVOKED_TEXT,
  startGitLabEmulator,
  type GitLabEmulator,
  type GitLabEmulatorOptions,
  type GitLabTokenSpec,
} from '../emulators/gitlab.js';
import { caPem } from '../emulators/tls.js';
import { allCodes as all, findingText, onlineDeps, preflight, verdictCodes as codes } from '../support/online.js';
import { gitlabPat, leaks } from '../support/tokens.js';

const NOW = new Date();
const day = (offset: number): string =>
  new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() + offset)).toISOString().slice(0, 10);
const user = { id: 7, username: 'fake.tester', name: 'Fake Tester' };

const T = {
  good: gitlabPat('FAKE-GLTEST-GOOD'),
  readOnly: gitlabPat('FAKE-GLTEST-READ'),
  repoOnly: gitlabPat('FAKE-GLTEST-REPO'),
  userOnly: gitlabPat('FAKE-GLTEST-USER'),
  expiring: gitlabPat('FAKE-GLTEST-SOON'),
  forever: gitlabPat('FAKE-GLTEST-EVER'),
  expired: gitlabPat('FAKE-GLTEST-EXPD'),
  revoked: gitlabPat('FAKE-GLTEST-REVK'),
  inactive: gitlabPat('FAKE-GLTEST-INAC'),
  impersonation: gitlabPat('FAKE-GLTEST-IMPR'),
  unknown: gitlabPat('FAKE-GLTEST-UNKN'),
  bot: gitlabPat('FAKE-GLTEST-BOTT'),
  hidden: gitlabPat('FAKE-GLTEST-HIDE'),
  blocked: gitlabPat('FAKE-GLTEST-BLCK'),
  job: mintGitLabJobJwt({
    iss: 'https://gitlab.example.invalid',
    aud: 'gitlab-authz-token',
    sub: 'gid://gitlab/Ci::Build/901',
    version: '0.1.0',
    exp: Math.floor(NOW.getTime() / 1000) + 3600,
  }),
  finishedJob: mintGitLabJobJwt({
    iss: 'https://gitlab.example.invalid',
    aud: 'gitlab-authz-token',
    sub: 'gid://gitlab/Ci::Build/902',
    version: '0.1.0',
    exp: Math.floor(NOW.getTime() / 1000) + 3600,
  }),
};

// Each token distinct (the helper keeps 16 bytes of its word).
if (new Set(Object.values(T)).size !== Object.keys(T).length) throw new Error('test tokens collide');
const tokens: Record<string, GitLabTokenSpec> = {
  [T.good]: { user, name: 'ci-preflight', scopes: ['api', 'read_user'], expiresAt: day(200) },
  [T.readOnly]: { user, scopes: ['read_api'], expiresAt: day(200) },
  [T.repoOnly]: { user, scopes: ['read_repository'], expiresAt: day(200) },
  [T.userOnly]: { user, scopes: ['read_user'], expiresAt: day(200) },
  [T.expiring]: { user, scopes: ['api'], expiresAt: day(3) },
  [T.forever]: { user, scopes: ['api'], expiresAt: null },
  [T.expired]: { user, scopes: ['api'], state: 'expired' },
  [T.revoked]: { user, scopes: ['api'], state: 'revoked' },
  [T.inactive]: { user, scopes: ['api'], state: 'inactive', expiresAt: day(-2) },
  [T.impersonation]: { user, kind: 'impersonation', scopes: ['api'], impersonationDisabled: true },
  [T.bot]: {
    user: { id: 99, username: 'project_12_bot_0123456789abcdef', name: 'ci bot' },
    kind: 'project',
    scopes: ['read_api', 'read_repository'],
  },
  [T.blocked]: { user, scopes: ['api'], userState: 'blocked' },
  [T.hidden]: { user, scopes: ['api'], projects: ['Fabrikam/Platform/Fiber', 'Fabrikam/Platform/Fibre-Tools'] },
  [T.job]: { user, kind: 'job', job: { id: 901, project: 'Fabrikam/Platform/Fiber' } },
  [T.finishedJob]: { user, kind: 'job', job: { id: 902, project: 'Fabrikam/Platform/Fiber', finished: true } },
};

const projects: GitLabEmulatorOptions['projects'] = [
  { id: 12, path: 'Fabrikam/Platform/Fiber', previousPaths: ['fabrikam/old-fiber'] },
  { id: 13, path: 'Fabrikam/Platform/Fibre-Tools' },
  { id: 14, path: 'Fabrikam/Legacy/Attic', archived: true },
  { id: 15, path: 'Fabrikam/Legacy/Going-Away', markedForDeletionOn: day(-1) },
  { id: 16, path: 'Fabrikam/Platform/Contoso Web' },
];

let emu: GitLabEmulator;
let agent: Agent;

beforeAll(async () => {
  emu = await startGitLabEmulator({ projects, tokens });
  agent = new Agent({ connect: { ca: caPem } });
});
afterAll(async () => {
  await agent.close();
  await emu.close();
});
beforeEach(() => {
  emu.clearFaults();
  emu.clearLog();
});

const check = (inputs: RawInputs, d: Agent = agent, e: GitLabEmulator = emu): Promise<Report> =>
  preflight({ provider: 'gitlab', url: e.url, ...inputs }, onlineDeps(NOW, d));
const text = (r: Report, code: string): string => findingText(r, code, ' | ');

describe('GitLab personal, project and group access tokens', () => {
  it('passes a good token: identity, scopes from GitLab, expiry from GitLab, exact project', async () => {
    const r = await check({
      token: T.good,
      project: 'Fabrikam/Platform/Fiber',
      requiredScopes: 'read_api, read_repository, write_repository, read_user',
    });
    expect([r.outcome, codes(r)]).toEqual(['passed', []]);
    expect(r.identity).toEqual({ name: 'fake.tester', id: '7' });
    expect(r.project).toEqual({ requested: 'Fabrikam/Platform/Fiber', canonical: 'Fabrikam/Platform/Fiber' });
    expect(r.scopes).toEqual({
      required: ['read_api', 'read_repository', 'write_repository', 'read_user'],
      verified: ['read_api', 'read_repository', 'write_repository', 'read_user'],
      missing: [],
      unverifiable: [],
    });
    expect(text(r, 'scope.granted')).toContain('"ci-preflight" carries: api, read_user');
    // GitLab tokens expire at 00:00 UTC of their expires_at date.
    expect([r.expiresAt, r.expirySource, r.daysRemaining]).toEqual([
      `${day(200)}T00:00:00.000Z`,
      'provider',
      Math.floor((Date.parse(`${day(200)}T00:00:00Z`) - NOW.getTime()) / 86_400_000),
    ]);
    // Bearer, to the configured host only, never leaked.
    expect(emu.requests.every((q) => q.authScheme === 'Bearer' && q.host === '127.0.0.1' && q.method === 'GET')).toBe(true);
    expect(emu.requests.map((q) => q.path).sort()).toEqual([
      '/api/v4/personal_access_tokens/self',
      '/api/v4/projects/Fabrikam%2FPlatform%2FFiber',
      '/api/v4/user',
    ]);
    expect(leaks(JSON.stringify(r), T.good)).toEqual([]);
  });

  it('costs two round trips: the token record and the user at once, then the project', async () => {
    emu.fault({ type: 'barrier', count: 2 }, { path: /\/(user|personal_access_tokens\/self)$/, times: 2 });
    const r = await check({ token: T.good, project: 'Fabrikam/Platform/Fiber', requiredScopes: 'api' });
    expect(r.outcome).toBe('passed');
    const [a, b, third, ...rest] = emu.requests;
    expect(rest).toEqual([]);
    expect(new Set([a!.path, b!.path])).toEqual(new Set(['/api/v4/personal_access_tokens/self', '/api/v4/user']));
    // Both first-wave requests arrived before either was answered; the project only after both.
    expect(b!.seq).toBeLessThanOrEqual(Math.min(a!.requestsSeenAtAnswer!, b!.requestsSeenAtAnswer!));
    expect(third!.seq).toBeGreaterThan(Math.max(a!.requestsSeenAtAnswer!, b!.requestsSeenAtAnswer!));
  });

  it('looks up numeric ids and percent-encodes spaces', async () => {
    expect((await check({ token: T.good, project: '12' })).project.canonical).toBe('Fabrikam/Platform/Fiber');
    const spaced = await check({ token: T.good, project: 'Fabrikam/Platform/Contoso Web' });
    expect([spaced.outcome, emu.requests.some((q) => q.path === '/api/v4/projects/Fabrikam%2FPlatform%2FContoso%20Web')]).toEqual([
      'passed',
      true,
    ]);
  });

  it('fails on different casing and names the stored path', async () => {
    const r = await check({ token: T.good, project: 'fabrikam/platform/fiber' });
    expect(codes(r)).toEqual(['project.case-mismatch:error']);
    expect(r.project.canonical).toBe('Fabrikam/Platform/Fiber');
    expect(text(r, 'project.case-mismatch')).toContain('"Fabrikam/Platform/Fiber"');
  });

  it('reports a moved project with its new path', async () => {
    const r = await check({ token: T.good, project: 'fabrikam/old-fiber' });
    expect(codes(r)).toEqual(['project.renamed:error']);
    expect(text(r, 'project.renamed')).toContain('"Fabrikam/Platform/Fiber"');
  });

  it('says "missing or no access" for a 404 and lists the closest paths the token can see', async () => {
    const r = await check({ token: T.hidden, project: 'Fabrikam/Platform/Fibre' });
    expect(codes(r)).toEqual(['project.not-found:error']);
    expect(text(r, 'project.not-found')).toMatch(/does not exist .*or the token's user cannot see it/);
    expect(text(r, 'project.not-found')).toContain('"Fabrikam/Platform/Fiber"');
    // The searches are read-only lists, never a mutation.
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
    const hiddenOnly = await check({ token: T.hidden, project: 'Fabrikam/Legacy/Attic' });
    expect(codes(hiddenOnly)).toEqual(['project.not-found:error']);
  });

  it('warns on an archived project and fails one scheduled for deletion', async () => {
    const archived = await check({ token: T.good, project: 'Fabrikam/Legacy/Attic' });
    expect([archived.outcome, codes(archived)]).toEqual(['warned', ['project.archived:warning']]);
    const going = await check({ token: T.good, project: 'Fabrikam/Legacy/Going-Away' });
    expect(codes(going)).toEqual(['project.unavailable:error']);
  });

  it('tells expired, revoked, impersonation-disabled and unknown tokens apart (401 texts)', async () => {
    expect(codes(await check({ token: T.expired }))).toEqual(['token.expired:error']);
    expect(codes(await check({ token: T.revoked }))).toEqual(['token.revoked:error']);
    const imp = await check({ token: T.impersonation });
    expect([codes(imp), text(imp, 'token.rejected')]).toEqual([['token.rejected:error'], expect.stringContaining('impersonation')]);
    const unknown = await check({ token: T.unknown });
    expect(codes(unknown)).toEqual(['token.rejected:error']);
    expect(text(unknown, 'token.rejected')).toMatch(
      /Bad Access Token.*\(1\) the token was mistyped.*\(2\) it was created on another GitLab instance/,
    );
  });

  it('reads expired / revoked from WWW-Authenticate when a proxy replaced the 401 body with its own page', async () => {
    const challenge = (d: string) => `Bearer realm="The API", error="invalid_token", error_description="${d}"`;
    const proxied = (d: string) =>
      ({
        type: 'status',
        status: 401,
        body: '<html><body><h1>401 Authorization Required</h1></body></html>',
        headers: { 'content-type': 'text/html', 'www-authenticate': challenge(d) },
      }) as const;
    emu.fault(proxied(EXPIRED_TEXT), { path: /\/(user|personal_access_tokens\/self)$/, times: 2 });
    expect(codes(await check({ token: T.good }))).toEqual(['token.expired:error']);
    emu.fault(proxied(REVOKED_TEXT), { path: /\/(user|personal_access_tokens\/self)$/, times: 2 });
    expect(codes(await check({ token: T.good }))).toEqual(['token.revoked:error']);
    emu.fault(
      {
        ...proxied(INSUFFICIENT_SCOPE_TEXT),
        status: 403,
        headers: {
          'content-type': 'text/html',
          'www-authenticate': 'Bearer realm="The API", error="insufficient_scope", scope="read_api"',
        },
      },
      { path: /\/projects\//, times: 1 },
    );
    const denied = await check({ token: T.good, project: 'Fabrikam/Platform/Fiber' });
    expect(codes(denied)).toEqual(['scope.missing:error']);
    expect(text(denied, 'scope.missing')).toContain('GitLab needs one of read_api');
  });

  it("rejects a genuine token whose user is blocked, quoting GitLab's reason", async () => {
    const r = await check({ token: T.blocked });
    expect([r.outcome, codes(r)]).toEqual(['failed', ['token.rejected:error']]);
    expect(text(r, 'token.rejected')).toContain('Your account has been blocked.');
  });

  it('takes the full path out of a pasted project URL or clone URL', async () => {
    const fromUrl = await check({ token: T.good, project: `${emu.url}/Fabrikam/Platform/Fiber/-/tree/main` });
    expect([fromUrl.outcome, fromUrl.project.canonical]).toEqual(['passed', 'Fabrikam/Platform/Fiber']);
    expect(text(fromUrl, 'project.info')).toContain('"Fabrikam/Platform/Fiber"');
    expect((await check({ token: T.good, project: 'Fabrikam/Platform/Fiber.git' })).outcome).toBe('passed');
    // A clone URL with a credential in it (another secret than the token: the scrubber would not know it).
    const clone = await check({
      token: T.good,
      project: `${emu.url.replace('https://', 'https://deploy-user:FAKE-OTHER-PASSWORD@')}/Fabrikam/Platform/Fiber.git`,
    });
    expect(clone.project.canonical).toBe('Fabrikam/Platform/Fiber');
    expect(clone.findings.map((f) => `${f.message} ${f.hint}`).join('\n')).not.toMatch(/FAKE-OTHER-PASSWORD|deploy-user/);
    expect(text(clone, 'project.info')).toContain(`(from "${emu.url}/Fabrikam/Platform/Fiber.git")`);
    expect(JSON.stringify(clone)).not.toMatch(/FAKE-OTHER-PASSWORD|deploy-user/);
  });

  it('reads expiry and state from personal_access_tokens/self', async () => {
    const soon = await check({ token: T.expiring, minDaysRemaining: '7' });
    expect([soon.outcome, codes(soon), soon.expirySource, soon.daysRemaining]).toEqual([
      'warned',
      ['token.expiring:warning'],
      'provider',
      2,
    ]);
    const forever = await check({ token: T.forever });
    expect([forever.outcome, all(forever)]).toEqual(['passed', expect.arrayContaining(['token.no-expiry'])]);
    expect(forever.expiresAt).toBeNull();
    const inactive = await check({ token: T.inactive });
    expect(codes(inactive)).toEqual(['token.expired:error']);
    expect(text(inactive, 'token.expired')).toContain(day(-2));
    // The date GitLab stated is the report's expiry, not only words in the message.
    expect([inactive.expiresAt, inactive.expirySource]).toEqual([`${day(-2)}T00:00:00.000Z`, 'provider']);
    expect(inactive.daysRemaining).toBeLessThan(0);
  });

  it("proves scopes from GitLab's own list, with the documented implications", async () => {
    const ro = await check({
      token: T.readOnly,
      project: 'Fabrikam/Platform/Fiber',
      requiredScopes: 'read_api, read_repository, read_user, write_repository, api',
    });
    expect(ro.scopes).toEqual({
      required: ['read_api', 'read_repository', 'read_user', 'write_repository', 'api'],
      verified: ['read_api', 'read_repository', 'read_user'],
      missing: ['write_repository', 'api'],
      unverifiable: [],
    });
    expect(codes(ro)).toEqual(['scope.missing:error', 'scope.missing:error']);
    expect(text(ro, 'scope.verified')).toContain('read_repository (through read_api)');
    expect(text(ro, 'scope.missing')).toContain('GitLab cannot add scopes to an existing token: create a new one with write_repository');
    const maybe = await check({ token: T.good, requiredScopes: 'create_runner, Read API' });
    expect([maybe.outcome, maybe.scopes.unverifiable, maybe.scopes.verified]).toEqual(['warned', ['create_runner'], ['read_api']]);
    const unknown = await check({ token: T.good, requiredScopes: 'read_everything' });
    expect(codes(unknown)).toEqual(['scope.unknown:error']);
  });

  it('names the scope to add when the project lookup is denied (403 insufficient_scope), and still knows the user id', async () => {
    const r = await check({ token: T.repoOnly, project: 'Fabrikam/Platform/Fiber' });
    expect(codes(r)).toEqual(['scope.missing:error']);
    expect(text(r, 'scope.missing')).toContain('create a new one with read_api');
    expect(r.identity).toEqual({ name: 'user 7', id: '7' });
  });

  it('recognises the bot user of a project access token', async () => {
    const r = await check({ token: T.bot, project: 'Fabrikam/Platform/Fiber', requiredScopes: 'read_repository' });
    expect(r.outcome).toBe('passed');
    expect(text(r, 'token.identity')).toContain('bot user of a project access token');
  });
});

describe('self-managed specifics', () => {
  it('works under a relative URL root and reports a wrong root as "no GitLab API here"', async () => {
    const rooted = await startGitLabEmulator({ projects, tokens, relativeRoot: '/gitlab' });
    try {
      const r = await check({ token: T.good, project: 'Fabrikam/Platform/Fiber' }, agent, rooted);
      expect([r.outcome, codes(r)]).toEqual(['passed', []]);
      expect((await check({ token: T.good, url: `${rooted.url}/api/v4` }, agent, rooted)).outcome).toBe('passed');
      expect(rooted.requests.every((q) => q.path.startsWith('/gitlab/api/v4/'))).toBe(true);
      const wrong = await check({ token: T.good, url: rooted.origin }, agent, rooted);
      expect(codes(wrong)).toEqual(['url.org-not-found:error']);
      expect(text(wrong, 'url.org-not-found')).toContain('relative URL root');
    } finally {
      await rooted.close();
    }
  });

  it('falls back to /user on servers without personal_access_tokens/self and says what it cannot know', async () => {
    for (const oldServer of ['pre-15.1', '15.1'] as const) {
      const old = await startGitLabEmulator({ projects, tokens, oldServer });
      try {
        const r = await check(
          { token: T.good, project: 'Fabrikam/Platform/Fiber', requiredScopes: 'read_user, read_api, write_repository, api' },
          agent,
          old,
        );
        expect(r.identity?.name).toBe('fake.tester');
        expect(r.scopes).toEqual({
          required: ['read_user', 'read_api', 'write_repository', 'api'],
          verified: ['read_user', 'read_api'],
          missing: [],
          unverifiable: ['write_repository', 'api'],
        });
        expect(text(r, 'scope.unverifiable')).toContain('GitLab 15.5 or later');
        expect(text(r, 'scope.unverifiable')).toContain('its read half (read_api) is confirmed');
        expect(r.expiresAt).toBeNull();
        // Without a project, read_api is proven by a read-only list.
        const noProject = await check({ token: T.userOnly, requiredScopes: 'read_api, read_user' }, agent, old);
        expect([noProject.scopes.verified, noProject.scopes.missing]).toEqual([['read_user'], ['read_api']]);
        // A token that cannot read its user (403 on /user) is still a valid token, whatever self says.
        const repo = await check({ token: T.repoOnly, requiredScopes: 'read_user' }, agent, old);
        expect([repo.outcome, codes(repo), repo.scopes.missing]).toEqual(['failed', ['scope.missing:error'], ['read_user']]);
        expect(text(repo, 'token.identity')).toContain('cannot read its user');
      } finally {
        await old.close();
      }
    }
  });

  it('before 15.5: read_repository and read_registry proven as Git and docker do, in the second round trip, Basic only there', async () => {
    const old = await startGitLabEmulator({ projects, tokens, oldServer: 'pre-15.1' });
    const both = { project: 'Fabrikam/Platform/Fiber', requiredScopes: 'read_repository, read_registry' };
    const GIT = '/Fabrikam/Platform/Fiber.git/info/refs';
    try {
      old.fault({ type: 'barrier', count: 3 }, { path: /\/(api\/v4\/projects\/|jwt\/auth|.*\.git\/info\/refs)/ });
      const r = await check({ token: T.good, ...both }, agent, old);
      expect(r.scopes).toMatchObject({ verified: ['read_repository', 'read_registry'], missing: [], unverifiable: [] });
      const [a, b, ...second] = old.requests;
      expect(second.map((q) => q.path).sort()).toEqual([GIT, '/api/v4/projects/Fabrikam%2FPlatform%2FFiber', '/jwt/auth']);
      expect(Math.min(...second.map((q) => q.seq))).toBeGreaterThan(Math.max(a!.requestsSeenAtAnswer!, b!.requestsSeenAtAnswer!));
      expect(Math.max(...second.map((q) => q.seq))).toBeLessThanOrEqual(Math.min(...second.map((q) => q.requestsSeenAtAnswer!)));
      expect(old.requests.every((q) => q.method === 'GET')).toBe(true);
      expect(old.requests.filter((q) => q.authScheme === 'Basic').map((q) => q.path)).toEqual(expect.arrayContaining([GIT, '/jwt/auth']));
      expect(old.requests.filter((q) => q.authScheme === 'Basic')).toHaveLength(2);
      expect(leaks(JSON.stringify(r), T.good)).toEqual([]);

      // Refused for lack of scope: missing, with GitLab's own words.
      const none = await check({ token: T.userOnly, ...both }, agent, old);
      expect(none.scopes).toMatchObject({ verified: [], missing: ['read_repository', 'read_registry'] });
      expect(text(none, 'scope.missing')).toContain('"You are not allowed to download code."');
      expect(text(none, 'scope.missing')).toContain('403 DENIED');
      const repo = await check({ token: T.repoOnly, ...both }, agent, old);
      expect([repo.scopes.verified, repo.scopes.missing]).toEqual([['read_repository'], ['read_registry']]);

      // A project the user cannot reach: nothing said about the scopes.
      const hidden = await check({ token: T.hidden, ...both, project: 'Fabrikam/Legacy/Attic' }, agent, old);
      expect(hidden.scopes).toMatchObject({ verified: [], missing: [], unverifiable: ['read_repository', 'read_registry'] });
      expect(text(hidden, 'scope.unverifiable')).toContain('answered 404, which is not about the token');
      expect(text(hidden, 'scope.unverifiable')).toContain('grants no pull on the project');
      // A numeric id names no path for Git or the registry.
      const byId = await check({ token: T.good, project: '12', requiredScopes: 'read_repository' }, agent, old);
      expect(text(byId, 'scope.unverifiable')).toContain('need the project path');
    } finally {
      await old.close();
    }
  });

  it('before 15.5, a registry that is not enabled (404) leaves read_registry unverifiable', async () => {
    const old = await startGitLabEmulator({ projects, tokens, oldServer: 'pre-15.1', registryDisabled: true });
    try {
      const r = await check({ token: T.good, project: 'Fabrikam/Platform/Fiber', requiredScopes: 'read_registry' }, agent, old);
      expect(r.scopes).toMatchObject({ verified: [], missing: [], unverifiable: ['read_registry'] });
      expect(text(r, 'scope.unverifiable')).toContain('the registry token request (GET /jwt/auth) answered 404');
    } finally {
      await old.close();
    }
  });

  it('detects a proxy that decodes %2F and offers the numeric id', async () => {
    const proxied = await startGitLabEmulator({ projects, tokens, proxyDecodesSlashes: true });
    try {
      const r = await check({ token: T.good, project: 'Fabrikam/Platform/Fiber' }, agent, proxied);
      expect(codes(r)).toEqual(['url.encoded-slash:error']);
      expect(text(r, 'url.encoded-slash')).toContain('`project` (12)');
      expect(r.project.canonical).toBe('Fabrikam/Platform/Fiber');
      expect(proxied.requests.map((q) => q.path)).toContain('/api/v4/projects/12');
      // The numeric id then works outright.
      expect((await check({ token: T.good, project: '12' }, agent, proxied)).outcome).toBe('passed');
    } finally {
      await proxied.close();
    }
  });
});

describe('CI job tokens', () => {
  it('checks a job token with GET /job over JOB-TOKEN: identity, its project, scopes unverifiable', async () => {
    const r = await check({ token: T.job, project: 'Fabrikam/Platform/Fiber', requiredScopes: 'read_api' });
    expect([r.outcome, r.tokenKind, r.identity?.name, r.project.canonical]).toEqual([
      'warned',
      'gitlab.job-token',
      'fake.tester',
      'Fabrikam/Platform/Fiber',
    ]);
    expect(codes(r)).toEqual(['scope.unverifiable:warning']);
    expect(text(r, 'scope.unverifiable')).toContain('job tokens have no scopes');
    expect(emu.requests.map((q) => [q.path, q.authScheme, q.headers['job-token']])).toEqual([['/api/v4/job', null, '[redacted]']]);
    expect(r.expirySource).toBe('token');
  });

  it('flags casing against the job project and another project as unknowable', async () => {
    expect(codes(await check({ token: T.job, project: 'fabrikam/platform/fiber' }))).toEqual(['project.case-mismatch:error']);
    const other = await check({ token: T.job, project: 'Fabrikam/Platform/Fibre-Tools' });
    expect(codes(other)).toEqual(['project.info:warning']);
    expect(text(other, 'project.info')).toContain('allowlist');
  });

  it('rejects the token of a finished job with job-specific causes', async () => {
    const r = await check({ token: T.finishedJob });
    expect(codes(r)).toEqual(['token.rejected:error']);
    expect(text(r, 'token.rejected')).toContain('(1) the job has finished');
  });
});

describe('network trouble is never a verdict on the token', () => {
  it('retries a 429 with Retry-After and RateLimit headers, then succeeds', async () => {
    emu.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { path: /\/user$/, times: 1 });
    const r = await check({ token: T.good });
    expect(r.outcome).toBe('passed');
    expect(emu.requests.filter((q) => q.path.endsWith('/user')).map((q) => q.status)).toEqual([429, 200]);
  });

  it.each([
    ['a 429 storm', { type: 'rateLimit', retryAfterSeconds: 0 } as const, 'network.rate-limited'],
    ['5xx bursts', { type: 'status', status: 502 } as const, 'network.unexpected-response'],
    ['an HTML portal page', { type: 'htmlPortal' } as const, 'network.unexpected-response'],
    ['truncated JSON', { type: 'truncatedJson' } as const, 'network.unexpected-response'],
    ['dropped connections', { type: 'drop', at: 'start' } as const, 'network.unreachable'],
  ])('%s → unverified', async (_name, spec, code) => {
    emu.fault(spec, { path: /\/user$/, times: Infinity });
    const r = await check({ token: T.good, project: 'Fabrikam/Platform/Fiber' });
    expect([r.outcome, codes(r)]).toEqual(['unverified', [`${code}:error`]]);
  });

  it('a failing project lookup is unverified, not "not found"', async () => {
    emu.fault({ type: 'status', status: 503 }, { path: /\/projects\//, times: Infinity });
    const r = await check({ token: T.good, project: 'Fabrikam/Platform/Fiber' });
    expect([r.outcome, codes(r)]).toEqual(['unverified', ['network.unexpected-response:error']]);
  });

  it('a failing project lookup still reports what round 1 learnt: the expiry and the listed scopes', async () => {
    emu.fault({ type: 'status', status: 503 }, { path: /\/projects\//, times: Infinity });
    const r = await check({
      token: T.expiring,
      project: 'Fabrikam/Platform/Fiber',
      minDaysRemaining: '7',
      requiredScopes: 'read_api\nsudo',
    });
    // GitLab listed the scopes: the missing one is proven, so the run fails rather than stays unverified.
    expect([r.outcome, codes(r)]).toEqual([
      'failed',
      ['network.unexpected-response:error', 'scope.missing:error', 'token.expiring:warning'],
    ]);
    expect([r.expirySource, r.scopes?.verified, r.scopes?.missing]).toEqual(['provider', ['read_api'], ['sudo']]);
  });

  it('reports an untrusted certificate as network.tls', async () => {
    const plain = new Agent();
    try {
      const r = await check({ token: T.good }, plain);
      expect([r.outcome, codes(r)]).toEqual(['unverified', ['network.tls:error']]);
    } finally {
      await plain.close();
    }
  });
});

describe('gitlab.com', () => {
  it('uses https://gitlab.com/api/v4 by default and sends the credential only there', async () => {
    const d = emu.dispatcher();
    try {
      const r = await preflight({ provider: 'gitlab', token: T.good, project: 'Fabrikam/Platform/Fiber' }, onlineDeps(NOW, d));
      expect([r.outcome, r.url.normalized]).toEqual(['passed', 'https://gitlab.com/api/v4']);
      expect(new Set(emu.requests.map((q) => q.host))).toEqual(new Set(['gitlab.com']));
      expect(gitlabOnline.credentialOrigins({ normalized: 'https://gitlab.example.com/gitlab/api/v4', input: null, findings: [] })).toEqual(
        ['https://gitlab.example.com'],
      );
    } finally {
      await d.close();
    }
  });
});

describe('scope catalogue', () => {
  it('knows which scope covers which', () => {
    const s = (id: string) => findGitLabScope(id)!;
    expect(coverage(s('read_repository'), ['write_repository'])).toBe('yes');
    expect(coverage(s('read_repository'), ['read_api'])).toBe('yes');
    expect(coverage(s('write_repository'), ['read_api', 'read_repository'])).toBe('no');
    expect(coverage(s('read_user'), ['api'])).toBe('yes');
    expect(coverage(s('sudo'), ['api'])).toBe('no');
    expect(coverage(s('admin_mode'), ['api', 'sudo'])).toBe('no');
    expect(coverage(s('k8s_proxy'), ['api'])).toBe('no');
    expect(coverage(s('create_runner'), ['api'])).toBe('maybe');
    // GitLab: pushing images needs read_registry and write_registry; write alone cannot even pull (MR !143657).
    expect(coverage(s('read_registry'), ['write_registry'])).toBe('no');
    expect(coverage(s('read_registry'), ['read_api'])).toBe('yes');
    expect(findGitLabScope('Write-Repository')?.id).toBe('write_repository');
  });
});

describe('the emulator answers like GitLab (docs.gitlab.com/api)', () => {
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await request(`${emu.url}/api/v4${path}`, { dispatcher: agent, headers });
    return { status: r.statusCode, headers: r.headers, body: (await r.body.json()) as Record<string, unknown> };
  };
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it('401s carry the OAuth error body and a WWW-Authenticate challenge', async () => {
    for (const [token, text] of [
      [T.unknown, BAD_TOKEN_TEXT],
      [T.expired, EXPIRED_TEXT],
      [T.revoked, REVOKED_TEXT],
    ] as const) {
      const r = await get('/user', bearer(token));
      expect([r.status, r.body]).toEqual([401, { error: 'invalid_token', error_description: text }]);
      expect(r.headers['www-authenticate']).toBe(`Bearer realm="The API", error="invalid_token", error_description="${text}"`);
    }
    expect(await get('/user')).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
  });

  it("403 insufficient_scope names the accepted scopes; 404s use GitLab's texts", async () => {
    const denied = await get('/projects/12', bearer(T.userOnly));
    expect([denied.status, denied.body]).toEqual([
      403,
      { error: 'insufficient_scope', error_description: INSUFFICIENT_SCOPE_TEXT, scope: 'api read_api' },
    ]);
    expect((await get('/projects/999', bearer(T.good))).body).toEqual({ message: '404 Project Not Found' });
    expect((await get('/no/such/route', bearer(T.good))).body).toEqual({ error: '404 Not Found' });
  });

  it('accepts PRIVATE-TOKEN too, serves the documented token record, and sends RateLimit headers', async () => {
    const r = await get('/personal_access_tokens/self', { 'private-token': T.good });
    expect(Object.keys(r.body).sort()).toEqual([
      'active',
      'created_at',
      'description',
      'expires_at',
      'id',
      'last_used_at',
      'last_used_ips',
      'name',
      'revoked',
      'scopes',
      'user_id',
    ]);
    expect(r.headers['ratelimit-limit']).toBeDefined();
    expect(emu.requests.at(-1)!.headers['private-token']).toBe('[redacted]');
  });

  it('matches project paths case-insensitively, exact case first, and follows redirect routes', async () => {
    expect((await get('/projects/fabrikam%2Fplatform%2Ffiber', bearer(T.good))).body.path_with_namespace).toBe('Fabrikam/Platform/Fiber');
    expect((await get('/projects/fabrikam%2Fold-fiber', bearer(T.good))).body.id).toBe(12);
  });
});
