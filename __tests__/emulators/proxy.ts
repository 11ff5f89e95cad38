/**
 * A local forward proxy (plain HTTP on 127.0.0.1) for proxy tests.
 *
 * - CONNECT tunnelling, which undici's ProxyAgent uses for https targets: the tunnel dials
 *   `route(host, port)` — by default 127.0.0.1 at the requested port — so `dev.azure.com:443` can be
 *   sent to an emulator port. The client's TLS (SNI dev.azure.com) runs end to end through it.
 * - Absolute-form requests (`GET http://host/path`) are forwarded the same way (plain HTTP targets).
 * - Optional `Proxy-Authorization: Basic` check → 407 + `Proxy-Authenticate: Basic realm="test"`.
 * - `refuse: true` answers every CONNECT with 403.
 * - Logs each CONNECT (`host:port`, whether credentials were sent/accepted, status) and counts tunnels.
 *
 *   const proxy = await startForwardProxy({ auth: { user: 'u', pass: 'p' }, route: () => ({ host: '127.0.0.1', port: emu.port }) });
 *   const agent = new ProxyAgent({ uri: proxy.url, token: basic('u', 'p'), requestTls: { ca: caPem } });
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

export interface ForwardProxyOptions {
  /** Require these Basic credentials in Proxy-Authorization (else 407). */
  auth?: { user: string; pass: string };
  /** Answer every CONNECT with 403 Forbidden. */
  refuse?: boolean;
  /** Where a tunnel for `host:port` really goes; return null to answer 502. Default: 127.0.0.1:{port}. */
  route?: (host: string, port: number) => ProxyTarget | null;
}

export interface ProxyLogEntry {
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  /** A Proxy-Authorization header was sent. */
  hadCredentials: boolean;
  /** Credentials accepted (true when no auth is required). */
  authorized: boolean;
  /** Status the proxy answered (200 = tunnel established). */
  status: number;
  at: number;
}

export interface ForwardProxy {
  readonly port: number;
  /** The IP address the proxy is bound to (always 127.0.0.1). */
  readonly address: string;
  /** `http://127.0.0.1:{port}` — give this to ProxyAgent / HTTPS_PROXY. */
  readonly url: string;
  readonly log: ProxyLogEntry[];
  /** Targets of CONNECT requests, in order (`host:port`). */
  readonly connectTargets: string[];
  /** Tunnels successfully established. */
  readonly stats: { tunnels: number; forwarded: number };
  close(): Promise<void>;
}

/** `Basic base64(user:pass)` — for ProxyAgent's `token` option. */
export function basicProxyToken(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const log: ProxyLogEntry[] = [];
  const stats = { tunnels: 0, forwarded: 0 };
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const route = options.route ?? ((_host: string, port: number) => ({ host: '127.0.0.1', port }));
  const expected = options.auth ? basicProxyToken(options.auth.user, options.auth.pass) : undefined;
  const check = (req: IncomingMessage): { hadCredentials: boolean; authorized: boolean } => {
    const sent = req.headers['proxy-authorization'];
    return { hadCredentials: sent !== undefined, authorized: expected === undefined || sent === expected };
  };

  const server: Server = createServer((req, res) => {
    // Absolute-form forwarding for plain-HTTP targets.
    const { hadCredentials, authorized } = check(req);
    const entry: ProxyLogEntry = {
      method: req.method ?? 'GET',
      target: req.url ?? '',
      hadCredentials,
      authorized,
      status: 0,
      at: Date.now(),
    };
    log.push(entry);
    const answer = (status: number, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'content-length': '0', ...headers });
      res.end();
    };
    if (!authorized) return answer(407, { 'proxy-authenticate': 'Basic realm="test"' });
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return answer(400);
    }
    const target = route(url.hostname, Number(url.port || 80));
    if (!target) return answer(502);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: target.host, port: target.port, method: req.method, path: `${url.pathname}${url.search}`, headers },
      (up) => {
        entry.status = up.statusCode ?? 502;
        stats.forwarded++;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) answer(502);
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connection', (s: Socket) => {
    track(s);
    s.unref();
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    track(client);
    const targetText = req.url ?? '';
    const { hadCredentials, authorized } = check(req);
    const entry: ProxyLogEntry = { method: 'CONNECT', target: targetText, hadCredentials, authorized, status: 0, at: Date.now() };
    log.push(entry);
    const refuse = (status: number, reason: string, extra = ''): void => {
      entry.status = status;
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    client.on('error', () => client.destroy());
    if (!authorized) return refuse(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="test"\r\n');
    if (options.refuse) return refuse(403, 'Forbidden');
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(targetText);
    if (!m) return refuse(400, 'Bad Request');
    const target = route(m[1] ?? '', Number(m[2]));
    if (!target) return refuse(502, 'Bad Gateway');
    const upstream = connect(target.port, target.host);
    track(upstream);
    upstream.once('connect', () => {
      entry.status = 200;
      stats.tunnels++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (entry.status === 0) refuse(502, 'Bad Gateway');
      else client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy: no TCP address');
  const port = address.port;
  let closed = false;

  return {
    port,
    address: address.address,
    url: `http://127.0.0.1:${port}`,
    log,
    get connectTargets() {
      return log.filter((e) => e.method === 'CONNECT').map((e) => e.target);
    },
    stats,
    async close() {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      sockets.clear();
      await done;
    },
  };
}
