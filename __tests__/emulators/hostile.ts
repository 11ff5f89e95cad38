/**
 * A hostile server on the emulator harness: whatever credential arrives is echoed back — the raw
 * header, the bare token (Basic password, Bearer value, JOB-TOKEN / PRIVATE-TOKEN value), its base64
 * and URL-encoded forms — in JSON bodies (`message`, `typeKey`, identity and name fields), HTML and
 * text pages, response headers (`X-TFS-ServiceError`, `WWW-Authenticate`, GitHub's scope and expiry
 * headers, `Link`), rate-limit answers, and redirect `Location`s (same origin, or another origin).
 *
 * Real servers do this: debug pages, echo endpoints, proxies and portals that quote the request. The
 * client must never pass any of it on. Provider-neutral on purpose: it answers every path of every
 * provider, so a property over "whatever provider has online checks" reaches all of them.
 *
 * `sink` is the *other origin*: a second harness that records whether a credential ever arrived there
 * (redirect-away targets it); ask with `carriesCredential(entry)`. Nothing here logs a credential.
 *
 *   const h = await startHostileServer();
 *   h.behave({ kind: 'echo-error', status: 401 });
 *   h.fault({ type: 'rateLimit' });                  // harness faults still apply; their bodies echo too
 *   expect(h.sink.requests.filter(carriesCredential)).toEqual([]);
 */
import type { IncomingMessage } from 'node:http';
import type { Agent } from 'undici';
import { emulatorDispatcher, type EmulatorDispatcherOptions } from './dispatcher.js';
import { EmulatorHarness, type AppResponse, type FaultHandle, type FaultMatch, type FaultSpec, type RequestLogEntry } from './harness.js';
import type { CertificateKind } from './tls.js';

export type HostileBehaviour =
  /** 200 JSON whose every identity-, name-, scope- and expiry-like field is the echoed credential. */
  | { kind: 'echo-ok' }
  /** An error status with a JSON body (`message`, `typeKey`, `error_description`…) and error headers echoing it. */
  | { kind: 'echo-error'; status: number }
  /** An HTML page (sign-in, error) quoting the request's Authorization header. */
  | { kind: 'echo-html'; status: number }
  /** A text/plain body that is the request headers, Authorization included. */
  | { kind: 'echo-text'; status: number }
  /** 200 JSON with the credential in response headers only (scopes, expiry, links, service errors). */
  | { kind: 'echo-headers' }
  /** 3xx to the sink (another origin), the token in the Location's query and path. */
  | { kind: 'redirect-away'; status: 301 | 302 | 303 | 307 | 308 }
  /** 3xx to this same origin, the token in the Location's path and query. */
  | { kind: 'redirect-same-origin'; status: 301 | 302 | 303 | 307 | 308 };

export interface HostileOptions {
  /** Certificate presented (default 'valid'); TLS fault tests pass 'unknownCa' / 'expired' / 'wrongHost'. */
  certificate?: CertificateKind;
}

export interface HostileServer {
  readonly port: number;
  /** `https://127.0.0.1:{port}` */
  readonly origin: string;
  /** Every request seen here (credentials never logged: `hasAuth`, `authScheme` only). */
  readonly requests: RequestLogEntry[];
  /** The other origin redirect-away points at; its log proves whether a credential reached it. */
  readonly sink: { readonly origin: string; readonly port: number; readonly requests: RequestLogEntry[] };
  /** Set what every request gets (until changed). Default `echo-ok`. */
  behave(b: HostileBehaviour): void;
  /** A harness fault (rateLimit, status, htmlPortal, truncatedJson, drop, hang, latency, redirect, headers); plain bodies. */
  fault(spec: FaultSpec, match?: FaultMatch): FaultHandle;
  /** Faults off, logs cleared (this server and the sink), behaviour back to `echo-ok`. */
  reset(): void;
  /** An undici Agent that dials this server for every host name (loopback origins with a port as given). */
  dispatcher(options?: EmulatorDispatcherOptions): Agent;
  close(): Promise<void>;
}

/** What arrived, in every form a careless client could reflect. Empty strings when nothing did. */
export interface Echo {
  /** Name and value of the credential header as sent (`authorization`, `job-token`, `private-token`). */
  header: string;
  raw: string;
  /** The bare secret: Basic password, Bearer/token value, or the header value itself. */
  token: string;
  /** The Basic `user:secret` text (or `:token` for other schemes). */
  pair: string;
  base64: string;
  urlEncoded: string;
}

const CREDENTIAL_HEADERS = ['authorization', 'job-token', 'private-token'];

/**
 * Did this logged request carry a credential? The harness logs `hasAuth` for Authorization only and
 * strips that header; GitLab's JOB-TOKEN / PRIVATE-TOKEN stay in `headers`, so look there too.
 */
export function carriesCredential(entry: RequestLogEntry): boolean {
  return entry.hasAuth || 'job-token' in entry.headers || 'private-token' in entry.headers;
}

export function echoOf(req: IncomingMessage): Echo {
  const name = CREDENTIAL_HEADERS.find((h) => typeof req.headers[h] === 'string') ?? '';
  const raw = name ? String(req.headers[name]) : '';
  let token = raw;
  let pair = `:${raw}`;
  const scheme = /^(\S+)\s+(.*)$/.exec(raw);
  if (name === 'authorization' && scheme) {
    token = scheme[2]!;
    pair = `:${token}`;
    if (/^basic$/i.test(scheme[1]!)) {
      pair = Buffer.from(token, 'base64').toString('utf8');
      token = pair.slice(pair.indexOf(':') + 1);
    }
  }
  return { header: name, raw, token, pair, base64: Buffer.from(pair).toString('base64'), urlEncoded: encodeURIComponent(token) };
}

/** One sentence quoting everything that arrived. */
function quote(e: Echo): string {
  return `Request rejected for credential ${e.token} (header ${e.header}: ${e.raw}; basic ${e.base64}; encoded ${e.urlEncoded}; pair ${e.pair})`;
}

function errorBody(e: Echo, status: number): Record<string, unknown> {
  const q = quote(e);
  return {
    // Azure DevOps wrapped exception
    $id: '1',
    innerException: { message: q, typeKey: e.token },
    message: q,
    typeName: `Microsoft.VisualStudio.Services.${e.token}`,
    typeKey: e.token,
    errorCode: 0,
    eventId: 3000,
    // GitHub
    documentation_url: `https://docs.github.com/rest?token=${e.urlEncoded}`,
    status: String(status),
    errors: [{ message: q, code: e.token, resource: e.raw }],
    // GitLab
    error: e.token,
    error_description: q,
    // Bitbucket
    type: 'error',
    error_detail: { message: q, detail: e.raw, id: e.base64 },
  };
}

function echoHeaders(e: Echo): Record<string, string> {
  return {
    'x-tfs-serviceerror': encodeURIComponent(quote(e)),
    'www-authenticate': `Basic realm="${e.token}", Bearer authorization_uri="https://login.example.test/${e.urlEncoded}", error_description="${e.base64}"`,
    'x-oauth-scopes': `repo, ${e.token}`,
    'x-accepted-oauth-scopes': e.token,
    'x-accepted-github-permissions': `contents=${e.token}`,
    'github-authentication-token-expiration': e.token,
    'x-github-sso': `required; url=https://github.com/orgs/x/sso?authorization_request=${e.urlEncoded}`,
    'x-gitlab-meta': JSON.stringify({ token: e.token }),
    'x-credential-echo': e.raw,
    'x-basic-echo': e.base64,
    link: `<https://127.0.0.1/next?access_token=${e.urlEncoded}>; rel="next"`,
    'x-vss-userdata': `${e.token}:${e.token}`,
    'x-ratelimit-resource': e.token,
  };
}

function okBody(e: Echo): Record<string, unknown> {
  const person = {
    id: e.token,
    login: e.token,
    name: e.token,
    username: e.token,
    display_name: e.raw,
    nickname: e.token,
    email: `${e.token}@example.test`,
    account_id: e.token,
    uuid: `{${e.token}}`,
    providerDisplayName: e.token,
    customDisplayName: e.raw,
    uniqueName: e.base64,
  };
  return {
    ...person,
    // Azure DevOps connectionData / project / lists
    authenticatedUser: person,
    authorizedUser: person,
    state: 'wellFormed',
    count: 1,
    value: [{ ...person, path: e.token }],
    // GitHub / GitLab / Bitbucket shapes
    full_name: `${e.token}/${e.token}`,
    path_with_namespace: e.token,
    scopes: [e.token, 'api', 'read_api'],
    expires_at: e.token,
    message: quote(e),
    permissions: { admin: true, push: true, pull: true },
    values: [{ ...person, slug: e.token }],
    workspace: { slug: e.token },
    archived: false,
    active: true,
    revoked: false,
  };
}

function htmlPage(e: Echo): string {
  return `<!DOCTYPE html><html><head><title>Sign in ${e.token}</title></head><body><h1>Error</h1><p>${quote(e)}</p><form action="/login?t=${e.urlEncoded}"><input type="hidden" name="auth" value="${e.raw}"></form></body></html>`;
}

function textPage(req: IncomingMessage, e: Echo): string {
  const lines = Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  return `You sent:\n${req.method} ${req.url}\n${lines.join('\n')}\n${quote(e)}\n`;
}

export async function startHostileServer(options: HostileOptions = {}): Promise<HostileServer> {
  const sink = new EmulatorHarness({
    handle: (req) => {
      // Even the other origin quotes what it got: if a credential ever arrived, the client would see it too.
      const e = echoOf(req);
      return { status: 200, body: okBody(e) };
    },
  });
  await sink.listen();

  let behaviour: HostileBehaviour = { kind: 'echo-ok' };
  const redirect = (req: IncomingMessage, e: Echo, status: number, base: string): AppResponse => {
    const location = `${base}/stolen/${e.urlEncoded}?auth=${encodeURIComponent(e.raw)}&from=${encodeURIComponent(req.url ?? '/')}`;
    return {
      status,
      headers: { location, 'content-type': 'text/html; charset=utf-8', ...echoHeaders(e) },
      body: `<html><body>Object moved to <a href="${location}">${e.token}</a></body></html>`,
    };
  };
  const harness = new EmulatorHarness(
    {
      handle: (req, ctx): AppResponse => {
        const e = echoOf(req);
        const b = behaviour;
        switch (b.kind) {
          case 'echo-ok':
            return { status: 200, headers: { 'x-credential-echo': e.raw }, body: okBody(e) };
          case 'echo-error':
            // retry-after 0: a retrying client comes straight back and meets the same echo.
            return {
              status: b.status,
              headers: { ...echoHeaders(e), ...(b.status === 429 || b.status >= 500 ? { 'retry-after': '0' } : {}) },
              body: errorBody(e, b.status),
            };
          case 'echo-html':
            return { status: b.status, headers: { 'content-type': 'text/html; charset=utf-8', ...echoHeaders(e) }, body: htmlPage(e) };
          case 'echo-text':
            return {
              status: b.status,
              headers: { 'content-type': 'text/plain; charset=utf-8', 'x-credential-echo': e.raw },
              body: textPage(req, e),
            };
          case 'echo-headers':
            return {
              status: 200,
              headers: echoHeaders(e),
              body: { count: 0, value: [], id: '00000000-fa4e-7e57-0000-0000000000e1', state: 'wellFormed' },
            };
          case 'redirect-away':
            return redirect(req, e, b.status, sink.origin);
          case 'redirect-same-origin':
            return redirect(req, e, b.status, `https://${ctx.authority}`);
        }
      },
      // Harness faults never see the request's credential (the harness strips it before the hooks),
      // so their bodies stay plain; echoing 429 / 5xx answers are `echo-error` with that status.
      rateLimited: (fault) => ({
        status: 429,
        headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1), 'x-ratelimit-remaining': '0', 'x-ratelimit-resource': 'core' },
        body: { message: 'API rate limit exceeded' },
      }),
      statusBody: (status) => ({ status, body: { message: `status ${status}` } }),
    },
    { certificate: options.certificate ?? 'valid' },
  );
  await harness.listen();

  return {
    get port() {
      return harness.port;
    },
    get origin() {
      return harness.origin;
    },
    requests: harness.requests,
    sink: {
      get origin() {
        return sink.origin;
      },
      get port() {
        return sink.port;
      },
      requests: sink.requests,
    },
    behave: (b) => {
      behaviour = b;
    },
    fault: (spec, match) => harness.fault(spec, match),
    reset: () => {
      harness.clearFaults();
      harness.clearLog();
      sink.clearLog();
      behaviour = { kind: 'echo-ok' };
    },
    dispatcher: (o) => emulatorDispatcher(harness, o),
    close: async () => {
      await Promise.all([harness.close(), sink.close()]);
    },
  };
}
