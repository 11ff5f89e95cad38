/** Minting of clearly-fake Bitbucket / Atlassian tokens with valid checksums, for tests and the demo. */
import { atlassianCrc } from './tokens.js';

export function mintAtbb(body24: string): string {
  if (!/^[A-Za-z0-9]{24}$/.test(body24)) throw new RangeError('mintAtbb: body24 must be 24 letters or digits');
  return `ATBB${body24}${atlassianCrc(`ATBB${body24}`)}`;
}

/** An API (`ATATT3xFfGF0…`) or access (`ATCTT3xFfGN0…`) token around `body`, 192 characters by default. */
export function mintAtlassianToken(kind: 'api' | 'access', body: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new RangeError('mintAtlassianToken: body must be letters, digits, - or _');
  const head = `${kind === 'api' ? 'ATATT3xFfGF0' : 'ATCTT3xFfGN0'}${body}=`;
  return head + atlassianCrc(head);
}
