/**
 * fast-check arbitraries for the property suite: valid-checksum tokens of every token family the
 * providers know (minted at test time with src/core/providers/∗/synthetic.ts from bodies that start
 * FAKE and end TEST around random letters), the mistakes people make with them, hostile strings, and
 * the leak check every property shares.
 *
 * Seed policy: every property runs a fixed number of cases from a fixed seed (derived from its name),
 * so `npm test` is deterministic and a failure replays. fast-check prints the seed and path of a
 * failure; replay with FC_SEED=<seed> FC_PATH=<path>, explore with FC_SEED=random, scale the case
 * counts with FC_RUNS=<factor>.
 */
import fc from 'fast-check';
import {
  mintAzureDevOpsLegacyPat,
  mintAzureDevOpsPat84,
  mintEntraJwt,
  fakeEntraClaims,
} from '../../src/core/providers/azure-devops/synthetic.js';
import { mintAtbb, mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { mintGitHubClassic, mintGitHubFineGrained, mintGitHubStatelessInstallation } from '../../src/core/providers/github/synthetic.js';
import { mintGitLabJobJwt, mintGitLabRoutable } from '../../src/core/providers/gitlab/synthetic.js';
import type { ProviderId } from '../../src/core/report.js';
import { leaks } from '../support/tokens.js';

// ───────────────────────────── seeds and run counts ─────────────────────────────

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h | 0;
}

/** fast-check parameters for one property: `numRuns` cases (times FC_RUNS), seeded from its name. */
export function fcParams<T>(name: string, numRuns: number): fc.Parameters<T> {
  const seedText = process.env.FC_SEED;
  const scale = Number(process.env.FC_RUNS ?? '1');
  const seed = seedText === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : seedText ? Number(seedText) : hash32(name);
  return {
    seed,
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
  };
}

// ───────────────────────────── strings ─────────────────────────────

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64URL = `${ALNUM}-_`;
/** Devise's friendly token alphabet: base64url without l I O 0 (GitLab legacy PATs). */
const FRIENDLY = B64URL.replace(/[lIO0]/g, '');

const charsOf = (alphabet: string, min: number, max = min): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });

/** `n` characters that start FAKE and end TEST (when there is room) around random ones: clearly fake. */
export function fakeBody(n: number, alphabet = ALNUM): fc.Arbitrary<string> {
  if (n < 8) return charsOf(alphabet, n);
  return charsOf(alphabet, n - 8).map((mid) => `FAKE${mid}TEST`);
}

/** Hostile / odd text: control characters, unicode, JSON and HTML metacharacters, format specifiers. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\n',
    '\r\n',
    '\t',
    '\u0000',
    '\u2028',
    '\ufeff',
    '%',
    '%%',
    '%s%n',
    '%2F',
    '%E0%A4%A',
    '\\',
    '"',
    "'",
    '`',
    '$(',
    '${{',
    '}}',
    '<script>',
    '</td>|',
    '|||',
    '::error::',
    '##vso[task.complete result=Succeeded;]',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    'eyJ',
    'eyJ.eyJ.',
    '..',
    'a.b.c',
    '=',
    '==',
    'Bearer',
    'Basic ',
    'token:',
    ':',
    '@',
    '//',
    'https://',
    'http://',
    'https://@',
    'https://:@/',
    'https://[::1',
    'https://[::1]:99999',
    'https://xn--',
    'https://a b',
    'ghp_',
    'github_pat_',
    'glpat-',
    'glcbt-',
    'ATATT3xFfGF0',
    'ATBB',
    'ghs_1_',
  ),
);

// ───────────────────────────── token families ─────────────────────────────

export interface TokenSample {
  /** Family id (for the assertion message and coverage). */
  family: string;
  provider: ProviderId;
  token: string;
  tokenType?: 'system-access-token';
  /** A user name that goes with it (Bitbucket API tokens: the Atlassian e-mail). */
  username?: string;
}

const HOUR = 3600;

function entraSample(now: Date): fc.Arbitrary<TokenSample> {
  return fc
    .record({
      version: fc.constantFrom<1 | 2>(1, 2),
      app: fc.boolean(),
      // Seconds from now: expired, about to expire, fresh, not yet valid.
      expIn: fc.oneof(
        fc.integer({ min: -30 * 86_400, max: -1 }),
        fc.integer({ min: 1, max: 20 * 60 }),
        fc.integer({ min: HOUR / 2, max: 2 * HOUR }),
      ),
      nbfIn: fc.constantFrom(0, 0, 0, 600),
      aud: fc.constantFrom('499b84ac-1321-427f-aa17-267ca6975798', 'https://management.azure.com/', '00000000-fa4e-7e57-0000-0000000000ff'),
      name: fakeBody(12),
    })
    .map(({ version, app, expIn, nbfIn, aud, name }) => {
      const t = Math.floor(now.getTime() / 1000);
      const claims = fakeEntraClaims(now, { version, app }, { exp: t + expIn, nbf: t + nbfIn, aud, name });
      return { family: 'azure-devops.entra', provider: 'azure-devops' as const, token: mintEntraJwt(claims) };
    });
}

/** Every token family the providers know, valid checksum (expiry varies: some are expired or retired). */
export function tokenSample(now: Date): fc.Arbitrary<TokenSample> {
  const ado84 = fc
    .record({
      random52: fakeBody(52),
      monthsAgo: fc.integer({ min: 0, max: 14 }),
      checksum: fc.constantFrom<'base62' | 'base64'>('base62', 'base64'),
    })
    .map(({ random52, monthsAgo, checksum }) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1));
      const token = mintAzureDevOpsPat84({
        random52,
        year: Math.max(2024, d.getUTCFullYear()),
        month: d.getUTCFullYear() < 2024 ? 1 : d.getUTCMonth() + 1,
        checksum,
      });
      return { family: 'azure-devops.pat84', provider: 'azure-devops' as const, token };
    });
  const ado52 = fc
    .record({ data: fakeBody(28), seed: fc.constantFrom<'user' | 'application'>('user', 'application') })
    .map(({ data, seed }) => ({
      family: 'azure-devops.pat52',
      provider: 'azure-devops' as const,
      token: mintAzureDevOpsLegacyPat(new Uint8Array(Buffer.from(data, 'ascii')), seed),
    }));
  const systemToken = fc
    .oneof(
      fakeBody(40, B64URL),
      fakeBody(12).map((x) => mintEntraJwt({ iss: 'https://app.vstoken.example.test', nameid: x, scp: 'app_token' })),
    )
    .map((token) => ({
      family: 'azure-devops.system-access-token',
      provider: 'azure-devops' as const,
      token,
      tokenType: 'system-access-token' as const,
    }));
  const ghClassic = fc.constantFrom<'ghp' | 'gho' | 'ghu' | 'ghs' | 'ghr'>('ghp', 'gho', 'ghu', 'ghs', 'ghr').chain((prefix) =>
    fakeBody(prefix === 'ghr' ? 70 : 30).map((body) => ({
      family: `github.${prefix}`,
      provider: 'github' as const,
      token: mintGitHubClassic(prefix, body),
    })),
  );
  const ghFine = fc.record({ first: fakeBody(20), random: fakeBody(43), tail: fakeBody(8) }).map(({ first, random, tail }) => ({
    family: 'github.fine-grained',
    provider: 'github' as const,
    token: mintGitHubFineGrained(`11${first}`, random, tail),
  }));
  const ghStateless = fc.record({ app: fc.integer({ min: 1, max: 9_999_999 }), note: fakeBody(16) }).map(({ app, note }) => ({
    family: 'github.ghs-stateless',
    provider: 'github' as const,
    token: mintGitHubStatelessInstallation(app, { iss: 'FAKE-TEST-ISSUER', note }),
  }));
  const glLegacy = fakeBody(20, FRIENDLY).map((body) => ({
    family: 'gitlab.legacy-pat',
    provider: 'gitlab' as const,
    token: `glpat-${body}`,
  }));
  const glRoutable = fc
    .record({
      version: fc.constantFrom<0 | 1>(0, 1),
      random: fakeBody(16),
      o: fc.integer({ min: 1, max: 1e6 }),
      u: fc.integer({ min: 1, max: 1e7 }),
    })
    .map(({ version, random, o, u }) => ({
      family: `gitlab.routable-v${version}`,
      provider: 'gitlab' as const,
      token: mintGitLabRoutable({ version, random16: new Uint8Array(Buffer.from(random, 'ascii')), payload: { o, u } }),
    }));
  const glJob = fc.record({ expIn: fc.integer({ min: -86_400, max: 4 * HOUR }), sub: fakeBody(10) }).map(({ expIn, sub }) => ({
    family: 'gitlab.job-token',
    provider: 'gitlab' as const,
    token: mintGitLabJobJwt({
      iss: 'https://gitlab.example.test',
      aud: 'gitlab-authz-token',
      sub,
      version: '0.1.0',
      exp: Math.floor(now.getTime() / 1000) + expIn,
    }),
  }));
  const atbb = fakeBody(24).map((body) => ({
    family: 'bitbucket.atbb',
    provider: 'bitbucket' as const,
    token: mintAtbb(body),
    username: 'fake-user',
  }));
  const atlassian = fc
    .record({ kind: fc.constantFrom<'api' | 'access'>('api', 'access'), body: fakeBody(171, B64URL), email: fc.boolean() })
    .map(({ kind, body, email }) => ({
      family: kind === 'api' ? 'bitbucket.atatt' : 'bitbucket.atctt',
      provider: 'bitbucket' as const,
      token: mintAtlassianToken(kind, body),
      ...(email ? { username: 'fake.user@example.test' } : {}),
    }));
  return fc.oneof(
    ado84,
    ado52,
    entraSample(now),
    systemToken,
    ghClassic,
    ghFine,
    ghStateless,
    glLegacy,
    glRoutable,
    glJob,
    atbb,
    atlassian,
  );
}

// ───────────────────────────── mutations ─────────────────────────────

export type MutationKind = 'valid' | 'bad-checksum' | 'whitespace' | 'wrapper' | 'quotes' | 'line-break' | 'truncated';
export const MUTATIONS: readonly MutationKind[] = ['valid', 'bad-checksum', 'whitespace', 'wrapper', 'quotes', 'line-break', 'truncated'];

export interface Mutated {
  kind: MutationKind;
  /** What the user passes as the token. */
  input: string;
}

/** A character of the same class (digit, lower, upper, other) as `c`, but different. */
function sibling(c: string, pick: number): string {
  const cls = /[0-9]/.test(c)
    ? '0123456789'
    : /[a-z]/.test(c)
      ? 'abcdefghijklmnopqrstuvwxyz'
      : /[A-Z]/.test(c)
        ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
        : 'AB';
  const options = cls.replace(c, '');
  return options[pick % options.length]!;
}

export function mutation(token: string, kind?: MutationKind): fc.Arbitrary<Mutated> {
  const kinds = kind ? fc.constant(kind) : fc.constantFrom(...MUTATIONS);
  return fc.tuple(kinds, fc.nat(), fc.nat()).map(([k, a, b]): Mutated => {
    const cut = 1 + (a % Math.max(1, token.length - 1));
    switch (k) {
      case 'valid':
        return { kind: k, input: token };
      case 'bad-checksum': {
        // The checksum sits at the end of every checksummed family (ADO legacy: spread, but also covered).
        const i = token.length - 1 - (a % Math.min(4, token.length));
        return { kind: k, input: token.slice(0, i) + sibling(token[i]!, b) + token.slice(i + 1) };
      }
      case 'whitespace':
        return { kind: k, input: [` ${token}`, `${token}\n`, `\t${token} `, `${token}\r\n`, `  ${token}  `][a % 5]! };
      case 'wrapper':
        return {
          kind: k,
          input: [
            `Bearer ${token}`,
            `token ${token}`,
            `Basic ${Buffer.from(`fake-user:${token}`).toString('base64')}`,
            `fake-user:${token}`,
            `bearer ${token}`,
          ][a % 5]!,
        };
      case 'quotes':
        return { kind: k, input: [`"${token}"`, `'${token}'`, `"${token}"\n`][a % 3]! };
      case 'line-break':
        return { kind: k, input: `${token.slice(0, cut)}${['\n', '\r\n', '\r'][b % 3]}${token.slice(cut)}` };
      case 'truncated':
        return { kind: k, input: token.slice(0, cut) };
    }
  });
}

// ───────────────────────────── the leak check ─────────────────────────────

/** User names HTTP clients put in front of a token in Basic auth (see src/core/secrets.ts). */
const BASIC_USERS = ['', 'x-access-token', 'x-bitbucket-api-token-auth', 'oauth2', 'pat', 'user', 'git', 'fake-user'];

/**
 * What of the secret shows in `output`: any 8-character slice of the token, of its URL-encoded form,
 * or any 12-character slice of a Basic-auth base64 form (`base64(':'+token)`, `base64(user+':'+token)`,
 * `base64(token)`). Empty when nothing leaks.
 */
export function secretLeaks(output: string, token: string, username?: string): string[] {
  const found = [...leaks(output, token)];
  const encoded = encodeURIComponent(token);
  if (encoded !== token) found.push(...leaks(output, encoded).map((s) => `urlencoded:${s}`));
  const forms = [token, ...[...BASIC_USERS, ...(username ? [username] : [])].map((u) => `${u}:${token}`)].map((t) =>
    Buffer.from(t).toString('base64'),
  );
  for (const form of forms) {
    for (let i = 0; i + 12 <= form.length; i++) {
      const slice = form.slice(i, i + 12);
      if (output.includes(slice)) {
        found.push(`base64:${slice}`);
        break;
      }
    }
  }
  return found;
}

/** Throws (with where and what leaked, never the whole token) when `secretLeaks` finds anything. */
export function assertNoLeak(outputs: Record<string, string>, token: string, username?: string): void {
  for (const [where, text] of Object.entries(outputs)) {
    const found = secretLeaks(text, token, username);
    if (found.length) {
      const at = text.indexOf(found[0]!.replace(/^(urlencoded|base64):/, ''));
      throw new Error(
        `${where} leaks the secret (${found.length} slice(s), first "${found[0]}") near: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 30))}`,
      );
    }
  }
}

// ───────────────────────────── provider URLs ─────────────────────────────

const segment = charsOf('abcdefghijklmnopqrstuvwxyz0123456789', 1, 10).map((s) => `x${s}`);
const scheme = fc.constantFrom('https://', 'http://', '');
const slash = fc.constantFrom('', '/');

/**
 * The URLs people paste for each provider: web pages, clone URLs (HTTPS with a user name, SSH, scp
 * style), API bases, the SSH-over-443 hosts, with or without scheme and trailing slash. Each names
 * its provider by host (or, self-hosted, by a path only that provider uses).
 */
export const URL_SHAPES: Readonly<Record<ProviderId, fc.Arbitrary<string>>> = {
  'azure-devops': fc
    .tuple(segment, segment, segment, scheme, slash)
    .chain(([org, proj, repo, s, end]) =>
      fc.constantFrom(
        `${s || 'https://'}dev.azure.com/${org}${end}`,
        `${s}dev.azure.com/${org}/${proj}/_git/${repo}${end}`,
        `https://${org}@dev.azure.com/${org}/${proj}/_git/${repo}`,
        `${s}${org}.visualstudio.com/${proj}${end}`,
        `git@ssh.dev.azure.com:v3/${org}/${proj}/${repo}`,
        `ssh://git@ssh.dev.azure.com/v3/${org}/${proj}/${repo}`,
        `${org}@vs-ssh.visualstudio.com:v3/${org}/${proj}/${repo}`,
        `https://tfs.example.test/tfs/DefaultCollection/${proj}${end}`,
        `https://ado.example.test/${org}/${proj}/_git/${repo}`,
        `https://dev.azure.com/${org}/_apis/projects`,
      ),
    ),
  github: fc
    .tuple(segment, segment, scheme, slash)
    .chain(([owner, repo, s, end]) =>
      fc.constantFrom(
        `${s}github.com/${owner}/${repo}${end}`,
        `${s}www.github.com/${owner}/${repo}${end}`,
        `https://github.com/${owner}/${repo}.git`,
        `git@github.com:${owner}/${repo}.git`,
        `ssh://git@ssh.github.com:443/${owner}/${repo}.git`,
        `https://api.github.com/repos/${owner}/${repo}`,
        `https://${owner}.ghe.com/${owner}/${repo}`,
        `https://gist.github.com/${owner}/${repo}`,
      ),
    ),
  gitlab: fc
    .tuple(segment, segment, segment, scheme, slash)
    .chain(([group, sub, proj, s, end]) =>
      fc.constantFrom(
        `${s}gitlab.com/${group}/${proj}${end}`,
        `${s}gitlab.com/${group}/${sub}/${proj}${end}`,
        `https://gitlab.com/${group}/${proj}.git`,
        `git@gitlab.com:${group}/${proj}.git`,
        `ssh://git@altssh.gitlab.com:443/${group}/${proj}.git`,
        `https://www.gitlab.com/${group}/${proj}`,
        `https://gitlab.com/api/v4/projects/${group}%2F${proj}`,
        `https://gitlab.example.test/${group}/${proj}/-/tree/main`,
      ),
    ),
  bitbucket: fc
    .tuple(segment, segment, scheme, slash)
    .chain(([ws, repo, s, end]) =>
      fc.constantFrom(
        `${s}bitbucket.org/${ws}/${repo}${end}`,
        `https://${ws}@bitbucket.org/${ws}/${repo}.git`,
        `git@bitbucket.org:${ws}/${repo}.git`,
        `ssh://git@altssh.bitbucket.org:443/${ws}/${repo}.git`,
        `https://api.bitbucket.org/2.0/repositories/${ws}/${repo}`,
        `https://www.bitbucket.org/${ws}`,
      ),
    ),
};
