/**
 * Every sentence Bitbucket Cloud's online findings say: messages, the hints that are more exact than
 * the catalogue's fix, and the reasons (`why`) a scope verdict gives. No protocol here.
 */
import { appPasswordPhase, RETIREMENT_DAYS } from './retirement.js';
import { finding, type Finding, type Identity } from '../../report.js';
import { caseMismatch, closestNamesSentence, quoteStatement } from '../online/index.js';
import { withoutUserinfo } from '../../url-common.js';
import type { Kind, Rejection, Wanted } from './interpret.js';
import type { BitbucketPermission, ProbeTarget, ScopeFamily } from './scopes.js';
import { ownEntry } from '../../lookup.js';

const API_TOKEN_PAGE = 'Atlassian account settings → Security → API tokens → "Create API token with scopes" → Bitbucket';
const ACCESS_TOKEN_PAGE = 'Repository / Project / Workspace settings → Access tokens';

/** Who a token acts as, by `x-credential-type`. */
const CREDENTIAL_TYPES: Record<string, string> = {
  repo_access_token: 'repository access token',
  project_access_token: 'project access token',
  workspace_access_token: 'workspace access token',
  api_token: 'API token',
  app_password: 'app password',
};

/** Who is refused something: an access token is its own holder; API tokens and app passwords act as an account. */
type Holder = 'access token' | 'account';
const holder = (kind: Kind): Holder => (kind === 'access-token' ? 'access token' : 'account');

const quoted = (said: string): string => (said ? `: "${said}"` : '');
const credentialTypeNote = (type: string | undefined): string => (type ? ` (x-credential-type: ${type})` : '');

// ───────────────────────────── configuration ─────────────────────────────

export const projectInvalid = (project: string): Finding =>
  finding(
    'config.invalid',
    'error',
    `\`project\` "${withoutUserinfo(project)}" is not a Bitbucket workspace or workspace/repository.`,
    'Pass `project` as `workspace` or `workspace/repo_slug`, e.g. `fabrikam/web-app`.',
  );

const UNKNOWN_SCOPE_HINT: Record<ScopeFamily, string> = {
  'api-token': 'Use an API-token scope such as read:repository:bitbucket, or a permission name such as "Pull requests: Read".',
  oauth: 'Use a scope such as repository, repository:write, pullrequest, pipeline, or a permission name such as "Repositories: Read".',
};

/** A Bitbucket permission this token type has no scope for (a name Bitbucket does not know at all is scope-names.ts's). */
export function scopeUnknown(text: string, perm: BitbucketPermission, family: ScopeFamily, label: string): Finding {
  return finding(
    'scope.unknown',
    'error',
    `"${text}" (${perm.portal}) has no equivalent for this token type (${label}).`,
    UNKNOWN_SCOPE_HINT[family],
  );
}

// ───────────────────────────── the credential ─────────────────────────────

/** Where app passwords stand on `now` (retirement.ts). */
function appPasswordStatus(now: Date): string {
  const { brownoutStart, brownoutEnd, removal } = RETIREMENT_DAYS;
  const phase = appPasswordPhase(now);
  if (phase === 'removed') return `Bitbucket app passwords were removed on ${removal}`;
  if (phase === 'brownout') return `Bitbucket app passwords are in their brownout period (until ${brownoutEnd}) and fail at times`;
  return `the app password may already have been disabled (app passwords are being retired: brownouts from ${brownoutStart}, removal on ${removal})`;
}

const WRONG_USER =
  'the user name is not the e-mail address of the Atlassian account that created the token (REST calls send it as Basic e-mail:token)';

/** Likely causes of a 401, most likely first. */
function rejectionCauses(kind: Kind, emailLike: boolean, now: Date): string[] {
  if (kind === 'app-password') {
    return [
      appPasswordStatus(now),
      'the user name is not the Bitbucket user name (app passwords do not work with the e-mail address)',
      'the app password was revoked or mistyped',
    ];
  }
  if (kind === 'access-token') {
    return [
      'the access token was revoked, has expired or was mistyped',
      'the repository, project or workspace it belongs to was deleted, or (repository tokens) the repository moved to another workspace',
    ];
  }
  return [
    ...(emailLike ? [] : [WRONG_USER]),
    'the API token was revoked, has expired (API tokens live at most one year) or was mistyped',
    ...(emailLike ? [WRONG_USER] : []),
    'it was created without Bitbucket scopes ("Create API token" instead of "Create API token with scopes"), which Bitbucket does not accept',
    'the account was deactivated or lost access to Bitbucket',
  ];
}

const REJECTED_HINT: Record<Kind, string> = {
  'access-token': `Create a new access token (${ACCESS_TOKEN_PAGE}) and update the secret.`,
  'app-password': `Replace the app password with an API token (${API_TOKEN_PAGE}), use it with your Atlassian e-mail as \`username\`, and update the secret.`,
  'api-token': `Check that \`username\` is the Atlassian account e-mail; otherwise create a new API token (${API_TOKEN_PAGE}) and update the secret.`,
};

/** Bitbucket stated the token expired: OAuth access tokens live two hours, access tokens until their expiry date. */
export const expired = (stated: string): Finding =>
  finding(
    'token.expired',
    'error',
    `Bitbucket Cloud says the token has expired (401: ${quoteStatement(stated)}).`,
    'Create a new access token (or, for an OAuth access token, use the refresh token to get a new one right before the steps that use it) and update the secret.',
  );

export function rejected(kind: Kind, r: Rejection, now: Date): Finding {
  if (r.expired) return expired(r.stated);
  const realm = r.realm ? ' with WWW-Authenticate: Basic realm="Bitbucket.org HTTP"' : '';
  const causes = rejectionCauses(kind, r.emailLike, now)
    .map((c, i) => `(${i + 1}) ${c}`)
    .join('; ');
  const message = `Bitbucket Cloud rejected the credential (401${realm}${quoted(r.said)}). Likely causes, most likely first: ${causes}.`;
  return finding('token.rejected', 'error', message, REJECTED_HINT[kind]);
}

export const accountIdentity = (identity: Identity, type: string | undefined): Finding =>
  finding(
    'token.identity',
    'info',
    `Authenticated as ${identity.name}${identity.id ? ` (${identity.id})` : ''}${credentialTypeNote(type)}.`,
  );

/** Accepted, but without the scope that reveals the account (read:user:bitbucket / account). */
export const accountHidden = (need: string, type: string | undefined): Finding =>
  finding(
    'token.identity',
    'info',
    `The credential was accepted, but it cannot read its own account (403: it lacks ${need}), so the identity is unknown.${credentialTypeNote(type)}`,
    `Nothing to fix unless later steps need the account; to see it here, use a token with ${need}.`,
  );

/** Access tokens have no account: who they act as, by `x-credential-type`. */
export function accessTokenIdentity(type: string | undefined): Identity {
  return { name: ownEntry(CREDENTIAL_TYPES, type ?? '') ?? 'Bitbucket access token', ...(type ? { id: type } : {}) };
}

export const accessTokenAccepted = (identity: Identity, type: string | undefined): Finding =>
  finding(
    'token.identity',
    'info',
    `Authenticated as a ${identity.name}${credentialTypeNote(type)}; access tokens act as their own pseudo-user.`,
    'None needed.',
  );

// ───────────────────────────── the project ─────────────────────────────

export const workspaceNotFound = (ws: string): Finding =>
  finding(
    'url.org-not-found',
    'error',
    `The Bitbucket workspace "${ws}" does not exist (404).`,
    'Check the workspace id in `project` (it is the first part of https://bitbucket.org/{workspace}/{repo}).',
  );

export const repositoryCaseMismatch = (name: string, requested: string): Finding =>
  caseMismatch({ provider: 'Bitbucket', what: 'repository', stored: name, requested });

export const workspaceCaseMismatch = (slug: string, ws: string): Finding =>
  finding(
    'project.case-mismatch',
    'error',
    `The workspace exists as "${slug}", not "${ws}"; later steps that compare names exactly will not match it.`,
    `Use "${slug}" exactly.`,
  );

const REPO_NOT_FOUND_HINT: Record<Holder, string> = {
  'access token': 'Check the repository slug, and that the access token belongs to this repository, its project or its workspace.',
  account: "Check the repository slug (as in https://bitbucket.org/{workspace}/{repo_slug}) and that the token's account can see it.",
};

/** A 404 on the repository; `near` are the closest slugs the token can see (as workspace/slug). */
export function repositoryNotFound(kind: Kind, requested: string, ws: string, wsFound: boolean, near: readonly string[]): Finding {
  const where = wsFound ? ` (the workspace "${ws}" exists)` : '';
  return finding(
    'project.not-found',
    'error',
    `The repository "${requested}" was not found (404): it does not exist, or the ${holder(kind)} has no access to it${where}.${closestNamesSentence(near)}`,
    near.length ? `Use the exact repository slug, e.g. "${near[0]}".` : REPO_NOT_FOUND_HINT[holder(kind)],
  );
}

export const lookupWhat = {
  repository: (requested: string): string => `the repository "${requested}"`,
  workspace: (ws: string): string => `the workspace "${ws}"`,
};

/** A lookup refused for lack of scope: `perm` is the permission of the scope the 403 named, when known. */
export const lookupScopeDenied = (kind: Kind, what: string, need: string, perm: BitbucketPermission | undefined, id: string): Finding =>
  finding(
    'scope.missing',
    'error',
    `The token cannot look up ${what}: it lacks ${need} (403).`,
    perm ? addScopeHint(kind, perm, id) : `Create a token with ${need} and update the secret.`,
  );

const NO_PERMISSION_HINT: Record<Holder, string> = {
  'access token': 'Use an access token created for this repository, its project or its workspace.',
  account: "Ask a workspace admin to give the token's account read access, or use a token of an account that has it.",
};

/** A lookup refused for lack of permission on the resource (403 without a scope named). */
export const lookupForbidden = (kind: Kind, what: string, said: string): Finding =>
  finding(
    'scope.missing',
    'error',
    `The ${holder(kind)} has no permission to read ${what} (403${quoted(said)}).`,
    NO_PERMISSION_HINT[holder(kind)],
  );

// ───────────────────────────── scopes ─────────────────────────────

function addScopeHint(kind: Kind, p: BitbucketPermission, id: string): string {
  if (kind === 'access-token')
    return `Access token scopes cannot be changed: create a new access token with "${p.portal}" (${id}) in ${ACCESS_TOKEN_PAGE}, and update the secret.`;
  if (kind === 'app-password')
    return `App passwords are retired: create an API token with ${p.apiToken ?? p.portal} (${API_TOKEN_PAGE}) and update the secret.`;
  return `API tokens cannot be edited: create a new one with ${id} ("${p.portal}") via ${API_TOKEN_PAGE}, and update the secret.`;
}

export const scopesGranted = (granted: readonly string[]): Finding =>
  finding('scope.granted', 'info', `Bitbucket says the token carries: ${granted.join(', ')} (x-oauth-scopes).`);

/** How a scope was verified, for the one `scope.verified` note. */
export const VERIFIED_BY_HEADER = 'x-oauth-scopes header';
export const verifiedByProbe = (path: string): string => `GET ${path}`;

/** For API tokens, a write/admin scope without its read one is a common surprise: `stronger` are those granted. */
export const noImplication = (stronger: readonly string[]): string =>
  stronger.length ? `; it has ${stronger.join(', ')}, but API-token scopes imply nothing (write does not include read)` : '';

/** A scope the token lacks; `because` follows the scope's name (": why" or a note), or is empty. */
export const scopeMissing = (kind: Kind, w: Wanted, because: string): Finding =>
  finding('scope.missing', 'error', `The token lacks ${w.id} ("${w.perm.portal}")${because}.`, addScopeHint(kind, w.perm, w.id));

export const scopeUnverifiable = (w: Wanted, why: string): Finding =>
  finding(
    'scope.unverifiable',
    'warning',
    `${w.id} ("${w.perm.portal}") could not be verified: ${why}.`,
    "Nothing to fix here; check the token's scopes where it was created if later steps fail.",
  );

const PROBE_NEEDS: Partial<Record<ProbeTarget, string>> = {
  workspace: 'a workspace in `project`',
  projects: 'a workspace in `project`',
  pullrequests: 'a repository in `project` (workspace/repo_slug)',
  hooks: 'a repository in `project` (workspace/repo_slug)',
  pipelines: 'a repository in `project` (workspace/repo_slug)',
  issues: 'a repository in `project` (workspace/repo_slug)',
  runners: 'a repository in `project` (workspace/repo_slug)',
  'ssh-keys': 'the account, which GET /2.0/user did not show',
  'gpg-keys': 'the account, which GET /2.0/user did not show',
};

/** Why a probe proved or disproved a scope (the `why` of its verdict). */
export const WHY = {
  noReadProbe:
    'no read-only request proves it (write, admin and delete scopes gate only changes), and Bitbucket did not send the x-oauth-scopes header',
  noProbeBecause: (why: string): string => `${why}, and Bitbucket did not send the x-oauth-scopes header`,
  accessTokenUser: 'access tokens cannot read /2.0/user',
  userDenied: 'GET /2.0/user was denied (403)',
  probeNeeds: (target: ProbeTarget): string => `its probe needs ${PROBE_NEEDS[target] ?? 'a project'}`,
  troubled: 'the provider could not be asked',
  scopeDenied: (path: string, granted?: readonly string[]): string =>
    `GET ${path} was denied for lack of scope (403)${granted ? `; Bitbucket says the credential carries ${granted.length ? quoteStatement(granted.join(', ')) : 'no scopes'}` : ''}`,
  refused: (path: string): string => `GET ${path} was refused (401)`,
  forbidden: (path: string): string => `GET ${path} was refused (403) for lack of permission on the resource, not of scope`,
  answered: (path: string, status: number): string =>
    `GET ${path} answered ${status}${status === 404 ? ' (not found, or the feature is disabled there)' : ''}`,
};
