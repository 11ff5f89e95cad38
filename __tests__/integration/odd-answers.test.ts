/**
 * Every answer is validated before use (issue #11): a 2xx JSON body of the wrong shape — a number
 * where a string belongs, an object where a list belongs, a `null` item, prototype keys — is
 * `network.unexpected-response` naming the field, never a crash and never a verdict on the token.
 * Each provider's identity and project readers get odd bodies from a local server, through the whole
 * core (`runPreflight`); a property then serves arbitrary JSON on every path.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Agent } from 'undici';
import { CODES } from '../../src/core/codes.js';
import { runPreflight } from '../../src/core/preflight.js';
import type { ProviderId, Report } from '../../src/core/report.js';
import { resolveRequest } from '../../src/core/request.js';
import { mintGitLabJobJwt } from '../../src/core/providers/gitlab/synthetic.js';
import { MAX_TEXT } from '../../src/core/providers/online/shape.js';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { EmulatorHarness, type AppResponse } from '../emulators/harness.js';
import { faultFixtures } from '../support/fault-fixtures.js';
import { fcParams } from '../property/arbitraries.js';

const NOW = new Date();
const FIXTURES = faultFixtures(NOW, 'Fabrikam-Fiber-Git');
const HTTP = { requestTimeoutMs: 2000, deadlineMs: 8000, maxRetries: 0, minBackoffMs: 1, maxBackoffMs: 20 };

/** Where each provider asks who the token is and what the project is, and a documented answer to each. */
const ROUTES: Record<ProviderId, { identity: RegExp; project: RegExp; good: { identity: object; project: object } }> = {
  'azure-devops': {
    identity: /\/_apis\/connectionData/,
    project: /\/_apis\/projects\/Fabrikam-Fiber-Git/,
    good: {
      identity: { authenticatedUser: { id: '00000000-fa4e-7e57-0000-000000000001', providerDisplayName: 'Odd Tester' } },
      project: { name: 'Fabrikam-Fiber-Git', state: 'wellFormed' },
    },
  },
  github: {
    identity: /^\/user$/,
    project: /^\/repos\/fake-owner\/fake-repo$/,
    good: { identity: { login: 'odd-tester', id: 1, type: 'User' }, project: { full_name: 'fake-owner/fake-repo', private: true } },
  },
  gitlab: {
    identity: /\/api\/v4\/user$/,
    project: /\/api\/v4\/projects\/fake-group%2Ffake-project$/,
    good: { identity: { username: 'odd-tester', id: 1 }, project: { id: 1, path_with_namespace: 'fake-group/fake-project' } },
  },
  bitbucket: {
    identity: /\/2\.0\/user$/,
    project: /\/2\.0\/repositories\/fake-ws\/fake-repo$/,
    good: { identity: { account_id: '1', display_name: 'Odd Tester' }, project: { full_name: 'fake-ws/fake-repo', slug: 'fake-repo' } },
  },
};

let server: EmulatorHarness;
let dispatcher: Agent;
/** What the server answers for a path (set per case). */
let answer: (path: string) => AppResponse = () => ({ status: 404, body: { message: 'Not Found' } });

beforeAll(async () => {
  server = new EmulatorHarness({ handle: (_req, ctx) => answer(ctx.path) });
  await server.listen();
  dispatcher = emulatorDispatcher(server);
});
afterAll(async () => {
  await dispatcher.destroy();
  await server.close();
});

/** Serve `identity` and `project` bodies (raw JSON text when a string) on the provider's routes; 404 elsewhere. */
function serve(provider: ProviderId, bodies: { identity?: unknown; project?: unknown }): void {
  const route = ROUTES[provider];
  const json = (body: unknown): AppResponse => ({
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': 'repo' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  answer = (path) => {
    if (route.identity.test(path)) return json(bodies.identity ?? route.good.identity);
    if (route.project.test(path)) return json(bodies.project ?? route.good.project);
    return { status: 404, body: { message: 'Not Found' } };
  };
}

async function check(provider: ProviderId): Promise<Report> {
  const { request, findings } = resolveRequest({ ...FIXTURES[provider].inputs, requiredScopes: '' }, {});
  return runPreflight(request, { now: () => NOW, monotonic: () => performance.now(), dispatcher, http: HTTP }, findings);
}

const unexpected = (r: Report): string =>
  r.findings
    .filter((f) => f.code === 'network.unexpected-response')
    .map((f) => f.message)
    .join('\n');

function expectWellFormed(r: Report): void {
  for (const f of r.findings) {
    expect(Object.keys(CODES)).toContain(f.code);
    expect(f.message).not.toMatch(/[\r\n]|\[object Object\]|Invalid Date|\bNaN\b|\bat \S+ \(/);
    expect(f.hint.trim()).not.toBe('');
  }
}

describe('odd headers and numbers', () => {
  it.each(['github', 'bitbucket'] as const)(
    '%s: a granted scope named constructor or __proto__ is an unknown scope, not a crash',
    async (provider) => {
      const route = ROUTES[provider];
      answer = (path) =>
        route.identity.test(path) || route.project.test(path)
          ? {
              status: 200,
              headers: { 'x-oauth-scopes': 'constructor, __proto__, toString', 'x-credential-type': 'constructor' },
              body: route.identity.test(path) ? route.good.identity : route.good.project,
            }
          : { status: 404, body: { message: 'Not Found' } };
      const { request, findings } = resolveRequest({ ...FIXTURES[provider].inputs, requiredScopes: 'repo' }, {});
      const r = await runPreflight(request, { now: () => NOW, monotonic: () => performance.now(), dispatcher, http: HTTP }, findings);
      expect(r.identity).not.toBeNull();
      expectWellFormed(r);
    },
  );

  it('github: a rate-limit reset of 1e17 is a rate-limit finding without a reset time, not Invalid Date', async () => {
    answer = () => ({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1e17' },
      body: { message: 'API rate limit exceeded' },
    });
    const r = await check('github');
    expect(r.findings.map((f) => f.code)).toContain('network.rate-limited');
    expectWellFormed(r);
  });

  it.each(Object.keys(ROUTES) as ProviderId[])('%s: a display name of half a megabyte is cut, not carried', async (provider) => {
    const huge = 'N'.repeat(500_000);
    const identity: Record<ProviderId, object> = {
      'azure-devops': { authenticatedUser: { id: '00000000-fa4e-7e57-0000-000000000001', providerDisplayName: huge } },
      github: { login: huge, id: 1 },
      gitlab: { username: huge, id: 1 },
      bitbucket: { account_id: '1', display_name: huge },
    };
    serve(provider, { identity: identity[provider] });
    const r = await check(provider);
    expect(r.identity?.name.length).toBeLessThanOrEqual(MAX_TEXT + 1);
    for (const f of r.findings) expect(f.message.length).toBeLessThan(4 * MAX_TEXT);
  });
});

describe('gitlab: the CI job lookup', () => {
  const job = mintGitLabJobJwt({
    iss: 'https://gitlab.example.invalid',
    aud: 'gitlab-authz-token',
    sub: 'gid://gitlab/Ci::Build/901',
    version: '0.1.0',
    exp: Math.floor(NOW.getTime() / 1000) + 3600,
  });

  async function checkJob(body: string): Promise<Report> {
    answer = (path) =>
      /\/api\/v4\/job$/.test(path)
        ? { status: 200, headers: { 'content-type': 'application/json' }, body }
        : { status: 404, body: { message: '404 Not Found' } };
    const { request, findings } = resolveRequest({ ...FIXTURES.gitlab.inputs, token: job, requiredScopes: '' }, {});
    return runPreflight(request, { now: () => NOW, monotonic: () => performance.now(), dispatcher, http: HTTP }, findings);
  }

  it('reads a documented job (precondition)', async () => {
    const r = await checkJob(
      JSON.stringify({ id: 901, web_url: 'https://gitlab.com/fake-group/fake-project/-/jobs/901', user: { id: 1, username: 'odd' } }),
    );
    expect(r.identity?.name).toBe('odd');
  });

  it.each([
    ['{"id": 901, "user": "odd"}', '`user` is a string where an object or null belongs'],
    ['{"id": "901"}', '`id` is a string where a number belongs'],
    ['{"id": 901, "pipeline": []}', '`pipeline` is a list where an object belongs'],
    ['{"id": 901, "web_url": 7}', '`web_url` is a number where a string belongs'],
  ])('%s is network.unexpected-response naming the field', async (body, field) => {
    const r = await checkJob(body);
    expect(unexpected(r)).toContain(field);
    expect(r.outcome).toBe('unverified');
    expectWellFormed(r);
  });

  it('a body of literally null is network.unexpected-response, not a crash', async () => {
    const r = await checkJob('null');
    expect(r.outcome).toBe('unverified');
    expect(r.findings.map((f) => f.code)).toContain('network.unexpected-response');
  });
});

type Case = [ProviderId, 'identity' | 'project', unknown, string];
const CASES: Case[] = [
  ['azure-devops', 'identity', { authenticatedUser: { id: 42 } }, '`authenticatedUser.id` is a number where a string belongs'],
  ['azure-devops', 'identity', { authenticatedUser: [] }, '`authenticatedUser` is a list where an object belongs'],
  ['azure-devops', 'identity', { authenticatedUser: { id: 'x', customDisplayName: { a: 1 } } }, '`authenticatedUser.customDisplayName`'],
  ['azure-devops', 'project', { name: { first: 'Fabrikam' } }, '`name` is an object where a string belongs'],
  ['github', 'identity', { login: ['odd-tester'] }, '`login` is a list where a string belongs'],
  ['github', 'project', { full_name: 5 }, '`full_name` is a number where a string belongs'],
  ['github', 'project', { full_name: 'fake-owner/fake-repo', permissions: { pull: 'yes' } }, '`permissions.pull` is a string'],
  ['github', 'project', { full_name: 'fake-owner/fake-repo', permissions: [true] }, '`permissions` is a list where an object belongs'],
  ['gitlab', 'identity', { username: 7 }, '`username` is a number where a string belongs'],
  ['gitlab', 'identity', [{ username: 'odd-tester' }], '`(the body)` is a list where an object belongs'],
  ['gitlab', 'project', { path_with_namespace: {} }, '`path_with_namespace` is an object where a string belongs'],
  ['gitlab', 'project', { path_with_namespace: 'fake-group/fake-project', archived: 'no' }, '`archived` is a string'],
  ['bitbucket', 'identity', { account_id: { id: 1 } }, '`account_id` is an object where a string belongs'],
  ['bitbucket', 'project', { full_name: 1 }, '`full_name` is a number where a string belongs'],
];

describe.each(Object.keys(ROUTES) as ProviderId[])('%s', (provider) => {
  it('reads the documented answers (precondition: the routes are the ones the check asks)', async () => {
    serve(provider, {});
    const r = await check(provider);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.identity).not.toBeNull();
    expect(r.project.canonical).not.toBeNull();
  });

  it.each(CASES.filter(([p]) => p === provider).map(([, where, body, field]) => [where, JSON.stringify(body), body, field] as const))(
    'a %s answer of %s is network.unexpected-response naming the field',
    async (where, _shown, body, field) => {
      serve(provider, { [where]: body });
      const r = await check(provider);
      expect(unexpected(r)).toContain(field);
      expect(r.outcome).toBe(where === 'identity' ? 'unverified' : r.outcome);
      expect(r.findings.filter((f) => /^(token|scope)\./.test(f.code) && f.severity === 'error')).toEqual([]);
      expectWellFormed(r);
    },
  );

  it('a body of literally null is not the API answer: network.unexpected-response, not a crash', async () => {
    serve(provider, { identity: 'null' });
    const r = await check(provider);
    expect(r.outcome).toBe('unverified');
    expect(r.findings.map((f) => f.code)).toContain('network.unexpected-response');
    expectWellFormed(r);
  });

  it('prototype keys in a body are not fields: nothing is read through them', async () => {
    const route = ROUTES[provider];
    // JSON.parse makes `__proto__` an own key; read as a field lookup it would hand back this object.
    const identity = `{"__proto__": ${JSON.stringify(route.good.identity)}, "constructor": {"name": 5}}`;
    serve(provider, { identity });
    const r = await check(provider);
    expect(r.identity).toBeNull();
    expect(r.outcome).toBe('unverified');
    expectWellFormed(r);
  });

  it('arbitrary JSON in every answer never crashes the check', async () => {
    const good = ROUTES[provider].good;
    // Documented answers with one field replaced by anything, or anything at all.
    const mutated = (body: object): fc.Arbitrary<unknown> =>
      fc.tuple(fc.constantFrom(...Object.keys(body)), fc.jsonValue()).map(([k, v]) => ({ ...body, [k]: v }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), mutated(good.identity)),
        fc.oneof(fc.jsonValue(), mutated(good.project)),
        async (identity, project) => {
          serve(provider, { identity: JSON.stringify(identity), project: JSON.stringify(project) });
          expectWellFormed(await check(provider));
        },
      ),
      fcParams(`odd answers: ${provider}`, 40),
    );
  });
});
