/**
 * The few azure-pipelines-task-lib calls the task makes, written as the agent's logging commands
 * (https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands) byte for byte as
 * task-lib 5 writes them (task.js, internal.js, taskcommand.js), and reading the service
 * connections, variables and proxy / CA settings from the environment the way task-lib does.
 * Importing task-lib costs most of the task's start-up (it loads shelljs-like file helpers,
 * minimatch and semver, writes a vault key file and encrypts every input); a unit test runs both on
 * the same calls and compares the bytes (__tests__/unit/logging-commands.test.ts).
 */
import * as os from 'node:os';
import type { TaskLib } from './main.js';
import { variableKey, type AgentVault } from './capture-token.js';

const TASK_RESULT = ['Succeeded', 'SucceededWithIssues', 'Failed', 'Cancelled', 'Skipped'] as const;
const ISSUE_TYPE = ['Error', 'Warning'] as const;
/** TypeScript's numeric enum objects (name → number and number → name), as task-lib exports them. */
const numericEnum = (names: readonly string[]): Record<string | number, string | number> =>
  Object.fromEntries(names.flatMap((n, i) => [[n, i] as const, [i, n] as const]));

// taskcommand.js: `escapedata` for the message, `escape` for property values.
const escapeData = (s: string): string => s.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/]/g, '%5D').replace(/;/g, '%3B');

/** `##vso[command key=value;…]message`: properties without a value are left out, as task-lib does. */
export function formatCommand(command: string, properties: Record<string, string | undefined> | null, message: unknown): string {
  let line = `##vso[${command}`;
  const entries = Object.entries(properties ?? {});
  if (entries.length > 0) line += ` ${entries.map(([k, v]) => (v ? `${k}=${escapeProperty(String(v))};` : '')).join('')}`;
  return `${line}]${escapeData(String(message || ''))}`;
}

const MULTILINE_SECRET = 'Secrets cannot contain multiple lines';

/** The agent refuses secrets with line breaks unless the pipeline allows them (task-lib's rule). */
function refuseMultiline(value: string, env: NodeJS.ProcessEnv): void {
  if (/\r|\n/.test(value) && String(env.SYSTEM_UNSAFEALLOWMULTILINESECRET).toUpperCase() !== 'TRUE') throw new Error(MULTILINE_SECRET);
}

/** Reads the agent's variables; writes debug lines when the agent's debug settings let task-lib write them. */
function variables(vault: AgentVault, env: NodeJS.ProcessEnv, write: (line: string) => void) {
  const raw = (name: string): string | undefined => {
    const key = variableKey(name);
    return vault.secretKeys.has(key) ? vault.secret(`SECRET_${key}`) : env[key];
  };
  // internal.js reads these two once, on import, through its getVariable (which logs them).
  const debugMode = raw('system.debug')?.toLowerCase() === 'true';
  const skipWhenOff = raw('DistributedTask.Tasks.Node.SkipDebugLogsWhenDebugModeOff')?.toLowerCase() === 'true';
  const debug = (message: string): void => {
    if (!skipWhenOff || debugMode) write(formatCommand('task.debug', null, message));
  };
  const getVariable = (name: string): string | undefined => {
    const value = raw(name);
    debug(`${name}=${value}`);
    return value;
  };
  return { debug, getVariable };
}

/** Service connections: ENDPOINT_URL_<id>, ENDPOINT_DATA_<id>_<KEY>, and the vaulted ENDPOINT_AUTH_<id>. */
function endpoints(vault: AgentVault, env: NodeJS.ProcessEnv, debug: (m: string) => void, fail: (m: string) => void) {
  return {
    getEndpointUrl(id: string, optional: boolean): string | undefined {
      const value = env[`ENDPOINT_URL_${id}`];
      if (!optional && !value) throw new Error(`Endpoint not present: ${id}`);
      debug(`${id}=${value}`);
      return value;
    },
    getEndpointDataParameter(id: string, key: string, optional: boolean): string | undefined {
      const value = env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`];
      if (!optional && !value) throw new Error(`Endpoint data parameter ${id} not present: ${key}`);
      debug(`${id} data ${key} = ${value}`);
      return value;
    },
    getEndpointAuthorization(id: string, optional: boolean) {
      const value = vault.secret(`ENDPOINT_AUTH_${id}`);
      if (!optional && !value) fail(`Endpoint auth data not present: ${id}`);
      debug(`${id} exists ${!!value}`);
      if (!value) return undefined;
      try {
        return JSON.parse(value) as ReturnType<TaskLib['getEndpointAuthorization']>;
      } catch {
        // task-lib puts the value in this message; it holds the secret, so it is left out here.
        throw new Error(`Invalid endpoint auth: ${id}`);
      }
    },
  };
}

/** The agent's proxy and certificate settings (task.js getHttpProxyConfiguration / getHttpCertConfiguration). */
function network(getVariable: (name: string) => string | undefined) {
  return {
    getHttpProxyConfiguration(): ReturnType<TaskLib['getHttpProxyConfiguration']> {
      const proxyUrl = getVariable('Agent.ProxyUrl');
      if (!proxyUrl) return null;
      const proxyUsername = getVariable('Agent.ProxyUsername');
      const proxyPassword = getVariable('Agent.ProxyPassword');
      const proxyBypassHosts = JSON.parse(getVariable('Agent.ProxyBypassList') || '[]') as string[];
      const u = new URL(proxyUrl);
      const proxyFormattedUrl = proxyUsername ? `${u.protocol}//${proxyUsername}:${proxyPassword}@${u.host}` : `${u.protocol}//${u.host}`;
      return { proxyUrl, proxyUsername, proxyPassword, proxyBypassHosts, proxyFormattedUrl };
    },
    getHttpCertConfiguration(): ReturnType<TaskLib['getHttpCertConfiguration']> {
      const caFile = getVariable('Agent.CAInfo');
      const certFile = getVariable('Agent.ClientCert');
      if (!caFile && !certFile) return null;
      if (!certFile) return { caFile, certFile };
      const keyFile = getVariable('Agent.ClientCertKey');
      const certArchiveFile = getVariable('Agent.ClientCertArchive');
      const passphrase = getVariable('Agent.ClientCertPassword');
      return { caFile, certFile, keyFile, certArchiveFile, passphrase };
    },
  };
}

/** The task's TaskLib over the vault: the same commands task-lib writes, on stdout. */
export function loggingCommands(
  vault: AgentVault,
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => void process.stdout.write(line + os.EOL),
): TaskLib {
  const { debug, getVariable } = variables(vault, env, write);
  const command = (name: string, properties: Record<string, string | undefined> | null, message: unknown): void =>
    write(formatCommand(name, properties, message));
  const issue = (type: string, message: string): void =>
    command('task.issue', { type, source: 'TaskInternal', correlationId: vault.correlationId, auditAction: undefined }, message);
  const setResult: TaskLib['setResult'] = (result, message, done) => {
    debug(`task result: ${TASK_RESULT[result]}`);
    if (result === 2 && message) issue('error', message);
    else if (result === 1 && message) issue('warning', message);
    command('task.complete', { result: TASK_RESULT[result], ...(done ? { done: 'true' } : {}) }, message);
  };
  const setVariable: TaskLib['setVariable'] = (name, val, secret = false, isOutput = false) => {
    const key = variableKey(name);
    const isSecret = secret || vault.secretKeys.has(key);
    const value = val || '';
    debug(`set ${name}=${isSecret && value ? '********' : value}`);
    if (isSecret) {
      refuseMultiline(value, env);
      vault.keep(`SECRET_${key}`, value);
      vault.secretKeys.add(key);
      delete env[key];
    } else env[key] = value;
    command('task.setvariable', { variable: name || '', isOutput: String(isOutput), issecret: String(isSecret) }, value);
  };
  return {
    getInput: (name) => vault.secret(`INPUT_${variableKey(name)}`),
    setSecret: (val) => {
      if (!val) return;
      refuseMultiline(val, env);
      command('task.setsecret', {}, val);
    },
    setVariable,
    setResult,
    logIssue: (type, message, sourcePath, lineNumber, columnNumber, errorCode) =>
      command(
        'task.logissue',
        {
          type: ISSUE_TYPE[type]!.toLowerCase(),
          code: errorCode,
          sourcepath: sourcePath,
          linenumber: lineNumber ? String(lineNumber) : undefined,
          columnnumber: columnNumber ? String(columnNumber) : undefined,
        },
        message,
      ),
    uploadSummary: (file) => command('task.uploadsummary', null, file),
    debug,
    getVariable,
    ...endpoints(vault, env, debug, (m) => setResult(2, m)),
    ...network(getVariable),
    TaskResult: numericEnum(TASK_RESULT) as unknown as TaskLib['TaskResult'],
    IssueType: numericEnum(ISSUE_TYPE) as unknown as TaskLib['IssueType'],
  } as TaskLib;
}
