/**
 * Every text a user reads goes through the one grammar check (support/grammar.ts): the codes
 * catalogue, the demo's reports, the CLI's own lines, and the findings of a broad offline sweep (every
 * token family × every mistake × every URL shape of the property scenarios, plus the hygiene cases).
 * The online findings are checked where they are produced: the property sweep (leak-core) and the
 * fault fixtures (faults-core).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageProblem } from '../../src/cli/args.js';
import { main, type CliIo } from '../../src/cli/main.js';
import { CODES } from '../../src/core/codes.js';
import { runPreflight } from '../../src/core/preflight.js';
import { PROVIDERS } from '../../src/core/report.js';
import { resolveRequest } from '../../src/core/request.js';
import { fakeEntraClaims, mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { mutation, tokenSample } from '../property/arbitraries.js';
import { requestShape } from '../property/scenarios.js';
import { grammarProblems, grammarReport } from '../support/grammar.js';
import { ROOT } from '../support/run-bundle.js';

/** Every .ts file under src/. */
function sources(dir = path.join(ROOT, 'src')): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

const NOW = new Date('2026-11-22T12:00:00Z');

/** Claims over the fake Entra token's defaults, and whether it is an app-only token. */
const ENTRA_CLAIMS: Array<[Record<string, unknown>, boolean]> = [
  [{}, false],
  [{ scp: 'vso.code' }, false],
  [{}, true],
  [{ idtyp: undefined }, true],
  [{ xms_act_fct: '11', xms_sub_fct: '11', scp: '/' }, true],
  [{ xms_act_fct: '11', scp: 'vso.code' }, false],
  [{ xms_sub_fct: '13', scp: 'vso.code' }, false],
  [{ aud: 'https://management.core.windows.net/' }, false],
  [{ aud: 'https://graph.microsoft.com' }, true],
];

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => '', env, isTTY: false };
  await main(args, io, { now: () => NOW, monotonic: () => 0 });
  return { out, err };
}

describe('the grammar check', () => {
  it.each([
    ['The token is a Azure DevOps personal access token.', 'should be "an Azure"'],
    ['Pass an URL like this.', 'should be "a URL"'],
    ['It is a 84-character token.', 'should be "an 84-character"'],
    ['It is a HTTP error.', 'should be "an HTTP"'],
    ['This is a GitHub GitHub personal access token.', 'a word twice'],
    ['It is an Azure DevOps Azure DevOps personal access token.', 'words twice'],
    ['The token has trailing a line break.', 'the article goes first'],
    ['Wire the Github secret.', 'should be spelled "GitHub"'],
    ['An Azure Devops URL.', 'should be spelled "Azure DevOps"'],
    ['Use Gitlab or BitBucket.', 'should be spelled "GitLab"'],
    ['Ask microsoft entra.', 'should be spelled "Microsoft Entra"'],
    ['Pass a github token.', 'should be spelled "GitHub"'],
    ['The token is 1 characters long.', 'one, but a plural'],
  ])('finds the problem in %p', (text, problem) => {
    expect(grammarProblems(text).join('\n')).toContain(problem);
  });

  it.each([
    'An Azure DevOps URL, a GitHub token, a URL, an HTTP error, a user, an unknown scope, a 401, an 8-day window.',
    'Pass `--provider github` or "github github" in quotes; see https://github.com/a/a and AZURE_DEVOPS_PAT.',
    'provider: github',
    'auto (default), azure-devops, github, gitlab, bitbucket; the user x-bitbucket-api-token-auth; 1 class.',
  ])('accepts %p', (text) => {
    expect(grammarProblems(text)).toEqual([]);
  });
});

describe('every text a user reads', () => {
  it('the codes catalogue', () => {
    const texts = Object.entries(CODES).flatMap(([code, d]): Array<[string, string]> => [
      [`${code} meaning`, d.meaning],
      [`${code} fix`, d.fix],
    ]);
    expect(grammarReport(texts)).toEqual([]);
  });

  it("the demo's reports and the CLI's own lines", async () => {
    const demo = JSON.parse((await cli(['demo', '--format', 'json'])).out) as {
      samples: Array<{ title: string; report: { findings: Array<{ code: string; message: string; hint: string }> } }>;
    };
    const texts: Array<[string, string]> = demo.samples.flatMap((s) => [
      [`demo title`, s.title] as [string, string],
      ...s.report.findings.flatMap((f): Array<[string, string]> => [
        [`demo ${f.code}`, f.message],
        [`demo ${f.code} fix`, f.hint],
      ]),
    ]);
    texts.push(['demo text', (await cli(['demo'])).out], ['help', (await cli(['--help'])).out]);
    for (const args of [['--urll'], ['--url'], ['--offline=1'], ['-offline'], ['--zzz'], ['--token', 'x'], ['extra']])
      texts.push([`usage ${args.join(' ')}`, usageProblem(args) ?? (await cli(args)).err]);
    expect(grammarReport(texts)).toEqual([]);
  });

  it('the findings of every token family × mistake × URL shape, offline', async () => {
    const texts: Array<[string, string]> = [];
    // The property scenarios' shapes, plus a token under another provider or with another provider's URL.
    const anyProvider = fc.constantFrom(...PROVIDERS);
    const scenarios = fc.sample(
      tokenSample(NOW).chain((sample) =>
        fc.tuple(
          fc.constant(sample),
          mutation(sample.token),
          fc.oneof(requestShape(sample.provider), anyProvider.chain(requestShape)),
          fc.oneof(fc.constant(undefined), anyProvider),
        ),
      ),
      { numRuns: 1000, seed: 12 },
    );
    const hygiene = [
      '',
      ' ',
      '$(System.AccessToken)',
      '${{ secrets.PAT }}',
      '$PAT',
      '%PAT%',
      'abc$(X)',
      'changeme',
      '<token>',
      'Bearer abc',
      ' "x" ',
    ];
    const runs = [
      ...scenarios.map(([sample, mutated, shape, provider]) => ({
        provider: provider ?? (shape.provider === 'own' ? sample.provider : 'auto'),
        token: mutated.input,
        tokenType: sample.tokenType,
        url: shape.url?.replace('{origin}', 'https://127.0.0.1:8443').replace('{token}', sample.token),
        project: shape.project,
        username: sample.username,
        requiredScopes: shape.scopes.join(', '),
      })),
      ...PROVIDERS.flatMap((provider) => hygiene.map((token) => ({ provider, token, url: 'http://example.com/a/_git/b/' }))),
      // Entra token kinds (delegated, app with and without idtyp, the three Agent ID kinds, other audiences):
      // their descriptions are composed from parts the random samples above do not reach.
      ...ENTRA_CLAIMS.map(([overrides, app]) => ({
        provider: 'auto',
        token: mintEntraJwt(fakeEntraClaims(NOW, { app }, overrides)),
        url: 'https://dev.azure.com/fabrikam',
        requiredScopes: 'vso.code, vso.build',
      })),
    ];
    for (const inputs of runs) {
      const { request, findings } = resolveRequest({ ...inputs, offline: 'true' }, {});
      const report = await runPreflight(request, { now: () => NOW, monotonic: () => 0 }, findings);
      for (const f of report.findings) texts.push([f.code, f.message], [`${f.code} fix`, f.hint]);
    }
    expect(texts.length).toBeGreaterThan(2000);
    expect(grammarReport(texts)).toEqual([]);
  });

  /** Every string and template literal of src/ (single, double or backtick quoted) of three words or more. */
  function literals(): Array<[string, string]> {
    const texts: Array<[string, string]> = [];
    // Double quotes too: a message with an apostrophe ("The token's prefix…") is written in them.
    const literal = /`((?:[^`\\]|\\.|\$\{(?:[^{}]|\{[^{}]*\})*\})*)`|'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"/g;
    for (const file of sources()) {
      const source = fs.readFileSync(file, 'utf8');
      for (const m of source.matchAll(literal)) {
        // Double quotes in a comment are prose quoting, not a literal ("A and B").
        if (m[3] !== undefined && /^\s*(?:\/\/|\/\*|\*)/.test(source.slice(source.lastIndexOf('\n', m.index) + 1, m.index))) continue;
        const text = (m[1] ?? m[2] ?? m[3]!).replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, ' IDENT ');
        if (text.split(' ').length >= 3) texts.push([path.relative(ROOT, file), text]);
      }
    }
    return texts;
  }

  it('every string and template literal of src/ (a ${placeholder} read as a name): messages no sweep reaches', () => {
    const texts = literals();
    expect(texts.length).toBeGreaterThan(500);
    expect(grammarReport(texts)).toEqual([]);
  });

  it.each([
    ['token.policy-blocked', 'src/core/providers/online/messages.ts', "the token's scopes were not the reason"],
    ['token.retired (global PAT)', 'src/core/providers/azure-devops/messages.ts', 'global PATs stopped working on'],
    [
      'organisation-less host',
      'src/core/providers/azure-devops/messages.ts',
      'which has no organisation and refuses organisation-scoped PATs',
    ],
    ['entra.access-level', 'src/core/providers/azure-devops/access-level.ts', 'which cannot read code (Azure Repos) in private projects'],
    ['entra.connection-scheme', 'src/core/entra/messages.ts', 'an App Service deployment credential, not a Microsoft Entra identity'],
    ['scope.unknown (scope-names)', 'src/core/providers/scope-names.ts', 'scope, not '],
    ['token.audience', 'src/core/providers/azure-devops/tokens.ts', 'not an Azure DevOps API token; Azure DevOps rejects it'],
    ['entra.delegated-scopes', 'src/core/providers/azure-devops/entra-scopes.ts', 'so Azure DevOps grants it nothing'],
    ['a double-quoted message', 'src/core/providers/gitlab/tokens.ts', 'its routable checksum matches'],
  ])('the sweep reaches the %s message', (_, file, fragment) => {
    expect(literals().filter(([where, text]) => where === file && text.includes(fragment))).toHaveLength(1);
  });
});
