import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseCredentialsConfig } from '../../src/core/config.js';
import { runPreflight } from '../../src/core/preflight.js';
import {
  combinedOutcome,
  inputsBesideConfig,
  planChecks,
  rowsWorstFirst,
  runPreflightMany,
  soonestExpiry,
  stepOverrides,
} from '../../src/core/preflight-many.js';
import { decideOutcome, finding, type Finding, type Report, type Outcome } from '../../src/core/report.js';
import { resolveRequest } from '../../src/core/request.js';
import { secretForms } from '../../src/core/secrets.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { caPem } from '../emulators/tls.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = { now: () => NOW, monotonic: () => 0 };
const config = (text: string) => {
  const r = parseCredentialsConfig(text, 'c.yml', NOW);
  if (!r.config) throw new Error(JSON.stringify(r.findings));
  return r.config;
};

describe('planning the checks', () => {
  it('reads each token from the variable its entry names, with every secret form collected for masking', () => {
    const a = azureDevOpsPat(NOW, 0, 'FAKEx0MANYx0ONEx0NOTxREAL');
    const b = githubPat('FAKEx0MANYx0TWOx0NOTxREAL');
    const plan = planChecks(
      config(
        'credentials:\n  - name: ado\n    token-env: A_PAT\n    username: me\n  - name: gh\n    token-env: B_TOKEN\n    provider: github\n',
      ),
      { A_PAT: a, B_TOKEN: b },
    );
    expect(plan.checks.map((c) => [c.name, c.request.token, c.request.tokenSource, c.request.tokenOrigin])).toEqual([
      ['ado', a, 'environment variable A_PAT', { variable: 'A_PAT', named: true }],
      ['gh', b, 'environment variable B_TOKEN', { variable: 'B_TOKEN', named: true }],
    ]);
    for (const form of [...secretForms(a, 'me'), ...secretForms(b)]) expect(plan.secrets).toContain(form);
  });

  it('builds each request exactly as resolveRequest does for the same inputs', () => {
    const env = { T: azureDevOpsPat(NOW), AZURE_DEVOPS_PROJECT: 'FromEnv' };
    const plan = planChecks(
      config(
        'credentials:\n  - token-env: T\n    url: https://dev.azure.com/fabrikam/\n    required-scopes: [vso.code, "Build: Read"]\n    min-days-remaining: 30\n    expires-on: 2027-01-31\n',
      ),
      env,
    );
    const direct = resolveRequest(
      {
        token: env.T,
        url: 'https://dev.azure.com/fabrikam/',
        requiredScopes: 'vso.code\nBuild: Read',
        minDaysRemaining: '30',
        expiresOn: '2027-01-31',
        failOnWarning: 'false',
      },
      env,
    );
    // Where the token was read from is set after resolveRequest, as the CLI sets it for --token-env.
    const read = { tokenSource: undefined, tokenOrigin: undefined };
    expect({ ...plan.checks[0]!.request, ...read }).toEqual({ ...direct.request, ...read });
  });

  it('applies step-level offline and fail-on-warning to every entry (they only make checks stricter)', () => {
    const c = config('credentials:\n  - token-env: A\n  - token-env: B\n    offline: false\n');
    const plan = planChecks(c, {}, { offline: true, failOnWarning: true });
    expect(plan.checks.map((x) => [x.request.offline, x.request.failOnWarning])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(planChecks(config('fail-on-warning: true\ncredentials:\n  - token-env: A\n'), {}).checks[0]!.request.failOnWarning).toBe(true);
  });

  it('checks the step-level settings once, and applies min-days-remaining and timeout-seconds to every entry that sets none', () => {
    const step = stepOverrides({ offline: 'true', failOnWarning: 'yes', timeoutSeconds: '45', minDaysRemaining: '20' });
    expect(step.findings).toEqual([]);
    const plan = planChecks(
      config('credentials:\n  - token-env: A\n  - token-env: B\n    min-days-remaining: 3\n    timeout-seconds: 5\n'),
      {},
      step.overrides,
    );
    expect(plan.checks.map((x) => [x.request.offline, x.request.failOnWarning, x.request.minDaysRemaining, x.request.timeoutMs])).toEqual([
      [true, true, 20, 45_000],
      [true, true, 3, 5_000],
    ]);
    const bad = stepOverrides({ offline: 'maybe', failOnWarning: '', timeoutSeconds: '0', minDaysRemaining: 'soon' });
    expect(bad.findings.map((f) => [f.code, f.severity])).toEqual([
      ['config.invalid', 'error'],
      ['config.invalid', 'error'],
      ['config.invalid', 'error'],
    ]);
    expect(bad.findings.map((f) => f.message.split(' ')[0])).toEqual(['`min-days-remaining`', '`timeout-seconds`', '`offline`']);
  });

  it('refuses single-credential inputs next to config', () => {
    expect(inputsBesideConfig([])).toEqual([]);
    const [f] = inputsBesideConfig(['token', 'url']);
    expect(f).toMatchObject({ code: 'config.invalid', severity: 'error' });
    expect(f!.message).toContain('`token`, `url` cannot be combined with `config`');
    expect(inputsBesideConfig(['--url'], '--config')[0]!.message).toContain('`--url` cannot be combined with `--config`');
  });
});

describe('one outcome rule', () => {
  const severity = fc.constantFrom<Finding['severity']>('error', 'warning', 'info');
  const code = fc.constantFrom('token.expired', 'network.timeout', 'scope.unverifiable', 'token.info');
  const row = fc.array(
    fc.record({ code, severity }).map((f) => finding(f.code as Finding['code'], f.severity, 'm', 'h')),
    { maxLength: 4 },
  );
  const RANK: Record<Outcome, number> = { failed: 0, unverified: 1, warned: 2, passed: 3 };

  it('the combined outcome is the worst row, for any rows and either fail-on-warning', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), fc.boolean(), (rows, fow) => {
        const reports = rows.map((findings) => ({ findings, outcome: decideOutcome(findings, fow) }) as Report);
        const worst = reports.map((r) => r.outcome).sort((a, b) => RANK[a] - RANK[b])[0];
        expect(combinedOutcome([], reports, fow)).toBe(worst);
      }),
    );
  });

  it('a file error fails the step and nothing is checked', async () => {
    const parsed = parseCredentialsConfig('credentials: []\n', 'c.yml', NOW);
    const multi = await runPreflightMany(undefined, deps, { config: 'c.yml', findings: parsed.findings });
    expect(multi).toMatchObject({ schemaVersion: 1, outcome: 'failed', config: 'c.yml', credentials: [] });
    expect(multi.findings.map((f) => f.code)).toEqual(['config.file']);
  });
});

describe('offline rows', () => {
  it('one report per credential, identical to single mode, combined as the worst', async () => {
    const good = azureDevOpsPat(NOW);
    const ageing = azureDevOpsPat(NOW, 12, 'FAKEx0MANYx0OLDx0NOTxREAL');
    const typo = githubPat().slice(0, -1) + 'x';
    const c = config(
      `defaults:\n  offline: true\ncredentials:\n  - name: good\n    token-env: GOOD\n    url: https://dev.azure.com/fabrikam\n  - name: ageing\n    token-env: AGEING\n    url: https://dev.azure.com/fabrikam\n    min-days-remaining: 30\n  - name: typo\n    token-env: TYPO\n    provider: github\n  - name: unset\n    token-env: NOT_SET\n`,
    );
    const plan = planChecks(c, { GOOD: good, AGEING: ageing, TYPO: typo });
    const multi = await runPreflightMany(plan, deps, { config: 'c.yml' });
    expect(multi.credentials.map((r) => [r.name, r.tokenEnv, r.report.outcome])).toEqual([
      ['good', 'GOOD', 'passed'],
      ['ageing', 'AGEING', 'warned'],
      ['typo', 'TYPO', 'failed'],
      ['unset', 'NOT_SET', 'failed'],
    ]);
    expect(multi.outcome).toBe('failed');
    const single = await runPreflight(plan.checks[1]!.request, deps, plan.checks[1]!.findings);
    expect(multi.credentials[1]!.report).toEqual(single);
    expect(multi.credentials[3]!.report.findings[0]!.message).toContain('NOT_SET');
    expect(rowsWorstFirst(multi).map((r) => r.name)).toEqual(['typo', 'unset', 'ageing', 'good']);
    expect(soonestExpiry(multi)?.expiresAt).toBe(multi.credentials[1]!.report.expiresAt);
    expect(leaks(JSON.stringify(multi), good)).toEqual([]);
  });
});

describe('online rows against the emulator', () => {
  let emu: AzureDevOpsEmulator;
  const A = azureDevOpsPat(NOW, 0, 'FAKEx0MANYx0ORGAx0NOTxREAL');
  const B = azureDevOpsPat(NOW, 0, 'FAKEx0MANYx0ORGBx0NOTxREAL');
  const user = (n: string) => ({
    id: `00000000-fa4e-7e57-0000-00000000000${n}`,
    displayName: `Tester ${n}`,
    uniqueName: `t${n}@example.test`,
  });
  beforeAll(async () => {
    emu = await startAzureDevOpsEmulator({
      mode: 'server',
      organizations: [
        { name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000401', name: 'Fabrikam-Fiber' }] },
        { name: 'contoso', projects: [{ id: '00000000-fa4e-7e57-0000-000000000402', name: 'Contoso-Web' }] },
      ],
      tokens: {
        [A]: { user: user('1'), organizations: ['fabrikam'], scopes: ['vso.project', 'vso.code'] },
        [B]: { user: user('2'), organizations: ['contoso'], scopes: ['vso.project'] },
      },
    });
  });
  afterAll(async () => emu.close());

  it('checks every credential concurrently: each first request arrives before either is answered', async () => {
    emu.clearLog();
    emu.fault({ type: 'barrier', count: 2 }, { path: /\/_apis\/connectionData$/, times: 2 });
    const c = config(
      `credentials:\n  - name: fabrikam\n    token-env: A\n    url: ${emu.collectionUrl('fabrikam')}\n    project: Fabrikam-Fiber\n    required-scopes: vso.code\n  - name: contoso\n    token-env: B\n    url: ${emu.collectionUrl('contoso')}\n    project: Contoso-Web\n    required-scopes: vso.code\n`,
    );
    const dispatcher = emu.dispatcher();
    const lines: string[] = [];
    const multi = await runPreflightMany(
      planChecks(c, { A, B }),
      { ...deps, dispatcher, log: (name, e) => lines.push(`${name} ${e.method} ${e.path}`) },
      { config: 'c.yml' },
    );
    await dispatcher.close();
    const first = emu.requests.filter((r) => r.path.endsWith('/connectionData') && !r.query['api-version']?.startsWith('99'));
    const [x, y] = emu.requests.filter((r) => r.fault === 'barrier');
    expect(x && y).toBeTruthy();
    expect(y!.seq).toBeLessThanOrEqual(x!.requestsSeenAtAnswer!);
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(multi.credentials.map((r) => [r.name, r.report.outcome, r.report.identity?.name])).toEqual([
      ['fabrikam', 'passed', 'Tester 1'],
      ['contoso', 'failed', 'Tester 2'],
    ]);
    expect(multi.credentials[1]!.report.findings[0]!.code).toBe('scope.missing');
    expect(multi.outcome).toBe('failed');
    // Debug lines carry the row they belong to.
    expect(lines.some((l) => l.startsWith('fabrikam GET /fabrikam/'))).toBe(true);
    expect(lines.some((l) => l.startsWith('contoso GET /contoso/'))).toBe(true);
  });

  it('shares one capped connection pool across the checks when none is injected', async () => {
    // 12 checks × (project + 5 probes) want 72 requests to one host at once in their second round
    // trip: separate pools would open about that many connections; the shared one stays at its cap.
    const n = 12;
    const scopes = 'vso.code, vso.build, vso.work, vso.project, vso.serviceendpoint';
    const entries = Array.from(
      { length: n },
      (_, i) =>
        `  - name: row${i}\n    token-env: A\n    url: ${emu.collectionUrl('fabrikam')}\n    project: Fabrikam-Fiber\n    required-scopes: ${scopes}\n`,
    ).join('');
    const before = { tls: emu.stats.tlsConnections, requests: emu.requests.length };
    const multi = await runPreflightMany(
      planChecks(config(`credentials:\n${entries}`), { A }),
      { ...deps, env: {}, transport: { extraCaPems: [caPem] } },
      { config: 'c.yml' },
    );
    // Token A holds vso.project and vso.code only: every row probed all five scopes.
    expect(multi.credentials.map((r) => [r.report.scopes.verified.sort(), r.report.scopes.missing.sort()])).toEqual(
      Array(n).fill([
        ['vso.code', 'vso.project'],
        ['vso.build', 'vso.serviceendpoint', 'vso.work'],
      ]),
    );
    const requests = emu.requests.length - before.requests;
    const connections = emu.stats.tlsConnections - before.tls;
    expect(requests).toBeGreaterThanOrEqual(n * 7);
    expect(connections).toBeLessThanOrEqual(32);
    // No first wave (Node's HTTPS client, one connection per request: `connection: close`): every
    // request of a credentials file goes through the shared pool.
    expect(emu.requests.slice(before.requests).filter((e) => e.headers.connection !== 'keep-alive')).toEqual([]);
  });
});
