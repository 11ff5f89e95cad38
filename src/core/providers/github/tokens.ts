/**
 * Offline analysis of GitHub tokens (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
 *
 * Kinds: `github.classic-pat` (ghp_), `github.oauth` (gho_), `github.user-to-server` (ghu_),
 * `github.refresh-token` (ghr_), `github.installation` (ghs_, 40-character legacy),
 * `github.installation-stateless` (ghs_APPID_JWT, shape only), `github.fine-grained-pat`,
 * `github.legacy` (40 lower-case hex, only when the caller named GitHub) and `github.unknown`.
 *
 * Pure: no I/O. Messages describe the token in words; they quote at most a 4-character prefix.
 */
import { createHash } from 'node:crypto';
import { BASE62, base32Encode, decodeInt, encodeInt } from '../../checksum/base-n.js';
import { crc32Ascii } from '../../checksum/crc32.js';
import { finding, type Finding } from '../../report.js';
import type { TokenAnalysis, TokenContext } from '../types.js';
import { plural } from '../../plural.js';

/** The classic checksum of a body: CRC-32 of the body only (prefix not hashed), base62, 6 chars. */
export function githubClassicChecksum(body: string): string {
  return encodeInt(crc32Ascii(body), BASE62, 6);
}

/** The fine-grained checksum: first 8 base32 chars of SHA-256 over the first 77 chars (community-derived, not documented by GitHub). */
export function githubFineGrainedChecksum(first77: string): string {
  return base32Encode(createHash('sha256').update(first77, 'latin1').digest()).slice(0, 8);
}

interface ClassicFamily {
  kind: string;
  label: string;
  length: number;
}

const CLASSIC: Readonly<Record<string, ClassicFamily>> = {
  ghp_: { kind: 'github.classic-pat', label: 'GitHub personal access token (classic)', length: 40 },
  gho_: { kind: 'github.oauth', label: 'GitHub OAuth app access token', length: 40 },
  ghu_: { kind: 'github.user-to-server', label: 'GitHub App user access token', length: 40 },
  ghr_: { kind: 'github.refresh-token', label: 'GitHub App refresh token', length: 80 },
  ghs_: { kind: 'github.installation', label: 'GitHub App installation token', length: 40 },
};

const FINE_GRAINED_PREFIX = 'github_pat_';
const LABEL_FINE_GRAINED = 'GitHub fine-grained personal access token';
const LABEL_STATELESS = 'GitHub App installation token (stateless format)';
const LABEL_LEGACY = 'GitHub token (pre-2021 format)';
const LABEL_UNKNOWN = 'unrecognised GitHub token';

const ALNUM_RE = /^[A-Za-z0-9]*$/;
/** Three non-empty base64url segments separated by exactly two dots. */
const DOTTED_JWT_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const STATELESS_GHS_RE = /^ghs_[0-9]+_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const LEGACY_HEX_RE = /^[0-9a-f]{40}$/;

const HINT_RECOPY = 'Copy the token again in full from where it was created, or generate a new one, and update the secret.';
const HINT_RECOPY_FG =
  'Copy the token again in full from where it was created (GitHub shows it only once), or generate a new fine-grained token, and update the secret.';
const HINT_ONLINE = 'Nothing to do offline; run without `offline` to check it against GitHub.';
const ACCEPTED =
  'GitHub issues tokens starting with ghp_ (classic personal access token), gho_ (OAuth), ghu_ (GitHub App user token), ghr_ (refresh token), ghs_ (installation token, including Actions GITHUB_TOKEN) or the fine-grained personal access token prefix (github, pat, with underscores), plus pre-2021 tokens of 40 lower-case hex digits';

function result(kind: string, label: string, findings: Finding[], facts: Record<string, string> = {}): TokenAnalysis {
  return { provider: 'github', kind, label, findings, facts };
}

const count = (d: number): string => (d < 0 ? `${-d} missing` : `${d} too many`);

function unverifiable(what: string): Finding {
  return finding(
    'token.unverifiable',
    'info',
    `The ${what} carries no checksum that can be checked offline; GitHub says its contents must not be decoded or validated by clients.`,
    HINT_ONLINE,
  );
}

/** Installation and user tokens with dots: the stateless formats (shape only), or neither. */
function analyzeDotted(token: string, prefix: string, family: ClassicFamily): TokenAnalysis | undefined {
  if (!token.includes('.')) return undefined;
  if (prefix === 'ghs_') {
    if (STATELESS_GHS_RE.test(token))
      return result('github.installation-stateless', LABEL_STATELESS, [unverifiable('stateless installation token')]);
    return result(family.kind, family.label, [
      finding(
        'token.format',
        'warning',
        'The installation token has an unrecognised shape: neither the 40-character format nor the stateless format (app id, then a JWT with exactly two dots).',
        HINT_RECOPY,
      ),
    ]);
  }
  if (prefix === 'ghu_') {
    // GitHub announced a stateless user-token format like the installation one: shape only.
    if (DOTTED_JWT_RE.test(token.slice(4)))
      return result(family.kind, family.label, [unverifiable('GitHub App user access token (stateless format)')]);
    return result(family.kind, family.label, [
      finding(
        'token.format',
        'warning',
        'The GitHub App user access token contains dots but is not a well-formed stateless token (three segments separated by exactly two dots).',
        HINT_RECOPY,
      ),
    ]);
  }
  return undefined;
}

/** Wrong length or characters; an installation token of another length may be a format GitHub has not documented. */
function classicShapeFinding(token: string, prefix: string, family: ClassicFamily): Finding | undefined {
  const charsetOk = ALNUM_RE.test(token.slice(4));
  const lengthOk = token.length === family.length;
  if (charsetOk && lengthOk) return undefined;
  // Installation tokens are changing format (stateless since 2026-04): any other ghs_ shape may be a
  // new one, so it is a warning, whatever its length or characters (GitHub changelog 2026-04-24).
  if (prefix === 'ghs_')
    return finding(
      'token.format',
      'warning',
      `The installation token has an unrecognised shape: ${plural(token.length, 'character')} without dots${charsetOk ? '' : ', some of them not letters or digits'}, neither the 40-character format nor the stateless format.`,
      HINT_RECOPY,
    );
  const problems: string[] = [];
  if (!lengthOk)
    problems.push(
      `it is ${plural(token.length, 'character')} long instead of exactly ${family.length} (${count(token.length - family.length)})`,
    );
  if (!charsetOk) problems.push('after the prefix it contains characters other than letters and digits');
  return finding('token.format', 'error', `The ${family.label} is malformed: ${problems.join(', and ')}.`, HINT_RECOPY);
}

function classicChecksumFinding(token: string, prefix: string, family: ClassicFamily): Finding | undefined {
  const body = token.slice(4, -6);
  if (decodeInt(token.slice(-6), BASE62) === crc32Ascii(body)) return undefined;
  if (prefix === 'ghs_')
    return finding(
      'token.checksum',
      'warning',
      "The installation token's last 6 characters do not match the classic GitHub checksum; GitHub has not documented whether installation tokens carry one, so this may be harmless.",
      'If GitHub rejects the token, copy it again in full or mint a new installation token.',
    );
  return finding(
    'token.checksum',
    'error',
    `The ${family.label}'s embedded checksum (its last 6 characters) does not match: it was mistyped, truncated or altered, and GitHub will reject it.`,
    HINT_RECOPY,
  );
}

function analyzeClassic(token: string, prefix: string, family: ClassicFamily): TokenAnalysis {
  const dotted = analyzeDotted(token, prefix, family);
  if (dotted) return dotted;
  const shape = classicShapeFinding(token, prefix, family);
  if (shape) return result(family.kind, family.label, [shape]);
  const findings: Finding[] = [];
  const checksum = classicChecksumFinding(token, prefix, family);
  if (checksum) findings.push(checksum);
  if (prefix === 'ghr_') {
    findings.push(
      finding(
        'token.wrong-kind',
        'warning',
        'This is a GitHub App refresh token; it cannot authenticate API calls, it only buys a new user access token.',
        'Exchange it for a user access token (POST https://github.com/login/oauth/access_token with grant_type=refresh_token) and pass that token instead.',
      ),
    );
  }
  return result(family.kind, family.label, findings);
}

function analyzeFineGrained(token: string): TokenAnalysis {
  const kind = 'github.fine-grained-pat';
  const rest = token.slice(FINE_GRAINED_PREFIX.length);
  if (!/^[A-Za-z0-9_]*$/.test(rest) || rest.length === 0) {
    return result(kind, LABEL_FINE_GRAINED, [
      finding(
        'token.format',
        'error',
        'The fine-grained personal access token contains characters other than letters, digits and underscores, which GitHub never issues.',
        HINT_RECOPY_FG,
      ),
    ]);
  }
  const layoutProblems: string[] = [];
  if (token.length !== 93)
    layoutProblems.push(`it is ${plural(token.length, 'character')} long instead of the usual 93 (${count(token.length - 93)})`);
  else if (!/^[0-9][A-Za-z0-9]{21}_[A-Za-z0-9]{43}[A-Z2-7]{8}[A-Za-z0-9]{8}$/.test(rest))
    layoutProblems.push(
      'its segments are not where they usually are (22 characters starting with a digit, an underscore, 43 characters, 8 checksum characters, 8 more)',
    );
  if (layoutProblems.length > 0) {
    return result(kind, LABEL_FINE_GRAINED, [
      finding(
        'token.format',
        'warning',
        `Unexpected fine-grained token layout: ${layoutProblems.join('; ')}. GitHub documents only the prefix and the characters, so the token may still work.`,
        `If GitHub rejects it: ${HINT_RECOPY_FG.charAt(0).toLowerCase()}${HINT_RECOPY_FG.slice(1)}`,
      ),
    ]);
  }
  if (githubFineGrainedChecksum(token.slice(0, 77)) !== token.slice(77, 85)) {
    return result(kind, LABEL_FINE_GRAINED, [
      finding(
        'token.checksum',
        'warning',
        "The fine-grained token's checksum characters do not match its content under the community-derived (undocumented) scheme: it was probably mistyped or altered.",
        `If GitHub rejects it: ${HINT_RECOPY_FG.charAt(0).toLowerCase()}${HINT_RECOPY_FG.slice(1)}`,
      ),
    ]);
  }
  return result(kind, LABEL_FINE_GRAINED, []);
}

function unknown(token: string): TokenAnalysis {
  const lower = token.toLowerCase();
  const knownPrefix = [...Object.keys(CLASSIC), FINE_GRAINED_PREFIX].find((p) => lower.startsWith(p));
  let message: string;
  if (knownPrefix) {
    message =
      'The token starts with a GitHub prefix in the wrong letter case; GitHub prefixes are lower case and the token is case-sensitive.';
  } else if (/^[0-9a-fA-F]{40}$/.test(token)) {
    message = 'The token is 40 hex digits, like a pre-2021 GitHub token, but contains upper-case letters; those tokens are lower case.';
  } else if (/^gh[a-z]_/.test(token)) {
    message = `The token has a GitHub-style prefix that GitHub does not issue (${token.slice(0, 4)}). ${ACCEPTED}.`;
  } else {
    message = `The token matches no GitHub token format (${plural(token.length, 'character')}). ${ACCEPTED}.`;
  }
  return result('github.unknown', LABEL_UNKNOWN, [
    finding('token.format', 'error', message, `${HINT_RECOPY} Check that the right secret is wired to this step.`),
  ]);
}

/**
 * Analyse a (hygiene-cleaned) token as a GitHub token. Prefixed families are recognised with
 * `claim` false; the prefix-less pre-2021 format only when the caller named GitHub (`claim` true),
 * which also turns "not recognised" into a `github.unknown` analysis with a `token.format` error.
 */
export function analyzeGitHubToken(token: string, _ctx: TokenContext, claim: boolean): TokenAnalysis | undefined {
  if (token.startsWith(FINE_GRAINED_PREFIX)) return analyzeFineGrained(token);
  const prefix = token.slice(0, 4);
  const family = CLASSIC[prefix];
  if (family) return analyzeClassic(token, prefix, family);
  if (!claim) return undefined;
  if (LEGACY_HEX_RE.test(token)) {
    return result('github.legacy', LABEL_LEGACY, [
      finding(
        'token.unverifiable',
        'info',
        'Legacy GitHub token format (40 hex digits, issued before 2021): it has no checksum and cannot be checked offline.',
        'Consider replacing it with a fine-grained personal access token; run without `offline` to check it against GitHub.',
      ),
    ]);
  }
  return unknown(token);
}
