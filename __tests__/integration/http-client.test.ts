import { afterEach, describe, expect, it } from '@jest/globals';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { HttpClient, isLoopback, serverDelayMs } from '../../src/core/http/client.js';
import { classifyNetworkError } from '../../src/core/http/errors.js';
import { CAPPED_ANNOUNCED, CAPPED_ENDLESS, oversizedBodies } from '../support/oversized-bodies.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];
const agents: Agent[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(origin: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const dispatcher = new Agent();
  agents.push(dispatcher);
  return new HttpClient({
    dispatcher,
    credential: { name: 'authorization', value: 'Bearer SECRET-VALUE' },
    credentialOrigins: [origin],
    minBackoffMs: 1,
    maxBackoffMs: 50,
    ...extra,
  });
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.destroy()));
  const list = servers.splice(0);
  for (const s of list) s.closeAllConnections();
  await Promise.all(list.map((s) => new Promise((r) => s.close(r))));
});

describe('HttpClient', () => {
  it('parses JSON only when the content type says JSON and the body parses', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/json') res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"a":1}');
      else if (req.url === '/html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"trunc');
    });
    const c = client(base);
    expect(await c.get(`${base}/json`)).toMatchObject({ kind: 'response', status: 200, isJson: true, json: { a: 1 } });
    expect(await c.get(`${base}/html`)).toMatchObject({ kind: 'response', isJson: false });
    expect(await c.get(`${base}/trunc`)).toMatchObject({ kind: 'response', isJson: false });
  });

  it('sends the credential only to its configured origin', async () => {
    const seen: Array<string | undefined> = [];
    const handler: Handler = (req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    };
    const own = await serve(handler);
    const other = await serve(handler);
    const c = client(own);
    await c.get(`${own}/x`);
    const refused = await c.get(`${other}/x`);
    expect(refused).toMatchObject({ kind: 'network', code: 'network.unexpected-response' });
    expect(seen).toEqual(['Bearer SECRET-VALUE']); // the other server was never contacted
    await c.get(`${other}/x`, {}, false);
    expect(seen).toEqual(['Bearer SECRET-VALUE', undefined]);
  });

  it('never sends the credential over plain http to a non-loopback host', () => {
    const c = client('http://example.test');
    expect(c.mayCarryCredential(new URL('http://example.test/x'))).toBe(false);
    expect(c.mayCarryCredential(new URL('https://example.test/x'))).toBe(false); // other origin (scheme differs)
    expect(client('https://example.test').mayCarryCredential(new URL('https://example.test/a'))).toBe(true);
  });

  it('does not follow redirects (the caller sees the 3xx, the target sees nothing)', async () => {
    let targetHits = 0;
    const target = await serve((_req, res) => {
      targetHits++;
      res.end('{}');
    });
    const base = await serve((_req, res) => res.writeHead(302, { location: `${target}/steal` }).end());
    const r = await client(base).get(`${base}/x`);
    expect(r).toMatchObject({ kind: 'response', status: 302 });
    expect(targetHits).toBe(0);
  });

  it('retries 429 and 5xx a bounded number of times, then returns the last answer', async () => {
    let hits = 0;
    const base = await serve((_req, res) => {
      hits++;
      if (hits <= 2) res.writeHead(hits === 1 ? 429 : 503, { 'retry-after': '0' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    expect(await client(base).get(`${base}/x`)).toMatchObject({ status: 200, json: { ok: true } });
    expect(hits).toBe(3);
    let storm = 0;
    const busy = await serve((_req, res) => {
      storm++;
      res.writeHead(429, { 'retry-after': '0' }).end();
    });
    expect(await client(busy, { maxRetries: 2 }).get(`${busy}/x`)).toMatchObject({ kind: 'response', status: 429 });
    expect(storm).toBe(3);
  });

  it('does not wait for a Retry-After longer than it may, and does not retry 4xx', async () => {
    let hits = 0;
    const base = await serve((req, res) => {
      hits++;
      res.writeHead(req.url === '/slow' ? 429 : 401, { 'retry-after': '3600' }).end();
    });
    const c = client(base);
    expect(await c.get(`${base}/slow`)).toMatchObject({ status: 429 });
    expect(await c.get(`${base}/auth`)).toMatchObject({ status: 401 });
    expect(hits).toBe(2);
  });

  it('times out a server that never answers, as network.timeout', async () => {
    const base = await serve(() => undefined);
    const r = await client(base, { requestTimeoutMs: 150, maxRetries: 0 }).get(`${base}/hang`);
    expect(r).toMatchObject({ kind: 'network', code: 'network.timeout' });
  });

  it('reports a refused connection as network.unreachable', async () => {
    const base = await serve(() => undefined);
    servers[0]!.close();
    await new Promise((r) => setImmediate(r));
    const dead = base;
    const r = await client(dead, { maxRetries: 0 }).get(`${dead}/x`);
    expect(r).toMatchObject({ kind: 'network', code: 'network.unreachable' });
  });

  it('keeps the connection alive across requests to one host', async () => {
    const sockets = new Set<unknown>();
    const base = await serve((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const c = client(base);
    for (let i = 0; i < 10; i++) await c.get(`${base}/x`);
    // undici may open a second socket while the first is being released; never one per request.
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it('logs method, host, path, status and time, never headers', async () => {
    const entries: unknown[] = [];
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    await client(base, { log: (e) => entries.push(e) }).get(`${base}/_apis/x?y=1`);
    expect(entries).toEqual([expect.objectContaining({ method: 'GET', path: '/_apis/x', status: 200 })]);
    expect(JSON.stringify(entries)).not.toContain('SECRET');
  });
});

describe('helpers', () => {
  it('reads Retry-After seconds, dates and X-RateLimit-Delay', () => {
    expect(serverDelayMs({ 'retry-after': '2' }, 0)).toBe(2000);
    expect(serverDelayMs({ 'retry-after': new Date(10_000).toUTCString() }, 4000)).toBe(6000);
    expect(serverDelayMs({ 'x-ratelimit-delay': '0.5' }, 0)).toBe(500);
    expect(serverDelayMs({}, 0)).toBeUndefined();
    // A used-up window: GitHub's and GitLab's reset time (epoch seconds), or seconds from now.
    expect(serverDelayMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000003' }, 1_700_000_000_000)).toBe(3000);
    expect(serverDelayMs({ 'ratelimit-remaining': '0', 'ratelimit-reset': '1700000002' }, 1_700_000_000_000)).toBe(2000);
    expect(serverDelayMs({ 'ratelimit-remaining': '0', 'ratelimit-reset': '4' }, 1_700_000_000_000)).toBe(4000);
    // GitHub sends a reset time on every answer: with requests left it is no reason to wait.
    expect(serverDelayMs({ 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '1700003600' }, 1_700_000_000_000)).toBeUndefined();
    // Retry-After wins over the reset time.
    expect(serverDelayMs({ 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000009' }, 1_700_000_000_000)).toBe(
      1000,
    );
  });
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]']) expect(isLoopback(h)).toBe(true);
    for (const h of ['10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopback(h)).toBe(false);
  });
  it('classifies low-level errors', () => {
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' })).code).toBe('network.tls');
    expect(
      classifyNetworkError(new Error('fetch failed', { cause: Object.assign(new Error('y'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }) }))
        .code,
    ).toBe('network.tls');
    expect(
      classifyNetworkError(Object.assign(new Error('Proxy response (407) !== 200 when HTTP Tunneling'), { code: 'UND_ERR_ABORTED' })).code,
    ).toBe('network.proxy');
    expect(classifyNetworkError(Object.assign(new Error('t'), { code: 'UND_ERR_CONNECT_TIMEOUT' })).code).toBe('network.timeout');
    expect(classifyNetworkError(Object.assign(new Error('r'), { code: 'ECONNREFUSED' })).code).toBe('network.unreachable');
  });
});

describe('bounded answers', () => {
  it('stops reading a body that runs past 1 MiB, and refuses one announced larger, as an unexpected response', async () => {
    // /announced announces 1 GiB and sends a little: nothing of it is read.
    const bodies = oversizedBodies();
    const base = await serve(bodies.handler);
    const c = client(base);
    const endless = await c.get(`${base}/endless`);
    expect(endless).toMatchObject({ kind: 'network', code: 'network.unexpected-response' });
    expect((endless as { detail: string }).detail).toContain(CAPPED_ENDLESS);
    const announced = await c.get(`${base}/announced`);
    expect(announced).toMatchObject({ kind: 'network', code: 'network.unexpected-response' });
    expect((announced as { detail: string }).detail).toContain(CAPPED_ANNOUNCED);
    // The server was stopped well before it could send, say, 64 MiB.
    expect(bodies.sent()).toBeLessThan(1024);
  });

  it('refuses headers past 16 KiB as an unexpected response', async () => {
    const base = await serve((_req, res) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (let i = 0; i < 400; i++) headers[`x-filler-${i}`] = 'x'.repeat(60);
      res.writeHead(200, headers).end('{}');
    });
    const r = await client(base, { maxRetries: 0 }).get(`${base}/`);
    expect(r).toMatchObject({ kind: 'network', code: 'network.unexpected-response' });
    expect((r as { detail: string }).detail).toContain('16 KiB');
  });

  it('ends a request that trickles on past the overall deadline, even when each chunk comes in time', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write('1,'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const r = await client(base, { deadlineMs: 1000, requestTimeoutMs: 10_000, maxRetries: 0 }).get(`${base}/`);
    expect(r).toMatchObject({ kind: 'network', code: 'network.timeout' });
  });
});
