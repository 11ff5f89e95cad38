/**
 * A hostile Microsoft Entra / OIDC / Azure DevOps server on the emulator harness, for the leak
 * properties of the secretless path. Whatever secret reaches it — the client secret or client
 * assertion in the token request's form body, the GitHub request token or the job's System.AccessToken
 * as bearer, the minted Azure DevOps token — comes back, raw, URL-encoded and base64-encoded, in JSON
 * error fields (`error`, `error_description`, `error_codes` left intact so the client reads them), HTML
 * and text pages, response headers, the claims of the OIDC token it issues (`iss`, `sub`, `aud`) and
 * the identity fields of Azure DevOps answers. It remembers every secret it was sent and quotes all of
 * them everywhere (a server behind a shared proxy or debug page sees them all).
 *
 * Routes (any host; the test's dispatcher sends every name here):
 *  POST /{tenant}/oauth2/v2.0/token                  → `token` behaviour
 *  GET  /_services/idtoken?audience=…               → `oidc` behaviour (GitHub's ACTIONS_ID_TOKEN_REQUEST_URL)
 *  POST …/oidctoken?serviceConnectionId=…           → `oidc` behaviour (Azure Pipelines' System.OidcRequestUri)
 *  anything else (Azure DevOps)                     → `ado` behaviour
 * Every minted access token and issued OIDC token is recorded, so a test knows what must not leak.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Agent } from 'undici';
import { fakeEntraClaims, mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { emulatorDispatcher } from './dispatcher.js';
import { EmulatorHarness, type AppContext, type AppResponse, type RequestLogEntry } from './harness.js';

export type TokenBehaviour =
  /** An AADSTS error (the code decides the finding) whose every text field quotes the secrets. */
  | { kind: 'aadsts-echo'; status: 400 | 401; code: number }
  /** An HTML error page quoting the form body. */
  | { kind: 'html-echo'; status: number }
  /** 200 with an access token that embeds the client secret / assertion, and every other field echoing. */
  | { kind: 'mint-echo' }
  /** A redirect (to this origin) with the secrets in the Location: a POST must not follow it. */
  | { kind: 'redirect-echo'; status: 302 | 307 };

export type OidcBehaviour =
  /** 401 quoting the bearer it got. */
  | { kind: 'error-echo' }
  /** 200 with an OIDC token whose issuer, subject and audience quote the bearer it got. */
  | { kind: 'claims-echo' };

export type AdoBehaviour = { kind: 'ok-echo' } | { kind: 'error-echo'; status: 401 | 403 | 404 | 500 };

export interface HostileEntraBehaviour {
  token: TokenBehaviour;
  oidc: OidcBehaviour;
  ado: AdoBehaviour;
}

export interface HostileEntra {
  readonly port: number;
  /** `https://127.0.0.1:{port}` */
  readonly origin: string;
  readonly requests: RequestLogEntry[];
  /** Token request bodies, as sent (what the Entra endpoint saw). */
  readonly forms: URLSearchParams[];
  /** Every access token minted and every OIDC token issued here. */
  readonly issued: string[];
  behave(b: HostileEntraBehaviour): void;
  reset(): void;
  dispatcher(): Agent;
  close(): Promise<void>;
}

/** Every form of each secret a careless client could pass on. */
function forms(secrets: readonly string[]): string {
  return secrets
    .map((s) => `${s} | ${encodeURIComponent(s)} | ${Buffer.from(s).toString('base64')} | ${Buffer.from(`:${s}`).toString('base64')}`)
    .join(' ; ');
}

const bearerOf = (req: IncomingMessage): string | undefined => /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];

function echoHeaders(all: string): Record<string, string> {
  const flat = all.replace(/[\r\n]/g, ' ');
  return {
    'www-authenticate': `Bearer error="invalid_client", error_description="${flat.replace(/"/g, "'")}"`,
    'x-tfs-serviceerror': encodeURIComponent(flat),
    'x-ms-echo': flat,
  };
}

export async function startHostileEntra(): Promise<HostileEntra> {
  let behaviour: HostileEntraBehaviour = { token: { kind: 'mint-echo' }, oidc: { kind: 'claims-echo' }, ado: { kind: 'ok-echo' } };
  const seen: string[] = [];
  const formsSeen: URLSearchParams[] = [];
  const issued: string[] = [];
  const remember = (v: string | null | undefined): void => {
    if (v && !seen.includes(v)) seen.push(v);
  };
  const quote = (): string => `Request rejected; you sent: ${forms(seen)}`;

  const token = (ctx: AppContext): AppResponse => {
    const form = new URLSearchParams(ctx.body);
    formsSeen.push(form);
    remember(form.get('client_secret'));
    remember(form.get('client_assertion'));
    const b = behaviour.token;
    const q = quote();
    if (b.kind === 'aadsts-echo')
      return {
        status: b.status,
        headers: echoHeaders(q),
        body: {
          error: seen[0] ?? 'invalid_client',
          error_description: `AADSTS${b.code}: ${q}\r\nTrace ID: ${seen.join(' ')}`,
          error_codes: [b.code],
          trace_id: seen[0],
          correlation_id: q,
          error_uri: `https://login.example/error?code=${b.code}&echo=${encodeURIComponent(q)}`,
        },
      };
    if (b.kind === 'html-echo')
      return {
        status: b.status,
        headers: { 'content-type': 'text/html; charset=utf-8', ...echoHeaders(q) },
        body: `<html><body><p>${q}</p><pre>${ctx.body}</pre></body></html>`,
      };
    if (b.kind === 'redirect-echo')
      return { status: b.status, headers: { location: `https://${ctx.authority}/stolen?${ctx.body}`, ...echoHeaders(q) }, body: q };
    // The minted token carries the secrets inside (a careless or hostile issuer); masking it covers them.
    const claims = fakeEntraClaims(new Date(), { app: true }, { uti: randomBytes(8).toString('hex'), xms_echo: seen.join('|') });
    const minted = mintEntraJwt(claims);
    issued.push(minted);
    return {
      status: 200,
      headers: echoHeaders(q),
      body: { token_type: q, expires_in: 3599, access_token: minted, scope: q, error_description: q },
    };
  };

  const oidc = (req: IncomingMessage, field: 'value' | 'oidcToken'): AppResponse => {
    const bearer = bearerOf(req);
    remember(bearer);
    const q = quote();
    if (behaviour.oidc.kind === 'error-echo')
      return { status: 401, headers: echoHeaders(q), body: { message: q, value: bearer, oidcToken: bearer } };
    const iat = Math.floor(Date.now() / 1000);
    const jwt = mintEntraJwt({
      iss: `https://issuer.example/${bearer}`,
      sub: `repo:${bearer}:${q}`,
      aud: ['api://AzureADTokenExchange', bearer],
      iat,
      nbf: iat,
      exp: iat + 300,
    });
    issued.push(jwt);
    return { status: 200, headers: echoHeaders(q), body: { [field]: jwt, count: 1, message: q } };
  };

  const ado = (req: IncomingMessage): AppResponse => {
    remember(bearerOf(req));
    const q = quote();
    const b = behaviour.ado;
    if (b.kind === 'error-echo')
      return {
        status: b.status,
        headers: echoHeaders(q),
        body: { message: q, typeKey: seen[0], typeName: q, innerException: { message: q } },
      };
    const who = { id: seen[0], providerDisplayName: q, customDisplayName: seen.join(' '), uniqueName: q };
    return {
      status: 200,
      headers: echoHeaders(q),
      body: { authenticatedUser: who, authorizedUser: who, ...who, name: q, state: 'wellFormed', count: 1, value: [{ ...who, name: q }] },
    };
  };

  const harness = new EmulatorHarness({
    handle: (req, ctx) => {
      if (/\/oauth2\/v2\.0\/token$/.test(ctx.path)) return token(ctx);
      if (ctx.path.endsWith('/_services/idtoken')) return oidc(req, 'value');
      if (ctx.path.endsWith('/oidctoken')) return oidc(req, 'oidcToken');
      return ado(req);
    },
  });
  await harness.listen();
  return {
    get port() {
      return harness.port;
    },
    get origin() {
      return harness.origin;
    },
    requests: harness.requests,
    forms: formsSeen,
    issued,
    behave: (b) => {
      behaviour = b;
    },
    reset: () => {
      harness.clearLog();
      seen.length = 0;
      formsSeen.length = 0;
      issued.length = 0;
    },
    dispatcher: () => emulatorDispatcher(harness),
    close: () => harness.close(),
  };
}
