/**
 * The GitLab CI/CD component (templates/credential-preflight.yml, GitLab's CI/CD catalog layout):
 * its inputs mirror the CLI's flags, and its script turns them into exactly those flags. The script
 * runs here under sh with inputs substituted as GitLab would and a stand-in `npx` that prints its
 * arguments.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main, type CliIo } from '../../src/cli/main.js';

const FILE = new URL('../../templates/credential-preflight.yml', import.meta.url);
const text = readFileSync(FILE, 'utf8');
const [specDoc, jobDoc] = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
interface Input {
  default?: unknown;
  type?: string;
  options?: string[];
  description?: string;
}
const inputs = (specDoc!.spec as { inputs: Record<string, Input> }).inputs;
/** Inputs of the component itself, not flags of the CLI. */
const COMPONENT_ONLY = ['stage', 'job-name', 'image', 'version'];

async function cliFlags(): Promise<Set<string>> {
  let out = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: () => undefined, readStdin: async () => '', env: {}, isTTY: false };
  await main(['--help'], io);
  return new Set([...out.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]!));
}

const work = mkdtempSync(join(tmpdir(), 'cp-component-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The job's script with inputs substituted (GitLab interpolates `$[[ inputs.x ]]` as text). */
function runScript(given: Record<string, string | number | boolean>): string[] {
  const values = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, given[k] ?? v.default ?? '']));
  const job = Object.values(jobDoc!)[0] as { variables: Record<string, string>; script: string[] };
  const interpolate = (s: string): string => s.replace(/\$\[\[ inputs\.([a-z-]+) \]\]/g, (_, k: string) => String(values[k]));
  const env: Record<string, string> = {
    PATH: `${work}:${process.env.PATH}`,
    CI_SERVER_URL: 'https://gitlab.example.com',
    CI_PROJECT_PATH: 'grp/app',
  };
  // GitLab expands $VARIABLES in variable values.
  for (const [k, v] of Object.entries(job.variables)) env[k] = interpolate(v).replace(/\$([A-Z_]+)/g, (_, n: string) => env[n] ?? '');
  writeFileSync(join(work, 'npx'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
  chmodSync(join(work, 'npx'), 0o755);
  const r = spawnSync('sh', ['-e', '-c', job.script.map(interpolate).join('\n')], { env, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

describe('GitLab CI/CD component', () => {
  it('has a spec document and one job document', () => {
    expect(Object.keys(inputs).length).toBeGreaterThan(10);
    expect(Object.keys(jobDoc!)).toEqual(['$[[ inputs.job-name ]]']);
  });

  it('every input other than the component’s own is a CLI flag, documented, with a typed default', async () => {
    const flags = await cliFlags();
    for (const [name, spec] of Object.entries(inputs)) {
      expect(spec.description).toBeTruthy();
      if (COMPONENT_ONLY.includes(name)) continue;
      expect([name, flags.has(name)]).toEqual([name, true]);
      if (spec.type === 'boolean') expect(typeof spec.default).toBe('boolean');
      if (spec.type === 'number') expect(typeof spec.default).toBe('number');
    }
    // The token is never an input: the component names the variable that holds it.
    expect(Object.keys(inputs).filter((k) => /^token$|secret|password/.test(k))).toEqual([]);
  });

  it('every CLI input reaches the job, and the provider options are the CLI’s', () => {
    for (const name of Object.keys(inputs)) expect([name, text.includes(`$[[ inputs.${name} ]]`)]).toEqual([name, true]);
    expect(inputs.provider!.options).toEqual(['auto', 'azure-devops', 'github', 'gitlab', 'bitbucket']);
  });

  it('defaults: the job token, this instance and this project, through the npm package', () => {
    expect(runScript({})).toEqual([
      '--yes',
      'credential-preflight@1',
      '--provider',
      'gitlab',
      '--token-env',
      'CI_JOB_TOKEN',
      '--min-days-remaining',
      '7',
      '--timeout-seconds',
      '30',
      '--url',
      'https://gitlab.example.com',
      '--project',
      'grp/app',
    ]);
  });

  it('every input becomes its flag, values with spaces or quotes stay one argument', () => {
    const args = runScript({
      provider: 'bitbucket',
      'token-env': 'BB_TOKEN',
      url: '',
      project: 'ws/repo',
      username: "o'neil@example.com",
      'required-scopes': 'read:repository:bitbucket, write:repository:bitbucket',
      'expires-on': '2027-01-31',
      'min-days-remaining': 14,
      'timeout-seconds': 60,
      offline: true,
      'fail-on-warning': true,
      debug: true,
      version: '1.2.3',
    });
    expect(args).toEqual([
      '--yes',
      'credential-preflight@1.2.3',
      '--provider',
      'bitbucket',
      '--token-env',
      'BB_TOKEN',
      '--min-days-remaining',
      '14',
      '--timeout-seconds',
      '60',
      '--project',
      'ws/repo',
      '--username',
      "o'neil@example.com",
      '--required-scopes',
      'read:repository:bitbucket, write:repository:bitbucket',
      '--expires-on',
      '2027-01-31',
      '--offline',
      '--fail-on-warning',
      '--debug',
    ]);
  });
});
