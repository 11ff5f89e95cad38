import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type TaskLib } from '../../src/task/main.js';
import type { MultiReport } from '../../src/core/preflight-many.js';
import type { Report } from '../../src/core/report.js';
import { secretForms } from '../../src/core/secrets.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = { now: () => NOW, monotonic: () => 0 };
const TaskResult = { Succeeded: 0, SucceededWithIssues: 1, Failed: 2 };
const IssueType = { Error: 0, Warning: 1 };

interface Endpoint {
  url: string;
  scheme: string;
  parameters: Record<string, string>;
}

function fakeTl(
  inputs: Record<string, string>,
  variables: Record<string, string> = {},
  endpoints: Record<string, Endpoint> = {},
  caFile?: string,
) {
  const calls: Array<{ fn: string; args: unknown[] }> = [];
  const tmp = tempDir('task');
  const record =
    (fn: string) =>
    (...args: unknown[]) => {
      calls.push({ fn, args });
    };
  const tl = {
    getInput: (name: string) => {
      calls.push({ fn: 'getInput', args: [name] });
      return inputs[name];
    },
    setSecret: (v: string) => {
      if (/[\r\n]/.test(v)) throw new Error('LIB_MultilineSecret');
      calls.push({ fn: 'setSecret', args: [v] });
    },
    setVariable: record('setVariable'),
    setResult: record('setResult'),
    logIssue: record('logIssue'),
    uploadSummary: record('uploadSummary'),
    debug: record('debug'),
    getVariable: (name: string) => (name === 'Agent.TempDirectory' ? tmp : variables[name]),
    getEndpointUrl: (id: string) => endpoints[id]?.url,
    getEndpointAuthorization: (id: string) =>
      endpoints[id] ? { scheme: endpoints[id]!.scheme, parameters: endpoints[id]!.parameters } : undefined,
    getHttpProxyConfiguration: () => null,
    getHttpCertConfiguration: () => (caFile ? { caFile } : null),
    TaskResult,
    IssueType,
  } as unknown as TaskLib;
  const lines: string[] = [];
  const io = { log: (l: string) => lines.push(l) };
  const vars = () => Object.fromEntries(calls.filter((c) => c.fn === 'setVariable').map((c) => [c.args[0], c.args[1]]));
  return { tl, calls, io, lines, vars };
}

describe('Azure Pipelines task adapter', () => {
  it('reads the token without getInput, masks it first, and succeeds on a good token', async () => {
    const token = azureDevOpsPat(NOW);
    const f = fakeTl({ url: 'https://dev.azure.com/fabrikam', project: 'Fabrikam-Fiber', offline: 'true' });
    const report = await run(f.tl, { INPUT_TOKEN: token }, f.io, deps);
    expect(report?.outcome).toBe('passed');
    expect(f.calls.some((c) => c.fn === 'getInput' && c.args[0] === 'token')).toBe(false);
    const firstSecret = f.calls.findIndex((c) => c.fn === 'setSecret');
    const firstOutput = f.calls.findIndex((c) => ['setVariable', 'logIssue', 'setResult', 'uploadSummary'].includes(c.fn));
    expect(firstSecret).toBeGreaterThanOrEqual(0);
    expect(firstSecret).toBeLessThan(firstOutput);
    expect(f.vars()).toMatchObject({ outcome: 'passed', project: 'Fabrikam-Fiber', tokenKind: 'azure-devops.pat' });
    expect(f.calls.filter((c) => c.fn === 'setVariable').every((c) => c.args[2] === false && c.args[3] === true)).toBe(true);
    expect(f.calls.find((c) => c.fn === 'setResult')!.args[0]).toBe(TaskResult.Succeeded);
    const summaryFile = String(f.calls.find((c) => c.fn === 'uploadSummary')!.args[0]);
    expect(fs.readFileSync(summaryFile, 'utf8')).toContain('passed');
    const visible = JSON.stringify(f.calls.filter((c) => c.fn !== 'setSecret')) + f.lines.join('\n') + fs.readFileSync(summaryFile, 'utf8');
    expect(leaks(visible, token)).toEqual([]);
  });

  it('logs one issue per finding with its code and fails on errors', async () => {
    const f = fakeTl({ url: 'http://dev.azure.com/fabrikam/' });
    const report = await run(f.tl, { INPUT_TOKEN: '$(MyPat)' }, f.io, deps);
    expect(report?.outcome).toBe('failed');
    const issues = f.calls.filter((c) => c.fn === 'logIssue');
    expect(issues.map((c) => c.args[5])).toContain('token.unexpanded');
    expect(issues.length).toBe(report!.findings.filter((x) => x.severity !== 'info').length);
    expect(f.calls.find((c) => c.fn === 'setResult')!.args[0]).toBe(TaskResult.Failed);
  });

  it('an agent CA file that cannot be read is a config.invalid finding naming it, not a crash', async () => {
    const missing = path.join(os.tmpdir(), `cp-no-such-ca-${process.pid}.pem`);
    const f = fakeTl({ url: 'https://dev.azure.com/fabrikam' }, {}, {}, missing);
    const report = (await run(f.tl, { INPUT_TOKEN: azureDevOpsPat(NOW) }, f.io, deps)) as Report;
    expect(report.outcome).toBe('failed');
    const found = report.findings.filter((x) => x.code === 'config.invalid');
    expect(found.map((x) => x.message)).toEqual([
      `The agent CA file ${JSON.stringify(missing)} cannot be read (ENOENT), so the server's certificate could not be checked against it.`,
    ]);
    expect(found[0]!.hint).toContain('--sslcacert');
    // The error stops the check before any request: online.skipped, and no crash line.
    expect(report.findings.map((x) => x.code)).toContain('online.skipped');
    expect(f.calls.find((c) => c.fn === 'setResult')!.args[1]).not.toMatch(/crashed/);
  });

  it('reports SucceededWithIssues on warnings', async () => {
    const f = fakeTl({ url: 'https://dev.azure.com/fabrikam', minDaysRemaining: '30', offline: 'true' });
    const report = await run(f.tl, { INPUT_TOKEN: azureDevOpsPat(NOW, 12) }, f.io, deps);
    expect(report?.outcome).toBe('warned');
    expect(f.calls.find((c) => c.fn === 'setResult')!.args[0]).toBe(TaskResult.SucceededWithIssues);
  });

  it('names an invalid input as the task spells it (minDaysRemaining, not min-days-remaining), with one credential or several', async () => {
    const inputs = { minDaysRemaining: 'soon', timeoutSeconds: '0', expiresOn: 'someday', failOnWarning: 'maybe' };
    const f = fakeTl({ url: 'https://dev.azure.com/fabrikam', offline: 'true', ...inputs });
    const report = (await run(f.tl, { INPUT_TOKEN: azureDevOpsPat(NOW) }, f.io, deps)) as Report;
    const named = (fs: Report['findings']) =>
      fs.filter((x) => x.code === 'config.invalid').map((x) => `${x.message.split(' ')[0]} / ${x.hint}`);
    const expected = [
      '`minDaysRemaining` / Set it to e.g. 7, or 0 to turn the expiry warning off.',
      '`timeoutSeconds` / Set it to e.g. 30 (the default), or more behind a slow proxy.',
      '`expiresOn` / Use the expiry date shown when the token was created, as YYYY-MM-DD.',
      '`failOnWarning` / Set `failOnWarning` to true or false.',
    ];
    expect(named(report.findings).sort()).toEqual([...expected].sort());
    const file = writeConfig('credentials:\n  - token-env: A\n    offline: true\n');
    const many = fakeTl({ config: file, minDaysRemaining: 'soon', timeoutSeconds: '0', failOnWarning: 'maybe' });
    const multi = (await run(many.tl, { A: azureDevOpsPat(NOW) }, many.io, deps)) as MultiReport;
    expect(named(multi.findings).sort()).toEqual(expected.filter((e) => !e.startsWith('`expiresOn`')).sort());
  });

  it('never hands task-lib a multi-line secret (it would throw), yet masks each line', async () => {
    const token = azureDevOpsPat(NOW);
    const f = fakeTl({ url: 'https://dev.azure.com/fabrikam', offline: 'true' });
    const report = await run(f.tl, { INPUT_TOKEN: `${token}\n` }, f.io, deps);
    expect(report?.findings.map((x) => x.code)).toContain('token.whitespace');
    expect(f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0])).toContain(token);
  });

  it('takes URL and token from an Azure DevOps service connection', async () => {
    const token = azureDevOpsPat(NOW);
    const f = fakeTl(
      { serviceConnection: 'conn-1', offline: 'true' },
      {},
      { 'conn-1': { url: 'https://dev.azure.com/fabrikam/', scheme: 'Token', parameters: { apitoken: token } } },
    );
    const report = await run(f.tl, {}, f.io, deps);
    expect(report).toMatchObject({ tokenKind: 'azure-devops.pat', url: { normalized: 'https://dev.azure.com/fabrikam' } });
    expect(f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0])).toContain(token);
  });

  it("takes the job's System.AccessToken (opaque) with the collection and project of the run", async () => {
    const f = fakeTl(
      { useSystemAccessToken: 'true', offline: 'true' },
      { 'System.CollectionUri': 'https://dev.azure.com/fabrikam/', 'System.TeamProject': 'Fabrikam-Fiber' },
      {
        SYSTEMVSSCONNECTION: {
          url: 'https://dev.azure.com/fabrikam/',
          scheme: 'OAuth',
          parameters: { AccessToken: 'opaque-job-token-value-1234' },
        },
      },
    );
    const report = await run(f.tl, {}, f.io, deps);
    expect(report).toMatchObject({
      provider: 'azure-devops',
      tokenKind: 'azure-devops.system-access-token',
      project: { requested: 'Fabrikam-Fiber' },
    });
    expect(f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0])).toContain('opaque-job-token-value-1234');
  });

  it('says where it looked when the service connection has no token', async () => {
    const f = fakeTl(
      { serviceConnection: 'conn-2' },
      {},
      { 'conn-2': { url: 'https://dev.azure.com/fabrikam', scheme: 'None', parameters: {} } },
    );
    const report = await run(f.tl, {}, f.io, deps);
    expect(report?.findings[0]).toMatchObject({ code: 'token.missing' });
    expect(report?.findings[0]!.message).toContain('conn-2');
  });
});

const writeConfig = (text: string): string => {
  const file = path.join(tempDir('task-config'), 'credentials.yml');
  fs.writeFileSync(file, text);
  return file;
};

describe('Azure Pipelines task adapter: several credentials (config)', () => {
  const A = azureDevOpsPat(NOW, 0, 'FAKEx0TSKx0ONEx0NOTxREAL');
  const B = azureDevOpsPat(NOW, 0, 'FAKEx0TSKx0TWOx0NOTxREAL');
  const G = githubPat('FAKEx0TSKx0GHx0NOTxREAL').slice(0, -1) + 'x';
  const file = () =>
    writeConfig(
      `defaults:\n  offline: true\ncredentials:\n  - name: fabrikam\n    token-env: FABRIKAM_PAT\n    url: https://dev.azure.com/fabrikam\n  - name: contoso\n    token-env: CONTOSO_PAT\n    url: https://dev.azure.com/contoso\n  - name: github\n    token-env: GH_TOKEN\n    provider: github\n`,
    );

  it('reads each token from the step environment, masks them all first, one issue per finding with the credential named', async () => {
    const f = fakeTl({
      config: file(),
      provider: 'auto',
      tokenType: 'auto',
      minDaysRemaining: '7',
      offline: 'false',
      failOnWarning: 'false',
      useSystemAccessToken: 'false',
    });
    const multi = (await run(f.tl, { FABRIKAM_PAT: A, CONTOSO_PAT: B, GH_TOKEN: G }, f.io, deps)) as MultiReport;
    const firstSecret = f.calls.findIndex((c) => c.fn === 'setSecret');
    const firstOutput = f.calls.findIndex((c) => ['setVariable', 'logIssue', 'setResult', 'uploadSummary', 'debug'].includes(c.fn));
    expect(firstSecret).toBeLessThan(firstOutput);
    const masked = f.calls
      .slice(0, firstOutput)
      .filter((c) => c.fn === 'setSecret')
      .map((c) => c.args[0]);
    for (const form of [...secretForms(A), ...secretForms(B), ...secretForms(G)]) expect(masked).toContain(form);

    expect(multi.credentials.map((c) => [c.name, c.report.outcome])).toEqual([
      ['fabrikam', 'passed'],
      ['contoso', 'passed'],
      ['github', 'failed'],
    ]);
    const issues = f.calls.filter((c) => c.fn === 'logIssue');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.args[0]).toBe(IssueType.Error);
    expect(String(issues[0]!.args[1])).toMatch(/^\[github\] /);
    expect(issues[0]!.args[5]).toBe('token.checksum');
    expect(f.lines.some((l) => l.startsWith('[fabrikam] online.skipped: '))).toBe(true);
    expect(f.vars()).toMatchObject({ outcome: 'failed' });
    expect(JSON.parse(String(f.vars().report)).credentials).toHaveLength(3);
    expect(f.calls.find((c) => c.fn === 'setResult')!.args).toEqual([
      TaskResult.Failed,
      'credential-preflight failed: github: token.checksum',
    ]);
    const summary = fs.readFileSync(String(f.calls.find((c) => c.fn === 'uploadSummary')!.args[0]), 'utf8');
    expect(summary).toContain('| **github** | ❌ failed |');
    const visible = JSON.stringify(f.calls.filter((c) => c.fn !== 'setSecret')) + f.lines.join('\n') + summary;
    for (const t of [A, B, G]) expect(leaks(visible, t)).toEqual([]);
  });

  it('applies the step’s minDaysRemaining and timeoutSeconds to entries that set none; an invalid one is one finding for the step', async () => {
    const env = { FABRIKAM_PAT: A, CONTOSO_PAT: B, GH_TOKEN: G };
    const f = fakeTl({ config: file(), minDaysRemaining: '400', timeoutSeconds: '45' });
    const multi = (await run(f.tl, env, f.io, deps)) as MultiReport;
    expect(multi.credentials.map((c) => [c.name, c.report.outcome])).toEqual([
      ['fabrikam', 'warned'],
      ['contoso', 'warned'],
      ['github', 'failed'],
    ]);
    const bad = fakeTl({ config: file(), timeoutSeconds: 'soon' });
    const failed = (await run(bad.tl, env, bad.io, deps)) as MultiReport;
    expect(failed).toMatchObject({ outcome: 'failed', credentials: [] });
    expect(failed.findings.map((x) => [x.code, x.message.split(' ')[0]])).toEqual([['config.invalid', '`timeoutSeconds`']]);
  });

  it('an empty filePath input (the agent passes the sources directory) means single-credential mode', async () => {
    const sources = tempDir('task-src');
    const f = fakeTl({ config: sources, url: 'https://dev.azure.com/fabrikam', offline: 'true' }, { 'Build.SourcesDirectory': sources });
    const report = (await run(f.tl, { INPUT_TOKEN: A }, f.io, deps)) as Report;
    expect(report).toMatchObject({ outcome: 'passed', tokenKind: 'azure-devops.pat' });
  });

  it('resolves a relative path against System.DefaultWorkingDirectory, and refuses single-credential inputs beside it', async () => {
    const abs = file();
    const f = fakeTl(
      { config: path.basename(abs), serviceConnection: 'conn', useSystemAccessToken: 'true' },
      { 'System.DefaultWorkingDirectory': path.dirname(abs) },
    );
    const multi = (await run(f.tl, { INPUT_TOKEN: A, FABRIKAM_PAT: A, CONTOSO_PAT: B, GH_TOKEN: G }, f.io, deps)) as MultiReport;
    expect(multi.config).toBe(abs);
    expect(multi.findings[0]!.message).toContain('`token`, `serviceConnection`, `useSystemAccessToken` cannot be combined with `config`');
    expect(multi.outcome).toBe('failed');
    expect(f.calls.filter((c) => c.fn === 'logIssue').map((c) => c.args[5])).toContain('config.invalid');
  });
});

describe('Azure Pipelines task adapter: debug log follows system.debug (emulator)', () => {
  let emu: AzureDevOpsEmulator;
  const A = azureDevOpsPat(NOW, 0, 'FAKEx0TDBGx0ONEx0NOTxREAL');
  const E = azureDevOpsPat(NOW, 0, 'FAKEx0TEVEx0ONEx0NOTxREAL');
  const EVIL = 'Eve\n::add-mask::x\n##vso[task.setvariable variable=PATH]/tmp\x1b[2J';
  beforeAll(async () => {
    emu = await startAzureDevOpsEmulator({
      mode: 'server',
      organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000601', name: 'Fabrikam-Fiber' }] }],
      tokens: {
        [A]: {
          user: { id: '00000000-fa4e-7e57-0000-0000000000e1', displayName: 'T', uniqueName: 't@example.test' },
          organizations: ['fabrikam'],
          scopes: ['vso.project'],
        },
        [E]: {
          user: { id: '00000000-fa4e-7e57-0000-0000000000e2', displayName: EVIL, uniqueName: 'e@example.test' },
          organizations: ['fabrikam'],
          scopes: ['vso.project'],
        },
      },
    });
  });
  afterAll(async () => emu.close());

  it('with System.Debug each request is one debug line without the credential; without it, none', async () => {
    const dispatcher = emu.dispatcher();
    const inputs = { url: emu.collectionUrl('fabrikam'), project: 'Fabrikam-Fiber' };
    const on = fakeTl(inputs, { 'System.Debug': 'true' });
    expect(((await run(on.tl, { INPUT_TOKEN: A }, on.io, { ...deps, dispatcher })) as Report).outcome).toBe('passed');
    const lines = on.calls.filter((c) => c.fn === 'debug').map((c) => String(c.args[0]));
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^credential-preflight: GET 127\\.0\\.0\\.1:${emu.port}/fabrikam/_apis/projects/Fabrikam-Fiber → 200 \\(\\d+ ms\\)`),
      ),
    );
    expect(leaks(lines.join('\n'), A)).toEqual([]);
    const off = fakeTl(inputs);
    await run(off.tl, { INPUT_TOKEN: A }, off.io, { ...deps, dispatcher });
    expect(off.calls.some((c) => c.fn === 'debug')).toBe(false);
    await dispatcher.close();
  });

  it('a display name from the server cannot break a log line or issue a ##vso command', async () => {
    const dispatcher = emu.dispatcher();
    const f = fakeTl({ url: emu.collectionUrl('fabrikam'), project: 'Fabrikam-Fiber' });
    const report = (await run(f.tl, { INPUT_TOKEN: E }, f.io, { ...deps, dispatcher })) as Report;
    await dispatcher.close();
    expect(report.identity!.name).toBe(EVIL);
    const identity = f.lines.filter((l) => l.includes('token.identity'));
    expect(identity).toHaveLength(1);
    // eslint-disable-next-line no-control-regex
    expect(f.lines.join('\n')).not.toMatch(/##vso\[|[\x00-\x09\x0b-\x1f]|\n::/);
  });
});
