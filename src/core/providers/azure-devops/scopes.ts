/**
 * Azure DevOps PAT scopes: ids, the portal's names for them, and how (if at all) each is proven.
 * A PAT cannot list its own scopes, so a scope is proven by one cheap request that needs exactly it:
 * the REST reference names the scopes each operation accepts (https://learn.microsoft.com/rest/api/azure/devops/,
 * generated from MicrosoftDocs/vsts-rest-api-specs `specification/<area>/7.1/*.json`). A request that
 * also accepts another scope proves neither. Read scopes are proven with a GET. Write, execute and
 * manage scopes gate requests that change something, which this tool never sends; one is proven only
 * where the reference documents a request that writes nothing (Work Items "Create" with
 * `validateOnly=true`). Otherwise only what it includes is proven. A manage scope whose area has no
 * read scope (Environment, Deployment Groups, Security) is the one scope its GETs need, so a granted
 * GET proves all of it.
 * `includes` is Microsoft's scope table ("Inherits from",
 * https://learn.microsoft.com/azure/devops/integrate/get-started/authentication/oauth#scopes), verbatim
 * but for the no-longer-public service hooks scopes and `user_impersonation` (not a PAT scope), which the
 * catalogue does not list.
 */
export type AzureDevOpsHost =
  | 'dev'
  | 'vssps'
  | 'vsrm'
  | 'feeds'
  | 'vsaex'
  | 'auditservice'
  | 'extmgmt'
  | 'analytics'
  | 'artifacts'
  /** advsec.dev.azure.com: GitHub Advanced Security for Azure DevOps (Services only). */
  | 'advsec'
  /** app.vssps.visualstudio.com: profiles and accounts, outside any organisation (Services only). */
  | 'app';

/** The Services hosts probes use besides the organisation's own (`{host}.dev.azure.com`): the token goes to these alone. */
export const SERVICE_HOSTS: readonly Exclude<AzureDevOpsHost, 'dev'>[] = [
  'vssps',
  'vsrm',
  'feeds',
  'vsaex',
  'auditservice',
  'extmgmt',
  'analytics',
  'artifacts',
  'advsec',
];

/** Hosts of areas Azure DevOps Server does not have (on Server every other area is on the collection URL). */
export const SERVICES_ONLY_HOSTS: ReadonlySet<AzureDevOpsHost> = new Set(['vsaex', 'auditservice', 'advsec', 'app']);

/**
 * Hosts without an organisation: they have historically refused organisation-scoped PATs whatever
 * their scopes (MicrosoftDocs/vsts-rest-api-specs#166, MethodsAndPractices/vsteam#507), and global
 * PATs stopped working on 2026-12-01, so a 401 there never proves a scope missing.
 */
export const ORGLESS_HOSTS: ReadonlySet<AzureDevOpsHost> = new Set(['app']);

export interface ScopeProbe {
  host: AzureDevOpsHost;
  /**
   * Path below the organisation (or the project, see `where`), with its query; `{self}` is the
   * token's own identity id from the first round trip.
   */
  path: string;
  /** `project`: needs one; `either`: in the project when one is given, organisation-wide otherwise. */
  where: 'org' | 'project' | 'either';
  /** Preview resource version: api-version `{version}-preview.{n}`; absent: the GA version. */
  preview?: number;
  /** A project-level probe's organisation-wide twin, sent when no project is given (same scope, same host). */
  org?: { path: string; preview?: number };
  /**
   * A request that writes nothing instead of a GET: `noWrite` is the documented query parameter that
   * makes it so (a test checks it is in `path` as `{noWrite}=true`); `body` is sent as `contentType`.
   */
  write?: { method: 'POST'; noWrite: string; body: string; contentType: string };
  /**
   * The api-version the reference documents the operation at, when it is newer than the one the check
   * uses elsewhere (7.1): only Azure DevOps Services serves it, so Server reports the scope unverifiable.
   */
  apiVersion?: string;
  /** OData: the version is in the path, not in `api-version`. */
  noApiVersion?: boolean;
  /** The operation documents a 200 without a body. */
  emptyBody?: boolean;
  /** The public page that documents the request and the scope it needs. */
  doc: string;
}

export interface AzureDevOpsScope {
  id: string;
  /** The portal's checkbox, as shown on the "New personal access token" page. */
  portal: string;
  /** The scope this one includes (Microsoft's scope table, "Inherits from"); a token without it lacks this one too. */
  includes?: string;
  probe?: ScopeProbe;
  /** Why no request proves it (for a scope without a probe of its own). */
  unprovable?: string;
}

const REST = 'https://learn.microsoft.com/rest/api/azure/devops';
/** Many areas' scopes include User Profile: Read; proving it proves nothing of theirs. */
export const PROFILE = 'vso.profile';
const NODE_API = 'https://github.com/microsoft/azure-devops-node-api/blob/master/api/TaskAgentApiBase.ts';

/** A read-only probe: host, path, where, api-version details, documentation. */
const P = (host: AzureDevOpsHost, path: string, where: ScopeProbe['where'], doc: string, more: Partial<ScopeProbe> = {}): ScopeProbe => ({
  host,
  path,
  where,
  doc,
  ...more,
});
const S = (id: string, portal: string, probe?: ScopeProbe, includes?: string, unprovable?: string): AzureDevOpsScope => ({
  id,
  portal,
  ...(probe ? { probe } : {}),
  ...(includes ? { includes } : {}),
  ...(unprovable ? { unprovable } : {}),
});
/** A write / execute / manage scope without a request of its own that writes nothing: what it includes is proven instead. */
const W = (id: string, portal: string, includes: string, why?: string): AzureDevOpsScope => S(id, portal, undefined, includes, why);
/** A scope no request proves, and why. */
const U = (id: string, portal: string, why: string, includes?: string): AzureDevOpsScope => S(id, portal, undefined, includes, why);
/** A read scope proven by its own GET that also includes User Profile: Read (Microsoft's table), which proves nothing of it. */
const R = (id: string, portal: string, probe: ScopeProbe): AzureDevOpsScope => S(id, portal, probe, PROFILE);

const NO_WRITE_PROBE = 'every request that needs it writes something, and none documents a mode that writes nothing';
/** Work Items "Create" with validateOnly: "Indicate if you only want to validate the changes without saving the work item". */
const VALIDATE_ONLY_BODY = JSON.stringify([
  { op: 'add', path: '/fields/System.Title', value: 'credential-preflight scope probe (validateOnly)' },
]);
const ANALYTICS_DOC = 'https://learn.microsoft.com/azure/devops/report/extend-analytics/odata-query-guidelines';

export const ADO_SCOPES: readonly AzureDevOpsScope[] = [
  S(
    'vso.work',
    'Work Items: Read',
    P('dev', '_apis/wit/workitemtypes', 'project', `${REST}/wit/work-item-types/list`, {
      org: { path: '_apis/wit/workitemrelationtypes' },
    }),
  ),
  // Validates a new Task without saving it: Task is a type of every system process (Basic, Agile, Scrum, CMMI).
  S(
    'vso.work_write',
    'Work Items: Read & Write',
    P('dev', '_apis/wit/workitems/$Task?validateOnly=true', 'project', `${REST}/wit/work-items/create`, {
      write: { method: 'POST', noWrite: 'validateOnly', body: VALIDATE_ONLY_BODY, contentType: 'application/json-patch+json' },
    }),
    'vso.work',
  ),
  W('vso.work_full', 'Work Items: Read, Write & Manage', 'vso.work_write'),
  S('vso.code', 'Code: Read', P('dev', '_apis/git/repositories', 'either', `${REST}/git/repositories/list`)),
  W('vso.code_write', 'Code: Read & Write', 'vso.code'),
  W('vso.code_manage', 'Code: Read, Write & Manage', 'vso.code_write'),
  W('vso.code_full', 'Code: Full', 'vso.code_manage'),
  // Microsoft's table: Code (status) inherits nothing; the status reads also accept vso.code.
  U('vso.code_status', 'Code: Status', 'its only reads (commit and pull request statuses) accept Code: Read as well'),
  S(
    'vso.build',
    'Build: Read',
    P('dev', '_apis/build/definitions?$top=1', 'project', `${REST}/build/definitions/list`, {
      org: { path: '_apis/build/resourceusage', preview: 2 },
    }),
  ),
  W(
    'vso.build_execute',
    'Build: Read & Execute',
    'vso.build',
    // Pipelines "Preview" (POST _apis/pipelines/{id}/preview) writes nothing but accepts vso.build (spec 7.1).
    "its one request that writes nothing, a pipeline's preview run, accepts Build: Read as well, so it cannot prove execute; every other request that needs it queues or changes something",
  ),
  R('vso.release', 'Release: Read', P('vsrm', '_apis/release/definitions?$top=1', 'project', `${REST}/release/definitions/list`)),
  W('vso.release_execute', 'Release: Read, Write & Execute', 'vso.release'),
  W('vso.release_manage', 'Release: Read, Write, Execute & Manage', 'vso.release_execute'),
  R('vso.packaging', 'Packaging: Read', P('feeds', '_apis/packaging/feeds', 'either', `${REST}/artifacts/feed-management/get-feeds`)),
  W('vso.packaging_write', 'Packaging: Read & Write', 'vso.packaging'),
  W('vso.packaging_manage', 'Packaging: Read, Write & Manage', 'vso.packaging_write'),
  // Not `_apis/projects`: that list accepts vso.profile as well, so it proves neither.
  S('vso.project', 'Project and Team: Read', P('dev', '_apis/teams?$top=1', 'org', `${REST}/core/teams/get-all-teams`, { preview: 3 })),
  W('vso.project_write', 'Project and Team: Read & Write', 'vso.project'),
  W('vso.project_manage', 'Project and Team: Read, Write & Manage', 'vso.project_write'),
  S('vso.graph', 'Graph: Read', P('vssps', '_apis/graph/users', 'org', `${REST}/graph/users/list`, { preview: 1 })),
  W('vso.graph_manage', 'Graph: Read & Manage', 'vso.graph'),
  S('vso.identity', 'Identity: Read', P('vssps', '_apis/identities?identityIds={self}', 'org', `${REST}/ims/identities/read-identities`)),
  W('vso.identity_manage', 'Identity: Read & Manage', 'vso.identity'),
  // On the organisation's own host: app.vssps.visualstudio.com refuses organisation-scoped PATs.
  S(
    'vso.profile',
    'User Profile: Read',
    P('dev', '_apis/favorite/favorites', 'org', `${REST}/favorite/favorites/get-favorites`, { preview: 1 }),
  ),
  W('vso.profile_write', 'User Profile: Read & Write', 'vso.profile'),
  S('vso.agentpools', 'Agent Pools: Read', P('dev', '_apis/distributedtask/pools', 'org', `${REST}/distributedtask/pools/get-agent-pools`)),
  // What registering a self-hosted agent (config.sh / config.cmd) needs; see docs/providers/azure-devops.md.
  W(
    'vso.agentpools_manage',
    'Agent Pools: Read & Manage',
    'vso.agentpools',
    "its requests register, change or remove agents and pools, and none documents a mode that writes nothing; with a project, a granted Environment or Deployment Groups probe proves it in full (both include it in Microsoft's table)",
  ),
  R(
    'vso.serviceendpoint',
    'Service Connections: Read',
    P('dev', '_apis/serviceendpoint/endpoints', 'project', `${REST}/serviceendpoint/endpoints/get-service-endpoints`),
  ),
  W(
    'vso.serviceendpoint_query',
    'Service Connections: Read & Query',
    'vso.serviceendpoint',
    'its requests query the service behind a saved service connection, whose id the check is not given',
  ),
  W('vso.serviceendpoint_manage', 'Service Connections: Read, Query & Manage', 'vso.serviceendpoint_query'),
  S(
    'vso.variablegroups_read',
    'Variable Groups: Read',
    P('dev', '_apis/distributedtask/variablegroups', 'project', `${REST}/distributedtask/variablegroups/get-variable-groups`),
  ),
  W('vso.variablegroups_write', 'Variable Groups: Read & Create', 'vso.variablegroups_read'),
  W('vso.variablegroups_manage', 'Variable Groups: Read, Create & Manage', 'vso.variablegroups_write'),
  // Secure files are missing from the REST reference; Microsoft's own client documents the route.
  S('vso.securefiles_read', 'Secure Files: Read', P('dev', '_apis/distributedtask/securefiles', 'project', NODE_API, { preview: 1 })),
  W('vso.securefiles_write', 'Secure Files: Read & Create', 'vso.securefiles_read'),
  W('vso.securefiles_manage', 'Secure Files: Read, Create & Manage', 'vso.securefiles_write'),
  S(
    'vso.taskgroups_read',
    'Task Groups: Read',
    P('dev', '_apis/distributedtask/taskgroups', 'project', `${REST}/distributedtask/taskgroups/list`),
  ),
  W('vso.taskgroups_write', 'Task Groups: Read & Create', 'vso.taskgroups_read'),
  W('vso.taskgroups_manage', 'Task Groups: Read, Create & Manage', 'vso.taskgroups_write'),
  S('vso.wiki', 'Wiki: Read', P('dev', '_apis/wiki/wikis', 'either', `${REST}/wiki/wikis/list`)),
  W('vso.wiki_write', 'Wiki: Read & Write', 'vso.wiki'),
  R('vso.test', 'Test Management: Read', P('dev', '_apis/testplan/plans', 'project', `${REST}/testplan/test-plans/list`)),
  W('vso.test_write', 'Test Management: Read & Write', 'vso.test'),
  S(
    'vso.analytics',
    'Analytics: Read',
    P('analytics', '_odata/v4.0-preview/Projects?$select=ProjectName&$top=1', 'either', ANALYTICS_DOC, { noApiVersion: true }),
  ),
  S('vso.auditlog', 'Audit Log: Read', P('auditservice', '_apis/audit/actions', 'org', `${REST}/audit/actions/list`, { preview: 1 })),
  // Microsoft's table: Audit Streams includes Audit Log: Read, which is what reading streams needs.
  W('vso.auditstreams_manage', 'Audit Streams: Read & Manage', 'vso.auditlog'),
  S(
    'vso.dashboards',
    'Team Dashboard: Read',
    P('dev', '_apis/dashboard/widgettypes?$scope=project_Team', 'project', `${REST}/dashboard/widget-types/get-widget-types`, {
      preview: 1,
    }),
  ),
  W('vso.dashboards_manage', 'Team Dashboard: Read & Manage', 'vso.dashboards'),
  S(
    'vso.environment_manage',
    'Environment: Read & Manage',
    P('dev', '_apis/distributedtask/environments?$top=1', 'project', `${REST}/distributedtask/environments/list`),
    'vso.agentpools_manage',
  ),
  R(
    'vso.extension',
    'Extensions: Read',
    P('extmgmt', '_apis/extensionmanagement/installedextensions', 'org', `${REST}/extensionmanagement/installed-extensions/list`, {
      preview: 1,
    }),
  ),
  // "Installed Extensions - Get By Name" needs vso.extension_manage alone (spec 7.1), but only with a
  // publisher's and an extension's name, which would come from the Extensions: Read probe's answer:
  // a third round trip, and the check sends every probe in its second.
  W(
    'vso.extension_manage',
    'Extensions: Read & Manage',
    'vso.extension',
    "its one read (an installed extension by name) needs a publisher's and an extension's name, which only another probe's answer would give, a round trip more than the check sends",
  ),
  U('vso.extension.data', 'Extension Data: Read', "its reads are inside one named extension's data, which the check is not given", PROFILE),
  W('vso.extension.data_write', 'Extension Data: Read & Write', 'vso.extension.data'),
  S(
    'vso.machinegroup_manage',
    'Deployment Groups: Read & Manage',
    P('dev', '_apis/distributedtask/deploymentgroups?$top=1', 'project', `${REST}/distributedtask/deploymentgroups/list`),
    'vso.agentpools_manage',
  ),
  S(
    'vso.memberentitlementmanagement',
    'Member Entitlement Management: Read',
    P('vsaex', '_apis/userentitlementsummary?select=Licenses', 'org', `${REST}/memberentitlementmanagement/user-entitlement-summary/get`),
  ),
  W(
    'vso.memberentitlementmanagement_write',
    'Member Entitlement Management: Read & Write',
    'vso.memberentitlementmanagement',
    "its one request that writes nothing, a group rule's test run, needs a group, which the check is not given",
  ),
  R('vso.notification', 'Notifications: Read', P('dev', '_apis/notification/settings', 'org', `${REST}/notification/settings/get`)),
  W('vso.notification_write', 'Notifications: Read & Write', 'vso.notification'),
  W('vso.notification_manage', 'Notifications: Read, Write & Manage', 'vso.notification_write'),
  W(
    'vso.notification_diagnostics',
    'Notifications: Diagnostics',
    'vso.notification',
    'its reads need the id of a subscription or of a diagnostic log entry, which the check is not given',
  ),
  // Approvals and check configurations are read with Build: Read; only deciding on them needs these.
  U('vso.pipelineresources_use', 'Pipeline Resources: Use', 'no read needs it (it gates approving checks); ' + NO_WRITE_PROBE),
  U(
    'vso.pipelineresources_manage',
    'Pipeline Resources: Use & Manage',
    'no read needs it (it gates pipeline permissions and checks); ' + NO_WRITE_PROBE,
    'vso.pipelineresources_use',
  ),
  S(
    'vso.security_manage',
    'Security: Manage',
    P('dev', '_apis/permissionsreport', 'org', `${REST}/permissionsreport/permissions-report/list`),
  ),
  R(
    'vso.symbols',
    'Symbols: Read',
    P('artifacts', '_apis/symbol/availability', 'org', `${REST}/symbol/availability/check-availability`, { emptyBody: true }),
  ),
  W('vso.symbols_write', 'Symbols: Read & Write', 'vso.symbols'),
  W('vso.symbols_manage', 'Symbols: Read, Write & Manage', 'vso.symbols_write'),
  U(
    'vso.threads_full',
    'Pull Request Threads: Read & Write',
    'its reads (pull request threads) accept Code: Read as well; ' + NO_WRITE_PROBE,
  ),
  U(
    'vso.tokenadministration',
    'Token Administration: Read & Manage',
    "its one read lists another user's tokens and needs administrator rights as well, so a refusal would not be about the scope",
  ),
  U('vso.tokens', 'Tokens: Read & Manage', 'the PAT lifecycle API accepts only Microsoft Entra tokens, never a PAT'),
  // Advanced Security (advancedSecurity/7.2/management.json): "Org Enablement - Get" needs vso.advsec alone.
  S(
    'vso.advsec',
    'Advanced Security: Read',
    P('advsec', '_apis/management/enablement', 'org', `${REST}/advancedsecurity/org-enablement/get?view=azure-devops-rest-7.2`, {
      preview: 3,
      apiVersion: '7.2',
    }),
  ),
  W(
    'vso.advsec_write',
    'Advanced Security: Read & Write',
    'vso.advsec',
    'its requests change alerts or upload analyses, and none documents a mode that writes nothing',
  ),
  W(
    'vso.advsec_manage',
    'Advanced Security: Read, Write & Manage',
    'vso.advsec_write',
    'its requests turn Advanced Security on or off (billed) or delete analyses, and none documents a mode that writes nothing',
  ),
  // wit/7.2/workItemTracking.json: "Github Connections - Get Github Connections" needs vso.githubconnections alone.
  S(
    'vso.githubconnections',
    'GitHub Connections: Read',
    P('dev', '_apis/githubconnections', 'project', `${REST}/wit/github-connections/get-github-connections?view=azure-devops-rest-7.2`, {
      preview: 1,
      apiVersion: '7.2',
    }),
  ),
  W(
    'vso.githubconnections_manage',
    'GitHub Connections: Read & Manage',
    'vso.githubconnections',
    "its one request adds or removes a connection's repositories, and it documents no mode that writes nothing",
  ),
  U('vso.settings', 'Settings: Read', 'the REST reference documents no request that needs it'),
  U('vso.settings_write', 'Settings: Read & Write', 'the REST reference documents no request that needs it', 'vso.settings'),
  U('vso.entitlements', 'Entitlements: Read', 'the REST reference documents no request that needs it (licensing entitlements)'),
  U(
    'vso.connected_server',
    'Connected Server',
    'it is for an on-premises connected server, and the REST reference documents no request that needs it',
  ),
  U('vso.gallery', 'Marketplace: Read', 'the Marketplace API is not in the REST reference, so no documented request needs it', PROFILE),
  W(
    'vso.gallery_acquire',
    'Marketplace: Acquire',
    'vso.gallery',
    'acquiring an item is a write, and the Marketplace API is not in the REST reference',
  ),
  W(
    'vso.gallery_publish',
    'Marketplace: Publish',
    'vso.gallery',
    'publishing is a write, and the Marketplace API is not in the REST reference',
  ),
  W(
    'vso.gallery_manage',
    'Marketplace: Manage',
    'vso.gallery_publish',
    'managing items and publishers is a write, and the Marketplace API is not in the REST reference',
  ),
];

/** Whether a probe can only be sent to Azure DevOps Services: its host, or its api-version, is not on Server. */
export const servicesOnlyProbe = (probe: ScopeProbe): boolean => SERVICES_ONLY_HOSTS.has(probe.host) || probe.apiVersion !== undefined;

const BY_ID = new Map(ADO_SCOPES.map((s) => [s.id, s]));
/** "Work Items: Read & Write", "work items: read and write", "Work Items (Read & Write)" → one key. */
const portalKey = (text: string): string =>
  text
    .toLowerCase()
    .replace(/\band\b/g, '&')
    .replace(/[^a-z&,]+/g, '');
const BY_PORTAL = new Map(ADO_SCOPES.map((s) => [portalKey(s.portal), s]));

/** A scope id or portal name as users write it; undefined when unknown. */
export function findAzureDevOpsScope(text: string): AzureDevOpsScope | undefined {
  const t = text.trim();
  return BY_ID.get(t.toLowerCase()) ?? BY_ID.get(`vso.${t.toLowerCase()}`) ?? BY_PORTAL.get(portalKey(t));
}

export function azureDevOpsScopeById(id: string): AzureDevOpsScope | undefined {
  return BY_ID.get(id);
}

/**
 * The scope `s` includes whose proof counts as part of its own: User Profile: Read, which many areas'
 * scopes include, proves nothing of another area's scope.
 */
export function includedPart(s: AzureDevOpsScope): AzureDevOpsScope | undefined {
  if (!s.includes || (s.includes === PROFILE && !s.id.startsWith(`${PROFILE}_`))) return undefined;
  return BY_ID.get(s.includes);
}
