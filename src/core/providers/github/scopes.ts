/**
 * GitHub scopes and permissions (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps, https://github.blog/changelog/2023-08-10-x-accepted-github-permissions-header-for-fine-grained-permission-actors).
 *
 * Classic PATs and OAuth tokens carry *scopes*, which GitHub reports in `X-OAuth-Scopes`; a parent
 * scope satisfies its children. Fine-grained PATs and GitHub App tokens carry *permissions*
 * (`contents: read`, `pull_requests: write`) that no endpoint lists, so each read level is proven
 * with one read-only GET against the repository; write levels gate only mutating requests.
 */
import { ownEntry } from '../../lookup.js';

/** Classic scope → the scopes it includes (GitHub "Scopes for OAuth apps"). Transitive. */
const CLASSIC_CHILDREN: Readonly<Record<string, readonly string[]>> = {
  repo: ['repo:status', 'repo_deployment', 'public_repo', 'repo:invite', 'security_events'],
  'admin:repo_hook': ['write:repo_hook'],
  'write:repo_hook': ['read:repo_hook'],
  'admin:org': ['write:org'],
  'write:org': ['read:org'],
  'admin:public_key': ['write:public_key'],
  'write:public_key': ['read:public_key'],
  'admin:org_hook': [],
  gist: [],
  notifications: [],
  user: ['read:user', 'user:email', 'user:follow'],
  project: ['read:project'],
  delete_repo: [],
  'write:packages': ['read:packages'],
  'delete:packages': [],
  'admin:gpg_key': ['write:gpg_key'],
  'write:gpg_key': ['read:gpg_key'],
  'admin:ssh_signing_key': ['write:ssh_signing_key'],
  'write:ssh_signing_key': ['read:ssh_signing_key'],
  codespace: ['codespace:secrets'],
  workflow: [],
  'admin:enterprise': ['manage_runners:enterprise', 'manage_billing:enterprise', 'read:enterprise'],
  'manage_billing:enterprise': ['read:enterprise'],
  'manage_runners:org': [],
  audit_log: ['read:audit_log'],
  copilot: ['manage_billing:copilot'],
  'write:discussion': ['read:discussion'],
  site_admin: [],
};

const ALL_CLASSIC = new Set([...Object.keys(CLASSIC_CHILDREN), ...Object.values(CLASSIC_CHILDREN).flat()]);
/** Every classic scope GitHub documents. */
export const CLASSIC_SCOPES: readonly string[] = [...ALL_CLASSIC];

export function isClassicScope(name: string): boolean {
  return ALL_CLASSIC.has(name);
}

/** Every scope the granted ones include (themselves too). */
export function expandClassic(granted: readonly string[]): Set<string> {
  const out = new Set<string>();
  const add = (s: string): void => {
    if (out.has(s)) return;
    out.add(s);
    for (const c of ownEntry(CLASSIC_CHILDREN, s) ?? []) add(c);
  };
  granted.forEach(add);
  return out;
}

/** Scopes that include `scope` (itself excluded), nearest first: what else would satisfy it. */
export function classicParents(scope: string): string[] {
  const out: string[] = [];
  let frontier = [scope];
  while (frontier.length) {
    const next = Object.keys(CLASSIC_CHILDREN).filter((p) => frontier.some((f) => CLASSIC_CHILDREN[p]!.includes(f)) && !out.includes(p));
    out.push(...next);
    frontier = next;
  }
  return out;
}

/** `X-OAuth-Scopes`: comma (and space) separated; empty for a classic token without scopes. */
export function parseScopesHeader(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export type PermissionLevel = 'read' | 'write' | 'admin';

/** The user's role on the repository that a write level needs (the `permissions` object of the repo). */
export type RepoRight = 'pull' | 'triage' | 'push' | 'maintain' | 'admin';

export interface GitHubPermission {
  /** API name, as in `X-Accepted-GitHub-Permissions` (`pull_requests`). */
  name: string;
  /** As the token settings page names it. */
  label: string;
  aliases?: readonly string[];
  /** Levels GitHub offers (workflows has write only). */
  levels: readonly PermissionLevel[];
  /** Where the token page sets it; account permissions are the token user's own (`/user/…`), needing no repository. */
  on: 'repository' | 'organization' | 'account';
  /**
   * Read-only GET that needs this permission at read level, below the API base: `{repo}` =
   * `repos/{owner}/{repo}`, `{owner}` = the owner. `repository` = the repository lookup itself.
   * Absent: no read-only REST request proves it.
   */
  probe?: string;
  /** Classic scopes that grant the write level (any one; for public repositories `public_repo` too where noted). */
  classicWrite?: readonly string[];
  /** Classic scopes that grant the read level where reading needs more than repository access. */
  classicRead?: readonly string[];
  /** The user's repository role the write level needs (classic tokens act with the user's rights). */
  right?: RepoRight;
  /** Why it cannot be probed (shown in scope.unverifiable). */
  note?: string;
}

const P = (p: GitHubPermission): GitHubPermission => p;
const REPO_WRITE = ['repo', 'public_repo'];

export const GITHUB_PERMISSIONS: readonly GitHubPermission[] = [
  P({ name: 'metadata', label: 'Metadata', levels: ['read'], on: 'repository', probe: 'repository' }),
  P({
    name: 'contents',
    label: 'Contents',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/commits?per_page=1',
    classicWrite: REPO_WRITE,
    right: 'push',
  }),
  P({
    name: 'pull_requests',
    label: 'Pull requests',
    aliases: ['pulls', 'pull_request'],
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/pulls?per_page=1&state=all',
    classicWrite: REPO_WRITE,
    right: 'triage',
  }),
  P({
    name: 'issues',
    label: 'Issues',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/issues?per_page=1&state=all',
    classicWrite: REPO_WRITE,
    right: 'triage',
  }),
  P({
    name: 'actions',
    label: 'Actions',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/actions/runs?per_page=1',
    classicWrite: ['repo'],
    right: 'push',
  }),
  P({
    name: 'deployments',
    label: 'Deployments',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/deployments?per_page=1',
    classicWrite: ['repo_deployment'],
    right: 'push',
  }),
  P({
    name: 'environments',
    label: 'Environments',
    levels: ['read', 'write'],
    on: 'repository',
    // Listing environments needs Actions read, not this (docs.github.com/rest/deployments/environments).
    // Every read this permission gates is an environment's secrets or variables, which needs Secrets or
    // Variables read as well and an environment's name: only the list's answer would give one, a third
    // round trip, and the check sends every probe in its second.
    note: "its reads (an environment's secrets or variables) need Secrets or Variables read as well and an environment's name, which only another request's answer gives (a round trip more than the check sends)",
    classicWrite: ['repo'],
    right: 'admin',
  }),
  P({
    name: 'secrets',
    label: 'Secrets',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/actions/secrets?per_page=1',
    classicRead: ['repo'],
    classicWrite: ['repo'],
    right: 'admin',
  }),
  P({
    name: 'actions_variables',
    label: 'Variables',
    aliases: ['variables'],
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/actions/variables?per_page=1',
    classicRead: ['repo'],
    classicWrite: ['repo'],
    right: 'admin',
  }),
  P({
    name: 'administration',
    label: 'Administration',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/actions/permissions',
    classicRead: ['repo'],
    classicWrite: ['repo'],
    right: 'admin',
  }),
  P({
    name: 'repository_hooks',
    label: 'Webhooks',
    aliases: ['webhooks', 'hooks'],
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/hooks?per_page=1',
    classicRead: ['read:repo_hook'],
    classicWrite: ['write:repo_hook'],
    right: 'admin',
  }),
  P({
    name: 'pages',
    label: 'Pages',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/pages',
    classicWrite: ['repo'],
    right: 'admin',
  }),
  P({
    name: 'security_events',
    label: 'Code scanning alerts',
    aliases: ['code_scanning_alerts', 'code_scanning'],
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/code-scanning/alerts?per_page=1',
    classicRead: ['security_events'],
    classicWrite: ['security_events'],
    right: 'push',
  }),
  P({
    name: 'vulnerability_alerts',
    label: 'Dependabot alerts',
    aliases: ['dependabot_alerts'],
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/dependabot/alerts?per_page=1',
    classicRead: ['security_events'],
    classicWrite: ['security_events'],
    right: 'push',
  }),
  P({
    name: 'secret_scanning_alerts',
    label: 'Secret scanning alerts',
    aliases: ['secret_scanning'],
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/secret-scanning/alerts?per_page=1',
    classicRead: ['security_events'],
    classicWrite: ['security_events'],
    right: 'push',
  }),
  P({
    name: 'checks',
    label: 'Checks',
    levels: ['read', 'write'],
    on: 'repository',
    // "List check runs for a Git reference": the ref may be a branch name, so HEAD (the default
    // branch) needs no lookup; fine-grained tokens need "Checks" read (docs.github.com/rest/checks/runs).
    probe: '{repo}/commits/HEAD/check-runs?per_page=1',
    classicWrite: ['repo'],
    right: 'push',
  }),
  P({
    name: 'statuses',
    label: 'Commit statuses',
    aliases: ['commit_statuses'],
    levels: ['read', 'write'],
    on: 'repository',
    // "Get the combined status for a specific reference" (SHA, branch or tag name): "Commit statuses"
    // read (docs.github.com/rest/commits/statuses).
    probe: '{repo}/commits/HEAD/status?per_page=1',
    classicWrite: ['repo:status'],
    right: 'push',
  }),
  // Permissions whose reads the fine-grained token table documents
  // (docs.github.com/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens).
  P({
    name: 'dependabot_secrets',
    label: 'Dependabot secrets',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/dependabot/secrets?per_page=1',
    classicRead: ['repo'],
    classicWrite: ['repo'],
    right: 'admin',
  }),
  P({
    name: 'repository_advisories',
    label: 'Repository security advisories',
    aliases: ['security_advisories'],
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/security-advisories?per_page=1',
    classicRead: ['repo'],
    classicWrite: ['repo'],
    right: 'admin',
  }),
  P({
    name: 'codespaces',
    label: 'Codespaces',
    levels: ['read', 'write'],
    on: 'repository',
    probe: '{repo}/codespaces?per_page=1',
    classicRead: ['codespace'],
    classicWrite: ['codespace'],
  }),
  P({
    name: 'codespaces_metadata',
    label: 'Codespaces metadata',
    levels: ['read'],
    on: 'repository',
    probe: '{repo}/codespaces/machines',
    classicRead: ['codespace'],
  }),
  P({
    name: 'codespaces_secrets',
    label: 'Codespaces secrets',
    levels: ['read', 'write'],
    on: 'repository',
    note: "GitHub documents even its reads (a repository's Codespaces secrets) as needing write, so no read-only request proves it",
    classicWrite: ['codespace:secrets'],
  }),
  P({
    name: 'codespaces_lifecycle_admin',
    label: 'Codespaces lifecycle admin',
    levels: ['read', 'write'],
    on: 'repository',
    note: "its one read (a codespace export) needs a codespace's name and an export's id, which the check is not given",
    classicWrite: ['codespace'],
  }),
  P({
    name: 'repository_projects',
    label: 'Projects',
    levels: ['read', 'write', 'admin'],
    on: 'repository',
    note: 'its reads (classic projects, cards and columns) need the id of a project, column or card, which the check is not given',
    classicRead: ['read:project'],
    classicWrite: ['project'],
  }),
  P({
    name: 'workflows',
    label: 'Workflows',
    levels: ['write'],
    on: 'repository',
    note: 'it exists only as write access to workflow files',
    classicWrite: ['workflow'],
    right: 'push',
  }),
  P({
    name: 'discussions',
    label: 'Discussions',
    levels: ['read', 'write'],
    on: 'repository',
    // Repository discussions are GraphQL only (a POST, which this tool never sends); the REST team
    // discussions are an organization's, not this permission's.
    note: 'discussions have no read-only REST endpoint (GraphQL only, a POST this tool never sends)',
    classicWrite: ['repo'],
    right: 'triage',
  }),
  P({
    name: 'packages',
    label: 'Packages',
    levels: ['read', 'write'],
    on: 'organization',
    // GET /orgs/{org}/packages?package_type=… needs only the type, but the packages REST API takes
    // only classic tokens ("you must authenticate using a personal access token (classic)",
    // docs.github.com/rest/packages/packages): their read:packages is proven by X-OAuth-Scopes.
    note: 'the packages REST API accepts only classic tokens (their `read:packages` is read from X-OAuth-Scopes); no REST request proves this permission of other tokens',
    classicRead: ['read:packages'],
    classicWrite: ['write:packages'],
  }),
  P({
    name: 'members',
    label: 'Members',
    levels: ['read', 'write'],
    on: 'organization',
    probe: 'orgs/{owner}/members?per_page=1',
    classicRead: ['read:org'],
    classicWrite: ['write:org'],
  }),
  P({
    name: 'organization_administration',
    label: 'Administration (organization)',
    aliases: ['org_administration'],
    levels: ['read', 'write'],
    on: 'organization',
    // "Get GitHub Actions permissions for an organization": Administration (organization) read.
    probe: 'orgs/{owner}/actions/permissions',
    classicRead: ['admin:org'],
    classicWrite: ['admin:org'],
  }),
  P({
    name: 'organization_user_blocking',
    label: 'Blocking users',
    levels: ['read', 'write'],
    on: 'organization',
    probe: 'orgs/{owner}/blocks?per_page=1',
    classicRead: ['admin:org'],
    classicWrite: ['admin:org'],
  }),
  P({
    name: 'organization_copilot_seat_management',
    label: 'GitHub Copilot Business',
    levels: ['write'],
    on: 'organization',
    note: 'GitHub documents even its reads (Copilot seats and settings) as needing write, so no read-only request proves it',
    classicWrite: ['manage_billing:copilot'],
  }),
  P({
    name: 'organization_events',
    label: 'Events',
    levels: ['read'],
    on: 'organization',
    note: "its one read lists an organisation's events for a named user, a request this check does not send",
  }),
  P({
    name: 'organization_secrets',
    label: 'Secrets (organization)',
    levels: ['read', 'write'],
    on: 'organization',
    probe: 'orgs/{owner}/actions/secrets?per_page=1',
    classicRead: ['admin:org'],
    classicWrite: ['admin:org'],
  }),
  P({
    name: 'organization_actions_variables',
    label: 'Variables (organization)',
    levels: ['read', 'write'],
    on: 'organization',
    probe: 'orgs/{owner}/actions/variables?per_page=1',
    classicRead: ['admin:org'],
    classicWrite: ['admin:org'],
  }),
  P({
    name: 'organization_hooks',
    label: 'Webhooks (organization)',
    levels: ['read', 'write'],
    on: 'organization',
    probe: 'orgs/{owner}/hooks?per_page=1',
    classicRead: ['admin:org_hook'],
    classicWrite: ['admin:org_hook'],
  }),
  P({
    name: 'organization_self_hosted_runners',
    label: 'Self-hosted runners',
    levels: ['read', 'write'],
    on: 'organization',
    probe: 'orgs/{owner}/actions/runners?per_page=1',
    classicRead: ['admin:org'],
    classicWrite: ['admin:org'],
  }),
  P({
    name: 'organization_codespaces_secrets',
    label: 'Organization codespaces secrets',
    levels: ['read', 'write'],
    on: 'organization',
    probe: 'orgs/{owner}/codespaces/secrets?per_page=1',
    classicRead: ['admin:org'],
    classicWrite: ['admin:org'],
  }),
  P({
    name: 'organization_dependabot_secrets',
    label: 'Organization dependabot secrets',
    levels: ['read', 'write'],
    on: 'organization',
    probe: 'orgs/{owner}/dependabot/secrets?per_page=1',
    classicRead: ['admin:org'],
    classicWrite: ['admin:org'],
  }),
  P({
    name: 'organization_codespaces',
    label: 'Organization codespaces',
    levels: ['read', 'write'],
    on: 'organization',
    note: "its reads (an organisation's codespaces) need the repository permission Codespaces as well, so they prove neither",
  }),
  P({
    name: 'organization_codespaces_settings',
    label: 'Organization codespaces settings',
    levels: ['write'],
    on: 'organization',
    note: 'it gates only changes to who may use codespaces',
  }),
  P({
    name: 'organization_projects',
    label: 'Projects (organization)',
    levels: ['read', 'write', 'admin'],
    on: 'organization',
    note: 'its REST reads are the classic projects API, which GitHub has retired; projects are read through GraphQL (a POST, which this tool never sends)',
    classicRead: ['read:project'],
    classicWrite: ['project'],
  }),
  P({
    name: 'team_discussions',
    label: 'Team discussions',
    levels: ['read', 'write'],
    on: 'organization',
    note: "its reads are inside a named team's discussions, which the check is not given",
    classicRead: ['read:discussion'],
    classicWrite: ['write:discussion'],
  }),
  // Account permissions: the token user's own data below /user, no repository needed.
  P({
    name: 'emails',
    label: 'Email addresses',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/emails?per_page=1',
    classicRead: ['user:email'],
    classicWrite: ['user'],
  }),
  P({
    name: 'followers',
    label: 'Followers',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/followers?per_page=1',
    classicWrite: ['user:follow'],
  }),
  P({
    name: 'gpg_keys',
    label: 'GPG keys',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/gpg_keys?per_page=1',
    classicRead: ['read:gpg_key'],
    classicWrite: ['write:gpg_key'],
  }),
  P({
    name: 'keys',
    label: 'Git SSH keys',
    aliases: ['git_ssh_keys'],
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/keys?per_page=1',
    classicRead: ['read:public_key'],
    classicWrite: ['write:public_key'],
  }),
  P({
    name: 'git_signing_ssh_public_keys',
    label: 'SSH signing keys',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/ssh_signing_keys?per_page=1',
    classicRead: ['read:ssh_signing_key'],
    classicWrite: ['write:ssh_signing_key'],
  }),
  P({
    name: 'interaction_limits',
    label: 'Interaction limits',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/interaction-limits',
    classicWrite: ['user'],
  }),
  P({
    name: 'blocking',
    label: 'Block another user',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/blocks?per_page=1',
    classicRead: ['user'],
    classicWrite: ['user'],
  }),
  P({
    name: 'starring',
    label: 'Starring',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/starred?per_page=1',
    classicWrite: ['public_repo'],
  }),
  P({
    name: 'watching',
    label: 'Watching',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/subscriptions?per_page=1',
    classicWrite: ['repo'],
  }),
  P({
    name: 'codespaces_user_secrets',
    label: 'Codespaces user secrets',
    levels: ['read', 'write'],
    on: 'account',
    probe: 'user/codespaces/secrets?per_page=1',
    classicRead: ['codespace'],
    classicWrite: ['codespace'],
  }),
  P({
    name: 'gists',
    label: 'Gists',
    levels: ['write'],
    on: 'account',
    note: 'it exists only as write access to gists',
    classicWrite: ['gist'],
  }),
  P({
    name: 'profile',
    label: 'Profile',
    levels: ['write'],
    on: 'account',
    note: "it gates only changes to the user's profile",
    classicWrite: ['user'],
  }),
  P({
    name: 'plan',
    label: 'Plan',
    levels: ['read'],
    on: 'account',
    note: "its reads are a named user's billing, a request this check does not send",
    classicRead: ['user'],
  }),
  P({
    name: 'id_token',
    label: 'OIDC ID token (Actions)',
    levels: ['write'],
    on: 'repository',
    note: "only the workflow's `permissions:` block grants it; no API request can check it",
  }),
];

const LEVEL_WORDS: Readonly<Record<string, PermissionLevel>> = {
  read: 'read',
  'read-only': 'read',
  'read only': 'read',
  readonly: 'read',
  write: 'write',
  'read and write': 'write',
  'read & write': 'write',
  'read-write': 'write',
  'read/write': 'write',
  admin: 'admin',
};

const key = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export function findPermission(name: string): GitHubPermission | undefined {
  const k = key(name);
  return GITHUB_PERMISSIONS.find((p) => p.name === k || key(p.label) === k || p.aliases?.includes(k));
}

export type RequiredItem =
  | { kind: 'classic'; id: string }
  | { kind: 'permission'; id: string; permission: GitHubPermission; level: PermissionLevel }
  | { kind: 'unknown'; text: string; why: string };

/**
 * One `required-scopes` entry: a classic scope (`repo`, `read:org`) or a permission with a level
 * (`contents:read`, `pull-requests: write`, `Pull requests: Read and write`, `issues=read`).
 * A permission without a level means read.
 */
export function parseRequired(text: string): RequiredItem {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (isClassicScope(lower)) return { kind: 'classic', id: lower };
  const m = /^(.*?)\s*[:=]\s*([^:=]+)$/.exec(t);
  const name = m ? m[1]! : t;
  const levelText = m ? m[2]!.trim().toLowerCase() : 'read';
  const permission = findPermission(name);
  if (!permission) return { kind: 'unknown', text: t, why: 'not a GitHub classic scope or fine-grained permission' };
  const level = ownEntry(LEVEL_WORDS, levelText);
  if (!level) return { kind: 'unknown', text: t, why: `"${m![2]!.trim()}" is not a permission level (read, write or admin)` };
  // GitHub offers admin only on a few permissions; treat an admin request like write (not provable either).
  if (!permission.levels.includes(level) && !(level === 'admin' && permission.levels.includes('write'))) {
    return { kind: 'unknown', text: t, why: `${permission.label} exists only at ${permission.levels.join(' / ')} level` };
  }
  return { kind: 'permission', id: `${permission.name}:${level}`, permission, level };
}

/** `X-Accepted-GitHub-Permissions`: `contents=read,pull_requests=read; issues=read` → readable alternatives. */
export function describeAccepted(header: string | undefined): string | undefined {
  if (!header?.trim()) return undefined;
  const alternatives = header
    .split(';')
    .map((alt) =>
      alt
        .split(',')
        .map((p) => p.trim().replace('=', ': '))
        .filter(Boolean)
        .join(' and '),
    )
    .filter(Boolean);
  return alternatives.length ? alternatives.join(', or ') : undefined;
}

/** Roles in increasing strength: a role includes every weaker one. */
const RIGHTS: readonly RepoRight[] = ['pull', 'triage', 'push', 'maintain', 'admin'];

/** Does the repository's `permissions` object (the user's role) include `right`? undefined if absent. */
export function hasRight(permissions: Record<string, unknown> | undefined, right: RepoRight): boolean | undefined {
  if (!permissions) return undefined;
  const from = RIGHTS.indexOf(right);
  return RIGHTS.slice(from).some((r) => permissions[r] === true);
}
