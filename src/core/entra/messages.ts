/** Every sentence the Entra stage says. Values shown are identifiers, never secrets or tokens. */
import { CODES, type FindingCode } from '../codes.js';
import { AZURE_DEVOPS_RESOURCE_ID } from '../providers/azure-devops/tokens.js';
import { finding, type Finding } from '../report.js';
import { CASE_ONLY_SUBJECT } from './aadsts.js';
import type { AssertionClaims } from './claims.js';
import type { EntraError } from './exchange.js';
import type { HttpFailure } from '../http/client.js';
import { networkFinding } from '../providers/online/trouble.js';
import { DEFAULT_AUTHORITY_HOST, type EntraCredential, type EnvGap, type UncheckableScheme } from './source.js';

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
        `Request the token for '${audience}', and give the federated credential on app ${credential.clientId} that audience (${FIC_PAGE}).`,
      );
    case 'entra.tenant-not-found':
      return finding(
        code,
        'error',
        `Microsoft Entra at ${credential.authorityHost} does not know the tenant ${q(credential.tenantId)} (${aadsts(e)}).`,
        `Use the Directory (tenant) ID from the overview page of app ${credential.clientId} instead of '${credential.tenantId}'; if the tenant is in another cloud than ${credential.authorityHost}, set that cloud's authority host (AZURE_AUTHORITY_HOST, or the service connection's environment), e.g. https://login.microsoftonline.us.`,
      );
    case 'entra.app-not-found':
      return finding(
        code,
        'error',
        `Tenant ${credential.tenantId} has no application with client id ${credential.clientId} (${aadsts(e)}).`,
        `Copy the Application (client) ID from ${APP_PAGE}, and check it lives in tenant ${credential.tenantId}.`,
      );
    case 'entra.secret-invalid':
    case 'entra.secret-expired':
      return secretRefused(code, e, credential);
    default:
      return refusedFor(code, e, credential, c);
  }
}

const SECRETS_PAGE = (clientId: string): string =>
  `Microsoft Entra ID → App registrations → the app with Application (client) ID ${clientId} → Certificates & secrets → Client secrets`;

function secretRefused(code: 'entra.secret-invalid' | 'entra.secret-expired', e: EntraError, c: EntraCredential): Finding {
  const who = `app ${c.clientId} in tenant ${c.tenantId}`;
  const store = `store its Value (shown once; not the Secret ID) in ${c.origin}`;
  return code === 'entra.secret-invalid'
    ? finding(
        code,
        'error',
        `Microsoft Entra rejected the client secret of ${who} (${aadsts(e)}): a wrong value, or the secret's ID instead of its value.`,
        `In ${SECRETS_PAGE(c.clientId)}, create a new client secret and ${store}.`,
      )
    : finding(
        code,
        'error',
        `The client secret of ${who} has expired (${aadsts(e)}).`,
        `In ${SECRETS_PAGE(c.clientId)}, create a new client secret (note its expiry) and ${store}; delete the expired one.`,
      );
}

const ENTERPRISE_APP = (clientId: string): string =>
  `Microsoft Entra ID → Enterprise applications → search for ${clientId} (Application ID)`;
const ADO = `Azure DevOps (resource ${AZURE_DEVOPS_RESOURCE_ID})`;

/** What each tenant-policy AADSTS code means, and what the tenant's administrator changes for it. */
const POLICY: Record<number, { means: string; fix: (c: EntraCredential) => string }> = {
  53003: {
    means: 'a Conditional Access policy blocked this sign-in',
    fix: (c) =>
      `An administrator of tenant ${c.tenantId} finds the failure in Microsoft Entra ID → Monitoring → Sign-in logs → Service principal sign-ins (filter Application ID ${c.clientId}), opens the Conditional Access tab, and excludes this workload identity from the policy that blocked it, or allows the runner's location.`,
  },
  530035: {
    means: 'security defaults blocked this sign-in',
    fix: (c) =>
      `An administrator of tenant ${c.tenantId} reviews the sign-in of ${c.clientId} in Microsoft Entra ID → Monitoring → Sign-in logs, and the tenant's security defaults (Properties → Manage security defaults).`,
  },
  700223: {
    means: 'workload identity federation is restricted or turned off for this tenant',
    fix: (c) =>
      `An administrator of tenant ${c.tenantId} allows workload identity federation for app ${c.clientId} (its tenant's federation restrictions), or use a client secret or certificate instead.`,
  },
  700238: {
    means: "the tenant's policy does not allow this issuer (or this identity type) to federate",
    fix: (c) =>
      `An administrator of tenant ${c.tenantId} allows the issuer of the presented token for app ${c.clientId}, or convert the service connection to the Microsoft Entra issuer (Project settings → Service connections → the connection → Convert).`,
  },
  70052: {
    means: 'the identity must be a managed identity, a single-tenant app or a service account to use this issuer',
    fix: (c) =>
      `Make app ${c.clientId} single-tenant (App registrations → the app → Authentication → Supported account types → Accounts in this organizational directory only), or use a managed identity in tenant ${c.tenantId}.`,
  },
  900382: {
    means: 'a confidential client cannot sign in across clouds',
    fix: (c) =>
      `App ${c.clientId} must be registered in the cloud of the authority ${c.authorityHost} (tenant ${c.tenantId}): use an app of that cloud, or set the authority host of the app's own cloud (AZURE_AUTHORITY_HOST, or the service connection's environment).`,
  },
};

/** Why Entra refused the presented token itself, by AADSTS code, and what to do. */
const ASSERTION: Record<number, [why: string, fix: string]> = {
  700024: [
    'the presented token is outside its validity window (expired, or not yet valid)',
    "Request the federated token right before the exchange (a token file must be refreshed by the platform), and check this machine's clock",
  ],
  700027: ["the presented token's signature did not verify", 'Present the token exactly as the platform issued it, unchanged'],
  700222: [
    'it was issued by Microsoft Entra itself, and Entra-issued tokens cannot be federated',
    "Present the CI platform's own OIDC token, and point the federated credential at that platform's issuer",
  ],
  700229: ['a user token cannot be federated for the Microsoft Entra issuer', 'Present an app-only token'],
};

/** consent-missing, app-disabled, policy-blocked, assertion-invalid and rejected, each fix naming the app, tenant and resource. */
function refusedFor(code: FindingCode, e: EntraError, credential: EntraCredential, c: AssertionClaims | undefined): Finding {
  const who = `app ${credential.clientId} in tenant ${credential.tenantId}`;
  const base = `Microsoft Entra refused the token request for ${who}, presenting ${presented(c)} (${aadsts(e)})`;
  const said = e.description ? `: ${e.description}` : '.';
  const policy = e.code !== undefined ? POLICY[e.code] : undefined;
  switch (code) {
    case 'entra.consent-missing':
      return e.code === 500011
        ? finding(
            code,
            'error',
            `${base}: ${ADO} has no service principal in tenant ${credential.tenantId}, so this tenant is not the one the Azure DevOps organisation is connected to.`,
            `Use an app in the tenant the organisation is connected to (Organization settings → Microsoft Entra shows it) instead of app ${credential.clientId} in tenant ${credential.tenantId}, or connect the organisation to tenant ${credential.tenantId}.`,
          )
        : finding(
            code,
            'error',
            `${base}: no administrator has consented to ${who} using ${ADO}.`,
            `An administrator of tenant ${credential.tenantId} grants consent: ${ENTERPRISE_APP(credential.clientId)} → Permissions → Grant admin consent for the tenant (the permission on ${ADO}).`,
          );
    case 'entra.app-disabled':
      return finding(
        code,
        'error',
        `${base}: the application is disabled in tenant ${credential.tenantId}.`,
        `${ENTERPRISE_APP(credential.clientId)} → Properties → set "Enabled for users to sign-in?" to Yes (an administrator of tenant ${credential.tenantId}), or use another identity.`,
      );
    case 'entra.policy-blocked':
      return finding(
        code,
        'error',
        `${base}: ${policy?.means ?? 'tenant policy blocked it'}${said === '.' ? '.' : ` (Entra said${said})`}`,
        policy?.fix(credential) ??
          `An administrator of tenant ${credential.tenantId} looks up ${aadsts(e)} for app ${credential.clientId} in Microsoft Entra ID → Monitoring → Sign-in logs.`,
      );
    case 'entra.assertion-invalid': {
      const [why, fix] = (e.code !== undefined ? ASSERTION[e.code] : undefined) ?? [
        'the presented token is not acceptable',
        CODES[code].fix,
      ];
      return finding(
        code,
        'error',
        `${base}: ${why}.`,
        `${fix.replace(/\.$/, '')} (app ${credential.clientId}, tenant ${credential.tenantId}).`,
      );
    }
    default:
      return finding(
        code,
        'error',
        `${base}${said}`,
        e.code !== undefined
          ? `Look up AADSTS${e.code} at https://login.microsoftonline.com/error?code=${e.code} and fix app ${credential.clientId} in tenant ${credential.tenantId} (or the request) as it says.`
          : undefined,
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
    `Select the connection ${id} in this task's \`azureSubscription\` input (the agent issues OIDC tokens only for connections a task input references), and allow this pipeline in Project settings → Service connections → that connection → Security → Pipeline permissions.`,
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
export function retiringIssuer(c: AssertionClaims, credential: EntraCredential, now: Date): Finding {
  const when = now.getTime() >= Date.parse(ISSUER_END) ? `retired on ${ISSUER_END}` : `retires on ${ISSUER_END}`;
  return finding(
    'entra.issuer-retiring',
    'warning',
    `The service connection still federates through the Azure DevOps issuer ${q(c.iss)} (subject ${q(c.sub)}), which Microsoft ${when}.`,
    `Convert the connection (Project settings → Service connections → the connection → Convert), then give app ${credential.clientId} a federated credential (${FIC_PAGE}) with issuer 'https://login.microsoftonline.com/${credential.tenantId}/v2.0' and the Subject identifier the converted connection shows, audience 'api://AzureADTokenExchange'.`,
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
  finding(
    'entra.certificate',
    'error',
    `The certificate credential of app ${c.clientId} from ${c.origin} cannot be used: ${why}.`,
    `Give ${c.origin} one PEM with the certificate and its unencrypted (or password-opened) RSA private key, the certificate uploaded to app ${c.clientId} (Certificates & secrets → Certificates).`,
  );

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

const list = (names: readonly string[], joiner: 'and' | 'or'): string =>
  names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${joiner} ${names.at(-1)}`;
const PROOF_VARS = ['AZURE_FEDERATED_TOKEN_FILE', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH'];
const PROOF_HINT =
  'AZURE_FEDERATED_TOKEN_FILE (the federated token file: workload identity, as WorkloadIdentityCredential reads it), AZURE_CLIENT_SECRET (a client secret) or AZURE_CLIENT_CERTIFICATE_PATH (a PEM with the certificate and its private key)';

/** The Azure Identity variables are set but incomplete, or hold a user's password: which variable, and why. */
export function envIncomplete(gap: EnvGap): Finding {
  if (gap.kind === 'password') {
    const ids = gap.missing.length ? `, and ${list(gap.missing, 'and')} ${gap.missing.length > 1 ? 'are' : 'is'} not set either` : '';
    return finding(
      'entra.env-incomplete',
      'error',
      `AZURE_USERNAME / AZURE_PASSWORD are set: a user's password sign-in (the resource owner password credentials flow, ROPC), which this tool does not use${ids}. Microsoft deprecates it because it cannot do multifactor authentication (MFA), which Microsoft Entra enforces for user sign-ins; nothing was checked.`,
      `Check a workload identity instead: set AZURE_CLIENT_ID and AZURE_TENANT_ID of an app registration or managed identity, plus ${PROOF_HINT}, and unset AZURE_USERNAME and AZURE_PASSWORD; or pass an Azure DevOps token.`,
    );
  }
  const unset = [...gap.missing, ...(gap.proof ? [`one of ${list(PROOF_VARS, 'or')}`] : [])];
  const empty = gap.empty.length ? ` (${list(gap.empty, 'and')} ${gap.empty.length > 1 ? 'are' : 'is'} set but empty)` : '';
  const needs = gap.proof
    ? 'EnvironmentCredential needs a secret or a certificate, WorkloadIdentityCredential needs AZURE_FEDERATED_TOKEN_FILE'
    : 'every Azure Identity credential needs both AZURE_CLIENT_ID and AZURE_TENANT_ID';
  return finding(
    'entra.env-incomplete',
    'error',
    `The Azure Identity variables describe no complete credential: ${list(unset, 'and')} ${unset.length > 1 ? 'are' : 'is'} missing${empty}; ${needs}. Nothing was checked.`,
    [
      ...gap.missing.map((k) =>
        k === 'AZURE_CLIENT_ID'
          ? "Set AZURE_CLIENT_ID to the Application (client) ID from the app's overview page (or the managed identity's Client ID)."
          : "Set AZURE_TENANT_ID to the Directory (tenant) ID from the app's overview page.",
      ),
      ...(gap.proof
        ? [
            `Set ${PROOF_HINT}.`,
            "In GitHub Actions, give the ids to the action's `client-id` and `tenant-id` inputs instead to exchange the job's OIDC token.",
          ]
        : []),
      'Or pass an Azure DevOps token instead.',
    ].join(' '),
  );
}

/** Fixes for network trouble on the way to a named host: what to allow, trust or retry, for that host. */
const TROUBLE_FIX: Record<HttpFailure['code'], (host: string) => string> = {
  'network.unreachable': (h) =>
    `Allow HTTPS${h.includes(':') ? '' : ' (port 443)'} from this runner to ${h} in the firewall, or through the proxy (HTTPS_PROXY / NO_PROXY, or the agent's proxy settings)`,
  'network.timeout': (h) => `Retry; if it persists, check the proxies and firewalls between this runner and ${h}`,
  'network.tls': (h) =>
    `Trust the CA that signs ${h}'s certificate (NODE_EXTRA_CA_CERTS=/path/ca.pem, or the agent's --sslcacert): a TLS-inspecting proxy re-signs it`,
  'network.proxy': (h) =>
    `Check the proxy URL and its credentials (HTTPS_PROXY, or the agent's proxy settings), and that it lets CONNECT to ${h}:443 through`,
  'network.rate-limited': (h) => `Retry later; fewer parallel jobs asking ${h} for tokens with the same identity`,
  'network.unexpected-response': (h) => `Retry; if it persists, check that no proxy rewrites the answers of ${h}`,
};

/** Network trouble at a step before Azure DevOps: the fix names that step's host, not the Azure DevOps URL. */
export function hostTrouble(failure: HttpFailure, who: string, extra = ''): Finding {
  const host = hostOf(failure.url);
  return { ...networkFinding(failure, who), hint: `${TROUBLE_FIX[failure.code](host)}${extra}.` };
}

/** Network trouble at the Microsoft Entra authority (the token endpoint). */
export function authorityTrouble(failure: HttpFailure, c: EntraCredential): Finding {
  const custom = c.authorityHost !== DEFAULT_AUTHORITY_HOST;
  const extra = custom
    ? `; or correct the authority ${c.authorityHost} (AZURE_AUTHORITY_HOST, or the service connection's cloud) if it is not your cloud's`
    : '';
  return hostTrouble(failure, 'Microsoft Entra ID', extra);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
