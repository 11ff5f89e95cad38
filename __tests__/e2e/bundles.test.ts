/**
 * Black-box runs of the three committed bundles in dist/, driven the way each platform drives them:
 * INPUT_* environment for the action and the task, flags + env/stdin for the CLI.
 */
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseEnv, runBundle, withoutMaskCommands } from '../support/run-bundle.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date();
const tmpdir = () => tempDir('e2e');

describe('action bundle (dist/action/index.js)', () => {
  async function action(inputs: Record<string, string>) {
    const dir = tmpdir();
    const outputFile = path.join(dir, 'output');
    const summaryFile = path.join(dir, 'summary');
    fs.writeFileSync(outputFile, '');
    fs.writeFileSync(summaryFile, '');
    const env = baseEnv({ GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile });
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    const run = await runBundle('action', [], env);
    return { ...run, outputs: fs.readFileSync(outputFile, 'utf8'), summary: fs.readFileSync(summaryFile, 'utf8') };
  }

  it('passes a good token: masks it, sets outputs, writes the summary, exit 0', async () => {
    const token = azureDevOpsPat(NOW);
    const r = await action({ token, url: 'https://dev.azure.com/fabrikam', project: 'Fabrikam-Fiber', offline: 'true' });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`::add-mask::${token}`);
    expect(r.stdout).toContain(`::add-mask::${Buffer.from(`:${token}`).toString('base64')}`);
    expect(r.outputs).toMatch(/outcome<<ghadelimiter_[\w-]+\npassed\n/);
    expect(r.outputs).toContain('azure-devops.pat');
    expect(r.summary).toContain('passed');
    expect(r.stderr).toBe('');
    expect(leaks(withoutMaskCommands(r.stdout) + r.stderr + r.outputs + r.summary, token)).toEqual([]);
  });

  it('fails a mistyped token with an error annotation and exit 1', async () => {
    const token = githubPat().slice(0, -1) + 'x';
    const r = await action({ token, provider: 'github', 'min-days-remaining': '7', offline: 'true' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error title=credential-preflight token\.checksum::/);
    expect(r.outputs).toMatch(/outcome<<ghadelimiter_[\w-]+\nfailed\n/);
    expect(leaks(withoutMaskCommands(r.stdout) + r.stderr + r.outputs + r.summary, token)).toEqual([]);
  });

  it('warns on an ageing token with exit 0', async () => {
    const r = await action({
      token: azureDevOpsPat(NOW, 12),
      url: 'https://dev.azure.com/fabrikam',
      'min-days-remaining': '40',
      offline: 'true',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/::warning title=credential-preflight token\.expiring::/);
    expect(r.outputs).toMatch(/outcome<<ghadelimiter_[\w-]+\nwarned\n/);
  });
});

describe('task bundle (dist/task/index.js)', () => {
  async function task(inputs: Record<string, string>) {
    const dir = tmpdir();
    const env = baseEnv({ AGENT_TEMPDIRECTORY: dir });
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    return runBundle('task', [], env);
  }

  it('passes a good token: setsecret first, output variables, summary, result=Succeeded, exit 0', async () => {
    const token = azureDevOpsPat(NOW);
    const r = await task({ token, url: 'https://dev.azure.com/fabrikam', project: 'Fabrikam-Fiber', offline: 'true' });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const firstSecret = lines.findIndex((l) => l.startsWith('##vso[task.setsecret]'));
    const firstOther = lines.findIndex(
      (l) => l.startsWith('##vso[') && !l.startsWith('##vso[task.setsecret]') && !l.startsWith('##vso[task.debug]'),
    );
    expect(firstSecret).toBeGreaterThanOrEqual(0);
    expect(firstSecret).toBeLessThan(firstOther);
    expect(r.stdout).toMatch(/##vso\[task\.setvariable variable=outcome;isOutput=true;issecret=false;\]passed/);
    expect(r.stdout).toMatch(/##vso\[task\.uploadsummary\]/);
    expect(r.stdout).toMatch(/##vso\[task\.complete result=Succeeded;\]/);
    expect(r.stderr).toBe('');
    expect(leaks(withoutMaskCommands(r.stdout) + r.stderr, token)).toEqual([]);
  });

  it('fails an unexpanded secret variable with a coded issue and result=Failed (exit code stays 0)', async () => {
    const r = await task({ token: '$(AZURE_DEVOPS_PAT)', url: 'https://dev.azure.com/fabrikam' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/##vso\[task\.logissue type=error;code=token\.unexpanded;\]/);
    expect(r.stdout).toMatch(/##vso\[task\.complete result=Failed;\]/);
  });

  it('reports SucceededWithIssues on warnings', async () => {
    const r = await task({
      token: azureDevOpsPat(NOW, 12),
      url: 'https://fabrikam.visualstudio.com',
      minDaysRemaining: '40',
      offline: 'true',
    });
    expect(r.stdout).toMatch(/##vso\[task\.logissue type=warning;code=token\.expiring;\]/);
    expect(r.stdout).toMatch(/##vso\[task\.complete result=SucceededWithIssues;\]/);
  });
});

describe('CLI bundle (dist/cli/index.js)', () => {
  it('exit codes 0 / 1 / 2 and no token in the output', async () => {
    const token = azureDevOpsPat(NOW);
    const ok = await runBundle('cli', ['--offline', '--url', 'https://dev.azure.com/fabrikam'], baseEnv({ AZURE_DEVOPS_PAT: token }));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('PASSED');
    const bad = await runBundle(
      'cli',
      ['--offline', '--format', 'json'],
      baseEnv({ AZURE_DEVOPS_PAT: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') }),
    );
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).findings.map((f: { code: string }) => f.code)).toContain('token.checksum');
    const usage = await runBundle('cli', ['--token', token], baseEnv());
    expect(usage.code).toBe(2);
    for (const r of [ok, bad, usage]) expect(leaks(r.stdout + r.stderr, token)).toEqual([]);
  });

  it('reads the token from stdin', async () => {
    const token = githubPat();
    const r = await runBundle('cli', ['--token-stdin', '--offline', '--format', 'json'], baseEnv(), `${token}\n`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).tokenKind).toBe('github.classic-pat');
  });

  it('runs the demo', async () => {
    const r = await runBundle('cli', ['demo'], baseEnv());
    expect(r.code).toBe(0);
    expect(r.stdout.match(/\(exit code \d\)/g)).toEqual([
      '(exit code 0)',
      '(exit code 0)',
      '(exit code 1)',
      '(exit code 1)',
      '(exit code 1)',
      '(exit code 3)',
    ]);
    // The bundled replay (undici MockAgent) answers the online samples; none is left unrequested.
    expect(r.stdout).toContain('Identity  Demo User (fake)');
    expect(r.stdout).toContain('token.expired: Azure DevOps says the token has expired.');
    expect(r.stderr).toBe('');
  });
});
