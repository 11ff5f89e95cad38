/**
 * Every link of the Entra chain that can break, through BOTH front ends that run in CI: the action
 * (GitHub OIDC with client-id / tenant-id, or the Azure Identity variables) and the task (an Azure
 * Resource Manager service connection, or the Azure Identity variables). Each case names the code it
 * must end with; the run must also print nothing secret. The organisation is addressed as
 * https://dev.azure.com/fabrikam through a local forward proxy, so the Services-only checks (the
 * service principal's access level on vsaex) run as they do for real.
 *
 * Needs `npm run build` (dist/).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { caFile } from '../emulators/tls.js';
import * as w from '../support/entra.js';
import { baseEnv, runBundle, withoutMaskCommands as hidden, type BundleRun } from '../support/run-bundle.js';
import { tempDir } from '../support/temp.js';
import { leaks } from '../support/tokens.js';

const NOW = new Date();
const URL_ = 'https://dev.azure.com/fabrikam';
let world: w.EntraWorld;
let proxy: ForwardProxy;
/** Also routes the clouds' authority names (login.microsoftonline.*, login.chinacloudapi.cn) to the Entra emulator. */
let sovereign: ForwardProxy;
let dir: string;

beforeAll(async () => {
  world = await w.startEntraWorld();
  // Loopback targets (the Entra emulator) as asked; every *.dev.azure.com name to the Azure DevOps emulator.
  proxy = await startForwardProxy({ route: (host, port) => ({ host: '127.0.0.1', port: host === '127.0.0.1' ? port : world.ado.port }) });
  sovereign = await startForwardProxy({
    route: (host, port) => ({
      host: '127.0.0.1',
      port: host === '127.0.0.1' ? port : host.startsWith('login.') ? world.entra.port : world.ado.port,
    }),
  });
  dir = tempDir('entra-codes');
});
afterAll(async () => {
  await Promise.all([world.close(), proxy.close(), sovereign.close()]);
});

/** How a front end is given the credential. */
type Setup =
  /** Action: the client-id / tenant-id inputs; `requestToken` = what `id-token: write` provides (none: not granted). */
  | { oidc: string; requestToken?: string; tenant?: string }
  /** Either: the Azure Identity variables (`{expired}` / `{retiring}` / `{unknown}` name files written here). */
  | { env: Record<string, string> }
  /** Task: an ARM service connection; `jobToken: null` = the job's System.AccessToken is not available. */
  | { arm: string; parameters: Record<string, string>; scId?: string; jobToken?: null };

const secretConn = (clientId: string, secret = w.SECRET, tenantid = w.TENANT): Setup => ({
  arm: 'ServicePrincipal',
  parameters: { serviceprincipalid: clientId, tenantid, authenticationType: 'spnKey', serviceprincipalkey: secret },
});
const wifConn = (clientId: string, scId = w.SC_ID): Setup => ({
  arm: 'WorkloadIdentityFederation',
  parameters: { serviceprincipalid: clientId, tenantid: w.TENANT, workloadIdentityFederationIssuerType: 'EntraID' },
  scId,
});
const secretEnv = (clientId: string, secret = w.SECRET, tenant = w.TENANT): Setup => ({
  env: { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: tenant, AZURE_CLIENT_SECRET: secret },
});
const fileEnv = (clientId: string, file: string): Setup => ({
  env: { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: w.TENANT, AZURE_FEDERATED_TOKEN_FILE: file },
});
const UNKNOWN_APP = '00000000-fa4e-7e57-0000-00000000beef';
const UNKNOWN_TENANT = '00000000-fa4e-7e57-0000-00000000dead';

/** Token files, written once: an expired AKS token, and a pipeline token of the retiring issuer copied to a file. */
function tokenFiles(): Record<string, string> {
  const iat = Math.floor(NOW.getTime() / 1000);
  const retiring = mintEntraJwt({ iss: w.ADO_ISSUER, sub: w.ADO_SUBJECT, aud: w.EXCHANGE_AUDIENCE, iat, nbf: iat, exp: iat + 600 });
  return { expired: w.aksToken(NOW, { exp: iat - 600 }), retiring };
}

interface Case {
  code: string;
  severity: 'error' | 'warning';
  /** null: the link does not exist on that platform (the comment says why). */
  action: Setup | null;
  task: Setup;
}

// Each code, once per front end; a different way in where the platforms differ.
const CASES: Record<string, Case> = {
  'no id-token permission / no job token for the OIDC request': {
    code: 'entra.oidc-unavailable',
    severity: 'error',
    action: { oidc: w.APPS.federated.clientId },
    task: { ...wifConn(w.APPS.federated.clientId), jobToken: null },
  },
  'connection not usable by this job (OIDC endpoint 404)': {
    code: 'entra.connection-unauthorized',
    severity: 'error',
    // Service connections are Azure Pipelines' alone: no action case.
    action: null,
    task: wifConn(w.APPS.federated.clientId, '00000000-fa4e-7e57-0000-00000000c0de'),
  },
  'subject not trusted': {
    code: 'entra.subject-mismatch',
    severity: 'error',
    action: { oidc: w.APPS.federated.clientId, requestToken: w.OTHER_BRANCH_TOKEN },
    task: wifConn(w.APPS.federated.clientId, w.RENAMED_SC_ID),
  },
  'issuer not trusted': {
    code: 'entra.issuer-mismatch',
    severity: 'error',
    action: { oidc: w.APPS.pipelinesOnly.clientId, requestToken: w.GITHUB_REQUEST_TOKEN },
    task: wifConn(w.APPS.pipelinesOnly.clientId, w.OLD_SC_ID),
  },
  'audience of another cloud': {
    code: 'entra.audience',
    severity: 'error',
    action: { oidc: w.APPS.wrongAudience.clientId, requestToken: w.GITHUB_REQUEST_TOKEN },
    task: wifConn(w.APPS.wrongAudience.clientId),
  },
  'no federated credential at all': {
    code: 'entra.federation-missing',
    severity: 'error',
    action: { oidc: w.APPS.noFederation.clientId, requestToken: w.GITHUB_REQUEST_TOKEN },
    task: wifConn(w.APPS.noFederation.clientId),
  },
  'expired assertion': {
    code: 'entra.assertion-invalid',
    severity: 'error',
    action: fileEnv(w.APPS.federated.clientId, '{expired}'),
    task: fileEnv(w.APPS.federated.clientId, '{expired}'),
  },
  'unknown tenant': {
    code: 'entra.tenant-not-found',
    severity: 'error',
    action: { oidc: w.APPS.federated.clientId, requestToken: w.GITHUB_REQUEST_TOKEN, tenant: UNKNOWN_TENANT },
    task: secretConn(w.APPS.secret.clientId, w.SECRET, UNKNOWN_TENANT),
  },
  'unknown application': {
    code: 'entra.app-not-found',
    severity: 'error',
    action: { oidc: UNKNOWN_APP, requestToken: w.GITHUB_REQUEST_TOKEN },
    task: secretConn(UNKNOWN_APP),
  },
  'disabled application': {
    code: 'entra.app-disabled',
    severity: 'error',
    action: secretEnv(w.APPS.disabled.clientId),
    task: secretConn(w.APPS.disabled.clientId),
  },
  'wrong secret': {
    code: 'entra.secret-invalid',
    severity: 'error',
    action: secretEnv(w.APPS.secret.clientId, 'FAKEwrongQ7SecretNOTxREAL'),
    task: secretConn(w.APPS.secret.clientId, 'FAKEwrongQ7SecretNOTxREAL'),
  },
  'expired secret': {
    code: 'entra.secret-expired',
    severity: 'error',
    action: secretEnv(w.APPS.secret.clientId, w.OLD_SECRET),
    task: secretConn(w.APPS.secret.clientId, w.OLD_SECRET),
  },
  'certificate the app does not have': {
    code: 'entra.certificate',
    severity: 'error',
    action: {
      env: { AZURE_CLIENT_ID: w.APPS.certificate.clientId, AZURE_TENANT_ID: w.TENANT, AZURE_CLIENT_CERTIFICATE_PATH: '{unknown}' },
    },
    task: {
      arm: 'ServicePrincipal',
      parameters: {
        serviceprincipalid: w.APPS.certificate.clientId,
        tenantid: w.TENANT,
        authenticationType: 'spnCertificate',
        servicePrincipalCertificate: w.CERT_PEM.unknown,
      },
    },
  },
  'Azure DevOps not consented in the tenant': {
    code: 'entra.consent-missing',
    severity: 'error',
    action: { oidc: w.APPS.noConsent.clientId, requestToken: w.GITHUB_REQUEST_TOKEN },
    task: wifConn(w.APPS.noConsent.clientId),
  },
  'Conditional Access': {
    code: 'entra.policy-blocked',
    severity: 'error',
    action: { oidc: w.APPS.conditionalAccess.clientId, requestToken: w.GITHUB_REQUEST_TOKEN },
    task: secretConn(w.APPS.conditionalAccess.clientId),
  },
  'issuer not allowed by tenant policy': {
    code: 'entra.policy-blocked',
    severity: 'error',
    action: secretEnv(w.APPS.issuerNotAllowed.clientId),
    task: wifConn(w.APPS.issuerNotAllowed.clientId),
  },
  'an AADSTS code without a code of its own': {
    code: 'entra.rejected',
    severity: 'error',
    action: { oidc: w.APPS.roleAssignment.clientId, requestToken: w.GITHUB_REQUEST_TOKEN },
    task: secretConn(w.APPS.roleAssignment.clientId),
  },
  'not a member of the organisation': {
    code: 'entra.not-member',
    severity: 'error',
    action: secretEnv(w.APPS.outsider.clientId),
    task: secretConn(w.APPS.outsider.clientId),
  },
  'a member with the Stakeholder access level': {
    code: 'entra.access-level',
    severity: 'error',
    action: { oidc: w.APPS.stakeholder.clientId, requestToken: w.GITHUB_REQUEST_TOKEN },
    task: wifConn(w.APPS.stakeholder.clientId),
  },
  'the retiring Azure DevOps issuer': {
    code: 'entra.issuer-retiring',
    severity: 'warning',
    action: fileEnv(w.APPS.federated.clientId, '{retiring}'),
    task: wifConn(w.APPS.federated.clientId, w.OLD_SC_ID),
  },
};

/** `{name}` placeholders → files in the test's directory (token files, certificate PEMs). */
function materialise(vars: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = { ...tokenFiles(), unknown: w.CERT_PEM.unknown };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    const name = /^\{(\w+)\}$/.exec(v)?.[1];
    if (name === undefined) {
      out[k] = v;
      continue;
    }
    const file = path.join(dir, name);
    fs.writeFileSync(file, files[name]!);
    out[k] = file;
  }
  return out;
}

interface Outcome {
  failed: boolean;
  codes: string[];
  /** Everything printed or written, the masking commands excepted. */
  text: string;
}

async function runAction(s: Setup): Promise<Outcome> {
  const out = path.join(dir, `out-${Math.random().toString(16).slice(2)}`);
  fs.writeFileSync(out, '');
  let vars: Record<string, string> = {};
  if ('oidc' in s) {
    vars = { 'INPUT_CLIENT-ID': s.oidc, 'INPUT_TENANT-ID': s.tenant ?? w.TENANT };
    if (s.requestToken)
      vars = { ...vars, ACTIONS_ID_TOKEN_REQUEST_URL: world.entra.githubRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.requestToken };
  } else if ('env' in s) vars = materialise(s.env);
  const env = { NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: proxy.url, GITHUB_OUTPUT: out, AZURE_AUTHORITY_HOST: world.entra.authorityHost };
  const r = await runBundle('action', [], baseEnv({ ...env, INPUT_URL: URL_, INPUT_PROJECT: 'Fabrikam-Fiber', ...vars }));
  const codes = [...r.stdout.matchAll(/title=credential-preflight ([\w.-]+)::/g)].map((m) => m[1]!);
  return { failed: r.code !== 0, codes, text: hidden(r.stdout) + r.stderr + fs.readFileSync(out, 'utf8') };
}

async function runTask(s: Setup): Promise<Outcome> {
  let vars: Record<string, string> = {};
  if ('arm' in s) {
    const id = s.scId ?? '00000000-fa4e-7e57-0000-0000000e0e01';
    vars = {
      INPUT_AZURESUBSCRIPTION: id,
      [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ scheme: s.arm, parameters: s.parameters }),
      [`ENDPOINT_AUTH_SCHEME_${id}`]: s.arm,
      [`ENDPOINT_DATA_${id}_ACTIVEDIRECTORYAUTHORITY`]: `${world.entra.authorityHost}/`,
      SYSTEM_COLLECTIONURI: `${URL_}/`,
      SYSTEM_TEAMPROJECT: 'Fabrikam-Fiber',
    };
  } else if ('env' in s) vars = { ...materialise(s.env), INPUT_URL: URL_, INPUT_PROJECT: 'Fabrikam-Fiber' };
  const r: BundleRun = await runBundle(
    'task',
    [],
    baseEnv({
      NODE_EXTRA_CA_CERTS: caFile,
      AGENT_PROXYURL: proxy.url,
      AGENT_TEMPDIRECTORY: dir,
      AZURE_AUTHORITY_HOST: world.entra.authorityHost,
      ...('arm' in s && s.jobToken === null
        ? {}
        : { ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ scheme: 'OAuth', parameters: { AccessToken: w.JOB_TOKEN } }) }),
      SYSTEM_OIDCREQUESTURI: world.entra.pipelinesRequestUri,
      ...vars,
    }),
  );
  const result = /##vso\[task\.complete result=(\w+);/.exec(r.stdout)?.[1];
  const codes = [...r.stdout.matchAll(/code=([\w.-]+);/g)].map((m) => m[1]!);
  return { failed: result === 'Failed', codes, text: hidden(r.stdout) + r.stderr };
}

function expectNothingSecret(o: Outcome): void {
  const files = tokenFiles();
  const keyLines = w.CERT_PEM.unknown.split('\n').filter((l) => l && !l.startsWith('-----') && !w.CERT_PEM.good.includes(l));
  const secrets = [w.SECRET, w.OLD_SECRET, w.GITHUB_REQUEST_TOKEN, w.OTHER_BRANCH_TOKEN, w.JOB_TOKEN, files.retiring!];
  for (const s of [...secrets, ...Object.keys(world.ado.options.tokens ?? {})]) expect(leaks(o.text, s)).toEqual([]);
  for (const line of keyLines.slice(-8)) expect(o.text).not.toContain(line);
}

describe.each([
  ['action', runAction],
  ['task', runTask],
] as const)('%s bundle: each broken link of the Entra chain has its own code', (front, run) => {
  const cases = Object.entries(CASES).filter(([, c]) => (front === 'action' ? c.action : c.task) !== null);
  it.each(cases)('%s', async (_name, c) => {
    const o = await run(front === 'action' ? c.action! : c.task);
    expect(o.codes).toContain(c.code);
    expect(o.failed).toBe(c.severity === 'error');
    expectNothingSecret(o);
  });
});

describe.each([
  ['action', runAction, CASES['a member with the Stakeholder access level']!.action!],
  ['task', runTask, CASES['a member with the Stakeholder access level']!.task],
] as const)('%s bundle: the access level is read, not guessed', (_front, run, setup) => {
  it("asks Azure DevOps (vsaex, through the proxy) for the service principal's own entitlement, with a GET", async () => {
    world.ado.clearLog();
    const o = await run(setup);
    expect(o.text).toContain('Change access level → Basic');
    const asked = world.ado.requests.filter((q) => q.path.includes('/_apis/serviceprincipalentitlements/'));
    expect(asked.map((q) => [q.method, q.host])).toEqual([['GET', 'vsaex.dev.azure.com']]);
    expect(world.ado.requests.every((q) => q.method === 'GET')).toBe(true);
  });
});

describe("sovereign clouds: AZURE_AUTHORITY_HOST (and the connection's authority) pick the authority and the audience", () => {
  /** The action with GitHub OIDC against the authority of another cloud (its name routed to the Entra emulator). */
  async function inCloud(authority: string, clientId: string): Promise<Outcome> {
    world.entra.clearLog();
    const out = path.join(dir, `out-${Math.random().toString(16).slice(2)}`);
    fs.writeFileSync(out, '');
    const r = await runBundle(
      'action',
      [],
      baseEnv({
        NODE_EXTRA_CA_CERTS: caFile,
        HTTPS_PROXY: sovereign.url,
        GITHUB_OUTPUT: out,
        AZURE_AUTHORITY_HOST: authority,
        'INPUT_CLIENT-ID': clientId,
        'INPUT_TENANT-ID': w.TENANT,
        ACTIONS_ID_TOKEN_REQUEST_URL: world.entra.githubRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: w.GITHUB_REQUEST_TOKEN,
        INPUT_URL: URL_,
        INPUT_PROJECT: 'Fabrikam-Fiber',
      }),
    );
    const codes = [...r.stdout.matchAll(/title=credential-preflight ([\w.-]+)::/g)].map((m) => m[1]!);
    return { failed: r.code !== 0, codes, text: hidden(r.stdout) + r.stderr };
  }
  const exchanges = (): { host: string; audience: string | undefined }[] => {
    const asked = world.entra.requests.find((q) => q.path === '/github/idtoken')?.query['audience'];
    return world.entra.requests.filter((q) => q.method === 'POST').map((q) => ({ host: q.host, audience: asked }));
  };

  it('US Government: the GitHub token is requested for api://AzureADTokenExchangeUSGov and exchanged at login.microsoftonline.us', async () => {
    // The app's federated credential has the US Government audience: it passes there…
    const o = await inCloud('https://login.microsoftonline.us', w.APPS.wrongAudience.clientId);
    expect([o.failed, o.codes]).toEqual([false, []]);
    expect(exchanges()).toEqual([{ host: 'login.microsoftonline.us', audience: 'api://AzureADTokenExchangeUSGov' }]);
    // …and not in the public cloud, where the audience asked for is api://AzureADTokenExchange.
    const pub = await inCloud('https://login.microsoftonline.com', w.APPS.wrongAudience.clientId);
    expect(pub.codes).toEqual(['entra.audience']);
    expect(exchanges()).toEqual([{ host: 'login.microsoftonline.com', audience: 'api://AzureADTokenExchange' }]);
  });

  it('China: the audience asked for is api://AzureADTokenExchangeChina, and the refusal says which audience to use', async () => {
    const o = await inCloud('https://login.chinacloudapi.cn', w.APPS.federated.clientId);
    expect(o.codes).toEqual(['entra.audience']);
    expect(o.text).toContain("Request the token for 'api://AzureADTokenExchangeChina'");
    expect(exchanges()).toEqual([{ host: 'login.chinacloudapi.cn', audience: 'api://AzureADTokenExchangeChina' }]);
  });

  it('task: an ARM connection of the US Government cloud is exchanged at its own authority (endpoint data activeDirectoryAuthority)', async () => {
    world.entra.clearLog();
    const id = w.SC_ID;
    const r = await runBundle(
      'task',
      [],
      baseEnv({
        NODE_EXTRA_CA_CERTS: caFile,
        AGENT_PROXYURL: sovereign.url,
        AGENT_TEMPDIRECTORY: dir,
        INPUT_AZURESUBSCRIPTION: id,
        [`ENDPOINT_AUTH_${id}`]: JSON.stringify({
          scheme: 'WorkloadIdentityFederation',
          parameters: { serviceprincipalid: w.APPS.federated.clientId, tenantid: w.TENANT },
        }),
        [`ENDPOINT_AUTH_SCHEME_${id}`]: 'WorkloadIdentityFederation',
        [`ENDPOINT_DATA_${id}_ACTIVEDIRECTORYAUTHORITY`]: 'https://login.microsoftonline.us/',
        ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ scheme: 'OAuth', parameters: { AccessToken: w.JOB_TOKEN } }),
        SYSTEM_OIDCREQUESTURI: world.entra.pipelinesRequestUri,
        SYSTEM_COLLECTIONURI: `${URL_}/`,
        SYSTEM_TEAMPROJECT: 'Fabrikam-Fiber',
      }),
    );
    expect(/##vso\[task\.complete result=(\w+);/.exec(r.stdout)?.[1]).toBe('Succeeded');
    expect(world.entra.requests.filter((q) => q.path.endsWith('/oauth2/v2.0/token')).map((q) => q.host)).toEqual([
      'login.microsoftonline.us',
    ]);
  });
});

describe('task bundle: ARM schemes that hold no Entra credential to check', () => {
  it.each([
    ['ManagedServiceIdentity', { tenantid: w.TENANT }, /managed identity scheme \(ManagedServiceIdentity\)/],
    ['PublishProfile', { tenantid: w.TENANT, publishProfile: '<publishData/>' }, /publish profile \(PublishProfile\)/],
  ])('%s → entra.connection-scheme, and nothing is sent anywhere', async (scheme, parameters, text) => {
    world.entra.clearLog();
    world.ado.clearLog();
    const o = await runTask({ arm: scheme, parameters });
    expect([o.failed, o.codes[0]]).toEqual([true, 'entra.connection-scheme']);
    expect(o.text).toMatch(text);
    expect([...world.entra.requests, ...world.ado.requests]).toEqual([]);
  });
});

describe.each([
  ['action', runAction],
  ['task', runTask],
] as const)('%s bundle: AZURE_CLIENT_SEND_CERTIFICATE_CHAIN (subject name / issuer certificate trust)', (_front, run) => {
  const env = (send?: string): Setup => ({
    env: {
      AZURE_CLIENT_ID: w.APPS.subjectName.clientId,
      AZURE_TENANT_ID: w.TENANT,
      AZURE_CLIENT_CERTIFICATE_PATH: '{unknown}',
      ...(send !== undefined ? { AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: send } : {}),
    },
  });
  it('with it, the chain goes in x5c and the app that trusts the subject name accepts the assertion', async () => {
    const o = await run(env('true'));
    expect([o.failed, o.codes.filter((c) => !c.endsWith('.info'))]).toEqual([false, []]);
    expectNothingSecret(o);
  });
  it('without it, the same certificate is refused (entra.certificate)', async () => {
    const o = await run(env());
    expect([o.failed, o.codes]).toEqual([true, ['entra.certificate']]);
    expectNothingSecret(o);
  });
});
