/**
 * Azure DevOps online checks (Services and Server). Two round trips after the connection is up:
 * 1. identity (`_apis/connectionData`), plus — on Server — the api-version ceiling probe;
 * 2. project lookup and every scope probe, all at once: GETs, and the one documented request that
 *    writes nothing (a work item validated with `validateOnly=true`, never saved).
 * A third happens only to explain a missing project (rename history and the names the token can see).
 * interpret.ts reads the answers; messages.ts says what they mean.
 */
import type { HttpClient, HttpOutcome } from '../../http/client.js';
import { CONNECTIONS_PER_CHECK } from '../../http/limits.js';
import type { Identity } from '../../report.js';
import { closestNames, describeProblem, finishRun, requireScopes, startRun, verified, type OnlineRun } from '../online/index.js';
import type { OnlineChecks, OnlineInput, OnlineResult, TokenAnalysis, UrlAnalysis } from '../types.js';
import {
  includersOf,
  lowerVersion,
  policyOf,
  readCeiling,
  readIdentity,
  readProbe,
  readProject,
  readProjectNames,
  readRenamedTo,
  proofScopeOf,
  readTarget,
  scopeVerdict,
  statementOf,
  type AzureDevOpsTarget,
  type ProbeAnswer,
  type ProbeWhere,
  type ProjectAnswer,
} from './interpret.js';
import { accessLevelFinding, accessLevelUrl, readAccessLevel } from './access-level.js';
import * as msg from './messages.js';
import { ADO_SCOPES, findAzureDevOpsScope, SERVICE_HOSTS, type AzureDevOpsHost, type AzureDevOpsScope } from './scopes.js';

export { ANONYMOUS_ID } from './interpret.js';

const SERVICES_API_VERSION = '7.1';
/** Profiles and accounts: outside any organisation (see ORGLESS_HOSTS). */
const APP_HOST = 'https://app.vssps.visualstudio.com';
const HEADERS = { 'x-tfs-fedauthredirect': 'Suppress', 'x-vss-forcemsapassthrough': 'true' };

type Run = OnlineRun<AzureDevOpsTarget>;

// --- where requests go ------------------------------------------------------------------------------

/** Base URL of a host area: on Server everything is on the collection URL. */
function areaBase(t: AzureDevOpsTarget, host: AzureDevOpsHost): string {
  if (!t.services || host === 'dev') return t.base;
  if (host === 'app') return APP_HOST;
  return `https://${host}.dev.azure.com/${encodeURIComponent(t.org)}`;
}

const withVersion = (path: string, version: string): string => `${path}${path.includes('?') ? '&' : '?'}api-version=${version}`;
/** `{base}/_apis/{path}`, with the api-version when given. */
const api = (t: AzureDevOpsTarget, path: string, version?: string): string =>
  `${t.base}/_apis/${version ? withVersion(path, version) : path}`;
const get = (run: Run, url: string): Promise<HttpOutcome> => run.http.get(url, HEADERS);
const projectPath = (run: Run): string => `projects/${encodeURIComponent(run.input.project ?? '')}`;

/** A probe's URL: its host, the project when it is project-level (or may be), its api-version. */
function probeUrl(run: Run, read: AzureDevOpsScope, version: string, self: string): string {
  const probe = read.probe!;
  const project = probe.where !== 'org' ? run.input.project : undefined;
  // Without a project, a project-level probe's organisation-wide twin (when it has one).
  const { path, preview } = project === undefined && probe.org ? probe.org : probe;
  const full = `${project !== undefined ? `${encodeURIComponent(project)}/` : ''}${path.replace('{self}', encodeURIComponent(self))}`;
  // A probe documented at a newer api-version than the check's own is sent at that version (Services only).
  const at = probe.apiVersion ?? version;
  const withApiVersion = probe.noApiVersion ? full : withVersion(full, preview ? `${at}-preview.${preview}` : at);
  return `${areaBase(run.target, probe.host)}/${withApiVersion}`;
}

const whereOf = (run: Run): ProbeWhere => ({ project: !!run.input.project, services: run.target.services });

/** The scopes to probe for `scopes`: each once, and only where its probe can be sent; with them the scopes that include a write half. */
function probedReads(run: Run, scopes: readonly AzureDevOpsScope[]): AzureDevOpsScope[] {
  const where = whereOf(run);
  const proofs = scopes.flatMap((s) => [proofScopeOf(s, where), ...includersOf(s, ADO_SCOPES, where)]);
  return [...new Set(proofs)].filter((p): p is AzureDevOpsScope => p !== undefined);
}

/** A probe: a GET, or the documented request that writes nothing (its no-write parameter is in the URL). */
function sendProbe(run: Run, read: AzureDevOpsScope, version: string, self: string): Promise<HttpOutcome> {
  const url = probeUrl(run, read, version, self);
  const write = read.probe!.write;
  return write ? run.http.post(url, write.body, { ...HEADERS, 'content-type': write.contentType }) : get(run, url);
}

// --- the plan -----------------------------------------------------------------------------------------

async function check(http: HttpClient, input: OnlineInput): Promise<OnlineResult> {
  const run = startRun(http, input, readTarget(input.url));
  const scopes = requireScopes(run, 'azure-devops', findAzureDevOpsScope);

  // Round trip 1: identity (and on Server, the api-version ceiling).
  const [identityAnswer, ceilingAnswer] = await Promise.all([
    get(run, api(run.target, 'connectionData')),
    run.target.services ? undefined : get(run, api(run.target, 'projects?$top=1', '99.0')),
  ]);
  const identity = judgeIdentity(run, identityAnswer);
  if (!identity) return finishRun(run, {}, true);
  const version = judgeCeiling(run, ceilingAnswer);

  // Round trip 2: project lookup, every read probe and (Entra service principals) the access level, all at once.
  const reads = probedReads(run, scopes);
  const levelUrl = accessLevelUrl(run.target, input.token, identity.id);
  const [projectAnswer, levelAnswer, ...probeAnswers] = await Promise.all([
    input.project ? get(run, api(run.target, projectPath(run), version)) : undefined,
    levelUrl ? get(run, levelUrl) : undefined,
    ...reads.map((read) => sendProbe(run, read, version, identity.id ?? '')),
  ]);
  const level = accessLevelFinding(readAccessLevel(levelAnswer), run.target, identity.name);
  if (level) run.findings.add(level);
  const project = projectAnswer ? await judgeProject(run, projectAnswer, version) : { found: true };

  const probes = new Map(reads.map((read, i) => [read.id, judgeProbe(run, probeAnswers[i]!, read.probe?.emptyBody)]));
  const facts = { project: !!input.project, projectFound: project.found, services: run.target.services, probes };
  for (const s of scopes) {
    const v = scopeVerdict(s, facts, includersOf(s, ADO_SCOPES, whereOf(run)));
    run.scopes.record(s.id, v.kind === 'verified' ? verified(v.how ?? msg.verifiedHow(s)) : v, (u) => msg.scopeFinding(s, u, facts));
  }
  return finishRun(run, { identity, projectCanonical: project.canonical });
}

function judgeIdentity(run: Run, r: HttpOutcome): Identity | undefined {
  const answer = readIdentity(r);
  run.findings.add(msg.identityFinding(answer, r, run.target, run.input.token, run.input.now));
  return answer.kind === 'user' ? answer.identity : undefined;
}

/** The api-version to use: Services' own, or lower when a Server's ceiling is lower. */
function judgeCeiling(run: Run, r: HttpOutcome | undefined): string {
  const ceiling = readCeiling(r);
  if (!ceiling) return SERVICES_API_VERSION;
  const version = lowerVersion(SERVICES_API_VERSION, ceiling);
  run.findings.add(msg.serverVersion(ceiling, version));
  return version;
}

function judgeProbe(run: Run, r: HttpOutcome, emptyBody?: boolean): ProbeAnswer {
  const answer = readProbe(r, emptyBody);
  if (answer === 'trouble') run.findings.add(msg.noVerdict(r, 'scope probe'));
  if (answer === 'policy' && r.kind === 'response') {
    const said = statementOf(r);
    run.findings.add(msg.policyBlocked(policyOf(said)!, said, 'a scope probe'));
  }
  return answer;
}

interface ProjectOutcome {
  found: boolean;
  canonical?: string;
}

async function judgeProject(run: Run, r: HttpOutcome, version: string): Promise<ProjectOutcome> {
  const requested = run.input.project!;
  const answer = readProject(r);
  if (answer.kind === 'not-found') return explainMissingProject(run, answer, version);
  if (answer.kind === 'denied') run.findings.add(msg.projectsUnreadable());
  if (answer.kind === 'policy') run.findings.add(msg.policyBlocked(answer.policy, answer.said, `the lookup of the project "${requested}"`));
  if (answer.kind === 'trouble')
    run.findings.add(msg.noVerdict(r, `project lookup${answer.problem ? `: ${describeProblem(answer.problem)}` : ''}`));
  if (answer.kind !== 'found') return { found: false };
  const name = answer.name ?? requested;
  if (answer.state && answer.state !== 'wellFormed') run.findings.add(msg.projectUnavailable(name, answer.state));
  if (name !== requested) run.findings.add(msg.projectCaseMismatch(name, requested));
  return { found: true, canonical: name };
}

/** Round trip 3, for a project not found by its name: was it renamed? Which names can the token see? */
async function explainMissingProject(
  run: Run,
  answer: Extract<ProjectAnswer, { kind: 'not-found' }>,
  version: string,
): Promise<ProjectOutcome> {
  const requested = run.input.project!;
  const [history, list] = await Promise.all([
    answer.askHistory ? get(run, api(run.target, `${projectPath(run)}?includeHistory=true`, version)) : undefined,
    get(run, api(run.target, 'projects?$top=500', version)),
  ]);
  const now = readRenamedTo(history, requested);
  if (now) {
    run.findings.add(msg.projectRenamed(requested, now));
    return { found: true, canonical: now };
  }
  const names = readProjectNames(list);
  run.findings.add(msg.projectNotFound(requested, answer.ambiguous, closestNames(requested, names, 3), names.length > 0));
  return { found: false };
}

// --- the credential -----------------------------------------------------------------------------------

/** PATs go in Basic with an empty user name; Entra tokens and System.AccessToken are bearer tokens. */
function authorization(token: string, analysis: TokenAnalysis): string {
  return analysis.kind.startsWith('azure-devops.pat') ? `Basic ${Buffer.from(`:${token}`).toString('base64')}` : `Bearer ${token}`;
}

/** Services: the organisation's own host and the service hosts its APIs live on; Server: the collection's origin. */
function origins(url: UrlAnalysis): string[] {
  if (!url.normalized) return [];
  const own = new URL(url.normalized).origin;
  if (url.deployment !== 'services') return [own];
  const hosts = ['dev.azure.com', ...SERVICE_HOSTS.map((h) => `${h}.dev.azure.com`)];
  return [own, ...hosts.map((h) => `https://${h}`)];
}

export const azureDevOpsOnline: OnlineChecks = {
  credential: (token, analysis) => ({ name: 'authorization', value: authorization(token, analysis) }),
  credentialOrigins: origins,
  // Identity first, then the project and every scope probe side by side (one check's 8 connections).
  preconnect: CONNECTIONS_PER_CHECK,
  check,
};
