/** The service principal's access level: when it is asked, how its entitlement is read, what is said. */
import { describe, expect, it } from '@jest/globals';
import type { HttpOutcome } from '../../src/core/http/client.js';
import { accessLevelFinding, accessLevelUrl, readAccessLevel } from '../../src/core/providers/azure-devops/access-level.js';
import type { TokenAnalysis } from '../../src/core/providers/types.js';

const services = { services: true, base: 'https://dev.azure.com/fabrikam', org: 'fabrikam' };
const server = { services: false, base: 'https://tfs.example/DefaultCollection', org: 'DefaultCollection' };
const token = (kind: string, facts: Record<string, string>): TokenAnalysis => ({
  provider: 'azure-devops',
  kind,
  label: '',
  findings: [],
  facts,
});
const app = token('azure-devops.entra', { idtyp: 'app', azp: 'c' });

const answer = (status: number, body: unknown): HttpOutcome =>
  ({ kind: 'response', status, url: 'u', headers: {}, body: JSON.stringify(body), isJson: true, json: body }) as unknown as HttpOutcome;

describe('accessLevelUrl', () => {
  it('asks vsaex for the principal itself, for Entra application tokens on Services only', () => {
    expect(accessLevelUrl(services, app, 'id 1')).toBe(
      'https://vsaex.dev.azure.com/fabrikam/_apis/serviceprincipalentitlements/id%201?api-version=7.1-preview.1',
    );
    // Without idtyp (an optional claim): no user name but an app id still means an application.
    expect(accessLevelUrl(services, token('azure-devops.entra', { appid: 'c' }), 'x')).toBeDefined();
    expect(accessLevelUrl(services, token('azure-devops.entra', { idtyp: 'user', identity: 'a@b' }), 'x')).toBeUndefined();
    expect(accessLevelUrl(services, token('azure-devops.entra', { identity: 'a@b', azp: 'c' }), 'x')).toBeUndefined();
    expect(accessLevelUrl(services, token('azure-devops.pat84', {}), 'x')).toBeUndefined();
    expect(accessLevelUrl(server, app, 'x')).toBeUndefined();
    expect(accessLevelUrl(services, app, undefined)).toBeUndefined();
  });
});

describe('readAccessLevel and accessLevelFinding', () => {
  const level = (license: string, display?: string): HttpOutcome =>
    answer(200, { accessLevel: { accountLicenseType: license, ...(display ? { licenseDisplayName: display } : {}) } });

  it('Stakeholder (or no licence) is an error naming the setting; Basic and above say nothing', () => {
    const f = accessLevelFinding(readAccessLevel(level('stakeholder', 'Stakeholder')), services, 'sp-deploy');
    expect(f).toMatchObject({ code: 'entra.access-level', severity: 'error' });
    expect(f!.message).toContain('sp-deploy');
    expect(f!.message).toContain('Stakeholder');
    expect(f!.hint).toBe(
      'In https://dev.azure.com/fabrikam/_settings/users (Organization settings → Users), select the service principal → Change access level → Basic.',
    );
    expect(accessLevelFinding(readAccessLevel(level('none')), services, 'x')?.message).toContain('access level none');
    for (const ok of ['express', 'advanced', 'professional'])
      expect(accessLevelFinding(readAccessLevel(level(ok)), services, 'x')).toBeUndefined();
  });

  it('an answer that is not a readable entitlement says nothing (the principal may not be allowed to read it)', () => {
    for (const r of [
      answer(403, { message: 'no' }),
      answer(404, {}),
      answer(200, { accessLevel: {} }),
      answer(200, { accessLevel: 'x' }),
      undefined,
    ])
      expect(readAccessLevel(r)).toBeUndefined();
    expect(accessLevelFinding(undefined, services, 'x')).toBeUndefined();
  });
});
