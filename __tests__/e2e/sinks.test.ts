/**
 * Every sink of every front end, through the built bundles (CLI, action, task): one redaction on the
 * raw text before any encoding, every credential's forms scrubbed from every row, a secret typed where
 * a name belongs never printed, server text inert in every log line and every output later steps read,
 * and a closed stdout ending the CLI quietly. Needs `npm run build` (dist/).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, ROOT, runBundle, withoutMaskCommands, type BundleRun } from '../support/run-bundle.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';

const NOW = new Date();
const FABRIKAM = azureDevOpsPat(NOW, 0, 'FAKEx1FABRIKAMx1ROW');
const CONTOSO = azureDevOpsPat(NOW, 0, 'TESTx2CONTOSOx2ROW');
const HOSTILE = azureDevOpsPat(NOW, 0, 'FAKEx3HOSTILEx3EVE');
/** Terminal escapes (colour, OSC 8 hyperlink, 8-bit CSI), a line break starting a command, an agent command. */
const EVIL =
  'Eve\x1b[31mRed\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\r\n::error::forged\u009b2J ##vso[task.complete result=Succeeded;]';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

let emu: AzureDevOpsEmulator;
const temps: string[] = [];
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-e2e-sinks-'));
  temps.push(dir);
  return dir;
};

beforeAll(async () => {
  const user = (id: string, displayName: string) => ({ id, displayName, uniqueName: `${id.slice(-2)}@example.test` });
  emu = await startAzureDevOpsEmulator({
    mode: 'server',
    organizations: [
      { name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000801', name: 'Fabrikam-Fiber' }] },
      { name: 'contoso', projects: [{ id: '00000000-fa4e-7e57-0000-000000000802', name: 'Contoso-Web' }] },
    ],
    tokens: {
      [FABRIKAM]: {
        user: user('00000000-fa4e-7e57-0000-0000000008a1', 'Sink Tester'),
        organizations: ['fabrikam'],
        scopes: ['vso.project'],
      },
      // A server answer that carries another credential of the same step (a shared portal quoting it).
      [CONTOSO]: {
        user: user('00000000-fa4e-7e57-0000-0000000008a2', `Owner ${FABRIKAM}`),
        organizations: ['contoso'],
        scopes: ['vso.project'],
      },
      [HOSTILE]: { user: user('00000000-fa4e-7e57-0000-0000000008a3', EVIL), organizations: ['fabrikam'], scopes: ['vso.project'] },
    },
  });
});
afterAll(async () => {
  await emu?.close();
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

interface Sinks {
  cli: BundleRun[];
  action: BundleRun;
  task: BundleRun;
  outputs: string;
  summary: string;
  taskSummary: string;
}

/** The same step through the three bundles; inputs by their action names (the task's are derived). */
async function everyFrontEnd(inputs: Record<string, string>, env: Record<string, string> = {}, cliArgs: string[] = []): Promise<Sinks> {
  const dir = tmp();
  const taskDir = tmp();
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary.md');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const action: Record<string, string> = {};
  const task: Record<string, string> = {};
  for (const [k, v] of Object.entries(inputs)) {
    action[`INPUT_${k.toUpperCase()}`] = v;
    task[`INPUT_${k.replace(/-/g, '').toUpperCase()}`] = v;
  }
  const flags = Object.entries(inputs).flatMap(([k, v]) => {
    if (k === 'token') return [];
    return k === 'offline' ? [`--${k}`] : [`--${k}`, v];
  });
  const cliEnv = baseEnv({ ...env, NODE_EXTRA_CA_CERTS: caFile, CP_SINK_TOKEN: inputs.token });
  const tokenFlag = inputs.token === undefined ? [] : ['--token-env', 'CP_SINK_TOKEN'];
  const [text, json, act, tsk] = await Promise.all([
    runBundle('cli', [...flags, ...tokenFlag, ...cliArgs], cliEnv),
    runBundle('cli', [...flags, ...tokenFlag, ...cliArgs, '--format', 'json'], cliEnv),
    runBundle(
      'action',
      [],
      baseEnv({ ...env, ...action, NODE_EXTRA_CA_CERTS: caFile, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile }),
    ),
    runBundle('task', [], baseEnv({ ...env, ...task, NODE_EXTRA_CA_CERTS: caFile, AGENT_TEMPDIRECTORY: taskDir })),
  ]);
  const taskSummary = fs
    .readdirSync(taskDir)
    .map((f) => fs.readFileSync(path.join(taskDir, f), 'utf8'))
    .join('\n');
  return {
    cli: [text, json],
    action: act,
    task: tsk,
    outputs: fs.readFileSync(outputFile, 'utf8'),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    taskSummary,
  };
}

/** What each front end wrote, by sink; only the masking commands themselves are left out. */
function bySink(s: Sinks): Record<string, string> {
  return {
    'CLI text stdout': s.cli[0]!.stdout,
    'CLI json stdout': s.cli[1]!.stdout,
    'CLI stderr': s.cli[0]!.stderr + s.cli[1]!.stderr,
    'action log (annotations, failure line)': withoutMaskCommands(s.action.stdout) + s.action.stderr,
    'action GITHUB_OUTPUT': s.outputs,
    'action job summary': s.summary,
    'task log (issues, variables, result)': withoutMaskCommands(s.task.stdout) + s.task.stderr,
    'task uploaded summary': s.taskSummary,
  };
}

function expectNoLeak(s: Sinks, secret: string): void {
  const found = Object.entries(bySink(s))
    .filter(([, text]) => leaks(text, secret).length > 0)
    .map(([sink]) => sink);
  expect(found).toEqual([]);
}

describe('one redaction, on every sink, before any encoding', () => {
  it('hides a token with quotes, backslashes and Markdown characters that was also given as the project', async () => {
    const odd = 'Q7zR2"Lx9\\Vb4<Nm8>Kp3|Wt6%Yh1`Jd5&Fs0Ga';
    const s = await everyFrontEnd({
      provider: 'azure-devops',
      token: odd,
      url: 'https://dev.azure.com/fabrikam',
      project: odd,
      offline: 'true',
    });
    expectNoLeak(s, odd);
    // Not vacuous: every front end ran to its verdict and wrote its outputs.
    expect(s.cli[1]!.stdout).toContain('"outcome": "failed"');
    expect(s.outputs).toMatch(/project<<ghadelimiter_[\w-]+\n\*\*\*\n/);
    expect(s.task.stdout).toContain('##vso[task.setvariable variable=project;isOutput=true;issecret=false;]***');
    expect(s.summary + s.taskSummary).toContain('credential-preflight');
  });

  it('never prints a secret typed where a name belongs (the token variable, the credentials file path)', async () => {
    const token = githubPat('FAKEx0SINKx0NAMEx0NOTxREAL');
    const dir = tmp();
    const config = path.join(dir, `${token}.yml`);
    const s = await everyFrontEnd({ config }, {}, []);
    expectNoLeak(s, token);
    expect(s.cli[0]!.stdout).toContain('config.file');
    expect(s.action.stdout).toContain('config.file');
    expect(s.task.stdout).toContain('code=config.file');
    const cli = await runBundle('cli', ['--provider', 'github', '--token-env', token, '--offline'], baseEnv());
    expect(cli.stdout).toContain('token.missing');
    expect(leaks(cli.stdout + cli.stderr, token)).toEqual([]);
  });

  it("scrubs every credential's forms from every row: one row's server answer quoting another credential", async () => {
    const dir = tmp();
    const file = path.join(dir, 'credentials.yml');
    fs.writeFileSync(
      file,
      `defaults:\n  provider: azure-devops\n  min-days-remaining: 0\ncredentials:\n  - name: fabrikam\n    url: ${emu.collectionUrl('fabrikam')}\n    token-env: FABRIKAM_PAT\n  - name: contoso\n    url: ${emu.collectionUrl('contoso')}\n    token-env: CONTOSO_PAT\n`,
    );
    emu.clearLog();
    const s = await everyFrontEnd({ config: file }, { FABRIKAM_PAT: FABRIKAM, CONTOSO_PAT: CONTOSO });
    expectNoLeak(s, FABRIKAM);
    expectNoLeak(s, CONTOSO);
    // Not vacuous: the contoso row really got the other credential in its identity.
    expect(emu.requests.some((r) => r.path.startsWith('/contoso/'))).toBe(true);
    expect(JSON.parse(s.cli[1]!.stdout).credentials[1].report.identity.name).toMatch(/^Owner \*\*\*/);
    expect(s.summary).toContain('Owner \\*\\*\\*');
  });
});

describe('server text is inert everywhere', () => {
  it('strips escapes and control characters from every log line, the failure line and the identity / project outputs', async () => {
    const s = await everyFrontEnd({
      provider: 'azure-devops',
      token: HOSTILE,
      url: emu.collectionUrl('fabrikam'),
      project: 'Fabrikam\x1b[8m-Fiber',
      'min-days-remaining': '0',
    });
    for (const [sink, text] of Object.entries(bySink(s)))
      expect([sink, text.split('\n').filter((l) => CONTROL.test(l))]).toEqual([sink, []]);
    // The identity output later steps read: one inert line, its agent command broken up, in both front ends.
    const inertIdentity = 'EveRedlink  ::error::forged #\u200B#vso[task.complete result=Succeeded;]';
    expect(/identity<<(ghadelimiter_[\w-]+)\n(.*)\n\1/.exec(s.outputs)?.[2]).toBe(inertIdentity);
    expect(/##vso\[task\.setvariable variable=identity;[^\]]*\](.*)$/m.exec(s.task.stdout)?.[1]).toBe(inertIdentity);
    // No line of either log is a command the server wrote; the agent command is broken up.
    expect(s.action.stdout.split('\n').some((l) => l.startsWith('::error::forged'))).toBe(false);
    expect(s.task.stdout.split('\n').filter((l) => l.includes('##vso[task.complete result=Succeeded'))).toEqual([]);
    expect(s.task.stdout).toContain('##vso[task.complete result=Failed;]');
    expect(s.action.code).toBe(1);
  });
});

describe('a closed stdout', () => {
  /** The CLI with its stdout's reader gone before it writes (as `… | head -1` does once it has its line). */
  function withClosedStdout(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('ends the run quietly with the check’s own exit code, no stack trace', async () => {
    const good = await withClosedStdout(['--provider', 'github', '--offline'], baseEnv({ GITHUB_TOKEN: githubPat() }));
    expect(good).toEqual({ code: 0, stderr: '' });
    const bad = await withClosedStdout(['--provider', 'github', '--offline'], baseEnv({ GITHUB_TOKEN: `${githubPat().slice(0, -1)}x` }));
    expect(bad).toEqual({ code: 1, stderr: '' });
    const demo = await withClosedStdout(['demo'], baseEnv());
    expect(demo.stderr).toBe('');
  });
});
