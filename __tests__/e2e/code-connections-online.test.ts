/**
 * The task with a GitHub (`gitHubConnection`) or Bitbucket Cloud (`bitbucketConnection`) service
 * connection runs the matching provider's online checks with the connection's secret, through the
 * built bundle: GitHub against the local emulator as a GitHub Enterprise Server on 127.0.0.1 (the
 * `url` input), Bitbucket Cloud (api.bitbucket.org) through the agent's proxy to its emulator.
 * Every scheme Azure Pipelines uses for them: GitHub PersonalAccessToken, OAuth, Token and
 * InstallationToken (the GitHub App); Bitbucket Token (API token + e-mail), UsernamePassword, OAuth.
 *
 * Needs `npm run build` (dist/).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mintAtbb, mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { mintGitHubClassic } from '../../src/core/providers/github/synthetic.js';
import { startBitbucketEmulator, type BitbucketEmulator } from '../emulators/bitbucket.js';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle, withoutMaskCommands, type BundleRun } from '../support/run-bundle.js';
import { tempDir } from '../support/temp.js';
import { fill, leaks } from '../support/tokens.js';

const ID = '00000000-fa4e-7e57-0000-0000000e0e03';
const REPO = 'fake-conn-org/hello-world';
const PAT = mintGitHubClassic('ghp', fill('FAKEx0CONNx0GITHUBx0PATx0NOTREAL', 30));
const OAUTH = mintGitHubClassic('gho', fill('FAKEx0CONNx0GITHUBx0OAUTHx0NOTREAL', 30));
const NARROW = mintGitHubClassic('ghp', fill('FAKEx0CONNx0GITHUBx0NARROWx0NOTREAL', 30));
const INSTALL = mintGitHubClassic('ghs', fill('FAKEx0CONNx0GITHUBx0APPx0NOTREAL', 30));
const API = mintAtlassianToken('api', fill('FAKE-x0-CONN-BB-API-NOT-REAL-', 171));
const ACCESS = mintAtlassianToken('access', fill('FAKE-x0-CONN-BB-ACCESS-NOT-REAL-', 171));
const APP_PASSWORD = mintAtbb(fill('FAKEconnAppPassNOTREAL', 24));
const EMAIL = 'conn.tester@example.test';
const user = { account_id: '557058:fake-conn-01', uuid: '{fake-conn-uuid}', display_name: 'Conn Tester', nickname: 'conntester' };

let github: GitHubEmulator;
let bitbucket: BitbucketEmulator;
let proxy: ForwardProxy;
let dir: string;

beforeAll(async () => {
  github = await startGitHubEmulator({
    users: { 'fake-conn-user': 7101 },
    tokens: {
      [PAT]: { kind: 'classic', login: 'fake-conn-user', scopes: ['repo'] },
      [OAUTH]: { kind: 'classic', login: 'fake-conn-user', scopes: ['repo'] },
      [NARROW]: { kind: 'classic', login: 'fake-conn-user', scopes: ['public_repo'] },
      [INSTALL]: { kind: 'installation', repositories: [REPO], permissions: { metadata: 'read', contents: 'read' } },
    },
    repos: [{ id: 3101, fullName: REPO, collaborators: { 'fake-conn-user': 'admin' } }],
  });
  const READ = ['read:user:bitbucket', 'read:repository:bitbucket', 'read:workspace:bitbucket'];
  bitbucket = await startBitbucketEmulator({
    tokens: {
      [API]: { type: 'api-token', email: EMAIL, user, scopes: READ },
      [ACCESS]: { type: 'access-token', scopes: ['repository'], resource: { workspace: 'fabrikam', repo: 'web-app' } },
      [APP_PASSWORD]: { type: 'app-password', username: user.nickname, user, scopes: ['repository', 'account'] },
    },
    workspaces: [{ slug: 'fabrikam', members: [user.account_id], repos: [{ slug: 'web-app', name: 'Web App' }] }],
  });
  proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: bitbucket.port }) });
  dir = tempDir('code-connections');
});
afterAll(async () => {
  await Promise.all([github.close(), bitbucket.close(), proxy.close()]);
});

function task(
  input: 'gitHubConnection' | 'bitbucketConnection',
  scheme: string,
  parameters: Record<string, string>,
  extra: Record<string, string>,
): Promise<BundleRun> {
  return runBundle(
    'task',
    [],
    baseEnv({
      NODE_EXTRA_CA_CERTS: caFile,
      AGENT_TEMPDIRECTORY: dir,
      [`INPUT_${input.toUpperCase()}`]: ID,
      [`ENDPOINT_AUTH_${ID}`]: JSON.stringify({ scheme, parameters }),
      [`ENDPOINT_AUTH_SCHEME_${ID}`]: scheme,
      ...extra,
    }),
  );
}
const result = (r: BundleRun): string | undefined => /##vso\[task\.complete result=(\w+);/.exec(r.stdout)?.[1];
const codes = (r: BundleRun): string[] => [...r.stdout.matchAll(/code=([\w.-]+);/g)].map((m) => m[1]!);
const variable = (r: BundleRun, name: string): string | undefined => new RegExp(`variable=${name};[^\\]]*\\](.*)`).exec(r.stdout)?.[1];

describe('task bundle: a GitHub service connection is checked online as a GitHub credential', () => {
  const ghes = (): Record<string, string> => ({ INPUT_URL: github.ghesUrl, INPUT_PROJECT: REPO });
  it.each([
    ['PersonalAccessToken', { accessToken: PAT }, PAT],
    ['OAuth', { AccessToken: OAUTH }, OAUTH],
    ['Token', { ApiToken: PAT }, PAT],
    ['InstallationToken', { AccessToken: INSTALL }, INSTALL],
  ])('%s: passes, the repository read proven, the token masked', async (scheme, parameters, token) => {
    github.clearLog();
    const r = await task('gitHubConnection', scheme, parameters, {
      ...ghes(),
      INPUT_REQUIREDSCOPES: scheme === 'InstallationToken' ? 'contents:read' : 'repo',
    });
    expect([result(r), codes(r).filter((c) => !c.endsWith('.info') && c !== 'token.identity' && c !== 'scope.granted')]).toEqual([
      'Succeeded',
      [],
    ]);
    // The checks ran against GitHub with this token (the emulator saw it), read-only.
    expect(github.requests.filter((q) => q.hasAuth).length).toBeGreaterThan(0);
    expect(github.requests.every((q) => q.method === 'GET' || q.method === 'HEAD')).toBe(true);
    expect(r.stdout).toContain(`##vso[task.setsecret]${token}`);
    expect(leaks(withoutMaskCommands(r.stdout) + r.stderr, token)).toEqual([]);
  });

  it.each([
    [
      'InstallationToken',
      /scheme InstallationToken\) holds no AccessToken or ApiToken parameter; for InstallationToken connections the parameter name is undocumented and AccessToken is assumed/,
    ],
    ['PersonalAccessToken', /scheme PersonalAccessToken\) holds no AccessToken or ApiToken parameter\./],
  ])(
    '%s without the token parameter: token.missing names the connection, its scheme and the assumed name, no crash',
    async (scheme, text) => {
      const r = await task('gitHubConnection', scheme, { SomethingElse: 'x' }, ghes());
      expect([result(r), codes(r)]).toEqual(['Failed', ['token.missing']]);
      expect(r.stdout).toMatch(text);
      expect(r.stdout).not.toContain('crashed');
    },
  );

  it('a connection whose token lacks the scope fails with scope.missing', async () => {
    const r = await task('gitHubConnection', 'PersonalAccessToken', { accessToken: NARROW }, { ...ghes(), INPUT_REQUIREDSCOPES: 'repo' });
    expect([result(r), codes(r)]).toEqual(['Failed', expect.arrayContaining(['scope.missing'])]);
  });
});

describe('task bundle: a Bitbucket Cloud service connection is checked online as a Bitbucket credential', () => {
  const cloud = (): Record<string, string> => ({ AGENT_PROXYURL: proxy.url, INPUT_PROJECT: 'fabrikam/web-app' });
  it.each([
    ['Token', { apitoken: API, email: EMAIL }, API, 'bitbucket.api-token'],
    ['OAuth', { AccessToken: ACCESS }, ACCESS, 'bitbucket.access-token'],
  ])(
    '%s: reaches api.bitbucket.org (through the agent proxy) with its credential; the secret masked',
    async (scheme, parameters, token, kind) => {
      bitbucket.clearLog();
      const r = await task('bitbucketConnection', scheme, parameters, cloud());
      expect(result(r)).toMatch(/^Succeeded/);
      if (kind) expect(variable(r, 'tokenKind')).toBe(kind);
      expect(bitbucket.requests.filter((q) => q.hasAuth && q.host === 'api.bitbucket.org').length).toBeGreaterThan(0);
      expect(r.stdout).toContain(`##vso[task.setsecret]${token}`);
      expect(leaks(withoutMaskCommands(r.stdout) + r.stderr, token)).toEqual([]);
    },
  );

  it('Token without its apitoken parameter: token.missing names the connection, its scheme and the parameter, no crash', async () => {
    const r = await task('bitbucketConnection', 'Token', { email: EMAIL }, cloud());
    expect([result(r), codes(r)]).toEqual(['Failed', ['token.missing']]);
    expect(r.stdout).toContain('(scheme Token) holds no apitoken parameter');
  });

  it("UsernamePassword (an app password): the provider's own verdict — Bitbucket removed app passwords on 2026-07-28", async () => {
    const r = await task('bitbucketConnection', 'UsernamePassword', { username: user.nickname, password: APP_PASSWORD }, cloud());
    expect([result(r), codes(r)]).toEqual(['Failed', expect.arrayContaining(['token.retired'])]);
    expect(r.stdout).toContain(`##vso[task.setsecret]${APP_PASSWORD}`);
    expect(leaks(withoutMaskCommands(r.stdout) + r.stderr, APP_PASSWORD)).toEqual([]);
  });
});
