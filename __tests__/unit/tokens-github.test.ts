import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeGitHubToken, githubClassicChecksum, githubFineGrainedChecksum } from '../../src/core/providers/github/tokens.js';
import { mintGitHubClassic, mintGitHubFineGrained, mintGitHubStatelessInstallation } from '../../src/core/providers/github/synthetic.js';
import { mintAzureDevOpsPat84 } from '../../src/core/providers/azure-devops/synthetic.js';
import type { TokenAnalysis, TokenContext } from '../../src/core/providers/types.js';
import { ROOT } from '../support/run-bundle.js';
import { ALNUM, expectNoLeak, otherChar, pick, prng, replaceAt } from '../support/tokens.js';

// Vectors from __tests__/fixtures/token-vectors.json, assembled at test time so no source line holds a
// whole token with a valid checksum.
const VECTORS = join(ROOT, '__tests__', 'fixtures', 'token-vectors.json');
const BODY27 = ['FAKEx0TESTx0', 'TOKENx0NOTxREAL'].join('');
const BODY30 = BODY27 + '000';
const FG_HEAD = ['github', 'pat', '11FAKE0TEST0PAT0ONLY00_FAKEx0FINEx0GRAINEDx0TESTx0TOKENx0NOTxREAL0'].join('_');
const V = {
  ghp_valid: ['ghp_', BODY27, '0004EVYba'].join(''),
  ghp_valid_leading0: ['ghp_', BODY27, '0020AUXnK'].join(''),
  ghp_invalid_lastchar: ['ghp_', BODY27, '0004EVYbA'].join(''),
  gho_valid: ['gho_', BODY27, '0004EVYba'].join(''),
  ghr_valid: ['ghr_', 'FAKEx0REFRESHx0TOKENx0NOTxREAL', 'FAKEx0REFRESHx0TOKENx0NOTxREAL', 'FAKEx0REFR', '4C2eLh'].join(''),
  github_pat_valid: [FG_HEAD, 'H6AEEWYU', 'FAKETAIL'].join(''),
  github_pat_invalid: [FG_HEAD, 'A6AEEWYU', 'FAKETAIL'].join(''),
} as const;
type VectorName = keyof typeof V;

const EXPECTED: Record<VectorName, { kind: string; codes: string[] }> = {
  ghp_valid: { kind: 'github.classic-pat', codes: [] },
  ghp_valid_leading0: { kind: 'github.classic-pat', codes: [] },
  ghp_invalid_lastchar: { kind: 'github.classic-pat', codes: ['token.checksum:error'] },
  gho_valid: { kind: 'github.oauth', codes: [] },
  ghr_valid: { kind: 'github.refresh-token', codes: ['token.wrong-kind:warning'] },
  github_pat_valid: { kind: 'github.fine-grained-pat', codes: [] },
  github_pat_invalid: { kind: 'github.fine-grained-pat', codes: ['token.checksum:warning'] },
};

const ctx: TokenContext = { now: new Date('2026-05-20T12:00:00Z') };
const codes = (a: TokenAnalysis | undefined): string[] => (a ? a.findings.map((f) => `${f.code}:${f.severity}`) : ['<undefined>']);
const analyze = (token: string, claim = false): TokenAnalysis => {
  const a = analyzeGitHubToken(token, ctx, claim);
  if (!a) throw new Error('expected an analysis');
  return a;
};

describe('shared vectors (token-vectors.json)', () => {
  it('inline copies match __tests__/fixtures/token-vectors.json', () => {
    const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as Array<{ name: string; provider: string; token: string; expect: string }>;
    const ours = vectors.filter((v) => v.provider === 'github');
    expect(ours.map((v) => v.name).sort()).toEqual(Object.keys(V).sort());
    for (const v of ours) {
      expect(V[v.name as VectorName]).toBe(v.token);
      const a = analyze(v.token);
      expect(a.findings.some((f) => f.code === 'token.checksum')).toBe(v.expect === 'invalid');
    }
  });

  it.each(Object.keys(V) as VectorName[])('%s gives exactly the expected kind and findings, auto-detected and claimed', (name) => {
    for (const claim of [false, true]) {
      const a = analyze(V[name], claim);
      expect(a.provider).toBe('github');
      expect(a.kind).toBe(EXPECTED[name].kind);
      expect(codes(a)).toEqual(EXPECTED[name].codes);
      expectNoLeak(V[name], a);
    }
  });
});

describe('classic families', () => {
  it('maps each prefix to its kind', () => {
    const kinds: Record<string, string> = {
      ghp: 'github.classic-pat',
      gho: 'github.oauth',
      ghu: 'github.user-to-server',
      ghs: 'github.installation',
    };
    for (const [p, kind] of Object.entries(kinds)) {
      const a = analyze(mintGitHubClassic(p as 'ghp', BODY30));
      expect(a.kind).toBe(kind);
      expect(codes(a)).toEqual([]);
    }
  });

  it('the prefix is not hashed: same body, same checksum', () => {
    expect(githubClassicChecksum(BODY30)).toBe(V.ghp_valid.slice(-6));
    expect(githubClassicChecksum(V.ghp_valid_leading0.slice(4, 34))).toMatch(/^0/);
    expect(mintGitHubClassic('ghu_', BODY30).slice(4)).toBe(V.ghp_valid.slice(4));
  });

  it('length and charset failures are token.format errors', () => {
    const short = analyze(V.ghp_valid.slice(0, 39));
    expect(codes(short)).toEqual(['token.format:error']);
    expect(short.findings[0]!.message).toContain('1 missing');
    const charset = analyze(replaceAt(V.ghp_valid, 10, '-'));
    expect(codes(charset)).toEqual(['token.format:error']);
    expect(charset.findings[0]!.message).toContain('letters and digits');
    const refreshShort = analyze(V.ghr_valid.slice(0, 40));
    expect(refreshShort.kind).toBe('github.refresh-token');
    expect(codes(refreshShort)[0]).toBe('token.format:error');
    expect(refreshShort.findings[0]!.message).toContain('exactly 80');
  });

  it('a refresh token warns that it cannot authenticate API calls', () => {
    const a = analyze(V.ghr_valid);
    expect(a.findings[0]!.message).toMatch(/cannot authenticate API calls/);
    expect(a.findings[0]!.hint).toMatch(/access token/);
  });
});

describe('installation tokens (ghs_)', () => {
  it('legacy 40-character: a checksum mismatch is only a warning', () => {
    const token = replaceAt(mintGitHubClassic('ghs', BODY30), 39, 'Q');
    const a = analyze(token);
    expect(a.kind).toBe('github.installation');
    expect(codes(a)).toEqual(['token.checksum:warning']);
    expect(a.findings[0]!.message).toContain('has not documented');
  });

  it('stateless ghs_APPID_JWT: shape only, never decoded, info token.unverifiable', () => {
    const token = mintGitHubStatelessInstallation(123456, { iss: 'FAKE', exp: 1 }); // expired claim: must be ignored
    const a = analyze(token);
    expect(a.kind).toBe('github.installation-stateless');
    expect(codes(a)).toEqual(['token.unverifiable:info']);
    expect(a.expiresAt).toBeUndefined();
    expect(a.facts).toEqual({});
    expectNoLeak(token, a);
    // base64url '-' in a segment is accepted (GitHub's published pattern omits it)
    expect(analyze('ghs_42_' + ['eyJh-b', 'eyJj_d', 'c2ln-x'].join('.')).kind).toBe('github.installation-stateless');
  });

  it('anything else starting ghs_ is an unrecognised-shape warning', () => {
    for (const token of ['ghs_' + 'FAKE'.repeat(15), 'ghs_12_abc.def', 'ghs_abc_x.y.z', 'ghs_1_a.b.c.d']) {
      const a = analyze(token);
      expect(a.kind).toBe('github.installation');
      expect(codes(a)).toEqual(['token.format:warning']);
      expect(a.findings[0]!.message).toContain('unrecognised shape');
    }
  });
});

describe('user-to-server (ghu_) with two dots', () => {
  it('is treated as the announced stateless shape: shape only', () => {
    const a = analyze('ghu_' + ['eyJhbGciOiJSUzI1NiJ9', 'eyJmYWtlIjp0cnVlfQ', 'RkFLRS1TSUc'].join('.'));
    expect(a.kind).toBe('github.user-to-server');
    expect(codes(a)).toEqual(['token.unverifiable:info']);
  });
  it('a dotted ghu_ token that is not three segments is a warning', () => {
    expect(codes(analyze('ghu_abc.def'))).toEqual(['token.format:warning']);
  });
});

describe('fine-grained PAT', () => {
  it('wrong layout is a warning; wrong charset is an error', () => {
    const longer = analyze(V.github_pat_valid + 'X');
    expect(codes(longer)).toEqual(['token.format:warning']);
    expect(longer.findings[0]!.message).toContain('Unexpected fine-grained token layout');
    const noDigit = analyze(replaceAt(V.github_pat_valid, 11, 'X'));
    expect(codes(noDigit)).toEqual(['token.format:warning']);
    const lowerChecksum = analyze(replaceAt(V.github_pat_valid, 78, 'a'));
    expect(codes(lowerChecksum)).toEqual(['token.format:warning']);
    const dash = analyze(replaceAt(V.github_pat_valid, 40, '-'));
    expect(codes(dash)).toEqual(['token.format:error']);
    expectNoLeak(V.github_pat_valid, longer);
  });

  it('the checksum covers the first 77 characters, prefix included', () => {
    expect(githubFineGrainedChecksum(V.github_pat_valid.slice(0, 77))).toBe('H6AEEWYU');
  });

  it('messages never quote the long prefix', () => {
    for (const a of [analyze(V.github_pat_invalid), analyze(V.github_pat_valid + 'X'), analyze(replaceAt(V.github_pat_valid, 40, '-'))]) {
      for (const f of a.findings) expect(`${f.message} ${f.hint}`).not.toContain(['github', 'pat'].join('_'));
    }
  });
});

describe('legacy, unknown and other providers', () => {
  const hex40 = 'fa4e0000fa4e0000fa4e0000fa4e0000fa4e0000';
  it('40 lower-case hex only with claim=true: legacy info', () => {
    expect(analyzeGitHubToken(hex40, ctx, false)).toBeUndefined();
    const a = analyze(hex40, true);
    expect(a.kind).toBe('github.legacy');
    expect(codes(a)).toEqual(['token.unverifiable:info']);
    expect(a.findings[0]!.message).toContain('cannot be checked offline');
  });

  it.each([
    ['GitLab PAT', ['glpat-', 'FAKEx0GITLABx0TESTxx'].join('')],
    ['ADO 84-char PAT', mintAzureDevOpsPat84({ random52: 'F'.repeat(52), year: 'B', month: 'F' })],
    ['ADO legacy PAT', ['iza22s2ffva3egcej4wuyr', 'khifbvslkqifkpalkuivjvit2ojrmq'].join('')],
    ['Bitbucket', ['ATBBFAKEx0BITB', 'UCKETx0APPxPAS1EE5F126'].join('')],
    ['JWT', 'eyJhbGciOiJub25lIn0.eyJmYWtlIjp0cnVlfQ.RkFLRQ'],
  ])('%s is not claimed automatically', (_name, token) => {
    expect(analyzeGitHubToken(token, ctx, false)).toBeUndefined();
  });

  it('claimed, an unrecognised token lists the accepted prefixes', () => {
    const token = ['glpat-', 'FAKEx0GITLABx0TESTxx'].join('');
    const a = analyze(token, true);
    expect(a.kind).toBe('github.unknown');
    expect(codes(a)).toEqual(['token.format:error']);
    for (const p of ['ghp_', 'gho_', 'ghu_', 'ghr_', 'ghs_', 'fine-grained']) expect(a.findings[0]!.message).toContain(p);
    expectNoLeak(token, a);
  });

  it('claimed, precise diagnoses for near misses', () => {
    expect(analyze(V.ghp_valid.toUpperCase(), true).findings[0]!.message).toContain('wrong letter case');
    expect(analyze(hex40.toUpperCase(), true).findings[0]!.message).toContain('upper-case');
    const odd = analyze('ghx_' + BODY30 + 'abcdef', true);
    expect(odd.kind).toBe('github.unknown');
    expect(odd.findings[0]!.message).toContain('does not issue');
  });
});

describe('minting', () => {
  it('reproduces the shared vectors exactly', () => {
    expect(mintGitHubClassic('ghp', BODY30)).toBe(V.ghp_valid);
    expect(mintGitHubClassic('gho_', BODY30)).toBe(V.gho_valid);
    expect(mintGitHubClassic('ghr', V.ghr_valid.slice(4, 74))).toBe(V.ghr_valid);
    expect(mintGitHubClassic('ghp', V.ghp_valid_leading0.slice(4, 34))).toBe(V.ghp_valid_leading0);
    expect(mintGitHubFineGrained(V.github_pat_valid.slice(11, 33), V.github_pat_valid.slice(34, 77), 'FAKETAIL')).toBe(V.github_pat_valid);
  });

  it('rejects bad minting input', () => {
    expect(() => mintGitHubClassic('ghp', 'short')).toThrow('30');
    expect(() => mintGitHubClassic('ghr', BODY30)).toThrow('70');
    expect(() => mintGitHubFineGrained('X'.repeat(22), 'A'.repeat(43), 'A'.repeat(8))).toThrow('digit');
    expect(() => mintGitHubStatelessInstallation(0)).toThrow('appId');
  });

  it('minted classic tokens pass; one changed character after the prefix is a checksum or format error', () => {
    const rand = prng(40);
    const prefixes = ['ghp', 'gho', 'ghu', 'ghr'] as const;
    for (let n = 0; n < 400; n++) {
      const prefix = prefixes[n % prefixes.length]!;
      const token = mintGitHubClassic(prefix, pick(rand, ALNUM, prefix === 'ghr' ? 70 : 30));
      const ok = analyze(token);
      expect(ok.findings.filter((f) => f.severity === 'error')).toEqual([]);
      const i = 4 + Math.floor(rand() * (token.length - 4));
      const mutated = replaceAt(token, i, otherChar(rand, ALNUM, token[i]!));
      const bad = analyze(mutated, true);
      expect(bad.findings.some((f) => f.severity === 'error' && (f.code === 'token.checksum' || f.code === 'token.format'))).toBe(true);
      if (n % 10 === 0) {
        expectNoLeak(token, ok);
        expectNoLeak(mutated, bad);
      }
    }
  });

  it('minted fine-grained tokens pass; a changed character is a checksum or layout warning, never an error', () => {
    const rand = prng(93);
    for (let n = 0; n < 300; n++) {
      const token = mintGitHubFineGrained('1' + pick(rand, ALNUM, 21), pick(rand, ALNUM, 43), pick(rand, ALNUM, 8));
      expect(token).toHaveLength(93);
      expect(codes(analyze(token))).toEqual([]);
      const i = 11 + Math.floor(rand() * 74); // positions 11..84: covered by the check
      if (i === 33) continue;
      const mutated = replaceAt(token, i, otherChar(rand, ALNUM, token[i]!));
      const bad = analyze(mutated, true);
      expect(bad.findings.map((f) => f.severity)).toEqual(['warning']);
      expect(['token.checksum', 'token.format']).toContain(bad.findings[0]!.code);
      if (n % 10 === 0) expectNoLeak(mutated, bad);
    }
  });
});
