/**
 * Same verdict everywhere, Bitbucket Cloud: each finding code through the CLI, the action and the task
 * bundles. api.bitbucket.org is a fixed host, so the bundles reach the local emulator through local
 * forward proxies: HTTPS_PROXY for the CLI and the action, the agent proxy (Agent.ProxyUrl, i.e.
 * AGENT_PROXYURL) for the task — whose HTTPS_PROXY points at a refusing proxy, so a task that ignored
 * the agent proxy would fail, never reach out. The test CA comes in through NODE_EXTRA_CA_CERTS.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mintAtbb, mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { startBitbucketEmulator, type BitbucketEmulator } from '../emulators/bitbucket.js';
import type { FaultMatch, FaultSpec } from '../emulators/harness.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { caFile } from '../emulators/tls.js';
import { fill, leaks } from '../support/tokens.js';
import { EXIT, expectVerdict, runEverywhere, verdictTitle, type VerdictScenario } from '../support/verdicts.js';

const api = (word: string): string => mintAtlassianToken('api', fill(word, 171));
const EMAIL = 'verdict.tester@example.test';
const user = {
  account_id: '557058:fake-verdict-01',
  uuid: '{fake-verdict-uuid}',
  display_name: 'Verdict Tester',
  nickname: 'verdicttester',
};
const GOOD = api('FAKE-x0-TEST-VERDICT-GOOD-NOT-REAL-');
const WRITE_ONLY = api('FAKE-x0-TEST-VERDICT-WRITE-NOT-REAL-');
const NO_HEADER = api('FAKE-x0-TEST-VERDICT-NOHDR-NOT-REAL-');
const NO_USER = api('FAKE-x0-TEST-VERDICT-NOUSER-NOT-REAL-');
const REVOKED = api('FAKE-x0-TEST-VERDICT-REVOKED-NOT-REAL-');
const ACCESS = mintAtlassianToken('access', fill('FAKE-x0-TEST-VERDICT-ACCESS-NOT-REAL-', 171));
const APP_PASSWORD = mintAtbb(fill('FAKEx0TESTx0VERDICTx0APP', 24));
const READ = ['read:user:bitbucket', 'read:workspace:bitbucket', 'read:repository:bitbucket', 'read:pullrequest:bitbucket'];

let emu: BitbucketEmulator;
let envProxy: ForwardProxy;
let agentProxy: ForwardProxy;
let trap: ForwardProxy;

beforeAll(async () => {
  emu = await startBitbucketEmulator({
    tokens: {
      [GOOD]: { type: 'api-token', email: EMAIL, user, scopes: READ },
      [WRITE_ONLY]: { type: 'api-token', email: EMAIL, user, scopes: ['read:user:bitbucket', 'write:repository:bitbucket'] },
      [NO_HEADER]: { type: 'api-token', email: EMAIL, user, scopes: READ, scopesHeader: false },
      [NO_USER]: { type: 'api-token', email: EMAIL, user, scopes: ['read:repository:bitbucket', 'read:workspace:bitbucket'] },
      [REVOKED]: { type: 'api-token', email: EMAIL, user, scopes: READ, revoked: true },
      [ACCESS]: { type: 'access-token', scopes: ['repository', 'pullrequest'], resource: { workspace: 'fabrikam', repo: 'web-app' } },
    },
    workspaces: [{ slug: 'fabrikam', members: [user.account_id], repos: [{ slug: 'web-app', name: 'Web App' }] }],
  });
  const route = (): { host: string; port: number } => ({ host: '127.0.0.1', port: emu.port });
  [envProxy, agentProxy, trap] = await Promise.all([
    startForwardProxy({ route }),
    startForwardProxy({ route }),
    startForwardProxy({ refuse: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([emu.close(), envProxy.close(), agentProxy.close(), trap.close()]);
});

interface Scenario extends VerdictScenario {
  username?: string;
  fault?: [FaultSpec, FaultMatch];
  /** Every front end's proxy refuses the tunnel. */
  refusingProxy?: boolean;
  /** No request may reach Bitbucket (offline verdicts, refused tunnels). */
  silent?: boolean;
}

const scenarios: Scenario[] = [
  {
    name: 'good API token, exact repository, read scopes',
    token: GOOD,
    project: 'fabrikam/web-app',
    scopes: 'read:repository:bitbucket, Pull requests: Read',
    outcome: 'passed',
  },
  {
    name: 'access token as Bearer (OAuth-style scopes)',
    token: ACCESS,
    username: '',
    project: 'fabrikam/web-app',
    scopes: 'repository, pullrequest',
    outcome: 'passed',
  },
  { name: 'valid token without the account scope (403 on /2.0/user)', token: NO_USER, project: 'fabrikam/web-app', outcome: 'passed' },
  {
    name: 'write scope without the x-oauth-scopes header',
    token: NO_HEADER,
    project: 'fabrikam/web-app',
    scopes: 'write:repository:bitbucket',
    outcome: 'warned',
    code: 'scope.unverifiable',
  },
  {
    name: 'read scope missing (write does not imply it)',
    token: WRITE_ONLY,
    scopes: 'read:repository:bitbucket',
    outcome: 'failed',
    code: 'scope.missing',
  },
  { name: 'unknown scope', token: GOOD, scopes: 'repo:everything', outcome: 'failed', code: 'scope.unknown' },
  { name: 'repository casing', token: GOOD, project: 'fabrikam/Web-App', outcome: 'failed', code: 'project.case-mismatch' },
  { name: 'repository missing', token: GOOD, project: 'fabrikam/web-ap', outcome: 'failed', code: 'project.not-found' },
  { name: 'unknown workspace', token: GOOD, project: 'nosuchspace/web-app', outcome: 'failed', code: 'url.org-not-found' },
  { name: 'revoked token', token: REVOKED, outcome: 'failed', code: 'token.rejected' },
  { name: 'wrong e-mail as user name', token: GOOD, username: 'someone.else@example.test', outcome: 'failed', code: 'token.rejected' },
  { name: 'no user name for an API token', token: GOOD, username: '', outcome: 'failed', code: 'config.username', silent: true },
  { name: 'retired app password', token: APP_PASSWORD, username: 'verdicttester', outcome: 'failed', code: 'token.retired', silent: true },
  {
    name: '429 storm',
    token: GOOD,
    fault: [
      { type: 'rateLimit', retryAfterSeconds: 0 },
      { path: '/2.0/', times: Infinity },
    ],
    outcome: 'unverified',
    code: 'network.rate-limited',
  },
  {
    name: '5xx burst',
    token: GOOD,
    fault: [
      { type: 'status', status: 503 },
      { path: '/2.0/', times: Infinity },
    ],
    outcome: 'unverified',
    code: 'network.unexpected-response',
  },
  { name: 'untrusted certificate', token: GOOD, trustCa: false, outcome: 'unverified', code: 'network.tls' },
  { name: 'proxy refuses the tunnel', token: GOOD, refusingProxy: true, outcome: 'unverified', code: 'network.proxy', silent: true },
];

describe.each(scenarios)('$name', (s) => {
  it(verdictTitle(s), async () => {
    const username = s.username ?? EMAIL;
    const fault = s.fault ? emu.fault(...s.fault) : undefined;
    emu.clearLog();
    const tunnels = { env: envProxy.stats.tunnels, agent: agentProxy.stats.tunnels };
    try {
      const proxy = s.refusingProxy ? trap.url : envProxy.url;
      const run = await runEverywhere({
        provider: 'bitbucket',
        tokenEnv: 'BITBUCKET_TOKEN',
        token: s.token,
        username,
        project: s.project,
        scopes: s.scopes,
        env: { ...(s.trustCa === false ? {} : { NODE_EXTRA_CA_CERTS: caFile }), HTTPS_PROXY: proxy },
        // The task must use the agent proxy: its HTTPS_PROXY is the refusing one.
        taskEnv: { HTTPS_PROXY: trap.url, AGENT_PROXYURL: s.refusingProxy ? trap.url : agentProxy.url },
      });
      // A configuration error is the CLI's exit 2.
      expectVerdict(run, s.outcome, s.code, s.code?.startsWith('config.') ? 2 : EXIT[s.outcome]);

      // Where the requests went: only api.bitbucket.org, through the proxy each front end must use.
      if (s.silent) {
        expect(emu.requests).toHaveLength(0);
      } else {
        // Each front end tunnelled through its own proxy, and the refusing one was never used.
        expect(envProxy.stats.tunnels).toBeGreaterThan(tunnels.env);
        expect(agentProxy.stats.tunnels).toBeGreaterThan(tunnels.agent);
        expect(trap.log.filter((e) => e.status === 200)).toHaveLength(0);
        expect(new Set([...envProxy.connectTargets, ...agentProxy.connectTargets])).toEqual(new Set(['api.bitbucket.org:443']));
        if (s.trustCa !== false)
          expect(
            emu.requests.every(
              (q) => q.host === 'api.bitbucket.org' && q.method === 'GET' && q.authScheme === (s.token === ACCESS ? 'Bearer' : 'Basic'),
            ),
          ).toBe(true);
      }

      // Neither the token nor its Basic header (base64 of e-mail:token) shows anywhere but in the
      // platform's mask commands — and the Basic form is among those.
      const basic = Buffer.from(`${username}:${s.token}`).toString('base64');
      expect(leaks(run.visible, s.token)).toEqual([]);
      expect(leaks(run.visible, basic)).toEqual([]);
      expect(run.act.stdout).toContain(`::add-mask::${basic}\n`);
      expect(run.tsk.stdout).toContain(`##vso[task.setsecret]${basic}\n`);
    } finally {
      fault?.cancel();
    }
  });
});
