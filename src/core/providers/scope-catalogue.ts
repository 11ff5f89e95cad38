/**
 * Every scope of every provider and how the online check proves it, read from the providers' scope
 * tables: the source of docs/scopes.md (`node scripts/scopes-table.mjs`) and of the README's coverage
 * line, so neither can drift from what the checks do. Pure: no I/O.
 */
import { ADO_SCOPES, includedPart, servicesOnlyProbe, type AzureDevOpsScope } from './azure-devops/scopes.js';
import { BITBUCKET_PERMISSIONS, type BitbucketPermission, type ProbeTarget } from './bitbucket/scopes.js';
import { CLASSIC_SCOPES, GITHUB_PERMISSIONS, type GitHubPermission } from './github/scopes.js';
import { GITLAB_SCOPES } from './gitlab/scopes.js';

/** `proven`: a read-only request, a request documented to write nothing, or the provider's own list of the token's scopes proves it. */
export type Proof = 'proven' | 'read-half' | 'included' | 'not-provable';

export interface ScopeRow {
  scope: string;
  name: string;
  proof: Proof;
  /** The request that proves it, or why nothing can. */
  how: string;
}

export interface ProviderScopes {
  provider: string;
  rows: ScopeRow[];
}

// --- Azure DevOps ---------------------------------------------------------------------------------

function adoRequest(s: AzureDevOpsScope): string {
  const p = s.probe!;
  const host = p.host === 'dev' ? 'dev.azure.com' : `${p.host}.dev.azure.com`;
  const project = { org: '', project: '{project}/', either: '[{project}/]' }[p.where];
  const at = p.apiVersion ? `, api-version ${p.apiVersion}${p.preview ? `-preview.${p.preview}` : ''}` : '';
  const only = servicesOnlyProbe(p) ? `${at}, Services only` : '';
  const org = p.org ? `, or without a project GET \`${host}/{org}/${p.org.path}\`` : '';
  const nothing = p.write ? ` (writes nothing: \`${p.write.noWrite}=true\`; without a project only \`${s.includes}\` is proven)` : '';
  return `${p.write?.method ?? 'GET'} \`${host}/{org}/${project}${p.path}\`${org}${nothing} ([reference](${p.doc})${only})`;
}

/** The nearest scope `s` includes (Microsoft's "Inherits from") that has a probe. */
function provenPart(s: AzureDevOpsScope): AzureDevOpsScope | undefined {
  const next = includedPart(s);
  return !next || next.probe ? next : provenPart(next);
}

function adoRow(s: AzureDevOpsScope): ScopeRow {
  const base = { scope: s.id, name: s.portal };
  if (s.probe) return { ...base, proof: 'proven', how: adoRequest(s) };
  const part = provenPart(s);
  const rest = s.unprovable ? `the rest is not provable: ${s.unprovable}` : 'the rest gates only writes';
  if (part?.probe?.write) return { ...base, proof: 'included', how: `through \`${part.id}\`, which it includes; ${rest}` };
  if (part) return { ...base, proof: 'read-half', how: `read half, through \`${part.id}\`; ${rest}` };
  const included = ADO_SCOPES.find((r) => r.id === s.includes);
  return { ...base, proof: 'not-provable', how: s.unprovable ?? included?.unprovable ?? 'no read-only request proves it' };
}

// --- GitHub ---------------------------------------------------------------------------------------

const GITHUB_LISTED = 'listed in the `X-OAuth-Scopes` header of the identity answer (classic PATs and OAuth tokens)';

function githubRows(p: GitHubPermission): ScopeRow[] {
  const request =
    p.probe === 'repository' ? 'GET `/repos/{owner}/{repo}`' : p.probe && `GET \`/${p.probe.replace('{repo}', 'repos/{owner}/{repo}')}\``;
  const why = p.note ?? 'no read-only request needs it';
  return p.levels.map((level) => {
    const base = { scope: `${p.name}:${level}`, name: `${p.label}: ${level}` };
    if (level === 'read') return { ...base, ...(request ? { proof: 'proven', how: request } : { proof: 'not-provable', how: why }) };
    if (!request) return { ...base, proof: 'not-provable', how: why };
    return { ...base, proof: 'read-half', how: `read level: ${request}; fine-grained write levels gate only writes` };
  });
}

// --- GitLab ---------------------------------------------------------------------------------------

/** Where GitLab cannot list the scopes (before 15.5, OAuth tokens): the read-only requests that prove them. */
const GITLAB_OLDER: Readonly<Record<string, string>> = {
  read_user: '; otherwise GET `/user`',
  read_api: '; otherwise GET `/projects/{project}` (or the membership list)',
  read_repository:
    '; otherwise, as Git does, GET `{project}.git/info/refs?service=git-upload-pack` with the token as Basic `oauth2:<token>`',
  read_registry:
    '; otherwise, as `docker pull` does, GET `/jwt/auth?service=container_registry&scope=repository:{project}:pull` with the token as Basic `oauth2:<token>`',
};

// --- Bitbucket ------------------------------------------------------------------------------------

const BITBUCKET_LISTED = 'listed in the `x-oauth-scopes` header when Bitbucket sends one';
const REPO = '/2.0/repositories/{workspace}/{repo}';
const BITBUCKET_REQUEST: Record<ProbeTarget, string> = {
  user: '/2.0/user',
  emails: '/2.0/user/emails',
  workspace: '/2.0/workspaces/{workspace}',
  repository: `${REPO} (or the workspace's repository list)`,
  repositories: '/2.0/repositories/{workspace}',
  projects: '/2.0/workspaces/{workspace}/projects',
  pullrequests: `${REPO}/pullrequests`,
  pipelines: `${REPO}/pipelines`,
  issues: `${REPO}/issues`,
  hooks: `${REPO}/hooks`,
  snippets: '/2.0/snippets?role=member',
  runners: `${REPO}/pipelines-config/runners`,
  'ssh-keys': '/2.0/users/{account}/ssh-keys',
  'gpg-keys': '/2.0/users/{account}/gpg-keys',
};

function bitbucketRow(p: BitbucketPermission): ScopeRow {
  const ids = [p.oauth, p.apiToken].filter(Boolean);
  const base = { scope: ids.join(' / '), name: p.portal };
  if (p.probe) return { ...base, proof: 'proven', how: `${BITBUCKET_LISTED}; otherwise GET \`${BITBUCKET_REQUEST[p.probe]}\`` };
  const why = p.why ?? 'it gates only changes (write, admin or delete), which this tool never sends';
  return { ...base, proof: 'not-provable', how: `${BITBUCKET_LISTED}; otherwise not: ${why}` };
}

// --- all ------------------------------------------------------------------------------------------

export function scopeCatalogue(): ProviderScopes[] {
  const gitlabHow = 'listed by `GET /personal_access_tokens/self` (`scopes`, GitLab 15.5 and later)';
  return [
    { provider: 'Azure DevOps', rows: ADO_SCOPES.map(adoRow) },
    {
      provider: 'GitHub',
      rows: [
        ...CLASSIC_SCOPES.map((id): ScopeRow => ({ scope: id, name: 'classic scope', proof: 'proven', how: GITHUB_LISTED })),
        ...GITHUB_PERMISSIONS.flatMap(githubRows),
      ],
    },
    {
      provider: 'GitLab',
      rows: GITLAB_SCOPES.map((s): ScopeRow => ({
        scope: s.id,
        name: s.grants,
        proof: 'proven',
        how: `${gitlabHow}${GITLAB_OLDER[s.id] ?? ''}`,
      })),
    },
    { provider: 'Bitbucket', rows: BITBUCKET_PERMISSIONS.map(bitbucketRow) },
  ];
}

/** `Azure DevOps 27/69, GitHub …`: proven / total per provider. */
export function coverageLine(catalogue: readonly ProviderScopes[] = scopeCatalogue()): string {
  return catalogue.map((p) => `${p.provider} ${p.rows.filter((r) => r.proof === 'proven').length}/${p.rows.length}`).join(', ');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');
const PROOF: Record<Proof, string> = {
  proven: 'proven',
  'read-half': 'read half only',
  included: 'included scope only',
  'not-provable': 'not provable',
};

/** docs/scopes.md. */
export function scopesPage(catalogue: readonly ProviderScopes[] = scopeCatalogue()): string {
  const sections = catalogue.map((p) => {
    const rows = p.rows.map((r) => `| \`${cell(r.scope)}\` | ${cell(r.name)} | ${PROOF[r.proof]} | ${cell(r.how)} |`);
    return [
      `## ${p.provider}`,
      '',
      '<!-- prettier-ignore-start -->',
      '| Scope | Name | Proof | How, or why not |',
      '| --- | --- | --- | --- |',
      ...rows,
      '<!-- prettier-ignore-end -->',
    ].join('\n');
  });
  return `# Scopes: what is proven and how

Every scope of every provider, and how the online check proves it: with a read-only request (the
request is named), with a request the provider documents as writing nothing (Azure DevOps' work item
\`validateOnly=true\`), from the provider's own list of the token's scopes, only its read half or
another scope it includes (write, execute and manage levels gate requests that change something,
which this tool never sends), or not at all, and why. Which scope includes which follows each
provider's own scope table (Azure DevOps: Microsoft's "Inherits from" column). Coverage (proven /
total): ${coverageLine(catalogue)}.

This page is generated from the providers' scope tables by \`node scripts/scopes-table.mjs\`; a unit
test checks that it is current.

${sections.join('\n\n')}
`;
}
