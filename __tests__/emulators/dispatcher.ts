/**
 * An undici Agent that sends every HTTPS origin (dev.azure.com, vsrm.dev.azure.com, api.github.com, …)
 * to a local emulator: the TCP connection goes to 127.0.0.1:{port}, while SNI and certificate
 * verification keep the origin's host name. The client under test keeps its real URLs.
 * Loopback origins that name a port (https://127.0.0.1:51234, https://localhost:51234) are dialled
 * as given, so one dispatcher also reaches other local emulators (e.g. a Server-mode one).
 *
 *   const agent = emulatorDispatcher(emulator);            // trusts the test CA
 *   await request('https://dev.azure.com/fabrikam/_apis/connectionData', { dispatcher: agent });
 */
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { getTestTls } from './tls.js';

export interface EmulatorDispatcherOptions {
  /** CA(s) to trust; default the test CA. Pass the system roots or another CA for TLS fault tests. */
  ca?: string | string[];
  /** Passed to the Agent (defaults are undici's, i.e. keep-alive on). */
  keepAliveTimeout?: number;
  connections?: number;
  /** Connect timeout in ms (undici default 10 s). */
  connectTimeout?: number;
}

/** Anything with a port: an emulator, a harness, or a plain number. */
export type EmulatorTarget = { port: number } | number;

export function emulatorDispatcher(target: EmulatorTarget, options: EmulatorDispatcherOptions = {}): Agent {
  const port = typeof target === 'number' ? target : target.port;
  const connector = buildConnector({
    ca: options.ca ?? getTestTls().caPem,
    ...(options.connectTimeout !== undefined ? { timeout: options.connectTimeout } : {}),
  });
  return new Agent({
    ...(options.keepAliveTimeout !== undefined ? { keepAliveTimeout: options.keepAliveTimeout } : {}),
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
    connect: (opts, callback) => {
      const hostname = opts.hostname.replace(/^\[|\]$/g, '');
      const loopback = hostname === 'localhost' || hostname === '::1' || hostname.startsWith('127.');
      const explicitPort = opts.port !== '' && opts.port !== '443';
      if (loopback && explicitPort) {
        connector(opts, callback);
        return;
      }
      // SNI cannot carry an IP address; for IP origins Node checks the certificate against the IP.
      const servername = opts.servername || (isIP(hostname) ? undefined : hostname);
      connector(
        {
          ...opts,
          hostname: '127.0.0.1',
          host: servername ?? '127.0.0.1',
          port: String(port),
          ...(servername ? { servername } : {}),
        },
        callback,
      );
    },
  });
}
