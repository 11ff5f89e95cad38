/**
 * GitLab online checks (gitlab.com and self-managed, provider-apis.md §4). Round trips:
 * 1. `GET /personal_access_tokens/self` and `GET /user` at once (a CI job token: `GET /job` alone);
 * 2. the project lookup and any scope probe at once.
 * More happen only to explain a missing project: a read-only search for it and the names the token
 * can see, and — when the search finds it — its lookup by numeric id (a proxy decoding %2F).
 */
import type { HttpClient, HttpOutcome, HttpResponse } from '../../http/client.js';
import { finding, type Finding, type Identity } from '../../report.js';
import { closestNames, configuredOrigin, isApiSuccess as ok, networkFinding, unexpectedResponse } from '../online/index.js';
import { withoutUserinfo } from '../../url-common.js';
import type { OnlineChecks, OnlineInput, OnlineResult, TokenAnalysis, UrlAnalysis } from '../types.js';
import { coverage, findGitLabScope, type GitLabScope } from './scopes.js';

const GL = 'GitLab';

interface Target {
  /** `https://host[/root]/api/v4` */
  api: string;
  /** `https://host[/root]`: the web UI. */
  web: string;
  gitlabCom: boolean;
}

function target(url: UrlAnalysis): Target {
  const api = url.normalized!.replace(/\/+$/, '');
  return { api, web: api.replace(/\/api\/v4$/, ''), gitlabCom: url.deployment === 'gitlab.com' };
}

const isJob = (token: TokenAnalysis): boolean => token.kind === 'gitlab.job-token';

/** GitLab's error body: `{"error","error_description","scope"}` (OAuth style) or `{"message"}`. */
function glError(r: HttpResponse): { error: string; description: string; scope: string; message: string } {
  const b = (r.isJson && r.json && typeof r.json === 'object' ? r.json : {}) as Record<string, unknown>;
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  // WWW-Authenticate carries the same error, description and scope when the body was lost on the way
  // (a proxy's own error page).
  const header = r.headers['www-authenticate'] ?? '';
  return {
    error: s(b.error) || /\berror="?([a-z_]+)/i.exec(header)?.[1] || '',
    description: s(b.error_description) || /\berror_description="([^"]*)"/i.exec(header)?.[1] || '',
    scope: s(b.scope) || /\bscope="([^"]*)"/i.exec(header)?.[1] || '',
    message: s(b.message) || (typeof b.error === 'string' && !b.error_description ? b.error : ''),
  };
}

/** A response that says nothing about the token: 429, 5xx, a non-JSON page, an odd status. */
function unexpected(r: HttpResponse): boolean {
  if (r.status >= 200 && r.status < 300) return !r.isJson;
  return ![400, 401, 403, 404].includes(r.status);
}

function tokenSettingsUrl(t: Target): string {
  return `${t.web}/-/user_settings/personal_access_tokens`;
}

function rejected(t: Target, token: TokenAnalysis, detail: string): Finding {
  const where = t.gitlabCom ? 'gitlab.com' : `the GitLab instance at ${t.web}`;
  const causes = isJob(token)
    ? [
        'the job has finished: a CI job token is valid only while its job runs',
        `it was issued by another GitLab instance than ${where}`,
        "the value is not the running job's $CI_JOB_TOKEN",
      ]
    : [
        'the token was mistyped, deleted, or its value was rotated (rotation replaces the old value)',
        `it was created on another GitLab instance than ${where} (gitlab.com and self-managed tokens are separate)`,
        'its user is blocked or deactivated, or — for a project or group access token — the project or group was deleted',
        'it is an OAuth access token that expired (they live two hours): refresh it',
      ];
  return finding(
    'token.rejected',
    'error',
    `GitLab rejected the credential (${detail}). Likely causes, most likely first: ${causes.map((c, i) => `(${i + 1}) ${c}`).join('; ')}.`,
    isJob(token)
      ? 'Pass the $CI_JOB_TOKEN of the running job, on the instance that runs the job (CI_SERVER_URL).'
      : `Create a new token in ${tokenSettingsUrl(t)} (or the project's / group's Settings → Access tokens) and update the secret.`,
  );
}

function expired(t: Target, token: TokenAnalysis, message: string): Finding {
  return finding(
    'token.expired',
    'error',
    message,
    isJob(token)
      ? 'Use the $CI_JOB_TOKEN of the running job.'
      : `Create a new token (or rotate this one) in ${tokenSettingsUrl(t)} and update the secret.`,
  );
}

function revoked(t: Target): Finding {
  return finding(
    'token.revoked',
    'error',
    'GitLab says the token was revoked.',
    `Create a new token in ${tokenSettingsUrl(t)} and update the secret; find out why it was revoked (GitLab revokes tokens found in public repositories).`,
  );
}

/** A 401: expired, revoked, or rejected (§4.2: match on `error` + the description's prefix). */
function unauthorized(t: Target, token: TokenAnalysis, r: HttpResponse): Finding {
  const e = glError(r);
  if (/^Token is expired/i.test(e.description)) return expired(t, token, 'GitLab says the token has expired.');
  if (/^Token was revoked/i.test(e.description)) return revoked(t);
  if (/impersonation/i.test(e.description)) {
    return finding(
      'token.rejected',
      'error',
      'GitLab rejected the token: it is an impersonation token and impersonation is disabled on this instance.',
      'Use a personal, project or group access token, or ask an administrator to enable impersonation.',
    );
  }
  return rejected(
    t,
    token,
    `401${e.error ? ` ${e.error}` : ''}${e.description ? `: "${e.description}"` : e.message ? `: "${e.message}"` : ''}`,
  );
}

/** 403 insufficient_scope: name the narrowest accepted scope to add. */
function insufficientScope(r: HttpResponse): string[] | undefined {
  const e = glError(r);
  if (r.status !== 403 || e.error !== 'insufficient_scope') return undefined;
  return e.scope.split(/[\s,]+/).filter(Boolean);
}

function narrowest(accepted: readonly string[]): string {
  for (const s of ['read_api', 'read_user', 'read_repository', 'read_registry']) if (accepted.includes(s)) return s;
  return accepted[0] ?? 'read_api';
}

interface SelfToken {
  name?: string;
  scopes: string[];
  expiresAt: string | null | undefined;
  active?: boolean;
  revoked?: boolean;
  userId?: number;
}

function readSelf(r: HttpResponse): SelfToken | undefined {
  const b = r.json as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || !Array.isArray(b.scopes)) return undefined;
  return {
    name: typeof b.name === 'string' ? b.name : undefined,
    scopes: (b.scopes as unknown[]).filter((s): s is string => typeof s === 'string'),
    expiresAt: typeof b.expires_at === 'string' ? b.expires_at : b.expires_at === null ? null : undefined,
    active: typeof b.active === 'boolean' ? b.active : undefined,
    revoked: typeof b.revoked === 'boolean' ? b.revoked : undefined,
    userId: typeof b.user_id === 'number' ? b.user_id : undefined,
  };
}

/** GitLab tokens expire at 00:00 UTC of their `expires_at` date (GitLab's token docs). */
function expiryInstant(date: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
}

function botKind(username: string): string {
  const m = /^(project|group)_\d+_bot/.exec(username);
  return m ? ` — the bot user of a ${m[1]} access token` : '';
}

interface AuthState {
  ok: boolean;
  findings: Finding[];
  identity?: Identity;
  /** Scopes the provider listed (undefined: it could not say). */
  scopes?: string[];
  /** Why the scopes are not known. */
  scopesUnknownWhy?: string;
  /** GET /user answered: the token reads the user (read_user, read_api or api). */
  readsUser?: boolean;
  expiresAt?: Date;
}

function readAuth(t: Target, token: TokenAnalysis, self: HttpOutcome, user: HttpOutcome, now: Date): AuthState {
  for (const r of [user, self]) if (r.kind === 'network') return { ok: false, findings: [networkFinding(r, GL)] };
  const s = self as HttpResponse;
  const u = user as HttpResponse;
  for (const r of [u, s]) if (unexpected(r)) return { ok: false, findings: [unexpectedResponse(r, GL)] };

  const selfInfo = ok(s) ? readSelf(s) : undefined;
  const userOk = ok(u) && typeof (u.json as { username?: unknown }).username === 'string';
  if (!selfInfo && !userOk) {
    // A 403 on /user means the token authenticated; a 401 from personal_access_tokens/self then only
    // means GitLab 15.1–15.4, which looks `self` up as a token id.
    const r401 = u.status === 401 ? u : s.status === 401 && u.status !== 403 ? s : undefined;
    if (r401) return { ok: false, findings: [unauthorized(t, token, r401)] };
    if (u.status === 404 && s.status === 404) {
      return {
        ok: false,
        findings: [
          finding(
            'url.org-not-found',
            'error',
            `There is no GitLab API at ${t.api} (404 on /user).`,
            t.gitlabCom
              ? 'Use https://gitlab.com.'
              : 'Check the host and, if GitLab is served under a path (relative URL root, e.g. https://host/gitlab), include that path in `url`.',
          ),
        ],
      };
    }
    if (u.status === 403 && !insufficientScope(u) && glError(u).message) {
      // The token is genuine but its user may not use the API (blocked, deactivated, terms not accepted).
      return {
        ok: false,
        findings: [
          finding(
            'token.rejected',
            'error',
            `GitLab accepted the token but refuses its user: "${glError(u).message}".`,
            'Have an administrator unblock or reactivate the user (or, for a deactivated account, sign in once), or use a token of another user.',
          ),
        ],
      };
    }
    if (!insufficientScope(u)) return { ok: false, findings: [unexpectedResponse(u, GL, 'identity')] };
  }

  const findings: Finding[] = [];
  const state: AuthState = { ok: true, findings, readsUser: userOk };
  const userJson = userOk ? (u.json as { username: string; id?: number; name?: string }) : undefined;

  if (selfInfo) {
    if (selfInfo.revoked) return { ok: false, findings: [revoked(t)] };
    const at = selfInfo.expiresAt ? expiryInstant(selfInfo.expiresAt) : undefined;
    if (selfInfo.active === false) {
      if (at && at.getTime() <= now.getTime()) {
        return { ok: false, findings: [expired(t, token, `GitLab says the token expired on ${selfInfo.expiresAt}.`)] };
      }
      return { ok: false, findings: [rejected(t, token, 'GitLab reports the token as inactive')] };
    }
    state.scopes = selfInfo.scopes;
    if (at) state.expiresAt = at;
    else if (selfInfo.expiresAt === null) {
      findings.push(
        finding(
          'token.no-expiry',
          'info',
          `GitLab says the token${selfInfo.name ? ` "${selfInfo.name}"` : ''} has no expiry date.`,
          'None needed for the pipeline; consider a token with an expiry date (one that never expires stays usable if it leaks).',
        ),
      );
    }
    findings.push(
      finding(
        'scope.granted',
        'info',
        `GitLab says the token${selfInfo.name ? ` "${selfInfo.name}"` : ''} carries: ${selfInfo.scopes.length ? selfInfo.scopes.join(', ') : 'no scopes'}.`,
        'None needed.',
      ),
    );
  } else {
    state.scopesUnknownWhy =
      s.status === 400
        ? 'this is not a personal, project or group access token, so GitLab does not list its scopes'
        : "this GitLab cannot list a token's scopes (personal_access_tokens/self needs GitLab 15.5 or later)";
  }

  if (userJson) {
    state.identity = { name: userJson.username, ...(userJson.id !== undefined ? { id: String(userJson.id) } : {}) };
    findings.push(
      finding(
        'token.identity',
        'info',
        `Authenticated as @${userJson.username}${userJson.id !== undefined ? ` (user id ${userJson.id})` : ''}${botKind(userJson.username)}.`,
        'None needed; check it is the account you expect.',
      ),
    );
  } else if (selfInfo?.userId !== undefined) {
    state.identity = { name: `user ${selfInfo.userId}`, id: String(selfInfo.userId) };
    findings.push(
      finding(
        'token.identity',
        'info',
        `Authenticated as user id ${selfInfo.userId}; the token cannot read its user's profile (it has none of read_user, read_api, api).`,
        'None needed.',
      ),
    );
  } else {
    findings.push(
      finding(
        'token.identity',
        'info',
        "The token was accepted, but it cannot read its user's profile (it has none of read_user, read_api, api).",
        'None needed.',
      ),
    );
  }
  return state;
}

// ───────────────────────────── project ─────────────────────────────

interface GlProject {
  id?: number;
  path_with_namespace?: string;
  archived?: boolean;
  marked_for_deletion_on?: string | null;
  marked_for_deletion_at?: string | null;
}

interface ProjectOutcome {
  findings: Finding[];
  canonical?: string;
  /** The lookup was denied for lack of a scope (the accepted scopes). */
  deniedScopes?: string[];
  /** The lookup succeeded: the token reads the API (read_api or api). */
  readsApi?: boolean;
}

const numeric = (p: string): boolean => /^\d+$/.test(p);

/** The full path from what users paste: a project URL, `.git`, surrounding slashes. */
function projectPath(input: string, t: Target): string {
  let p = input.trim();
  if (/^https?:\/\//i.test(p)) {
    try {
      const root = new URL(t.web).pathname.replace(/\/+$/, '');
      const path = decodeURIComponent(new URL(p).pathname);
      p = (path.toLowerCase().startsWith(root.toLowerCase()) ? path.slice(root.length) : path).split('/-/')[0]!;
    } catch {
      /* not a URL after all: keep it */
    }
  }
  return p.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '');
}

function projectFacts(p: GlProject, requested: string, byId: boolean): Finding[] {
  const path = p.path_with_namespace ?? requested;
  const findings: Finding[] = [];
  if (!byId && path !== requested) {
    if (path.toLowerCase() === requested.toLowerCase()) {
      findings.push(
        finding(
          'project.case-mismatch',
          'error',
          `The project exists as "${path}", not "${requested}"; GitLab matched it ignoring case, but later steps that compare paths exactly will not.`,
          `Use "${path}" exactly.`,
        ),
      );
    } else {
      findings.push(
        finding(
          'project.renamed',
          'error',
          `The project "${requested}" was renamed or moved to "${path}"; GitLab still redirects the old path, but not everywhere and not for ever (a new project may take the old path).`,
          `Use "${path}".`,
        ),
      );
    }
  }
  const deletion = p.marked_for_deletion_on ?? p.marked_for_deletion_at;
  if (deletion) {
    findings.push(
      finding(
        'project.unavailable',
        'error',
        `The project "${path}" is scheduled for deletion (marked on ${String(deletion).slice(0, 10)}), so later steps cannot rely on it.`,
        'Restore it (Settings → General → Advanced → Restore project) or use another project.',
      ),
    );
  }
  if (p.archived) {
    findings.push(
      finding(
        'project.archived',
        'warning',
        `The project "${path}" is archived: it is read-only, so pushes, merge requests, issues and other writes will fail.`,
        'Unarchive it (Settings → General → Advanced → Unarchive project) if later steps write to it.',
      ),
    );
  }
  return findings;
}

async function checkProject(
  http: HttpClient,
  t: Target,
  token: TokenAnalysis,
  requested: string,
  first: HttpOutcome,
): Promise<ProjectOutcome> {
  if (first.kind === 'network') return { findings: [networkFinding(first, GL)] };
  const byId = numeric(requested);
  if (ok(first)) {
    const p = first.json as GlProject;
    return { readsApi: true, canonical: p.path_with_namespace ?? requested, findings: projectFacts(p, requested, byId) };
  }
  const denied = insufficientScope(first);
  if (denied) {
    const add = narrowest(denied);
    return {
      deniedScopes: denied,
      findings: [
        finding(
          'scope.missing',
          'error',
          `The token cannot read the project: GitLab needs ${denied.length ? `one of ${denied.join(', ')}` : 'a scope the token lacks'} for it (403 insufficient_scope).`,
          `GitLab cannot add scopes to an existing token: create a new one with ${add} (or api) in ${tokenSettingsUrl(t)} and update the secret.`,
        ),
      ],
    };
  }
  if (first.status === 401) return { findings: [unauthorized(t, token, first)] };
  if (first.status !== 404 || unexpected(first)) return { findings: [unexpectedResponse(first, GL, 'project lookup')] };

  // 404: missing, hidden, or (self-managed) a proxy that decoded %2F. Search for it by name and list
  // the names the token can see — both read-only.
  const last = requested.split('/').pop() ?? requested;
  const [search, mine] = await Promise.all([
    byId
      ? Promise.resolve(undefined)
      : http.get(`${t.api}/projects?search=${encodeURIComponent(last)}&search_namespaces=true&simple=true&per_page=100`),
    http.get(`${t.api}/projects?membership=true&simple=true&per_page=100&order_by=last_activity_at`),
  ]);
  const list = (r: HttpOutcome | undefined): GlProject[] => (ok(r) && Array.isArray(r.json) ? (r.json as GlProject[]) : []);
  const found = list(search).find((p) => p.path_with_namespace?.toLowerCase() === requested.toLowerCase());
  if (found?.id !== undefined) {
    const byNumber = await http.get(`${t.api}/projects/${found.id}`);
    if (ok(byNumber)) {
      const p = byNumber.json as GlProject;
      return {
        readsApi: true,
        canonical: p.path_with_namespace ?? requested,
        findings: [
          finding(
            'url.encoded-slash',
            'error',
            `The lookup of "${requested}" by path answered 404, but the project exists (id ${found.id}) and its lookup by id works: a reverse proxy in front of GitLab decodes %2F in project paths.`,
            `Make the proxy pass encoded slashes unchanged (nginx: proxy_pass without a URI part; Apache: AllowEncodedSlashes NoDecode), or pass the numeric id as \`project\` (${found.id}).`,
          ),
          ...projectFacts(p, requested, false),
        ],
      };
    }
  }
  const names = [...new Set([...list(search), ...list(mine)].map((p) => p.path_with_namespace ?? '').filter(Boolean))];
  const near = closestNames(requested, names, 3);
  return {
    findings: [
      finding(
        'project.not-found',
        'error',
        `The project "${requested}" does not exist on ${t.gitlabCom ? 'gitlab.com' : t.web}, or the token's user cannot see it (GitLab answers 404 for both).${near.length ? ` Closest paths the token can see: ${near.map((n) => `"${n}"`).join(', ')}.` : ''}`,
        near.length
          ? `Use the full path exactly, e.g. "${near[0]}".`
          : "Check the full path (group/subgroup/project, as in the project URL), and that the token's user is a member of the project.",
      ),
    ],
  };
}

// ───────────────────────────── scopes ─────────────────────────────

function parseScopes(texts: readonly string[]): { scopes: GitLabScope[]; findings: Finding[] } {
  const scopes: GitLabScope[] = [];
  const findings: Finding[] = [];
  for (const text of texts) {
    const s = findGitLabScope(text);
    if (!s) {
      findings.push(
        finding(
          'scope.unknown',
          'error',
          `"${text}" is not a GitLab access-token scope.`,
          'Use a scope id such as api, read_api, read_user, read_repository, write_repository, read_registry or write_registry.',
        ),
      );
    } else if (!scopes.includes(s)) scopes.push(s);
  }
  return { scopes, findings };
}

function missingFinding(t: Target, s: GitLabScope, held: readonly string[] | undefined, how: string): Finding {
  return finding(
    'scope.missing',
    'error',
    `The token lacks ${s.id} (${s.grants})${how}${held ? `; it carries ${held.length ? held.join(', ') : 'no scopes'}` : ''}.`,
    `GitLab cannot add scopes to an existing token: create a new one with ${s.id} in ${tokenSettingsUrl(t)} (or the project's / group's Settings → Access tokens) and update the secret.${s.adminOnly ? ' Only administrators can hold this scope.' : ''}`,
  );
}

// ───────────────────────────── job tokens ─────────────────────────────

async function checkJob(
  http: HttpClient,
  t: Target,
  input: OnlineInput,
  scopes: GitLabScope[],
  findings: Finding[],
): Promise<OnlineResult> {
  const scopeResult = {
    required: scopes.map((s) => s.id),
    verified: [] as string[],
    missing: [] as string[],
    unverifiable: [] as string[],
  };
  const r = await http.get(`${t.api}/job`);
  if (r.kind === 'network') return { findings: [...findings, networkFinding(r, GL)], scopes: scopeResult };
  if (!ok(r)) {
    if (r.status === 401) return { findings: [...findings, unauthorized(t, input.token, r)], scopes: scopeResult };
    if (r.status === 404 && !unexpected(r)) {
      findings.push(
        finding(
          'url.org-not-found',
          'error',
          `There is no GitLab API at ${t.api} (404 on /job).`,
          'Use the instance that runs the job (CI_SERVER_URL / CI_API_V4_URL).',
        ),
      );
    } else findings.push(unexpectedResponse(r, GL, 'job lookup'));
    return { findings, scopes: scopeResult };
  }
  const job = r.json as {
    id?: number;
    web_url?: string;
    user?: { id?: number; username?: string } | null;
    pipeline?: { project_id?: number };
  };
  let identity: Identity | undefined;
  if (job.user?.username) {
    identity = { name: job.user.username, ...(job.user.id !== undefined ? { id: String(job.user.id) } : {}) };
  }
  // The job's project: its web_url is {web}/{path}/-/jobs/{id}.
  let jobProject: string | undefined;
  try {
    const webPath = new URL(t.web).pathname.replace(/\/+$/, '');
    const path = decodeURIComponent(new URL(job.web_url ?? '').pathname);
    jobProject = /^(.+?)\/-\/jobs\//.exec(path.startsWith(webPath) ? path.slice(webPath.length) : path)?.[1]?.replace(/^\//, '');
  } catch {
    jobProject = undefined;
  }
  findings.push(
    finding(
      'token.identity',
      'info',
      `CI job token of job ${job.id ?? '?'}${jobProject ? ` in ${jobProject}` : ''}, running as @${job.user?.username ?? 'unknown'}.`,
      'None needed.',
    ),
  );

  let canonical: string | undefined;
  const requested = input.project === undefined ? undefined : projectPath(input.project, t) || undefined;
  if (requested) {
    const sameId = numeric(requested) && job.pipeline?.project_id === Number(requested);
    if (sameId || (jobProject && requested.toLowerCase() === jobProject.toLowerCase())) {
      canonical = jobProject ?? requested;
      if (!sameId && jobProject && jobProject !== requested) {
        findings.push(
          finding(
            'project.case-mismatch',
            'error',
            `The job's project is "${jobProject}", not "${requested}"; later steps that compare paths exactly will fail.`,
            `Use "${jobProject}" exactly (or $CI_PROJECT_PATH).`,
          ),
        );
      }
    } else {
      findings.push(
        finding(
          'project.info',
          'warning',
          `The job token belongs to ${jobProject ? `"${jobProject}"` : 'another project'}; it reaches "${requested}" only if that project's job token allowlist admits it, which a job token cannot check.`,
          `Add ${jobProject ?? 'this project'} to "${requested}"'s Settings → CI/CD → Job token permissions, or use a project access token of "${requested}".`,
        ),
      );
    }
  }
  for (const s of scopes) {
    scopeResult.unverifiable.push(s.id);
    findings.push(
      finding(
        'scope.unverifiable',
        'warning',
        `${s.id} cannot be verified for a CI job token: job tokens have no scopes; they act with the job user's role on the job's project and on projects whose allowlist admits it, on a fixed set of endpoints.`,
        'Nothing to fix if the later steps use only what job tokens may do; otherwise use a project access token with the scope.',
      ),
    );
  }
  return { findings, identity, projectCanonical: canonical, scopes: scopeResult };
}

// ───────────────────────────── the check ─────────────────────────────

async function check(http: HttpClient, input: OnlineInput): Promise<OnlineResult> {
  const t = target(input.url);
  const { scopes, findings } = parseScopes(input.requiredScopes);
  if (isJob(input.token)) return checkJob(http, t, input, scopes, findings);

  const scopeResult = {
    required: scopes.map((s) => s.id),
    verified: [] as string[],
    missing: [] as string[],
    unverifiable: [] as string[],
  };
  // Round trip 1: the token's own record and its user, at once.
  const [self, user] = await Promise.all([http.get(`${t.api}/personal_access_tokens/self`), http.get(`${t.api}/user`)]);
  const auth = readAuth(t, input.token, self, user, input.now);
  findings.push(...auth.findings);
  if (!auth.ok) return { findings, identity: auth.identity, scopes: scopeResult };

  // Round trip 2: the project, and — when GitLab cannot list the scopes — a read_api probe.
  const project = input.project === undefined ? undefined : projectPath(input.project, t) || undefined;
  if (project !== undefined && input.project !== undefined && project !== input.project) {
    findings.push(
      finding(
        'project.info',
        'info',
        `Checking the project path "${project}" (from "${withoutUserinfo(input.project)}").`,
        'Pass the full path (group/subgroup/project) as `project`.',
      ),
    );
  }
  const needsApiProbe = !auth.scopes && !project && scopes.some((s) => s.id === 'read_api' || s.id === 'api');
  const [projectResponse, apiProbe] = await Promise.all([
    project ? http.get(`${t.api}/projects/${numeric(project) ? project : encodeURIComponent(project)}`) : Promise.resolve(undefined),
    needsApiProbe ? http.get(`${t.api}/projects?membership=true&simple=true&per_page=1`) : Promise.resolve(undefined),
  ]);
  let p: ProjectOutcome | undefined;
  if (project && projectResponse) {
    p = await checkProject(http, t, input.token, project, projectResponse);
    findings.push(...p.findings);
  }
  const result: OnlineResult = {
    findings,
    identity: auth.identity,
    projectCanonical: p?.canonical,
    scopes: scopeResult,
    ...(auth.expiresAt ? { expiresAt: auth.expiresAt } : {}),
  };
  // Without GitLab's own list the probes decide, and trouble left them unanswered; the expiry and a
  // listed scope set are known from round 1 regardless.
  if (!auth.scopes && findings.some((f) => f.code.startsWith('network.'))) return result;

  // What the token is proven to read when GitLab could not list its scopes.
  let readsApi: boolean | undefined = p?.readsApi ?? (p?.deniedScopes ? false : undefined);
  if (apiProbe && apiProbe.kind === 'response') {
    if (ok(apiProbe)) readsApi = true;
    else if (insufficientScope(apiProbe)) readsApi = false;
    else if (unexpected(apiProbe)) findings.push(unexpectedResponse(apiProbe, GL, 'scope probe'));
  } else if (apiProbe) findings.push(networkFinding(apiProbe, GL));

  const through: string[] = [];
  for (const s of scopes) {
    if (auth.scopes) {
      const c = coverage(s, auth.scopes);
      if (c === 'yes') {
        scopeResult.verified.push(s.id);
        if (!auth.scopes.includes(s.id)) through.push(`${s.id} (through ${s.coveredBy.find((x) => auth.scopes!.includes(x))})`);
        else through.push(s.id);
      } else if (c === 'maybe') {
        scopeResult.unverifiable.push(s.id);
        findings.push(
          finding(
            'scope.unverifiable',
            'warning',
            `The token carries ${s.maybeCoveredBy!.filter((x) => auth.scopes!.includes(x)).join(', ')} but not ${s.id}; GitLab does not document whether that covers ${s.grants}.`,
            `If later steps fail with 403 insufficient_scope, create a token that also has ${s.id}.`,
          ),
        );
      } else {
        scopeResult.missing.push(s.id);
        findings.push(missingFinding(t, s, auth.scopes, ''));
      }
      continue;
    }
    // No list: prove what read-only requests can prove.
    const proven = s.id === 'read_user' ? auth.readsUser : s.id === 'read_api' ? readsApi : undefined;
    if (proven === true) {
      scopeResult.verified.push(s.id);
      through.push(s.id);
    } else if (proven === false || (s.id === 'api' && readsApi === false)) {
      scopeResult.missing.push(s.id);
      findings.push(
        missingFinding(
          t,
          s,
          undefined,
          s.id === 'read_user' ? ': GET /user was denied' : ': the read-only API request was denied (403 insufficient_scope)',
        ),
      );
    } else {
      scopeResult.unverifiable.push(s.id);
      const why =
        s.id === 'api' && readsApi
          ? 'its read half (read_api) is confirmed; its write half cannot be proven without writing'
          : 'no read-only API request proves it';
      findings.push(
        finding(
          'scope.unverifiable',
          'warning',
          `${s.id} could not be verified: ${auth.scopesUnknownWhy}, and ${why}.`,
          `Nothing to fix here; check the token's scopes in ${tokenSettingsUrl(t)} if later steps fail.`,
        ),
      );
    }
  }
  if (scopeResult.verified.length) {
    findings.push(
      finding(
        'scope.verified',
        'info',
        `${auth.scopes ? 'Listed by GitLab for the token' : 'Verified with read-only requests'}: ${through.join(', ')}.`,
        'None needed.',
      ),
    );
  }
  return result;
}

export const gitlabOnline: OnlineChecks = {
  // Job tokens go in JOB-TOKEN; every other token as a bearer token (GitLab accepts PATs, project
  // and group tokens there as well as in PRIVATE-TOKEN, and OAuth tokens only there).
  credential: (token, analysis) =>
    isJob(analysis) ? { name: 'job-token', value: token } : { name: 'authorization', value: `Bearer ${token}` },
  credentialOrigins: configuredOrigin,
  check,
};
