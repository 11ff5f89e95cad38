/**
 * Every form in which a token could show up in output: the raw value, its cleaned form, each line of
 * a multi-line value, and what HTTP clients derive from it (Basic header base64, URL encoding).
 * Adapters register all of these with the platform's masker before doing anything else.
 */
import { checkHygiene, MAX_TOKEN_CHARS } from './hygiene.js';

/** Conventional user names put in front of a token in Basic auth. */
const BASIC_USERS = ['', 'x-access-token', 'x-bitbucket-api-token-auth', 'oauth2', 'pat', 'user', 'git'];
const MIN_MASK_LENGTH = 4;

export function secretForms(raw: string | undefined, username?: string): string[] {
  if (!raw) return [];
  const forms = new Set<string>();
  const add = (v: string | undefined): void => {
    if (v && v.trim().length >= MIN_MASK_LENGTH) forms.add(v);
  };
  add(raw);
  add(raw.trim());
  // Over-long text is a token.format finding and never sent: masking it whole is enough, and
  // deriving forms from megabytes would cost time and memory for nothing.
  if (raw.length > MAX_TOKEN_CHARS) return [...forms];
  for (const line of raw.split(/\r?\n|\r/)) add(line.trim());
  const cleaned = checkHygiene(raw).token;
  const bases = new Set([raw.trim(), cleaned].filter((v): v is string => !!v && v.length >= MIN_MASK_LENGTH));
  for (const t of bases) {
    add(t);
    add(encodeURIComponent(t));
    add(Buffer.from(t).toString('base64'));
    // The request trims the user name, so the header carries the trimmed form: mask both.
    for (const user of new Set([...BASIC_USERS, ...(username ? [username, username.trim()] : [])])) {
      add(Buffer.from(`${user}:${t}`).toString('base64'));
    }
  }
  return [...forms];
}

/** Replace every secret form in a text (longest first, so a form never survives inside another). */
export function redact(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join('***');
  return out;
}

/** Shortest stretch of a secret that counts as leaking it (the tests' leak check uses the same). */
export const LEAK_WINDOW = 8;

/**
 * A scrubber for text that came from a server: every stretch sharing LEAK_WINDOW or more consecutive
 * characters with a secret form becomes `***`. A hostile or misconfigured server can echo the
 * credential (Authorization in an error message, a redirect, a display name); `redact` only catches
 * whole forms, this catches fragments too.
 */
/** The longest form of a token of acceptable length (base64 of `user:token` adds a third). */
const MAX_FORM_CHARS = 2 * MAX_TOKEN_CHARS;

export function secretScrubber(forms: readonly string[]): (text: string) => string {
  const grams = new Set<string>();
  const short: string[] = [];
  for (const f of forms) {
    // An over-long value is never sent anywhere, so no server can echo a fragment of it: whole form only.
    if (f.length < LEAK_WINDOW || f.length > MAX_FORM_CHARS) short.push(f);
    if (f.length > MAX_FORM_CHARS) continue;
    for (let i = 0; i + LEAK_WINDOW <= f.length; i++) grams.add(f.slice(i, i + LEAK_WINDOW));
  }
  return (text) => {
    let hiddenUntil = -1;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      if (i + LEAK_WINDOW <= text.length && grams.has(text.slice(i, i + LEAK_WINDOW))) {
        if (hiddenUntil < i) out += '***';
        hiddenUntil = i + LEAK_WINDOW - 1;
      } else if (i > hiddenUntil) out += text[i];
    }
    return short.length ? redact(out, short) : out;
  };
}
