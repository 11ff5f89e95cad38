/** Every sentence the Entra stage says. Values shown are identifiers, never secrets or tokens. */
import type { FindingCode } from '../codes.js';
import { finding, type Finding } from '../report.js';
import { CASE_ONLY_SUBJECT } from './aadsts.js';
import type { AssertionClaims } from './claims.js';
import type { EntraError } from './exchange.js';
import type { EntraCredential, UncheckableScheme } from './source.js';

const FIC_PAGE = 'Microsoft Entra ID → App registrations → the app → Certificates & secrets → Federated credentials';
const APP_PAGE = 'Microsoft Entra ID → App registrations (or Managed identities)';

const q = (v: string | undefined): string => (v === undefined ? '(none)' : `'${v}'`);
const aadsts = (e: EntraError): string => (e.code !== undefined ? `AADSTS${e.code}` : e.error || `HTTP ${e.status}`);

/** What the presented token asked Entra to match, or that it was a client secret. */
function presented(c: AssertionClaims | undefined): string {
  return c ? `issuer ${q(c.iss)}, subject ${q(c.sub)}, audience ${q(c.aud.join(' ') || undefined)}` : 'a client secret';
}

function ficHint(credential: EntraCredential, c: AssertionClaims | undefined, audience: string): string {
  const github =
    c?.issuerKind === 'github'
      ? ' (scenario "GitHub Actions deploying Azure resources": the entity type — environment, branch, tag or pull request — must give this subject)'
      : '';
  return `In ${FIC_PAGE} of app ${credential.clientId}${github}, add a credential with issuer ${q(c?.iss)}, subject ${q(c?.sub)} and audience '${audience}', exactly (case-sensitive).`;
}

function subjectMismatch(e: EntraError, credential: EntraCredential, c: AssertionClaims | undefined, audience: string): Finding {
  const caseOnly =
    e.code === CASE_ONLY_SUBJECT ? ' (a credential matches it only when case is ignored; Entra compares case-sensitively)' : '';
  return finding(
    'entra.subject-mismatch',
    'error',
    `Microsoft Entra has no federated credential on app ${credential.clientId} for the subject ${q(c?.sub)} presented by issuer ${q(c?.iss)}${caseOnly} (${aadsts(e)}).`,
    ficHint(credential, c, audience),
  );
}

/** The one finding a refused token request ends with. */
export function exchangeRefused(
  code: FindingCode,
  e: EntraError,
  credential: EntraCredential,
  c: AssertionClaims | undefined,
  audience: string,
): Finding {
  const who = `app ${credential.clientId} in tenant ${credential.tenantId}`;
  switch (code) {
    case 'entra.subject-mismatch':
      return subjectMismatch(e, credential, c, audience);
    case 'entra.issuer-mismatch':
    case 'entra.federation-missing':
      return finding(
        code,
        'error',
        `Microsoft Entra found no federated credential on ${who} for the issuer ${q(c?.iss)} (${aadsts(e)}).`,
        ficHint(credential, c, audience),
      );
    case 'entra.audience':
      return finding(
        code,
        'error',
        `The presented token's audience ${q(c?.aud.join(' '))} is not the one the federated credential on ${who} expects (${aadsts(e)}).`,
        `Request the token for '${audience}', and give the federated credential that audience.`,
      );
    case 'entra.tenant-not-found':
      return finding(
        code,
        'error',
        `Microsoft Entra at ${credential.authorityHost} does not know the tenant ${q(credential.tenantId)} (${aadsts(e)}).`,
        `Use the Directory (tenant) ID from the app's overview page; for a sovereign cloud set the authority host of its cloud (AZURE_AUTHORITY_HOST).`,
      );
    case 'entra.app-not-found':
      return finding(
        code,
        'error',
        `Tenant ${credential.tenantId} has no application with client id ${credential.clientId} (${aadsts(e)}).`,
        `Copy the Application (client) ID from ${APP_PAGE}, and check it lives in tenant ${credential.tenantId}.`,
      );
    case 'entra.secret-invalid':
      return finding(
        code,
        'error',
        `Microsoft Entra rejected the client secret of ${who} (${aadsts(e)}): a wrong value, or the secret's ID instead of its value.`,
      );
    case 'entra.secret-expired':
      return finding(code, 'error', `The client secret of ${who} has expired (${aadsts(e)}).`);
    default:
      return finding(
        code,
        'error',
        `Microsoft Entra refused the token request for ${who}, presenting ${presented(c)}: ${e.description || aadsts(e)}`,
      );
  }
}

export function noAssertion(detail: string, hint?: string): Finding {
  return finding('entra.oidc-unavailable', 'error', `No federated token to exchange with Microsoft Entra: ${detail}.`, hint);
}

/** The agent's OIDC endpoint will not issue a token for this connection to this job. */
export const connectionUnauthorized = (id: string, status: number): Finding =>
  finding(
    'entra.connection-unauthorized',
    'error',
    `The Azure Pipelines OIDC endpoint refused a token for the service connection ${id} (${status}): no input of this task references it, or this pipeline may not use it.`,
    "Select the connection in this task's `azureSubscription` input (the agent issues OIDC tokens only for connections a task input references), and allow this pipeline in Project settings → Service connections → the connection → Security → Pipeline permissions.",
  );

export const GITHUB_NO_PERMISSION_HINT =
  'Add `permissions: id-token: write` (and `contents: read`) to the workflow or to this job; pull requests from forks never get an OIDC token.';

export function notAJwt(what: string): Finding {
  return finding(
    'entra.oidc-unavailable',
    'error',
    `${what} is not a JWT, so it cannot be presented to Microsoft Entra as a federated token.`,
    'Point it at the OIDC token the platform issues (a JWT), unchanged.',
  );
}

export function exchanged(credential: EntraCredential, c: AssertionClaims | undefined, thumbprint: string | undefined): Finding {
  const via = c ? `federated token (issuer ${q(c.iss)}, subject ${q(c.sub)})` : thumbprint ? `certificate ${thumbprint}` : 'client secret';
  return finding(
    'entra.info',
    'info',
    `Obtained an Azure DevOps token from Microsoft Entra for app ${credential.clientId} in tenant ${credential.tenantId} with a ${via}, from ${credential.origin}.`,
  );
}

/** The Azure DevOps issuer with `sc://` subjects stops working for most identities on this day. */
const ISSUER_END = '2027-07-01';

/** The issuer's retirement, in the tense of `now`. */
export function retiringIssuer(c: AssertionClaims, now: Date): Finding {
  const when = now.getTime() >= Date.parse(ISSUER_END) ? `retired on ${ISSUER_END}` : `retires on ${ISSUER_END}`;
  return finding(
    'entra.issuer-retiring',
    'warning',
    `The service connection still federates through the Azure DevOps issuer ${q(c.iss)} (subject ${q(c.sub)}), which Microsoft ${when}.`,
  );
}

const badConfig = (message: string, hint: string): Finding => finding('config.invalid', 'error', message, hint);
const IDS_HINT = "the Application (client) ID and the Directory (tenant) ID from the app's overview page in Microsoft Entra ID";

const NOT_CHECKED = 'so its identity was not checked against Azure DevOps';
const WIF_CONVERT =
  'Project settings → Service connections → the connection → Convert (or New → Azure Resource Manager → Workload identity federation)';

/** A service connection scheme with no Entra credential this tool may present: what it is, and what to do. */
export function schemeUncheckable(origin: string, u: UncheckableScheme): Finding {
  if (u.kind === 'managed-identity') {
    const who = u.msiClientId ? `the user-assigned managed identity ${u.msiClientId}` : "the agent VM's managed identity";
    return finding(
      'entra.connection-scheme',
      'error',
      `${origin} uses the managed identity scheme (${u.scheme}): its token for ${who} comes from the Azure Instance Metadata Service of a self-hosted agent's VM, which this task does not call, ${NOT_CHECKED}.`,
      `To have it checked, use workload identity federation with the same managed identity (${WIF_CONVERT}; add the federated credential to the managed identity), and add the identity to the Azure DevOps organisation.`,
    );
  }
  if (u.kind === 'publish-profile')
    return finding(
      'entra.connection-scheme',
      'error',
      `${origin} uses a publish profile (${u.scheme}): an App Service deployment credential, not a Microsoft Entra identity, so it can never authenticate to Azure DevOps and nothing was checked.`,
      `Select an Azure Resource Manager connection with workload identity federation (${WIF_CONVERT}), or pass an Azure DevOps token instead.`,
    );
  return finding(
    'entra.connection-scheme',
    'error',
    `${origin} uses the scheme ${JSON.stringify(u.scheme)}, which this version does not know, ${NOT_CHECKED}.`,
    'Use a workload identity federation or service principal (secret or certificate) connection, or pass an Azure DevOps token instead.',
  );
}

export const missingId = (origin: string, what: string): Finding =>
  badConfig(`A Microsoft Entra credential needs both a client id and a tenant id; ${origin} gave no ${what}.`, `Give both: ${IDS_HINT}.`);

export const badTenant = (origin: string): Finding =>
  badConfig(`The tenant id from ${origin} is neither a GUID nor a domain name.`, `Use ${IDS_HINT}.`);

export const badAuthority = (host: string): Finding =>
  badConfig(
    `The authority host ${JSON.stringify(host)} is not an https:// origin.`,
    "Set AZURE_AUTHORITY_HOST to the cloud's authority, e.g. https://login.microsoftonline.com (public), https://login.microsoftonline.us or https://login.chinacloudapi.cn.",
  );

export const offlineEntra = (): Finding =>
  badConfig(
    'Offline mode cannot obtain a token from Microsoft Entra; nothing was checked.',
    'Run without `offline`, or pass a token to check offline.',
  );

export const certificateUnusable = (c: EntraCredential, why: string): Finding =>
  finding('entra.certificate', 'error', `The certificate credential of app ${c.clientId} from ${c.origin} cannot be used: ${why}.`);

export const certificateExpired = (c: EntraCredential, thumbprint: string, at: Date): Finding =>
  finding(
    'entra.certificate',
    'error',
    `The certificate ${thumbprint} of app ${c.clientId} expired on ${at.toISOString().slice(0, 10)}; Microsoft Entra refuses assertions it signs.`,
    `Create a new certificate, upload its public part to app ${c.clientId} (Certificates & secrets → Certificates) and update the stored PEM.`,
  );

export const certificateRefused = (e: EntraError, c: EntraCredential, thumbprint: string): Finding =>
  finding(
    'entra.certificate',
    'error',
    `Microsoft Entra refused the assertion signed with certificate ${thumbprint} for app ${c.clientId} (${aadsts(e)}): the app does not have this certificate, or it expired there.`,
    `Upload this certificate's public part to app ${c.clientId} (Certificates & secrets → Certificates), or use the certificate the app has.`,
  );
