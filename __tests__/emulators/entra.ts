/**
 * Local HTTPS emulator of the Microsoft Entra ID v2.0 token endpoint (client credentials grant), and
 * of the two OIDC endpoints whose tokens are exchanged there: GitHub Actions'
 * ACTIONS_ID_TOKEN_REQUEST_URL and the Azure Pipelines agent's OIDC request endpoint.
 *
 * Sources: learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow (request),
 * …/reference-error-codes (error body: error, error_description "AADSTSnnn: …", error_codes),
 * learn.microsoft.com/azure/devops/pipelines/release/troubleshoot-workload-identity (the federation
 * AADSTS codes), docs.github.com "OpenID Connect reference", learn.microsoft.com/rest/api/azure/devops/
 * distributedtask/oidctoken/create. Tags: [D] documented, [O] observed in public issues, [U] unconfirmed
 * (the order in which Entra checks tenant, client and credential is not documented; this one is [U]).
 *
 * Routes (any Host):
 *  POST /{tenant}/oauth2/v2.0/token                     → {token_type, expires_in, access_token} | AADSTS error
 *  GET  /github/idtoken?audience=…  (Bearer request token) → {value} [D]
 *  POST /{org}/{project}/_apis/distributedtask/hubs/build/plans/{plan}/jobs/{job}/oidctoken
 *       ?api-version=7.1&serviceConnectionId=…  (Bearer System.AccessToken) → {oidcToken} [D]
 */
import { createHash, createVerify, randomUUID, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fakeEntraClaims, mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { EmulatorHarness, HarnessEmulator, type AppContext, type AppResponse, type EmulatorHandle } from './harness.js';

export interface FederatedCredentialSpec {
  issuer: string;
  subject: string;
  audience?: string; // default api://AzureADTokenExchange
}

export interface EntraAppSpec {
  clientId: string;
  /** Service principal object id: the `oid` of tokens minted for the app. */
  objectId: string;
  secrets?: readonly { value: string; expired?: boolean }[];
  federated?: readonly FederatedCredentialSpec[];
  /** Certificates (PEM, public part) uploaded to the app. */
  certificates?: readonly string[];
  /**
   * Subject name / issuer (SNI) trust: certificate subjects the app accepts without an upload, when the
   * assertion carries the chain in `x5c` (what AZURE_CLIENT_SEND_CERTIFICATE_CHAIN asks for) [D]
   * learn.microsoft.com/entra/identity-platform/certificate-credentials. Real Entra also checks the chain
   * ends at a trusted CA (first-party only, not modelled); here the leaf's subject and thumbprint decide.
   */
  trustedSubjects?: readonly string[];
  disabled?: boolean;
  /** The tenant refuses every token request for this app, whatever its credential (see REFUSALS). */
  refusedBy?: keyof typeof REFUSALS;
}

export interface EntraEmulatorOptions {
  /** Tenant id → its applications. */
  tenants: Record<string, readonly EntraAppSpec[]>;
  /** Each minted Azure DevOps token, e.g. to register it with the Azure DevOps emulator. */
  onMint?: (token: string, app: EntraAppSpec, tenantId: string) => void;
  /** GitHub: request token → the `sub` of the OIDC token it gets. */
  githubTokens?: Record<string, string>;
  /** Azure Pipelines: System.AccessToken values the OIDC endpoint accepts. */
  pipelineAccessTokens?: readonly string[];
  /** Azure Pipelines: service connection id → issuer and subject of its OIDC token. */
  serviceConnections?: Record<string, { issuer: string; subject: string }>;
  now?: () => Date;
}

export interface EntraEmulator extends EmulatorHandle {
  readonly options: EntraEmulatorOptions;
  /** `https://127.0.0.1:{port}`: AZURE_AUTHORITY_HOST for the tests. */
  readonly authorityHost: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL as the runner sets it (it already carries a query string [D]). */
  readonly githubRequestUrl: string;
  /** System.OidcRequestUri as the agent sets it [D]. */
  readonly pipelinesRequestUri: string;
}

export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const ADO_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const json = (status: number, body: object): AppResponse => ({ status, body });

/** Entra's error body [D]; `invalid_client` comes back as 401 in practice [O]. */
export function aadstsError(error: string, code: number, text: string): AppResponse {
  const trace = randomUUID();
  const at = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return json(error === 'invalid_client' ? 401 : 400, {
    error,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${at}`,
    error_codes: [code],
    timestamp: at,
    trace_id: trace,
    correlation_id: randomUUID(),
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

/**
 * Tenant-side refusals that no credential fixes. Codes and meanings [D] reference-error-codes; texts
 * [D] for 53003 and 500011 (Microsoft's table), [O] for 700238 (troubleshoot-workload-identity) and
 * 501051; `error` values [U] except invalid_grant for Conditional Access [O].
 */
export const REFUSALS = {
  'conditional-access': (_app: string, _tenant: string) =>
    aadstsError(
      'invalid_grant',
      53003,
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    ),
  'resource-not-in-tenant': (_app: string, tenant: string) =>
    aadstsError(
      'invalid_resource',
      500011,
      `The resource principal named https://app.vssps.visualstudio.com was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  'issuer-not-allowed': (_app: string, _tenant: string) =>
    aadstsError('unauthorized_client', 700238, 'Microsoft Entra rejected the token issued by Azure DevOps with error code AADSTS700238.'),
  // The rest of the documented refusals a client-credentials request can meet; texts [O] or [U] as noted.
  'wif-restricted': () =>
    aadstsError('unauthorized_client', 700223, 'The use of federated identity credentials is restricted for this tenant.'), // text [U]
  'multitenant-app': () =>
    aadstsError('unauthorized_client', 70052, 'The identity must be a managed identity, a single tenant app, or a service account.'), // [D ADO]
  'cross-cloud': () => aadstsError('invalid_request', 900382, 'Confidential Client is not supported in Cross Cloud request.'), // [O]
  'no-consent': (app: string) =>
    aadstsError('invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${app}'.`), // [D]
  'tenant-in-other-cloud': (_app: string, tenant: string) =>
    aadstsError('invalid_request', 90038, `Tenant '${tenant}' is not in this cloud instance.`), // text [U]
  'app-disabled-legacy': (app: string) => aadstsError('unauthorized_client', 70001, `The application named ${app} is disabled.`), // [D]
  'user-token-as-fic': () =>
    aadstsError('invalid_client', 700229, 'Only app-only tokens can be used as Federated Identity Credentials for Microsoft Entra issuer.'), // [D meaning]
  'entra-issued-assertion': () => aadstsError('invalid_client', 700222, 'AAD-issued tokens may not be used for federated identity flows.'), // [D]
  'no-fic-match': () => aadstsError('invalid_request', 70021, 'No matching federated identity record found for presented assertion.'), // [O]
  'subject-hint': () =>
    aadstsError(
      'invalid_client',
      7002137,
      "No matching federated identity record found for presented assertion subject. Please make sure the federated identity credential Subject is 'repo:octo-org/octo-repo:environment:prod'.",
    ), // [O]
  // Not one the tool names: it must come out as entra.rejected, quoting Entra's text.
  'role-assignment': (app: string, _tenant: string) =>
    aadstsError(
      'invalid_grant',
      501051,
      `Application '${app}' is not assigned to a role for the application 'https://app.vssps.visualstudio.com'.`,
    ),
} as const;

function decodeClaims(jwt: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

class Emulator extends HarnessEmulator implements EntraEmulator {
  readonly harness: EmulatorHarness;

  constructor(readonly options: EntraEmulatorOptions) {
    super();
    this.harness = new EmulatorHarness({ handle: (req, ctx) => this.#handle(req, ctx) });
  }

  get authorityHost(): string {
    return this.origin;
  }
  get githubRequestUrl(): string {
    return `${this.origin}/github/idtoken?api-version=2.0`;
  }
  get pipelinesRequestUri(): string {
    return `${this.origin}/fabrikam/00000000-fa4e-7e57-0000-00000000e001/_apis/distributedtask/hubs/build/plans/00000000-fa4e-7e57-0000-00000000e002/jobs/00000000-fa4e-7e57-0000-00000000e003/oidctoken`;
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }

  #handle(req: IncomingMessage, ctx: AppContext): AppResponse {
    if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(ctx.path)) {
      if (req.method !== 'POST') return { status: 405, body: '' };
      return this.#token(decodeURIComponent(ctx.path.split('/')[1]!), new URLSearchParams(ctx.body));
    }
    if (ctx.path === '/github/idtoken') return this.#github(req, ctx);
    if (ctx.path.endsWith('/oidctoken')) return this.#pipelines(req, ctx);
    return { status: 404, body: '' };
  }

  #github(req: IncomingMessage, ctx: AppContext): AppResponse {
    const subject = this.options.githubTokens?.[bearer(req) ?? ''];
    if (req.method !== 'GET' || subject === undefined) return json(401, { message: 'Unauthorized' });
    // Default audience = the URL of the repository owner [D]; the caller asks for the exchange's.
    const aud = ctx.query.get('audience') ?? 'https://github.com/octo-org';
    return json(200, { count: 1, value: this.#oidc(GITHUB_ISSUER, subject, aud) });
  }

  #pipelines(req: IncomingMessage, ctx: AppContext): AppResponse {
    if (!(this.options.pipelineAccessTokens ?? []).includes(bearer(req) ?? '')) return json(401, { message: 'TF400813: not authorized' });
    if (req.method !== 'POST' || !ctx.query.get('api-version')) return { status: 400, body: '' };
    // [O] a connection no task input references (or an unknown id): 404 with an empty body.
    const sc = this.options.serviceConnections?.[ctx.query.get('serviceConnectionId') ?? ''];
    if (!sc) return { status: 404, body: '' };
    return json(200, { oidcToken: this.#oidc(sc.issuer, sc.subject, EXCHANGE_AUDIENCE) });
  }

  #oidc(iss: string, sub: string, aud: string): string {
    const iat = Math.floor(this.#now().getTime() / 1000);
    return mintEntraJwt({ iss, sub, aud, iat, nbf: iat, exp: iat + 300, jti: randomUUID() });
  }

  #token(tenantId: string, form: URLSearchParams): AppResponse {
    const apps = this.options.tenants[tenantId];
    if (!apps) {
      if (!GUID_RE.test(tenantId) && !tenantId.includes('.'))
        return aadstsError(
          'invalid_request',
          900023,
          `Specified tenant identifier '${tenantId}' is neither a valid DNS name, nor a valid external domain.`,
        );
      return aadstsError(
        'invalid_tenant',
        90002,
        `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (form.get('grant_type') !== 'client_credentials')
      return aadstsError('unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('scope') !== ADO_SCOPE && !form.get('scope')?.endsWith('/.default'))
      return aadstsError(
        'invalid_scope',
        1002012,
        'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.',
      );
    const clientId = form.get('client_id') ?? '';
    const app = apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
    // [U] error value of 700016.
    if (!app)
      return aadstsError(
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`,
      );
    if (app.disabled) return aadstsError('unauthorized_client', 7000112, `Application '${clientId}' is disabled.`);
    if (app.refusedBy) return REFUSALS[app.refusedBy](app.clientId, tenantId);
    const refused = this.#credential(app, form);
    if (refused) return refused;
    return this.#mint(app, tenantId);
  }

  #credential(app: EntraAppSpec, form: URLSearchParams): AppResponse | undefined {
    const assertion = form.get('client_assertion');
    const secret = form.get('client_secret');
    if (assertion && this.#header(assertion)?.['x5t']) return this.#signed(app, assertion);
    if (assertion) return this.#federated(app, assertion, form.get('client_assertion_type'));
    if (!secret)
      return aadstsError(
        'invalid_request',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    const known = app.secrets?.find((s) => s.value === secret);
    if (!known)
      return aadstsError(
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    if (known.expired)
      return aadstsError(
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app.`,
      );
    return undefined;
  }

  #header(jwt: string): Record<string, unknown> | undefined {
    try {
      return JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  /**
   * A certificate-signed assertion: the certificate named by `x5t` (SHA-1 thumbprint) must be on the
   * app, unexpired, and its key must have made the RS256 signature [D]; texts of 700027 [O].
   */
  #signed(app: EntraAppSpec, assertion: string): AppResponse | undefined {
    const header = this.#header(assertion);
    const x5t = String(header?.['x5t']);
    const thumb = (x: X509Certificate): string => createHash('sha1').update(x.raw).digest('base64url');
    const chain = Array.isArray(header?.['x5c']) ? (header['x5c'] as unknown[]) : [];
    const leaf = typeof chain[0] === 'string' ? new X509Certificate(Buffer.from(chain[0], 'base64')) : undefined;
    const bySubject = leaf && thumb(leaf) === x5t && app.trustedSubjects?.includes(leaf.subject) ? leaf : undefined;
    const cert = (app.certificates ?? []).map((pem) => new X509Certificate(pem)).find((x) => thumb(x) === x5t) ?? bySubject;
    const invalid = (reason: string): AppResponse =>
      aadstsError('invalid_client', 700027, `Client assertion failed signature validation. Reason - ${reason}`);
    if (!cert) return invalid(`The key was not found., Thumbprint of key used by client: '${x5t}'`);
    if (new Date(cert.validTo).getTime() < this.#now().getTime())
      return invalid('The certificate used to sign the client assertion is expired.');
    const [h, p, sig] = assertion.split('.');
    const ok = createVerify('RSA-SHA256')
      .update(`${h}.${p}`)
      .verify(cert.publicKey, Buffer.from(sig ?? '', 'base64url'));
    return ok ? undefined : invalid('The signature of the client assertion does not match the certificate.');
  }

  /** Federated credential matching: issuer, then subject, then audience, case-sensitively [D]. */
  #federated(app: EntraAppSpec, assertion: string, type: string | null): AppResponse | undefined {
    const c = decodeClaims(assertion);
    if (type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || !c)
      return aadstsError('invalid_client', 50027, 'JWT token is invalid or malformed.');
    const exp = typeof c['exp'] === 'number' ? c['exp'] : 0;
    if (exp * 1000 < this.#now().getTime())
      return aadstsError(
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${this.#now().toISOString()}, expiry time of assertion ${new Date(exp * 1000).toISOString()}.`,
      );
    const fics = app.federated ?? [];
    if (fics.length === 0)
      return aadstsError('invalid_client', 70025, 'Client application has no configured federated identity credentials.');
    const iss = String(c['iss']);
    const sub = String(c['sub']);
    const aud = String(c['aud']);
    const byIssuer = fics.filter((f) => f.issuer === iss);
    if (byIssuer.length === 0)
      return aadstsError(
        'invalid_client',
        700211,
        `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      );
    const bySubject = byIssuer.filter((f) => f.subject === sub);
    if (bySubject.length === 0) {
      if (byIssuer.some((f) => f.subject.toLowerCase() === sub.toLowerCase()))
        return aadstsError(
          'invalid_client',
          7002138,
          `No matching federated identity record found for presented assertion subject '${sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison.`,
        );
      return aadstsError(
        'invalid_client',
        700213,
        `No matching federated identity record found for presented assertion subject '${sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      );
    }
    if (!bySubject.some((f) => (f.audience ?? EXCHANGE_AUDIENCE) === aud))
      return aadstsError(
        'invalid_client',
        700212,
        `No matching federated identity record found for presented assertion audience '${aud}'.`,
      );
    return undefined;
  }

  #mint(app: EntraAppSpec, tenantId: string): AppResponse {
    const claims = fakeEntraClaims(
      this.#now(),
      { app: true },
      {
        iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
        tid: tenantId,
        oid: app.objectId,
        sub: app.objectId,
        azp: app.clientId,
        uti: randomUUID(), // unique per token, like Entra's
      },
    );
    const token = mintEntraJwt(claims);
    this.options.onMint?.(token, app, tenantId);
    return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }
}

export async function startEntraEmulator(options: EntraEmulatorOptions): Promise<EntraEmulator> {
  const emulator = new Emulator(options);
  await emulator.harness.listen();
  return emulator;
}
