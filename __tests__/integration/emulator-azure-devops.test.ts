/**
 * Self-tests of the Azure DevOps emulator and the forward proxy (test infrastructure, not product code).
 * Everything runs on 127.0.0.1; real host names reach the emulator through emulatorDispatcher().
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProxyAgent, request, type Dispatcher } from 'undici';
import {
  ANONYMOUS_USER_ID,
  EXPIRED_PAT_MESSAGE,
  expandScopes,
  fabrikamProjects,
  startAzureDevOpsEmulator,
  type AzureDevOpsEmulator,
  type AzureDevOpsTokenSpec,
} from '../emulators/azure-devops.js';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { basicProxyToken, startForwardProxy } from '../emulators/proxy.js';
import { caPem } from '../emulators/tls.js';
import { ROOT } from '../support/run-bundle.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const USER = { id: '6b9b2a2f-1c1e-4b8e-9a5e-0d4c2f3e1a01', displayName: 'Chuck Reinhart', uniqueName: 'chuck@fabrikam.example' };
const RENAMED_ID = '0f1e2d3c-4b5a-4697-8899-aabbccddeeff';
const DELETING_ID = '11111111-2222-4333-8444-555555555555';
const UNICODE_NAME = 'Проект Ü';

const tokens: Record<string, AzureDevOpsTokenSpec> = {
  'full-pat': { user: USER, organizations: ['fabrikam', 'msaorg', 'publicorg'], scopes: 'full' },
  'expired-pat': { user: USER, organizations: 'all', scopes: 'full', expired: true },
  'contoso-pat': { user: USER, organizations: ['contoso'], scopes: 'full' },
  'code-pat': { user: USER, organizations: ['fabrikam'], scopes: ['vso.project', 'vso.code_write'] },
  'work-write-pat': { user: USER, organizations: ['fabrikam'], scopes: ['vso.work_write'] },
  'work-read-pat': { user: USER, organizations: ['fabrikam'], scopes: ['vso.work'] },
  'bearer-token': { user: USER, organizations: 'all', scopes: 'full', scheme: 'bearer' },
  'server-pat': { user: { ...USER, uniqueName: 'FABRIKAM\\chuck' }, organizations: ['DefaultCollection'], scopes: 'full' },
};

let services: AzureDevOpsEmulator;
let server: AzureDevOpsEmulator;
let agent: Dispatcher;

beforeAll(async () => {
  services = await startAzureDevOpsEmulator({
    mode: 'services',
    tokens,
    organizations: [
      {
        name: 'fabrikam',
        entraTenantId: TENANT,
        projects: [
          ...fabrikamProjects(),
          { id: RENAMED_ID, name: 'Fabrikam-Fiber-Next', previousNames: ['Fabrikam-Fiber-Old'] },
          { id: DELETING_ID, name: 'Going-Away', state: 'deleting' },
          { id: '22222222-3333-4444-8555-666666666666', name: UNICODE_NAME },
        ],
      },
      { name: 'msaorg', projects: [] },
      { name: 'publicorg', public: true, projects: [{ id: '33333333-4444-4555-8666-777777777777', name: 'Open', visibility: 'public' }] },
    ],
  });
  server = await startAzureDevOpsEmulator({
    mode: 'server',
    tfsPrefix: true,
    apiVersionCeiling: '7.0',
    tokens,
    organizations: [{ name: 'DefaultCollection', projects: fabrikamProjects() }],
  });
  agent = emulatorDispatcher(services);
});

afterAll(async () => {
  await agent.close();
  await services.close();
  await server.close();
});

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

async function get(
  url: string,
  opts: { token?: string; scheme?: 'basic' | 'bearer'; suppress?: boolean; dispatcher?: Dispatcher } = {},
): Promise<Got> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.suppress !== false) headers['x-tfs-fedauthredirect'] = 'Suppress';
  if (opts.token !== undefined) {
    headers.authorization = opts.scheme === 'bearer' ? `Bearer ${opts.token}` : `Basic ${Buffer.from(`:${opts.token}`).toString('base64')}`;
  }
  const res = await request(url, { headers, dispatcher: opts.dispatcher ?? agent });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const ADO = 'https://dev.azure.com/fabrikam';

describe('authentication signals', () => {
  it('answers a bad PAT with 203 + HTML sign-in page without the suppress header, 401 JSON with it', async () => {
    const html = await get(`${ADO}/_apis/connectionData`, { token: 'nope', suppress: false });
    expect(html.status).toBe(203);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('Sign In');

    const suppressed = await get(`${ADO}/_apis/connectionData`, { token: 'nope' });
    expect(suppressed.status).toBe(401);
    expect(suppressed.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(suppressed.headers['www-authenticate']).toBe(`Bearer authorization_uri=https://login.microsoftonline.com/${TENANT}`);
    expect(suppressed.json()).toMatchObject({ typeKey: 'UnauthorizedRequestException' });

    const msa = await get('https://dev.azure.com/msaorg/_apis/connectionData');
    expect(msa.status).toBe(401);
    expect(msa.headers['www-authenticate']).toBeUndefined();
  });

  it('identifies a valid PAT (Basic) and bearer token on connectionData, with correlation id', async () => {
    const ok = await get(`${ADO}/_apis/connectionData`, { token: 'full-pat' });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-vss-e2eid']).toMatch(/^[0-9a-f-]{36}$/);
    const body = ok.json();
    expect(body).toMatchObject({
      authenticatedUser: { id: USER.id, providerDisplayName: USER.displayName, isActive: true },
      authorizedUser: { id: USER.id },
      deploymentType: 'hosted',
    });
    expect(body).toHaveProperty('instanceId');
    expect(body).toHaveProperty('locationServiceData.serviceOwner');

    expect((await get(`${ADO}/_apis/connectionData`, { token: 'bearer-token', scheme: 'bearer' })).status).toBe(200);
    // A bearer-only token sent as a PAT is unknown.
    expect((await get(`${ADO}/_apis/connectionData`, { token: 'bearer-token' })).status).toBe(401);
  });

  it('reports an expired PAT with X-TFS-ServiceError and the AccessCheckException body', async () => {
    const res = await get(`${ADO}/_apis/connectionData`, { token: 'expired-pat', suppress: false });
    expect(res.status).toBe(401);
    expect(decodeURIComponent(String(res.headers['x-tfs-serviceerror']))).toBe(EXPIRED_PAT_MESSAGE);
    expect(res.headers['x-tfs-serviceerror']).toBe('Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired.');
    expect(res.json()).toMatchObject({
      $id: '1',
      innerException: null,
      message: EXPIRED_PAT_MESSAGE,
      typeName: 'Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi',
      typeKey: 'AccessCheckException',
      errorCode: 0,
      eventId: 3000,
    });
  });

  it('rejects a PAT scoped to another organization with 401', async () => {
    expect((await get(`${ADO}/_apis/connectionData`, { token: 'contoso-pat' })).status).toBe(401);
  });

  it('answers bad or missing credentials on a public org with the anonymous identity', async () => {
    for (const token of ['nope', undefined]) {
      const res = await get('https://dev.azure.com/publicorg/_apis/connectionData', { token });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ authenticatedUser: { id: ANONYMOUS_USER_ID } });
    }
  });

  it('answers an unknown organization with 404 before looking at credentials', async () => {
    expect((await get('https://dev.azure.com/no-such-org/_apis/connectionData', { token: 'full-pat' })).status).toBe(404);
    expect((await get('https://dev.azure.com/no-such-org/_apis/connectionData')).status).toBe(404);
  });
});

describe('projects', () => {
  it('looks names and ids up case-insensitively and returns the stored name', async () => {
    const byName = await get(`${ADO}/_apis/projects/fabrikam-fiber-tfvc?api-version=7.1`, { token: 'full-pat' });
    expect(byName.status).toBe(200);
    expect(byName.json()).toMatchObject({ id: 'eb6e4656-77fc-42a1-9181-4c6d8e9da5d1', name: 'Fabrikam-Fiber-TFVC', state: 'wellFormed' });
    const byId = await get(`${ADO}/_apis/projects/EB6E4656-77FC-42A1-9181-4C6D8E9DA5D1?api-version=7.1`, { token: 'full-pat' });
    expect(byId.json()).toMatchObject({ name: 'Fabrikam-Fiber-TFVC', _links: { web: { href: `${ADO}/Fabrikam-Fiber-TFVC` } } });
  });

  it('answers unknown names with TF200016 and unknown ids with VS800075 (404)', async () => {
    const byName = await get(`${ADO}/_apis/projects/Nope?api-version=7.1`, { token: 'full-pat' });
    expect(byName.status).toBe(404);
    expect(byName.json()).toMatchObject({
      typeKey: 'ProjectDoesNotExistWithNameException',
      message: expect.stringMatching(/^TF200016: The following project does not exist: Nope\./),
    });
    const id = '99999999-9999-4999-8999-999999999999';
    const byId = await get(`${ADO}/_apis/projects/${id}?api-version=7.1`, { token: 'full-pat' });
    expect(byId.status).toBe(404);
    expect(byId.json()).toMatchObject({
      typeKey: 'ProjectDoesNotExistException',
      message: expect.stringContaining(`VS800075: The project with id 'vstfs:///Classification/TeamProject/${id}'`),
    });
  });

  it('finds a renamed project only with includeHistory=true and returns the current name', async () => {
    expect((await get(`${ADO}/_apis/projects/Fabrikam-Fiber-Old?api-version=7.1`, { token: 'full-pat' })).status).toBe(404);
    const hit = await get(`${ADO}/_apis/projects/fabrikam-fiber-old?includeHistory=true&api-version=7.1`, { token: 'full-pat' });
    expect(hit.status).toBe(200);
    expect(hit.json()).toMatchObject({ id: RENAMED_ID, name: 'Fabrikam-Fiber-Next' });
  });

  it('returns the project state (deleting) and handles percent-encoded non-ASCII names', async () => {
    expect((await get(`${ADO}/_apis/projects/going-away?api-version=7.1`, { token: 'full-pat' })).json()).toMatchObject({
      state: 'deleting',
    });
    const uni = await get(`${ADO}/_apis/projects/${encodeURIComponent(UNICODE_NAME.toLowerCase())}?api-version=7.1`, { token: 'full-pat' });
    expect(uni.status).toBe(200);
    expect(uni.json()).toMatchObject({ name: UNICODE_NAME });
  });

  it('lists wellFormed projects with $top and a continuation token', async () => {
    const first = await get(`${ADO}/_apis/projects?$top=2&api-version=7.1`, { token: 'full-pat' });
    expect(first.json()).toMatchObject({ count: 2 });
    const next = String(first.headers['x-ms-continuationtoken']);
    const rest = await get(`${ADO}/_apis/projects?$top=10&continuationToken=${next}&api-version=7.1`, { token: 'full-pat' });
    const names = (rest.json().value as { name: string; state: string }[]).map((p) => p.name);
    expect(names).not.toContain('Going-Away');
    expect(rest.json().count).toBe(names.length);
  });
});

describe('scopes', () => {
  it('implies read from write scopes and denies other areas with 401 TF400813', async () => {
    expect(expandScopes(['vso.code_manage']).has('vso.code')).toBe(true);
    expect(expandScopes(['vso.variablegroups_manage']).has('vso.variablegroups_read')).toBe(true);
    expect(expandScopes(['vso.code_status']).has('vso.code')).toBe(false);

    expect((await get(`${ADO}/_apis/connectionData`, { token: 'code-pat' })).status).toBe(200);
    expect((await get(`${ADO}/Fabrikam-Fiber-Git/_apis/git/repositories?api-version=7.1`, { token: 'code-pat' })).status).toBe(200);
    const denied = await get(`${ADO}/Fabrikam-Fiber-Git/_apis/build/definitions?$top=1&api-version=7.1`, { token: 'code-pat' });
    expect(denied.status).toBe(401);
    expect(denied.json()).toMatchObject({ typeKey: 'UnauthorizedRequestException', message: expect.stringMatching(/^TF400813: /) });
    expect(
      (await get(`https://vsrm.dev.azure.com/fabrikam/Fabrikam-Fiber-Git/_apis/release/definitions?api-version=7.1`, { token: 'code-pat' }))
        .status,
    ).toBe(401);
  });
});

describe('Work Items "Create" (the one probe that is not a GET)', () => {
  const CREATE = `${ADO}/Fabrikam-Fiber-Git/_apis/wit/workitems/$Task`;
  const TITLE = JSON.stringify([{ op: 'add', path: '/fields/System.Title', value: 'probe' }]);
  const post = async (url: string, token: string, body = TITLE, contentType = 'application/json-patch+json'): Promise<Got> => {
    const headers = {
      accept: 'application/json',
      'x-tfs-fedauthredirect': 'Suppress',
      'content-type': contentType,
      authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}`,
    };
    const res = await request(url, { method: 'POST', headers, body, dispatcher: agent });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };

  it('validates without saving with validateOnly=true, and records a write without it', async () => {
    services.writes.length = 0;
    const validated = await post(`${CREATE}?validateOnly=true&api-version=7.1`, 'work-write-pat');
    expect([validated.status, validated.json()]).toEqual([200, expect.objectContaining({ id: 0 })]);
    expect(services.writes).toEqual([]);
    expect((await post(`${CREATE}?api-version=7.1`, 'work-write-pat')).status).toBe(200);
    expect(services.writes).toEqual(['POST /fabrikam/Fabrikam-Fiber-Git/_apis/wit/workitems/$Task']);
    services.writes.length = 0;
  });

  it('needs Work Items: Read & Write (401 with Read only), a patch document and a known type; GET is 405', async () => {
    const url = `${CREATE}?validateOnly=true&api-version=7.1`;
    expect((await post(url, 'work-read-pat')).status).toBe(401);
    expect((await post(url, 'work-write-pat', TITLE, 'application/json')).status).toBe(415);
    expect((await post(url, 'work-write-pat', '{}')).status).toBe(400);
    expect((await post(url, 'work-write-pat', '[]')).json()).toMatchObject({ typeKey: 'RuleValidationException' });
    expect((await post(url.replace('$Task', '$Saga'), 'work-write-pat')).json()).toMatchObject({
      typeKey: 'WorkItemTypeNotFoundException',
    });
    expect((await get(url, { token: 'work-write-pat' })).status).toBe(405);
    expect(services.writes).toEqual([]);
  });

  it("includes scopes by Microsoft's table only: Audit Streams includes Audit Log, Code: Status nothing", () => {
    expect(expandScopes(['vso.auditstreams_manage']).has('vso.auditlog')).toBe(true);
    expect(expandScopes(['vso.environment_manage']).has('vso.agentpools')).toBe(true);
    expect(expandScopes(['vso.work_full']).has('vso.work_write')).toBe(true);
    expect(expandScopes(['vso.threads_full']).has('vso.code')).toBe(false);
    expect(expandScopes(['vso.extension.data']).has('vso.extension')).toBe(false);
  });
});

describe('Services host routing', () => {
  it('serves release on vsrm, graph on vssps, packaging on feeds and the profile on app.vssps', async () => {
    services.clearLog();
    const release = await get('https://vsrm.dev.azure.com/fabrikam/Fabrikam-Fiber-Git/_apis/release/definitions?$top=1&api-version=7.1', {
      token: 'full-pat',
    });
    expect(release.status).toBe(200);
    expect(release.json()).toMatchObject({ count: 1, value: [{ name: 'MyShuttle.CD' }] });
    // The same area is not served on the core host.
    expect((await get(`${ADO}/Fabrikam-Fiber-Git/_apis/release/definitions?api-version=7.1`, { token: 'full-pat' })).status).toBe(404);

    const graph = await get('https://vssps.dev.azure.com/fabrikam/_apis/graph/users?api-version=7.1-preview.1', { token: 'full-pat' });
    expect(graph.status).toBe(200);
    expect(graph.json()).toMatchObject({
      value: expect.arrayContaining([expect.objectContaining({ principalName: USER.uniqueName, subjectKind: 'user' })]),
    });
    expect(
      (await get('https://vssps.dev.azure.com/fabrikam/_apis/graph/users?api-version=7.1', { token: 'full-pat' })).json(),
    ).toMatchObject({ typeKey: 'VssInvalidPreviewVersionException' });

    expect(
      (
        await get('https://feeds.dev.azure.com/fabrikam/Fabrikam-Fiber-Git/_apis/packaging/feeds?api-version=7.1', { token: 'full-pat' })
      ).json(),
    ).toEqual({ count: 0, value: [] });
    const me = await get('https://app.vssps.visualstudio.com/_apis/profile/profiles/me?api-version=7.1', { token: 'full-pat' });
    expect(me.json()).toMatchObject({ id: USER.id, displayName: USER.displayName, emailAddress: USER.uniqueName });

    const hosts = services.requests.map((r) => `${r.host}|${r.servername}`);
    expect(hosts).toEqual(
      expect.arrayContaining([
        'vsrm.dev.azure.com|vsrm.dev.azure.com',
        'vssps.dev.azure.com|vssps.dev.azure.com',
        'feeds.dev.azure.com|feeds.dev.azure.com',
        'app.vssps.visualstudio.com|app.vssps.visualstudio.com',
      ]),
    );
    expect(services.requests.every((r) => r.hasAuth && r.authScheme === 'Basic' && !('authorization' in r.headers))).toBe(true);
  });

  it('serves Services at https://127.0.0.1:{port}/{org} in services mode', async () => {
    expect([services.address, server.address]).toEqual(['127.0.0.1', '127.0.0.1']);
    const res = await get(`${services.collectionUrl('fabrikam')}/_apis/connectionData`, { token: 'full-pat' });
    expect(res.json()).toMatchObject({ deploymentType: 'hosted' });
  });
});

describe('faults', () => {
  it('rate-limits with 429, Retry-After and X-RateLimit-* N times, then answers normally', async () => {
    const fault = services.fault(
      { type: 'rateLimit', retryAfterSeconds: 3 },
      { host: 'dev.azure.com', path: '/fabrikam/_apis/projects', times: 1 },
    );
    const limited = await get(`${ADO}/_apis/projects?api-version=7.1`, { token: 'full-pat' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.headers).toHaveProperty('x-ratelimit-reset');
    expect(limited.headers).toHaveProperty('x-ratelimit-resource');
    expect(limited.json()).toMatchObject({ message: expect.stringMatching(/^TF400733: /) });
    expect((await get(`${ADO}/_apis/projects?api-version=7.1`, { token: 'full-pat' })).status).toBe(200);
    expect(fault.hits).toBe(1);
  });

  it('drops the connection mid-response and before any byte', async () => {
    services.fault({ type: 'drop' }, { path: '/fabrikam/_apis/connectionData' });
    const res = await request(`${ADO}/_apis/connectionData`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    await expect(res.body.text()).rejects.toThrow();

    services.fault({ type: 'drop', at: 'start' }, { path: '/fabrikam/_apis/connectionData' });
    await expect(request(`${ADO}/_apis/connectionData`, { dispatcher: agent })).rejects.toThrow();
    expect((await get(`${ADO}/_apis/connectionData`, { token: 'full-pat' })).status).toBe(200);
  });

  it('scripts HTML portals, truncated JSON, 503 and a cross-origin redirect (never followed)', async () => {
    services.fault({ type: 'htmlPortal' }, { path: '/fabrikam/_apis/connectionData' });
    const portal = await get(`${ADO}/_apis/connectionData`, { token: 'full-pat' });
    expect([portal.status, portal.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);

    services.fault({ type: 'truncatedJson' }, { path: '/fabrikam/_apis/connectionData' });
    const cut = await get(`${ADO}/_apis/connectionData`, { token: 'full-pat' });
    expect(cut.status).toBe(200);
    expect(() => cut.json()).toThrow();

    services.fault({ type: 'status', status: 503 }, { path: '/fabrikam/_apis/connectionData' });
    expect((await get(`${ADO}/_apis/connectionData`, { token: 'full-pat' })).status).toBe(503);

    services.fault({ type: 'redirect', location: 'https://attacker.example/collect' }, { path: '/fabrikam/_apis/connectionData' });
    const moved = await get(`${ADO}/_apis/connectionData`, { token: 'full-pat' });
    expect([moved.status, moved.headers.location]).toEqual([302, 'https://attacker.example/collect']);
  });

  it('adds scripted latency, and close() does not wait for a pending delayed answer', async () => {
    services.fault({ type: 'latency', ms: 1 }, { path: '/fabrikam/_apis/connectionData' });
    expect((await get(`${ADO}/_apis/connectionData`, { token: 'full-pat' })).status).toBe(200);

    const emu = await startAzureDevOpsEmulator({ mode: 'services', latencyMs: 60_000, tokens, organizations: [{ name: 'fabrikam' }] });
    const d = emulatorDispatcher(emu);
    const pending = request(`${ADO}/_apis/connectionData`, { dispatcher: d });
    await emu.waitForRequest();
    await emu.close();
    await expect(pending).rejects.toThrow();
    await d.close();
  });

  it('hangs until close() and leaves nothing behind', async () => {
    const emu = await startAzureDevOpsEmulator({ mode: 'services', tokens, organizations: [{ name: 'fabrikam' }] });
    const d = emulatorDispatcher(emu);
    emu.fault({ type: 'hang' });
    const pending = request(`${ADO}/_apis/connectionData`, { dispatcher: d });
    const seen = await emu.waitForRequest((r) => r.fault === 'hang');
    expect(seen.path).toBe('/fabrikam/_apis/connectionData');
    await emu.close();
    await expect(pending).rejects.toThrow();
    await d.close();
  });
});

describe('Azure DevOps Server', () => {
  // Loopback origins with an explicit port keep it, so the shared dispatcher reaches this emulator too.
  it('enforces the api-version ceiling with VssVersionOutOfRangeException and rejects malformed versions', async () => {
    const coll = server.collectionUrl('DefaultCollection');
    expect(coll).toBe(`${server.origin}/tfs/DefaultCollection`);
    const high = await get(`${coll}/_apis/projects?api-version=99.0`, { token: 'server-pat' });
    expect(high.status).toBe(400);
    expect(high.json()).toMatchObject({
      typeKey: 'VssVersionOutOfRangeException',
      message:
        'The requested REST API version of 99.0 is out of range for this server. The latest REST API version this server supports is 7.0.',
    });
    const bad = await get(`${coll}/_apis/projects?api-version=seven`, { token: 'server-pat' });
    expect(bad.status).toBe(400);
    expect(String(bad.json().message)).toContain('Invalid api version string');
    expect((await get(`${coll}/_apis/projects?api-version=7.0`, { token: 'server-pat' })).status).toBe(200);
  });

  it('serves everything on the collection URL: connectionData, resourceAreas, project lookups', async () => {
    const coll = server.collectionUrl('DefaultCollection');
    expect((await get(`${coll}/_apis/connectionData`, { token: 'server-pat' })).json()).toMatchObject({
      deploymentType: 'onPremises',
      authenticatedUser: { id: USER.id },
    });
    expect((await get(`${coll}/_apis/resourceAreas`, { token: 'server-pat' })).json()).toEqual({ count: 0, value: null });
    expect((await get(`${coll}/Fabrikam-Fiber-Git/_apis/git/repositories?api-version=7.0`, { token: 'server-pat' })).status).toBe(200);
    expect((await get(`${server.origin}/tfs/WrongCollection/_apis/connectionData`, { token: 'server-pat' })).status).toBe(404);
    expect((await get(`${server.origin}/DefaultCollection/_apis/connectionData`, { token: 'server-pat' })).status).toBe(404);
    expect((await get(`${coll}/_apis/connectionData`, { token: 'nope', suppress: false })).status).toBe(401);
  });
});

describe('connections', () => {
  it('reuses one keep-alive TLS connection for sequential requests to one origin', async () => {
    // connections: 1 — an unbounded pool may open a second socket when a request is issued in the
    // same tick the previous body ended (undici frees the connection a tick later).
    const d = emulatorDispatcher(services, { connections: 1 });
    const before = services.stats.tlsConnections;
    services.clearLog();
    for (let i = 0; i < 3; i++) expect((await get(`${ADO}/_apis/connectionData`, { token: 'full-pat', dispatcher: d })).status).toBe(200);
    expect(services.stats.tlsConnections - before).toBe(1);
    expect(services.requests).toHaveLength(3);
    expect(new Set(services.requests.map((r) => r.connection)).size).toBe(1);
    await d.close();
  });
});

describe('forward proxy', () => {
  it('tunnels CONNECT dev.azure.com:443 to the emulator and logs the target', async () => {
    const proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: services.port }) });
    const viaProxy = new ProxyAgent({ uri: proxy.url, requestTls: { ca: caPem } });
    try {
      const res = await get(`${ADO}/_apis/connectionData`, { token: 'full-pat', dispatcher: viaProxy });
      expect(res.status).toBe(200);
      expect(proxy.connectTargets).toEqual(['dev.azure.com:443']);
      expect(proxy.stats.tunnels).toBe(1);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('requires Proxy-Authorization when configured (407) and refuses CONNECT in refuse mode (403)', async () => {
    const route = (): { host: string; port: number } => ({ host: '127.0.0.1', port: services.port });
    const proxy = await startForwardProxy({ auth: { user: 'alice', pass: 's3cret' }, route });
    const noCreds = new ProxyAgent({ uri: proxy.url, requestTls: { ca: caPem } });
    const withCreds = new ProxyAgent({ uri: proxy.url, token: basicProxyToken('alice', 's3cret'), requestTls: { ca: caPem } });
    const refusing = await startForwardProxy({ refuse: true, route });
    const refused = new ProxyAgent({ uri: refusing.url, requestTls: { ca: caPem } });
    try {
      await expect(get(`${ADO}/_apis/connectionData`, { token: 'full-pat', dispatcher: noCreds })).rejects.toThrow(/407/);
      expect(proxy.log[0]).toMatchObject({ method: 'CONNECT', target: 'dev.azure.com:443', hadCredentials: false, status: 407 });
      expect((await get(`${ADO}/_apis/connectionData`, { token: 'full-pat', dispatcher: withCreds })).status).toBe(200);
      expect(proxy.log.at(-1)).toMatchObject({ authorized: true, status: 200 });
      await expect(get(`${ADO}/_apis/connectionData`, { token: 'full-pat', dispatcher: refused })).rejects.toThrow(/403/);
      expect(refusing.log[0]).toMatchObject({ target: 'dev.azure.com:443', status: 403 });
    } finally {
      await Promise.all([noCreds.close(), withCreds.close(), refused.close()]);
      await Promise.all([proxy.close(), refusing.close()]);
    }
  });
});

const EXAMPLES = join(ROOT, '__tests__', 'fixtures', 'azure-devops');

describe('shapes match Microsoft examples (__tests__/fixtures/azure-devops)', () => {
  it('project, project list and profile bodies carry every key of the published examples', async () => {
    const fixture = (file: string): Record<string, unknown> =>
      (JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as { responses: { '200': { body: Record<string, unknown> } } }).responses[
        '200'
      ].body;
    const project = (await get(`${ADO}/_apis/projects/Fabrikam-Fiber-TFVC?api-version=7.1`, { token: 'full-pat' })).json();
    expect(Object.keys(project)).toEqual(expect.arrayContaining(Object.keys(fixture('GET__projects__projectName_.json'))));
    const list = (await get(`${ADO}/_apis/projects?api-version=7.1`, { token: 'full-pat' })).json();
    const listFixture = fixture('GET__projects.json') as { value: Record<string, unknown>[] };
    const tfvc = (list.value as Record<string, unknown>[]).find((p) => p.name === 'Fabrikam-Fiber-TFVC') ?? {};
    expect(Object.keys(tfvc)).toEqual(expect.arrayContaining(Object.keys(listFixture.value[0] ?? {})));
    const me = (await get('https://app.vssps.visualstudio.com/_apis/profile/profiles/me?api-version=7.1', { token: 'full-pat' })).json();
    expect(Object.keys(me).sort()).toEqual(Object.keys(fixture('GET__profile_profiles_me.json')).sort());
  });
});
