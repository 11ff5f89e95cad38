/**
 * The task bundle writes the agent's logging commands with src/task/logging-commands.ts and reads
 * its hand-over with src/task/capture-token.ts instead of importing azure-pipelines-task-lib (whose
 * import costs most of the task's start-up): the same calls, on the same agent environment, must
 * write the same bytes, return the same values and throw the same errors, and both must take the
 * same secrets out of process.env.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type * as TaskLibModule from 'azure-pipelines-task-lib/task.js';
import { vaultFrom } from '../../src/task/capture-token.js';
import { formatCommand, loggingCommands } from '../../src/task/logging-commands.js';
import type { TaskLib } from '../../src/task/main.js';
import { tempDir } from '../support/temp.js';

const AUTH = { scheme: 'Token', parameters: { apitoken: 'endpoint-secret-value' } };
/** What the agent hands a step: inputs, a connection, secret and public variables, proxy and CA settings. */
const agentEnv = (dir: string): Record<string, string> => ({
  AGENT_TEMPDIRECTORY: dir,
  SYSTEM_DEBUG: 'true',
  COMMAND_CORRELATION_ID: 'c0rre1at10n',
  INPUT_TOKEN: 'input-secret-value',
  INPUT_PROJECT: 'Fabrikam Fiber',
  INPUT_REQUIRED_SCOPES: 'vso.code',
  ENDPOINT_AUTH_0E2F5C4A: JSON.stringify(AUTH),
  ENDPOINT_AUTH_BROKEN: '{not json',
  ENDPOINT_URL_0E2F5C4A: 'https://dev.azure.com/fabrikam',
  ENDPOINT_DATA_0E2F5C4A_ACTIVEDIRECTORYAUTHORITY: 'https://login.microsoftonline.com/',
  SECRET_AGENT_PROXYPASSWORD: 'proxy-secret-value',
  AGENT_PROXYURL: 'http://proxy.example:8080',
  AGENT_PROXYUSERNAME: 'proxy-user',
  AGENT_PROXYBYPASSLIST: '["^localhost$", "\\\\.internal$"]',
  AGENT_CAINFO: '/etc/agent/ca.pem',
  SYSTEM_COLLECTIONURI: 'https://dev.azure.com/fabrikam/',
  VSTS_SECRET_VARIABLES: '["Agent.ProxyPassword"]',
  VSTS_PUBLIC_VARIABLES: '["System.CollectionUri"]',
});

let theirs: typeof TaskLibModule;
let ours: TaskLib;
let envAfter: { ours: NodeJS.ProcessEnv; theirs: NodeJS.ProcessEnv };
const saved = { ...process.env };

beforeAll(async () => {
  const env = agentEnv(tempDir('logging-commands'));
  const oursEnv: NodeJS.ProcessEnv = { ...saved, ...env };
  ours = loggingCommands(vaultFrom(oursEnv), oursEnv);
  // task-lib reads (and empties) process.env once, on import; it writes its debug lines meanwhile.
  Object.assign(process.env, env);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  theirs = await import('azure-pipelines-task-lib/task.js');
  spy.mockRestore();
  envAfter = { ours: oursEnv, theirs: { ...process.env } };
});
afterAll(() => {
  process.env = saved;
});

/** stdout, the value returned and the error thrown by one call. */
function capture(tl: TaskLib, call: (tl: TaskLib) => unknown) {
  let stdout = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  let value: unknown;
  let thrown: string | undefined;
  try {
    value = call(tl);
  } catch (e) {
    thrown = String(e);
  } finally {
    spy.mockRestore();
  }
  return { stdout, value, thrown };
}

function same(call: (tl: TaskLib) => unknown) {
  const mine = capture(ours, call);
  expect(mine).toEqual(capture(theirs as unknown as TaskLib, call));
  return mine;
}

const TRICKY = ['plain', 'per%cent', 'two\nlines\r\n', 'semi;colon]bracket', '', '##vso[task.complete result=Succeeded;]'];

describe('logging-commands.ts writes what azure-pipelines-task-lib writes', () => {
  it('takes the same secrets out of process.env', () => {
    const keys = (e: NodeJS.ProcessEnv) => Object.keys(e).sort();
    expect(keys(envAfter.ours)).toEqual(keys(envAfter.theirs));
    expect(keys(envAfter.ours)).not.toContain('INPUT_TOKEN');
    expect(keys(envAfter.ours)).not.toContain('COMMAND_CORRELATION_ID');
  });

  it('task results, with and without a message, with the correlation id on the issue', () => {
    for (const result of [0, 1, 2, 3, 4])
      for (const message of [...TRICKY, undefined]) same((tl) => tl.setResult(result, message as string));
    expect(same((tl) => tl.setResult(tl.TaskResult.Failed, 'no')).stdout).toContain('correlationId=c0rre1at10n;');
    same((tl) => tl.setResult(tl.TaskResult.Succeeded, 'done', true));
  });

  it('issues, secrets, output variables, summaries and debug lines, escaped alike', () => {
    for (const text of TRICKY) {
      same((tl) => tl.logIssue(tl.IssueType.Error, text, undefined, undefined, undefined, 'token.expired'));
      same((tl) => tl.logIssue(tl.IssueType.Warning, text, text, 3, 7));
      same((tl) => tl.setSecret(text));
      same((tl) => tl.setVariable('outcome', text, false, true));
      same((tl) => tl.setVariable(text || 'x', 'v'));
      same((tl) => tl.uploadSummary(text));
      same((tl) => tl.debug(text));
    }
    expect(same((tl) => tl.setSecret('a\nb')).thrown).toMatch(/multiple lines/);
    expect(same((tl) => tl.setVariable('Agent.ProxyPassword', 'changed')).stdout).toContain('issecret=true');
  });

  it('inputs, variables, service connections, proxy and CA settings read alike (case-insensitive vault keys)', () => {
    // The one intended difference: task-lib logs `name=value` for every input, before the task could mask it.
    for (const name of ['project', 'Required Scopes', 'required.scopes', 'token', 'missing']) {
      const mine = capture(ours, (tl) => tl.getInput(name));
      expect(mine).toEqual({ ...capture(theirs as unknown as TaskLib, (tl) => tl.getInput(name)), stdout: '' });
    }
    for (const name of ['System.CollectionUri', 'Agent.ProxyPassword', 'system.debug', 'Missing.Variable'])
      same((tl) => tl.getVariable(name));
    expect(same((tl) => tl.getEndpointAuthorization('0e2f5c4a', true)).value).toEqual(AUTH);
    same((tl) => tl.getEndpointAuthorization('0E2F5C4A', true));
    same((tl) => tl.getEndpointAuthorization('absent', true));
    same((tl) => tl.getEndpointAuthorization('absent', false));
    same((tl) => tl.getEndpointUrl('0E2F5C4A', true));
    same((tl) => tl.getEndpointUrl('absent', true));
    same((tl) => tl.getEndpointDataParameter('0E2F5C4A', 'activeDirectoryAuthority', true));
    same((tl) => tl.getEndpointDataParameter('0E2F5C4A', 'environmentAuthorityUrl', true));
    // The password is the secret variable (set again by the test above, read back from the vault alike).
    expect(same((tl) => tl.getHttpProxyConfiguration()).value).toMatchObject({ proxyUsername: 'proxy-user', proxyPassword: 'changed' });
    expect(same((tl) => tl.getHttpCertConfiguration()).value).toEqual({ caFile: '/etc/agent/ca.pem', certFile: undefined });
  });

  it('a connection whose auth is not JSON throws, without the secret in the message (task-lib would print it)', () => {
    const mine = capture(ours, (tl) => tl.getEndpointAuthorization('broken', true));
    const theirsRun = capture(theirs as unknown as TaskLib, (tl) => tl.getEndpointAuthorization('broken', true));
    expect(mine.stdout).toBe(theirsRun.stdout);
    expect(theirsRun.thrown).toContain('{not json');
    expect(mine.thrown).toBe('Error: Invalid endpoint auth: broken');
  });

  it('enums match task-lib’s', () => {
    expect(ours.TaskResult).toEqual({ ...theirs.TaskResult });
    expect(ours.IssueType).toEqual({ ...theirs.IssueType });
  });

  it('formats a command with no properties and with only empty ones', () => {
    expect(formatCommand('task.setsecret', {}, 'x')).toBe('##vso[task.setsecret]x');
    expect(formatCommand('task.logissue', { code: undefined }, 'x')).toBe('##vso[task.logissue ]x');
  });
});
