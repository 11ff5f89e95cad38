/**
 * The provider's statement about a refused request, read from whatever form it came in: JSON message
 * fields, an HTML error page (title and body text), plain text, `WWW-Authenticate`'s
 * `error_description`, or a provider header. Proxies and on-premises servers turn one provider's JSON
 * into a page or drop a header, so each provider matches its documented phrases against this text
 * instead of one field.
 *
 * Bounded: only the first SCAN characters of a body are read (bodies are already capped at 1 MiB),
 * the HTML reader is one linear pass (no regular expression over the page), and the text is cut to
 * MAX_STATEMENT. Inert: control and bidirectional-override characters are removed and whitespace
 * collapsed; messages quote it only through `quoteStatement`, cut like every other server text.
 */
import type { HttpResponse } from '../../http/client.js';
import { MAX_TEXT } from './shape.js';

/** How much of a body is read for a statement: an error page says what it says near the top. */
const SCAN = 64 * 1024;
/** Longest statement kept for matching. */
export const MAX_STATEMENT = 2048;
/** Longest piece of a statement quoted in a message. */
const MAX_QUOTE = 200;

/** JSON fields providers put their word in: GitHub/GitLab/ADO `message`, OAuth-style `error_description`, Bitbucket `error.message`/`error.detail`. */
const JSON_FIELDS = ['message', 'error_description', 'errorMessage', 'error'] as const;

// Control characters, and the bidirectional overrides that reorder what a terminal shows.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** Whitespace collapsed, unsafe characters gone, cut to `max`. */
export const tidy = (s: string, max = MAX_STATEMENT): string =>
  s
    .slice(0, max * 2)
    .replace(UNSAFE, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (all, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? all;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  });
}

/** The text of an HTML page in one pass: tags dropped, script and style skipped, the title first. */
export function htmlText(page: string): string {
  const html = page.slice(0, SCAN);
  const lower = html.toLowerCase();
  const out: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      out.push(html.slice(i));
      break;
    }
    out.push(html.slice(i, lt));
    const gt = html.indexOf('>', lt);
    if (gt === -1) break; // an unclosed tag ends the page
    const name = /^<\s*([a-z]+)/.exec(lower.slice(lt, Math.min(gt, lt + 12)))?.[1];
    i = gt + 1;
    if (name === 'script' || name === 'style') {
      const end = lower.indexOf(`</${name}`, i);
      i = end === -1 ? html.length : end;
    }
    out.push(' ');
  }
  return decodeEntities(out.join(''));
}

/** The `error_description="…"` of a WWW-Authenticate challenge (GitLab, OAuth-style servers). */
const challengeText = (r: HttpResponse): string =>
  /\berror_description="([^"]{0,2048})"/i.exec((r.headers['www-authenticate'] ?? '').slice(0, 4096))?.[1] ?? '';

function jsonText(json: unknown): string[] {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return [];
  const body = json as Record<string, unknown>;
  const parts: string[] = [];
  for (const field of JSON_FIELDS) {
    const v = Object.hasOwn(body, field) ? body[field] : undefined;
    if (typeof v === 'string') parts.push(v.slice(0, MAX_STATEMENT));
    // Bitbucket: {"type":"error","error":{"message":…,"detail":…}}.
    else if (v && typeof v === 'object' && !Array.isArray(v)) parts.push(...jsonText(v), ...detail(v as Record<string, unknown>));
  }
  return parts;
}

const detail = (o: Record<string, unknown>): string[] =>
  Object.hasOwn(o, 'detail') && typeof o.detail === 'string' ? [o.detail.slice(0, MAX_STATEMENT)] : [];

const isHtml = (r: HttpResponse): boolean =>
  /\bhtml\b/i.test(r.headers['content-type'] ?? '') || /^\s*<(!doctype\s+html|html)\b/i.test(r.body.slice(0, 256));

/** The body's statement: its JSON fields, its page text, or its plain text. */
function bodyStatement(r: HttpResponse): string {
  if (r.isJson) return jsonText(r.json).join(' | ');
  if (isHtml(r)) return htmlText(r.body);
  return r.body.slice(0, SCAN);
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Everything the answer states, as one line of text: the provider headers named (URL-decoded, e.g.
 * Azure DevOps' X-TFS-ServiceError), the body in whatever form, and the challenge's description.
 */
export function statement(r: HttpResponse, headers: readonly string[] = []): string {
  const fromHeaders = headers.map((h) => decoded((r.headers[h] ?? '').slice(0, 4096)));
  return tidy([...fromHeaders, bodyStatement(r), challengeText(r)].filter(Boolean).join(' | '));
}

/** A piece of a statement for a message: quoted, short, inert. */
export const quoteStatement = (s: string): string => {
  const t = tidy(s, Math.min(MAX_QUOTE, MAX_TEXT)).replace(/"/g, "'");
  return t.length < tidy(s).length ? `"${t}…"` : `"${t}"`;
};

// --- phrases every provider uses ---------------------------------------------------------------------

/**
 * "The token has expired" in the words providers use: Azure DevOps "The Personal Access Token used has
 * expired", GitLab "Token is expired", Bitbucket "Access token expired." — but not a list of
 * possibilities such as "expired or revoked".
 */
const EXPIRED =
  /\b(?:token|PAT|credentials?|password)\b[^.|]{0,40}?\b(?:has|have|is|was) expired\b(?!\s*(?:or|and)\b)|\b(?:access )?token expired\b(?!\s*(?:or|and)\b)/i;
export const statesExpired = (s: string): boolean => EXPIRED.test(s);

/** "The token was revoked" (GitLab "Token was revoked", "has been revoked"). */
const REVOKED = /\b(?:token|PAT|credentials?)\b[^.|]{0,40}?\b(?:was|has been|is) revoked\b(?!\s*(?:or|and)\b)/i;
export const statesRevoked = (s: string): boolean => REVOKED.test(s);

/**
 * The date a statement gives for an expiry ("expired on 2026-11-30", "expired at
 * 2026-11-30T08:00:00Z"): as said and as an instant (a time without a zone is read as UTC, a date
 * alone as its 00:00 UTC). Undefined when there is none or it is no calendar date.
 */
const EXPIRED_ON = /\bexpired (?:on|at) (\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?/i;
export function statedExpiry(s: string): { text: string; at: Date } | undefined {
  const m = EXPIRED_ON.exec(s);
  if (!m) return undefined;
  const [all, y, mo, d, time] = m as unknown as [string, string, string, string, string | undefined];
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  // Date.UTC rolls 2026-02-31 over into March: only a date that exists is one.
  if (day.toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) return undefined;
  const zoned = time && /(?:Z|[+-]\d{2}:?\d{2})$/i.test(time) ? time : time && `${time}Z`;
  const at = time ? new Date(`${y}-${mo}-${d}T${zoned!.slice(1)}`) : day;
  return Number.isNaN(at.getTime()) ? undefined : { text: all.slice(all.search(/\d/)), at };
}
