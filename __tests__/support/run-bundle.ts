/** Runs a built bundle as the runner / agent / a user would: a child process with env and stdin. */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', '..');

export interface BundleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A minimal environment: no inherited CI variables, so results do not depend on where tests run.
 * TMPDIR is passed on, so whatever a bundle writes to os.tmpdir() lands in the test run's temporary
 * directory (support/temp-setup.mjs), where a leftover fails the run.
 */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_OPTIONS: '',
    TMPDIR: os.tmpdir(),
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs a command to its end and collects what it printed. */
export function runCommand(
  command: string,
  args: string[],
  options: { env: Record<string, string>; cwd?: string; stdin?: string },
): Promise<BundleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd ?? ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export function runBundle(entry: 'action' | 'task' | 'cli', args: string[], env: Record<string, string>, stdin = ''): Promise<BundleRun> {
  return runCommand(process.execPath, [path.join(ROOT, 'dist', entry, 'index.js'), ...args], { env, stdin });
}

/**
 * Output without the lines that register the token as a secret (`::add-mask::…`,
 * `##vso[task.setsecret]…`): those must carry it; everything else is checked for leaks.
 */
export function withoutMaskCommands(output: string): string {
  return output
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::') && !l.startsWith('##vso[task.setsecret]'))
    .join('\n');
}
