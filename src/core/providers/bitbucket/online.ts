/**
 * Bitbucket Cloud online checks (https://developer.atlassian.com/cloud/bitbucket/rest/intro/). Everything goes to https://api.bitbucket.org.
 * - User credentials (API tokens, Basic e-mail:token; app passwords, Basic username:password):
 *   round 1 is the identity (`GET /2.0/user`) alone — a rejected Basic credential is not sent again
 *   (repeated failures can lock the Atlassian account); round 2 is the workspace / repository
 *   lookups and, when no `x-oauth-scopes` header told us the scopes, the read probes, all at once.
 * - Access tokens (Bearer; they act as a pseudo-user and get 403 on /2.0/user): round 1 is the
 *   lookups; a second round only for read probes when no `x-oauth-scopes` header came back.
 * This file is the plan; interpret.ts reads the answers, messages.ts says what they mean.
 */
import type { HttpClient, HttpOutcome, HttpResponse } from '../../http/client.js';
import type { Finding, Identity } from '../../report.js';
import type { CredentialHeader, OnlineChecks, OnlineInput, OnlineResult, TokenAnalysis } from '../types.js';
import {
  closestNames,
  finishRun,
  isTrouble,
  missing,
  startRun,
  trouble,
  unexpectedResponse,
  unverifiable,
  type OnlineRun,
  type Verdict,
} from '../online/index.js';
import * as read from './interpret.js';
import * as say from './messages.js';
import { scopeNameFinding } from '../scope-names.js';
import {
  ACCOUNT_PROBES,
  effectiveScopes,
  KEY_PROBES,
  findBitbucketPermission,
  parseScopeHeader,
  permissionById,
  scopeFamily,
  scopeId,
  type ProbeTarget,
  type ScopeFamily,
} from './scopes.js';

const NAME = 'Bitbucket Cloud';
const ORIGIN = 'https://api.bitbucket.org';
const BASE = `${ORIGIN}/2.0`;
const USER_URL = `${BASE}/user`;
/** The scope a lookup needs, in each family, when a 403 does not name it. */
const REPOSITORY_READ: Record<ScopeFamily, string> = { 'api-token': 'read:repository:bitbucket', oauth: 'repository' };
const WORKSPACE_READ: Record<ScopeFamily, string> = { 'api-token': 'read:workspace:bitbucket', oauth: 'team' };
const ACCOUNT_READ: Record<ScopeFamily, string> = { 'api-token': 'read:user:bitbucket', oauth: 'account' };

function credential(token: string, analysis: TokenAnalysis, username: string | undefined): CredentialHeader {
  // Access tokens are bearer tokens; API tokens go with the Atlassian e-mail, app passwords with the
  // Bitbucket user name (the adapters mask base64(username:token) for exactly this username).
  if (read.kindOf(analysis) === 'access-token') return { name: 'authorization', value: `Bearer ${token}` };
  return { name: 'authorization', value: `Basic ${Buffer.from(`${username?.trim() ?? ''}:${token}`).toString('base64')}` };
}

// ───────────────────────────── the run ─────────────────────────────

/** The shared run, plus the credential's kind and every answer so far, by URL in the order asked. */
interface Run extends OnlineRun<read.Target> {
  kind: read.Kind;
  /** The account id round 1 read (user credentials whose /2.0/user answered). */
  account?: string;
  family: ScopeFamily;
  answers: Map<string, HttpOutcome>;
}

/** Enters each required scope in the ledger once; a name Bitbucket does not know is a finding. */
function requireScopes(run: Run): read.Wanted[] {
  const wanted: read.Wanted[] = [];
  for (const text of run.input.requiredScopes) {
    const perm = findBitbucketPermission(text);
    const id = perm && scopeId(perm, run.family);
    if (!perm) run.findings.add(scopeNameFinding('bitbucket', text)!);
    else if (!id) run.findings.add(say.scopeUnknown(text, perm, run.family, run.input.token.label));
    else if (run.scopes.require(id)) wanted.push({ id, perm });
  }
  return wanted;
}

// ───────────────────────────── requests ─────────────────────────────

const enc = encodeURIComponent;

/** `account`: the account id round 1 read (the keys probes name it). */
function probeUrl(target: ProbeTarget, t: read.Target, account?: string): string | undefined {
  const ws = t.ws ? enc(t.ws) : undefined;
  const repo = ws && t.repo ? `${ws}/${enc(t.repo)}` : undefined;
  switch (target) {
    case 'user':
      return USER_URL;
    case 'emails':
      return `${BASE}/user/emails?pagelen=1`;
    case 'workspace':
      return ws && `${BASE}/workspaces/${ws}`;
    case 'repository':
      if (repo) return `${BASE}/repositories/${repo}`;
      return ws ? `${BASE}/repositories/${ws}?pagelen=1` : `${BASE}/repositories?role=member&pagelen=1`;
    case 'repositories':
      return ws && `${BASE}/repositories/${ws}?pagelen=1`;
    case 'projects':
      return ws && `${BASE}/workspaces/${ws}/projects?pagelen=1`;
    case 'pullrequests':
    case 'pipelines':
    case 'issues':
    case 'hooks':
      return repo && `${BASE}/repositories/${repo}/${target}?pagelen=1`;
    case 'snippets':
      return `${BASE}/snippets?role=member&pagelen=1`;
    case 'runners':
      return repo && `${BASE}/repositories/${repo}/pipelines-config/runners?pagelen=1`;
    case 'ssh-keys':
    case 'gpg-keys':
      return account && `${BASE}/users/${enc(account)}/${target}?pagelen=1`;
  }
}

/** The lookups that find the project (access tokens cannot read workspaces: their repository list shows the workspace). */
type Lookups = Partial<Record<'repository' | 'repositories' | 'workspace', string>>;

function lookupsFor(run: Run): Lookups {
  const t = run.target;
  const access = run.kind === 'access-token';
  // Without a project, an access token still needs one authenticated answer to show it works.
  if (!t.ws) return access ? { repository: probeUrl('repository', t) } : {};
  return {
    ...(t.repo ? { repository: probeUrl('repository', t) } : {}),
    ...(access || !t.repo ? { repositories: probeUrl('repositories', t) } : {}),
    ...(access ? {} : { workspace: probeUrl('workspace', t) }),
  };
}

/** The read probes of the wanted scopes (access tokens cannot read /2.0/user). */
const probeUrls = (run: Run, wanted: readonly read.Wanted[]): (string | undefined)[] =>
  wanted
    .map((w) => w.perm.probe)
    .filter((p): p is ProbeTarget => !!p && !(ACCOUNT_PROBES.includes(p) && run.kind === 'access-token'))
    .map((p) => probeUrl(p, run.target, run.account));

/** One wave of requests, all at once; one request per URL (a lookup and a probe that share a URL share the answer). */
async function ask(run: Run, urls: readonly (string | undefined)[]): Promise<void> {
  const fresh = [...new Set(urls.filter((u): u is string => !!u && !run.answers.has(u)))];
  const got = await Promise.all(fresh.map((u) => run.http.get(u)));
  fresh.forEach((u, i) => run.answers.set(u, got[i]!));
}

async function answerTo(run: Run, url: string): Promise<HttpOutcome> {
  await ask(run, [url]);
  return run.answers.get(url)!;
}

/** A header of the first answer that sent it. */
const header = (run: Run, name: string): string | undefined =>
  [...run.answers.values()].find((r): r is HttpResponse => r.kind === 'response' && !!r.headers[name]?.trim())?.headers[name];

const scopesUnknown = (run: Run): boolean => parseScopeHeader(header(run, 'x-oauth-scopes')) === undefined;

// ───────────────────────────── the check ─────────────────────────────

async function check(http: HttpClient, input: OnlineInput): Promise<OnlineResult> {
  const target = read.projectTarget(input.project);
  const shared = startRun(http, input, target ?? {});
  const run: Run = { ...shared, kind: read.kindOf(input.token), family: scopeFamily(input.token.kind), answers: new Map() };
  const wanted = requireScopes(run);
  const stop = (f: Finding): OnlineResult => {
    run.findings.add(f);
    return finishRun(run, {}, true);
  };
  if (!target) return stop(say.projectInvalid(input.project!));

  // Round 1 (user credentials): who is it?
  const account = run.kind === 'access-token' ? {} : await identify(run);
  if ('code' in account) return stop(account);
  run.account = account.identity?.id;

  // Round 2 (round 1 for access tokens): lookups, and the read probes when the scopes are unknown.
  const lookups = lookupsFor(run);
  const probes = probeUrls(run, wanted);
  await ask(run, [...Object.values(lookups), ...(scopesUnknown(run) && run.kind !== 'access-token' ? probes : [])]);
  if (scopesUnknown(run)) await ask(run, probes); // access tokens without the header

  const who = run.kind === 'access-token' ? acceptAccessToken(run) : account;
  if ('code' in who) return stop(who);
  const projectCanonical = run.target.ws ? await readProject(run, lookups) : undefined;
  await judgeScopes(run, wanted);
  return finishRun(run, { identity: who.identity, projectCanonical });
}

/** Round 1 for user credentials: the account, or the finding that ends the check. */
async function identify(run: Run): Promise<{ identity?: Identity } | Finding> {
  const r = await answerTo(run, USER_URL);
  if (!read.answered(r)) return trouble(r, NAME, 'identity')!;
  if (r.status === 401) return say.rejected(run.kind, read.rejection(r, run.input.username), run.input.now);
  const account = read.accountOf(r);
  const type = r.headers['x-credential-type'];
  if (read.isOdd(account)) return unexpectedResponse(r, NAME, account.odd);
  if (account) {
    run.findings.add(say.accountIdentity(account, type));
    return { identity: account };
  }
  if (r.status !== 403) return unexpectedResponse(r, NAME, 'identity');
  // Accepted, but without the scope that reveals the account.
  run.findings.add(say.accountHidden(read.bbError(r).required[0] ?? ACCOUNT_READ[run.family], type));
  return {};
}

/** Access tokens: the first authenticated answer tells whether the token works at all. */
function acceptAccessToken(run: Run): { identity: Identity } | Finding {
  const answers = [...run.answers.values()];
  const refused = answers.find((r): r is HttpResponse => r.kind === 'response' && r.status === 401);
  if (refused) return say.rejected(run.kind, read.rejection(refused, run.input.username), run.input.now);
  if (answers[0] && answers.every(isTrouble)) return trouble(answers[0], NAME, 'access token check')!;
  const type = header(run, 'x-credential-type');
  const identity = say.accessTokenIdentity(type);
  run.findings.add(say.accessTokenAccepted(identity, type));
  return { identity };
}

// ───────────────────────────── the project ─────────────────────────────

/** What the lookups said about the project: its stored name, and what is wrong with it. */
type ProjectReading = { canonical?: string; finding?: Finding };

async function readProject(run: Run, lookups: Lookups): Promise<string | undefined> {
  // The answers that tell whether the workspace exists (fetched already, in the same round).
  const urls = [lookups.repositories, lookups.workspace].filter((u): u is string => !!u);
  const evidence = await Promise.all(urls.map((u) => answerTo(run, u)));
  const reading = run.target.repo
    ? await readRepository(run, await answerTo(run, lookups.repository!), evidence)
    : await readWorkspace(run, evidence, lookups.workspace);
  if (reading.finding) run.findings.add(reading.finding);
  return reading.canonical;
}

async function readRepository(run: Run, r: HttpOutcome, evidence: readonly HttpOutcome[]): Promise<ProjectReading> {
  const ws = run.target.ws!;
  const repo = run.target.repo!;
  const requested = `${ws}/${repo}`;
  if (!read.answered(r)) return { finding: trouble(r, NAME, 'repository lookup') };
  const name = read.repositoryNameOf(r, ws);
  if (read.isOdd(name)) return { finding: unexpectedResponse(r, NAME, name.odd) };
  if (name !== undefined) {
    return { canonical: name, finding: read.spelledDifferently(name, ws, repo) ? say.repositoryCaseMismatch(name, requested) : undefined };
  }
  if (r.status !== 404) return { finding: deniedLookup(run, r, say.lookupWhat.repository(requested), REPOSITORY_READ) };
  const presence = read.workspacePresence(evidence);
  if (presence.missing) return { finding: say.workspaceNotFound(ws) };
  // Only to explain the miss: which repositories of the workspace can the token see?
  const slugs = read.repositorySlugsOf(await run.http.get(`${BASE}/repositories/${enc(ws)}?pagelen=100`));
  const near = closestNames(repo, slugs, 3).map((n) => `${ws}/${n}`);
  return { finding: say.repositoryNotFound(run.kind, requested, ws, presence.found, near) };
}

async function readWorkspace(run: Run, evidence: readonly HttpOutcome[], workspaceUrl: string | undefined): Promise<ProjectReading> {
  const ws = run.target.ws!;
  const presence = read.workspacePresence(evidence);
  if (presence.found) {
    const slug = read.workspaceSlugOf(workspaceUrl ? await answerTo(run, workspaceUrl) : undefined);
    const differs = !!slug && slug !== ws && !read.isUuid(ws);
    return { canonical: slug ?? ws, finding: differs ? say.workspaceCaseMismatch(slug, ws) : undefined };
  }
  if (presence.missing) return { finding: say.workspaceNotFound(ws) };
  const troubled = evidence.find(isTrouble);
  if (troubled) return { finding: trouble(troubled, NAME, 'workspace lookup') };
  const denial = evidence.find(read.answered);
  return { finding: denial && deniedLookup(run, denial, say.lookupWhat.workspace(ws), WORKSPACE_READ) };
}

/** A lookup that was not answered with the resource: why. */
function deniedLookup(run: Run, r: HttpResponse, what: string, fallback: Record<ScopeFamily, string>): Finding {
  const denial = read.denialOf(r);
  if (denial.kind === 'scope') {
    const perm = permissionById(denial.required[0] ?? fallback[run.family]);
    const need = denial.required.join(', ') || fallback[run.family];
    return say.lookupScopeDenied(run.kind, what, need, perm, (perm && scopeId(perm, run.family)) ?? need);
  }
  if (denial.kind === 'refused') return say.rejected(run.kind, read.rejection(r, undefined), run.input.now);
  if (denial.kind === 'forbidden') return say.lookupForbidden(run.kind, what, denial.said);
  return unexpectedResponse(r, NAME, `lookup of ${what}`);
}

// ───────────────────────────── scopes ─────────────────────────────

/** Scopes: the `x-oauth-scopes` header when there is one, else the read probes. */
async function judgeScopes(run: Run, wanted: readonly read.Wanted[]): Promise<void> {
  const granted = parseScopeHeader(header(run, 'x-oauth-scopes'));
  if (!granted) {
    for (const w of wanted) await judgeByProbe(run, w);
    return;
  }
  run.findings.add(say.scopesGranted(granted));
  const effective = effectiveScopes(granted, run.family);
  for (const w of wanted) {
    if (read.headerCarries(w, effective, run.family)) run.scopes.verified(w.id, say.VERIFIED_BY_HEADER);
    else run.scopes.missing(w.id, say.scopeMissing(run.kind, w, say.noImplication(read.strongerThan(w, granted, run.family))));
  }
}

/** The verdict a scope gets without a request, or the URL of its probe. */
function probeFor(run: Run, w: read.Wanted): Verdict | string {
  const target = w.perm.probe;
  if (!target) return unverifiable(w.perm.why ? say.WHY.noProbeBecause(w.perm.why) : say.WHY.noReadProbe);
  if (ACCOUNT_PROBES.includes(target) && run.kind === 'access-token') return unverifiable(say.WHY.accessTokenUser);
  // Round 1 already saw the account scope denied.
  const user = run.answers.get(USER_URL);
  if (target === 'user' && user?.kind === 'response' && user.status === 403) return missing(say.WHY.userDenied);
  if (KEY_PROBES.includes(target) && !run.account) return unverifiable(say.WHY.probeNeeds(target));
  return probeUrl(target, run.target, run.account) ?? unverifiable(say.WHY.probeNeeds(target));
}

async function judgeByProbe(run: Run, w: read.Wanted): Promise<void> {
  const probe = probeFor(run, w);
  const explain = (v: Exclude<Verdict, { kind: 'verified' }>): Finding =>
    v.kind === 'missing' ? say.scopeMissing(run.kind, w, `: ${v.why}`) : say.scopeUnverifiable(w, v.why);
  if (typeof probe !== 'string') return run.scopes.record(w.id, probe, explain);
  const r = await answerTo(run, probe);
  if (!read.answered(r)) return run.scopes.unverifiable(w.id, trouble(r, NAME, 'scope probe')!);
  run.scopes.record(w.id, read.probeVerdict(r, new URL(probe).pathname), explain);
}

export const bitbucketOnline: OnlineChecks = {
  credential,
  credentialOrigins: () => [ORIGIN],
  check,
};
