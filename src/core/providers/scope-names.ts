/**
 * Required scopes read offline: a name the provider does not know is a finding even without a
 * network (a typo, or another provider's scope pasted in), with the provider it belongs to and the
 * closest name of the right provider. Pure; reads the providers' scope tables, never changes them.
 */
import { withArticle } from '../article.js';
import { finding, type Finding, type ProviderId } from '../report.js';
import { ADO_SCOPES, findAzureDevOpsScope } from './azure-devops/scopes.js';
import { BITBUCKET_PERMISSIONS, findBitbucketPermission } from './bitbucket/scopes.js';
import { CLASSIC_SCOPES, GITHUB_PERMISSIONS, parseRequired } from './github/scopes.js';
import { findGitLabScope, GITLAB_SCOPES } from './gitlab/scopes.js';
import { suggest } from '../suggest.js';
import { docsUrl } from '../docs.js';

/** The heading anchor of a provider's section ("Azure DevOps": azure-devops). */
const anchorOf = (name: string): string => name.toLowerCase().replace(/\s+/g, '-');

interface ScopeNames {
  name: string;
  /** The scope's canonical id, or undefined when the provider does not know the name. */
  canonical(text: string): string | undefined;
  /** Why the provider does not know it (for an unknown name). */
  why(text: string): string;
  names(): string[];
}

function githubCanonical(text: string): string | undefined {
  const item = parseRequired(text);
  return item.kind === 'unknown' ? undefined : item.id;
}

export const SCOPE_NAMES: Readonly<Record<ProviderId, ScopeNames>> = {
  'azure-devops': {
    name: 'Azure DevOps',
    canonical: (t) => findAzureDevOpsScope(t)?.id,
    why: () => 'not an Azure DevOps PAT scope',
    names: () => ADO_SCOPES.map((s) => s.id),
  },
  github: {
    name: 'GitHub',
    canonical: githubCanonical,
    why: (t) => {
      const item = parseRequired(t);
      return item.kind === 'unknown' ? item.why : '';
    },
    names: () => [...CLASSIC_SCOPES, ...GITHUB_PERMISSIONS.flatMap((p) => p.levels.map((l) => `${p.name}:${l}`))],
  },
  gitlab: {
    name: 'GitLab',
    canonical: (t) => findGitLabScope(t)?.id,
    why: () => 'not a GitLab access-token scope',
    names: () => GITLAB_SCOPES.map((s) => s.id),
  },
  bitbucket: {
    name: 'Bitbucket',
    canonical: (t) => {
      const p = findBitbucketPermission(t);
      return p && (p.oauth ?? p.apiToken);
    },
    why: () => 'not a Bitbucket Cloud scope',
    names: () => BITBUCKET_PERMISSIONS.flatMap((p) => [p.oauth, p.apiToken].filter((x): x is string => !!x)),
  },
};

/**
 * The same access under each provider's name (read code, write code, pipelines, work items,
 * profile), so a scope pasted from another provider gets its counterpart, not a look-alike string.
 */
const COUNTERPARTS: readonly Readonly<Record<ProviderId, string>>[] = [
  { 'azure-devops': 'vso.code', github: 'contents:read', gitlab: 'read_repository', bitbucket: 'repository' },
  { 'azure-devops': 'vso.code_write', github: 'contents:write', gitlab: 'write_repository', bitbucket: 'repository:write' },
  { 'azure-devops': 'vso.code_write', github: 'repo', gitlab: 'api', bitbucket: 'repository:write' },
  { 'azure-devops': 'vso.build', github: 'actions:read', gitlab: 'read_api', bitbucket: 'pipeline' },
  { 'azure-devops': 'vso.build_execute', github: 'actions:write', gitlab: 'api', bitbucket: 'pipeline:write' },
  { 'azure-devops': 'vso.work', github: 'issues:read', gitlab: 'read_api', bitbucket: 'issue' },
  { 'azure-devops': 'vso.work_write', github: 'issues:write', gitlab: 'api', bitbucket: 'issue:write' },
  { 'azure-devops': 'vso.packaging', github: 'read:packages', gitlab: 'read_registry', bitbucket: 'repository' },
  { 'azure-devops': 'vso.profile', github: 'read:user', gitlab: 'read_user', bitbucket: 'account' },
  { 'azure-devops': 'vso.project', github: 'read:org', gitlab: 'read_api', bitbucket: 'project' },
];
export const SCOPE_COUNTERPARTS = COUNTERPARTS;

/**
 * Scopes that stand in a row only as the nearest broader scope of their provider, never as an
 * equivalent: GitLab's `read_api` reads the whole API, and no other provider has one scope for that.
 */
const BROADER_ONLY: ReadonlySet<string> = new Set(['gitlab:read_api']);

/**
 * The closest name of `provider` for `text`: its equivalent when `text` is another provider's scope,
 * else a close spelling (the shared did-you-mean rule), else none: a look-alike of another meaning misleads.
 */
export function closestScope(provider: ProviderId, text: string, owner: ProviderId | undefined): string | undefined {
  if (owner) {
    const id = SCOPE_NAMES[owner].canonical(text);
    const row = BROADER_ONLY.has(`${owner}:${id}`) ? undefined : COUNTERPARTS.find((r) => SCOPE_NAMES[owner].canonical(r[owner]) === id);
    if (row) return row[provider];
  }
  return suggest(text.trim(), SCOPE_NAMES[provider].names());
}

/** Which other providers know this scope name. */
function ownersOf(provider: ProviderId, text: string): ProviderId[] {
  return (Object.keys(SCOPE_NAMES) as ProviderId[]).filter((p) => p !== provider && SCOPE_NAMES[p].canonical(text) !== undefined);
}

/**
 * The `scope.unknown` error for a required scope the provider does not know (undefined when it knows
 * it): the provider it belongs to and the closest scope of the right one. Offline and online say the
 * same, from here.
 */
export function scopeNameFinding(provider: ProviderId, text: string): Finding | undefined {
  const own = SCOPE_NAMES[provider];
  if (own.canonical(text) !== undefined) return undefined;
  const why = own.why(text);
  const owners = ownersOf(provider, text);
  const suggestion = closestScope(provider, text, owners[0]);
  const message = owners.length
    ? `Required scope "${text.trim()}" is ${owners.map((p) => withArticle(SCOPE_NAMES[p].name)).join(' and ')} scope, not ${withArticle(own.name)} one.`
    : `Required scope "${text.trim()}" ${why.startsWith('not ') ? 'is ' : 'is not usable: '}${why}.`;
  const fix = suggestion ? `Use ${own.name}'s closest scope, ${suggestion}, or another ${own.name}` : `Use ${withArticle(own.name)}`;
  return finding(
    'scope.unknown',
    'error',
    message,
    `${fix} scope name from ${docsUrl('scopes.md', anchorOf(own.name))} in \`required-scopes\`.`,
  );
}

/** One `scope.unknown` error per required scope the provider does not know. */
export function offlineScopeNameFindings(provider: ProviderId, required: readonly string[]): Finding[] {
  return required.map((text) => scopeNameFinding(provider, text)).filter((f): f is Finding => f !== undefined);
}
