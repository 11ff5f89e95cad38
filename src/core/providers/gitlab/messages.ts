/**
 * Every sentence GitLab's online findings say. The readers in interpret.ts return facts; these turn
 * them into findings (hints only where the catalogue's fix is not exact enough).
 */
import { caseMismatch, policyBlocked } from '../online/index.js';
import { finding, type Finding } from '../../report.js';
import type { GitLabScope } from './scopes.js';
import type { GlError, JobProjectMatch, ProjectFacts, Refusal, Target, UnlistedWhy, User } from './interpret.js';

// ───────────────────────────── shared phrases ─────────────────────────────

const settings = (t: Target): string => `${t.web}/-/user_settings/personal_access_tokens`;
const OTHER_TOKENS = "(or the project's / group's Settings → Access tokens)";
const NO_NEW_SCOPES = 'GitLab cannot add scopes to an existing token: create a new one with';
const NO_PROFILE = "cannot read its user's profile (it has none of read_user, read_api, api)";
const NONE = 'None needed.';
const quoted = (name: string | undefined): string => (name ? ` "${name}"` : '');
const listOf = (scopes: readonly string[]): string => (scopes.length ? scopes.join(', ') : 'no scopes');

/** How a scope was verified, for the one `scope.verified` note. */
export const HOW = {
  through: (scope: string | undefined): string => `through ${scope}`,
  user: 'GET /user answered',
  api: 'a read-only API request answered',
};

/** Why a scope is missing or cannot be verified (after "lacks X (…)" / "and"). */
export const WHY = {
  notListed: '',
  undocumented: 'GitLab does not document whether the scopes it lists cover it',
  userDenied: ': GET /user was denied',
  apiDenied: ': the read-only API request was denied (403 insufficient_scope)',
  readHalf: 'its read half (read_api) is confirmed; its write half cannot be proven without writing',
  unprovable: 'no read-only API request proves it',
};

/** What the Git-over-HTTP and registry token requests proved (git-probes.ts). */
export const GIT_HOW = {
  repository: 'a Git client read the repository (GET …/info/refs?service=git-upload-pack answered 200)',
  registry: 'the container registry granted a pull token for the project (GET /jwt/auth)',
};

const GIT_WHAT = {
  repository: 'Git over HTTP (GET …/info/refs?service=git-upload-pack)',
  registry: 'the registry token request (GET /jwt/auth)',
};

export const GIT_WHY = {
  repositoryDenied:
    ': Git over HTTP answered 403 "You are not allowed to download code." (no scope of the token lets it read repositories)',
  registryDenied: ': the registry token request answered 403 DENIED (no scope of the token lets it use the container registry)',
  registryNoPull:
    "the registry token it got grants no pull on the project (the project has no container registry, or the token's user cannot reach it)",
  answered: (probe: 'repository' | 'registry', status: number): string =>
    `${GIT_WHAT[probe]} answered ${status}, which is not about the token's scopes (the project's visibility or the user's role, the feature turned off, or a policy)`,
  unanswered: (probe: 'repository' | 'registry'): string => `${GIT_WHAT[probe]} got no answer`,
  needsPath: 'its Git and registry requests need the project path, not its numeric id',
};

const UNLISTED: Record<UnlistedWhy, string> = {
  'not-an-access-token': 'this is not a personal, project or group access token, so GitLab does not list its scopes',
  'old-gitlab': "this GitLab cannot list a token's scopes (personal_access_tokens/self needs GitLab 15.5 or later)",
};

// ───────────────────────────── the credential ─────────────────────────────

export function rejected(t: Target, job: boolean, detail: string): Finding {
  const where = t.gitlabCom ? 'gitlab.com' : `the GitLab instance at ${t.web}`;
  const causes = job
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
    job
      ? 'Pass the $CI_JOB_TOKEN of the running job, on the instance that runs the job (CI_SERVER_URL).'
      : `Create a new token in ${settings(t)} ${OTHER_TOKENS} and update the secret.`,
  );
}

/** GitLab named its group IP restriction: the runner's address, not the token, is refused. */
export const ipRestricted = (said: string, what: string): Finding =>
  policyBlocked({
    provider: 'GitLab',
    what,
    policy: "the group restricts access by IP address and this runner's address is not among the allowed ones",
    said,
    fix: "Ask an owner of the group to add the runner's outbound IP address or range (Group → Settings → General → Permissions and group features → Restrict access by IP address), or run the job on a runner inside an allowed network; the token itself is fine.",
  });

/** `on`: the date GitLab gave (its token record's `expires_at`, or a date its 401 stated). */
export function expired(t: Target, job: boolean, on?: string): Finding {
  return finding(
    'token.expired',
    'error',
    on ? `GitLab says the token expired on ${on}.` : 'GitLab says the token has expired.',
    job ? 'Use the $CI_JOB_TOKEN of the running job.' : `Create a new token (or rotate this one) in ${settings(t)} and update the secret.`,
  );
}

export function revoked(t: Target): Finding {
  return finding(
    'token.revoked',
    'error',
    'GitLab says the token was revoked.',
    `Create a new token in ${settings(t)} and update the secret; find out why it was revoked (GitLab revokes tokens found in public repositories).`,
  );
}

export const inactive = (t: Target, job: boolean): Finding => rejected(t, job, 'GitLab reports the token as inactive');

/** A 401, told apart by GitLab's error description (gitlabhq lib/api/api_guard.rb); `on`: the expiry date it stated. */
export function unauthorized(t: Target, job: boolean, why: Refusal, e: GlError, on?: string): Finding {
  if (why === 'expired') return expired(t, job, on);
  if (why === 'revoked') return revoked(t);
  if (why === 'impersonation') {
    return finding(
      'token.rejected',
      'error',
      'GitLab rejected the token: it is an impersonation token and impersonation is disabled on this instance.',
      'Use a personal, project or group access token, or ask an administrator to enable impersonation.',
    );
  }
  const said = e.description || e.message;
  return rejected(t, job, `401${e.error ? ` ${e.error}` : ''}${said ? `: "${said}"` : ''}`);
}

/** 404 on the identity endpoint (`/user`, or `/job` for a job token). */
export function noApi(t: Target, endpoint: '/user' | '/job'): Finding {
  let hint = 'Use the instance that runs the job (CI_SERVER_URL / CI_API_V4_URL).';
  if (endpoint === '/user') {
    hint = t.gitlabCom
      ? 'Use https://gitlab.com.'
      : 'Check the host and, if GitLab is served under a path (relative URL root, e.g. https://host/gitlab), include that path in `url`.';
  }
  return finding('url.org-not-found', 'error', `There is no GitLab API at ${t.api} (404 on ${endpoint}).`, hint);
}

export const userRefused = (reason: string): Finding =>
  finding(
    'token.rejected',
    'error',
    `GitLab accepted the token but refuses its user: "${reason}".`,
    'Have an administrator unblock or reactivate the user (or, for a deactivated account, sign in once), or use a token of another user.',
  );

export const noExpiry = (name: string | undefined): Finding =>
  finding(
    'token.no-expiry',
    'info',
    `GitLab says the token${quoted(name)} has no expiry date.`,
    'None needed for the pipeline; consider a token with an expiry date (one that never expires stays usable if it leaks).',
  );

export const granted = (name: string | undefined, scopes: readonly string[]): Finding =>
  finding('scope.granted', 'info', `GitLab says the token${quoted(name)} carries: ${listOf(scopes)}.`);

/** Who the token is, from GET /user, or only the user id from the token record, or nothing. */
export function identity(user: User | undefined, bot: string | undefined, userId: number | undefined): Finding {
  if (user) {
    const id = user.id !== undefined ? ` (user id ${user.id})` : '';
    const what = bot ? ` — the bot user of a ${bot} access token` : '';
    return finding('token.identity', 'info', `Authenticated as @${user.username}${id}${what}.`);
  }
  const text =
    userId !== undefined ? `Authenticated as user id ${userId}; the token ${NO_PROFILE}.` : `The token was accepted, but it ${NO_PROFILE}.`;
  return finding('token.identity', 'info', text, NONE);
}

export const jobIdentity = (jobId: number | undefined, project: string | undefined, username: string | undefined): Finding =>
  finding(
    'token.identity',
    'info',
    `CI job token of job ${jobId ?? '?'}${project ? ` in ${project}` : ''}, running as @${username ?? 'unknown'}.`,
    NONE,
  );

// ───────────────────────────── the project ─────────────────────────────

export const projectPathNote = (path: string, from: string): Finding =>
  finding(
    'project.info',
    'info',
    `Checking the project path "${path}" (from "${from}").`,
    'Pass the full path (group/subgroup/project) as `project`.',
  );

/** 403 insufficient_scope on the project lookup: `add` is the narrowest accepted scope. */
export const projectDenied = (t: Target, accepted: readonly string[], add: string): Finding =>
  finding(
    'scope.missing',
    'error',
    `The token cannot read the project: GitLab needs ${accepted.length ? `one of ${accepted.join(', ')}` : 'a scope the token lacks'} for it (403 insufficient_scope).`,
    `${NO_NEW_SCOPES} ${add} (or api) in ${settings(t)} and update the secret.`,
  );

export function projectFindings(requested: string, p: ProjectFacts): Finding[] {
  const { path } = p;
  const found: Finding[] = [];
  if (p.name === 'case') {
    found.push(caseMismatch({ provider: 'GitLab', what: 'project', stored: path, requested, compared: 'paths' }));
  } else if (p.name === 'renamed') {
    found.push(
      finding(
        'project.renamed',
        'error',
        `The project "${requested}" was renamed or moved to "${path}"; GitLab still redirects the old path, but not everywhere and not for ever (a new project may take the old path).`,
        `Use "${path}".`,
      ),
    );
  }
  if (p.deletion) {
    found.push(
      finding(
        'project.unavailable',
        'error',
        `The project "${path}" is scheduled for deletion (marked on ${p.deletion}), so later steps cannot rely on it.`,
        'Restore it (Settings → General → Advanced → Restore project) or use another project.',
      ),
    );
  }
  if (p.archived) {
    found.push(
      finding(
        'project.archived',
        'warning',
        `The project "${path}" is archived: it is read-only, so pushes, merge requests, issues and other writes will fail.`,
        'Unarchive it (Settings → General → Advanced → Unarchive project) if later steps write to it.',
      ),
    );
  }
  return found;
}

export const encodedSlash = (requested: string, id: number): Finding =>
  finding(
    'url.encoded-slash',
    'error',
    `The lookup of "${requested}" by path answered 404, but the project exists (id ${id}) and its lookup by id works: a reverse proxy in front of GitLab decodes %2F in project paths.`,
    `Make the proxy pass encoded slashes unchanged (nginx: proxy_pass without a URI part; Apache: AllowEncodedSlashes NoDecode), or pass the numeric id as \`project\` (${id}).`,
  );

export function projectNotFound(t: Target, requested: string, near: readonly string[]): Finding {
  const closest = near.length ? ` Closest paths the token can see: ${near.map((n) => `"${n}"`).join(', ')}.` : '';
  return finding(
    'project.not-found',
    'error',
    `The project "${requested}" does not exist on ${t.gitlabCom ? 'gitlab.com' : t.web}, or the token's user cannot see it (GitLab answers 404 for both).${closest}`,
    near.length
      ? `Use the full path exactly, e.g. "${near[0]}".`
      : "Check the full path (group/subgroup/project, as in the project URL), and that the token's user is a member of the project.",
  );
}

/** A job token and the requested project: nothing to say when it is the job's own, exactly. */
export function jobProject(match: JobProjectMatch, requested: string, own: string | undefined): Finding | undefined {
  if (match === 'case') {
    return finding(
      'project.case-mismatch',
      'error',
      `The job's project is "${own}", not "${requested}"; later steps that compare paths exactly will fail.`,
      `Use "${own}" exactly (or $CI_PROJECT_PATH).`,
    );
  }
  if (match !== 'other') return undefined;
  return finding(
    'project.info',
    'warning',
    `The job token belongs to ${own ? `"${own}"` : 'another project'}; it reaches "${requested}" only if that project's job token allowlist admits it, which a job token cannot check.`,
    `Add ${own ?? 'this project'} to "${requested}"'s Settings → CI/CD → Job token permissions, or use a project access token of "${requested}".`,
  );
}

// ───────────────────────────── scopes ─────────────────────────────

/** `held`: the scopes GitLab listed (undefined: it could not list them); `why` follows the scope's grants. */
export const scopeMissing = (t: Target, s: GitLabScope, held: readonly string[] | undefined, why = ''): Finding =>
  finding(
    'scope.missing',
    'error',
    `The token lacks ${s.id} (${s.grants})${why}${held ? `; it carries ${listOf(held)}` : ''}.`,
    `${NO_NEW_SCOPES} ${s.id} in ${settings(t)} ${OTHER_TOKENS} and update the secret.${s.adminOnly ? ' Only administrators can hold this scope.' : ''}`,
  );

/** GitLab listed a scope that may, undocumented, cover `s`. */
export const scopeMaybeCovered = (s: GitLabScope, held: readonly string[]): Finding =>
  finding(
    'scope.unverifiable',
    'warning',
    `The token carries ${(s.maybeCoveredBy ?? []).filter((x) => held.includes(x)).join(', ')} but not ${s.id}; GitLab does not document whether that covers ${s.grants}.`,
    `If later steps fail with 403 insufficient_scope, create a token that also has ${s.id}.`,
  );

export const scopeUnproven = (t: Target, s: GitLabScope, unlisted: UnlistedWhy, why: string): Finding =>
  finding(
    'scope.unverifiable',
    'warning',
    `${s.id} could not be verified: ${UNLISTED[unlisted]}, and ${why}.`,
    `Nothing to fix here; check the token's scopes in ${settings(t)} if later steps fail.`,
  );

export const jobScope = (s: GitLabScope): Finding =>
  finding(
    'scope.unverifiable',
    'warning',
    `${s.id} cannot be verified for a CI job token: job tokens have no scopes; they act with the job user's role on the job's project and on projects whose allowlist admits it, on a fixed set of endpoints.`,
    'Nothing to fix if the later steps use only what job tokens may do; otherwise use a project access token with the scope.',
  );
