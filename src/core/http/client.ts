/**
 * The one HTTP client. Only this module sees the credential in a header. It:
 * - sends the credential only to the origins it was created for, only over HTTPS (loopback excepted),
 *   and never follows redirects (undici does not follow by default; 3xx come back to the caller);
 * - applies a per-request timeout and an overall deadline;
 * - retries network errors, 429 and 5xx a bounded number of times with backoff, honouring
 *   Retry-After / X-RateLimit-Delay (undici RetryAgent, with our retry policy);
 * - keeps connections alive, so probes to one host share a connection;
 * - logs method, host, path, status and timing through an injected logger, never headers or bodies;
 * - POSTs (only token exchanges: Microsoft Entra, the CI platform's OIDC endpoint) go only to the
 *   configured origins, like a credential (their bodies carry secrets), and are never retried: a
 *   retried exchange could spend a one-time assertion or hide the first answer.
 *
 * Free of undici at start-up (it sits in index.js): the network stack (undici, the transport) is
 * loaded on first need. In production (`dispatcher` a function, `firstWave` given) the first GETs go
 * out through Node's own HTTPS client while that stack loads (first-wave.ts), under the same rules.
 */
import type { Dispatcher } from 'undici';
import { classifyNetworkError, undiciCode, type NetworkFailure } from './errors.js';
import { reachedDirectly, sendFirstWave, type FirstWaveSettings } from './first-wave.js';
import { CONNECTIONS_PER_CHECK, HTTP_LIMITS } from './limits.js';
import { loadedNetworkStack, loadNetworkStack, type NetworkStack } from './load.js';
import { isLoopback } from './loopback.js';
import type { HttpLogEntry } from './log.js';

export { formatLogEntry, type HttpLogEntry } from './log.js';
export { isLoopback } from './loopback.js';

export interface HttpClientOptions {
  /**
   * Transport (proxy, CA, keep-alive). Tests inject one that routes to the local emulators. In
   * production a function that creates it (loading the network stack) when first needed: it is
   * called once, and whoever passed it closes what it created.
   */
  dispatcher: Dispatcher | (() => Promise<Dispatcher>);
  /**
   * The transport's settings (proxy, CAs), given with a `dispatcher` function only: then the first
   * GETs to an origin reached directly go out through Node's HTTPS client while the network stack
   * loads (first-wave.ts). Absent: every request goes through the dispatcher.
   */
  firstWave?: FirstWaveSettings;
  /** Loads the network stack (undici's RetryAgent); load.ts's by default. Tests observe when it runs. */
  loadNetworkStack?: (whileWaiting?: boolean) => Promise<NetworkStack>;
  /** The header carrying the credential, e.g. `authorization: Basic …` or GitLab's `job-token: …`. */
  credential?: { name: string; value: string };
  /**
   * The same credential as Git and container-registry clients send it (GitLab: Basic `oauth2:token`),
   * for the read-only Git-over-HTTP and registry token requests that prove scopes. Same origins.
   */
  gitCredential?: { name: string; value: string };
  /** Origins (`https://host[:port]`) that may receive the credential. */
  credentialOrigins: readonly string[];
  requestTimeoutMs?: number;
  /** Overall budget for all requests of one preflight, from the client's creation. */
  deadlineMs?: number;
  maxRetries?: number;
  minBackoffMs?: number;
  /** Cap for one wait (Retry-After beyond it is not honoured: the check reports rate limiting instead). */
  maxBackoffMs?: number;
  monotonic?: () => number;
  /** Wall clock (epoch ms), for rate-limit reset times. */
  wallClock?: () => number;
  log?: (entry: HttpLogEntry) => void;
}

export interface HttpResponse {
  kind: 'response';
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Parsed body when the response is JSON (by content type) and parses; otherwise undefined. */
  json: unknown;
  isJson: boolean;
  url: string;
}

export interface HttpFailure extends NetworkFailure {
  kind: 'network';
  url: string;
}

export type HttpOutcome = HttpResponse | HttpFailure;

const RETRY_STATUS = [429, 500, 502, 503, 504];
/** What the retry rule reads of a failed attempt: a status and its headers, or an error's code. */
interface RetryCause {
  statusCode?: number;
  code?: string;
  message?: string;
  headers?: Record<string, string | string[] | undefined>;
}
/** GitHub answers a used-up or secondary rate limit with 403: retried like 429, but only then. */
const RATE_LIMIT_403 = 403;

function isRateLimited403(headers: Record<string, string | string[] | undefined> | undefined): boolean {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  return first(headers?.['retry-after']) !== undefined || first(headers?.['x-ratelimit-remaining'])?.trim() === '0';
}
const RETRY_ERRORS = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
];

/**
 * The longest wait a timer can hold: Node fires a longer setTimeout after 1 ms instead, so a server's
 * "wait a thousand years" (a reset of 1e17, Retry-After 1e400) must come out as a long wait, never as none.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Delay requested by the server, in ms: Retry-After (seconds or date), Azure DevOps' X-RateLimit-Delay,
 * or — once the window is used up (remaining 0) — when GitHub's X-RateLimit-Reset / GitLab's
 * RateLimit-Reset says it resets (epoch seconds; small values are read as seconds from now). GitHub
 * sends a reset time on every answer, so without remaining 0 it means nothing for a retry.
 */
export function serverDelayMs(headers: Record<string, string | string[] | undefined> | undefined, nowMs: number): number | undefined {
  const ms = requestedDelayMs(headers, nowMs);
  return ms === undefined ? undefined : Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

function requestedDelayMs(headers: Record<string, string | string[] | undefined> | undefined, nowMs: number): number | undefined {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const retryAfter = first(headers?.['retry-after']);
  if (retryAfter !== undefined) {
    const secs = Number(retryAfter);
    // Infinity (`1e400`) is "do not come back": capped below, which ends the retries.
    if (!Number.isNaN(secs)) return Math.max(0, secs * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  const delay = Number(first(headers?.['x-ratelimit-delay']));
  if (Number.isFinite(delay) && delay > 0) return delay * 1000;
  for (const prefix of ['x-ratelimit-', 'ratelimit-']) {
    if (first(headers?.[`${prefix}remaining`])?.trim() !== '0') continue;
    const reset = Number(first(headers?.[`${prefix}reset`]));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset > 1e9 ? reset * 1000 - nowMs : reset * 1000);
  }
  return undefined;
}

/**
 * The body as text, or a failure once it passes `max` bytes: the stream is destroyed at once, so an
 * endless or huge answer costs at most `max` bytes of memory.
 */
async function readCapped(
  body: AsyncIterable<unknown> & { destroy(): unknown },
  declared: string | string[] | undefined,
  max: number,
): Promise<string | NetworkFailure> {
  const tooLarge = (what: string): NetworkFailure => ({
    code: 'network.unexpected-response',
    detail: `${what}, over the ${max / 1024 / 1024} MiB an API answer can need; reading stopped there`,
  });
  const length = Number(Array.isArray(declared) ? declared[0] : declared);
  if (Number.isFinite(length) && length > max) {
    body.destroy();
    return tooLarge(`the body announced ${length} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      body.destroy();
      return tooLarge(`the body ran past ${max} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Headers as lower-case single strings, and the body parsed when it is the JSON its type claims. */
function readAnswer(raw: Record<string, string | string[] | undefined>, body: string): Pick<HttpResponse, 'headers' | 'json' | 'isJson'> {
  // No prototype: a header named `constructor` or `__proto__` is just another header.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  if (!/[/+]json\b/i.test(headers['content-type'] ?? '') || body.length === 0) return { headers, json: undefined, isJson: false };
  try {
    const json: unknown = JSON.parse(body);
    // Every API answers objects or arrays; a bare `null`, number or string is not its answer.
    return json !== null && typeof json === 'object' ? { headers, json, isJson: true } : { headers, json: undefined, isJson: false };
  } catch {
    return { headers, json: undefined, isJson: false }; // truncated, or not JSON after all
  }
}

/** An answer's body as text (capped), or the cap's failure. */
const readBody = (res: Answer): Promise<string | NetworkFailure> =>
  readCapped(res.body, res.headers['content-length'], HTTP_LIMITS.maxBodyBytes);

interface Attempt {
  n: number;
  startedAt: number;
  before: number;
}

/** An answer's head and body, from undici or from the first wave. */
interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<unknown> & { destroy(): unknown };
}

/** An answer with its body read. */
interface ReadAnswer {
  res: Answer;
  body: string | NetworkFailure;
}

export class HttpClient {
  readonly #options: Required<Omit<HttpClientOptions, 'credential' | 'gitCredential' | 'log' | 'firstWave' | 'loadNetworkStack'>> &
    Pick<HttpClientOptions, 'credential' | 'gitCredential' | 'log' | 'firstWave'>;
  readonly #deadlineAt: number;
  readonly #origins: Set<string>;
  readonly #loadStack: (whileWaiting?: boolean) => Promise<NetworkStack>;
  /** Set once the network stack has finished loading: from then on no request goes in the first wave. */
  #stack: NetworkStack | undefined;
  /** The dispatcher wrapped in undici's RetryAgent, created on first need. */
  #retrying: Promise<Dispatcher> | undefined;
  /** First-wave requests sent so far (at most CONNECTIONS_PER_CHECK), and those not written yet. */
  #firstWaves = 0;
  #unwritten = 0;
  /** Requests waiting for the first wave to be written before the stack may load. */
  #waitingForWrites: Array<() => void> = [];
  /**
   * Each request's current attempt (1 first) and when it started, found through the request's own
   * abort signal (the one object undici hands the retry callback unchanged): a debug line then shows
   * that attempt's number and its own time, not the time since the first. `before`: the attempts
   * made before undici got the request (the first wave's), which undici's own counter does not know.
   */
  readonly #attempts = new WeakMap<AbortSignal, Attempt>();

  constructor(options: HttpClientOptions) {
    const { loadNetworkStack: load, ...rest } = options;
    this.#options = {
      requestTimeoutMs: HTTP_LIMITS.requestTimeoutMs,
      deadlineMs: HTTP_LIMITS.deadlineMs,
      maxRetries: HTTP_LIMITS.maxRetries,
      minBackoffMs: HTTP_LIMITS.minBackoffMs,
      maxBackoffMs: HTTP_LIMITS.maxServerWaitMs,
      monotonic: () => performance.now(),
      wallClock: () => Date.now(),
      ...rest,
    };
    const o = this.#options;
    this.#origins = new Set(o.credentialOrigins.map((x) => new URL(x).origin));
    this.#deadlineAt = o.monotonic() + o.deadlineMs;
    this.#loadStack = load ?? loadNetworkStack;
    this.#stack = load ? undefined : loadedNetworkStack();
  }

  /**
   * The one retry rule, for undici's RetryAgent and the first wave alike: after attempt `counter` of
   * a request failed with `e` (a status or a network error), the wait before the next attempt, or
   * undefined when there is none. Logs the retry.
   */
  #retryWait(method: string, e: RetryCause, counter: number, at: URL, attempt: Attempt): number | undefined {
    const o = this.#options;
    const code = undiciCode(e);
    const retryable =
      e.statusCode === RATE_LIMIT_403
        ? isRateLimited403(e.headers)
        : e.statusCode !== undefined
          ? RETRY_STATUS.includes(e.statusCode)
          : !code || code === 'UND_ERR_REQ_RETRY' || RETRY_ERRORS.includes(code);
    // Only reads are retried: undici's callback replaces RetryAgent's own, which checked `methods`.
    const idempotent = method === 'GET' || method === 'HEAD';
    if (!idempotent || !retryable || counter > o.maxRetries) return undefined;
    const requested = serverDelayMs(e.headers, o.wallClock());
    const wait = requested ?? o.minBackoffMs * 2 ** (counter - 1);
    // A wait we cannot afford (beyond the cap or the deadline) ends the retries: the caller
    // then reports rate limiting or the server error instead of hanging the pipeline.
    if (wait > o.maxBackoffMs || o.monotonic() + wait + 50 > this.#deadlineAt) return undefined;
    o.log?.({
      method: 'GET',
      host: at.host,
      path: at.pathname,
      status: e.statusCode,
      ms: Math.round(o.monotonic() - attempt.startedAt),
      attempt: attempt.n,
      note: `retrying in ${Math.round(wait)} ms (${e.statusCode ?? code ?? 'network error'})`,
    });
    return wait;
  }

  /** After a retry's wait: the next attempt's number and start. */
  #nextAttempt(attempt: Attempt): void {
    attempt.n += 1;
    attempt.startedAt = this.#options.monotonic();
  }

  /** The transport wrapped in RetryAgent: loads the stack (once the first wave is written) and creates the transport. */
  #retryingAgent(): Promise<Dispatcher> {
    return (this.#retrying ??= this.#firstWaveWritten().then(async () => {
      const o = this.#options;
      const [stack, dispatcher] = await Promise.all([
        // After a first wave, its answers are awaited meanwhile: the stack is then compiled in full.
        this.#loadStack(this.#firstWaves > 0).then((s) => (this.#stack = s)),
        typeof o.dispatcher === 'function' ? o.dispatcher() : o.dispatcher,
      ]);
      return new stack.RetryAgent(dispatcher, {
        maxRetries: o.maxRetries,
        methods: ['GET', 'HEAD'],
        statusCodes: [...RETRY_STATUS, RATE_LIMIT_403],
        errorCodes: RETRY_ERRORS,
        throwOnError: false,
        retry: (err, { state, opts }, cb) => {
          const e = err as Error & RetryCause;
          const at = new URL(String(opts.path ?? '/'), String(opts.origin ?? 'https://unknown'));
          const attempt = this.#attempts.get((opts as { signal?: AbortSignal }).signal!) ?? {
            n: state.counter,
            startedAt: o.monotonic(),
            before: 0,
          };
          const wait = this.#retryWait(String(opts.method), e, state.counter + attempt.before, at, attempt);
          if (wait === undefined) return cb(err);
          // Not unref'd: during the wait this timer is what keeps a CLI process alive.
          setTimeout(() => {
            this.#nextAttempt(attempt);
            cb(null);
          }, wait);
        },
      });
    }));
  }

  /**
   * Resolves once every first-wave request in flight has been written (or failed): only then may the
   * stack load, or its evaluation (synchronous, ~14 ms of CPU) would delay their handshakes and writes.
   */
  #firstWaveWritten(): Promise<void> {
    if (this.#unwritten === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waitingForWrites.push(resolve));
  }

  #written(): void {
    if (--this.#unwritten > 0) return;
    for (const resume of this.#waitingForWrites.splice(0)) resume();
    // The stack loads (and the transport pre-connects) while the first wave's answers are awaited.
    this.#retryingAgent().catch(() => undefined);
  }

  /**
   * Does this request go in the first wave (counted then)? Production transport (a dispatcher still
   * to be created), a GET, the stack not loaded yet, an origin reached directly, and fewer than
   * CONNECTIONS_PER_CHECK sent so far.
   */
  #joinFirstWave(method: string, url: URL): boolean {
    const o = this.#options;
    const first =
      o.firstWave !== undefined &&
      typeof o.dispatcher === 'function' &&
      method === 'GET' &&
      this.#stack === undefined &&
      this.#firstWaves < CONNECTIONS_PER_CHECK &&
      reachedDirectly(url, o.firstWave);
    if (first) {
      this.#firstWaves++;
      this.#unwritten++;
    }
    return first;
  }

  /** Every attempt (or every attempt after the first wave's) through the transport, retried by RetryAgent. */
  async #sendThroughUndici(method: string, url: URL, headers: Record<string, string>, signal: AbortSignal, payload?: string) {
    const o = this.#options;
    return (await this.#retryingAgent()).request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: method as Dispatcher.HttpMethod,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      headersTimeout: o.requestTimeoutMs,
      bodyTimeout: o.requestTimeoutMs,
      signal,
    });
  }

  /** Every attempt (or every attempt after the first wave's) through undici, the body read. */
  async #undiciRead(method: string, url: URL, headers: Record<string, string>, signal: AbortSignal, payload?: string): Promise<ReadAnswer> {
    const res = await this.#sendThroughUndici(method, url, headers, signal, payload);
    return { res, body: await readBody(res) };
  }

  /**
   * The first attempt through Node's HTTPS client: its answer with the body read, or undefined when
   * the retry rule retries it (for its status, its error, or a connection that broke while the body
   * was read, as undici's RetryAgent retries those): the caller then sends the later attempts
   * through undici (numbered on).
   */
  async #sendFirst(url: URL, headers: Record<string, string>, signal: AbortSignal, attempt: Attempt): Promise<ReadAnswer | undefined> {
    const o = this.#options;
    let answer: Answer | undefined;
    let cause: RetryCause;
    try {
      answer = await sendFirstWave({
        url,
        headers,
        timeoutMs: o.requestTimeoutMs,
        signal,
        settings: o.firstWave!,
        written: () => this.#written(),
      });
      cause = answer;
    } catch (e) {
      cause = e as RetryCause;
    }
    let wait = this.#retryWait('GET', cause, 1, url, attempt);
    if (wait === undefined && answer) {
      try {
        return { res: answer, body: await readBody(answer) };
      } catch (e) {
        cause = e as RetryCause;
        wait = this.#retryWait('GET', cause, 1, url, attempt);
      }
    }
    if (wait === undefined) throw cause as Error;
    answer?.body.destroy();
    await new Promise((resolve) => setTimeout(resolve, wait));
    this.#nextAttempt(attempt);
    attempt.before = 1;
    return undefined;
  }

  /** May the credential go to this URL? Same configured origin, and HTTPS unless loopback. */
  mayCarryCredential(url: URL): boolean {
    return this.#origins.has(url.origin) && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)));
  }

  remainingMs(): number {
    return this.#deadlineAt - this.#options.monotonic();
  }

  /** `withCredential`: `'git'` sends the Git client's form of the credential (`gitCredential`) instead. */
  async get(target: string, headers: Record<string, string> = {}, withCredential: boolean | 'git' = true): Promise<HttpOutcome> {
    return this.#send('GET', target, headers, withCredential);
  }

  /**
   * A token exchange, or a provider request documented to write nothing (Azure DevOps' validateOnly
   * work item): `body` (form or JSON, it may carry secrets) goes only to a configured origin over
   * HTTPS or loopback, once (never retried).
   */
  async post(target: string, body: string, headers: Record<string, string> = {}, withCredential = true): Promise<HttpOutcome> {
    if (!this.mayCarryCredential(new URL(target)))
      return { kind: 'network', code: 'network.unexpected-response', detail: `refused to post to ${new URL(target).origin}`, url: target };
    return this.#send('POST', target, headers, withCredential, body);
  }

  async #send(
    method: 'GET' | 'POST',
    target: string,
    headers: Record<string, string>,
    withCredential: boolean | 'git',
    payload?: string,
  ): Promise<HttpOutcome> {
    const o = this.#options;
    const url = new URL(target);
    const started = o.monotonic();
    const sendHeaders: Record<string, string> = { 'user-agent': 'credential-preflight', accept: 'application/json', ...headers };
    const credential = withCredential === 'git' ? o.gitCredential : withCredential ? o.credential : undefined;
    if (credential) {
      if (!this.mayCarryCredential(url)) {
        // Defence in depth: provider code only builds URLs on the configured origins.
        return {
          kind: 'network',
          code: 'network.unexpected-response',
          detail: `refused to send the credential to ${url.origin}`,
          url: target,
        };
      }
      sendHeaders[credential.name.toLowerCase()] = credential.value;
    }
    // The step's deadline is the only budget: no request outlives it, and none is cut shorter.
    // AbortSignal.timeout takes whole milliseconds only (a fraction throws ERR_OUT_OF_RANGE).
    const budget = Math.floor(this.remainingMs());
    if (budget <= 0) return { kind: 'network', code: 'network.timeout', detail: 'overall deadline reached', url: target };
    const signal = AbortSignal.timeout(budget);
    const attempt: Attempt = { n: 1, startedAt: started, before: 0 };
    this.#attempts.set(signal, attempt);
    // Decided now, before anything is awaited: the requests of one round trip are all counted
    // before the first of them is written (see #firstWaveWritten).
    const first = this.#joinFirstWave(method, url);
    // Retried requests say which attempt answered; a first answer needs no number.
    const timing = (): Pick<HttpLogEntry, 'ms' | 'attempt'> => ({
      ms: Math.round(o.monotonic() - attempt.startedAt),
      ...(attempt.n > 1 ? { attempt: attempt.n } : {}),
    });
    try {
      const { res, body } =
        (first ? await this.#sendFirst(url, sendHeaders, signal, attempt) : undefined) ??
        (await this.#undiciRead(method, url, sendHeaders, signal, payload));
      if (typeof body !== 'string') {
        o.log?.({ method, host: url.host, path: url.pathname, status: res.statusCode, ...timing(), note: body.detail });
        return { kind: 'network', ...body, url: target };
      }
      const { headers: headersOut, json, isJson } = readAnswer(res.headers, body);
      o.log?.({ method, host: url.host, path: url.pathname, status: res.statusCode, ...timing() });
      return { kind: 'response', status: res.statusCode, headers: headersOut, body, json, isJson, url: target };
    } catch (e) {
      const failure = classifyNetworkError(e);
      o.log?.({ method, host: url.host, path: url.pathname, ...timing(), note: `${failure.code} (${failure.detail})` });
      return { kind: 'network', ...failure, url: target };
    }
  }
}
