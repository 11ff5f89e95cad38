/**
 * The secretless path through the built bundles, against the local Entra and Azure DevOps emulators
 * (127.0.0.1, test CA through NODE_EXTRA_CA_CERTS): the CLI with the Azure Identity variables, the
 * action with GitHub OIDC, the task with ARM (and, offline, GitHub and Bitbucket) service connections.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { caFile } from '../emulators/tls.js';
import * as w from '../support/entra.js';
import { baseEnv, runBundle, withoutMaskCommands as hidden, type BundleRun } from '../support/run-bundle.js';
import { mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { githubPat, leaks } from '../support/tokens.js';

const NOW = new Date();
let world: w.EntraWorld;
let dir: string;
let url: string;

beforeAll(async () => {
  world = await w.startEntraWorld();
  url = `${world.ado.origin}/fabrikam`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-entra-'));
});
afterAll(async () => {
  await world.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const secrets = [w.SECRET, w.OLD_SECRET, w.GITHUB_REQUEST_TOKEN, w.JOB_TOKEN];
const mintedTokens = (): string[] => Object.keys(world.ado.options.tokens ?? {});

function expectNoLeak(r: BundleRun, extra: string[] = []): void {
  for (const s of [...secrets, ...mintedTokens(), ...extra]) expect(leaks(r.stdout + r.stderr, s)).toEqual([]);
}

/** `{good}` / `{unknown}` in AZURE_CLIENT_CERTIFICATE_PATH → a PEM file in the test's directory. */
function withCertificateFiles(vars: Record<string, string>): Record<string, string> {
  const name = /^\{(\w+)\}$/.exec(vars.AZURE_CLIENT_CERTIFICATE_PATH ?? '')?.[1] as keyof typeof w.CERT_PEM | undefined;
  if (!name) return vars;
  const file = path.join(dir, `${name}.pem`);
  fs.writeFileSync(file, w.CERT_PEM[name]);
  return { ...vars, AZURE_CLIENT_CERTIFICATE_PATH: file };
}

/** The CLI with the Azure Identity variables and no token. */
function cli(vars: Record<string, string>, args: string[] = []): Promise<BundleRun> {
  const env = baseEnv({ NODE_EXTRA_CA_CERTS: caFile, AZURE_TENANT_ID: w.TENANT, AZURE_AUTHORITY_HOST: world.entra.authorityHost, ...vars });
  return runBundle('cli', ['--provider', 'azure-devops', '--url', url, '--project', 'Fabrikam-Fiber', '--format', 'json', ...args], env);
}

const codeOf = (r: BundleRun): [number | null, string | undefined] => [r.code, JSON.parse(r.stdout).findings[0]?.code];

describe('CLI bundle with the Azure Identity variables', () => {
  it('AZURE_CLIENT_SECRET: passes with the service principal as identity, nothing secret printed', async () => {
    const r = await cli({ AZURE_CLIENT_ID: w.APPS.secret.clientId, AZURE_CLIENT_SECRET: w.SECRET }, ['--debug']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: 'passed',
      tokenKind: 'azure-devops.entra',
      identity: { id: w.APPS.secret.objectId },
    });
    expect(r.stderr).toContain(`POST 127.0.0.1:${world.entra.port}/${w.TENANT}/oauth2/v2.0/token → 200`);
    expectNoLeak(r);
  });

  it('AZURE_FEDERATED_TOKEN_FILE (AKS workload identity): passes; a subject the app does not trust fails with entra.subject-mismatch', async () => {
    const good = path.join(dir, 'token');
    const assertion = w.aksToken(NOW);
    fs.writeFileSync(good, assertion);
    const ok = await cli({ AZURE_CLIENT_ID: w.APPS.federated.clientId, AZURE_FEDERATED_TOKEN_FILE: good });
    expect(codeOf(ok)).toEqual([0, 'entra.info']);
    const other = path.join(dir, 'other');
    const stranger = w.aksToken(NOW, { sub: 'system:serviceaccount:default:stranger' });
    fs.writeFileSync(other, stranger);
    const bad = await cli({ AZURE_CLIENT_ID: w.APPS.federated.clientId, AZURE_FEDERATED_TOKEN_FILE: other });
    expect(codeOf(bad)).toEqual([1, 'entra.subject-mismatch']);
    expect(JSON.parse(bad.stdout).findings[0].message).toContain("'system:serviceaccount:default:stranger'");
    expectNoLeak(ok, [assertion]);
    expectNoLeak(bad, [stranger]);
  });

  it.each([
    ['an expired secret', { AZURE_CLIENT_ID: w.APPS.secret.clientId, AZURE_CLIENT_SECRET: w.OLD_SECRET }, 'entra.secret-expired'],
    [
      'a wrong secret',
      { AZURE_CLIENT_ID: w.APPS.secret.clientId, AZURE_CLIENT_SECRET: 'FAKEwrongQ7SecretNOTxREAL' },
      'entra.secret-invalid',
    ],
    ['an unknown app', { AZURE_CLIENT_ID: '00000000-fa4e-7e57-0000-00000000beef', AZURE_CLIENT_SECRET: w.SECRET }, 'entra.app-not-found'],
    [
      'an unknown tenant',
      { AZURE_CLIENT_ID: w.APPS.secret.clientId, AZURE_CLIENT_SECRET: w.SECRET, AZURE_TENANT_ID: '00000000-fa4e-7e57-0000-00000000dead' },
      'entra.tenant-not-found',
    ],
    [
      'a principal outside the organisation',
      { AZURE_CLIENT_ID: w.APPS.outsider.clientId, AZURE_CLIENT_SECRET: w.SECRET },
      'entra.not-member',
    ],
    [
      'a certificate the app does not have',
      { AZURE_CLIENT_ID: w.APPS.certificate.clientId, AZURE_CLIENT_CERTIFICATE_PATH: '{unknown}' },
      'entra.certificate',
    ],
    [
      'a missing token file',
      { AZURE_CLIENT_ID: w.APPS.federated.clientId, AZURE_FEDERATED_TOKEN_FILE: '/nonexistent/token' },
      'entra.oidc-unavailable',
    ],
  ])('%s → exit 1 and its own code', async (_name, vars, code) => {
    const r = await cli(withCertificateFiles(vars));
    expect(codeOf(r)).toEqual([1, code]);
    expectNoLeak(r);
  });

  it('AZURE_CLIENT_CERTIFICATE_PATH: a PEM with certificate and key passes; no key line is printed', async () => {
    const r = await cli(withCertificateFiles({ AZURE_CLIENT_ID: w.APPS.certificate.clientId, AZURE_CLIENT_CERTIFICATE_PATH: '{good}' }));
    expect(codeOf(r)).toEqual([0, 'entra.info']);
    expect(JSON.parse(r.stdout).findings[0].message).toContain('certificate');
    for (const line of w.CERT_PEM.keyOnly.split('\n').filter((l) => l && !l.startsWith('-----')))
      expect(r.stdout + r.stderr).not.toContain(line);
  });

  it('a token, when given, wins over the Azure Identity variables; ids without a proof say which variable is missing', async () => {
    world.entra.clearLog();
    const given = await cli({
      AZURE_CLIENT_ID: w.APPS.secret.clientId,
      AZURE_CLIENT_SECRET: w.SECRET,
      AZURE_DEVOPS_PAT: 'FAKEnotQ7aPATxNOTREAL',
    });
    expect(codeOf(given)).toEqual([1, 'token.format']);
    expect(world.entra.requests).toEqual([]);
    // Before entra.env-incomplete this said token.missing (PAT variables only) and "Provider not detected".
    const none = await cli({ AZURE_CLIENT_ID: w.APPS.secret.clientId });
    expect(codeOf(none)).toEqual([1, 'entra.env-incomplete']);
    expect(world.entra.requests).toEqual([]);
  });
});

describe('action bundle with client-id, tenant-id and GitHub OIDC', () => {
  /** The action as the runner starts it; `oidc` = the two variables `id-token: write` provides. */
  async function action(requestToken: string | undefined, clientId = w.APPS.federated.clientId): Promise<BundleRun & { outputs: string }> {
    const out = path.join(dir, `out-${Math.random().toString(16).slice(2)}`);
    fs.writeFileSync(out, '');
    const oidc = requestToken
      ? { ACTIONS_ID_TOKEN_REQUEST_URL: world.entra.githubRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }
      : {};
    const env = baseEnv({
      NODE_EXTRA_CA_CERTS: caFile,
      GITHUB_OUTPUT: out,
      AZURE_AUTHORITY_HOST: world.entra.authorityHost,
      'INPUT_CLIENT-ID': clientId,
      'INPUT_TENANT-ID': w.TENANT,
      INPUT_URL: url,
      INPUT_PROJECT: 'Fabrikam-Fiber',
      ...oidc,
    });
    const r = await runBundle('action', [], env);
    return { ...r, outputs: fs.readFileSync(out, 'utf8') };
  }

  it('passes: the service principal is the identity; the request token and the minted token are masked first', async () => {
    const before = new Set(mintedTokens());
    const r = await action(w.GITHUB_REQUEST_TOKEN);
    expect(r.code).toBe(0);
    expect(r.outputs).toMatch(new RegExp(`identity<<ghadelimiter_[\\w-]+\\nsp-`));
    const minted = mintedTokens().filter((t) => !before.has(t));
    expect(minted).toHaveLength(1);
    expect(r.stdout).toContain(`::add-mask::${w.GITHUB_REQUEST_TOKEN}`);
    expect(r.stdout).toContain(`::add-mask::${minted[0]}`);
    for (const s of [...secrets, ...mintedTokens()]) expect(leaks(hidden(r.stdout) + r.stderr + r.outputs, s)).toEqual([]);
  });

  it('without id-token: write: entra.oidc-unavailable with the workflow fix', async () => {
    const r = await action(undefined);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error title=credential-preflight entra.oidc-unavailable::');
    expect(r.stdout).toContain('permissions: id-token: write');
  });

  it('a subject the app does not trust: shows the subject GitHub presented and the credential to add', async () => {
    const r = await action(w.OTHER_BRANCH_TOKEN);
    expect(r.code).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.includes('entra.subject-mismatch'));
    expect(line).toContain("subject 'repo:octo-org/octo-repo:ref:refs/heads/feature'");
    expect(line).toContain(`issuer '${w.GITHUB_ISSUER}'`);
    for (const s of [...secrets, ...mintedTokens()]) expect(leaks(hidden(r.stdout) + r.stderr, s)).toEqual([]);
  });
});

describe('task bundle with an Azure Resource Manager service connection (azureSubscription)', () => {
  const ENDPOINT = '00000000-fa4e-7e57-0000-0000000e0e01';

  /** The task as the agent starts it: the connection and the job token as ENDPOINT_* variables. */
  function task(scheme: string, parameters: Record<string, string>, scId: string = w.SC_ID): Promise<BundleRun> {
    // The agent's endpoint id is the connection's id; the OIDC endpoint issues tokens per connection id.
    const id = scheme === 'WorkloadIdentityFederation' ? scId : ENDPOINT;
    const env = baseEnv({
      NODE_EXTRA_CA_CERTS: caFile,
      AGENT_TEMPDIRECTORY: dir,
      INPUT_AZURESUBSCRIPTION: id,
      INPUT_PROJECT: 'Fabrikam-Fiber',
      [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ scheme, parameters }),
      [`ENDPOINT_AUTH_SCHEME_${id}`]: scheme,
      [`ENDPOINT_DATA_${id}_ACTIVEDIRECTORYAUTHORITY`]: `${world.entra.authorityHost}/`,
      ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ scheme: 'OAuth', parameters: { AccessToken: w.JOB_TOKEN } }),
      SYSTEM_OIDCREQUESTURI: world.entra.pipelinesRequestUri,
      SYSTEM_COLLECTIONURI: `${url}/`,
      SYSTEM_TEAMPROJECT: 'Fabrikam-Fiber',
    });
    return runBundle('task', [], env);
  }
  const result = (r: BundleRun): string | undefined => /##vso\[task\.complete result=(\w+);/.exec(r.stdout)?.[1];
  const wif = { serviceprincipalid: w.APPS.federated.clientId, tenantid: w.TENANT, workloadIdentityFederationIssuerType: 'EntraID' };

  it('WorkloadIdentityFederation: the pipeline OIDC token is exchanged, the service principal checked; secrets masked', async () => {
    const before = new Set(mintedTokens());
    const r = await task('WorkloadIdentityFederation', wif);
    expect(result(r)).toBe('Succeeded');
    expect(r.stdout).toContain(`##vso[task.setsecret]${w.JOB_TOKEN}`);
    const minted = mintedTokens().filter((t) => !before.has(t));
    expect(minted).toHaveLength(1);
    expect(r.stdout).toContain(`##vso[task.setsecret]${minted[0]}`);
    for (const s of [...secrets, ...mintedTokens()]) expect(leaks(hidden(r.stdout) + r.stderr, s)).toEqual([]);
  });

  it('a connection still on the Azure DevOps issuer warns that it retires on 2027-07-01', async () => {
    const r = await task('WorkloadIdentityFederation', wif, w.OLD_SC_ID);
    expect(result(r)).toBe('SucceededWithIssues');
    expect(r.stdout).toContain('code=entra.issuer-retiring;');
  });

  it.each([
    [
      'an expired secret',
      'ServicePrincipal',
      { serviceprincipalid: w.APPS.secret.clientId, tenantid: w.TENANT, authenticationType: 'spnKey', serviceprincipalkey: w.OLD_SECRET },
      'entra.secret-expired',
    ],
    [
      'a principal outside the organisation',
      'ServicePrincipal',
      { serviceprincipalid: w.APPS.outsider.clientId, tenantid: w.TENANT, serviceprincipalkey: w.SECRET },
      'entra.not-member',
    ],
    [
      'a certificate the app does not have',
      'ServicePrincipal',
      {
        serviceprincipalid: w.APPS.certificate.clientId,
        tenantid: w.TENANT,
        authenticationType: 'spnCertificate',
        servicePrincipalCertificate: w.CERT_PEM.unknown,
      },
      'entra.certificate',
    ],
    ['a managed identity connection', 'ManagedServiceIdentity', { tenantid: w.TENANT }, 'entra.connection-scheme'],
    ['a publish profile connection', 'PublishProfile', { tenantid: w.TENANT, publishProfile: '<publishData/>' }, 'entra.connection-scheme'],
  ])('%s → Failed with its code', async (_name, scheme, parameters, code) => {
    const r = await task(scheme, parameters);
    expect(result(r)).toBe('Failed');
    expect(r.stdout).toContain(`code=${code};`);
    for (const s of [...secrets, ...mintedTokens()]) expect(leaks(hidden(r.stdout) + r.stderr, s)).toEqual([]);
  });

  it('a renamed connection: its sc:// subject no longer matches, and the message shows the one to add', async () => {
    const r = await task('WorkloadIdentityFederation', wif, w.RENAMED_SC_ID);
    expect(result(r)).toBe('Failed');
    const line = r.stdout.split('\n').find((l) => l.includes('code=entra.subject-mismatch;'));
    expect(line).toContain(`subject '${w.RENAMED_SUBJECT}'`);
    expect(line).toContain(`issuer '${w.ADO_ISSUER}'`);
  });

  it('ServicePrincipal with a certificate passes', async () => {
    const r = await task('ServicePrincipal', {
      serviceprincipalid: w.APPS.certificate.clientId,
      tenantid: w.TENANT,
      authenticationType: 'spnCertificate',
      servicePrincipalCertificate: w.CERT_PEM.good,
    });
    expect(result(r)).toBe('Succeeded');
  });

  it('ServicePrincipal with a client secret passes', async () => {
    const r = await task('ServicePrincipal', {
      serviceprincipalid: w.APPS.secret.clientId,
      tenantid: w.TENANT,
      authenticationType: 'spnKey',
      serviceprincipalkey: w.SECRET,
    });
    expect(result(r)).toBe('Succeeded');
    expect(r.stdout).toContain(`##vso[task.setsecret]${w.SECRET}`);
  });
});

describe('task bundle with a GitHub or Bitbucket Cloud service connection', () => {
  const ID = '00000000-fa4e-7e57-0000-0000000e0e02';
  function task(input: string, scheme: string, parameters: Record<string, string>): Promise<BundleRun> {
    return runBundle(
      'task',
      [],
      baseEnv({
        AGENT_TEMPDIRECTORY: dir,
        [`INPUT_${input.toUpperCase()}`]: ID,
        INPUT_OFFLINE: 'true',
        [`ENDPOINT_AUTH_${ID}`]: JSON.stringify({ scheme, parameters }),
        [`ENDPOINT_AUTH_SCHEME_${ID}`]: scheme,
      }),
    );
  }
  const kind = (r: BundleRun): string | undefined => /variable=tokenKind;[^\]]*\](\S+)/.exec(r.stdout)?.[1];

  it.each([
    ['PersonalAccessToken', { accessToken: githubPat() }],
    ['OAuth', { AccessToken: githubPat() }],
    ['Token', { ApiToken: githubPat() }],
  ])('GitHub %s: its token is checked as a GitHub token, and masked', async (scheme, parameters) => {
    const r = await task('gitHubConnection', scheme, parameters);
    expect(kind(r)).toBe('github.classic-pat');
    expect(r.stdout).toContain(`##vso[task.setsecret]${githubPat()}`);
    expect(leaks(hidden(r.stdout), githubPat())).toEqual([]);
  });

  it('Bitbucket Token: the API token with its e-mail is checked as a Bitbucket credential', async () => {
    const token = mintAtlassianToken('api', 'FAKEx0BITBUCKETx0TOKENx0NOTxREAL');
    const r = await task('bitbucketConnection', 'Token', { apitoken: token, email: 'fake.user@example.test' });
    expect(kind(r)).toMatch(/^bitbucket\./);
    // The e-mail went along as the user name: without it an API token gets config.username.
    expect(r.stdout).not.toContain('code=config.username;');
    expect(r.stdout).toContain(`##vso[task.setsecret]${token}`);
  });
});
