/**
 * Every Azure DevOps scope probe against the local emulator (Services host names routed by the
 * injected dispatcher): each answers granted and denied the way Azure DevOps does, a 403 is not a
 * missing scope, every request is a read-only GET with only the documented query or a POST carrying its
 * documented no-write parameter (and nothing is ever written), and all probes still go out in one
 * round trip after the identity.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agent } from 'undici';
import type { Report } from '../../src/core/report.js';
import type { RawInputs } from '../../src/core/request.js';
import { azureDevOpsOnline } from '../../src/core/providers/azure-devops/online.js';
import { ADO_SCOPES, includedPart, type AzureDevOpsScope } from '../../src/core/providers/azure-devops/scopes.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { findingText, onlineDeps, preflight } from '../support/online.js';
import { azureDevOpsPat } from '../support/tokens.js';

const NOW = new Date();
const ALL = azureDevOpsPat(NOW, 0, 'FAKEx0ALLx0SCOPESx0NOTxREAL');
const NONE = azureDevOpsPat(NOW, 0, 'FAKEx0NOx0SCOPESx0NOTxREAL');
const user = { id: '00000000-fa4e-7e57-0000-0000000000a5', displayName: 'Scope Tester', uniqueName: 'scopes@fabrikam.example' };
const PROBED = ADO_SCOPES.filter((s) => s.probe).map((s) => s.id);
const ORG_LEVEL = ADO_SCOPES.filter((s) => s.probe && (s.probe.where !== 'project' || s.probe.org)).map((s) => s.id);
const PROJECT_ONLY = ADO_SCOPES.filter((s) => s.probe?.where === 'project' && !s.probe.org).map((s) => s.id);
/** Query parameters a probe may carry: versions, paging and read filters, nothing that could write. */
const READ_QUERY = new Set(['api-version', '$top', '$select', '$scope', 'select', 'identityIds']);
/** Each non-GET probe's method and documented no-write parameter, by path. */
const NO_WRITE = new Map(
  ADO_SCOPES.filter((s) => s.probe?.write).map((s) => [
    s.probe!.path.split('?')[0]!,
    { method: s.probe!.write!.method, param: s.probe!.write!.noWrite },
  ]),
);

let emu: AzureDevOpsEmulator;
let dispatcher: Agent;

beforeAll(async () => {
  emu = await startAzureDevOpsEmulator({
    mode: 'services',
    organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000301', name: 'Fabrikam-Fiber' }] }],
    tokens: {
      [ALL]: { user, organizations: ['fabrikam'], scopes: PROBED },
      [NONE]: { user, organizations: ['fabrikam'], scopes: [] },
    },
  });
  dispatcher = emu.dispatcher();
});
afterEach(() => {
  emu.clearFaults();
  emu.options.refusedRoutes = [];
});
afterAll(async () => {
  await dispatcher.close();
  await emu.close();
});

const check = (inputs: RawInputs): Promise<Report> =>
  preflight({ provider: 'azure-devops', url: 'https://dev.azure.com/fabrikam', ...inputs }, onlineDeps(NOW, dispatcher));

describe('Azure DevOps scope probes', () => {
  it('proves every probed scope in one round trip after the identity, writing nothing', async () => {
    emu.clearLog();
    // Hold every answer after the identity's until all are in: a client that waited for one probe
    // before sending the next cannot pass the ordering checks below.
    emu.fault({ type: 'barrier', count: PROBED.length + 1 }, { path: /^(?!.*\/_apis\/connectionData$)/ });
    const r = await check({ token: ALL, project: 'Fabrikam-Fiber', requiredScopes: PROBED.join(', ') });
    expect(r.scopes).toEqual({ required: PROBED, verified: PROBED, missing: [], unverifiable: [] });
    expect(r.outcome).toBe('passed');
    const [identity, ...second] = emu.requests;
    expect(second).toHaveLength(PROBED.length + 1); // the project lookup and one probe per scope
    expect(Math.max(...second.map((q) => q.seq))).toBeLessThanOrEqual(Math.min(...second.map((q) => q.requestsSeenAtAnswer!)));
    expect(Math.min(...second.map((q) => q.seq))).toBeGreaterThan(identity!.requestsSeenAtAnswer!);
    // Read-only: every request a GET with no query but versions, paging and read filters, or the
    // documented method of a no-write probe with its no-write parameter set to true.
    const noWrite = (path: string) => [...NO_WRITE].find(([p]) => path.endsWith(`/Fabrikam-Fiber/${p}`))?.[1];
    for (const q of emu.requests) {
      const w = noWrite(q.path);
      expect([q.path, q.method, w ? q.query[w.param] : undefined]).toEqual([q.path, w?.method ?? 'GET', w ? 'true' : undefined]);
      expect([q.path, Object.keys(q.query).filter((k) => k !== w?.param && !READ_QUERY.has(k))]).toEqual([q.path, []]);
    }
    expect(emu.requests.filter((q) => q.method !== 'GET')).toHaveLength(NO_WRITE.size);
    expect(emu.writes).toEqual([]);
    // Each to a host the credential may go to.
    const origins = azureDevOpsOnline.credentialOrigins({
      input: null,
      normalized: 'https://dev.azure.com/fabrikam',
      deployment: 'services',
      organization: 'fabrikam',
      findings: [],
    });
    expect(emu.requests.filter((q) => !origins.includes(`https://${q.host}`))).toEqual([]);
  });

  it("sends each probe with exactly its documented query: the catalogue's own, its api-version, nothing else", async () => {
    emu.clearLog();
    await check({ token: ALL, project: 'Fabrikam-Fiber', requiredScopes: PROBED.join(', ') });
    for (const s of ADO_SCOPES.filter((x) => x.probe)) {
      const p = s.probe!;
      const [path, search] = p.path.split('?') as [string, string | undefined];
      const query: Record<string, string> = Object.fromEntries(new URLSearchParams((search ?? '').replace('{self}', user.id)));
      const version = p.apiVersion ?? '7.1';
      if (!p.noApiVersion) query['api-version'] = p.preview ? `${version}-preview.${p.preview}` : version;
      const sent = emu.requests.filter((q) => q.path.endsWith(`/${path}`));
      expect([s.id, sent.map((q) => q.query)]).toEqual([s.id, [query]]);
    }
  });

  it('proves Agent Pools: Read & Manage through Environment or Deployment Groups, which include it; their refusal proves nothing', async () => {
    const r = await check({ token: ALL, project: 'Fabrikam-Fiber', requiredScopes: 'vso.agentpools_manage' });
    expect(r.scopes).toEqual({ required: ['vso.agentpools_manage'], verified: ['vso.agentpools_manage'], missing: [], unverifiable: [] });
    const onlyPools = azureDevOpsPat(NOW, 0, 'FAKEx0POOLSx0ONLYx0NOTxREAL');
    emu.options.tokens![onlyPools] = { user, organizations: ['fabrikam'], scopes: ['vso.agentpools_manage'] };
    const pools = await check({ token: onlyPools, project: 'Fabrikam-Fiber', requiredScopes: 'vso.agentpools_manage' });
    expect(pools.scopes!.unverifiable).toEqual(['vso.agentpools_manage']);
    expect(findingText(pools, 'scope.unverifiable')).toContain('what it includes, vso.agentpools (Agent Pools: Read), is confirmed');
    // Without a project neither including probe can be sent: the read half only.
    const orgOnly = await check({ token: ALL, requiredScopes: 'vso.agentpools_manage' });
    expect(orgOnly.scopes!.unverifiable).toEqual(['vso.agentpools_manage']);
  });

  it('calls each scope missing when its probe is denied (401)', async () => {
    const r = await check({ token: NONE, project: 'Fabrikam-Fiber', requiredScopes: PROBED.join(', ') });
    expect(r.scopes).toEqual({ required: PROBED, verified: [], missing: PROBED, unverifiable: [] });
    for (const id of PROBED) expect(findingText(r, 'scope.missing')).toContain(`The token lacks ${id}:`);
  });

  it('does not call a 403 (permission, policy, plan) a missing scope', async () => {
    emu.options.refusedRoutes = ['auditActions', 'permissionsReports', 'userEntitlementSummary'];
    const required = ['vso.auditlog', 'vso.security_manage', 'vso.memberentitlementmanagement', 'vso.wiki'];
    const r = await check({ token: ALL, project: 'Fabrikam-Fiber', requiredScopes: required.join(', ') });
    expect(r.scopes).toEqual({ required, verified: ['vso.wiki'], missing: [], unverifiable: required.slice(0, 3) });
    expect(findingText(r, 'scope.unverifiable')).toMatch(/refused its probe with 403/);
  });

  it('proves only what a scope includes when it has no probe of its own, and says why the rest cannot be', async () => {
    // The nearest scope each includes that has a probe; User Profile: Read, which many areas' scopes
    // include, proves nothing of theirs (includedPart).
    const proven = (s: AzureDevOpsScope): AzureDevOpsScope | undefined => {
      const next = includedPart(s);
      return !next || next.probe ? next : proven(next);
    };
    // Agent Pools: Read & Manage is proven in full by a scope that includes it (its own test below).
    const halves = ADO_SCOPES.filter((s) => !s.probe && proven(s) && s.id !== 'vso.agentpools_manage').map((s) => s.id);
    const none = ADO_SCOPES.filter((s) => !s.probe && !proven(s));
    const r = await check({ token: ALL, project: 'Fabrikam-Fiber', requiredScopes: [...halves, ...none.map((s) => s.id)].join(', ') });
    expect(r.scopes!.unverifiable).toEqual([...halves, ...none.map((s) => s.id)]);
    const text = findingText(r, 'scope.unverifiable');
    for (const id of halves) {
      const s = ADO_SCOPES.find((x) => x.id === id)!;
      const inc = proven(s)!;
      expect(text).toContain(`${id} (${s.portal}) cannot be proven without writing`);
      expect(text).toContain(`; what it includes, ${inc.id} (${inc.portal}), is confirmed.`);
    }
    for (const s of none) expect(text).toMatch(new RegExp(`${s.id.replace(/\./g, '\\.')} \\(.*\\) could not be verified: `));
  });

  it('proves Work Items: Read, Write & Manage only as far as the no-write probe of Read & Write it includes', async () => {
    emu.clearLog();
    const r = await check({ token: ALL, project: 'Fabrikam-Fiber', requiredScopes: 'vso.work_full' });
    expect(r.scopes).toEqual({ required: ['vso.work_full'], verified: [], missing: [], unverifiable: ['vso.work_full'] });
    expect(findingText(r, 'scope.unverifiable')).toContain('what it includes, vso.work_write (Work Items: Read & Write), is confirmed');
    expect(emu.requests.filter((q) => q.method === 'POST').map((q) => q.query.validateOnly)).toEqual(['true']);
    const none = await check({ token: NONE, project: 'Fabrikam-Fiber', requiredScopes: 'vso.work_full, vso.work_write' });
    expect(none.scopes!.missing).toEqual(['vso.work_full', 'vso.work_write']);
    expect(findingText(none, 'scope.missing')).toContain('the no-write probe for Work Items: Read & Write was denied');
    expect(emu.writes).toEqual([]);
  });

  it('without a project, proves only the read half of Work Items: Read & Write, and says a project would prove it', async () => {
    emu.clearLog();
    const r = await check({ token: ALL, requiredScopes: 'vso.work_write' });
    expect(r.scopes!.unverifiable).toEqual(['vso.work_write']);
    expect(findingText(r, 'scope.unverifiable')).toContain(
      'vso.work_write (Work Items: Read & Write) was not proven: its probe needs a project: pass `project`; what it includes, vso.work (Work Items: Read), is confirmed.',
    );
    expect(emu.requests.map((q) => q.method)).not.toContain('POST');
  });

  it('probes at the organisation level without a project, in the project otherwise', async () => {
    emu.clearLog();
    const r = await check({ token: ALL, requiredScopes: PROBED.join(', ') });
    expect(r.scopes!.verified).toEqual(ORG_LEVEL);
    expect(r.scopes!.unverifiable).toEqual(PROJECT_ONLY);
    expect(findingText(r, 'scope.unverifiable')).toContain('its probe needs a project');
    expect(emu.requests.filter((q) => q.path.includes('Fabrikam-Fiber'))).toEqual([]);
    // Work items and builds have an organisation-wide twin of their project-level probe.
    expect(emu.requests.map((q) => q.path)).toEqual(
      expect.arrayContaining(['/fabrikam/_apis/wit/workitemrelationtypes', '/fabrikam/_apis/build/resourceusage']),
    );
    emu.clearLog();
    await check({ token: ALL, project: 'Fabrikam-Fiber', requiredScopes: 'vso.wiki, vso.analytics' });
    expect(emu.requests.map((q) => `${q.host}${q.path}`).slice(2)).toEqual(
      expect.arrayContaining([
        'dev.azure.com/fabrikam/Fabrikam-Fiber/_apis/wiki/wikis',
        'analytics.dev.azure.com/fabrikam/Fabrikam-Fiber/_odata/v4.0-preview/Projects',
      ]),
    );
  });
});
