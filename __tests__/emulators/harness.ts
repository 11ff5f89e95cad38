/**
 * Provider-neutral plumbing for the local HTTPS emulators: one `node:https` server on 127.0.0.1 with a
 * random port, a request log, connection counters, scripted faults (status, rate limit, HTML portal,
 * truncated JSON, dropped connection, hang, latency, redirect, extra headers, a barrier that holds
 * answers until a batch of requests is in) and a close() that leaves nothing running (hung sockets,
 * held answers and latency timers included).
 *
 * Provider emulators (azure-devops.ts) supply the application: a function from request to response
 * description, plus the provider-specific shapes of a few faults (the 429 body, common headers).
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Agent } from 'undici';
import { emulatorDispatcher, type EmulatorDispatcherOptions } from './dispatcher.js';
import { certificateFor, type CertificateKind } from './tls.js';

/** One logged request. Credentials are never logged: only whether and how they were sent. */
export interface RequestLogEntry {
  /** 1-based sequence number. */
  seq: number;
  method: string;
  /** Host header without port, lower case (e.g. `vsrm.dev.azure.com`, `127.0.0.1`). */
  host: string;
  /** Raw path as sent (still percent-encoded), without the query. */
  path: string;
  /** Query parameters (last value wins). */
  query: Record<string, string>;
  hasAuth: boolean;
  /** `Basic`, `Bearer`, … as sent; null without an Authorization header. */
  authScheme: string | null;
  /** Request headers, lower-case names, with authorization / proxy-authorization / cookie removed. */
  headers: Record<string, string>;
  /** Date.now() when the request arrived. */
  at: number;
  /** Id of the TLS connection that carried it (1-based, in accept order). */
  connection: number;
  /** SNI the client sent on that connection (null: none, e.g. for IP origins). */
  servername: string | null;
  /** Fault applied, if any (its `type`). */
  fault: FaultSpec['type'] | null;
  /** Status sent (set once the response was written; undefined for hang/drop). */
  status?: number;
  /** Date.now() when the answer was written (undefined for hang/drop). */
  answeredAt?: number;
  /**
   * How many requests this server had received when the answer was written: request B arrived
   * before A was answered iff `B.seq <= A.requestsSeenAtAnswer`. Orders events without a clock.
   */
  requestsSeenAtAnswer?: number;
}

/** Which requests a fault applies to. All given criteria must match. */
export interface FaultMatch {
  /** Host name (case-insensitive, no port), e.g. `dev.azure.com` or `127.0.0.1`. */
  host?: string;
  /** Path prefix (case-insensitive, raw/percent-encoded form) or a RegExp tested against the raw path. */
  path?: string | RegExp;
  method?: string;
  /** How many matching requests get the fault before it retires (default 1; Infinity = forever). */
  times?: number;
}

export type FaultSpec =
  /** 429 with Retry-After + X-RateLimit-* headers and the provider's rate-limit body. */
  | { type: 'rateLimit'; retryAfterSeconds?: number; resource?: string }
  /** Any status with an optional body (object → JSON) and headers; default body per provider. */
  | { type: 'status'; status: number; body?: string | object; headers?: Record<string, string> }
  /** 200 text/html "captive portal" page instead of the API answer. */
  | { type: 'htmlPortal' }
  /** 200 application/json whose body is cut in half (complete HTTP message, invalid JSON). */
  | { type: 'truncatedJson' }
  /**
   * Destroy the connection: `at: 'start'` before anything is written; `'headers'` after the status
   * line and headers; `'body'` (default) after half of the body.
   */
  | { type: 'drop'; at?: 'start' | 'headers' | 'body' }
  /** Accept the request and never answer (close() cleans up). */
  | { type: 'hang' }
  /** Answer normally after `ms` milliseconds (timer cleared by close()). */
  | { type: 'latency'; ms: number }
  /** Redirect (default 302) to `location`, e.g. another origin. */
  | { type: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** Answer normally, with these headers added (e.g. X-RateLimit-Delay warnings). */
  | { type: 'headers'; headers: Record<string, string> }
  /**
   * Hold each matching request unanswered until `count` of them are waiting, then answer them all
   * normally; after `timeoutMs` (default 1000) the ones waiting are answered anyway, so a client that
   * does not send the batch concurrently fails the test's ordering assertion instead of hanging it.
   * `times` defaults to `count`.
   */
  | { type: 'barrier'; count: number; timeoutMs?: number };

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** Requests that received this fault so far. */
  readonly hits: number;
  /** Remaining applications (Infinity for permanent faults). */
  readonly remaining: number;
  cancel(): void;
}

/** What an application handler returns. */
export interface AppResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  /** Object → JSON (`application/json; charset=utf-8`), string/Buffer → as is. */
  body?: string | Buffer | object;
}

export interface AppContext {
  /** Host header name (lower case, no port). */
  host: string;
  /** `host[:port]` exactly as the client addressed us (for URLs in bodies). */
  authority: string;
  path: string;
  query: URLSearchParams;
  entry: RequestLogEntry;
  /** The request body as text (token exchanges POST forms; GET probes send none). */
  body: string;
}

export interface HarnessHooks {
  /** The application. */
  handle(req: IncomingMessage, ctx: AppContext): AppResponse;
  /** Headers added to every response (correlation ids…). */
  commonHeaders?(): Record<string, string>;
  /** Provider-specific 429 answer. */
  rateLimited?(fault: Extract<FaultSpec, { type: 'rateLimit' }>, ctx: AppContext): AppResponse;
  /** Provider-specific default body for a scripted status without body. */
  statusBody?(status: number, ctx: AppContext): AppResponse;
}

export interface HarnessOptions {
  /** Certificate presented (default 'valid'), or an explicit key/cert pair. */
  certificate?: CertificateKind | { key: string; cert: string };
  /** Latency added to every request (ms). */
  latencyMs?: number;
}

export interface HarnessStats {
  /** TCP connections accepted. */
  tcpConnections: number;
  /** TLS handshakes completed (= reusable HTTP connections). */
  tlsConnections: number;
  /** TLS handshakes that failed (unknown CA, wrong host… as seen by the server). */
  tlsErrors: number;
  requests: number;
  /** SNI of each completed TLS connection, in order (null = none sent). */
  servernames: (string | null)[];
}

interface ActiveFault {
  match: FaultMatch;
  spec: FaultSpec;
  remaining: number;
  hits: number;
  /** barrier: answers waiting for the batch, and the timer that answers them anyway. */
  held?: (() => void)[];
  heldTimer?: NodeJS.Timeout;
}

interface SocketMeta {
  id: number;
  servername: string | null;
}

export class EmulatorHarness {
  readonly server: Server;
  readonly requests: RequestLogEntry[] = [];
  readonly stats: HarnessStats = { tcpConnections: 0, tlsConnections: 0, tlsErrors: 0, requests: 0, servernames: [] };
  /** Emits 'request' (RequestLogEntry) as each request arrives. */
  readonly events = new EventEmitter();
  #port = 0;
  #address = '';
  #faults: ActiveFault[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #meta = new WeakMap<Socket, SocketMeta>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #entries = new WeakMap<ServerResponse, RequestLogEntry>();
  #closed = false;

  constructor(
    private readonly hooks: HarnessHooks,
    private readonly options: HarnessOptions = {},
  ) {
    const cert = typeof options.certificate === 'object' ? options.certificate : certificateFor(options.certificate ?? 'valid');
    this.server = createServer({ key: cert.key, cert: cert.cert, minVersion: 'TLSv1.2' }, (req, res) => this.#onRequest(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (socket: Socket) => {
      this.stats.tcpConnections++;
      this.#sockets.add(socket);
      socket.unref();
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.server.on('secureConnection', (socket: TLSSocket) => {
      this.stats.tlsConnections++;
      const servername = (socket as TLSSocket & { servername?: string | false }).servername || null;
      this.stats.servernames.push(servername);
      this.#meta.set(socket, { id: this.stats.tlsConnections, servername });
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.server.on('tlsClientError', () => {
      this.stats.tlsErrors++;
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('emulator: no TCP address');
    this.#port = address.port;
    this.#address = address.address;
    this.server.unref();
  }

  get port(): number {
    return this.#port;
  }

  /** The IP address the server is bound to (always 127.0.0.1). */
  get address(): string {
    return this.#address;
  }

  /** `https://127.0.0.1:{port}`. */
  get origin(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  /** Script a fault. Faults are checked in the order added; the first live match applies. */
  fault(spec: FaultSpec, match: FaultMatch = {}): FaultHandle {
    const active: ActiveFault = { match, spec, remaining: match.times ?? (spec.type === 'barrier' ? spec.count : 1), hits: 0 };
    this.#faults.push(active);
    const faults = (): ActiveFault[] => this.#faults;
    return {
      spec,
      get hits() {
        return active.hits;
      },
      get remaining() {
        return active.remaining;
      },
      cancel: () => {
        active.remaining = 0;
        this.#faults = faults().filter((f) => f !== active);
      },
    };
  }

  clearFaults(): void {
    this.#faults = [];
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  /** Resolves with the first logged request (past or future) that satisfies `predicate`. */
  waitForRequest(predicate: (entry: RequestLogEntry) => boolean = () => true): Promise<RequestLogEntry> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const listener = (entry: RequestLogEntry): void => {
        if (!predicate(entry)) return;
        this.events.off('request', listener);
        resolve(entry);
      };
      this.events.on('request', listener);
    });
  }

  /** Stop listening, destroy every socket (hung ones too), drop held answers and clear pending timers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    this.events.removeAllListeners();
    await closed;
  }

  #takeFault(entry: RequestLogEntry): ActiveFault | undefined {
    for (const f of this.#faults) {
      if (f.remaining <= 0) continue;
      const m = f.match;
      if (m.host && m.host.toLowerCase() !== entry.host) continue;
      if (m.method && m.method.toUpperCase() !== entry.method) continue;
      if (m.path instanceof RegExp ? !m.path.test(entry.path) : m.path && !entry.path.toLowerCase().startsWith(m.path.toLowerCase()))
        continue;
      f.remaining--;
      f.hits++;
      if (f.remaining <= 0) this.#faults = this.#faults.filter((x) => x !== f);
      return f;
    }
    return undefined;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const authority = (req.headers.host ?? `127.0.0.1:${this.#port}`).toLowerCase();
    const host = authority.startsWith('[') ? authority.slice(1, authority.indexOf(']')) : (authority.split(':')[0] ?? '');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name === 'authorization' || name === 'proxy-authorization' || name === 'cookie' || value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const auth = req.headers.authorization;
    const meta = this.#meta.get(req.socket) ?? { id: 0, servername: null };
    const entry: RequestLogEntry = {
      seq: ++this.stats.requests,
      method: (req.method ?? 'GET').toUpperCase(),
      host,
      path,
      query: Object.fromEntries(query),
      hasAuth: auth !== undefined,
      authScheme: auth === undefined ? null : (auth.trim().split(/\s+/)[0] ?? ''),
      headers,
      at: Date.now(),
      connection: meta.id,
      servername: meta.servername,
      fault: null,
    };
    const active = this.#takeFault(entry);
    const fault = active?.spec;
    entry.fault = fault?.type ?? null;
    this.requests.push(entry);
    this.#entries.set(res, entry);
    this.events.emit('request', entry);
    res.once('finish', () => {
      entry.status = res.statusCode;
    });
    // Read the request body before answering (GET probes have none; token exchanges post a form).
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () =>
      this.#answer(req, res, { host, authority, path, query, entry, body: Buffer.concat(chunks).toString('utf8') }, active),
    );
  }

  #answer(req: IncomingMessage, res: ServerResponse, ctx: AppContext, active: ActiveFault | undefined): void {
    const fault = active?.spec;
    const delay = (this.options.latencyMs ?? 0) + (fault?.type === 'latency' ? fault.ms : 0);
    const run = (): void => {
      if (this.#closed || res.destroyed) return;
      try {
        this.#respond(req, res, ctx, fault);
      } catch (error) {
        this.#write(res, {
          status: 500,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: `emulator error: ${(error as Error).stack ?? String(error)}`,
        });
      }
    };
    if (active && fault?.type === 'barrier') {
      this.#hold(active, fault, run);
    } else if (delay > 0) {
      this.#later(delay, run);
    } else {
      run();
    }
  }

  /** Runs `fn` after `ms` on an unref'd timer that close() clears. */
  #later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
    return timer;
  }

  #hold(active: ActiveFault, spec: Extract<FaultSpec, { type: 'barrier' }>, run: () => void): void {
    const held = (active.held ??= []);
    const latency = this.options.latencyMs ?? 0;
    held.push(() => (latency > 0 ? this.#later(latency, run) : run()));
    const release = (): void => {
      if (active.heldTimer) {
        clearTimeout(active.heldTimer);
        this.#timers.delete(active.heldTimer);
        active.heldTimer = undefined;
      }
      for (const answer of held.splice(0)) answer();
    };
    if (held.length >= spec.count) release();
    else if (held.length === 1) active.heldTimer = this.#later(spec.timeoutMs ?? 1000, release);
  }

  #respond(req: IncomingMessage, res: ServerResponse, ctx: AppContext, fault: FaultSpec | undefined): void {
    if (!fault || fault.type === 'latency' || fault.type === 'barrier') return this.#write(res, this.hooks.handle(req, ctx));
    switch (fault.type) {
      case 'hang':
        return; // never answer; close() destroys the socket
      case 'drop': {
        const at = fault.at ?? 'body';
        if (at === 'start') {
          req.socket.destroy();
          return;
        }
        const payload = Buffer.from(JSON.stringify({ count: 1, value: [{ id: 'dropped', name: 'x'.repeat(2048) }] }));
        res.writeHead(200, {
          ...this.#common(),
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(payload.length),
        });
        if (at === 'headers') {
          res.flushHeaders();
          // Destroy only once the header bytes have left, so the client sees a response start.
          req.socket.write('', () => req.socket.destroy());
          return;
        }
        res.write(payload.subarray(0, payload.length >> 1), () => req.socket.destroy());
        return;
      }
      case 'rateLimit':
        return this.#write(
          res,
          this.hooks.rateLimited?.(fault, ctx) ?? {
            status: 429,
            headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
            body: { message: 'Too many requests' },
          },
        );
      case 'status': {
        const base: AppResponse =
          fault.body !== undefined
            ? { status: fault.status, body: fault.body }
            : (this.hooks.statusBody?.(fault.status, ctx) ?? { status: fault.status, body: '' });
        return this.#write(res, { ...base, status: fault.status, headers: { ...base.headers, ...fault.headers } });
      }
      case 'htmlPortal':
        return this.#write(res, {
          status: 200,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: '<!DOCTYPE html><html><head><title>Network Login</title></head><body><h1>Welcome to the guest network</h1><form method="post" action="/login"><input name="user"><input type="password" name="password"><button>Sign in</button></form></body></html>',
        });
      case 'truncatedJson': {
        const full = this.hooks.handle(req, ctx);
        const text =
          typeof full.body === 'string' || Buffer.isBuffer(full.body)
            ? full.body.toString()
            : JSON.stringify(full.body ?? { count: 0, value: [] });
        const cut = text.length > 2 ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : '{"cou';
        return this.#write(res, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: cut });
      }
      case 'redirect':
        return this.#write(res, {
          status: fault.status ?? 302,
          headers: { location: fault.location, 'content-type': 'text/html; charset=utf-8' },
          body: `<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="${fault.location}">here</a>.</h2></body></html>`,
        });
      case 'headers': {
        const r = this.hooks.handle(req, ctx);
        return this.#write(res, { ...r, headers: { ...r.headers, ...fault.headers } });
      }
    }
  }

  #common(): Record<string, string> {
    return this.hooks.commonHeaders?.() ?? {};
  }

  #write(res: ServerResponse, r: AppResponse): void {
    if (res.headersSent || res.destroyed) return;
    let body: Buffer;
    const headers: Record<string, string | string[]> = { ...this.#common() };
    if (r.body === undefined) body = Buffer.alloc(0);
    else if (typeof r.body === 'string') body = Buffer.from(r.body);
    else if (Buffer.isBuffer(r.body)) body = r.body;
    else {
      body = Buffer.from(JSON.stringify(r.body));
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
    if (body.length && !headers['content-type']) headers['content-type'] = 'text/plain; charset=utf-8';
    headers['content-length'] = String(body.length);
    const entry = this.#entries.get(res);
    if (entry) {
      entry.status = r.status;
      entry.answeredAt = Date.now();
      entry.requestsSeenAtAnswer = this.stats.requests;
    }
    res.writeHead(r.status, headers);
    res.end(body);
  }
}

/** What every provider emulator exposes; `HarnessEmulator` implements it by delegating to its harness. */
export interface EmulatorHandle {
  readonly port: number;
  /** The IP address the server is bound to (always 127.0.0.1). */
  readonly address: string;
  /** https://127.0.0.1:{port} */
  readonly origin: string;
  /** Every request seen, in order (credentials stripped). */
  readonly requests: RequestLogEntry[];
  /** Connection and request counters (tlsConnections = TLS handshakes, for keep-alive assertions). */
  readonly stats: HarnessStats;
  /** Script a fault for matching requests (N times, then normal). */
  fault(spec: FaultSpec, match?: FaultMatch): FaultHandle;
  clearFaults(): void;
  clearLog(): void;
  waitForRequest(predicate?: (entry: RequestLogEntry) => boolean): Promise<RequestLogEntry>;
  /** emulatorDispatcher(this, options): an undici Agent routing every host to this emulator. */
  dispatcher(options?: EmulatorDispatcherOptions): Agent;
  close(): Promise<void>;
}

/**
 * Base class for provider emulators: the common surface, delegated to `harness` (which the subclass
 * creates with its hooks), so each provider file holds only its application.
 */
export abstract class HarnessEmulator implements EmulatorHandle {
  abstract readonly harness: EmulatorHarness;

  get port(): number {
    return this.harness.port;
  }
  get address(): string {
    return this.harness.address;
  }
  get origin(): string {
    return this.harness.origin;
  }
  get requests(): RequestLogEntry[] {
    return this.harness.requests;
  }
  get stats(): HarnessStats {
    return this.harness.stats;
  }
  fault(spec: FaultSpec, match?: FaultMatch): FaultHandle {
    return this.harness.fault(spec, match);
  }
  clearFaults(): void {
    this.harness.clearFaults();
  }
  clearLog(): void {
    this.harness.clearLog();
  }
  waitForRequest(predicate?: (entry: RequestLogEntry) => boolean): Promise<RequestLogEntry> {
    return this.harness.waitForRequest(predicate);
  }
  dispatcher(options?: EmulatorDispatcherOptions): Agent {
    return emulatorDispatcher(this, options);
  }
  close(): Promise<void> {
    return this.harness.close();
  }
}
