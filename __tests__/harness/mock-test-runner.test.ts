/**
 * The Azure Pipelines task, staged exactly as the extension ships it (task.json, icon.png and the
 * bundle under CredentialPreflightV1/, by scripts/package.mjs), run through azure-pipelines-task-lib's
 * MockTestRunner with one small runner script per case (task-*.mjs). Offline: the runner uses this
 * Node (nodePath) instead of downloading one. MockTestRunner reports `succeeded` when the task crashed,
 * so every case also asserts an empty stderr and the `task.complete` result line itself.
 * The test CA reaches the task as the agent hands it over: Agent.CAInfo (the agent's --sslcacert).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { caFile } from '../emulators/tls.js';
import { ROOT, baseEnv, withoutMaskCommands } from '../support/run-bundle.js';
import { leaks } from '../support/tokens.js';
import { IDENTITY, PROJECT, startFixture, type HarnessFixture } from './fixture.js';
import { tempDir } from '../support/temp.js';

const HERE = path.join(ROOT, '__tests__', 'harness');
let fx: HarnessFixture;
let dir: string;
let taskDir: string;

beforeAll(async () => {
  fx = await startFixture();
  dir = tempDir('mock-test');
  taskDir = execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'package.mjs'), '--stage-dir', path.join(dir, 'extension'), '--stage-only'],
    { cwd: ROOT, encoding: 'utf8' },
  ).trim();
});
afterAll(async () => {
  await fx.emu.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface MockRun {
  succeeded: boolean;
  stdout: string;
  stderr: string;
}

/** Runs one case script through MockTestRunner (in mock-test-driver.mjs: see why there). */
function mockTest(
  caseScript: string,
  token: string,
  entry = path.join(taskDir, 'dist', 'task', 'index.js'),
  agentCa: string | null = caFile,
): Promise<MockRun> {
  const env = baseEnv({
    HARNESS_TASK_ENTRY: entry,
    HARNESS_URL: fx.url,
    HARNESS_TOKEN: token,
    AGENT_CAINFO: agentCa ?? undefined,
    AGENT_TEMPDIRECTORY: dir,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(HERE, 'mock-test-driver.mjs'), path.join(HERE, caseScript), path.join(taskDir, 'task.json')],
      { cwd: ROOT, env },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as MockRun) : reject(new Error(`mock-test-driver exited ${code}: ${err}`)),
    );
  });
}

const issues = (r: MockRun, type: 'error' | 'warning') =>
  [...r.stdout.matchAll(new RegExp(`##vso\\[task\\.logissue type=${type};code=([\\w.-]+);\\]`, 'g'))].map((m) => m[1]);
const variable = (r: MockRun, name: string) =>
  new RegExp(`##vso\\[task\\.setvariable variable=${name};isOutput=true;issecret=false;\\](.*)`).exec(r.stdout)?.[1];
const results = (r: MockRun) => [...r.stdout.matchAll(/##vso\[task\.complete result=(\w+);\]/g)].map((m) => m[1]);

describe('Azure Pipelines task bundle under MockTestRunner, against the emulator', () => {
  it('stages the task folder the extension ships: task.json, icon.png and task.json’s execution target', () => {
    const task = JSON.parse(fs.readFileSync(path.join(taskDir, 'task.json'), 'utf8'));
    expect(path.basename(taskDir)).toBe('CredentialPreflightV1');
    for (const handler of Object.values(task.execution) as { target: string }[])
      expect(fs.existsSync(path.join(taskDir, handler.target))).toBe(true);
    expect(fs.existsSync(path.join(taskDir, 'icon.png'))).toBe(true);
    // The bundle is ESM: its package.json {"type":"module"} must travel with it.
    expect(JSON.parse(fs.readFileSync(path.join(taskDir, 'dist', 'task', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
  });

  it('passing credential: Succeeded, output variables set, no issues', async () => {
    fx.emu.clearLog();
    const r = await mockTest('task-pass.mjs', fx.good);
    expect(r.stderr).toBe('');
    expect(r.succeeded).toBe(true);
    expect(results(r)).toEqual(['Succeeded']);
    expect([issues(r, 'error'), issues(r, 'warning')]).toEqual([[], []]);
    expect([variable(r, 'outcome'), variable(r, 'identity'), variable(r, 'project')]).toEqual(['passed', IDENTITY, PROJECT]);
    expect(r.stdout).toMatch(/##vso\[task\.uploadsummary\]/);
    expect(fx.emu.requests.map((q) => q.path)).toContain('/fabrikam/_apis/connectionData');
    expect(leaks(withoutMaskCommands(r.stdout), fx.good)).toEqual([]);
  }, 60_000);

  it('warning: SucceededWithIssues with a scope.unverifiable warning issue', async () => {
    const r = await mockTest('task-warn.mjs', fx.good);
    expect(r.stderr).toBe('');
    expect(r.succeeded).toBe(true);
    expect(results(r)).toEqual(['SucceededWithIssues']);
    expect(issues(r, 'warning')).toEqual(['scope.unverifiable']);
    expect(issues(r, 'error')).toEqual([]);
    expect(variable(r, 'outcome')).toBe('warned');
    expect(leaks(withoutMaskCommands(r.stdout), fx.good)).toEqual([]);
  }, 60_000);

  it('failing credential: Failed with a token.expired error issue', async () => {
    const r = await mockTest('task-fail.mjs', fx.expired);
    expect(r.stderr).toBe('');
    expect(r.succeeded).toBe(false);
    expect(results(r)).toEqual(['Failed']);
    expect(issues(r, 'error')).toEqual(['token.expired']);
    expect(variable(r, 'outcome')).toBe('failed');
    expect(leaks(withoutMaskCommands(r.stdout), fx.expired)).toEqual([]);
  }, 60_000);

  it('the agent CA is what makes it trust the emulator: without Agent.CAInfo → Failed with network.tls, outcome unverified', async () => {
    const r = await mockTest('task-pass.mjs', fx.good, undefined, null);
    expect(r.stderr).toBe('');
    expect(results(r)).toEqual(['Failed']);
    expect(issues(r, 'error')).toEqual(['network.tls']);
    expect(variable(r, 'outcome')).toBe('unverified');
  }, 60_000);

  it('why stderr is asserted: a task that cannot even load still counts as "succeeded" for MockTestRunner', async () => {
    const r = await mockTest('task-pass.mjs', fx.good, path.join(dir, 'missing', 'index.js'));
    expect(r.succeeded).toBe(true);
    expect(results(r)).toEqual([]);
    expect(r.stderr).toContain('Cannot find module');
  }, 60_000);
});
