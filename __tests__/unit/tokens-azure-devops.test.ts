import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeAzureDevOpsToken,
  azureDevOpsPat84Checksums,
  AZURE_DEVOPS_RESOURCE_ID,
} from '../../src/core/providers/azure-devops/tokens.js';
import {
  fakeEntraClaims,
  mintAzureDevOpsLegacyPat,
  mintAzureDevOpsPat84,
  mintEntraJwt,
} from '../../src/core/providers/azure-devops/synthetic.js';
import type { TokenAnalysis, TokenContext } from '../../src/core/providers/types.js';
import { ROOT } from '../support/run-bundle.js';
import { ALNUM, expectNoLeak, otherChar, pick, prng, replaceAt } from '../support/tokens.js';

const VECTORS = join(ROOT, '__tests__', 'fixtures', 'token-vectors.json');
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

// Vectors from __tests__/fixtures/token-vectors.json, assembled at test time so no source line holds a
// whole token with a valid checksum.
const RANDOM52 = ['FAKEx0AZDOx0PATx0TESTx0ONLYx0', 'NOTxREALFAKEx0AZDOx0PAT'].join('');
const CASK_MID = ['JQQ', 'J99BFACAAAAAAAAAAAA'].join('');
const V = {
  ado_legacy_user_valid: ['iza22s2ffva3egcej4wuyr', 'khifbvslkqifkpalkuivjvit2ojrmq'].join(''),
  ado_legacy_app_valid: ['izav2s2ffvarfccej4wuyr', 'khifbvslkqifkpglkuivjvit2ojrmq'].join(''),
  ado_legacy_invalid: ['iza22s2ffvb3egcej4wuyr', 'khifbvslkqifkpalkuivjvit2ojrmq'].join(''),
  ado84_valid_b62: [RANDOM52, CASK_MID, 'ASAZDO', '2enk'].join(''),
  ado84_valid_b64checksum: [RANDOM52, CASK_MID, 'ASAZDO', 'kSXQ'].join(''),
  ado84_invalid_checksum: [RANDOM52, CASK_MID, 'ASAZDO', '2enA'].join(''),
  ado84_valid_checksum_providerdata_AAAA: [RANDOM52, CASK_MID, 'AAAZDO', '31PR'].join(''),
} as const;
type VectorName = keyof typeof V;

/** Expected finding codes:severities per vector (at a `now` when the 2025-06 PATs are still live). */
const EXPECTED: Record<VectorName, string[]> = {
  ado_legacy_user_valid: ['token.info:info'],
  ado_legacy_app_valid: ['token.info:info'],
  ado_legacy_invalid: ['token.checksum:error'],
  ado84_valid_b62: ['token.info:info'],
  ado84_valid_b64checksum: ['token.info:info'],
  ado84_invalid_checksum: ['token.checksum:error'],
  ado84_valid_checksum_providerdata_AAAA: ['token.info:info'],
};

const NOW = new Date('2025-11-15T12:00:00Z');
const ctx = (now: Date = NOW, extra: Partial<TokenContext> = {}): TokenContext => ({ now, ...extra });
const codes = (a: TokenAnalysis | undefined): string[] => (a ? a.findings.map((f) => `${f.code}:${f.severity}`) : ['<undefined>']);
const errors = (a: TokenAnalysis): string[] => a.findings.filter((f) => f.severity === 'error').map((f) => f.code);
const analyze = (token: string, claim = false, c: TokenContext = ctx()): TokenAnalysis => {
  const a = analyzeAzureDevOpsToken(token, c, claim);
  if (!a) throw new Error('expected an analysis');
  return a;
};

describe('leak check helper', () => {
  it('catches an 8-character slice in a message, a hint or a fact', () => {
    const token = V.ado84_valid_b62;
    const base: TokenAnalysis = { provider: 'azure-devops', kind: 'k', label: 'l', findings: [], facts: {} };
    expect(() => expectNoLeak(token, { ...base, facts: { x: `..${token.slice(30, 38)}..` } })).toThrow('leaks');
    expect(() =>
      expectNoLeak(token, { ...base, findings: [{ code: 'token.info', severity: 'info', message: token.slice(70, 78), hint: '' }] }),
    ).toThrow('leaks');
    expect(() =>
      expectNoLeak(token, {
        ...base,
        findings: [{ code: 'token.info', severity: 'info', message: token.slice(0, 7), hint: token.slice(77) }],
      }),
    ).not.toThrow();
  });
});

describe('shared vectors (token-vectors.json)', () => {
  it('inline copies match __tests__/fixtures/token-vectors.json', () => {
    const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as Array<{ name: string; provider: string; token: string; expect: string }>;
    const ours = vectors.filter((v) => v.provider === 'azure-devops');
    expect(ours.map((v) => v.name).sort()).toEqual(Object.keys(V).sort());
    for (const v of ours) {
      expect(V[v.name as VectorName]).toBe(v.token);
      const a = analyze(v.token, true);
      const hasChecksumError = a.findings.some((f) => f.code === 'token.checksum' && f.severity === 'error');
      expect(hasChecksumError).toBe(v.expect === 'invalid');
    }
  });

  it.each(Object.keys(V) as VectorName[])('%s gives exactly the expected findings, auto-detected and claimed', (name) => {
    const token = V[name];
    for (const claim of [false, true]) {
      const a = analyze(token, claim);
      expect(codes(a)).toEqual(EXPECTED[name]);
      expect(a.provider).toBe('azure-devops');
      expectNoLeak(token, a);
    }
  });
});

describe('84-character PAT', () => {
  it('reads the layout, both checksum renderings and the creation month', () => {
    const b62 = analyze(V.ado84_valid_b62);
    expect(b62.kind).toBe('azure-devops.pat');
    expect(b62.facts).toEqual({ created: '2025-06', checksumRendering: 'base62' });
    expect(b62.latestExpiry?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(b62.findings[0]!.message).toContain('June 2025');
    const b64 = analyze(V.ado84_valid_b64checksum);
    expect(b64.facts['checksumRendering']).toBe('base64');
    expect(b64.latestExpiry?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
  });

  it('does not enforce the provider-reserved field (AAAA as well as AAAS)', () => {
    const a = analyze(V.ado84_valid_checksum_providerdata_AAAA);
    expect(errors(a)).toEqual([]);
    expect(a.facts['created']).toBe('2025-06');
  });

  it('accepts a base64 checksum containing + or /', () => {
    const rand = prng(7);
    let seen = 0;
    for (let i = 0; i < 400 && seen < 3; i++) {
      const token = mintAzureDevOpsPat84({ random52: pick(rand, ALNUM, 52), year: 'B', month: 'C', checksum: 'base64' });
      if (!/[+/]/.test(token.slice(80))) continue;
      seen++;
      expect(errors(analyze(token))).toEqual([]);
      expect(analyze(token).facts['checksumRendering']).toBe('base64');
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('checksum failure is an error and no date is trusted', () => {
    const a = analyze(V.ado84_invalid_checksum);
    expect(codes(a)).toEqual(['token.checksum:error']);
    expect(a.latestExpiry).toBeUndefined();
    expect(a.facts).toEqual({});
  });

  it.each([
    ['random part', (t: string) => replaceAt(t, 10, '-'), 'random part'],
    ['CASK signature', (t: string) => replaceAt(t, 54, 'X'), 'CASK signature'],
    ['derived key marker', (t: string) => replaceAt(t, 57, 'D'), 'derived or hashed'],
    ['year', (t: string) => replaceAt(t, 58, 'b'), 'creation-year'],
    ['month', (t: string) => replaceAt(t, 59, 'M'), 'creation-month'],
    ['platform-reserved', (t: string) => replaceAt(t, 63, '+'), 'platform-reserved'],
    ['provider-reserved', (t: string) => replaceAt(t, 74, '/'), 'provider-reserved'],
    ['checksum charset', (t: string) => replaceAt(t, 82, '-'), 'checksum'],
  ])('layout failure in the %s is a token.format error naming the part (claimed)', (_part, mutate, words) => {
    const token = mutate(V.ado84_valid_b62);
    const a = analyze(token, true);
    expect(a.kind).toBe('azure-devops.pat');
    expect(codes(a)).toEqual(['token.format:error']);
    expect(a.findings[0]!.message).toContain(words);
    expectNoLeak(token, a);
  });

  it('names a lower-case provider signature precisely', () => {
    const token = V.ado84_valid_b62.slice(0, 76) + 'azdo' + V.ado84_valid_b62.slice(80);
    const a = analyze(token, true);
    expect(codes(a)).toEqual(['token.format:error']);
    expect(a.findings[0]!.message).toContain('not in upper case');
  });

  describe('creation month and expiry upper bound (created June 2025)', () => {
    const token = V.ado84_valid_b62;
    it('expired from 2026-07-01T00:00Z on, with the month in the message', () => {
      const a = analyze(token, false, ctx(new Date('2026-07-01T00:00:00Z')));
      expect(codes(a)).toEqual(['token.expired:error', 'token.info:info']);
      expect(a.findings[0]!.message).toContain('created in June 2025');
      expect(a.findings[0]!.message).toContain('2026-07-01');
      expect(a.findings[0]!.hint).toMatch(/new personal access token/);
      expect(analyze(token, false, ctx(new Date('2027-03-01T00:00:00Z'))).findings[0]!.code).toBe('token.expired');
    });
    it('still possibly valid one millisecond before the bound', () => {
      const a = analyze(token, false, ctx(new Date('2026-06-30T23:59:59.999Z')));
      expect(codes(a)).toEqual(['token.info:info']);
      expect(a.latestExpiry?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    });
    it('valid in its creation month', () => {
      expect(codes(analyze(token, false, ctx(new Date('2025-06-01T00:00:00Z'))))).toEqual(['token.info:info']);
    });
    it('not yet valid when created after the current month (probably corrupted)', () => {
      const a = analyze(token, false, ctx(new Date('2025-05-31T23:59:59Z')));
      expect(codes(a)).toEqual(['token.not-yet-valid:warning', 'token.info:info']);
      expect(a.findings[0]!.message).toContain('corrupted');
    });
    it('maps every year and month letter, including December rolling into the next year', () => {
      const rand = prng(3);
      for (const [y, m, created, bound] of [
        ['A', 'A', '2024-01', '2025-02-01'],
        ['B', 'L', '2025-12', '2027-01-01'],
        ['C', 'E', '2026-05', '2027-06-01'],
        [2027, 11, '2027-11', '2028-12-01'],
      ] as const) {
        const a = analyze(
          mintAzureDevOpsPat84({ random52: pick(rand, ALNUM, 52), year: y, month: m }),
          false,
          ctx(new Date('2024-01-01T00:00:00Z')),
        );
        expect(a.facts['created']).toBe(created);
        expect(a.latestExpiry?.toISOString().slice(0, 10)).toBe(bound);
      }
    });
  });
});

describe('52-character legacy PAT', () => {
  it('distinguishes the user and application seeds', () => {
    const user = analyze(V.ado_legacy_user_valid);
    expect(user.kind).toBe('azure-devops.pat-legacy');
    expect(user.facts).toEqual({ seed: 'user' });
    const app = analyze(V.ado_legacy_app_valid);
    expect(app.facts).toEqual({ seed: 'application' });
    expect(app.findings[0]!.message).toContain('application token');
  });

  it('says the format carries no creation date, and sets no expiry', () => {
    const a = analyze(V.ado_legacy_user_valid);
    expect(a.findings[0]!.message).toContain('no creation date');
    expect(a.latestExpiry).toBeUndefined();
    expect(a.expiresAt).toBeUndefined();
  });

  it('a checksum mismatch is an error naming both seeds', () => {
    const a = analyze(V.ado_legacy_invalid);
    expect(codes(a)).toEqual(['token.checksum:error']);
    expect(a.findings[0]!.message).toMatch(/user-token nor the application-token/);
    expect(a.facts).toEqual({});
  });

  it('accepts upper-case input when claimed, with a warning: the documented alphabet is lower case', () => {
    const upper = V.ado_legacy_user_valid.toUpperCase();
    expect(analyzeAzureDevOpsToken(upper, ctx(), false)).toBeUndefined();
    const a = analyze(upper, true);
    expect(a.kind).toBe('azure-devops.pat-legacy');
    expect(a.facts).toEqual({ seed: 'user' });
    expect(codes(a)).toEqual(['token.format:warning', 'token.info:info']);
    expect(a.findings[0]!.message).toContain('in lower case (a-z and 2-7)');
    expect(errors(a)).toEqual([]);
  });

  it('ignores the 4 dropped bits of the last character, as Azure DevOps does', () => {
    // last char 'q' (10000) → 'r' (10001) changes only bits beyond the 32 bytes
    const token = V.ado_legacy_user_valid.slice(0, 51) + 'r';
    expect(analyze(token).facts).toEqual({ seed: 'user' });
  });
});

describe('Entra JWT', () => {
  const now = new Date('2026-02-01T10:00:00Z');
  const sec = (d: Date): number => Math.floor(d.getTime() / 1000);

  it('a good v2 token: expiresAt = exp, facts only from present claims', () => {
    const token = mintEntraJwt(fakeEntraClaims(now));
    const a = analyze(token, false, ctx(now));
    expect(a.kind).toBe('azure-devops.entra');
    expect(codes(a)).toEqual(['token.info:info']);
    expect(a.expiresAt?.toISOString()).toBe('2026-02-01T11:00:00.000Z');
    expect(a.facts).toEqual({
      tid: '00000000-fa4e-7e57-0000-000000000001',
      oid: '00000000-fa4e-7e57-0000-000000000002',
      identity: 'fake.user@example.test',
      azp: '00000000-fa4e-7e57-0000-000000000003',
      iss: 'https://login.microsoftonline.com/00000000-fa4e-7e57-0000-000000000001/v2.0',
      aud: AZURE_DEVOPS_RESOURCE_ID,
      ver: '2.0',
      identityKind: 'delegated',
      scp: 'user_impersonation',
    });
    expectNoLeak(token, a);
  });

  it('a good v1 app token with the ADO resource URI audience', () => {
    const token = mintEntraJwt(fakeEntraClaims(now, { version: 1, app: true }, { aud: 'https://app.vssps.visualstudio.com' }));
    const a = analyze(token, false, ctx(now));
    expect(codes(a)).toEqual(['token.info:info']);
    expect(a.facts['appid']).toBe('00000000-fa4e-7e57-0000-000000000003');
    expect(a.facts['idtyp']).toBe('app');
    expect(a.facts['identity']).toBeUndefined();
    expect(a.findings[0]!.message).toContain('application token');
  });

  it('expired: exp <= now - 5 min is an error, within the skew it is not', () => {
    const at = (exp: Date) => analyze(mintEntraJwt(fakeEntraClaims(now, {}, { exp: sec(exp) })), false, ctx(now));
    expect(codes(at(new Date(now.getTime() - 5 * 60_000)))).toEqual(['token.expired:error', 'token.info:info']);
    expect(codes(at(new Date(now.getTime() - 5 * 60_000 + 1000)))).toEqual(['token.info:info']);
    expect(at(new Date('2026-01-01T00:00:00Z')).expiresAt?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('not yet valid: nbf > now + 5 min is a warning', () => {
    const at = (nbf: Date) => analyze(mintEntraJwt(fakeEntraClaims(now, {}, { nbf: sec(nbf) })), false, ctx(now));
    expect(codes(at(new Date(now.getTime() + 5 * 60_000 + 1000)))).toEqual(['token.not-yet-valid:warning', 'token.info:info']);
    expect(codes(at(new Date(now.getTime() + 5 * 60_000)))).toEqual(['token.info:info']);
  });

  it('ARM audience: an error (Azure DevOps rejects it) naming the audience needed and how to request it', () => {
    const a = analyze(mintEntraJwt(fakeEntraClaims(now, {}, { aud: 'https://management.azure.com/' })), false, ctx(now));
    expect(codes(a)).toEqual(['token.audience:error', 'token.info:info']);
    expect(a.findings[0]!.message).toContain('audience is 499b84ac-1321-427f-aa17-267ca6975798');
    expect(a.findings[0]!.hint).toContain('az account get-access-token --resource 499b84ac-1321-427f-aa17-267ca6975798');
    expect(a.findings[0]!.message).toContain('Azure Resource Manager');
    expect(a.findings[0]!.hint).toContain('499b84ac-1321-427f-aa17-267ca6975798/.default');
  });

  it('another audience (Graph): an error naming it', () => {
    const a = analyze(mintEntraJwt(fakeEntraClaims(now, {}, { aud: 'https://graph.microsoft.com' })), false, ctx(now));
    expect(codes(a)).toEqual(['token.audience:error', 'token.info:info']);
    expect(a.findings[0]!.message).toContain('graph.microsoft.com');
  });

  it('the Azure Pipelines OIDC token must be exchanged with Entra first', () => {
    for (const iss of ['https://vstoken.dev.azure.com/00000000-fa4e-7e57-0000-00000000000a', 'https://app.vstoken.visualstudio.com']) {
      const claims = {
        iss,
        aud: 'api://AzureADTokenExchange',
        sub: 'sc://fake-org/fake-project/fake-connection',
        iat: sec(now),
        nbf: sec(now),
        exp: sec(now) + 300,
      };
      const token = mintEntraJwt(claims);
      const a = analyze(token, false, ctx(now));
      expect(a.provider).toBe('azure-devops');
      expect(codes(a)).toEqual(['token.audience:error']);
      expect(a.findings[0]!.message).toMatch(/not an Azure DevOps API token/);
      expect(a.findings[0]!.hint).toContain('499b84ac-1321-427f-aa17-267ca6975798/.default');
      expect(a.facts['sub']).toBe('sc://fake-org/fake-project/fake-connection');
      expect(a.expiresAt?.toISOString()).toBe(new Date((sec(now) + 300) * 1000).toISOString());
      expectNoLeak(token, a);
    }
  });

  it('warns (not fatal) when iss disagrees with ver or tid', () => {
    const v1IssV2Ver = analyze(mintEntraJwt(fakeEntraClaims(now, { version: 1 }, { ver: '2.0' })), false, ctx(now));
    expect(codes(v1IssV2Ver)).toEqual(['token.format:warning', 'token.info:info']);
    const otherTenant = analyze(mintEntraJwt(fakeEntraClaims(now, {}, { tid: '00000000-fa4e-7e57-0000-0000000000ff' })), false, ctx(now));
    expect(codes(otherTenant)).toEqual(['token.format:warning', 'token.info:info']);
    expect(otherTenant.findings[0]!.message).toContain('tenant');
  });

  it('is not claimed when the issuer and audience are not Microsoft; claimed → unknown with an explanation', () => {
    const token = mintEntraJwt({ iss: 'https://token.actions.githubusercontent.com', aud: 'https://github.com/fake', exp: sec(now) + 60 });
    expect(analyzeAzureDevOpsToken(token, ctx(now), false)).toBeUndefined();
    const a = analyze(token, true, ctx(now));
    expect(a.kind).toBe('azure-devops.unknown');
    expect(codes(a)).toEqual(['token.format:error']);
    expect(a.findings[0]!.message).toContain('token.actions.githubusercontent.com');
  });

  it('a JWT-shaped token with unreadable segments: undefined, or a format error when claimed', () => {
    const token = ['eyJub3QganNvbg', 'eyJub3QganNvbg', 'c2ln'].join('.');
    expect(analyzeAzureDevOpsToken(token, ctx(now), false)).toBeUndefined();
    expect(codes(analyze(token, true, ctx(now)))).toEqual(['token.format:error']);
  });
});

describe('System.AccessToken', () => {
  it('is never decoded: presence only, even when it looks like a JWT with claims', () => {
    const now = new Date('2026-02-01T10:00:00Z');
    // An expired Entra-looking token with a wrong audience: decoding it would produce findings.
    const token = mintEntraJwt(fakeEntraClaims(now, {}, { aud: 'https://management.azure.com/', exp: 1 }));
    for (const claim of [false, true]) {
      const a = analyze(token, claim, ctx(now, { tokenType: 'system-access-token' }));
      expect(a.kind).toBe('azure-devops.system-access-token');
      expect(codes(a)).toEqual(['token.unverifiable:info']);
      expect(a.facts).toEqual({});
      expect(a.expiresAt).toBeUndefined();
    }
    const opaque = analyze('opaque-FAKE-system-access-token-NOT-REAL', false, ctx(now, { tokenType: 'system-access-token' }));
    expect(codes(opaque)).toEqual(['token.unverifiable:info']);
  });

  it('an undeclared Azure DevOps-issued JWT is flagged, and its claims are not read', () => {
    const now = new Date('2026-02-01T10:00:00Z');
    const token = mintEntraJwt({ iss: 'app.vstoken.visualstudio.com', aud: 'app.vstoken.visualstudio.com', exp: 1 });
    // issuer without scheme is not a URL: not recognised as Azure DevOps'
    expect(analyzeAzureDevOpsToken(token, ctx(now), false)).toBeUndefined();
    const withScheme = mintEntraJwt({
      iss: 'https://app.vstoken.visualstudio.com',
      aud: 'https://app.vstoken.visualstudio.com|vso:fake',
      exp: 1,
    });
    const a = analyze(withScheme, false, ctx(now));
    expect(a.kind).toBe('azure-devops.system-access-token');
    expect(codes(a)).toEqual(['token.format:warning']);
    expect(a.findings[0]!.hint).toContain('system-access-token');
    expect(a.facts).toEqual({});
  });
});

describe('auto-detection and claimed explanations', () => {
  it.each([
    ['GitLab PAT', ['glpat-', 'FAKEx0GITLABx0TESTxx'].join('')],
    ['GitHub classic', ['ghp_FAKEx0TEST', 'x0TOKENx0NOTxREAL0004EVYba'].join('')],
    ['Bitbucket app password', ['ATBBFAKEx0BITB', 'UCKETx0APPxPAS1EE5F126'].join('')],
    ['40 hex', 'fa4efa4efa4efa4efa4efa4efa4efa4efa4efa4e'],
    ['52 chars with digits 0/1/8/9', 'fake0test1fake8test9'.padEnd(52, 'a')],
    ['84 chars without the markers', 'F'.repeat(84)],
    ['51 base32 chars', 'a'.repeat(51)],
  ])('%s is not claimed automatically', (_name, token) => {
    expect(analyzeAzureDevOpsToken(token, ctx(), false)).toBeUndefined();
  });

  it('claimed, an unrecognised token explains the accepted formats and System.AccessToken', () => {
    const token = ['glpat-', 'FAKEx0GITLABx0TESTxx'].join('');
    const a = analyze(token, true);
    expect(a.kind).toBe('azure-devops.unknown');
    expect(codes(a)).toEqual(['token.format:error']);
    const text = `${a.findings[0]!.message} ${a.findings[0]!.hint}`;
    expect(text).toContain('52');
    expect(text).toContain('84');
    expect(text).toContain('Entra');
    expect(text).toContain('System.AccessToken');
    expect(text).toContain('system-access-token');
    expectNoLeak(token, a);
  });

  it('claimed, 52 characters with digits outside base32 are named precisely', () => {
    const token =
      V.ado_legacy_user_valid.slice(0, 20) + '0' + V.ado_legacy_user_valid.slice(21, 40) + '8' + V.ado_legacy_user_valid.slice(41);
    const a = analyze(token, true);
    expect(a.kind).toBe('azure-devops.unknown');
    expect(codes(a)).toEqual(['token.format:error']);
    expect(a.findings[0]!.message).toContain('characters outside base32');
    expect(a.findings[0]!.message).toContain('digits 0, 8');
    expectNoLeak(token, a);
  });

  it('claimed, near-miss lengths say how many characters are missing or extra', () => {
    const short = analyze(V.ado_legacy_user_valid.slice(0, 51), true);
    expect(short.findings[0]!.message).toContain('1 missing');
    const long84 = analyze(V.ado84_valid_b62 + 'x', true);
    expect(long84.findings[0]!.message).toContain('85 characters');
    const shifted = analyze(V.ado84_valid_b62.slice(2), true);
    expect(shifted.findings[0]!.message).toMatch(/CASK signature sits 2 characters early/);
    for (const a of [short, long84, shifted]) expect(codes(a)).toEqual(['token.format:error']);
  });

  it('claimed, an 84-character token without the markers gets a layout error naming the parts', () => {
    const a = analyze('F'.repeat(84), true);
    expect(a.kind).toBe('azure-devops.pat');
    expect(codes(a)).toEqual(['token.format:error']);
    expect(a.findings[0]!.message).toContain('CASK signature');
    expect(a.findings[0]!.message).toContain('Azure DevOps signature');
  });
});

describe('minting', () => {
  it('reproduces the shared vectors exactly', () => {
    expect(mintAzureDevOpsPat84({ random52: RANDOM52, year: 'B', month: 'F' })).toBe(V.ado84_valid_b62);
    expect(mintAzureDevOpsPat84({ random52: RANDOM52, year: 2025, month: 6, checksum: 'base64' })).toBe(V.ado84_valid_b64checksum);
    expect(mintAzureDevOpsPat84({ random52: RANDOM52, year: 'B', month: 'F', platform: 'ACAAAAAAAAAA', providerReserved: 'AAAA' })).toBe(
      V.ado84_valid_checksum_providerdata_AAAA,
    );
    const data = Buffer.from('FAKE-ADO-LEGACY-PAT-TESTONLY', 'latin1');
    expect(mintAzureDevOpsLegacyPat(data, 'user')).toBe(V.ado_legacy_user_valid);
    expect(mintAzureDevOpsLegacyPat(data, 'application')).toBe(V.ado_legacy_app_valid);
    expect(azureDevOpsPat84Checksums(V.ado84_valid_b62.slice(0, 80))).toEqual({ base62: '2enk', base64: 'kSXQ' });
  });

  it('rejects bad minting input without echoing it', () => {
    expect(() => mintAzureDevOpsPat84({ random52: 'short', year: 'B', month: 'F' })).toThrow('random52');
    expect(() => mintAzureDevOpsPat84({ random52: RANDOM52, year: 'B', month: 13 })).toThrow('month');
    expect(() => mintAzureDevOpsLegacyPat(new Uint8Array(27), 'user')).toThrow('28 bytes');
  });

  it('minted 84-character PATs pass; any one-character change fails with a checksum or format error', () => {
    const rand = prng(84);
    for (let n = 0; n < 300; n++) {
      const token = mintAzureDevOpsPat84({
        random52: pick(rand, ALNUM, 52),
        year: 'B',
        month: 1 + Math.floor(rand() * 12),
        platform: pick(rand, ALNUM, 12),
        providerReserved: pick(rand, ALNUM, 4),
        checksum: rand() < 0.5 ? 'base62' : 'base64',
      });
      const ok = analyze(token, false, ctx(new Date('2025-12-15T00:00:00Z')));
      expect(errors(ok)).toEqual([]);
      expect(ok.kind).toBe('azure-devops.pat');
      const i = Math.floor(rand() * 84);
      const mutated = replaceAt(token, i, otherChar(rand, ALNUM, token[i]!));
      const bad = analyze(mutated, true, ctx(new Date('2025-12-15T00:00:00Z')));
      expect(bad.findings.some((f) => f.severity === 'error' && (f.code === 'token.checksum' || f.code === 'token.format'))).toBe(true);
      if (n % 10 === 0) {
        expectNoLeak(token, ok);
        expectNoLeak(mutated, bad);
      }
    }
  });

  it('minted legacy PATs pass with their seed; any one-character change (in the used bits) fails', () => {
    const rand = prng(52);
    for (let n = 0; n < 300; n++) {
      const data = Uint8Array.from({ length: 28 }, () => Math.floor(rand() * 256));
      const seed = rand() < 0.5 ? 'user' : 'application';
      const token = mintAzureDevOpsLegacyPat(data, seed);
      expect(token).toMatch(/^[a-z2-7]{52}$/);
      const ok = analyze(token);
      expect(ok.facts).toEqual({ seed });
      expect(errors(ok)).toEqual([]);
      const i = Math.floor(rand() * 51); // the last character's low 4 bits are not part of the 32 bytes
      const mutated = replaceAt(token, i, otherChar(rand, B32, token[i]!));
      expect(codes(analyze(mutated, true))).toEqual(['token.checksum:error']);
      if (n % 10 === 0) expectNoLeak(token, ok);
    }
  });

  it('minted Entra tokens decode to the given claims', () => {
    const now = new Date('2026-02-01T10:00:00Z');
    const token = mintEntraJwt(fakeEntraClaims(now));
    expect(token.split('.')).toHaveLength(3);
    expect(analyze(token, false, ctx(now)).facts['tid']).toBe('00000000-fa4e-7e57-0000-000000000001');
  });
});
