/**
 * Azure Pipelines task adapter: read inputs, mask every form of the token first, run the core,
 * render the report as ##vso issues, output variables, a run summary and the task result.
 * No checks live here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as taskLib from 'azure-pipelines-task-lib/task.js';
import { runPreflight, systemDeps, type PreflightDeps } from '../core/preflight.js';
import { renderMarkdown } from '../core/render/markdown.js';
import type { Report } from '../core/report.js';
import { resolveRequest, tokenFromEnv, type Env, type RawInputs } from '../core/request.js';
import { redact, secretForms } from '../core/secrets.js';

export type TaskLib = Pick<
  typeof taskLib,
  'getInput' | 'setSecret' | 'setVariable' | 'setResult' | 'logIssue' | 'uploadSummary' | 'debug' | 'getVariable' | 'TaskResult' | 'IssueType'
>;

export interface TaskIo {
  /** Plain log lines (notes); the agent shows them in the step log. */
  log: (line: string) => void;
}

export async function run(tl: TaskLib, env: Env, io: TaskIo = { log: console.log }, deps: PreflightDeps = systemDeps): Promise<Report | undefined> {
  let forms: string[] = [];
  try {
    // The token is read from the environment, not tl.getInput: getInput writes `name=value` to the
    // debug log before we could register the secret. It must reach the input from a secret variable.
    const provider = tl.getInput('provider') ?? 'auto';
    const username = tl.getInput('username');
    let token = env.INPUT_TOKEN;
    let tokenSource = 'the `token` input';
    if (token === undefined || token === '') {
      const fromEnv = tokenFromEnv(provider, env);
      token = fromEnv.value;
      tokenSource = `the \`token\` input or the ${fromEnv.source}`;
    }
    forms = secretForms(token, username);
    // tl.setSecret refuses values with line breaks; secretForms also lists each line on its own.
    for (const form of forms) if (!/[\r\n]/.test(form)) tl.setSecret(form);

    const raw: RawInputs = {
      provider,
      token,
      tokenType: tl.getInput('tokenType'),
      url: tl.getInput('url'),
      project: tl.getInput('project'),
      username,
      requiredScopes: tl.getInput('requiredScopes'),
      minDaysRemaining: tl.getInput('minDaysRemaining'),
      offline: tl.getInput('offline'),
      failOnWarning: tl.getInput('failOnWarning'),
    };
    const { request, findings } = resolveRequest(raw, env);
    request.tokenSource = tokenSource;
    const report = await runPreflight(request, deps, findings);

    for (const f of report.findings) {
      if (f.severity === 'info') io.log(`${f.code}: ${f.message}`);
      else tl.logIssue(f.severity === 'error' ? tl.IssueType.Error : tl.IssueType.Warning, `${f.message} Fix: ${f.hint}`, undefined, undefined, undefined, f.code);
    }

    const output = (name: string, value: string): void => tl.setVariable(name, value, false, true);
    output('outcome', report.outcome);
    output('identity', report.identity?.name ?? '');
    output('expiresAt', report.expiresAt ?? '');
    output('daysRemaining', report.daysRemaining === null ? '' : String(report.daysRemaining));
    output('project', report.project.canonical ?? report.project.requested ?? '');
    output('tokenKind', report.tokenKind ?? '');
    output('report', JSON.stringify(report));

    try {
      const dir = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
      const file = path.join(dir, `credential-preflight-${process.pid}.md`);
      fs.writeFileSync(file, renderMarkdown(report));
      tl.uploadSummary(file);
    } catch (e) {
      tl.logIssue(tl.IssueType.Warning, `Could not attach the summary: ${redact(String(e), forms)}`);
    }

    if (report.outcome === 'failed' || report.outcome === 'unverified') {
      const first = report.findings.find((f) => f.severity === 'error');
      tl.setResult(tl.TaskResult.Failed, `credential-preflight ${report.outcome}: ${first ? `${first.code}: ${first.message}` : 'see the issues above'}`);
    } else if (report.outcome === 'warned') {
      tl.setResult(tl.TaskResult.SucceededWithIssues, 'credential-preflight passed with warnings.');
    } else {
      tl.setResult(tl.TaskResult.Succeeded, 'credential-preflight passed.');
    }
    return report;
  } catch (e) {
    tl.debug(redact(e instanceof Error ? (e.stack ?? e.message) : String(e), forms));
    tl.setResult(tl.TaskResult.Failed, `credential-preflight crashed: ${redact(e instanceof Error ? e.message : String(e), forms)}. Please report this with the debug log.`);
    return undefined;
  }
}
