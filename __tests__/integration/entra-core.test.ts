/**
 * The secretless path end to end in the core: the platform's OIDC token (GitHub, Azure Pipelines, a
 * token file) or a client secret, exchanged at the local Entra emulator, then the Azure DevOps checks
 * against the local Azure DevOps emulator. Each broken link gets its own code; nothing secret leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agent } from 'undici';
import { entraFromAzureEnv, runEntraPreflight, type EntraCredential } from '../../src/core/entra/index.js';
import { CODES, type FindingCode } from '../../src/core/codes.js';
import type { Report } from '../../src/core/report.js';
import { resolveRequest } from '../../src/core/request.js';
import { REFUSALS } from '../emulators/entra.js';
import * as w from '../support/entra.js';
import { onlineDeps, verdictCodes } from '../support/online.js';
import { leaks } from '../support/tokens.js';

const NOW = new Date();
let world: w.EntraWorld;
let dispatcher: Agent;

beforeAll(async () => {
  world = await w.startEntraWorld();
  dispatcher = world.ado.dispatcher();
});
afterAll(async () => {
  await dispatcher.close();
  await world.close();
});

interface Run {
  report: Report;
  masked: string[];
}

async function check(
  credential: Partial<EntraCredential> & Pick<EntraCredential, 'clientId'>,
  files: Record<string, string> = {},
): Promise<Run> {
  const masked: string[] = [];
  const { request } = resolveRequest({ url: 'https://dev.azure.com/fabrikam', project: 'Fabrikam-Fiber', requiredScopes: 'vso.code' }, {});
  const c: EntraCredential = { tenantId: w.TENANT, authorityHost: world.entra.authorityHost, origin: 'the test', ...credential };
  const readFile = (p: string): string => {
    if (!(p in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return files[p]!;
  };
  const report = await runEntraPreflight(c, request, { ...onlineDeps(NOW, dispatcher), readFile, mask: (s) => masked.push(s) });
  return { report, masked };
}

const github = (token: string | undefined, url?: string): EntraCredential['assertion'] => ({
  kind: 'github',
  requestUrl: url ?? world.entra.githubRequestUrl,
  requestToken: token,
});
const pipelines = (id: string, token: string | undefined = w.JOB_TOKEN): EntraCredential['assertion'] => ({
  kind: 'azure-pipelines',
  requestUri: world.entra.pipelinesRequestUri,
  serviceConnectionId: id,
  accessToken: token,
});

/** No secret, no assertion, no minted token in anything the report says. */
function expectNoLeak(run: Run): void {
  const text = JSON.stringify(run.report);
  for (const s of [...run.masked, w.SECRET, w.JOB_TOKEN, w.GITHUB_REQUEST_TOKEN]) expect(leaks(text, s)).toEqual([]);
}

describe('Entra exchange → Azure DevOps checks', () => {
  it('a client secret: the service principal is checked like any identity, and every secret was masked first', async () => {
    const run = await check({ clientId: w.APPS.secret.clientId, secret: w.SECRET });
    expect(verdictCodes(run.report)).toEqual([]);
    expect(run.report).toMatchObject({ outcome: 'passed', tokenKind: 'azure-devops.entra', identity: { id: w.APPS.secret.objectId } });
    expect(run.report.scopes.verified).toEqual(['vso.code']);
    expect(run.masked[0]).toBe(w.SECRET);
    expect(run.masked).toHaveLength(2); // the secret, then the minted token
    expectNoLeak(run);
  });

  it('GitHub OIDC: requests the exchange audience with the request token, exchanges the assertion', async () => {
    world.entra.clearLog();
    const run = await check({ clientId: w.APPS.federated.clientId, assertion: github(w.GITHUB_REQUEST_TOKEN) });
    expect(run.report.outcome).toBe('passed');
    const [idtoken, token] = world.entra.requests;
    expect([idtoken?.method, idtoken?.query['audience'], idtoken?.authScheme]).toEqual(['GET', w.EXCHANGE_AUDIENCE, 'Bearer']);
    expect([token?.method, token?.path, token?.hasAuth]).toEqual(['POST', `/${w.TENANT}/oauth2/v2.0/token`, false]);
    expect(run.report.findings.find((f) => f.code === 'entra.info')?.message).toContain(w.GITHUB_SUBJECT);
    expect(run.masked).toHaveLength(3); // request token, assertion, minted token
    expectNoLeak(run);
  });

  it('Azure Pipelines: the Entra issuer passes; the retiring Azure DevOps issuer warns', async () => {
    world.entra.clearLog();
    const entraIssuer = await check({ clientId: w.APPS.federated.clientId, assertion: pipelines(w.SC_ID) });
    expect(entraIssuer.report.outcome).toBe('passed');
    expect(world.entra.requests[0]).toMatchObject({ method: 'POST', query: { 'api-version': '7.1', serviceConnectionId: w.SC_ID } });
    const old = await check({ clientId: w.APPS.federated.clientId, assertion: pipelines(w.OLD_SC_ID) });
    expect(verdictCodes(old.report)).toEqual(['entra.issuer-retiring:warning']);
    expect(old.report.findings[0]!.message).toContain(w.ADO_SUBJECT);
    // The fix names the new issuer exactly (this tenant's), and the app to give the credential.
    expect(old.report.findings[0]!.hint).toContain(`issuer 'https://login.microsoftonline.com/${w.TENANT}/v2.0'`);
    expect(old.report.findings[0]!.hint).toContain(`app ${w.APPS.federated.clientId}`);
    expectNoLeak(old);
  });

  it('a certificate: the assertion is signed with its key, names it by thumbprint, and Entra verifies it', async () => {
    const run = await check({ clientId: w.APPS.certificate.clientId, certificate: { pem: w.CERT_PEM.good } });
    expect(run.report.outcome).toBe('passed');
    expect(run.masked.length).toBeGreaterThan(10); // every base64 line of the key, then the assertion and the minted token
    expect(leaks(JSON.stringify(run.report), w.CERT_PEM.keyOnly.split('\n')[1]!)).toEqual([]);
  });

  it('a federated token file (AKS workload identity)', async () => {
    const run = await check(
      { clientId: w.APPS.federated.clientId, assertion: { kind: 'file', path: '/var/run/token' } },
      { '/var/run/token': `${w.aksToken(NOW)}\n` },
    );
    expect(run.report.outcome).toBe('passed');
  });
});

describe('each broken link has its own code', () => {
  const cases: [string, () => Promise<Run>, string][] = [
    ['subject', () => check({ clientId: w.APPS.federated.clientId, assertion: github(w.OTHER_BRANCH_TOKEN) }), 'entra.subject-mismatch'],
    [
      'subject case',
      () => check({ clientId: w.APPS.caseOnly.clientId, assertion: github(w.GITHUB_REQUEST_TOKEN) }),
      'entra.subject-mismatch',
    ],
    [
      'issuer',
      () =>
        check(
          { clientId: w.APPS.federated.clientId, assertion: { kind: 'file', path: 'f' } },
          { f: w.aksToken(NOW, { iss: 'https://elsewhere.example/' }) },
        ),
      'entra.issuer-mismatch',
    ],
    ['audience', () => check({ clientId: w.APPS.wrongAudience.clientId, assertion: github(w.GITHUB_REQUEST_TOKEN) }), 'entra.audience'],
    [
      'no federated credential',
      () => check({ clientId: w.APPS.noFederation.clientId, assertion: github(w.GITHUB_REQUEST_TOKEN) }),
      'entra.federation-missing',
    ],
    [
      'expired assertion',
      () =>
        check(
          { clientId: w.APPS.federated.clientId, assertion: { kind: 'file', path: 'f' } },
          { f: w.aksToken(NOW, { exp: Math.floor(NOW.getTime() / 1000) - 600 }) },
        ),
      'entra.assertion-invalid',
    ],
    [
      'tenant',
      () => check({ clientId: w.APPS.secret.clientId, secret: w.SECRET, tenantId: '00000000-fa4e-7e57-0000-00000000dead' }),
      'entra.tenant-not-found',
    ],
    ['app', () => check({ clientId: '00000000-fa4e-7e57-0000-00000000beef', secret: w.SECRET }), 'entra.app-not-found'],
    ['disabled', () => check({ clientId: w.APPS.disabled.clientId, secret: w.SECRET }), 'entra.app-disabled'],
    ['wrong secret', () => check({ clientId: w.APPS.secret.clientId, secret: 'FAKEwrongQ7SecretNOTxREAL' }), 'entra.secret-invalid'],
    ['expired secret', () => check({ clientId: w.APPS.secret.clientId, secret: w.OLD_SECRET }), 'entra.secret-expired'],
    ['not a member (TF401444)', () => check({ clientId: w.APPS.outsider.clientId, secret: w.SECRET }), 'entra.not-member'],
    [
      'no id-token permission',
      () => check({ clientId: w.APPS.federated.clientId, assertion: github(undefined) }),
      'entra.oidc-unavailable',
    ],
    [
      'connection not referenced',
      () => check({ clientId: w.APPS.federated.clientId, assertion: pipelines('00000000-fa4e-7e57-0000-00000000c0de') }),
      'entra.connection-unauthorized',
    ],
    [
      'job token refused by the OIDC endpoint',
      () => check({ clientId: w.APPS.federated.clientId, assertion: pipelines(w.SC_ID, 'FAKEnotTheJobTokenNOTxREAL') }),
      'entra.oidc-unavailable',
    ],
    [
      'unreadable token file',
      () => check({ clientId: w.APPS.federated.clientId, assertion: { kind: 'file', path: '/missing' } }),
      'entra.oidc-unavailable',
    ],
    [
      'file without a JWT',
      () => check({ clientId: w.APPS.federated.clientId, assertion: { kind: 'file', path: 'f' } }, { f: 'not-a-jwt' }),
      'entra.oidc-unavailable',
    ],
    [
      'certificate not on the app',
      () => check({ clientId: w.APPS.certificate.clientId, certificate: { pem: w.CERT_PEM.unknown } }),
      'entra.certificate',
    ],
    [
      'expired certificate',
      () => check({ clientId: w.APPS.certificate.clientId, certificate: { pem: w.CERT_PEM.expired } }),
      'entra.certificate',
    ],
    [
      'PEM without its certificate',
      () => check({ clientId: w.APPS.certificate.clientId, certificate: { pem: w.CERT_PEM.keyOnly } }),
      'entra.certificate',
    ],
    ['malformed tenant', () => check({ clientId: w.APPS.secret.clientId, secret: w.SECRET, tenantId: '../x' }), 'config.invalid'],
    [
      'plain-HTTP authority',
      () => check({ clientId: w.APPS.secret.clientId, secret: w.SECRET, authorityHost: 'http://login.example' }),
      'config.invalid',
    ],
  ];
  it.each(cases)('%s', async (_name, run, code) => {
    const r = await run();
    expect([r.report.outcome, r.report.findings[0]?.code]).toEqual(['failed', code]);
    expect(r.report.findings[0]!.hint.length).toBeGreaterThan(20);
    // Every Entra finding builds its fix with this run's values, never the catalogue's generic text.
    if (code.startsWith('entra.')) expect(r.report.findings[0]!.hint).not.toBe(CODES[code as FindingCode].fix);
    expectNoLeak(r);
  });

  // Each tenant-side refusal the emulator knows, with the code its AADSTS number must end in.
  const REFUSED: [keyof typeof REFUSALS, string][] = [
    ['conditional-access', 'entra.policy-blocked'],
    ['resource-not-in-tenant', 'entra.consent-missing'],
    ['issuer-not-allowed', 'entra.policy-blocked'],
    ['wif-restricted', 'entra.policy-blocked'],
    ['multitenant-app', 'entra.policy-blocked'],
    ['cross-cloud', 'entra.policy-blocked'],
    ['no-consent', 'entra.consent-missing'],
    ['tenant-in-other-cloud', 'entra.tenant-not-found'],
    ['app-disabled-legacy', 'entra.app-disabled'],
    ['user-token-as-fic', 'entra.assertion-invalid'],
    ['entra-issued-assertion', 'entra.assertion-invalid'],
    ['no-fic-match', 'entra.subject-mismatch'],
    ['subject-hint', 'entra.subject-mismatch'],
    ['role-assignment', 'entra.rejected'],
  ];
  it.each(REFUSED)('AADSTS answer %s → %s, quoting nothing secret', async (refusal, code) => {
    expect(Object.keys(REFUSALS)).toContain(refusal);
    const app = {
      clientId: '00000000-fa4e-7e57-0000-0000000e0199',
      objectId: '00000000-fa4e-7e57-0000-0000000e0299',
      secrets: [{ value: w.SECRET }],
      refusedBy: refusal,
    };
    world.entra.options.tenants[w.TENANT] = [...world.entra.options.tenants[w.TENANT]!.filter((a) => a.clientId !== app.clientId), app];
    const r = await check({ clientId: app.clientId, secret: w.SECRET });
    expect([r.report.outcome, r.report.findings[0]?.code]).toEqual(['failed', code]);
    expect(r.report.findings[0]!.hint).not.toBe(CODES[code as FindingCode].fix);
    expect(r.report.findings[0]!.hint).toContain(app.clientId);
    expectNoLeak(r);
  });

  it('every refusal the emulator knows is covered above', () => {
    expect(REFUSED.map(([k]) => k).sort()).toEqual(Object.keys(REFUSALS).sort());
  });

  it('a member with the Stakeholder access level: the code read is refused, and its entitlement says why', async () => {
    world.ado.clearLog();
    const r = await check({ clientId: w.APPS.stakeholder.clientId, assertion: github(w.GITHUB_REQUEST_TOKEN) });
    expect(r.report.outcome).toBe('failed');
    const f = r.report.findings.find((x) => x.code === 'entra.access-level');
    expect(f?.message).toContain('Stakeholder');
    expect(f?.hint).toContain('https://dev.azure.com/fabrikam/_settings/users');
    expect(f?.hint).toContain('Change access level → Basic');
    expect(r.report.scopes.verified).not.toContain('vso.code');
    // One read-only GET of its own entitlement, on vsaex.
    const asked = world.ado.requests.filter((q) => q.path.includes('serviceprincipalentitlements'));
    expect(asked.map((q) => [q.method, q.host, q.path])).toEqual([
      ['GET', 'vsaex.dev.azure.com', `/fabrikam/_apis/serviceprincipalentitlements/${w.APPS.stakeholder.objectId}`],
    ]);
    expectNoLeak(r);
  });

  it('a member with Basic access gets no access-level finding (its entitlement was read and is enough)', async () => {
    world.ado.clearLog();
    const r = await check({ clientId: w.APPS.secret.clientId, secret: w.SECRET });
    expect(r.report.findings.map((x) => x.code)).not.toContain('entra.access-level');
    expect(world.ado.requests.some((q) => q.path.includes('serviceprincipalentitlements'))).toBe(true);
  });

  it.each([
    ['ManagedServiceIdentity', 'managed-identity', /Instance Metadata Service.*not checked/],
    ['PublishProfile', 'publish-profile', /publish profile.*not a Microsoft Entra identity/],
    ['SomethingNew', 'unknown', /does not know/],
  ] as const)('an ARM connection with the %s scheme: entra.connection-scheme, no request sent', async (scheme, kind, text) => {
    world.entra.clearLog();
    world.ado.clearLog();
    const r = await check({ clientId: '', tenantId: w.TENANT, uncheckable: { kind, scheme } });
    expect([r.report.outcome, r.report.findings[0]?.code]).toEqual(['failed', 'entra.connection-scheme']);
    expect(r.report.findings[0]!.message).toMatch(text);
    expect([...world.entra.requests, ...world.ado.requests]).toEqual([]);
  });

  it('a subject mismatch names the subject and issuer presented and the credential to add', async () => {
    const r = await check({ clientId: w.APPS.federated.clientId, assertion: github(w.OTHER_BRANCH_TOKEN) });
    const f = r.report.findings[0]!;
    expect(f.message).toContain("'repo:octo-org/octo-repo:ref:refs/heads/feature'");
    expect(f.message).toContain(w.GITHUB_ISSUER);
    expect(f.hint).toContain(`subject 'repo:octo-org/octo-repo:ref:refs/heads/feature'`);
    expect(f.hint).toContain("audience 'api://AzureADTokenExchange'");
  });

  it('the GitHub request token never goes to another origin than the request URL', async () => {
    world.entra.clearLog();
    const r = await check({
      clientId: w.APPS.federated.clientId,
      assertion: github(w.GITHUB_REQUEST_TOKEN, 'http://example.test/idtoken?x=1'),
    });
    expect(r.report.findings[0]?.code).toBe('network.unexpected-response');
    expect(world.entra.requests).toEqual([]);
  });

  it('a token request is never retried: a 503 from Entra is reported after one POST', async () => {
    world.entra.clearLog();
    world.entra.fault({ type: 'status', status: 503 }, { method: 'POST', times: 1 });
    const r = await check({ clientId: w.APPS.secret.clientId, secret: w.SECRET });
    expect([r.report.outcome, r.report.findings[0]?.code]).toEqual(['unverified', 'network.unexpected-response']);
    expect(world.entra.requests.map((q) => q.method)).toEqual(['POST']);
  });
});

describe('fixes name the exact values; the URL and the authority host are shown before a token', () => {
  it.each([
    ['conditional-access', ['AADSTS53003', 'Conditional Access'], ['Service principal sign-ins']],
    [
      'no-consent',
      ['AADSTS65001', '499b84ac-1321-427f-aa17-267ca6975798'],
      ['Grant admin consent', '499b84ac-1321-427f-aa17-267ca6975798'],
    ],
    ['resource-not-in-tenant', ['AADSTS500011', '499b84ac-1321-427f-aa17-267ca6975798'], ['Organization settings → Microsoft Entra']],
    ['wif-restricted', ['AADSTS700223', 'restricted or turned off'], ['allows workload identity federation']],
    ['multitenant-app', ['AADSTS70052', 'single-tenant'], ['Supported account types']],
    ['cross-cloud', ['AADSTS900382', 'across clouds'], ['AZURE_AUTHORITY_HOST']],
    ['app-disabled-legacy', ['AADSTS70001', 'disabled'], ['Enabled for users to sign-in?']],
  ] as const)(
    '%s: the message says the AADSTS code and what it means; the fix names the app, tenant and what to change',
    async (refusal, said, fix) => {
      const app = { clientId: '00000000-fa4e-7e57-0000-0000000e0198', objectId: '00000000-fa4e-7e57-0000-0000000e0298' };
      world.entra.options.tenants[w.TENANT] = [
        ...world.entra.options.tenants[w.TENANT]!.filter((a) => a.clientId !== app.clientId),
        { ...app, secrets: [{ value: w.SECRET }], refusedBy: refusal },
      ];
      const f = (await check({ clientId: app.clientId, secret: w.SECRET })).report.findings[0]!;
      for (const text of said) expect(f.message).toContain(text);
      for (const text of [...fix, app.clientId, w.TENANT]) expect(f.hint).toContain(text);
    },
  );

  it('a disabled app, a wrong or expired secret: the fix names the app (and where its secrets are)', async () => {
    const disabled = (await check({ clientId: w.APPS.disabled.clientId, secret: w.SECRET })).report.findings[0]!;
    expect(disabled.hint).toContain(`search for ${w.APPS.disabled.clientId}`);
    const wrong = (await check({ clientId: w.APPS.secret.clientId, secret: 'FAKEwrongQ7SecretNOTxREAL' })).report.findings[0]!;
    expect(wrong.hint).toContain(`Application (client) ID ${w.APPS.secret.clientId} → Certificates & secrets`);
    expect(wrong.hint).toContain('in the test'); // the credential's origin: where to store the new value
  });

  it('a refused exchange still shows the URL that was asked for (never its user info)', async () => {
    const masked: string[] = [];
    const { request } = resolveRequest({ url: 'https://someone:pw@dev.azure.com/fabrikam', project: 'Fabrikam-Fiber' }, {});
    const c: EntraCredential = {
      clientId: w.APPS.disabled.clientId,
      tenantId: w.TENANT,
      authorityHost: world.entra.authorityHost,
      origin: 't',
      secret: w.SECRET,
    };
    const report = await runEntraPreflight(c, request, { ...onlineDeps(NOW, dispatcher), mask: (s) => masked.push(s) });
    expect(report.findings[0]?.code).toBe('entra.app-disabled');
    expect(report.url.input).toBe('https://dev.azure.com/fabrikam');
  });

  it('an unreachable authority: the fix names its host to allow, not the Azure DevOps URL', async () => {
    const r = await check({ clientId: w.APPS.secret.clientId, secret: w.SECRET, authorityHost: 'https://127.0.0.1:1' });
    const f = r.report.findings[0]!;
    expect(f.code).toBe('network.unreachable');
    expect(f.message).toContain('Microsoft Entra ID at 127.0.0.1:1');
    expect(f.hint).toContain('Allow HTTPS from this runner to 127.0.0.1:1');
    expect(f.hint).toContain('or correct the authority https://127.0.0.1:1');
    expect(f.hint).not.toContain("URL's host");
    expect(r.report.url.input).toBe('https://dev.azure.com/fabrikam');
  });

  it('subject name / issuer certificate trust: passes only when the chain goes in x5c (AZURE_CLIENT_SEND_CERTIFICATE_CHAIN)', async () => {
    const without = await check({ clientId: w.APPS.subjectName.clientId, certificate: { pem: w.CERT_PEM.unknown } });
    expect(without.report.findings[0]?.code).toBe('entra.certificate');
    const withChain = await check({ clientId: w.APPS.subjectName.clientId, certificate: { pem: w.CERT_PEM.unknown, sendChain: true } });
    expect([withChain.report.outcome, verdictCodes(withChain.report)]).toEqual(['passed', []]);
    expectNoLeak(withChain);
  });

  it.each([
    [
      { AZURE_CLIENT_ID: 'c1', AZURE_TENANT_ID: 't1' },
      /one of AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH is missing/,
    ],
    [{ AZURE_TENANT_ID: 't1', AZURE_FEDERATED_TOKEN_FILE: '/f' }, /AZURE_CLIENT_ID is missing; every Azure Identity credential needs/],
    [
      { AZURE_CLIENT_ID: 'c1', AZURE_TENANT_ID: 't1', AZURE_USERNAME: 'u@x', AZURE_PASSWORD: 'FAKEpw' },
      /ROPC.*multifactor authentication \(MFA\)/,
    ],
  ])('incomplete Azure Identity variables %j: entra.env-incomplete naming the variable, no request sent', async (env, text) => {
    world.entra.clearLog();
    const c = entraFromAzureEnv(env)!;
    const r = await check({ ...c, authorityHost: world.entra.authorityHost });
    expect([r.report.outcome, r.report.provider, r.report.findings.map((f) => f.code)]).toEqual([
      'failed',
      'azure-devops',
      ['entra.env-incomplete'],
    ]);
    expect(r.report.findings[0]!.message).toMatch(text);
    expect(r.report.url.input).toBe('https://dev.azure.com/fabrikam');
    expect(world.entra.requests).toEqual([]);
  });
});
