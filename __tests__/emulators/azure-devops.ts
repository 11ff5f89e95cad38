/**
 * Local HTTPS emulator of the Azure DevOps REST API (Services and Server) for the online checks.
 * Behaviour follows Microsoft's REST documentation (https://learn.microsoft.com/rest/api/azure/devops/,
 * https://learn.microsoft.com/azure/devops/integrate/concepts/rest-api-versioning,
 * https://learn.microsoft.com/azure/devops/integrate/concepts/rate-limits,
 * https://learn.microsoft.com/azure/devops/integrate/get-started/authentication/iis-basic-auth) and
 * Microsoft's SDKs (microsoft/azure-devops-node-api, Azure/azure-devops-cli-extension); response bodies
 * are shaped on Microsoft's published examples (azure-devops-shapes.ts). Tags in comments: [D]
 * documented, [O] observed in public issues, [U] unconfirmed — the emulator had to pick something;
 * clients must not depend on [U] details beyond what the documentation allows.
 *
 * One server on 127.0.0.1:{random port} serves:
 *  - Services by Host header (route the real names here with emulatorDispatcher()):
 *      dev.azure.com/{org}/…, {svc}.dev.azure.com/{org}/… (vssps, vsrm, feeds, pkgs, vsaex),
 *      {org}.visualstudio.com/… (legacy; optional /DefaultCollection), {org}.{svc}.visualstudio.com/…,
 *      app.vssps.visualstudio.com/_apis/profile/profiles/me.
 *    On dev.azure.com-style hosts each area answers only on its own host (release on vsrm, graph on
 *    vssps, packaging on feeds/pkgs, profile on app.vssps/vssps); elsewhere → 404.
 *  - Any other Host (127.0.0.1, localhost):
 *      mode 'services': https://127.0.0.1:{port}/{org}/… with every area on that one host;
 *      mode 'server':   https://127.0.0.1:{port}[/tfs]/{collection}/… (tfsPrefix), everything on the
 *                       collection URL, `_apis/resourceAreas` → {"count":0,"value":null} [D].
 *
 * Request pipeline: scripted fault → organization (404 if unknown, before auth) → credentials →
 * api-version → route → method → scope → handler.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { INHERITS } from './azure-devops-inherits.js';
import * as shapes from './azure-devops-shapes.js';
import { EmulatorHarness, HarnessEmulator, type AppContext, type AppResponse, type EmulatorHandle } from './harness.js';
import type { CertificateKind } from './tls.js';

export { emulatorDispatcher } from './dispatcher.js';
export type { EmulatorDispatcherOptions } from './dispatcher.js';
export type { FaultHandle, FaultMatch, FaultSpec, HarnessStats, RequestLogEntry } from './harness.js';

// ───────────────────────────── public types ─────────────────────────────

export interface AzureDevOpsUser {
  id: string;
  displayName: string;
  /** Sign-in name / e-mail (Services) or DOMAIN\user (Server). */
  uniqueName: string;
  /** Identity descriptor; default derived (ClaimsIdentity on Services, WindowsIdentity on Server) [U]. */
  descriptor?: string;
  /** Graph subject descriptor; default derived (`aad.…` / `msa.…` / `win.…`) [U]. */
  subjectDescriptor?: string;
}

/** `'full'` = full-access PAT (or an Entra token), passes every scope check. */
export type AzureDevOpsScopes = readonly string[] | 'full';

export interface AzureDevOpsTokenSpec {
  user: AzureDevOpsUser;
  /** Organizations (Services) / collections (Server) the token is valid for; 'all' = all accessible organizations. */
  organizations: readonly string[] | 'all';
  scopes: AzureDevOpsScopes;
  /** Expired PAT: 401 with X-TFS-ServiceError and AccessCheckException body [O]. */
  expired?: boolean;
  /**
   * How the expired PAT's refusal comes: 'json' (default, above), 'html' — an "Access Denied" page
   * without the header, as Azure DevOps Server or a proxy that does not honour X-TFS-FedAuthRedirect
   * answers (markup [U]; 'html-203': with Services' 203 instead of 401 [O: microsoft/azure-devops-auth-samples#52]) — or
   * 'text' (plain text, which error bodies may be [O]; wording [O]).
   */
  expiredForm?: 'json' | 'html' | 'html-203' | 'text';
  /**
   * The organisation's Microsoft Entra conditional access policy (IP conditions included) blocks this
   * caller: every authenticated request 403 "VS403463: The conditional access policy defined by your
   * Azure Active Directory administrator has failed." [O: microsoft/coe-starter-kit#6694].
   */
  conditionalAccessBlocked?: boolean;
  /** An organisation policy on PATs refuses this token: 401 naming the policy (wording [U]). */
  patPolicyBlocked?: boolean;
  /** Which Authorization scheme the token is accepted with (default 'any': PAT as Basic password or Bearer). */
  scheme?: 'basic' | 'bearer' | 'any';
  /**
   * Projects (names or ids) the user can see; default all. Hidden projects answer exactly like missing
   * ones (TF200016 by name, VS800075 "does not exist, or you do not have permission" by id).
   */
  projects?: readonly string[];
  /**
   * A valid Entra token whose service principal was never added to the organisation: every
   * authenticated request gets 401 TF401444 [D text: learn.microsoft.com/azure/devops/pipelines/
   * library/add-devops-entra-service-connection; status and typeKey U].
   */
  notMember?: { tenantId: string; objectId: string };
  /**
   * The member's access level (AccountLicenseType; default 'express' = Basic). Stakeholders cannot read
   * Azure Repos in private projects [D: learn.microsoft.com "Stakeholder access quick reference"]; the
   * REST answer to their code reads is [U] — modelled as the 403 Azure DevOps gives permission refusals.
   * Their own entitlement answers on vsaex `_apis/serviceprincipalentitlements/{id}` [D shape].
   */
  accessLevel?: 'express' | 'stakeholder' | 'advanced' | 'none';
}

export type AzureDevOpsProjectState = 'wellFormed' | 'deleting' | 'new' | 'createPending' | 'deleted';

export interface AzureDevOpsProjectSpec {
  id: string;
  name: string;
  state?: AzureDevOpsProjectState;
  /** Names the project had before renames (matched only with includeHistory=true). */
  previousNames?: readonly string[];
  visibility?: 'private' | 'public';
  description?: string;
  /** Git repository names; default one repository named like the project. */
  repositories?: readonly string[];
}

export interface AzureDevOpsOrgSpec {
  /** Organization (Services) or collection (Server) name; matched case-insensitively [O]. */
  name: string;
  projects?: readonly AzureDevOpsProjectSpec[];
  /** Public projects enabled: invalid/missing credentials get the anonymous identity on connectionData [D]. */
  public?: boolean;
  /** Entra-backed organization: unauthenticated 401s carry `WWW-Authenticate: Bearer authorization_uri=…/{tenant}` [D]. Absent = MSA-backed (no such header). */
  entraTenantId?: string;
}

export interface AzureDevOpsEmulatorOptions {
  /** How hosts other than the real Services names (127.0.0.1, localhost) are served. */
  mode: 'services' | 'server';
  organizations: readonly AzureDevOpsOrgSpec[];
  /** Token value → what it is. Live: tests may mutate `emulator.options.tokens` between requests. */
  tokens?: Record<string, AzureDevOpsTokenSpec>;
  /** Server mode: collections live under /tfs/ (default false: https://host:port/{collection}). */
  tfsPrefix?: boolean;
  /** Server mode api-version ceiling (default '7.0', Azure DevOps Server 2022) [D]. */
  apiVersionCeiling?: string;
  /** Services ceiling (default '7.2': previews exist) and last released version (default '7.1') [D]. */
  servicesApiVersionCeiling?: string;
  servicesReleasedApiVersion?: string;
  /** Reject api-versions without -preview for preview-only resources (graph) and above the released version (default true) [U]. */
  enforcePreview?: boolean;
  /** Latency added to every request (ms). */
  latencyMs?: number;
  /** Certificate the server presents (default 'valid'). */
  certificate?: CertificateKind;
  /** Missing scope: 401 + TF400813 JSON (default, the observed signal [O]) or 203 + sign-in HTML [U]. */
  scopeDenied?: 'json-401' | 'signin-203';
  /** Unknown organization/collection: 404 with an HTML page (default) or a JSON error body — both [U]. */
  unknownOrganizationBody?: 'html' | 'json';
  /**
   * Route ids answered 403 to a token that holds the scope: a permission, policy or plan refusal
   * (e.g. the audit log without "View audit log"); the body is [U]. Live: tests may change it.
   */
  refusedRoutes?: readonly string[];
  /**
   * Global ("all accessible organizations") PATs stopped working on 2026-12-01 [D: Learn, "Use personal
   * access tokens"]: 'plain' answers them the documented plain 401; 'stated' a 401 naming the reason
   * (wording [U]). Absent: they work (before the retirement).
   */
  globalPatsRetired?: 'plain' | 'stated';
  /** app.vssps.visualstudio.com (profiles) refuses organisation-scoped PATs with 401 [O: MicrosoftDocs/vsts-rest-api-specs#166]. */
  appRefusesOrganisationPats?: boolean;
}

export interface AzureDevOpsEmulator extends EmulatorHandle {
  readonly options: AzureDevOpsEmulatorOptions;
  /** Every request that would have changed something (`METHOD path`): tests assert it stays empty. */
  readonly writes: string[];
  /** Collection URL as a client would be configured with it on 127.0.0.1 (mode-dependent). */
  collectionUrl(name: string): string;
}

// ───────────────────────────── constants ─────────────────────────────

export const ANONYMOUS_USER_ID = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';
export const EXPIRED_PAT_MESSAGE = 'Access Denied: The Personal Access Token used has expired.';
export const CONDITIONAL_ACCESS_MESSAGE =
  'VS403463: The conditional access policy defined by your Azure Active Directory administrator has failed.';
/** Wording [U]: only the PAT policies themselves are documented. */
export const PAT_POLICY_MESSAGE =
  "Access Denied: This personal access token is not allowed by your organization's personal access token policy.";
/** Wording [U]: the retirement is documented as a plain 401. */
export const GLOBAL_PAT_MESSAGE =
  'Access Denied: Global personal access tokens (all accessible organizations) are no longer supported. Create a personal access token for this organization.';
/** Sent by Microsoft's Python SDK; turns the 203 sign-in page into a 401 [D]. */
export const SUPPRESS_HEADER = 'x-tfs-fedauthredirect';

const PROCESS_ID = guidFrom('emulator-process');
const SERVICE_OWNER_TFS = '00025394-6065-48ca-87d9-7f5672854ef7'; // [U] value as seen in connectionData answers
const PROJECT_READ = ['vso.project', 'vso.profile'];

type ServiceHost =
  | 'core'
  | 'vssps'
  | 'vsrm'
  | 'feeds'
  | 'pkgs'
  | 'vsaex'
  | 'auditservice'
  | 'extmgmt'
  | 'analytics'
  | 'artifacts'
  | 'advsec'
  | 'app'
  | 'any';
const KNOWN_SERVICE_HOSTS = new Set<ServiceHost>([
  'vssps',
  'vsrm',
  'feeds',
  'pkgs',
  'vsaex',
  'auditservice',
  'extmgmt',
  'analytics',
  'artifacts',
  'advsec',
]);

interface Resolved {
  kind: 'services' | 'server';
  service: ServiceHost;
  /** Organization/collection segment as requested (decoded), null for app.vssps. */
  orgName: string | null;
  org: AzureDevOpsOrgSpec | undefined;
  /** Absolute collection URL as the client addressed it (used in bodies). */
  base: string;
  /** Decoded path segments after the collection. */
  rest: string[];
}

type Handler = (c: Call) => AppResponse;

interface RouteDef {
  id: string;
  hosts: readonly ServiceHost[];
  project: 'no' | 'yes' | 'optional';
  /** Lower-case path after `_apis/`. */
  path: readonly string[];
  /** Accepts one trailing id segment. */
  tail?: boolean;
  /** Any one of these scopes suffices; null = none needed. */
  scopes: readonly string[] | null;
  /** No credentials needed. */
  anonymous?: boolean;
  /** Public orgs answer this anonymously. */
  publicAnonymous?: boolean;
  previewOnly?: boolean;
  /** Methods the route serves (default GET and HEAD); any other gets 405. */
  methods?: readonly string[];
  /** For OPTIONS _apis (location ids: [D] where used by Microsoft SDKs, others [U]). */
  location: { id: string; area: string; resourceName: string; routeTemplate: string };
  handler: Handler;
}

interface Call {
  emu: Emulator;
  ctx: AppContext;
  r: Resolved;
  org: AzureDevOpsOrgSpec;
  /** null = anonymous (public org). */
  token: AzureDevOpsTokenSpec | null;
  project: AzureDevOpsProjectSpec | undefined;
  tail: string | undefined;
  query: URLSearchParams;
}

// ───────────────────────────── helpers ─────────────────────────────

/** Deterministic GUID from a seed (stable ids for instances, teams, repositories). */
export function guidFrom(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const same = (a: string, b: string): boolean => a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();

/** Azure DevOps "WrappedException" error body [O]. */
export function wrappedException(
  message: string,
  typeKey: string,
  typeName: string,
  extra: Record<string, unknown> = {},
  eventId = 3000,
): Record<string, unknown> {
  return { $id: '1', ...extra, innerException: null, message, typeName, typeKey, errorCode: 0, eventId };
}

function json(status: number, body: object, headers: Record<string, string | string[]> = {}): AppResponse {
  return { status, body, headers };
}

function html(status: number, body: string, headers: Record<string, string | string[]> = {}): AppResponse {
  return { status, body, headers: { 'content-type': 'text/html; charset=utf-8', ...headers } };
}

/** Scopes a token effectively holds: its own and, through INHERITS, every one they include. */
export function expandScopes(scopes: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const s of scopes) for (let c: string | undefined = s.trim().toLowerCase(); c && !out.has(c); c = INHERITS[c]) out.add(c);
  // `_read` forms and bare forms name the same read scope (vso.variablegroups_read vs vso.code).
  for (const s of [...out]) {
    if (s.endsWith('_read')) out.add(s.slice(0, -'_read'.length));
    else if (!/_(full|manage|write|execute|query|use|status|diagnostics)$/.test(s)) out.add(`${s}_read`);
  }
  return out;
}

export function hasScope(scopes: AzureDevOpsScopes, anyOf: readonly string[]): boolean {
  if (scopes === 'full') return true;
  const held = expandScopes(scopes);
  return anyOf.some((s) => held.has(s.toLowerCase()));
}

interface ApiVersion {
  raw: string;
  major: number;
  minor: number;
  stage: string | undefined;
}

function parseApiVersion(raw: string): ApiVersion | undefined {
  const m = /^(\d+)\.(\d+)(?:-([A-Za-z]+)(?:\.(\d+))?)?$/.exec(raw.trim());
  if (!m) return undefined;
  return { raw, major: Number(m[1]), minor: Number(m[2]), stage: m[3]?.toLowerCase() };
}

function versionKey(v: { major: number; minor: number }): number {
  return v.major * 10_000 + v.minor;
}

function mm(v: { major: number; minor: number }): string {
  return `${v.major}.${v.minor}`;
}

// ───────────────────────────── bodies ─────────────────────────────

function signInPage(): string {
  // [O] 203 + HTML sign-in page; the exact markup is [U].
  return [
    '<!DOCTYPE html>',
    '<html lang="en-US"><head><meta charset="utf-8"><title>Azure DevOps Services | Sign In</title></head>',
    '<body><div id="signin">Sign in to continue to Azure DevOps.</div>',
    '<form method="post" action="https://login.microsoftonline.com/common/oauth2/authorize"><button type="submit">Sign in</button></form>',
    '</body></html>',
  ].join('\n');
}

function iis401Page(): string {
  // [O] on-prem with Windows/IIS authentication a bad credential can get an IIS HTML 401 (text [U]).
  return '<!DOCTYPE html><html><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></head><body><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2><h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3></body></html>';
}

/** An "Access Denied" error page (markup [U]; the sentence is Azure DevOps' own [O]). */
function accessDeniedPage(message: string): string {
  return `<!DOCTYPE html><html><head><title>Access Denied</title><style>body{font-family:sans-serif}</style><script>var x = "<b>not text</b>";</script></head><body><h1>Access Denied</h1><p>${message.replace(/'/g, '&#39;')}</p></body></html>`;
}

/** Authentication outcome: no valid credential, expired (in a form), refused for a reason that is not the token's scopes, or a user. */
type Authenticated =
  | { kind: 'none' }
  | { kind: 'expired'; form: NonNullable<AzureDevOpsTokenSpec['expiredForm']> }
  | { kind: 'refused'; response: AppResponse }
  | { kind: 'user'; token: AzureDevOpsTokenSpec };

/** The generic service exception body the conditional access refusal was observed with [O]. */
const vssException = (message: string): Record<string, unknown> =>
  wrappedException(
    message,
    'VssServiceException',
    'Microsoft.VisualStudio.Services.Common.VssServiceException, Microsoft.VisualStudio.Services.Common',
  );

function notFoundPage(): string {
  return '<!DOCTYPE html><html><head><title>The resource cannot be found.</title></head><body><h1>404 - The resource cannot be found.</h1></body></html>';
}

function notMember(p: { tenantId: string; objectId: string }): AppResponse {
  const message = `TF401444: Please sign-in at least once as ${p.tenantId}\\${p.tenantId}\\${p.objectId} in a web browser to enable access to the service.`;
  return json(401, unauthorizedRequest(message));
}

const unauthorizedRequest = (message: string): Record<string, unknown> =>
  wrappedException(
    message,
    'UnauthorizedRequestException',
    'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server',
  );

/** 403 to a token that holds the scope: a permission or policy refusal (body [U]). */
function refused(routeId: string): AppResponse {
  return json(
    403,
    wrappedException(
      `VS403403: Access denied. The caller does not have the permission this request (${routeId}) needs.`,
      'AccessCheckException',
      'Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi',
    ),
  );
}

function projectNotFoundByName(name: string): AppResponse {
  // [O] edgafner/dorkag #216: 404 + ProjectDoesNotExistWithNameException + TF200016 text.
  return json(
    404,
    wrappedException(
      `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
      'ProjectDoesNotExistWithNameException',
      'Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi',
    ),
  );
}

function projectNotFoundById(id: string): AppResponse {
  // [O] Azure/azure-devops-cli-extension #1352: VS800075 with the vstfs:/// URI form.
  return json(
    404,
    wrappedException(
      `VS800075: The project with id 'vstfs:///Classification/TeamProject/${id}' does not exist, or you do not have permission to access it.`,
      'ProjectDoesNotExistException',
      'Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistException, Microsoft.TeamFoundation.Core.WebApi',
    ),
  );
}

function controllerNotFound(path: string): AppResponse {
  // [U] ASP.NET's message for an unknown route.
  return json(
    404,
    wrappedException(
      `The controller for path '${path}' was not found or does not implement IController.`,
      'HttpException',
      'System.Web.HttpException, System.Web',
      {},
      0,
    ),
  );
}

// ───────────────────────────── the emulator ─────────────────────────────

class Emulator extends HarnessEmulator implements AzureDevOpsEmulator {
  readonly harness: EmulatorHarness;
  readonly writes: string[] = [];

  constructor(readonly options: AzureDevOpsEmulatorOptions) {
    super();
    this.harness = new EmulatorHarness(
      {
        handle: (req, ctx) => this.#handle(req, ctx),
        commonHeaders: () => ({
          'x-vss-e2eid': randomUUID(),
          activityid: randomUUID(),
          'x-tfs-processid': PROCESS_ID,
          'x-content-type-options': 'nosniff',
        }),
        rateLimited: (fault) => {
          // [D] learn.microsoft.com …/concepts/rate-limits; header names from RateLimitUtils.ts. Body typeKey [U].
          const retry = fault.retryAfterSeconds ?? 1;
          const resource = fault.resource ?? 'Core';
          return json(
            429,
            wrappedException(
              `TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource '${resource}' in namespace 'User'. For more information on why your request was blocked, see the topic "Rate limits" on the Microsoft Web site (https://go.microsoft.com/fwlink/?LinkId=823950).`,
              'RequestBlockedException',
              'Microsoft.TeamFoundation.Framework.Server.RequestBlockedException, Microsoft.TeamFoundation.Framework.Server',
            ),
            {
              'retry-after': String(retry),
              'x-ratelimit-resource': resource,
              'x-ratelimit-delay': (retry * 1.0).toFixed(3),
              'x-ratelimit-limit': '200',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + retry),
            },
          );
        },
        statusBody: (status) => {
          if (status >= 502 && status <= 504) {
            // Gateway-style failures come from the front door as HTML [U].
            return html(
              status,
              `<!DOCTYPE html><html><head><title>${status} Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>Azure DevOps is temporarily unavailable.</p></body></html>`,
            );
          }
          return json(
            status,
            wrappedException(
              `TF246021: An error occurred while processing your request. (emulated ${status})`,
              'VssServiceException',
              'Microsoft.VisualStudio.Services.Common.VssServiceException, Microsoft.VisualStudio.Services.Common',
              {},
              0,
            ),
          );
        },
      },
      { certificate: options.certificate, latencyMs: options.latencyMs },
    );
  }

  collectionUrl(name: string): string {
    const prefix = this.options.mode === 'server' && this.options.tfsPrefix ? '/tfs' : '';
    return `${this.origin}${prefix}/${encodeURIComponent(name)}`;
  }

  findOrg(name: string): AzureDevOpsOrgSpec | undefined {
    return this.options.organizations.find((o) => same(o.name, name));
  }

  // ── request pipeline ──

  #resolve(ctx: AppContext): Resolved | AppResponse {
    const rawSegments = ctx.path.split('/').filter((s) => s !== '');
    let segments: string[];
    try {
      segments = rawSegments.map((s) => decodeURIComponent(s));
    } catch {
      return json(
        400,
        wrappedException('The request path is not valid.', 'ArgumentException', 'System.ArgumentException, mscorlib', {}, 0),
      );
    }
    const host = ctx.host;
    const scheme = `https://${ctx.authority}`;
    const withOrg = (service: ServiceHost, kind: 'services' | 'server', prefix: string): Resolved => {
      const orgName = segments[0] ?? '';
      return {
        kind,
        service,
        orgName,
        org: this.findOrg(orgName),
        base: `${scheme}${prefix}/${rawSegments[0] ?? ''}`,
        rest: segments.slice(1),
      };
    };
    if (host === 'dev.azure.com') return withOrg('core', 'services', '');
    let m = /^([a-z0-9-]+)\.dev\.azure\.com$/.exec(host);
    if (m) {
      const svc = m[1] ?? '';
      if (!(KNOWN_SERVICE_HOSTS as ReadonlySet<string>).has(svc)) return html(404, notFoundPage());
      return withOrg(svc as ServiceHost, 'services', '');
    }
    if (host === 'app.vssps.visualstudio.com')
      return { kind: 'services', service: 'app', orgName: null, org: undefined, base: scheme, rest: segments };
    m = /^([a-z0-9-]+)\.(vssps|vsrm|feeds|pkgs|vsaex)\.visualstudio\.com$/.exec(host) ?? /^([a-z0-9-]+)\.visualstudio\.com$/.exec(host);
    if (m) {
      const orgName = m[1] ?? '';
      const service = (m[2] ?? 'core') as ServiceHost;
      const legacyCollection = segments[0] !== undefined && same(segments[0], 'DefaultCollection');
      return {
        kind: 'services',
        service,
        orgName,
        org: this.findOrg(orgName),
        base: legacyCollection ? `${scheme}/${rawSegments[0] ?? ''}` : scheme,
        rest: legacyCollection ? segments.slice(1) : segments,
      };
    }
    if (this.options.mode === 'services') return withOrg('any', 'services', '');
    // Server mode.
    if (this.options.tfsPrefix) {
      if (!segments[0] || !same(segments[0], 'tfs')) return html(404, notFoundPage());
      const orgName = segments[1] ?? '';
      return {
        kind: 'server',
        service: 'any',
        orgName,
        org: this.findOrg(orgName),
        base: `${scheme}/${rawSegments[0]}/${rawSegments[1] ?? ''}`,
        rest: segments.slice(2),
      };
    }
    return withOrg('any', 'server', '');
  }

  #handle(req: IncomingMessage, ctx: AppContext): AppResponse {
    const resolved = this.#resolve(ctx);
    if (!('kind' in resolved)) return resolved;
    const r = resolved;
    const method = ctx.entry.method;

    // Organization / collection (404 before any credential check [O]; body [U]).
    let org: AzureDevOpsOrgSpec;
    if (r.service === 'app') {
      org = { name: '', projects: [] };
    } else {
      if (!r.org) {
        return this.options.unknownOrganizationBody === 'json'
          ? json(
              404,
              wrappedException(
                `The resource cannot be found. No organization or collection named '${r.orgName ?? ''}'.`,
                'HostDoesNotExistException',
                'Microsoft.TeamFoundation.Framework.Server.HostDoesNotExistException, Microsoft.TeamFoundation.Framework.Server',
              ),
            )
          : html(404, notFoundPage());
      }
      org = r.org;
    }

    // Where in the API are we?
    let projectSeg: string | undefined;
    let api: string[] | undefined;
    // Analytics keeps its version in an `_odata/{version}` path instead of `_apis` [D].
    const marker = (seg: string | undefined): 'apis' | 'odata' | undefined =>
      seg === undefined ? undefined : same(seg, '_apis') ? 'apis' : same(seg, '_odata') ? 'odata' : undefined;
    const below = (i: number): string[] => (marker(r.rest[i]) === 'odata' ? r.rest.slice(i) : r.rest.slice(i + 1));
    if (marker(r.rest[0])) api = below(0);
    else if (marker(r.rest[1])) {
      projectSeg = r.rest[0];
      api = below(1);
    }
    const match = api ? this.#match(r, api, projectSeg) : undefined;
    // OPTIONS _apis lists every location; OPTIONS _apis/{area} that area's (how azure-devops-node-api negotiates) [O].
    const isNegotiation = method === 'OPTIONS' && api !== undefined && api.length <= 1 && projectSeg === undefined;

    // Credentials.
    let token: AzureDevOpsTokenSpec | null = null;
    if (!(match?.route.anonymous || isNegotiation)) {
      const auth = this.#authenticate(req, r, org);
      if (auth.kind === 'expired') return this.#expired(auth.form);
      if (auth.kind === 'refused') return auth.response;
      if (auth.kind === 'user' && auth.token.notMember) return notMember(auth.token.notMember);
      if (auth.kind === 'user') token = auth.token;
      else if (!(org.public && match?.route.publicAnonymous)) return this.#challenge(req, r, org);
    }

    if (isNegotiation) return this.#negotiation(r, api?.[0]);

    // api-version.
    const versionError = this.#checkVersion(req, ctx, r, match?.route);
    if (versionError) return versionError;

    if (!api || !match) {
      if (r.service === 'app') return html(404, notFoundPage());
      return controllerNotFound(ctx.path);
    }
    const methods = match.route.methods ?? ['GET', 'HEAD'];
    if (!methods.includes(method)) {
      return json(
        405,
        {
          $id: '1',
          innerException: null,
          message: `The requested resource does not support http method '${method}'.`,
          typeName: 'System.Web.Http.HttpResponseException',
          typeKey: 'HttpResponseException',
          errorCode: 0,
          eventId: 0,
        },
        { allow: methods.join(', ') },
      );
    }

    // Scope.
    if (token && match.route.scopes && !hasScope(token.scopes, match.route.scopes)) {
      if (this.options.scopeDenied === 'signin-203') return html(203, signInPage());
      // [O] 401 for a scope the PAT lacks; TF400813 body [U].
      return json(401, unauthorizedRequest(`TF400813: The user '${token.user.id}' is not authorized to access this resource.`));
    }

    if (this.options.refusedRoutes?.includes(match.route.id)) return refused(match.route.id);
    if (token?.accessLevel === 'stakeholder' && match.route.path[0] === 'git') return refused(match.route.id);

    // Project.
    let project: AzureDevOpsProjectSpec | undefined;
    if (projectSeg !== undefined) {
      project = this.#findProject(org, projectSeg, token, false);
      if (!project) return GUID_RE.test(projectSeg) ? projectNotFoundById(projectSeg) : projectNotFoundByName(projectSeg);
    }
    return match.route.handler({ emu: this, ctx, r, org, token, project, tail: match.tail, query: ctx.query });
  }

  #match(r: Resolved, api: string[], projectSeg: string | undefined): { route: RouteDef; tail: string | undefined } | undefined {
    const lower = api.map((s) => s.toLowerCase());
    for (const route of ROUTES) {
      if (r.service !== 'any' && !route.hosts.includes(r.service)) continue;
      if (route.project === 'no' && projectSeg !== undefined) continue;
      if (route.project === 'yes' && projectSeg === undefined) continue;
      const n = route.path.length;
      if (lower.length !== n && !(route.tail && lower.length === n + 1)) continue;
      if (!route.path.every((p, i) => lower[i] === p)) continue;
      return { route, tail: api[n] };
    }
    return undefined;
  }

  #authenticate(req: IncomingMessage, r: Resolved, org: AzureDevOpsOrgSpec): Authenticated {
    const header = req.headers.authorization;
    if (!header) return { kind: 'none' };
    const sp = header.indexOf(' ');
    const scheme = (sp === -1 ? header : header.slice(0, sp)).toLowerCase();
    const value = sp === -1 ? '' : header.slice(sp + 1).trim();
    let secret: string | undefined;
    if (scheme === 'basic') {
      // [D] any (or empty) user name, PAT as password.
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return { kind: 'none' };
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon === -1) return { kind: 'none' };
      secret = decoded.slice(colon + 1);
    } else if (scheme === 'bearer') {
      secret = value;
    } else {
      return { kind: 'none' };
    }
    const spec = secret ? this.options.tokens?.[secret] : undefined;
    if (!spec) return { kind: 'none' };
    const allowed = spec.scheme ?? 'any';
    if (allowed !== 'any' && allowed !== scheme) return { kind: 'none' };
    if (spec.expired) return { kind: 'expired', form: spec.expiredForm ?? 'json' };
    const policy = this.#policyRefusal(spec, r);
    if (policy) return policy;
    // [O] a PAT created for another organization gets 401 on this one.
    if (r.service !== 'app' && spec.organizations !== 'all' && !spec.organizations.some((o) => same(o, org.name))) return { kind: 'none' };
    return { kind: 'user', token: spec };
  }

  /** Refusals that are not about the token's scopes: policies, the global PAT retirement, the organisation-less host. */
  #policyRefusal(spec: AzureDevOpsTokenSpec, r: Resolved): Authenticated | undefined {
    if (spec.conditionalAccessBlocked) return { kind: 'refused', response: json(403, vssException(CONDITIONAL_ACCESS_MESSAGE)) };
    if (spec.patPolicyBlocked) return { kind: 'refused', response: json(401, unauthorizedRequest(PAT_POLICY_MESSAGE)) };
    const retired = this.options.globalPatsRetired;
    if (spec.organizations === 'all' && retired === 'plain') return { kind: 'none' };
    if (spec.organizations === 'all' && retired === 'stated')
      return { kind: 'refused', response: json(401, unauthorizedRequest(GLOBAL_PAT_MESSAGE)) };
    if (r.service === 'app' && spec.organizations !== 'all' && this.options.appRefusesOrganisationPats) return { kind: 'none' };
    return undefined;
  }

  #expired(form: NonNullable<AzureDevOpsTokenSpec['expiredForm']>): AppResponse {
    if (form === 'html' || form === 'html-203') return html(form === 'html' ? 401 : 203, accessDeniedPage(EXPIRED_PAT_MESSAGE));
    if (form === 'text') return { status: 401, body: EXPIRED_PAT_MESSAGE, headers: { 'content-type': 'text/plain; charset=utf-8' } };
    // [O] microsoft/azure-pipelines-agent #1559 (header, URL-encoded like this), azure-pipelines-tasks #18732 (body).
    return json(
      401,
      wrappedException(
        EXPIRED_PAT_MESSAGE,
        'AccessCheckException',
        'Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi',
        {
          customProperties: {
            Descriptor: null,
            IdentityDisplayName: null,
            Token: null,
            RequestedPermissions: 0,
            NamespaceId: '00000000-0000-0000-0000-000000000000',
          },
        },
      ),
      { 'x-tfs-serviceerror': encodeURIComponent(EXPIRED_PAT_MESSAGE) },
    );
  }

  #challenge(req: IncomingMessage, r: Resolved, org: AzureDevOpsOrgSpec): AppResponse {
    const suppressed = String(req.headers[SUPPRESS_HEADER] ?? '').toLowerCase() === 'suppress';
    const body = unauthorizedRequest('TF400813: Resource not available for anonymous access. Client authentication required.');
    if (r.kind === 'server') {
      // [U] Server: no federated sign-in redirect; Windows authentication challenges.
      const headers = { 'www-authenticate': ['Bearer', 'Negotiate', 'NTLM'] };
      return suppressed ? json(401, body, headers) : html(401, iis401Page(), headers);
    }
    // [O] without the suppress header: 203 + HTML sign-in page; [D] with it: 401.
    if (!suppressed) return html(203, signInPage());
    // [D] Entra-backed orgs name their tenant; MSA-backed ones send no Bearer challenge.
    const headers: Record<string, string> = {};
    if (org.entraTenantId) headers['www-authenticate'] = `Bearer authorization_uri=https://login.microsoftonline.com/${org.entraTenantId}`;
    return json(401, body, headers);
  }

  #checkVersion(req: IncomingMessage, ctx: AppContext, r: Resolved, route: RouteDef | undefined): AppResponse | undefined {
    let raw: string | undefined;
    for (const [k, v] of ctx.query) if (k.toLowerCase() === 'api-version') raw = v;
    if (raw === undefined) {
      const accept = String(req.headers.accept ?? '');
      const m = /api-version\s*=\s*([^;,\s]+)/i.exec(accept);
      if (m) raw = m[1];
    }
    if (raw === undefined) return undefined; // [D]-ish: GETs without a version are served (node SDK's connectionData).
    const v = parseApiVersion(raw);
    if (!v) {
      // [O] text "Invalid api version string … {Major}.{Minor}[-preview[.{ResourceVersion}]]"; typeKey [U].
      return json(
        400,
        wrappedException(
          `Invalid api version string: "${raw}". Api version string must be in the format: {Major}.{Minor}[-preview[.{ResourceVersion}]]`,
          'VssInvalidApiVersionException',
          'Microsoft.VisualStudio.Services.WebApi.VssInvalidApiVersionException, Microsoft.VisualStudio.Services.WebApi',
        ),
      );
    }
    const ceilingText = r.kind === 'server' ? (this.options.apiVersionCeiling ?? '7.0') : (this.options.servicesApiVersionCeiling ?? '7.2');
    const releasedText = r.kind === 'server' ? ceilingText : (this.options.servicesReleasedApiVersion ?? '7.1');
    const ceiling = parseApiVersion(ceilingText);
    const released = parseApiVersion(releasedText);
    if (!ceiling || !released) throw new Error(`emulator: bad api-version option ${ceilingText} / ${releasedText}`);
    if (versionKey(v) > versionKey(ceiling)) {
      // [O] microsoft/azure-devops-extension-sample #161, azure-boards-estimate #73: 400, text names major.minor.
      return json(
        400,
        wrappedException(
          `The requested REST API version of ${mm(v)} is out of range for this server. The latest REST API version this server supports is ${mm(ceiling)}.`,
          'VssVersionOutOfRangeException',
          'Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, Microsoft.VisualStudio.Services.WebApi',
        ),
      );
    }
    if (this.options.enforcePreview !== false && v.stage === undefined && (route?.previewOnly || versionKey(v) > versionKey(released))) {
      // [U] wording and typeKey.
      return json(
        400,
        wrappedException(
          `The requested version "${raw}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${mm(v)}-preview"`,
          'VssInvalidPreviewVersionException',
          'Microsoft.VisualStudio.Services.WebApi.VssInvalidPreviewVersionException, Microsoft.VisualStudio.Services.WebApi',
        ),
      );
    }
    return undefined;
  }

  #negotiation(r: Resolved, area?: string): AppResponse {
    const max = r.kind === 'server' ? (this.options.apiVersionCeiling ?? '7.0') : (this.options.servicesApiVersionCeiling ?? '7.2');
    const released = r.kind === 'server' ? max : (this.options.servicesReleasedApiVersion ?? '7.1');
    const value = ROUTES.filter(
      (route) => (r.service === 'any' || route.hosts.includes(r.service)) && (area === undefined || same(route.location.area, area)),
    ).map((route) => ({
      id: route.location.id,
      area: route.location.area,
      resourceName: route.location.resourceName,
      routeTemplate: route.location.routeTemplate,
      resourceVersion: 1,
      minVersion: '1.0',
      maxVersion: max,
      releasedVersion: route.previewOnly ? '0.0' : released,
    }));
    return json(200, { count: value.length, value });
  }

  /** Project lookup: case-insensitive name or id [O/C]; includeHistory also matches previous names [D]. */
  #findProject(
    org: AzureDevOpsOrgSpec,
    nameOrId: string,
    token: AzureDevOpsTokenSpec | null,
    includeHistory: boolean,
  ): AzureDevOpsProjectSpec | undefined {
    const visible = (p: AzureDevOpsProjectSpec): boolean => {
      if (token === null) return p.visibility === 'public';
      if (!token.projects) return true;
      return token.projects.some((x) => same(x, p.name) || same(x, p.id));
    };
    const all = (org.projects ?? []).filter(visible);
    return (
      all.find((p) => same(p.id, nameOrId)) ??
      all.find((p) => same(p.name, nameOrId)) ??
      (includeHistory ? all.find((p) => (p.previousNames ?? []).some((n) => same(n, nameOrId))) : undefined)
    );
  }

  findProject(c: Call, nameOrId: string, includeHistory: boolean): AzureDevOpsProjectSpec | undefined {
    return this.#findProject(c.org, nameOrId, c.token, includeHistory);
  }
}

// ───────────────────────────── resource builders ─────────────────────────────

function identity(user: AzureDevOpsUser, kind: 'services' | 'server', org: AzureDevOpsOrgSpec): Record<string, unknown> {
  // Identity per microsoft/azure-devops-node-api IdentitiesInterfaces.Identity; descriptor forms [U].
  const descriptor =
    user.descriptor ??
    (kind === 'server'
      ? `System.Security.Principal.WindowsIdentity;S-1-5-21-1000000000-1000000000-1000000000-${parseInt(guidFrom(user.id).slice(0, 4), 16)}`
      : `Microsoft.IdentityModel.Claims.ClaimsIdentity;${org.entraTenantId ? `${org.entraTenantId}\\` : ''}${user.uniqueName}`);
  const prefix = kind === 'server' ? 'win' : org.entraTenantId ? 'aad' : 'msa';
  const subjectDescriptor = user.subjectDescriptor ?? `${prefix}.${Buffer.from(guidFrom(`subject:${user.id}`)).toString('base64url')}`;
  return {
    id: user.id,
    descriptor,
    subjectDescriptor,
    providerDisplayName: user.displayName,
    isActive: true,
    properties: { Account: { $type: 'System.String', $value: user.uniqueName } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}

function anonymousIdentity(): Record<string, unknown> {
  // [D] the id (Azure/azure-devops-cli-extension credentials.py); other fields [U].
  return {
    id: ANONYMOUS_USER_ID,
    descriptor: `System:PublicAccess;${ANONYMOUS_USER_ID}`,
    subjectDescriptor: `s2s.${Buffer.from(ANONYMOUS_USER_ID).toString('base64url')}`,
    providerDisplayName: 'Anonymous',
    isActive: true,
    properties: {},
    resourceVersion: 2,
    metaTypeId: 0,
  };
}

function connectionData(c: Call): AppResponse {
  const user = c.token ? identity(c.token.user, c.r.kind, c.org) : anonymousIdentity();
  const deploymentName = c.r.kind === 'server' ? `server:${c.ctx.authority}` : 'services';
  return json(200, {
    authenticatedUser: user,
    authorizedUser: user,
    instanceId: guidFrom(`instance:${c.r.kind}:${c.org.name.toLowerCase()}`),
    deploymentId: guidFrom(`deployment:${deploymentName}`),
    deploymentType: c.r.kind === 'server' ? 'onPremises' : 'hosted', // [D] field, values [U]
    locationServiceData: {
      serviceOwner: SERVICE_OWNER_TFS,
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: 1024,
      lastChangeId64: 1024,
    },
  });
}

function resourceAreas(c: Call): AppResponse {
  if (c.r.kind === 'server') return json(200, { count: 0, value: null }); // [D] WebApi.ts
  // Services: where each area lives. Real hosts on dev.azure.com-style names; on 127.0.0.1 all areas
  // point back here. Area ids [U].
  const real = c.ctx.host === 'dev.azure.com' || c.ctx.host.endsWith('.dev.azure.com');
  const legacy = c.ctx.host.endsWith('.visualstudio.com');
  const org = c.org.name;
  const at = (svc: string): string =>
    real
      ? `https://${svc === 'core' ? '' : `${svc}.`}dev.azure.com/${org}/`
      : legacy
        ? `https://${org}${svc === 'core' ? '' : `.${svc}`}.visualstudio.com/`
        : `${c.r.base}/`;
  const areas: [string, string, string][] = [
    ['79134c72-4a58-4b42-976c-04e7115f32bf', 'core', 'core'],
    ['4e080c62-fa21-4fbc-8fef-2a10a2b38049', 'git', 'core'],
    ['965220d5-5bb9-42cf-8d67-9b146df2a5a4', 'build', 'core'],
    ['5264459e-e5e0-4bd8-b118-0985e68a4ec5', 'wit', 'core'],
    ['a85b8835-c1a1-4aac-ae97-1c3d0ba72dbd', 'distributedtask', 'core'],
    ['1814ab31-2f4f-4a9f-8761-f4d77dc5a5d7', 'serviceendpoint', 'core'],
    ['efc2f575-36ef-48e9-b672-0c6fb4a48ac5', 'Release', 'vsrm'],
    ['bb1e7ec9-e901-4b68-999a-de7012b920f8', 'Graph', 'vssps'],
    ['7ab4e64e-c4d8-4f50-ae73-5ef2e21642a5', 'Packaging', 'feeds'],
  ];
  const value = areas.map(([id, name, svc]) => ({ id, name, locationUrl: at(svc) }));
  if (c.tail !== undefined) {
    const tail = c.tail;
    const one = value.find((a) => same(a.id, tail));
    return one
      ? json(200, one)
      : json(
          404,
          wrappedException(
            `Resource area ${tail} was not found.`,
            'ResourceAreaNotFoundException',
            'Microsoft.VisualStudio.Services.Location.ResourceAreaNotFoundException, Microsoft.VisualStudio.Services.WebApi',
          ),
        );
  }
  return json(200, { count: value.length, value });
}

function projectBody(c: Call, p: AzureDevOpsProjectSpec, full: boolean): Record<string, unknown> {
  const base = c.r.base;
  const url = `${base}/_apis/projects/${p.id}`;
  if (!full) {
    // Entry shape of GET__projects.json (+ live fields revision, visibility, lastUpdateTime).
    const item: Record<string, unknown> = { id: p.id, name: p.name };
    if (p.description !== undefined) item.description = p.description;
    Object.assign(item, {
      url,
      state: p.state ?? 'wellFormed',
      revision: 10,
      visibility: p.visibility ?? 'private',
      lastUpdateTime: '2024-01-15T10:00:00.000Z',
    });
    return item;
  }
  // Shape of GET__projects__projectName_.json.
  const t = shapes.PROJECT;
  const teamId = guidFrom(`team:${p.id}`);
  const body: Record<string, unknown> = { id: p.id, name: p.name, url };
  if (p.description !== undefined) body.description = p.description;
  body.state = p.state ?? t.state;
  body.revision = 10;
  body.visibility = p.visibility ?? 'private';
  body.lastUpdateTime = '2024-01-15T10:00:00.000Z';
  if (c.query.get('includeCapabilities')?.toLowerCase() === 'true') {
    body.capabilities = {
      versioncontrol: { sourceControlType: 'Git', gitEnabled: 'true', tfvcEnabled: 'false' },
      processTemplate: { templateName: 'Agile', templateTypeId: 'adcc42ab-9882-485e-a3ed-7678f01f66bc' },
    };
  }
  body._links = {
    self: { href: url },
    collection: { href: `${base}/_apis/projectCollections/${guidFrom(`collection:${c.org.name.toLowerCase()}`)}` },
    web: { href: `${base}/${encodeURIComponent(p.name)}` },
  };
  body.defaultTeam = { id: teamId, name: `${p.name} Team`, url: `${url}/teams/${teamId}` };
  return body;
}

function projects(c: Call): AppResponse {
  if (c.tail !== undefined) {
    const includeHistory = c.query.get('includeHistory')?.toLowerCase() === 'true';
    const p = c.emu.findProject(c, c.tail, includeHistory);
    if (!p) return GUID_RE.test(c.tail) ? projectNotFoundById(c.tail) : projectNotFoundByName(c.tail);
    return json(200, projectBody(c, p, true));
  }
  // List: stateFilter defaults to wellFormed [D]; $top/$skip/continuationToken; x-ms-continuationtoken when more.
  const stateFilter = (c.query.get('stateFilter') ?? 'wellFormed').toLowerCase();
  const visible = (c.org.projects ?? []).filter((p) => c.emu.findProject(c, p.id, false) === p);
  const filtered = visible
    .filter((p) => stateFilter === 'all' || (p.state ?? 'wellFormed').toLowerCase() === stateFilter)
    .sort((a, b) => a.name.localeCompare(b.name));
  const skip = Math.max(0, Number(c.query.get('continuationToken') ?? 0) || 0) + Math.max(0, Number(c.query.get('$skip') ?? 0) || 0);
  const top = Math.max(0, Number(c.query.get('$top') ?? 100) || 100);
  const page = filtered.slice(skip, skip + top);
  const headers: Record<string, string> = {};
  if (skip + top < filtered.length) headers['x-ms-continuationtoken'] = String(skip + top);
  return json(200, { count: page.length, value: page.map((p) => projectBody(c, p, false)) }, headers);
}

function repositories(c: Call): AppResponse {
  const scope = c.project ? [c.project] : (c.org.projects ?? []).filter((p) => c.emu.findProject(c, p.id, false) === p);
  const repos = scope.flatMap((p) =>
    (p.repositories ?? [p.name]).map((name) => {
      const id = guidFrom(`repo:${p.id}:${name.toLowerCase()}`);
      // Shape of GET__git_repositories.json entries.
      return {
        id,
        name,
        url: `${c.r.base}/_apis/git/repositories/${id}`,
        project: { id: p.id, name: p.name, url: `${c.r.base}/_apis/projects/${p.id}`, state: p.state ?? 'wellFormed' },
        defaultBranch: 'refs/heads/main',
        remoteUrl: `${c.r.base}/${encodeURIComponent(p.name)}/_git/${encodeURIComponent(name)}`,
      };
    }),
  );
  if (c.tail !== undefined) {
    const tail = c.tail;
    const repo = repos.find((x) => same(x.id, tail)) ?? repos.find((x) => same(x.name, tail));
    if (!repo) {
      // [C] TF401019 = repository does not exist or no permission.
      return json(
        404,
        wrappedException(
          `TF401019: The Git repository with name or identifier ${tail} does not exist or you do not have permissions for the operation you are attempting.`,
          'GitRepositoryNotFoundException',
          'Microsoft.TeamFoundation.Git.Server.GitRepositoryNotFoundException, Microsoft.TeamFoundation.Git.Server',
        ),
      );
    }
    return json(200, repo);
  }
  return json(200, { count: repos.length, value: repos });
}

function workItemTypes(c: Call): AppResponse {
  const p = c.project as AzureDevOpsProjectSpec;
  const value = shapes.WORK_ITEM_TYPES.value.map((t) => ({
    ...t,
    icon: { id: t.icon.id, url: `${c.r.base}/_apis/wit/workItemIcons/${t.icon.id}?color=${t.color}&v=2` },
    url: `${c.r.base}/${p.id}/_apis/wit/workItemTypes/${encodeURIComponent(t.name)}`,
  }));
  if (c.tail !== undefined) {
    const tail = c.tail;
    const t = value.find((x) => same(x.name, tail));
    if (!t)
      return json(
        404,
        wrappedException(
          `VS402323: Work item type ${tail} does not exist.`,
          'WorkItemTypeNotFoundException',
          'Microsoft.TeamFoundation.WorkItemTracking.Server.Metadata.WorkItemTypeNotFoundException, Microsoft.TeamFoundation.WorkItemTracking.Server',
        ),
      );
    return json(200, t);
  }
  return json(200, { count: value.length, value });
}

/**
 * Work Items "Create", `POST {project}/_apis/wit/workitems/${type}` with a JSON Patch body
 * (application/json-patch+json) [D: learn.microsoft.com/rest/api/azure/devops/wit/work-items/create].
 * With `validateOnly=true` the rules are checked and nothing is saved [D]; the answer to a validated
 * create is modelled as the work item with id 0 [U]. Without it the emulator records a write in
 * `writes`. Error bodies and the 415 are [U].
 */
function workItemCreate(c: Call): AppResponse {
  const type = c.tail ?? '';
  const contentType = (c.ctx.entry.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.startsWith('application/json-patch+json'))
    return json(
      415,
      wrappedException(
        'VS403406: The request content type must be application/json-patch+json.',
        'VssRequestContentTypeNotSupportedException',
        'Microsoft.VisualStudio.Services.WebApi.VssRequestContentTypeNotSupportedException, Microsoft.VisualStudio.Services.WebApi',
      ),
    );
  let ops: unknown;
  try {
    ops = JSON.parse(c.ctx.body);
  } catch {
    ops = undefined;
  }
  if (!Array.isArray(ops))
    return json(
      400,
      wrappedException(
        'You must pass a valid patch document in the body of the request.',
        'VssPropertyValidationException',
        'Microsoft.VisualStudio.Services.Common.VssPropertyValidationException, Microsoft.VisualStudio.Services.Common',
      ),
    );
  const t = shapes.WORK_ITEM_TYPES.value.find((x) => same(`$${x.name}`, type));
  if (!t)
    return json(
      404,
      wrappedException(
        `VS402323: Work item type ${type.replace(/^\$/, '')} does not exist.`,
        'WorkItemTypeNotFoundException',
        'Microsoft.TeamFoundation.WorkItemTracking.Server.Metadata.WorkItemTypeNotFoundException, Microsoft.TeamFoundation.WorkItemTracking.Server',
      ),
    );
  const title = (ops as { path?: unknown; value?: unknown }[]).find((o) => o?.path === '/fields/System.Title')?.value;
  if (typeof title !== 'string' || !title)
    return json(
      400,
      wrappedException(
        'TF401320: Rule Error for field Title. Error code: Required, HasValues, LimitedToValues, AllowsOldValue, InvalidEmpty.',
        'RuleValidationException',
        'Microsoft.TeamFoundation.WorkItemTracking.Server.RuleValidationException, Microsoft.TeamFoundation.WorkItemTracking.Server',
      ),
    );
  const validateOnly = same(c.query.get('validateOnly') ?? '', 'true');
  if (!validateOnly) c.emu.writes.push(`${c.ctx.entry.method} ${c.ctx.path}`);
  const p = c.project as AzureDevOpsProjectSpec;
  const id = validateOnly ? 0 : c.emu.writes.length;
  return json(200, {
    id,
    rev: validateOnly ? 0 : 1,
    fields: { 'System.TeamProject': p.name, 'System.WorkItemType': t.name, 'System.State': 'New', 'System.Title': title },
    url: `${c.r.base}/${p.id}/_apis/wit/workItems/${id}`,
  });
}

function witFields(c: Call): AppResponse {
  const value = [
    {
      name: 'Title',
      referenceName: 'System.Title',
      type: 'string',
      usage: 'workItem',
      readOnly: false,
      url: `${c.r.base}/_apis/wit/fields/System.Title`,
    },
    {
      name: 'State',
      referenceName: 'System.State',
      type: 'string',
      usage: 'workItem',
      readOnly: false,
      url: `${c.r.base}/_apis/wit/fields/System.State`,
    },
  ];
  return json(200, { count: value.length, value });
}

function buildDefinitions(c: Call): AppResponse {
  const p = c.project as AzureDevOpsProjectSpec;
  // [U] no example in the fixtures; fields from the BuildDefinitionReference interface.
  const value = [
    {
      id: 1,
      name: `${p.name}-CI`,
      url: `${c.r.base}/${p.id}/_apis/build/Definitions/1?revision=3`,
      uri: 'vstfs:///Build/Definition/1',
      path: '\\',
      type: 'build',
      queueStatus: 'enabled',
      revision: 3,
      project: {
        id: p.id,
        name: p.name,
        url: `${c.r.base}/_apis/projects/${p.id}`,
        state: p.state ?? 'wellFormed',
        visibility: p.visibility ?? 'private',
      },
    },
  ];
  const top = Number(c.query.get('$top') ?? value.length) || value.length;
  return json(200, { count: Math.min(top, value.length), value: value.slice(0, top) });
}

function pipelines(c: Call): AppResponse {
  const p = c.project as AzureDevOpsProjectSpec;
  const value = [{ id: 1, revision: 3, name: `${p.name}-CI`, folder: '\\', url: `${c.r.base}/${p.id}/_apis/pipelines/1?revision=3` }];
  return json(200, { count: value.length, value });
}

function releaseDefinitions(c: Call): AppResponse {
  const p = c.project as AzureDevOpsProjectSpec;
  // Shape of GET__ListAllReleaseDefinitions.json with this project's ids and URLs.
  const t = shapes.RELEASE_DEFINITIONS.value[0];
  const rehost = (s: string): string =>
    s
      .replace('https://vsrm.dev.azure.com/fabrikam/d07908bc-118f-47d2-8a13-ff75601a6b1a', `${c.r.base}/${p.id}`)
      .replace('https://dev.azure.com/fabrikam/d07908bc-118f-47d2-8a13-ff75601a6b1a', `${c.r.base}/${p.id}`);
  const value = t
    ? [
        {
          ...t,
          url: rehost(t.url),
          _links: { self: { href: rehost(t._links.self.href) }, web: { href: rehost(t._links.web.href) } },
        },
      ]
    : [];
  const top = Number(c.query.get('$top') ?? value.length) || value.length;
  return json(200, { count: Math.min(top, value.length), value: value.slice(0, top) });
}

function graphUsers(c: Call): AppResponse {
  // Shape of GetAllUsers.json entries, one per token user of this organization.
  const users = new Map<string, AzureDevOpsUser>();
  for (const spec of Object.values(c.emu.options.tokens ?? {})) {
    if (spec.organizations === 'all' || spec.organizations.some((o) => same(o, c.org.name))) users.set(spec.user.id, spec.user);
  }
  const value = [...users.values()].map((u) => {
    const d = identity(u, c.r.kind, c.org).subjectDescriptor as string;
    const g = `${c.r.base}/_apis/Graph`;
    return {
      subjectKind: 'user',
      metaType: 'member',
      domain: c.org.entraTenantId ?? 'Windows Live ID',
      principalName: u.uniqueName,
      mailAddress: u.uniqueName.includes('@') ? u.uniqueName : '',
      origin: c.org.entraTenantId ? 'aad' : 'msa',
      originId: guidFrom(`origin:${u.id}`),
      displayName: u.displayName,
      _links: {
        self: { href: `${g}/Users/${d}` },
        memberships: { href: `${g}/Memberships/${d}` },
        membershipState: { href: `${g}/MembershipStates/${d}` },
        storageKey: { href: `${g}/StorageKeys/${d}` },
        avatar: { href: `${c.r.base}/_apis/GraphProfile/MemberAvatars/${d}` },
      },
      url: `${g}/Users/${d}`,
      descriptor: d,
    };
  });
  return json(200, { count: value.length, value });
}

function emptyList(): AppResponse {
  return json(200, { count: 0, value: [] });
}

function agentPools(c: Call): AppResponse {
  const hosted = c.r.kind === 'services';
  const pool = (id: number, name: string, isHosted: boolean): Record<string, unknown> => ({
    createdOn: '2023-01-01T00:00:00Z',
    autoProvision: !isHosted,
    autoUpdate: true,
    autoSize: true,
    targetSize: null,
    agentCloudId: null,
    createdBy: null,
    owner: null,
    properties: null,
    id,
    scope: guidFrom(`poolscope:${c.org.name.toLowerCase()}`),
    name,
    isHosted,
    poolType: 'automation',
    size: isHosted ? 1 : 0,
    isLegacy: false,
    options: 'none',
  });
  const value = hosted ? [pool(1, 'Default', false), pool(9, 'Azure Pipelines', true)] : [pool(1, 'Default', false)];
  return json(200, { count: value.length, value });
}

function profileMe(c: Call): AppResponse {
  const u = (c.token as AzureDevOpsTokenSpec).user;
  // Shape of GET__profile_profiles_me.json.
  const t = shapes.PROFILE_ME;
  return json(200, {
    displayName: u.displayName,
    publicAlias: u.id,
    emailAddress: u.uniqueName,
    coreRevision: t.coreRevision,
    timeStamp: t.timeStamp,
    id: u.id,
    revision: t.revision,
  });
}

/** A probe route: a list answered empty unless `handler` says otherwise; location ids are derived [U]. */
function probeRoute(
  id: string,
  hosts: readonly ServiceHost[],
  project: RouteDef['project'],
  path: readonly string[],
  scopes: readonly string[],
  routeTemplate: string,
  previewOnly = false,
  handler: Handler = emptyList,
): RouteDef {
  const location = { id: guidFrom(`location:${id}`), area: path[0] ?? id, resourceName: path[path.length - 1] ?? id, routeTemplate };
  return { id, hosts, project, path, scopes, previewOnly, handler, location };
}

/** `_apis/identities?identityIds=…`: the token's own identity when asked for it. */
function identities(c: Call): AppResponse {
  const ids = (c.query.get('identityIds') ?? '').split(',').filter(Boolean);
  const u = c.token?.user;
  const value = u && ids.some((id) => same(id, u.id)) ? [{ id: u.id, providerDisplayName: u.displayName, isActive: true }] : [];
  return json(200, { count: value.length, value });
}

/** OData answers carry `@odata.context` and `value` [D]. */
function odata(c: Call): AppResponse {
  const value = (c.project ? [c.project] : (c.org.projects ?? [])).slice(0, 1).map((p) => ({ ProjectName: p.name }));
  return json(200, { '@odata.context': `${c.r.base}/_odata/v4.0-preview/$metadata#Projects(ProjectName)`, value });
}

function widgetTypes(): AppResponse {
  return json(200, { uri: '', widgetTypes: [] });
}

function entitlementSummary(): AppResponse {
  return json(200, { licenses: [], availableAccessLevels: [], extensions: [], groupOptions: [], projectRefs: [] });
}

const LICENSE_NAMES: Record<string, string> = {
  express: 'Basic',
  stakeholder: 'Stakeholder',
  advanced: 'Basic + Test Plans',
  none: 'None',
};

/**
 * `_apis/serviceprincipalentitlements/{id}`: the principal's own entitlement (ServicePrincipalEntitlement
 * shape [D]: accessLevel.accountLicenseType / licenseDisplayName / status). Others' entitlements: 404 [U].
 */
function servicePrincipalEntitlement(c: Call): AppResponse {
  const u = c.token?.user;
  if (!u || !c.tail || !same(c.tail, u.id))
    return json(
      404,
      wrappedException(
        `Service principal ${c.tail ?? ''} was not found.`,
        'NotFoundException',
        'Microsoft.VisualStudio.Services.WebApi.NotFoundException',
      ),
    );
  const license = c.token?.accessLevel ?? 'express';
  return json(200, {
    id: u.id,
    accessLevel: {
      licensingSource: 'account',
      accountLicenseType: license,
      msdnLicenseType: 'none',
      gitHubLicenseType: 'none',
      licenseDisplayName: LICENSE_NAMES[license],
      status: 'active',
      statusMessage: '',
      assignmentSource: 'unknown',
    },
    servicePrincipal: { subjectKind: 'servicePrincipal', displayName: u.displayName, originId: u.id, origin: 'aad' },
    lastAccessedDate: '2026-01-01T00:00:00Z',
  });
}

function notificationSettings(): AppResponse {
  return json(200, { defaultGroupDeliveryPreference: 'eachMember' });
}

const CORE: readonly ServiceHost[] = ['core'];
const EVERY: readonly ServiceHost[] = ['core', ...KNOWN_SERVICE_HOSTS];

const ROUTES: readonly RouteDef[] = [
  {
    id: 'connectionData',
    hosts: EVERY,
    project: 'no',
    path: ['connectiondata'],
    scopes: null,
    publicAnonymous: true,
    handler: connectionData,
    location: {
      id: '00d9565f-ed9c-4a06-9a50-00e7896ccab4',
      area: 'Location',
      resourceName: 'ConnectionData',
      routeTemplate: '_apis/connectionData',
    },
  },
  {
    id: 'resourceAreas',
    hosts: EVERY,
    project: 'no',
    path: ['resourceareas'],
    tail: true,
    scopes: null,
    anonymous: true,
    handler: resourceAreas,
    location: {
      id: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
      area: 'Location',
      resourceName: 'ResourceAreas',
      routeTemplate: '_apis/resourceAreas/{areaId}',
    },
  },
  {
    id: 'projects',
    hosts: CORE,
    project: 'no',
    path: ['projects'],
    tail: true,
    scopes: PROJECT_READ,
    publicAnonymous: true,
    handler: projects,
    location: {
      id: '603fe2ac-9723-48b9-88ad-09305aa6c6e1',
      area: 'core',
      resourceName: 'projects',
      routeTemplate: '_apis/projects/{projectId}',
    },
  },
  {
    id: 'workItemTypes',
    hosts: CORE,
    project: 'yes',
    path: ['wit', 'workitemtypes'],
    tail: true,
    scopes: ['vso.work'],
    handler: workItemTypes,
    location: {
      id: '7c8d7a76-4a09-43e8-b5df-bd792f4ac6aa',
      area: 'wit',
      resourceName: 'workItemTypes',
      routeTemplate: '{project}/_apis/wit/workItemTypes/{type}',
    },
  },
  {
    id: 'witFields',
    hosts: CORE,
    project: 'optional',
    path: ['wit', 'fields'],
    scopes: ['vso.work'],
    handler: witFields,
    location: {
      id: 'b51fd764-e5c2-4b9b-aaf7-3395cf4bdd94',
      area: 'wit',
      resourceName: 'fields',
      routeTemplate: '{project}/_apis/wit/fields/{fieldNameOrRefName}',
    },
  },
  {
    id: 'gitRepositories',
    hosts: CORE,
    project: 'optional',
    path: ['git', 'repositories'],
    tail: true,
    scopes: ['vso.code'],
    handler: repositories,
    location: {
      id: '225f7195-f9c7-4d14-ab28-a83f7ff77e1f',
      area: 'git',
      resourceName: 'repositories',
      routeTemplate: '{project}/_apis/git/repositories/{repositoryId}',
    },
  },
  {
    id: 'buildDefinitions',
    hosts: CORE,
    project: 'yes',
    path: ['build', 'definitions'],
    scopes: ['vso.build'],
    handler: buildDefinitions,
    location: {
      id: 'dbeaf647-6167-421a-bda9-c9327b25e2e6',
      area: 'build',
      resourceName: 'definitions',
      routeTemplate: '{project}/_apis/build/definitions/{definitionId}',
    },
  },
  {
    id: 'pipelines',
    hosts: CORE,
    project: 'yes',
    path: ['pipelines'],
    scopes: ['vso.build'],
    handler: pipelines,
    location: {
      id: '28e1305e-2afe-47bf-abaf-cbb0e6a91988',
      area: 'pipelines',
      resourceName: 'pipelines',
      routeTemplate: '{project}/_apis/pipelines/{pipelineId}',
    },
  },
  {
    id: 'releaseDefinitions',
    hosts: ['vsrm'],
    project: 'yes',
    path: ['release', 'definitions'],
    scopes: ['vso.release'],
    handler: releaseDefinitions,
    location: {
      id: 'd8f96f24-8ea7-4cb6-baab-2df8fc515665',
      area: 'Release',
      resourceName: 'definitions',
      routeTemplate: '{project}/_apis/Release/definitions/{definitionId}',
    },
  },
  {
    id: 'graphUsers',
    hosts: ['vssps'],
    project: 'no',
    path: ['graph', 'users'],
    scopes: ['vso.graph'],
    previewOnly: true,
    handler: graphUsers,
    location: {
      id: '005e26ec-6b77-4e4f-a986-b3827bf241f5',
      area: 'Graph',
      resourceName: 'Users',
      routeTemplate: '_apis/Graph/Users/{userDescriptor}',
    },
  },
  {
    id: 'feeds',
    hosts: ['feeds', 'pkgs'],
    project: 'optional',
    path: ['packaging', 'feeds'],
    scopes: ['vso.packaging'],
    handler: emptyList,
    location: {
      id: 'c65009a7-474a-4ad1-8b42-7d852107ef8c',
      area: 'Packaging',
      resourceName: 'Feeds',
      routeTemplate: '{project}/_apis/packaging/Feeds/{feedId}',
    },
  },
  {
    id: 'serviceEndpoints',
    hosts: CORE,
    project: 'yes',
    path: ['serviceendpoint', 'endpoints'],
    scopes: ['vso.serviceendpoint'],
    handler: emptyList,
    location: {
      id: 'e85f1c62-adfc-4b74-b618-11a150fb195e',
      area: 'serviceendpoint',
      resourceName: 'endpoints',
      routeTemplate: '{project}/_apis/serviceendpoint/endpoints/{endpointId}',
    },
  },
  {
    id: 'variableGroups',
    hosts: CORE,
    project: 'yes',
    path: ['distributedtask', 'variablegroups'],
    scopes: ['vso.variablegroups_read'],
    handler: emptyList,
    location: {
      id: 'f5b09dd5-9d54-45a1-8b5a-1c8287d634cc',
      area: 'distributedtask',
      resourceName: 'variablegroups',
      routeTemplate: '{project}/_apis/distributedtask/variablegroups/{groupId}',
    },
  },
  {
    id: 'agentPools',
    hosts: CORE,
    project: 'no',
    path: ['distributedtask', 'pools'],
    scopes: ['vso.agentpools'],
    handler: agentPools,
    location: {
      id: 'a8c47e17-4d56-4a56-92bb-de7ea7dc65be',
      area: 'distributedtask',
      resourceName: 'pools',
      routeTemplate: '_apis/distributedtask/pools/{poolId}',
    },
  },
  {
    id: 'profileMe',
    hosts: ['app', 'vssps'],
    project: 'no',
    path: ['profile', 'profiles', 'me'],
    scopes: ['vso.profile'],
    handler: profileMe,
    location: {
      id: 'f83735dc-483f-4238-a291-d45f6080a9af',
      area: 'Profile',
      resourceName: 'Profiles',
      routeTemplate: '_apis/profile/profiles/{id}',
    },
  },
  {
    id: 'workItemCreate',
    hosts: CORE,
    project: 'yes',
    path: ['wit', 'workitems'],
    tail: true,
    methods: ['POST'],
    scopes: ['vso.work_write'],
    handler: workItemCreate,
    location: {
      id: guidFrom('location:workItemCreate'), // [U]
      area: 'wit',
      resourceName: 'workItems',
      routeTemplate: '{project}/_apis/wit/workItems/{type}',
    },
  },
  // Scope probes (MicrosoftDocs/vsts-rest-api-specs 7.1: each operation's `security` names its scopes [D]).
  probeRoute('teams', CORE, 'no', ['teams'], ['vso.project'], '_apis/teams', true),
  probeRoute('relationTypes', CORE, 'no', ['wit', 'workitemrelationtypes'], ['vso.work'], '_apis/wit/workItemRelationTypes'),
  probeRoute('resourceUsage', CORE, 'no', ['build', 'resourceusage'], ['vso.build'], '_apis/build/resourceUsage', true, () =>
    json(200, { distributedTaskAgents: 1, paidPrivateAgentSlots: 1, totalUsage: 0, xamlControllers: 0 }),
  ),
  probeRoute('favorites', CORE, 'no', ['favorite', 'favorites'], ['vso.profile'], '_apis/favorite/favorites', true),
  probeRoute('identities', ['vssps'], 'no', ['identities'], ['vso.identity'], '_apis/identities', false, identities),
  probeRoute(
    'secureFiles',
    CORE,
    'yes',
    ['distributedtask', 'securefiles'],
    ['vso.securefiles_read'],
    '{project}/_apis/distributedtask/securefiles',
    true,
  ),
  probeRoute(
    'taskGroups',
    CORE,
    'yes',
    ['distributedtask', 'taskgroups'],
    ['vso.taskgroups_read'],
    '{project}/_apis/distributedtask/taskgroups',
  ),
  probeRoute('wikis', CORE, 'optional', ['wiki', 'wikis'], ['vso.wiki'], '{project}/_apis/wiki/wikis'),
  probeRoute('testPlans', CORE, 'yes', ['testplan', 'plans'], ['vso.test'], '{project}/_apis/testplan/plans'),
  probeRoute(
    'analytics',
    ['analytics'],
    'optional',
    ['_odata', 'v4.0-preview', 'projects'],
    ['vso.analytics'],
    '{project}/_odata/v4.0-preview/Projects',
    false,
    odata,
  ),
  probeRoute('auditActions', ['auditservice'], 'no', ['audit', 'actions'], ['vso.auditlog'], '_apis/audit/actions', true),
  probeRoute(
    'widgetTypes',
    CORE,
    'yes',
    ['dashboard', 'widgettypes'],
    ['vso.dashboards'],
    '{project}/_apis/dashboard/widgettypes',
    true,
    widgetTypes,
  ),
  probeRoute(
    'environments',
    CORE,
    'yes',
    ['distributedtask', 'environments'],
    ['vso.environment_manage'],
    '{project}/_apis/distributedtask/environments',
  ),
  probeRoute(
    'installedExtensions',
    ['extmgmt'],
    'no',
    ['extensionmanagement', 'installedextensions'],
    ['vso.extension'],
    '_apis/extensionmanagement/installedextensions',
    true,
  ),
  probeRoute(
    'deploymentGroups',
    CORE,
    'yes',
    ['distributedtask', 'deploymentgroups'],
    ['vso.machinegroup_manage'],
    '{project}/_apis/distributedtask/deploymentgroups',
  ),
  probeRoute(
    'userEntitlementSummary',
    ['vsaex'],
    'no',
    ['userentitlementsummary'],
    ['vso.memberentitlementmanagement'],
    '_apis/userentitlementsummary',
    false,
    entitlementSummary,
  ),
  {
    ...probeRoute(
      'servicePrincipalEntitlements',
      ['vsaex'],
      'no',
      ['serviceprincipalentitlements'],
      ['vso.memberentitlementmanagement'],
      '_apis/serviceprincipalentitlements/{servicePrincipalId}',
      true,
      servicePrincipalEntitlement,
    ),
    tail: true,
  },
  probeRoute(
    'notificationSettings',
    CORE,
    'no',
    ['notification', 'settings'],
    ['vso.notification'],
    '_apis/notification/settings',
    false,
    notificationSettings,
  ),
  probeRoute('permissionsReports', CORE, 'no', ['permissionsreport'], ['vso.security_manage'], '_apis/permissionsreport'),
  // [D] advancedSecurity/7.2/management.json "Org Enablement - Get" (vso.advsec, 7.2-preview.3); body fields [U].
  probeRoute('advsecEnablement', ['advsec'], 'no', ['management', 'enablement'], ['vso.advsec'], '_apis/management/enablement', true, () =>
    json(200, { enableOnCreate: false }),
  ),
  // [D] wit/7.2/workItemTracking.json "Github Connections - Get Github Connections" (vso.githubconnections, 7.2-preview.1).
  probeRoute('githubConnections', CORE, 'yes', ['githubconnections'], ['vso.githubconnections'], '{project}/_apis/githubconnections', true),
  // [D] symbol.json documents a 200 without a body.
  probeRoute(
    'symbolAvailability',
    ['artifacts'],
    'no',
    ['symbol', 'availability'],
    ['vso.symbols'],
    '_apis/symbol/availability',
    false,
    () => ({ status: 200, body: '', headers: {} }),
  ),
];

/** Start an emulator on 127.0.0.1 (random port). Always `await emulator.close()` (afterAll/afterEach). */
export async function startAzureDevOpsEmulator(options: AzureDevOpsEmulatorOptions): Promise<AzureDevOpsEmulator> {
  const emulator = new Emulator(options);
  await emulator.harness.listen();
  return emulator;
}

/** Organizations/projects from Microsoft's examples (GET__projects.json: fabrikam's three projects). */
export function fabrikamProjects(): AzureDevOpsProjectSpec[] {
  return shapes.PROJECT_LIST.value.map((p) => ({
    id: p.id,
    name: p.name,
    ...('description' in p ? { description: p.description } : {}),
    state: p.state,
  }));
}
