/**
 * GitLab online checks (gitlab.com and self-managed, https://docs.gitlab.com/api/rest/). Round trips:
 * 1. `GET /personal_access_tokens/self` and `GET /user` at once (a CI job token: `GET /job` alone);
 * 2. the project lookup and any scope probe at once — where GitLab cannot list the token's scopes,
 *    also a Git client's and a registry client's first read (git-probes.ts) for read_repository and
 *    read_registry, with the token in Basic form.
 * More happen only to explain a missing project: a read-only search for it and the names the token
 * can see, and — when the search finds it — its lookup by numeric id (a proxy decoding %2F).
 * This file is the plan; interpret.ts reads the answers, messages.ts says what they mean.
 */
import type { HttpClient, HttpOutcome, HttpResponse } from '../../http/client.js';
import { isNetworkCode, type Finding, type Identity } from '../../report.js';
import { withoutUserinfo } from '../../url-common.js';
import {
  closestNames,
  configuredOrigin,
  finishRun,
  isApiSuccess as ok,
  requireScopes,
  startRun,
  noVerdict,
  trouble,
  unverifiable,
  unexpectedResponse,
  type OnlineRun,
  type Verdict,
  describeProblem,
  statedExpiry,
} from '../online/index.js';
import type { OnlineChecks, OnlineInput, OnlineResult, TokenAnalysis } from '../types.js';
import { GIT_HEADERS, GIT_PROBE_SCOPE, gitProbeUrl, gitProbeVerdict, type GitProbe } from './git-probes.js';
import * as read from './interpret.js';
import * as say from './messages.js';
import { findGitLabScope, type GitLabScope } from './scopes.js';

const GL = 'GitLab';
type Run = OnlineRun<read.Target>;

const isJob = (token: TokenAnalysis): boolean => token.kind === 'gitlab.job-token';
const get = (run: Run, path: string): Promise<HttpOutcome> => run.http.get(`${run.target.api}${path}`);

// ───────────────────────────── answers that say nothing about the token ─────────────────────────────

/** What GitLab answers besides a 2xx with API JSON; any other status is not GitLab's word on the token. */
const GITLAB_STATUSES = [400, 401, 403, 404];

/** GitLab's answer to read, or undefined after adding the finding for trouble or a status GitLab does not give. */
function answered(run: Run, r: HttpOutcome, context?: string): HttpResponse | undefined {
  const found = trouble(r, GL, context);
  if (!found && r.kind === 'response' && (ok(r) || GITLAB_STATUSES.includes(r.status))) return r;
  run.findings.add(found ?? noVerdict(r, GL, context));
  return undefined;
}

/** A 401: expired (on the date GitLab stated, when it did), revoked, impersonation disabled, or rejected. */
function unauthorized(run: Run, r: HttpResponse): { finding: Finding; expiredOn?: { text: string; at: Date } } {
  const e = read.glError(r);
  const said = read.statementOf(r);
  const why = read.refusal(e, said);
  const expiredOn = why === 'expired' ? statedExpiry(said) : undefined;
  return { finding: say.unauthorized(run.target, isJob(run.input.token), why, e, expiredOn?.text), ...(expiredOn ? { expiredOn } : {}) };
}

/** The check ends at round trip 1; `expiresAt`: the past date GitLab gave for an expired token. */
interface Stopped {
  stopped: true;
  expiresAt?: Date;
}

const stop = (run: Run, f: Finding, expiresAt?: Date): Stopped => {
  run.findings.add(f);
  return { stopped: true, ...(expiresAt ? { expiresAt } : {}) };
};

// ───────────────────────────── the check ─────────────────────────────

async function check(http: HttpClient, input: OnlineInput): Promise<OnlineResult> {
  const run = startRun(http, input, read.target(input.url));
  const scopes = requireScopes(run, 'gitlab', findGitLabScope);
  return isJob(input.token) ? checkJob(run, scopes) : checkToken(run, scopes);
}

async function checkToken(run: Run, scopes: GitLabScope[]): Promise<OnlineResult> {
  // Round trip 1: the token's own record and its user, at once.
  const [self, user] = await Promise.all([get(run, '/personal_access_tokens/self'), get(run, '/user')]);
  const auth = authenticate(run, self, user);
  // A refused token's date, when GitLab stated one, is the report's expiry like an accepted token's.
  if ('stopped' in auth) return finishRun(run, auth.expiresAt ? { expiresAt: auth.expiresAt } : {}, true);

  // Round trip 2: the project, and — when GitLab cannot list the scopes — a read_api probe.
  const project = projectToCheck(run);
  const needsApiProbe = !auth.scopes && !project && scopes.some((s) => s.id === 'read_api' || s.id === 'api');
  const gitProbes = auth.scopes || !project ? [] : gitProbesFor(run, scopes, project);
  const [lookup, probe, ...gitAnswers] = await Promise.all([
    project ? get(run, `/projects/${read.numeric(project) ? project : encodeURIComponent(project)}`) : undefined,
    needsApiProbe ? get(run, '/projects?membership=true&simple=true&per_page=1') : undefined,
    ...gitProbes.map(({ url }) => (url ? run.http.get(url, GIT_HEADERS, 'git') : undefined)),
  ]);
  const git = new Map(gitProbes.map(({ probe: g, url }, i) => [GIT_PROBE_SCOPE[g], url ? gitProbeVerdict(g, gitAnswers[i]!) : undefined]));
  const p = project && lookup ? await checkProject(run, project, lookup) : undefined;
  const facts = { identity: auth.identity, projectCanonical: p?.canonical, ...(auth.expiresAt ? { expiresAt: auth.expiresAt } : {}) };
  // Without GitLab's own list the probes decide, and trouble left them unanswered; the expiry and a
  // listed scope set are known from round 1 regardless.
  if (!auth.scopes && run.findings.list().some((f) => isNetworkCode(f.code))) return finishRun(run, facts, true);

  const readsApi = p ? p.readsApi : probe && probeReadsApi(run, probe);
  judgeScopes(run, scopes, auth, readsApi, git);
  return finishRun(run, facts);
}

/** The Git and registry probes the required scopes call for (no URL: the project is a numeric id). */
function gitProbesFor(run: Run, scopes: readonly GitLabScope[], project: string): { probe: GitProbe; url?: string }[] {
  const wanted = (['repository', 'registry'] as const).filter((g) => scopes.some((s) => s.id === GIT_PROBE_SCOPE[g]));
  return wanted.map((g) => ({ probe: g, url: gitProbeUrl(g, run.target, project) }));
}

// ───────────────────────────── round trip 1: the credential ─────────────────────────────

interface Auth {
  identity?: Identity;
  /** The scopes GitLab listed (undefined: it could not say, for the reason in `unlisted`). */
  scopes?: string[];
  unlisted: read.UnlistedWhy;
  /** GET /user answered: the token reads the user (read_user, read_api or api). */
  readsUser: boolean;
  expiresAt?: Date;
}

/** What round trip 1 proves, with its findings; Stopped when the check stops there. */
function authenticate(run: Run, self: HttpOutcome, user: HttpOutcome): Auth | Stopped {
  // A network failure of either request is reported first (the user's before the token's), then an odd answer.
  const first = [user, self].find((r) => r.kind === 'network') ?? user;
  if (!answered(run, first) || !answered(run, self)) return { stopped: true };
  const { target: t } = run;
  const s = read.standing(self as HttpResponse, user as HttpResponse, run.input.now);
  switch (s.kind) {
    case 'unauthorized': {
      const { finding, expiredOn } = unauthorized(run, s.r);
      return stop(run, finding, expiredOn?.at);
    }
    case 'no-api':
      return stop(run, say.noApi(t, '/user'));
    case 'user-refused':
      return stop(run, say.userRefused(s.reason));
    case 'ip-restricted':
      return stop(run, say.ipRestricted(s.said, 'the identity request'));
    case 'unexplained':
      return stop(run, unexpectedResponse(s.r, GL, 'identity'));
    case 'revoked':
      return stop(run, say.revoked(t));
    case 'inactive':
      return s.expiredOn ? stop(run, say.expired(t, false, s.expiredOn.text), s.expiredOn.at) : stop(run, say.inactive(t, false));
    case 'accepted':
      return accepted(run, s);
    case 'odd':
      return stop(run, unexpectedResponse(s.r, GL, `identity: ${describeProblem(s.problem)}`));
  }
}

function accepted(run: Run, { self, user, unlisted, expiresAt }: Extract<read.Standing, { kind: 'accepted' }>): Auth {
  if (self?.expiresAt === null) run.findings.add(say.noExpiry(self.name));
  if (self) run.findings.add(say.granted(self.name, self.scopes));
  run.findings.add(say.identity(user, user && read.botOf(user.username), self?.userId));
  return { identity: read.identityOf(user, self?.userId), scopes: self?.scopes, unlisted, readsUser: user !== undefined, expiresAt };
}

// ───────────────────────────── round trip 2: the project and the scopes ─────────────────────────────

/** The project path to look up, with a note when it was read out of something else (a URL, `.git`). */
function projectToCheck(run: Run): string | undefined {
  const { project: given } = run.input;
  const project = read.requestedProject(given, run.target);
  if (project !== undefined && given !== undefined && project !== given) {
    run.findings.add(say.projectPathNote(project, withoutUserinfo(given)));
  }
  return project;
}

interface ProjectOutcome {
  canonical?: string;
  /** true: the lookup answered (read_api or api); false: it was denied for lack of a scope; undefined: neither (a policy refused it, say). */
  readsApi?: boolean;
}

async function checkProject(run: Run, requested: string, lookup: HttpOutcome): Promise<ProjectOutcome> {
  const r = answered(run, lookup, 'project lookup');
  if (!r) return {};
  if (ok(r)) return foundProject(run, requested, r, read.numeric(requested));
  const said = read.statementOf(r);
  if (read.statesIpRestriction(said)) {
    run.findings.add(say.ipRestricted(said, `the lookup of the project "${requested}"`));
    return {};
  }
  const denied = read.insufficientScope(r);
  if (denied) {
    run.findings.add(say.projectDenied(run.target, denied, read.narrowest(denied)));
    return { readsApi: false };
  }
  if (r.status === 404) return explainNotFound(run, requested);
  run.findings.add(r.status === 401 ? unauthorized(run, r).finding : unexpectedResponse(r, GL, 'project lookup'));
  return {};
}

function foundProject(run: Run, requested: string, r: HttpResponse, byId: boolean): ProjectOutcome {
  const p = read.readProject(r);
  // The lookup succeeded (the token reads the API), but what it says of the project cannot be used.
  if (!p.ok) {
    run.findings.add(unexpectedResponse(r, GL, `project lookup: ${describeProblem(p.problem)}`));
    return { readsApi: true };
  }
  const facts = read.projectFacts(p.value, requested, byId);
  run.findings.addAll(say.projectFindings(requested, facts));
  return { readsApi: true, canonical: facts.path };
}

/**
 * 404: missing, hidden, or (self-managed) a proxy that decoded %2F. Search for it by name and list
 * the names the token can see — both read-only; when the search finds it, look it up by its id.
 */
async function explainNotFound(run: Run, requested: string): Promise<ProjectOutcome> {
  const last = requested.split('/').pop() ?? requested;
  const [search, mine] = await Promise.all([
    read.numeric(requested)
      ? undefined
      : get(run, `/projects?search=${encodeURIComponent(last)}&search_namespaces=true&simple=true&per_page=100`),
    get(run, '/projects?membership=true&simple=true&per_page=100&order_by=last_activity_at'),
  ]);
  const found = read.projectList(search).find((p) => p.path_with_namespace?.toLowerCase() === requested.toLowerCase());
  if (found?.id !== undefined) {
    const byNumber = await get(run, `/projects/${found.id}`);
    if (ok(byNumber)) {
      run.findings.add(say.encodedSlash(requested, found.id));
      return foundProject(run, requested, byNumber, false);
    }
  }
  const names = [...read.projectList(search), ...read.projectList(mine)].map((p) => p.path_with_namespace ?? '').filter(Boolean);
  run.findings.add(say.projectNotFound(run.target, requested, closestNames(requested, [...new Set(names)], 3)));
  return {};
}

/** The read_api probe: true when it answered, false when denied for lack of a scope, else unknown. */
function probeReadsApi(run: Run, probe: HttpOutcome): boolean | undefined {
  const r = answered(run, probe, 'scope probe');
  if (!r) return undefined;
  const said = ok(r) ? '' : read.statementOf(r);
  if (read.statesIpRestriction(said)) {
    run.findings.add(say.ipRestricted(said, 'the scope probe'));
    return undefined;
  }
  return ok(r) || (read.insufficientScope(r) ? false : undefined);
}

/** Each required scope, from GitLab's list when it gave one, else from what the requests proved. */
function judgeScopes(
  run: Run,
  scopes: readonly GitLabScope[],
  auth: Auth,
  readsApi: boolean | undefined,
  git: ReadonlyMap<string, Verdict | undefined>,
): void {
  const { target: t } = run;
  const held = auth.scopes;
  const unproven = (s: GitLabScope, v: Exclude<Verdict, { kind: 'verified' }>): Finding => {
    if (v.kind === 'missing') return say.scopeMissing(t, s, held, v.why);
    return held ? say.scopeMaybeCovered(s, held) : say.scopeUnproven(t, s, auth.unlisted, v.why);
  };
  for (const s of scopes) {
    const byGit = git.has(s.id) ? (git.get(s.id) ?? unverifiable(say.GIT_WHY.needsPath)) : undefined;
    const verdict = held ? read.listedVerdict(s, held) : (byGit ?? read.probedVerdict(s, auth.readsUser, readsApi));
    run.scopes.record(s.id, verdict, (v) => unproven(s, v));
  }
}

// ───────────────────────────── CI job tokens ─────────────────────────────

/** `GET /job`: the job, its user and its project. Job tokens have no scopes to check. */
async function checkJob(run: Run, scopes: readonly GitLabScope[]): Promise<OnlineResult> {
  const r = answered(run, await get(run, '/job'), 'job lookup');
  if (r && !ok(r)) run.findings.add(jobNotRead(run, r));
  if (!r || !ok(r)) return finishRun(run, {}, true);
  const jobRead = read.readJob(r, run.target);
  if (!jobRead.ok) {
    run.findings.add(unexpectedResponse(r, GL, `job lookup: ${describeProblem(jobRead.problem)}`));
    return finishRun(run, {}, true);
  }
  const job = jobRead.value;
  run.findings.add(say.jobIdentity(job.id, job.project, job.user?.username));
  const projectCanonical = jobProject(run, job);
  for (const s of scopes) run.scopes.unverifiable(s.id, say.jobScope(s));
  return finishRun(run, { identity: read.jobIdentity(job), projectCanonical });
}

/** The requested project against the job's (the only one a job token is sure to reach): its canonical path, or undefined. */
function jobProject(run: Run, job: read.Job): string | undefined {
  const requested = read.requestedProject(run.input.project, run.target);
  if (requested === undefined) return undefined;
  const match = read.jobProjectMatch(job, requested);
  const note = say.jobProject(match, requested, job.project);
  if (note) run.findings.add(note);
  return match === 'other' ? undefined : (job.project ?? requested);
}

/** `GET /job` answered, but not with the job. */
function jobNotRead(run: Run, r: HttpResponse): Finding {
  if (r.status === 401) return unauthorized(run, r).finding;
  return r.status === 404 ? say.noApi(run.target, '/job') : unexpectedResponse(r, GL, 'job lookup');
}

export const gitlabOnline: OnlineChecks = {
  // Job tokens go in JOB-TOKEN; every other token as a bearer token (GitLab accepts PATs, project
  // and group tokens there as well as in PRIVATE-TOKEN, and OAuth tokens only there).
  credential: (token, analysis) =>
    isJob(analysis) ? { name: 'job-token', value: token } : { name: 'authorization', value: `Bearer ${token}` },
  // Git and registry clients send the token as a Basic password; `oauth2` is the user name OAuth
  // tokens need and access tokens accept. Job tokens have no scopes to prove.
  gitCredential: (token, analysis) =>
    isJob(analysis) ? undefined : { name: 'authorization', value: `Basic ${Buffer.from(`oauth2:${token}`).toString('base64')}` },
  credentialOrigins: configuredOrigin,
  check,
};
