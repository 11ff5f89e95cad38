/** Bitbucket Cloud only: bitbucket.org and api.bitbucket.org/2.0 (Data Center is not supported). */
import { finding, type Finding } from '../../report.js';
import { extraPathFinding, isParsed, parseUserUrl, trailingSlashFinding } from '../../url-common.js';
import type { UrlAnalysis, UrlContext } from '../types.js';

/** Bitbucket Cloud's hosts. */
/** Bitbucket Cloud's hosts: the web, the API and altssh (SSH over port 443). */
export const isBitbucketHost = (host: string): boolean =>
  host === 'bitbucket.org' || host === 'www.bitbucket.org' || host === 'api.bitbucket.org' || host === 'altssh.bitbucket.org';

const API = 'https://api.bitbucket.org/2.0';

export function analyzeBitbucketUrl(input: string | undefined, _ctx: UrlContext): UrlAnalysis {
  if (input === undefined || input.trim() === '') return { input: null, normalized: API, deployment: 'bitbucket-cloud', findings: [] };
  const parsed = parseUserUrl(input, 'https://bitbucket.org/your-workspace');
  if (!isParsed(parsed)) return { input: parsed.display || null, normalized: null, findings: parsed.findings };
  const { url, segments } = parsed;
  const findings: Finding[] = [...parsed.findings];
  const host = url.hostname.toLowerCase();
  if (!isBitbucketHost(host)) {
    findings.push(
      finding(
        'url.invalid',
        'error',
        `${url.host} is not Bitbucket Cloud; only Bitbucket Cloud is supported (not Bitbucket Data Center).`,
        `Use ${API} or https://bitbucket.org/your-workspace.`,
      ),
    );
    return { input: parsed.display, normalized: null, findings };
  }
  let rest = segments;
  if (host === 'api.bitbucket.org') {
    rest = rest[0] === '2.0' ? rest.slice(1) : rest;
    rest = rest[0] === 'repositories' || rest[0] === 'workspaces' ? rest.slice(1) : rest;
  }
  const project =
    rest
      .slice(0, 2)
      .join('/')
      .replace(/\.git$/, '') || undefined;
  if (project) findings.push(extraPathFinding(API, project.includes('/') ? `the repository "${project}"` : `the workspace "${project}"`));
  else if (parsed.trailingSlash) findings.push(trailingSlashFinding(parsed.display));
  return { input: parsed.display, normalized: API, deployment: 'bitbucket-cloud', project, findings };
}
