/**
 * One way to classify network trouble, for every provider. Trouble is an answer that says nothing
 * about the token: no response at all, a rate limit, a server error, a success that is not API JSON,
 * or a redirect the check does not follow. It is never a verdict on the token.
 */
import type { HttpFailure, HttpOutcome, HttpResponse } from '../../http/client.js';
import { finding, type Finding } from '../../report.js';

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const NETWORK_WHAT: Record<HttpFailure['code'], string> = {
  'network.unreachable': 'could not be reached',
  'network.timeout': 'did not answer in time',
  'network.tls': 'refused the TLS connection',
  'network.proxy': 'could not be reached through the proxy',
  'network.rate-limited': 'rate-limited the requests',
  'network.unexpected-response': 'gave an unexpected response',
};

export function networkFinding(failure: HttpFailure, provider: string): Finding {
  const who = `${provider} at ${hostOf(failure.url)}`;
  const what =
    failure.code === 'network.tls'
      ? `the TLS connection to ${who} failed`
      : failure.code === 'network.proxy'
        ? `the proxy refused the connection to ${who}`
        : `${who} ${NETWORK_WHAT[failure.code]}`;
  return finding(failure.code, 'error', `${what} (${failure.detail}); nothing is known about the token yet.`);
}

export function unexpectedResponse(r: HttpResponse, provider: string, context?: string): Finding {
  const host = hostOf(r.url);
  const about = context ? ` (${context})` : '';
  if (r.status === 429) {
    return finding('network.rate-limited', 'error', `${host} answered 429 (rate limited) beyond the retries this check allows${about}.`);
  }
  const kind =
    r.status >= 500 ? `a server error (${r.status})` : r.isJson ? `HTTP ${r.status}` : `HTTP ${r.status} with a body that is not API JSON`;
  return finding(
    'network.unexpected-response',
    'error',
    `${provider} at ${host} answered ${kind}${about}; nothing is known about the token from it.`,
  );
}

/** Is this answer trouble rather than a statement about the token? */
export function isTrouble(r: HttpOutcome): boolean {
  if (r.kind === 'network') return true;
  if (r.status >= 200 && r.status < 300) return !r.isJson;
  return r.status === 429 || r.status >= 500 || (r.status >= 300 && r.status < 400);
}

/** The finding for trouble, or undefined when the answer is the provider's word to interpret. */
export function trouble(r: HttpOutcome, provider: string, context?: string): Finding | undefined {
  if (!isTrouble(r)) return undefined;
  return r.kind === 'network' ? networkFinding(r, provider) : unexpectedResponse(r, provider, context);
}

/** The answer is the provider's word (not trouble): a response to interpret. */
export const answered = (r: HttpOutcome): r is HttpResponse => !isTrouble(r);

/** The finding for an answer that says nothing the provider's readers understand: trouble, or an odd status. */
export function noVerdict(r: HttpOutcome, provider: string, context?: string): Finding {
  return r.kind === 'network' ? networkFinding(r, provider) : unexpectedResponse(r, provider, context);
}
