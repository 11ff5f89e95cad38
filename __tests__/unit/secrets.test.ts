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

describe('an unexpanded reference is shown by name, a real token never', () => {
  it('every token family behind $, inside $( ), ${ }, ${{ secrets. }} or %…%: no 8-character slice in the output', async () => {
    const fc = (await import('fast-check')).default;
    const { tokenSample } = await import('../property/arbitraries.js');
    const { runPreflight } = await import('../../src/core/preflight.js');
    const { resolveRequest } = await import('../../src/core/request.js');
    const { publication } = await import('../../src/core/render/publication.js');
    const { leaks } = await import('../support/tokens.js');
    const now = new Date('2026-11-22T12:00:00Z');
    const wraps = [
      (t: string) => `$${t}`,
      (t: string) => `$(${t})`,
      (t: string) => `\${${t}}`,
      (t: string) => `\${{ secrets.${t} }}`,
      (t: string) => `%${t}%`,
    ];
    let checked = 0;
    for (const sample of fc.sample(tokenSample(now), { numRuns: 150, seed: 7 })) {
      for (const wrap of wraps) {
        const raw = wrap(sample.token);
        const { request, findings } = resolveRequest({ token: raw, offline: 'true' }, {});
        const report = await runPreflight(request, { now: () => now, monotonic: () => 0 }, findings);
        const out = publication(report, secretForms(raw));
        expect(leaks(out.text({ color: false }) + out.json() + out.markdown, sample.token)).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBe(750);
  });
});
