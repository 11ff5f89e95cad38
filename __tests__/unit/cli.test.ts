import { describe, expect, it } from '@jest/globals';
import { main, type CliIo } from '../../src/cli/main.js';
import { adoPat, githubPat, leaks } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = { now: () => NOW, monotonic: () => 0 };

async function cli(args: string[], env: Record<string, string> = {}, stdin = '') {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => stdin, env, isTTY: false };
  const code = await main(args, io, deps);
  return { code, out, err };
}

describe('CLI', () => {
  it('exits 0 on a passing token, with no colour off a TTY', async () => {
    const token = adoPat(NOW);
    const r = await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam'], { AZURE_DEVOPS_PAT: token });
    expect(r.code).toBe(0);
    expect(r.out).toContain('PASSED');
    expect(r.out).not.toContain('\x1b[');
    expect(leaks(r.out + r.err, token)).toEqual([]);
  });

  it('exits 1 on a failing token and 0 on warnings', async () => {
    const bad = githubPat().slice(0, -1) + 'x';
    expect((await cli(['--offline', '--provider', 'github'], { GITHUB_TOKEN: bad })).code).toBe(1);
    const r = await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam', '--min-days-remaining', '30'], { AZURE_DEVOPS_PAT: adoPat(NOW, 12) });
    expect(r.code).toBe(0);
    expect(r.out).toContain('token.expiring');
    expect((await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam', '--min-days-remaining', '30', '--fail-on-warning'], { AZURE_DEVOPS_PAT: adoPat(NOW, 12) })).code).toBe(1);
  });

  it('exits 2 on usage and configuration errors', async () => {
    expect((await cli(['--bogus'])).code).toBe(2);
    expect((await cli(['--format', 'xml'])).code).toBe(2);
    expect((await cli(['--provider', 'svn', '--offline'], { AZURE_DEVOPS_PAT: adoPat(NOW) })).code).toBe(2);
    expect((await cli(['--min-days-remaining', 'soon', '--offline'], { AZURE_DEVOPS_PAT: adoPat(NOW) })).code).toBe(2);
    expect((await cli(['--token-stdin', '--token-env', 'X'])).code).toBe(2);
  });

  it('refuses a token on the command line without echoing it', async () => {
    const token = githubPat();
    for (const args of [['--token', token], [`--token=${token}`], [token], [`--${token}`], ['-x', token]]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(leaks(r.out + r.err, token)).toEqual([]);
    }
  });

  it('reads the token from stdin, ignoring the newline echo adds', async () => {
    const token = githubPat();
    const r = await cli(['--token-stdin', '--offline', '--format', 'json'], {}, `${token}\n`);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ schemaVersion: 1, provider: 'github', tokenKind: 'github.classic-pat' });
    expect(report.findings.map((f: { code: string }) => f.code)).not.toContain('token.whitespace');
  });

  it('reads the named environment variable and names it when empty', async () => {
    const r = await cli(['--offline', '--token-env', 'MY_PAT', '--format', 'json'], {});
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings[0]).toMatchObject({ code: 'token.missing' });
    expect(JSON.parse(r.out).findings[0].message).toContain('MY_PAT');
  });

  it('prints help and version', async () => {
    expect((await cli(['--help'])).out).toContain('Exit codes');
    expect((await cli(['--version'])).out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('runs the demo: one passing, one warning, one failing sample', async () => {
    const r = await cli(['demo']);
    expect(r.code).toBe(0);
    expect(r.out.match(/\(exit code \d\)/g)).toEqual(['(exit code 0)', '(exit code 0)', '(exit code 1)']);
    expect(r.out).toContain('PASSED WITH WARNINGS');
    expect(r.out).toContain('token.checksum');
  });
});
