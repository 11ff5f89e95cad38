/**
 * GitLab access-token scopes and which scope covers which. Sources: GitLab's scope table
 * (doc/user/profile/personal_access_tokens.md, "Personal access token scopes") and the abilities
 * each scope grants for Git over HTTP and the registries (lib/gitlab/auth.rb `abilities_for_scopes`:
 * `api` → full abilities, `read_api` → read_project + download_code + read_container_image,
 * `write_repository` → download_code + push_code, `write_registry` → create_container_image only).
 * The API itself accepts `read_api` for every GET and `api` for everything.
 */

export interface GitLabScope {
  id: string;
  /** What the scope grants, in GitLab's words (shortened). */
  grants: string;
  /** Scopes that grant everything this one does (documented). */
  coveredBy: readonly string[];
  /**
   * Scopes that may grant it, but GitLab does not document that they do: a token with one of these
   * and not the scope itself is reported unverifiable, never verified.
   */
  maybeCoveredBy?: readonly string[];
  /** Only administrators can hold it. */
  adminOnly?: boolean;
}

export const GITLAB_SCOPES: readonly GitLabScope[] = [
  { id: 'api', grants: 'complete read/write access to the API, the registries and the repositories (Git over HTTP)', coveredBy: [] },
  {
    id: 'read_api',
    grants: 'read access to the API, including all groups and projects, the container registry and the package registry',
    coveredBy: ['api'],
  },
  { id: 'read_user', grants: 'read-only access to the /user and /users endpoints', coveredBy: ['api', 'read_api'] },
  {
    id: 'read_repository',
    grants: 'read (pull) access to repositories with Git over HTTP or the repository files API',
    coveredBy: ['api', 'read_api', 'write_repository'],
  },
  { id: 'write_repository', grants: 'read-write (pull and push) access to repositories with Git over HTTP', coveredBy: ['api'] },
  // Not covered by write_registry: GitLab documents that pushing needs both, and write alone cannot pull.
  { id: 'read_registry', grants: 'pull access to container registry images of private projects', coveredBy: ['api', 'read_api'] },
  { id: 'write_registry', grants: 'push access to container registry images of private projects', coveredBy: ['api'] },
  {
    id: 'read_virtual_registry',
    grants: 'pull access to container images through the dependency proxy',
    coveredBy: ['api', 'write_virtual_registry'],
  },
  {
    id: 'write_virtual_registry',
    grants: 'pull, push and delete access to container images through the dependency proxy',
    coveredBy: ['api'],
  },
  { id: 'sudo', grants: 'API actions as any user (administrators only)', coveredBy: [], adminOnly: true },
  { id: 'admin_mode', grants: 'API actions in Admin Mode (administrators on self-managed only)', coveredBy: [], adminOnly: true },
  { id: 'create_runner', grants: 'creating runners', coveredBy: [], maybeCoveredBy: ['api'] },
  { id: 'manage_runner', grants: 'managing runners', coveredBy: [], maybeCoveredBy: ['api'] },
  { id: 'ai_features', grants: 'GitLab Duo, Code Suggestions and Duo Chat API actions', coveredBy: [], maybeCoveredBy: ['api'] },
  { id: 'k8s_proxy', grants: 'Kubernetes API calls through the agent for Kubernetes', coveredBy: [] },
  { id: 'self_rotate', grants: 'rotating this token through the personal access token API', coveredBy: ['api'] },
  { id: 'read_service_ping', grants: 'downloading the Service Ping payload (administrators)', coveredBy: [], adminOnly: true },
  { id: 'read_observability', grants: 'read access to observability data', coveredBy: [], maybeCoveredBy: ['api'] },
  { id: 'write_observability', grants: 'write access to observability data', coveredBy: [], maybeCoveredBy: ['api'] },
];

const BY_ID = new Map(GITLAB_SCOPES.map((s) => [s.id, s]));

/** A scope from user input: case-insensitive, spaces and hyphens taken as underscores (`Read API` → read_api). */
export function findGitLabScope(text: string): GitLabScope | undefined {
  return BY_ID.get(
    text
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
}

export type Coverage = 'yes' | 'maybe' | 'no';

/** Does a token carrying `held` have what `scope` grants? */
export function coverage(scope: GitLabScope, held: readonly string[]): Coverage {
  const have = new Set(held.map((s) => s.toLowerCase()));
  if (have.has(scope.id) || scope.coveredBy.some((s) => have.has(s))) return 'yes';
  if (scope.maybeCoveredBy?.some((s) => have.has(s))) return 'maybe';
  return 'no';
}
