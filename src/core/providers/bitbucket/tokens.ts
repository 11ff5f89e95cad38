/**
 * Bitbucket Cloud / Atlassian tokens (prefixes: https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens): app passwords (`ATBB`, retired in 2026),
 * Atlassian API tokens (`ATATT…`) and access tokens (`ATCTT…`), each with a community-derived
 * CRC-32 in hex — so a mismatch is a warning, never an error.
 */
import { crc32Ascii } from '../../checksum/crc32.js';
import { finding, type Finding } from '../../report.js';
import type { TokenAnalysis, TokenContext } from '../types.js';
import { appPasswordPhase, RETIREMENT_DAYS } from './retirement.js';
import { plural } from '../../plural.js';

const RECOPY = 'Copy the token again from Atlassian (the whole value), or create a new one.';
const MIGRATE =
  'Create an API token (Atlassian account settings → Security → API tokens, with the Bitbucket scopes the steps need) and use it with Basic auth and your Atlassian e-mail as user name (for git over HTTPS the user name x-bitbucket-api-token-auth), or a repository/project/workspace access token with Bearer auth; then update the secret.';

export function atlassianCrc(head: string): string {
  return crc32Ascii(head).toString(16).toUpperCase().padStart(8, '0');
}

const result = (kind: string, label: string, findings: Finding[]): TokenAnalysis => ({
  provider: 'bitbucket',
  kind,
  label,
  findings,
  facts: {},
});

function retirement(now: Date): Finding {
  const { brownoutStart, brownoutEnd, removal } = RETIREMENT_DAYS;
  const phase = appPasswordPhase(now);
  if (phase === 'announced') {
    return finding(
      'token.retired',
      'warning',
      `Bitbucket app passwords are being retired: brownouts from ${brownoutStart} and removal on ${removal}.`,
      MIGRATE,
    );
  }
  if (phase === 'brownout') {
    return finding(
      'token.retired',
      'error',
      `Bitbucket app passwords are in their brownout period (until ${brownoutEnd}) and are removed on ${removal}; this one may fail at any time.`,
      MIGRATE,
    );
  }
  return finding('token.retired', 'error', `Bitbucket removed app passwords on ${removal}; this credential no longer works.`, MIGRATE);
}

/** An app password (`ATBB` + 24 letters and digits + CRC-32): always a retirement finding. */
function analyzeAppPassword(token: string, now: Date): TokenAnalysis {
  const findings: Finding[] = [retirement(now)];
  if (!/^ATBB[A-Za-z0-9]{24}[0-9A-Fa-f]{8}$/.test(token)) {
    findings.push(
      finding(
        'token.format',
        'error',
        `A Bitbucket app password has 36 letters and digits ending in 8 hex digits; this one has ${plural(token.length, 'character')}.`,
        RECOPY,
      ),
    );
  } else if (atlassianCrc(token.slice(0, 28)) !== token.slice(28).toUpperCase()) {
    findings.push(
      finding(
        'token.checksum',
        'warning',
        "The app password's embedded CRC-32 does not match (community-derived check); it was probably mistyped.",
        RECOPY,
      ),
    );
  }
  return result('bitbucket.app-password', 'Bitbucket app password', findings);
}

/** An API (`ATATT…`) or access (`ATCTT…`) token: body, "=", CRC-32 of the rest. */
function analyzeAtlassianToken(token: string, family: { kind: string; label: string }): TokenAnalysis {
  const findings: Finding[] = [];
  // Undo transport encodings (URL-encoded or escaped "="): the stored secret is wrong, the token may be right.
  let value = token;
  if (/%3D/i.test(value) || /\\=/.test(value)) {
    value = value.replace(/%3D/gi, '=').replace(/\\=/g, '=');
    findings.push(
      finding(
        'token.wrapper',
        'error',
        'The secret holds the token URL-encoded or escaped ("=" written as %3D or \\=); tools send it verbatim and are rejected.',
        'Store the token exactly as Atlassian showed it, with a plain "=".',
      ),
    );
  }
  if (!/^[A-Za-z0-9_-]+=[0-9A-Fa-f]{8}$/.test(value)) {
    findings.push(
      finding(
        'token.format',
        'error',
        `The ${family.label} does not have the expected shape (letters, digits, - and _, then "=" and 8 hex digits).`,
        RECOPY,
      ),
    );
    return result(family.kind, family.label, findings);
  }
  if (atlassianCrc(value.slice(0, -8)) !== value.slice(-8).toUpperCase()) {
    findings.push(
      finding(
        'token.checksum',
        'warning',
        `The ${family.label}'s embedded CRC-32 does not match (community-derived check); it was probably mistyped or truncated.`,
        RECOPY,
      ),
    );
  }
  if (value.length !== 192)
    findings.push(
      finding(
        'token.info',
        'info',
        `The ${family.label} has ${plural(value.length, 'character')}; the ones seen so far have 192.`,
        'None needed if it was copied whole.',
      ),
    );
  return result(family.kind, family.label, findings);
}

export function analyzeBitbucketToken(token: string, ctx: TokenContext, claim: boolean): TokenAnalysis | undefined {
  if (token.startsWith('ATBB')) return analyzeAppPassword(token, ctx.now);
  if (token.startsWith('ATATT')) return analyzeAtlassianToken(token, { kind: 'bitbucket.api-token', label: 'Atlassian API token' });
  if (token.startsWith('ATCTT')) return analyzeAtlassianToken(token, { kind: 'bitbucket.access-token', label: 'Bitbucket access token' });

  if (token.startsWith('BBDC-')) {
    return result('bitbucket.data-center', 'Bitbucket Data Center token', [
      finding(
        'token.format',
        'error',
        'This is a Bitbucket Data Center token; only Bitbucket Cloud is supported.',
        'Use a Bitbucket Cloud API or access token, or check the token with your Data Center instance directly.',
      ),
    ]);
  }
  if (!claim) return undefined;
  if (/^[A-Za-z0-9]{24}$/.test(token)) {
    return result('bitbucket.api-token', 'Atlassian API token (older format)', [
      finding(
        'token.unverifiable',
        'info',
        'Older Atlassian API tokens carry no checksum; it is checked online.',
        'Nothing to do offline.',
      ),
    ]);
  }
  return result('bitbucket.unknown', 'unrecognised Bitbucket token', [
    finding(
      'token.format',
      'error',
      'The token matches no Bitbucket Cloud format (API tokens, access tokens, app passwords).',
      `${RECOPY} Check that the right secret is wired to this step.`,
    ),
  ]);
}

/** Does the user name look like an e-mail address (what API tokens go with)? */
export const looksLikeEmail = (username: string | undefined): boolean => !!username && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(username);

/** Which user name goes with which token in Basic auth. */
export function checkBitbucketUsername(kind: string, username: string | undefined): Finding[] {
  const email = looksLikeEmail(username);
  if (kind === 'bitbucket.api-token') {
    if (!username)
      return [
        finding(
          'config.username',
          'error',
          'An Atlassian API token is used with your Atlassian account e-mail as the user name, and none was given.',
          'Set `username` to the e-mail of the Atlassian account that created the token.',
        ),
      ];
    if (!email)
      return [
        finding(
          'config.username',
          'warning',
          'The user name is not an e-mail address; Atlassian API tokens work with the account e-mail for REST calls.',
          'Set `username` to the Atlassian account e-mail.',
        ),
      ];
  }
  if (kind === 'bitbucket.app-password' && email) {
    return [
      finding(
        'config.username',
        'error',
        'App passwords work with the Bitbucket user name, not the e-mail address.',
        'Set `username` to your Bitbucket user name (Personal settings → Account settings).',
      ),
    ];
  }
  if (kind === 'bitbucket.access-token' && username) {
    return [finding('config.username', 'info', 'Access tokens are sent as Bearer tokens; the user name is not used.', 'None needed.')];
  }
  return [];
}
