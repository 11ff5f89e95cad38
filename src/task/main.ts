/**
 * Azure Pipelines task adapter: read inputs, mask every form of the token first, run the core,
 * render the report as ##vso issues, output variables, a run summary and the task result.
 * No checks live here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as taskLib from 'azure-pipelines-task-lib/task.js';
// The Entra exchange needs the network stack: loaded only when a run uses it.
import { entraFromArmConnection, entraFromAzureEnv, useEntra, type EntraCredential } from '../core/entra/source.js';
import { runPreflight, systemDeps, type PreflightDeps } from '../core/preflight.js';
import { inputsBesideConfig, planFromConfig, runPreflightMany, stepOverrides, type MultiReport } from '../core/preflight-many.js';
import { isMulti } from '../core/render/outputs.js';
import { outputGuard, publication, type Publication } from '../core/render/publication.js';
import { crashReporter } from './crash.js';
import { finding, type Finding, type Report } from '../core/report.js';
import { formatLogEntry } from '../core/http/log.js';
import { resolveRequest, tokenFromEnv, type Env, type RawInputs, type TokenOrigin } from '../core/request.js';
import { describeValue } from '../core/token-source.js';
import { echoedSecrets, secretForms } from '../core/secrets.js';
import {
  bitbucketConnectionCredential,
  bitbucketConnectionMissing,
  githubConnectionMissing,
  githubConnectionToken,
} from './code-connections.js';

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
  | 'getEndpointDataParameter'
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
  /** The environment variable the token was read from, when it came from one (a provider hint). */
  origin?: TokenOrigin;
  /** Set when the credential's own kind names the provider (a GitHub or Bitbucket connection). */
  provider?: string;
  username?: string;
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
  const code = codeConnection(tl);
  if (code) return code;
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
  // The agent passes every input, an empty string when none was given; a secret variable that is
  // defined but empty arrives the same way, so the message names both causes.
  const input = describeValue('the `token` input', token);
  if (token !== undefined && token !== '') return { token, source: input };
  const fromEnv = tokenFromEnv(provider, env);
  return { token: fromEnv.value, source: `${input}; ${fromEnv.source}`, origin: fromEnv.origin };
}

/**
 * The Azure Resource Manager service connection selected in `azureSubscription` (the name Microsoft's
 * Azure tasks use), as a Microsoft Entra credential. Its secrets are read with getEndpointAuthorization,
 * which logs only whether they exist; the authority is not secret.
 */
function armCredential(tl: TaskLib): EntraCredential | undefined {
  const id = tl.getInput('azureSubscription');
  if (!id) return undefined;
  const auth = tl.getEndpointAuthorization(id, true);
  const authority =
    tl.getEndpointDataParameter(id, 'activeDirectoryAuthority', true) || tl.getEndpointDataParameter(id, 'environmentAuthorityUrl', true);
  // The job's own token authorises the request for the connection's OIDC token (System.OidcRequestUri).
  const job = tl.getEndpointAuthorization('SYSTEMVSSCONNECTION', true);
  return entraFromArmConnection(
    {
      id,
      scheme: auth?.scheme,
      parameters: auth?.parameters ?? {},
      authority,
      // Endpoint data, not secret: names the user-assigned identity of a managed identity connection.
      msiClientId:
        auth?.scheme?.toLowerCase() === 'managedserviceidentity' ? tl.getEndpointDataParameter(id, 'msiclientId', true) : undefined,
    },
    { oidcRequestUri: tl.getVariable('System.OidcRequestUri'), accessToken: job?.parameters.AccessToken },
  );
}

/** No token anywhere: the Azure Identity variables (a self-hosted agent on AKS, say). Azure DevOps only. */
function entraFromEnvironment(env: Env, raw: RawInputs): EntraCredential | undefined {
  if ((raw.token ?? '').trim() !== '' || !useEntra(raw.provider, raw.url || env.AZURE_DEVOPS_ORG_URL)) return undefined;
  return entraFromAzureEnv(env);
}

/** An ARM connection (`azureSubscription`) first: it checks the pipeline's own organisation and project. */
function chooseCredential(tl: TaskLib, env: Env, provider: string): { credential: Credential; arm?: EntraCredential } {
  const arm = armCredential(tl);
  if (!arm) return { credential: readCredential(tl, env, provider) };
  // The agent sets System.CollectionUri with a trailing slash; the check wants the bare URL.
  const url = tl.getVariable('System.CollectionUri')?.replace(/\/+$/, '');
  return { credential: { token: undefined, source: arm.origin, url, project: tl.getVariable('System.TeamProject') }, arm };
}

/** Each secret the Entra stage meets (connection secret, job token, assertion, minted token) is masked before use. */
function masker(tl: TaskLib, forms: string[]): (secret: string) => void {
  return (secret) => {
    const more = secretForms(secret);
    forms.push(...more);
    mask(tl, more);
  };
}

/** A GitHub (`gitHubConnection`) or Bitbucket Cloud (`bitbucketConnection`) service connection, when one is selected. */
function codeConnection(tl: TaskLib): Credential | undefined {
  const github = tl.getInput('gitHubConnection');
  if (github) {
    const auth = tl.getEndpointAuthorization(github, true);
    const token = auth ? githubConnectionToken(auth) : undefined;
    const source = token ? `the GitHub service connection "${github}"` : githubConnectionMissing(github, auth);
    return { token, source, provider: 'github' };
  }
  const bitbucket = tl.getInput('bitbucketConnection');
  if (!bitbucket) return undefined;
  const auth = tl.getEndpointAuthorization(bitbucket, true);
  const { token, username } = auth ? bitbucketConnectionCredential(auth) : { token: undefined, username: undefined };
  const source = token ? `the Bitbucket service connection "${bitbucket}"` : bitbucketConnectionMissing(bitbucket, auth);
  return { token, username, source, provider: 'bitbucket' };
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
 * One ##vso[task.logissue] per error or warning, with its code; notes go to the plain log. The
 * finding comes from the publication (redacted, inert); `line` also breaks any `##vso[`, which the
 * agent obeys anywhere in a plain line.
 */
function logFinding(tl: TaskLib, io: TaskIo, out: Publication, f: Finding, name: string | null): void {
  const who = name ? `[${name}] ` : '';
  if (f.severity === 'info') io.log(out.line(`${who}${f.code}: ${f.message}`));
  else
    tl.logIssue(
      f.severity === 'error' ? tl.IssueType.Error : tl.IssueType.Warning,
      out.line(`${who}${f.message} Fix: ${f.hint}`),
      undefined,
      undefined,
      undefined,
      f.code,
    );
}

function uploadMarkdown(tl: TaskLib, out: Publication): void {
  try {
    const dir = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
    const file = path.join(dir, `credential-preflight-${process.pid}.md`);
    fs.writeFileSync(file, out.markdown);
    tl.uploadSummary(file);
  } catch (e) {
    tl.logIssue(tl.IssueType.Warning, out.line(`Could not attach the summary: ${String(e)}`));
  }
}

/**
 * Issues, output variables, run summary and the task result, for one credential or several:
 * everything written comes from the one publication of the result, redacted before any encoding.
 */
function publish(tl: TaskLib, io: TaskIo, result: Report | MultiReport, secrets: string[]): void {
  const out = publication(result, secrets);
  for (const { name, finding } of out.findings) logFinding(tl, io, out, finding, name);
  for (const [name, value] of Object.entries(out.outputs)) tl.setVariable(name, value, false, true);
  uploadMarkdown(tl, out);
  if (result.outcome === 'failed' || result.outcome === 'unverified') tl.setResult(tl.TaskResult.Failed, out.failureLine);
  else if (result.outcome === 'warned') tl.setResult(tl.TaskResult.SucceededWithIssues, 'credential-preflight passed with warnings.');
  else
    tl.setResult(
      tl.TaskResult.Succeeded,
      `credential-preflight passed${isMulti(result) ? ` (${result.credentials.length} credentials)` : ''}.`,
    );
}

/** Every input the task may echo back, for the secret-looking-name rule (`echoedSecrets`). */
const ECHOED_INPUTS = [
  'provider',
  'tokenType',
  'url',
  'project',
  'username',
  'requiredScopes',
  'expiresOn',
  'serviceConnection',
  'config',
  'minDaysRemaining',
  'timeoutSeconds',
  'offline',
  'failOnWarning',
];
const echoedInputs = (tl: TaskLib): string[] => echoedSecrets(ECHOED_INPUTS.map((n) => tl.getInput(n)));

/** Masks every form with the agent: it refuses values with line breaks (secretForms also lists each line). */
function mask(tl: TaskLib, forms: readonly string[]): void {
  for (const form of forms) if (!/[\r\n]/.test(form)) tl.setSecret(form);
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
    const { credential, arm } = chooseCredential(tl, env, tl.getInput('provider') ?? 'auto');
    const provider = credential.provider ?? tl.getInput('provider') ?? 'auto';
    const username = tl.getInput('username') || credential.username;
    const { token } = credential;
    // A secret typed into a name's input (a pasted token as `project`) is masked and hidden too.
    forms = [...secretForms(token, username), ...echoedInputs(tl)];
    mask(tl, forms);

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
    request.tokenOrigin = credential.origin;
    // The guard is made per line: the Entra stage adds secrets (the minted token) while the run goes on.
    const log: PreflightDeps['log'] = debugOn(tl, env) ? (e) => tl.debug(outputGuard(forms).line(formatLogEntry(e))) : undefined;
    const network = agentNetwork(tl, env);
    const entra = arm ?? entraFromEnvironment(env, raw);
    const maskSecret = masker(tl, forms);
    const all = [...findings, ...network.findings];
    const readFile = (f: string): string => fs.readFileSync(f, 'utf8');
    const report = entra
      ? await (
          await import('../core/entra/index.js')
        ).runEntraPreflight(entra, request, { ...deps, ...network.deps, log, mask: maskSecret, readFile }, all)
      : await runPreflight(request, { ...deps, ...network.deps, log }, all);
    publish(tl, io, report, forms);
    return report;
  } catch (e) {
    const guard = outputGuard(forms);
    for (const line of (e instanceof Error ? (e.stack ?? e.message) : String(e)).split('\n')) tl.debug(guard.line(line));
    crashReporter(tl, forms)(e);
    return undefined;
  }
}

/** Inputs that describe one credential; with `config` the file describes them instead. */
const SINGLE_INPUTS = [
  'provider',
  'tokenType',
  'url',
  'project',
  'username',
  'requiredScopes',
  'expiresOn',
  'serviceConnection',
  'azureSubscription',
  'gitHubConnection',
  'bitbucketConnection',
];

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
  const parsed = readCredentialsConfig(file, fs, deps.now());
  const step = stepOverrides(
    {
      offline: tl.getInput('offline'),
      failOnWarning: tl.getInput('failOnWarning'),
      timeoutSeconds: tl.getInput('timeoutSeconds'),
      minDaysRemaining: tl.getInput('minDaysRemaining'),
    },
    'camel',
  );
  const { plan, secrets } = planFromConfig(parsed, env, step.overrides, [env.INPUT_TOKEN]);
  const forms = [...secrets, ...echoedInputs(tl)];
  keepForms(forms);
  // Every token of every entry is masked before any check runs or anything is printed.
  mask(tl, forms);

  const beside = [
    ...(env.INPUT_TOKEN ? ['token'] : []),
    ...SINGLE_INPUTS.filter((n) => !['', 'auto'].includes((tl.getInput(n) ?? '').trim().toLowerCase())),
    ...(/^true$/i.test(tl.getInput('useSystemAccessToken') ?? '') ? ['useSystemAccessToken'] : []),
  ];
  const guard = outputGuard(forms);
  const log = debugOn(tl, env)
    ? (name: string, e: Parameters<typeof formatLogEntry>[0]) => tl.debug(guard.line(`[${name}] ${formatLogEntry(e)}`))
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
