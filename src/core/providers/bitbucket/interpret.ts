/**
 * Small pure readers of Bitbucket Cloud's answers: who the credential is, what a repository or
 * workspace lookup found, why a request was denied and what a probe proved about a scope. No
 * requests and no sentences (a verdict's reason comes from messages.ts).
 */
import type { HttpOutcome, HttpResponse } from '../../http/client.js';
import type { Identity } from '../../report.js';
import {
  describeProblem,
  either,
  isApiSuccess,
  list,
  missing,
  object,
  optional,
  readBody,
  statement,
  statesExpired,
  text,
  unverifiable,
  verified,
  type Shape,
  type Verdict,
} from '../online/index.js';
import type { TokenAnalysis } from '../types.js';
import { verifiedByProbe, WHY } from './messages.js';
import { looksLikeEmail } from './tokens.js';
import { scopeId, type BitbucketPermission, type ScopeFamily } from './scopes.js';

/** The kind of credential, as far as the online check cares. */
export type Kind = 'api-token' | 'access-token' | 'app-password';

export function kindOf(token: TokenAnalysis): Kind {
  if (token.kind === 'bitbucket.access-token') return 'access-token';
  return token.kind === 'bitbucket.app-password' ? 'app-password' : 'api-token';
}

/** A required scope: its id in the token's family and the permission it belongs to. */
export interface Wanted {
  id: string;
  perm: BitbucketPermission;
}

/** An answer that is Bitbucket's word to interpret, not network trouble (so always a response). */
export { answered } from '../online/index.js';

/** The workspace and repository `project` names (`workspace` or `workspace/repo_slug`). */
export interface Target {
  ws?: string;
  repo?: string;
}

/** `project` read as a workspace or workspace/repo_slug; undefined when it is neither. */
export function projectTarget(project: string | undefined): Target | undefined {
  if (!project) return {};
  const parts = project
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) return undefined;
  return { ws: parts[0], repo: parts[1] };
}

/** A non-empty string (Bitbucket sends "" for some unset fields). */
const str = (v: string | undefined): string | undefined => v || undefined;

// ───────────────────────────── denials ─────────────────────────────

/** `{"type":"error","error":{"message":…,"detail":…}}`; detail may carry `required` / `granted`. */
/** `detail` is a sentence in most errors and an object naming the scopes in a scope error. */
/**
 * `granted` (the scopes the credential carries) is not in Atlassian's documentation; only third-party
 * reports show it beside `required` in a scope error. It is quoted as what Bitbucket said when present,
 * and its absence proves nothing (it is never read as "no scopes").
 */
const ERROR = object({
  error: optional(
    object({
      message: optional(text),
      detail: optional(either(text, object({ required: optional(list(text)), granted: optional(list(text)) }))),
    }),
  ),
});

/** An error body not as documented says nothing more than its status: no message, no scopes. */
export function bbError(r: HttpResponse): { message: string; required: string[]; granted?: string[] } {
  const body = readBody(r, ERROR);
  const error = body.ok ? body.value.error : undefined;
  const detail = typeof error?.detail === 'object' ? error.detail : undefined;
  const granted = detail?.granted?.map((g) => g.slice(0, 100)).slice(0, 50);
  return { message: error?.message?.slice(0, 200) ?? '', required: detail?.required ?? [], ...(granted ? { granted } : {}) };
}

/** Why Bitbucket said no: a missing scope (with the scopes it named), a refused credential, a resource the token may not read, or something else. */
export type Denial =
  { kind: 'scope'; required: string[] } | { kind: 'refused' } | { kind: 'forbidden'; said: string } | { kind: 'other'; status: number };

export function denialOf(r: HttpResponse): Denial {
  const { message, required } = bbError(r);
  // "Your credentials lack one or more required privilege scopes."
  if (r.status === 403 && (/privilege scope/i.test(message) || required.length > 0)) return { kind: 'scope', required };
  if (r.status === 401) return { kind: 'refused' };
  if (r.status === 403) return { kind: 'forbidden', said: message };
  return { kind: 'other', status: r.status };
}

/** What a 401 said: the Bitbucket realm header, the error message, and whether the user name looks like an e-mail. */
export interface Rejection {
  realm: boolean;
  said: string;
  emailLike: boolean;
  /** Bitbucket said the token expired ("Access token expired. Use your refresh token…" [observed]), in whatever form. */
  expired: boolean;
  /** Everything the answer stated, whatever its form (quoted when it says the token expired). */
  stated: string;
}

export function rejection(r: HttpResponse, username: string | undefined): Rejection {
  const stated = statement(r);
  return {
    realm: /realm="?Bitbucket\.org HTTP/i.test(r.headers['www-authenticate'] ?? ''),
    said: bbError(r).message,
    emailLike: looksLikeEmail(username),
    expired: statesExpired(stated),
    stated,
  };
}

// ───────────────────────────── identity and project ─────────────────────────────

/** A 2xx whose JSON the check cannot use: what is wrong with it (the context of network.unexpected-response). */
export interface Odd {
  odd: string;
}

export const isOdd = (x: unknown): x is Odd => typeof x === 'object' && x !== null && Object.hasOwn(x, 'odd');

/** The success body read as `shape`: the value, an Odd naming the field, or undefined when it is not a success. */
function successBody<T>(r: HttpOutcome | undefined, shape: Shape<T>, about: string): T | Odd | undefined {
  if (!isApiSuccess(r)) return undefined;
  const read = readBody(r, shape);
  return read.ok ? read.value : { odd: `${about}: ${describeProblem(read.problem)}` };
}

const ACCOUNT = object({ display_name: optional(text), account_id: optional(text), uuid: optional(text), nickname: optional(text) });
const REPOSITORY = object({ full_name: optional(text), slug: optional(text) });
const WORKSPACE = object({ slug: optional(text) });
const REPOSITORY_LIST = object({ values: optional(list(REPOSITORY)) });

/** The account of a `/2.0/user` answer; undefined when it is not a success with a JSON body. */
export function accountOf(r: HttpResponse): Identity | Odd | undefined {
  const u = successBody(r, ACCOUNT, 'identity');
  if (!u || isOdd(u)) return u;
  const id = str(u.account_id) ?? str(u.uuid);
  return id ? { name: str(u.display_name) ?? str(u.nickname) ?? id, id } : { odd: 'the identity response names no account' };
}

/** The stored `workspace/slug` of a repository answer; undefined when it is not a success with a JSON body. */
export function repositoryNameOf(r: HttpResponse, ws: string): string | Odd | undefined {
  const repo = successBody(r, REPOSITORY, 'repository lookup');
  if (!repo || isOdd(repo)) return repo;
  if (repo.full_name !== undefined) return repo.full_name;
  return repo.slug !== undefined ? `${ws}/${repo.slug}` : { odd: 'the repository response names no repository' };
}

/** The stored slug of a workspace answer (undefined when not as documented: it only corrects the casing). */
export function workspaceSlugOf(r: HttpOutcome | undefined): string | undefined {
  const w = successBody(r, WORKSPACE, 'workspace lookup');
  return w && !isOdd(w) ? w.slug : undefined;
}

/** The repository slugs of a listing (none when not as documented: they only explain a repository not found). */
export function repositorySlugsOf(r: HttpOutcome): string[] {
  const repos = successBody(r, REPOSITORY_LIST, 'repository listing');
  return (repos && !isOdd(repos) ? (repos.values ?? []) : []).map((v) => v.slug).filter((x): x is string => x !== undefined);
}

/** Bitbucket takes a workspace or repository `{uuid}` wherever it takes a slug. */
export const isUuid = (part: string): boolean => /^\{.*\}$/.test(part);

/** Does the stored name differ from each part the user spelled as a slug? (A `{uuid}` part names the resource by id.) */
export function spelledDifferently(name: string, ws: string, repo: string): boolean {
  const [nameWs, nameRepo] = name.split('/');
  return (!isUuid(ws) && nameWs !== ws) || (!isUuid(repo) && nameRepo !== repo);
}

/** Whether the workspace lookups found the workspace, or found that it does not exist. */
export interface Presence {
  found: boolean;
  missing: boolean;
}

export function workspacePresence(answers: readonly HttpOutcome[]): Presence {
  const found = answers.some(isApiSuccess);
  return { found, missing: !found && answers.some((r) => r.kind === 'response' && r.status === 404) };
}

// ───────────────────────────── scopes ─────────────────────────────

/** Does `x-oauth-scopes` (as effective scopes) carry the scope, in either family's name? */
export function headerCarries(w: Wanted, effective: ReadonlySet<string>, family: ScopeFamily): boolean {
  const other = scopeId(w.perm, family === 'oauth' ? 'api-token' : 'oauth');
  return effective.has(w.id) || (!!other && effective.has(other));
}

/** Granted API-token scopes of the same area as a wanted read one (`write:repository:bitbucket` for `read:…`). */
export function strongerThan(w: Wanted, granted: readonly string[], family: ScopeFamily): string[] {
  if (family !== 'api-token') return [];
  const area = /^read:(.+)$/.exec(w.id)?.[1];
  return area ? granted.filter((g) => g !== w.id && g.endsWith(`:${area}`)) : [];
}

/** What a read probe's answer (not trouble) proves about its scope. */
export function probeVerdict(r: HttpResponse, path: string): Verdict {
  if (isApiSuccess(r)) return verified(verifiedByProbe(path));
  const denial = denialOf(r);
  if (denial.kind === 'scope') return missing(WHY.scopeDenied(path, bbError(r).granted));
  if (denial.kind === 'refused') return missing(WHY.refused(path));
  if (denial.kind === 'forbidden') return unverifiable(WHY.forbidden(path));
  return unverifiable(WHY.answered(path, r.status));
}
