/**
 * Azure DevOps URL shapes: Services (`https://dev.azure.com/{org}`, legacy `{org}.visualstudio.com`,
 * service hosts `{svc}.dev.azure.com/{org}`, SSH remotes) and Server collections
 * (`https://host[:port]/[tfs/]{collection}`). Everything before `/_apis` is the collection URL.
 */
import { finding, type Finding } from '../../report.js';
import { extraPathFinding, isParsed, originOf, parseUserUrl, trailingSlashFinding, type ParsedUrl } from '../../url-common.js';
import type { UrlAnalysis, UrlContext } from '../types.js';

/** Hosts of Azure DevOps Services: dev.azure.com, its service hosts and the legacy {org}.visualstudio.com. */
export const isAzureDevOpsServicesHost = (host: string): boolean =>
  host === 'dev.azure.com' || host.endsWith('.dev.azure.com') || host.endsWith('.visualstudio.com');

const EXAMPLE = 'https://dev.azure.com/your-org (Services) or https://server/tfs/DefaultCollection (Server)';

/** Split `[project][/_git/repo | /_anything...]` after the organisation / collection. */
function splitRest(rest: string[]): { project?: string; repository?: string; api: boolean; ui: boolean } {
  const api = rest.includes('_apis');
  const upto = api ? rest.slice(0, rest.indexOf('_apis')) : rest;
  let project: string | undefined;
  let repository: string | undefined;
  if (upto[0] && !upto[0].startsWith('_')) project = upto[0];
  const git = upto.indexOf('_git');
  if (git >= 0 && upto[git + 1]) {
    repository = upto[git + 1];
    // `/{org}/_git/{repo}`: a repository named like its project.
    project ??= repository;
  }
  return { project, repository, api, ui: upto.some((s) => s.startsWith('_')) };
}

function sshRemote(input: string): UrlAnalysis | undefined {
  const m =
    /^(?:ssh:\/\/)?(?:[\w.-]+@)?(ssh\.dev\.azure\.com|vs-ssh\.visualstudio\.com)(?::|\/)(?:v3\/)([^/\s]+)\/([^/\s]+)\/(?:_ssh\/)?([^/\s]+?)(?:\.git)?$/.exec(
      input.trim(),
    );
  if (!m) return undefined;
  const [, , org, project, repo] = m as unknown as [string, string, string, string, string];
  const normalized = `https://dev.azure.com/${org}`;
  return {
    input: input.trim().replace(/^[^@\s]+@/, ''),
    normalized,
    deployment: 'services',
    organization: org,
    project: decodeURIComponent(project),
    repository: decodeURIComponent(repo),
    findings: [
      finding(
        'url.extra-path',
        'warning',
        `This is a git SSH remote, not an organisation URL; using ${normalized} with project "${decodeURIComponent(project)}".`,
        `Pass ${normalized} as the URL and the project separately.`,
      ),
    ],
  };
}

/** Where the URL points: the base to use, and the path after the organisation / collection. */
interface Located {
  normalized: string;
  deployment: string;
  organization: string;
  rest: string[];
}

/** The analysis of a located URL; the path after the base is reported (API path, project, web page, trailing slash). */
function located(parsed: ParsedUrl, findings: Finding[], at: Located): UrlAnalysis {
  const { normalized, deployment, organization, rest } = at;
  const split = splitRest(rest);
  if (split.api)
    findings.push(
      finding('url.api-path', 'info', `The URL points into the REST API; using the base ${normalized}.`, `Pass ${normalized}.`),
    );
  if (split.project) {
    findings.push(
      extraPathFinding(
        normalized,
        split.repository ? `the project "${split.project}" and repository "${split.repository}"` : `the project "${split.project}"`,
      ),
    );
  } else if (split.ui && !split.api) {
    findings.push(extraPathFinding(normalized, 'a web page path'));
  } else if (parsed.trailingSlash && rest.length === 0) {
    findings.push(trailingSlashFinding(normalized));
  }
  return { input: parsed.display, normalized, deployment, organization, project: split.project, repository: split.repository, findings };
}

const notAnOrganisation = (parsed: ParsedUrl, findings: Finding[], message: string, hint: string): UrlAnalysis => ({
  input: parsed.display,
  normalized: null,
  findings: [...findings, finding('url.invalid', 'error', message, hint)],
});

/** `{org}.visualstudio.com`: the legacy host, whose first label is the organisation. */
function legacyHostUrl(parsed: ParsedUrl, host: string, findings: Finding[]): UrlAnalysis {
  const org = host.slice(0, -'.visualstudio.com'.length);
  if (org.includes('.') || ['app', 'vs-ssh', 'vssps', 'app.vssps'].includes(org))
    return notAnOrganisation(parsed, findings, `${host} is a service host, not an organisation.`, `Use ${EXAMPLE}.`);
  const normalized = `https://dev.azure.com/${org}`;
  // `{org}.visualstudio.com/DefaultCollection[/project…]`: the legacy collection segment, not a project.
  const legacyCollection = /^defaultcollection$/i.test(parsed.segments[0] ?? '');
  const rest = legacyCollection ? parsed.segments.slice(1) : parsed.segments;
  findings.push(
    finding(
      'url.legacy-host',
      'warning',
      `${org}.visualstudio.com is the legacy host of the organisation${legacyCollection ? `, and /${parsed.segments[0]} its legacy collection segment (not a project)` : ''}; the current form is ${normalized}.`,
      `Use ${normalized}.`,
    ),
  );
  return located(parsed, findings, { normalized, deployment: 'services', organization: org, rest });
}

/** Azure DevOps Services: `dev.azure.com/{org}`, a service host `{svc}.dev.azure.com/{org}`, or the legacy host. */
function servicesUrl(parsed: ParsedUrl, host: string, findings: Finding[]): UrlAnalysis {
  const { url, segments } = parsed;
  if (url.port && url.port !== '443')
    findings.push(finding('url.port', 'error', `Azure DevOps Services URLs take no port (${url.port}).`, 'Remove the port from the URL.'));
  if (host.endsWith('.visualstudio.com')) return legacyHostUrl(parsed, host, findings);
  const org = segments[0];
  if (!org || org.startsWith('_'))
    return notAnOrganisation(parsed, findings, 'The URL has no organisation name after the host.', 'Use https://dev.azure.com/your-org.');
  const normalized = `https://dev.azure.com/${encodeURIComponent(org)}`;
  if (host !== 'dev.azure.com') {
    findings.push(
      finding(
        'url.extra-path',
        'warning',
        `${host} is a service host of the organisation; using ${normalized}.`,
        `Pass ${normalized}; the tool reaches the service hosts itself.`,
      ),
    );
  }
  return located(parsed, findings, { normalized, deployment: 'services', organization: org, rest: segments.slice(1) });
}

/** Azure DevOps Server / TFS: [tfs/]{collection}[/project...] */
function serverUrl(parsed: ParsedUrl, findings: Finding[], ctx: UrlContext): UrlAnalysis {
  const { url, segments } = parsed;
  const tfs = segments[0]?.toLowerCase() === 'tfs' ? 1 : 0;
  const collection = segments[tfs];
  const prefix = `${originOf(url)}${tfs ? `/${url.pathname.split('/').filter(Boolean)[0]}` : ''}`;
  if (!collection || collection.startsWith('_')) {
    findings.push(
      finding(
        'url.invalid',
        ctx.offline ? 'warning' : 'error',
        'The Azure DevOps Server URL names no collection.',
        `Add the collection name, e.g. ${prefix}/DefaultCollection (the default collection's name).`,
      ),
    );
    return { input: parsed.display, normalized: null, deployment: 'server', findings };
  }
  const normalized = `${prefix}/${encodeURIComponent(collection)}`;
  return located(parsed, findings, { normalized, deployment: 'server', organization: collection, rest: segments.slice(tfs + 1) });
}

export function analyzeAzureDevOpsUrl(input: string | undefined, ctx: UrlContext): UrlAnalysis {
  if (input === undefined || input.trim() === '') {
    return {
      input: null,
      normalized: null,
      findings: [
        finding(
          'url.missing',
          ctx.offline ? 'warning' : 'error',
          'No Azure DevOps organisation URL was given.',
          'Pass `url` (https://dev.azure.com/your-org or your collection URL), or set AZURE_DEVOPS_ORG_URL / AZURE_DEVOPS_ORG.',
        ),
      ],
    };
  }
  const ssh = sshRemote(input);
  if (ssh) return ssh;
  const parsed = parseUserUrl(input, EXAMPLE);
  if (!isParsed(parsed)) return { input: parsed.display || null, normalized: null, findings: parsed.findings };
  const findings: Finding[] = [...parsed.findings];
  const host = parsed.url.hostname.toLowerCase();
  return isAzureDevOpsServicesHost(host) ? servicesUrl(parsed, host, findings) : serverUrl(parsed, findings, ctx);
}
