/**
 * Odd input is a finding, never a crash or unbounded work (issue #11): keys that exist on
 * Object.prototype, megabyte tokens, characters a header cannot carry, numbers past what a Date or a
 * timer holds, project lists of any size.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MAX_TIMER_MS, serverDelayMs } from '../../src/core/http/client.js';
import { checkHygiene, MAX_TOKEN_CHARS } from '../../src/core/hygiene.js';
import { claimDate } from '../../src/core/jwt.js';
import type { HttpResponse } from '../../src/core/http/client.js';
import { bbError } from '../../src/core/providers/bitbucket/interpret.js';
import { accessTokenIdentity } from '../../src/core/providers/bitbucket/messages.js';
import { effectiveScopes } from '../../src/core/providers/bitbucket/scopes.js';
import { expandClassic, parseRequired } from '../../src/core/providers/github/scopes.js';
import { CLOSEST_LIMITS, closestNames, suggest } from '../../src/core/suggest.js';
import { parseProvider, resolveRequest, tokenFromEnv } from '../../src/core/request.js';
import { secretForms, secretScrubber } from '../../src/core/secrets.js';
import { fcParams } from '../property/arbitraries.js';

const PROTOTYPE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const TOKEN = 'FAKEabcdefghijklmnopqrstuvwxyz0123456789TEST';

describe('keys from users and servers never reach Object.prototype', () => {
  it.each(PROTOTYPE_KEYS)('--provider %s is an unknown provider, reported as config.invalid', (key) => {
    expect(parseProvider(key)).toBeUndefined();
    const { findings } = resolveRequest({ provider: key, token: TOKEN }, {});
    expect(findings.map((f) => f.code)).toContain('config.invalid');
  });

  it.each(PROTOTYPE_KEYS)('--token-env %s names no variable unless the environment holds it', (key) => {
    expect(tokenFromEnv(undefined, { PATH: '/bin' }, key).value).toBeUndefined();
    expect(tokenFromEnv(undefined, Object.fromEntries([[key, TOKEN]]), key).value).toBe(TOKEN);
  });

  it.each(PROTOTYPE_KEYS)('a granted scope named %s is just an unknown scope', (key) => {
    expect([...expandClassic(['repo', key])].sort()).toEqual([...expandClassic(['repo']), key].sort());
    expect([...effectiveScopes(['pullrequest', key], 'oauth')].sort()).toEqual(['pullrequest', 'repository', key].sort());
    expect(accessTokenIdentity(key).name).toBe('Bitbucket access token');
  });

  it.each(PROTOTYPE_KEYS)('a required permission level %s is not a level', (key) => {
    expect(parseRequired(`contents:${key}`)).toMatchObject({ kind: 'unknown', why: expect.stringContaining('not a permission level') });
  });
});

describe('token length and characters are checked before any work', () => {
  it('a token of megabytes is one token.format error and nothing else', () => {
    const r = checkHygiene(`ghp_${'A'.repeat(4 * 1024 * 1024)}`);
    expect(r.token).toBeUndefined();
    expect(r.findings.map((f) => `${f.code}:${f.severity}`)).toEqual(['token.format:error']);
    expect(r.findings[0]!.message).toContain(String(4 * 1024 * 1024 + 4));
    expect(r.findings[0]!.message.length).toBeLessThan(200);
  });

  it('a token of the longest acceptable length is still examined', () => {
    expect(checkHygiene('A'.repeat(MAX_TOKEN_CHARS)).findings).toEqual([]);
  });

  it('an over-long token is masked whole, with no derived forms to build or scan', () => {
    const raw = 'B'.repeat(MAX_TOKEN_CHARS * 64);
    const forms = secretForms(raw);
    expect(forms).toEqual([raw]);
    expect(secretScrubber(forms)(`x${raw}y`)).toBe('x***y');
  });

  it.each([
    ['a control character', `${TOKEN.slice(0, 10)}\u0007${TOKEN.slice(10)}`, 'U+0007'],
    ['a zero-width space', `${TOKEN}\u200b`, 'U+200B'],
    ['a typographic quote', `${TOKEN}\u2019`, 'U+2019'],
    ['a Latin-1 letter', `${TOKEN.slice(0, 5)}é${TOKEN.slice(5)}`, 'U+00E9'],
    ['a character past Latin-1 behind a wrapper', `Bearer ${TOKEN}\u200dx`, 'U+200D'],
    ['DEL', `${TOKEN}\u007f`, 'U+007F'],
  ])('%s is token.format offline, naming the character', (_what, raw, codePoint) => {
    const r = checkHygiene(raw);
    expect(r.token).toBeUndefined();
    expect(r.findings.map((f) => f.code)).toContain('token.format');
    expect(r.findings.find((f) => f.code === 'token.format')!.message).toContain(codePoint);
  });

  it('whatever the input, a token that passes hygiene can go into an HTTP header as it is', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc
        .tuple(fc.constantFrom('Bearer ', 'token ', 'user:', '"', ''), fc.string({ unit: 'binary-ascii', maxLength: 60 }))
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(anyText, (raw) => {
        const r = checkHygiene(raw);
        if (r.token === undefined) expect(r.findings.some((f) => f.severity === 'error')).toBe(true);
        else expect(r.token).toMatch(/^[\x21-\x7e]{1,16384}$/);
      }),
      fcParams('odd input: header-safe tokens', 1000),
    );
  });

  it('a wrapper is still only a wrapper', () => {
    expect(checkHygiene(`Bearer ${TOKEN}`)).toMatchObject({ token: TOKEN, findings: [{ code: 'token.wrapper' }] });
  });
});

describe('extreme numbers', () => {
  it.each([1e16, -1e16, 1e300, 8.64e12 + 1])('a JWT date claim of %d is no usable date, not Invalid Date', (exp) => {
    expect(claimDate({ exp }, 'exp')).toBeUndefined();
  });

  it('a date claim named like a prototype member is absent', () => {
    expect(claimDate({}, 'constructor')).toBeUndefined();
  });

  it('a server delay is always a wait a timer can hold', () => {
    const huge = fc.constantFrom('1e17', '1e400', 'Infinity', '9007199254740993', '3e9');
    fc.assert(
      fc.property(
        fc.record(
          {
            'retry-after': huge,
            'x-ratelimit-delay': huge,
            'x-ratelimit-remaining': fc.constant('0'),
            'x-ratelimit-reset': huge,
            'ratelimit-remaining': fc.constant('0'),
            'ratelimit-reset': huge,
          },
          { requiredKeys: [] },
        ),
        (h) => {
          const ms = serverDelayMs(h, Date.UTC(2026, 5, 15));
          if (ms !== undefined) expect(Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS).toBe(true);
        },
      ),
      fcParams('odd input: server delay', 200),
    );
    expect(serverDelayMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1e17' }, 0)).toBe(MAX_TIMER_MS);
    expect(serverDelayMs({ 'retry-after': '1e400' }, 0)).toBe(MAX_TIMER_MS);
  });
});

describe('documented variations are not odd', () => {
  const answer = (json: unknown): HttpResponse => ({
    kind: 'response',
    status: 403,
    headers: {},
    body: JSON.stringify(json),
    json,
    isJson: true,
    url: 'https://api.bitbucket.org/2.0/user',
  });

  it('a Bitbucket error whose detail is a sentence keeps its message; one naming scopes gives them (and those it says are granted)', () => {
    expect(bbError(answer({ type: 'error', error: { message: 'Access denied', detail: 'You do not have access.' } }))).toEqual({
      message: 'Access denied',
      required: [],
    });
    const scopes = { type: 'error', error: { message: 'lacks scopes', detail: { required: ['account'], granted: ['repository'] } } };
    expect(bbError(answer(scopes))).toEqual({ message: 'lacks scopes', required: ['account'], granted: ['repository'] });
  });
});

describe('closest names are bounded work', () => {
  it('looks at the first names of a huge list only', () => {
    const names = Array.from({ length: 50_000 }, (_, i) => `unrelated-project-${i}`);
    names[CLOSEST_LIMITS.names + 10] = 'Fabrikam-Fiber';
    expect(closestNames('Fabrikam-Fibre', names, 3)).toEqual([]);
    names[10] = 'Fabrikam-Fiber';
    expect(closestNames('Fabrikam-Fibre', names, 3)).toEqual(['Fabrikam-Fiber']);
  });

  it('skips names and requests too long to be project names', () => {
    const long = `Fabrikam-Fiber${'x'.repeat(CLOSEST_LIMITS.chars)}`;
    expect(closestNames('Fabrikam-Fiber', [long], 3)).toEqual([]);
    expect(closestNames(long, ['Fabrikam-Fiber'], 3)).toEqual([]);
    expect(closestNames('Fabrikam-Fibre', ['Fabrikam-Fiber'], 3)).toEqual(['Fabrikam-Fiber']);
  });

  it('one rule serves flags and keys too, with the same bounds, but no guess from a part of a short word', () => {
    expect(suggest('requred-scopes', ['url', 'required-scopes'])).toBe('required-scopes');
    expect(suggest('Token_Env', ['token-env'])).toBe('token-env');
    expect(suggest('t', ['token', 'timeout-seconds'])).toBeUndefined();
    const keys = Array.from({ length: 5_000 }, (_, i) => `unrelated-key-${i}`);
    keys[CLOSEST_LIMITS.names + 10] = 'required-scopes';
    expect(suggest('requred-scopes', keys)).toBeUndefined();
    expect(suggest(`required-scopes${'x'.repeat(CLOSEST_LIMITS.chars)}`, ['required-scopes'])).toBeUndefined();
  });
});
