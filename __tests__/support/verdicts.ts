/**
 * "Same verdict everywhere": one check run through the CLI, the action and the task bundles at once,
 * and the assertions that the three agree (exit codes, outcome output, task result, annotations).
 * Shared by the per-provider verdict suites in __tests__/e2e/.
 */
import { expect } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseEnv, runBundle, withoutMaskCommands, type BundleRun } from './run-bundle.js';
import { tempDir } from './temp.js';

export type Outcome = 'passed' | 'warned' | 'failed' | 'unverified';

/** CLI exit code per outcome (README: 0 passed/warned, 1 failed, 3 unverified). */
export const EXIT: Record<Outcome, number> = { passed: 0, warned: 0, failed: 1, unverified: 3 };
export const TASK_RESULT: Record<Outcome, string> = {
  passed: 'Succeeded',
  warned: 'SucceededWithIssues',
  failed: 'Failed',
  unverified: 'Failed',
};

export interface EverywhereInputs {
  provider: string;
  token: string;
  /** The CLI's token variable (AZURE_DEVOPS_PAT, GITHUB_TOKEN, …). */
  tokenEnv: string;
  url?: string;
  project?: string;
  scopes?: string;
  username?: string;
  /** Environment for every front end (NODE_EXTRA_CA_CERTS, HTTPS_PROXY, …), then per front end. */
  env?: Record<string, string>;
  cliEnv?: Record<string, string>;
  actionEnv?: Record<string, string>;
  taskEnv?: Record<string, string>;
}

export interface CliReport {
  outcome: Outcome;
  provider?: string;
  findings: { code: string; severity: string }[];
  [key: string]: unknown;
}

export interface EverywhereRun {
  cli: BundleRun;
  act: BundleRun;
  tsk: BundleRun;
  /** The CLI's `--format json` report. */
  report: CliReport;
  /** What the action wrote to GITHUB_OUTPUT. */
  outputs: string;
  /** Everything the three printed or wrote, without the mask commands (for leak checks). */
  visible: string;
}

export async function runEverywhere(i: EverywhereInputs): Promise<EverywhereRun> {
  const dir = tempDir(`verdict-${i.provider}`);
  const outputFile = path.join(dir, 'out');
  fs.writeFileSync(outputFile, '');
  const inputs: Record<string, string> = {
    PROVIDER: i.provider,
    TOKEN: i.token,
    PROJECT: i.project ?? '',
    ...(i.url !== undefined ? { URL: i.url } : {}),
    ...(i.username !== undefined ? { USERNAME: i.username } : {}),
  };
  const prefixed = (o: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [`INPUT_${k}`, v]));
  const flag = (name: string, value: string | undefined): string[] => (value ? [name, value] : []);
  const cliArgs = [
    '--provider',
    i.provider,
    ...flag('--url', i.url),
    '--format',
    'json',
    ...flag('--username', i.username),
    ...flag('--project', i.project),
    ...flag('--required-scopes', i.scopes),
  ];
  const [cli, act, tsk] = await Promise.all([
    runBundle('cli', cliArgs, baseEnv({ ...i.env, ...i.cliEnv, [i.tokenEnv]: i.token })),
    runBundle(
      'action',
      [],
      baseEnv({ ...i.env, ...i.actionEnv, ...prefixed({ ...inputs, 'REQUIRED-SCOPES': i.scopes ?? '' }), GITHUB_OUTPUT: outputFile }),
    ),
    runBundle(
      'task',
      [],
      baseEnv({ ...i.env, ...i.taskEnv, ...prefixed({ ...inputs, REQUIREDSCOPES: i.scopes ?? '' }), AGENT_TEMPDIRECTORY: dir }),
    ),
  ]);
  const outputs = fs.readFileSync(outputFile, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    cli,
    act,
    tsk,
    report: JSON.parse(cli.stdout) as CliReport,
    outputs,
    visible: withoutMaskCommands([cli.stdout, cli.stderr, act.stdout, act.stderr, tsk.stdout, tsk.stderr, outputs].join('\n')),
  };
}

/** The three front ends agree: `outcome`, and `code` as the first finding above info (none when absent). */
export function expectVerdict(run: EverywhereRun, outcome: Outcome, code: string | undefined, cliExit: number = EXIT[outcome]): void {
  expect([run.report.outcome, run.cli.code]).toEqual([outcome, cliExit]);
  expect(run.report.findings.find((f) => f.severity !== 'info')?.code).toBe(code);

  expect(run.outputs).toMatch(new RegExp(`outcome<<ghadelimiter_[\\w-]+\\n${outcome}\\n`));
  expect(run.act.code).toBe(outcome === 'failed' || outcome === 'unverified' ? 1 : 0);
  expect(run.tsk.stdout).toContain(`##vso[task.complete result=${TASK_RESULT[outcome]};]`);
  if (code) {
    const level = outcome === 'warned' ? 'warning' : 'error';
    expect(run.act.stdout).toContain(`::${level} title=credential-preflight ${code}::`);
    expect(run.tsk.stdout).toContain(`##vso[task.logissue type=${level};code=${code};]`);
  }
}

/** What every provider's verdict scenario states; suites extend it with their own knobs. */
export interface VerdictScenario {
  name: string;
  token: string;
  project?: string;
  scopes?: string;
  /** false: no NODE_EXTRA_CA_CERTS, so the emulator's certificate is untrusted. */
  trustCa?: boolean;
  outcome: Outcome;
  /** The first finding above info (none when absent). */
  code?: string;
}

/** The test title: the verdict the three front ends must agree on. */
export const verdictTitle = (s: Pick<VerdictScenario, 'outcome' | 'code'>): string =>
  `→ ${s.outcome}${s.code ? ` with ${s.code}` : ''} from the CLI, the action and the task`;
