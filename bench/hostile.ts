/**
 * Hostile servers (issue #11): peak memory and wall time of a full CLI check against a server that
 * sends an endless body, one that announces 1 GiB and streams it, and one that streams 50 MiB without
 * announcing a length. The HTTP client stops reading past 1 MiB (src/core/http/limits.ts), so the
 * run stays small (target ≤ 150 MiB) and ends long before its deadline. Numbers, never assertions:
 * called from bench/bench.ts, written to bench/results.json and docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { caFile, serverCert, serverKey } from '../__tests__/emulators/tls.js';
import { azureDevOpsPat } from '../__tests__/support/tokens.js';

type Kind = 'endless body' | '1 GiB announced, streamed' | '50 MiB streamed, no length';
const KINDS: readonly Kind[] = ['endless body', '1 GiB announced, streamed', '50 MiB streamed, no length'];
const DEADLINE_SECONDS = 20;
const CHUNK = Buffer.alloc(64 * 1024, 0x20); // JSON whitespace: valid until it ends

interface HostileResult {
  server: Kind;
  wallMs: number;
  peakRssMiB: number;
  /** What the server managed to send before the client hung up (socket buffers included). */
  sentMiB: number;
  deadlineSeconds: number;
  exitCode: number | null;
  codes: string[];
}

/** Writes `limit` bytes (Infinity: until the client goes), respecting backpressure. */
function stream(res: ServerResponse, limit: number, sent: { bytes: number }): void {
  const pump = (): void => {
    while (!res.destroyed && sent.bytes < limit) {
      sent.bytes += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.write('{"value":[');
  pump();
}

function hostileServer(kind: Kind, sent: { bytes: number }): Promise<Server> {
  const server = createServer({ key: serverKey, cert: serverCert }, (req, res) => {
    req.resume();
    res.on('error', () => undefined); // the client hanging up mid-body is the point
    if (kind === '1 GiB announced, streamed') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
      return stream(res, 1024 ** 3, sent);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    stream(res, kind === 'endless body' ? Infinity : 50 * 1024 * 1024, sent);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs node with `args`; wall time from spawn to exit, peak RSS by GNU time or a preload. */
async function measure(
  args: string[],
  env: Record<string, string>,
): Promise<{ ms: number; rssMiB: number; code: number | null; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-hostile-'));
  const out = join(dir, 'rss');
  const gnuTime = existsSync('/usr/bin/time');
  let command = [process.execPath, ...args];
  if (gnuTime) command = ['/usr/bin/time', '-f', '%M', '-o', out, ...command];
  else {
    const preload = join(dir, 'rss.mjs');
    writeFileSync(
      preload,
      `import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(${JSON.stringify(out)},String(process.resourceUsage().maxRSS)));`,
    );
    command = [process.execPath, '--import', preload, ...args];
  }
  const started = performance.now();
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NODE_OPTIONS: '', ...env } });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: text }));
  });
  const ms = performance.now() - started;
  const kb = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
  rmSync(dir, { recursive: true, force: true });
  return { ms, rssMiB: Math.round((kb / 1024) * 10) / 10, code, stdout };
}

async function against(root: string, kind: Kind): Promise<HostileResult> {
  const sent = { bytes: 0 };
  const server = await hostileServer(kind, sent);
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/DefaultCollection`;
  const cli = join(root, 'dist', 'cli', 'index.js');
  const args = [cli, '--provider', 'azure-devops', '--url', url, '--timeout-seconds', String(DEADLINE_SECONDS), '--format', 'json'];
  const run = await measure(args, {
    AZURE_DEVOPS_PAT: azureDevOpsPat(new Date(), 0, 'FAKEx0HOSTILEx0NOTxREAL'),
    NODE_EXTRA_CA_CERTS: caFile,
  });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  let codes: string[] = [];
  try {
    codes = [...new Set((JSON.parse(run.stdout) as { findings: Array<{ code: string }> }).findings.map((f) => f.code))];
  } catch {
    codes = ['(no JSON report)'];
  }
  return {
    server: kind,
    wallMs: Math.round(run.ms),
    peakRssMiB: run.rssMiB,
    sentMiB: Math.round((sent.bytes / 1048576) * 10) / 10,
    deadlineSeconds: DEADLINE_SECONDS,
    exitCode: run.code,
    codes,
  };
}

/** Runs the CLI bundle against each hostile server, prints a Markdown table and returns the rows. */
export async function benchHostile(root: string): Promise<HostileResult[]> {
  const rows: HostileResult[] = [];
  for (const kind of KINDS) rows.push(await against(root, kind));
  const lines = [
    '',
    '| hostile server | wall time | peak RSS | sent before the client hung up | exit | findings |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.server} | ${r.wallMs} ms (deadline ${r.deadlineSeconds} s) | ${r.peakRssMiB} MiB | ${r.sentMiB} MiB | ${r.exitCode} | ${r.codes.join(', ')} |`,
    ),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return rows;
}
