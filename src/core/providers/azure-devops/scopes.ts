/**
 * Azure DevOps PAT scopes: ids, the portal's names for them, and how (if at all) each is proven.
 * A PAT cannot list its own scopes, so a read scope is proven by one cheap GET in its area; write,
 * execute and manage scopes only gate mutating methods, so a GET proves only their read half.
 */
export type AzureDevOpsHost = 'dev' | 'vssps' | 'vsrm' | 'feeds' | 'app.vssps';

export interface ScopeProbe {
  host: AzureDevOpsHost;
  /** Path below the organisation / collection URL; `{project}` is replaced (percent-encoded). */
  path: string;
  apiVersion?: string;
}

export interface AzureDevOpsScope {
  id: string;
  /** The portal's checkbox, as shown on the "New personal access token" page. */
  portal: string;
  /** The read scope this one includes (write/execute/manage scopes include their read scope). */
  impliesRead?: string;
  probe?: ScopeProbe;
}

const S = (id: string, portal: string, probe?: ScopeProbe, impliesRead?: string): AzureDevOpsScope => ({ id, portal, probe, impliesRead });

export const ADO_SCOPES: readonly AzureDevOpsScope[] = [
  S('vso.work', 'Work Items: Read', { host: 'dev', path: '{project}/_apis/wit/workitemtypes' }),
  S('vso.work_write', 'Work Items: Read & Write', undefined, 'vso.work'),
  S('vso.work_full', 'Work Items: Read, Write & Manage', undefined, 'vso.work'),
  S('vso.code', 'Code: Read', { host: 'dev', path: '{project}/_apis/git/repositories' }),
  S('vso.code_write', 'Code: Read & Write', undefined, 'vso.code'),
  S('vso.code_manage', 'Code: Read, Write & Manage', undefined, 'vso.code'),
  S('vso.code_full', 'Code: Full', undefined, 'vso.code'),
  S('vso.code_status', 'Code: Status', undefined, 'vso.code'),
  S('vso.build', 'Build: Read', { host: 'dev', path: '{project}/_apis/build/definitions?$top=1' }),
  S('vso.build_execute', 'Build: Read & Execute', undefined, 'vso.build'),
  S('vso.release', 'Release: Read', { host: 'vsrm', path: '{project}/_apis/release/definitions?$top=1' }),
  S('vso.release_execute', 'Release: Read, Write & Execute', undefined, 'vso.release'),
  S('vso.release_manage', 'Release: Read, Write, Execute & Manage', undefined, 'vso.release'),
  S('vso.packaging', 'Packaging: Read', { host: 'feeds', path: '{project}/_apis/packaging/feeds' }),
  S('vso.packaging_write', 'Packaging: Read & Write', undefined, 'vso.packaging'),
  S('vso.packaging_manage', 'Packaging: Read, Write & Manage', undefined, 'vso.packaging'),
  S('vso.project', 'Project and Team: Read', { host: 'dev', path: '_apis/projects?$top=1' }),
  S('vso.project_write', 'Project and Team: Read & Write', undefined, 'vso.project'),
  S('vso.project_manage', 'Project and Team: Read, Write & Manage', undefined, 'vso.project'),
  S('vso.graph', 'Graph: Read', { host: 'vssps', path: '_apis/graph/users', apiVersion: '7.1-preview.1' }),
  S('vso.graph_manage', 'Graph: Read & Manage', undefined, 'vso.graph'),
  S('vso.identity', 'Identity: Read'),
  S('vso.identity_manage', 'Identity: Read & Manage', undefined, 'vso.identity'),
  S('vso.profile', 'User Profile: Read', { host: 'app.vssps', path: '_apis/profile/profiles/me' }),
  S('vso.profile_write', 'User Profile: Read & Write', undefined, 'vso.profile'),
  S('vso.agentpools', 'Agent Pools: Read', { host: 'dev', path: '_apis/distributedtask/pools' }),
  S('vso.agentpools_manage', 'Agent Pools: Read & Manage', undefined, 'vso.agentpools'),
  S('vso.serviceendpoint', 'Service Connections: Read', { host: 'dev', path: '{project}/_apis/serviceendpoint/endpoints' }),
  S('vso.serviceendpoint_query', 'Service Connections: Read & Query', undefined, 'vso.serviceendpoint'),
  S('vso.serviceendpoint_manage', 'Service Connections: Read, Query & Manage', undefined, 'vso.serviceendpoint'),
  S('vso.variablegroups_read', 'Variable Groups: Read', { host: 'dev', path: '{project}/_apis/distributedtask/variablegroups' }),
  S('vso.variablegroups_write', 'Variable Groups: Read & Create', undefined, 'vso.variablegroups_read'),
  S('vso.variablegroups_manage', 'Variable Groups: Read, Create & Manage', undefined, 'vso.variablegroups_read'),
  S('vso.securefiles_read', 'Secure Files: Read'),
  S('vso.securefiles_write', 'Secure Files: Read & Create', undefined, 'vso.securefiles_read'),
  S('vso.securefiles_manage', 'Secure Files: Read, Create & Manage', undefined, 'vso.securefiles_read'),
  S('vso.taskgroups_read', 'Task Groups: Read'),
  S('vso.taskgroups_write', 'Task Groups: Read & Create', undefined, 'vso.taskgroups_read'),
  S('vso.taskgroups_manage', 'Task Groups: Read, Create & Manage', undefined, 'vso.taskgroups_read'),
  S('vso.wiki', 'Wiki: Read'),
  S('vso.wiki_write', 'Wiki: Read & Write', undefined, 'vso.wiki'),
  S('vso.test', 'Test Management: Read'),
  S('vso.test_write', 'Test Management: Read & Write', undefined, 'vso.test'),
  S('vso.analytics', 'Analytics: Read'),
  S('vso.auditlog', 'Audit Log: Read'),
  S('vso.auditstreams_manage', 'Audit Streams: Read & Manage'),
  S('vso.dashboards', 'Team Dashboard: Read'),
  S('vso.dashboards_manage', 'Team Dashboard: Read & Manage', undefined, 'vso.dashboards'),
  S('vso.environment_manage', 'Environment: Read & Manage'),
  S('vso.extension', 'Extensions: Read'),
  S('vso.extension_manage', 'Extensions: Read & Manage', undefined, 'vso.extension'),
  S('vso.extension.data', 'Extension Data: Read'),
  S('vso.extension.data_write', 'Extension Data: Read & Write', undefined, 'vso.extension.data'),
  S('vso.machinegroup_manage', 'Deployment Groups: Read & Manage'),
  S('vso.memberentitlementmanagement', 'Member Entitlement Management: Read'),
  S('vso.memberentitlementmanagement_write', 'Member Entitlement Management: Read & Write', undefined, 'vso.memberentitlementmanagement'),
  S('vso.notification', 'Notifications: Read'),
  S('vso.notification_write', 'Notifications: Read & Write', undefined, 'vso.notification'),
  S('vso.notification_manage', 'Notifications: Read, Write & Manage', undefined, 'vso.notification'),
  S('vso.notification_diagnostics', 'Notifications: Diagnostics'),
  S('vso.pipelineresources_use', 'Pipeline Resources: Use'),
  S('vso.pipelineresources_manage', 'Pipeline Resources: Use & Manage'),
  S('vso.security_manage', 'Security: Manage'),
  S('vso.symbols', 'Symbols: Read'),
  S('vso.symbols_write', 'Symbols: Read & Write', undefined, 'vso.symbols'),
  S('vso.symbols_manage', 'Symbols: Read, Write & Manage', undefined, 'vso.symbols'),
  S('vso.threads_full', 'Pull Request Threads: Read & Write'),
  S('vso.tokenadministration', 'Token Administration: Read & Manage'),
  S('vso.tokens', 'Tokens: Read & Manage'),
];

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
