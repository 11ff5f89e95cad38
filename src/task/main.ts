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
import { finding, type Finding, type Report } from '../core/report.js';
import { formatLogEntry } from '../core/http/log.js';
import { resolveRequest, tokenFromEnv, type Env, type RawInputs } from '../core/request.js';
import { redact, secretForms } from '../core/secrets.js';

export type TaskLib = Pick<
  typeof taskLib,
  | 'getInput'
  | 'setSecret'
  | 'setVariable'
  | 'setResult'
  | 'logIssue'
  | 'uploadSummary'
  | 'debug'
  | 'getVariable'
  | 'getEndpointUrl'
  | 'getEndpointAuthorization'
  | 'getHttpProxyConfiguration'
  | 'getHttpCertConfiguration'
  | 'TaskResult'
  | 'IssueType'
>;

/** Auth parameters that hold the secret in the service-connection schemes we accept (Token, OAuth, UsernamePassword). */
const ENDPOINT_SECRET_KEYS = ['apitoken', 'AccessToken', 'accessToken', 'password', 'token'];

interface Credential {
  token: string | undefined;
  source: string;
  url?: string;
  project?: string;
  tokenType?: string;
}

/**
 * Where the credential comes from, first match wins: the job's own System.AccessToken, an Azure DevOps
 * service connection, the `token` input (a secret variable), or the conventional environment variable.
 * Endpoint secrets are read with getEndpointAuthorization, which logs only whether they exist
 * (getEndpointAuthorizationParameter writes the value to the debug log).
 */
function readCredential(tl: TaskLib, env: Env, provider: string): Credential {
  const useSystem = /^true$/i.test(tl.getInput('useSystemAccessToken') ?? '');
  if (useSystem) {
    const auth = tl.getEndpointAuthorization('SYSTEMVSSCONNECTION', true);
    return {
      token: auth?.parameters.AccessToken,
      source: "the job's System.AccessToken (SYSTEMVSSCONNECTION)",
      url: tl.getVariable('System.CollectionUri'),
      project: tl.getVariable('System.TeamProject'),
      tokenType: 'system-access-token',
    };
  }
  const connection = tl.getInput('serviceConnection');
  if (connection) {
    const auth = tl.getEndpointAuthorization(connection, true);
    const key = ENDPOINT_SECRET_KEYS.find((k) => auth?.parameters[k]);
    return {
      token: key ? auth!.parameters[key] : undefined,
      source: `the service connection "${connection}"`,
      url: tl.getEndpointUrl(connection, true),
    };
  }
  const token = env.INPUT_TOKEN;
  if (token !== undefined && token !== '') return { token, source: 'the `token` input' };
  const fromEnv = tokenFromEnv(provider, env);
  return { token: fromEnv.value, source: `the \`token\` input or the ${fromEnv.source}` };
}

export interface TaskIo {
  /** Plain log lines (notes); the agent shows them in the step log. */
  log: (line: string) => void;
}

/**
 * The agent's proxy and CA settings (the agent does not export them as environment variables). A CA
 * file that cannot be read is a finding about the agent's configuration, not a crash.
 */
function agentNetwork(tl: TaskLib, env: Env): { deps: Pick<PreflightDeps, 'transport' | 'env'>; findings: Finding[] } {
  const proxy = tl.getHttpProxyConfiguration();
  const cert = tl.getHttpCertConfiguration();
  const extraCaPems: string[] = [];
  const findings: Finding[] = [];
  const read = (file: string, what: string): void => {
    try {
      extraCaPems.push(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      findings.push(
        finding(
          'config.invalid',
          'error',
          `The ${what} ${JSON.stringify(file)} cannot be read (${why}), so the server's certificate could not be checked against it.`,
          `Fix the path or the file's permissions (${what === 'agent CA file' ? "the agent's --sslcacert setting" : 'NODE_EXTRA_CA_CERTS'}), then re-run.`,
        ),
      );
    }
  };
  if (cert?.caFile) read(cert.caFile, 'agent CA file');
  if (cert?.caFile && env.NODE_EXTRA_CA_CERTS) read(env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS file');
  return {
    deps: {
      env,
      transport: {
        proxy: proxy
          ? { url: proxy.proxyUrl, username: proxy.proxyUsername, password: proxy.proxyPassword, bypass: proxy.proxyBypassHosts }
          : undefined,
        extraCaPems,
      },
    },
    findings,
  };
}

/** Each request's method, host, path, status and time, when the pipeline runs with system.debug. */
function debugOn(tl: TaskLib, env: Env): boolean {
  return /^true$/i.test(tl.getVariable('System.Debug') ?? env.SYSTEM_DEBUG ?? '');
}

/**
 * One ##vso[task.logissue] per error or warning, with its code; notes go to the plain log. Messages
 * can hold what a server said, and the agent obeys a ##vso[ anywhere in a plain line: each is made
 * one safe line.
 */
function logFinding(tl: TaskLib, io: TaskIo, f: Finding, name: string | null): void {
  const who = name ? `[${name}] ` : '';
  if (f.severity === 'info') io.log(logSafe(`${who}${f.code}: ${f.message}`));
  else
    tl.logIssue(
      f.severity === 'error' ? tl.IssueType.Error : tl.IssueType.Warning,
      logSafe(`${who}${f.message} Fix: ${f.hint}`),
      undefined,
      undefined,
      undefined,
      f.code,
    );
}

function uploadMarkdown(tl: TaskLib, markdown: string, forms: string[]): void {
  try {
    const dir = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
    const file = path.join(dir, `credential-preflight-${process.pid}.md`);
    fs.writeFileSync(file, markdown);
    tl.uploadSummary(file);
  } catch (e) {
    tl.logIssue(tl.IssueType.Warning, `Could not attach the summary: ${redact(String(e), forms)}`);
  }
}

/** Issues, output variables, run summary and the task result, for one credential or several. */
function publish(tl: TaskLib, io: TaskIo, result: Report | MultiReport, forms: string[]): void {
  const findings = isMulti(result) ? allFindings(result) : result.findings.map((finding) => ({ name: null, finding }));
  for (const { name, finding } of findings) logFinding(tl, io, finding, name);
  for (const [name, value] of Object.entries(stepOutputs(result))) tl.setVariable(name, value, false, true);
  uploadMarkdown(tl, isMulti(result) ? renderMarkdownMany(result) : renderMarkdown(result), forms);
  if (result.outcome === 'failed' || result.outcome === 'unverified') tl.setResult(tl.TaskResult.Failed, failureLine(result));
  else if (result.outcome === 'warned') tl.setResult(tl.TaskResult.SucceededWithIssues, 'credential-preflight passed with warnings.');
  else
    tl.setResult(
      tl.TaskResult.Succeeded,
      `credential-preflight passed${isMulti(result) ? ` (${result.credentials.length} credentials)` : ''}.`,
    );
}

/**
 * The `config` input (type filePath). The agent fills an empty filePath input with the sources
 * directory, so a directory that is one of the job's root folders means "not set".
 */
function configPath(tl: TaskLib): string | undefined {
  const value = tl.getInput('config')?.trim();
  if (!value) return undefined;
  const base = tl.getVariable('System.DefaultWorkingDirectory') || process.cwd();
  const full = path.resolve(base, value);
  const roots = ['Build.SourcesDirectory', 'System.DefaultWorkingDirectory', 'Build.Repository.LocalPath', 'Pipeline.Workspace']
    .map((v) => tl.getVariable(v))
    .filter((v): v is string => !!v)
    .map((v) => path.resolve(v));
  return roots.includes(full) ? undefined : full;
}

export async function run(
  tl: TaskLib,
  env: Env,
  io: TaskIo = { log: console.log },
  deps: PreflightDeps = systemDeps,
): Promise<Report | MultiReport | undefined> {
  let forms: string[] = [];
  try {
    const config = configPath(tl);
    if (config) return await runMany(tl, env, io, deps, config, (f) => (forms = f));
    // The token is read from the environment, not tl.getInput: getInput writes `name=value` to the
    // debug log before we could register the secret. It must reach the input from a secret variable.
    const provider = tl.getInput('provider') ?? 'auto';
    const username = tl.getInput('username');
    const credential = readCredential(tl, env, provider);
    const { token } = credential;
    forms = secretForms(token, username);
    // tl.setSecret refuses values with line breaks; secretForms also lists each line on its own.
    for (const form of forms) if (!/[\r\n]/.test(form)) tl.setSecret(form);

    const raw: RawInputs = {
      provider,
      token,
      tokenType: credential.tokenType ?? tl.getInput('tokenType'),
      url: tl.getInput('url') || credential.url,
      project: tl.getInput('project') || credential.project,
      username,
      requiredScopes: tl.getInput('requiredScopes'),
      minDaysRemaining: tl.getInput('minDaysRemaining'),
      timeoutSeconds: tl.getInput('timeoutSeconds'),
      expiresOn: tl.getInput('expiresOn'),
      offline: tl.getInput('offline'),
      failOnWarning: tl.getInput('failOnWarning'),
    };
    const { request, findings } = resolveRequest(raw, env, 'camel');
    request.tokenSource = credential.source;
    const log: PreflightDeps['log'] = debugOn(tl, env) ? (e) => tl.debug(redact(formatLogEntry(e), forms)) : undefined;
    const network = agentNetwork(tl, env);
    const report = await runPreflight(request, { ...deps, ...network.deps, log }, [...findings, ...network.findings]);
    publish(tl, io, report, forms);
    return report;
  } catch (e) {
    tl.debug(redact(e instanceof Error ? (e.stack ?? e.message) : String(e), forms));
    tl.setResult(
      tl.TaskResult.Failed,
      `credential-preflight crashed: ${redact(e instanceof Error ? e.message : String(e), forms)}. Please report this with the debug log.`,
    );
    return undefined;
  }
}

/** Inputs that describe one credential; with `config` the file describes them instead. */
const SINGLE_INPUTS = ['provider', 'tokenType', 'url', 'project', 'username', 'requiredScopes', 'expiresOn', 'serviceConnection'];

/**
 * Several credentials from the file. Their tokens come from the step environment (`env:` mapping of
 * secret variables): task-lib vaults only INPUT_*, SECRET_*, ENDPOINT_AUTH_* and the like, which
 * the file may not name.
 */
async function runMany(
  tl: TaskLib,
  env: Env,
  io: TaskIo,
  deps: PreflightDeps,
  file: string,
  keepForms: (forms: string[]) => void,
): Promise<MultiReport> {
  // Loaded only when a credentials file is read: other runs never load the YAML parser.
  const { readCredentialsConfig } = await import('../core/config.js');
  const parsed = readCredentialsConfig(file, (f) => fs.readFileSync(f, 'utf8'), deps.now());
  const step = stepOverrides(
    {
      offline: tl.getInput('offline'),
      failOnWarning: tl.getInput('failOnWarning'),
      timeoutSeconds: tl.getInput('timeoutSeconds'),
      minDaysRemaining: tl.getInput('minDaysRemaining'),
    },
    'camel',
  );
  const { plan, secrets: forms } = planFromConfig(parsed, env, step.overrides, [env.INPUT_TOKEN]);
  keepForms(forms);
  // Every token of every entry is masked before any check runs or anything is printed.
  for (const form of forms) if (!/[\r\n]/.test(form)) tl.setSecret(form);

  const beside = [
    ...(env.INPUT_TOKEN ? ['token'] : []),
    ...SINGLE_INPUTS.filter((n) => !['', 'auto'].includes((tl.getInput(n) ?? '').trim().toLowerCase())),
    ...(/^true$/i.test(tl.getInput('useSystemAccessToken') ?? '') ? ['useSystemAccessToken'] : []),
  ];
  const log = debugOn(tl, env)
    ? (name: string, e: Parameters<typeof formatLogEntry>[0]) => tl.debug(redact(`[${name}] ${formatLogEntry(e)}`, forms))
    : undefined;
  const network = agentNetwork(tl, env);
  const multi = await runPreflightMany(
    plan,
    { ...deps, ...network.deps, log },
    { config: file, findings: [...parsed.findings, ...step.findings, ...inputsBesideConfig(beside), ...network.findings] },
  );

  publish(tl, io, multi, forms);
  return multi;
}
