/**
 * Pure readers of GitLab's answers (https://docs.gitlab.com/api/rest/troubleshooting/, gitlabhq lib/api/api_guard.rb): the error body and its WWW-Authenticate
 * copy, the token record, the user, the project, the job, and what they prove about a scope. They
 * return facts and verdicts; the sentences are in messages.ts.
 */
import type { HttpOutcome, HttpResponse } from '../../http/client.js';
import {
  bodyText,
  boolean,
  isApiSuccess,
  list,
  missing,
  nullable,
  number,
  object,
  optional,
  readBody,
  statement,
  statesExpired,
  statesRevoked,
  text,
  unverifiable,
  verified,
  type Infer,
  type Read,
  type ShapeProblem,
  type Verdict,
} from '../online/index.js';
import type { Identity } from '../../report.js';
import type { UrlAnalysis } from '../types.js';
import { HOW, WHY } from './messages.js';
import { coverage, type GitLabScope } from './scopes.js';

/** GitLab's reading of the URL. */
export interface Target {
  /** `https://host[/root]/api/v4` */
  api: string;
  /** `https://host[/root]`: the web UI. */
  web: string;
  gitlabCom: boolean;
}

export function target(url: UrlAnalysis): Target {
  const api = url.normalized!.replace(/\/+$/, '');
  return { api, web: api.replace(/\/api\/v4$/, ''), gitlabCom: url.deployment === 'gitlab.com' };
}

// ───────────────────────────── refusals ─────────────────────────────

/** GitLab's error body: `{"error","error_description","scope"}` (OAuth style) or `{"message"}`. */
export interface GlError {
  error: string;
  description: string;
  scope: string;
  message: string;
}

/** Everything a GitLab answer states, in whatever form it came (JSON, WWW-Authenticate, a page, plain text). */
export const statementOf = (r: HttpResponse): string => statement(r);

/**
 * Group IP restriction (docs.gitlab.com/user/group/access_and_permissions, "Restrict group access by IP
 * address") mostly answers 404 like a missing project, which says nothing; only where GitLab names the
 * restriction is it the diagnosis (its exact words are unconfirmed, so they are matched loosely).
 */
export const statesIpRestriction = (said: string): boolean =>
  /\bIP (?:address )?restrict(?:ion|ions|ed)\b|\brestrict(?:s|ed)? access by IP\b|\byour IP address is not allowed\b/i.test(said);

export function glError(r: HttpResponse): GlError {
  // WWW-Authenticate carries the same error, description and scope when the body was lost on the way
  // (a proxy's own error page).
  const header = r.headers['www-authenticate'] ?? '';
  const error = bodyText(r, 'error');
  const description = bodyText(r, 'error_description');
  return {
    error: error || /\berror="?([a-z_]+)/i.exec(header)?.[1] || '',
    description: description || /\berror_description="([^"]*)"/i.exec(header)?.[1] || '',
    scope: bodyText(r, 'scope') || /\bscope="([^"]*)"/i.exec(header)?.[1] || '',
    message: bodyText(r, 'message') || (description ? '' : error),
  };
}

export type Refusal = 'expired' | 'revoked' | 'impersonation' | 'rejected';

/** What a 401 says: `error` + the description's prefix, or the same words in any other form (`said`). */
export function refusal(e: GlError, said = ''): Refusal {
  if (/^Token is expired/i.test(e.description) || statesExpired(said)) return 'expired';
  if (/^Token was revoked/i.test(e.description) || statesRevoked(said)) return 'revoked';
  return /impersonation/i.test(e.description) ? 'impersonation' : 'rejected';
}

/** 403 insufficient_scope: the scopes GitLab would accept. */
export function insufficientScope(r: HttpResponse): string[] | undefined {
  const e = glError(r);
  if (r.status !== 403 || e.error !== 'insufficient_scope') return undefined;
  return e.scope.split(/[\s,]+/).filter(Boolean);
}

/** The narrowest of the accepted scopes: the one to add. */
export function narrowest(accepted: readonly string[]): string {
  for (const s of ['read_api', 'read_user', 'read_repository', 'read_registry']) if (accepted.includes(s)) return s;
  return accepted[0] ?? 'read_api';
}

// ───────────────────────────── round trip 1: the token and its user ─────────────────────────────

export interface SelfToken {
  name?: string;
  scopes: string[];
  expiresAt: string | null | undefined;
  active?: boolean;
  revoked?: boolean;
  userId?: number;
}

export interface User {
  username: string;
  id?: number;
}

/** Why GitLab did not list the scopes: not an access token (400), or a GitLab before 15.5. */
export type UnlistedWhy = 'not-an-access-token' | 'old-gitlab';

/** What round trip 1 says about the credential. */
export type Standing =
  | { kind: 'unauthorized'; r: HttpResponse }
  | { kind: 'no-api' }
  | { kind: 'user-refused'; reason: string }
  /** GitLab named an IP restriction: `said` is its statement. */
  | { kind: 'ip-restricted'; said: string }
  | { kind: 'unexplained'; r: HttpResponse }
  | { kind: 'revoked' }
  /** `expiredOn`: the past `expires_at` GitLab gave, as it said it and as an instant. */
  | { kind: 'inactive'; expiredOn?: { text: string; at: Date } }
  | { kind: 'accepted'; self?: SelfToken; user?: User; unlisted: UnlistedWhy; expiresAt?: Date }
  /** A success whose body is not as documented (`r` is that answer). */
  | { kind: 'odd'; r: HttpResponse; problem: ShapeProblem };

/** `GET /personal_access_tokens/self` (GitLab 15.5+): the fields read of it. */
const SELF = object({
  name: optional(text),
  scopes: list(text),
  expires_at: nullable(text),
  active: optional(boolean),
  revoked: optional(boolean),
  user_id: optional(number),
});

const USER = object({ username: text, id: optional(number) });

function readSelf(r: HttpResponse): Read<SelfToken | undefined> {
  if (!isApiSuccess(r)) return { ok: true, value: undefined };
  const b = readBody(r, SELF);
  if (!b.ok) return b;
  const { name, scopes, expires_at: expiresAt, active, revoked, user_id: userId } = b.value;
  return { ok: true, value: { name, scopes, expiresAt, active, revoked, userId } };
}

const readUser = (r: HttpResponse): Read<User | undefined> => (isApiSuccess(r) ? readBody(r, USER) : { ok: true, value: undefined });

/** GitLab tokens expire at 00:00 UTC of their `expires_at` date (GitLab's token docs). */
function expiryInstant(date: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
}

/** Neither answer read: why. */
function refused(s: HttpResponse, u: HttpResponse): Standing | undefined {
  // A 403 on /user means the token authenticated; a 401 from personal_access_tokens/self then only
  // means GitLab 15.1–15.4, which looks `self` up as a token id.
  const r401 = u.status === 401 ? u : s.status === 401 && u.status !== 403 ? s : undefined;
  if (r401) return { kind: 'unauthorized', r: r401 };
  if (u.status === 404 && s.status === 404) return { kind: 'no-api' };
  if (insufficientScope(u)) return undefined;
  const said = u.status === 403 || u.status === 404 ? statementOf(u) : '';
  if (statesIpRestriction(said)) return { kind: 'ip-restricted', said };
  // The token is genuine but its user may not use the API (blocked, deactivated, terms not accepted).
  const reason = u.status === 403 ? glError(u).message : '';
  return reason ? { kind: 'user-refused', reason } : { kind: 'unexplained', r: u };
}

/** `GET /personal_access_tokens/self` and `GET /user`, both answered (trouble is handled before). */
export function standing(s: HttpResponse, u: HttpResponse, now: Date): Standing {
  const selfRead = readSelf(s);
  const userRead = readUser(u);
  if (!userRead.ok) return { kind: 'odd', r: u, problem: userRead.problem };
  if (!selfRead.ok) return { kind: 'odd', r: s, problem: selfRead.problem };
  return standingOf(selfRead.value, userRead.value, s, u, now);
}

function standingOf(self: SelfToken | undefined, user: User | undefined, s: HttpResponse, u: HttpResponse, now: Date): Standing {
  const refusedBy = !self && !user ? refused(s, u) : undefined;
  if (refusedBy) return refusedBy;
  const unlisted: UnlistedWhy = s.status === 400 ? 'not-an-access-token' : 'old-gitlab';
  if (!self) return { kind: 'accepted', user, unlisted };
  if (self.revoked) return { kind: 'revoked' };
  const at = self.expiresAt ? expiryInstant(self.expiresAt) : undefined;
  if (self.active === false)
    return { kind: 'inactive', ...(at && at.getTime() <= now.getTime() ? { expiredOn: { text: self.expiresAt!, at } } : {}) };
  return { kind: 'accepted', self, user, unlisted, ...(at ? { expiresAt: at } : {}) };
}

/** Who the token is: its user, or only the user id from the token record. */
export function identityOf(user: User | undefined, userId?: number): Identity | undefined {
  if (user) return { name: user.username, ...(user.id !== undefined ? { id: String(user.id) } : {}) };
  return userId !== undefined ? { name: `user ${userId}`, id: String(userId) } : undefined;
}

/** `project` or `group` when the user is the bot user of such an access token. */
export const botOf = (username: string): string | undefined => /^(project|group)_\d+_bot/.exec(username)?.[1];

// ───────────────────────────── round trip 2: the project ─────────────────────────────

/** A project (`GET /projects/:id`, or an item of a list): the fields read of it. */
const PROJECT = object({
  id: optional(number),
  path_with_namespace: optional(text),
  archived: optional(boolean),
  marked_for_deletion_on: nullable(text),
  marked_for_deletion_at: nullable(text),
});

export type GlProject = Infer<typeof PROJECT>;

/** The project of a successful lookup, or the field that was not as documented. */
export const readProject = (r: HttpResponse): Read<GlProject> => readBody(r, PROJECT);

export const numeric = (p: string): boolean => /^\d+$/.test(p);

/** The path below the web root of an absolute URL's path (case-insensitively when asked). */
function belowRoot(web: string, url: string, ignoreCase: boolean): string {
  const root = new URL(web).pathname.replace(/\/+$/, '');
  const path = decodeURIComponent(new URL(url).pathname);
  const under = ignoreCase ? path.toLowerCase().startsWith(root.toLowerCase()) : path.startsWith(root);
  return under ? path.slice(root.length) : path;
}

/** The full path from what users paste: a project URL, `.git`, surrounding slashes. */
export function projectPath(input: string, t: Target): string {
  let p = input.trim();
  if (/^https?:\/\//i.test(p)) {
    try {
      p = belowRoot(t.web, p, true).split('/-/')[0]!;
    } catch {
      /* not a URL after all: keep it */
    }
  }
  return p.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '');
}

/** The project the user asked for, as a path; undefined when none (or nothing left of it). */
export const requestedProject = (input: string | undefined, t: Target): string | undefined =>
  input === undefined ? undefined : projectPath(input, t) || undefined;

export interface ProjectFacts {
  /** The stored path. */
  path: string;
  /** How the requested path differs from the stored one. */
  name?: 'case' | 'renamed';
  /** The day the project was marked for deletion. */
  deletion?: string;
  archived?: boolean;
}

export function projectFacts(p: GlProject, requested: string, byId: boolean): ProjectFacts {
  const path = p.path_with_namespace ?? requested;
  const facts: ProjectFacts = { path, archived: p.archived };
  if (!byId && path !== requested) facts.name = path.toLowerCase() === requested.toLowerCase() ? 'case' : 'renamed';
  const deletion = p.marked_for_deletion_on ?? p.marked_for_deletion_at;
  if (deletion) facts.deletion = String(deletion).slice(0, 10);
  return facts;
}

/** The projects of a list answer (none when it failed, or was not as documented: it only explains a project not found). */
export function projectList(r: HttpOutcome | undefined): GlProject[] {
  const projects = isApiSuccess(r) ? readBody(r, list(PROJECT)) : undefined;
  return projects?.ok ? projects.value : [];
}

// ───────────────────────────── CI job tokens ─────────────────────────────

export interface Job {
  id?: number;
  user?: { id?: number; username?: string } | null;
  /** The job's project, from its web_url (`{web}/{path}/-/jobs/{id}`). */
  project?: string;
  projectId?: number;
}

/** `GET /job`: the fields read of it. */
const JOB = object({
  id: optional(number),
  web_url: optional(text),
  user: nullable(object({ id: optional(number), username: optional(text) })),
  pipeline: optional(object({ project_id: optional(number) })),
});

/** The job of a successful `GET /job`, or the field that was not as documented. */
export function readJob(r: HttpResponse, t: Target): Read<Job> {
  const read = readBody(r, JOB);
  return read.ok ? { ok: true, value: jobOf(read.value, t) } : read;
}

function jobOf(job: Infer<typeof JOB>, t: Target): Job {
  let project: string | undefined;
  try {
    project = /^(.+?)\/-\/jobs\//.exec(belowRoot(t.web, job.web_url ?? '', false))?.[1]?.replace(/^\//, '');
  } catch {
    project = undefined;
  }
  return { id: job.id, user: job.user, project, projectId: job.pipeline?.project_id };
}

/** Who a job token is: the job's user. */
export const jobIdentity = (job: Job): Identity | undefined => identityOf(job.user?.username ? (job.user as User) : undefined);

/** The requested project against the job's: its own by id, its own, its own in other casing, or another. */
export type JobProjectMatch = 'same-id' | 'same' | 'case' | 'other';

export function jobProjectMatch(job: Job, requested: string): JobProjectMatch {
  if (numeric(requested) && job.projectId === Number(requested)) return 'same-id';
  if (!job.project || requested.toLowerCase() !== job.project.toLowerCase()) return 'other';
  return job.project === requested ? 'same' : 'case';
}

// ───────────────────────────── scopes ─────────────────────────────

/** A scope judged from the list GitLab gave. */
export function listedVerdict(s: GitLabScope, held: readonly string[]): Verdict {
  const c = coverage(s, held);
  if (c === 'yes') return held.includes(s.id) ? verified() : verified(HOW.through(s.coveredBy.find((x) => held.includes(x))));
  return c === 'maybe' ? unverifiable(WHY.undocumented) : missing(WHY.notListed);
}

/** A scope judged by what read-only requests proved (GitLab could not list the scopes). */
export function probedVerdict(s: GitLabScope, readsUser: boolean, readsApi: boolean | undefined): Verdict {
  if (s.id === 'read_user') return readsUser ? verified(HOW.user) : missing(WHY.userDenied);
  if (s.id === 'read_api' && readsApi !== undefined) return readsApi ? verified(HOW.api) : missing(WHY.apiDenied);
  if (s.id === 'api' && readsApi === false) return missing(WHY.apiDenied);
  return unverifiable(s.id === 'api' && readsApi ? WHY.readHalf : WHY.unprovable);
}
