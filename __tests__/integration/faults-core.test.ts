/**
 * Never hangs, never lies: every network fault, injected at the local emulators, ends with the right
 * `network.*` code and outcome `unverified` — never a verdict on the token, its scopes or the project —
 * and ends within the configured budget (asserted structurally: attempts the emulator logged, the
 * retry waits the client logged, and hangs that only the configured deadline can end).
 *
 * Runs through `runPreflight` with an injected dispatcher (or, for proxies, the production transport
 * built from HTTPS_PROXY). The fault matrix covers Azure DevOps and every other provider that has
 * online checks in PROVIDER_MODULES when the test runs. Nothing leaves 127.0.0.1: DNS failure is a
 * connector whose lookup fails with ENOTFOUND (an `.invalid` name might still be sent to a resolver).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { main } from '../../src/cli/main.js';
import type { HttpLogEntry } from '../../src/core/http/client.js';
import { runPreflight, type PreflightDeps } from '../../src/core/preflight.js';
import { PROVIDER_MODULES } from '../../src/core/providers/registry.js';
import type { Finding, ProviderId, Report } from '../../src/core/report.js';
import { resolveRequest, type RawInputs } from '../../src/core/request.js';
import { fabrikamProjects, startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { EmulatorHarness, type FaultMatch, type FaultSpec, type RequestLogEntry } from '../emulators/harness.js';
import { startForwardProxy } from '../emulators/proxy.js';
import { caPem, type CertificateKind } from '../emulators/tls.js';
import { faultFixtures } from '../support/fault-fixtures.js';
import { findingsGrammar } from '../support/grammar.js';
import { leaks } from '../support/tokens.js';

const NOW = new Date();
const HTTP = { requestTimeoutMs: 1500, deadlineMs: 8000, maxRetries: 2, minBackoffMs: 1, maxBackoffMs: 50 };
const user = { id: '00000000-fa4e-7e57-0000-0000000000f1', displayName: 'Fault Tester', uniqueName: 'fault.tester@example.invalid' };
const ADO_PROJECT = fabrikamProjects()[1]!.name; // Fabrikam-Fiber-Git

const FIXTURES = faultFixtures(NOW, ADO_PROJECT);

const ONLINE = (Object.keys(PROVIDER_MODULES) as ProviderId[]).filter((id) => PROVIDER_MODULES[id].online);

/** Something with a fault script and a request log: the Azure DevOps emulator, or the bare harness. */
interface Target {
  port: number;
  requests: RequestLogEntry[];
  fault(spec: FaultSpec, match?: FaultMatch): unknown;
  close(): Promise<void>;
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function startTarget(provider: ProviderId, certificate: CertificateKind = 'valid'): Promise<Target> {
  let target: Target;
  if (provider === 'azure-devops') {
    const token = FIXTURES['azure-devops'].token;
    target = await startAzureDevOpsEmulator({
      mode: 'services',
      certificate,
      organizations: [{ name: 'fabrikam', projects: fabrikamProjects() }],
      tokens: { [token]: { user, organizations: ['fabrikam'], scopes: 'full' } },
    });
  } else {
    // Permanent faults are applied before the application answers, so a neutral server suffices.
    const harness = new EmulatorHarness({ handle: () => ({ status: 404, body: { message: 'Not Found' } }) }, { certificate });
    await harness.listen();
    target = harness;
  }
  cleanup.push(() => target.close());
  return target;
}

function track<T extends Dispatcher>(d: T): T {
  cleanup.push(() => d.destroy());
  return d;
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A connector whose DNS lookup fails the way getaddrinfo does for an unknown name; no packet is sent. */
function dnsFailureDispatcher(): Agent {
  const connector = buildConnector({
    ca: caPem,
    lookup: (hostname: string, _options: unknown, callback: (err: NodeJS.ErrnoException) => void) => {
      const err: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname,
      });
      process.nextTick(() => callback(err));
    },
  } as buildConnector.BuildOptions);
  return new Agent({ connect: connector });
}

interface Run {
  report: Report;
  log: HttpLogEntry[];
}

async function check(provider: ProviderId, extra: Partial<PreflightDeps> & { inputs?: RawInputs } = {}): Promise<Run> {
  const { inputs, ...deps } = extra;
  const log: HttpLogEntry[] = [];
  const { request, findings } = resolveRequest({ ...FIXTURES[provider].inputs, ...inputs }, {});
  const report = await runPreflight(
    request,
    { now: () => NOW, monotonic: () => performance.now(), http: HTTP, log: (e) => log.push(e), ...deps },
    findings,
  );
  // Every fault's messages and fixes go through the one grammar check (support/grammar.ts).
  expect(findingsGrammar(report.findings)).toEqual([]);
  return { report, log };
}

const VERDICT = /^(token|scope|project|url)\./;
/** The findings that would be a verdict on the credential, its scopes, the project or the URL. */
const verdicts = (r: Report): Finding[] => r.findings.filter((f) => VERDICT.test(f.code) && f.severity !== 'info');
const errors = (r: Report): string[] => r.findings.filter((f) => f.severity === 'error').map((f) => f.code);

/** The core promise: unverified, only network errors (at least `code`), nothing said about the token. */
function expectUnverified(run: Run, code: string, provider: ProviderId): void {
  const r = run.report;
  expect({ outcome: r.outcome, errors: [...new Set(errors(r))] }).toEqual({
    outcome: 'unverified',
    errors: expect.arrayContaining([code]),
  });
  expect(errors(r).every((c) => c.startsWith('network.'))).toBe(true);
  expect(verdicts(r)).toEqual([]);
  expect(r.findings.some((f) => f.code === 'scope.verified')).toBe(false);
  expect(r.scopes.missing).toEqual([]);
  // Nothing judged, yet every required scope is accounted for: unverifiable.
  expect(r.scopes.unverifiable).toEqual(r.scopes.required);
  expect(r.project.canonical).toBeNull();
  const texts = r.findings.flatMap((f) => [f.message, f.hint]).join('\n');
  expect(leaks(texts, FIXTURES[provider].token)).toEqual([]);
}

/** Bounded work: no request path attempted more than 1 + maxRetries times; every retry wait within the cap. */
function expectBounded(run: Run, target?: Target): void {
  if (target) {
    const perPath = new Map<string, number>();
    for (const e of target.requests) perPath.set(`${e.host}${e.path}`, (perPath.get(`${e.host}${e.path}`) ?? 0) + 1);
    for (const n of perPath.values()) expect(n).toBeLessThanOrEqual(HTTP.maxRetries + 1);
  }
  const waits = run.log.flatMap((e) =>
    /retrying in (\d+) ms/.exec(e.note ?? '') ? [Number(/retrying in (\d+) ms/.exec(e.note!)![1])] : [],
  );
  for (const w of waits) expect(w).toBeLessThanOrEqual(HTTP.maxBackoffMs);
}

const attemptsOn = (target: Target, path: string): number =>
  target.requests.filter((e) => e.path.toLowerCase().includes(path.toLowerCase())).length;

describe.each(ONLINE)('%s: every fault on every request → network.*, unverified, no verdict', (provider) => {
  it('has online checks that reach the emulator (precondition of the matrix)', async () => {
    const target = await startTarget(provider);
    target.fault({ type: 'status', status: 503 }, { times: Infinity });
    await check(provider, { dispatcher: track(emulatorDispatcher(target)) });
    expect(target.requests.length).toBeGreaterThan(0);
  });

  it('connection refused → network.unreachable', async () => {
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(await closedPort())) });
    expectUnverified(run, 'network.unreachable', provider);
    expect(run.report.findings.find((f) => f.code === 'network.unreachable')?.message).toContain('ECONNREFUSED');
    expectBounded(run);
  });

  it('DNS failure → network.unreachable (ENOTFOUND named)', async () => {
    const run = await check(provider, { dispatcher: track(dnsFailureDispatcher()) });
    expectUnverified(run, 'network.unreachable', provider);
    expect(run.report.findings.find((f) => f.code === 'network.unreachable')?.message).toContain('ENOTFOUND');
    expectBounded(run);
  });

  it.each([['start'], ['headers'], ['body']] as const)('connection reset (at %s) → network.unreachable', async (at) => {
    const target = await startTarget(provider);
    target.fault({ type: 'drop', at }, { times: Infinity });
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(target)) });
    expectUnverified(run, 'network.unreachable', provider);
    expectBounded(run, target);
  });

  it('a server that never answers → network.timeout, ended by the per-request timeout', async () => {
    const target = await startTarget(provider);
    target.fault({ type: 'hang' }, { times: Infinity });
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(target)), http: { ...HTTP, requestTimeoutMs: 300 } });
    expectUnverified(run, 'network.timeout', provider);
    expectBounded(run, target);
  });

  it('a server that never answers → network.timeout, ended by the overall deadline when it is the shorter', async () => {
    const target = await startTarget(provider);
    target.fault({ type: 'hang' }, { times: Infinity });
    // The per-request timeout (10 minutes) cannot end this test: only the 400 ms deadline can.
    const run = await check(provider, {
      dispatcher: track(emulatorDispatcher(target)),
      http: { ...HTTP, requestTimeoutMs: 600_000, deadlineMs: 400 },
    });
    expectUnverified(run, 'network.timeout', provider);
    expect(run.report.timings.totalMs).toBeLessThan(600_000);
    expect(target.requests.length).toBeGreaterThan(0);
  });

  it.each([
    ['unknownCa', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['expired', 'CERT_HAS_EXPIRED'],
    ['wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID'],
  ] as const)('TLS: %s certificate → network.tls (%s), no request sent', async (kind, code) => {
    const target = await startTarget(provider, kind);
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(target)) });
    expectUnverified(run, 'network.tls', provider);
    expect(run.report.findings.find((f) => f.code === 'network.tls')?.message).toContain(code);
    // The handshake failed, so no HTTP request (and no credential) ever reached the server.
    expect(target.requests).toEqual([]);
  });

  it.each([
    ['demands authentication (407, no credentials)', { auth: { user: 'proxyuser', pass: 'proxypass' } }, '', '407'],
    ['rejects wrong credentials (407)', { auth: { user: 'proxyuser', pass: 'proxypass' } }, 'proxyuser:wrong@', '407'],
    ['refuses the tunnel (403)', { refuse: true }, '', '403'],
  ] as const)('proxy %s → network.proxy', async (_name, options, userinfo, status) => {
    const target = await startTarget(provider);
    const proxy = await startForwardProxy({ ...options, route: () => ({ host: '127.0.0.1', port: target.port }) });
    cleanup.push(() => proxy.close());
    // The production transport, as the CLI and the action build it from HTTPS_PROXY.
    const run = await check(provider, {
      env: { HTTPS_PROXY: proxy.url.replace('//', `//${userinfo}`) },
      transport: { extraCaPems: [caPem] },
    });
    expectUnverified(run, 'network.proxy', provider);
    expect(run.report.findings.find((f) => f.code === 'network.proxy')?.message).toContain(status);
    expect(proxy.connectTargets.length).toBeGreaterThan(0);
    expect(target.requests).toEqual([]);
  });

  it('429 storm with Retry-After within the cap → retried 1 + maxRetries times, then network.rate-limited', async () => {
    const target = await startTarget(provider);
    target.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { times: Infinity });
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(target)) });
    expectUnverified(run, 'network.rate-limited', provider);
    const first = target.requests[0]!;
    expect(target.requests.filter((e) => e.host === first.host && e.path === first.path)).toHaveLength(HTTP.maxRetries + 1);
    expectBounded(run, target);
  });

  it('429 storm asking for a wait beyond the cap → no wait, network.rate-limited', async () => {
    const target = await startTarget(provider);
    target.fault({ type: 'rateLimit', retryAfterSeconds: 3600 }, { times: Infinity });
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(target)) });
    expectUnverified(run, 'network.rate-limited', provider);
    expect(run.log.some((e) => /retrying/.test(e.note ?? ''))).toBe(false);
    const first = target.requests[0]!;
    expect(target.requests.filter((e) => e.host === first.host && e.path === first.path)).toHaveLength(1);
  });

  it('429 storm whose Retry-After fits the deadline at most once → at most one wait, then network.rate-limited', async () => {
    const target = await startTarget(provider);
    target.fault({ type: 'rateLimit', retryAfterSeconds: 1 }, { times: Infinity });
    const http = { ...HTTP, maxBackoffMs: 10_000, requestTimeoutMs: 1500, deadlineMs: 1800 };
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(target)), http });
    expectUnverified(run, 'network.rate-limited', provider);
    const first = target.requests[0]!;
    const waits = run.log.filter((e) => e.path === first.path && /retrying in 1000 ms/.test(e.note ?? ''));
    // Two 1 s waits cannot fit into 1.8 s, so at most one is taken (none if the first answer came late).
    expect(waits.length).toBeLessThanOrEqual(1);
    expect(target.requests.filter((e) => e.host === first.host && e.path === first.path).length).toBeLessThanOrEqual(waits.length + 1);
  });

  it.each([[500], [502], [503], [504]])('%s on every attempt → retried, then network.unexpected-response', async (status) => {
    const target = await startTarget(provider);
    target.fault({ type: 'status', status }, { times: Infinity });
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(target)) });
    expectUnverified(run, 'network.unexpected-response', provider);
    const first = target.requests[0]!;
    expect(target.requests.filter((e) => e.host === first.host && e.path === first.path)).toHaveLength(HTTP.maxRetries + 1);
    expectBounded(run, target);
  });

  it.each([
    ['truncated JSON', { type: 'truncatedJson' }],
    ['a plain-text 200', { type: 'status', status: 200, body: 'OK', headers: { 'content-type': 'text/plain; charset=utf-8' } }],
    ['an HTML portal page (200)', { type: 'htmlPortal' }],
    [
      'JSON that is not the API (200 "null")',
      { type: 'status', status: 200, body: 'null', headers: { 'content-type': 'application/json' } },
    ],
  ] as const)('%s → network.unexpected-response', async (_name, spec) => {
    const target = await startTarget(provider);
    target.fault(spec as FaultSpec, { times: Infinity });
    const run = await check(provider, { dispatcher: track(emulatorDispatcher(target)) });
    expectUnverified(run, 'network.unexpected-response', provider);
    expectBounded(run, target);
  });
});

describe('Azure DevOps: faults after a good identity answer say nothing about the scopes or the project', () => {
  let emu: AzureDevOpsEmulator;
  let dispatcher: Agent;
  const token = FIXTURES['azure-devops'].token;
  beforeAll(async () => {
    emu = await startAzureDevOpsEmulator({
      mode: 'services',
      organizations: [{ name: 'fabrikam', projects: fabrikamProjects() }],
      tokens: { [token]: { user, organizations: ['fabrikam'], scopes: ['vso.project', 'vso.code', 'vso.build'] } },
    });
    dispatcher = emu.dispatcher();
  });
  afterAll(async () => {
    await dispatcher.destroy();
    await emu.close();
  });
  afterEach(() => {
    emu.clearFaults();
    emu.clearLog();
  });
  const PROBE = `/fabrikam/${ADO_PROJECT}/_apis/build/definitions`;
  const PROJECT = `/fabrikam/_apis/projects/${ADO_PROJECT}`;

  it('control: without faults the same check passes (so the cases below are the faults, not the setup)', async () => {
    const { report } = await check('azure-devops', { dispatcher });
    expect([report.outcome, report.project.canonical, report.scopes.verified]).toEqual(['passed', ADO_PROJECT, ['vso.code', 'vso.build']]);
  });

  it('a short 5xx burst is absorbed by the retries: passed', async () => {
    emu.fault({ type: 'status', status: 503 }, { path: '/fabrikam/_apis/connectionData', times: 2 });
    const { report } = await check('azure-devops', { dispatcher });
    expect(report.outcome).toBe('passed');
    expect(attemptsOn(emu, '/_apis/connectionData')).toBe(3);
  });

  it.each([
    ['503 storm', { type: 'status', status: 503 }, 'network.unexpected-response'],
    ['500 JSON error', { type: 'status', status: 500 }, 'network.unexpected-response'],
    ['429 storm', { type: 'rateLimit', retryAfterSeconds: 0 }, 'network.rate-limited'],
    ['truncated JSON', { type: 'truncatedJson' }, 'network.unexpected-response'],
    ['HTML portal page', { type: 'htmlPortal' }, 'network.unexpected-response'],
    ['reset mid-body', { type: 'drop', at: 'body' }, 'network.unreachable'],
    ['no answer', { type: 'hang' }, 'network.timeout'],
  ] as const)('on a scope probe: %s → %s, identity kept, scope neither verified nor missing', async (_name, spec, code) => {
    emu.fault(spec as FaultSpec, { path: PROBE, times: Infinity });
    const run = await check('azure-devops', { dispatcher, http: { ...HTTP, requestTimeoutMs: 300 } });
    const r = run.report;
    expect(r.outcome).toBe('unverified');
    expect(errors(r)).toEqual([code]);
    expect(r.identity?.name).toBe(user.displayName);
    expect(r.scopes.verified).toEqual(['vso.code']);
    expect(r.scopes.missing).toEqual([]);
    expect(verdicts(r).filter((f) => f.code !== 'scope.unverifiable')).toEqual([]);
    expectBounded(run, emu);
  });

  it.each([
    ['503 storm', { type: 'status', status: 503 }, 'network.unexpected-response'],
    ['429 storm', { type: 'rateLimit', retryAfterSeconds: 0 }, 'network.rate-limited'],
    ['truncated JSON', { type: 'truncatedJson' }, 'network.unexpected-response'],
    ['reset mid-body', { type: 'drop', at: 'body' }, 'network.unreachable'],
    ['no answer', { type: 'hang' }, 'network.timeout'],
  ] as const)('on the project lookup: %s → %s, never project.not-found', async (_name, spec, code) => {
    emu.fault(spec as FaultSpec, { path: PROJECT, times: Infinity });
    const run = await check('azure-devops', { dispatcher, http: { ...HTTP, requestTimeoutMs: 300 } });
    const r = run.report;
    expect(r.outcome).toBe('unverified');
    expect(errors(r)).toEqual([code]);
    expect(r.project.canonical).toBeNull();
    expect(verdicts(r).filter((f) => f.code.startsWith('project.'))).toEqual([]);
    expectBounded(run, emu);
  });

  it('a proxy with the right credentials reaches the emulator (control for the proxy faults)', async () => {
    const proxy = await startForwardProxy({
      auth: { user: 'proxyuser', pass: 'proxypass' },
      route: () => ({ host: '127.0.0.1', port: emu.port }),
    });
    cleanup.push(() => proxy.close());
    const run = await check('azure-devops', {
      env: { HTTPS_PROXY: proxy.url.replace('//', '//proxyuser:proxypass@') },
      transport: { extraCaPems: [caPem] },
    });
    expect(run.report.outcome).toBe('passed');
    expect(proxy.log.every((e) => e.authorized)).toBe(true);
  });
});

describe('the CLI turns network trouble into exit code 3', () => {
  it('DNS failure (injected dispatcher) → exit 3 with network.unreachable in the JSON report', async () => {
    const out: string[] = [];
    const dispatcher = track(dnsFailureDispatcher());
    const code = await main(
      ['--provider', 'azure-devops', '--url', 'https://dev.azure.com/fabrikam', '--format', 'json'],
      {
        stdout: (t) => out.push(t),
        stderr: () => undefined,
        readStdin: async () => '',
        env: { AZURE_DEVOPS_PAT: FIXTURES['azure-devops'].token },
        isTTY: false,
      },
      { now: () => NOW, monotonic: () => performance.now(), dispatcher, http: HTTP },
    );
    expect(code).toBe(3);
    const report = JSON.parse(out.join('')) as Report;
    expect([report.outcome, errors(report)]).toEqual(['unverified', ['network.unreachable']]);
  });
});
