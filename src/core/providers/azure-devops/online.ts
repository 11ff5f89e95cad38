/**
 * Azure DevOps online checks (Services and Server). Two round trips after the connection is up:
 * 1. identity (`_apis/connectionData`), plus — on Server — the api-version ceiling probe;
 * 2. project lookup and every scope probe, all at once.
 * A third happens only to explain a missing project (rename history and the names the token can see).
 */
import type { HttpClient, HttpOutcome, HttpResponse } from '../../http/client.js';
import { finding, type Finding, type Identity } from '../../report.js';
import type { OnlineChecks, OnlineInput, OnlineResult, TokenAnalysis, UrlAnalysis } from '../types.js';
import { azureDevOpsScopeById, findAzureDevOpsScope, type AzureDevOpsHost, type AzureDevOpsScope } from './scopes.js';
import { closestNames, networkFinding, unexpectedResponse } from '../online/index.js';

export const ANONYMOUS_ID = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';
const SERVICES_API_VERSION = '7.1';
const HEADERS = { 'x-tfs-fedauthredirect': 'Suppress', 'x-vss-forcemsapassthrough': 'true' };

interface Target {
  services: boolean;
  /** Collection URL (Server) or organisation name (Services). */
  base: string;
  org: string;
}

function target(url: UrlAnalysis): Target {
  const base = url.normalized!.replace(/\/+$/, '');
  const services = url.deployment === 'services';
  return { services, base, org: url.organization ?? new URL(base).pathname.split('/').filter(Boolean).pop() ?? '' };
}

/** Base URL of a host area: on Server everything is on the collection URL. */
function areaBase(t: Target, host: AzureDevOpsHost): string {
  if (!t.services) return t.base;
  const org = encodeURIComponent(t.org);
  switch (host) {
    case 'dev':
      return t.base;
    case 'app.vssps':
      return 'https://app.vssps.visualstudio.com';
    default:
      return `https://${host}.dev.azure.com/${org}`;
  }
}

function withVersion(path: string, version: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}api-version=${version}`;
}

const isHtml = (r: HttpResponse): boolean => /text\/html/i.test(r.headers['content-type'] ?? '') || /^\s*<(!doctype|html)/i.test(r.body);

/** The error text Azure DevOps sends: X-TFS-ServiceError (URL-encoded) first, then the JSON message. */
function serviceError(r: HttpResponse): { message: string; typeKey: string } {
  let header = '';
  try {
    header = decodeURIComponent(r.headers['x-tfs-serviceerror'] ?? '');
  } catch {
    header = r.headers['x-tfs-serviceerror'] ?? '';
  }
  const body = (r.isJson ? r.json : undefined) as { message?: unknown; typeKey?: unknown } | undefined;
  return {
    message: header || (typeof body?.message === 'string' ? body.message : ''),
    typeKey: typeof body?.typeKey === 'string' ? body.typeKey : '',
  };
}

function rejectedFinding(t: Target, token: TokenAnalysis, detail: string): Finding {
  const pat = token.kind.startsWith('azure-devops.pat');
  const causes = pat
    ? [
        'the PAT was revoked, regenerated or mistyped',
        `it was created for another organisation (a PAT works only in the organisations chosen when it was created)${t.services ? '' : ''}`,
        'it is a global ("all accessible organizations") PAT: those stop working on 2026-12-01',
        'its user was disabled or removed, or it was unused for 90 days (Entra-backed organisations)',
        ...(t.services ? [] : ['the server has IIS Basic authentication enabled, which disables PAT authentication']),
      ]
    : token.kind === 'azure-devops.system-access-token'
      ? [
          'the job token expired (it lives as long as the job)',
          "the pipeline's job authorization scope does not include this organisation/project",
        ]
      : ['the Entra token expired or was issued for another resource or tenant', 'the identity is not a member of this organisation'];
  return finding(
    'token.rejected',
    'error',
    `Azure DevOps rejected the credential (${detail}). Likely causes, most likely first: ${causes.map((c, i) => `(${i + 1}) ${c}`).join('; ')}.`,
    pat
      ? `Create a new PAT in ${t.services ? `https://dev.azure.com/${t.org}/_usersSettings/tokens` : 'User settings → Personal access tokens'} with this organisation selected, and update the secret.`
      : 'Acquire a fresh token for resource 499b84ac-1321-427f-aa17-267ca6975798 and check the identity is a member of the organisation.',
  );
}

interface IdentityResult {
  identity?: Identity;
  findings: Finding[];
  ok: boolean;
}

function readIdentity(r: HttpOutcome, t: Target, token: TokenAnalysis): IdentityResult {
  if (r.kind === 'network') return { ok: false, findings: [networkFinding(r, 'Azure DevOps')] };
  if (r.status >= 200 && r.status < 300) {
    // 203 + a page is Azure DevOps' sign-in answer; any other 2xx that is not API JSON (a portal,
    // a truncated body) came from something in between and says nothing about the token.
    if (!r.isJson) {
      if (r.status === 203)
        return { ok: false, findings: [rejectedFinding(t, token, 'it answered 203 with a sign-in page instead of data')] };
      return { ok: false, findings: [unexpectedResponse(r, 'Azure DevOps', 'identity')] };
    }
    const data = r.json as { authenticatedUser?: { id?: string; providerDisplayName?: string; customDisplayName?: string } } | null;
    const user = data?.authenticatedUser;
    if (!user?.id)
      return { ok: false, findings: [unexpectedResponse(r, 'Azure DevOps', 'the identity response has no authenticated user')] };
    if (user.id.toLowerCase() === ANONYMOUS_ID) {
      return {
        ok: false,
        findings: [
          finding(
            'token.anonymous',
            'error',
            'The organisation allows public access and answered as the anonymous user: the token was not accepted (invalid, expired, revoked or for another organisation).',
            'Create a new PAT for this organisation and update the secret.',
          ),
        ],
      };
    }
    const name = user.customDisplayName || user.providerDisplayName || user.id;
    return {
      ok: true,
      identity: { name, id: user.id },
      findings: [finding('token.identity', 'info', `Authenticated as ${name} (${user.id}).`, 'None needed.')],
    };
  }
  if (r.status === 401) {
    const err = serviceError(r);
    if (/has expired/i.test(err.message)) {
      return {
        ok: false,
        findings: [
          finding(
            'token.expired',
            'error',
            'Azure DevOps says the token has expired.',
            'Regenerate the PAT (User settings → Personal access tokens → Regenerate) or create a new one, and update the secret.',
          ),
        ],
      };
    }
    return { ok: false, findings: [rejectedFinding(t, token, `401${err.typeKey ? ` ${err.typeKey}` : ''}`)] };
  }
  if (r.status === 404) {
    return {
      ok: false,
      findings: [
        finding(
          'url.org-not-found',
          'error',
          t.services
            ? `The organisation "${t.org}" does not exist on Azure DevOps Services (404).`
            : `The collection at ${t.base} was not found (404).`,
          t.services
            ? 'Check the organisation name in the URL (https://dev.azure.com/{organisation}).'
            : 'Check the collection name (the default is DefaultCollection) and whether the server uses a /tfs prefix.',
        ),
      ],
    };
  }
  return { ok: false, findings: [unexpectedResponse(r, 'Azure DevOps')] };
}

/** Server: the highest api-version, from the 400 a too-high version provokes. */
function readCeiling(r: HttpOutcome | undefined): string | undefined {
  if (!r || r.kind !== 'response' || r.status !== 400) return undefined;
  const { message } = serviceError(r);
  return /latest REST API version this server supports is (\d+\.\d+)/i.exec(message)?.[1];
}

function minVersion(a: string, b: string): string {
  const [am, an] = a.split('.').map(Number) as [number, number];
  const [bm, bn] = b.split('.').map(Number) as [number, number];
  return am < bm || (am === bm && an < bn) ? a : b;
}

type ScopeVerdict = 'verified' | 'missing' | 'unverifiable';

interface ProjectOutcome {
  findings: Finding[];
  canonical?: string;
  found: boolean;
}

async function checkProject(http: HttpClient, t: Target, requested: string, first: HttpOutcome, version: string): Promise<ProjectOutcome> {
  const enc = encodeURIComponent(requested);
  if (first.kind === 'network') return { found: false, findings: [networkFinding(first, 'Azure DevOps')] };
  if (first.status === 200 && first.isJson) {
    const p = first.json as { name?: string; state?: string; id?: string };
    const name = p.name ?? requested;
    const findings: Finding[] = [];
    if (p.state && p.state !== 'wellFormed') {
      findings.push(
        finding(
          'project.unavailable',
          'error',
          `The project "${name}" is in state "${p.state}"${p.state === 'deleting' || p.state === 'deleted' ? ': it is being deleted' : ''}, so later steps cannot use it.`,
          p.state === 'deleting' || p.state === 'deleted'
            ? 'Restore it (Organization settings → Projects → Recently deleted) or use another project.'
            : 'Wait until the project is ready, or use another project.',
        ),
      );
    }
    if (name !== requested) {
      findings.push(
        finding(
          'project.case-mismatch',
          'error',
          `The project exists as "${name}", not "${requested}"; Azure DevOps matched it ignoring case, but later steps that compare names exactly will not.`,
          `Use "${name}" exactly.`,
        ),
      );
    }
    return { found: true, canonical: name, findings };
  }
  const err = serviceError(first as HttpResponse);
  const notFound = first.status === 404 || (first.status === 400 && /ProjectDoesNotExist/i.test(err.typeKey));
  if (!notFound) {
    if (first.status === 401 || (first.status === 203 && isHtml(first))) {
      return {
        found: false,
        findings: [
          finding(
            'scope.missing',
            'error',
            'The token cannot read projects (401 on the project lookup): it lacks "Project and Team: Read".',
            'Edit the PAT and tick Project and Team → Read, then update the secret.',
          ),
        ],
      };
    }
    return { found: false, findings: [unexpectedResponse(first, 'Azure DevOps', 'project lookup')] };
  }
  // Not found by its current name: renamed? And which names can the token see?
  const [history, list] = await Promise.all([
    err.typeKey === 'ProjectDoesNotExistWithNameException' || first.status === 404
      ? http.get(`${t.base}/_apis/projects/${enc}?includeHistory=true&api-version=${version}`, HEADERS)
      : Promise.resolve(undefined),
    http.get(`${t.base}/_apis/projects?$top=500&api-version=${version}`, HEADERS),
  ]);
  if (history?.kind === 'response' && history.status === 200 && history.isJson) {
    const now = (history.json as { name?: string }).name;
    if (now && now.toLowerCase() !== requested.toLowerCase()) {
      return {
        found: true,
        canonical: now,
        findings: [
          finding(
            'project.renamed',
            'error',
            `The project "${requested}" was renamed to "${now}"; later steps that use the old name will fail.`,
            `Use "${now}".`,
          ),
        ],
      };
    }
  }
  const names =
    list?.kind === 'response' && list.isJson
      ? ((list.json as { value?: Array<{ name?: string }> }).value ?? []).map((p) => p.name ?? '').filter(Boolean)
      : [];
  const near = closestNames(requested, names, 3);
  const ambiguous = err.typeKey === 'ProjectDoesNotExistException';
  return {
    found: false,
    findings: [
      finding(
        'project.not-found',
        'error',
        `The project "${requested}" does not exist${ambiguous ? ', or the token has no permission to see it' : ''}.${near.length ? ` Closest names the token can see: ${near.map((n) => `"${n}"`).join(', ')}.` : names.length ? '' : ' The token can see no projects.'}`,
        near.length
          ? `Use the exact project name, e.g. "${near[0]}".`
          : "Check the project name, and that the token's user is a member of the project.",
      ),
    ],
  };
}

function scopeVerdict(r: HttpOutcome): ScopeVerdict | Finding {
  if (r.kind === 'network') return networkFinding(r, 'Azure DevOps');
  if (r.status === 401 || r.status === 403 || (r.status === 203 && isHtml(r))) return 'missing';
  // A 200 that is not API JSON (portal page, truncated body) proves nothing either way.
  if (r.status >= 200 && r.status < 300) return r.isJson ? 'verified' : unexpectedResponse(r, 'Azure DevOps', 'scope probe');
  if (r.status === 429 || r.status >= 500) return unexpectedResponse(r, 'Azure DevOps', 'scope probe');
  return 'unverifiable';
}

function azureDevOpsAuthorization(token: string, analysis: TokenAnalysis): string {
  // PATs go in Basic with an empty user name; Entra tokens and System.AccessToken are bearer tokens.
  return analysis.kind.startsWith('azure-devops.pat') ? `Basic ${Buffer.from(`:${token}`).toString('base64')}` : `Bearer ${token}`;
}

function origins(url: UrlAnalysis): string[] {
  if (!url.normalized) return [];
  const own = new URL(url.normalized).origin;
  if (url.deployment !== 'services') return [own];
  return [
    own,
    'https://dev.azure.com',
    'https://vssps.dev.azure.com',
    'https://vsrm.dev.azure.com',
    'https://feeds.dev.azure.com',
    'https://app.vssps.visualstudio.com',
  ];
}

async function check(http: HttpClient, input: OnlineInput): Promise<OnlineResult> {
  const t = target(input.url);
  const findings: Finding[] = [];

  // Scopes first (pure): which ids, which probes.
  const required: string[] = [];
  const scopes: AzureDevOpsScope[] = [];
  for (const text of input.requiredScopes) {
    const s = findAzureDevOpsScope(text);
    if (!s) {
      findings.push(
        finding(
          'scope.unknown',
          'error',
          `"${text}" is not an Azure DevOps PAT scope.`,
          'Use a scope id such as vso.code or a portal name such as "Code: Read" (see the README\'s scope table).',
        ),
      );
      continue;
    }
    if (!required.includes(s.id)) {
      required.push(s.id);
      scopes.push(s);
    }
  }

  // Round trip 1: identity (and on Server, the api-version ceiling).
  const [idResponse, ceilingResponse] = await Promise.all([
    http.get(`${t.base}/_apis/connectionData`, HEADERS),
    t.services ? Promise.resolve(undefined) : http.get(`${t.base}/_apis/projects?$top=1&api-version=99.0`, HEADERS),
  ]);
  const id = readIdentity(idResponse, t, input.token);
  findings.push(...id.findings);
  const scopeResult = { required, verified: [] as string[], missing: [] as string[], unverifiable: [] as string[] };
  if (!id.ok) return { findings, identity: id.identity, scopes: scopeResult };

  let version = SERVICES_API_VERSION;
  if (!t.services) {
    const ceiling = readCeiling(ceilingResponse);
    if (ceiling) {
      version = minVersion(SERVICES_API_VERSION, ceiling);
      findings.push(
        finding('url.server-version', 'info', `The server supports REST API versions up to ${ceiling}; using ${version}.`, 'None needed.'),
      );
    }
  }

  // Round trip 2: project lookup and every read probe, all at once.
  const project = input.project;
  const readIds = [...new Set(scopes.map((s) => (s.probe ? s.id : s.impliesRead)).filter((x): x is string => !!x))];
  const probeFor = (id: string): string | undefined => {
    const s = azureDevOpsScopeById(id);
    if (!s?.probe) return undefined;
    if (s.probe.path.includes('{project}') && !project) return undefined;
    if (!t.services && s.probe.host === 'app.vssps') return undefined; // Services-only host
    const path = s.probe.path.replace('{project}', encodeURIComponent(project ?? ''));
    return `${areaBase(t, s.probe.host)}/${withVersion(path, s.probe.apiVersion ?? version)}`;
  };
  const probeIds = readIds.filter((rid) => probeFor(rid));
  const [projectResponse, ...probeResponses] = await Promise.all([
    project
      ? http.get(`${t.base}/_apis/projects/${encodeURIComponent(project)}?api-version=${version}`, HEADERS)
      : Promise.resolve(undefined),
    ...probeIds.map((rid) => http.get(probeFor(rid)!, HEADERS)),
  ]);

  let canonical: string | undefined;
  let projectFound = true;
  if (project && projectResponse) {
    const p = await checkProject(http, t, project, projectResponse, version);
    findings.push(...p.findings);
    canonical = p.canonical;
    projectFound = p.found;
  }

  const readVerdict = new Map<string, ScopeVerdict>();
  probeIds.forEach((rid, i) => {
    const v = scopeVerdict(probeResponses[i]!);
    if (typeof v === 'string') readVerdict.set(rid, v);
    else {
      readVerdict.set(rid, 'unverifiable');
      if (!findings.some((f) => f.code === v.code)) findings.push(v);
    }
  });

  for (const s of scopes) {
    const readId = s.probe ? s.id : s.impliesRead;
    const read = readId ? readVerdict.get(readId) : undefined;
    const needsProject = !!azureDevOpsScopeById(readId ?? '')?.probe?.path.includes('{project}');
    if (read === 'missing') {
      scopeResult.missing.push(s.id);
      const tick = s.probe ? s.portal : `${s.portal} (it includes ${azureDevOpsScopeById(readId!)!.portal})`;
      findings.push(
        finding(
          'scope.missing',
          'error',
          `The token lacks ${s.id}: the read-only probe for ${azureDevOpsScopeById(readId!)!.portal} was denied.`,
          `Edit the PAT and tick "${tick}", then update the secret.`,
        ),
      );
    } else if (read === 'verified' && s.probe) {
      scopeResult.verified.push(s.id);
    } else if (read === 'verified') {
      scopeResult.unverifiable.push(s.id);
      findings.push(
        finding(
          'scope.unverifiable',
          'warning',
          `${s.id} (${s.portal}) cannot be proven without writing; its read half (${readId}) is confirmed.`,
          "Nothing to fix; if in doubt, check the PAT's scopes in User settings → Personal access tokens.",
        ),
      );
    } else {
      scopeResult.unverifiable.push(s.id);
      const why =
        !readId || !azureDevOpsScopeById(readId)?.probe
          ? 'no read-only request proves it'
          : needsProject && !project
            ? 'its probe needs a project: pass `project`'
            : needsProject && !projectFound
              ? 'the project was not found'
              : !t.services && azureDevOpsScopeById(readId)?.probe?.host === 'app.vssps'
                ? 'its probe exists only on Azure DevOps Services'
                : 'its probe gave no clear answer';
      findings.push(
        finding(
          'scope.unverifiable',
          'warning',
          `${s.id} (${s.portal}) could not be verified: ${why}.`,
          'Nothing to fix here; verify the scope in the PAT settings if later steps fail.',
        ),
      );
    }
  }
  if (scopeResult.verified.length) {
    findings.push(
      finding('scope.verified', 'info', `Verified with read-only requests: ${scopeResult.verified.join(', ')}.`, 'None needed.'),
    );
  }
  return { findings, identity: id.identity, projectCanonical: canonical, scopes: scopeResult };
}

export const azureDevOpsOnline: OnlineChecks = {
  credential: (token, analysis) => ({ name: 'authorization', value: azureDevOpsAuthorization(token, analysis) }),
  credentialOrigins: origins,
  check,
};
