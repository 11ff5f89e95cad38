/**
 * The first wave (src/core/http/first-wave.ts): with the production transport, a check's first GETs
 * go out through Node's own HTTPS client while the network stack loads, under the HTTP client's
 * rules. Which client sent a request is seen by the server: Node's client with `agent: false` sends
 * `connection: close`, undici `connection: keep-alive`. Where a test must show that nothing but the
 * first wave answered, the network stack never loads (its loader's promise never settles): a request
 * that needed undici would never be answered.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { HttpClient, type HttpClientOptions, type HttpOutcome } from '../../src/core/http/client.js';
import { loadNetworkStack, type NetworkStack } from '../../src/core/http/load.js';
import type { HttpLogEntry } from '../../src/core/http/log.js';
import { createTransport, type Transport, type TransportOptions } from '../../src/core/http/transport.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { startForwardProxy } from '../emulators/proxy.js';
import { caPem, certificateFor } from '../emulators/tls.js';
import { onlineDeps, preflight, TEST_HTTP } from '../support/online.js';
import { CAPPED_ANNOUNCED, CAPPED_ENDLESS, oversizedBodies } from '../support/oversized-bodies.js';
import { azureDevOpsPat } from '../support/tokens.js';

const NOW = new Date();
const GOOD = azureDevOpsPat(NOW, 0, 'FAKEx0FIRSTx0WAVEx0NOTxREAL');
const PROJECT = 'Fabrikam-Fiber';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];
const transports: Transport[] = [];
const rawServers: net.Server[] = [];

/** A server on 127.0.0.1 (plain HTTP, or HTTPS with `cert`) that records which client sent each request. */
async function serve(handler: Handler, cert?: { key: string; cert: string }): Promise<{ origin: string; clients: string[] }> {
  const clients: string[] = [];
  const server = (cert ? https.createServer(cert) : http.createServer()).on('request', (req: http.IncomingMessage, res) => {
    clients.push(req.headers.connection === 'close' ? 'node' : 'undici');
    handler(req, res as http.ServerResponse);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `${cert ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`, clients };
}

/**
 * The stack as a fresh process sees it: not loaded until this loader resolves (in this test file an
 * earlier test has loaded it, and a client that finds it loaded sends no first wave).
 */
const freshStack = (): Promise<NetworkStack> => loadNetworkStack();

const NEVER = (): Promise<never> => new Promise<never>(() => undefined);

/**
 * A client as runOnline builds it (a transport created on first need, the first wave on). With
 * `stack: 'never'` the network stack never finishes loading, so only the first wave can answer.
 */
function production(origin: string, extra: Partial<HttpClientOptions> & { stack?: 'never'; settings?: TransportOptions } = {}): HttpClient {
  const { stack, settings = { env: {}, extraCaPems: [caPem] }, ...rest } = extra;
  return new HttpClient({
    dispatcher:
      stack === 'never'
        ? NEVER
        : async () => {
            const t = (await loadNetworkStack()).createTransport(settings);
            transports.push(t);
            return t;
          },
    firstWave: settings,
    loadNetworkStack: stack === 'never' ? NEVER : loadNetworkStack,
    credential: { name: 'authorization', value: 'Bearer SECRET-VALUE' },
    credentialOrigins: [origin],
    minBackoffMs: 1,
    maxBackoffMs: 50,
    ...rest,
  });
}

/** The same request through undici (an injected transport, as the tests inject everywhere): the answer to compare with. */
function throughUndici(origin: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
  const t = createTransport({ env: {}, extraCaPems: [caPem] });
  transports.push(t);
  return new HttpClient({
    dispatcher: t,
    credential: { name: 'authorization', value: 'Bearer SECRET-VALUE' },
    credentialOrigins: [origin],
    minBackoffMs: 1,
    maxBackoffMs: 50,
    ...extra,
  });
}

const failure = (r: HttpOutcome): unknown => (r.kind === 'network' ? { code: r.code, detail: r.detail } : { status: r.status });

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.destroy()));
  const list = servers.splice(0);
  for (const s of list) s.closeAllConnections();
  await Promise.all(rawServers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await Promise.all(list.map((s) => new Promise((r) => s.close(r))));
});

describe('a Server check with the production transport', () => {
  let emu: AzureDevOpsEmulator;
  beforeAll(async () => {
    emu = await startAzureDevOpsEmulator({
      mode: 'server',
      organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000f01', name: PROJECT }] }],
      tokens: {
        [GOOD]: {
          user: { id: '00000000-fa4e-7e57-0000-0000000000f1', displayName: 'First Wave', uniqueName: 'first.wave@fabrikam.example' },
          organizations: ['fabrikam'],
          scopes: 'full',
        },
      },
    });
  });
  afterAll(async () => emu.close());

  const check = (deps: Parameters<typeof onlineDeps>[2], url = emu.collectionUrl('fabrikam')) =>
    preflight(
      { provider: 'azure-devops', url, project: PROJECT, token: GOOD, requiredScopes: 'vso.project, vso.code, vso.build' },
      onlineDeps(NOW, undefined, { http: { ...TEST_HTTP, maxRetries: 0 }, ...deps }),
    );

  it('passes, and both round-1 requests reached the emulator before the network stack finished loading', async () => {
    emu.clearLog();
    let loading: Promise<NetworkStack> | undefined;
    let seenWhenLoaded: string[] | undefined;
    // The stack loads once the emulator has both round-1 requests (or after a guard that only keeps
    // a broken client from hanging the test): had they waited for the stack, the log would be empty.
    // Called by the client (undici's RetryAgent) and by runOnline (the transport): one load for both.
    const asked: boolean[] = [];
    const observed = (whileWaiting?: boolean): Promise<NetworkStack> => {
      asked.push(whileWaiting ?? false);
      return (loading ??= load());
    };
    const load = async (): Promise<NetworkStack> => {
      let guard: NodeJS.Timeout | undefined;
      await Promise.race([emu.waitForRequest(() => emu.requests.length >= 2), new Promise((r) => (guard = setTimeout(r, 5000)))]);
      clearTimeout(guard);
      const stack = await loadNetworkStack();
      seenWhenLoaded = emu.requests.map((e) => `${e.path}${e.query['api-version'] ? ` ${e.query['api-version']}` : ''}`);
      return stack;
    };
    const r = await check({ env: {}, transport: { extraCaPems: [caPem] }, loadNetworkStack: observed });
    expect(r.outcome).toBe('passed');
    expect(r.identity?.name).toBe('First Wave');
    expect(seenWhenLoaded?.sort()).toEqual(['/fabrikam/_apis/connectionData', '/fabrikam/_apis/projects 99.0']);
    // Loaded while the first wave's answers are awaited: compiled in full then (load.ts), by the first caller's choice.
    expect(asked[0]).toBe(true);
    // Round 1 through Node's HTTPS client, everything after it through undici.
    const round1 = emu.requests.filter((e) => e.path.endsWith('connectionData') || e.query['api-version'] === '99.0');
    expect(round1.map((e) => e.headers.connection)).toEqual(['close', 'close']);
    expect(emu.requests.filter((e) => !round1.includes(e)).map((e) => e.headers.connection)).toEqual(
      expect.arrayContaining(['keep-alive']),
    );
    expect(emu.requests.filter((e) => !round1.includes(e) && e.headers.connection === 'close')).toEqual([]);
    expect(emu.requests.every((e) => e.authScheme === 'Basic')).toBe(true);
  });

  it('with HTTPS_PROXY set and a loopback origin, the first wave goes direct', async () => {
    const proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: emu.port }) });
    try {
      emu.clearLog();
      const r = await check({ env: { HTTPS_PROXY: proxy.url }, transport: { extraCaPems: [caPem] }, loadNetworkStack: freshStack });
      expect(r.outcome).toBe('passed');
      expect(proxy.log).toEqual([]);
      expect(emu.requests.filter((e) => e.headers.connection === 'close')).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });

  // An empty https_proxy counts as unset: it must not hide the HTTPS_PROXY beside it (the request
  // would then go around the proxy, through undici as much as through the first wave).
  it.each([
    ['HTTPS_PROXY', (url: string) => ({ HTTPS_PROXY: url })],
    ['HTTPS_PROXY beside an empty https_proxy', (url: string) => ({ https_proxy: '', HTTPS_PROXY: url })],
  ])('with %s set and a non-loopback origin, every request goes through the proxy (no first wave)', async (_name, proxyEnv) => {
    const proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: emu.port }) });
    try {
      emu.clearLog();
      // Services shape on dev.azure.com: the proxy tunnels it to the emulator (SNI dev.azure.com).
      const services = await startAzureDevOpsEmulator({
        mode: 'services',
        organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000f02', name: PROJECT }] }],
        tokens: {
          [GOOD]: {
            user: { id: '00000000-fa4e-7e57-0000-0000000000f2', displayName: 'Via Proxy', uniqueName: 'via.proxy@fabrikam.example' },
            organizations: ['fabrikam'],
            scopes: 'full',
          },
        },
      });
      const tunnel = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: services.port }) });
      try {
        const r = await check(
          { env: proxyEnv(tunnel.url), transport: { extraCaPems: [caPem] }, loadNetworkStack: freshStack },
          'https://dev.azure.com/fabrikam',
        );
        expect(r.outcome).toBe('passed');
        expect(r.identity?.name).toBe('Via Proxy');
        expect(services.requests.length).toBeGreaterThan(0);
        expect(services.requests.filter((e) => e.headers.connection === 'close')).toEqual([]);
        expect(tunnel.connectTargets.every((t) => t === 'dev.azure.com:443')).toBe(true);
        expect(tunnel.connectTargets.length).toBeGreaterThan(0);
      } finally {
        await tunnel.close();
        await services.close();
      }
    } finally {
      await proxy.close();
    }
  });
});

describe('the stack loads once the first wave is written', () => {
  it('not before: when the server accepts the first wave’s connections, nothing has loaded the stack yet', async () => {
    const { origin: backend, clients } = await serve(
      (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
      certificateFor('valid'),
    );
    // A TCP relay in front of the server: a request can only be written (its TLS handshake done
    // through the relay) after the relay accepted its connection.
    const loadsAtAccept: number[] = [];
    let loads = 0;
    const relayed = new Set<net.Socket>();
    const relay = net.createServer((socket) => {
      loadsAtAccept.push(loads);
      relayed.add(socket);
      const upstream = net.connect(Number(new URL(backend).port), '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    try {
      const origin = `https://127.0.0.1:${(relay.address() as AddressInfo).port}`;
      const c = production(origin, {
        loadNetworkStack: () => {
          loads++;
          return loadNetworkStack();
        },
      });
      const answers = await Promise.all([c.get(`${origin}/a`), c.get(`${origin}/b`)]);
      expect(answers.map((a) => (a.kind === 'response' ? a.status : a.code))).toEqual([200, 200]);
      expect(loadsAtAccept).toEqual([0, 0]);
      expect(loads).toBe(1); // once both were written, while their answers were awaited
      expect(clients).toEqual(['node', 'node']);
    } finally {
      for (const socket of relayed) socket.destroy();
      await new Promise((r) => relay.close(r));
    }
  });
});

describe('the first wave keeps the client’s rules', () => {
  it('TLS: an untrusted certificate fails as through undici (network.tls, same detail)', async () => {
    const { origin, clients } = await serve((_req, res) => res.end('{}'), certificateFor('unknownCa'));
    const first = await production(origin, { stack: 'never', maxRetries: 0 }).get(`${origin}/x`);
    const viaUndici = await throughUndici(origin, { maxRetries: 0 }).get(`${origin}/x`);
    expect(failure(first)).toMatchObject({ code: 'network.tls' });
    expect(failure(first)).toEqual(failure(viaUndici));
    expect(clients).toEqual([]);
  });

  it('TLS: trusts the CA given as extra PEMs (the transport’s secure context), and only through it', async () => {
    const { origin, clients } = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}'), {
      ...certificateFor('valid'),
    });
    expect(await production(origin, { stack: 'never' }).get(`${origin}/x`)).toMatchObject({ status: 200, json: { a: 1 } });
    const untrusting = production(origin, { stack: 'never', maxRetries: 0, settings: { env: {} } });
    expect(await untrusting.get(`${origin}/x`)).toMatchObject({ kind: 'network', code: 'network.tls' });
    expect(clients).toEqual(['node']);
  });

  it('refuses headers past 16 KiB as through undici', async () => {
    const { origin, clients } = await serve((_req, res) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (let i = 0; i < 400; i++) headers[`x-filler-${i}`] = 'x'.repeat(60);
      res.writeHead(200, headers).end('{}');
    });
    const first = await production(origin, { stack: 'never', maxRetries: 0 }).get(`${origin}/`);
    expect(failure(first)).toEqual({ code: 'network.unexpected-response', detail: "the answer's headers ran past 16 KiB" });
    expect(failure(first)).toEqual(failure(await throughUndici(origin, { maxRetries: 0 }).get(`${origin}/`)));
    expect(clients[0]).toBe('node');
  });

  it('caps the body, announced and streamed', async () => {
    const bodies = oversizedBodies();
    const { origin, clients } = await serve(bodies.handler);
    const c = production(origin, { stack: 'never' });
    const [endless, announced] = await Promise.all([c.get(`${origin}/endless`), c.get(`${origin}/announced`)]);
    expect(endless).toMatchObject({ kind: 'network', code: 'network.unexpected-response' });
    expect((endless as { detail: string }).detail).toContain(CAPPED_ENDLESS);
    expect(announced).toMatchObject({ kind: 'network', code: 'network.unexpected-response' });
    expect((announced as { detail: string }).detail).toContain(CAPPED_ANNOUNCED);
    expect(bodies.sent()).toBeLessThan(1024);
    expect(clients).toEqual(['node', 'node']);
  });

  it('times out a server that never answers as through undici (network.timeout, the headers timeout)', async () => {
    const { origin, clients } = await serve(() => undefined);
    const first = await production(origin, { stack: 'never', requestTimeoutMs: 150, maxRetries: 0 }).get(`${origin}/hang`);
    expect(failure(first)).toEqual({ code: 'network.timeout', detail: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(failure(first)).toEqual(failure(await throughUndici(origin, { requestTimeoutMs: 150, maxRetries: 0 }).get(`${origin}/hang`)));
    expect(clients[0]).toBe('node');
  });

  it('times out a body that stops coming as through undici (network.timeout, the body timeout)', async () => {
    const { origin, clients } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
    });
    const first = await production(origin, { stack: 'never', requestTimeoutMs: 150, maxRetries: 0 }).get(`${origin}/stall`);
    expect(failure(first)).toEqual({ code: 'network.timeout', detail: 'UND_ERR_BODY_TIMEOUT' });
    expect(failure(first)).toEqual(failure(await throughUndici(origin, { requestTimeoutMs: 150, maxRetries: 0 }).get(`${origin}/stall`)));
    expect(clients[0]).toBe('node');
  });

  it('ends a body that trickles on past the overall deadline', async () => {
    const { origin, clients } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write('1,'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const r = await production(origin, { stack: 'never', deadlineMs: 1000, requestTimeoutMs: 10_000, maxRetries: 0 }).get(`${origin}/`);
    expect(failure(r)).toEqual({ code: 'network.timeout', detail: 'timed out' });
    expect(clients).toEqual(['node']);
  });

  it('does not follow redirects, and the credential goes to no other origin', async () => {
    let targetHits = 0;
    const target = await serve((_req, res) => {
      targetHits++;
      res.end('{}');
    });
    const { origin, clients } = await serve((_req, res) => res.writeHead(302, { location: `${target.origin}/steal` }).end());
    const c = production(origin, { stack: 'never' });
    expect(await c.get(`${origin}/x`)).toMatchObject({ kind: 'response', status: 302 });
    expect(await c.get(`${target.origin}/steal`)).toMatchObject({ kind: 'network', code: 'network.unexpected-response' });
    expect(targetHits).toBe(0);
    expect(clients).toEqual(['node']);
  });
});

describe('the first wave keeps the retry policy', () => {
  it('a 429 with Retry-After, then 200: retried once through undici, attempts numbered 1 and 2', async () => {
    const statuses: number[] = [];
    const { origin, clients } = await serve((_req, res) => {
      const status = statuses.length === 0 ? 429 : 200;
      statuses.push(status);
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) }).end('{"ok":true}');
    });
    const log: HttpLogEntry[] = [];
    const r = await production(origin, { log: (e) => log.push(e) }).get(`${origin}/x`);
    expect(r).toMatchObject({ kind: 'response', status: 200, json: { ok: true } });
    expect(statuses).toEqual([429, 200]);
    expect(clients).toEqual(['node', 'undici']);
    expect(log.map((e) => [e.status, e.attempt, e.note?.replace(/\d+ ms/, 'N ms')])).toEqual([
      [429, 1, 'retrying in N ms (429)'],
      [200, 2, undefined],
    ]);
  });

  it('a persistent 503: exactly maxRetries + 1 attempts, the last answer returned', async () => {
    const { origin, clients } = await serve((_req, res) => res.writeHead(503).end());
    const log: HttpLogEntry[] = [];
    const r = await production(origin, { maxRetries: 2, log: (e) => log.push(e) }).get(`${origin}/x`);
    expect(r).toMatchObject({ kind: 'response', status: 503 });
    expect(clients).toEqual(['node', 'undici', 'undici']);
    expect(log.map((e) => e.attempt)).toEqual([1, 2, 3]);
    // The same as through undici alone.
    const undiciLog: HttpLogEntry[] = [];
    await throughUndici(origin, { maxRetries: 2, log: (e) => undiciLog.push(e) }).get(`${origin}/x`);
    expect(undiciLog.map((e) => [e.status, e.attempt, e.note?.replace(/\d+ ms/, 'N ms')])).toEqual(
      log.map((e) => [e.status, e.attempt, e.note?.replace(/\d+ ms/, 'N ms')]),
    );
  });

  it('a network error on the first wave is retried through undici like any other', async () => {
    let hits = 0;
    const { origin, clients } = await serve((req, res) => {
      if (++hits === 1) return req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const log: HttpLogEntry[] = [];
    const r = await production(origin, { log: (e) => log.push(e) }).get(`${origin}/x`);
    expect(r).toMatchObject({ kind: 'response', status: 200 });
    expect(clients).toEqual(['node', 'undici']);
    expect(log.map((e) => [e.attempt, e.note?.replace(/\d+ ms/, 'N ms')])).toEqual([
      [1, 'retrying in N ms (UND_ERR_SOCKET)'],
      [2, undefined],
    ]);
  });

  it('a connection that breaks in the middle of the body is retried through undici, as undici retries it', async () => {
    let hits = 0;
    const { origin, clients } = await serve((req, res) => {
      if (++hits === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"cut":', () => req.socket.destroy());
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"whole":true}');
    });
    const log: HttpLogEntry[] = [];
    const r = await production(origin, { log: (e) => log.push(e) }).get(`${origin}/x`);
    expect(r).toMatchObject({ kind: 'response', status: 200, json: { whole: true } });
    expect(clients).toEqual(['node', 'undici']);
    expect(log.map((e) => [e.attempt, e.note?.replace(/\d+ ms/, 'N ms')])).toEqual([
      [1, 'retrying in N ms (UND_ERR_SOCKET)'],
      [2, undefined],
    ]);
  });

  it('a malformed answer is retried and named as undici retries and names it (HTTPParserError)', async () => {
    const bad = 'HTTP/1.1 2xx OK\r\ncontent-length: 0\r\n\r\n';
    const good = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}';
    // Once malformed, then a good answer: recovered through undici.
    const once = await rawServe((n) => (n === 1 ? bad : good));
    const recovered = await production(once.origin).get(`${once.origin}/x`);
    expect(recovered).toMatchObject({ kind: 'response', status: 200 });
    expect(once.clients).toEqual(['node', 'undici']);
    // Always malformed: the same attempts and the same finding as through undici alone.
    const always = await rawServe(() => bad);
    const log: HttpLogEntry[] = [];
    const first = await production(always.origin, { maxRetries: 2, log: (e) => log.push(e) }).get(`${always.origin}/x`);
    const undiciLog: HttpLogEntry[] = [];
    const viaUndici = await throughUndici(always.origin, { maxRetries: 2, log: (e) => undiciLog.push(e) }).get(`${always.origin}/x`);
    expect(failure(first)).toEqual({ code: 'network.unreachable', detail: 'HTTPParserError' });
    expect(failure(first)).toEqual(failure(viaUndici));
    const lines = (l: HttpLogEntry[]) => l.map((e) => [e.attempt, e.note?.replace(/\d+ ms/, 'N ms')]);
    expect(lines(log)).toEqual(lines(undiciLog));
  });
});

/**
 * A plain-TCP server on 127.0.0.1 answering each request with `answer(n)` (n counts requests from 1),
 * for answers Node's HTTP server cannot write (a malformed status line). Records which client sent
 * each request (`connection: close`: Node's, the first wave).
 */
async function rawServe(answer: (n: number) => string): Promise<{ origin: string; clients: string[] }> {
  const clients: string[] = [];
  const server = net.createServer((socket) => {
    let head = '';
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        const request = head.slice(0, head.indexOf('\r\n\r\n'));
        head = head.slice(head.indexOf('\r\n\r\n') + 4);
        clients.push(/^connection: close$/im.test(request) ? 'node' : 'undici');
        socket.end(answer(clients.length));
      }
    });
  });
  rawServers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, clients };
}
