/** Small readers of HTTP answers that every provider shares. */
import type { HttpOutcome, HttpResponse } from '../../http/client.js';
import type { UrlAnalysis } from '../types.js';
import { MAX_TEXT } from './shape.js';

/** A 2xx with an API JSON body: the only success that counts. */
export const isApiSuccess = (r: HttpOutcome | undefined): r is HttpResponse & { isJson: true } =>
  r?.kind === 'response' && r.status >= 200 && r.status < 300 && r.isJson;

/** The origin of the configured API alone: where providers without extra hosts send the credential. */
export const configuredOrigin = (url: UrlAnalysis): string[] => (url.normalized ? [new URL(url.normalized).origin] : []);

/** A string field of a JSON error body (`message`, `error`…), or ''. */
export function bodyText(r: HttpResponse, field: string): string {
  const body = r.isJson && r.json && typeof r.json === 'object' ? (r.json as Record<string, unknown>) : undefined;
  const v = body && Object.hasOwn(body, field) ? body[field] : undefined;
  // Cut like every string read from an answer: a megabyte `message` is not worth quoting.
  return typeof v === 'string' ? v.slice(0, MAX_TEXT) : '';
}
