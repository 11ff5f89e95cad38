/** Every time and retry limit of the HTTP client, defined once. */
export const HTTP_LIMITS = {
  /** One attempt's wait for headers or the next body chunk. */
  requestTimeoutMs: 10_000,
  /** All requests of one preflight, when the caller sets no `timeout-seconds`. */
  deadlineMs: 30_000,
  /** Retries after the first attempt (network errors, 429, 5xx, a rate-limited 403). */
  maxRetries: 2,
  /** First backoff when the server names no wait; doubles per retry. */
  minBackoffMs: 500,
  /** Longest wait a server may ask for (Retry-After, rate-limit reset); beyond it the check reports the limit. */
  maxServerWaitMs: 10_000,
  /** API answers are small JSON: a body past this is not the API's answer (and reading on costs memory). */
  maxBodyBytes: 1024 * 1024,
  /** All header lines of one answer (Node's own default, stated so it cannot drift). */
  maxHeaderBytes: 16 * 1024,
} as const;

/**
 * Connections per origin for one check. HTTP/1.1 carries one request at a time per connection, so
 * this caps how many requests to one host run at once: 8 covers one check's widest round trip.
 */
export const CONNECTIONS_PER_CHECK = 8;
