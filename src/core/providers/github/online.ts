/**
 * GitHub online checks (github.com, GHE.com, GHES; spec provider-apis.md §3). Two round trips:
 * 1. identity — `GET /user` (PATs, OAuth, App user tokens) or `GET /installation/repositories`
 *    (installation tokens, incl. Actions' GITHUB_TOKEN) — plus `GET /meta` on GHES;
 * 2. the repository lookup and every permission probe, all at once.
 * A third happens only to explain a missing repository (does the owner exist, which names can the
 * token see). Every request is a GET; a 301 for a renamed repository is followed once, same origin only.
 */
import type { HttpClient, HttpOutcome, HttpResponse } from '../../http/client.js';
import { CODES } from '../../codes.js';
import { finding, type Finding, type Identity } from '../../report.js';
import { closestNames, configuredOrigin, networkFinding, unexpectedResponse } from '../online/index.js';
import { withoutUserinfo } from '../../url-common.js';
import type { OnlineChecks, OnlineInput, OnlineResult, TokenAnalysis, UrlAnalysis } from '../types.js';
import {
  classicParents,
  describeAccepted,
  expandClassic,
  hasRight,
  parseRequired,
  parseScopesHeader,
  type GitHubPermission,
  type RequiredItem,
} from './scopes.js';

const HEADERS = { accept: 'application/vnd.github+json' };
const INSTALLATION_KINDS = new Set(['github.installation', 'github.installation-stateless']);
/** Kinds whose X-OAuth-Scopes lists real scopes (App user tokens and fine-grained PATs send it empty). */
const CLASSIC_KINDS = new Set(['github.classic-pat', 'github.oauth', 'github.legacy']);
const PAT_KINDS = new Set(['github.classic-pat', 'github.fine-grained-pat']);

interface Ctx {
  http: HttpClient;
  input: OnlineInput;
  /** API base without trailing slash, e.g. https://api.github.com or https://ghes.example.com/api/v3. */
  base: string;
  origin: string;
  basePath: string;
  /** Host of the web UI (github.com, sub.ghe.com, the GHES host), for settings links. */
  web: string;
  findings: Finding[];
}

const unexpected = (r: HttpResponse, context: string): Finding => unexpectedResponse(r, 'GitHub', `${context}${requestId(r)}`);

/** GitHub's correlation id, for support requests (never a secret). */
const requestId = (r: HttpResponse): string => (r.headers['x-github-request-id'] ? `, request id ${r.headers['x-github-request-id']}` : '');

const message = (r: HttpResponse): string => {
  const m = r.isJson ? (r.json as { message?: unknown } | undefined)?.message : undefined;
  return typeof m === 'string' ? m : '';
};

function isRateLimited(r: HttpOutcome): boolean {
  if (r.kind !== 'response') return false;
  if (r.status === 429) return true;
  return r.status === 403 && (r.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message(r)));
}

/**
 * One GET. The HTTP client retries 429 itself; a 403 rate limit (GitHub's primary limit, or a
 * secondary limit with Retry-After) is waited out here once, when the wait is short and affordable.
 */
async function ghGet(c: Ctx, url: string): Promise<HttpOutcome> {
  // Rate-limit waits and retries live in the HTTP client.
  return c.http.get(url, HEADERS);
}

interface Followed {
  r: HttpOutcome;
  /** A 301/307 was followed (renamed or transferred repository). */
  moved: boolean;
  /** Where the redirect pointed (origin and path, no query) when that is off the configured API: not followed. */
  offApi?: string;
}

/** GET that follows one 301/307/308 manually, only to the same origin and API base. */
async function getFollow(c: Ctx, url: string): Promise<Followed> {
  const r = await ghGet(c, url);
  if (r.kind !== 'response' || ![301, 307, 308].includes(r.status)) return { r, moved: false };
  const body = r.isJson ? (r.json as { url?: unknown }) : undefined;
  const location = r.headers.location ?? (typeof body?.url === 'string' ? body.url : undefined);
  let target: URL;
  try {
    target = new URL(location ?? '', url);
  } catch {
    return { r, moved: false };
  }
  if (!location || target.origin !== c.origin || !(target.pathname === c.basePath || target.pathname.startsWith(`${c.basePath}/`))) {
    return { r, moved: false, offApi: location ? `${target.origin}${target.pathname}` : undefined };
  }
  return { r: await ghGet(c, target.href), moved: true };
}

function rateLimitFinding(r: HttpResponse): Finding {
  const host = new URL(r.url).host;
  const reset = Number(r.headers['x-ratelimit-reset']);
  const resource = r.headers['x-ratelimit-resource'];
  const when =
    Number.isFinite(reset) && reset > 0
      ? ` (the limit${resource ? ` for "${resource}"` : ''} resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC)`
      : '';
  const kind =
    r.headers['x-ratelimit-remaining'] === '0'
      ? 'the API rate limit of this token is used up'
      : /secondary/i.test(message(r))
        ? 'a secondary rate limit was hit'
        : 'it is rate limiting the requests';
  return finding(
    'network.rate-limited',
    'error',
    `${host} answered ${r.status}: ${kind}${when}${requestId(r)}; nothing is known about the token from it.`,
    `${CODES['network.rate-limited'].fix} Another job using the same token or app may be consuming its limit.`,
  );
}

/** `X-GitHub-SSO: required; url=https://github.com/orgs/…/sso?authorization_request=…` */
function ssoUrl(r: HttpOutcome): string | undefined {
  if (r.kind !== 'response' || (r.status !== 403 && r.status !== 404)) return undefined;
  const h = r.headers['x-github-sso'];
  if (!h || !/\brequired\b/i.test(h)) return undefined;
  return /url=(\S+)/i.exec(h)?.[1]?.replace(/[;,]$/, '') ?? '';
}

function ssoFinding(url: string, what: string): Finding {
  return finding(
    'token.sso-required',
    'error',
    `The token is valid, but ${what} belongs to an organisation that enforces SAML single sign-on and the token is not authorised for it${url ? `; authorise it at ${url} (valid for one hour)` : ''}.`,
    url
      ? `Open ${url} while signed in to GitHub and authorise the token, then re-run.`
      : 'GitHub → Settings → Developer settings → Personal access tokens → Configure SSO → Authorize for the organisation; then re-run.',
  );
}

function push(c: Ctx, f: Finding): void {
  // One network / rate-limit / SSO finding per code is enough: the probes share the cause.
  if ((f.code.startsWith('network.') || f.code === 'token.sso-required') && c.findings.some((x) => x.code === f.code)) return;
  c.findings.push(f);
}

function rejected(c: Ctx, token: TokenAnalysis, r: HttpResponse): Finding {
  const detail = `${r.status} ${message(r) || 'Bad credentials'}`;
  const host = new URL(c.base).host;
  const installation = INSTALLATION_KINDS.has(token.kind);
  const otherHost =
    'it was created on another GitHub host (github.com, a GHE.com subdomain and each GitHub Enterprise Server issue their own tokens)';
  const causes =
    token.kind === 'github.refresh-token'
      ? ['it is a GitHub App refresh token (ghr_): refresh tokens only buy a new user access token and never authenticate API calls']
      : installation
        ? [
            "it expired: installation tokens live one hour, and Actions' GITHUB_TOKEN stops working when its job ends (use it in the job that received it)",
            'the app was uninstalled or suspended, or the token was revoked',
            'it was mistyped or truncated when the secret was saved',
            otherHost,
          ]
        : [
            'it was revoked or deleted (by its owner, an organisation admin, or GitHub itself: tokens found in public code are revoked automatically, and unused classic tokens after a year)',
            'it expired: GitHub answers an expired token exactly like a revoked one',
            'it was mistyped or truncated when the secret was saved',
            otherHost,
          ];
  if (token.kind === 'github.installation-stateless' && c.input.url.deployment === 'ghes') {
    // GitHub Enterprise Server never issues the stateless format: the token is from github.com / GHE.com.
    causes.unshift(
      'GitHub Enterprise Server does not issue stateless installation tokens, so this one comes from github.com or a GHE.com subdomain',
    );
  }
  return finding(
    'token.rejected',
    'error',
    `GitHub at ${host} rejected the ${token.label} (${detail}${requestId(r)}). Likely causes, most likely first: ${causes.map((x, i) => `(${i + 1}) ${x}`).join('; ')}.`,
    token.kind === 'github.refresh-token'
      ? 'Exchange the refresh token for a user access token (POST /login/oauth/access_token with grant_type=refresh_token) and pass that token instead.'
      : installation
        ? "Mint a fresh installation token right before the steps that use it (or pass the current job's GITHUB_TOKEN), for this host."
        : `Create a new token at https://${c.web}/settings/tokens (on the host the API belongs to) and update the secret.`,
  );
}

function lockedOut(c: Ctx): Finding {
  return finding(
    'token.rejected',
    'error',
    `GitHub at ${new URL(c.base).host} is temporarily refusing every sign-in for this user after repeated failed attempts (403 "Maximum number of login attempts exceeded"); while it lasts even a valid token is refused, so this run cannot tell whether the token works.`,
    'Stop the jobs that keep sending a wrong token for this user, wait a few minutes, and re-run; then replace any secret that is rejected.',
  );
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

interface IdentityResult {
  ok: boolean;
  identity?: Identity;
  response?: HttpResponse;
  installation: boolean;
  /** Installation: full names of the repositories it can access (first page). */
  repositories?: string[];
  login?: string;
}

function readUser(c: Ctx, r: HttpOutcome, token: TokenAnalysis): IdentityResult | 'integration' {
  const fail = (f: Finding): IdentityResult => {
    push(c, f);
    return { ok: false, installation: false };
  };
  if (r.kind === 'network') return fail(networkFinding(r, 'GitHub'));
  if (r.kind === 'response' && isRateLimited(r)) return fail(rateLimitFinding(r));
  if (r.status === 200 && r.isJson) {
    const u = r.json as { login?: unknown; id?: unknown; type?: unknown };
    if (typeof u.login !== 'string') return fail(unexpected(r, 'the /user answer has no login'));
    const id = u.id === undefined ? undefined : String(u.id);
    push(
      c,
      finding(
        'token.identity',
        'info',
        `Authenticated as ${u.login}${id ? ` (id ${id}${typeof u.type === 'string' ? `, ${u.type}` : ''})` : ''}.`,
        'None needed.',
      ),
    );
    return { ok: true, installation: false, identity: { name: u.login, ...(id ? { id } : {}) }, response: r, login: u.login };
  }
  if (r.status === 401) return fail(rejected(c, token, r));
  if (r.status === 403 && /login attempts/i.test(message(r))) return fail(lockedOut(c));
  if (r.status === 403 && /not accessible by integration/i.test(message(r))) return 'integration';
  if (r.status === 404) {
    return fail(
      finding(
        'url.org-not-found',
        'error',
        `There is no GitHub API at ${c.base} (404 on /user)${c.input.url.deployment === 'ghes' ? '; a GitHub Enterprise Server serves it at https://{host}/api/v3' : ''}.`,
        'Check the URL: github.com, https://{sub}.ghe.com, or https://{host}/api/v3 for GitHub Enterprise Server (GITHUB_API_URL on a runner).',
      ),
    );
  }
  return fail(unexpected(r, 'identity'));
}

function readInstallation(c: Ctx, r: HttpOutcome, token: TokenAnalysis): IdentityResult {
  const fail = (f: Finding): IdentityResult => {
    push(c, f);
    return { ok: false, installation: true };
  };
  if (r.kind === 'network') return fail(networkFinding(r, 'GitHub'));
  if (r.kind === 'response' && isRateLimited(r)) return fail(rateLimitFinding(r));
  if (r.status === 200 && r.isJson) {
    const body = r.json as { total_count?: unknown; repositories?: Array<{ full_name?: unknown }> };
    const names = (body.repositories ?? []).map((x) => x.full_name).filter((x): x is string => typeof x === 'string');
    const n = typeof body.total_count === 'number' ? body.total_count : names.length;
    const name = `GitHub App installation (${n} ${n === 1 ? 'repository' : 'repositories'})`;
    const shown = names.slice(0, 5).join(', ') + (n > 5 ? ', …' : '');
    push(c, finding('token.identity', 'info', `Authenticated as a ${name}${names.length ? `: ${shown}` : ''}.`, 'None needed.'));
    return { ok: true, installation: true, identity: { name }, response: r, repositories: names };
  }
  if (r.status === 401) return fail(rejected(c, token, r));
  if (r.status === 403 && /login attempts/i.test(message(r))) return fail(lockedOut(c));
  return fail(unexpected(r, 'installation identity'));
}

async function identify(c: Ctx, token: TokenAnalysis, first: HttpOutcome): Promise<IdentityResult> {
  if (INSTALLATION_KINDS.has(token.kind)) return readInstallation(c, first, token);
  const u = readUser(c, first, token);
  if (u !== 'integration') return u;
  // GET /user refuses installation tokens; a token we could not classify may still be one.
  return readInstallation(c, await ghGet(c, `${c.base}/installation/repositories?per_page=100`), token);
}

type Verdict = { v: 'verified'; note?: string } | { v: 'missing'; why: string } | { v: 'unverifiable'; why: string };

function probeVerdict(c: Ctx, f: Followed, path: string): Verdict {
  const r = f.r;
  if (r.kind === 'network') {
    push(c, networkFinding(r, 'GitHub'));
    return { v: 'unverifiable', why: 'its probe got no response' };
  }
  if (r.kind === 'response' && isRateLimited(r)) {
    push(c, rateLimitFinding(r));
    return { v: 'unverifiable', why: 'its probe was rate limited' };
  }
  const sso = ssoUrl(r);
  if (sso !== undefined) {
    push(c, ssoFinding(sso, 'the repository'));
    return { v: 'unverifiable', why: 'single sign-on blocks the probe' };
  }
  if (r.status >= 200 && r.status < 300 && r.isJson) return { v: 'verified' };
  // An empty repository answers 409 "Git Repository is empty." after the permission check passed.
  if (r.status === 409 && /empty/i.test(message(r))) return { v: 'verified', note: 'the repository is empty' };
  if (r.status === 403) {
    const accepted = describeAccepted(r.headers['x-accepted-github-permissions']);
    const oauth = r.headers['x-accepted-oauth-scopes']?.trim();
    return {
      v: 'missing',
      why: `the read-only probe GET ${path} was denied (403${message(r) ? ` "${message(r)}"` : ''})${accepted ? `; GitHub says it needs ${accepted}` : ''}${oauth ? `; classic scopes accepted: ${oauth}` : ''}`,
    };
  }
  if (r.status === 429 || r.status >= 500) {
    push(c, unexpected(r, 'permission probe'));
    return { v: 'unverifiable', why: 'its probe failed on the server side' };
  }
  const org = /^\/orgs\/([^/]+)\//.exec(path)?.[1];
  if (r.status === 404 && org) {
    return {
      v: 'unverifiable',
      why: `its probe GET ${path} answered 404: "${decodeURIComponent(org)}" is not an organisation the token can see, and this is an organisation permission`,
    };
  }
  return {
    v: 'unverifiable',
    why: `its probe GET ${path} answered ${r.status}${message(r) ? ` "${message(r)}"` : ''} (the feature may be turned off for the repository)`,
  };
}

interface Repo {
  fullName: string;
  private: boolean;
  permissions?: Record<string, unknown>;
}

async function checkRepo(
  c: Ctx,
  requested: string,
  f: Followed,
  id: IdentityResult,
): Promise<{ repo?: Repo; canonical?: string; blocked?: string }> {
  const r = f.r;
  if (r.kind === 'network') {
    push(c, networkFinding(r, 'GitHub'));
    return { blocked: 'the repository lookup got no response' };
  }
  if (r.kind === 'response' && isRateLimited(r)) {
    push(c, rateLimitFinding(r));
    return { blocked: 'the repository lookup was rate limited' };
  }
  const sso = ssoUrl(r);
  if (sso !== undefined) {
    push(c, ssoFinding(sso, `the repository "${requested}"`));
    return { blocked: 'single sign-on blocks the repository' };
  }
  if (r.status === 200 && r.isJson) {
    const body = r.json as {
      full_name?: unknown;
      private?: unknown;
      archived?: unknown;
      disabled?: unknown;
      permissions?: Record<string, unknown>;
    };
    const fullName = typeof body.full_name === 'string' ? body.full_name : requested;
    if (f.moved || fullName.toLowerCase() !== requested.toLowerCase()) {
      push(
        c,
        finding(
          'project.renamed',
          'error',
          `The repository "${requested}" was renamed or transferred: it is now "${fullName}". GitHub redirects API reads of the old name, but pushes, Actions references and other tools may not follow.`,
          `Use "${fullName}".`,
        ),
      );
    } else if (fullName !== requested) {
      push(
        c,
        finding(
          'project.case-mismatch',
          'error',
          `The repository exists as "${fullName}", not "${requested}"; GitHub matched it ignoring case, but later steps that compare names exactly will not.`,
          `Use "${fullName}" exactly.`,
        ),
      );
    }
    if (body.archived === true) {
      push(
        c,
        finding(
          'project.archived',
          'warning',
          `The repository "${fullName}" is archived: it is read-only, so pushes, issues, pull requests and releases will fail.`,
          CODES['project.archived'].fix,
        ),
      );
    }
    if (body.disabled === true) {
      push(
        c,
        finding(
          'project.unavailable',
          'error',
          `The repository "${fullName}" is disabled by GitHub (for example for billing or a policy violation), so later steps cannot use it.`,
          'Ask the repository or organisation owner to resolve what disabled it (repository settings, billing).',
        ),
      );
    }
    return { repo: { fullName, private: body.private === true, permissions: body.permissions }, canonical: fullName };
  }
  if ([301, 307, 308].includes(r.status)) {
    push(
      c,
      finding(
        'project.renamed',
        'error',
        `The repository "${requested}" was moved (${r.status}) to ${f.offApi ?? 'another location'}, which is outside the configured API (${c.base}); the redirect was not followed with the token.`,
        "Use the repository's new name (open it in the browser to see it).",
      ),
    );
    return { blocked: 'the repository moved' };
  }
  if (r.status === 404) {
    push(c, await notFound(c, requested, id));
    return { blocked: 'the repository was not found' };
  }
  if (r.status === 403) {
    const accepted = describeAccepted(r.headers['x-accepted-github-permissions']);
    push(
      c,
      finding(
        'scope.missing',
        'error',
        `GitHub refused to read the repository "${requested}" (403${message(r) ? ` "${message(r)}"` : ''})${accepted ? `; it needs ${accepted}` : ''}.`,
        "Do what GitHub's message says (an organisation may forbid classic tokens, limit token lifetimes or require approval of fine-grained tokens); then update the secret.",
      ),
    );
    return { blocked: 'the repository could not be read' };
  }
  push(c, unexpected(r, 'repository lookup'));
  return { blocked: 'the repository lookup failed' };
}

/** 404: say both possibilities; a third round trip (owner, visible names) makes it specific. */
async function notFound(c: Ctx, requested: string, id: IdentityResult): Promise<Finding> {
  const [owner] = requested.split('/');
  let names = id.repositories ?? [];
  let ownerMissing = false;
  if (!id.installation) {
    const [user, list] = await Promise.all([
      ghGet(c, `${c.base}/users/${encodeURIComponent(owner!)}`),
      ghGet(c, `${c.base}/user/repos?per_page=100&sort=full_name`),
    ]);
    ownerMissing = user.kind === 'response' && user.status === 404;
    if (list.kind === 'response' && list.status === 200 && Array.isArray(list.json)) {
      names = (list.json as Array<{ full_name?: unknown }>).map((x) => x.full_name).filter((x): x is string => typeof x === 'string');
    }
  }
  const sameOwner = names.filter((n) => n.split('/')[0]!.toLowerCase() === owner!.toLowerCase());
  const near = closestNames(requested, sameOwner.length ? sameOwner : names, 3);
  const seen = near.length ? ` Closest names the token can see: ${near.map((n) => `"${n}"`).join(', ')}.` : '';
  const why = ownerMissing
    ? `The owner "${owner}" does not exist on ${new URL(c.base).host}, so the repository "${requested}" does not exist either.`
    : id.installation
      ? `The repository "${requested}" does not exist, or the token cannot see it: it is not among the ${names.length} repositories this app installation can access (GitHub answers 404 for both).`
      : `The repository "${requested}" does not exist, or the token cannot see it (GitHub answers 404 for both: a private repository without access looks missing).`;
  return finding(
    'project.not-found',
    'error',
    why + seen,
    near.length
      ? `Use the exact name, e.g. "${near[0]}"; if it is private, check the token can access it.`
      : id.installation
        ? 'Check the name, and install the app on the repository (or, for GITHUB_TOKEN, use a token that can reach it).'
        : "Check the name; for a private repository: classic tokens need `repo`, fine-grained tokens must have it selected under Repository access, and the token's user needs access.",
  );
}

function tokenHint(c: Ctx, token: TokenAnalysis, p: GitHubPermission, level: string): string {
  const settingLevel = level === 'read' ? 'Read-only' : 'Read and write';
  if (INSTALLATION_KINDS.has(token.kind)) {
    return `Give the GitHub App "${p.label}: ${settingLevel}" (app settings → Permissions, then accept the change in the installation); for Actions' GITHUB_TOKEN add \`permissions: ${p.name.replace(/_/g, '-')}: ${level === 'read' ? 'read' : 'write'}\` to the workflow or job.`;
  }
  if (token.kind === 'github.fine-grained-pat') {
    return `Edit the fine-grained token (https://${c.web}/settings/personal-access-tokens) and set ${p.on === 'organization' ? 'Organization' : 'Repository'} permissions → ${p.label} to ${settingLevel}, with the repository selected; then update the secret.`;
  }
  return `Check the token can reach the repository (classic tokens need \`repo\` for private repositories) and that its user has access; then update the secret.`;
}

function classicHint(c: Ctx, token: TokenAnalysis, scope: string): string {
  const parents = classicParents(scope);
  const also = parents.length ? ` (or a scope that includes it: ${parents.join(', ')})` : '';
  return token.kind === 'github.oauth'
    ? `Authorise the OAuth app again requesting \`${scope}\`${also}, and store the new token.`
    : `Edit the token (https://${c.web}/settings/tokens) and tick \`${scope}\`${also}, then update the secret (the token value does not change).`;
}

interface ScopeOut {
  required: string[];
  verified: string[];
  missing: string[];
  unverifiable: string[];
}

function evaluate(
  c: Ctx,
  items: RequiredItem[],
  classic: string[] | undefined,
  verdicts: Map<string, Verdict>,
  repo: Repo | undefined,
  blocked: string | undefined,
  id: IdentityResult,
): ScopeOut {
  const token = c.input.token;
  const out: ScopeOut = { required: [], verified: [], missing: [], unverifiable: [] };
  const granted = classic ? expandClassic(classic) : undefined;
  const verified = (itemId: string, how: string): void => {
    out.verified.push(itemId);
    push(c, finding('scope.verified', 'info', `${itemId}: ${how}.`, 'None needed.'));
  };
  const missing = (itemId: string, msg: string, hint: string): void => {
    out.missing.push(itemId);
    push(c, finding('scope.missing', 'error', msg, hint));
  };
  const unverifiable = (
    itemId: string,
    msg: string,
    hint = "Nothing to fix; if in doubt, check the token's permissions in GitHub's settings.",
  ): void => {
    out.unverifiable.push(itemId);
    push(c, finding('scope.unverifiable', 'warning', msg, hint));
  };

  for (const item of items) {
    if (item.kind === 'unknown') continue;
    if (out.required.includes(item.id)) continue;
    out.required.push(item.id);
    if (item.kind === 'classic') {
      if (!granted && CLASSIC_KINDS.has(token.kind)) {
        unverifiable(item.id, `\`${item.id}\` could not be checked: GitHub did not report the token's scopes (no X-OAuth-Scopes header).`);
      } else if (!granted) {
        unverifiable(
          item.id,
          `\`${item.id}\` is a classic-token scope, but a ${token.label} has fine-grained permissions instead, so it cannot be checked as a scope.`,
          'Name the permissions the later steps need instead, e.g. contents:read or pull_requests:write.',
        );
      } else if (granted.has(item.id)) {
        verified(
          item.id,
          `the token carries ${classic!.includes(item.id) ? `\`${item.id}\`` : `a scope that includes it (${classic!.filter((s) => expandClassic([s]).has(item.id)).join(', ')})`} (X-OAuth-Scopes)`,
        );
      } else {
        missing(
          item.id,
          `The token lacks the classic scope \`${item.id}\`; it carries ${classic!.length ? classic!.join(', ') : 'no scopes'} (X-OAuth-Scopes).`,
          classicHint(c, token, item.id),
        );
      }
      continue;
    }

    const p = item.permission;
    const needsRepo = p.on === 'repository' || p.probe?.includes('{owner}');
    const read: Verdict = !p.probe
      ? { v: 'unverifiable', why: p.note ?? 'no read-only request proves it' }
      : needsRepo && !c.input.project
        ? { v: 'unverifiable', why: 'its probe needs a repository: pass `project` (owner/repo)' }
        : p.probe === 'repository'
          ? repo
            ? { v: 'verified' }
            : { v: 'unverifiable', why: blocked ?? 'the repository was not checked' }
          : p.on === 'repository' && !repo
            ? { v: 'unverifiable', why: blocked ?? 'the repository was not checked' }
            : (verdicts.get(p.name) ?? { v: 'unverifiable', why: 'its probe was not run' });
    const label = `${p.label} (${item.id})`;

    if (read.v === 'missing') {
      missing(item.id, `The token lacks ${label}: ${read.why}.`, tokenHint(c, token, p, item.level));
      continue;
    }
    if (item.level === 'read') {
      if (read.v === 'verified') {
        verified(item.id, `proven by a read-only request${read.note ? ` (${read.note})` : ''}`);
      } else if (granted && p.classicRead) {
        // No probe answer, but for classic tokens the scope header decides the token's half.
        if (p.classicRead.some((s) => granted.has(s)))
          verified(item.id, `the token carries ${p.classicRead.find((s) => granted.has(s))} (X-OAuth-Scopes)`);
        else
          missing(
            item.id,
            `The token lacks ${label}: it needs the classic scope \`${p.classicRead[0]}\`; it carries ${classic!.join(', ') || 'no scopes'}.`,
            classicHint(c, token, p.classicRead[0]!),
          );
      } else {
        unverifiable(item.id, `${label} could not be verified: ${read.why}.`);
      }
      continue;
    }

    // Write / admin: GETs only ever prove the read half. A classic token acts with its scopes and its
    // user's role, both of which GitHub reports: that pair is a proof; for other tokens it is not.
    const readHalf = read.v === 'verified' ? 'its read half is confirmed' : `its read half could not be checked either (${read.why})`;
    if (granted && p.classicWrite) {
      // public_repo writes to public repositories only: it counts once the repository is known to be public.
      const usable = p.classicWrite.filter((s) => s !== 'public_repo' || !repo || !repo.private);
      const carried = usable.find((s) => granted.has(s));
      if (carried === 'public_repo' && !repo) {
        unverifiable(
          item.id,
          `${label}: the token carries \`public_repo\`, which covers public repositories only, and no repository was checked (pass \`project\`).`,
        );
        continue;
      }
      if (!carried) {
        missing(
          item.id,
          `The token lacks ${label}: writing needs the classic scope \`${usable[0] ?? p.classicWrite[0]}\`; it carries ${classic!.join(', ') || 'no scopes'}.`,
          classicHint(c, token, usable[0] ?? p.classicWrite[0]!),
        );
        continue;
      }
      const right = p.right && repo ? hasRight(repo.permissions, p.right) : undefined;
      if (p.right && right === true) {
        verified(
          item.id,
          `the token carries \`${carried}\` (X-OAuth-Scopes) and its user ${id.login ?? ''} has ${p.right} access to ${repo!.fullName} (the repository's permissions); a classic token acts with exactly that`,
        );
      } else if (p.right && right === false) {
        missing(
          item.id,
          `${label} will be refused: the token carries \`${carried}\`, but its user ${id.login ?? ''} has no ${p.right} access to ${repo!.fullName} (the repository's permissions).`,
          `Ask a repository admin to give ${id.login ?? 'the user'} ${p.right} access, or use a token of a user who has it.`,
        );
      } else {
        unverifiable(
          item.id,
          `${label}: the token carries \`${carried}\`, but its user's own rights ${p.right ? 'on the repository could not be read' : 'cannot be read'}; ${readHalf}.`,
        );
      }
      continue;
    }
    // Fine-grained PATs and App user tokens act with at most their user's rights: a missing role is a
    // proof of failure, a present one is only the user's right, not the token's.
    const userRight = p.right && repo && !INSTALLATION_KINDS.has(token.kind) ? hasRight(repo.permissions, p.right) : undefined;
    if (userRight === false) {
      missing(
        item.id,
        `${label} will be refused: the token's user ${id.login ?? ''} has no ${p.right} access to ${repo!.fullName} (the repository's permissions), and a ${token.label} never has more rights than its user.`,
        `Ask a repository admin to give ${id.login ?? 'the user'} ${p.right} access, or use a token of a user who has it.`,
      );
      continue;
    }
    const userNote =
      userRight === true ? `; its user has ${p.right} access, but that is the user's right, not proof of the token's permission` : '';
    unverifiable(item.id, `${label} cannot be proven without writing; ${readHalf}${userNote}.`);
  }
  return out;
}

function target(url: UrlAnalysis, http: HttpClient, input: OnlineInput): Ctx {
  const base = url.normalized!.replace(/\/+$/, '');
  const u = new URL(base);
  const web = url.deployment === 'github.com' ? 'github.com' : url.deployment === 'ghe.com' ? u.host.replace(/^api\./, '') : u.host;
  return { http, input, base, origin: u.origin, basePath: u.pathname.replace(/\/+$/, ''), web, findings: [] };
}

async function check(http: HttpClient, input: OnlineInput): Promise<OnlineResult> {
  const c = target(input.url, http, input);
  const token = input.token;

  const items = input.requiredScopes.map(parseRequired);
  for (const item of items) {
    if (item.kind === 'unknown') {
      push(
        c,
        finding(
          'scope.unknown',
          'error',
          `"${item.text}" is ${item.why}.`,
          "Use a classic scope (repo, read:org, workflow…) or a permission with a level (contents:read, pull_requests:write, issues:read…); see the README's GitHub table.",
        ),
      );
    }
  }
  const project = input.project?.trim();
  if (project !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(project)) {
    push(
      c,
      finding(
        'config.invalid',
        'error',
        `\`project\` must name a GitHub repository as owner/repo, not "${withoutUserinfo(project)}".`,
        'Pass `project` as owner/repo, e.g. octo-org/hello-world.',
      ),
    );
  }
  const repoName = project && /^[^/\s]+\/[^/\s]+$/.test(project) ? project.replace(/\.git$/, '') : undefined;

  // Round trip 1: identity (and on GHES its version).
  const installation = INSTALLATION_KINDS.has(token.kind);
  const [first, meta] = await Promise.all([
    ghGet(c, installation ? `${c.base}/installation/repositories?per_page=100` : `${c.base}/user`),
    input.url.deployment === 'ghes' ? ghGet(c, `${c.base}/meta`) : Promise.resolve(undefined),
  ]);
  const id = await identify(c, token, first);
  const empty: ScopeOut = {
    required: items.filter((i) => i.kind !== 'unknown').map((i) => (i as { id: string }).id),
    verified: [],
    missing: [],
    unverifiable: [],
  };
  if (!id.ok || !id.response) return { findings: c.findings, identity: id.identity, scopes: empty };

  if (meta?.kind === 'response' && meta.status === 200 && meta.isJson) {
    const v = (meta.json as { installed_version?: unknown }).installed_version;
    if (typeof v === 'string') push(c, finding('url.server-version', 'info', `GitHub Enterprise Server ${v}.`, 'None needed.'));
  }

  // Scopes the token carries (classic tokens only), and its expiry.
  const scopesHeader = id.response.headers['x-oauth-scopes'];
  const classic = CLASSIC_KINDS.has(token.kind) && scopesHeader !== undefined ? parseScopesHeader(scopesHeader) : undefined;
  if (classic) {
    push(
      c,
      finding(
        'scope.granted',
        'info',
        classic.length
          ? `The token carries the classic scopes: ${classic.join(', ')} (X-OAuth-Scopes).`
          : 'The token carries no scopes (X-OAuth-Scopes is empty): it can read public data only.',
        'None needed.',
      ),
    );
  }
  const expiryHeader = id.response.headers['github-authentication-token-expiration'];
  const expiresAt = expiryHeader ? parseExpirationHeader(expiryHeader) : undefined;
  if (expiryHeader && !expiresAt) {
    push(
      c,
      finding(
        'token.info',
        'info',
        `GitHub sent an expiry date in an unknown format ("${expiryHeader.slice(0, 40)}"); it was not used.`,
        'None needed.',
      ),
    );
  }
  if (!expiryHeader && PAT_KINDS.has(token.kind)) {
    push(
      c,
      finding(
        'token.no-expiry',
        'info',
        'GitHub reports no expiry date for this token (no github-authentication-token-expiration header): it never expires.',
        CODES['token.no-expiry'].fix,
      ),
    );
  }

  // Round trip 2: the repository and every probe at once.
  const owner = repoName?.split('/')[0];
  const probes = new Map<string, string>();
  for (const item of items) {
    if (item.kind !== 'permission' || !item.permission.probe || item.permission.probe === 'repository') continue;
    const p = item.permission.probe;
    if (!repoName || probes.has(item.permission.name)) continue;
    const path = p
      .replace('{repo}', `repos/${repoName.split('/').map(encodeURIComponent).join('/')}`)
      .replace('{owner}', encodeURIComponent(owner!));
    probes.set(item.permission.name, path);
  }
  const names = [...probes.keys()];
  const [repoResponse, ...probeResponses] = await Promise.all([
    repoName ? getFollow(c, `${c.base}/repos/${repoName.split('/').map(encodeURIComponent).join('/')}`) : Promise.resolve(undefined),
    ...names.map((n) => getFollow(c, `${c.base}/${probes.get(n)!}`)),
  ]);

  let repoResult: Awaited<ReturnType<typeof checkRepo>> = {};
  if (repoName && repoResponse) repoResult = await checkRepo(c, repoName, repoResponse, id);
  const verdicts = new Map<string, Verdict>();
  names.forEach((n, i) => verdicts.set(n, probeVerdict(c, probeResponses[i]!, `/${probes.get(n)!.split('?')[0]}`)));
  const scopes = evaluate(c, items, classic, verdicts, repoResult.repo, repoResult.blocked, id);

  return {
    findings: c.findings,
    identity: id.identity,
    projectCanonical: repoResult.canonical,
    scopes,
    ...(expiresAt ? { expiresAt } : {}),
  };
}

export const githubOnline: OnlineChecks = {
  // GitHub accepts Bearer for every token kind (PATs, OAuth, App user and installation tokens).
  credential: (token) => ({ name: 'authorization', value: `Bearer ${token}` }),
  credentialOrigins: configuredOrigin,
  check,
};
