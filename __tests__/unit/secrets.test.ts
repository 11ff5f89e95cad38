import { describe, expect, it } from '@jest/globals';
import { redact, secretForms } from '../../src/core/secrets.js';

const TOKEN = ['q7Zt', 'Kp93Xv0aLm2Rw8Ns'].join('');

describe('secret forms', () => {
  it('leave out a value that is exactly an unexpanded reference (a name, shown in token.unexpanded), but not a token behind a $', () => {
    for (const ref of ['$(System.AccessToken)', ' "${{ secrets.ADO_PAT }}" ', '$PAT', '${PAT}', '%PAT%', '$env:PAT'])
      expect(secretForms(ref)).toEqual([]);
    expect(secretForms(`$${TOKEN}x0Yq7Zt`)).not.toEqual([]);
    expect(secretForms(`$(${TOKEN}x0Yq7Zt)`)).not.toEqual([]);
    expect(secretForms(`abc$(PAT)`)).not.toEqual([]);
  });

  it('covers the raw value, each line, the clean token and Basic-header forms', () => {
    const forms = secretForms(`  ${TOKEN}\n`, 'me@example.com');
    expect(forms).toEqual(
      expect.arrayContaining([
        `  ${TOKEN}\n`,
        TOKEN,
        Buffer.from(`:${TOKEN}`).toString('base64'),
        Buffer.from(`me@example.com:${TOKEN}`).toString('base64'),
        Buffer.from(TOKEN).toString('base64'),
      ]),
    );
  });
  it('covers the inner token of a pasted wrapper', () => {
    expect(secretForms(`Bearer ${TOKEN}`)).toContain(TOKEN);
    expect(secretForms(`Basic ${Buffer.from(`:${TOKEN}`).toString('base64')}`)).toContain(TOKEN);
  });
  it('lists each line of a multi-line secret on its own (task-lib refuses line breaks)', () => {
    const forms = secretForms(`${TOKEN}\nsecond-line-value`);
    expect(forms).toContain(TOKEN);
    expect(forms).toContain('second-line-value');
  });
  it('never masks tiny strings that would wreck the log', () => {
    expect(secretForms('')).toEqual([]);
    expect(secretForms(undefined)).toEqual([]);
    expect(secretForms('ab')).toEqual([]);
  });
  it('redacts every form, longest first', () => {
    const forms = secretForms(TOKEN);
    const b64 = Buffer.from(`:${TOKEN}`).toString('base64');
    const out = redact(`a ${TOKEN} b ${b64} c ${encodeURIComponent(TOKEN)}`, forms);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(b64);
    expect(out).toBe('a *** b *** c ***');
  });
});
