/**
 * Clearly-fake tokens with valid checksums, minted at test time (no valid-checksum literal is kept in
 * the repository, so secret scanners stay quiet).
 */
import { mintAzureDevOpsPat84 } from '../../src/core/providers/azure-devops/synthetic.js';
import { mintGitHubClassic } from '../../src/core/providers/github/synthetic.js';
import { mintGitLabRoutable } from '../../src/core/providers/gitlab/synthetic.js';
import type { TokenAnalysis } from '../../src/core/providers/types.js';

export const fill = (word: string, length: number): string => word.repeat(Math.ceil(length / word.length)).slice(0, length);

/** An 84-char Azure DevOps PAT created in the month of `now` (or `monthsAgo` before it). */
export function azureDevOpsPat(now: Date, monthsAgo = 0, word = 'FAKEx0TESTx0PATx0NOTxREAL'): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1));
  return mintAzureDevOpsPat84({ random52: fill(word, 52), year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 });
}

export function githubPat(word = 'FAKEx0TESTx0TOKENx0NOTxREAL'): string {
  return mintGitHubClassic('ghp', fill(word, 30));
}

/** A routable (v1) GitLab token around 16 bytes spelled from `word` (repeated or cut to 16, e.g. FAKE-GITLAB-TEST). */
export function gitlabPat(word = 'FAKE-GITLAB-TEST', userId = 1): string {
  return mintGitLabRoutable({ version: 1, random16: Buffer.from(fill(word, 16)), payload: { o: 1, u: userId } });
}

/** Every 8-character slice of the token: none may appear in any output. */
export function leaks(output: string, token: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= token.length; i++) if (output.includes(token.slice(i, i + 8))) found.push(token.slice(i, i + 8));
  return found;
}

/** Throws when any 8-character slice of the token appears in an analysis' texts or facts. */
export function expectNoLeak(token: string, a: TokenAnalysis | undefined): void {
  if (!a) return;
  const texts = [a.kind, a.label, ...a.findings.flatMap((f) => [f.message, f.hint]), ...Object.entries(a.facts).flat()];
  const found = leaks(texts.join('\n'), token);
  if (found.length) throw new Error(`output leaks a token slice: ${found[0]}`);
}

/** Deterministic PRNG (mulberry32) so generated tokens are the same on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const pick = (rand: () => number, alphabet: string, n: number): string =>
  Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]!).join('');
export const replaceAt = (s: string, i: number, ch: string): string => s.slice(0, i) + ch + s.slice(i + 1);
export const otherChar = (rand: () => number, alphabet: string, current: string): string => {
  for (;;) {
    const c = alphabet[Math.floor(rand() * alphabet.length)]!;
    if (c !== current) return c;
  }
};
