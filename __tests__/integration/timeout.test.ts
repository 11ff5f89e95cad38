/**
 * `timeout-seconds`: the user's budget for the online checks. It is parsed like every other input,
 * bounds the HTTP client's overall deadline (and caps the per-request timeout), and a server that
 * never answers ends as network.timeout within it — never a verdict on the token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runPreflight, type PreflightDeps } from '../../src/core/preflight.js';
import { resolveRequest } from '../../src/core/request.js';
import { planChecks } from '../../src/core/preflight-many.js';
import { parseCredentialsConfig } from '../../src/core/config.js';
import { fabrikamProjects, startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { loadNetworkStack } from '../../src/core/http/load.js';
import { azureDevOpsPat } from '../support/tokens.js';

const NOW = new Date();
const TOKEN = azureDevOpsPat(NOW, 0, 'FAKEx0TIMEOUTx0PATx0NOTxREAL');
let emu: AzureDevOpsEmulator;

beforeAll(async () => {
  // The HTTP client's deadline starts when it is created and the network stack loads within it
  // (about 14 ms in a bundle; under jest, compiling undici can take longer than this file's 1 s
  // budget): loaded here, so the budget measures the server.
  await loadNetworkStack();
  emu = await startAzureDevOpsEmulator({
    mode: 'services',
    organizations: [{ name: 'fabrikam', projects: fabrikamProjects() }],
    tokens: {
      [TOKEN]: {
        user: { id: '00000000-fa4e-7e57-0000-0000000000c1', displayName: 'Timeout Tester', uniqueName: 'timeout@example.invalid' },
        organizations: ['fabrikam'],
        scopes: 'full',
      },
    },
  });
});
afterAll(async () => emu.close());

describe('timeout-seconds', () => {
  it('defaults to 30 s and accepts 1 to 600 seconds; anything else is config.invalid', () => {
    expect(resolveRequest({}, {}).request.timeoutMs).toBe(30_000);
    expect(resolveRequest({ timeoutSeconds: '2.5' }, {}).request.timeoutMs).toBe(2500);
    for (const bad of ['0', '601', 'soon', '-5', '1e3']) {
      const { findings } = resolveRequest({ timeoutSeconds: bad }, {});
      expect(findings.map((f) => [f.code, f.severity])).toEqual([['config.invalid', 'error']]);
      expect(findings[0]!.message).toContain('timeout-seconds');
    }
  });

  it('a server that never answers ends as network.timeout within the configured budget, not the 10 s per-request default', async () => {
    const hang = emu.fault({ type: 'hang' }, { times: Infinity });
    const dispatcher = emulatorDispatcher(emu);
    // No `http` override: the budget comes from the request alone, as on every front end.
    const deps: PreflightDeps = { now: () => NOW, monotonic: () => performance.now(), dispatcher };
    const { request } = resolveRequest(
      { provider: 'azure-devops', token: TOKEN, url: 'https://dev.azure.com/fabrikam', timeoutSeconds: '1' },
      {},
    );
    try {
      const report = await runPreflight(request, deps);
      expect(report.outcome).toBe('unverified');
      const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
      expect(errors).toEqual(['network.timeout']);
      expect(report.identity).toBeNull();
      // The one request that hung was not retried: a retry cannot fit in what is left of 1 s.
      expect(emu.requests.filter((r) => r.path.endsWith('/_apis/connectionData'))).toHaveLength(1);
      expect(report.timings.totalMs).toBeLessThan(10_000);
    } finally {
      hang.cancel();
      await dispatcher.destroy();
    }
  });

  it("a credentials file entry keeps its own timeout; entries without one take the step's", () => {
    const parsed = parseCredentialsConfig(
      'credentials:\n  - { name: a, token-env: A_PAT, provider: azure-devops, url: https://dev.azure.com/a, timeout-seconds: 5 }\n  - { name: b, token-env: B_PAT, provider: azure-devops, url: https://dev.azure.com/b }\n',
      'c.yml',
      NOW,
    );
    expect(parsed.findings).toEqual([]);
    const plan = planChecks(parsed.config!, { A_PAT: TOKEN, B_PAT: TOKEN }, { timeoutSeconds: '12' });
    expect(plan.checks.map((c) => c.request.timeoutMs)).toEqual([5000, 12_000]);
  });
});
