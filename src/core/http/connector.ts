/**
 * The first part of the network stack, in a chunk of its own (load.ts): the TLS options, the route
 * rule (which origins are reached directly, never through a proxy) and the warm connector. It is
 * about a third of the stack, so a check can start its first TLS handshake with it and load the rest
 * (undici's agents and HTTP client) while the server answers the handshake (measured by npm run bench).
 */
import * as tls from 'node:tls';
import type { Env } from '../request.js';
import { isLoopback } from './loopback.js';
import { warmConnector, type WarmConnector } from './preconnect.js';

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

/** What a transport is built on: its TLS options, its route rule and its warm connector. */
export interface Connections {
  tlsOptions: { secureContext?: tls.SecureContext };
  /** True when requests to the origin connect directly (no proxy). */
  direct(origin: string): boolean;
  warm: WarmConnector;
  /** Opens `count` TLS connections to an https origin reached directly; a no-op otherwise. */
  preconnect(origin: string, count: number): void;
}

/**
 * Loopback is never reached through a proxy: it is the one place a credential may travel without TLS,
 * and through a proxy it would cross a network in clear text (whatever NO_PROXY says).
 */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopback(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/** The proxy variables of the environment (CLI and action); empty strings when unset. */
export function envProxies(env: Env): { httpProxy: string; httpsProxy: string; noProxy: string } {
  return {
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  };
}

/** Which origins connect directly: every one without a proxy; with one, loopback and the agent's bypass list. */
function directRule(options: TransportOptions): (origin: string) => boolean {
  if (options.proxy) {
    const bypass = (options.proxy.bypass ?? []).flatMap((pattern) => {
      try {
        return [new RegExp(pattern, 'i')];
      } catch {
        return [];
      }
    });
    return (origin) => isLoopbackOrigin(origin) || bypass.some((re) => re.test(new URL(origin).hostname));
  }
  const proxies = envProxies(options.env);
  if (!proxies.httpProxy && !proxies.httpsProxy) return () => true;
  // NO_PROXY is matched by undici's EnvHttpProxyAgent: those origins go through it, not pre-connected.
  return isLoopbackOrigin;
}

export function prepareConnections(options: TransportOptions): Connections {
  // One secure context for every connection: given a `ca` list instead, Node parses the ~140 roots
  // again for each TLS connection (about 80 ms of CPU each; measured by npm run bench). Without extra
  // CAs, none: Node's default context (its roots and NODE_EXTRA_CA_CERTS) serves every connection.
  const tlsOptions = options.extraCaPems?.length
    ? { secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, ...options.extraCaPems] }) }
    : {};
  // Direct connections go through the warm connector (undici's own connector, with undici's defaults).
  const warm = warmConnector(tlsOptions);
  const direct = directRule(options);
  return {
    tlsOptions,
    direct,
    warm,
    preconnect(origin, count) {
      // Only where requests to the origin will connect directly: through a proxy the connection is a tunnel.
      if (direct(origin)) warm.preconnect(origin, count);
    },
  };
}
