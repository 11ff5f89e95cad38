import { describe, expect, it } from '@jest/globals';
import { runPreflight } from '../../src/core/preflight.js';
import { environmentDefaults, nameInputs, parseList, parseProvider, resolveRequest, tokenFromEnv } from '../../src/core/request.js';
import { githubPat } from '../support/tokens.js';

describe('request resolution', () => {
  it('defaults: auto provider, 7 days, online, warnings do not fail', () => {
    const { request, findings } = resolveRequest({}, {});
    expect(findings).toEqual([]);
    expect(request).toMatchObject({
      provider: 'auto',
      tokenType: 'auto',
      minDaysRemaining: 7,
      offline: false,
      failOnWarning: false,
      requiredScopes: [],
    });
  });
  it('accepts provider spellings users type', () => {
    expect(parseProvider('Azure DevOps')).toBe('azure-devops');
    expect(parseProvider('ADO')).toBe('azure-devops');
    expect(parseProvider('GitHub')).toBe('github');
    expect(parseProvider('')).toBe('auto');
    expect(parseProvider('svn')).toBeUndefined();
  });
  it('reports bad values as config.invalid errors', () => {
    const { findings } = resolveRequest({ provider: 'svn', minDaysRemaining: 'soon', offline: 'maybe', tokenType: 'jwt' }, {});
    expect(findings.map((f) => f.code)).toEqual(['config.invalid', 'config.invalid', 'config.invalid', 'config.invalid']);
    expect(findings.every((f) => f.severity === 'error')).toBe(true);
  });
  it('parses scope lists keeping portal names whole', () => {
    expect(parseList('vso.code, Work Items: Read & Write\nBuild: Read & Execute;vso.code')).toEqual([
      'vso.code',
      'Work Items: Read & Write',
      'Build: Read & Execute',
    ]);
  });
  it('takes Azure DevOps conventions from the environment', () => {
    const env = { AZURE_DEVOPS_ORG_URL: 'https://dev.azure.com/fabrikam', AZURE_DEVOPS_PROJECT: 'Fabrikam-Fiber' };
    expect(resolveRequest({ provider: 'azure-devops' }, env).request).toMatchObject({
      url: env.AZURE_DEVOPS_ORG_URL,
      project: 'Fabrikam-Fiber',
    });
    expect(resolveRequest({ provider: 'ado' }, { AZURE_DEVOPS_ORG: 'fabrikam' }).request.url).toBe('https://dev.azure.com/fabrikam');
    expect(resolveRequest({}, { AZURE_DEVOPS_ORG: 'fabrikam' }).request.defaults?.url['azure-devops']).toBe(
      'https://dev.azure.com/fabrikam',
    );
    expect(resolveRequest({ url: 'https://dev.azure.com/other' }, env).request.url).toBe('https://dev.azure.com/other');
    expect(resolveRequest({ provider: 'github' }, env).request.url).toBeUndefined();
  });
  it('takes the GitHub API base from GITHUB_API_URL', () => {
    expect(resolveRequest({ provider: 'github' }, { GITHUB_API_URL: 'https://ghes.example.com/api/v3' }).request.url).toBe(
      'https://ghes.example.com/api/v3',
    );
  });
  it("takes GitLab CI's API URL, preferring CI_API_V4_URL over CI_SERVER_URL", () => {
    expect(resolveRequest({ provider: 'gitlab' }, { CI_SERVER_URL: 'https://gl.example.com' }).request.url).toBe('https://gl.example.com');
    expect(
      environmentDefaults({ CI_SERVER_URL: 'https://gl.example.com', CI_API_V4_URL: 'https://gl.example.com/api/v4' }).url.gitlab,
    ).toBe('https://gl.example.com/api/v4');
  });
  it("with provider auto, keeps every provider's environment default until the token says which applies", () => {
    const env = {
      AZURE_DEVOPS_ORG_URL: 'https://dev.azure.com/fabrikam',
      AZURE_DEVOPS_PROJECT: 'Fabrikam-Fiber',
      GITHUB_API_URL: 'https://ghes.example.com/api/v3',
    };
    const { request } = resolveRequest({}, env);
    expect(request.url).toBeUndefined();
    expect(request.project).toBeUndefined();
    expect(request.defaults?.url).toEqual({ 'azure-devops': 'https://dev.azure.com/fabrikam', github: 'https://ghes.example.com/api/v3' });
    expect(request.defaults?.project).toEqual({ 'azure-devops': 'Fabrikam-Fiber' });
  });
  it('a GitHub token on a runner that also exports an Azure DevOps org URL is checked against GitHub, not reported as a URL mismatch', async () => {
    const env = {
      AZURE_DEVOPS_ORG_URL: 'https://dev.azure.com/fabrikam',
      AZURE_DEVOPS_PROJECT: 'Fabrikam-Fiber',
      GITHUB_API_URL: 'https://ghes.example.com/api/v3',
    };
    const { request } = resolveRequest({ token: githubPat(), offline: 'true' }, env);
    const report = await runPreflight(request, { now: () => new Date(), monotonic: () => 0 });
    expect(report.provider).toBe('github');
    expect(report.findings.map((f) => f.code)).not.toContain('url.provider-mismatch');
    expect(report.url.normalized).toBe('https://ghes.example.com/api/v3');
    expect(report.project.requested).toBeNull();
  });
  it('system-access-token implies Azure DevOps', () => {
    expect(resolveRequest({ tokenType: 'system-access-token' }, {}).request.provider).toBe('azure-devops');
  });
  it('finds the token in the named or conventional environment variable', () => {
    expect(tokenFromEnv('azure-devops', { AZURE_DEVOPS_PAT: 'v' })).toEqual({
      value: 'v',
      source: 'environment variable AZURE_DEVOPS_PAT',
      origin: { variable: 'AZURE_DEVOPS_PAT', named: false },
    });
    expect(tokenFromEnv('github', { GH_TOKEN: 'g' }).value).toBe('g');
    const named = { variable: 'MY_TOKEN', named: true };
    expect(tokenFromEnv('github', {}, 'MY_TOKEN')).toEqual({
      value: undefined,
      source: 'environment variable MY_TOKEN is not set',
      origin: named,
    });
    expect(tokenFromEnv('github', { MY_TOKEN: 'x' }, 'MY_TOKEN')).toEqual({
      value: 'x',
      source: 'environment variable MY_TOKEN',
      origin: named,
    });
    expect(tokenFromEnv('github', { MY_TOKEN: '' }, 'MY_TOKEN').source).toBe('environment variable MY_TOKEN is set but empty');
    expect(tokenFromEnv('github', { MY_TOKEN: ' \n' }, 'MY_TOKEN').source).toBe('environment variable MY_TOKEN holds only whitespace');
    expect(tokenFromEnv('gitlab', {}).source).toBe('none of the environment variables GITLAB_TOKEN, GL_TOKEN and CI_JOB_TOKEN is set');
    expect(tokenFromEnv('gitlab', { GL_TOKEN: '', CI_JOB_TOKEN: '' }).source).toBe(
      'environment variables GL_TOKEN and CI_JOB_TOKEN are set but empty, and GITLAB_TOKEN is not set',
    );
  });
});

describe('expires-on', () => {
  it('parses a bare date as the end of that day (UTC), rejects garbage', () => {
    expect(resolveRequest({ expiresOn: '2027-03-31' }, {}).request.expiresOn?.toISOString()).toBe('2027-03-31T23:59:59.000Z');
    expect(resolveRequest({ expiresOn: 'next week' }, {}).findings.map((f) => f.code)).toEqual(['config.invalid']);
  });
});

describe('input names in messages', () => {
  it('respells every input a message names the way the front end spells it, and nothing else', () => {
    const text = 'Set `provider`, `url`, `required-scopes` and `min-days-remaining`; run without `offline`; keep `token` and `workspace`.';
    expect(nameInputs(text, 'kebab')).toBe(text);
    expect(nameInputs(text, 'flag')).toBe(
      'Set `--provider`, `--url`, `--required-scopes` and `--min-days-remaining`; run without `--offline`; keep `token` and `workspace`.',
    );
    expect(nameInputs(text, 'camel')).toBe(
      'Set `provider`, `url`, `requiredScopes` and `minDaysRemaining`; run without `offline`; keep `token` and `workspace`.',
    );
  });

  it('the CLI naming reaches the parse messages too', () => {
    const { findings } = resolveRequest({ expiresOn: 'soon', provider: 'gitlb' }, {}, 'flag');
    expect(findings.map((f) => f.message)).toEqual([
      'Unknown provider "gitlb"; did you mean gitlab?',
      '`--expires-on` must be a date such as 2027-03-31, not "soon".',
    ]);
  });
});
