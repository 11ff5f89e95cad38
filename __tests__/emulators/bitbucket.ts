/**
 * Local HTTPS emulator of the Bitbucket Cloud REST API (api.bitbucket.org/2.0) for the online checks,
 * hand-written from /work/shared/spec/provider-apis.md §5 and Atlassian's REST documentation (no
 * reliable public fixtures exist). Tags: [D] documented, [O] observed in public issues, [C]
 * community code, [U] unconfirmed — the emulator had to pick something; clients must not depend on
 * [U] details beyond what the spec allows.
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

/** OAuth-style implications [D] (plus pipeline/runner writes [C]); API-token scopes imply nothing [D]. */
const OAUTH_IMPLIES: Record<string, string[]> = {
  project: ['repository'],
  'repository:write': ['repository'],
  pullrequest: ['repository'],
  'pullrequest:write': ['pullrequest', 'repository:write', 'repository'],
  'issue:write': ['issue'],
  'snippet:write': ['snippet'],
  'pipeline:write': ['pipeline'],
  'pipeline:variable': ['pipeline:write', 'pipeline'],
  'runner:write': ['runner'],
};

const errorBody = (message: string, detail?: unknown): object => ({ type: 'error', error: { message, ...(detail === undefined ? {} : { detail }) } });
const json = (status: number, body: object, headers: Record<string, string> = {}): AppResponse => ({ status, body, headers });

interface Route {
  /** Scope needed: [API-token scope, OAuth scope]. */
  scope: [string, string];
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
        rateLimited: (f) => json(429, errorBody('Rate limit for this resource has been exceeded'), { 'retry-after': String(f.retryAfterSeconds ?? 1) }),
        statusBody: (status) => json(status, errorBody(status >= 500 ? 'Something went wrong' : `HTTP ${status}`)),
      },
      { certificate: options.certificate, latencyMs: options.latencyMs },
    );
  }

  /** The token the Authorization header carries, if it is valid in the way it was sent. */
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
    const type = t.credentialType !== undefined ? t.credentialType : t.type === 'api-token' ? 'api_token' : t.type === 'access-token' ? `${t.resource?.repo ? 'repo' : t.resource?.project ? 'project' : 'workspace'}_access_token` : null;
    return { ...(type ? { 'x-credential-type': type } : {}), ...(t.scopesHeader === false ? {} : { 'x-oauth-scopes': t.scopes.join(', ') }) };
  }

  #hasScope(t: BitbucketTokenSpec, [apiScope, oauthScope]: [string, string]): boolean {
    if (t.type === 'api-token') return t.scopes.includes(apiScope);
    const eff = new Set(t.scopes);
    for (const s of t.scopes) for (const i of OAUTH_IMPLIES[s] ?? []) eff.add(i);
    return eff.has(oauthScope);
  }

  #handle(req: IncomingMessage, ctx: AppContext): AppResponse {
    const parts = ctx.path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    if (parts[0] !== '2.0') return json(404, errorBody('Resource not found'));
    if (req.method !== 'GET') return json(405, errorBody('Method not allowed'));
    const token = this.#authenticate(req);
    if (!token) {
      // Any bad credential: 401 with the Basic realm [D]; body as observed for unscoped API tokens [O].
      return json(401, errorBody(INVALID_TOKEN_MESSAGE), { 'www-authenticate': BITBUCKET_REALM });
    }
    const route = this.#route(parts.slice(1));
    const common = this.#headers(token);
    if (!route) return json(404, errorBody('Resource not found'), common);
    if (route.noAccessTokens && token.type === 'access-token') return json(403, errorBody('Access tokens cannot use this API'), common);
    if (!this.#hasScope(token, route.scope)) {
      const required = token.type === 'api-token' ? route.scope[0] : route.scope[1];
      return json(403, errorBody(SCOPE_DENIED_MESSAGE, { required: [required], granted: [...token.scopes] }), { ...common, 'x-accepted-oauth-scopes': required });
    }
    const r = route.handle({ token, query: ctx.query });
    return { ...r, headers: { ...common, ...r.headers } };
  }

  #workspace(slug: string): BitbucketWorkspaceSpec | undefined {
    return this.options.workspaces.find((w) => w.slug.toLowerCase() === slug.toLowerCase());
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
    const API = {
      user: ['read:user:bitbucket', 'account'] as [string, string],
      workspace: ['read:workspace:bitbucket', 'account'] as [string, string], // OAuth scope [U]
      repo: ['read:repository:bitbucket', 'repository'] as [string, string],
      pr: ['read:pullrequest:bitbucket', 'pullrequest'] as [string, string],
      pipeline: ['read:pipeline:bitbucket', 'pipeline'] as [string, string],
      issue: ['read:issue:bitbucket', 'issue'] as [string, string],
      project: ['read:project:bitbucket', 'project'] as [string, string],
      snippet: ['read:snippet:bitbucket', 'snippet'] as [string, string],
    };
    const page = (values: object[], q: URLSearchParams): object => {
      // Paged lists [D]: pagelen 10 by default, at most 100.
      const pagelen = Math.min(100, Math.max(1, Number(q.get('pagelen') ?? 10) || 10));
      return { pagelen, size: values.length, page: 1, values: values.slice(0, pagelen) };
    };
    if (p.length === 1 && p[0] === 'user') {
      return { scope: API.user, noAccessTokens: true, handle: ({ token }) => json(200, { type: 'user', ...token.user, links: {} }) };
    }
    if (p[0] === 'snippets' && p.length === 1) return { scope: API.snippet, handle: ({ query }) => json(200, page([], query)) };
    if (p[0] === 'workspaces' && p.length >= 2 && p.length <= 3) {
      const tail = p[2];
      if (tail !== undefined && tail !== 'projects') return undefined;
      return {
        scope: tail ? API.project : API.workspace,
        handle: ({ token, query }) => {
          const ws = this.#workspace(p[1]!);
          if (!ws) return json(404, errorBody(`No workspace with identifier '${p[1]}'.`));
          if (!this.#canSee(token, ws)) return json(403, errorBody('Forbidden'));
          if (tail) return json(200, page((ws.projects ?? []).map((key) => ({ type: 'project', key, name: key })), query));
          return json(200, { type: 'workspace', slug: ws.slug, name: ws.name ?? ws.slug, uuid: `{${ws.slug}-uuid}`, is_private: true, links: {} });
        },
      };
    }
    if (p[0] === 'repositories') {
      if (p.length === 1) return { scope: API.repo, handle: ({ token, query }) => json(200, page(this.#visibleRepos(token), query)) };
      const ws = this.#workspace(p[1]!);
      if (p.length === 2) {
        return {
          scope: API.repo,
          handle: ({ token, query }) => {
            if (!ws) return json(404, errorBody(`No workspace with identifier '${p[1]}'.`)); // [U]
            return json(200, page((ws.repos ?? []).filter((r) => this.#canSee(token, ws, r)).map((r) => this.#repoBody(ws, r)), query));
          },
        };
      }
      const sub = p[3];
      if (p.length > 4 || (sub !== undefined && !['pullrequests', 'pipelines', 'issues'].includes(sub))) return undefined;
      const scope = sub === 'pullrequests' ? API.pr : sub === 'pipelines' ? API.pipeline : sub === 'issues' ? API.issue : API.repo;
      return {
        scope,
        handle: ({ token, query }) => {
          const repo = ws?.repos?.find((r) => r.slug.toLowerCase() === p[2]!.toLowerCase());
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
    return this.options.workspaces.flatMap((ws) => (ws.repos ?? []).filter((r) => this.#canSee(t, ws, r) && (t.type === 'access-token' || !ws.members || ws.members.includes(t.user?.account_id ?? ''))).map((r) => this.#repoBody(ws, r)));
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
