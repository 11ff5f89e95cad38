/**
 * GitHub Action adapter: read inputs, mask every form of every token first, run the core, render the
 * report as annotations (one per finding), outputs and a job summary. No checks live here.
 * With `config`, the credentials file lists several credentials; they are checked together.
 */
import * as fs from 'node:fs';
import type * as actionsCore from '@actions/core';
import { formatLogEntry } from '../core/http/log.js';
// The Entra exchange needs the network stack: loaded only when a run uses it.
import { entraFromAzureEnv, entraFromGitHubInputs, useEntra, type EntraCredential } from '../core/entra/source.js';
import { runPreflight, systemDeps, type PreflightDeps } from '../core/preflight.js';
import { inputsBesideConfig, planFromConfig, runPreflightMany, stepOverrides, type MultiReport } from '../core/preflight-many.js';
import { outputGuard, publication, type Publication } from '../core/render/publication.js';
import type { Finding, Report } from '../core/report.js';
import { resolveRequest, tokenFromEnv, type Env, type RawInputs, type TokenOrigin } from '../core/request.js';
import { echoedSecrets, secretForms } from '../core/secrets.js';
import { describeValue } from '../core/token-source.js';

/** What the action uses of `@actions/core`: the bundle passes workflow-commands.ts, local-action its stub. */
export type ActionsCore = Pick<
  typeof actionsCore,
  'getInput' | 'setSecret' | 'setOutput' | 'setFailed' | 'error' | 'warning' | 'info' | 'debug' | 'isDebug'
> & { summary: { addRaw(text: string): { write(): Promise<unknown> } } };

/** Inputs that describe one credential; with `config` the file describes them instead. */
const SINGLE_INPUTS = [
  'token',
  'provider',
  'token-type',
  'url',
  'project',
  'username',
  'required-scopes',
  'expires-on',
  'client-id',
  'tenant-id',
];

/**
 * One annotation per error or warning, titled with its code (and the credential, with several).
 * The finding comes from the publication (redacted, inert); `line` also neutralises log commands.
 */
function annotate(core: ActionsCore, out: Publication, f: Finding, name: string | null): void {
  const who = name ? `[${name}] ` : '';
  const title = out.line(`credential-preflight ${who}${f.code}`);
  const text = out.line(`${f.message} Fix: ${f.hint}`);
  if (f.severity === 'error') core.error(text, { title });
  else if (f.severity === 'warning') core.warning(text, { title });
  else core.info(out.line(`${who}${f.code}: ${f.message}`));
}

async function writeSummary(core: ActionsCore, env: Env, out: Publication): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(out.markdown).write();
  } catch (e) {
    core.warning(out.line(`Could not write the job summary: ${String(e)}`));
  }
}

/**
 * Annotations, outputs (kebab-case), job summary and the step result, for one credential or several:
 * everything written comes from the one publication of the result, redacted before any encoding.
 */
async function publish(core: ActionsCore, env: Env, result: Report | MultiReport, secrets: string[]): Promise<void> {
  const out = publication(result, secrets);
  for (const { name, finding } of out.findings) annotate(core, out, finding, name);
  for (const [name, value] of Object.entries(out.outputs))
    core.setOutput(
      name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      value,
    );
  await writeSummary(core, env, out);
  if (result.outcome === 'failed' || result.outcome === 'unverified') core.setFailed(out.failureLine);
}

/** Every input the action may echo back, for the secret-looking-name rule (`echoedSecrets`). */
const ECHOED_INPUTS = [
  ...SINGLE_INPUTS.filter((n) => n !== 'token'),
  'config',
  'min-days-remaining',
  'timeout-seconds',
  'offline',
  'fail-on-warning',
];
const echoedInputs = (core: ActionsCore): string[] => echoedSecrets(ECHOED_INPUTS.map((n) => core.getInput(n)));

/** The `token` input, else the provider's conventional environment variable, with where it was looked for. */
function readToken(core: ActionsCore, env: Env, provider: string) {
  // As stored, like the task and the CLI: getInput trims by default, which would hide the stray
  // line break (token.whitespace) that breaks every tool sending the secret verbatim.
  const token = core.getInput('token', { trimWhitespace: false });
  // The runner sets INPUT_TOKEN only when the workflow passes `token:`; a secret that does not exist
  // (or is withheld from a fork's run) then arrives as an empty string: told apart in token.missing.
  const input = describeValue('the `token` input', env['INPUT_TOKEN']);
  if (token !== '') return { token: token as string | undefined, tokenSource: input, tokenOrigin: undefined as TokenOrigin | undefined };
  const fromEnv = tokenFromEnv(provider, env);
  return { token: fromEnv.value, tokenSource: `${input}; ${fromEnv.source}`, tokenOrigin: fromEnv.origin };
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
    const { token, tokenSource, tokenOrigin } = readToken(core, env, provider);
    // A secret typed into a name's input (a pasted token as `project`) is masked and hidden too.
    forms = [...secretForms(token, username), ...echoedInputs(core)];
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
    request.tokenOrigin = tokenOrigin;
    // Request logs follow the runner's debug switch (RUNNER_DEBUG=1, "Enable debug logging").
    // The guard is made per line: the Entra stage adds secrets (the minted token) while the run goes on.
    const log = core.isDebug()
      ? (e: Parameters<typeof formatLogEntry>[0]) => core.debug(outputGuard(forms).line(formatLogEntry(e)))
      : undefined;
    const entra = entraCredential(core, env, token, raw);
    // Each secret the Entra stage meets (request token, assertion, minted token) is masked before use.
    const mask = (secret: string): void => {
      for (const form of secretForms(secret)) {
        forms.push(form);
        core.setSecret(form);
      }
    };
    const report = entra
      ? await (
          await import('../core/entra/index.js')
        ).runEntraPreflight(entra, request, { env, ...deps, log, mask, readFile: (f) => fs.readFileSync(f, 'utf8') }, findings)
      : await runPreflight(request, { env, ...deps, log }, findings);
    await publish(core, env, report, forms);
    return report;
  } catch (e) {
    // A bug must still end in a clear, token-free failure rather than a stack trace.
    const guard = outputGuard(forms);
    for (const line of (e instanceof Error ? (e.stack ?? e.message) : String(e)).split('\n')) core.debug(guard.line(line));
    core.setFailed(
      guard.line(`credential-preflight crashed: ${e instanceof Error ? e.message : String(e)}. Please report this with the debug log.`),
    );
    return undefined;
  }
}

/**
 * Without a `token` input: the `client-id` / `tenant-id` inputs with GitHub's OIDC token (they win
 * over a token in the environment: asking for them is explicit), else — when the environment holds
 * no token either — the Azure Identity variables (a self-hosted runner with AZURE_FEDERATED_TOKEN_FILE,
 * say). Azure DevOps only.
 */
function entraCredential(core: ActionsCore, env: Env, token: string | undefined, raw: RawInputs): EntraCredential | undefined {
  if (core.getInput('token') !== '' || !useEntra(raw.provider, raw.url || env.AZURE_DEVOPS_ORG_URL)) return undefined;
  const clientId = core.getInput('client-id');
  const tenantId = core.getInput('tenant-id');
  if (clientId || tenantId) return entraFromGitHubInputs(clientId, tenantId, env);
  return token === undefined || token.trim() === '' ? entraFromAzureEnv(env) : undefined;
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
  const parsed = readCredentialsConfig(file, fs, deps.now());
  const step = stepOverrides({
    offline: core.getInput('offline'),
    failOnWarning: core.getInput('fail-on-warning'),
    timeoutSeconds: core.getInput('timeout-seconds'),
    minDaysRemaining: core.getInput('min-days-remaining'),
  });
  const { plan, secrets } = planFromConfig(parsed, env, step.overrides, [core.getInput('token', { trimWhitespace: false })]);
  const forms = [...secrets, ...echoedInputs(core)];
  const beside = SINGLE_INPUTS.filter((n) => !['', 'auto'].includes(core.getInput(n).trim().toLowerCase()));
  // Every token of every entry is masked before any check runs or anything is printed; so are a
  // stray `token` input and any token pasted into the file.
  keepForms(forms);
  for (const form of forms) core.setSecret(form);

  const guard = outputGuard(forms);
  const log = core.isDebug()
    ? (name: string, e: Parameters<typeof formatLogEntry>[0]) => core.debug(guard.line(`[${name}] ${formatLogEntry(e)}`))
    : undefined;
  const multi = await runPreflightMany(
    plan,
    { env, ...deps, log },
    { config: file, findings: [...parsed.findings, ...step.findings, ...inputsBesideConfig(beside)] },
  );
  await publish(core, env, multi, forms);
  return multi;
}
