/**
 * Minting of clearly-fake GitHub tokens with valid checksums, for tests, the demo and API
 * emulators. The caller supplies the "random" parts (make them spell FAKE / TEST); nothing here is
 * random, and nothing minted here is accepted by GitHub.
 */
import { githubClassicChecksum, githubFineGrainedChecksum } from './tokens.js';

export type GitHubClassicPrefix = 'ghp' | 'gho' | 'ghu' | 'ghr' | 'ghs' | 'ghp_' | 'gho_' | 'ghu_' | 'ghr_' | 'ghs_';

const ALNUM_RE = /^[A-Za-z0-9]*$/;

/**
 * A classic-format token: prefix + body + CRC-32/base62 checksum. The body is 30 letters or
 * digits (70 for `ghr`, the refresh token).
 */
export function mintGitHubClassic(prefix: GitHubClassicPrefix, body: string): string {
  const p = prefix.endsWith('_') ? prefix : `${prefix}_`;
  if (!/^gh[pousr]_$/.test(p)) throw new RangeError('mintGitHubClassic: unknown prefix');
  const length = p === 'ghr_' ? 70 : 30;
  if (body.length !== length || !ALNUM_RE.test(body))
    throw new RangeError(`mintGitHubClassic: the body must be ${length} letters or digits`);
  return p + body + githubClassicChecksum(body);
}

/**
 * A fine-grained PAT: prefix + `first22` (a digit, then 21 letters/digits) + `_` + `random43`
 * + 8 base32 checksum chars + `tail8` (letters/digits).
 */
export function mintGitHubFineGrained(first22: string, random43: string, tail8: string): string {
  if (!/^[0-9][A-Za-z0-9]{21}$/.test(first22))
    throw new RangeError('mintGitHubFineGrained: first22 must be a digit then 21 letters or digits');
  if (random43.length !== 43 || !ALNUM_RE.test(random43))
    throw new RangeError('mintGitHubFineGrained: random43 must be 43 letters or digits');
  if (tail8.length !== 8 || !ALNUM_RE.test(tail8)) throw new RangeError('mintGitHubFineGrained: tail8 must be 8 letters or digits');
  const first77 = ['github', 'pat', ''].join('_') + first22 + '_' + random43;
  return first77 + githubFineGrainedChecksum(first77) + tail8;
}

/**
 * A stateless installation token shape (`ghs_<appId>_<JWT>`) around an unsigned fake JWT.
 * Only its shape is meaningful: clients never decode these.
 */
export function mintGitHubStatelessInstallation(
  appId: number,
  claims: Record<string, unknown> = { iss: 'FAKE-TEST-ISSUER', note: 'NOT REAL' },
): string {
  if (!Number.isInteger(appId) || appId <= 0) throw new RangeError('mintGitHubStatelessInstallation: appId must be a positive integer');
  const seg = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
  return `ghs_${appId}_${seg({ typ: 'JWT', alg: 'RS256' })}.${seg(claims)}.${Buffer.from('FAKE-SIGNATURE-NOT-REAL').toString('base64url')}`;
}
