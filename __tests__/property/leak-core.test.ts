/**
 * Never leaks, through the core: random tokens of every family × every mistake people make with them
 * × every server behaviour (hostile servers that echo the credential in bodies, headers, error
 * messages and redirects; each scripted fault of the harness; unreachable; TLS failures) go through
 * `runPreflight` with an injected dispatcher and a debug-log collector. No output — the report JSON
 * (every message and hint), the rendered text and Markdown, the debug log lines — may contain the
 * token, any 8-character slice of it, its URL-encoded form or its Basic-auth base64 forms.
 * Along the way: every request is a GET (or Azure DevOps' one validateOnly=true POST), the credential reaches only the origins the provider names,
 * and the other origin a redirect points at never receives it.
 *
 * Covers every provider that has online checks when the suite runs (looked up in PROVIDER_MODULES).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Agent } from 'undici';
import { main as cliMain } from '../../src/cli/main.js';
import { CODES } from '../../src/core/codes.js';
import { formatLogEntry } from '../../src/core/http/client.js';
import { runPreflight, type PreflightDeps } from '../../src/core/preflight.js';
import { PROVIDER_MODULES } from '../../src/core/providers/registry.js';
import { parseCredentialsConfig } from '../../src/core/config.js';
import { planChecks, runPreflightMany } from '../../src/core/preflight-many.js';
import { renderMarkdown, renderMarkdownMany } from '../../src/core/render/markdown.js';
import { renderText, renderTextMany } from '../../src/core/render/text.js';
import type { Report } from '../../src/core/report.js';
import { resolveRequest } from '../../src/core/request.js';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { carriesCredential, startHostileServer, type HostileServer } from '../emulators/hostile.js';
import { findingsGrammar } from '../support/grammar.js';
import {
  assertNoLeak,
  fcParams,
  mutation,
  MUTATIONS,
  tokenSample,
  type Mutated,
  type MutationKind,
  type TokenSample,
} from './arbitraries.js';
import {
  hostileBehaviour,
  ONLINE_PROVIDERS,
  requestShape,
  serverBehaviour,
  unusedPort,
  type RequestShape,
  type ServerBehaviour,
} from './scenarios.js';

const NOW = new Date('2026-06-15T12:00:00Z');
/**
 * Short backoffs so retries stay cheap; a short request timeout only where the server hangs (generous
 * elsewhere, so a loaded machine does not turn answers into timeouts). No assertion depends on them.
 */
const HTTP: PreflightDeps['http'] = { requestTimeoutMs: 5_000, deadlineMs: 10_000, maxRetries: 1, minBackoffMs: 1, maxBackoffMs: 20 };
const HANG_HTTP: PreflightDeps['http'] = { ...HTTP, requestTimeoutMs: 150, deadlineMs: 1_000 };
const httpFor = (b: ServerBehaviour): PreflightDeps['http'] => (b.kind === 'fault' && b.fault.type === 'hang' ? HANG_HTTP : HTTP);

let main: HostileServer;
const tlsServers: Partial<Record<string, HostileServer>> = {};
let closedPort = 0;
const dispatchers: Agent[] = [];

beforeAll(async () => {
  main = await startHostileServer();
  for (const certificate of ['unknownCa', 'expired', 'wrongHost'] as const)
    tlsServers[certificate] = await startHostileServer({ certificate });
  closedPort = await unusedPort();
});
afterAll(async () => {
  await Promise.all(dispatchers.map((d) => d.close()));
  await Promise.all([main, ...Object.values(tlsServers)].map((s) => s?.close()));
});

interface Target {
  port: number;
  dispatcher: Agent;
  server?: HostileServer;
}
const targets = new Map<string, Target>();
function targetFor(b: ServerBehaviour): Target {
  const key = b.kind === 'unreachable' ? 'unreachable' : b.kind === 'tls' ? b.certificate : 'main';
  let t = targets.get(key);
  if (!t) {
    const server = b.kind === 'unreachable' ? undefined : b.kind === 'tls' ? tlsServers[b.certificate]! : main;
    const port = server?.port ?? closedPort;
    const dispatcher = emulatorDispatcher(port, { connectTimeout: 5_000 });
    dispatchers.push(dispatcher);
    t = { port, dispatcher, server };
    targets.set(key, t);
  }
  return t;
}

interface Scenario {
  sample: TokenSample;
  mutated: Mutated;
  shape: RequestShape;
  server: ServerBehaviour;
}

const seenCodes = new Set<string>();
const onlineRuns = new Map<string, number>();

/** Runs one scenario and checks every output; returns the report for callers that look further. */
async function check(s: Scenario, prepare?: (server: HostileServer) => void): Promise<Report> {
  const { sample, mutated, shape, server } = s;
  const target = targetFor(server);
  for (const h of [main, ...Object.values(tlsServers)]) h?.reset();
  if (server.kind === 'hostile') main.behave(server.behaviour);
  if (server.kind === 'fault') main.fault(server.fault, { times: server.times });
  prepare?.(main);

  const url = shape.url?.replace('{origin}', `https://127.0.0.1:${target.port}`).replace('{token}', sample.token);
  const { request, findings } = resolveRequest(
    {
      provider: shape.provider === 'own' ? sample.provider : 'auto',
      token: mutated.input,
      tokenType: sample.tokenType,
      url,
      project: shape.project,
      username: sample.username,
      requiredScopes: shape.scopes.join(', '),
    },
    {},
  );
  const log: string[] = [];
  let clock = 0;
  const report = await runPreflight(
    request,
    {
      now: () => NOW,
      monotonic: () => (clock += 0.5),
      dispatcher: target.dispatcher,
      http: httpFor(server),
      log: (e) => log.push(formatLogEntry(e)),
    },
    findings,
  );

  assertNoLeak(
    {
      'report JSON': JSON.stringify(report),
      'text rendering': renderText(report, { color: false }),
      'coloured text rendering': renderText(report, { color: true }),
      'Markdown summary': renderMarkdown(report),
      'debug log': log.join('\n'),
    },
    sample.token,
    sample.username,
  );

  // Every message and fix of every scenario goes through the one grammar check (support/grammar.ts).
  expect(findingsGrammar(report.findings)).toEqual([]);
  for (const f of report.findings) {
    expect(Object.keys(CODES)).toContain(f.code);
    expect(f.message).not.toMatch(/[\r\n]/);
    expect(f.hint.trim()).not.toBe('');
    seenCodes.add(f.code);
  }

  // Read-only, and the credential only where the provider says it may go.
  const all = [main, ...Object.values(tlsServers)].flatMap((h) => h?.requests ?? []);
  // The one request that is not a GET validates a work item without saving it.
  for (const r of all) {
    const validateOnly = r.method === 'POST' && /\/_apis\/wit\/workitems\/\$Task$/.test(r.path) ? r.query.validateOnly : undefined;
    expect([r.method, validateOnly]).toEqual(r.method === 'POST' ? ['POST', 'true'] : [expect.stringMatching(/^(GET|HEAD)$/), undefined]);
  }
  const online = report.provider ? PROVIDER_MODULES[report.provider].online : undefined;
  const authed = all.filter(carriesCredential);
  if (authed.length) {
    expect(online).toBeDefined();
    const urlAnalysis = PROVIDER_MODULES[report.provider!].analyzeUrl(url ?? request.defaults?.url[report.provider!], { offline: false });
    const allowed = new Set(online!.credentialOrigins(urlAnalysis).map((o) => new URL(o).hostname));
    for (const r of authed) expect(allowed).toContain(r.host);
    onlineRuns.set(
      `${report.provider} ${describeServer(server)}`,
      (onlineRuns.get(`${report.provider} ${describeServer(server)}`) ?? 0) + 1,
    );
  }
  for (const h of [main, ...Object.values(tlsServers)]) expect(h!.sink.requests.filter(carriesCredential)).toEqual([]);
  return report;
}

function describeServer(b: ServerBehaviour): string {
  if (b.kind === 'hostile') return `hostile ${b.behaviour.kind}${'status' in b.behaviour ? ` ${b.behaviour.status}` : ''}`;
  if (b.kind === 'fault') return `fault ${b.fault.type}`;
  if (b.kind === 'tls') return `tls ${b.certificate}`;
  return 'unreachable';
}

const weightedMutation = (token: string): fc.Arbitrary<Mutated> =>
  fc.oneof({ weight: 4, arbitrary: mutation(token, 'valid') }, { weight: 3, arbitrary: mutation(token) });

function scenario(
  filter: (s: TokenSample) => boolean,
  server: (sink: string) => fc.Arbitrary<ServerBehaviour>,
  mutationOf = weightedMutation,
): fc.Arbitrary<Scenario> {
  return tokenSample(NOW)
    .filter(filter)
    .chain((sample) =>
      fc.record({
        sample: fc.constant(sample),
        mutated: mutationOf(sample.token),
        shape: requestShape(sample.provider),
        server: server(main.sink.origin),
      }),
    );
}

describe('no output of the core ever contains the token', () => {
  it(`random family × mutation × server behaviour (online providers now: ${ONLINE_PROVIDERS.join(', ') || 'none'})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario(() => true, serverBehaviour),
        async (s) => {
          await check(s);
        },
      ),
      fcParams('leak core: everything', 220),
    );
  });

  // A sweep, so no behaviour is left to chance: each one × each online provider (one test per provider).
  // (Sampled once the servers are up: some behaviours name the sink's origin.)
  let sampled: ServerBehaviour[] | undefined;
  const behaviours = (): ServerBehaviour[] =>
    (sampled ??= fc
      .sample(serverBehaviour(main.sink.origin), { seed: 7, numRuns: 400 })
      .filter((b, i, all) => all.findIndex((x) => JSON.stringify(x) === JSON.stringify(b)) === i));
  it.each(ONLINE_PROVIDERS)('every server behaviour against %s, with a valid token', async (provider) => {
    expect(behaviours().length).toBeGreaterThan(30);
    for (const b of behaviours()) {
      await fc.assert(
        fc.asyncProperty(
          scenario(
            (t) => t.provider === provider,
            () => fc.constant(b),
            (token) => mutation(token, 'valid'),
          ),
          async (s) => {
            await check(s);
          },
        ),
        fcParams(`leak core sweep ${provider} ${JSON.stringify(b)}`, 1),
      );
    }
    // The sweep really went online: the credential was sent under most behaviours.
    const reached = [...onlineRuns.keys()].filter((k) => k.startsWith(`${provider} `));
    expect(reached.length).toBeGreaterThan(10);
  });

  it('GitLab that cannot list scopes: the Git and registry requests carry the token as Basic oauth2:…, and no form of it leaks', async () => {
    let basic = 0;
    await fc.assert(
      fc.asyncProperty(
        scenario(
          (t) => t.provider === 'gitlab',
          () => hostileBehaviour.map((behaviour): ServerBehaviour => ({ kind: 'hostile', behaviour })),
          (token) => mutation(token, 'valid'),
        ),
        async (s) => {
          const shape: RequestShape = {
            provider: 'own',
            url: '{origin}',
            project: 'group/project',
            scopes: ['read_repository', 'read_registry'],
          };
          // As before GitLab 15.5: no token record, a plain user; every other path answers with the hostile echo.
          await check({ ...s, shape }, (h) => {
            h.fault({ type: 'status', status: 404 }, { path: /personal_access_tokens\/self$/, times: Infinity });
            h.fault({ type: 'status', status: 200, body: { id: 7, username: 'fake.user' } }, { path: /\/api\/v4\/user$/, times: Infinity });
          });
          if (process.env.DEBUG_GL)
            console.log(JSON.stringify(main.requests.map((q) => [q.path, q.authScheme, q.status])), s.sample.token.slice(0, 8));
          basic += main.requests.filter((q) => q.authScheme === 'Basic' && /\.git\/info\/refs$|\/jwt\/auth$/.test(q.path)).length;
        },
      ),
      fcParams('leak core: gitlab git and registry probes', 40),
    );
    // The Basic form really went out (and came back in every echo the server could make).
    expect(basic).toBeGreaterThan(0);
  });

  it('every mutation of every family, offline stage and hygiene included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<MutationKind>(...MUTATIONS).chain((kind) =>
          scenario(
            () => true,
            () => fc.constant<ServerBehaviour>({ kind: 'hostile', behaviour: { kind: 'echo-error', status: 401 } }),
            (token) => mutation(token, kind),
          ),
        ),
        async (s) => {
          await check(s);
        },
      ),
      fcParams('leak core: mutations', 120),
    );
  });

  it('regression: a display name or error text echoing the token is scrubbed (found in Azure DevOps identity, GitLab job identity, GitHub 401 messages)', async () => {
    const samples = fc.sample(tokenSample(NOW), { seed: 11, numRuns: 300 });
    for (const provider of ONLINE_PROVIDERS) {
      for (const behaviour of [{ kind: 'echo-ok' }, { kind: 'echo-error', status: 401 }, { kind: 'echo-error', status: 404 }] as const) {
        // Expired or retired samples stop offline; the first that reaches the server is the example.
        let reached = false;
        for (const sample of samples.filter((t) => t.provider === provider)) {
          const url = provider === 'azure-devops' ? 'https://dev.azure.com/fabrikam' : undefined;
          const report = await check({
            sample,
            mutated: { kind: 'valid', input: sample.token },
            shape: { provider: 'own', url, project: undefined, scopes: [] },
            server: { kind: 'hostile', behaviour },
          });
          if (!main.requests.some(carriesCredential)) continue;
          // The server got the credential, so it really echoed it back; the report holds none of it.
          expect(JSON.stringify(report)).not.toContain(sample.token.slice(0, 12));
          reached = true;
          break;
        }
        expect([provider, behaviour.kind, reached]).toEqual([provider, behaviour.kind, true]);
      }
    }
  });

  it('the CLI adapter in process (injected dispatcher): stdout and stderr, text and JSON, debug on, token from env or stdin', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario(() => true, serverBehaviour),
        fc.constantFrom('text', 'json'),
        fc.boolean(),
        fc.boolean(),
        async (s, format, debug, viaStdin) => {
          const target = targetFor(s.server);
          for (const h of [main, ...Object.values(tlsServers)]) h?.reset();
          if (s.server.kind === 'hostile') main.behave(s.server.behaviour);
          if (s.server.kind === 'fault') main.fault(s.server.fault, { times: s.server.times });
          const url = s.shape.url?.replace('{origin}', `https://127.0.0.1:${target.port}`).replace('{token}', s.sample.token);
          const argv = [
            '--provider',
            s.shape.provider === 'own' ? s.sample.provider : 'auto',
            '--format',
            format,
            ...(debug ? ['--debug'] : []),
            ...(viaStdin ? ['--token-stdin'] : ['--token-env', 'CP_PROPERTY_TOKEN']),
            ...(url ? ['--url', url] : []),
            ...(s.shape.project ? ['--project', s.shape.project] : []),
            ...(s.shape.scopes.length ? ['--required-scopes', s.shape.scopes.join(', ')] : []),
            ...(s.sample.username ? ['--username', s.sample.username] : []),
            ...(s.sample.tokenType ? ['--token-type', s.sample.tokenType] : []),
          ];
          let stdout = '';
          let stderr = '';
          const code = await cliMain(
            argv,
            {
              stdout: (t) => (stdout += t),
              stderr: (t) => (stderr += t),
              readStdin: async () => `${s.mutated.input}\n`,
              env: viaStdin ? {} : { CP_PROPERTY_TOKEN: s.mutated.input },
              isTTY: false,
            },
            { now: () => NOW, monotonic: () => performance.now(), dispatcher: target.dispatcher, http: httpFor(s.server) },
          );
          expect([0, 1, 2, 3]).toContain(code);
          if (format === 'json' && code !== 2) expect(() => JSON.parse(stdout)).not.toThrow();
          assertNoLeak({ 'CLI stdout': stdout, 'CLI stderr': stderr }, s.sample.token, s.sample.username);
          for (const h of [main, ...Object.values(tlsServers)]) expect(h!.sink.requests.filter(carriesCredential)).toEqual([]);
        },
      ),
      fcParams('leak core: CLI in process', 100),
    );
  });

  it('several credentials in one step (credentials file): no row, overview or summary holds any of the tokens', async () => {
    let checkedOnline = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          scenario(
            () => true,
            () => hostileBehaviour.map((behaviour): ServerBehaviour => ({ kind: 'hostile', behaviour })),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        hostileBehaviour,
        async (rows, behaviour) => {
          main.reset();
          main.behave(behaviour);
          const env: Record<string, string> = {};
          const entries = rows.map((r, i) => {
            env[`CP_PROPERTY_TOKEN_${i}`] = r.mutated.input;
            const url = r.shape.url?.replace('{origin}', main.origin).replace('{token}', r.sample.token);
            return [
              `  - name: row-${i}`,
              `    token-env: CP_PROPERTY_TOKEN_${i}`,
              `    provider: ${r.shape.provider === 'own' ? r.sample.provider : 'auto'}`,
              ...(url ? [`    url: ${JSON.stringify(url)}`] : []),
              ...(r.shape.project ? [`    project: ${JSON.stringify(r.shape.project)}`] : []),
              ...(r.sample.username ? [`    username: ${JSON.stringify(r.sample.username)}`] : []),
              ...(r.sample.tokenType ? [`    token-type: ${r.sample.tokenType}`] : []),
            ].join('\n');
          });
          const parsed = parseCredentialsConfig(`credentials:\n${entries.join('\n')}\n`, 'credentials.yml', NOW);
          const plan = parsed.config ? planChecks(parsed.config, env) : undefined;
          const log: string[] = [];
          const multi = await runPreflightMany(
            plan,
            {
              now: () => NOW,
              monotonic: () => performance.now(),
              dispatcher: targetFor({ kind: 'hostile', behaviour }).dispatcher,
              http: HTTP,
              log: (name, e) => log.push(`${name} ${formatLogEntry(e)}`),
            },
            { config: 'credentials.yml', findings: parsed.findings },
          );
          const outputs = {
            'multi report JSON': JSON.stringify(multi),
            'multi text': renderTextMany(multi, { color: false }),
            'multi Markdown': renderMarkdownMany(multi),
            'debug log': log.join('\n'),
          };
          for (const r of rows) assertNoLeak(outputs, r.sample.token, r.sample.username);
          expect(main.sink.requests.filter(carriesCredential)).toEqual([]);
          if (multi.credentials.length && main.requests.some(carriesCredential)) checkedOnline++;
        },
      ),
      fcParams('leak core: several credentials', 40),
    );
    // Not vacuous: most files parsed and their credentials reached the (echoing) server.
    expect(checkedOnline).toBeGreaterThan(10);
  });

  it('reached the codes a leak would most likely hide in', () => {
    // Not a target to chase: a guard that the generators above keep exercising these paths.
    const expected = [
      'token.whitespace',
      'token.wrapper',
      'token.checksum',
      'token.format',
      'url.credentials',
      'network.unreachable',
      'network.tls',
      'network.timeout',
      'network.unexpected-response',
    ];
    if (ONLINE_PROVIDERS.includes('azure-devops')) expected.push('token.rejected', 'token.identity', 'url.org-not-found');
    expect(expected.filter((c) => !seenCodes.has(c))).toEqual([]);
  });
});
