import { describe, expect, it } from '@jest/globals';
import { ALL_CODES, CODES } from '../../src/core/codes.js';
import { decideOutcome, finding, sortFindings } from '../../src/core/report.js';

const f = (code: Parameters<typeof finding>[0], severity: 'error' | 'warning' | 'info') => finding(code, severity, 'm', 'h');

describe('outcome rule', () => {
  it('passes with notes only', () => expect(decideOutcome([f('token.info', 'info')], false)).toBe('passed'));
  it('warns on warnings, fails with fail-on-warning', () => {
    expect(decideOutcome([f('token.expiring', 'warning')], false)).toBe('warned');
    expect(decideOutcome([f('token.expiring', 'warning')], true)).toBe('failed');
  });
  it('fails on a token error even when the network also failed', () => {
    expect(decideOutcome([f('token.checksum', 'error')], false)).toBe('failed');
  });
  it('calls network-only trouble unverified, never failed', () => {
    const net = { code: 'network.timeout', severity: 'error', message: 'm', hint: 'h' } as never;
    expect(decideOutcome([net, f('token.expiring', 'warning')], true)).toBe('unverified');
  });
  it('orders errors, then warnings, then notes, stable within each', () => {
    const sorted = sortFindings([
      f('token.info', 'info'),
      f('url.trailing-slash', 'warning'),
      f('token.format', 'error'),
      f('token.checksum', 'error'),
    ]);
    expect(sorted.map((x) => x.code)).toEqual(['token.format', 'token.checksum', 'url.trailing-slash', 'token.info']);
  });
});

describe('code catalogue', () => {
  it('documents every code with a meaning and a fix', () => {
    for (const code of ALL_CODES) {
      expect(CODES[code].meaning.length).toBeGreaterThan(10);
      expect(CODES[code].fix.length).toBeGreaterThan(3);
      expect(code).toMatch(/^[a-z]+\.[a-z-]+$/);
    }
  });
  it('contains the codes the contract promises', () => {
    for (const code of [
      'token.missing',
      'token.whitespace',
      'token.unexpanded',
      'token.placeholder',
      'token.format',
      'token.checksum',
      'token.expired',
      'token.expiring',
      'token.audience',
      'token.retired',
      'url.invalid',
      'url.insecure',
      'url.legacy-host',
      'url.trailing-slash',
      'url.extra-path',
      'url.credentials',
    ]) {
      expect(ALL_CODES).toContain(code);
    }
  });
});

describe('docs/codes.md', () => {
  it('documents every finding code, exactly as the catalogue says (run `node scripts/codes-table.mjs` after changing codes)', async () => {
    const { readFileSync } = await import('node:fs');
    const page = readFileSync(new URL('../../docs/codes.md', import.meta.url), 'utf8');
    const rows = page.split('\n').filter((l) => l.startsWith('| `'));
    const cell = (s: string) => s.replace(/\|/g, '\\|');
    for (const code of ALL_CODES) {
      const row = rows.find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row).toBe(`| \`${code}\` | ${cell(CODES[code].meaning)} | ${cell(CODES[code].fix)} |`);
    }
    expect(rows.length).toBe(ALL_CODES.length);
    // The table is kept out of prettier's reach, so the generated file stays exactly as generated.
    expect(page).toMatch(/<!-- prettier-ignore-start -->\n\| Code \| Meaning \| Fix \|[\s\S]*\|\n<!-- prettier-ignore-end -->/);
  });
});

describe('one fact, one place', () => {
  it("the catalogue's token.audience fix names the Azure DevOps scope the code defines", async () => {
    const { CODES } = await import('../../src/core/codes.js');
    const { AZURE_DEVOPS_SCOPE } = await import('../../src/core/providers/azure-devops/tokens.js');
    expect(CODES['token.audience'].fix).toContain(AZURE_DEVOPS_SCOPE);
  });

  it('the Bitbucket app-password retirement days are read from one definition', async () => {
    const { RETIREMENT_DAYS, appPasswordPhase } = await import('../../src/core/providers/bitbucket/retirement.js');
    expect(RETIREMENT_DAYS).toEqual({ brownoutStart: '2026-06-09', brownoutEnd: '2026-07-27', removal: '2026-07-28' });
    expect(['2026-06-08', '2026-06-09', '2026-07-27', '2026-07-28'].map((d) => appPasswordPhase(new Date(`${d}T12:00:00Z`)))).toEqual([
      'announced',
      'brownout',
      'brownout',
      'removed',
    ]);
  });
});
