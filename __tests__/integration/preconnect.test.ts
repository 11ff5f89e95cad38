/**
 * Pre-connections (src/core/http/preconnect.ts, through the transport): TLS connections opened to
 * the configured host before any request carry nothing until the client sends a request on them;
 * requests then use them instead of new handshakes; a failed one is never handed out (the request
 * connects afresh and fails the usual way); unused ones close with the transport; nothing is
 * pre-connected through a proxy or over plain HTTP.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { createTransport, type Transport } from '../../src/core/http/transport.js';
import { caPem, certificateFor, serverCert, serverKey } from '../emulators/tls.js';

interface Server {
  origin: string;
  /** TLS connections that completed a handshake. */
  handshakes: number;
  requests: string[];
  /** Connections open right now. */
  open: number;
  /** Handshakes the client broke off (it did not trust the certificate). */
  refused: number;
  server: https.Server;
}

const servers: Server[] = [];
const transports: Transport[] = [];

async function serve(cert = { key: serverKey, cert: serverCert }): Promise<Server> {
  const s = { handshakes: 0, requests: [], open: 0, refused: 0 } as unknown as Server;
  s.server = https.createServer(cert, (req, res) => {
    s.requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  s.server.on('secureConnection', (socket) => {
    s.handshakes++;
    s.open++;
    socket.on('close', () => s.open--);
  });
  s.server.on('tlsClientError', () => s.refused++);
  await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
  s.origin = `https://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
  servers.push(s);
  return s;
}

function transport(options: Partial<Parameters<typeof createTransport>[0]> = {}): Transport {
  const t = createTransport({ env: {}, extraCaPems: [caPem], ...options });
  transports.push(t);
  return t;
}

/** Resolves once `test` holds, checking on every turn of the event loop (no fixed sleep). */
async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setImmediate(r));
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.destroy()));
  for (const s of servers.splice(0)) {
    s.server.closeAllConnections();
    await new Promise((r) => s.server.close(r));
  }
});

describe('pre-connections', () => {
  it('open TLS connections with no request, then carry the requests without new handshakes', async () => {
    const s = await serve();
    const t = transport();
    t.preconnect(s.origin, 3);
    await until(() => s.handshakes === 3);
    expect(s.requests).toEqual([]);
    const answers = await Promise.all(
      [1, 2, 3].map((i) => t.request({ origin: s.origin, path: `/r${i}`, method: 'GET', headers: { authorization: `Bearer T${i}` } })),
    );
    await Promise.all(answers.map((a) => a.body.text()));
    expect(s.requests.sort()).toEqual(['GET /r1 Bearer T1', 'GET /r2 Bearer T2', 'GET /r3 Bearer T3']);
    expect(s.handshakes).toBe(3);
  });

  it('unused pre-connections close with the transport', async () => {
    const s = await serve();
    const t = transport();
    t.preconnect(s.origin, 2);
    await until(() => s.open === 2);
    await t.close();
    await until(() => s.open === 0);
    expect(s.requests).toEqual([]);
  });

  it('a pre-connection that failed its handshake is not handed out: the request connects afresh and fails the usual way', async () => {
    const s = await serve(certificateFor('unknownCa'));
    const t = transport();
    t.preconnect(s.origin, 1);
    await until(() => s.refused === 1);
    const failure = await t.request({ origin: s.origin, path: '/x', method: 'GET' }).then(
      () => undefined,
      (e: unknown) => (e as NodeJS.ErrnoException).code,
    );
    expect(failure).toMatch(/CERT|SELF_SIGNED|UNABLE_TO/);
    await until(() => s.refused === 2); // the request's own, fresh connection
    expect(s.requests).toEqual([]);
  });

  it('nothing is pre-connected through a proxy or over plain HTTP; loopback is direct, so it is', async () => {
    const s = await serve();
    const connect = jest.spyOn(tls, 'connect');
    try {
      // 127.0.0.1 is loopback, never proxied: a transport with a proxy pre-connects to it directly.
      transport({ env: { HTTPS_PROXY: 'http://127.0.0.1:9' } }).preconnect(s.origin, 1);
      await until(() => s.handshakes === 1);
      transport().preconnect(s.origin.replace('https:', 'http:'), 2);
      transport({ env: { HTTPS_PROXY: 'http://127.0.0.1:9' } }).preconnect('https://dev.azure.com', 2);
      transport({ env: {}, proxy: { url: 'http://127.0.0.1:9' } }).preconnect('https://dev.azure.com', 2);
      expect(connect.mock.calls.map(([o]) => (o as tls.ConnectionOptions).host)).toEqual(['127.0.0.1']);
      expect(s.handshakes).toBe(1);
    } finally {
      connect.mockRestore();
    }
  });
});
