/**
 * GitHub online checks (github.com, GHE.com, GHES; https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api). Two round trips:
 * 1. identity — `GET /user` (PATs, OAuth, App user tokens) or `GET /installation/repositories`
 *    (installation tokens, incl. Actions' GITHUB_TOKEN) — plus `GET /meta` on GHES;
 * 2. the repository lookup and every permission probe, all at once.
 * A third happens only to explain a missing repository (does the owner exist, which names can the
 * token see). Every request is a GET; a 301 for a renamed repository is followed once, same origin only.
 * The answers are read in interpret.ts, the scopes judged in judge.ts, every sentence is in messages.ts.
 */
import type { HttpClient, HttpOutcome, HttpResponse } from '../../http/client.js';
import type { Finding, Identity } from '../../report.js';
import { withoutUserinfo } from '../../url-common.js';
import type { OnlineChecks, OnlineInput, OnlineResult } from '../types.js';
import { closestNames, configuredOrigin, finishRun, startRun, type OnlineRun, type Verdict } from '../online/index.js';
import {
  fullNames,
  grantedClassic,
  isInstallation,
  isPat,
  isRedirect,
  onApi,
  parseExpirationHeader,
  readInstallationAnswer,
  readProbe,
  readRepoAnswer,
  readTarget,
  readUserAnswer,
  redirectLocation,
  serverVersion,
  type Followed,
  type GitHubTarget,
  type IdentityAnswer,
  type InstallationFacts,
  type Repo,
} from './interpret.js';
import { judge, type ScopeFacts } from './judge.js';
import * as say from './messages.js';
import { parseRequired, type RequiredItem } from './scopes.js';
import { scopeNameFinding } from '../scope-names.js';

type Run = OnlineRun<GitHubTarget>;

const HEADERS = { accept: 'application/vnd.github+json' };
const OWNER_REPO = /^[^/\s]+\/[^/\s]+$/;

// ─── Requests ───────────────────────────────────────────────────────────────────────────────────

const get = (run: Run, url: string): Promise<HttpOutcome> => run.http.get(url, HEADERS);
const api = (run: Run, path: string): string => `${run.target.base}/${path}`;
const repoPath = (name: string): string => `repos/${name.split('/').map(encodeURIComponent).join('/')}`;
const installationRepos = (run: Run): Promise<HttpOutcome> => get(run, api(run, 'installation/repositories?per_page=100'));

/** GET that follows one 301/307/308 manually, only to the same origin and API base. */
async function getFollow(run: Run, url: string): Promise<Followed> {
  const r = await get(run, url);
  if (r.kind !== 'response' || !isRedirect(r)) return { r, moved: false };
  const location = redirectLocation(r);
  let to: URL;
  try {
    to = new URL(location ?? '', url);
  } catch {
    return { r, moved: false };
  }
  if (!location || !onApi(to, run.target)) return { r, moved: false, offApi: location ? `${to.origin}${to.pathname}` : undefined };
  return { r: await get(run, to.href), moved: true };
}

/** Permission name → the path of its read-only probe (below the API base), for the probes that need a request of their own. */
function probePaths(items: readonly RequiredItem[], repoName: string | undefined): Map<string, string> {
  const paths = new Map<string, string>();
  const owner = encodeURIComponent(repoName?.split('/')[0] ?? '');
  for (const item of items) {
    if (item.kind !== 'permission' || !item.permission.probe || item.permission.probe === 'repository') continue;
    // Account permissions (`/user/…`) need no repository; every other probe is below it or its owner.
    if (!repoName && item.permission.on !== 'account') continue;
    if (!paths.has(item.permission.name)) {
      paths.set(item.permission.name, item.permission.probe.replace('{repo}', repoPath(repoName ?? '')).replace('{owner}', owner));
    }
  }
  return paths;
}

// ─── The inputs ─────────────────────────────────────────────────────────────────────────────────

/** Reports unknown scopes and a `project` that is not owner/repo; returns the repository to look up. */
function readInputs(run: Run, items: readonly RequiredItem[]): string | undefined {
  for (const item of items) if (item.kind === 'unknown') run.findings.add(scopeNameFinding('github', item.text)!);
  const project = run.input.project?.trim();
  if (project === undefined) return undefined;
  if (OWNER_REPO.test(project)) return project.replace(/\.git$/, '');
  run.findings.add(say.projectNotOwnerRepo(withoutUserinfo(project)));
  return undefined;
}

// ─── Round trip 1: identity ─────────────────────────────────────────────────────────────────────

interface Identified {
  identity: Identity;
  /** The identity answer, whose headers carry the token's scopes and expiry. */
  response: HttpResponse;
  installation: boolean;
  /** Installation: full names of the repositories it can access (first page). */
  repositories?: string[];
  login?: string;
}

/** Adds the identity note (or the finding that stops the check); undefined when the check stops. */
async function identify(run: Run, first: HttpOutcome): Promise<Identified | undefined> {
  const { target, input } = run;
  if (isInstallation(input.token)) return asInstallation(run, readInstallationAnswer(first, target, input.token));
  const user = readUserAnswer(first, target, input.token);
  // GET /user refuses installation tokens; a token we could not classify may still be one.
  if (user.kind === 'integration') return asInstallation(run, readInstallationAnswer(await installationRepos(run), target, input.token));
  if (user.kind === 'failed') return stop(run, user.finding);
  const { login, id, type } = user.facts;
  run.findings.add(say.userIdentity(login, id, type));
  return { identity: { name: login, ...(id ? { id } : {}) }, response: user.r, installation: false, login };
}

function asInstallation(run: Run, a: IdentityAnswer<InstallationFacts>): Identified | undefined {
  if (a.kind !== 'ok') return a.kind === 'failed' ? stop(run, a.finding) : undefined;
  const name = say.installationName(a.facts.total);
  run.findings.add(say.installationIdentity(name, a.facts.total, a.facts.names));
  return { identity: { name }, response: a.r, installation: true, repositories: a.facts.names };
}

/** Findings that say GitHub refused or blocked the token somewhere: then a missing expiry header says nothing. */
const REFUSED = /^token\.(policy-blocked|sso-required|rejected|expired|revoked|suspended)$/;

/** Adds the finding that stops the check. */
function stop(run: Run, f: Finding): undefined {
  run.findings.add(f);
  return undefined;
}

/** Notes what the identity answers say besides who: the GHES version, the classic scopes, the expiry. */
function readIdentityHeaders(
  run: Run,
  id: Identified,
  meta: HttpOutcome | undefined,
): { classic?: string[]; expiresAt?: Date; noExpiryHeader: boolean } {
  const version = serverVersion(meta);
  if (version) run.findings.add(say.serverVersion(version));
  const classic = grantedClassic(run.input.token, id.response);
  if (classic) run.findings.add(say.grantedScopes(classic));
  const header = id.response.headers['github-authentication-token-expiration'];
  const expiresAt = header ? parseExpirationHeader(header) : undefined;
  if (header && !expiresAt) run.findings.add(say.unknownExpiryFormat(header));
  return { ...(classic ? { classic } : {}), ...(expiresAt ? { expiresAt } : {}), noExpiryHeader: !header && isPat(run.input.token) };
}

// ─── Round trip 2 (and 3): the repository and the probes ────────────────────────────────────────

interface RepoResult {
  repo?: Repo;
  canonical?: string;
  blocked?: string;
}

async function checkRepo(run: Run, requested: string, f: Followed, id: Identified): Promise<RepoResult> {
  const a = readRepoAnswer(f, requested, run.target);
  if (a.kind === 'found') {
    run.findings.addAll(a.notes);
    return { repo: a.repo, canonical: a.repo.fullName };
  }
  if (a.kind === 'blocked') {
    run.findings.add(a.finding);
    return { blocked: a.why };
  }
  run.findings.add(await notFound(run, requested, id));
  return { blocked: say.BLOCKED['not-found'] };
}

/** 404: say both possibilities; a third round trip (owner, visible names) makes it specific. */
async function notFound(run: Run, requested: string, id: Identified): Promise<Finding> {
  const owner = requested.split('/')[0]!;
  let names = id.repositories ?? [];
  let ownerMissing = false;
  if (!id.installation) {
    const [user, list] = await Promise.all([
      get(run, api(run, `users/${encodeURIComponent(owner)}`)),
      get(run, api(run, 'user/repos?per_page=100&sort=full_name')),
    ]);
    ownerMissing = user.kind === 'response' && user.status === 404;
    if (list.kind === 'response' && list.status === 200 && Array.isArray(list.json)) names = fullNames(list.json);
  }
  const sameOwner = names.filter((n) => n.split('/')[0]!.toLowerCase() === owner.toLowerCase());
  const near = closestNames(requested, sameOwner.length ? sameOwner : names, 3);
  const { host } = run.target;
  return say.notFound({ requested, owner, host, ownerMissing, installation: id.installation, visible: names.length, near });
}

/** Round trip 2: the repository lookup and every permission probe at once; then what they said, in that order. */
async function askRepositoryAndProbes(
  run: Run,
  items: readonly RequiredItem[],
  repoName: string | undefined,
  id: Identified,
): Promise<{ repo: RepoResult; probes: Map<string, Verdict> }> {
  const paths = probePaths(items, repoName);
  const names = [...paths.keys()];
  const [repoAnswer, ...probeAnswers] = await Promise.all([
    repoName ? getFollow(run, api(run, repoPath(repoName))) : Promise.resolve(undefined),
    ...names.map((n) => getFollow(run, api(run, paths.get(n)!))),
  ]);
  const repo = repoName && repoAnswer ? await checkRepo(run, repoName, repoAnswer, id) : {};
  const probes = new Map<string, Verdict>();
  names.forEach((n, i) => {
    const reading = readProbe(probeAnswers[i]!, `/${paths.get(n)!.split('?')[0]}`);
    if (reading.finding) run.findings.add(reading.finding);
    probes.set(n, reading.verdict);
  });
  return { repo, probes };
}

// ─── The check ──────────────────────────────────────────────────────────────────────────────────

async function check(http: HttpClient, input: OnlineInput): Promise<OnlineResult> {
  const run = startRun(http, input, readTarget(input.url));
  const items = input.requiredScopes.map(parseRequired);
  const repoName = readInputs(run, items);
  // Every required scope is entered upfront (a scope named twice is judged once), so an early stop still reports it.
  const scopeItems = items.filter((i): i is Exclude<RequiredItem, { kind: 'unknown' }> => i.kind !== 'unknown' && run.scopes.require(i.id));

  // Round trip 1: identity (and on GHES its version).
  const [first, meta] = await Promise.all([
    isInstallation(input.token) ? installationRepos(run) : get(run, api(run, 'user')),
    run.target.ghes ? get(run, api(run, 'meta')) : Promise.resolve(undefined),
  ]);
  const id = await identify(run, first);
  if (!id) return finishRun(run, {}, true);
  const { classic, expiresAt, noExpiryHeader } = readIdentityHeaders(run, id, meta);

  // Round trip 2: the repository and every probe at once.
  const { repo, probes } = await askRepositoryAndProbes(run, items, repoName, id);

  const facts: ScopeFacts = {
    token: input.token,
    web: run.target.web,
    classic,
    ...repo,
    login: id.login,
    hasProject: Boolean(input.project),
    probes,
  };
  for (const item of scopeItems) {
    const { verdict, hint } = judge(item, facts);
    run.scopes.record(item.id, verdict, (v) => say.scopeFinding(v, hint));
  }
  // GitHub omits the header for a token without expiry; a refused or blocked token proves nothing by it.
  if (noExpiryHeader && !run.findings.list().some((f) => REFUSED.test(f.code))) run.findings.add(say.noExpiry());
  return finishRun(run, { identity: id.identity, projectCanonical: repo.canonical, ...(expiresAt ? { expiresAt } : {}) });
}

export const githubOnline: OnlineChecks = {
  // GitHub accepts Bearer for every token kind (PATs, OAuth, App user and installation tokens).
  credential: (token) => ({ name: 'authorization', value: `Bearer ${token}` }),
  credentialOrigins: configuredOrigin,
  check,
};
