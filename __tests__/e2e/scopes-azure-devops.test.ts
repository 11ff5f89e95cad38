/**
 * Every Azure DevOps scope probe through the CLI bundle, against the local emulator (Server shape on
 * 127.0.0.1, where every area is on the collection URL): one CLI run per scope set, not per scope.
 * Granted (200), denied (401) and refused (403: a permission, not a scope) for each probe, the no-write
 * POST (Work Items "Create" with validateOnly=true) included, and nothing is ever written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADO_SCOPES, servicesOnlyProbe } from '../../src/core/providers/azure-devops/scopes.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
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
