/**
 * Bitbucket's read probes through the CLI bundle, when Bitbucket sends no x-oauth-scopes header:
 * granted (200) and denied for lack of scope (403 naming the scope) in one CLI run per token.
 * api.bitbucket.org is a fixed host, so the bundle reaches the emulator through a local forward proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { startBitbucketEmulator, type BitbucketEmulator } from '../emulators/bitbucket.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle } from '../support/run-bundle.js';
import { fill, leaks } from '../support/tokens.js';

const api = (word: string): string => mintAtlassianToken('api', fill(word, 171));
const EMAIL = 'scope.tester@example.test';
const user = { account_id: '557058:fake-scopes-01', uuid: '{fake-scopes-uuid}', display_name: 'Scope Tester', nickname: 'scopetester' };
/** Every read scope of an API token that a GET proves. */
const READS = [
  'read:user:bitbucket',
  'read:workspace:bitbucket',
  'read:repository:bitbucket',
  'read:pullrequest:bitbucket',
  'read:project:bitbucket',
  'read:pipeline:bitbucket',
  'read:issue:bitbucket',
  'read:webhook:bitbucket',
  'read:snippet:bitbucket',
  'read:runner:bitbucket',
  'read:ssh-key:bitbucket',
  'read:gpg-key:bitbucket',
];
const ALL = api('FAKE-x0-TEST-SCOPES-ALL-NOT-REAL-');
const USER_ONLY = api('FAKE-x0-TEST-SCOPES-USER-NOT-REAL-');
let emu: BitbucketEmulator;
let proxy: ForwardProxy;

beforeAll(async () => {
  emu = await startBitbucketEmulator({
    tokens: {
      [ALL]: { type: 'api-token', email: EMAIL, user, scopes: READS, scopesHeader: false },
      [USER_ONLY]: { type: 'api-token', email: EMAIL, user, scopes: ['read:user:bitbucket'], scopesHeader: false },
    },
    workspaces: [
      { slug: 'fabrikam', members: [user.account_id], projects: ['WEB'], repos: [{ slug: 'web-app', project: 'WEB', issues: true }] },
    ],
  });
  proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: emu.port }) });
});
afterAll(async () => Promise.all([emu.close(), proxy.close()]));

const cases = [
  { name: 'granted: every read probe proves its scope', token: ALL, exit: 0, verified: READS, missing: [] as string[] },
  {
    name: 'denied: every read probe but the account is missing',
    token: USER_ONLY,
    exit: 1,
    verified: READS.slice(0, 1),
    missing: READS.slice(1),
  },
];

describe('CLI bundle: Bitbucket read probes without x-oauth-scopes', () => {
  it.each(cases)('$name', async (c) => {
    const args = ['--provider', 'bitbucket', '--username', EMAIL, '--project', 'fabrikam/web-app', '--format', 'json'];
    const env = baseEnv({ NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: proxy.url, BITBUCKET_TOKEN: c.token });
    const run = await runBundle('cli', [...args, '--required-scopes', READS.join(',')], env);
    expect(JSON.parse(run.stdout).scopes).toMatchObject({ verified: c.verified, missing: c.missing, unverifiable: [] });
    expect(run.code).toBe(c.exit);
    expect(leaks(run.stdout + run.stderr, c.token)).toEqual([]);
    // Every probe went out, as a GET, and the keys probes named the account round 1 read.
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
    const paths = emu.requests.map((q) => decodeURIComponent(q.path));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/2.0/repositories/fabrikam/web-app/pipelines-config/runners',
        `/2.0/users/${user.account_id}/ssh-keys`,
        `/2.0/users/${user.account_id}/gpg-keys`,
      ]),
    );
  });
});
