/**
 * Small pure readers of GitHub's answers: who the token is, what the repository is, why a request was
 * denied. They decide (answer → facts, verdict or finding) and leave the wording to messages.ts.
 */
import type { HttpOutcome, HttpResponse } from '../../http/client.js';
import type { Finding } from '../../report.js';
import type { TokenAnalysis, UrlAnalysis } from '../types.js';
import {
  bodyText,
  boolean,
  describeProblem,
  dictionary,
  either,
  isApiSuccess,
  list,
  missing,
  networkFinding,
  number,
  object,
  optional,
  statement,
  statesExpired,
  statesRevoked,
  text,
  unexpectedResponse,
  unverifiable,
  verified,
  type Read,
  type Verdict,
} from '../online/index.js';
import * as say from './messages.js';
import { describeAccepted, parseScopesHeader } from './scopes.js';

/** The provider's reading of the URL: where the API is and where its settings pages are. */
export interface GitHubTarget {
  /** API base without trailing slash, e.g. https://api.github.com or https://ghes.example.com/api/v3. */
  base: string;
  origin: string;
  basePath: string;
  host: string;
  /** Host of the web UI (github.com, sub.ghe.com, the GHES host), for settings links. */
  web: string;
  ghes: boolean;
}

export function readTarget(url: UrlAnalysis): GitHubTarget {
  const base = url.normalized!.replace(/\/+$/, '');
  const u = new URL(base);
  const web = url.deployment === 'github.com' ? 'github.com' : url.deployment === 'ghe.com' ? u.host.replace(/^api\./, '') : u.host;
  return { base, origin: u.origin, basePath: u.pathname.replace(/\/+$/, ''), host: u.host, web, ghes: url.deployment === 'ghes' };
}

// ─── Token kinds ────────────────────────────────────────────────────────────────────────────────

const INSTALLATION_KINDS = new Set(['github.installation', 'github.installation-stateless']);
/** Kinds whose X-OAuth-Scopes lists real scopes (App user tokens and fine-grained PATs send it empty). */
const CLASSIC_KINDS = new Set(['github.classic-pat', 'github.oauth', 'github.legacy']);
const PAT_KINDS = new Set(['github.classic-pat', 'github.fine-grained-pat']);

export const isInstallation = (token: TokenAnalysis): boolean => INSTALLATION_KINDS.has(token.kind);
export const reportsClassicScopes = (token: TokenAnalysis): boolean => CLASSIC_KINDS.has(token.kind);
export const isPat = (token: TokenAnalysis): boolean => PAT_KINDS.has(token.kind);

export function fixFamily(token: TokenAnalysis): say.FixFamily {
  if (isInstallation(token)) return 'installation';
  if (token.kind === 'github.fine-grained-pat') return 'fine-grained';
  return token.kind === 'github.oauth' ? 'oauth' : 'other';
}

function rejectedFamily(token: TokenAnalysis): say.RejectedFamily {
  if (token.kind === 'github.refresh-token') return 'refresh';
  return isInstallation(token) ? 'installation' : 'personal';
}

// ─── Any answer ─────────────────────────────────────────────────────────────────────────────────

/** GitHub's own `message` of an error answer, or ''. */
const ghMessage = (r: HttpResponse): string => bodyText(r, 'message');

/** GitHub's correlation id, for support requests (never a secret). */
const requestId = (r: HttpResponse): string | undefined => r.headers['x-github-request-id'];

/** `network.unexpected-response` for an answer that says nothing about the token, with GitHub's request id. */
const unexpected = (r: HttpResponse, about: string): Finding =>
  unexpectedResponse(r, say.PROVIDER, `${about}${say.requestIdText(requestId(r))}`);

/** A final rate-limited answer (the client retried what it could): 429, or GitHub's 403 for a used-up or secondary limit. */
function isRateLimited(r: HttpResponse): boolean {
  if (r.status === 429) return true;
  return r.status === 403 && (r.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(ghMessage(r)));
}

/** The last instant a Date holds: a reset beyond it (1e17) is no time at all, not a crash when printed. */
const MAX_DATE_MS = 8.64e15;

function rateLimitFacts(r: HttpResponse): say.RateLimitFacts {
  const reset = Number(r.headers['x-ratelimit-reset']);
  const cause = r.headers['x-ratelimit-remaining'] === '0' ? 'used-up' : /secondary/i.test(ghMessage(r)) ? 'secondary' : 'limiting';
  return {
    host: new URL(r.url).host,
    status: r.status,
    cause,
    ...(Number.isFinite(reset) && reset > 0 && reset * 1000 <= MAX_DATE_MS ? { reset: new Date(reset * 1000) } : {}),
    ...(r.headers['x-ratelimit-resource'] ? { resource: r.headers['x-ratelimit-resource'] } : {}),
    ...(requestId(r) ? { requestId: requestId(r) } : {}),
  };
}

/** An answer that never got to the token: no response at all, or a final rate limit. */
interface Unanswered {
  kind: 'unanswered';
  cause: 'no-response' | 'rate-limited';
  finding: Finding;
}

/** GitHub's answer to read, or why there is none. */
function answerOf(r: HttpOutcome): HttpResponse | Unanswered {
  if (r.kind === 'network') return { kind: 'unanswered', cause: 'no-response', finding: networkFinding(r, say.PROVIDER) };
  if (isRateLimited(r)) return { kind: 'unanswered', cause: 'rate-limited', finding: say.rateLimited(rateLimitFacts(r)) };
  return r;
}

/** GitHub's documented SAML refusal: it means single sign-on even when a proxy dropped X-GitHub-SSO. */
const SAML_ENFORCEMENT = /\bprotected by organization SAML enforcement\b/i;

/** `X-GitHub-SSO: required; url=https://github.com/orgs/…/sso?authorization_request=…` → the URL ('' if none). */
function ssoUrl(r: HttpResponse): string | undefined {
  if (r.status !== 403 && r.status !== 404) return undefined;
  const h = r.headers['x-github-sso'];
  if (h && /\brequired\b/i.test(h)) return /url=(\S+)/i.exec(h)?.[1]?.replace(/[;,]$/, '') ?? '';
  return SAML_ENFORCEMENT.test(statement(r)) ? '' : undefined;
}

/**
 * Organisation policies GitHub names in a 403's message (docs.github.com: "Managing allowed IP
 * addresses for your organization", "Setting a personal access token policy for your organization"):
 * the refusal is the policy's, not a missing permission's.
 */
const POLICIES: ReadonlyArray<{ kind: say.PolicyKind; re: RegExp }> = [
  { kind: 'ip-allow-list', re: /\bhas an IP allow list enabled\b/i },
  { kind: 'token-lifetime', re: /\bforbids access via a [^.|]{0,60}?if the token's lifetime is greater than (\d{1,5}) days?\b/i },
  { kind: 'classic-forbidden', re: /\bforbids access via a personal access token \(classic\)/i },
  { kind: 'oauth-restricted', re: /\bhas enabled OAuth App access restrictions\b/i },
];

/** The policy a 403 names, with GitHub's own words; undefined when it names none. */
export function policyOf(r: HttpResponse): say.PolicyFacts | undefined {
  if (r.status !== 403) return undefined;
  const said = statement(r);
  for (const { kind, re } of POLICIES) {
    const m = re.exec(said);
    if (!m) continue;
    const org = /\b(?:the )?['`"]?([A-Za-z0-9][A-Za-z0-9-]{0,38})['`"]? organization\b/.exec(said)?.[1];
    const url = /\bhttps:\/\/[^\s"'<>|]{1,200}\/settings\/personal-access-tokens\/\d{1,20}\b/.exec(said)?.[0];
    return { kind, said, ...(org ? { org } : {}), ...(m[1] ? { days: m[1] } : {}), ...(url ? { url } : {}) };
  }
  return undefined;
}

// ─── Identity ───────────────────────────────────────────────────────────────────────────────────

export interface UserFacts {
  login: string;
  id?: string;
  type?: string;
}

const USER = object({ login: optional(text), id: optional(either(number, text)), type: optional(text) });

/** The `/user` body: its login, id and account type (login undefined: it has none); or the field not as documented. */
function readUser(json: unknown): Read<Partial<UserFacts>> {
  const u = USER.read(json, '');
  if (!u.ok) return u;
  const { login, id, type } = u.value;
  return { ok: true, value: { login, ...(id === undefined ? {} : { id: String(id) }), ...(type === undefined ? {} : { type }) } };
}

/** The `/installation/repositories` body: how many repositories, and the full names of the first page. */
export interface InstallationFacts {
  total: number;
  names: string[];
}

const REPOSITORY_NAMES = list(object({ full_name: optional(text) }));
const INSTALLATION = object({ total_count: optional(number), repositories: optional(REPOSITORY_NAMES) });

function readInstallation(json: unknown): Read<InstallationFacts> {
  const body = INSTALLATION.read(json, '');
  if (!body.ok) return body;
  const names = namesOf(body.value.repositories ?? []);
  return { ok: true, value: { names, total: body.value.total_count ?? names.length } };
}

const namesOf = (repos: ReadonlyArray<{ full_name: string | undefined }>): string[] =>
  repos.map((x) => x.full_name).filter((x): x is string => x !== undefined);

/** The `full_name`s of a list of repositories (none when it is not as documented: they only explain a repository not found). */
export function fullNames(json: unknown): string[] {
  const repos = REPOSITORY_NAMES.read(json, '');
  return repos.ok ? namesOf(repos.value) : [];
}

/** What an identity request said: the facts, `integration` (GET /user refused an installation token), or the finding that stops the check. */
export type IdentityAnswer<T> = { kind: 'ok'; facts: T; r: HttpResponse } | { kind: 'integration' } | { kind: 'failed'; finding: Finding };

const failed = (finding: Finding): { kind: 'failed'; finding: Finding } => ({ kind: 'failed', finding });

export function readUserAnswer(r: HttpOutcome, target: GitHubTarget, token: TokenAnalysis): IdentityAnswer<UserFacts> {
  const a = answerOf(r);
  if (a.kind === 'unanswered') return failed(a.finding);
  if (a.status === 200 && a.isJson) {
    const user = readUser(a.json);
    if (!user.ok) return failed(unexpected(a, `${say.ABOUT.identity}: ${describeProblem(user.problem)}`));
    const { login, ...rest } = user.value;
    return login === undefined ? failed(unexpected(a, say.ABOUT.noLogin)) : { kind: 'ok', facts: { login, ...rest }, r: a };
  }
  const refused = refusal(a, target, token);
  if (refused) return failed(refused);
  if (a.status === 403 && /not accessible by integration/i.test(ghMessage(a))) return { kind: 'integration' };
  if (a.status === 404) return failed(say.noApi(target.base, target.ghes));
  return failed(unexpected(a, say.ABOUT.identity));
}

export function readInstallationAnswer(r: HttpOutcome, target: GitHubTarget, token: TokenAnalysis): IdentityAnswer<InstallationFacts> {
  const a = answerOf(r);
  if (a.kind === 'unanswered') return failed(a.finding);
  if (a.status === 200 && a.isJson) {
    const facts = readInstallation(a.json);
    return facts.ok
      ? { kind: 'ok', facts: facts.value, r: a }
      : failed(unexpected(a, `${say.ABOUT.installation}: ${describeProblem(facts.problem)}`));
  }
  return failed(refusal(a, target, token) ?? unexpected(a, say.ABOUT.installation));
}

/** GitHub answers expired and revoked tokens alike (`Bad credentials`); where an answer does say which, that is the finding. */
function statedRefusal(a: HttpResponse, target: GitHubTarget): Finding | undefined {
  const said = statement(a);
  if (statesExpired(said)) return say.expired(target.host);
  return statesRevoked(said) ? say.revoked(target.host) : undefined;
}

/** The token refused as such: expired or rejected (401), locked out after failed attempts, or refused by a policy or single sign-on. */
function refusal(a: HttpResponse, target: GitHubTarget, token: TokenAnalysis): Finding | undefined {
  if (a.status === 401) return statedRefusal(a, target) ?? say.rejected(rejectedFacts(a, target, token));
  if (a.status === 403 && /login attempts/i.test(ghMessage(a))) return say.lockedOut(target.host);
  const policy = policyOf(a);
  if (policy) return say.policyBlocked(policy, say.SUBJECT.identity);
  const sso = ssoUrl(a);
  return sso === undefined ? undefined : say.ssoRequired(sso, say.SUBJECT.identity);
}

function rejectedFacts(r: HttpResponse, target: GitHubTarget, token: TokenAnalysis): say.RejectedFacts {
  return {
    host: target.host,
    web: target.web,
    label: token.label,
    family: rejectedFamily(token),
    statelessOnGhes: token.kind === 'github.installation-stateless' && target.ghes,
    status: r.status,
    message: ghMessage(r),
    ...(requestId(r) ? { requestId: requestId(r) } : {}),
  };
}

/** The classic scopes the token carries (X-OAuth-Scopes), for the kinds that report them. */
export function grantedClassic(token: TokenAnalysis, identity: HttpResponse): string[] | undefined {
  const header = identity.headers['x-oauth-scopes'];
  return reportsClassicScopes(token) && header !== undefined ? parseScopesHeader(header) : undefined;
}

/** `YYYY-MM-DD HH:MM:SS UTC` (classic) or `YYYY-MM-DD HH:MM:SS ±HHMM`. */
export function parseExpirationHeader(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})$/i.exec(value.trim());
  if (!m) return undefined;
  const zone = m[7]!.toUpperCase();
  const offset = /^[+-]/.test(zone) ? `${zone.slice(0, 3)}:${zone.slice(-2)}` : 'Z';
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The GHES version from `/meta`, if it answered. */
export function serverVersion(meta: HttpOutcome | undefined): string | undefined {
  if (meta?.kind !== 'response' || meta.status !== 200 || !meta.isJson) return undefined;
  return bodyText(meta, 'installed_version') || undefined;
}

// ─── Redirects and the repository ───────────────────────────────────────────────────────────────

/** A GET whose 301/307/308 may have been followed once. */
export interface Followed {
  r: HttpOutcome;
  /** A redirect was followed (renamed or transferred repository). */
  moved: boolean;
  /** Where the redirect pointed (origin and path, no query) when that is off the configured API: not followed. */
  offApi?: string;
}

/** A redirect a renamed or transferred repository answers with (301; 307/308 for a temporary move). */
export const isRedirect = (r: HttpResponse): boolean => [301, 307, 308].includes(r.status);

/** Where a redirect points: its Location, or the `url` GitHub puts in the body. */
export function redirectLocation(r: HttpResponse): string | undefined {
  return r.headers.location ?? (bodyText(r, 'url') || undefined);
}

/** Is `url` on the configured API (same origin, under the API base)? */
export const onApi = (url: URL, target: GitHubTarget): boolean =>
  url.origin === target.origin && (url.pathname === target.basePath || url.pathname.startsWith(`${target.basePath}/`));

export interface Repo {
  fullName: string;
  private: boolean;
  /** The token user's role on it (`permissions`), when GitHub sent one. */
  permissions?: Record<string, unknown>;
}

/** What the repository lookup said: the repository (with notes), not found, or why it cannot be used. */
export type RepoAnswer =
  { kind: 'found'; repo: Repo; notes: Finding[] } | { kind: 'not-found' } | { kind: 'blocked'; why: string; finding: Finding };

export function readRepoAnswer(f: Followed, requested: string, target: GitHubTarget): RepoAnswer {
  const r = answerOf(f.r);
  if (r.kind === 'unanswered') return blocked(say.BLOCKED[r.cause], r.finding);
  const sso = ssoUrl(r);
  if (sso !== undefined) return blocked(say.BLOCKED.sso, say.ssoRequired(sso, say.SSO_SUBJECT.repository(requested)));
  const policy = policyOf(r);
  if (policy) return blocked(say.BLOCKED.policy, say.policyBlocked(policy, say.SUBJECT.repository(requested)));
  if (r.status === 200 && r.isJson) return found(r, requested, f.moved);
  if (isRedirect(r)) return blocked(say.BLOCKED.moved, say.movedOffApi(requested, r.status, f.offApi, target.base));
  if (r.status === 404) return { kind: 'not-found' };
  if (r.status === 403) {
    const accepted = describeAccepted(r.headers['x-accepted-github-permissions']);
    return blocked(say.BLOCKED.refused, say.repositoryRefused(requested, ghMessage(r), accepted));
  }
  return blocked(say.BLOCKED.failed, unexpected(r, say.ABOUT.repository));
}

const blocked = (why: string, finding: Finding): RepoAnswer => ({ kind: 'blocked', why, finding });

const REPOSITORY = object({
  full_name: optional(text),
  private: optional(boolean),
  archived: optional(boolean),
  disabled: optional(boolean),
  permissions: optional(dictionary(boolean)),
});

/** The repository as found: its stored name, and what later steps need to know (renamed, casing, archived, disabled). */
function found(r: HttpResponse, requested: string, moved: boolean): RepoAnswer {
  const read = REPOSITORY.read(r.json, '');
  if (!read.ok) return blocked(say.BLOCKED.failed, unexpected(r, `${say.ABOUT.repository}: ${describeProblem(read.problem)}`));
  const body = read.value;
  const fullName = body.full_name ?? requested;
  const notes: Finding[] = [];
  if (moved || fullName.toLowerCase() !== requested.toLowerCase()) notes.push(say.renamed(requested, fullName));
  else if (fullName !== requested) notes.push(say.caseMismatch(requested, fullName));
  if (body.archived === true) notes.push(say.archived(fullName));
  if (body.disabled === true) notes.push(say.disabled(fullName));
  return { kind: 'found', repo: { fullName, private: body.private === true, permissions: body.permissions }, notes };
}

// ─── Permission probes ──────────────────────────────────────────────────────────────────────────

/** What a permission probe proved, and the finding for trouble it met (reported once per cause). */
export interface ProbeReading {
  verdict: Verdict;
  finding?: Finding;
}

export function readProbe(f: Followed, path: string): ProbeReading {
  const r = answerOf(f.r);
  if (r.kind === 'unanswered') return { verdict: unverifiable(say.PROBE[r.cause]), finding: r.finding };
  // Trouble here is no answer, a rate limit, single sign-on or a server error; any other answer is the
  // probe's own (a 3xx not followed or a non-JSON page included: the feature may be off for the repository).
  const sso = ssoUrl(r);
  if (sso !== undefined) return { verdict: unverifiable(say.PROBE.sso), finding: say.ssoRequired(sso, say.SSO_SUBJECT.probe) };
  const policy = policyOf(r);
  if (policy) return { verdict: unverifiable(say.PROBE.policy), finding: say.policyBlocked(policy, say.SUBJECT.probe(path)) };
  if (r.status >= 500) return { verdict: unverifiable(say.PROBE.server), finding: unexpected(r, say.ABOUT.probe) };
  return { verdict: probeAnswer(r, path) };
}

/** The probe's answer on the permission itself. Any other answer says only that the probe could not tell. */
function probeAnswer(r: HttpResponse, path: string): Verdict {
  if (isApiSuccess(r)) return verified();
  // An empty repository answers 409 "Git Repository is empty." after the permission check passed.
  if (r.status === 409 && /empty/i.test(ghMessage(r))) return verified(say.PROBE.empty);
  if (r.status === 403) return deniesPermission(r) ? missing(why403(r, path)) : unverifiable(say.probeRefused(path, statement(r)));
  const org = /^\/orgs\/([^/]+)\//.exec(path)?.[1];
  if (r.status === 404 && org) return unverifiable(say.probeNoOrganisation(path, decodeURIComponent(org)));
  return unverifiable(say.probeOther(path, r.status, ghMessage(r)));
}

/**
 * A 403 that is about the token's access: GitHub says "Resource not accessible by personal access
 * token" (fine-grained PATs) or "… by integration" (App tokens) when a permission is missing
 * (docs.github.com/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens). Other
 * 403s refuse the feature, not the token: "Advanced Security must be enabled for this repository to use
 * code scanning", "Dependabot alerts are disabled for this repository". `X-Accepted-GitHub-Permissions`
 * comes on every answer to such tokens, granted or not, so it alone proves nothing missing.
 */
const NOT_ACCESSIBLE = /\bresource not accessible by (?:personal access token|integration)\b/i;
const deniesPermission = (r: HttpResponse): boolean => NOT_ACCESSIBLE.test(statement(r));

/** Why GitHub denied a read-only probe: its message and the permissions or scopes it would accept. */
function why403(r: HttpResponse, path: string): string {
  const accepted = describeAccepted(r.headers['x-accepted-github-permissions']);
  const oauth = r.headers['x-accepted-oauth-scopes']?.trim();
  return say.probeDenied(path, ghMessage(r), accepted, oauth || undefined);
}
