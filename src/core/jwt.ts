/**
 * Minimal JWT reading: structure and claims only. Signatures are never verified (we never hold the
 * issuer's keys) and the signature segment is never decoded, logged or returned.
 */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** True when the text has the shape of a compact JWS: three non-empty base64url segments. */
export function looksLikeJwt(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 3 && parts.every((p) => p.length > 0 && SEGMENT.test(p));
}

function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Decode header and payload; undefined when the text is not a well-formed JWT. Never throws. */
export function decodeJwt(text: string): DecodedJwt | undefined {
  if (!looksLikeJwt(text)) return undefined;
  const [h, p] = text.split('.');
  const header = decodeJsonSegment(h!);
  const payload = decodeJsonSegment(p!);
  return header && payload ? { header, payload } : undefined;
}

/** A numeric-date claim (Unix seconds) as a Date; undefined when absent, not a number, or beyond what a Date holds. */
export function claimDate(payload: Record<string, unknown>, name: string): Date | undefined {
  const v = Object.hasOwn(payload, name) ? payload[name] : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  // A Date holds ±8.64e15 ms; past it (an `exp` of 1e16) it is Invalid Date, which throws when printed.
  const d = new Date(v * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function claimString(payload: Record<string, unknown>, name: string): string | undefined {
  const v = Object.hasOwn(payload, name) ? payload[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}
