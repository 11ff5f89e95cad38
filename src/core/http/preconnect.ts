/**
 * A connector that can open TLS connections ahead of the requests: a check's first request waits a
 * full round trip for its answer, and the next round (the project and every scope, side by side)
 * would then open its connections one handshake each. Opened early, those handshakes overlap with
 * the first round trip instead of following it (measured by npm run bench).
 *
 * A pre-connection is a TCP connection and a TLS handshake to the configured host, verified like any
 * other (same options, same secure context): no request, no credential. The HTTP client decides what
 * is sent on it later, under the same rules as on a fresh connection. An idle pre-connection keeps
 * no process alive and is closed with the transport; one that failed or closed is never handed out
 * (a fresh connection is made instead, so its error is reported the usual way).
 */
import type { Socket } from 'node:net';
import type { buildConnector as BuildConnector } from 'undici';
import buildConnector from 'undici/lib/core/connect.js';

type Connector = BuildConnector.connector;
type Options = BuildConnector.Options;
type Callback = BuildConnector.Callback;

interface Spare {
  socket: Socket;
  /** Set once the handshake ended: the error, or null when the connection is up. */
  settled?: Error | null;
  waiting?: () => void;
}

export interface WarmConnector {
  connect: Connector;
  /** Opens `count` connections to an https origin ahead of use. */
  preconnect(origin: string, count: number): void;
  /** Closes the connections never handed out. */
  close(): void;
}

const keyOf = (protocol: string, host: string): string => `${protocol}//${host}`;

export function warmConnector(options: BuildConnector.BuildOptions): WarmConnector {
  const base = buildConnector(options);
  const spares = new Map<string, Spare[]>();
  let closed = false;

  const open = (opts: Options): Spare => {
    const spare = {} as Spare;
    // buildConnector's connector returns the socket it opens (its type says void).
    spare.socket = (base as unknown as (o: Options, cb: Callback) => Socket)(opts, (...[err]) => {
      spare.settled = err ?? null;
      spare.waiting?.();
    });
    spare.socket.unref();
    return spare;
  };

  /** Hands a spare over once its handshake ended; a failed or closed one is replaced by a fresh connection. */
  const handOver = (spare: Spare, opts: Options, callback: Callback): void => {
    const usable = spare.settled === null && !spare.socket.destroyed && spare.socket.readyState === 'open';
    if (!usable) {
      spare.socket.destroy();
      base(opts, callback);
      return;
    }
    callback(null, spare.socket);
  };

  const connect: Connector = (opts, callback) => {
    const spare = spares.get(keyOf(opts.protocol, opts.host ?? opts.hostname))?.shift();
    if (!spare) return base(opts, callback);
    // Claimed: from now on it keeps the process alive like any connection a request waits for.
    spare.socket.ref();
    if (spare.settled !== undefined) queueMicrotask(() => handOver(spare, opts, callback));
    else spare.waiting = () => handOver(spare, opts, callback);
  };

  return {
    connect,
    preconnect(origin, count) {
      const url = new URL(origin);
      if (url.protocol !== 'https:') return;
      // What undici's Client passes its connector for this origin (client.js connect()).
      const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      const opts: Options = { host: url.host, hostname, protocol: url.protocol, port: url.port, localAddress: null };
      const list = spares.get(keyOf(url.protocol, url.host)) ?? [];
      spares.set(keyOf(url.protocol, url.host), list);
      if (count < 1) return;
      // One first (the first request waits for it, so nothing competes with its handshake); the
      // others once it holds a TLS session ticket, so they resume that session: no certificate to
      // verify again, less CPU on both ends. A server that issues no ticket gets no more of them.
      const first = open(opts);
      list.push(first);
      first.socket.once('session', () => {
        if (!closed) for (let i = 1; i < count; i++) list.push(open(opts));
      });
    },
    close() {
      closed = true;
      for (const list of spares.values()) for (const spare of list.splice(0)) spare.socket.destroy();
    },
  };
}
