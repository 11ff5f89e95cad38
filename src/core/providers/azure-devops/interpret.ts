/**
 * Small pure readers of Azure DevOps answers: who the token is, what the project lookup said, whether a
 * probe was granted or denied, and what that means for each required scope. Facts and verdicts only;
 * every sentence lives in messages.ts.
 */
import type { HttpOutcome, HttpResponse } from '../../http/client.js';
import type { Identity } from '../../report.js';
import {
  bodyText,
  isApiSuccess,
  isTrouble,
  list,
  missing,
  object,
  optional,
  readBody,
  statement,
  statesExpired,
  statesRevoked,
  text,
  unverifiable,
  verified,
  type ShapeProblem,
  type Verdict,
} from '../online/index.js';
import type { UrlAnalysis } from '../types.js';
import { includedPart, ORGLESS_HOSTS, servicesOnlyProbe, type AzureDevOpsScope } from './scopes.js';

/** The id Azure DevOps answers with when an organisation that allows public access did not accept the token. */
export const ANONYMOUS_ID = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';

/** This provider's reading of the URL: Services or Server, and where the organisation / collection is. */
export interface AzureDevOpsTarget {
  services: boolean;
  /** Collection URL (Server) or organisation URL (Services), without a trailing slash. */
  base: string;
  /** Organisation (Services) or collection (Server) name. */
  org: string;
}

export function readTarget(url: UrlAnalysis): AzureDevOpsTarget {
  const base = url.normalized!.replace(/\/+$/, '');
  const services = url.deployment === 'services';
  return { services, base, org: url.organization ?? new URL(base).pathname.split('/').filter(Boolean).pop() ?? '' };
}

const isSuccess = (r: HttpResponse): boolean => r.status >= 200 && r.status < 300;
const isHtml = (r: HttpResponse): boolean => /text\/html/i.test(r.headers['content-type'] ?? '') || /^\s*<(!doctype|html)/i.test(r.body);
/** 203 with a page: Azure DevOps' sign-in answer to a credential it did not accept. */
const isSignInPage = (r: HttpResponse): boolean => r.status === 203 && isHtml(r);

/** The error text Azure DevOps sends: X-TFS-ServiceError (URL-encoded) first, then the JSON message. */
function serviceError(r: HttpResponse): { message: string; typeKey: string } {
  let header = '';
  try {
    header = decodeURIComponent(r.headers['x-tfs-serviceerror'] ?? '');
  } catch {
    header = r.headers['x-tfs-serviceerror'] ?? '';
  }
  return { message: header || bodyText(r, 'message'), typeKey: bodyText(r, 'typeKey') };
}

/** Everything an answer states: X-TFS-ServiceError (URL-decoded, Azure DevOps' preferred carrier), the body in any form, the challenge. */
export const statementOf = (r: HttpResponse): string => statement(r, ['x-tfs-serviceerror']);

/** The organisation policies Azure DevOps names when it refuses a request. */
export type AdoPolicy = 'conditional-access' | 'pat-policy';

/**
 * Conditional access (IP fencing included) answers "VS403463: The conditional access policy defined by
 * your Azure Active Directory administrator has failed." [observed: microsoft/coe-starter-kit#6694,
 * microsoft/Git-Credential-Manager-for-Windows#855]; the PAT policies (learn.microsoft.com/azure/devops/organizations/
 * accounts/manage-pats-with-policies-for-administrators) are matched on their words, their exact
 * text being unconfirmed.
 */
export function policyOf(said: string): AdoPolicy | undefined {
  if (/\bVS403463\b|\bconditional access polic(?:y|ies)\b/i.test(said)) return 'conditional-access';
  if (/\bpersonal access tokens?\b[^.|]{0,80}?\bpolic(?:y|ies)\b|\bpolic(?:y|ies)\b[^.|]{0,80}?\bpersonal access tokens?\b/i.test(said)) {
    return 'pat-policy';
  }
  return undefined;
}

/** A global ("all accessible organizations") PAT named as the reason of a refusal: retired on 2026-12-01. */
export const statesGlobalPat = (said: string): boolean =>
  /\bglobal (?:personal access )?tokens?\b|\bglobal PATs?\b|\ball accessible organi[sz]ations\b/i.test(said);

// --- identity (`_apis/connectionData`) --------------------------------------------------------------

export type IdentityAnswer =
  | { kind: 'user'; identity: Identity }
  | { kind: 'anonymous' }
  | { kind: 'sign-in-page' }
  | { kind: 'expired' }
  | { kind: 'revoked' }
  /** An organisation policy refused the request; `said` is Azure DevOps' statement. */
  | { kind: 'policy'; policy: AdoPolicy; said: string }
  /** A global PAT, retired on 2026-12-01, named as the reason. */
  | { kind: 'global-pat'; said: string }
  | { kind: 'rejected'; typeKey: string }
  /** TF401444: a valid Entra token whose principal was never added to the organisation. */
  | { kind: 'not-member'; principal: string | undefined }
  | { kind: 'org-not-found' }
  /** Nothing about the token: `about` says what was odd about a success, `problem` which field was not as documented. */
  | { kind: 'trouble'; about?: 'not-json' | 'no-user'; problem?: ShapeProblem };

/** `_apis/connectionData`: the fields read of it. */
const CONNECTION_DATA = object({
  authenticatedUser: optional(object({ id: optional(text), providerDisplayName: optional(text), customDisplayName: optional(text) })),
});

function readUser(r: HttpResponse): IdentityAnswer {
  const data = readBody(r, CONNECTION_DATA);
  if (!data.ok) return { kind: 'trouble', problem: data.problem };
  const user = data.value.authenticatedUser;
  if (!user?.id) return { kind: 'trouble', about: 'no-user' };
  if (user.id.toLowerCase() === ANONYMOUS_ID) return { kind: 'anonymous' };
  return { kind: 'user', identity: { name: user.customDisplayName || user.providerDisplayName || user.id, id: user.id } };
}

/**
 * What a refusal states, in whatever form it came (JSON, X-TFS-ServiceError, an HTML "Access Denied"
 * page from Server or a proxy that ignored X-TFS-FedAuthRedirect, plain text): expiry, a policy, a
 * retired global PAT; undefined when it states none of them.
 */
export function statedRefusal(r: HttpResponse): IdentityAnswer | undefined {
  const said = statementOf(r);
  const policy = policyOf(said);
  if (policy) return { kind: 'policy', policy, said };
  if (statesGlobalPat(said)) return { kind: 'global-pat', said };
  if (statesExpired(said)) return { kind: 'expired' };
  return statesRevoked(said) ? { kind: 'revoked' } : undefined;
}

export function readIdentity(r: HttpOutcome): IdentityAnswer {
  if (r.kind === 'network') return { kind: 'trouble' };
  const refused = r.status === 401 || r.status === 403 || (r.status === 203 && !r.isJson);
  const stated = refused ? statedRefusal(r) : undefined;
  if (stated) return stated;
  // 203 + a page is the sign-in answer; any other 2xx that is not API JSON (a portal, a truncated
  // body) came from something in between and says nothing about the token.
  if (r.status === 203 && !r.isJson) return { kind: 'sign-in-page' };
  if (isSuccess(r)) return r.isJson ? readUser(r) : { kind: 'trouble', about: 'not-json' };
  if (r.status === 401) {
    const err = serviceError(r);
    // "TF401444: Please sign-in at least once as {tenant}\{tenant}\{object id} in a web browser…"
    // (learn.microsoft.com/azure/devops/pipelines/library/add-devops-entra-service-connection).
    const member = /^TF401444\b(?:.*?\bas\s+(\S+)\s+in a web browser)?/i.exec(err.message);
    if (member) return { kind: 'not-member', principal: member[1] };
    return { kind: 'rejected', typeKey: err.typeKey };
  }
  return r.status === 404 ? { kind: 'org-not-found' } : { kind: 'trouble' };
}

// --- Server's api-version ceiling ----------------------------------------------------------------

/** Server: the highest api-version, from the 400 a too-high version provokes. */
export function readCeiling(r: HttpOutcome | undefined): string | undefined {
  if (r?.kind !== 'response' || r.status !== 400) return undefined;
  return /latest REST API version this server supports is (\d+\.\d+)/i.exec(serviceError(r).message)?.[1];
}

export function lowerVersion(a: string, b: string): string {
  const [am, an] = a.split('.').map(Number) as [number, number];
  const [bm, bn] = b.split('.').map(Number) as [number, number];
  return am < bm || (am === bm && an < bn) ? a : b;
}

// --- project --------------------------------------------------------------------------------------

export type ProjectAnswer =
  | { kind: 'found'; name: string | undefined; state: string | undefined }
  /** The token may not read projects at all. */
  | { kind: 'denied' }
  /** An organisation policy refused the lookup. */
  | { kind: 'policy'; policy: AdoPolicy; said: string }
  /** `ambiguous`: it may exist but be hidden from the token; `askHistory`: worth asking the rename history. */
  | { kind: 'not-found'; ambiguous: boolean; askHistory: boolean }
  /** `problem`: a success whose field was not as documented. */
  | { kind: 'trouble'; problem?: ShapeProblem };

const PROJECT = object({ name: optional(text), state: optional(text) });

export function readProject(r: HttpOutcome): ProjectAnswer {
  if (r.kind === 'network') return { kind: 'trouble' };
  if (r.status === 200 && r.isJson) {
    const p = readBody(r, PROJECT);
    return p.ok ? { kind: 'found', name: p.value.name, state: p.value.state } : { kind: 'trouble', problem: p.problem };
  }
  const said = r.status === 401 || r.status === 403 ? statementOf(r) : '';
  const policy = policyOf(said);
  if (policy) return { kind: 'policy', policy, said };
  const { typeKey } = serviceError(r);
  if (r.status === 404 || (r.status === 400 && /ProjectDoesNotExist/i.test(typeKey))) {
    const askHistory = r.status === 404 || typeKey === 'ProjectDoesNotExistWithNameException';
    return { kind: 'not-found', ambiguous: typeKey === 'ProjectDoesNotExistException', askHistory };
  }
  return r.status === 401 || isSignInPage(r) ? { kind: 'denied' } : { kind: 'trouble' };
}

/**
 * The project's current name from its rename history, when it differs from the one asked for. This
 * and the list below only explain a project not found: an answer not as documented loses the
 * explanation, nothing else.
 */
export function readRenamedTo(history: HttpOutcome | undefined, requested: string): string | undefined {
  if (history?.kind !== 'response' || history.status !== 200 || !history.isJson) return undefined;
  const now = readBody(history, PROJECT);
  return now.ok && now.value.name && now.value.name.toLowerCase() !== requested.toLowerCase() ? now.value.name : undefined;
}

const PROJECT_LIST = object({ value: optional(list(PROJECT)) });

/** The project names in a project list the token could read. */
export function readProjectNames(answer: HttpOutcome | undefined): string[] {
  const read = isApiSuccess(answer) ? readBody(answer, PROJECT_LIST) : undefined;
  return (read?.ok ? (read.value.value ?? []) : []).map((p) => p.name ?? '').filter(Boolean);
}

// --- scopes ---------------------------------------------------------------------------------------

/** Where the check runs: with a project or not, on Services or Server. */
export interface ProbeWhere {
  project: boolean;
  services: boolean;
}

/** Why a scope stays unproven (messages.ts says it in words). */
export type Unproven =
  'write-half' | 'no-probe' | 'needs-project' | 'project-not-found' | 'services-only' | 'refused' | 'policy' | 'orgless-host' | 'unclear';

/** Why the probe of a scope cannot be sent here, or undefined when it can. */
export function unprobeable(read: AzureDevOpsScope | undefined, where: ProbeWhere): Unproven | undefined {
  if (!read?.probe) return 'no-probe';
  if (read.probe.where === 'project' && !read.probe.org && !where.project) return 'needs-project';
  if (!where.services && servicesOnlyProbe(read.probe)) return 'services-only';
  return undefined;
}

/** `s` and the scopes it includes, nearest first. */
function includedChain(s: AzureDevOpsScope): AzureDevOpsScope[] {
  const chain: AzureDevOpsScope[] = [];
  for (let c: AzureDevOpsScope | undefined = s; c && !chain.includes(c); c = includedPart(c)) chain.push(c);
  return chain;
}

/** The scope whose probe proves `s` here: itself, or else the nearest scope it includes whose probe can be sent. */
export const proofScopeOf = (s: AzureDevOpsScope, where: ProbeWhere): AzureDevOpsScope | undefined =>
  includedChain(s).find((c) => !unprobeable(c, where));

/**
 * Scopes that include `s` (Microsoft's table, followed up the chain) and whose own probe can be sent
 * here: a token granted one of those holds all of `s` too. Only for a scope not proven by its own probe
 * (Agent Pools: Read & Manage, which Environment and Deployment Groups include). Their refusal says
 * nothing about `s`: a token may hold `s` without holding a scope that includes it.
 */
export function includersOf(s: AzureDevOpsScope, all: readonly AzureDevOpsScope[], where: ProbeWhere): AzureDevOpsScope[] {
  if (proofScopeOf(s, where) === s) return [];
  return all.filter((c) => c !== s && c.probe && !unprobeable(c, where) && includedChain(c).includes(s));
}

/** Why nothing proves `s` here: the first probe in its chain that cannot be sent, or that it has none. */
const unprovenWhy = (s: AzureDevOpsScope, where: ProbeWhere): Unproven =>
  unprobeable(
    includedChain(s).find((c) => c.probe),
    where,
  ) ?? 'no-probe';

/** `refused`: a 403, Azure DevOps' answer for a permission, policy or plan, not for a scope (that is a 401). */
export type ProbeAnswer = 'granted' | 'denied' | 'refused' | 'policy' | 'unclear' | 'trouble';

/** A 2xx without a body, for the operations documented to answer so. */
const isEmptySuccess = (r: HttpOutcome): boolean => r.kind === 'response' && r.status >= 200 && r.status < 300 && r.body.trim() === '';

export function readProbe(r: HttpOutcome, emptyBody = false): ProbeAnswer {
  if (r.kind === 'network') return 'trouble';
  // A policy names itself, whatever the status; only then is a 401 a missing scope.
  if ((r.status === 401 || r.status === 403 || isSignInPage(r)) && policyOf(statementOf(r))) return 'policy';
  // A missing scope is a 401 (or the 203 sign-in page) [observed in public reports]; a 403 is not about scopes.
  if (r.status === 401 || isSignInPage(r)) return 'denied';
  if (r.status === 403) return 'refused';
  if (emptyBody && isEmptySuccess(r)) return 'granted';
  // A redirect on a probe has always been read as no clear answer (not as network trouble).
  if (r.status >= 300 && r.status < 400) return 'unclear';
  if (isTrouble(r)) return 'trouble';
  return isApiSuccess(r) ? 'granted' : 'unclear';
}

export interface ScopeFacts {
  project: boolean;
  projectFound: boolean;
  services: boolean;
  /** What each probed read scope's probe answered, by scope id. */
  probes: ReadonlyMap<string, ProbeAnswer>;
}

/** A probe proves the scope whose probe it is, and only part of a scope that includes it. */
export function scopeVerdict(s: AzureDevOpsScope, facts: ScopeFacts, includers: readonly AzureDevOpsScope[] = []): Verdict {
  const holder = includers.find((c) => facts.probes.get(c.id) === 'granted');
  if (holder) return verified(`read-only request that needs ${holder.id}, which includes it`);
  const proof = proofScopeOf(s, facts);
  const answer = proof && facts.probes.get(proof.id);
  // A host without an organisation (app.vssps.visualstudio.com) refuses organisation-scoped PATs
  // whatever their scopes [observed: MicrosoftDocs/vsts-rest-api-specs#166]: its 401 proves nothing.
  if (answer === 'denied' && proof?.probe && ORGLESS_HOSTS.has(proof.probe.host)) return unverifiable('orgless-host' satisfies Unproven);
  if (answer === 'denied') return missing('denied');
  if (answer === 'refused' || answer === 'policy') return unverifiable(answer satisfies Unproven);
  if (answer === 'granted') return proof === s ? verified() : unverifiable('write-half' satisfies Unproven);
  if (!proof) return unverifiable(unprovenWhy(s, facts));
  return unverifiable(proof.probe!.where !== 'org' && !facts.projectFound ? 'project-not-found' : 'unclear');
}
