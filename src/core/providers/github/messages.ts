/**
 * Every sentence the GitHub online check says: the findings' messages and hints, and the reasons
 * (`why`) a scope could not be judged. The readers in interpret.ts and the plan in online.ts decide;
 * this module only words what they decided. No text here ever contains the token.
 */
import { CODES } from '../../codes.js';
import { finding, type Finding } from '../../report.js';
import {
  caseMismatch as sharedCaseMismatch,
  closestNamesSentence,
  policyBlocked as sharedPolicyBlocked,
  quoteStatement,
  type Verdict,
} from '../online/index.js';
import { classicParents, type GitHubPermission } from './scopes.js';

/** How the findings name the provider. */
export const PROVIDER = 'GitHub';

/** The hint of an info note that asks nothing of the user. */
const NOTHING = 'None needed.';

// ─── Network and rate limits ────────────────────────────────────────────────────────────────────

/** `, request id …` (GitHub's correlation id, for support requests; never a secret) or ''. */
export const requestIdText = (id: string | undefined): string => (id ? `, request id ${id}` : '');

export interface RateLimitFacts {
  host: string;
  status: number;
  cause: 'used-up' | 'secondary' | 'limiting';
  /** When the limit resets, if GitHub said so. */
  reset?: Date;
  resource?: string;
  requestId?: string;
}

const RATE_LIMIT_CAUSE: Record<RateLimitFacts['cause'], string> = {
  'used-up': 'the API rate limit of this token is used up',
  secondary: 'a secondary rate limit was hit',
  limiting: 'it is rate limiting the requests',
};

export function rateLimited(f: RateLimitFacts): Finding {
  const resource = f.resource ? ` for "${f.resource}"` : '';
  const when = f.reset ? ` (the limit${resource} resets at ${f.reset.toISOString().slice(11, 16)} UTC)` : '';
  return finding(
    'network.rate-limited',
    'error',
    `${f.host} answered ${f.status}: ${RATE_LIMIT_CAUSE[f.cause]}${when}${requestIdText(f.requestId)}; nothing is known about the token from it.`,
    `${CODES['network.rate-limited'].fix} Another job using the same token or app may be consuming its limit.`,
  );
}

/** What an answer that said nothing was about, for `network.unexpected-response`. */
export const ABOUT = {
  noLogin: 'the /user answer has no login',
  identity: 'identity',
  installation: 'installation identity',
  probe: 'permission probe',
  repository: 'repository lookup',
} as const;

// ─── Identity ───────────────────────────────────────────────────────────────────────────────────

export function userIdentity(login: string, id: string | undefined, type: string | undefined): Finding {
  const about = id ? ` (id ${id}${type ? `, ${type}` : ''})` : '';
  return finding('token.identity', 'info', `Authenticated as ${login}${about}.`, NOTHING);
}

export const installationName = (n: number): string => `GitHub App installation (${n} ${n === 1 ? 'repository' : 'repositories'})`;

export function installationIdentity(name: string, total: number, names: readonly string[]): Finding {
  const shown = names.slice(0, 5).join(', ') + (total > 5 ? ', …' : '');
  return finding('token.identity', 'info', `Authenticated as a ${name}${names.length ? `: ${shown}` : ''}.`, NOTHING);
}

export function noApi(base: string, ghes: boolean): Finding {
  return finding(
    'url.org-not-found',
    'error',
    `There is no GitHub API at ${base} (404 on /user)${ghes ? '; a GitHub Enterprise Server serves it at https://{host}/api/v3' : ''}.`,
    'Check the URL: github.com, https://{sub}.ghe.com, or https://{host}/api/v3 for GitHub Enterprise Server (GITHUB_API_URL on a runner).',
  );
}

export function lockedOut(host: string): Finding {
  return finding(
    'token.rejected',
    'error',
    `GitHub at ${host} is temporarily refusing every sign-in for this user after repeated failed attempts (403 "Maximum number of login attempts exceeded"); while it lasts even a valid token is refused, so this run cannot tell whether the token works.`,
    'Stop the jobs that keep sending a wrong token for this user, wait a few minutes, and re-run; then replace any secret that is rejected.',
  );
}

/** Which family a rejected token belongs to: each has its own likely causes and fix. */
export type RejectedFamily = 'refresh' | 'installation' | 'personal';

export interface RejectedFacts {
  host: string;
  /** The web host, for the settings link. */
  web: string;
  label: string;
  family: RejectedFamily;
  /** A stateless installation token sent to a GitHub Enterprise Server, which never issues them. */
  statelessOnGhes: boolean;
  status: number;
  /** GitHub's message (`Bad credentials`), if any. */
  message: string;
  requestId?: string;
}

const OTHER_HOST =
  'it was created on another GitHub host (github.com, a GHE.com subdomain and each GitHub Enterprise Server issue their own tokens)';

const REJECTED_CAUSES: Record<RejectedFamily, readonly string[]> = {
  refresh: ['it is a GitHub App refresh token (ghr_): refresh tokens only buy a new user access token and never authenticate API calls'],
  installation: [
    "it expired: installation tokens live one hour, and Actions' GITHUB_TOKEN stops working when its job ends (use it in the job that received it)",
    'the app was uninstalled or suspended, or the token was revoked',
    'it was mistyped or truncated when the secret was saved',
    OTHER_HOST,
  ],
  personal: [
    'it was revoked or deleted (by its owner, an organisation admin, or GitHub itself: tokens found in public code are revoked automatically, and unused classic tokens after a year)',
    'it expired: GitHub answers an expired token exactly like a revoked one',
    'it was mistyped or truncated when the secret was saved',
    OTHER_HOST,
  ],
};

const STATELESS_ON_GHES =
  'GitHub Enterprise Server does not issue stateless installation tokens, so this one comes from github.com or a GHE.com subdomain';

const REJECTED_FIX: Record<RejectedFamily, (web: string) => string> = {
  refresh: () =>
    'Exchange the refresh token for a user access token (POST /login/oauth/access_token with grant_type=refresh_token) and pass that token instead.',
  installation: () =>
    "Mint a fresh installation token right before the steps that use it (or pass the current job's GITHUB_TOKEN), for this host.",
  personal: (web) => `Create a new token at https://${web}/settings/tokens (on the host the API belongs to) and update the secret.`,
};

export function rejected(f: RejectedFacts): Finding {
  const causes = [...(f.statelessOnGhes ? [STATELESS_ON_GHES] : []), ...REJECTED_CAUSES[f.family]];
  const listed = causes.map((x, i) => `(${i + 1}) ${x}`).join('; ');
  return finding(
    'token.rejected',
    'error',
    `GitHub at ${f.host} rejected the ${f.label} (${f.status} ${f.message || 'Bad credentials'}${requestIdText(f.requestId)}). Likely causes, most likely first: ${listed}.`,
    REJECTED_FIX[f.family](f.web),
  );
}

export const serverVersion = (version: string): Finding => finding('url.server-version', 'info', `GitHub Enterprise Server ${version}.`);

export const grantedScopes = (classic: readonly string[]): Finding =>
  finding(
    'scope.granted',
    'info',
    classic.length
      ? `The token carries the classic scopes: ${classic.join(', ')} (X-OAuth-Scopes).`
      : 'The token carries no scopes (X-OAuth-Scopes is empty): it can read public data only.',
  );

export const unknownExpiryFormat = (header: string): Finding =>
  finding('token.info', 'info', `GitHub sent an expiry date in an unknown format ("${header.slice(0, 40)}"); it was not used.`);

export const noExpiry = (): Finding =>
  finding(
    'token.no-expiry',
    'info',
    'GitHub reports no expiry date for this token (no github-authentication-token-expiration header): it never expires.',
  );

// ─── Inputs ─────────────────────────────────────────────────────────────────────────────────────

export const projectNotOwnerRepo = (shown: string): Finding =>
  finding(
    'config.invalid',
    'error',
    `\`project\` must name a GitHub repository as owner/repo, not "${shown}".`,
    'Pass `project` as owner/repo, e.g. octo-org/hello-world.',
  );

// ─── Single sign-on ─────────────────────────────────────────────────────────────────────────────

export const SSO_SUBJECT = { probe: 'the repository', repository: (name: string) => `the repository "${name}"` };

export function ssoRequired(url: string, what: string): Finding {
  return finding(
    'token.sso-required',
    'error',
    `The token is valid, but ${what} belongs to an organisation that enforces SAML single sign-on and the token is not authorised for it${url ? `; authorise it at ${url} (valid for one hour)` : ''}.`,
    url
      ? `Open ${url} while signed in to GitHub and authorise the token, then re-run.`
      : 'GitHub → Settings → Developer settings → Personal access tokens → Configure SSO → Authorize for the organisation; then re-run.',
  );
}

// ─── Organisation policies ──────────────────────────────────────────────────────────────────────

export type PolicyKind = 'ip-allow-list' | 'token-lifetime' | 'classic-forbidden' | 'oauth-restricted';

export interface PolicyFacts {
  kind: PolicyKind;
  /** GitHub's statement, whatever form it came in. */
  said: string;
  org?: string;
  /** The lifetime policy's maximum, in days. */
  days?: string;
  /** The token's settings page GitHub links to. */
  url?: string;
}

/** What a policy refused. */
export const SUBJECT = {
  identity: 'the identity request',
  repository: (name: string) => `the request for the repository "${name}"`,
  probe: (path: string) => `the read-only probe GET ${path}`,
};

const theOrg = (f: PolicyFacts): string => (f.org ? `the organisation "${f.org}"` : 'the organisation');

const POLICY_WORDS: Record<PolicyKind, (f: PolicyFacts) => string> = {
  'ip-allow-list': (f) => `${theOrg(f)}'s IP allow list does not include the address this runner connects from`,
  'token-lifetime': (f) => `${theOrg(f)} refuses fine-grained tokens that live longer than ${f.days ?? 'its maximum'} days`,
  'classic-forbidden': (f) => `${theOrg(f)} refuses personal access tokens (classic)`,
  'oauth-restricted': (f) => `${theOrg(f)} restricts OAuth app access and has not approved this app`,
};

const POLICY_FIX: Record<PolicyKind, (f: PolicyFacts) => string> = {
  'ip-allow-list': (f) =>
    `Ask an owner of ${theOrg(f)} to add the runner's outbound IP address to the allow list (Organization settings → Authentication security → IP allow list), or run the job on a runner whose address is on it (a self-hosted runner or a larger runner with a static IP); the token itself is fine.`,
  'token-lifetime': (f) =>
    `Use a fine-grained token whose expiration is within ${f.days ?? "the organisation's"} days${f.url ? ` (${f.url})` : ''}, or ask an owner of ${theOrg(f)} to change the maximum lifetime policy; the permissions are not the problem.`,
  'classic-forbidden': (f) =>
    `Use a fine-grained token or a GitHub App for ${theOrg(f)}, or ask an owner to allow classic tokens (Organization settings → Personal access tokens).`,
  'oauth-restricted': (f) =>
    `Ask an owner of ${theOrg(f)} to approve the OAuth app (Organization settings → Third-party access), or use a fine-grained token or a GitHub App.`,
};

export const policyBlocked = (f: PolicyFacts, what: string): Finding =>
  sharedPolicyBlocked({ provider: PROVIDER, what, policy: POLICY_WORDS[f.kind](f), said: f.said, fix: POLICY_FIX[f.kind](f) });

export const revoked = (host: string): Finding =>
  finding(
    'token.revoked',
    'error',
    `GitHub at ${host} says the token was revoked.`,
    'Create a new token on the host the API belongs to and update the secret; find out why it was revoked (GitHub revokes tokens found in public code).',
  );

export const expired = (host: string): Finding =>
  finding(
    'token.expired',
    'error',
    `GitHub at ${host} says the token has expired.`,
    'Create a new token (or regenerate this one with a new expiration) on the host the API belongs to, and update the secret.',
  );

// ─── The repository ─────────────────────────────────────────────────────────────────────────────

/** Why the repository could not be used for the permissions that depend on it. */
export const BLOCKED = {
  'no-response': 'the repository lookup got no response',
  'rate-limited': 'the repository lookup was rate limited',
  sso: 'single sign-on blocks the repository',
  policy: 'an organisation policy blocks the repository',
  moved: 'the repository moved',
  'not-found': 'the repository was not found',
  refused: 'the repository could not be read',
  failed: 'the repository lookup failed',
  unchecked: 'the repository was not checked',
} as const;

export const renamed = (requested: string, now: string): Finding =>
  finding(
    'project.renamed',
    'error',
    `The repository "${requested}" was renamed or transferred: it is now "${now}". GitHub redirects API reads of the old name, but pushes, Actions references and other tools may not follow.`,
    `Use "${now}".`,
  );

export const caseMismatch = (requested: string, stored: string): Finding =>
  sharedCaseMismatch({ provider: 'GitHub', what: 'repository', stored, requested });

export const archived = (name: string): Finding =>
  finding(
    'project.archived',
    'warning',
    `The repository "${name}" is archived: it is read-only, so pushes, issues, pull requests and releases will fail.`,
  );

export const disabled = (name: string): Finding =>
  finding(
    'project.unavailable',
    'error',
    `The repository "${name}" is disabled by GitHub (for example for billing or a policy violation), so later steps cannot use it.`,
    'Ask the repository or organisation owner to resolve what disabled it (repository settings, billing).',
  );

export const movedOffApi = (requested: string, status: number, to: string | undefined, base: string): Finding =>
  finding(
    'project.renamed',
    'error',
    `The repository "${requested}" was moved (${status}) to ${to ?? 'another location'}, which is outside the configured API (${base}); the redirect was not followed with the token.`,
    "Use the repository's new name (open it in the browser to see it).",
  );

/** ` (403 "message")` — a status and GitHub's own message, if any. */
const statusText = (status: number, message: string): string => `${status}${message ? ` "${message}"` : ''}`;

export const repositoryRefused = (requested: string, message: string, accepted: string | undefined): Finding =>
  finding(
    'scope.missing',
    'error',
    `GitHub refused to read the repository "${requested}" (${statusText(403, message)})${accepted ? `; it needs ${accepted}` : ''}.`,
    "Do what GitHub's message says (an organisation may forbid classic tokens, limit token lifetimes or require approval of fine-grained tokens); then update the secret.",
  );

export interface NotFoundFacts {
  requested: string;
  owner: string;
  host: string;
  /** The owner answered 404 itself. */
  ownerMissing: boolean;
  installation: boolean;
  /** How many repositories the installation can access. */
  visible: number;
  near: readonly string[];
}

export function notFound(f: NotFoundFacts): Finding {
  const why = f.ownerMissing
    ? `The owner "${f.owner}" does not exist on ${f.host}, so the repository "${f.requested}" does not exist either.`
    : f.installation
      ? `The repository "${f.requested}" does not exist, or the token cannot see it: it is not among the ${f.visible} repositories this app installation can access (GitHub answers 404 for both).`
      : `The repository "${f.requested}" does not exist, or the token cannot see it (GitHub answers 404 for both: a private repository without access looks missing).`;
  return finding('project.not-found', 'error', why + closestNamesSentence(f.near), notFoundHint(f));
}

function notFoundHint(f: NotFoundFacts): string {
  if (f.near.length) return `Use the exact name, e.g. "${f.near[0]}"; if it is private, check the token can access it.`;
  return f.installation
    ? 'Check the name, and install the app on the repository (or, for GITHUB_TOKEN, use a token that can reach it).'
    : "Check the name; for a private repository: classic tokens need `repo`, fine-grained tokens must have it selected under Repository access, and the token's user needs access.";
}

// ─── Permission probes ──────────────────────────────────────────────────────────────────────────

/** Why a probe proved nothing, or what it proved. */
export const PROBE = {
  'no-response': 'its probe got no response',
  'rate-limited': 'its probe was rate limited',
  sso: 'single sign-on blocks the probe',
  policy: 'an organisation policy blocks the probe',
  server: 'its probe failed on the server side',
  empty: 'the repository is empty',
  notRun: 'its probe was not run',
  noProbe: 'no read-only request proves it',
  needsProject: 'its probe needs a repository: pass `project` (owner/repo)',
} as const;

export const probeDenied = (path: string, message: string, accepted: string | undefined, oauth: string | undefined): string =>
  `the read-only probe GET ${path} was denied (${statusText(403, message)})${accepted ? `; GitHub says it needs ${accepted}` : ''}${oauth ? `; classic scopes accepted: ${oauth}` : ''}`;

/** A 403 that does not say the token lacks access (a feature turned off, a plan): GitHub's words, quoted inert. */
export const probeRefused = (path: string, said: string): string =>
  `its probe GET ${path} was refused with 403${said ? ` ${quoteStatement(said)}` : ''}, which is not about the token's permissions (a feature may be turned off for the repository or not in its plan)`;

export const probeNoOrganisation = (path: string, org: string): string =>
  `its probe GET ${path} answered 404: "${org}" is not an organisation the token can see, and this is an organisation permission`;

export const probeOther = (path: string, status: number, message: string): string =>
  `its probe GET ${path} answered ${statusText(status, message)} (the feature may be turned off for the repository)`;

// ─── Scope verdicts ─────────────────────────────────────────────────────────────────────────────

/** The token families that are told different fixes. */
export type FixFamily = 'installation' | 'fine-grained' | 'oauth' | 'other';

const SCOPES_HEADER = 'X-OAuth-Scopes';
const carriedList = (classic: readonly string[]): string => classic.join(', ') || 'no scopes';

/** How a scope was verified (joined into the one `scope.verified` note). */
export const HOW = {
  carries: (scope: string) => `the token carries \`${scope}\`, per ${SCOPES_HEADER}`,
  carriesParent: (parents: readonly string[]) =>
    `the token carries ${parents.join(', ')}, which include${parents.length === 1 ? 's' : ''} it, per ${SCOPES_HEADER}`,
  read: (note: string | undefined) => `proven by a read-only request${note ? `: ${note}` : ''}`,
  classicWrite: (scope: string, login: string, right: string, repo: string) =>
    `the token carries \`${scope}\`, per ${SCOPES_HEADER}, and its user ${login} has ${right} access to ${repo} per the repository's permissions; a classic token acts with exactly that`,
};

export const classicNotReported = (id: string): string =>
  `\`${id}\` could not be checked: GitHub did not report the token's scopes (no X-OAuth-Scopes header).`;

export const classicOnPermissions = (id: string, label: string): string =>
  `\`${id}\` is a classic-token scope, but a ${label} has fine-grained permissions instead, so it cannot be checked as a scope.`;

export const NAME_PERMISSIONS = 'Name the permissions the later steps need instead, e.g. contents:read or pull_requests:write.';

export const lacksClassic = (id: string, classic: readonly string[]): string =>
  `The token lacks the classic scope \`${id}\`; it carries ${carriedList(classic)} (X-OAuth-Scopes).`;

export const permissionLabel = (p: GitHubPermission, id: string): string => `${p.label} (${id})`;

export const lacksPermission = (label: string, why: string): string => `The token lacks ${label}: ${why}.`;

export const readUnverifiable = (label: string, why: string): string => `${label} could not be verified: ${why}.`;

export const lacksClassicFor = (label: string, use: 'read' | 'write', scope: string, classic: readonly string[]): string =>
  `The token lacks ${label}: ${use === 'read' ? 'it needs' : 'writing needs'} the classic scope \`${scope}\`; it carries ${carriedList(classic)}.`;

export const publicRepoOnly = (label: string): string =>
  `${label}: the token carries \`public_repo\`, which covers public repositories only, and no repository was checked (pass \`project\`).`;

export const readHalf = (read: Verdict): string =>
  read.kind === 'verified' ? 'its read half is confirmed' : `its read half could not be checked either (${read.why})`;

export const classicUserLacksRight = (label: string, scope: string, login: string, right: string, repo: string): string =>
  `${label} will be refused: the token carries \`${scope}\`, but its user ${login} has no ${right} access to ${repo} (the repository's permissions).`;

export const classicUserRightUnknown = (label: string, scope: string, hasRight: boolean, half: string): string =>
  `${label}: the token carries \`${scope}\`, but its user's own rights ${hasRight ? 'on the repository could not be read' : 'cannot be read'}; ${half}.`;

export const userLacksRight = (label: string, login: string, right: string, repo: string, tokenLabel: string): string =>
  `${label} will be refused: the token's user ${login} has no ${right} access to ${repo} (the repository's permissions), and a ${tokenLabel} never has more rights than its user.`;

export const writeUnprovable = (label: string, half: string, userRight: string | undefined): string =>
  `${label} cannot be proven without writing; ${half}${userRight ? `; its user has ${userRight} access, but that is the user's right, not proof of the token's permission` : ''}.`;

export const askForRight = (login: string | undefined, right: string): string =>
  `Ask a repository admin to give ${login ?? 'the user'} ${right} access, or use a token of a user who has it.`;

const UNVERIFIABLE_HINT = "Nothing to fix; if in doubt, check the token's permissions in GitHub's settings.";

/** The fix for a missing classic scope. */
export function classicHint(family: FixFamily, web: string, scope: string): string {
  const parents = classicParents(scope);
  const also = parents.length ? ` (or a scope that includes it: ${parents.join(', ')})` : '';
  return family === 'oauth'
    ? `Authorise the OAuth app again requesting \`${scope}\`${also}, and store the new token.`
    : `Edit the token (https://${web}/settings/tokens) and tick \`${scope}\`${also}, then update the secret (the token value does not change).`;
}

/** The section of the fine-grained token page a permission is set in. */
const SETTINGS_SECTION: Readonly<Record<GitHubPermission['on'], string>> = {
  repository: 'Repository',
  organization: 'Organization',
  account: 'Account',
};

/** The fix for a missing permission. */
export function permissionHint(family: FixFamily, web: string, p: GitHubPermission, level: string): string {
  const settingLevel = level === 'read' ? 'Read-only' : 'Read and write';
  if (family === 'installation') {
    return `Give the GitHub App "${p.label}: ${settingLevel}" (app settings → Permissions, then accept the change in the installation); for Actions' GITHUB_TOKEN add \`permissions: ${p.name.replace(/_/g, '-')}: ${level === 'read' ? 'read' : 'write'}\` to the workflow or job.`;
  }
  if (family === 'fine-grained') {
    return `Edit the fine-grained token (https://${web}/settings/personal-access-tokens) and set ${SETTINGS_SECTION[p.on]} permissions → ${p.label} to ${settingLevel}${p.on === 'repository' ? ', with the repository selected' : ''}; then update the secret.`;
  }
  return `Check the token can reach the repository (classic tokens need \`repo\` for private repositories) and that its user has access; then update the secret.`;
}

/** The finding for a scope that is missing or could not be verified. */
export function scopeFinding(v: Exclude<Verdict, { kind: 'verified' }>, hint?: string): Finding {
  return v.kind === 'missing'
    ? finding('scope.missing', 'error', v.why, hint)
    : finding('scope.unverifiable', 'warning', v.why, hint ?? UNVERIFIABLE_HINT);
}
