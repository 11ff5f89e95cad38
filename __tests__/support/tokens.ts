/**
 * Clearly-fake tokens with valid checksums, minted at test time (no valid-checksum literal is kept in
 * the repository, so secret scanners stay quiet).
 */
import { mintAdoPat84 } from '../../src/core/providers/azure-devops/synthetic.js';
import { mintGitHubClassic } from '../../src/core/providers/github/synthetic.js';

export const fill = (word: string, length: number): string => word.repeat(Math.ceil(length / word.length)).slice(0, length);

/** An 84-char Azure DevOps PAT created in the month of `now` (or `monthsAgo` before it). */
export function adoPat(now: Date, monthsAgo = 0, word = 'FAKEx0TESTx0PATx0NOTxREAL'): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1));
  return mintAdoPat84({ random52: fill(word, 52), year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 });
}

export function githubPat(word = 'FAKEx0TESTx0TOKENx0NOTxREAL'): string {
  return mintGitHubClassic('ghp', fill(word, 30));
}

/** Every 8-character slice of the token: none may appear in any output. */
export function leaks(output: string, token: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= token.length; i++) if (output.includes(token.slice(i, i + 8))) found.push(token.slice(i, i + 8));
  return found;
}
