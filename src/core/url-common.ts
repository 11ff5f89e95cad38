/**
 * What every provider's URL analysis shares: trimming, scheme defaulting, credential stripping,
 * the http/https rule, trailing slashes, and path segments. Never throws.
 */
import { isLoopback } from './http/loopback.js';
import type { UrlAnalysis } from './providers/types.js';
import { finding, type Finding } from './report.js';

export interface ParsedUrl {
  url: URL;
  /** The input trimmed, with any user name / password removed. */
  display: string;
  /** Decoded path segments, empty ones dropped. */
  segments: string[];
  trailingSlash: boolean;
  findings: Finding[];
}

// Control characters (as the Azure DevOps CLI rejects them); matched by code point to keep the regex readable.
const hasControl = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** The trimmed input as an http(s) URL with a host, or why it is not one. */
function toUrl(trimmed: string): URL | { why: string } {
  if (hasControl(trimmed) || /\s/.test(trimmed)) return { why: 'contains spaces or control characters' };
  // `https:/host` or `https:\\host` would otherwise get a second scheme, and its user:password@ land in the path.
  if (/^[a-z][a-z0-9+.-]*:(\/(?!\/)|\\)/i.test(trimmed)) return { why: 'has a malformed scheme (expected https://)' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { why: 'cannot be parsed' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { why: `uses the scheme ${url.protocol.replace(':', '')}, not https` };
  if (!url.hostname || /%/.test(url.hostname) || /%/.test(withScheme.split('/')[2] ?? '')) return { why: 'has no valid host name' };
  return url;
}

/** User name, password and http: are reported; the credentials are removed from `url` so they are never sent or shown. */
function securityFindings(url: URL): Finding[] {
  const findings: Finding[] = [];
  if (url.username || url.password) {
    findings.push(
      finding(
        'url.credentials',
        'error',
        'The URL contains a user name or password; it was removed and is never sent or shown.',
        'Remove the credentials from the URL and pass the token as a secret input.',
      ),
    );
    url.username = '';
    url.password = '';
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    findings.push(
      finding(
        'url.insecure',
        'error',
        `The URL uses http:, which would send the token in clear text; it is never sent there.`,
        `Use ${url.href.replace(/^http:/, 'https:').replace(/\/$/, '')}.`,
      ),
    );
  }
  return findings;
}

/** Decoded path segments, empty ones dropped; a segment that is not valid percent-encoding stays as written. */
function decodedSegments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/** Parse a user-supplied URL; on failure the findings explain, with an example of a correct URL. */
export function parseUserUrl(input: string, example: string): ParsedUrl | { findings: Finding[]; display: string } {
  const findings: Finding[] = [];
  const trimmed = input.trim();
  if (trimmed !== input) {
    findings.push(
      finding(
        'url.whitespace',
        'warning',
        'The URL has surrounding whitespace or a line break; it was removed.',
        'Remove the whitespace from the variable or input.',
      ),
    );
  }
  const invalid = (why: string, display = '(not shown)'): { findings: Finding[]; display: string } => ({
    findings: [...findings, finding('url.invalid', 'error', `The URL ${why}.`, `Use a URL like ${example}.`)],
    display,
  });
  if (trimmed === '') return invalid('is empty', '');
  const url = toUrl(trimmed);
  if ('why' in url) return invalid(url.why);
  findings.push(...securityFindings(url));
  url.hash = '';
  const segments = decodedSegments(url.pathname);
  const display = `${url.protocol}//${url.host}${url.pathname}${url.search}`;
  // WHATWG URL turns a bare host into path "/"; the user's own text tells whether they typed the slash.
  return { url, display, segments, trailingSlash: /\/$/.test(trimmed.split(/[?#]/)[0]!), findings };
}

export function trailingSlashFinding(display: string): Finding {
  return finding(
    'url.trailing-slash',
    'warning',
    'The URL ends with a slash; some tools then build "//" paths that fail.',
    `Use ${display.replace(/\/+$/, '')}.`,
  );
}

export function extraPathFinding(base: string, what: string): Finding {
  return finding(
    'url.extra-path',
    'warning',
    `The URL carries ${what} after the base; using ${base} and taking the rest separately.`,
    `Pass ${base} as the URL and the project separately.`,
  );
}

export function isParsed(p: ParsedUrl | { findings: Finding[]; display: string }): p is ParsedUrl {
  return 'url' in p;
}

/** Text as the user typed it, minus a `user:password@` after a scheme (a pasted clone URL), to quote safely. */
export function withoutUserinfo(text: string): string {
  return text.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

/**
 * A URL no provider parses, shown as typed but without anything before an `@` (a user name and
 * password, or a token, in a clone URL; `git@` of an scp-style one).
 */
export function shownAsTyped(text: string): string {
  return text.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1');
}

/** Origin without a default port, as a string. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** URL findings whose fix is "use this other URL": with several, they must name the same one. */
const REWRITES_URL = new Set<string>([
  'url.insecure',
  'url.legacy-host',
  'url.trailing-slash',
  'url.extra-path',
  'url.api-path',
  'url.port',
  // Its own fix ("remove the credentials") is the corrected URL too, when other fixes name one.
  'url.credentials',
]);

/** `s` with the base `from` named as `to` instead. */
const swapBase = (s: string, from: string, to: string): string => s.split(from).join(to);

/**
 * An http: URL is never used (url.insecure): the base the tool names is the https one, in the URL
 * row and in every message, so the row, the messages and the fix name the same URL.
 */
function overHttps(analysis: UrlAnalysis): UrlAnalysis {
  if (!analysis.normalized || !analysis.findings.some((f) => f.code === 'url.insecure')) return analysis;
  const base = new URL(analysis.normalized);
  if (base.protocol !== 'http:' || isLoopback(base.hostname)) return analysis;
  base.protocol = 'https:';
  const from = analysis.normalized;
  const to = base.href.replace(/\/$/, '');
  const findings = analysis.findings.map((f) =>
    f.code === 'url.insecure'
      ? f
      : { ...f, message: swapBase(f.message, from, to), ...(f.hint ? { hint: swapBase(f.hint, from, to) } : {}) },
  );
  return { ...analysis, normalized: to, findings };
}

/**
 * One URL with several problems (`http://org.visualstudio.com/Project/_git/repo/`) gets one corrected
 * URL, the base the tool itself uses (over https), and the project split off: each finding's own fix
 * would name a different half-corrected URL ("use https://…/_git/repo" beside "pass https://…/org").
 * A user name and password are never part of it (they were removed while parsing).
 */
export function agreeingFixes(input: UrlAnalysis): UrlAnalysis {
  const analysis = overHttps(input);
  const fixable = analysis.findings.filter((f) => REWRITES_URL.has(f.code));
  if (fixable.length < 2 || !analysis.normalized) return analysis;
  const fixed = analysis.normalized;
  const project = analysis.project ? ` and pass the project "${analysis.project}" separately` : '';
  const secret = fixable.some((f) => f.code === 'url.credentials') ? ' (no user name or password: pass the token as a secret input)' : '';
  const hint = `Use ${fixed} as the URL${secret}${project}.`;
  return { ...analysis, findings: analysis.findings.map((f) => (REWRITES_URL.has(f.code) ? { ...f, hint } : f)) };
}
