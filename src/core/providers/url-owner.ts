/**
 * Which provider a URL names, from the URL alone: a well-known host (dev.azure.com, github.com,
 * gitlab.com, bitbucket.org…), or a path only one provider uses on a self-hosted server (Azure
 * DevOps Server's `/tfs/` virtual directory and `_git` / `_apis` segments, GitLab's `/-/`).
 * Undefined when the URL could be anyone's. Pure.
 */
import type { ProviderId } from '../report.js';
import { PROVIDER_MODULES } from './registry.js';

const ADO_SEGMENTS = new Set(['_git', '_apis', '_build', '_release', '_packaging', '_settings', '_workitems', '_wiki', '_boards']);

function byPath(path: string): ProviderId | undefined {
  const segments = path.split('/').filter(Boolean);
  if (segments[0]?.toLowerCase() === 'tfs' || segments.some((s) => ADO_SEGMENTS.has(s.toLowerCase()))) return 'azure-devops';
  if (segments.includes('-')) return 'gitlab';
  return undefined;
}

export function providerOfUrl(input: string | undefined): ProviderId | undefined {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?([^/:?#\s]+)(?::\d+)?([^?#\s]*)/i.exec(input?.trim() ?? '');
  const host = m?.[1]?.toLowerCase() ?? '';
  return Object.values(PROVIDER_MODULES).find((mod) => mod.ownsHost(host))?.id ?? byPath(m?.[2] ?? '');
}
