/**
 * Several credentials in one step, end to end: one credentials file with two Azure DevOps PATs (two
 * collections of the local emulator, Server shape on 127.0.0.1) and one GitHub token checked offline,
 * through the CLI, the action and the task bundles. Every token is masked before any other output
 * (and so before any request), there is a row per credential, and the combined outcome is the worst.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { secretForms } from '../../src/core/secrets.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle } from '../support/run-bundle.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date();
const FABRIKAM = azureDevOpsPat(NOW, 0, 'FAKEx0CFGx0FABx0NOTxREAL');
const CONTOSO = azureDevOpsPat(NOW, 0, 'FAKEx0CFGx0CONx0NOTxREAL');
const GITHUB = githubPat('FAKEx0CFGx0GHx0NOTxREAL');
const TOKENS = [FABRIKAM, CONTOSO, GITHUB];
const user = { id: '00000000-fa4e-7e57-0000-0000000000c1', displayName: 'Config Tester', uniqueName: 'config@example.test' };
let emu: AzureDevOpsEmulator;

beforeAll(async () => {
  emu = await startAzureDevOpsEmulator({
    mode: 'server',
    organizations: [
      { name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000701', name: 'Fabrikam-Fiber' }] },
      { name: 'contoso', projects: [{ id: '00000000-fa4e-7e57-0000-000000000702', name: 'Contoso-Web' }] },
    ],
    tokens: {
      [FABRIKAM]: { user, organizations: ['fabrikam'], scopes: ['vso.project', 'vso.code'] },
      [CONTOSO]: { user, organizations: ['contoso'], scopes: ['vso.project', 'vso.code_write'] },
    },
  });
});
afterAll(async () => emu.close());

interface Scenario {
  name: string;
  contosoProject: string;
  outcome: 'warned' | 'failed';
  rows: Array<[string, string]>;
}

const scenarios: Scenario[] = [
  {
    name: 'one credential warns (write scope cannot be proven)',
    contosoProject: 'Contoso-Web',
    outcome: 'warned',
    rows: [
      ['fabrikam', 'passed'],
      ['contoso', 'warned'],
      ['github', 'passed'],
    ],
  },
  {
    name: 'one credential fails (project casing)',
    contosoProject: 'contoso-web',
    outcome: 'failed',
    rows: [
      ['fabrikam', 'passed'],
      ['contoso', 'failed'],
      ['github', 'passed'],
    ],
  },
];

const credentialsFile = (contosoProject: string): string => `# credentials for the release pipeline
defaults:
  provider: azure-devops
  min-days-remaining: 0
credentials:
  - name: fabrikam
    url: ${emu.collectionUrl('fabrikam')}
    project: Fabrikam-Fiber
    token-env: FABRIKAM_PAT
    required-scopes: [vso.code]
  - name: contoso
    url: ${emu.collectionUrl('contoso')}
    project: ${contosoProject}
    token-env: CONTOSO_PAT
    required-scopes: "Code: Read & Write"
  - name: github
    provider: github
    token-env: GH_TOKEN
    offline: true
`;

/** Every line before the first line that is not a mask command is a mask command; returns the masked values. */
function maskedFirst(stdout: string, prefix: string): { masked: string[]; rest: string[] } {
  const lines = stdout.split('\n');
  const firstOther = lines.findIndex((l) => !l.startsWith(prefix));
  const masked = lines.slice(0, firstOther).map((l) => l.slice(prefix.length));
  return { masked, rest: lines.slice(firstOther) };
}

const EXIT = { warned: 0, failed: 1 };
const TASK_RESULT = { warned: 'SucceededWithIssues', failed: 'Failed' };

describe.each(scenarios)('$name', (s) => {
  it(`→ ${s.outcome}, a row per credential, every token masked first, from the CLI, the action and the task`, async () => {
    const dir = tempDir('e2e-config');
    const file = path.join(dir, 'credentials.yml');
    fs.writeFileSync(file, credentialsFile(s.contosoProject));
    const outputFile = path.join(dir, 'out');
    const summaryFile = path.join(dir, 'summary.md');
    fs.writeFileSync(outputFile, '');
    fs.writeFileSync(summaryFile, '');
    const tokens = { FABRIKAM_PAT: FABRIKAM, CONTOSO_PAT: CONTOSO, GH_TOKEN: GITHUB, NODE_EXTRA_CA_CERTS: caFile };
    emu.clearLog();
    const [cli, act, tsk] = await Promise.all([
      runBundle('cli', ['--config', file, '--format', 'json', '--debug'], baseEnv(tokens)),
      runBundle(
        'action',
        [],
        baseEnv({ ...tokens, INPUT_CONFIG: file, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, RUNNER_DEBUG: '1' }),
      ),
      runBundle('task', [], baseEnv({ ...tokens, INPUT_CONFIG: file, AGENT_TEMPDIRECTORY: dir })),
    ]);

    // CLI: the documented JSON, one report per credential, the worst as the outcome.
    const multi = JSON.parse(cli.stdout);
    expect(cli.code).toBe(EXIT[s.outcome]);
    expect(multi).toMatchObject({ schemaVersion: 1, outcome: s.outcome, config: file, findings: [] });
    expect(multi.credentials.map((c: { name: string; report: { outcome: string } }) => [c.name, c.report.outcome])).toEqual(s.rows);
    expect(multi.credentials[0].report.identity.name).toBe('Config Tester');
    expect(multi.credentials[2].report.tokenKind).toBe('github.classic-pat');
    expect(cli.stderr).toMatch(
      /^\[contoso\] credential-preflight: GET 127\.0\.0\.1:\d+\/contoso\/_apis\/connectionData → 200 \(\d+ ms\)$/m,
    );

    // Action: every form of every token masked before any other line (so before any request).
    const action = maskedFirst(act.stdout, '::add-mask::');
    for (const form of TOKENS.flatMap((t) => secretForms(t))) expect(action.masked).toContain(form);
    expect(action.rest.some((l) => l.startsWith('::add-mask::'))).toBe(false);
    expect(
      action.rest.some((l) =>
        /^::debug::\[fabrikam\] credential-preflight: GET 127\.0\.0\.1:\d+\/fabrikam\/_apis\/connectionData → 200/.test(l),
      ),
    ).toBe(true);
    expect(action.rest.some((l) => l.startsWith('::debug::[contoso] credential-preflight: GET '))).toBe(true);
    expect(act.code).toBe(s.outcome === 'failed' ? 1 : 0);
    const outputs = fs.readFileSync(outputFile, 'utf8');
    expect(outputs).toMatch(new RegExp(`outcome<<ghadelimiter_[\\w-]+\\n${s.outcome}\\n`));
    const contosoCode = s.outcome === 'failed' ? 'project.case-mismatch' : 'scope.unverifiable';
    expect(act.stdout).toContain(`title=credential-preflight [contoso] ${contosoCode}::`);
    const summary = fs.readFileSync(summaryFile, 'utf8');
    for (const [name] of s.rows) expect(summary).toContain(`| **${name}** |`);

    // Task: the same, with ##vso commands.
    const task = maskedFirst(
      tsk.stdout
        .split('\n')
        .filter((l) => !l.startsWith('##vso[task.debug]'))
        .join('\n'),
      '##vso[task.setsecret]',
    );
    for (const form of TOKENS.flatMap((t) => secretForms(t))) expect(task.masked).toContain(form);
    expect(tsk.stdout).toContain(
      `##vso[task.logissue type=${s.outcome === 'failed' ? 'error' : 'warning'};code=${contosoCode};][contoso] `,
    );
    expect(tsk.stdout).toContain(`##vso[task.complete result=${TASK_RESULT[s.outcome]};]`);

    // Both collections were asked, each with its own token (the emulator would answer 401 otherwise).
    expect(emu.requests.some((r) => r.path.startsWith('/fabrikam/'))).toBe(true);
    expect(emu.requests.some((r) => r.path.startsWith('/contoso/'))).toBe(true);

    const visible = [cli.stdout, cli.stderr, action.rest.join('\n'), act.stderr, task.rest.join('\n'), tsk.stderr, outputs, summary].join(
      '\n',
    );
    for (const t of TOKENS) expect(leaks(visible, t)).toEqual([]);
  });
});

it('a credentials file with a token in it fails with config.file everywhere, without printing the token', async () => {
  const dir = tempDir('e2e-config-bad');
  const file = path.join(dir, 'credentials.yml');
  fs.writeFileSync(file, `credentials:\n  - name: oops\n    token-env: ${GITHUB}\n`);
  const outputFile = path.join(dir, 'out');
  fs.writeFileSync(outputFile, '');
  const [cli, act, tsk] = await Promise.all([
    runBundle('cli', ['--config', file], baseEnv()),
    runBundle('action', [], baseEnv({ INPUT_CONFIG: file, GITHUB_OUTPUT: outputFile })),
    runBundle('task', [], baseEnv({ INPUT_CONFIG: file, AGENT_TEMPDIRECTORY: dir })),
  ]);
  expect(cli.code).toBe(2);
  expect(cli.stdout).toContain('config.file: credentials.yml:3:16: '.replace('credentials.yml', file));
  expect(act.stdout).toContain('title=credential-preflight config.file::');
  expect(act.code).toBe(1);
  expect(tsk.stdout).toContain('##vso[task.logissue type=error;code=config.file;]');
  // The pasted token is masked like any other (the platform then hides it wherever it appears).
  expect(act.stdout).toContain(`::add-mask::${GITHUB}`);
  const visible = [
    cli.stdout,
    cli.stderr,
    maskedFirst(act.stdout, '::add-mask::').rest.join('\n'),
    act.stderr,
    tsk.stdout
      .split('\n')
      .filter((l) => !l.startsWith('##vso[task.setsecret]'))
      .join('\n'),
    tsk.stderr,
    fs.readFileSync(outputFile, 'utf8'),
  ].join('\n');
  expect(leaks(visible, GITHUB)).toEqual([]);
});
