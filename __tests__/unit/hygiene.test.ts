import { describe, expect, it } from '@jest/globals';
import { checkHygiene } from '../../src/core/hygiene.js';

const codes = (raw: string | undefined) => checkHygiene(raw).findings.map((f) => `${f.code}:${f.severity}`);
const TOKEN = ['abcdefghijklmnop', 'qrstuvwxyz234567abcdefghijklmnopqrstu'].join('');

describe('token hygiene', () => {
  it('reports a missing or blank token, naming where it looked', () => {
    expect(codes(undefined)).toEqual(['token.missing:error']);
    expect(codes('')).toEqual(['token.missing:error']);
    expect(codes('  \n')).toEqual(['token.missing:error']);
    expect(checkHygiene(undefined, 'environment variable AZURE_DEVOPS_PAT').findings[0]!.message).toContain('AZURE_DEVOPS_PAT');
    expect(checkHygiene(undefined).token).toBeUndefined();
  });

  it.each([
    [`${TOKEN}\n`, 'a trailing line break'],
    [`${TOKEN}\r\n`, 'a trailing line break'],
    [`  ${TOKEN}`, 'leading spaces'],
    [`"${TOKEN}"`, 'surrounding quotes'],
    [`'${TOKEN}'`, 'surrounding quotes'],
    [`\t${TOKEN} `, 'a leading tab and trailing spaces'],
  ])('flags whitespace and quotes around the token (%#) and keeps checking the clean value', (raw, words) => {
    const r = checkHygiene(raw);
    expect(r.findings.map((f) => f.code)).toEqual(['token.whitespace']);
    expect(r.findings[0]!.severity).toBe('error');
    expect(r.findings[0]!.message).toContain(words);
    expect(r.token).toBe(TOKEN);
  });

  it('rejects tokens with inner whitespace that is not a header scheme', () => {
    expect(codes('abcd efgh ijkl')).toEqual(['token.whitespace:error']);
    expect(checkHygiene('abc\ndef').token).toBeUndefined();
  });

  it.each([
    '$(AZURE_DEVOPS_PAT)',
    '$(System.AccessToken)',
    '${{ secrets.PAT }}',
    '${{secrets.ADO_PAT}}',
    '${PAT}',
    '$PAT',
    '%PAT%',
    '$env:PAT',
    ' $(PAT) ',
  ])('catches the unexpanded variable %p', (raw) => {
    const r = checkHygiene(raw);
    expect(r.findings.map((f) => f.code)).toContain('token.unexpanded');
    expect(r.token).toBeUndefined();
    expect(r.findings.find((f) => f.code === 'token.unexpanded')!.message).toContain(raw.trim());
  });

  it.each([
    'your-pat-token',
    'YOUR_TOKEN_HERE',
    '***',
    '********',
    'xxxx',
    'XXXXXXXXXX',
    '<token>',
    '<your-pat>',
    '{token}',
    '[PAT]',
    'changeme',
    'REPLACE_ME',
    'token',
    'null',
    'undefined',
    'TODO',
    'dummy',
    '0000',
    'insert-token-here',
    'paste your token here',
  ])('catches the placeholder %p', (raw) => {
    const r = checkHygiene(raw);
    expect(r.findings.map((f) => f.code)).toContain('token.placeholder');
    expect(r.token).toBeUndefined();
  });

  it('does not call real-looking tokens placeholders', () => {
    for (const t of [TOKEN, 'ghp_' + 'A'.repeat(36), 'glpat-' + 'abcdefghijk_mnopqrst', 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl']) {
      expect(checkHygiene(t).findings).toEqual([]);
      expect(checkHygiene(t).token).toBe(t);
    }
  });

  it.each([
    [`Bearer ${TOKEN}`, TOKEN],
    [`token ${TOKEN}`, TOKEN],
    [`Basic ${Buffer.from(`:${TOKEN}`).toString('base64')}`, TOKEN],
    [`Basic ${Buffer.from(`me@example.com:${TOKEN}`).toString('base64')}`, TOKEN],
    [`me@example.com:${TOKEN}`, TOKEN],
  ])('unwraps pasted header schemes and user prefixes (%#)', (raw, inner) => {
    const r = checkHygiene(raw);
    expect(r.findings.map((f) => `${f.code}:${f.severity}`)).toEqual(['token.wrapper:error']);
    expect(r.token).toBe(inner);
  });

  it('never echoes the token in a message or hint', () => {
    for (const raw of [`${TOKEN}\n`, `Bearer ${TOKEN}`, `"${TOKEN}"`, `x:${TOKEN}`]) {
      for (const f of checkHygiene(raw).findings) {
        expect(f.message + f.hint).not.toContain(TOKEN.slice(0, 8));
      }
    }
  });
});
