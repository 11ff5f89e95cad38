/** The pure parts of the Entra stage: reading the Azure Identity variables, the token request, AADSTS codes, claims. */
import { describe, expect, it } from '@jest/globals';
import { CODES } from '../../src/core/codes.js';
import { codeForAadsts } from '../../src/core/entra/aadsts.js';
import { issuerKind, readAssertionClaims } from '../../src/core/entra/claims.js';
import { buildTokenRequest, JWT_BEARER } from '../../src/core/entra/exchange.js';
import { envIncomplete } from '../../src/core/entra/messages.js';
import { entraFromArmConnection, entraFromAzureEnv, federationAudience } from '../../src/core/entra/source.js';
import { mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';

const IDS = { AZURE_CLIENT_ID: 'c1', AZURE_TENANT_ID: 't1' };

describe('Azure Identity environment variables', () => {
  it('reads them as EnvironmentCredential / WorkloadIdentityCredential do: secret first, then the token file', () => {
    const both = entraFromAzureEnv({ ...IDS, AZURE_CLIENT_SECRET: 's', AZURE_FEDERATED_TOKEN_FILE: '/f' });
    expect([both?.secret, both?.assertion]).toEqual(['s', undefined]);
    expect(entraFromAzureEnv({ ...IDS, AZURE_FEDERATED_TOKEN_FILE: ' /f ' })).toMatchObject({ assertion: { kind: 'file', path: '/f' } });
    expect(entraFromAzureEnv({ ...IDS, AZURE_CLIENT_SECRET: 's' })?.authorityHost).toBe('https://login.microsoftonline.com');
    expect(
      entraFromAzureEnv({ ...IDS, AZURE_CLIENT_SECRET: 's', AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' })?.authorityHost,
    ).toBe('https://login.microsoftonline.us');
  });
  it('then a certificate (AZURE_CLIENT_CERTIFICATE_PATH, with its password), before the token file', () => {
    const env = {
      ...IDS,
      AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem',
      AZURE_CLIENT_CERTIFICATE_PASSWORD: 'pw',
      AZURE_FEDERATED_TOKEN_FILE: '/f',
    };
    expect(entraFromAzureEnv(env)).toMatchObject({ certificate: { path: '/c.pem', password: 'pw' } });
    expect(entraFromAzureEnv(env)?.assertion).toBeUndefined();
  });
  it('describes no credential when none of its variables is set (AZURE_AUTHORITY_HOST alone picks a cloud, nothing more)', () => {
    expect(entraFromAzureEnv({})).toBeUndefined();
    expect(
      entraFromAzureEnv({ AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us', AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: '1' }),
    ).toBeUndefined();
  });
  it('set but incomplete: says which variable is missing (or set but empty), as the SDKs need them', () => {
    expect(entraFromAzureEnv({ AZURE_CLIENT_ID: 'c1', AZURE_CLIENT_SECRET: 's' })?.incomplete).toEqual({
      kind: 'missing',
      missing: ['AZURE_TENANT_ID'],
      proof: false,
      empty: [],
    });
    expect(entraFromAzureEnv({ ...IDS })?.incomplete).toEqual({ kind: 'missing', missing: [], proof: true, empty: [] });
    expect(entraFromAzureEnv({ ...IDS, AZURE_CLIENT_SECRET: ' ' })?.incomplete).toEqual({
      kind: 'missing',
      missing: [],
      proof: true,
      empty: ['AZURE_CLIENT_SECRET'],
    });
    expect(entraFromAzureEnv({ AZURE_CLIENT_ID: '', AZURE_FEDERATED_TOKEN_FILE: '/f' })?.incomplete).toEqual({
      kind: 'missing',
      missing: ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID'],
      proof: false,
      empty: ['AZURE_CLIENT_ID'],
    });
    const m = envIncomplete({ kind: 'missing', missing: ['AZURE_TENANT_ID'], proof: true, empty: ['AZURE_CLIENT_SECRET'] });
    expect(m.message).toContain(
      'AZURE_TENANT_ID and one of AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH are missing (AZURE_CLIENT_SECRET is set but empty)',
    );
    expect(m.hint).toContain('Set AZURE_TENANT_ID to the Directory (tenant) ID');
  });
  it('AZURE_USERNAME / AZURE_PASSWORD: a password sign-in (ROPC), never used, even with the ids', () => {
    const c = entraFromAzureEnv({ ...IDS, AZURE_USERNAME: 'u@contoso.com', AZURE_PASSWORD: 'FAKEpw' });
    expect([c?.incomplete, c?.secret, c?.assertion]).toEqual([{ kind: 'password', missing: [] }, undefined, undefined]);
    const f = envIncomplete(c!.incomplete!);
    expect(f.message).toMatch(/resource owner password credentials flow, ROPC.*multifactor authentication \(MFA\)/);
    expect(f.message).not.toContain('FAKEpw');
    // A complete workload identity beside them is used, as the tool presents no password anyway.
    expect(entraFromAzureEnv({ ...IDS, AZURE_USERNAME: 'u', AZURE_PASSWORD: 'p', AZURE_FEDERATED_TOKEN_FILE: '/f' })?.assertion).toEqual({
      kind: 'file',
      path: '/f',
    });
  });
  it('AZURE_CLIENT_SEND_CERTIFICATE_CHAIN = true or 1 sends the chain (x5c), as EnvironmentCredential reads it', () => {
    const env = { ...IDS, AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem' };
    expect(
      ['true', '1', 'TRUE', 'false', '0', ''].map(
        (v) => entraFromAzureEnv({ ...env, AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: v })?.certificate?.sendChain,
      ),
    ).toEqual([true, true, true, undefined, undefined, undefined]);
  });
  it('picks the federation audience of the cloud', () => {
    expect(
      ['https://login.microsoftonline.com', 'https://login.microsoftonline.us', 'https://login.chinacloudapi.cn'].map(federationAudience),
    ).toEqual(['api://AzureADTokenExchange', 'api://AzureADTokenExchangeUSGov', 'api://AzureADTokenExchangeChina']);
  });
});

describe('the token request', () => {
  const base = { clientId: 'c1', tenantId: 't1', authorityHost: 'https://login.microsoftonline.com', origin: 'x' };
  it('client credentials for the Azure DevOps resource, with an assertion or a secret', () => {
    const fed = buildTokenRequest(base, 'a.b.c');
    expect(fed.url).toBe('https://login.microsoftonline.com/t1/oauth2/v2.0/token');
    expect(Object.fromEntries(new URLSearchParams(fed.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'c1',
      scope: '499b84ac-1321-427f-aa17-267ca6975798/.default',
      client_assertion_type: JWT_BEARER,
      client_assertion: 'a.b.c',
    });
    expect(new URLSearchParams(buildTokenRequest({ ...base, secret: 'p&q=r' }, undefined).body).get('client_secret')).toBe('p&q=r');
  });
});

describe('AADSTS codes', () => {
  it('maps each documented federation and credential error to its own code, anything else to entra.rejected', () => {
    const pairs = [
      [700213, 'entra.subject-mismatch'],
      [70021, 'entra.subject-mismatch'],
      [700211, 'entra.issuer-mismatch'],
      [700212, 'entra.audience'],
      [90002, 'entra.tenant-not-found'],
      [700016, 'entra.app-not-found'],
      [7000215, 'entra.secret-invalid'],
      [7000222, 'entra.secret-expired'],
      [700222, 'entra.assertion-invalid'],
      [65001, 'entra.consent-missing'],
      [53003, 'entra.policy-blocked'],
      [12345, 'entra.rejected'],
    ] as const;
    expect(pairs.map(([n]) => codeForAadsts(n))).toEqual(pairs.map(([, c]) => c));
    expect(codeForAadsts(undefined)).toBe('entra.rejected');
    for (const [, c] of pairs) expect(CODES[c]).toBeDefined();
  });
});

describe('the presented token', () => {
  it('reads issuer, subject and audience and knows the issuers', () => {
    const c = readAssertionClaims(
      mintEntraJwt({
        iss: 'https://token.actions.githubusercontent.com',
        sub: 'repo:o/r:pull_request',
        aud: ['api://AzureADTokenExchange'],
      }),
    );
    expect(c).toMatchObject({ issuerKind: 'github', sub: 'repo:o/r:pull_request', aud: ['api://AzureADTokenExchange'] });
    expect(readAssertionClaims('not a jwt')).toBeUndefined();
    expect(
      ['https://vstoken.dev.azure.com/x', 'https://login.microsoftonline.com/t/v2.0', 'https://ghes.example/_services/token', 'nope'].map(
        issuerKind,
      ),
    ).toEqual(['azure-devops', 'entra', 'github', 'other']);
  });
});

describe('Azure Resource Manager service connections', () => {
  const pipeline = { oidcRequestUri: 'https://dev.azure.com/o/p/_apis/x/oidctoken', accessToken: 'job' };
  const conn = (scheme: string | undefined, parameters: Record<string, string>) =>
    entraFromArmConnection({ id: 'sc1', scheme, parameters, authority: 'https://login.microsoftonline.us/' }, pipeline);
  it('maps each scheme to its credential; parameter names match case-insensitively; no scheme is ServicePrincipal', () => {
    expect(conn('WorkloadIdentityFederation', { ServicePrincipalId: 'c', TenantId: 't' })).toMatchObject({
      clientId: 'c',
      tenantId: 't',
      authorityHost: 'https://login.microsoftonline.us',
      assertion: { kind: 'azure-pipelines', serviceConnectionId: 'sc1', accessToken: 'job' },
    });
    expect(conn(undefined, { serviceprincipalid: 'c', tenantid: 't', serviceprincipalkey: 'k' })).toMatchObject({ secret: 'k' });
    expect(
      conn('ServicePrincipal', {
        serviceprincipalid: 'c',
        tenantid: 't',
        authenticationType: 'spnCertificate',
        servicePrincipalCertificate: 'PEM',
      }),
    ).toMatchObject({ certificate: { pem: 'PEM' } });
  });

  it('managed identity, publish profile and unknown schemes are named, never guessed at', () => {
    expect(conn('managedServiceIdentity', { tenantid: 't' }).uncheckable).toEqual({
      kind: 'managed-identity',
      scheme: 'managedServiceIdentity',
    });
    const msi = entraFromArmConnection(
      { id: 'sc1', scheme: 'ManagedServiceIdentity', parameters: { tenantid: 't' }, authority: undefined, msiClientId: 'mi-1' },
      pipeline,
    );
    expect(msi.uncheckable).toEqual({ kind: 'managed-identity', scheme: 'ManagedServiceIdentity', msiClientId: 'mi-1' });
    expect(conn('PublishProfile', { publishProfile: '<xml/>', tenantid: 't' }).uncheckable).toMatchObject({ kind: 'publish-profile' });
    expect(conn('Certificate', { tenantid: 't' }).uncheckable).toEqual({ kind: 'unknown', scheme: 'Certificate' });
    // The checkable schemes carry no such mark.
    expect(conn('WorkloadIdentityFederation', { serviceprincipalid: 'c', tenantid: 't' }).uncheckable).toBeUndefined();
  });
});
