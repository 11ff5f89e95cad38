/** GitHub API bases: github.com → api.github.com; `*.ghe.com` → `api.{sub}.ghe.com`; GHES → `https://host/api/v3`. */
import { finding, type Finding } from '../../report.js';
import { extraPathFinding, isParsed, originOf, parseUserUrl, trailingSlashFinding } from '../../url-common.js';
import type { UrlAnalysis, UrlContext } from '../types.js';

/** Hosts of GitHub's own services: github.com and its API, and GHE.com subdomains (GHES hosts can be anything). */
/** github.com and its subdomains (www, api, gist, ssh — SSH over port 443), and GHE.com's data-resident hosts. */
export const isGitHubCloudHost = (host: string): boolean =>
  host === 'github.com' || host.endsWith('.github.com') || host.endsWith('.ghe.com');

const EXAMPLE = 'https://github.com, https://your-sub.ghe.com or https://ghes.example.com/api/v3';

/** `owner/repo` from path segments (strip `.git`), if there are two. */
function ownerRepo(rest: string[]): string | undefined {
  if (rest.length < 2) return undefined;
  return `${rest[0]}/${rest[1]!.replace(/\.git$/, '')}`;
}

export function analyzeGitHubUrl(input: string | undefined, _ctx: UrlContext): UrlAnalysis {
  if (input === undefined || input.trim() === '')
    return { input: null, normalized: 'https://api.github.com', deployment: 'github.com', findings: [] };
  const parsed = parseUserUrl(input, EXAMPLE);
  if (!isParsed(parsed)) return { input: parsed.display || null, normalized: null, findings: parsed.findings };
  const { url, segments } = parsed;
  const findings: Finding[] = [...parsed.findings];
  const host = url.hostname.toLowerCase();
  const finish = (normalized: string, deployment: string, rest: string[]): UrlAnalysis => {
    const repos = rest[0] === 'repos' ? rest.slice(1) : rest;
    const project = ownerRepo(repos);
    if (project) findings.push(extraPathFinding(normalized, `the repository "${project}"`));
    else if (rest.length > 0) findings.push(extraPathFinding(normalized, 'a path'));
    else if (parsed.trailingSlash) findings.push(trailingSlashFinding(parsed.display));
    return { input: parsed.display, normalized, deployment, project, findings };
  };
  if (host === 'github.com' || host.endsWith('.github.com')) return finish('https://api.github.com', 'github.com', segments);
  if (host.endsWith('.ghe.com')) {
    const sub = host.replace(/^api\./, '').slice(0, -'.ghe.com'.length);
    return finish(`https://api.${sub}.ghe.com`, 'ghe.com', segments);
  }
  // GitHub Enterprise Server: the API lives at /api/v3 on the same host.
  const base = `${originOf(url)}/api/v3`;
  const api = segments[0] === 'api' && segments[1] === 'v3';
  if (!api)
    findings.push(
      finding(
        'url.api-path',
        'info',
        `Treating ${url.host} as GitHub Enterprise Server; its API base is ${base}.`,
        `Pass ${base} to make this explicit.`,
      ),
    );
  return finish(base, 'ghes', api ? segments.slice(2) : segments);
}
