/**
 * `npm run bench` (compiled and started by scripts/bench.mjs). Numbers for the README, never asserted
 * in tests. Everything runs against the local Azure DevOps emulator (Server shape on 127.0.0.1) with
 * an injected latency L per answer; nothing leaves the machine.
 *
 * 1. A full check (identity, project, five read scopes) as a multiple of L: in-process through
 *    runPreflight, through the CLI bundle, the same requests one after another, and a script doing it
 *    with azure-devops-node-api (bench/azure-devops-node-api.mjs).
 * 2. Cold start of each bundle (an offline run), bundle sizes, peak RSS.
 * 3. Many credentials in one run (10, 100): how the cost grows.
 * Medians over several runs; the machine is noted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../src/core/http/client.js';
import { createTransport } from '../src/core/http/transport.js';
import { parseCredentialsConfig, MAX_CREDENTIALS } from '../src/core/config.js';
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
const MANY = [1, 10, 50, 100];
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

interface LatencyResult {
  latencyMs: number;
  requestsPerCheck: number;
  inProcessMs: number;
  inProcessExtraCaMs: number;
  cliMs: number;
  cliMinusColdStartMs: number;
  sequentialMs: number;
  nodeApiMs: number;
  nodeApiInScriptMs: number;
  nodeApiRequests: number;
  cliOnlinePeakRssMiB: number;
}

const BUNDLES = ['cli', 'action', 'task'] as const;

function offlineRun(bundle: (typeof BUNDLES)[number], dir: string): { args: string[]; env: Record<string, string> } {
  const token = tokenFor(0);
  const file = join(ROOT, 'dist', bundle, 'index.js');
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

async function main(): Promise<void> {
  const benchStarted = performance.now();
  for (const b of BUNDLES)
    if (!existsSync(join(ROOT, 'dist', b, 'index.js'))) throw new Error(`bench: dist/${b}/index.js is missing; run npm run build first`);
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    loadavg: (await import('node:os')).loadavg().map((x) => round(x, 2)),
    runs: RUNS,
    heavyRuns: HEAVY_RUNS,
    peakRssMethod: GNU_TIME ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS',
  };
  const work = mkdtempSync(join(tmpdir(), 'cp-bench-'));

  // 2. Cold start, sizes, peak RSS (first: it needs no emulator).
  const nodeBaseline = median(await seq(RUNS, async () => (await runNode(['-e', '0'], {})).ms));
  const bundles = [];
  for (const b of BUNDLES) {
    const run = offlineRun(b, work);
    const first = await runNode(run.args, run.env);
    if (first.code !== 0) throw new Error(`bench: offline ${b} run exited ${first.code}: ${first.stderr.slice(0, 300)}`);
    const coldMs = median(await seq(RUNS, async () => (await runNode(run.args, run.env)).ms));
    bundles.push({
      bundle: b,
      coldStartMs: round(coldMs),
      indexJsKiB: round(statSync(join(ROOT, 'dist', b, 'index.js')).size / 1024),
      folderKiB: round(dirBytes(join(ROOT, 'dist', b)) / 1024),
      peakRssMiB: median(await seq(3, () => peakRssMiB(run.args, run.env))),
    });
  }
  const cliCold = bundles.find((b) => b.bundle === 'cli')!.coldStartMs;

  // 1. One full check at latency L.
  const latency: LatencyResult[] = [];
  for (const L of LATENCIES) {
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
    const cliArgs = [
      join(ROOT, 'dist', 'cli', 'index.js'),
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
    const cliEnv = { AZURE_DEVOPS_PAT: token, NODE_EXTRA_CA_CERTS: caFile };
    const cli = await seq(RUNS, async () => {
      const r = await runNode(cliArgs, cliEnv);
      if (r.code !== 0) throw new Error(`bench: CLI online run exited ${r.code}: ${r.stdout.slice(0, 300)}${r.stderr.slice(0, 300)}`);
      return r.ms;
    });
    const cliOnlinePeakRssMiB = median(await seq(3, () => peakRssMiB(cliArgs, cliEnv)));
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
    latency.push({
      latencyMs: L,
      requestsPerCheck: log.length,
      inProcessMs: round(median(inProcess)),
      inProcessExtraCaMs: round(median(inProcessCa)),
      cliMs: round(median(cli)),
      cliMinusColdStartMs: round(median(cli) - cliCold),
      sequentialMs: round(median(seqMs)),
      nodeApiMs: round(median(nodeApi.map((x) => x.wall))),
      nodeApiInScriptMs: round(median(nodeApi.map((x) => x.inScript))),
      nodeApiRequests,
      cliOnlinePeakRssMiB,
    });
  }

  // 3. Many credentials in one run, the way `--config` / the `config` input runs them: parsed from
  // a credentials file, planned and checked concurrently by runPreflightMany (in-process for 1, 10
  // and 100 — the file allows MAX_CREDENTIALS — and through the CLI bundle up to that limit).
  const L = 50;
  const tokens = Array.from({ length: Math.max(...MANY) }, (_, i) => tokenFor(i));
  const emu = await startEmulator(L, tokens);
  const url = emu.collectionUrl('fabrikam');
  const tokenEnv = Object.fromEntries(tokens.map((t, i) => [`BENCH_PAT_${i}`, t]));
  const configText = (n: number): string =>
    [
      'defaults:',
      '  provider: azure-devops',
      `  url: ${url}`,
      `  project: ${PROJECT}`,
      `  required-scopes: ${SCOPES}`,
      'credentials:',
      ...tokens.slice(0, n).flatMap((_, i) => [`  - name: credential-${i}`, `    token-env: BENCH_PAT_${i}`]),
      '',
    ].join('\n');
  const many = [];
  for (const n of MANY) {
    const text = configText(n);
    // The file limit does not apply in-process: the parsed entries are repeated past it.
    const parsed = parseCredentialsConfig(configText(Math.min(n, MAX_CREDENTIALS)), 'bench.yml', NOW);
    if (!parsed.config) throw new Error(`bench: credentials file rejected: ${parsed.findings.map((f) => f.message).join(' ')}`);
    const first = parsed.config.entries[0]!;
    const entries = Array.from({ length: n }, (_, i) => ({ ...first, name: `credential-${i}`, tokenEnv: `BENCH_PAT_${i}` }));
    const config = { ...parsed.config, entries };
    const times = await seq(HEAVY_RUNS, async () => {
      const t = performance.now();
      const report = await runPreflightMany(
        planChecks(config, tokenEnv),
        { now: () => NOW, monotonic: () => performance.now(), env: {} },
        { config: 'bench.yml' },
      );
      if (report.outcome !== 'passed' || report.credentials.length !== n) throw new Error(`bench: ${n} credentials: ${report.outcome}`);
      return performance.now() - t;
    });
    let cliMs: number | null = null;
    if (n > 1 && n <= MAX_CREDENTIALS) {
      const file = join(work, `credentials-${n}.yml`);
      writeFileSync(file, text);
      const cli = await seq(HEAVY_RUNS, async () => {
        const r = await runNode([join(ROOT, 'dist', 'cli', 'index.js'), '--config', file, '--format', 'json'], {
          ...tokenEnv,
          NODE_EXTRA_CA_CERTS: caFile,
        });
        if (r.code !== 0)
          throw new Error(`bench: CLI --config with ${n} credentials exited ${r.code}: ${r.stdout.slice(0, 300)}${r.stderr.slice(0, 300)}`);
        return r.ms;
      });
      cliMs = round(median(cli));
    }
    const rss = process.memoryUsage().rss;
    many.push({
      credentials: n,
      latencyMs: L,
      wallMs: round(median(times)),
      perCredentialMs: round(median(times) / n, 1),
      multipleOfL: round(median(times) / L, 1),
      cliMs,
      benchRssMiB: round(rss / 1048576, 1),
    });
  }
  await emu.close();
  rmSync(work, { recursive: true, force: true });

  const results = {
    machine,
    method: 'medians; wall time from spawn to exit for bundles and the node-api script, from call to settled promise in-process',
    bundles,
    nodeBaselineMs: round(nodeBaseline),
    latency,
    many,
    hostile: await (await import('./hostile.js')).benchHostile(ROOT),
    benchSeconds: round((performance.now() - benchStarted) / 1000, 1),
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(markdown(results));
}

async function seq<T>(n: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

function markdown(r: {
  machine: Record<string, unknown>;
  bundles: { bundle: string; coldStartMs: number; indexJsKiB: number; folderKiB: number; peakRssMiB: number }[];
  nodeBaselineMs: number;
  latency: LatencyResult[];
  many: {
    credentials: number;
    latencyMs: number;
    wallMs: number;
    perCredentialMs: number;
    multipleOfL: number;
    cliMs: number | null;
    benchRssMiB: number;
  }[];
  benchSeconds: number;
}): string {
  const m = r.machine;
  const lines = [
    `Machine: ${m.nproc} × ${m.cpu}, Node ${m.node}, load average ${(m.loadavg as number[]).join(' / ')} at start; medians of ${m.runs} runs (${m.heavyRuns} for the node-api script and many credentials); peak RSS by ${m.peakRssMethod}.`,
    '',
    '**One full Azure DevOps check** (identity, project, five read scopes; Server on 127.0.0.1 with latency L per answer)',
    '',
    'Median wall time, and as a multiple of L. The CLI column subtracts its own offline cold start (process start); L = 0 is the fixed cost (TLS handshakes, CPU) on this machine. The emulator runs in the bench process and shares its CPU.',
    '',
    '| L | requests | in-process | in-process, agent CA file (task) | CLI bundle (− cold start) | same requests one after another | azure-devops-node-api script (in-script) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.latency.map((x) => {
      const ofL = (ms: number): string => (x.latencyMs === 0 ? `${ms} ms` : `${ms} ms = ${round(ms / x.latencyMs, 1)}×L`);
      return `| ${x.latencyMs} ms | ${x.requestsPerCheck} | ${ofL(x.inProcessMs)} | ${ofL(x.inProcessExtraCaMs)} | ${x.cliMs} ms (${ofL(x.cliMinusColdStartMs)}) | ${ofL(x.sequentialMs)} | ${x.nodeApiMs} ms (${ofL(x.nodeApiInScriptMs)}, ${x.nodeApiRequests} requests) |`;
    }),
    '',
    `Peak RSS of the CLI during this online check: ${r.latency.map((x) => `${x.cliOnlinePeakRssMiB} MiB (L = ${x.latencyMs} ms)`).join(', ')}.`,
    '',
    `**Bundles** (cold start = an offline run, spawn to exit; \`node -e 0\` takes ${r.nodeBaselineMs} ms here)`,
    '',
    '| bundle | cold start | index.js | folder | peak RSS |',
    '| --- | --- | --- | --- | --- |',
    ...r.bundles.map((b) => `| ${b.bundle} | ${b.coldStartMs} ms | ${b.indexJsKiB} KiB | ${b.folderKiB} KiB | ${b.peakRssMiB} MiB |`),
    '',
    `**Many credentials in one run** (a credentials file, all checked at once by runPreflightMany; L = ${r.many[0]?.latencyMs} ms; the CLI \`--config\` column includes process start; files take at most ${MAX_CREDENTIALS} credentials)`,
    '',
    '| credentials | in-process | per credential | as a multiple of L | CLI --config | bench process RSS after |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.many.map(
      (x) =>
        `| ${x.credentials} | ${x.wallMs} ms | ${x.perCredentialMs} ms | ${x.multipleOfL}×L | ${x.cliMs === null ? '—' : `${x.cliMs} ms`} | ${x.benchRssMiB} MiB |`,
    ),
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
