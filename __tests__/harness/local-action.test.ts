/**
 * The GitHub Action under @github/local-action: it loads the action's TypeScript source (through tsx),
 * stubs @actions/core, reads action.yml for input defaults, takes INPUT_* and GITHUB_STEP_SUMMARY from
 * a .env file, and prints annotations and outputs — the closest thing to the runner offline. The test
 * CA reaches the action the way it reaches it on a self-hosted runner: NODE_EXTRA_CA_CERTS in the
 * process environment (Node reads it at start, so it cannot come from the .env file).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { caFile } from '../emulators/tls.js';
import { ROOT, baseEnv, withoutMaskCommands } from '../support/run-bundle.js';
import { tempDir } from '../support/temp.js';
import { leaks } from '../support/tokens.js';
import { IDENTITY, PROJECT, startFixture, type HarnessFixture } from './fixture.js';

const LOCAL_ACTION = path.join(ROOT, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');
let fx: HarnessFixture;
let dir: string;

beforeAll(async () => {
  fx = await startFixture();
  dir = tempDir('local-action');
});
afterAll(async () => {
  await fx.emu.close();
});

interface LocalRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** One local-action run with these inputs (action.yml ids: hyphens stay, as the runner passes them). */
function localAction(name: string, inputs: Record<string, string>, trustTestCa = true): Promise<LocalRun> {
  const envFile = path.join(dir, `${name}.env`);
  const summaryFile = path.join(dir, `${name}-summary.md`);
  const lines = Object.entries(inputs).map(([k, v]) => `INPUT_${k.toUpperCase()}=${JSON.stringify(v)}`);
  fs.writeFileSync(envFile, [...lines, `GITHUB_STEP_SUMMARY=${summaryFile}`, ''].join('\n'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOCAL_ACTION, 'run', ROOT, 'src/action/local.ts', envFile], {
      cwd: ROOT,
      // local-action starts tsx through `npm exec`; keep npm's update notice out of stderr.
      // TMPDIR: tsx keeps its compile cache in os.tmpdir(); the runs share one, in this file's directory.
      env: baseEnv({ NODE_EXTRA_CA_CERTS: trustTestCa ? caFile : undefined, npm_config_update_notifier: 'false', TMPDIR: dir }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // The stub prints each output as `::set-output name=…::value` (one line; the report is one-line JSON).
      const outputs = Object.fromEntries([...stdout.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
      resolve({ code, stdout, stderr, outputs, summary: fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8') : '' });
    });
  });
}

const common = () => ({ provider: 'azure-devops', url: fx.url, project: PROJECT });
const annotations = (r: LocalRun, type: 'error' | 'warning') =>
  [...r.stdout.matchAll(new RegExp(`^::${type} title=credential-preflight ([\\w.-]+)::`, 'gm'))].map((m) => m[1]);

describe('GitHub Action under @github/local-action, against the emulator', () => {
  it('passing credential: outcome passed, identity and project outputs, summary written, no annotations', async () => {
    fx.emu.clearLog();
    const r = await localAction('pass', { ...common(), token: fx.good, 'required-scopes': 'vso.code' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Running Action');
    expect(r.outputs).toMatchObject({ outcome: 'passed', identity: IDENTITY, project: PROJECT, 'token-kind': 'azure-devops.pat' });
    expect(JSON.parse(r.outputs.report!)).toMatchObject({ outcome: 'passed', scopes: { verified: ['vso.code'] } });
    expect([annotations(r, 'error'), annotations(r, 'warning')]).toEqual([[], []]);
    expect(r.stdout).not.toMatch(/^::error::/m);
    expect(r.summary).toContain('passed');
    // It really went online, through the test CA given as NODE_EXTRA_CA_CERTS.
    expect(fx.emu.requests.map((q) => q.path)).toContain('/fabrikam/_apis/connectionData');
    expect(leaks(withoutMaskCommands(r.stdout) + r.summary, fx.good)).toEqual([]);
  }, 120_000);

  it('warning: "Code: Read & Write" cannot be proven by a read → scope.unverifiable warning, outcome warned, step not failed', async () => {
    const r = await localAction('warn', { ...common(), token: fx.good, 'required-scopes': 'Code: Read & Write' });
    expect(r.stderr).toBe('');
    expect(r.outputs.outcome).toBe('warned');
    expect(annotations(r, 'warning')).toEqual(['scope.unverifiable']);
    expect(annotations(r, 'error')).toEqual([]);
    expect(r.stdout).not.toMatch(/^::error::/m);
    expect(leaks(withoutMaskCommands(r.stdout) + r.summary, fx.good)).toEqual([]);
  }, 120_000);

  it('failing credential: the server says the PAT expired → token.expired annotation, setFailed, outcome failed', async () => {
    const r = await localAction('fail', { ...common(), token: fx.expired, 'required-scopes': 'vso.code' });
    expect(r.stderr).toBe('');
    expect(r.outputs.outcome).toBe('failed');
    expect(annotations(r, 'error')).toEqual(['token.expired']);
    // local-action's setFailed stub records the failure and prints it, but leaves the exit code at 0.
    expect(r.stdout).toMatch(/^::error::credential-preflight failed: token\.expired: /m);
    expect(r.summary).toContain('failed');
    expect(leaks(withoutMaskCommands(r.stdout) + r.summary, fx.expired)).toEqual([]);
  }, 120_000);

  it('the CA is what makes it trust the emulator: without NODE_EXTRA_CA_CERTS → network.tls, outcome unverified, no verdict on the token', async () => {
    const r = await localAction('untrusted', { ...common(), token: fx.good, 'required-scopes': 'vso.code' }, false);
    expect(r.stderr).toBe('');
    expect(r.outputs.outcome).toBe('unverified');
    expect(annotations(r, 'error')).toEqual(['network.tls']);
    expect(leaks(withoutMaskCommands(r.stdout) + r.summary, fx.good)).toEqual([]);
  }, 120_000);
});
