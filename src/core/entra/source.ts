/**
 * Where a secretless (or secret-backed) Microsoft Entra credential comes from: the app, its tenant,
 * the authority of its cloud, and what proves it — a client secret or a federated token (an OIDC
 * token the platform issues, exchanged as a client assertion).
 */
import { PROVIDER_MODULES } from '../providers/registry.js';
import type { Env } from '../request.js';

/** How the federated token (the client assertion) is obtained. */
export type AssertionSource =
  /** AKS workload identity, containers, laptops: a file the platform keeps fresh. */
  | { kind: 'file'; path: string }
  /** GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN, present only with `id-token: write`. */
  | { kind: 'github'; requestUrl: string | undefined; requestToken: string | undefined }
  /** Azure Pipelines: the agent's OIDC endpoint for one service connection, authorised by the job's token. */
  | { kind: 'azure-pipelines'; requestUri: string | undefined; serviceConnectionId: string; accessToken: string | undefined };

export interface EntraCredential {
  clientId: string;
  tenantId: string;
  /** `https://login.microsoftonline.com` or a sovereign cloud's (no trailing slash). */
  authorityHost: string;
  secret?: string;
  /** A certificate credential: PEM (certificate + private key) inline or in a file, and its key's password. */
  certificate?: { pem?: string; path?: string; password?: string; sendChain?: boolean };
  assertion?: AssertionSource;
  /** Where these values came from, for messages ("the AZURE_* environment variables"). */
  origin: string;
  /** A service connection whose scheme holds no Microsoft Entra credential this tool can present. */
  uncheckable?: UncheckableScheme;
  /** The Azure Identity variables are set but describe no credential this tool can present. */
  incomplete?: EnvGap;
}

/**
 * ARM connection schemes that cannot be checked here: `ManagedServiceIdentity` (the token comes from the
 * agent VM's Instance Metadata Service, which is neither the Entra authority nor the platform's OIDC
 * endpoint — out of this tool's reach by rule), `PublishProfile` (an App Service deployment credential,
 * no Entra identity at all), or a scheme this version does not know.
 */
export interface UncheckableScheme {
  kind: 'managed-identity' | 'publish-profile' | 'unknown';
  /** The scheme as the agent named it. */
  scheme: string;
  /** ManagedServiceIdentity: endpoint data `msiclientId` (a user-assigned identity), when set. */
  msiClientId?: string;
}

/** Public cloud, as the Azure SDKs default it. */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

const blank = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

export function authorityHost(value: string | undefined): string {
  return (blank(value) ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
}

/** What the Azure Identity variables lack (or hold that this tool will not use), for a finding. */
export type EnvGap =
  /** Variables to set: AZURE_CLIENT_ID / AZURE_TENANT_ID, or one of the proofs (`proof`). */
  | { kind: 'missing'; missing: string[]; proof: boolean; empty: string[] }
  /** AZURE_USERNAME / AZURE_PASSWORD: a user's password sign-in (ROPC), never used here. */
  | { kind: 'password'; missing: string[] };

const ENV_ORIGIN = 'the Azure Identity environment variables (AZURE_*)';
/** Every variable that starts an Azure Identity credential (AZURE_AUTHORITY_HOST only picks a cloud). */
const CREDENTIAL_VARS = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_USERNAME',
  'AZURE_PASSWORD',
] as const;
const PROOFS = ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE'] as const;

/** `true` or `1`, as EnvironmentCredential reads AZURE_CLIENT_SEND_CERTIFICATE_CHAIN. */
const sendChain = (v: string | undefined): boolean => ['true', '1'].includes((v ?? '').trim().toLowerCase());

/**
 * The Azure Identity environment variables, read as the Azure SDKs' EnvironmentCredential (client
 * secret, then certificate) and WorkloadIdentityCredential (AZURE_FEDERATED_TOKEN_FILE) read them;
 * undefined when none is set. Set but incomplete, the credential carries `incomplete` (which
 * variable is missing), where the SDKs would only say "unavailable". Sources: Azure/azure-sdk-for-js
 * sdk/identity/identity src/credentials/environmentCredential.ts and workloadIdentityCredential.ts.
 */
export function entraFromAzureEnv(env: Env): EntraCredential | undefined {
  if (!CREDENTIAL_VARS.some((k) => env[k] !== undefined)) return undefined;
  const clientId = blank(env.AZURE_CLIENT_ID);
  const tenantId = blank(env.AZURE_TENANT_ID);
  const base = { clientId: clientId ?? '', tenantId: tenantId ?? '', authorityHost: authorityHost(env.AZURE_AUTHORITY_HOST) };
  const ids = `AZURE_CLIENT_ID, AZURE_TENANT_ID and`;
  const complete = clientId && tenantId;
  if (complete && blank(env.AZURE_CLIENT_SECRET) !== undefined)
    return { ...base, secret: env.AZURE_CLIENT_SECRET, origin: `${ids} AZURE_CLIENT_SECRET` };
  const certificate = blank(env.AZURE_CLIENT_CERTIFICATE_PATH);
  if (complete && certificate) {
    const password = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
    const cert = {
      path: certificate,
      ...(password ? { password } : {}),
      ...(sendChain(env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN) ? { sendChain: true } : {}),
    };
    return { ...base, certificate: cert, origin: `${ids} AZURE_CLIENT_CERTIFICATE_PATH` };
  }
  const file = blank(env.AZURE_FEDERATED_TOKEN_FILE);
  if (complete && file) return { ...base, assertion: { kind: 'file', path: file }, origin: `${ids} AZURE_FEDERATED_TOKEN_FILE` };
  return { ...base, origin: ENV_ORIGIN, incomplete: envGap(env) };
}

/** Which variables an incomplete set lacks, named as the SDKs name them. */
function envGap(env: Env): EnvGap {
  const missing = (['AZURE_CLIENT_ID', 'AZURE_TENANT_ID'] as const).filter((k) => !blank(env[k]));
  if (blank(env.AZURE_USERNAME) || blank(env.AZURE_PASSWORD)) return { kind: 'password', missing };
  const proof = !PROOFS.some((k) => blank(env[k]));
  // Set but empty (or blank): named as such, since `export AZURE_CLIENT_SECRET=` is a common slip.
  const empty = [...missing, ...(proof ? PROOFS : [])].filter((k) => env[k] !== undefined);
  return { kind: 'missing', missing, proof, empty };
}

/**
 * The audience a federated credential expects for the cloud of `authority` (Microsoft Entra docs,
 * "Configure an app to trust an external identity provider": AzureADTokenExchange, …USGov, …China).
 */
export function federationAudience(authority: string): string {
  const host = new URL(authority).hostname.toLowerCase();
  if (host.endsWith('.us')) return 'api://AzureADTokenExchangeUSGov';
  if (host.endsWith('.cn')) return 'api://AzureADTokenExchangeChina';
  return 'api://AzureADTokenExchange';
}

/**
 * Whether a run without a token should go through Microsoft Entra: only for Azure DevOps — the
 * provider set to it, or `auto` with a URL that no other provider's well-known host claims.
 */
export function entraApplies(provider: string | undefined, url: string | undefined, otherOwnsHost: (host: string) => boolean): boolean {
  const p = (provider ?? 'auto').trim().toLowerCase();
  if (p === 'azure-devops') return true;
  if (p !== 'auto' && p !== '') return false;
  const host = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?([^/:?#\s]+)/i.exec(url?.trim() ?? '')?.[1]?.toLowerCase();
  return !host || !otherOwnsHost(host);
}

/**
 * GitHub Actions: the `client-id` and `tenant-id` inputs (as azure/login names them) and the job's
 * OIDC request variables, which the runner sets only with `permissions: id-token: write`
 * (docs.github.com "OpenID Connect reference").
 */
export function entraFromGitHubInputs(clientId: string, tenantId: string, env: Env): EntraCredential {
  return {
    clientId: clientId.trim(),
    tenantId: tenantId.trim(),
    authorityHost: authorityHost(env.AZURE_AUTHORITY_HOST),
    assertion: {
      kind: 'github',
      requestUrl: blank(env.ACTIONS_ID_TOKEN_REQUEST_URL),
      requestToken: blank(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN),
    },
    origin: 'the client-id and tenant-id inputs and GitHub OIDC',
  };
}

/** An Azure Resource Manager service connection as the agent hands it to a task. */
export interface ArmConnection {
  id: string;
  scheme: string | undefined;
  /** Auth parameters (serviceprincipalid, tenantid, serviceprincipalkey, authenticationType…). */
  parameters: Record<string, string>;
  /** Endpoint data `activeDirectoryAuthority` / `environmentAuthorityUrl`, when set. */
  authority: string | undefined;
  /** Endpoint data `msiclientId` (ManagedServiceIdentity connections with a user-assigned identity). */
  msiClientId?: string | undefined;
}

/** Auth parameter names are matched case-insensitively, as the agent's own tasks do. */
function param(c: ArmConnection, name: string): string | undefined {
  const key = Object.keys(c.parameters).find((k) => k.toLowerCase() === name.toLowerCase());
  return key !== undefined ? blank(c.parameters[key]) : undefined;
}

/**
 * An ARM service connection (`connectedService:AzureRM`, input `azureSubscription`) as a Microsoft
 * Entra credential: WorkloadIdentityFederation → the pipeline's OIDC token for this connection;
 * ServicePrincipal with a key → that client secret; with a certificate → an assertion signed with it. Schemes and parameter names: Microsoft's
 * azure-arm-rest (microsoft/azure-pipelines-tasks-common-packages, azure-arm-endpoint.ts); no scheme
 * means ServicePrincipal.
 */
export function entraFromArmConnection(
  c: ArmConnection,
  pipeline: { oidcRequestUri: string | undefined; accessToken: string | undefined },
): EntraCredential {
  const scheme = (c.scheme ?? 'ServicePrincipal').toLowerCase();
  const base = {
    clientId: param(c, 'serviceprincipalid') ?? '',
    tenantId: param(c, 'tenantid') ?? '',
    authorityHost: authorityHost(c.authority),
    origin: `the Azure Resource Manager service connection ${c.id}`,
  };
  if (scheme === 'workloadidentityfederation') {
    return {
      ...base,
      assertion: {
        kind: 'azure-pipelines',
        requestUri: blank(pipeline.oidcRequestUri),
        serviceConnectionId: c.id,
        accessToken: pipeline.accessToken,
      },
    };
  }
  if (scheme === 'serviceprincipal' && (param(c, 'authenticationType') ?? 'spnKey').toLowerCase() === 'spnkey') {
    return { ...base, secret: param(c, 'serviceprincipalkey') ?? '' };
  }
  if (scheme === 'serviceprincipal') return { ...base, certificate: { pem: param(c, 'servicePrincipalCertificate') ?? '' } };
  return { ...base, uncheckable: uncheckableScheme(c) };
}

/** Scheme names as azure-arm-rest compares them (case-insensitively). */
function uncheckableScheme(c: ArmConnection): UncheckableScheme {
  const scheme = c.scheme ?? '';
  const lower = scheme.toLowerCase();
  if (lower === 'managedserviceidentity') {
    const msiClientId = blank(c.msiClientId);
    return { kind: 'managed-identity', scheme, ...(msiClientId ? { msiClientId } : {}) };
  }
  return { kind: lower === 'publishprofile' ? 'publish-profile' : 'unknown', scheme };
}

/** Should a run without a token use the Entra credential? (Azure DevOps only.) */
export function useEntra(provider: string | undefined, url: string | undefined): boolean {
  return entraApplies(provider, url, (host) => Object.values(PROVIDER_MODULES).some((m) => m.id !== 'azure-devops' && m.ownsHost(host)));
}
