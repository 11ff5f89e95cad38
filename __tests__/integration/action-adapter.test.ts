import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type ActionsCore } from '../../src/action/main.js';
import type { MultiReport } from '../../src/core/preflight-many.js';
import type { Report } from '../../src/core/report.js';
import { secretForms } from '../../src/core/secrets.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = { now: () => NOW, monotonic: () => 0 };

interface Call {
  fn: string;
  args: unknown[];
}

function fakeCore(inputs: Record<string, string>, opts: { throwOn?: string; debug?: boolean } = {}) {
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
    // As @actions/core: trimmed unless asked not to.
    getInput: (name: string, options?: { trimWhitespace?: boolean }) => {
      if (name === opts.throwOn) throw new Error(`boom while reading ${name}`);
      const value = inputs[name] ?? '';
      return options?.trimWhitespace === false ? value : value.trim();
    },
    setSecret: record('setSecret'),
    setOutput: record('setOutput'),
    setFailed: record('setFailed'),
    error: record('error'),
    warning: record('warning'),
    info: record('info'),
    debug: record('debug'),
    isDebug: () => opts.debug ?? false,
    summary,
  } as unknown as ActionsCore;
  const outputs = () => Object.fromEntries(calls.filter((c) => c.fn === 'setOutput').map((c) => c.args as [string, string]));
  const visible = () => JSON.stringify(calls.filter((c) => c.fn !== 'setSecret'));
  return { core, calls, outputs, visible };
}

describe('GitHub Action adapter', () => {
  it('masks the token and its derived forms before anything else, and passes a good token', async () => {
    const token = azureDevOpsPat(NOW);
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
    const token = azureDevOpsPat(NOW, 12);
    const warned = fakeCore({ token, url: 'https://dev.azure.com/fabrikam', 'min-days-remaining': '30', offline: 'true' });
    expect((await run(warned.core, {}, deps))?.outcome).toBe('warned');
    expect(warned.calls.some((c) => c.fn === 'warning' && String(c.args[0]).includes('expire'))).toBe(true);
    expect(warned.calls.some((c) => c.fn === 'setFailed')).toBe(false);
    expect(warned.outputs()['days-remaining']).toMatch(/^\d+$/);
    const strict = fakeCore({
      token,
      url: 'https://dev.azure.com/fabrikam',
      'min-days-remaining': '30',
      offline: 'true',
      'fail-on-warning': 'true',
    });
    expect((await run(strict.core, {}, deps))?.outcome).toBe('failed');
    expect(strict.calls.some((c) => c.fn === 'setFailed')).toBe(true);
  });

  it('takes the token from the conventional environment variable when the input is empty, masked first', async () => {
    const token = azureDevOpsPat(NOW);
    const f = fakeCore({ url: 'https://dev.azure.com/fabrikam', offline: 'true' });
    const report = await run(f.core, { AZURE_DEVOPS_PAT: token }, deps);
    expect(report?.outcome).toBe('passed');
    expect(f.calls[0]).toEqual({ fn: 'setSecret', args: [token] });
  });

  it('sees the token input as stored: a trailing line break is token.whitespace, as on the task and the CLI', async () => {
    const token = azureDevOpsPat(NOW);
    const f = fakeCore({ token: `${token}\n`, url: 'https://dev.azure.com/fabrikam', offline: 'true' });
    const report = (await run(f.core, {}, deps)) as Report;
    expect(report.findings.map((x) => x.code)).toContain('token.whitespace');
    expect(report.outcome).toBe('failed');
    expect(f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0])).toEqual(expect.arrayContaining([`${token}\n`, token]));
    expect(leaks(f.visible(), token)).toEqual([]);
  });

  it('names where it looked when there is no token', async () => {
    const f = fakeCore({ provider: 'github' });
    await run(f.core, {}, deps);
    expect(String(f.calls.find((c) => c.fn === 'error')!.args[0])).toContain('GITHUB_TOKEN');
  });

  it('turns a crash into a clean failure that does not leak the token', async () => {
    const token = azureDevOpsPat(NOW);
    const f = fakeCore({ token }, { throwOn: 'url' });
    expect(await run(f.core, {}, deps)).toBeUndefined();
    expect(String(f.calls.find((c) => c.fn === 'setFailed')!.args[0])).toContain('crashed');
    expect(leaks(f.visible(), token)).toEqual([]);
  });
});

const writeConfig = (text: string): string => {
  const file = path.join(tempDir('action-config'), 'credentials.yml');
  fs.writeFileSync(file, text);
  return file;
};

describe('GitHub Action adapter: several credentials (config)', () => {
  const A = azureDevOpsPat(NOW, 0, 'FAKEx0ACTx0ONEx0NOTxREAL');
  const B = azureDevOpsPat(NOW, 12, 'FAKEx0ACTx0TWOx0NOTxREAL');
  const G = githubPat('FAKEx0ACTx0GHx0NOTxREAL');
  const offlineFile = () =>
    writeConfig(
      `defaults:\n  offline: true\ncredentials:\n  - name: fabrikam\n    token-env: FABRIKAM_PAT\n    url: https://dev.azure.com/fabrikam\n  - name: contoso\n    token-env: CONTOSO_PAT\n    url: https://dev.azure.com/contoso\n    min-days-remaining: 30\n  - name: github\n    token-env: GH_TOKEN\n    provider: github\n`,
    );

  it('masks every form of every token before anything else, then one annotation per finding, titled with the credential', async () => {
    const f = fakeCore({ config: offlineFile(), provider: 'auto', 'min-days-remaining': '7', offline: 'false', 'token-type': 'auto' });
    const multi = (await run(f.core, { FABRIKAM_PAT: A, CONTOSO_PAT: B, GH_TOKEN: G, GITHUB_STEP_SUMMARY: '/tmp/x' }, deps)) as MultiReport;
    const firstOther = f.calls.findIndex((c) => c.fn !== 'setSecret');
    const masked = f.calls.slice(0, firstOther).map((c) => c.args[0]);
    for (const form of [...secretForms(A), ...secretForms(B), ...secretForms(G)]) expect(masked).toContain(form);
    expect(f.calls.slice(firstOther).some((c) => c.fn === 'setSecret')).toBe(false);

    expect(multi.credentials.map((c) => [c.name, c.report.outcome])).toEqual([
      ['fabrikam', 'passed'],
      ['contoso', 'warned'],
      ['github', 'passed'],
    ]);
    expect(f.outputs()).toMatchObject({ outcome: 'warned', identity: '', 'expires-at': multi.credentials[1]!.report.expiresAt });
    const out = JSON.parse(f.outputs().report!);
    expect(out).toMatchObject({
      schemaVersion: 1,
      outcome: 'warned',
      credentials: [{ name: 'fabrikam' }, { name: 'contoso' }, { name: 'github' }],
    });
    const warnings = f.calls.filter((c) => c.fn === 'warning');
    expect(warnings.map((c) => (c.args[1] as { title: string }).title)).toEqual(['credential-preflight [contoso] token.expiring']);
    expect(f.calls.some((c) => c.fn === 'setFailed')).toBe(false);
    const summary = String(f.calls.find((c) => c.fn === 'summary.write')!.args[0]);
    expect(summary).toContain('3 credentials: 1 warned, 2 passed');
    for (const t of [A, B, G]) expect(leaks(f.visible(), t)).toEqual([]);
  });

  it('fails with config.file on a bad file, checking nothing', async () => {
    const f = fakeCore({ config: writeConfig('credentials:\n  - token-env: A\n    projet: X\n') });
    const multi = (await run(f.core, {}, deps)) as MultiReport;
    expect(multi).toMatchObject({ outcome: 'failed', credentials: [] });
    const err = f.calls.find((c) => c.fn === 'error')!;
    expect(err.args[1]).toEqual({ title: 'credential-preflight config.file' });
    expect(String(err.args[0])).toMatch(
      /credentials\.yml:3:5: credentials\[0\]\.projet is not a known key in a credential\. Fix: Did you mean `project`\?/,
    );
    expect(String(f.calls.find((c) => c.fn === 'setFailed')!.args[0])).toContain('config.file');
  });

  it('applies the step’s min-days-remaining and timeout-seconds to entries that set none; an invalid one is one finding for the step', async () => {
    const env = { FABRIKAM_PAT: A, CONTOSO_PAT: B, GH_TOKEN: G };
    const f = fakeCore({ config: offlineFile(), 'min-days-remaining': '400', 'timeout-seconds': '45' });
    const multi = (await run(f.core, env, deps)) as MultiReport;
    expect(multi.credentials.map((c) => [c.name, c.report.outcome, c.report.findings.some((x) => x.code === 'token.expiring')])).toEqual([
      ['fabrikam', 'warned', true],
      ['contoso', 'warned', true],
      ['github', 'passed', false],
    ]);
    const bad = fakeCore({ config: offlineFile(), 'timeout-seconds': 'soon' });
    const failed = (await run(bad.core, env, deps)) as MultiReport;
    expect(failed).toMatchObject({ outcome: 'failed', credentials: [] });
    expect(failed.findings.map((x) => [x.code, x.message.split(' ')[0]])).toEqual([['config.invalid', '`timeout-seconds`']]);
  });

  it('refuses single-credential inputs next to config, masking the stray token', async () => {
    const f = fakeCore({ config: offlineFile(), token: A, url: 'https://dev.azure.com/x' });
    const multi = (await run(f.core, { FABRIKAM_PAT: A, CONTOSO_PAT: B, GH_TOKEN: G }, deps)) as MultiReport;
    expect(multi.outcome).toBe('failed');
    expect(multi.findings[0]!.message).toContain('`token`, `url` cannot be combined with `config`');
    expect(f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0])).toContain(A);
    expect(leaks(f.visible(), A)).toEqual([]);
  });
});

describe('GitHub Action adapter: online, debug log and masking order (emulator)', () => {
  let emu: AzureDevOpsEmulator;
  const A = azureDevOpsPat(NOW, 0, 'FAKEx0DBGx0ONEx0NOTxREAL');
  const B = azureDevOpsPat(NOW, 0, 'FAKEx0DBGx0TWOx0NOTxREAL');
  const user = { id: '00000000-fa4e-7e57-0000-0000000000d1', displayName: 'Debug Tester', uniqueName: 'd@example.test' };
  const E = azureDevOpsPat(NOW, 0, 'FAKEx0AEVEx0ONEx0NOTxREAL');
  const EVIL = 'Eve\n::add-mask::x\n##vso[task.setvariable variable=PATH]/tmp\x1b[2J';
  beforeAll(async () => {
    emu = await startAzureDevOpsEmulator({
      mode: 'server',
      organizations: [
        { name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000501', name: 'Fabrikam-Fiber' }] },
        { name: 'contoso', projects: [{ id: '00000000-fa4e-7e57-0000-000000000502', name: 'Contoso-Web' }] },
      ],
      tokens: {
        [A]: { user, organizations: ['fabrikam'], scopes: ['vso.project'] },
        [B]: { user, organizations: ['contoso'], scopes: ['vso.project'] },
        [E]: {
          user: { ...user, id: '00000000-fa4e-7e57-0000-0000000000d2', displayName: EVIL },
          organizations: ['fabrikam'],
          scopes: ['vso.project'],
        },
      },
    });
  });
  afterAll(async () => emu.close());

  it('single credential: with RUNNER_DEBUG each request is one debug line (method, host, path, status, time), never the credential', async () => {
    const dispatcher = emu.dispatcher();
    const on = fakeCore({ token: A, url: emu.collectionUrl('fabrikam'), project: 'Fabrikam-Fiber' }, { debug: true });
    const report = (await run(on.core, {}, { ...deps, dispatcher })) as Report;
    expect(report.outcome).toBe('passed');
    const lines = on.calls.filter((c) => c.fn === 'debug').map((c) => String(c.args[0]));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^credential-preflight: GET 127\\.0\\.0\\.1:${emu.port}/fabrikam/_apis/connectionData → 200 \\(\\d+ ms\\)`),
      ),
    );
    for (const form of secretForms(A)) expect(lines.join('\n')).not.toContain(form);
    expect(leaks(lines.join('\n'), A)).toEqual([]);
    const off = fakeCore({ token: A, url: emu.collectionUrl('fabrikam'), project: 'Fabrikam-Fiber' });
    await run(off.core, {}, { ...deps, dispatcher });
    expect(off.calls.some((c) => c.fn === 'debug')).toBe(false);
    await dispatcher.close();
  });

  it('a display name from the server cannot break a log line into a ::command:: line', async () => {
    const dispatcher = emu.dispatcher();
    const f = fakeCore({ token: E, url: emu.collectionUrl('fabrikam'), project: 'Fabrikam-Fiber' });
    const report = (await run(f.core, {}, { ...deps, dispatcher })) as Report;
    await dispatcher.close();
    expect(report.identity!.name).toBe(EVIL);
    const lines = f.calls.filter((c) => ['info', 'warning', 'error'].includes(c.fn)).map((c) => String(c.args[0]));
    expect(lines.some((l) => l.includes('token.identity'))).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(lines.join('\n')).not.toMatch(/[\x00-\x09\x0b-\x1f]|\n::|##vso\[/);
  });

  it('several credentials: every token is masked before the first request reaches the server; debug lines name the credential', async () => {
    const dispatcher = emu.dispatcher();
    const file = writeConfig(
      `credentials:\n  - name: fabrikam\n    token-env: A_PAT\n    url: ${emu.collectionUrl('fabrikam')}\n    project: Fabrikam-Fiber\n  - name: contoso\n    token-env: B_PAT\n    url: ${emu.collectionUrl('contoso')}\n    project: contoso-web\n`,
    );
    const f = fakeCore({ config: file }, { debug: true });
    emu.clearLog();
    let maskedAtFirstRequest: unknown[] = [];
    let othersAtFirstRequest = -1;
    void emu.waitForRequest().then(() => {
      maskedAtFirstRequest = f.calls.filter((c) => c.fn === 'setSecret').map((c) => c.args[0]);
      othersAtFirstRequest = f.calls.filter((c) => c.fn !== 'setSecret').length;
    });
    const multi = (await run(f.core, { A_PAT: A, B_PAT: B }, { ...deps, dispatcher })) as MultiReport;
    await dispatcher.close();
    for (const form of [...secretForms(A), ...secretForms(B)]) expect(maskedAtFirstRequest).toContain(form);
    expect(othersAtFirstRequest).toBe(0);
    expect(multi.credentials.map((c) => [c.name, c.report.outcome, c.report.findings[0]!.code])).toEqual([
      ['fabrikam', 'passed', 'token.info'],
      ['contoso', 'failed', 'project.case-mismatch'],
    ]);
    const lines = f.calls.filter((c) => c.fn === 'debug').map((c) => String(c.args[0]));
    expect(lines.some((l) => l.startsWith('[fabrikam] credential-preflight: GET ') && l.includes('/fabrikam/_apis/'))).toBe(true);
    expect(lines.some((l) => l.startsWith('[contoso] credential-preflight: GET ') && l.includes('/contoso/_apis/'))).toBe(true);
    expect(String(f.calls.find((c) => c.fn === 'setFailed')!.args[0])).toBe('credential-preflight failed: contoso: project.case-mismatch');
    for (const t of [A, B]) expect(leaks(f.visible(), t)).toEqual([]);
  });
});
