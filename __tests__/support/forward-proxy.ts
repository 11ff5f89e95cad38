/** A local HTTP forward proxy with CONNECT tunnelling (what undici's ProxyAgent uses for https). */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ForwardProxy {
  url: string;
  port: number;
  /** CONNECT targets seen, as `host:port`. */
  connects: string[];
  close(): Promise<void>;
}

export async function startForwardProxy(options: { auth?: { user: string; pass: string }; refuse?: boolean; route: (host: string, port: number) => { host: string; port: number } }): Promise<ForwardProxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    connects.push(req.url ?? '');
    if (options.refuse) return client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    if (options.auth) {
      const expected = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.pass}`).toString('base64')}`;
      if (req.headers['proxy-authorization'] !== expected) return client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
    }
    const [host, port] = (req.url ?? '').split(':');
    const target = options.route(host ?? '', Number(port ?? 443));
    const upstream = net.connect(target.port, target.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
