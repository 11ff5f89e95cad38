/**
 * Azure DevOps online checks end to end against the local HTTPS emulator: the real HTTP client, TLS
 * with a test CA, keep-alive and retries; Services host names routed by an injected dispatcher.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';
import type { PreflightDeps } from '../../src/core/preflight.js';
import type { Report } from '../../src/core/report.js';
import type { RawInputs } from '../../src/core/request.js';
import { main } from '../../src/cli/main.js';
import { ANONYMOUS_ID } from '../../src/core/providers/azure-devops/online.js';
import {
  ANONYMOUS_USER_ID,
  startAzureDevOpsEmulator,
  type AzureDevOpsEmulator,
  type AzureDevOpsEmulatorOptions,
} from '../emulators/azure-devops.js';
import { caPem } from '../emulators/tls.js';
import { onlineDeps, preflight, verdictCodes as codes } from '../support/online.js';
import { azureDevOpsPat, leaks } from '../support/tokens.js';
import { fakeEntraClaims, mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';

const NOW = new Date();
const GOOD = azureDevOpsPat(NOW, 0, 'FAKEx0GOODx0PATx0NOTxREAL');
const NARROW = azureDevOpsPat(NOW, 0, 'FAKEx0NARROWx0PATx0NOTxREAL');
const EXPIRED = azureDevOpsPat(NOW, 1, 'FAKEx0EXPIREDx0PATx0NOTxREAL');
const OTHER_ORG = azureDevOpsPat(NOW, 0, 'FAKEx0OTHERx0ORGx0NOTxREAL');
const UNKNOWN = azureDevOpsPat(NOW, 0, 'FAKEx0UNKNOWNx0PATx0NOTxREAL');
const user = { id: '00000000-fa4e-7e57-0000-0000000000aa', displayName: 'Fake Test User', uniqueName: 'fake.test.user@fabrikam.example' };
const ENTRA = mintEntraJwt(fakeEntraClaims(NOW));
const JOB_TOKEN = 'opaque-FAKE-job-token-NOT-REAL-0123456789';

const projects = [
  { id: '00000000-fa4e-7e57-0000-000000000101', name: 'Fabrikam-Fiber', previousNames: ['Fabrikam-Old'] },
  { id: '00000000-fa4e-7e57-0000-000000000102', name: 'Going-Away', state: 'deleting' as const },
  { id: '00000000-fa4e-7e57-0000-000000000103', name: 'Contoso Web' },
];
const organizations: AzureDevOpsEmulatorOptions['organizations'] = [
  { name: 'fabrikam', projects },
  { name: 'publicorg', public: true, projects: [] },
];
const tokens: NonNullable<AzureDevOpsEmulatorOptions['tokens']> = {
  [GOOD]: {
    user,
    organizations: ['fabrikam'],
    scopes: ['vso.project', 'vso.code_write', 'vso.build_execute', 'vso.work', 'vso.release', 'vso.graph'],
  },
  [NARROW]: { user, organizations: ['fabrikam'], scopes: ['vso.project'] },
  [EXPIRED]: { user, organizations: ['fabrikam'], scopes: 'full', expired: true },
  [OTHER_ORG]: { user, organizations: ['contoso'], scopes: 'full' },
  [ENTRA]: {
    user: { id: '00000000-fa4e-7e57-0000-0000000000ee', displayName: 'Agent Principal', uniqueName: 'agent@fabrikam.example' },
    organizations: ['fabrikam'],
    scopes: 'full',
    scheme: 'bearer',
  },
  [JOB_TOKEN]: {
    user: {
      id: '00000000-fa4e-7e57-0000-0000000000ff',
      displayName: 'Project Collection Build Service (fabrikam)',
      uniqueName: 'build@fabrikam.example',
    },
    organizations: ['fabrikam'],
    scopes: 'full',
    scheme: 'bearer',
  },
};

let services: AzureDevOpsEmulator;
let dispatcher: Agent;

beforeAll(async () => {
  services = await startAzureDevOpsEmulator({ mode: 'services', organizations, tokens });
  dispatcher = services.dispatcher();
});
afterEach(() => services.clearFaults());
afterAll(async () => {
  await dispatcher.close();
  await services.close();
});

const deps = (d: Agent = dispatcher, extra: Partial<PreflightDeps> = {}): PreflightDeps => onlineDeps(NOW, d, extra);
const check = (inputs: RawInputs, d?: Agent, extra?: Partial<PreflightDeps>): Promise<Report> =>
  preflight({ provider: 'azure-devops', url: 'https://dev.azure.com/fabrikam', ...inputs }, deps(d, extra));

describe('Azure DevOps Services online', () => {
  it('passes a good PAT: identity, exact project, read scopes proven, write scopes unverifiable', async () => {
    const r = await check({
      token: GOOD,
      project: 'Fabrikam-Fiber',
      requiredScopes: 'Code: Read, vso.work, Build: Read & Execute, vso.release, vso.graph',
    });
    expect(r.identity).toEqual({ name: 'Fake Test User', id: user.id });
    expect(r.project).toEqual({ requested: 'Fabrikam-Fiber', canonical: 'Fabrikam-Fiber' });
    expect(r.scopes).toEqual({
      required: ['vso.code', 'vso.work', 'vso.build_execute', 'vso.release', 'vso.graph'],
      verified: ['vso.code', 'vso.work', 'vso.release', 'vso.graph'],
      missing: [],
      unverifiable: ['vso.build_execute'],
    });
    expect(codes(r)).toEqual(['scope.unverifiable:warning']);
    expect(r.outcome).toBe('warned');
  });

  it('sends Entra tokens and System.AccessToken as Bearer and reads their identity', async () => {
    const entra = await check({ token: ENTRA, project: 'Fabrikam-Fiber', requiredScopes: 'vso.code' });
    expect([entra.outcome, entra.tokenKind, entra.identity?.name, entra.expirySource]).toEqual([
      'passed',
      'azure-devops.entra',
      'Agent Principal',
      'token',
    ]);
    const job = await check({ token: JOB_TOKEN, tokenType: 'system-access-token', project: 'Fabrikam-Fiber' });
    expect([job.outcome, job.tokenKind, job.identity?.name]).toEqual([
      'passed',
      'azure-devops.system-access-token',
      'Project Collection Build Service (fabrikam)',
    ]);
    const rejected = await check({ token: 'opaque-FAKE-other-job-token-NOT-REAL', tokenType: 'system-access-token' });
    expect(codes(rejected)).toEqual(['token.rejected:error']);
    expect(rejected.findings[0]!.message).toContain('job token');
  });

  it('passes outright when only read scopes are required', async () => {
    const r = await check({ token: GOOD, project: 'Fabrikam-Fiber', requiredScopes: 'vso.code' });
    expect(r.outcome).toBe('passed');
  });

  it('fails on different casing and names the exact one', async () => {
    const r = await check({ token: GOOD, project: 'fabrikam-fiber' });
    expect(codes(r)).toEqual(['project.case-mismatch:error']);
    expect(r.project.canonical).toBe('Fabrikam-Fiber');
    expect(r.findings[0]!.hint).toContain('"Fabrikam-Fiber"');
  });

  it('reports a renamed project with its new name', async () => {
    const r = await check({ token: GOOD, project: 'Fabrikam-Old' });
    expect(codes(r)).toEqual(['project.renamed:error']);
    expect(r.findings[0]!.message).toContain('Fabrikam-Fiber');
  });

  it('lists the closest names for a missing project', async () => {
    const r = await check({ token: GOOD, project: 'Fabrikam-Fibre' });
    expect(codes(r)).toEqual(['project.not-found:error']);
    expect(r.findings[0]!.message).toContain('"Fabrikam-Fiber"');
  });

  it('fails a project that is being deleted', async () => {
    expect(codes(await check({ token: GOOD, project: 'Going-Away' }))).toEqual(['project.unavailable:error']);
  });

  it('percent-encodes project names with spaces', async () => {
    const r = await check({ token: GOOD, project: 'Contoso Web', requiredScopes: 'vso.code' });
    expect(r.outcome).toBe('passed');
  });

  it('finds a missing scope differentially and names the checkbox', async () => {
    const r = await check({ token: NARROW, project: 'Fabrikam-Fiber', requiredScopes: 'vso.code, vso.code_write' });
    expect(r.scopes.missing).toEqual(['vso.code', 'vso.code_write']);
    expect(codes(r)).toEqual(['scope.missing:error', 'scope.missing:error']);
    expect(r.findings.map((f) => f.hint).join(' ')).toContain('Code: Read');
  });

  it('rejects unknown scopes as configuration errors', async () => {
    expect(codes(await check({ token: GOOD, requiredScopes: 'Code: Teleport' }))).toContain('scope.unknown:error');
  });

  it('tells expired from rejected from anonymous from unknown organisation', async () => {
    expect(codes(await check({ token: EXPIRED }))).toEqual(['token.expired:error']);
    const rejected = await check({ token: UNKNOWN });
    expect(codes(rejected)).toEqual(['token.rejected:error']);
    expect(rejected.findings[0]!.message).toMatch(/\(1\).*\(2\) it was created for another organisation/);
    expect(codes(await check({ token: OTHER_ORG }))).toEqual(['token.rejected:error']);
    expect(codes(await check({ token: UNKNOWN, url: 'https://dev.azure.com/publicorg' }))).toEqual(['token.anonymous:error']);
    expect(codes(await check({ token: GOOD, url: 'https://dev.azure.com/nosuchorg' }))).toEqual(['url.org-not-found:error']);
  });

  it('sends the credential only to Azure DevOps hosts, over TLS, and never leaks it', async () => {
    const before = services.requests.length;
    const r = await check({ token: GOOD, project: 'Fabrikam-Fiber', requiredScopes: 'vso.code, vso.release, vso.graph, vso.profile' });
    const sent = services.requests.slice(before);
    const hosts = new Set(sent.map((q) => q.host));
    expect(sent.every((q) => q.hasAuth && q.servername === q.host)).toBe(true); // TLS to the very host named
    expect([...hosts].every((h) => ['dev.azure.com', 'vsrm.dev.azure.com', 'vssps.dev.azure.com'].includes(h))).toBe(true);
    expect(hosts.has('vsrm.dev.azure.com') && hosts.has('vssps.dev.azure.com')).toBe(true);
    expect(leaks(JSON.stringify(r), GOOD)).toEqual([]);
  });

  it('costs two round trips: identity, then project and every probe at once', async () => {
    services.clearLog();
    // Hold every answer after the identity's until the six are in (or 1 s passed): a client that
    // waited for one answer before the next request cannot pass the ordering checks below.
    services.fault({ type: 'barrier', count: 6 }, { path: /^(?!.*\/_apis\/connectionData$)/ });
    const r = await check({
      token: GOOD,
      project: 'Fabrikam-Fiber',
      requiredScopes: 'vso.code, vso.work, vso.build, vso.release, vso.graph',
    });
    expect(r.outcome).toBe('passed');
    const [identity, ...second] = services.requests;
    expect(identity!.path).toBe('/fabrikam/_apis/connectionData');
    expect(second).toHaveLength(6); // project + five probes
    // Every second-wave request arrived before the first of them was answered: one round trip.
    expect(Math.max(...second.map((q) => q.seq))).toBeLessThanOrEqual(Math.min(...second.map((q) => q.requestsSeenAtAnswer!)));
    // None of them was sent before the identity was answered.
    expect(Math.min(...second.map((q) => q.seq))).toBeGreaterThan(identity!.requestsSeenAtAnswer!);
  });

  it('retries a 429 with Retry-After and then succeeds', async () => {
    services.clearLog();
    services.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { path: /\/connectionData$/, times: 1 });
    const r = await check({ token: GOOD });
    expect(r.outcome).toBe('passed');
    expect(services.requests.filter((q) => q.path.endsWith('connectionData')).map((q) => q.status)).toEqual([429, 200]);
  });

  it('calls a 429 storm and 5xx bursts unverified, never a bad token', async () => {
    const storm = services.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { path: /\/connectionData$/, times: Infinity });
    const r1 = await check({ token: GOOD });
    expect([r1.outcome, codes(r1)]).toEqual(['unverified', ['network.rate-limited:error']]);
    storm.cancel();
    services.fault({ type: 'status', status: 503 }, { path: /\/connectionData$/, times: Infinity });
    const r2 = await check({ token: GOOD });
    expect([r2.outcome, codes(r2)]).toEqual(['unverified', ['network.unexpected-response:error']]);
  });

  it('reports an untrusted certificate as network.tls', async () => {
    const plain = new Agent();
    try {
      const r = await check({ url: services.collectionUrl('fabrikam'), token: GOOD }, plain);
      expect([r.outcome, codes(r)]).toEqual(['unverified', ['network.tls:error']]);
    } finally {
      await plain.destroy();
    }
  });
});

describe('Azure DevOps Server online', () => {
  it('reads the api-version ceiling and uses it for every probe', async () => {
    const server = await startAzureDevOpsEmulator({
      mode: 'server',
      organizations: [{ name: 'DefaultCollection', projects }],
      tokens: { [GOOD]: { ...tokens[GOOD]!, organizations: ['defaultcollection'] } },
      apiVersionCeiling: '7.0',
    });
    const agent = new Agent({ connect: { ca: caPem } });
    try {
      const r = await check(
        {
          url: server.collectionUrl('DefaultCollection'),
          token: GOOD,
          project: 'Fabrikam-Fiber',
          requiredScopes: 'vso.code, vso.auditlog',
        },
        agent,
      );
      expect(r.findings.map((f) => f.code)).toContain('url.server-version');
      expect(r.scopes.verified).toEqual(['vso.code']);
      expect(r.scopes.unverifiable).toEqual(['vso.auditlog']); // its probe host exists only on Services
      const versions = server.requests.map((q) => q.query['api-version']).filter((v) => v && v !== '99.0');
      expect(new Set(versions)).toEqual(new Set(['7.0']));
      expect(server.requests.every((q) => q.host === '127.0.0.1')).toBe(true);
    } finally {
      await agent.destroy();
      await server.close();
    }
  });
});

describe('CLI exit code 3', () => {
  it('exits 3 when the provider cannot be reached', async () => {
    let out = '';
    const refused = new Agent({ connect: { timeout: 500 } });
    try {
      const code = await main(
        ['--provider', 'azure-devops', '--url', 'https://127.0.0.1:1/fabrikam'],
        { stdout: (t) => (out += t), stderr: () => undefined, readStdin: async () => '', env: { AZURE_DEVOPS_PAT: GOOD }, isTTY: false },
        deps(refused),
      );
      expect(code).toBe(3);
      expect(out).toContain('network.unreachable');
    } finally {
      await refused.destroy();
    }
  });
});

it('the anonymous id is the documented one, in the emulator and in the check', () => {
  expect(ANONYMOUS_USER_ID).toBe('aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa');
  expect(ANONYMOUS_ID).toBe(ANONYMOUS_USER_ID);
});
