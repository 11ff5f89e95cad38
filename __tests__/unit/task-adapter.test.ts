import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type TaskLib } from '../../src/task/main.js';
import { adoPat, leaks } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = { now: () => NOW, monotonic: () => 0 };
const TaskResult = { Succeeded: 0, SucceededWithIssues: 1, Failed: 2 };
const IssueType = { Error: 0, Warning: 1 };

interface Endpoint {
  url: string;
  scheme: string;
  parameters: Record<string, string>;
}

function fakeTl(inputs: Record<string, string>, variables: Record<string, string> = {}, endpoints: Record<string, Endpoint> = {}) {
  const calls: Array<{ fn: string; args: unknown[] }> = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-task-'));
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
    getEndpointAuthorization: (id: string) => (endpoints[id] ? { scheme: endpoints[id]!.scheme, parameters: endpoints[id]!.parameters } : undefined),
    getHttpProxyConfiguration: () => null,
    getHttpCertConfiguration: () => null,
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
    const token = adoPat(NOW);
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

  it('reports SucceededWithIssues on warnings', async () => {
    const f = fakeTl({ url: 'https://dev.azure.com/fabrikam', minDaysRemaining: '30', offline: 'true' });
    const report = await run(f.tl, { INPUT_TOKEN: adoPat(NOW, 12) }, f.io, deps);
    expect(report?.outcome).toBe('warned');
    expect(f.calls.find((c) => c.fn === 'setResult')!.args[0]).toBe(TaskResult.SucceededWithIssues);
  });

  it('never hands task-lib a multi-line secret (it would throw), yet masks each line', async () => {
    const token = adoPat(NOW);
    const f = fakeTl({ url: 'https://dev.azure.com/fabrikam', offline: 'true' });
    const report = await run(f.tl, { INPUT_TOKEN: `${token}\n` }, f.io, deps);
    expect(report?.findings.map((x) => x.code)).toContain('token.whitespace');
    expect(f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0])).toContain(token);
  });

  it('takes URL and token from an Azure DevOps service connection', async () => {
    const token = adoPat(NOW);
    const f = fakeTl({ serviceConnection: 'conn-1', offline: 'true' }, {}, { 'conn-1': { url: 'https://dev.azure.com/fabrikam/', scheme: 'Token', parameters: { apitoken: token } } });
    const report = await run(f.tl, {}, f.io, deps);
    expect(report).toMatchObject({ tokenKind: 'azure-devops.pat', url: { normalized: 'https://dev.azure.com/fabrikam' } });
    expect(f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0])).toContain(token);
  });

  it("takes the job's System.AccessToken (opaque) with the collection and project of the run", async () => {
    const f = fakeTl({ useSystemAccessToken: 'true', offline: 'true' }, { 'System.CollectionUri': 'https://dev.azure.com/fabrikam/', 'System.TeamProject': 'Fabrikam-Fiber' }, {
      SYSTEMVSSCONNECTION: { url: 'https://dev.azure.com/fabrikam/', scheme: 'OAuth', parameters: { AccessToken: 'opaque-job-token-value-1234' } },
    });
    const report = await run(f.tl, {}, f.io, deps);
    expect(report).toMatchObject({ provider: 'azure-devops', tokenKind: 'azure-devops.system-access-token', project: { requested: 'Fabrikam-Fiber' } });
    expect(f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0])).toContain('opaque-job-token-value-1234');
  });

  it('says where it looked when the service connection has no token', async () => {
    const f = fakeTl({ serviceConnection: 'conn-2' }, {}, { 'conn-2': { url: 'https://dev.azure.com/fabrikam', scheme: 'None', parameters: {} } });
    const report = await run(f.tl, {}, f.io, deps);
    expect(report?.findings[0]).toMatchObject({ code: 'token.missing' });
    expect(report?.findings[0]!.message).toContain('conn-2');
  });
});
