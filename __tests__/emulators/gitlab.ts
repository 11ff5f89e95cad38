/**
 * Local HTTPS emulator of the GitLab REST API v4 (gitlab.com and self-managed) for the online checks,
 * following GitLab's REST documentation (https://docs.gitlab.com/api/rest/,
 * https://docs.gitlab.com/api/personal_access_tokens/). Bodies are shaped on GitLab's published examples
 * (gitlabhq `doc/api/personal_access_tokens.md`, `doc/api/jobs.md`, `doc/api/projects.md`); error
 * bodies and headers on `lib/api/api_guard.rb`. Tags: [D] documented, [O] observed, [U] unconfirmed
 * (the emulator had to pick something; clients must not depend on it beyond the spec).
 *
 * Serves `https://127.0.0.1:{port}{relativeRoot}/api/v4/…` (any Host, so a dispatcher can route
 * gitlab.com here too):
 *   GET /user                          api | read_api | read_user
 *   GET /personal_access_tokens/self   any scope; 404 on old servers; 400 for non-PAT tokens [D]
 *   GET /projects/:id                  api | read_api; numeric id or URL-encoded full path; case-
 *                                      insensitive with exact case preferred; old paths through
 *                                      redirect routes [D]; `404 Project Not Found` [D]
 *   GET /projects                      api | read_api; search, search_namespaces, membership, per_page
 *   GET /job                           CI job token (JOB-TOKEN header or job_token) only [D]
 * and, outside the API, what Git and registry clients ask first (Basic `user:token`; see #gitOrRegistry):
 *   GET /{path}.git/info/refs?service=git-upload-pack   api | read_api | read_repository | write_repository
 *   GET /jwt/auth?service=container_registry&scope=repository:{path}:pull   api | read_api | read_registry
 * Request pipeline: fault → relative root → (proxy decodes %2F) → credentials → route → scope.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EmulatorHarness, HarnessEmulator, type AppContext, type AppResponse, type EmulatorHandle } from './harness.js';
import type { CertificateKind } from './tls.js';

export interface GitLabUser {
  id: number;
  username: string;
  name: string;
}

export interface GitLabTokenSpec {
  /** default 'personal'. Project/group tokens are personal access tokens of a bot user [D]. */
  kind?: 'personal' | 'project' | 'group' | 'impersonation' | 'oauth' | 'job';
  user: GitLabUser;
  /** The token's name (personal_access_tokens/self `name`). */
  name?: string;
  scopes?: readonly string[];
  /** `YYYY-MM-DD` or null (no expiry). Default one year ahead. */
  expiresAt?: string | null;
  /**
   * expired / revoked → 401 invalid_token with GitLab's texts [D], which carry no date. 'inactive' →
   * 200 from personal_access_tokens/self with `active: false` and the token's `expires_at` (a past
   * date: the one form in which GitLab states when the token expired) [U: the fields are documented in
   * https://docs.gitlab.com/api/personal_access_tokens/, but GitLab's docs say an expired token gets
   * 401 everywhere (https://docs.gitlab.com/security/tokens/token_troubleshooting/); modelled for
   * instances or proxies that still answer it].
   */
  state?: 'active' | 'expired' | 'revoked' | 'inactive';
  /**
   * state 'expired': the 401's description also states the date (`expiresAt`), "Token expired on
   * YYYY-MM-DD. …" [U: GitLab's api_guard.rb text has no date; models a server or proxy that states
   * one, in the words of GitLab's UI ("expired on"), so the reader of dated statements is exercised].
   */
  statesExpiryDate?: boolean;
  /** The token's user cannot use the API: every request answers 403 with GitLab's reason [D: UserAccessDeniedReason; exact texts U]. */
  userState?: 'blocked' | 'deactivated';
  /** Impersonation token on an instance with impersonation disabled → 401 [D]. */
  impersonationDisabled?: boolean;
  /** Project paths the user can see (case-insensitive); default all. Also the `membership=true` list. */
  projects?: readonly string[];
  /** Job tokens: the job, its project (full path), and whether it has finished (token then invalid). */
  job?: { id: number; project: string; finished?: boolean };
}

export interface GitLabProjectSpec {
  id: number;
  /** Full path in its stored casing, e.g. `Fabrikam/Platform/Fiber`. */
  path: string;
  name?: string;
  archived?: boolean;
  /** EE: scheduled for deletion on this date. */
  markedForDeletionOn?: string;
  /** Old full paths (renames, transfers): found through redirect routes [D]. */
  previousPaths?: readonly string[];
}

export interface GitLabEmulatorOptions {
  projects: readonly GitLabProjectSpec[];
  /** Token value → what it is (live: tests may mutate between requests). */
  tokens: Record<string, GitLabTokenSpec>;
  /** Relative URL root of a self-managed instance, e.g. `/gitlab` (default none). */
  relativeRoot?: string;
  /** GitLab before 15.1: no personal_access_tokens/:id route → 404 [D]; '15.1' = 15.1–15.4: `self` is taken as an id → 401 for non-admins [D]. */
  oldServer?: 'pre-15.1' | '15.1';
  /** The container registry is not enabled on this instance: /jwt/auth answers 404 [D]. */
  registryDisabled?: boolean;
  /** A reverse proxy in front of GitLab decodes %2F before GitLab sees the path [O]. */
  proxyDecodesSlashes?: boolean;
  /** Send RateLimit-* headers on every response (newer GitLab) [O]; default true. */
  rateLimitHeaders?: boolean;
  /**
   * Top-level groups that restrict access by IP address and do not allow this runner: their projects
   * answer 404 like a missing one ('not-found', the documented behaviour [D: docs "Restrict group access
   * by IP address", troubleshooting]) or 403 naming the restriction ('stated': status O in gitlab-org/gitlab#374056, wording U).
   */
  ipRestrictedGroups?: readonly string[];
  ipRestrictionAnswer?: 'not-found' | 'stated';
  latencyMs?: number;
  certificate?: CertificateKind;
}

export interface GitLabEmulator extends EmulatorHandle {
  readonly options: GitLabEmulatorOptions;
  /** The instance URL a user would configure: `https://127.0.0.1:{port}{relativeRoot}`. */
  readonly url: string;
  readonly harness: EmulatorHarness;
}

export const EXPIRED_TEXT = 'Token is expired. You can either do re-authorization or token refresh.';
/** The modelled dated form of EXPIRED_TEXT (see `statesExpiryDate`). */
const datedExpiredText = (on: string): string => `Token expired on ${on}. You can either do re-authorization or token refresh.`;
export const REVOKED_TEXT = 'Token was revoked. You have to re-authorize from the user.';
export const BAD_TOKEN_TEXT = 'Bad Access Token.';
export const IMPERSONATION_TEXT = 'Token is an impersonation token but impersonation was disabled.';
export const INSUFFICIENT_SCOPE_TEXT = 'The request requires higher privileges than provided by the access token.';

const json = (status: number, body: object, headers: Record<string, string> = {}): AppResponse => ({ status, body, headers });

/** api_guard.rb: OAuth-style error body plus WWW-Authenticate [D]. */
function oauthError(status: 401 | 403, error: string, description: string, scope?: string): AppResponse {
  const challenge = `Bearer realm="The API", error="${error}", error_description="${description}"${scope ? `, scope="${scope}"` : ''}`;
  return json(status, { error, error_description: description, ...(scope ? { scope } : {}) }, { 'www-authenticate': challenge });
}

const unauthorized = (): AppResponse => json(401, { message: '401 Unauthorized' });
const routeNotFound = (): AppResponse => json(404, { error: '404 Not Found' });
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function isoDaysAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

class Emulator extends HarnessEmulator implements GitLabEmulator {
  readonly harness: EmulatorHarness;

  constructor(readonly options: GitLabEmulatorOptions) {
    super();
    this.harness = new EmulatorHarness(
      {
        handle: (req, ctx) => this.#handle(req, ctx),
        commonHeaders: () => ({
          'x-request-id': randomUUID().replace(/-/g, '').slice(0, 26),
          'x-gitlab-meta': '{"correlation_id":"emulated","version":"1"}',
          ...(this.options.rateLimitHeaders === false
            ? {}
            : {
                'ratelimit-name': 'throttle_authenticated_api',
                'ratelimit-limit': '2000',
                'ratelimit-observed': '1',
                'ratelimit-remaining': '1999',
                'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
              }),
        }),
        rateLimited: (fault) => {
          // Rack::Attack throttle: plain-text body, RateLimit-* and Retry-After [O] (#365728).
          const retry = fault.retryAfterSeconds ?? 1;
          const reset = Math.floor(Date.now() / 1000) + retry;
          return {
            status: 429,
            headers: {
              'content-type': 'text/plain',
              'retry-after': String(retry),
              'ratelimit-name': 'throttle_authenticated_api',
              'ratelimit-limit': '2000',
              'ratelimit-observed': '2001',
              'ratelimit-remaining': '0',
              'ratelimit-reset': String(reset),
              'ratelimit-resettime': new Date(reset * 1000).toUTCString(),
            },
            body: 'Retry later\n',
          };
        },
        statusBody: (status) =>
          status === 502 || status === 503
            ? {
                status,
                headers: { 'content-type': 'text/html; charset=utf-8' },
                body: '<!DOCTYPE html><html><head><title>GitLab is not responding (502)</title></head><body><h1>502</h1><p>Whoops, GitLab is taking too much time to respond.</p></body></html>',
              }
            : json(status, { message: `${status} Internal Server Error` }),
      },
      { certificate: options.certificate, latencyMs: options.latencyMs },
    );
  }

  get url(): string {
    return `${this.origin}${this.options.relativeRoot ?? ''}`;
  }

  #web(ctx: AppContext): string {
    return `https://${ctx.authority}${this.options.relativeRoot ?? ''}`;
  }

  #credential(req: IncomingMessage, ctx: AppContext): { via: 'bearer' | 'private' | 'job'; value: string } | undefined {
    const auth = req.headers.authorization;
    if (auth && /^Bearer\s+/i.test(auth)) return { via: 'bearer', value: auth.replace(/^Bearer\s+/i, '') };
    const priv = req.headers['private-token'];
    if (typeof priv === 'string') return { via: 'private', value: priv };
    const job = req.headers['job-token'];
    if (typeof job === 'string') return { via: 'job', value: job };
    const q = ctx.query.get('private_token') ?? ctx.query.get('access_token');
    if (q) return { via: 'private', value: q };
    const j = ctx.query.get('job_token');
    if (j) return { via: 'job', value: j };
    return undefined;
  }

  #visible(token: GitLabTokenSpec, p: GitLabProjectSpec): boolean {
    if (token.kind === 'job') return same(token.job?.project ?? '', p.path);
    return !token.projects || token.projects.some((x) => same(x, p.path));
  }

  /** routable.rb: exact case first, then case-insensitive, then redirect routes [D]. */
  #findProject(idOrPath: string): GitLabProjectSpec | undefined {
    const all = this.options.projects;
    if (/^\d+$/.test(idOrPath)) return all.find((p) => p.id === Number(idOrPath));
    return (
      all.find((p) => p.path === idOrPath) ??
      all.find((p) => same(p.path, idOrPath)) ??
      all.find((p) => p.previousPaths?.some((old) => same(old, idOrPath)))
    );
  }

  #project(p: GitLabProjectSpec, ctx: AppContext, simple: boolean): Record<string, unknown> {
    const segments = p.path.split('/');
    const path = segments.pop()!;
    const namespace = segments.join('/');
    const web = `${this.#web(ctx)}/${p.path}`;
    const base: Record<string, unknown> = {
      id: p.id,
      description: null,
      name: p.name ?? path,
      name_with_namespace: [...segments, p.name ?? path].join(' / '),
      path,
      path_with_namespace: p.path,
      created_at: '2024-07-02T13:37:00.123Z',
      default_branch: 'main',
      tag_list: [],
      topics: [],
      ssh_url_to_repo: `git@${ctx.host}:${p.path}.git`,
      http_url_to_repo: `${web}.git`,
      web_url: web,
      readme_url: `${web}/-/blob/main/README.md`,
      forks_count: 0,
      avatar_url: null,
      star_count: 0,
      last_activity_at: '2026-11-30T10:00:00.000Z',
      namespace: {
        id: 1000 + p.id,
        name: segments[segments.length - 1] ?? '',
        path: segments[segments.length - 1] ?? '',
        kind: 'group',
        full_path: namespace,
        parent_id: null,
        avatar_url: null,
        web_url: `${this.#web(ctx)}/groups/${namespace}`,
      },
    };
    if (simple) return base;
    return {
      ...base,
      visibility: 'private',
      archived: p.archived ?? false,
      empty_repo: false,
      issues_enabled: true,
      merge_requests_enabled: true,
      // EE fields [D] (value shape [U]).
      marked_for_deletion_at: p.markedForDeletionOn ?? null,
      marked_for_deletion_on: p.markedForDeletionOn ?? null,
    };
  }

  /**
   * Git over HTTP and the registry token service, with Basic credentials. What a token may do there
   * follows from its scopes (Gitlab::Auth abilities_for_scopes [D in source]): download_code from api,
   * read_api, read_repository, write_repository; read_container_image from api, read_api, read_registry.
   * Access tokens take any user name, OAuth tokens only `oauth2` [D]. Texts: GitAccess's
   * "You are not allowed to download code." and the registry's `DENIED` "access forbidden" [D in
   * source]; the 401 and 404 texts are modelled [U].
   */
  #gitOrRegistry(req: IncomingMessage, ctx: AppContext, path: string): AppResponse | undefined {
    const git = /^\/(.+)\.git\/info\/refs$/.exec(path);
    const registry = path === '/jwt/auth';
    if (!git && !registry) return undefined;
    if (req.method !== 'GET') return { status: 405, body: 'Method Not Allowed' };
    if (registry && this.options.registryDisabled) return json(404, { errors: [{ code: 'UNAVAILABLE', message: 'registry not enabled' }] });
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const [user, ...rest] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [];
    const token = basic ? this.options.tokens[rest.join(':')] : undefined;
    const valid = token && token.kind !== 'job' && !token.state?.match(/expired|revoked/) && (token.kind !== 'oauth' || user === 'oauth2');
    if (!valid) {
      const challenge = { 'www-authenticate': 'Basic realm="GitLab"' };
      return registry
        ? json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'HTTP Basic: Access denied' }] }, challenge)
        : { status: 401, headers: challenge, body: 'HTTP Basic: Access denied\n' };
    }
    const scopes = new Set(token.scopes ?? []);
    const can = (accepted: string[]): boolean => accepted.some((s) => scopes.has(s));
    const text = (status: number, body: string): AppResponse => ({ status, headers: { 'content-type': 'text/plain' }, body });
    if (git) {
      const p = this.#findProject(decodeURIComponent(git[1]!));
      if (!can(['api', 'read_api', 'read_repository', 'write_repository'])) return text(403, 'You are not allowed to download code.');
      if (!p || !this.#visible(token, p))
        return text(404, "The project you were looking for could not be found or you don't have permission to view it.");
      if (ctx.query.get('service') !== 'git-upload-pack') return text(403, "The command you're trying to execute is not allowed.");
      // Protocol v2 capability advertisement (pkt-lines) [D: git http-protocol / protocol-v2].
      return {
        status: 200,
        headers: { 'content-type': 'application/x-git-upload-pack-advertisement' },
        body: '000eversion 2\n0013ls-refs=unborn\n0000',
      };
    }
    if (ctx.query.get('service') !== 'container_registry')
      return json(404, { errors: [{ code: 'UNAVAILABLE', message: 'unknown service' }] });
    if (!can(['api', 'read_api', 'read_registry', 'write_registry']))
      return json(403, { errors: [{ code: 'DENIED', message: 'access forbidden' }] });
    const wanted = /^repository:(.+):pull$/.exec(ctx.query.get('scope') ?? '')?.[1];
    const p = wanted ? this.#findProject(wanted) : undefined;
    const pull = p && this.#visible(token, p) && can(['api', 'read_api', 'read_registry']);
    const access = pull ? [{ type: 'repository', name: wanted, actions: ['pull'] }] : [];
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: 'gitlab-issuer', aud: 'container_registry', access })}.RkFLRS1URVNULXNpZ25hdHVyZQ`;
    return json(200, { token: jwt });
  }

  #handle(req: IncomingMessage, ctx: AppContext): AppResponse {
    // The harness logs every header but Authorization: keep GitLab's other credential headers out of the log.
    for (const h of ['private-token', 'job-token']) if (ctx.entry.headers[h] !== undefined) ctx.entry.headers[h] = '[redacted]';
    const root = this.options.relativeRoot ?? '';
    let raw = ctx.path;
    const outsideApi = this.#gitOrRegistry(req, ctx, raw.slice(root.length));
    if (outsideApi) return outsideApi;
    if (!raw.toLowerCase().startsWith(`${root.toLowerCase()}/api/v4/`)) {
      return {
        status: 404,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: "<!DOCTYPE html><html><head><title>The page you're looking for could not be found (404)</title></head><body><h1>404</h1></body></html>",
      };
    }
    raw = raw.slice(root.length + '/api/v4'.length);
    if (this.options.proxyDecodesSlashes) raw = raw.replace(/%2F/gi, '/');
    const segs = raw
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { message: '405 Method Not Allowed' });

    const cred = this.#credential(req, ctx);
    const route = segs.join('/');
    const isJobRoute = route === 'job';
    if (!cred) return unauthorized();
    const token = this.options.tokens[cred.value];

    // JOB-TOKEN is only looked at on routes that allow job tokens [D].
    if (cred.via === 'job' || token?.kind === 'job') {
      if (!isJobRoute || cred.via !== 'job' || !token || token.kind !== 'job' || token.job?.finished) return unauthorized();
      return this.#job(token, ctx);
    }
    if (!token) return oauthError(401, 'invalid_token', BAD_TOKEN_TEXT);
    if (token.state === 'expired')
      return oauthError(401, 'invalid_token', token.statesExpiryDate && token.expiresAt ? datedExpiredText(token.expiresAt) : EXPIRED_TEXT);
    if (token.state === 'revoked') return oauthError(401, 'invalid_token', REVOKED_TEXT);
    if (token.kind === 'impersonation' && token.impersonationDisabled) return oauthError(401, 'invalid_token', IMPERSONATION_TEXT);
    if (token.kind === 'oauth' && cred.via !== 'bearer') return oauthError(401, 'invalid_token', BAD_TOKEN_TEXT);
    if (token.userState === 'blocked') return json(403, { message: '403 Forbidden - Your account has been blocked.' });
    if (token.userState === 'deactivated')
      return json(403, { message: '403 Forbidden - Your account has been deactivated. You must reactivate your account by signing in.' });
    if (isJobRoute) return unauthorized();

    const scopes = new Set(token.scopes ?? []);
    const need = (accepted: string[]): AppResponse | undefined =>
      accepted.some((s) => scopes.has(s)) ? undefined : oauthError(403, 'insufficient_scope', INSUFFICIENT_SCOPE_TEXT, accepted.join(' '));

    if (route === 'user') return need(['api', 'read_api', 'read_user']) ?? json(200, this.#user(token.user, ctx));
    if (segs[0] === 'personal_access_tokens' && segs[1] === 'self' && segs.length === 2) {
      if (this.options.oldServer === 'pre-15.1') return routeNotFound();
      if (this.options.oldServer === '15.1') return unauthorized(); // `self` looked up as an id: not the user's token [D]
      if (token.kind === 'oauth')
        return json(400, { message: '400 Bad request - This endpoint requires token type to be a personal access token' });
      return json(200, {
        id: 42,
        name: token.name ?? 'ci-token',
        revoked: false,
        created_at: '2026-08-01T15:00:00.000Z',
        description: 'Test Token description',
        scopes: [...scopes],
        user_id: token.user.id,
        last_used_at: new Date().toISOString(),
        active: token.state !== 'inactive',
        expires_at: token.expiresAt === undefined ? isoDaysAhead(365) : token.expiresAt,
        last_used_ips: ['127.0.0.1'],
      });
    }
    if (segs[0] === 'projects' && segs.length === 2) {
      const denied = need(['api', 'read_api']);
      if (denied) return denied;
      const p = this.#findProject(segs[1]!);
      if (!p || !this.#visible(token, p)) return json(404, { message: '404 Project Not Found' });
      if (this.options.ipRestrictedGroups?.some((g) => same(g, p.path.split('/')[0]!))) {
        return this.options.ipRestrictionAnswer === 'stated'
          ? json(403, {
              message: '403 Forbidden - Access denied: this group restricts access by IP address and your IP address is not allowed.',
            })
          : json(404, { message: '404 Project Not Found' });
      }
      return json(200, this.#project(p, ctx, false));
    }
    if (route === 'projects') {
      const denied = need(['api', 'read_api']);
      if (denied) return denied;
      const q = ctx.query;
      const term = (q.get('search') ?? '').toLowerCase();
      const perPage = Math.min(100, Number(q.get('per_page') ?? 20) || 20);
      const list = this.options.projects
        .filter((p) => this.#visible(token, p))
        .filter(() => q.get('membership') !== 'true' || !!token.projects)
        .filter((p) => {
          if (!term) return true;
          const name = (p.name ?? p.path.split('/').pop()!).toLowerCase();
          const path = p.path.split('/').pop()!.toLowerCase();
          return (
            name.includes(term) || path.includes(term) || (q.get('search_namespaces') === 'true' && p.path.toLowerCase().includes(term))
          );
        })
        .slice(0, perPage)
        .map((p) => this.#project(p, ctx, q.get('simple') === 'true'));
      return json(200, list, { 'x-per-page': String(perPage), 'x-page': '1', 'x-total': String(list.length) });
    }
    return routeNotFound();
  }

  #user(u: GitLabUser, ctx: AppContext): Record<string, unknown> {
    return {
      id: u.id,
      username: u.username,
      name: u.name,
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `${this.#web(ctx)}/${u.username}`,
      created_at: '2024-01-01T00:00:00.000Z',
      bot: /^(project|group)_\d+_bot/.test(u.username),
      public_email: null,
    };
  }

  /** doc/api/jobs.md "Get job token's job" [D]. */
  #job(token: GitLabTokenSpec, ctx: AppContext): AppResponse {
    const job = token.job ?? { id: 1, project: 'unknown/project' };
    const project = this.options.projects.find((p) => same(p.path, job.project));
    return json(200, {
      commit: {
        id: '0ff3ae198f8601a285adcf5c0fff204ee6fba5fd',
        short_id: '0ff3ae19',
        title: 'Test the CI integration.',
        author_name: 'Fake Tester',
        author_email: 'fake@example.invalid',
        created_at: '2026-11-30T10:00:00.000+00:00',
        message: 'Test the CI integration.',
      },
      coverage: null,
      allow_failure: false,
      created_at: '2026-11-30T10:00:00.000Z',
      started_at: '2026-11-30T10:00:01.000Z',
      finished_at: null,
      duration: null,
      queued_duration: 0.1,
      id: job.id,
      name: 'preflight',
      pipeline: { id: 6, project_id: project?.id ?? 0, ref: 'main', sha: '0ff3ae198f8601a285adcf5c0fff204ee6fba5fd', status: 'running' },
      ref: 'main',
      artifacts: [],
      runner: null,
      stage: 'test',
      status: 'running',
      tag: false,
      web_url: `${this.#web(ctx)}/${project?.path ?? job.project}/-/jobs/${job.id}`,
      user: this.#user(token.user, ctx),
    });
  }
}

export async function startGitLabEmulator(options: GitLabEmulatorOptions): Promise<GitLabEmulator> {
  const emu = new Emulator(options);
  await emu.harness.listen();
  return emu;
}
