/**
 * Every form in which a token could show up in output: the raw value, its cleaned form, each line of
 * a multi-line value, and what HTTP clients derive from it (Basic header base64, URL encoding).
 * Adapters register all of these with the platform's masker before doing anything else.
 */
import { checkHygiene, MAX_TOKEN_CHARS } from './hygiene.js';
import { detectProvider } from './providers/registry.js';
import { exactReference } from './reference.js';

/** Conventional user names put in front of a token in Basic auth. */
const BASIC_USERS = ['', 'x-access-token', 'x-bitbucket-api-token-auth', 'oauth2', 'pat', 'user', 'git'];
const MIN_MASK_LENGTH = 4;

/**
 * A value that is exactly an unexpanded reference (`$(System.AccessToken)`) names a variable and
 * holds no secret: it is not masked, so the token.unexpanded finding can show which variable it was.
 * A name that looks like a secret (`$ghp_…`, a token pasted after a `$`) stays masked.
 */
function isPlainReference(raw: string): boolean {
  const ref = exactReference(raw);
  return ref !== undefined && !isSecretLike(ref.name) && !ref.name.split('.').some(isSecretLike);
}

export function secretForms(raw: string | undefined, username?: string): string[] {
  if (!raw || isPlainReference(raw)) return [];
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

/** Characters a token is made of (base64, base64url, JWT dots, prefixes such as `ghp_`). */
const TOKEN_RUN = /^[A-Za-z0-9+/=._~-]+$/;

/** 0 upper, 1 lower, 2 digit (the run holds nothing else). */
function charClass(c: string): number {
  if (c >= 'A' && c <= 'Z') return 0;
  return c >= 'a' && c <= 'z' ? 1 : 2;
}

/** Shortest run of letters and digits judged on its own: shorter ones are words, ids, temp suffixes. */
const MIN_RANDOM_RUN = 16;

/**
 * Random text switches between upper case, lower case and digits at about 60% of its characters;
 * names a person typed (`FabrikamFiber2024Migration`, `AZURE_DEVOPS_PAT`) switch far less. The
 * threshold keeps long CamelCase project names readable while hiding generated secrets.
 */
function looksRandom(run: string): boolean {
  if (!/[a-z]/.test(run) || !/[A-Z]/.test(run) || !/\d/.test(run)) return false;
  let switches = 0;
  for (let i = 1; i < run.length; i++) if (charClass(run[i]!) !== charClass(run[i - 1]!)) switches++;
  return switches >= 0.4 * (run.length - 1);
}

/** Recognising a format does not depend on the date (only its expiry findings do). */
const ANY_DAY = { now: new Date(0), tokenType: 'auto' as const };

/**
 * The one rule for "this looks like a secret, not a name", for every value the tool echoes (an
 * environment variable name, a path, a project, anything typed where a name belongs): 20 or more
 * token characters that are a token of a format some provider issues, or hold a long random-looking
 * run of mixed case and digits (punctuation apart: `cp-e2e-config-L2Js1Y` is a name with a random
 * suffix), or a long lower-case base32 run with several digits (legacy Azure DevOps PATs).
 */
export function isSecretLike(value: string): boolean {
  const v = value.trim();
  if (v.length < 20 || !TOKEN_RUN.test(v)) return false;
  if (detectProvider(v, ANY_DAY)) return true;
  if (v.split(/[^A-Za-z0-9]+/).some((run) => run.length >= MIN_RANDOM_RUN && looksRandom(run))) return true;
  return v.length >= 32 && /^[a-z0-9]+$/.test(v) && (v.match(/\d/g) ?? []).length >= 4;
}

/**
 * The secret-looking parts of values the tool may echo: the whole value, or each segment of a path,
 * URL or sentence (a token pasted into a path is hidden, the rest of the path stays readable).
 * Adapters add these to the redaction list, so a secret typed where a name belongs is never printed.
 */
export function echoedSecrets(values: ReadonlyArray<string | undefined>): string[] {
  const found = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    // The secret-looking segments when there are any (the rest of a path stays readable), else the whole.
    const parts = value.split(/[^A-Za-z0-9+=._~-]+/).filter(isSecretLike);
    for (const part of parts.length ? parts : isSecretLike(value) ? [value.trim()] : []) found.add(part);
  }
  return [...found];
}
