/**
 * Offline reading (issue 12): audiences, Entra identity kinds and scp, required-scope names, which
 * of token and URL is believed, and the documented token-format levels of every family.
 */
import { describe, expect, it } from '@jest/globals';
import { readAccessClaims } from '../../src/core/entra/access-claims.js';
import { DOCS_BASE } from '../../src/core/docs.js';
import { runPreflight } from '../../src/core/preflight.js';
import { resolveRequest, type RawInputs } from '../../src/core/request.js';
import { readScp, scpCovers, scpScopeFindings } from '../../src/core/providers/azure-devops/entra-scopes.js';
import { azureDevOpsScopeById } from '../../src/core/providers/azure-devops/scopes.js';
import { fakeEntraClaims, FAKE_CLIENT_ID, mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { analyzeAzureDevOpsToken } from '../../src/core/providers/azure-devops/tokens.js';
import { mintAtbb, mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { analyzeBitbucketToken } from '../../src/core/providers/bitbucket/tokens.js';
import { mintGitHubClassic } from '../../src/core/providers/github/synthetic.js';
import { analyzeGitHubToken } from '../../src/core/providers/github/tokens.js';
import { mintGitLabRoutable } from '../../src/core/providers/gitlab/synthetic.js';
import { analyzeGitLabToken } from '../../src/core/providers/gitlab/tokens.js';
import { providerOfUrl } from '../../src/core/providers/url-owner.js';
import { offlineScopeNameFindings, SCOPE_COUNTERPARTS, SCOPE_NAMES } from '../../src/core/providers/scope-names.js';
import type { TokenAnalysis } from '../../src/core/providers/types.js';
import type { ProviderId } from '../../src/core/report.js';
import { expectNoLeak, fill, githubPat } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const ctx = { now: NOW };
const codes = (a: { findings: { code: string; severity: string }[] } | undefined) =>
  (a?.findings ?? []).map((f) => `${f.code}:${f.severity}`).sort();
const entra = (overrides: Record<string, unknown>, app = false) => mintEntraJwt(fakeEntraClaims(NOW, { app }, overrides));

async function run(inputs: RawInputs) {
  const { request, findings } = resolveRequest({ offline: 'true', ...inputs }, {});
  return runPreflight(request, { now: () => NOW, monotonic: () => 0 }, findings);
}

describe('Entra audience: a token Azure DevOps rejects is an error', () => {
  it.each([
    ['no aud', { aud: undefined }],
    ['ARM', { aud: 'https://management.azure.com/' }],
    ['Graph', { aud: 'https://graph.microsoft.com' }],
  ])('%s → token.audience error naming the audience needed and how to request it', (_, claims) => {
    const token = entra(claims);
    const a = analyzeAzureDevOpsToken(token, ctx, true)!;
    const f = a.findings.find((x) => x.code === 'token.audience')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('499b84ac-1321-427f-aa17-267ca6975798');
    expect(f.hint).toMatch(/az account get-access-token --resource 499b84ac-/);
    expect(f.hint).toContain('499b84ac-1321-427f-aa17-267ca6975798/.default');
    expectNoLeak(token, a);
  });

  it('fails the offline run (it used to pass with a warning)', async () => {
    const r = await run({
      provider: 'azure-devops',
      url: 'https://dev.azure.com/fabrikam',
      token: entra({ aud: 'https://management.azure.com/' }),
    });
    expect(r.outcome).toBe('failed');
  });
});

describe('Entra identity kinds', () => {
  it.each([
    ['delegated', {}, false],
    ['application', {}, true],
    ['application', { idtyp: undefined, scp: undefined, preferred_username: undefined }, false],
    ['agent-identity', { xms_act_fct: '3 11', xms_sub_fct: '11 3', xms_idrel: '7', scp: '/' }, true],
    ['agent-on-behalf', { idtyp: 'user', xms_act_fct: '11' }, false],
    ['agent-user', { idtyp: 'user', xms_sub_fct: '13 1' }, false],
  ])('%s', (kind, overrides, app) => {
    const claims = fakeEntraClaims(NOW, { app }, overrides);
    expect(readAccessClaims(claims).kind).toBe(kind);
    const a = analyzeAzureDevOpsToken(mintEntraJwt(claims), ctx, true)!;
    expect(a.facts['identityKind']).toBe(kind);
    const info = a.findings.find((f) => f.code === 'token.info')!.message;
    if (kind.startsWith('agent')) expect(info).toContain('Microsoft Entra Agent ID token');
    expect(info).not.toContain('Entra Entra');
    // idtyp is quoted only when the token has the claim.
    if (kind === 'application') expect(info).toContain(app ? 'application token (idtyp app' : 'application token (no idtyp claim');
    if (!('idtyp' in claims) || claims['idtyp'] === undefined) expect(info).not.toContain('idtyp app');
  });

  it('accepts facet claims as numbers or arrays, ignores the rest', () => {
    expect(readAccessClaims({ idtyp: 'app', xms_act_fct: 11, appid: FAKE_CLIENT_ID }).kind).toBe('agent-identity');
    expect(readAccessClaims({ idtyp: 'user', xms_sub_fct: ['13'] }).kind).toBe('agent-user');
    expect(readAccessClaims({ idtyp: 'user', xms_sub_fct: { a: 13 }, scp: 'user_impersonation' }).kind).toBe('delegated');
  });
});

describe('delegated scp', () => {
  it('reads user_impersonation as full access, vso.* as down-scoped, and anything else as neither', () => {
    expect(readScp(['user_impersonation'])).toEqual({ access: 'full' });
    expect(readScp(['499b84ac-1321-427f-aa17-267ca6975798/vso.code', 'openid'])).toEqual({ access: 'scoped', scopes: ['vso.code'] });
    expect(readScp(['openid', 'profile'])).toEqual({ access: 'none' });
  });

  it('a held scope covers itself, its read scope and weaker levels of the same area only', () => {
    const code = azureDevOpsScopeById('vso.code')!;
    const codeWrite = azureDevOpsScopeById('vso.code_write')!;
    expect(scpCovers(['vso.code_write'], code)).toBe(true);
    expect(scpCovers(['vso.code_full'], codeWrite)).toBe(true);
    expect(scpCovers(['vso.code'], codeWrite)).toBe(false);
    expect(scpCovers(['vso.build'], code)).toBe(false);
    expect(scpCovers(['vso.build_execute'], azureDevOpsScopeById('vso.build')!)).toBe(true);
  });

  it('warns when a delegated token holds neither (the missed consent), not for app tokens', () => {
    expect(codes(analyzeAzureDevOpsToken(entra({ scp: 'openid profile' }), ctx, true))).toContain('entra.delegated-scopes:error');
    expect(codes(analyzeAzureDevOpsToken(entra({ scp: 'vso.code' }), ctx, true))).not.toContain('entra.delegated-scopes:error');
    expect(codes(analyzeAzureDevOpsToken(entra({}, true), ctx, true))).not.toContain('entra.delegated-scopes:error');
  });

  it('checks required scopes against a down-scoped scp; user_impersonation and app tokens leave them to the online check', () => {
    const scoped = analyzeAzureDevOpsToken(entra({ scp: 'vso.code_write vso.build' }), ctx, true)!;
    const r = scpScopeFindings(scoped, ['Code: Read', 'vso.build', 'vso.work', 'frobnicate']);
    expect(r.missing).toEqual(['vso.work']);
    expect(r.findings.map((f) => `${f.code}:${f.severity}`)).toEqual(['scope.missing:error']);
    expect(r.findings[0]!.hint).toContain('499b84ac-1321-427f-aa17-267ca6975798/vso.work');
    expect(scpScopeFindings(analyzeAzureDevOpsToken(entra({}), ctx, true)!, ['vso.work']).findings).toEqual([]);
    expect(scpScopeFindings(analyzeAzureDevOpsToken(entra({}, true), ctx, true)!, ['vso.work']).findings).toEqual([]);
  });
});

describe('required-scope names offline', () => {
  it("names another provider's scope and suggests this provider's counterpart", () => {
    const f = offlineScopeNameFindings('github', ['repo', 'vso.code', 'frobnicate']);
    expect(f.map((x) => x.code)).toEqual(['scope.unknown', 'scope.unknown']);
    expect(f[0]!.message).toBe('Required scope "vso.code" is an Azure DevOps scope, not a GitHub one.');
    expect(f[0]!.hint).toContain('contents:read');
    expect(f[1]!.message).toContain('"frobnicate" is not a GitHub');
  });

  it('finds the counterpart whichever spelling of the other provider was used', () => {
    const [gh] = offlineScopeNameFindings('azure-devops', ['Contents: Read']);
    expect(gh!.message).toContain('is a GitHub scope');
    expect(gh!.hint).toContain('vso.code');
    const [bb] = offlineScopeNameFindings('gitlab', ['read:repository:bitbucket']);
    expect(bb!.message).toContain('is a Bitbucket scope');
    expect(bb!.hint).toContain('read_repository');
  });

  it('without a suggestion, the fix still names the provider with the right article', () => {
    const [f] = offlineScopeNameFindings('azure-devops', ['zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz']);
    expect(f!.hint).toBe(`Use an Azure DevOps scope name from ${DOCS_BASE}/scopes.md#azure-devops in \`required-scopes\`.`);
  });

  it("suggests only an equivalent or a close spelling: GitLab's read_api has no GitHub equivalent", () => {
    const [f] = offlineScopeNameFindings('github', ['read_api']);
    expect(f!.message).toBe('Required scope "read_api" is a GitLab scope, not a GitHub one.');
    expect(f!.hint).not.toContain('closest scope');
    expect(f!.hint).not.toContain('actions:read');
    // An equivalent is still named, from GitLab's side too.
    expect(offlineScopeNameFindings('github', ['read_repository'])[0]!.hint).toContain('contents:read');
    // A look-alike spelling far from the text is no suggestion.
    expect(offlineScopeNameFindings('gitlab', ['frobnicate'])[0]!.hint).not.toContain('closest scope');
  });

  it('suggests the nearest spelling for a typo', () => {
    const [f] = offlineScopeNameFindings('gitlab', ['read_repositry']);
    expect(f!.hint).toContain('read_repository');
    expect(offlineScopeNameFindings('azure-devops', ['vso.code', 'Build: Read'])).toEqual([]);
  });

  it('every counterpart is a scope its provider knows', () => {
    for (const row of SCOPE_COUNTERPARTS)
      for (const [p, name] of Object.entries(row))
        expect([p, name, SCOPE_NAMES[p as ProviderId].canonical(name) !== undefined]).toEqual([p, name, true]);
  });

  it('runs in the offline preflight, with the scp check, and fills scopes.missing', async () => {
    const r = await run({
      provider: 'azure-devops',
      url: 'https://dev.azure.com/fabrikam',
      token: entra({ scp: 'vso.code' }),
      requiredScopes: 'vso.code, vso.work, repo',
    });
    expect(codes(r).filter((c) => c.startsWith('scope.'))).toEqual(['scope.missing:error', 'scope.unknown:error']);
    expect(r.scopes.missing).toEqual(['vso.work']);
  });
});

describe('required-scope names when the online check is skipped by an error', () => {
  it('still names them (no request goes out: the audience error blocks the online stage)', async () => {
    const r = await run({
      offline: 'false',
      provider: 'azure-devops',
      url: 'https://dev.azure.com/fabrikam',
      token: entra({ aud: 'https://management.azure.com/' }),
      requiredScopes: 'vso.code, frobnicate',
    });
    expect(codes(r)).toEqual(expect.arrayContaining(['token.audience:error', 'scope.unknown:error', 'online.skipped:info']));
  });
});

describe('token and URL of different providers', () => {
  it('never shows a URL nobody typed, and says the token was believed', async () => {
    const r = await run({ token: githubPat(), url: 'https://dev.azure.com/fabrikam' });
    expect(r.provider).toBe('github');
    expect(r.url).toEqual({ input: 'https://dev.azure.com/fabrikam', normalized: null });
    const f = r.findings.find((x) => x.code === 'url.provider-mismatch')!;
    expect(f.message).toMatch(/token was believed/);
    expect(JSON.stringify(r)).not.toContain('api/v3');
  });

  it('says the `provider` setting was believed when it was set', async () => {
    const r = await run({ provider: 'github', token: githubPat(), url: 'https://gitlab.com' });
    expect(r.findings.find((x) => x.code === 'url.provider-mismatch')!.message).toMatch(/`provider` is set to GitHub/);
  });

  it.each([
    ['https://dev.azure.com/fabrikam', 'azure-devops', /no Azure DevOps credential format/],
    ['https://github.com/octo/repo', 'github', /no GitHub token format/],
    ['https://gitlab.com', 'gitlab', /no GitLab format/],
    ['https://bitbucket.org/ws/repo', 'bitbucket', /no Bitbucket Cloud format/],
  ])("an unrecognised token with %s is read as that provider's", async (url, provider, why) => {
    const r = await run({ token: 'FAKE-TEST-not-any-token-format', url });
    expect(r.provider).toBe(provider);
    expect(r.findings.find((f) => f.code === 'token.format')!.message).toMatch(why);
    expect(r.findings.find((f) => f.code === 'token.info')!.message).toMatch(/taken from the URL/);
  });

  it('keeps "provider not detected" with a URL that could be anyone\'s', async () => {
    const r = await run({ token: 'FAKE-TEST-not-any-token-format', url: 'https://git.example.com/team' });
    expect(r.provider).toBeNull();
  });

  it('reads a self-hosted URL by the path only one provider uses', async () => {
    expect(providerOfUrl('https://tfs.example.com/tfs/DefaultCollection')).toBe('azure-devops');
    expect(providerOfUrl('https://ado.example.com:8080/Collection/Project/_git/repo')).toBe('azure-devops');
    expect(providerOfUrl('https://git.example.com/group/project/-/tree/main')).toBe('gitlab');
    expect(providerOfUrl('https://git.example.com/group/project')).toBeUndefined();
    const r = await run({ token: githubPat(), url: 'https://tfs.example.com/tfs/DefaultCollection' });
    expect(r.url.normalized).toBeNull();
    expect(codes(r)).toContain('url.provider-mismatch:error');
  });

  it('names the token once when the provider setting disagrees with it', async () => {
    const r = await run({ provider: 'azure-devops', token: githubPat(), url: 'https://dev.azure.com/fabrikam' });
    expect(r.findings.find((f) => f.code === 'token.provider-mismatch')!.message).toBe(
      'The token is a GitHub personal access token (classic), but the provider is set to Azure DevOps.',
    );
  });
});

/** Levels per family as the token notes give them: checksum/format failures of documented layouts are errors, undocumented ones warnings. */
describe('documented format levels, family by family', () => {
  const level = (a: TokenAnalysis | undefined, code: string) => a?.findings.find((f) => f.code === code)?.severity;

  it('GitHub: any unrecognised ghs_ shape is a warning, other prefixes keep their errors', () => {
    for (const t of [`ghs_${fill('FAKE-TEST', 36)}`, `ghs_${fill('FAKExTEST', 50)}`, `ghs_${fill('FAKE', 36)}.x`])
      expect(level(analyzeGitHubToken(t, ctx, false), 'token.format')).toBe('warning');
    expect(level(analyzeGitHubToken(`ghp_${fill('FAKE-TEST', 36)}`, ctx, false), 'token.format')).toBe('error');
    const ghs = mintGitHubClassic('ghs', fill('FAKEx0TEST', 30));
    expect(level(analyzeGitHubToken(ghs.slice(0, -1) + (ghs.endsWith('A') ? 'B' : 'A'), ctx, false), 'token.checksum')).toBe('warning');
  });

  it('Azure DevOps: a JWT for another audience or the federation audience is an error', () => {
    const oidc = mintEntraJwt({
      iss: 'https://vstoken.dev.azure.com/FAKE',
      aud: 'api://AzureADTokenExchange',
      exp: NOW.getTime() / 1000 + 300,
    });
    expect(level(analyzeAzureDevOpsToken(oidc, ctx, false), 'token.audience')).toBe('error');
  });

  it('GitLab: a routable token with a prefix GitLab does not issue warns; trigger tokens are hex', () => {
    const custom = mintGitLabRoutable({ version: 1, prefix: 'fake-', random16: Buffer.from('FAKE-GITLAB-TEST'), payload: { o: 1 } });
    expect(level(analyzeGitLabToken(custom, ctx, true), 'token.format')).toBe('warning');
    expect(level(analyzeGitLabToken(`glptt-${fill('FAKETEST', 40)}`, ctx, true), 'token.format')).toBe('error');
    expect(codes(analyzeGitLabToken(`glptt-${fill('0123456789abcdef', 40)}`, ctx, true))).toEqual(['token.wrong-kind:warning']);
    expect(level(analyzeGitLabToken(`gldt-${fill('FAKE.TEST', 20)}`, ctx, true), 'token.format')).toBe('error');
  });

  it('Bitbucket: community-derived checksums warn, layout errors, observed length is only info', () => {
    const atbb = mintAtbb(fill('FAKEx0TEST', 24));
    expect(level(analyzeBitbucketToken(atbb.slice(0, -1) + (atbb.endsWith('A') ? 'B' : 'A'), ctx, false), 'token.checksum')).toBe(
      'warning',
    );
    const api = mintAtlassianToken('api', fill('FAKE-x0-TEST_', 60));
    expect(codes(analyzeBitbucketToken(api, ctx, false))).toEqual(['token.info:info']);
    expect(level(analyzeBitbucketToken(`ATATT3xFfGF0${fill('FAKE', 20)}`, ctx, false), 'token.format')).toBe('error');
  });
});
