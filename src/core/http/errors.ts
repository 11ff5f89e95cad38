/**
 * Maps low-level failures (no HTTP response, or a proxy refusing the tunnel) to network.* codes.
 * Network trouble is never a verdict on the token.
 */
import { HTTP_LIMITS } from './limits.js';

export type NetworkCode =
  'network.unreachable' | 'network.timeout' | 'network.tls' | 'network.proxy' | 'network.rate-limited' | 'network.unexpected-response';

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);

/**
 * Node's own HTTP client (the first wave, first-wave.ts) names some failures differently from undici:
 * each is read as its undici equivalent, so a failure is classified and described the same whichever
 * client met it. Headers past maxHeaderSize are llhttp's HPE_HEADER_OVERFLOW; a server closing the
 * connection before answering is Node's "socket hang up" (ECONNRESET), undici's "other side closed";
 * the first wave's own timeouts (its socket idle timeout, before or after the answer's headers) carry
 * the codes below.
 */
export const FIRST_WAVE_HEADERS_TIMEOUT = 'FIRST_WAVE_HEADERS_TIMEOUT';
export const FIRST_WAVE_BODY_TIMEOUT = 'FIRST_WAVE_BODY_TIMEOUT';
const UNDICI_EQUIVALENT: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'UND_ERR_HEADERS_OVERFLOW',
  [FIRST_WAVE_HEADERS_TIMEOUT]: 'UND_ERR_HEADERS_TIMEOUT',
  [FIRST_WAVE_BODY_TIMEOUT]: 'UND_ERR_BODY_TIMEOUT',
};

/**
 * Node's HTTP parser errors (HPE_*), the header cap aside: undici raises the same malformed answers
 * as an HTTPParserError without a code, which the retry rule retries and the report names so.
 */
const isParserError = (code: unknown): boolean => typeof code === 'string' && code.startsWith('HPE_') && !(code in UNDICI_EQUIVALENT);

/** An error's code as undici would have named it (see UNDICI_EQUIVALENT); other codes unchanged. */
export function undiciCode(e: { code?: unknown; message?: unknown }): string | undefined {
  if (typeof e.code !== 'string' || isParserError(e.code)) return undefined;
  // The connection closed before the answer, or in the middle of its body: undici's "other side closed".
  if (e.code === 'ECONNRESET' && (e.message === 'socket hang up' || e.message === 'aborted')) return 'UND_ERR_SOCKET';
  return UNDICI_EQUIVALENT[e.code] ?? e.code;
}

/** An error's name as undici would have given it. */
const undiciName = (e: ErrorLike): string | undefined => (isParserError(e.code) ? 'HTTPParserError' : e.name);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
}

function chain(e: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    out.push(cur as ErrorLike);
    cur = (cur as ErrorLike).cause;
  }
  return out;
}

export interface NetworkFailure {
  code: NetworkCode;
  /** Low-level detail for the message: the error code (never the token, never headers). */
  detail: string;
}

export function classifyNetworkError(e: unknown): NetworkFailure {
  const errors = chain(e);
  const codes = errors.map(undiciCode).filter((c): c is string => c !== undefined);
  const detail = codes[codes.length - 1] ?? errors.map(undiciName).find(Boolean) ?? 'unknown error';
  const messages = errors.map((x) => String(x.message ?? '')).join(' | ');
  if (/proxy response \((\d+)\)|proxy.*(407|refused|authentication)/i.test(messages)) {
    const status = /proxy response \((\d+)\)/i.exec(messages)?.[1];
    return { code: 'network.proxy', detail: status ? `proxy answered ${status}` : detail };
  }
  if (codes.includes('UND_ERR_HEADERS_OVERFLOW')) {
    return { code: 'network.unexpected-response', detail: `the answer's headers ran past ${HTTP_LIMITS.maxHeaderBytes / 1024} KiB` };
  }
  if (codes.some((c) => TLS_CODES.has(c)) || codes.some((c) => c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL')))
    return { code: 'network.tls', detail };
  if (codes.some((c) => TIMEOUT_CODES.has(c)) || errors.some((x) => x.name === 'TimeoutError' || x.name === 'AbortError')) {
    return { code: 'network.timeout', detail: codes.find((c) => TIMEOUT_CODES.has(c)) ?? 'timed out' };
  }
  return { code: 'network.unreachable', detail };
}
