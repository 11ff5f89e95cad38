/**
 * The first wave: a check's first GET requests sent through Node's own HTTP client (`node:https`,
 * `node:http` for loopback `http:`) while the network stack (undici and the transport) is still
 * loading. Loading that stack costs about 14 ms of CPU on the one thread that would otherwise be
 * writing the first request; sent this way, the first requests are on the wire first and the stack
 * loads while their answers are awaited (docs/networking.md).
 *
 * Only the sending is here; the HTTP client (client.ts) applies its rules to what comes back exactly
 * as to undici's answers: credential origins (decided before anything is sent), caps on the body,
 * JSON reading, logging, error classification (errors.ts reads Node's error codes as undici's) and
 * the one retry rule (the later attempts go through undici). What this module keeps the same itself:
 * - TLS: verified as always (Node's default, never turned off); with extra CAs, the transport's own
 *   secure context (trust.ts);
 * - no proxy: used only where the transport would connect directly too (`reachedDirectly`);
 * - no redirects: Node's client never follows one, the 3xx comes back to the caller;
 * - header cap (HTTP_LIMITS.maxHeaderBytes), the per-request timeout (as the socket's idle timeout:
 *   while connecting, waiting for the headers and between body chunks) and the deadline's AbortSignal;
 * - `agent: false`: a connection of its own, closed after the answer (no pool outlives the check).
 *
 * Free of undici, and Node's HTTP and TLS modules are imported on first use: this module sits in
 * index.js, and an offline check loads none of them.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Env } from '../request.js';
import { FIRST_WAVE_BODY_TIMEOUT, FIRST_WAVE_HEADERS_TIMEOUT } from './errors.js';
import { HTTP_LIMITS } from './limits.js';
import { isLoopback } from './loopback.js';
import type { ProxyConfig } from './transport.js';
import { trustOptions } from './trust.js';

/** The transport's settings that the first wave must follow (the same object the transport is built from). */
export interface FirstWaveSettings {
  env: Env;
  proxy?: ProxyConfig;
  extraCaPems?: readonly string[];
}

/**
 * Is `url` reached directly (no proxy) whatever the transport would decide? Loopback always is (the
 * transport never proxies it). Any other origin only when no proxy of any kind is configured: no
 * agent proxy, and none of HTTPS_PROXY / HTTP_PROXY / https_proxy / http_proxy set. With a proxy
 * configured the first wave is not used at all (the simplest safe rule: NO_PROXY and the agent's
 * bypass list are matched by the transport alone, and a request that should have crossed a proxy
 * never goes out directly). Plain `http:` is sent only to loopback.
 */
export function reachedDirectly(url: URL, settings: FirstWaveSettings): boolean {
  if (url.protocol === 'http:') return isLoopback(url.hostname);
  if (url.protocol !== 'https:') return false;
  if (isLoopback(url.hostname)) return true;
  const { env } = settings;
  return !settings.proxy && ![env.HTTPS_PROXY, env.https_proxy, env.HTTP_PROXY, env.http_proxy].some(Boolean);
}

export interface FirstWaveRequest {
  url: URL;
  headers: Record<string, string>;
  /** Idle timeout of the connection: connecting, waiting for the headers, between body chunks. */
  timeoutMs: number;
  /** The deadline: aborts the request and the reading of its body. */
  signal: AbortSignal;
  settings: FirstWaveSettings;
  /** Called once: when the request has been written (ClientRequest 'finish'), or when it failed before that. */
  written: () => void;
}

export interface FirstWaveAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body stream; destroyed with the error when the timeout or the deadline ends it. */
  body: IncomingMessage;
}

/** Sends one GET; resolves with the answer's head once it arrived, rejects with Node's error (or the timeout's). */
export async function sendFirstWave(r: FirstWaveRequest): Promise<FirstWaveAnswer> {
  let written = false;
  const wrote = (): void => {
    if (written) return;
    written = true;
    r.written();
  };
  try {
    const secure = r.url.protocol === 'https:';
    const [client, trust] = secure
      ? await Promise.all([import('node:https'), import('node:tls').then((tls) => trustOptions(tls, r.settings.extraCaPems))])
      : [await import('node:http'), {}];
    return await new Promise<FirstWaveAnswer>((resolve, reject) => {
      let res: IncomingMessage | undefined;
      const end = (e: Error): void => {
        wrote();
        r.signal.removeEventListener('abort', onAbort);
        res?.destroy(e);
        req.destroy(e);
        reject(e);
      };
      const onAbort = (): void => {
        // As undici ends a request whose signal fired: an AbortError carrying the signal's reason.
        const e = new Error('This operation was aborted', { cause: r.signal.reason });
        e.name = 'AbortError';
        end(e);
      };
      const req = client.request(r.url, {
        method: 'GET',
        headers: r.headers,
        agent: false,
        maxHeaderSize: HTTP_LIMITS.maxHeaderBytes,
        timeout: r.timeoutMs,
        ...trust,
      });
      req.once('finish', wrote);
      req.on('error', end);
      req.once('timeout', () => {
        const code = res ? FIRST_WAVE_BODY_TIMEOUT : FIRST_WAVE_HEADERS_TIMEOUT;
        end(Object.assign(new Error(res ? 'Body timeout' : 'Headers timeout'), { code }));
      });
      req.once('response', (m: IncomingMessage) => {
        res = m;
        // The reader sees each error through its iterator; this keeps a destroyed body that nobody
        // reads any more (a retried answer, a cap reached) from raising an unhandled 'error'.
        m.on('error', () => undefined);
        m.once('close', () => r.signal.removeEventListener('abort', onAbort));
        resolve({ statusCode: m.statusCode ?? 0, headers: m.headers, body: m });
      });
      if (r.signal.aborted) return onAbort();
      r.signal.addEventListener('abort', onAbort, { once: true });
      req.end();
    });
  } finally {
    wrote(); // failed before it was written (or already written: no-op)
  }
}
