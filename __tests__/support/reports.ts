/** A hand-made report for renderer tests: every field set, overridable. */
import type { Report } from '../../src/core/report.js';

export function report(over: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    outcome: 'passed',
    provider: 'azure-devops',
    tokenKind: 'azure-devops.pat',
    tokenLabel: 'Azure DevOps personal access token (84-character format)',
    url: { input: 'https://dev.azure.com/fabrikam', normalized: 'https://dev.azure.com/fabrikam' },
    identity: { name: 'Chuck Reinhart', id: 'x' },
    project: { requested: 'Fabrikam-Fiber', canonical: 'Fabrikam-Fiber' },
    scopes: {
      required: ['vso.code', 'vso.build', 'vso.code_write'],
      verified: ['vso.code'],
      missing: ['vso.build'],
      unverifiable: ['vso.code_write'],
    },
    expiresAt: '2027-03-31T23:59:59.000Z',
    expirySource: 'input',
    daysRemaining: 129,
    findings: [],
    timings: { totalMs: 41.2 },
    ...over,
  };
}
