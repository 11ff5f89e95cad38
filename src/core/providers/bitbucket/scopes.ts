/**
 * Bitbucket Cloud scopes, in the two families Atlassian uses (developer.atlassian.com, "Bitbucket
 * Cloud REST API" → "Bitbucket OAuth 2.0 scopes" and "Forge app and API token scopes"):
 * - OAuth-style scopes (`repository`, `pullrequest:write`…): access tokens, app passwords, OAuth.
 *   Some imply others (`repository:write` → `repository`; `pullrequest:write` → `pullrequest`,
 *   `repository:write`); admin scopes imply nothing.
 * - API-token scopes (`read:repository:bitbucket`…): Atlassian API tokens. They imply **nothing**:
 *   `write:repository:bitbucket` does not grant `read:repository:bitbucket`.
 * Each permission of the token settings page ("Repositories: Read") maps to one scope per family.
 */
import { ownEntry } from '../../lookup.js';

export type ScopeFamily = 'oauth' | 'api-token';

/** A read-only GET that only succeeds with the scope. `{ws}` / `{repo}` are replaced (encoded). */
export type ProbeTarget =
  | 'user'
  | 'emails'
  | 'workspace'
  | 'repository'
  | 'repositories'
  | 'projects'
  | 'pullrequests'
  | 'pipelines'
  | 'issues'
  | 'hooks'
  | 'snippets'
  | 'runners'
  | 'ssh-keys'
  | 'gpg-keys';

/** Probes that read the account itself: access tokens act as a pseudo-user and cannot. */
export const ACCOUNT_PROBES: readonly ProbeTarget[] = ['user', 'emails', 'ssh-keys', 'gpg-keys'];
/** Probes below `/2.0/users/{selected_user}`: they need the account round 1 read. */
export const KEY_PROBES: readonly ProbeTarget[] = ['ssh-keys', 'gpg-keys'];

export interface BitbucketPermission {
  /** The token settings page's name, e.g. "Repositories: Read". */
  portal: string;
  oauth?: string;
  apiToken?: string;
  /** Read permissions that a GET can prove; write/admin/delete only gate mutating requests. */
  probe?: ProbeTarget;
  /** Why a read-level permission has no probe (write, admin and delete levels need no reason). */
  why?: string;
}

const P = (
  portal: string,
  oauth: string | undefined,
  apiToken: string | undefined,
  probe?: ProbeTarget,
  why?: string,
): BitbucketPermission => ({ portal, oauth, apiToken, probe, ...(why ? { why } : {}) });

export const BITBUCKET_PERMISSIONS: readonly BitbucketPermission[] = [
  P('Repositories: Read', 'repository', 'read:repository:bitbucket', 'repository'),
  P('Repositories: Write', 'repository:write', 'write:repository:bitbucket'),
  P('Repositories: Admin', 'repository:admin', 'admin:repository:bitbucket'),
  P('Repositories: Delete', 'repository:delete', 'delete:repository:bitbucket'),
  P('Pull requests: Read', 'pullrequest', 'read:pullrequest:bitbucket', 'pullrequests'),
  P('Pull requests: Write', 'pullrequest:write', 'write:pullrequest:bitbucket'),
  P('Projects: Read', 'project', 'read:project:bitbucket', 'projects'),
  P('Projects: Write', 'project:write', undefined),
  P('Projects: Admin', 'project:admin', 'admin:project:bitbucket'),
  P('Workspaces: Read', 'team', 'read:workspace:bitbucket', 'workspace'),
  P('Workspaces: Admin', 'team:write', 'admin:workspace:bitbucket'),
  P('Account: Read', 'account', 'read:user:bitbucket', 'user'),
  P('Account: Write', 'account:write', 'write:user:bitbucket'),
  // GET /2.0/user/emails: "List email addresses for current user", scope `email` (REST reference, Users).
  P('Account: Email', 'email', undefined, 'emails'),
  P('Pipelines: Read', 'pipeline', 'read:pipeline:bitbucket', 'pipelines'),
  P('Pipelines: Write', 'pipeline:write', 'write:pipeline:bitbucket'),
  // Listing a repository's pipeline variables needs only the pipelines read scope (REST reference, Pipelines).
  P(
    'Pipelines: Edit variables',
    'pipeline:variable',
    'admin:pipeline:bitbucket',
    undefined,
    'reading pipeline variables needs only the pipelines read scope; this one gates only changing them',
  ),
  // GET /2.0/repositories/{workspace}/{repo_slug}/pipelines-config/runners: `runner` / `read:runner:bitbucket` (REST reference, Pipelines).
  P('Runners: Read', 'runner', 'read:runner:bitbucket', 'runners'),
  P('Runners: Write', 'runner:write', 'write:runner:bitbucket'),
  P('Issues: Read', 'issue', 'read:issue:bitbucket', 'issues'),
  P('Issues: Write', 'issue:write', 'write:issue:bitbucket'),
  P('Issues: Delete', undefined, 'delete:issue:bitbucket'),
  P('Wikis: Read and write', 'wiki', undefined, undefined, 'the REST API has no wiki endpoints (a wiki is a Git repository of its own)'),
  // GET /2.0/repositories/{workspace}/{repo_slug}/hooks: scope `webhook` / `read:webhook:bitbucket` (REST reference, Webhooks).
  P('Webhooks: Read', 'webhook', 'read:webhook:bitbucket', 'hooks'),
  P('Webhooks: Read and write', 'webhook', 'write:webhook:bitbucket'),
  P('Webhooks: Delete', undefined, 'delete:webhook:bitbucket'),
  P('Snippets: Read', 'snippet', 'read:snippet:bitbucket', 'snippets'),
  P('Snippets: Write', 'snippet:write', 'write:snippet:bitbucket'),
  P('Snippets: Delete', undefined, 'delete:snippet:bitbucket'),
  // GET /2.0/users/{selected_user}/ssh-keys and …/gpg-keys: `read:ssh-key:bitbucket` / `read:gpg-key:bitbucket`
  // (REST reference, SSH and GPG; "Allows read access to information related to … keys").
  P('SSH keys: Read', undefined, 'read:ssh-key:bitbucket', 'ssh-keys'),
  P('SSH keys: Write', undefined, 'write:ssh-key:bitbucket'),
  P('SSH keys: Delete', undefined, 'delete:ssh-key:bitbucket'),
  P('GPG keys: Read', undefined, 'read:gpg-key:bitbucket', 'gpg-keys'),
  P('GPG keys: Write', undefined, 'write:gpg-key:bitbucket'),
  P('GPG keys: Delete', undefined, 'delete:gpg-key:bitbucket'),
  // The permission lists (/2.0/user/permissions/…, …/permissions-config/…) are documented with other
  // scopes (repository, project, workspace or their admin levels) [unconfirmed for API tokens].
  P(
    'Permissions: Read',
    undefined,
    'read:permission:bitbucket',
    undefined,
    'no read-only request is confirmed to need this scope and no other (the permission lists are documented with the repository, project and workspace scopes)',
  ),
  P('Permissions: Write', undefined, 'write:permission:bitbucket'),
  P('Permissions: Delete', undefined, 'delete:permission:bitbucket'),
];

/**
 * OAuth-style implications: documented by Atlassian (project, repository:write, pullrequest,
 * pullrequest:write, issue:write, snippet:write) plus pipeline/runner writes (community-derived,
 * trufflehog's Bitbucket analyzer). Admin scopes imply nothing, per the same documentation.
 */
const OAUTH_IMPLIES: Readonly<Record<string, readonly string[]>> = {
  project: ['repository'],
  'repository:write': ['repository'],
  pullrequest: ['repository'],
  'pullrequest:write': ['pullrequest', 'repository:write', 'repository'],
  'issue:write': ['issue'],
  'snippet:write': ['snippet'],
  'pipeline:write': ['pipeline'],
  'pipeline:variable': ['pipeline:write', 'pipeline'],
  'runner:write': ['runner'],
};

/** The family a token kind's scopes come from. */
export function scopeFamily(kind: string): ScopeFamily {
  return kind === 'bitbucket.api-token' ? 'api-token' : 'oauth';
}

export function scopeId(p: BitbucketPermission, family: ScopeFamily): string | undefined {
  return family === 'oauth' ? p.oauth : p.apiToken;
}

const norm = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*:\s*/g, ': ')
    .replace(/ & /g, ' and ');

/** A required scope as written (either family's id, or the portal's name) → its permission. */
export function findBitbucketPermission(text: string): BitbucketPermission | undefined {
  const t = text.trim().toLowerCase();
  return (
    BITBUCKET_PERMISSIONS.find((p) => p.oauth === t || p.apiToken === t) ?? BITBUCKET_PERMISSIONS.find((p) => norm(p.portal) === norm(text))
  );
}

export function permissionById(id: string): BitbucketPermission | undefined {
  return BITBUCKET_PERMISSIONS.find((p) => p.oauth === id || p.apiToken === id);
}

/**
 * `x-oauth-scopes`: comma (+ space) separated. An empty header says nothing (every Bitbucket
 * credential that authenticates carries at least one scope), so it counts as absent.
 */
export function parseScopeHeader(value: string | undefined): string[] | undefined {
  const scopes = [
    ...new Set(
      (value ?? '')
        .split(/[,\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  return scopes.length ? scopes : undefined;
}

/** Every scope the granted ones amount to (OAuth implications applied; API-token scopes imply nothing). */
export function effectiveScopes(granted: readonly string[], family: ScopeFamily): Set<string> {
  const out = new Set(granted);
  if (family === 'oauth') for (const g of granted) for (const implied of ownEntry(OAUTH_IMPLIES, g) ?? []) out.add(implied);
  return out;
}
