/**
 * GitHub Action adapter: read inputs, mask every form of the token first, run the core, render the
 * report as annotations, outputs and a job summary. No checks live here.
 */
import type * as actionsCore from '@actions/core';
import { runPreflight, systemDeps, type PreflightDeps } from '../core/preflight.js';
import { formatLogEntry } from '../core/http/client.js';
import { renderMarkdown } from '../core/render/markdown.js';
import type { Report } from '../core/report.js';
import { resolveRequest, tokenFromEnv, type Env, type RawInputs } from '../core/request.js';
import { redact, secretForms } from '../core/secrets.js';

export type ActionsCore = Pick<
  typeof actionsCore,
  'getInput' | 'setSecret' | 'setOutput' | 'setFailed' | 'error' | 'warning' | 'info' | 'debug' | 'isDebug' | 'summary'
>;

export async function run(core: ActionsCore, env: Env, deps: PreflightDeps = systemDeps): Promise<Report | undefined> {
  let forms: string[] = [];
  try {
    // Mask before anything else can print: the token as given, each line, and every derived form.
    const provider = core.getInput('provider') || 'auto';
    const username = core.getInput('username');
    let token: string | undefined = core.getInput('token');
    let tokenSource = 'the `token` input';
    if (token === '') {
      const fromEnv = tokenFromEnv(provider, env);
      token = fromEnv.value;
      tokenSource = `the \`token\` input or the ${fromEnv.source}`;
    }
    forms = secretForms(token, username);
    for (const form of forms) core.setSecret(form);

    const raw: RawInputs = {
      provider,
      token,
      tokenType: core.getInput('token-type'),
      url: core.getInput('url'),
      project: core.getInput('project'),
      username,
      requiredScopes: core.getInput('required-scopes'),
      minDaysRemaining: core.getInput('min-days-remaining'),
      expiresOn: core.getInput('expires-on'),
      offline: core.getInput('offline'),
      failOnWarning: core.getInput('fail-on-warning'),
    };
    const { request, findings } = resolveRequest(raw, env);
    request.tokenSource = tokenSource;
    // Request logs follow the runner's debug switch (RUNNER_DEBUG=1, "Enable debug logging").
    const report = await runPreflight(request, { env, ...deps, log: core.isDebug() ? (e) => core.debug(formatLogEntry(e)) : undefined }, findings);

    for (const f of report.findings) {
      const text = `${f.message} Fix: ${f.hint}`;
      if (f.severity === 'error') core.error(text, { title: `credential-preflight ${f.code}` });
      else if (f.severity === 'warning') core.warning(text, { title: `credential-preflight ${f.code}` });
      else core.info(`${f.code}: ${f.message}`);
    }

    core.setOutput('outcome', report.outcome);
    core.setOutput('identity', report.identity?.name ?? '');
    core.setOutput('expires-at', report.expiresAt ?? '');
    core.setOutput('days-remaining', report.daysRemaining === null ? '' : String(report.daysRemaining));
    core.setOutput('project', report.project.canonical ?? report.project.requested ?? '');
    core.setOutput('token-kind', report.tokenKind ?? '');
    core.setOutput('report', JSON.stringify(report));

    if (env.GITHUB_STEP_SUMMARY) {
      try {
        await core.summary.addRaw(renderMarkdown(report)).write();
      } catch (e) {
        core.warning(`Could not write the job summary: ${redact(String(e), forms)}`);
      }
    }

    if (report.outcome === 'failed' || report.outcome === 'unverified') {
      const first = report.findings.find((f) => f.severity === 'error');
      core.setFailed(`credential-preflight ${report.outcome}: ${first ? `${first.code}: ${first.message}` : 'see the findings above'}`);
    }
    return report;
  } catch (e) {
    // A bug must still end in a clear, token-free failure rather than a stack trace.
    core.debug(redact(e instanceof Error ? (e.stack ?? e.message) : String(e), forms));
    core.setFailed(`credential-preflight crashed: ${redact(e instanceof Error ? e.message : String(e), forms)}. Please report this with the debug log.`);
    return undefined;
  }
}
