/**
 * Small pure readers of Bitbucket Cloud's answers: who the credential is, what a repository or
 * workspace lookup found, why a request was denied and what a probe proved about a scope. No
 * requests and no sentences (a verdict's reason comes from messages.ts).
 */
import type { HttpOutcome, HttpResponse } from '../../http/client.js';
import type { Identity } from '../../report.js';
import { isApiSuccess, missing, successJson, unverifiable, verified, type Verdict } from '../online/index.js';
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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

// ───────────────────────────── denials ─────────────────────────────

/** `{"type":"error","error":{"message":…,"detail":…}}`; detail may carry `required` / `granted`. */
export function bbError(r: HttpResponse): { message: string; required: string[] } {
  const body = (r.isJson ? r.json : undefined) as { error?: { message?: unknown; detail?: unknown } } | undefined;
  const message = typeof body?.error?.message === 'string' ? body.error.message.slice(0, 200) : '';
  const detail = body?.error?.detail as { required?: unknown } | undefined;
  const required = Array.isArray(detail?.required) ? detail.required.filter((x): x is string => typeof x === 'string') : [];
  return { message, required };
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
}

export function rejection(r: HttpResponse, username: string | undefined): Rejection {
  return {
    realm: /realm="?Bitbucket\.org HTTP/i.test(r.headers['www-authenticate'] ?? ''),
    said: bbError(r).message,
    emailLike: looksLikeEmail(username),
  };
}

// ───────────────────────────── identity and project ─────────────────────────────

/** A 2xx whose JSON names nothing the check can use. */
export const NAMELESS = 'nameless';

/** The account of a `/2.0/user` answer; undefined when it is not a success with a JSON body. */
export function accountOf(r: HttpResponse): Identity | typeof NAMELESS | undefined {
  const u = successJson<{ display_name?: unknown; account_id?: unknown; uuid?: unknown; nickname?: unknown }>(r);
  if (!u) return undefined;
  const id = str(u.account_id) ?? str(u.uuid);
  return id ? { name: str(u.display_name) ?? str(u.nickname) ?? id, id } : NAMELESS;
}

/** The stored `workspace/slug` of a repository answer; undefined when it is not a success with a JSON body. */
export function repositoryNameOf(r: HttpResponse, ws: string): string | undefined {
  const repo = successJson<{ full_name?: unknown; slug?: unknown }>(r);
  if (!repo) return undefined;
  if (typeof repo.full_name === 'string') return repo.full_name;
  return typeof repo.slug === 'string' ? `${ws}/${repo.slug}` : NAMELESS;
}

/** The stored slug of a workspace answer. */
export function workspaceSlugOf(r: HttpOutcome | undefined): string | undefined {
  const w = successJson<{ slug?: unknown }>(r);
  return typeof w?.slug === 'string' ? w.slug : undefined;
}

/** The repository slugs of a listing. */
export function repositorySlugsOf(r: HttpOutcome): string[] {
  const list = successJson<{ values?: Array<{ slug?: unknown }> }>(r);
  return (Array.isArray(list?.values) ? list.values : []).map((v) => v?.slug).filter((x): x is string => typeof x === 'string');
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
  if (denial.kind === 'scope') return missing(WHY.scopeDenied(path));
  if (denial.kind === 'refused') return missing(WHY.refused(path));
  if (denial.kind === 'forbidden') return unverifiable(WHY.forbidden(path));
  return unverifiable(WHY.answered(path, r.status));
}
