/** Minting of clearly-fake GitLab tokens with valid checksums, for tests, the demo and emulators. */
import { BASE36, encodeInt } from '../../checksum/base-n.js';
import { gitlabRoutableCrc } from './tokens.js';

/** A routable token (v0 or v1) around `random16` and a `key:value` payload (integers in base36). */
export function mintGitLabRoutable(options: {
  version: 0 | 1;
  prefix?: string;
  random16: Uint8Array;
  payload: Record<string, string | number>;
}): string {
  if (options.random16.length !== 16) throw new RangeError('mintGitLabRoutable: random16 must be 16 bytes');
  const text = Object.keys(options.payload)
    .sort()
    .map((k) => `${k}:${typeof options.payload[k] === 'number' ? (options.payload[k] as number).toString(36) : options.payload[k]}`)
    .join('\n');
  const payload = Buffer.from(text, 'utf8');
  const bytes =
    options.version === 1
      ? Buffer.concat([options.random16, payload, Buffer.from([payload.length])])
      : Buffer.concat([payload, options.random16, Buffer.from([16])]);
  const b64 = bytes.toString('base64url');
  const head = `${options.prefix ?? 'glpat-'}${b64}.${options.version === 1 ? '01.' : ''}${encodeInt(b64.length, BASE36, 2)}`;
  return head + gitlabRoutableCrc(head);
}

/** A well-formed, unsigned job-token JWT with a fake signature. */
export function mintGitLabJobJwt(claims: Record<string, unknown>): string {
  const seg = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `glcbt-${seg({ typ: 'JWT', alg: 'RS256' })}.${seg(claims)}.${Buffer.from('FAKE-SIGNATURE-NOT-REAL').toString('base64url')}`;
}
