import { describe, expect, it } from '@jest/globals';
import { run, type ActionsCore } from '../../src/action/main.js';
import { adoPat, leaks } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = { now: () => NOW, monotonic: () => 0 };

interface Call {
  fn: string;
  args: unknown[];
}

function fakeCore(inputs: Record<string, string>, opts: { throwOn?: string } = {}) {
  const calls: Call[] = [];
  const summary = {
    text: '',
    addRaw(t: string) {
      summary.text += t;
      return summary;
    },
    async write() {
      calls.push({ fn: 'summary.write', args: [summary.text] });
      return summary;
    },
  };
  const record =
    (fn: string) =>
    (...args: unknown[]) => {
      calls.push({ fn, args });
    };
  const core = {
    getInput: (name: string) => {
      if (name === opts.throwOn) throw new Error(`boom while reading ${name}`);
      return inputs[name] ?? '';
    },
    setSecret: record('setSecret'),
    setOutput: record('setOutput'),
    setFailed: record('setFailed'),
    error: record('error'),
    warning: record('warning'),
    info: record('info'),
    debug: record('debug'),
    isDebug: () => false,
    summary,
  } as unknown as ActionsCore;
  const outputs = () => Object.fromEntries(calls.filter((c) => c.fn === 'setOutput').map((c) => c.args as [string, string]));
  const visible = () => JSON.stringify(calls.filter((c) => c.fn !== 'setSecret'));
  return { core, calls, outputs, visible };
}

describe('GitHub Action adapter', () => {
  it('masks the token and its derived forms before anything else, and passes a good token', async () => {
    const token = adoPat(NOW);
    const f = fakeCore({ token, url: 'https://dev.azure.com/fabrikam', project: 'Fabrikam-Fiber', offline: 'true' });
    const report = await run(f.core, { GITHUB_STEP_SUMMARY: '/tmp/summary' }, deps);
    const firstOther = f.calls.findIndex((c) => c.fn !== 'setSecret');
    const secrets = f.calls.slice(0, firstOther).map((c) => c.args[0]);
    expect(secrets).toContain(token);
    expect(secrets).toContain(Buffer.from(`:${token}`).toString('base64'));
    expect(f.calls.slice(firstOther).some((c) => c.fn === 'setSecret')).toBe(false);
    expect(report?.outcome).toBe('passed');
    expect(f.outputs()).toMatchObject({ outcome: 'passed', project: 'Fabrikam-Fiber', 'token-kind': 'azure-devops.pat' });
    expect(JSON.parse(f.outputs().report!).outcome).toBe('passed');
    expect(f.calls.some((c) => c.fn === 'setFailed')).toBe(false);
    expect(f.calls.find((c) => c.fn === 'summary.write')!.args[0]).toContain('passed');
    expect(leaks(f.visible(), token)).toEqual([]);
  });

  it('fails with an error annotation titled by code for an unexpanded variable', async () => {
    const f = fakeCore({ token: '$(AZURE_DEVOPS_PAT)', url: 'https://dev.azure.com/fabrikam' });
    const report = await run(f.core, {}, deps);
    expect(report?.outcome).toBe('failed');
    const err = f.calls.find((c) => c.fn === 'error')!;
    expect(err.args[1]).toEqual({ title: 'credential-preflight token.unexpanded' });
    expect(f.calls.find((c) => c.fn === 'setFailed')!.args[0]).toContain('token.unexpanded');
    expect(f.calls.some((c) => c.fn === 'summary.write')).toBe(false); // no GITHUB_STEP_SUMMARY
  });

  it('warns without failing, and fails on warnings when asked', async () => {
    const token = adoPat(NOW, 12);
    const warned = fakeCore({ token, url: 'https://dev.azure.com/fabrikam', 'min-days-remaining': '30', offline: 'true' });
    expect((await run(warned.core, {}, deps))?.outcome).toBe('warned');
    expect(warned.calls.some((c) => c.fn === 'warning' && String(c.args[0]).includes('expire'))).toBe(true);
    expect(warned.calls.some((c) => c.fn === 'setFailed')).toBe(false);
    expect(warned.outputs()['days-remaining']).toMatch(/^\d+$/);
    const strict = fakeCore({ token, url: 'https://dev.azure.com/fabrikam', 'min-days-remaining': '30', offline: 'true', 'fail-on-warning': 'true' });
    expect((await run(strict.core, {}, deps))?.outcome).toBe('failed');
    expect(strict.calls.some((c) => c.fn === 'setFailed')).toBe(true);
  });

  it('takes the token from the conventional environment variable when the input is empty, masked first', async () => {
    const token = adoPat(NOW);
    const f = fakeCore({ url: 'https://dev.azure.com/fabrikam', offline: 'true' });
    const report = await run(f.core, { AZURE_DEVOPS_PAT: token }, deps);
    expect(report?.outcome).toBe('passed');
    expect(f.calls[0]).toEqual({ fn: 'setSecret', args: [token] });
  });

  it('names where it looked when there is no token', async () => {
    const f = fakeCore({ provider: 'github' });
    await run(f.core, {}, deps);
    expect(String(f.calls.find((c) => c.fn === 'error')!.args[0])).toContain('GITHUB_TOKEN');
  });

  it('turns a crash into a clean failure that does not leak the token', async () => {
    const token = adoPat(NOW);
    const f = fakeCore({ token }, { throwOn: 'url' });
    expect(await run(f.core, {}, deps)).toBeUndefined();
    expect(String(f.calls.find((c) => c.fn === 'setFailed')!.args[0])).toContain('crashed');
    expect(leaks(f.visible(), token)).toEqual([]);
  });
});
