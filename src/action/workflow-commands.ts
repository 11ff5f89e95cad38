/**
 * The few `@actions/core` functions the action uses, written against the documented workflow
 * commands and environment files
 * (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions), byte for byte
 * as `@actions/core` 3 writes them (a unit test compares the two). Why not `@actions/core` itself:
 * importing it loads its OIDC client, `@actions/http-client` and a second undici, about 550 KB of
 * the bundle and most of the action's start-up, for a feature this action does not use.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, constants as fsConstants } from 'node:fs';
import { access, appendFile } from 'node:fs/promises';
import { EOL } from 'node:os';

interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

const toCommandValue = (input: unknown): string =>
  input === null || input === undefined ? '' : typeof input === 'string' || input instanceof String ? String(input) : JSON.stringify(input);
const escapeData = (s: unknown): string => toCommandValue(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: unknown): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::name key=value,…::message`; empty values are left out (the space stays), as @actions/core does. */
function issueCommand(command: string, properties: Record<string, unknown>, message: unknown): void {
  const props = Object.entries(properties)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  const head = Object.keys(properties).length ? `${command} ${props}` : command;
  process.stdout.write(`::${head}::${escapeData(message)}${EOL}`);
}

function annotation(properties: AnnotationProperties): Record<string, unknown> {
  if (!Object.keys(properties).length) return {};
  const p = properties;
  return { title: p.title, file: p.file, line: p.startLine, endLine: p.endLine, col: p.startColumn, endColumn: p.endColumn };
}

function setOutput(name: string, value: unknown): void {
  const file = process.env.GITHUB_OUTPUT || '';
  if (!file) {
    process.stdout.write(EOL);
    issueCommand('set-output', { name }, toCommandValue(value));
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const converted = toCommandValue(value);
  if (name.includes(delimiter)) throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  if (converted.includes(delimiter)) throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${converted}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
}

/** The job summary: text is buffered, then appended to $GITHUB_STEP_SUMMARY. */
class Summary {
  #buffer = '';
  addRaw(text: string, addEOL = false): this {
    this.#buffer += text + (addEOL ? EOL : '');
    return this;
  }
  async write(): Promise<this> {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file)
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
      );
    try {
      await access(file, fsConstants.R_OK | fsConstants.W_OK);
    } catch {
      throw new Error(`Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`);
    }
    await appendFile(file, this.#buffer, { encoding: 'utf8' });
    this.#buffer = '';
    return this;
  }
}

function error(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand('error', annotation(properties), message instanceof Error ? message.toString() : message);
}

export const workflowCommands = {
  getInput(name: string, options?: { required?: boolean; trimWhitespace?: boolean }): string {
    const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
    return options?.trimWhitespace === false ? value : value.trim();
  },
  setSecret: (secret: string): void => issueCommand('add-mask', {}, secret),
  setOutput,
  setFailed(message: string | Error): void {
    process.exitCode = 1;
    error(message);
  },
  error,
  warning: (message: string | Error, properties: AnnotationProperties = {}): void =>
    issueCommand('warning', annotation(properties), message instanceof Error ? message.toString() : message),
  info: (message: string): void => void process.stdout.write(message + EOL),
  debug: (message: string): void => issueCommand('debug', {}, message),
  isDebug: (): boolean => process.env.RUNNER_DEBUG === '1',
  summary: new Summary(),
};
