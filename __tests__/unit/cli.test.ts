import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoSamples } from '../../src/cli/demo.js';
import { replayAgent } from '../../src/cli/demo-replay.js';
import { main, type CliIo } from '../../src/cli/main.js';
import { runPreflight } from '../../src/core/preflight.js';
import { resolveRequest } from '../../src/core/request.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = { now: () => NOW, monotonic: () => 0 };

async function cli(args: string[], env: Record<string, string> = {}, stdin = '', isTTY = false) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => stdin, env, isTTY };
  const code = await main(args, io, deps);
  return { code, out, err };
}

describe('CLI', () => {
  it('exits 0 on a passing token, with no colour off a TTY', async () => {
    const token = azureDevOpsPat(NOW);
    const r = await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam'], { AZURE_DEVOPS_PAT: token });
    expect(r.code).toBe(0);
    expect(r.out).toContain('PASSED');
    expect(r.out).not.toContain('\x1b[');
    expect(leaks(r.out + r.err, token)).toEqual([]);
  });

  it('exits 1 on a failing token and 0 on warnings', async () => {
    const bad = githubPat().slice(0, -1) + 'x';
    expect((await cli(['--offline', '--provider', 'github'], { GITHUB_TOKEN: bad })).code).toBe(1);
    const r = await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam', '--min-days-remaining', '30'], {
      AZURE_DEVOPS_PAT: azureDevOpsPat(NOW, 12),
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('token.expiring');
    expect(
      (
        await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam', '--min-days-remaining', '30', '--fail-on-warning'], {
          AZURE_DEVOPS_PAT: azureDevOpsPat(NOW, 12),
        })
      ).code,
    ).toBe(1);
  });

  it('exits 2 on usage and configuration errors', async () => {
    expect((await cli(['--bogus'])).code).toBe(2);
    expect((await cli(['--format', 'xml'])).code).toBe(2);
    expect((await cli(['--provider', 'svn', '--offline'], { AZURE_DEVOPS_PAT: azureDevOpsPat(NOW) })).code).toBe(2);
    expect((await cli(['--min-days-remaining', 'soon', '--offline'], { AZURE_DEVOPS_PAT: azureDevOpsPat(NOW) })).code).toBe(2);
    expect((await cli(['--token-stdin', '--token-env', 'X'])).code).toBe(2);
  });

  it('turns a crash into one clean line (exit 3, unverified) that never quotes the token, with or without --config', async () => {
    const token = githubPat();
    const boom = {
      ...deps,
      monotonic: () => {
        throw new Error(`bug while holding ${token}`);
      },
    };
    const f = path.join(tempDir('cli-crash'), 'c.yml');
    fs.writeFileSync(f, 'credentials:\n  - token-env: GITHUB_TOKEN\n    provider: github\n    offline: true\n');
    for (const args of [
      ['--offline', '--provider', 'github'],
      ['--offline', '--provider', 'github', '--debug'],
      ['--config', f],
    ]) {
      let out = '';
      let err = '';
      const io: CliIo = {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
        readStdin: async () => '',
        env: { GITHUB_TOKEN: token },
        isTTY: false,
      };
      expect(await main(args, io, boom)).toBe(3);
      expect(err).toMatch(/^credential-preflight crashed: bug while holding \*\*\*\. /);
      expect(leaks(out + err, token)).toEqual([]);
      expect(err).not.toMatch(/\n\s+at /);
    }
  });

  it('refuses a token on the command line without echoing it', async () => {
    const token = githubPat();
    for (const args of [['--token', token], [`--token=${token}`], [token], [`--${token}`], ['-x', token]]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(leaks(r.out + r.err, token)).toEqual([]);
    }
  });

  it('reads the token from stdin, ignoring the newline echo adds', async () => {
    const token = githubPat();
    const r = await cli(['--token-stdin', '--offline', '--format', 'json'], {}, `${token}\n`);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ schemaVersion: 1, provider: 'github', tokenKind: 'github.classic-pat' });
    expect(report.findings.map((f: { code: string }) => f.code)).not.toContain('token.whitespace');
  });

  it('reads the named environment variable and names it when empty', async () => {
    const r = await cli(['--offline', '--token-env', 'MY_PAT', '--format', 'json'], {});
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings[0]).toMatchObject({ code: 'token.missing' });
    expect(JSON.parse(r.out).findings[0].message).toContain('MY_PAT');
  });

  it('prints help and version', async () => {
    expect((await cli(['--help'])).out).toContain('Exit codes');
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await cli(['--version'])).out).toBe(`${version}\n`);
  });

  it('runs the demo: passing, warning and failing samples offline, then three online against the replay', async () => {
    const r = await cli(['demo']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(''); // no replayed answer left unrequested
    expect(r.out.match(/\(exit code \d\)/g)).toEqual([
      '(exit code 0)',
      '(exit code 0)',
      '(exit code 1)',
      '(exit code 1)',
      '(exit code 1)',
      '(exit code 3)',
    ]);
    expect(r.out).toContain('PASSED WITH WARNINGS');
    expect(r.out).toContain('token.checksum');
    expect(r.out).toContain('no request leaves the machine');
    const [, s4, s5, s6] = r.out.split(/^── \d\. /m).slice(3);
    expect(s4).toContain('Authenticated as Demo User (fake)');
    expect(s4).toContain('error   project.case-mismatch: The project exists as "Fabrikam-Fiber", not "fabrikam-fiber"');
    expect(s4).toContain('error   scope.missing: The token lacks vso.build');
    expect(s4).toContain('scope.verified: Verified: vso.code (read-only request).');
    expect(s5).toContain('FAILED');
    expect(s5).toContain('error   token.expired: Azure DevOps says the token has expired.');
    expect(s6).toContain('UNVERIFIED');
    expect(s6).toContain('network.unreachable: Azure DevOps at dev.azure.com could not be reached (ENOTFOUND)');
    // Only the replay answered: an unmatched request would show as a mock error.
    expect(r.out).not.toMatch(/UND_MOCK|MockNotMatched/);
    for (const { inputs } of demoSamples(NOW)) expect(leaks(r.out + r.err, inputs.token!)).toEqual([]);
    // --format json is one document a script can parse, as everywhere else.
    const json = await cli(['demo', '--format', 'json']);
    const doc = JSON.parse(json.out) as {
      samples: Array<{ title: string; command: string; exitCode: number; report: { outcome: string } }>;
    };
    expect(doc.samples.map((x) => x.exitCode)).toEqual([0, 0, 1, 1, 1, 3]);
    expect(doc.samples[0]!.command).toMatch(/^AZURE_DEVOPS_PAT=\*\*\* credential-preflight /);
    const reports = doc.samples.map((x) => x.report);
    expect(reports.map((x: { outcome: string }) => x.outcome)).toEqual(['passed', 'warned', 'failed', 'failed', 'failed', 'unverified']);
    for (const { inputs } of demoSamples(NOW)) expect(leaks(json.out + json.err, inputs.token!)).toEqual([]);
    expect(reports[3]).toMatchObject({
      identity: { name: 'Demo User (fake)' },
      project: { requested: 'fabrikam-fiber', canonical: 'Fabrikam-Fiber' },
      scopes: { verified: ['vso.code'], missing: ['vso.build'] },
    });
  });

  it("demo replay: answers only the online checks' exact requests, each once, and lets nothing reach the network", async () => {
    for (const sample of demoSamples(NOW).filter((s) => s.replay)) {
      const agent = replayAgent(sample.replay!, sample.inputs.token!, sample.inputs.project);
      const { request, findings } = resolveRequest(sample.inputs, {});
      const report = await runPreflight(request, { ...deps, dispatcher: agent, http: { maxRetries: 0 } }, findings);
      expect(report.findings.map((f) => f.code)).not.toContain('network.unexpected-response');
      expect(agent.pendingInterceptors()).toEqual([]);
      // Net connect is disabled: a request nothing replays is refused, not sent (probed on loopback, so
      // even a broken replay could not send this test's request off the machine).
      await expect(agent.request({ origin: 'https://127.0.0.1:9', path: '/', method: 'GET' })).rejects.toThrow(/net\.connect disabled/);
      await agent.close();
    }
    // Another token is not answered as the demo user: the replay matches the PAT's Basic credentials.
    const agent = replayAgent('case-and-scopes', azureDevOpsPat(NOW));
    const other = resolveRequest(
      { token: azureDevOpsPat(NOW, 0, 'FAKEx0TESTx0OTHERx0NOTxREAL'), url: 'https://dev.azure.com/fabrikam' },
      {},
    );
    const report = await runPreflight(other.request, { ...deps, dispatcher: agent, http: { maxRetries: 0 } }, other.findings);
    expect(report.outcome).toBe('unverified');
    expect(report.identity).toBeNull();
    await agent.close();
  });
});

describe('CLI: JSON', () => {
  it('single mode prints the Report with the documented fields in a stable order (schemaVersion 1)', async () => {
    const r = await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam', '--format', 'json'], {
      AZURE_DEVOPS_PAT: azureDevOpsPat(NOW),
    });
    const report = JSON.parse(r.out);
    expect(Object.keys(report)).toEqual([
      'schemaVersion',
      'outcome',
      'provider',
      'tokenKind',
      'tokenLabel',
      'url',
      'identity',
      'project',
      'scopes',
      'expiresAt',
      'expirySource',
      'daysRemaining',
      'findings',
      'timings',
    ]);
    expect(report.schemaVersion).toBe(1);
    expect(Object.keys(report.findings[0])).toEqual(['code', 'severity', 'message', 'hint']);
  });
});

describe('CLI: colour', () => {
  it('colours only a TTY, unless NO_COLOR; FORCE_COLOR colours a CI log', async () => {
    const env = { AZURE_DEVOPS_PAT: azureDevOpsPat(NOW) };
    const args = ['--offline', '--url', 'https://dev.azure.com/fabrikam'];
    const esc = String.fromCharCode(27) + '[';
    expect((await cli(args, env, '', true)).out).toContain(esc);
    expect((await cli(args, { ...env, NO_COLOR: '1' }, '', true)).out).not.toContain(esc);
    expect((await cli(args, { ...env, FORCE_COLOR: '1' }, '', false)).out).toContain(esc);
    expect((await cli(args, env, '', false)).out).not.toContain(esc);
  });
});

describe('CLI: --config', () => {
  const A = azureDevOpsPat(NOW, 0, 'FAKEx0CLIx0ONEx0NOTxREAL');
  const G = githubPat('FAKEx0CLIx0GHx0NOTxREAL');
  const file = (text: string) => {
    const f = path.join(tempDir('cli-config'), 'creds.yml');
    fs.writeFileSync(f, text);
    return f;
  };
  const good = () =>
    file(
      'credentials:\n  - name: fabrikam\n    token-env: FABRIKAM_PAT\n    url: https://dev.azure.com/fabrikam\n  - name: github\n    token-env: GH_TOKEN\n    provider: github\n    min-days-remaining: 0\n',
    );

  it('checks every credential of the file: text with a row each, JSON with schemaVersion and one report per credential', async () => {
    const env = { FABRIKAM_PAT: A, GH_TOKEN: G };
    const text = await cli(['--config', good(), '--offline'], env);
    expect(text.code).toBe(0);
    expect(text.out.split('\n')[0]).toBe('credential-preflight: PASSED (2 credentials)');
    expect(text.out).toMatch(/^ {2}passed {2}fabrikam {2}/m);
    expect(text.out).toMatch(/^ {2}passed {2}github {4}/m);
    const json = await cli(['--config', good(), '--offline', '--format', 'json'], env);
    const multi = JSON.parse(json.out);
    expect(Object.keys(multi)).toEqual(['schemaVersion', 'outcome', 'config', 'findings', 'credentials', 'timings']);
    expect(
      multi.credentials.map((c: { name: string; tokenEnv: string; report: { schemaVersion: number; tokenKind: string } }) => [
        c.name,
        c.tokenEnv,
        c.report.schemaVersion,
        c.report.tokenKind,
      ]),
    ).toEqual([
      ['fabrikam', 'FABRIKAM_PAT', 1, 'azure-devops.pat'],
      ['github', 'GH_TOKEN', 1, 'github.classic-pat'],
    ]);
    for (const t of [A, G]) expect(leaks(text.out + text.err + json.out + json.err, t)).toEqual([]);
  });

  it('exit codes: 1 when a credential fails, 2 for a bad file or flags beside --config', async () => {
    const failing = await cli(['--config', good(), '--offline', '--format', 'json'], { FABRIKAM_PAT: A });
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.out).credentials[1].report.findings[0]).toMatchObject({ code: 'token.missing' });
    const bad = await cli(['--config', file('credentials:\n  - token-env: A\n    offline: maybe\n')], {});
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('config.file: ');
    expect(bad.out).toContain('creds.yml:3:14: credentials[0].offline must be true or false, not "maybe".');
    expect((await cli(['--config', path.join(os.tmpdir(), 'no-such-dir-cp', 'x.yml')], {})).code).toBe(2);
    const mixed = await cli(['--config', good(), '--url', 'https://dev.azure.com/x', '--token-env', 'X'], {});
    expect(mixed.code).toBe(2);
    expect(mixed.out).toContain('config.invalid: `--token-env`, `--url` cannot be combined with `--config`');
    const mixedJson = await cli(['--config', good(), '--url', 'https://dev.azure.com/x', '--format', 'json'], {});
    expect(mixedJson.code).toBe(2);
    expect(JSON.parse(mixedJson.out).findings.map((x: { code: string }) => x.code)).toEqual(['config.invalid']);
  });

  it('--min-days-remaining and --timeout-seconds apply to every credential that sets none; an invalid one is reported once', async () => {
    const f = file('credentials:\n  - name: old\n    token-env: OLD\n    url: https://dev.azure.com/fabrikam\n');
    const env = { OLD: azureDevOpsPat(NOW, 12) };
    expect((await cli(['--config', f, '--offline'], env)).code).toBe(0);
    const strict = await cli(['--config', f, '--offline', '--min-days-remaining', '400', '--format', 'json'], env);
    expect(JSON.parse(strict.out).credentials[0].report.findings.map((x: { code: string }) => x.code)).toContain('token.expiring');
    const bad = await cli(['--config', f, '--timeout-seconds', '0', '--format', 'json'], env);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out)).toMatchObject({ credentials: [], findings: [{ code: 'config.invalid' }] });
  });

  it('--fail-on-warning applies to every credential', async () => {
    const f = file(
      'credentials:\n  - name: old\n    token-env: OLD\n    url: https://dev.azure.com/fabrikam\n    min-days-remaining: 30\n',
    );
    const env = { OLD: azureDevOpsPat(NOW, 12) };
    expect((await cli(['--config', f, '--offline'], env)).code).toBe(0);
    expect((await cli(['--config', f, '--offline', '--fail-on-warning'], env)).code).toBe(1);
  });
});
