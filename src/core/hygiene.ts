/**
 * Token hygiene: the mistakes people make when wiring a secret, caught before any format check.
 * Fatal findings (missing, unexpanded, placeholder) stop the preflight: there is nothing to check.
 */
import { finding, type Finding } from './report.js';
import { isEmptyState } from './token-source.js';
import { unexpandedFinding } from './unexpanded.js';
import { plural } from './plural.js';
import type { CheckRequest, InputNaming } from './request.js';

/**
 * Longest token worth reading. The longest real credentials are Entra access tokens with many claims,
 * a few KiB; servers refuse larger request headers anyway (16 KiB is IIS' and most proxies' limit).
 * Longer text is a pasted file or a wrong variable: every later step (checks, masking, scrubbing)
 * would only spend time on it.
 */
export const MAX_TOKEN_CHARS = 16 * 1024;

export interface HygieneResult {
  /** The token with whitespace, quotes and wrappers removed; undefined when there is nothing to check. */
  token: string | undefined;
  findings: Finding[];
}

const PLACEHOLDER_WORDS = new Set([
  'token',
  'pat',
  'secret',
  'password',
  'passwd',
  'changeme',
  'change-me',
  'change_me',
  'replaceme',
  'replace-me',
  'replace_me',
  'todo',
  'tbd',
  'fixme',
  'dummy',
  'example',
  'sample',
  'placeholder',
  'test',
  'null',
  'undefined',
  'none',
  'nil',
  'empty',
  'redacted',
  'masked',
  'secret-value',
  'default',
]);

function isPlaceholder(token: string): boolean {
  const t = token.toLowerCase();
  if (PLACEHOLDER_WORDS.has(t)) return true;
  if (/^([x*._#-])\1*$/i.test(t) && t.length >= 3) return true; // xxxx, ***, ----, ....
  if (/^0+$/.test(t) && t.length >= 3) return true;
  if (/^<[^<>]*>$/.test(t) || /^\[[^[\]]*\]$/.test(t) || /^\{[^{}]*\}$/.test(t)) return true; // <token>, [PAT], {token}
  if (/^(your|my|insert|enter|paste|put|add|replace)[-_ .]?.*(token|pat|key|secret|password|here)$/i.test(t)) return true;
  if (/^(token|pat|secret|key)[-_ .]?(here|goes[-_ .]?here|value)$/i.test(t)) return true;
  return false;
}

function describeSurroundings(raw: string, trimmed: string): string {
  const lead = raw.slice(0, raw.length - raw.trimStart().length);
  const trail = raw.slice(raw.trimEnd().length);
  const parts: string[] = [];
  // "a trailing line break", "a leading tab", "trailing spaces": the article goes before the adjective.
  const name = (s: string, where: string): string =>
    /[\r\n]/.test(s) ? `a ${where} line break` : /\t/.test(s) ? `a ${where} tab` : `${where} spaces`;
  if (lead) parts.push(name(lead, 'leading'));
  if (trail) parts.push(name(trail, 'trailing'));
  if (trimmed.length >= 2 && /^(["'`]).*\1$/s.test(trimmed)) parts.push('surrounding quotes');
  return parts.join(' and ');
}

/** Strip `Bearer `, `token `, `Basic <base64 of user:secret>`, and `user:secret` wrappers. */
function unwrap(token: string): { inner: string; wrapper: string } | undefined {
  const scheme = /^(bearer|token|basic|pat)\s+(\S+)$/i.exec(token);
  if (scheme) {
    const kind = scheme[1]!.toLowerCase();
    let inner = scheme[2]!;
    if (kind === 'basic') {
      const decoded = Buffer.from(inner, 'base64').toString('utf8');
      if (
        /^[^\s:]*:\S+$/.test(decoded) &&
        Buffer.from(decoded, 'utf8').toString('base64').replace(/=+$/, '') === inner.replace(/=+$/, '')
      ) {
        inner = decoded.slice(decoded.indexOf(':') + 1);
      }
    }
    return { inner, wrapper: `a "${scheme[1]} " header scheme` };
  }
  const pair = /^([^\s:/]{1,128}):(\S{8,})$/.exec(token);
  if (pair && !pair[2]!.includes(':')) return { inner: pair[2]!, wrapper: 'a "user:" prefix' };
  return undefined;
}

/**
 * `source` is a clause naming where the token was looked for and in what state (token-source.ts):
 * "environment variable AZURE_DEVOPS_PAT is set but empty". A variable set but empty was mapped from
 * a secret that is missing or withheld, which has its own fix.
 */
/** Where to put the token, in the terms of the front end that ran (the CLI has no `token` input). */
const PASS_TOKEN = (naming: InputNaming | undefined): string =>
  naming === 'flag'
    ? 'Put the token in one of the variables named (`export NAME=…`), name the variable that holds it with `--token-env NAME`, or pipe it in with `--token-stdin`.'
    : 'Pass the token from a secret: `token: ${{ secrets.NAME }}` (GitHub), a secret variable such as `$(PAT)` (Azure Pipelines), or the environment variable named by `--token-env` (CLI).';

function missingFinding(raw: string | undefined, source: string | undefined, context: HygieneContext): Finding {
  const origin = context.tokenOrigin;
  const what = source || raw === undefined || raw === '' ? 'No token was provided' : 'The token holds only whitespace';
  const empty = source !== undefined && isEmptyState(source);
  if (origin && 'stdin' in origin)
    return finding(
      'token.missing',
      'error',
      'No token was provided: standard input was empty.',
      'Pipe the token in from a variable that holds it, e.g. `printf %s "$PAT" | credential-preflight --token-stdin` (`printf %s` adds no line break; an empty $PAT pipes nothing), or name the variable that holds it with `--token-env NAME`.',
    );
  // The user named the variable: telling them to name one is no help; it is missing from this shell or step.
  if (origin && 'variable' in origin && origin.named && !empty)
    return finding(
      'token.missing',
      'error',
      `${what}: ${source}.`,
      `${origin.variable} is not set in this environment: set it in the shell that runs the check (\`export ${origin.variable}=…\`; PowerShell \`$env:${origin.variable} = …\`) or map the secret into the step's \`env:\`, or pass the name of the variable that does hold the token.`,
    );
  return finding(
    'token.missing',
    'error',
    source ? `${what}: ${source}.` : `${what}.`,
    empty
      ? 'The variable is mapped but its secret arrived empty: check that the secret exists under exactly that name and is available to this run (GitHub gives workflows triggered from forks no secrets; in Azure Pipelines a variable group must be linked and authorised for the pipeline).'
      : PASS_TOKEN(context.naming),
  );
}

/** The value without surrounding whitespace and one pair of surrounding quotes. */
function stripSurroundings(raw: string): string {
  const token = raw.trim();
  const quoted = /^(["'`])(.*)\1$/s.exec(token);
  return quoted ? quoted[2]!.trim() : token;
}

/** Whitespace inside the token is fatal unless it is a wrapper (`Bearer <token>`), reported separately. */
function innerWhitespaceFinding(token: string): Finding | undefined {
  if (!/\s/.test(token) || unwrap(token)) return undefined;
  return finding(
    'token.whitespace',
    'error',
    /[\r\n]/.test(token) ? 'The token contains a line break inside it.' : 'The token contains spaces inside it.',
    'A token is a single word: copy it again from the provider and store exactly that value.',
  );
}

/** U+0007 */
const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Every token format is printable ASCII, and an HTTP header cannot carry control characters or
 * (for Bearer and job tokens) anything past Latin-1: such a character is a paste artefact (a
 * zero-width space, a byte-order mark, a typographic quote), found here rather than as a failed request.
 */
function unsendableFinding(token: string): Finding | undefined {
  const bad = /[^\x21-\x7e]/u.exec(token)?.[0];
  if (bad === undefined) return undefined;
  const cp = bad.codePointAt(0)!;
  const what = cp < 0x20 || cp === 0x7f ? 'a control character' : 'a character outside printable ASCII';
  return finding(
    'token.format',
    'error',
    `The token contains ${what} (${codePoint(bad)}), which no token has and an HTTP header cannot carry.`,
    'Copy the token again from the provider as plain text (not from a rich-text document or chat) and store exactly that value.',
  );
}

function tooLongFinding(raw: string): Finding {
  return finding(
    'token.format',
    'error',
    `The token is ${plural(raw.length, 'character')} long; no credential is longer than ${MAX_TOKEN_CHARS}, so it was not examined further.`,
    'Check that the secret holds the token itself, not a file, a log or another variable.',
  );
}

/** A problem that leaves nothing to check, in the order they are looked for. */
function fatalFinding(token: string, naming: InputNaming | undefined): Finding | undefined {
  if (token === '')
    return finding(
      'token.missing',
      'error',
      'The token is empty once quotes and whitespace are removed.',
      'Store the token itself in the secret.',
    );
  const unexpanded = unexpandedFinding(token, naming);
  if (unexpanded) return unexpanded;
  if (isPlaceholder(token))
    return finding(
      'token.placeholder',
      'error',
      'The token is a placeholder, not a credential.',
      'Replace the placeholder with a real token stored as a secret.',
    );
  return innerWhitespaceFinding(token);
}

/** Where the token came from and which front end runs, for fixes that fit them. */
export type HygieneContext = Pick<CheckRequest, 'tokenOrigin' | 'naming'>;

export function checkHygiene(raw: string | undefined, source?: string, context: HygieneContext = {}): HygieneResult {
  if (raw === undefined || raw.trim() === '') return { token: undefined, findings: [missingFinding(raw, source, context)] };
  // First, before any other pass over the text: megabytes of it are a finding, not work.
  if (raw.length > MAX_TOKEN_CHARS) return { token: undefined, findings: [tooLongFinding(raw)] };
  const findings: Finding[] = [];
  const token = stripSurroundings(raw);
  if (token !== raw) {
    const around = describeSurroundings(raw, raw.trim());
    findings.push(
      finding(
        'token.whitespace',
        'error',
        `The token has ${around}; sent verbatim, it will be rejected.`,
        `Save the secret again without ${/^an? /.test(around) && !around.includes(' and ') ? 'it' : 'them'} (for example \`printf %s "$TOKEN"\` rather than \`echo\`, and no quotes around the value).`,
      ),
    );
  }
  const fatal = fatalFinding(token, context.naming);
  if (fatal) return { token: undefined, findings: [...findings, fatal] };
  const wrapped = unwrap(token);
  const unsendable = unsendableFinding(wrapped?.inner ?? token);
  if (unsendable) return { token: undefined, findings: [...findings, unsendable] };
  if (!wrapped) return { token, findings };
  findings.push(
    finding(
      'token.wrapper',
      'error',
      `The secret holds the token with ${wrapped.wrapper}; the value must be the bare token.`,
      'Store only the token in the secret; the tool and your later steps add the authentication scheme themselves.',
    ),
  );
  return { token: wrapped.inner, findings };
}
