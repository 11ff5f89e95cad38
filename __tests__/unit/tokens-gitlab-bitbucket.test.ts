import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeBitbucketToken, checkBitbucketUsername } from '../../src/core/providers/bitbucket/tokens.js';
import { mintAtbb, mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { analyzeGitLabToken } from '../../src/core/providers/gitlab/tokens.js';
import { mintGitLabJobJwt, mintGitLabRoutable } from '../../src/core/providers/gitlab/synthetic.js';
import type { TokenAnalysis } from '../../src/core/providers/types.js';
import { ROOT } from '../support/run-bundle.js';
import { fill, leaks } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const ctx = { now: NOW };
const codes = (a: TokenAnalysis | undefined) => (a?.findings ?? []).map((f) => `${f.code}:${f.severity}`).sort();
const mutate = (t: string, i: number) => t.slice(0, i) + (t[i] === 'a' ? 'b' : 'a') + t.slice(i + 1);

// The shared vectors (__tests__/fixtures/token-vectors.json), assembled from parts so no line holds a whole token.
const V = {
  glV1: ['glpat-RkFLRS1HSVRMQUItVEVTVG86MQp1', 'OjEH.01.0w0lhodeq'].join(''),
  glV1bad: ['glpat-RkFLRS1HSVRMQUItVEVTVG86MQp1', 'OjEH.01.0w0lhode0'].join(''),
  glV0: ['glpat-bzoxRkFLRS1HSVRMQUIt', 'VEVTVBA.0r1ji3x9q'].join(''),
  atbb: ['ATBBFAKEx0BITBUCKET', 'x0APPxPAS1EE5F126'].join(''),
  atatt: [
    'ATATT3xFfGF0FAKE-x0-ATLASSIAN_API-TOKEN-NOT-REAL-FAKE-x0-ATLASSIAN_API-TOKEN-NOT-REAL-',
    'FAKE-x0-ATLASSIAN_API-TOKEN-NOT-REAL-FAKE-x0-ATLASSIAN_API-TOKEN-NOT-REAL-FAKE-x0-ATLASSIAN_API-T=8E5244CB',
  ].join(''),
};

describe('shared vectors (token-vectors.json)', () => {
  it("inline copies match __tests__/fixtures/token-vectors.json, and each verdict is the file's", () => {
    const file = join(ROOT, '__tests__', 'fixtures', 'token-vectors.json');
    const vectors = JSON.parse(readFileSync(file, 'utf8')) as Array<{ name: string; provider: string; token: string; expect: string }>;
    const NAMES: Record<string, keyof typeof V> = {
      glpat_routable_v1_valid: 'glV1',
      glpat_routable_v1_invalid: 'glV1bad',
      glpat_routable_v0_valid: 'glV0',
      atbb_valid: 'atbb',
      atatt_valid: 'atatt',
    };
    const ours = vectors.filter((v) => v.provider === 'gitlab' || v.provider === 'bitbucket');
    expect(ours.map((v) => v.name).sort()).toEqual(Object.keys(NAMES).sort());
    for (const v of ours) {
      expect([v.name, V[NAMES[v.name]!]]).toEqual([v.name, v.token]);
      const a = (v.provider === 'gitlab' ? analyzeGitLabToken : analyzeBitbucketToken)(v.token, ctx, false)!;
      expect([v.name, a.findings.some((f) => f.code === 'token.checksum')]).toEqual([v.name, v.expect === 'invalid']);
    }
  });
});

describe('GitLab tokens', () => {
  it('verifies the shared routable vectors (v1, v0) and decodes the payload', () => {
    const v1 = analyzeGitLabToken(V.glV1, ctx, false)!;
    expect(v1.kind).toBe('gitlab.pat');
    expect(codes(v1)).toEqual([]);
    expect(v1.facts).toMatchObject({ format: 'routable v1', organization: '1', user: '1' });
    expect(codes(analyzeGitLabToken(V.glV1bad, ctx, false))).toEqual(['token.checksum:error']);
    expect(analyzeGitLabToken(V.glV0, ctx, false)!.facts).toMatchObject({ format: 'routable v0', organization: '1' });
  });

  it('mints tokens that reproduce the vectors, and catches any single mutation', () => {
    const random16 = Buffer.from('FAKE-GITLAB-TEST');
    expect(mintGitLabRoutable({ version: 1, random16, payload: { o: 1, u: 1 } })).toBe(V.glV1);
    expect(mintGitLabRoutable({ version: 0, random16, payload: { o: 1 } })).toBe(V.glV0);
    for (let n = 0; n < 100; n++) {
      const t = mintGitLabRoutable({
        version: 1,
        random16: Buffer.from(fill(`FAKE${n}TEST`, 16)),
        payload: { o: n + 1, u: n * 7 + 3, c: 2 },
      });
      expect(codes(analyzeGitLabToken(t, ctx, false))).toEqual([]);
      const broken = mutate(t, 6 + (n % (t.length - 6)));
      expect(codes(analyzeGitLabToken(broken, ctx, true)).some((c) => c.endsWith(':error'))).toBe(true);
    }
  });

  it('accepts a custom instance prefix when the routable CRC matches, even in auto-detection', () => {
    const t = mintGitLabRoutable({ version: 1, prefix: 'acme-glpat-', random16: Buffer.from(fill('FAKETEST', 16)), payload: { o: 5 } });
    const a = analyzeGitLabToken(t, ctx, false)!;
    expect(a.kind).toBe('gitlab.pat');
    expect(codes(a).some((c) => c.endsWith(':error'))).toBe(false);
  });

  it('checks legacy tokens by shape only, and flags impossible characters', () => {
    expect(codes(analyzeGitLabToken(`glpat-${fill('FAKExTESTx', 20)}`, ctx, false))).toEqual(['token.unverifiable:info']);
    expect(codes(analyzeGitLabToken(`glpat-${fill('FAKE0TESTl', 20)}`, ctx, false))).toEqual([
      'token.format:warning',
      'token.unverifiable:info',
    ]);
    expect(codes(analyzeGitLabToken('glpat-short', ctx, false))).toEqual(['token.format:error']);
  });

  it('reads job-token JWTs: expiry, audience', () => {
    const iat = Math.floor(NOW.getTime() / 1000);
    const ok = analyzeGitLabToken(
      mintGitLabJobJwt({ aud: 'gitlab-authz-token', exp: iat + 3600, iss: 'https://gitlab.example.com' }),
      ctx,
      false,
    )!;
    expect(ok.kind).toBe('gitlab.job-token');
    expect(ok.expiresAt?.getTime()).toBe((iat + 3600) * 1000);
    expect(codes(ok)).toEqual(['token.info:info']);
    expect(codes(analyzeGitLabToken(mintGitLabJobJwt({ aud: 'gitlab-authz-token', exp: iat - 3600 }), ctx, false))).toContain(
      'token.expired:error',
    );
    expect(codes(analyzeGitLabToken(mintGitLabJobJwt({ aud: 'other', exp: iat + 60 }), ctx, false))).toContain('token.audience:error');
  });

  it('knows the tokens that cannot call the API', () => {
    expect(analyzeGitLabToken(`gldt-${fill('FAKExTEST', 20)}`, ctx, false)).toMatchObject({ kind: 'gitlab.deploy-token' });
    expect(codes(analyzeGitLabToken(`gldt-${fill('FAKExTEST', 20)}`, ctx, false))).toEqual(['token.wrong-kind:warning']);
    expect(codes(analyzeGitLabToken(`glptt-${fill('FAKE', 39)}`, ctx, false))).toEqual(['token.format:error', 'token.wrong-kind:warning']);
  });

  it("leaves other providers' tokens alone, and explains when told it is GitLab", () => {
    expect(analyzeGitLabToken(V.atbb, ctx, false)).toBeUndefined();
    expect(analyzeGitLabToken(fill('abcdefgh234567', 52), ctx, false)).toBeUndefined();
    expect(analyzeGitLabToken('ghp_something', ctx, true)).toMatchObject({ kind: 'gitlab.unknown' });
  });
});

describe('Bitbucket tokens', () => {
  it('verifies the shared vectors and mints identical tokens', () => {
    expect(mintAtbb('FAKEx0BITBUCKETx0APPxPAS')).toBe(V.atbb);
    const atatt = analyzeBitbucketToken(V.atatt, ctx, false)!;
    expect(atatt.kind).toBe('bitbucket.api-token');
    expect(codes(atatt)).toEqual([]);
    expect(V.atatt.length).toBe(192);
  });

  it('retires app passwords by date: warning before the brownouts, error during and after', () => {
    const at = (iso: string) => codes(analyzeBitbucketToken(V.atbb, { now: new Date(iso) }, false));
    expect(at('2026-05-01T00:00:00Z')).toEqual(['token.retired:warning']);
    expect(at('2026-07-01T00:00:00Z')).toEqual(['token.retired:error']);
    expect(at('2026-11-22T00:00:00Z')).toEqual(['token.retired:error']);
    expect(analyzeBitbucketToken(V.atbb, ctx, false)!.findings[0]!.hint).toContain('API token');
  });

  it('flags checksum mismatches as warnings (community-derived)', () => {
    const t = mintAtlassianToken('access', fill('FAKE-x0-ACCESS_TOKEN-NOT-REAL-', 171));
    expect(codes(analyzeBitbucketToken(t, ctx, false))).toEqual([]);
    expect(codes(analyzeBitbucketToken(mutate(t, 20), ctx, false))).toEqual(['token.checksum:warning']);
    expect(codes(analyzeBitbucketToken(mutate(V.atbb, 10), ctx, false))).toEqual(['token.checksum:warning', 'token.retired:error']);
  });

  it('undoes transport encodings and says so', () => {
    const encoded = V.atatt.replace('=', '%3D');
    expect(codes(analyzeBitbucketToken(encoded, ctx, false))).toEqual(['token.wrapper:error']);
  });

  it('matches user names to token kinds', () => {
    expect(checkBitbucketUsername('bitbucket.api-token', undefined).map((f) => f.severity)).toEqual(['error']);
    expect(checkBitbucketUsername('bitbucket.api-token', 'jdoe').map((f) => f.severity)).toEqual(['warning']);
    expect(checkBitbucketUsername('bitbucket.api-token', 'j.doe@example.com')).toEqual([]);
    expect(checkBitbucketUsername('bitbucket.app-password', 'j.doe@example.com').map((f) => f.severity)).toEqual(['error']);
  });

  it('never puts an 8-character slice of the token in a finding', () => {
    for (const t of [V.atbb, V.atatt, mutate(V.atatt, 30), V.glV1bad, V.glV1]) {
      const a = analyzeBitbucketToken(t, ctx, true) ?? analyzeGitLabToken(t, ctx, true);
      expect(leaks(JSON.stringify(a?.findings) + JSON.stringify(a?.facts), t)).toEqual([]);
    }
  });
});
