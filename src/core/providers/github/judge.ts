/**
 * The scope judgement: what the answers prove about each required scope, one small function per kind
 * of scope (a classic scope, a permission's read level, its write level). Each returns a Verdict (its
 * `why` is the finding's message) and, where the fix is specific, the hint.
 */
import type { TokenAnalysis } from '../types.js';
import { missing, unverifiable, verified, type Verdict } from '../online/index.js';
import { fixFamily, isInstallation, reportsClassicScopes, type Repo } from './interpret.js';
import * as say from './messages.js';
import { expandClassic, hasRight, type GitHubPermission, type RequiredItem } from './scopes.js';

/** Everything the first two round trips learnt that bears on scopes. */
export interface ScopeFacts {
  token: TokenAnalysis;
  /** Host of the web UI, for settings links. */
  web: string;
  /** Classic scopes the token carries (X-OAuth-Scopes), for the kinds that report them. */
  classic?: readonly string[];
  /** The repository, when it was found. */
  repo?: Repo;
  /** Why the repository could not be used, when it was looked up and not found. */
  blocked?: string;
  /** The token's user (not for installation tokens). */
  login?: string;
  /** `project` was passed (even if it is not owner/repo). */
  hasProject: boolean;
  /** Permission name → what its read-only probe proved. */
  probes: ReadonlyMap<string, Verdict>;
}

export interface Judged {
  verdict: Verdict;
  hint?: string;
}

type ScopeItem = Exclude<RequiredItem, { kind: 'unknown' }>;
type PermissionItem = Extract<RequiredItem, { kind: 'permission' }>;

export function judge(item: ScopeItem, f: ScopeFacts): Judged {
  return item.kind === 'classic' ? judgeClassic(item.id, f) : judgePermission(item, f);
}

function judgeClassic(id: string, f: ScopeFacts): Judged {
  if (!f.classic && reportsClassicScopes(f.token)) return { verdict: unverifiable(say.classicNotReported(id)) };
  if (!f.classic) return { verdict: unverifiable(say.classicOnPermissions(id, f.token.label)), hint: say.NAME_PERMISSIONS };
  if (f.classic.includes(id)) return { verdict: verified(say.HOW.carries(id)) };
  const parents = f.classic.filter((s) => expandClassic([s]).has(id));
  if (parents.length) return { verdict: verified(say.HOW.carriesParent(parents)) };
  return { verdict: missing(say.lacksClassic(id, f.classic)), hint: classicHint(f, id) };
}

const classicHint = (f: ScopeFacts, scope: string): string => say.classicHint(fixFamily(f.token), f.web, scope);

/** What the read-only GETs proved about the read level of `p`. */
function readLevel(p: GitHubPermission, f: ScopeFacts): Verdict {
  if (!p.probe) return unverifiable(p.note ?? say.PROBE.noProbe);
  const needsRepo = p.on === 'repository' || p.probe.includes('{owner}');
  if (needsRepo && !f.hasProject) return unverifiable(say.PROBE.needsProject);
  if ((p.probe === 'repository' || p.on === 'repository') && !f.repo) return unverifiable(f.blocked ?? say.BLOCKED.unchecked);
  if (p.probe === 'repository') return verified();
  return f.probes.get(p.name) ?? unverifiable(say.PROBE.notRun);
}

function judgePermission(item: PermissionItem, f: ScopeFacts): Judged {
  const p = item.permission;
  const label = say.permissionLabel(p, item.id);
  const read = readLevel(p, f);
  if (read.kind === 'missing') {
    return { verdict: missing(say.lacksPermission(label, read.why)), hint: say.permissionHint(fixFamily(f.token), f.web, p, item.level) };
  }
  if (item.level === 'read') return judgeRead(p, label, read, f);
  // Write / admin: GETs only ever prove the read half. A classic token acts with its scopes and its
  // user's role, both of which GitHub reports: that pair is a proof; for other tokens it is not.
  const half = say.readHalf(read);
  return f.classic && p.classicWrite ? judgeClassicWrite(p, label, half, f) : judgeTokenWrite(p, label, half, f);
}

function judgeRead(p: GitHubPermission, label: string, read: Exclude<Verdict, { kind: 'missing' }>, f: ScopeFacts): Judged {
  if (read.kind === 'verified') return { verdict: verified(say.HOW.read(read.how)) };
  // A probe a policy blocked proves nothing either way: the scope header does not overrule the policy.
  const blocked = read.why === say.PROBE.policy || read.why === say.BLOCKED.policy;
  if (!f.classic || !p.classicRead || blocked) return { verdict: unverifiable(say.readUnverifiable(label, read.why)) };
  // No probe answer, but for classic tokens the scope header decides the token's half.
  const granted = expandClassic(f.classic);
  const carried = p.classicRead.find((s) => granted.has(s));
  if (carried) return { verdict: verified(say.HOW.carries(carried)) };
  const need = p.classicRead[0]!;
  return { verdict: missing(say.lacksClassicFor(label, 'read', need, f.classic)), hint: classicHint(f, need) };
}

/** Called for classic tokens (`f.classic`) and permissions a classic scope grants (`p.classicWrite`). */
function judgeClassicWrite(p: GitHubPermission, label: string, half: string, f: ScopeFacts): Judged {
  const [scopes, classic] = [p.classicWrite ?? [], f.classic ?? []];
  const granted = expandClassic(classic);
  // public_repo writes to public repositories only: it counts once the repository is known to be public.
  const usable = scopes.filter((s) => s !== 'public_repo' || !f.repo || !f.repo.private);
  const carried = usable.find((s) => granted.has(s));
  if (carried === 'public_repo' && !f.repo) return { verdict: unverifiable(say.publicRepoOnly(label)) };
  if (!carried) {
    const need = usable[0] ?? scopes[0]!;
    return { verdict: missing(say.lacksClassicFor(label, 'write', need, classic)), hint: classicHint(f, need) };
  }
  const right = p.right && f.repo ? hasRight(f.repo.permissions, p.right) : undefined;
  const login = f.login ?? '';
  if (right === true) return { verdict: verified(say.HOW.classicWrite(carried, login, p.right!, f.repo!.fullName)) };
  if (right === false) {
    return {
      verdict: missing(say.classicUserLacksRight(label, carried, login, p.right!, f.repo!.fullName)),
      hint: say.askForRight(f.login, p.right!),
    };
  }
  return { verdict: unverifiable(say.classicUserRightUnknown(label, carried, Boolean(p.right), half)) };
}

/** Fine-grained PATs and App user tokens act with at most their user's rights: a missing role is a
 * proof of failure, a present one is only the user's right, not the token's. */
function judgeTokenWrite(p: GitHubPermission, label: string, half: string, f: ScopeFacts): Judged {
  const userRight = p.right && f.repo && !isInstallation(f.token) ? hasRight(f.repo.permissions, p.right) : undefined;
  if (userRight === false) {
    return {
      verdict: missing(say.userLacksRight(label, f.login ?? '', p.right!, f.repo!.fullName, f.token.label)),
      hint: say.askForRight(f.login, p.right!),
    };
  }
  return { verdict: unverifiable(say.writeUnprovable(label, half, userRight === true ? p.right : undefined)) };
}
