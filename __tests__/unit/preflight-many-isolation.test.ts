/**
 * With several credentials, one credential's crash (an exception inside its check) is that row's
 * `unverified` finding; the other rows are still checked and reported. Offline checks: no sockets.
 */
import { describe, expect, it } from '@jest/globals';
import { parseCredentialsConfig } from '../../src/core/config.js';
import { planChecks, runPreflightMany, type Plan } from '../../src/core/preflight-many.js';
import { azureDevOpsPat, githubPat } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = { now: () => NOW, monotonic: () => 0 };

function plan(): Plan {
  const parsed = parseCredentialsConfig(
    'credentials:\n  - name: ado\n    token-env: A\n    url: https://dev.azure.com/fabrikam\n  - name: broken\n    token-env: B\n    provider: github\n  - name: gh\n    token-env: C\n    provider: github\n',
    'c.yml',
    NOW,
  );
  const env = { A: azureDevOpsPat(NOW), B: githubPat('FAKEx0ROWx0CRASHx0NOTxREAL'), C: githubPat() };
  const p = planChecks(parsed.config!, env, { offline: true });
  // A bug inside one check: reading its token type throws (as an unexpected answer shape could).
  Object.defineProperty(p.checks[1]!.request, 'tokenType', {
    get() {
      throw new TypeError(`Cannot read properties of undefined (reading 'name')`);
    },
  });
  return p;
}

describe('one crashing credential among several', () => {
  it("becomes that row's unverified finding while the others are checked and reported", async () => {
    const multi = await runPreflightMany(plan(), deps, { config: 'c.yml' });
    expect(multi.credentials.map((c) => [c.name, c.report.outcome])).toEqual([
      ['ado', 'passed'],
      ['broken', 'unverified'],
      ['gh', 'passed'],
    ]);
    const crashed = multi.credentials[1]!.report;
    expect(crashed.findings.map((f) => [f.code, f.severity])).toEqual([['network.unexpected-response', 'error']]);
    expect(crashed.findings[0]!.message).toContain("stopped on an internal error (Cannot read properties of undefined (reading 'name'))");
    expect(crashed.findings[0]!.hint).toMatch(/report this bug/);
    expect(multi.outcome).toBe('unverified');
    expect(multi.credentials[0]!.report.tokenKind).toBe('azure-devops.pat');
  });
});
