/**
 * Never hangs, never lies — through the built bundles: each network fault injected at the local Azure
 * DevOps emulator (Server shape on 127.0.0.1, test CA via NODE_EXTRA_CA_CERTS, proxies on 127.0.0.1)
 * ends with exit code 3, outcome `unverified` and the right `network.*` code from the CLI; the action
 * and the task agree on a representative subset; every other provider with online checks through the
 * CLI on a common subset. Never a token, scope or project verdict, never the token in the output. DNS failure is covered in-process (faults-core.test.ts): a bundle cannot be
 * given a failing resolver without sending a query somewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { PROVIDER_MODULES } from '../../src/core/providers/registry.js';
import type { ProviderId } from '../../src/core/report.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator, type FaultSpec } from '../emulators/azure-devops.js';
import { EmulatorHarness } from '../emulators/harness.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { caFile, type CertificateKind } from '../emulators/tls.js';
import { faultFixtures } from '../support/fault-fixtures.js';
import { baseEnv, runBundle, withoutMaskCommands as visible, type BundleRun } from '../support/run-bundle.js';
import { azureDevOpsPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date();
const TOKEN = azureDevOpsPat(NOW, 0, 'FAKEx0FAULTx0E2Ex0NOTxREAL');
const user = { id: '00000000-fa4e-7e57-0000-0000000000f2', displayName: 'Fault Bundle Tester', uniqueName: 'FABRIKAM\\faults' };
const project = { id: '00000000-fa4e-7e57-0000-000000000f01', name: 'Fabrikam-Fiber' };
const FRONT_ENDS = ['cli', 'action', 'task'] as const;
type FrontEnd = (typeof FRONT_ENDS)[number];

interface Scenario {
  name: string;
  code: string;
  /** Fault on every request to this scenario's collections. */
  fault?: FaultSpec;
  /** Emulator presenting this certificate instead. */
  certificate?: Exclude<CertificateKind, 'valid'>;
  /** Nothing listens. */
  refused?: boolean;
  proxy?: 'auth' | 'refuse';
  /** Also through the action and the task bundles. */
  all?: boolean;
  /** Most requests any one path may see: the first attempt plus the client's two retries. */
  maxAttempts?: number;
}

const scenarios: Scenario[] = [
  { name: 'connection refused', refused: true, code: 'network.unreachable', all: true },
  { name: 'reset before the answer', fault: { type: 'drop', at: 'start' }, code: 'network.unreachable', maxAttempts: 3 },
  { name: 'reset mid-body', fault: { type: 'drop', at: 'body' }, code: 'network.unreachable', maxAttempts: 3, all: true },
  { name: 'a server that never answers', fault: { type: 'hang' }, code: 'network.timeout', maxAttempts: 3, all: true },
  { name: 'TLS: unknown CA', certificate: 'unknownCa', code: 'network.tls' },
  { name: 'TLS: wrong host name', certificate: 'wrongHost', code: 'network.tls' },
  { name: 'TLS: expired certificate', certificate: 'expired', code: 'network.tls', all: true },
  { name: 'proxy demanding authentication (407)', proxy: 'auth', code: 'network.proxy', all: true },
  { name: 'proxy refusing the tunnel (403)', proxy: 'refuse', code: 'network.proxy' },
  { name: '429 storm', fault: { type: 'rateLimit', retryAfterSeconds: 0 }, code: 'network.rate-limited', maxAttempts: 3, all: true },
  { name: '429 asking for an hour', fault: { type: 'rateLimit', retryAfterSeconds: 3600 }, code: 'network.rate-limited', maxAttempts: 1 },
  { name: '5xx burst beyond the retries', fault: { type: 'status', status: 503 }, code: 'network.unexpected-response', maxAttempts: 3 },
  { name: 'truncated JSON', fault: { type: 'truncatedJson' }, code: 'network.unexpected-response', maxAttempts: 1, all: true },
  { name: 'an HTML portal page', fault: { type: 'htmlPortal' }, code: 'network.unexpected-response', maxAttempts: 1 },
  {
    name: 'a plain-text 200',
    fault: { type: 'status', status: 200, body: 'OK', headers: { 'content-type': 'text/plain' } },
    code: 'network.unexpected-response',
    maxAttempts: 1,
  },
];

const slug = (s: Scenario): string =>
  s.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const started: { close(): Promise<void> }[] = [];
let healthy: AzureDevOpsEmulator;
const tlsEmulators = new Map<CertificateKind, AzureDevOpsEmulator>();
const proxies = new Map<string, ForwardProxy>();
let refusedPort = 0;

async function emulator(certificate: CertificateKind = 'valid'): Promise<AzureDevOpsEmulator> {
  const collections = scenarios.flatMap((s) => FRONT_ENDS.map((f) => ({ name: `${slug(s)}-${f}`, projects: [project] })));
  const emu = await startAzureDevOpsEmulator({
    mode: 'server',
    certificate,
    organizations: collections,
    tokens: { [TOKEN]: { user, organizations: 'all', scopes: 'full' } },
  });
  started.push(emu);
  return emu;
}

beforeAll(async () => {
  healthy = await emulator();
  for (const s of scenarios) {
    if (s.fault) healthy.fault(s.fault, { path: new RegExp(`^/${slug(s)}-`), times: Infinity });
    if (s.certificate) tlsEmulators.set(s.certificate, await emulator(s.certificate));
    if (s.proxy) {
      const proxy = await startForwardProxy({
        ...(s.proxy === 'auth' ? { auth: { user: 'proxyuser', pass: 'proxypass' } } : { refuse: true }),
        route: () => ({ host: '127.0.0.1', port: healthy.port }),
      });
      started.push(proxy);
      proxies.set(slug(s), proxy);
    }
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  refusedPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

const HANG_TIMEOUT_SECONDS = '2';

function urlFor(s: Scenario, f: FrontEnd): string {
  const collection = `${slug(s)}-${f}`;
  if (s.refused) return `https://127.0.0.1:${refusedPort}/${collection}`;
  // Loopback is always reached directly, never through a proxy: a proxy fault needs a remote host
  // (the proxy refuses before anything is resolved or sent there).
  if (s.proxy) return `https://dev.azure.com/${collection}`;
  return (s.certificate ? tlsEmulators.get(s.certificate)! : healthy).collectionUrl(collection);
}

/** Proxy settings as each platform hands them over: HTTPS_PROXY (CLI, action) or the agent's proxy (task). */
function proxyEnv(s: Scenario, f: FrontEnd): Record<string, string> {
  const proxy = proxies.get(slug(s));
  if (!proxy) return {};
  return f === 'task' ? { AGENT_PROXYURL: proxy.url } : { HTTPS_PROXY: proxy.url };
}

async function run(s: Scenario, f: FrontEnd, dir: string): Promise<BundleRun & { outputs: string }> {
  const url = urlFor(s, f);
  const env = { NODE_EXTRA_CA_CERTS: caFile, ...proxyEnv(s, f) };
  const outputFile = path.join(dir, `${f}-out`);
  fs.writeFileSync(outputFile, '');
  // A hang is ended by the user's timeout-seconds, passed the way each front end takes it.
  const timeout = s.fault?.type === 'hang' ? HANG_TIMEOUT_SECONDS : undefined;
  let r: BundleRun;
  if (f === 'cli') {
    const args = [
      '--provider',
      'azure-devops',
      '--url',
      url,
      '--project',
      project.name,
      '--required-scopes',
      'vso.code',
      '--format',
      'json',
      ...(timeout ? ['--timeout-seconds', timeout] : []),
    ];
    r = await runBundle('cli', args, baseEnv({ ...env, AZURE_DEVOPS_PAT: TOKEN }));
  } else if (f === 'action') {
    const inputs = {
      PROVIDER: 'azure-devops',
      URL: url,
      TOKEN,
      PROJECT: project.name,
      'REQUIRED-SCOPES': 'vso.code',
      ...(timeout ? { 'TIMEOUT-SECONDS': timeout } : {}),
    };
    r = await runBundle(
      'action',
      [],
      baseEnv({ ...env, ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k}`, v])), GITHUB_OUTPUT: outputFile }),
    );
  } else {
    const inputs = {
      PROVIDER: 'azure-devops',
      URL: url,
      TOKEN,
      PROJECT: project.name,
      REQUIREDSCOPES: 'vso.code',
      ...(timeout ? { TIMEOUTSECONDS: timeout } : {}),
    };
    r = await runBundle(
      'task',
      [],
      baseEnv({ ...env, ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k}`, v])), AGENT_TEMPDIRECTORY: dir }),
    );
  }
  return { ...r, outputs: fs.readFileSync(outputFile, 'utf8') };
}

describe.each(scenarios)('$name', (s) => {
  const fronts: FrontEnd[] = s.all ? [...FRONT_ENDS] : ['cli'];
  it(`→ exit 3, unverified, ${s.code} (${fronts.join(', ')}), no verdict on the token`, async () => {
    const dir = tempDir('fault');
    const runs = Object.fromEntries(await Promise.all(fronts.map(async (f) => [f, await run(s, f, dir)] as const))) as Partial<
      Record<FrontEnd, BundleRun & { outputs: string }>
    >;

    const cli = runs.cli!;
    const report = JSON.parse(cli.stdout) as {
      outcome: string;
      identity: unknown;
      findings: { code: string; severity: string; message: string }[];
      scopes: { verified: string[]; missing: string[] };
      timings: { totalMs: number };
    };
    const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
    expect({ exit: cli.code, outcome: report.outcome, first: errors[0] }).toEqual({ exit: 3, outcome: 'unverified', first: s.code });
    expect(errors.every((c) => c.startsWith('network.'))).toBe(true);
    expect(report.findings.filter((f) => /^(token|scope|project|url)\./.test(f.code) && f.severity !== 'info')).toEqual([]);
    expect([report.identity, report.scopes.verified, report.scopes.missing]).toEqual([null, [], []]);
    expect(cli.stderr).not.toMatch(/\n\s+at /); // never a stack trace

    if (runs.action) {
      expect(runs.action.code).toBe(1);
      expect(runs.action.outputs).toMatch(/outcome<<ghadelimiter_[\w-]+\nunverified\n/);
      expect(runs.action.stdout).toContain(`::error title=credential-preflight ${s.code}::`);
      expect(runs.action.stdout).not.toMatch(/title=credential-preflight (token|scope|project)\./);
    }
    if (runs.task) {
      expect(runs.task.stdout).toContain('##vso[task.complete result=Failed;]');
      expect(runs.task.stdout).toContain(`##vso[task.logissue type=error;code=${s.code};]`);
      expect(runs.task.stdout).not.toMatch(/code=(token|scope|project)\./);
    }
    for (const r of Object.values(runs)) expect(leaks(visible(r!.stdout + r!.stderr + r!.outputs), TOKEN)).toEqual([]);

    // Bounded: no path of this scenario's collections was tried more often than the retry policy allows.
    if (s.maxAttempts !== undefined) {
      const perPath = new Map<string, number>();
      for (const e of healthy.requests.filter((x) => x.path.startsWith(`/${slug(s)}-`)))
        perPath.set(e.path, (perPath.get(e.path) ?? 0) + 1);
      expect(perPath.size).toBeGreaterThan(0);
      for (const n of perPath.values()) expect(n).toBeLessThanOrEqual(s.maxAttempts);
    }
    if (s.fault?.type === 'hang') {
      // Ended by timeout-seconds (2 s: the per-request timeout or the overall deadline, whichever
      // fires first), not retried: without the input the first attempt alone would take the 10 s
      // default, so finishing under it proves the budget reached the client.
      expect(report.findings.find((f) => f.code === 'network.timeout')?.message).toMatch(/UND_ERR_HEADERS_TIMEOUT|timed out/);
      expect(report.timings.totalMs).toBeLessThan(10_000);
    }
    if (s.certificate) expect(tlsEmulators.get(s.certificate)!.requests).toEqual([]);
    if (s.proxy) expect(proxies.get(slug(s))!.connectTargets.length).toBeGreaterThanOrEqual(fronts.length);
  });
});

/**
 * Every other provider with online checks: the CLI bundle against a neutral HTTPS server whose every
 * answer is the fault (faults apply before any application, so no provider emulator is needed).
 * GitHub as GHES (https://127.0.0.1:PORT/api/v3) and GitLab self-managed need no proxy; Bitbucket's
 * fixed host is tunnelled by a local proxy to the server, so nothing leaves 127.0.0.1.
 */
const OTHERS = (Object.keys(PROVIDER_MODULES) as ProviderId[]).filter((id) => id !== 'azure-devops' && PROVIDER_MODULES[id].online);
const FIXTURES = faultFixtures(NOW, project.name);
const GENERIC: { name: string; code: string; fault?: FaultSpec; certificate?: CertificateKind; refused?: boolean }[] = [
  { name: 'connection refused', refused: true, code: 'network.unreachable' },
  { name: 'reset mid-body', fault: { type: 'drop', at: 'body' }, code: 'network.unreachable' },
  { name: 'a server that never answers', fault: { type: 'hang' }, code: 'network.timeout' },
  { name: 'expired certificate', certificate: 'expired', code: 'network.tls' },
  { name: '429 storm', fault: { type: 'rateLimit', retryAfterSeconds: 0 }, code: 'network.rate-limited' },
  { name: '503 storm', fault: { type: 'status', status: 503 }, code: 'network.unexpected-response' },
  { name: 'truncated JSON', fault: { type: 'truncatedJson' }, code: 'network.unexpected-response' },
];

describe.each(OTHERS)('%s through the CLI bundle: every fault → exit 3, unverified, network.*', (provider) => {
  it('refused, reset mid-body, no answer, expired certificate, 429 storm, 503 storm, truncated JSON → exit 3 with the right network.* code', async () => {
    const fixture = FIXTURES[provider];
    const results = await Promise.all(
      GENERIC.map(async (g) => {
        const server = new EmulatorHarness(
          { handle: () => ({ status: 404, body: { message: 'Not Found' } }) },
          { certificate: g.certificate ?? 'valid' },
        );
        await server.listen();
        started.push(server);
        if (g.fault) server.fault(g.fault, { times: Infinity });
        const port = g.refused ? refusedPort : server.port;
        const env: Record<string, string> = { NODE_EXTRA_CA_CERTS: caFile, [fixture.tokenEnv]: fixture.token };
        let url = provider === 'github' ? `https://127.0.0.1:${port}/api/v3` : `https://127.0.0.1:${port}`;
        if (provider === 'bitbucket') {
          const proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port }) });
          started.push(proxy);
          env.HTTPS_PROXY = proxy.url;
          url = fixture.inputs.url!;
        }
        const args = [
          ...['--provider', provider, '--url', url, '--format', 'json'],
          ...(fixture.inputs.project ? ['--project', fixture.inputs.project] : []),
          ...(fixture.inputs.username ? ['--username', fixture.inputs.username] : []),
          ...(g.fault?.type === 'hang' ? ['--timeout-seconds', HANG_TIMEOUT_SECONDS] : []),
        ];
        return { g, server, run: await runBundle('cli', args, baseEnv(env)) };
      }),
    );
    // A refused tunnel through Bitbucket's proxy is the proxy's 502: network.proxy there.
    const expected = (g: (typeof GENERIC)[number]): string => (provider === 'bitbucket' && g.refused ? 'network.proxy' : g.code);
    const summary = results.map(({ g, run }) => {
      const report = JSON.parse(run.stdout) as { outcome: string; findings: { code: string; severity: string }[] };
      const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
      return {
        fault: g.name,
        exit: run.code,
        outcome: report.outcome,
        first: errors[0],
        onlyNetwork: errors.every((c) => c.startsWith('network.')),
        verdicts: report.findings.filter((f) => /^(token|scope|project|url)\./.test(f.code) && f.severity !== 'info').map((f) => f.code),
        leaks: leaks(run.stdout + run.stderr, fixture.token),
      };
    });
    expect(summary).toEqual(
      GENERIC.map((g) => ({
        fault: g.name,
        exit: 3,
        outcome: 'unverified',
        first: expected(g),
        onlyNetwork: true,
        verdicts: [],
        leaks: [],
      })),
    );
    for (const { g, server } of results) {
      if (g.certificate) expect(server.requests).toEqual([]);
      // Bounded: the first attempt plus at most the two retries, per path.
      const perPath = new Map<string, number>();
      for (const e of server.requests) perPath.set(e.path, (perPath.get(e.path) ?? 0) + 1);
      for (const n of perPath.values()) expect(n).toBeLessThanOrEqual(3);
    }
  });
});
