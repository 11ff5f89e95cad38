/**
 * Odd input through the bundles (issue #11): a credentials path that is a device, a FIFO or a huge
 * file is a config.file error at once on all three front ends; a provider named like a prototype
 * member, a token of megabytes and a token a header cannot carry are findings, not crashes or requests.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { baseEnv, runBundle, type BundleRun } from '../support/run-bundle.js';
import { githubPat } from '../support/tokens.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-e2e-odd-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The CLI, the action and the task, each given `file` as its credentials file. */
async function allThree(file: string): Promise<{ cli: BundleRun; action: BundleRun; task: BundleRun }> {
  const outputFile = path.join(dir, `out-${path.basename(file)}`);
  fs.writeFileSync(outputFile, '');
  const [cli, action, task] = await Promise.all([
    runBundle('cli', ['--config', file], baseEnv()),
    runBundle('action', [], baseEnv({ INPUT_CONFIG: file, GITHUB_OUTPUT: outputFile })),
    runBundle('task', [], baseEnv({ INPUT_CONFIG: file, AGENT_TEMPDIRECTORY: dir })),
  ]);
  return { cli, action, task };
}

describe('the credentials file is checked before it is read', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['/dev/zero', () => '/dev/zero', /is not a regular file/],
    [
      'a FIFO',
      () => {
        const fifo = path.join(dir, 'credentials.fifo');
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      /is not a regular file/,
    ],
    [
      'a 400 MiB file',
      () => {
        const big = path.join(dir, 'big.yml');
        fs.writeFileSync(big, 'credentials:\n');
        fs.truncateSync(big, 400 * 1024 * 1024); // sparse: no disk space used
        return big;
      },
      /is 419430400 bytes, larger than/,
    ],
  ];

  it.each(cases)('%s is config.file on every front end, without reading it', async (_what, make, why) => {
    const file = make();
    const { cli, action, task } = await allThree(file);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toMatch(why);
    expect(cli.stdout).toContain('config.file');
    expect(action.code).toBe(1);
    expect(action.stdout).toContain('title=credential-preflight config.file::');
    expect(action.stdout).toMatch(why);
    expect(task.stdout).toContain('##vso[task.logissue type=error;code=config.file;]');
    expect(task.stdout).toContain('result=Failed');
    for (const r of [cli, action, task]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('odd inputs to the CLI', () => {
  it.each(['constructor', '__proto__', 'toString'])('--provider %s is config.invalid with exit 2, no stack trace', async (name) => {
    const r = await runBundle('cli', ['--provider', name, '--offline', '--token-env', 'T'], baseEnv({ T: githubPat() }));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('config.invalid');
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  it('--token-env constructor is a missing token, not a crash', async () => {
    const r = await runBundle('cli', ['--token-env', 'constructor', '--offline', '--provider', 'github'], baseEnv());
    expect(r.stdout).toContain('token.missing');
    expect(r.stdout).toContain('environment variable constructor');
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  it('a token of megabytes is one token.format finding, from stdin', async () => {
    const r = await runBundle(
      'cli',
      ['--token-stdin', '--provider', 'github', '--offline', '--format', 'json'],
      baseEnv(),
      'A'.repeat(8 << 20),
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Array<{ code: string; severity: string; message: string }> };
    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual(['token.format']);
    // Refused for its length, before any format check reads it.
    expect(errors[0]!.message).toContain(`${8 << 20} characters long`);
  });

  it('a token with a control character is token.format offline: no request goes out', async () => {
    const token = `${githubPat().slice(0, 12)}\u0001${githubPat().slice(12)}`;
    // Online, against a port nothing listens on: a request would end in network.unreachable.
    const r = await runBundle(
      'cli',
      ['--token-env', 'T', '--provider', 'github', '--url', 'https://127.0.0.1:9', '--format', 'json'],
      baseEnv({ T: token }),
    );
    const report = JSON.parse(r.stdout) as { findings: Array<{ code: string; message: string; severity: string }> };
    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual(['token.format']);
    expect(errors[0]!.message).toContain('U+0001');
    expect(report.findings.map((f) => f.code).filter((c) => c.startsWith('network.'))).toEqual([]);
    expect(r.code).toBe(1);
  });
});

describe('odd tokens through the action and the task', () => {
  const zeroWidth = `${githubPat()}\u200b`;
  const long = `ghp_${'A'.repeat(100 * 1024)}`; // an environment variable holds at most 128 KiB on Linux

  it.each([
    ['a zero-width space', zeroWidth, 'U+200B'],
    ['100 KiB', long, 'characters long'],
  ])('a token with %s is token.format offline on both, no request sent', async (_what, token, words) => {
    const outputFile = path.join(dir, 'out-odd-token');
    fs.writeFileSync(outputFile, '');
    const inputs = { INPUT_TOKEN: token, INPUT_PROVIDER: 'github', INPUT_URL: 'https://127.0.0.1:9' };
    const [action, task] = await Promise.all([
      runBundle('action', [], baseEnv({ ...inputs, GITHUB_OUTPUT: outputFile })),
      runBundle('task', [], baseEnv({ ...inputs, AGENT_TEMPDIRECTORY: dir })),
    ]);
    expect(action.stdout).toMatch(/::error title=credential-preflight token\.format::/);
    expect(action.stdout.split('\n').find((l) => l.includes('token.format'))).toContain(words);
    expect(action.stdout).not.toContain('network.');
    expect(task.stdout).toContain('##vso[task.logissue type=error;code=token.format;]');
    expect(task.stdout).not.toContain('network.');
    expect(task.stdout).toContain('result=Failed');
  });
});
