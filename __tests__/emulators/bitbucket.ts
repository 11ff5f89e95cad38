/**
 * Local HTTPS emulator of the Bitbucket Cloud REST API (api.bitbucket.org/2.0) for the online checks,
 * hand-written from Atlassian's documentation (no reliable public fixtures exist):
 * https://developer.atlassian.com/cloud/bitbucket/rest/intro/ ("Authentication methods"),
 * https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens and
 * https://support.atlassian.com/bitbucket-cloud/kb/getting-401-http-error-while-authenticating-to-bitbucket-cloud-rest-apis.
 * Tags: [D] documented, [O] observed in public issues, [C] community code, [U] unconfirmed — the
 * emulator had to pick something; clients must not depend on [U] details beyond what the
 * documentation allows.
 *
 * Request pipeline: scripted fault → credentials (401 + `WWW-Authenticate: Basic realm="Bitbucket.org
 * HTTP"` [D]) → route → scope (403 "Your credentials lack one or more required privilege scopes."
 * with `detail.required` / `granted` [O]) → resource (404 unknown [D], 403 no access [D]) → handler.
 * Authenticated answers carry `x-credential-type` and `x-oauth-scopes` when the token spec says so [C].
 *
 * Route every host to it with `emu.dispatcher()` (unit tests) or a forward proxy (bundles).
 */
import type { IncomingMessage } from 'node:http';
import { EmulatorHarness, HarnessEmulator, type AppContext, type AppResponse, type EmulatorHandle } from './harness.js';
import type { CertificateKind } from './tls.js';

export interface BitbucketUser {
  account_id: string;
  uuid: string;
  display_name: string;
  nickname: string;
}

export interface BitbucketTokenSpec {
  type: 'api-token' | 'access-token' | 'app-password';
  /** API token: the Atlassian e-mail that must be the Basic user name [D]. */
  email?: string;
  /** App password: the Bitbucket user name (the e-mail does not work) [D]. */
  username?: string;
  /** The account (API tokens, app passwords). */
  user?: BitbucketUser;
  /** Granted scopes: API-token scopes (`read:repository:bitbucket`) or OAuth-style (`repository`). */
  scopes: readonly string[];
  /** `x-credential-type` value; null = header absent. Default: `api_token` / `<resource>_access_token` / absent [C/U]. */
  credentialType?: string | null;
  /** Send `x-oauth-scopes` (default true: documented for access tokens [C]; [U] for API tokens). */
  scopesHeader?: boolean;
  /** Access tokens: the one resource they belong to. */
  resource?: { workspace: string; repo?: string; project?: string };
  /** Revoked / expired: a plain 401 like any bad credential [U: no distinct signal]. */
  revoked?: boolean;
  /** API token created without scopes: 401 "Token is invalid, expired, or not supported for this endpoint." [O]. */
  unscoped?: boolean;
  /**
   * Bearer token past its expiry (OAuth access tokens live two hours): 401 {"type":"error","error":
   * {"message":"Access token expired. Use your refresh token to obtain a new access token."}} [O:
   * lemurheavy/coveralls-public#1541, fork-dev/Tracker#1448]; `expiredForm` 'text' sends the same
   * sentence as plain text, as a proxy that rewrites error bodies would [U].
   */
  expired?: boolean;
  expiredForm?: 'json' | 'text';
}

export interface BitbucketRepoSpec {
  /** Stored slug (lower case by construction [U]); looked up case-insensitively [U]. */
  slug: string;
  name?: string;
  private?: boolean;
  project?: string;
  /** Account ids that may read a private repository (default: the workspace members). */
  readers?: readonly string[];
  /** Issue tracker enabled (default false: /issues answers 404 [D]). */
  issues?: boolean;
}

export interface BitbucketWorkspaceSpec {
  slug: string;
  name?: string;
  /** Account ids of members (default: everyone). */
  members?: readonly string[];
  repos?: readonly BitbucketRepoSpec[];
  projects?: readonly string[];
}

export interface BitbucketEmulatorOptions {
  /** Token value → what it is. Live: tests may mutate between requests. */
  tokens: Record<string, BitbucketTokenSpec>;
  workspaces: readonly BitbucketWorkspaceSpec[];
  latencyMs?: number;
  certificate?: CertificateKind;
}

export interface BitbucketEmulator extends EmulatorHandle {
  readonly options: BitbucketEmulatorOptions;
}

export const BITBUCKET_REALM = 'Basic realm="Bitbucket.org HTTP"';
export const SCOPE_DENIED_MESSAGE = 'Your credentials lack one or more required privilege scopes.';
export const INVALID_TOKEN_MESSAGE = 'Token is invalid, expired, or not supported for this endpoint.';
export const EXPIRED_TOKEN_MESSAGE = 'Access token expired. Use your refresh token to obtain a new access token.';

/** A read an endpoint checks: the scopes of each family that open it. */
interface Needs {
  apiToken: readonly [string, ...string[]];
  oauth: readonly [string, ...string[]];
}

/**
 * The emulator's own model of what Bitbucket grants, as the server sees it: for each read an endpoint
 * checks, every granted scope that opens it (the first is the one a 403 names as required). Written
 * from Atlassian's scope pages, independently of the product's scope catalogue, so a mistake there
 * shows up as a disagreement here:
 * - API-token scopes open only their own read: "This scope does not imply the read:repository:bitbucket
 *   scope" (write), admin/delete likewise imply no read [D].
 * - OAuth-style scopes (access tokens, app passwords): `repository:write`, `pullrequest` and `project`
 *   each "imply the repository scope"; `pullrequest:write` implies `pullrequest` and
 *   `repository:write`; `issue:write` → `issue`, `snippet:write` → `snippet` [D]; `repository:admin`,
 *   `repository:delete` and `project:admin` imply no read [D]; `pipeline:write`/`pipeline:variable`
 *   open pipeline reads [C].
 */
const OPENED_BY = {
  user: { apiToken: ['read:user:bitbucket'], oauth: ['account'] },
  workspace: { apiToken: ['read:workspace:bitbucket'], oauth: ['account'] }, // OAuth scope [U]
  repository: {
    apiToken: ['read:repository:bitbucket'],
    oauth: ['repository', 'repository:write', 'pullrequest', 'pullrequest:write', 'project'],
  },
  pullrequests: { apiToken: ['read:pullrequest:bitbucket'], oauth: ['pullrequest', 'pullrequest:write'] },
  pipelines: { apiToken: ['read:pipeline:bitbucket'], oauth: ['pipeline', 'pipeline:write', 'pipeline:variable'] },
  issues: { apiToken: ['read:issue:bitbucket'], oauth: ['issue', 'issue:write'] },
  projects: { apiToken: ['read:project:bitbucket'], oauth: ['project'] },
  snippets: { apiToken: ['read:snippet:bitbucket'], oauth: ['snippet', 'snippet:write'] },
  // REST reference, Webhooks and Users: `webhook` / `read:webhook:bitbucket`; `email` (the API-token scope [U]).
  hooks: { apiToken: ['read:webhook:bitbucket'], oauth: ['webhook'] },
  emails: { apiToken: ['read:user:bitbucket'], oauth: ['email'] },
  // REST reference, Pipelines: runners need `runner` / `read:runner:bitbucket` [D]; `runner:write` opens them too [C].
  runners: { apiToken: ['read:runner:bitbucket'], oauth: ['runner', 'runner:write'] },
  // REST reference, SSH and GPG: `read:ssh-key:bitbucket` / `read:gpg-key:bitbucket` [D]; the OAuth-style
  // scope is `account` (Terraform provider docs [C]).
  sshKeys: { apiToken: ['read:ssh-key:bitbucket'], oauth: ['account'] },
  gpgKeys: { apiToken: ['read:gpg-key:bitbucket'], oauth: ['account'] },
} as const satisfies Record<string, Needs>;

const errorBody = (message: string, detail?: unknown): object => ({
  type: 'error',
  error: { message, ...(detail === undefined ? {} : { detail }) },
});
const json = (status: number, body: object, headers: Record<string, string> = {}): AppResponse => ({ status, body, headers });

interface Route {
  /** The read this endpoint checks (one of OPENED_BY). */
  scope: Needs;
  /** Access tokens get 403 here whatever their scopes [C/U]. */
  noAccessTokens?: boolean;
  handle(c: Call): AppResponse;
}

interface Call {
  token: BitbucketTokenSpec;
  query: URLSearchParams;
}

class Emulator extends HarnessEmulator implements BitbucketEmulator {
  readonly harness: EmulatorHarness;

  constructor(readonly options: BitbucketEmulatorOptions) {
    super();
    this.harness = new EmulatorHarness(
      {
        handle: (req, ctx) => this.#handle(req, ctx),
        commonHeaders: () => ({ server: 'AtlassianEdge', 'x-request-id': `emu-${Math.random().toString(16).slice(2, 10)}` }),
        // 429 shape [U]: Bitbucket's rate-limit headers and body are not documented.
        rateLimited: (f) =>
          json(429, errorBody('Rate limit for this resource has been exceeded'), { 'retry-after': String(f.retryAfterSeconds ?? 1) }),
        statusBody: (status) => json(status, errorBody(status >= 500 ? 'Something went wrong' : `HTTP ${status}`)),
      },
      { certificate: options.certificate, latencyMs: options.latencyMs },
    );
  }

  /** The token the Authorization header carries, if it is valid in the way it was sent. */
  /** The 401 Bitbucket answers an expired bearer token with, or undefined. */
  #expiredBearer(req: IncomingMessage): AppResponse | undefined {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const t = bearer ? this.options.tokens[bearer[1]!] : undefined;
    if (!t?.expired) return undefined;
    const headers = { 'www-authenticate': BITBUCKET_REALM };
    if (t.expiredForm === 'text')
      return { status: 401, body: EXPIRED_TOKEN_MESSAGE, headers: { ...headers, 'content-type': 'text/plain' } };
    return json(401, errorBody(EXPIRED_TOKEN_MESSAGE), headers);
  }

  #authenticate(req: IncomingMessage): BitbucketTokenSpec | undefined {
    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer (.+)$/.exec(auth);
    if (bearer) {
      const t = this.options.tokens[bearer[1]!];
      return t && t.type === 'access-token' && !t.revoked ? t : undefined;
    }
    const basic = /^Basic (.+)$/.exec(auth);
    if (!basic) return undefined;
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon);
    const t = this.options.tokens[decoded.slice(colon + 1)];
    if (!t || t.revoked || t.unscoped) return undefined;
    // API tokens: Atlassian e-mail [D]; app passwords: Bitbucket user name, not the e-mail [D];
    // access tokens over Basic only for git (x-token-auth), not the REST API [U].
    if (t.type === 'api-token') return t.email && user.toLowerCase() === t.email.toLowerCase() ? t : undefined;
    if (t.type === 'app-password') return t.username && user === t.username ? t : undefined;
    return undefined;
  }

  #headers(t: BitbucketTokenSpec): Record<string, string> {
    const type =
      t.credentialType !== undefined
        ? t.credentialType
        : t.type === 'api-token'
          ? 'api_token'
          : t.type === 'access-token'
            ? `${t.resource?.repo ? 'repo' : t.resource?.project ? 'project' : 'workspace'}_access_token`
            : null;
    return {
      ...(type ? { 'x-credential-type': type } : {}),
      ...(t.scopesHeader === false ? {} : { 'x-oauth-scopes': t.scopes.join(', ') }),
    };
  }

  /** The scopes that open `needs` for this kind of token. */
  #opening(t: BitbucketTokenSpec, needs: Needs): readonly [string, ...string[]] {
    return t.type === 'api-token' ? needs.apiToken : needs.oauth;
  }

  #handle(req: IncomingMessage, ctx: AppContext): AppResponse {
    const parts = ctx.path
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p));
    if (parts[0] !== '2.0') return json(404, errorBody('Resource not found'));
    if (req.method !== 'GET') return json(405, errorBody('Method not allowed'));
    const expired = this.#expiredBearer(req);
    if (expired) return expired;
    const token = this.#authenticate(req);
    if (!token) {
      // Any bad credential: 401 with the Basic realm [D]; body as observed for unscoped API tokens [O].
      return json(401, errorBody(INVALID_TOKEN_MESSAGE), { 'www-authenticate': BITBUCKET_REALM });
    }
    const route = this.#route(parts.slice(1));
    const common = this.#headers(token);
    if (!route) return json(404, errorBody('Resource not found'), common);
    if (route.noAccessTokens && token.type === 'access-token') return json(403, errorBody('Access tokens cannot use this API'), common);
    const opening = this.#opening(token, route.scope);
    if (!opening.some((s) => token.scopes.includes(s))) {
      const required = opening[0];
      return json(403, errorBody(SCOPE_DENIED_MESSAGE, { required: [required], granted: [...token.scopes] }), {
        ...common,
        'x-accepted-oauth-scopes': required,
      });
    }
    const r = route.handle({ token, query: ctx.query });
    return { ...r, headers: { ...common, ...r.headers } };
  }

  /** By slug, or by the `{uuid}` the bodies show (Atlassian: "the workspace ID (slug) or the workspace UUID surrounded by curly-braces") [D]. */
  #workspace(slug: string): BitbucketWorkspaceSpec | undefined {
    return this.options.workspaces.find((w) => w.slug.toLowerCase() === slug.toLowerCase() || slug === `{${w.slug}-uuid}`);
  }

  /** May this token see the workspace / repository? Access tokens see only their resource. */
  #canSee(t: BitbucketTokenSpec, ws: BitbucketWorkspaceSpec, repo?: BitbucketRepoSpec): boolean {
    if (t.type === 'access-token') {
      const r = t.resource;
      if (!r || r.workspace.toLowerCase() !== ws.slug.toLowerCase()) return false;
      if (!repo) return true;
      if (r.repo) return r.repo.toLowerCase() === repo.slug.toLowerCase();
      if (r.project) return repo.project === r.project;
      return true;
    }
    const id = t.user?.account_id ?? '';
    const member = !ws.members || ws.members.includes(id);
    if (!repo) return member;
    if (!repo.private) return true;
    return repo.readers ? repo.readers.includes(id) : member;
  }

  #route(p: string[]): Route | undefined {
    const page = (values: object[], q: URLSearchParams): object => {
      // Paged lists [D]: pagelen 10 by default, at most 100.
      const pagelen = Math.min(100, Math.max(1, Number(q.get('pagelen') ?? 10) || 10));
      return { pagelen, size: values.length, page: 1, values: values.slice(0, pagelen) };
    };
    if (p.length === 1 && p[0] === 'user') {
      return { scope: OPENED_BY.user, noAccessTokens: true, handle: ({ token }) => json(200, { type: 'user', ...token.user, links: {} }) };
    }
    if (p.length === 2 && p[0] === 'user' && p[1] === 'emails') {
      const email = { type: 'email', email: 'fake.user@example.test', is_primary: true, is_confirmed: true };
      return { scope: OPENED_BY.emails, noAccessTokens: true, handle: ({ query }) => json(200, page([email], query)) };
    }
    if (p[0] === 'users' && p.length === 3 && (p[2] === 'ssh-keys' || p[2] === 'gpg-keys')) {
      return {
        scope: p[2] === 'ssh-keys' ? OPENED_BY.sshKeys : OPENED_BY.gpgKeys,
        noAccessTokens: true,
        handle: ({ token, query }) => {
          // {selected_user}: an account id or a {UUID} [D]; another user's keys are refused (text [U]).
          const self = [token.user?.account_id, token.user?.uuid].includes(decodeURIComponent(p[1]!));
          return self ? json(200, page([], query)) : json(403, errorBody('Forbidden'));
        },
      };
    }
    if (p[0] === 'snippets' && p.length === 1) return { scope: OPENED_BY.snippets, handle: ({ query }) => json(200, page([], query)) };
    if (p[0] === 'workspaces' && p.length >= 2 && p.length <= 3) {
      const tail = p[2];
      if (tail !== undefined && tail !== 'projects') return undefined;
      return {
        scope: tail ? OPENED_BY.projects : OPENED_BY.workspace,
        handle: ({ token, query }) => {
          const ws = this.#workspace(p[1]!);
          if (!ws) return json(404, errorBody(`No workspace with identifier '${p[1]}'.`));
          if (!this.#canSee(token, ws)) return json(403, errorBody('Forbidden'));
          if (tail)
            return json(
              200,
              page(
                (ws.projects ?? []).map((key) => ({ type: 'project', key, name: key })),
                query,
              ),
            );
          return json(200, {
            type: 'workspace',
            slug: ws.slug,
            name: ws.name ?? ws.slug,
            uuid: `{${ws.slug}-uuid}`,
            is_private: true,
            links: {},
          });
        },
      };
    }
    if (p[0] === 'repositories') {
      if (p.length === 1)
        return { scope: OPENED_BY.repository, handle: ({ token, query }) => json(200, page(this.#visibleRepos(token), query)) };
      const ws = this.#workspace(p[1]!);
      if (p.length === 2) {
        return {
          scope: OPENED_BY.repository,
          handle: ({ token, query }) => {
            if (!ws) return json(404, errorBody(`No workspace with identifier '${p[1]}'.`)); // [U]
            return json(
              200,
              page(
                (ws.repos ?? []).filter((r) => this.#canSee(token, ws, r)).map((r) => this.#repoBody(ws, r)),
                query,
              ),
            );
          },
        };
      }
      // Runners live at …/pipelines-config/runners, every other sub-resource one level down.
      const runners = p.length === 5 && p[3] === 'pipelines-config' && p[4] === 'runners';
      const sub = runners ? 'runners' : p[3] === 'runners' ? '(none)' : p[3];
      const subs = {
        pullrequests: OPENED_BY.pullrequests,
        pipelines: OPENED_BY.pipelines,
        issues: OPENED_BY.issues,
        hooks: OPENED_BY.hooks,
        runners: OPENED_BY.runners,
      };
      if ((p.length > 4 && sub !== 'runners') || (sub !== undefined && !(sub in subs))) return undefined;
      const scope: Needs = sub ? subs[sub as keyof typeof subs] : OPENED_BY.repository;
      return {
        scope,
        handle: ({ token, query }) => {
          // repo_slug may also be the repository's `{uuid}` [D] (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/).
          const repo = ws?.repos?.find((r) => r.slug.toLowerCase() === p[2]!.toLowerCase() || p[2] === `{${ws.slug}-${r.slug}-uuid}`);
          if (!ws || !repo) return json(404, errorBody(`Repository ${p[1]}/${p[2]} not found`));
          if (!this.#canSee(token, ws, repo)) return json(403, errorBody('Forbidden'));
          if (sub === 'issues' && !repo.issues) return json(404, errorBody('Repository has no issue tracker.'));
          if (sub) return json(200, page([], query));
          return json(200, this.#repoBody(ws, repo));
        },
      };
    }
    return undefined;
  }

  #visibleRepos(t: BitbucketTokenSpec): object[] {
    return this.options.workspaces.flatMap((ws) =>
      (ws.repos ?? [])
        .filter(
          (r) => this.#canSee(t, ws, r) && (t.type === 'access-token' || !ws.members || ws.members.includes(t.user?.account_id ?? '')),
        )
        .map((r) => this.#repoBody(ws, r)),
    );
  }

  #repoBody(ws: BitbucketWorkspaceSpec, r: BitbucketRepoSpec): object {
    return {
      type: 'repository',
      slug: r.slug,
      name: r.name ?? r.slug,
      full_name: `${ws.slug}/${r.slug}`,
      is_private: r.private ?? true,
      uuid: `{${ws.slug}-${r.slug}-uuid}`,
      workspace: { type: 'workspace', slug: ws.slug, name: ws.name ?? ws.slug },
      ...(r.project ? { project: { type: 'project', key: r.project } } : {}),
      links: {},
    };
  }
}

export async function startBitbucketEmulator(options: BitbucketEmulatorOptions): Promise<BitbucketEmulator> {
  const emulator = new Emulator(options);
  await emulator.harness.listen();
  return emulator;
}
