import { describe, expect, it } from '@jest/globals';
import { analyzeAzureDevOpsUrl } from '../../src/core/providers/azure-devops/url.js';
import { analyzeBitbucketUrl } from '../../src/core/providers/bitbucket/url.js';
import { analyzeGitHubUrl } from '../../src/core/providers/github/url.js';
import { analyzeGitLabUrl } from '../../src/core/providers/gitlab/url.js';
import type { UrlAnalysis } from '../../src/core/providers/types.js';

const online = { offline: false };
const codes = (a: UrlAnalysis) => a.findings.map((f) => `${f.code}:${f.severity}`).sort();

describe('Azure DevOps URLs', () => {
  it.each([
    ['https://dev.azure.com/fabrikam', 'https://dev.azure.com/fabrikam', 'services', {}, []],
    ['dev.azure.com/fabrikam', 'https://dev.azure.com/fabrikam', 'services', {}, []],
    ['https://dev.azure.com/fabrikam/', 'https://dev.azure.com/fabrikam', 'services', {}, ['url.trailing-slash:warning']],
    ['  https://dev.azure.com/fabrikam\n', 'https://dev.azure.com/fabrikam', 'services', {}, ['url.whitespace:warning']],
    [
      'https://fabrikam.visualstudio.com/',
      'https://dev.azure.com/fabrikam',
      'services',
      {},
      ['url.legacy-host:warning', 'url.trailing-slash:warning'],
    ],
    [
      'https://fabrikam.visualstudio.com/Fabrikam-Fiber',
      'https://dev.azure.com/fabrikam',
      'services',
      { project: 'Fabrikam-Fiber' },
      ['url.extra-path:warning', 'url.legacy-host:warning'],
    ],
    [
      'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/web',
      'https://dev.azure.com/fabrikam',
      'services',
      { project: 'Fabrikam Fiber', repository: 'web' },
      ['url.extra-path:warning'],
    ],
    [
      'https://dev.azure.com/fabrikam/_git/web',
      'https://dev.azure.com/fabrikam',
      'services',
      { project: 'web', repository: 'web' },
      ['url.extra-path:warning'],
    ],
    ['https://dev.azure.com/fabrikam/_settings/tokens', 'https://dev.azure.com/fabrikam', 'services', {}, ['url.extra-path:warning']],
    ['https://dev.azure.com/fabrikam/_apis/projects', 'https://dev.azure.com/fabrikam', 'services', {}, ['url.api-path:info']],
    ['https://vssps.dev.azure.com/fabrikam', 'https://dev.azure.com/fabrikam', 'services', {}, ['url.extra-path:warning']],
    ['https://dev.azure.com:8443/fabrikam', 'https://dev.azure.com/fabrikam', 'services', {}, ['url.port:error']],
    ['http://dev.azure.com/fabrikam', 'https://dev.azure.com/fabrikam', 'services', {}, ['url.insecure:error']],
    [
      'git@ssh.dev.azure.com:v3/fabrikam/Fabrikam-Fiber/web',
      'https://dev.azure.com/fabrikam',
      'services',
      { project: 'Fabrikam-Fiber', repository: 'web' },
      ['url.extra-path:warning'],
    ],
    [
      'https://tfs.example.com:8080/tfs/DefaultCollection',
      'https://tfs.example.com:8080/tfs/DefaultCollection',
      'server',
      { organization: 'DefaultCollection' },
      [],
    ],
    ['https://ado.example.com/Coll/Proj', 'https://ado.example.com/Coll', 'server', { project: 'Proj' }, ['url.extra-path:warning']],
    ['https://127.0.0.1:4443/fabrikam', 'https://127.0.0.1:4443/fabrikam', 'server', {}, []],
    ['http://127.0.0.1:8080/fabrikam', 'http://127.0.0.1:8080/fabrikam', 'server', {}, []],
  ] as const)('%s', (input, normalized, deployment, extra, expected) => {
    const a = analyzeAzureDevOpsUrl(input, online);
    expect(a.normalized).toBe(normalized);
    expect(a.deployment).toBe(deployment);
    expect(a).toMatchObject(extra);
    expect(codes(a)).toEqual([...expected].sort());
  });

  it('needs a collection on Server, an org on Services, and a URL at all', () => {
    expect(codes(analyzeAzureDevOpsUrl('https://tfs.example.com/tfs', online))).toEqual(['url.invalid:error']);
    expect(codes(analyzeAzureDevOpsUrl('https://dev.azure.com/', online))).toEqual(['url.invalid:error']);
    expect(codes(analyzeAzureDevOpsUrl(undefined, online))).toEqual(['url.missing:error']);
    expect(codes(analyzeAzureDevOpsUrl(undefined, { offline: true }))).toEqual(['url.missing:warning']);
  });

  it('strips credentials and never echoes them anywhere', () => {
    const a = analyzeAzureDevOpsUrl('https://someone:S3CRET-PAT-VALUE@dev.azure.com/fabrikam', online);
    expect(a.normalized).toBe('https://dev.azure.com/fabrikam');
    expect(codes(a)).toEqual(['url.credentials:error']);
    expect(JSON.stringify(a)).not.toMatch(/S3CRET|someone/);
  });
});

describe('GitHub, GitLab and Bitbucket URLs', () => {
  it.each([
    [undefined, 'https://api.github.com', 'github.com', undefined, []],
    ['https://github.com', 'https://api.github.com', 'github.com', undefined, []],
    ['https://github.com/octo-org/octo-repo.git', 'https://api.github.com', 'github.com', 'octo-org/octo-repo', ['url.extra-path:warning']],
    [
      'https://api.github.com/repos/octo-org/octo-repo',
      'https://api.github.com',
      'github.com',
      'octo-org/octo-repo',
      ['url.extra-path:warning'],
    ],
    ['https://octo.ghe.com', 'https://api.octo.ghe.com', 'ghe.com', undefined, []],
    ['https://ghes.example.com/api/v3', 'https://ghes.example.com/api/v3', 'ghes', undefined, []],
    ['https://ghes.example.com', 'https://ghes.example.com/api/v3', 'ghes', undefined, ['url.api-path:info']],
  ] as const)('GitHub %s', (input, normalized, deployment, project, expected) => {
    const a = analyzeGitHubUrl(input, online);
    expect([a.normalized, a.deployment, a.project]).toEqual([normalized, deployment, project]);
    expect(codes(a)).toEqual([...expected].sort());
  });

  it.each([
    [undefined, 'https://gitlab.com/api/v4', 'gitlab.com', undefined, []],
    ['https://gitlab.com/', 'https://gitlab.com/api/v4', 'gitlab.com', undefined, ['url.trailing-slash:warning']],
    [
      'https://gitlab.com/group/sub/project/-/tree/main',
      'https://gitlab.com/api/v4',
      'gitlab.com',
      'group/sub/project',
      ['url.extra-path:warning'],
    ],
    ['https://git.example.com/gitlab/api/v4', 'https://git.example.com/gitlab/api/v4', 'self-managed', undefined, []],
    [
      'https://git.example.com/api/v4/projects/group%2Fproj',
      'https://git.example.com/api/v4',
      'self-managed',
      'group/proj',
      ['url.extra-path:warning'],
    ],
  ] as const)('GitLab %s', (input, normalized, deployment, project, expected) => {
    const a = analyzeGitLabUrl(input, online);
    expect([a.normalized, a.deployment, a.project]).toEqual([normalized, deployment, project]);
    expect(codes(a)).toEqual([...expected].sort());
  });

  it.each([
    [undefined, 'https://api.bitbucket.org/2.0', undefined, []],
    ['https://bitbucket.org/ws/repo', 'https://api.bitbucket.org/2.0', 'ws/repo', ['url.extra-path:warning']],
    ['https://api.bitbucket.org/2.0/repositories/ws/repo', 'https://api.bitbucket.org/2.0', 'ws/repo', ['url.extra-path:warning']],
    ['https://bitbucket.example.com/projects/X', null, undefined, ['url.invalid:error']],
  ] as const)('Bitbucket %s', (input, normalized, project, expected) => {
    const a = analyzeBitbucketUrl(input, online);
    expect([a.normalized, a.project]).toEqual([normalized, project]);
    expect(codes(a)).toEqual([...expected].sort());
  });
});

describe('garbage never throws', () => {
  const analyzers = [analyzeAzureDevOpsUrl, analyzeGitHubUrl, analyzeGitLabUrl, analyzeBitbucketUrl];
  it.each([
    'not a url',
    'https://',
    'ftp://x.example',
    'https://exa mple.com',
    'https://ex%41mple.com/x',
    'https://a\u0000b.com',
    '://',
    '[::1',
    'http://[::1]:99999/x',
  ])('%p', (input) => {
    for (const analyze of analyzers) {
      const a = analyze(input, online);
      expect(a.normalized).toBeNull();
      expect(codes(a).some((c) => c.startsWith('url.invalid'))).toBe(true);
    }
  });
  it('survives random strings', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const chars = 'abc:/.@%?#[]-_ \n\t0123456789xyzHTTPShttps';
    for (let i = 0; i < 400; i++) {
      const s = Array.from({ length: Math.floor(rnd() * 40) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
      for (const analyze of analyzers) expect(() => analyze(s, online)).not.toThrow();
    }
  });
});
