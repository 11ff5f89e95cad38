/** GitLab API bases: gitlab.com and self-managed (also under a relative root), with or without /api/v4. */
import type { Finding } from '../../report.js';
import { extraPathFinding, isParsed, originOf, parseUserUrl, trailingSlashFinding } from '../../url-common.js';
import type { UrlAnalysis, UrlContext } from '../types.js';

/** gitlab.com (self-managed instances can have any host). */
/** gitlab.com, www.gitlab.com and altssh.gitlab.com (SSH over port 443). */
export const isGitLabComHost = (host: string): boolean =>
  host === 'gitlab.com' || host === 'www.gitlab.com' || host === 'altssh.gitlab.com';

const EXAMPLE = 'https://gitlab.com or https://gitlab.example.com';

export function analyzeGitLabUrl(input: string | undefined, _ctx: UrlContext): UrlAnalysis {
  if (input === undefined || input.trim() === '')
    return { input: null, normalized: 'https://gitlab.com/api/v4', deployment: 'gitlab.com', findings: [] };
  const parsed = parseUserUrl(input, EXAMPLE);
  if (!isParsed(parsed)) return { input: parsed.display || null, normalized: null, findings: parsed.findings };
  const { url, segments } = parsed;
  const findings: Finding[] = [...parsed.findings];
  const deployment = isGitLabComHost(url.hostname.toLowerCase()) ? 'gitlab.com' : 'self-managed';
  const apiAt = segments.findIndex((s, i) => s === 'api' && segments[i + 1] === 'v4');
  const rawSegments = url.pathname.split('/').filter(Boolean);
  // A project path has at least two segments (namespace/project), so one segment on a self-managed
  // host is its relative URL root (https://host/gitlab), not a project.
  const relativeRoot = apiAt < 0 && deployment === 'self-managed' && segments.length === 1 && segments[0] !== 'api';
  const rootPath = rawSegments.slice(0, relativeRoot ? 1 : Math.max(apiAt, 0));
  // gitlab.com's API is on gitlab.com itself, whichever of its host names was typed.
  const origin = deployment === 'gitlab.com' && url.hostname.toLowerCase() !== 'gitlab.com' ? 'https://gitlab.com' : originOf(url);
  const normalized = `${origin}${rootPath.length ? `/${rootPath.join('/')}` : ''}/api/v4`;
  let rest = relativeRoot ? [] : apiAt >= 0 ? segments.slice(apiAt + 2) : segments;
  if (rest[0] === 'projects' && rest[1]) rest = rest[1].split('/');
  const ui = rest.indexOf('-');
  const projectPath = (ui >= 0 ? rest.slice(0, ui) : rest).join('/').replace(/\.git$/, '');
  if (projectPath) findings.push(extraPathFinding(normalized, `the project "${projectPath}"`));
  else if (parsed.trailingSlash) findings.push(trailingSlashFinding(parsed.display));
  return { input: parsed.display, normalized, deployment, project: projectPath || undefined, findings };
}
