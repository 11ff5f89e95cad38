/**
 * Same GitLab verdict everywhere: each GitLab online finding code through the CLI, the action and the
 * task bundles, against local GitLab emulators (self-managed on https://127.0.0.1:PORT, the test CA
 * through NODE_EXTRA_CA_CERTS; no proxy needed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mintGitLabJobJwt } from '../../src/core/providers/gitlab/synthetic.js';
import { startGitLabEmulator, type GitLabEmulator, type GitLabEmulatorOptions, type GitLabTokenSpec } from '../emulators/gitlab.js';
import { caFile } from '../emulators/tls.js';
import { gitlabPat, leaks } from '../support/tokens.js';
import { expectVerdict, runEverywhere, verdictTitle, type VerdictScenario } from '../support/verdicts.js';

const NOW = new Date();
const day = (offset: number): string =>
  new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() + offset)).toISOString().slice(0, 10);
const user = { id: 31, username: 'verdict.tester', name: 'Verdict Tester' };
const job = (n: number): string =>
  mintGitLabJobJwt({
    iss: 'https://gitlab.example.invalid',
    aud: 'gitlab-authz-token',
    sub: `gid://gitlab/Ci::Build/${n}`,
    version: '0.1.0',
    exp: Math.floor(NOW.getTime() / 1000) + 3600,
  });

const T = {
  good: gitlabPat('FAKE-GLVTEST-GOD'),
  soon: gitlabPat('FAKE-GLVTEST-SON'),
  forever: gitlabPat('FAKE-GLVTEST-EVR'),
  expired: gitlabPat('FAKE-GLVTEST-EXP'),
  revoked: gitlabPat('FAKE-GLVTEST-REV'),
  unknown: gitlabPat('FAKE-GLVTEST-UNK'),
  repoOnly: gitlabPat('FAKE-GLVTEST-REP'),
  job: job(701),
  finishedJob: job(702),
};
// Each token distinct (the helper keeps 16 bytes of its word).
if (new Set(Object.values(T)).size !== Object.keys(T).length) throw new Error('test tokens collide');
const tokens: Record<string, GitLabTokenSpec> = {
  [T.good]: { user, name: 'verdicts', scopes: ['api'], expiresAt: day(120) },
  [T.soon]: { user, scopes: ['api'], expiresAt: day(3) },
  [T.forever]: { user, scopes: ['read_api'], expiresAt: null },
  [T.expired]: { user, scopes: ['api'], state: 'expired' },
  [T.revoked]: { user, scopes: ['api'], state: 'revoked' },
  [T.repoOnly]: { user, scopes: ['read_repository'], expiresAt: day(120) },
  [T.job]: { user, kind: 'job', job: { id: 701, project: 'Fabrikam/Fiber' } },
  [T.finishedJob]: { user, kind: 'job', job: { id: 702, project: 'Fabrikam/Fiber', finished: true } },
};
const projects: GitLabEmulatorOptions['projects'] = [
  { id: 21, path: 'Fabrikam/Fiber', previousPaths: ['Fabrikam/Old-Fiber'] },
  { id: 22, path: 'Fabrikam/Attic', archived: true },
  { id: 23, path: 'Fabrikam/Going-Away', markedForDeletionOn: day(-1) },
];

type Server = 'main' | 'old' | 'proxied' | 'storm' | 'broken' | 'drop';
const servers = {} as Record<Server, GitLabEmulator>;

beforeAll(async () => {
  const [main, old, proxied, storm, broken, drop] = await Promise.all([
    startGitLabEmulator({ projects, tokens }),
    startGitLabEmulator({ projects, tokens, oldServer: 'pre-15.1' }),
    startGitLabEmulator({ projects, tokens, proxyDecodesSlashes: true }),
    startGitLabEmulator({ projects, tokens }),
    startGitLabEmulator({ projects, tokens }),
    startGitLabEmulator({ projects, tokens }),
  ]);
  Object.assign(servers, { main, old, proxied, storm, broken, drop });
  storm.fault({ type: 'rateLimit', retryAfterSeconds: 0 }, { times: Infinity });
  broken.fault({ type: 'status', status: 502, headers: { 'retry-after': '0' } }, { times: Infinity });
  drop.fault({ type: 'drop', at: 'start' }, { times: Infinity });
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

interface Scenario extends VerdictScenario {
  server?: Server;
  /** Appended to the server's URL (a wrong relative root), or a whole URL. */
  urlPath?: string;
  url?: string;
  /** An info finding that must be in the report. */
  info?: string;
}

const scenarios: Scenario[] = [
  {
    name: 'good token, exact project, scopes from GitLab',
    token: T.good,
    project: 'Fabrikam/Fiber',
    scopes: 'read_api, write_repository',
    outcome: 'passed',
    info: 'scope.granted',
  },
  { name: 'token without expiry', token: T.forever, outcome: 'passed', info: 'token.no-expiry' },
  { name: 'token expires in days (expires_at from GitLab)', token: T.soon, outcome: 'warned', code: 'token.expiring' },
  { name: 'expired token', token: T.expired, outcome: 'failed', code: 'token.expired' },
  { name: 'revoked token', token: T.revoked, outcome: 'failed', code: 'token.revoked' },
  { name: 'unknown token', token: T.unknown, outcome: 'failed', code: 'token.rejected' },
  { name: 'scope not carried', token: T.good, scopes: 'sudo', outcome: 'failed', code: 'scope.missing' },
  {
    name: 'project read denied (403 insufficient_scope)',
    token: T.repoOnly,
    project: 'Fabrikam/Fiber',
    outcome: 'failed',
    code: 'scope.missing',
  },
  { name: 'scope not documented as covered', token: T.good, scopes: 'create_runner', outcome: 'warned', code: 'scope.unverifiable' },
  { name: 'unknown scope', token: T.good, scopes: 'read_everything', outcome: 'failed', code: 'scope.unknown' },
  { name: 'project casing', token: T.good, project: 'fabrikam/fiber', outcome: 'failed', code: 'project.case-mismatch' },
  { name: 'project moved', token: T.good, project: 'Fabrikam/Old-Fiber', outcome: 'failed', code: 'project.renamed' },
  { name: 'project missing', token: T.good, project: 'Fabrikam/Fibre', outcome: 'failed', code: 'project.not-found' },
  { name: 'project archived', token: T.good, project: 'Fabrikam/Attic', outcome: 'warned', code: 'project.archived' },
  { name: 'project scheduled for deletion', token: T.good, project: 'Fabrikam/Going-Away', outcome: 'failed', code: 'project.unavailable' },
  { name: 'proxy decodes %2F', token: T.good, server: 'proxied', project: 'Fabrikam/Fiber', outcome: 'failed', code: 'url.encoded-slash' },
  { name: 'no GitLab API at that relative root', token: T.good, urlPath: '/nogitlab', outcome: 'failed', code: 'url.org-not-found' },
  {
    name: 'old server: identity only, scopes unverifiable',
    token: T.good,
    server: 'old',
    scopes: 'write_repository',
    outcome: 'warned',
    code: 'scope.unverifiable',
    info: 'token.identity',
  },
  { name: 'CI job token of the running job', token: T.job, project: 'Fabrikam/Fiber', outcome: 'passed', info: 'token.identity' },
  { name: 'CI job token of a finished job', token: T.finishedJob, outcome: 'failed', code: 'token.rejected' },
  { name: '429 storm', token: T.good, server: 'storm', outcome: 'unverified', code: 'network.rate-limited' },
  { name: '5xx burst', token: T.good, server: 'broken', outcome: 'unverified', code: 'network.unexpected-response' },
  { name: 'dropped connections', token: T.good, server: 'drop', outcome: 'unverified', code: 'network.unreachable' },
  { name: 'nothing listening', token: T.good, url: 'https://127.0.0.1:1', outcome: 'unverified', code: 'network.unreachable' },
  { name: 'untrusted certificate', token: T.good, trustCa: false, outcome: 'unverified', code: 'network.tls' },
];

describe.each(scenarios)('$name', (s) => {
  it(verdictTitle(s), async () => {
    const run = await runEverywhere({
      provider: 'gitlab',
      tokenEnv: 'GITLAB_TOKEN',
      token: s.token,
      url: s.url ?? `${servers[s.server ?? 'main'].url}${s.urlPath ?? ''}`,
      project: s.project,
      scopes: s.scopes,
      env: s.trustCa === false ? {} : { NODE_EXTRA_CA_CERTS: caFile },
    });
    expectVerdict(run, s.outcome, s.code);
    if (s.info) expect(run.report.findings.map((f) => f.code)).toContain(s.info);
    expect(leaks(run.visible, s.token)).toEqual([]);
  });
});
