/**
 * The action bundle writes workflow commands with src/action/workflow-commands.ts instead of
 * `@actions/core` (whose import costs most of the action's start-up): the same calls must produce
 * the same bytes on stdout, in $GITHUB_OUTPUT and in $GITHUB_STEP_SUMMARY, and the same errors.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import * as actionsCore from '@actions/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { workflowCommands } from '../../src/action/workflow-commands.js';

type Core = Pick<
  typeof workflowCommands,
  'getInput' | 'setSecret' | 'setOutput' | 'setFailed' | 'error' | 'warning' | 'info' | 'debug' | 'isDebug'
> & { summary: { addRaw(text: string): { write(): Promise<unknown> } } };

const TRICKY = ['plain', 'per%cent', 'two\nlines\r\n', 'colon: and, comma', '', '::error::injected'];

let dir: string;
let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-wfc-'));
  saved = { ...process.env };
});
afterEach(() => {
  process.env = saved;
  process.exitCode = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Everything one implementation wrote for `script`: stdout, the output and summary files, errors, exit code. */
async function capture(core: Core, script: (core: Core) => Promise<void> | void) {
  const out = path.join(dir, `output-${Math.random()}`);
  const summary = path.join(dir, `summary-${Math.random()}`);
  fs.writeFileSync(out, '');
  fs.writeFileSync(summary, '');
  process.env.GITHUB_OUTPUT = out;
  process.env.GITHUB_STEP_SUMMARY = summary;
  process.exitCode = undefined;
  let stdout = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  let thrown: string | undefined;
  try {
    await script(core);
  } catch (e) {
    thrown = String(e);
  } finally {
    spy.mockRestore();
  }
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  // The heredoc delimiter is random by design: compare its shape, not its value.
  const outputs = fs.readFileSync(out, 'utf8').replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_UUID');
  return { stdout, outputs, summary: fs.readFileSync(summary, 'utf8'), thrown, exitCode };
}

async function same(script: (core: Core) => Promise<void> | void) {
  const ours = await capture(workflowCommands, script);
  const theirs = await capture(actionsCore as unknown as Core, script);
  expect(ours).toEqual(theirs);
  return ours;
}

describe('workflow-commands.ts writes what @actions/core writes', () => {
  // First in the file: @actions/core remembers the summary file once a write succeeded (the
  // action writes once per process, so workflow-commands.ts need not).
  it('without $GITHUB_STEP_SUMMARY or its file, a summary write rejects alike', async () => {
    await same(async (core) => {
      delete process.env.GITHUB_STEP_SUMMARY;
      await core.summary.addRaw('lost').write();
    });
    const r = await same(async (core) => {
      process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'missing', 'summary');
      await core.summary.addRaw('lost').write();
    });
    expect(r.thrown).toMatch(/Unable to access summary file/);
  });

  it('the job summary is appended to $GITHUB_STEP_SUMMARY', async () => {
    const r = await same(async (core) => {
      await core.summary.addRaw('# one\n').write();
      await core.summary.addRaw('two').write();
    });
    // The text of the failed writes above stays buffered (in both) and goes out with the next one.
    expect(r.summary).toBe('lostlost# one\ntwo');
  });

  it('annotations, masks, debug and info lines, with every escape', async () => {
    const r = await same((core) => {
      for (const t of TRICKY) {
        core.setSecret(t);
        core.error(t, { title: `title ${t}` });
        core.warning(t, { title: t });
        core.error(t);
        core.warning(new Error(t));
        core.info(t);
        core.debug(t);
      }
      core.error('no title', { title: '' });
    });
    expect(r.stdout).toContain('::add-mask::two%0Alines%0D%0A');
    expect(r.stdout).toContain('::error title=title colon%3A and%2C comma::colon: and, comma');
  });

  it('outputs to $GITHUB_OUTPUT as heredocs, and without the file as set-output commands', async () => {
    const r = await same((core) => {
      for (const [i, t] of TRICKY.entries()) core.setOutput(`name-${i}`, t);
      core.setOutput('number', 42 as unknown as string);
    });
    expect(r.outputs).toContain('name-2<<ghadelimiter_UUID\ntwo\nlines\r\n\nghadelimiter_UUID\n');
    await same((core) => {
      delete process.env.GITHUB_OUTPUT;
      core.setOutput('outcome', 'passed\nnext');
    });
    await same((core) => {
      process.env.GITHUB_OUTPUT = path.join(dir, 'missing');
      core.setOutput('outcome', 'passed');
    });
  });

  it('inputs: upper-cased names with spaces as underscores, trimmed unless asked, required ones enforced', async () => {
    await same((core) => {
      process.env['INPUT_TOKEN-TYPE'] = '  auto \n';
      process.env.INPUT_MY_INPUT = ' x ';
      core.info(JSON.stringify([core.getInput('token-type'), core.getInput('token-type', { trimWhitespace: false })]));
      core.info(JSON.stringify([core.getInput('my input'), core.getInput('absent')]));
      core.getInput('absent', { required: true });
    });
  });

  it('setFailed sets exit code 1 and writes an error; isDebug follows RUNNER_DEBUG=1', async () => {
    const r = await same((core) => {
      core.setFailed('it failed: 100%');
      process.env.RUNNER_DEBUG = '1';
      core.info(String(core.isDebug()));
      process.env.RUNNER_DEBUG = 'true';
      core.info(String(core.isDebug()));
    });
    expect(r.exitCode).toBe(1);
  });
});
