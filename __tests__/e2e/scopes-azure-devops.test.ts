/**
 * Every Azure DevOps scope probe through the CLI bundle, against the local emulator (Server shape on
 * 127.0.0.1, where every area is on the collection URL): one CLI run per scope set, not per scope.
 * Granted (200), denied (401) and refused (403: a permission, not a scope) for each probe, the no-write
 * POST (Work Items "Create" with validateOnly=true) included, and nothing is ever written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADO_SCOPES, servicesOnlyProbe } from '../../src/core/providers/azure-devops/scopes.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle } from '../support/run-bundle.js';
import { azureDevOpsPat, leaks } from '../support/tokens.js';

const NOW = new Date();
const ALL = azureDevOpsPat(NOW, 0, 'FAKEx0CLIx0ALLx0SCOPESx0REAL');
const NONE = azureDevOpsPat(NOW, 0, 'FAKEx0CLIx0NOx0SCOPESx0REAL');
const user = { id: '00000000-fa4e-7e57-0000-0000000000a6', displayName: 'Scope Bundle', uniqueName: 'FABRIKAM\\scopes' };
const probed = ADO_SCOPES.filter((s) => s.probe);
/** Probes Azure DevOps Server has (Audit Log and Member Entitlement Management are Services-only). */
const ON_SERVER = probed.filter((s) => !servicesOnlyProbe(s.probe!)).map((s) => s.id);
const SERVICES_ONLY = probed.filter((s) => servicesOnlyProbe(s.probe!)).map((s) => s.id);
/** Every probe route but the Services-only ones (emulator route ids). */
const REFUSED_ROUTES = [
  ...['teams', 'favorites', 'identities', 'secureFiles', 'taskGroups', 'wikis', 'testPlans', 'analytics', 'widgetTypes'],
  ...['environments', 'installedExtensions', 'deploymentGroups', 'notificationSettings', 'permissionsReports', 'symbolAvailability'],
  'workItemCreate',
];
let emu: AzureDevOpsEmulator;

beforeAll(async () => {
  emu = await startAzureDevOpsEmulator({
    mode: 'server',
    apiVersionCeiling: '7.1', // Azure DevOps Server 2022.x
    organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000601', name: 'Fabrikam-Fiber' }] }],
    tokens: {
      [ALL]: { user, organizations: ['fabrikam'], scopes: probed.map((s) => s.id) },
      [NONE]: { user, organizations: ['fabrikam'], scopes: [] },
    },
  });
});
afterAll(async () => emu.close());

interface Case {
  name: string;
  token: string;
  refused?: readonly string[];
  exit: number;
  scopes: { verified: string[]; missing: string[]; unverifiable: string[] };
}

const cases: Case[] = [
  {
    name: 'granted: every probe proves its scope',
    token: ALL,
    exit: 0,
    scopes: { verified: ON_SERVER, missing: [], unverifiable: SERVICES_ONLY },
  },
  {
    name: 'denied (401): every scope missing',
    token: NONE,
    exit: 1,
    scopes: { verified: [], missing: ON_SERVER, unverifiable: SERVICES_ONLY },
  },
  {
    name: 'refused (403): unverifiable, never missing',
    token: ALL,
    refused: REFUSED_ROUTES,
    exit: 0,
    scopes: {
      verified: [
        'vso.work',
        'vso.code',
        'vso.build',
        'vso.release',
        'vso.packaging',
        'vso.graph',
        'vso.agentpools',
        'vso.serviceendpoint',
        'vso.variablegroups_read',
      ],
      missing: [],
      unverifiable: [],
    },
  },
];

describe('CLI bundle: every Azure DevOps scope probe', () => {
  it.each(cases)('$name', async (c) => {
    emu.clearLog();
    emu.options.refusedRoutes = c.refused ?? [];
    const env = baseEnv({ NODE_EXTRA_CA_CERTS: caFile, AZURE_DEVOPS_PAT: c.token });
    const args = ['--provider', 'azure-devops', '--url', emu.collectionUrl('fabrikam'), '--project', 'Fabrikam-Fiber', '--format', 'json'];
    const run = await runBundle('cli', [...args, '--required-scopes', probed.map((s) => s.id).join(',')], env);
    const report = JSON.parse(run.stdout) as { scopes: Case['scopes'] };
    const expected = { ...c.scopes };
    // A refused probe's scope is unverifiable; every other one is as listed.
    if (c.refused) expected.unverifiable = probed.map((s) => s.id).filter((id) => !expected.verified.includes(id));
    expect(report.scopes).toMatchObject(expected);
    expect(run.code).toBe(c.exit);
    expect(leaks(run.stdout + run.stderr, c.token)).toEqual([]);
    // The one POST validated a work item and saved nothing.
    expect(emu.requests.filter((q) => q.method === 'POST').map((q) => q.query.validateOnly)).toEqual(['true']);
    expect(emu.writes).toEqual([]);
  });
});

/**
 * The Services-only probes (their host or their api-version is not on Server), through the CLI bundle
 * against the emulator as Azure DevOps Services: a local forward proxy sends dev.azure.com and every
 * *.dev.azure.com name to it, so each probe goes to the host its reference documents.
 */
describe('CLI bundle: the Services-only Azure DevOps probes', () => {
  let services: AzureDevOpsEmulator;
  let proxy: ForwardProxy;
  const SERVICES_ROUTES = ['auditActions', 'userEntitlementSummary', 'advsecEnablement', 'githubConnections'];
  beforeAll(async () => {
    services = await startAzureDevOpsEmulator({
      mode: 'services',
      organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000602', name: 'Fabrikam-Fiber' }] }],
      tokens: {
        // Project and Team: Read for the project lookup; otherwise only the scopes under test.
        [ALL]: { user, organizations: ['fabrikam'], scopes: [...SERVICES_ONLY, 'vso.project'] },
        [NONE]: { user, organizations: ['fabrikam'], scopes: [] },
      },
    });
    proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: services.port }) });
  });
  afterAll(async () => {
    await proxy.close();
    await services.close();
  });

  const servicesCases = [
    { name: 'granted: each proves its scope', token: ALL, refused: [], exit: 0, verified: SERVICES_ONLY, missing: [], unverifiable: [] },
    { name: 'denied (401): each missing', token: NONE, refused: [], exit: 1, verified: [], missing: SERVICES_ONLY, unverifiable: [] },
    {
      name: 'refused (403): each unverifiable',
      token: ALL,
      refused: SERVICES_ROUTES,
      exit: 0,
      verified: [],
      missing: [],
      unverifiable: SERVICES_ONLY,
    },
  ];
  it.each(servicesCases)('$name', async (c) => {
    services.clearLog();
    services.options.refusedRoutes = c.refused;
    const env = baseEnv({ NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: proxy.url, AZURE_DEVOPS_PAT: c.token });
    const args = [
      '--provider',
      'azure-devops',
      '--url',
      'https://dev.azure.com/fabrikam',
      '--project',
      'Fabrikam-Fiber',
      '--format',
      'json',
    ];
    const run = await runBundle('cli', [...args, '--required-scopes', SERVICES_ONLY.join(',')], env);
    const report = JSON.parse(run.stdout) as { scopes: Case['scopes'] };
    expect(report.scopes).toMatchObject({ verified: c.verified, missing: c.missing, unverifiable: c.unverifiable });
    const errors = (JSON.parse(run.stdout) as { findings: { code: string; severity: string; message: string }[] }).findings
      .filter((f) => f.severity === 'error')
      .map((f) => `${f.code}: ${f.message}`);
    expect([run.code, c.exit ? [] : errors]).toEqual([c.exit, []]);
    expect(leaks(run.stdout + run.stderr, c.token)).toEqual([]);
    // Each on the host its reference documents, with a GET.
    const hosts = services.requests.filter((q) => !q.path.endsWith('/connectionData') && !q.path.includes('/_apis/projects/'));
    expect(new Set(hosts.map((q) => q.host))).toEqual(
      new Set(['auditservice.dev.azure.com', 'vsaex.dev.azure.com', 'advsec.dev.azure.com', 'dev.azure.com']),
    );
    expect(services.requests.every((q) => q.method === 'GET')).toBe(true);
  });
});

describe('CLI bundle: required scopes that are not Azure DevOps scopes, online', () => {
  interface Json {
    scopes: Case['scopes'] & { required: string[] };
    findings: { code: string; severity: string; message: string; hint: string }[];
  }
  const scopeFindings = (r: Json) => r.findings.filter((f) => f.code.startsWith('scope.'));

  it('the same diagnosis as offline (code, owning provider, closest scope), once, with no probe for them', async () => {
    emu.clearLog();
    emu.options.refusedRoutes = [];
    const env = baseEnv({ NODE_EXTRA_CA_CERTS: caFile, AZURE_DEVOPS_PAT: ALL });
    const args = [
      '--provider',
      'azure-devops',
      '--url',
      emu.collectionUrl('fabrikam'),
      '--format',
      'json',
      '--required-scopes',
      'repo, vso.code, frobnicate',
    ];
    const [online, offline] = await Promise.all([runBundle('cli', args, env), runBundle('cli', [...args, '--offline'], env)]);
    const [on, off] = [JSON.parse(online.stdout) as Json, JSON.parse(offline.stdout) as Json];
    const unknown = on.findings.filter((f) => f.code === 'scope.unknown');
    expect(unknown.map((f) => f.message)).toEqual([
      'Required scope "repo" is a GitHub scope, not an Azure DevOps one.',
      'Required scope "frobnicate" is not an Azure DevOps PAT scope.',
    ]);
    expect(unknown[0]!.hint).toContain("Azure DevOps's closest scope, vso.code_write");
    expect(unknown).toEqual(off.findings.filter((f) => f.code === 'scope.unknown'));
    expect(scopeFindings(on).filter((f) => f.code === 'scope.unverifiable')).toEqual([]);
    expect(on.scopes).toMatchObject({ verified: ['vso.code'], missing: [], unverifiable: [] });
    // Only vso.code was probed: no request names the other two.
    expect(emu.requests.length).toBeGreaterThan(1);
    expect(emu.requests.map((q) => q.path).join('\n')).not.toMatch(/repo\b(?!s)|frobnicate/i);
    expect(online.code).toBe(1);
    expect(leaks(online.stdout + online.stderr, ALL)).toEqual([]);
  });
});
