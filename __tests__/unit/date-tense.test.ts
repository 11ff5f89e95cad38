/**
 * Sentences about a date say it in the tense of the clock they run with: the global PAT end
 * (2026-12-01) and the Azure DevOps issuer retirement (2027-07-01) — "stop" before, "stopped" after.
 */
import { describe, expect, it } from '@jest/globals';
import { entraFromGitHubInputs } from '../../src/core/entra/source.js';
import { retiringIssuer } from '../../src/core/entra/messages.js';
import { identityFinding } from '../../src/core/providers/azure-devops/messages.js';
import type { HttpOutcome } from '../../src/core/http/client.js';
import type { TokenAnalysis } from '../../src/core/providers/types.js';

const at = (iso: string): Date => new Date(`${iso}T12:00:00Z`);

describe('the global PAT end, in a plain 401', () => {
  const target = { services: true, base: 'https://dev.azure.com/fabrikam', org: 'fabrikam' };
  const token = { provider: 'azure-devops', kind: 'azure-devops.pat', label: 'PAT', findings: [], facts: {} } as unknown as TokenAnalysis;
  const said = (now: Date): string =>
    identityFinding({ kind: 'rejected', typeKey: 'UnauthorizedRequestException' }, {} as HttpOutcome, target, token, now).message;

  it.each([
    ['2026-11-30', 'those stop working on 2026-12-01'],
    ['2026-12-01', 'those stopped working on 2026-12-01'],
    ['2027-03-01', 'those stopped working on 2026-12-01'],
  ])('on %s: "%s"', (day, words) => {
    expect(said(at(day))).toContain(`global ("all accessible organizations") PAT: ${words}`);
  });
});

describe('the Azure DevOps issuer retirement', () => {
  const claims = {
    iss: 'https://vstoken.dev.azure.com/00000000-0000-0000-0000-000000000001',
    sub: 'sc://o/p/c',
    aud: [],
    exp: undefined,
    issuerKind: 'azure-devops' as const,
  };

  const credential = entraFromGitHubInputs('11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222', {});

  it.each([
    ['2027-06-30', 'which Microsoft retires on 2027-07-01.'],
    ['2027-07-01', 'which Microsoft retired on 2027-07-01.'],
  ])('on %s: "%s"', (day, words) => {
    expect(retiringIssuer(claims, credential, at(day)).message).toContain(words);
  });
});
