/**
 * Read-only proofs of read_repository and read_registry where GitLab cannot list a token's scopes
 * (before 15.5, or an OAuth token): the first request a Git client and a container-registry client
 * make, each with the token as Basic `oauth2:<token>` (OAuth tokens need that user name, access
 * tokens take any: https://docs.gitlab.com/api/oauth2/#access-git-over-https-with-access-token).
 * - `GET {web}/{path}.git/info/refs?service=git-upload-pack`: Git's ref advertisement, the start of
 *   a fetch (https://git-scm.com/docs/http-protocol); protocol v2 keeps the answer to capabilities.
 * - `GET {web}/jwt/auth?service=container_registry&scope=repository:{path}:pull`: the registry token
 *   request of `docker pull` (https://docs.gitlab.com/administration/packages/container_registry/).
 * Neither creates, changes or deletes anything. Pure readers; the requests go out in online.ts.
 */
import type { HttpOutcome, HttpResponse } from '../../http/client.js';
import { decodeJwt } from '../../jwt.js';
import { missing, unverifiable, verified, type Verdict } from '../online/index.js';
import { GIT_HOW, GIT_WHY } from './messages.js';
import type { Target } from './interpret.js';

export type GitProbe = 'repository' | 'registry';

/** The scope each probe proves. */
export const GIT_PROBE_SCOPE: Readonly<Record<GitProbe, string>> = { repository: 'read_repository', registry: 'read_registry' };

/** Headers of the Git request: any answer type, protocol v2 (capabilities only, not every ref). */
export const GIT_HEADERS = { accept: '*/*', 'git-protocol': 'version=2' };

/** The probe's URL, or undefined when `project` is a numeric id (both need the path). */
export function gitProbeUrl(probe: GitProbe, t: Target, project: string): string | undefined {
  if (/^\d+$/.test(project)) return undefined;
  const path = project.split('/').map(encodeURIComponent).join('/');
  if (probe === 'repository') return `${t.web}/${path}.git/info/refs?service=git-upload-pack`;
  // Registry image paths are lower case.
  const scope = encodeURIComponent(`repository:${project.toLowerCase()}:pull`);
  return `${t.web}/jwt/auth?service=container_registry&scope=${scope}`;
}

/** What the probe's answer proves about its scope (an unanswered probe proves nothing; trouble is reported elsewhere). */
export function gitProbeVerdict(probe: GitProbe, r: HttpOutcome): Verdict {
  if (r.kind !== 'response') return unverifiable(GIT_WHY.unanswered(probe));
  return probe === 'repository' ? repositoryVerdict(r) : registryVerdict(r);
}

/**
 * 403 "You are not allowed to download code." is GitLab's refusal for a token whose scopes give no
 * download ability (Gitlab::GitAccess `auth_download`); other refusals (the user's role, Git over
 * HTTP turned off, a missing project) say nothing about the scope.
 */
function repositoryVerdict(r: HttpResponse): Verdict {
  if (r.status === 200) return verified(GIT_HOW.repository);
  if (r.status === 403 && /^You are not allowed to download code\.?$/.test(r.body.trim())) return missing(GIT_WHY.repositoryDenied);
  return unverifiable(GIT_WHY.answered('repository', r.status));
}

/**
 * 200 carries a registry token whose `access` claim lists what it grants (empty when the project or
 * its registry is out of reach); 403 `DENIED` is the refusal of a token whose scopes give no registry
 * ability (ContainerRegistryAuthenticationService); 404: no registry on this instance.
 */
function registryVerdict(r: HttpResponse): Verdict {
  if (r.status === 200) return pullGranted(r) ? verified(GIT_HOW.registry) : unverifiable(GIT_WHY.registryNoPull);
  if (r.status === 403 && registryError(r) === 'DENIED') return missing(GIT_WHY.registryDenied);
  return unverifiable(GIT_WHY.answered('registry', r.status));
}

/** Does the registry token grant `pull` on a repository? Only the `access` claim is read; the token itself goes nowhere. */
function pullGranted(r: HttpResponse): boolean {
  const body = r.json as { token?: unknown } | undefined;
  const jwt = typeof body?.token === 'string' ? decodeJwt(body.token) : undefined;
  const access = jwt?.payload.access;
  if (!Array.isArray(access)) return false;
  return access.some((a: unknown) => {
    const entry = a as { type?: unknown; actions?: unknown };
    return entry?.type === 'repository' && Array.isArray(entry.actions) && entry.actions.includes('pull');
  });
}

function registryError(r: HttpResponse): string | undefined {
  const errors = (r.json as { errors?: unknown } | undefined)?.errors;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  const code = (first as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
