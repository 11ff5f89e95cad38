/**
 * GitHub Action adapter: read inputs, mask every form of every token first, run the core, render the
 * report as annotations (one per finding), outputs and a job summary. No checks live here.
 * With `config`, the credentials file lists several credentials; they are checked together.
 */
import * as fs from 'node:fs';
import type * as actionsCore from '@actions/core';
import { formatLogEntry } from '../core/http/log.js';
import { runPreflight, systemDeps, type PreflightDeps } from '../core/preflight.js';
import {
  allFindings,
  inputsBesideConfig,
  planFromConfig,
  runPreflightMany,
  stepOverrides,
  type MultiReport,
} from '../core/preflight-many.js';
import { renderMarkdown, renderMarkdownMany } from '../core/render/markdown.js';
import { failureLine, isMulti, stepOutputs } from '../core/render/outputs.js';
import { logSafe } from '../core/render/text.js';
import type { Finding, Report } from '../core/report.js';
import { resolveRequest, tokenFromEnv, type Env, type RawInputs } from '../core/request.js';
import { redact, secretForms } from '../core/secrets.js';

/** What the action uses of `@actions/core`: the bundle passes workflow-commands.ts, local-action its stub. */
export type ActionsCore = Pick<
  typeof actionsCore,
  'getInput' | 'setSecret' | 'setOutput' | 'setFailed' | 'error' | 'warning' | 'info' | 'debug' | 'isDebug'
> & { summary: { addRaw(text: string): { write(): Promise<unknown> } } };

/** Inputs that describe one credential; with `config` the file describes them instead. */
const SINGLE_INPUTS = ['token', 'provider', 'token-type', 'url', 'project', 'username', 'required-scopes', 'expires-on'];

/**
 * One annotation per error or warning, titled with its code (and the credential, with several).
 * Messages can hold what a server said; core.info writes them raw, so each is made one safe line.
 */
function annotate(core: ActionsCore, f: Finding, name: string | null): void {
  const who = name ? `[${logSafe(name)}] ` : '';
  const title = `credential-preflight ${who}${f.code}`;
  const text = logSafe(`${f.message} Fix: ${f.hint}`);
  if (f.severity === 'error') core.error(text, { title });
  else if (f.severity === 'warning') core.warning(text, { title });
  else core.info(`${who}${f.code}: ${logSafe(f.message)}`);
}

async function writeSummary(core: ActionsCore, env: Env, markdown: string, forms: string[]): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(markdown).write();
  } catch (e) {
    core.warning(`Could not write the job summary: ${redact(String(e), forms)}`);
  }
}

/** Annotations, outputs (kebab-case), job summary and the step result, for one credential or several. */
async function publish(core: ActionsCore, env: Env, result: Report | MultiReport, forms: string[]): Promise<void> {
  const findings = isMulti(result) ? allFindings(result) : result.findings.map((finding) => ({ name: null, finding }));
  for (const { name, finding } of findings) annotate(core, finding, name);
  for (const [name, value] of Object.entries(stepOutputs(result)))
    core.setOutput(
      name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      value,
    );
  await writeSummary(core, env, isMulti(result) ? renderMarkdownMany(result) : renderMarkdown(result), forms);
  if (result.outcome === 'failed' || result.outcome === 'unverified') core.setFailed(failureLine(result));
}

export async function run(core: ActionsCore, env: Env, deps: PreflightDeps = systemDeps): Promise<Report | MultiReport | undefined> {
  let forms: string[] = [];
  try {
    const config = core.getInput('config');
    if (config) {
      return await runMany(core, env, deps, config, (f) => (forms = f));
    }
    // Mask before anything else can print: the token as given, each line, and every derived form.
    const provider = core.getInput('provider') || 'auto';
    const username = core.getInput('username');
    // As stored, like the task and the CLI: getInput trims by default, which would hide the stray
    // line break (token.whitespace) that breaks every tool sending the secret verbatim.
    let token: string | undefined = core.getInput('token', { trimWhitespace: false });
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
      timeoutSeconds: core.getInput('timeout-seconds'),
      expiresOn: core.getInput('expires-on'),
      offline: core.getInput('offline'),
      failOnWarning: core.getInput('fail-on-warning'),
    };
    const { request, findings } = resolveRequest(raw, env);
    request.tokenSource = tokenSource;
    // Request logs follow the runner's debug switch (RUNNER_DEBUG=1, "Enable debug logging").
    const report = await runPreflight(
      request,
      { env, ...deps, log: core.isDebug() ? (e) => core.debug(redact(formatLogEntry(e), forms)) : undefined },
      findings,
    );
    await publish(core, env, report, forms);
    return report;
  } catch (e) {
    // A bug must still end in a clear, token-free failure rather than a stack trace.
    core.debug(redact(e instanceof Error ? (e.stack ?? e.message) : String(e), forms));
    core.setFailed(
      `credential-preflight crashed: ${redact(e instanceof Error ? e.message : String(e), forms)}. Please report this with the debug log.`,
    );
    return undefined;
  }
}

async function runMany(
  core: ActionsCore,
  env: Env,
  deps: PreflightDeps,
  file: string,
  keepForms: (forms: string[]) => void,
): Promise<MultiReport> {
  // Loaded only when a credentials file is read: other runs never load the YAML parser.
  const { readCredentialsConfig } = await import('../core/config.js');
  const parsed = readCredentialsConfig(file, (f) => fs.readFileSync(f, 'utf8'), deps.now());
  const step = stepOverrides({
    offline: core.getInput('offline'),
    failOnWarning: core.getInput('fail-on-warning'),
    timeoutSeconds: core.getInput('timeout-seconds'),
    minDaysRemaining: core.getInput('min-days-remaining'),
  });
  const { plan, secrets: forms } = planFromConfig(parsed, env, step.overrides, [core.getInput('token', { trimWhitespace: false })]);
  const beside = SINGLE_INPUTS.filter((n) => !['', 'auto'].includes(core.getInput(n).trim().toLowerCase()));
  // Every token of every entry is masked before any check runs or anything is printed; so are a
  // stray `token` input and any token pasted into the file.
  keepForms(forms);
  for (const form of forms) core.setSecret(form);

  const log = core.isDebug()
    ? (name: string, e: Parameters<typeof formatLogEntry>[0]) => core.debug(redact(`[${name}] ${formatLogEntry(e)}`, forms))
    : undefined;
  const multi = await runPreflightMany(
    plan,
    { env, ...deps, log },
    { config: file, findings: [...parsed.findings, ...step.findings, ...inputsBesideConfig(beside)] },
  );
  await publish(core, env, multi, forms);
  return multi;
}
