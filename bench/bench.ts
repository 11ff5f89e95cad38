/**
 * `npm run bench` (compiled and started by scripts/bench.mjs). Numbers for the README, never asserted
 * in tests. Everything runs against the local Azure DevOps emulator (Server shape on 127.0.0.1) with
 * an injected latency L per answer; nothing leaves the machine.
 *
 * 1. A full check (identity, project, five read scopes) as a multiple of L: in-process through
 *    runPreflight, through the CLI bundle, the same requests one after another, and a script doing it
 *    with azure-devops-node-api (bench/azure-devops-node-api.mjs).
 * 2. Cold start of each bundle (an offline run), bundle sizes, peak RSS.
 * 3. Many credentials in one credentials file (1, 10, 100, 1,000 across 10 hosts): how time and
 *    memory grow.
 * Medians over several runs; the machine is noted. Each figure is printed beside its baseline:
 * `--baseline-dist DIR` (a dist/ folder built from the baseline commit) measures the old bundles in
 * the same run, interleaved with the new ones; the in-process figures and anything not measured
 * that way come from bench/baseline.json (the last run before the start-up work, same machine).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../src/core/http/client.js';
import { createTransport } from '../src/core/http/transport.js';
import { parseCredentialsConfig } from '../src/core/config.js';
import { runPreflight } from '../src/core/preflight.js';
import { planChecks, runPreflightMany } from '../src/core/preflight-many.js';
import type { Report } from '../src/core/report.js';
import { resolveRequest } from '../src/core/request.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator, type RequestLogEntry } from '../__tests__/emulators/azure-devops.js';
import { caFile, caPem } from '../__tests__/emulators/tls.js';
import { azureDevOpsPat } from '../__tests__/support/tokens.js';

const ROOT = process.env.BENCH_ROOT ?? process.cwd();
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 7;
const HEAVY_RUNS = QUICK ? 3 : 5;
// L = 0 gives the fixed cost (process start, TLS handshakes, CPU); the others what latency adds.
const LATENCIES = QUICK ? [0, 50] : [0, 50, 100];
const MANY = [1, 10, 100, 1000];
/** Credentials files spread their entries over this many hosts (one emulator each) from 10 entries on. */
const MANY_HOSTS = 10;
const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const DIST = join(ROOT, 'dist');
const BASELINE_DIST = argValue('--baseline-dist');
const RECORDED_FILE = join(ROOT, 'bench', 'baseline.json');
/** What the file allowed before (the old bundles refuse larger files). */
const BASELINE_MAX_CREDENTIALS = 200;
const NOW = new Date();
const PROJECT = 'Fabrikam-Fiber';
const SCOPES = 'vso.project, vso.code, vso.work, vso.build, vso.release';
const user = { id: '00000000-fa4e-7e57-0000-0000000000be', displayName: 'Bench User', uniqueName: 'FABRIKAM\\bench' };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;

interface ChildRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], env: Record<string, string>): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NODE_OPTIONS: '', ...env },
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
    child.stdin.end();
  });
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Peak RSS in MiB of one run: GNU time's %M, else process.resourceUsage().maxRSS from a preload.
 * Asynchronous: the emulator answering the run lives in this process.
 */
async function peakRssMiB(args: string[], env: Record<string, string>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-rss-'));
  const out = join(dir, 'rss');
  let command: string[];
  if (GNU_TIME) command = [GNU_TIME, '-f', '%M', '-o', out, process.execPath, ...args];
  else {
    const preload = join(dir, 'rss.mjs');
    writeFileSync(
      preload,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`,
    );
    command = [process.execPath, '--import', preload, ...args];
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NODE_OPTIONS: '', ...env },
      cwd: ROOT,
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  const kb = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
  rmSync(dir, { recursive: true, force: true });
  return round(kb / 1024, 1);
}

function tokenFor(i: number): string {
  return azureDevOpsPat(NOW, 0, `FAKEx0BENCHx${i}x0NOTxREAL`);
}

async function startEmulator(latencyMs: number, tokens: string[]): Promise<AzureDevOpsEmulator> {
  return startAzureDevOpsEmulator({
    mode: 'server',
    latencyMs,
    organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000b01', name: PROJECT }] }],
    tokens: Object.fromEntries(tokens.map((t) => [t, { user, organizations: ['fabrikam'], scopes: 'full' as const }])),
  });
}

/**
 * One check in-process with the production transport, as the CLI and the action build it. The bench
 * process trusts the test CA through NODE_EXTRA_CA_CERTS (see the re-exec at the bottom), like a
 * self-hosted runner would. `extraCaPems` is the task's --sslcacert path, measured separately.
 */
async function checkInProcess(url: string, token: string, extraCaPems?: string[]): Promise<Report> {
  const { request, findings } = resolveRequest({ provider: 'azure-devops', token, url, project: PROJECT, requiredScopes: SCOPES }, {});
  return runPreflight(
    request,
    { now: () => NOW, monotonic: () => performance.now(), env: {}, ...(extraCaPems ? { transport: { extraCaPems } } : {}) },
    findings,
  );
}

function expectPassed(r: Report, what: string): void {
  if (r.outcome !== 'passed')
    throw new Error(
      `bench: ${what} did not pass (${r.outcome}: ${r.findings.map((f) => f.code).join(', ')}); numbers would be meaningless`,
    );
}

/** The requests one check made (from the emulator log), replayed one after another through the same client. */
async function sequential(url: string, token: string, log: RequestLogEntry[]): Promise<number> {
  const origin = new URL(url).origin;
  const calls = log.map((e) => ({
    url: `${origin}${e.path}${Object.keys(e.query).length ? `?${new URLSearchParams(e.query).toString()}` : ''}`,
    status: e.status,
  }));
  const dispatcher = createTransport({ env: {} });
  const started = performance.now();
  const http = new HttpClient({
    dispatcher,
    credential: { name: 'authorization', value: `Basic ${Buffer.from(`:${token}`).toString('base64')}` },
    credentialOrigins: [origin],
  });
  for (const c of calls) {
    // Same answer as in the check (the api-version ceiling probe is a 400 by design).
    const r = await http.get(c.url, { 'x-tfs-fedauthredirect': 'Suppress' });
    if (r.kind !== 'response' || r.status !== c.status) throw new Error(`bench: sequential replay of ${new URL(c.url).pathname} failed`);
  }
  const ms = performance.now() - started;
  await dispatcher.close();
  return ms;
}

/** The CLI's figures of one latency, also measured for the baseline bundles. */
type CliFigures = Pick<LatencyResult, 'cliMs' | 'cliOfflineMs' | 'cliMinusOfflineMs' | 'cliMinusColdStartMs' | 'cliOnlinePeakRssMiB'>;

interface LatencyResult {
  latencyMs: number;
  requestsPerCheck: number;
  inProcessMs: number;
  inProcessExtraCaMs: number;
  cliMs: number;
  /** The same command with --offline, in the same environment (interleaved with the online runs). */
  cliOfflineMs: number;
  /** The network stage: the online run minus that offline run. */
  cliMinusOfflineMs: number;
  /** The online run minus the bundle's cold start measured without NODE_EXTRA_CA_CERTS (the reference before 2026-12-07). */
  cliMinusColdStartMs: number;
  sequentialMs: number;
  nodeApiMs: number;
  nodeApiInScriptMs: number;
  nodeApiRequests: number;
  cliOnlinePeakRssMiB: number;
}

const BUNDLES = ['cli', 'action', 'task'] as const;

function offlineRun(bundle: (typeof BUNDLES)[number], dir: string, dist = DIST): { args: string[]; env: Record<string, string> } {
  const token = tokenFor(0);
  const file = join(dist, bundle, 'index.js');
  const inputs = { INPUT_PROVIDER: 'azure-devops', INPUT_URL: 'https://dev.azure.com/fabrikam', INPUT_TOKEN: token, INPUT_OFFLINE: 'true' };
  if (bundle === 'cli')
    return {
      args: [file, '--offline', '--provider', 'azure-devops', '--url', 'https://dev.azure.com/fabrikam'],
      env: { AZURE_DEVOPS_PAT: token },
    };
  if (bundle === 'action') {
    const out = join(dir, 'github-output');
    writeFileSync(out, '');
    return { args: [file], env: { ...inputs, GITHUB_OUTPUT: out } };
  }
  return { args: [file], env: { ...inputs, AGENT_TEMPDIRECTORY: dir } };
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

type Bundle = (typeof BUNDLES)[number];

interface BundleResult {
  bundle: Bundle;
  coldStartMs: number;
  indexJsKiB: number;
  folderKiB: number;
  peakRssMiB: number;
}

interface ManyResult {
  credentials: number;
  hosts: number;
  latencyMs: number;
  wallMs: number;
  perCredentialMs: number;
  multipleOfL: number;
  cliMs: number | null;
  cliPeakRssMiB: number | null;
}

/** Runs `fn` for the new bundles and, when given, the baseline ones, alternately, so both see the same load. */
async function interleaved<T>(n: number, fn: (dist: string) => Promise<T>): Promise<{ now: T[]; was: T[] }> {
  const now: T[] = [];
  const was: T[] = [];
  for (let i = 0; i < n; i++) {
    now.push(await fn(DIST));
    if (BASELINE_DIST) was.push(await fn(BASELINE_DIST));
  }
  return { now, was };
}

async function measureBundles(work: string): Promise<{ now: BundleResult[]; was: BundleResult[] }> {
  const now: BundleResult[] = [];
  const was: BundleResult[] = [];
  for (const b of BUNDLES) {
    for (const dist of BASELINE_DIST ? [DIST, BASELINE_DIST] : [DIST]) {
      const run = offlineRun(b, work, dist);
      const first = await runNode(run.args, run.env);
      if (first.code !== 0) throw new Error(`bench: offline ${b} run (${dist}) exited ${first.code}: ${first.stderr.slice(0, 300)}`);
    }
    const cold = await interleaved(RUNS, async (dist) => (await runNode(offlineRun(b, work, dist).args, offlineRun(b, work, dist).env)).ms);
    const rss = await interleaved(3, (dist) => peakRssMiB(offlineRun(b, work, dist).args, offlineRun(b, work, dist).env));
    const figures = (dist: string, coldMs: number[], rssMiB: number[]): BundleResult => ({
      bundle: b,
      coldStartMs: round(median(coldMs)),
      indexJsKiB: round(statSync(join(dist, b, 'index.js')).size / 1024),
      folderKiB: round(dirBytes(join(dist, b)) / 1024),
      peakRssMiB: median(rssMiB),
    });
    now.push(figures(DIST, cold.now, rss.now));
    if (BASELINE_DIST) was.push(figures(BASELINE_DIST, cold.was, rss.was));
  }
  return { now, was };
}

function cliCheckArgs(dist: string, url: string): string[] {
  return [
    join(dist, 'cli', 'index.js'),
    '--provider',
    'azure-devops',
    '--url',
    url,
    '--project',
    PROJECT,
    '--required-scopes',
    SCOPES,
    '--format',
    'json',
  ];
}

async function measureLatency(L: number, cold: { now: number; was?: number }): Promise<{ now: LatencyResult; was?: CliFigures }> {
  const token = tokenFor(0);
  const emu = await startEmulator(L, [token]);
  const url = emu.collectionUrl('fabrikam');
  expectPassed(await checkInProcess(url, token), 'the in-process check'); // warm-up
  emu.clearLog();
  expectPassed(await checkInProcess(url, token), 'the in-process check');
  const log = [...emu.requests];
  const inProcess = await seq(RUNS, async () => {
    const t = performance.now();
    expectPassed(await checkInProcess(url, token), 'the in-process check');
    return performance.now() - t;
  });
  const inProcessCa = await seq(RUNS, async () => {
    const t = performance.now();
    expectPassed(await checkInProcess(url, token, [caPem]), 'the in-process check with an extra CA');
    return performance.now() - t;
  });
  const cliEnv = { AZURE_DEVOPS_PAT: token, NODE_EXTRA_CA_CERTS: caFile };
  // Each online run is followed by the same command with --offline in the same environment: what
  // the process costs around its network stage. Node reads NODE_EXTRA_CA_CERTS (here: the emulator's
  // CA) at start-up, online or offline, so a reference without it would count that as network time.
  const cliPairs = await interleaved(RUNS, async (dist) => {
    const r = await runNode(cliCheckArgs(dist, url), cliEnv);
    if (r.code !== 0)
      throw new Error(`bench: CLI online run (${dist}) exited ${r.code}: ${r.stdout.slice(0, 300)}${r.stderr.slice(0, 300)}`);
    const offline = await runNode([...cliCheckArgs(dist, url), '--offline'], cliEnv);
    if (offline.code === null) throw new Error(`bench: CLI offline run (${dist}) did not exit`);
    return { online: r.ms, offline: offline.ms };
  });
  const cli = { now: cliPairs.now.map((p) => p.online), was: cliPairs.was.map((p) => p.online) };
  const cliOffline = { now: cliPairs.now.map((p) => p.offline), was: cliPairs.was.map((p) => p.offline) };
  const rss = await interleaved(3, (dist) => peakRssMiB(cliCheckArgs(dist, url), cliEnv));
  const seqMs = await seq(RUNS, () => sequential(url, token, log));
  let nodeApiRequests = 0;
  const nodeApi = await seq(HEAVY_RUNS, async () => {
    emu.clearLog();
    const r = await runNode([join(ROOT, 'bench', 'azure-devops-node-api.mjs'), url, PROJECT], cliEnv);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { inScriptMs?: number; ok?: boolean };
    if (r.code !== 0 || !out.ok) throw new Error(`bench: azure-devops-node-api script failed (${r.code}): ${r.stderr.slice(0, 400)}`);
    nodeApiRequests = emu.requests.length;
    return { wall: r.ms, inScript: out.inScriptMs ?? NaN };
  });
  await emu.close();
  const now: LatencyResult = {
    latencyMs: L,
    requestsPerCheck: log.length,
    inProcessMs: round(median(inProcess)),
    inProcessExtraCaMs: round(median(inProcessCa)),
    cliMs: round(median(cli.now)),
    cliOfflineMs: round(median(cliOffline.now)),
    cliMinusOfflineMs: round(median(cli.now) - median(cliOffline.now)),
    cliMinusColdStartMs: round(median(cli.now) - cold.now),
    sequentialMs: round(median(seqMs)),
    nodeApiMs: round(median(nodeApi.map((x) => x.wall))),
    nodeApiInScriptMs: round(median(nodeApi.map((x) => x.inScript))),
    nodeApiRequests,
    cliOnlinePeakRssMiB: median(rss.now),
  };
  if (!BASELINE_DIST || cold.was === undefined) return { now };
  const was = {
    cliMs: round(median(cli.was)),
    cliOfflineMs: round(median(cliOffline.was)),
    cliMinusOfflineMs: round(median(cli.was) - median(cliOffline.was)),
    cliMinusColdStartMs: round(median(cli.was) - cold.was),
    cliOnlinePeakRssMiB: median(rss.was),
  };
  return { now, was };
}

/** A credentials file of n entries, spread round-robin over the hosts' URLs. */
function credentialsFile(n: number, urls: string[]): string {
  return [
    'defaults:',
    '  provider: azure-devops',
    `  project: ${PROJECT}`,
    `  required-scopes: ${SCOPES}`,
    'credentials:',
    ...Array.from({ length: n }, (_, i) => [
      `  - name: credential-${i}`,
      `    token-env: BENCH_PAT_${i}`,
      `    url: ${urls[i % urls.length]}`,
    ]).flat(),
    '',
  ].join('\n');
}

async function measureMany(work: string): Promise<{ now: ManyResult[]; was: ManyResult[] }> {
  const L = 50;
  const max = Math.max(...MANY);
  const tokens = Array.from({ length: max }, (_, i) => tokenFor(i));
  // Host h answers for every credential i with i % MANY_HOSTS === h.
  const emus = await Promise.all(
    Array.from({ length: MANY_HOSTS }, (_, h) =>
      startEmulator(
        L,
        tokens.filter((_, i) => i % MANY_HOSTS === h),
      ),
    ),
  );
  const tokenEnv = Object.fromEntries(tokens.map((t, i) => [`BENCH_PAT_${i}`, t]));
  const now: ManyResult[] = [];
  const was: ManyResult[] = [];
  for (const n of MANY) {
    const hosts = n >= MANY_HOSTS ? MANY_HOSTS : 1;
    const text = credentialsFile(
      n,
      emus.slice(0, hosts).map((e) => e.collectionUrl('fabrikam')),
    );
    const parsed = parseCredentialsConfig(text, 'bench.yml', NOW);
    if (!parsed.config) throw new Error(`bench: credentials file rejected: ${parsed.findings.map((f) => f.message).join(' ')}`);
    const config = parsed.config;
    const runs = n >= 1000 ? 3 : HEAVY_RUNS;
    const times = await seq(runs, async () => {
      const t = performance.now();
      const report = await runPreflightMany(
        planChecks(config, tokenEnv),
        { now: () => NOW, monotonic: () => performance.now(), env: {} },
        { config: 'bench.yml' },
      );
      if (report.outcome !== 'passed' || report.credentials.length !== n) throw new Error(`bench: ${n} credentials: ${report.outcome}`);
      return performance.now() - t;
    });
    const file = join(work, `credentials-${n}.yml`);
    writeFileSync(file, text);
    const env = { ...tokenEnv, NODE_EXTRA_CA_CERTS: caFile };
    const cliRun = async (dist: string) => {
      const r = await runNode([join(dist, 'cli', 'index.js'), '--config', file, '--format', 'json'], env);
      if (r.code !== 0)
        throw new Error(
          `bench: CLI --config with ${n} credentials (${dist}) exited ${r.code}: ${r.stdout.slice(0, 300)}${r.stderr.slice(0, 300)}`,
        );
      return r.ms;
    };
    const withBaseline = BASELINE_DIST && n <= BASELINE_MAX_CREDENTIALS;
    const cli = withBaseline ? await interleaved(runs, cliRun) : { now: await seq(runs, () => cliRun(DIST)), was: [] };
    const cliArgs = (dist: string) => [join(dist, 'cli', 'index.js'), '--config', file, '--format', 'json'];
    const rss = withBaseline
      ? await interleaved(3, (d) => peakRssMiB(cliArgs(d), env))
      : { now: await seq(3, () => peakRssMiB(cliArgs(DIST), env)), was: [] };
    const row = (cliMs: number[], rssMiB: number[]): ManyResult => ({
      credentials: n,
      hosts,
      latencyMs: L,
      wallMs: round(median(times)),
      perCredentialMs: round(median(times) / n, 1),
      multipleOfL: round(median(times) / L, 1),
      cliMs: cliMs.length ? round(median(cliMs)) : null,
      cliPeakRssMiB: rssMiB.length ? median(rssMiB) : null,
    });
    now.push(row(cli.now, rss.now));
    if (withBaseline) was.push(row(cli.was, rss.was));
  }
  await Promise.all(emus.map((e) => e.close()));
  return { now, was };
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  for (const dist of BASELINE_DIST ? [DIST, BASELINE_DIST] : [DIST])
    for (const b of BUNDLES)
      if (!existsSync(join(dist, b, 'index.js')))
        throw new Error(`bench: ${join(dist, b, 'index.js')} is missing; run npm run build first`);
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    loadavg: (await import('node:os')).loadavg().map((x) => round(x, 2)),
    runs: RUNS,
    heavyRuns: HEAVY_RUNS,
    peakRssMethod: GNU_TIME ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS',
    baseline: BASELINE_DIST ? `bundles in ${BASELINE_DIST}, measured in this run` : `recorded in bench/baseline.json`,
  };
  const work = mkdtempSync(join(tmpdir(), 'cp-bench-'));

  // 2. Cold start, sizes, peak RSS (first: it needs no emulator).
  const nodeBaseline = median(await seq(RUNS, async () => (await runNode(['-e', '0'], {})).ms));
  const nodeBaselineCa = median(await seq(RUNS, async () => (await runNode(['-e', '0'], { NODE_EXTRA_CA_CERTS: caFile })).ms));
  const bundles = await measureBundles(work);
  const coldOf = (list: BundleResult[]) => list.find((b) => b.bundle === 'cli')?.coldStartMs;

  // 1. One full check at latency L.
  const latency: LatencyResult[] = [];
  const latencyWas: Array<CliFigures & { latencyMs: number }> = [];
  for (const L of LATENCIES) {
    const r = await measureLatency(L, { now: coldOf(bundles.now)!, was: coldOf(bundles.was) });
    latency.push(r.now);
    if (r.was) latencyWas.push({ latencyMs: L, ...r.was });
  }

  // 3. Many credentials in one credentials file, the way `--config` / the `config` input runs them:
  // parsed, planned and checked concurrently by runPreflightMany in-process, and through the CLI.
  const many = await measureMany(work);
  rmSync(work, { recursive: true, force: true });

  const results = {
    machine,
    method: 'medians; wall time from spawn to exit for bundles and the node-api script, from call to settled promise in-process',
    bundles: bundles.now,
    nodeBaselineMs: round(nodeBaseline),
    nodeBaselineCaMs: round(nodeBaselineCa),
    latency,
    many: many.now,
    baselineInThisRun: BASELINE_DIST ? { bundles: bundles.was, latency: latencyWas, many: many.was } : null,
    hostile: await (await import('./hostile.js')).benchHostile(ROOT),
    benchSeconds: round((performance.now() - benchStarted) / 1000, 1),
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const recorded = existsSync(RECORDED_FILE) ? (JSON.parse(readFileSync(RECORDED_FILE, 'utf8')) as Recorded) : undefined;
  process.stdout.write(markdown(results, recorded));
}

async function seq<T>(n: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

/** bench/baseline.json: a results.json from before the start-up work (its many-credentials rows used one host). */
interface Recorded {
  machine: Record<string, unknown>;
  bundles: BundleResult[];
  nodeBaselineMs: number;
  latency: LatencyResult[];
}

interface Results {
  machine: Record<string, unknown>;
  bundles: BundleResult[];
  nodeBaselineMs: number;
  /** `node -e 0` with NODE_EXTRA_CA_CERTS set to the emulator's CA. */
  nodeBaselineCaMs: number;
  latency: LatencyResult[];
  many: ManyResult[];
  baselineInThisRun: {
    bundles: BundleResult[];
    latency: Array<CliFigures & { latencyMs: number }>;
    many: ManyResult[];
  } | null;
  benchSeconds: number;
}

/** `now` with its baseline beside it: `62 MiB (was 99 MiB)`. */
const beside = (now: string, was: string | undefined): string => (was === undefined ? now : `${now} (was ${was})`);

function latencyRows(r: Results, recorded: Recorded | undefined): string[] {
  return r.latency.map((x) => {
    const ofL = (ms: number): string => (x.latencyMs === 0 ? `${ms} ms` : `${ms} ms = ${round(ms / x.latencyMs, 1)}×L`);
    const old = recorded?.latency.find((o) => o.latencyMs === x.latencyMs);
    const same = r.baselineInThisRun?.latency.find((o) => o.latencyMs === x.latencyMs);
    const cliWas: Partial<CliFigures> | undefined = same ?? old;
    // bench/baseline.json predates the offline reference in the same environment: its own reference then.
    const wasNetwork = (w: Partial<CliFigures>): string =>
      w.cliMinusOfflineMs !== undefined ? ofL(w.cliMinusOfflineMs) : `${ofL(w.cliMinusColdStartMs ?? NaN)} over its cold start`;
    const cli = beside(`${x.cliMs} ms, ${ofL(x.cliMinusOfflineMs)}`, cliWas && `${cliWas.cliMs} ms, ${wasNetwork(cliWas)}`);
    return `| ${x.latencyMs} ms | ${x.requestsPerCheck} | ${beside(ofL(x.inProcessMs), old && ofL(old.inProcessMs))} | ${beside(ofL(x.inProcessExtraCaMs), old && ofL(old.inProcessExtraCaMs))} | ${cli} | ${ofL(x.sequentialMs)} | ${x.nodeApiMs} ms (${ofL(x.nodeApiInScriptMs)}, ${x.nodeApiRequests} requests) |`;
  });
}

function bundleRows(r: Results, recorded: Recorded | undefined): string[] {
  return r.bundles.map((b) => {
    const same = r.baselineInThisRun?.bundles.find((o) => o.bundle === b.bundle);
    const old = same ?? recorded?.bundles.find((o) => o.bundle === b.bundle);
    const oldNode = same ? r.nodeBaselineMs : recorded?.nodeBaselineMs;
    const cold = (x: BundleResult, node: number): string => `${x.coldStartMs} ms (+${round(x.coldStartMs - node)})`;
    return `| ${b.bundle} | ${beside(cold(b, r.nodeBaselineMs), old && cold(old, oldNode!))} | ${beside(`${b.indexJsKiB} KiB`, old && `${old.indexJsKiB} KiB`)} | ${beside(`${b.folderKiB} KiB`, old && `${old.folderKiB} KiB`)} | ${beside(`${b.peakRssMiB} MiB`, old && `${old.peakRssMiB} MiB`)} |`;
  });
}

function manyRows(r: Results): string[] {
  return r.many.map((x) => {
    const old = r.baselineInThisRun?.many.find((o) => o.credentials === x.credentials);
    const ms = (v: number | null): string | undefined => (v === null ? undefined : `${v} ms`);
    const mib = (v: number | null): string | undefined => (v === null ? undefined : `${v} MiB`);
    return `| ${x.credentials} | ${x.hosts} | ${x.wallMs} ms | ${x.perCredentialMs} ms | ${x.multipleOfL}×L | ${beside(ms(x.cliMs) ?? '—', old ? ms(old.cliMs) : undefined)} | ${beside(mib(x.cliPeakRssMiB) ?? '—', old ? mib(old.cliPeakRssMiB) : undefined)} |`;
  });
}

function markdown(r: Results, recorded: Recorded | undefined): string {
  const m = r.machine;
  const rec = recorded?.machine;
  const rssWas = (L: number): string | undefined => {
    const v = (r.baselineInThisRun?.latency ?? recorded?.latency)?.find((o) => o.latencyMs === L)?.cliOnlinePeakRssMiB;
    return v === undefined ? undefined : `${v} MiB`;
  };
  const lines = [
    `Machine: ${m.nproc} × ${m.cpu}, Node ${m.node}, load average ${(m.loadavg as number[]).join(' / ')} at start; medians of ${m.runs} runs (${m.heavyRuns} for the node-api script and many credentials, 3 for 1,000); peak RSS by ${m.peakRssMethod}.`,
    `Baselines ("was"): ${m.baseline}${rec ? ` (recorded ${String(rec.date).slice(0, 16)}, load average ${(rec.loadavg as number[]).join(' / ')})` : ''}.`,
    '',
    '**One full Azure DevOps check** (identity, project, five read scopes; Server on 127.0.0.1 with latency L per answer)',
    '',
    `Median wall time, and as a multiple of L. The CLI column is spawn to exit, then the same minus the same command with \`--offline\` in the same environment (run right after each online run): the network stage. Node reads NODE_EXTRA_CA_CERTS (the emulator's CA, as a self-hosted Server's users set it) at start-up, online or offline: \`node -e 0\` takes ${r.nodeBaselineCaMs} ms with it here, ${r.nodeBaselineMs} ms without. Minus the bundle's cold start measured without it (the reference before 2026-12-07) the CLI figures would read ${r.latency.map((x) => `${x.cliMinusColdStartMs} ms at L = ${x.latencyMs} ms`).join(', ')}. L = 0 is the fixed cost (TLS handshakes, CPU) on this machine. The emulator runs in the bench process and shares its CPU.`,
    '',
    '| L | requests | in-process | in-process, agent CA file (task) | CLI bundle: wall, − the same command offline | same requests one after another | azure-devops-node-api script (in-script) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...latencyRows(r, recorded),
    '',
    `Peak RSS of the CLI during this online check: ${r.latency.map((x) => `${beside(`${x.cliOnlinePeakRssMiB} MiB`, rssWas(x.latencyMs))} at L = ${x.latencyMs} ms`).join(', ')}.`,
    '',
    `**Bundles** (cold start = an offline run, spawn to exit, and how much longer than \`node -e 0\`, which takes ${r.nodeBaselineMs} ms here; folder = index.js and the chunks it loads on demand)`,
    '',
    '| bundle | cold start | index.js | folder | peak RSS |',
    '| --- | --- | --- | --- | --- |',
    ...bundleRows(r, recorded),
    '',
    `**Many credentials in one credentials file** (all checked at once; from 10 on spread round-robin over ${MANY_HOSTS} hosts; L = ${r.many[0]?.latencyMs} ms; in-process through runPreflightMany, and the CLI \`--config\` from spawn to exit; the old CLI took at most ${BASELINE_MAX_CREDENTIALS})`,
    '',
    '| credentials | hosts | in-process | per credential | as a multiple of L | CLI --config | CLI peak RSS |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...manyRows(r),
    '',
    `(bench took ${r.benchSeconds} s; raw numbers in bench/results.json)`,
    '',
  ];
  return lines.join('\n');
}

if (process.env.NODE_EXTRA_CA_CERTS !== caFile) {
  // Node reads NODE_EXTRA_CA_CERTS only at start-up: run again with it (the CA now exists on disk).
  const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } });
  child.on('close', (code) => (process.exitCode = code ?? 1));
} else {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
