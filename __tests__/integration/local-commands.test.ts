/**
 * The commands CONTRIBUTING.md gives for running the action and the task locally, run exactly as
 * written (through `sh -c`, from the repository root), offline: each must end as the page says.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, baseEnv, runCommand, withoutMaskCommands } from '../support/run-bundle.js';
import { tempDir } from '../support/temp.js';
import { leaks } from '../support/tokens.js';

// azure-pipelines-task-lib keeps its vault key in `.taskkey` in the folder it runs from: the task's
// local run leaves one in the checkout, which this test removes again (it is git-ignored as well).
const TASK_KEY = path.join(ROOT, '.taskkey');
const hadTaskKey = fs.existsSync(TASK_KEY);
afterAll(() => {
  if (!hadTaskKey) fs.rmSync(TASK_KEY, { force: true });
});

const contributing = fs.readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');
/** The one command in the sh block under a heading of CONTRIBUTING.md. */
function documented(heading: string): string {
  const m = new RegExp(`^## ${heading}\\n\\n\`\`\`sh\\n(.+)\\n\`\`\`$`, 'm').exec(contributing);
  expect(m).not.toBeNull();
  return m![1]!;
}
/** The sample token of an env file (a stand-in, but it must still never be printed unmasked). */
const sampleToken = (file: string) => /^INPUT_TOKEN=(.+)$/m.exec(fs.readFileSync(path.join(ROOT, file), 'utf8'))![1]!;

// A clean environment (no CI variables, no NODE_OPTIONS from jest); keep npm's update notice quiet.
// Its own TMPDIR, removed after the file: the task's summary file and local-action's tsx cache go there.
const tmp = tempDir('local-commands');
const sh = (command: string) => runCommand('sh', ['-c', command], { env: baseEnv({ npm_config_update_notifier: 'false', TMPDIR: tmp }) });

describe('CONTRIBUTING.md: running the action and the task locally', () => {
  it('the action command runs the TypeScript source under @github/local-action and passes', async () => {
    const command = documented('Running the action locally');
    expect(command).toBe('npm run action:local');
    const r = await sh(command);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Running Action');
    expect(r.stdout).toMatch(/^::set-output name=outcome::passed$/m);
    expect(r.stdout).toMatch(/^::set-output name=token-kind::azure-devops\.system-access-token$/m);
    expect(r.stdout).not.toMatch(/^::error::/m);
    expect(r.stderr).not.toMatch(/Error/);
    expect(leaks(withoutMaskCommands(r.stdout) + r.stderr, sampleToken('scripts/local/action.env'))).toEqual([]);
  }, 60_000);

  it('the task command runs the shipped bundle with inputs from the environment and succeeds', async () => {
    const command = documented('Running the task locally');
    expect(command).toBe('npm run task:local');
    const r = await sh(command);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^##vso\[task\.setvariable variable=outcome;isOutput=true;issecret=false;\]passed$/m);
    expect(r.stdout).toMatch(/^##vso\[task\.complete result=Succeeded;\]credential-preflight passed\.$/m);
    expect(r.stderr).not.toMatch(/Error/);
    expect(leaks(withoutMaskCommands(r.stdout) + r.stderr, sampleToken('scripts/local/task.env'))).toEqual([]);
  }, 30_000);

  it('variables set in the shell win over the task env file, as documented (an undefined secret fails)', async () => {
    const command = /`(INPUT_[^`]*npm run task:local)`/.exec(contributing)?.[1];
    expect(command).toBe("INPUT_TOKENTYPE=auto INPUT_TOKEN='$(AZURE_DEVOPS_PAT)' npm run task:local");
    const r = await sh(command!);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^##vso\[task\.complete result=Failed;\]credential-preflight failed: token\.unexpanded: /m);
  }, 30_000);
});
