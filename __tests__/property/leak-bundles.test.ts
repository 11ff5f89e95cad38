/**
 * Never leaks, through the built bundles: a modest set of family × path scenarios (each different,
 * drawn from the same arbitraries as the core property) runs through the CLI, the action and the task
 * as child processes against the hostile server, with debug logging on. Nothing they write — CLI
 * stdout/stderr (text and JSON), action stdout (annotations, debug), GITHUB_OUTPUT, the job summary
 * file, task stdout (##vso issues, variables, debug), the uploaded summary file — may hold the token,
 * an 8-character slice of it, its URL-encoded form or its Basic-auth base64 forms. Only the masking
 * commands themselves (`::add-mask::`, `##vso[task.setsecret]`) are excluded: they exist to carry it.
 *
 * Needs `npm run build` (dist/). Fixed hosts (api.bitbucket.org) go through the local forward proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectProvider, PROVIDER_MODULES } from '../../src/core/providers/registry.js';
import type { ProviderId } from '../../src/core/report.js';
import { carriesCredential, startHostileServer, type HostileBehaviour, type HostileServer } from '../emulators/hostile.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { getTestTls } from '../emulators/tls.js';
import { baseEnv, runBundle, withoutMaskCommands } from '../support/run-bundle.js';
import { assertNoLeak, mutation, tokenSample, type MutationKind, type TokenSample } from './arbitraries.js';
import { unusedPort } from './scenarios.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date(); // the bundles read the real clock

interface BundleScenario {
  name: string;
  family: string;
  mutation: MutationKind;
  /** `tls`: a server with an untrusted certificate; `unreachable`: nothing listens. */
  server: HostileBehaviour | { kind: 'fault-rate-limit' } | { kind: 'tls' } | { kind: 'unreachable' };
  /** Expected to reach the server with the credential (so the echo really happened). */
  online: boolean;
  project?: string;
  /** The token is also typed as the project (echoed in every sink: redacted before any encoding). */
  projectIsToken?: boolean;
  scopes?: string;
}

const SCENARIOS: BundleScenario[] = [
  {
    name: 'ADO 84-char PAT, identity echoed as display name',
    family: 'azure-devops.pat84',
    mutation: 'valid',
    server: { kind: 'echo-ok' },
    online: true,
    project: 'Fabrikam-Fiber',
    scopes: 'vso.code, vso.build',
  },
  {
    name: 'System.AccessToken, credential in every response header',
    family: 'azure-devops.system-access-token',
    mutation: 'valid',
    server: { kind: 'echo-headers' },
    online: true,
    project: 'Fabrikam-Fiber',
  },
  {
    name: 'GitHub classic PAT on GHES, 401 quoting it',
    family: 'github.ghp',
    mutation: 'valid',
    server: { kind: 'echo-error', status: 401 },
    online: true,
    scopes: 'repo',
  },
  {
    name: 'GitHub fine-grained PAT, redirect to another origin',
    family: 'github.fine-grained',
    mutation: 'valid',
    server: { kind: 'redirect-away', status: 302 },
    online: true,
    project: 'octo-org/octo-repo',
  },
  {
    name: 'GitHub stateless installation token, same-origin 301 with it in the Location',
    family: 'github.ghs-stateless',
    mutation: 'valid',
    server: { kind: 'redirect-same-origin', status: 301 },
    online: true,
    project: 'octo-org/octo-repo',
  },
  {
    name: 'GitLab routable PAT on self-managed, identity echoed',
    family: 'gitlab.routable-v1',
    mutation: 'valid',
    server: { kind: 'echo-ok' },
    online: true,
    project: 'group/project',
  },
  {
    name: 'GitLab job token, 403 echoing it',
    family: 'gitlab.job-token',
    mutation: 'valid',
    server: { kind: 'echo-error', status: 403 },
    online: true,
  },
  {
    name: 'Atlassian API token via the proxy, 401 echoing it',
    family: 'bitbucket.atatt',
    mutation: 'valid',
    server: { kind: 'echo-error', status: 401 },
    online: true,
    project: 'workspace/repo',
  },
  {
    name: 'Bitbucket access token via the proxy, text page with the headers, then rate limited',
    family: 'bitbucket.atctt',
    mutation: 'valid',
    server: { kind: 'fault-rate-limit' },
    online: true,
  },
  {
    name: 'GitLab routable PAT also typed as the project, 404 echoing it',
    family: 'gitlab.routable-v1',
    mutation: 'valid',
    server: { kind: 'echo-error', status: 404 },
    online: true,
    projectIsToken: true,
  },
  {
    name: 'ADO PAT pasted with a trailing newline (offline stop)',
    family: 'azure-devops.pat84',
    mutation: 'whitespace',
    server: { kind: 'echo-ok' },
    online: false,
  },
  {
    name: 'GitHub PAT wrapped in "Bearer " against an untrusted certificate',
    family: 'github.ghp',
    mutation: 'wrapper',
    server: { kind: 'tls' },
    online: false,
  },
  {
    name: 'GitLab routable PAT cut short, nothing listening',
    family: 'gitlab.routable-v1',
    mutation: 'truncated',
    server: { kind: 'unreachable' },
    online: false,
  },
];

/** One token per scenario family: valid for the online stage (not expired, not retired). */
function tokenFor(family: string, seed: number): TokenSample {
  const ok = (s: TokenSample): boolean => {
    if (s.family !== family) return false;
    const a = detectProvider(s.token, { now: NOW, tokenType: s.tokenType ?? 'auto' });
    return !!a && !a.findings.some((f) => f.severity === 'error' || f.code === 'token.expiring');
  };
  const found = fc.sample(tokenSample(NOW), { seed, numRuns: 3000 }).find(ok);
  if (!found) throw new Error(`no usable sample of ${family}`);
  return found;
}

let hostile: HostileServer;
let untrusted: HostileServer;
let proxy: ForwardProxy;
let closedPort = 0;

beforeAll(async () => {
  hostile = await startHostileServer();
  untrusted = await startHostileServer({ certificate: 'unknownCa' });
  proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: hostile.port }) });
  closedPort = await unusedPort();
});
afterAll(async () => {
  await Promise.all([hostile?.close(), untrusted?.close(), proxy?.close()]);
});

function urlFor(provider: ProviderId, port: number): string | undefined {
  const origin = `https://127.0.0.1:${port}`;
  return { 'azure-devops': `${origin}/DefaultCollection`, github: `${origin}/api/v3`, gitlab: origin, bitbucket: undefined }[provider];
}

/** Everything but the masking commands, which exist to carry the secret to the platform's masker. */
const visible = withoutMaskCommands;

const readAll = (dir: string): string =>
  fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');

describe('no bundle output ever contains the token', () => {
  it('the scenarios are all different family × path pairs, and name real families', () => {
    expect(new Set(SCENARIOS.map((s) => `${s.family} ${s.mutation} ${JSON.stringify(s.server)}`)).size).toBe(SCENARIOS.length);
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(8);
    expect(SCENARIOS.length).toBeLessThanOrEqual(15);
  });

  it.each(SCENARIOS.map((s, i) => [s.name, s, i] as const))('%s', async (_name, sc, i) => {
    const sample = tokenFor(sc.family, 100 + i);
    const input = fc.sample(mutation(sample.token, sc.mutation), { seed: i, numRuns: 1 })[0]!.input;
    const provider = sample.provider;
    hostile.reset();
    untrusted.reset();
    if (sc.server.kind === 'fault-rate-limit') {
      hostile.behave({ kind: 'echo-text', status: 200 });
      hostile.fault({ type: 'rateLimit', retryAfterSeconds: 3600 }, { times: Infinity });
    } else if (sc.server.kind !== 'tls' && sc.server.kind !== 'unreachable') hostile.behave(sc.server);
    const port = sc.server.kind === 'tls' ? untrusted.port : sc.server.kind === 'unreachable' ? closedPort : hostile.port;
    const url = urlFor(provider, port);
    const viaProxy = url === undefined;
    const project = sc.projectIsToken ? input : sc.project;

    const dir = tempDir('leak');
    const taskTemp = tempDir('leak-task');
    const outputFile = path.join(dir, 'output');
    const summaryFile = path.join(dir, 'summary.md');
    fs.writeFileSync(outputFile, '');
    fs.writeFileSync(summaryFile, '');
    const common = { NODE_EXTRA_CA_CERTS: getTestTls().caFile, ...(viaProxy ? { HTTPS_PROXY: proxy.url } : {}) };
    const inputs = { PROVIDER: provider, TOKEN: input, URL: url ?? '', PROJECT: project ?? '', USERNAME: sample.username ?? '' };
    const action = Object.fromEntries(
      Object.entries({ ...inputs, 'TOKEN-TYPE': sample.tokenType ?? '', 'REQUIRED-SCOPES': sc.scopes ?? '' }).map(([k, v]) => [
        `INPUT_${k}`,
        v,
      ]),
    );
    const task = Object.fromEntries(
      Object.entries({ ...inputs, TOKENTYPE: sample.tokenType ?? '', REQUIREDSCOPES: sc.scopes ?? '' }).map(([k, v]) => [`INPUT_${k}`, v]),
    );
    const cliArgs = [
      '--provider',
      i % 2 ? provider : 'auto',
      '--token-env',
      'CP_FUZZ_TOKEN',
      '--format',
      i % 3 ? 'json' : 'text',
      '--debug',
      ...(url ? ['--url', url] : []),
      ...(project ? ['--project', project] : []),
      ...(sc.scopes ? ['--required-scopes', sc.scopes] : []),
      ...(sample.username ? ['--username', sample.username] : []),
      ...(sample.tokenType ? ['--token-type', sample.tokenType] : []),
    ];
    const [cli, act, tsk] = await Promise.all([
      runBundle('cli', cliArgs, baseEnv({ ...common, CP_FUZZ_TOKEN: input })),
      runBundle(
        'action',
        [],
        baseEnv({ ...common, ...action, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, RUNNER_DEBUG: '1' }),
      ),
      runBundle(
        'task',
        [],
        baseEnv({
          ...common,
          ...task,
          AGENT_TEMPDIRECTORY: taskTemp,
          SYSTEM_DEBUG: 'true',
          ...(viaProxy ? { AGENT_PROXYURL: proxy.url } : {}),
        }),
      ),
    ]);

    assertNoLeak(
      {
        'CLI stdout': cli.stdout,
        'CLI stderr': cli.stderr,
        'action stdout': visible(act.stdout),
        'action stderr': act.stderr,
        'action GITHUB_OUTPUT': fs.readFileSync(outputFile, 'utf8'),
        'action job summary': fs.readFileSync(summaryFile, 'utf8'),
        'task stdout': visible(tsk.stdout),
        'task stderr': tsk.stderr,
        'task uploaded summary': readAll(taskTemp),
      },
      sample.token,
      sample.username,
    );

    // Not vacuous: the runs produced their outputs, with debug on, and (online) the server got the credential.
    expect(cli.stdout).toContain(i % 3 ? '"findings"' : 'credential-preflight');
    expect(act.stdout).toMatch(/::(add-mask|debug|error|warning)::|::(error|warning) title=/);
    expect(fs.readFileSync(outputFile, 'utf8')).toMatch(/report<<ghadelimiter_/);
    expect(fs.readFileSync(summaryFile, 'utf8')).toContain('credential-preflight');
    expect(tsk.stdout).toContain('##vso[task.complete');
    expect(readAll(taskTemp)).toContain('credential-preflight');
    if (sc.online && PROVIDER_MODULES[provider].online) {
      expect(hostile.requests.filter(carriesCredential).length).toBeGreaterThanOrEqual(3);
      expect(act.stdout).toContain('::debug::');
      expect(tsk.stdout).toContain('##vso[task.debug]');
    }
    // Whatever the server said, the other origin never got the credential.
    expect(hostile.sink.requests.filter(carriesCredential)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(taskTemp, { recursive: true, force: true });
  });
});
