/**
 * The transport under the HTTP client: keep-alive connections, proxies and extra CAs.
 * - CLI and action: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the (injected) environment; undici's
 *   EnvHttpProxyAgent implements the NO_PROXY matching. Node 20's own fetch ignores these variables.
 * - Azure task: the agent's proxy (tl.getHttpProxyConfiguration, not exported as env) is passed in
 *   explicitly, with its bypass list.
 * - CAs: NODE_EXTRA_CA_CERTS is applied by Node to the default store at start-up. Extra PEMs (the
 *   agent's CA file) are added on top of the system roots; a given `ca` replaces the default store,
 *   so the roots and NODE_EXTRA_CA_CERTS contents are included explicitly then.
 */
import * as tls from 'node:tls';
import { setFlagsFromString } from 'node:v8';
import llhttpSimd from 'undici/lib/llhttp/llhttp_simd-wasm.js';
import type { Dispatcher } from 'undici';
import { Agent, DispatcherBase, EnvHttpProxyAgent, ProxyAgent } from './undici.js';
import type { Env } from '../request.js';
import { isLoopback } from './loopback.js';
import { CONNECTIONS_PER_CHECK, HTTP_LIMITS } from './limits.js';
import { warmConnector, type WarmConnector } from './preconnect.js';
import { trustOptions } from './trust.js';

export interface ProxyConfig {
  url: string;
  username?: string;
  password?: string;
  /** Host patterns that bypass the proxy (regular expressions, as the Azure agent stores them). */
  bypass?: string[];
}

export interface TransportOptions {
  env: Env;
  proxy?: ProxyConfig;
  /** Extra trusted CA certificates (PEM), added to the system roots. */
  extraCaPems?: string[];
  /**
   * Connections per origin. HTTP/1.1 carries one request at a time per connection, so this caps how
   * many requests to one host run at once: 8 covers one check's widest round trip.
   */
  connections?: number;
}

export { CONNECTIONS_PER_CHECK };

// undici parses HTTP with llhttp compiled to WebAssembly, compiled on the first connection. Node 20's
// V8 also compiles it with its optimising tier (TurboFan), which took about 35 MiB of peak memory
// and tens of milliseconds of CPU per process for a few dozen small answers; its baseline tier
// (Liftoff) does the same parsing. Set here, before undici's first connection; it affects only
// WebAssembly compiled later in this process (measured by npm run bench).
setFlagsFromString('--liftoff-only');
// The same bytes compiled now, while the first wave's answers are awaited: V8 keeps one compiled
// module per identical WebAssembly bytes in a process, so undici's own compile on its first
// connection (the second round trip) finds it done. Kept referenced for that.
// (Node's types for this project's lib settings do not declare the WebAssembly global.)
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
export const compiledParser = new wasm.Module(llhttpSimd);
const KEEP_ALIVE = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 30_000 };

/** The transport: a dispatcher that can also open connections ahead of the first request (preconnect.ts). */
export interface Transport extends Dispatcher {
  /** Opens `count` TLS connections to an https origin reached without a proxy; a no-op otherwise. */
  preconnect(origin: string, count: number): void;
}

export function createTransport(options: TransportOptions): Transport {
  const { env } = options;
  const pool = { ...KEEP_ALIVE, connections: options.connections ?? CONNECTIONS_PER_CHECK, maxHeaderSize: HTTP_LIMITS.maxHeaderBytes };
  // One secure context for every connection, shared with the first wave (trust.ts).
  const tlsOptions = trustOptions(tls, options.extraCaPems);
  // Direct connections go through the warm connector (undici's own connector, with undici's defaults).
  const warm = warmConnector(tlsOptions);
  const direct = new Agent({ connect: warm.connect, ...pool });
  if (options.proxy) {
    const p = options.proxy;
    const token = p.username ? `Basic ${Buffer.from(`${p.username}:${p.password ?? ''}`).toString('base64')}` : undefined;
    const viaProxy = new ProxyAgent({ uri: p.url, token, requestTls: tlsOptions, ...pool });
    const bypass = (p.bypass ?? []).flatMap((pattern) => {
      try {
        return [new RegExp(pattern, 'i')];
      } catch {
        return [];
      }
    });
    return new RoutingDispatcher(
      (origin) => (isLoopbackOrigin(origin) || bypass.some((re) => re.test(new URL(origin).hostname)) ? direct : viaProxy),
      { all: [viaProxy, direct], direct, warm },
    );
  }
  const proxies = {
    // An empty variable counts as unset (the first wave reads them the same way): an empty
    // https_proxy must not hide the HTTPS_PROXY beside it and send the requests around the proxy.
    httpProxy: env.http_proxy || env.HTTP_PROXY || '',
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || '',
    noProxy: env.no_proxy || env.NO_PROXY || '',
  };
  // No proxy configured: EnvHttpProxyAgent would connect directly with these same options.
  if (!proxies.httpProxy && !proxies.httpsProxy) return new RoutingDispatcher(() => direct, { all: [direct], direct, warm });
  const viaEnv = new EnvHttpProxyAgent({ ...proxies, connect: tlsOptions, requestTls: tlsOptions, ...pool } as ConstructorParameters<
    typeof EnvHttpProxyAgent
  >[0]);
  return new RoutingDispatcher((origin) => (isLoopbackOrigin(origin) ? direct : viaEnv), { all: [viaEnv, direct], direct, warm });
}

/**
 * Loopback is never reached through a proxy: it is the one place a credential may travel without TLS,
 * and through a proxy it would cross a network in clear text (whatever NO_PROXY says).
 */
function isLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopback(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/** Picks a dispatcher per origin (proxy or direct); shaped like undici's own RetryAgent. */
class RoutingDispatcher extends DispatcherBase implements Transport {
  readonly #pick: (origin: string) => Dispatcher;
  readonly #all: Dispatcher[];
  readonly #direct: Dispatcher;
  readonly #warm: WarmConnector;
  constructor(pick: (origin: string) => Dispatcher, parts: { all: Dispatcher[]; direct: Dispatcher; warm: WarmConnector }) {
    super();
    this.#pick = pick;
    this.#all = parts.all;
    this.#direct = parts.direct;
    this.#warm = parts.warm;
  }
  preconnect(origin: string, count: number): void {
    // Only where requests to the origin will connect directly: through a proxy the connection is a tunnel.
    if (this.#pick(origin) === this.#direct) this.#warm.preconnect(origin, count);
  }
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.#pick(String(opts.origin)).dispatch(opts, handler);
  }
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#warm.close();
    const done = Promise.all(this.#all.map((d) => d.close())).then(() => undefined);
    if (callback) void done.then(callback);
    else return done;
  }
  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    this.#warm.close();
    const err = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    const done = Promise.all(this.#all.map((d) => d.destroy(err))).then(() => undefined);
    if (callback) void done.then(callback);
    else return done;
  }
}
