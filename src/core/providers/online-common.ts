/** Helpers every provider's online checks share: network findings, unexpected responses, near names. */
import type { HttpFailure, HttpOutcome, HttpResponse } from '../http/client.js';
import { CODES } from '../codes.js';
import { finding, type Finding } from '../report.js';
import type { UrlAnalysis } from './types.js';

/** A 2xx with an API JSON body: the only success that counts (provider-apis.md §1). */
export const isApiSuccess = (r: HttpOutcome | undefined): r is HttpResponse & { isJson: true } =>
  r?.kind === 'response' && r.status >= 200 && r.status < 300 && r.isJson;

/** The origin of the configured API alone: where providers without extra hosts send the credential. */
export const configuredOrigin = (url: UrlAnalysis): string[] => (url.normalized ? [new URL(url.normalized).origin] : []);

export function networkFinding(failure: HttpFailure, provider: string): Finding {
  const host = (() => {
    try {
      return `${provider} at ${new URL(failure.url).host}`;
    } catch {
      return provider;
    }
  })();
  const what: Record<HttpFailure['code'], string> = {
    'network.unreachable': `${host} could not be reached`,
    'network.timeout': `${host} did not answer in time`,
    'network.tls': `the TLS connection to ${host} failed`,
    'network.proxy': `the proxy refused the connection to ${host}`,
    'network.rate-limited': `${host} rate-limited the requests`,
    'network.unexpected-response': `${host} gave an unexpected response`,
  };
  return finding(
    failure.code,
    'error',
    `${what[failure.code]} (${failure.detail}); nothing is known about the token yet.`,
    CODES[failure.code].fix,
  );
}

export function unexpectedResponse(r: HttpResponse, provider: string, context?: string): Finding {
  const host = new URL(r.url).host;
  if (r.status === 429) {
    return finding(
      'network.rate-limited',
      'error',
      `${host} answered 429 (rate limited) beyond the retries this check allows${context ? ` (${context})` : ''}.`,
      CODES['network.rate-limited'].fix,
    );
  }
  const kind =
    r.status >= 500 ? `a server error (${r.status})` : r.isJson ? `HTTP ${r.status}` : `HTTP ${r.status} with a body that is not API JSON`;
  return finding(
    'network.unexpected-response',
    'error',
    `${provider} at ${host} answered ${kind}${context ? ` (${context})` : ''}; nothing is known about the token from it.`,
    CODES['network.unexpected-response'].fix,
  );
}

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

/** Up to `n` names closest to `wanted` (substring matches first), within a sensible distance. */
export function closestNames(wanted: string, names: readonly string[], n: number): string[] {
  const w = wanted.toLowerCase();
  return names
    .map((name) => ({ name, d: name.toLowerCase().includes(w) || w.includes(name.toLowerCase()) ? 0 : distance(wanted, name) }))
    .filter(({ d, name }) => d <= Math.max(3, Math.floor(Math.max(name.length, wanted.length) / 2)))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, n)
    .map(({ name }) => name);
}
