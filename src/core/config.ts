/**
 * The credentials file (`config` input, `--config` flag): a YAML list of credentials to check in one
 * step. Parsed with `yaml` for line/column positions; every problem is a `config.file` finding that
 * names the file, the line and column and the field path, and says what to write instead.
 *
 * The file names environment variables and never holds a token: a token-looking value anywhere is an
 * error, and no message ever quotes it. Values are checked by `resolveRequest` (one field at a time,
 * so the error points at the right line), so the file accepts exactly what the inputs accept.
 */
import { docsUrl } from './docs.js';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { finding, type Finding } from './report.js';
import { detectProvider } from './providers/registry.js';
import { readBoolean, resolveRequest, type RawInputs } from './request.js';
import { isSecretLike } from './secrets.js';
import { suggest } from './suggest.js';

export { suggest };

/** Per-credential keys → the input they stand for (same spelling as the action's inputs). */
const FIELD_INPUT = {
  provider: 'provider',
  url: 'url',
  project: 'project',
  username: 'username',
  'required-scopes': 'requiredScopes',
  'min-days-remaining': 'minDaysRemaining',
  'expires-on': 'expiresOn',
  'timeout-seconds': 'timeoutSeconds',
  'token-type': 'tokenType',
  offline: 'offline',
} as const satisfies Record<string, keyof RawInputs>;
type FieldKey = keyof typeof FIELD_INPUT;

export const ENTRY_KEYS: readonly string[] = ['name', 'token-env', ...Object.keys(FIELD_INPUT)];
export const DEFAULTS_KEYS: readonly string[] = Object.keys(FIELD_INPUT);
export const TOP_KEYS: readonly string[] = ['credentials', 'defaults', 'fail-on-warning'];

/** The agent vaults and deletes these from the environment before the task runs; GitHub uses INPUT_ for inputs. */
const RESERVED_ENV_PREFIXES = ['INPUT_', 'SECRET_', 'ENDPOINT_AUTH_', 'SECUREFILE_TICKET_', 'VSTS_TASKVARIABLE_'];
const MAX_FILE_CHARS = 256 * 1024;
// A bound on one step's work, not a capacity limit: memory and time grow linearly with the entries
// (npm run bench: 1,000 credentials across 10 hosts in one CLI run, docs/performance.md).
export const MAX_CREDENTIALS = 1000;

export type EntryInputs = Omit<RawInputs, 'token' | 'failOnWarning'>;

export interface ConfigEntry {
  /** Row label (defaults to the variable name). */
  name: string;
  /** The environment variable holding the token. */
  tokenEnv: string;
  /** The entry's values (defaults applied) as the inputs would carry them. */
  inputs: EntryInputs;
  line: number;
}

export interface CredentialsConfig {
  file: string;
  failOnWarning: boolean;
  entries: ConfigEntry[];
}

export interface ConfigResult {
  /** Undefined when the file has errors: then nothing is checked. */
  config: CredentialsConfig | undefined;
  findings: Finding[];
  /** Token literals found in the file: never echoed, and the adapters mask them too. */
  secrets: string[];
}

/** What reading the credentials file needs from the file system: `node:fs` in the adapters, a fake in tests. */
export interface ConfigFs {
  statSync(file: string): { isFile(): boolean; isDirectory(): boolean; size: number };
  readFileSync(file: string, encoding: 'utf8'): string;
}

/**
 * Why the path cannot be read as a credentials file, checked before it is opened: a device
 * (`/dev/zero` never ends), a FIFO (opening it waits for a writer) or a huge file would hang the step
 * or fill its memory. undefined when it is a regular file of acceptable size.
 */
function unreadable(file: string, fs: ConfigFs): string | undefined {
  const st = fs.statSync(file);
  if (st.isDirectory()) return 'is a directory, not a file';
  if (!st.isFile()) return 'is not a regular file (a device, a pipe or a socket)';
  return st.size > MAX_FILE_CHARS
    ? `is ${st.size} bytes, larger than the ${MAX_FILE_CHARS / 1024} KiB a list of credentials needs`
    : undefined;
}

/** The file's text, or why it cannot be read (a stated reason or the reader's error code). */
function readText(file: string, reader: ConfigFs | ((file: string) => string)): { text: string } | { why: string; code?: string } {
  try {
    if (typeof reader === 'function') return { text: reader(file) };
    const why = unreadable(file, reader);
    return why ? { why } : { text: reader.readFileSync(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { why: readErrorWhy(code), code };
  }
}

/**
 * Read and parse. `reader` is the adapter's file system (checked with stat before anything is read),
 * or a plain read function (tests of the parsing); the core does no I/O itself.
 */
export function readCredentialsConfig(file: string, reader: ConfigFs | ((file: string) => string), now: Date): ConfigResult {
  const read = readText(file, reader);
  if ('why' in read) {
    const { why, code } = read;
    return {
      config: undefined,
      secrets: [],
      findings: [
        finding(
          'config.file',
          'error',
          `The credentials file ${JSON.stringify(file)} ${why}.`,
          code === 'ENOENT'
            ? 'Check the path (relative paths start at the working directory), or commit the file.'
            : 'Point `config` at the YAML file that lists the credentials.',
        ),
      ],
    };
  }
  return parseCredentialsConfig(read.text, file, now);
}

/** Why the file could not be read, from the reader's error code. */
function readErrorWhy(code: string | undefined): string {
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? 'error'})`;
}

class Checker {
  readonly findings: Finding[] = [];
  readonly secrets = new Set<string>();
  /** Scalars that are pasted tokens: reported once, then skipped by every other check. */
  readonly tokenNodes = new Set<unknown>();
  readonly #lines = new LineCounter();
  constructor(
    readonly file: string,
    readonly now: Date,
  ) {}

  get lineCounter(): LineCounter {
    return this.#lines;
  }

  where(node: Node | null | undefined, offset?: number): { line: number; col: number } {
    const at = offset ?? node?.range?.[0] ?? 0;
    const { line, col } = this.#lines.linePos(at);
    return { line, col };
  }

  error(node: Node | null | undefined, path: string, problem: string, hint: string, offset?: number): void {
    const { line, col } = this.where(node, offset);
    const subject = path ? `${path} ` : '';
    this.findings.push(finding('config.file', 'error', `${this.file}:${line}:${col}: ${subject}${problem}`, hint));
  }

  /** A token pasted into the file: remembered (to be masked), never quoted. */
  isToken(value: string): boolean {
    const v = value.trim();
    if (v.length < 20 || /\s/.test(v)) return false;
    if (!detectProvider(v, { now: this.now })) return false;
    this.secrets.add(value);
    if (v !== value) this.secrets.add(v);
    return true;
  }

  /** A long mixed-case alphanumeric run is a pasted secret of some shape, not a name or a value: remembered, never quoted. */
  isSecretLike(value: string): boolean {
    // The tool's one rule for a secret where a name belongs (secrets.ts), shared with every echo.
    const like = isSecretLike(value);
    if (like) this.secrets.add(value);
    return like;
  }

  /** A value safe to quote in a message (never a token or anything like one, never a screenful). */
  show(value: unknown): string {
    const text = typeof value === 'string' ? value : String(value);
    if (this.isToken(text)) return '(a token — not shown)';
    if (this.isSecretLike(text)) return '(a secret? — not shown)';
    return text.length > 60 ? `${JSON.stringify(text.slice(0, 40))}…` : JSON.stringify(text);
  }
}

/** What a node is, for "must be X, not <kind>" messages. */
function kindOf(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias (*name); write the value itself';
  if (node === null || node === undefined) return 'empty';
  return 'a single value';
}

/** A scalar as the text an input would carry (YAML numbers and booleans keep their source spelling). */
function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (node.value === null) return '';
  if (typeof node.source === 'string') return node.source;
  return String(node.value);
}

const NO_TOKENS_HINT =
  'Keep tokens in secrets: map the secret to an environment variable in the step (`env:`) and name that variable with `token-env`.';

/** Why a key does not belong where it is written, and what to write instead. */
function unknownKey(key: string, known: readonly string[], where: string): { problem: string; hint: string } {
  if (where === 'defaults' && (key === 'name' || key === 'token-env'))
    return { problem: `cannot be a default: each credential has its own.`, hint: `Move \`${key}\` into each entry under \`credentials\`.` };
  if (where !== 'the file' && key === 'fail-on-warning')
    return {
      problem: 'applies to the whole file, not to one credential.',
      hint: 'Move `fail-on-warning: true` to the top level of the file (no indentation), or set the step’s fail-on-warning input.',
    };
  const guess = suggest(key, known);
  return {
    problem: `is not a known key${where ? ` in ${where}` : ''}.`,
    hint: guess ? `Did you mean \`${guess}\`?` : `Use one of: ${known.join(', ')}.`,
  };
}

function checkKeys(c: Checker, map: YAMLMap, path: string, known: readonly string[], where: string): Pair[] {
  const kept: Pair[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    const key = scalarText(keyNode);
    const at = (p: string) => (path ? `${path}.${p}` : p);
    if (c.tokenNodes.has(keyNode)) continue;
    if (key === undefined || key === '') {
      c.error(keyNode ?? (pair.value as Node), path, 'has a key that is not a plain name.', `Use one of: ${known.join(', ')}.`);
      continue;
    }
    if (key === 'token' || key === 'pat' || key === 'password' || key === 'secret') {
      if (isScalar(pair.value) && typeof pair.value.value === 'string') c.secrets.add(pair.value.value);
      if (c.tokenNodes.has(pair.value)) continue;
      c.error(keyNode, at(key), 'is not allowed: the credentials file must never hold a token.', NO_TOKENS_HINT);
      continue;
    }
    if (!known.includes(key)) {
      const { problem, hint } = unknownKey(key, known, where);
      c.error(keyNode, at(c.show(key).replace(/^"|"$/g, '')), problem, hint);
      continue;
    }
    kept.push(pair);
  }
  return kept;
}

/** The value of one field, checked for type and (through resolveRequest) for content. */
function fieldValue(c: Checker, key: FieldKey, node: unknown, path: string): string | undefined {
  const n = node as Node;
  if (key === 'required-scopes') {
    if (isSeq(node)) {
      const items: string[] = [];
      node.items.forEach((item, i) => {
        const t = scalarText(item);
        if (c.tokenNodes.has(item)) return;
        if (t === undefined || isMap(item) || isSeq(item))
          c.error(
            item as Node,
            `${path}[${i}]`,
            `must be a scope name, not ${kindOf(item)}.`,
            'Write one scope per list item, e.g. `- vso.code`.',
          );
        else items.push(t);
      });
      return items.join('\n');
    }
  }
  if (c.tokenNodes.has(node)) return undefined;
  const text = scalarText(node);
  if (text === undefined) {
    c.error(
      n,
      path,
      `must be ${key === 'required-scopes' ? 'a list or a comma-separated text' : 'a single value'}, not ${kindOf(node)}.`,
      key === 'required-scopes' ? 'e.g. `required-scopes: [vso.code, vso.build]`.' : `Write \`${key}: <value>\` on one line.`,
    );
    return undefined;
  }
  const scalar = node as { value: unknown };
  if (key === 'offline' && typeof scalar.value !== 'boolean' && readBoolean(text) === undefined) {
    c.error(n, path, `must be true or false, not ${c.show(text)}.`, `Write \`${key}: true\` or \`${key}: false\`.`);
    return undefined;
  }
  // The same rules as the inputs: one field at a time, so the finding points at its own line.
  const problems = resolveRequest({ [FIELD_INPUT[key]]: text }, {}).findings.filter((f) => f.severity === 'error');
  // resolveRequest quotes the value as JSON; here it is shown only if it cannot be a secret.
  for (const p of problems) c.error(n, path, `is not valid: ${p.message.split(JSON.stringify(text)).join(c.show(text))}`, p.hint);
  return problems.length ? undefined : text;
}

function readFields(c: Checker, pairs: Pair[], path: string): { inputs: EntryInputs; ok: boolean } {
  const inputs: Record<string, string> = {};
  let ok = true;
  for (const pair of pairs) {
    const key = scalarText(pair.key)!;
    if (!Object.hasOwn(FIELD_INPUT, key)) continue; // `in` would also find `constructor`
    const value = fieldValue(c, key as FieldKey, pair.value, `${path}.${key}`);
    if (value === undefined) ok = false;
    else inputs[FIELD_INPUT[key as FieldKey]] = value;
  }
  return { inputs: inputs as EntryInputs, ok };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function readTokenEnv(c: Checker, pair: Pair | undefined, entry: Node, path: string): string | undefined {
  if (!pair) {
    c.error(
      entry,
      path,
      'has no `token-env`: the name of the environment variable that holds its token.',
      'Add e.g. `token-env: FABRIKAM_PAT`, and map that secret into the step’s environment.',
    );
    return undefined;
  }
  const node = pair.value as Node;
  if (c.tokenNodes.has(node)) return undefined;
  const text = scalarText(node);
  const p = `${path}.token-env`;
  if (text === undefined || text.trim() === '') {
    c.error(
      node ?? (pair.key as Node),
      p,
      `must name an environment variable, not ${kindOf(node)}.`,
      'Write e.g. `token-env: FABRIKAM_PAT`.',
    );
    return undefined;
  }
  const name = text.trim();
  const ref =
    /^(?:\$\(([^)]+)\)|\$\{\{\s*(?:env|secrets)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|%([^%]+)%)$/.exec(name);
  if (ref) {
    const bare = (ref[1] ?? ref[2] ?? ref[3] ?? ref[4] ?? '').replace(/\./g, '_').toUpperCase();
    c.error(
      node,
      p,
      'must be the bare variable name, not a reference to it.',
      `Write \`token-env: ${ENV_NAME.test(bare) ? bare : 'NAME'}\`; the tool reads the variable itself.`,
    );
    return undefined;
  }
  const secretLike = c.isSecretLike(text);
  if (!ENV_NAME.test(name) || secretLike) {
    // Long odd values are usually a pasted secret of an unknown shape: do not quote them.
    const shown =
      name.length <= 40 && !secretLike ? ` ${JSON.stringify(name)} is not one` : ' the value looks like a secret, not a name (not shown)';
    c.error(
      node,
      p,
      `must be an environment variable name (letters, digits, underscores);${shown}.`,
      'Write e.g. `token-env: FABRIKAM_PAT`.',
    );
    return undefined;
  }
  const reserved = RESERVED_ENV_PREFIXES.find((prefix) => name.toUpperCase().startsWith(prefix));
  if (reserved) {
    c.error(
      node,
      p,
      `names a variable starting with ${reserved}, which the CI platform reserves (Azure Pipelines removes them from the environment).`,
      'Map the secret to a variable of your own, e.g. `env: { FABRIKAM_PAT: $(FabrikamPat) }`, and name that.',
    );
    return undefined;
  }
  return name;
}

const pairNamed = (pairs: Pair[], key: string): Pair | undefined => pairs.find((p) => scalarText(p.key) === key);

/** A file this large is not a credentials file: it is refused before parsing. */
function checkSize(c: Checker, text: string): boolean {
  if (text.length <= MAX_FILE_CHARS) return true;
  c.findings.push(
    finding(
      'config.file',
      'error',
      `The credentials file ${JSON.stringify(c.file)} is larger than ${MAX_FILE_CHARS / 1024} KiB; it should list a few credentials.`,
      'Point `config` at the credentials file, not another file.',
    ),
  );
  return false;
}

/** Parse the YAML; each syntax problem is a finding at its position. */
function parseYaml(c: Checker, text: string): Document.Parsed {
  const doc = parseDocument(text, { lineCounter: c.lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems = [...doc.errors, ...doc.warnings];
  // A broken file is not read further, so a token pasted anywhere in it is found here, word by word,
  // to be masked like one in a valid file.
  if (problems.length) for (const word of text.split(/[\s"'`,[\]{}#&*!|>%@:]+/)) c.isToken(word);
  for (const e of problems) {
    // The library's own message without the source around it; it still quotes a tag, a directive or
    // a block header as written, which can be a pasted token: a long run of that is not shown.
    const what = e.message
      .split('\n')[0]!
      .replace(/ at line \d+, column \d+.*$/, '')
      .replace(/\S{20,}/g, '(not shown)');
    c.error(
      null,
      '',
      `is not valid YAML: ${what}.`,
      'Fix the YAML at that position (indentation, a missing colon or quote, a duplicated key).',
      e.pos[0],
    );
  }
  return doc;
}

/** Every scalar that is a pasted token is reported once, here, and skipped by the other checks. */
function flagTokenScalars(c: Checker, doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && c.isToken(node.value)) {
        c.tokenNodes.add(node);
        c.error(node, '', 'A value here looks like a token: the credentials file must never hold one (it is not shown).', NO_TOKENS_HINT);
      }
    },
  });
}

/** The top-level mapping, or undefined (reported) when the file is empty or not a mapping. */
function readRoot(c: Checker, root: unknown): YAMLMap | undefined {
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    c.findings.push(
      finding(
        'config.file',
        'error',
        `The credentials file ${JSON.stringify(c.file)} is empty.`,
        `List the credentials under \`credentials:\` (see ${docsUrl('config.md')}).`,
      ),
    );
    return undefined;
  }
  if (!isMap(root)) {
    c.error(
      root as Node,
      '',
      `The file must be a mapping with a \`credentials\` list, not ${kindOf(root)}.`,
      'Start the file with `credentials:` followed by one `- name: …` entry per credential.',
    );
    return undefined;
  }
  return root;
}

function readFailOnWarning(c: Checker, fow: Pair | undefined): boolean {
  if (!fow) return false;
  const t = scalarText(fow.value);
  const v = t?.trim().toLowerCase();
  if (v !== undefined && ['true', 'yes', 'on', '1'].includes(v)) return true;
  if (v === undefined || !['false', 'no', 'off', '0', ''].includes(v))
    c.error(
      fow.value as Node,
      'fail-on-warning',
      `must be true or false, not ${t === undefined ? kindOf(fow.value) : c.show(t)}.`,
      'Write `fail-on-warning: true` or `false`.',
    );
  return false;
}

function readDefaults(c: Checker, defaultsPair: Pair | undefined): EntryInputs {
  // `defaults:` with nothing after it is no defaults, not an error.
  if (!defaultsPair || (isScalar(defaultsPair.value) && defaultsPair.value.value === null)) return {};
  if (!isMap(defaultsPair.value)) {
    c.error(
      defaultsPair.value as Node,
      'defaults',
      `must be a mapping of field: value, not ${kindOf(defaultsPair.value)}.`,
      'e.g. `defaults: { provider: azure-devops, min-days-remaining: 14 }`.',
    );
    return {};
  }
  return readFields(c, checkKeys(c, defaultsPair.value, 'defaults', DEFAULTS_KEYS, 'defaults'), 'defaults').inputs;
}

/** The `credentials` list, or undefined (reported) when it is missing, empty or too long. */
function readCredentialList(c: Checker, root: YAMLMap, list: Pair | undefined): YAMLSeq | undefined {
  if (!list) {
    c.error(
      root,
      '',
      'The file has no `credentials` list.',
      'Add `credentials:` with one `- name: …` / `token-env: …` entry per credential.',
    );
    return undefined;
  }
  if (!isSeq(list.value) || list.value.items.length === 0) {
    c.error(
      (list.value as Node) ?? (list.key as Node),
      'credentials',
      `must be a list with at least one entry, not ${isSeq(list.value) ? 'an empty list' : kindOf(list.value)}.`,
      'Write one `- name: …` entry (starting with a dash) per credential.',
    );
    return undefined;
  }
  if (list.value.items.length > MAX_CREDENTIALS) {
    c.error(
      list.value,
      'credentials',
      `lists ${list.value.items.length} entries; at most ${MAX_CREDENTIALS} are checked in one step.`,
      'Split the file across several steps.',
    );
    return undefined;
  }
  return list.value;
}

/** An entry's row label: its `name`, else its variable; undefined when the name is unusable. */
function readEntryName(c: Checker, namePair: Pair | undefined, tokenEnv: string | undefined, path: string): string | undefined {
  if (!namePair) return tokenEnv;
  const t = scalarText(namePair.value)?.trim();
  if (c.tokenNodes.has(namePair.value)) return undefined;
  if (t) return t;
  c.error(
    (namePair.value as Node) ?? (namePair.key as Node),
    `${path}.name`,
    `must be a short label, not ${kindOf(namePair.value)}.`,
    'Write e.g. `name: fabrikam`.',
  );
  return tokenEnv;
}

/** Row labels must be distinct (case-insensitively); `names` maps each label to its first entry. */
function checkUniqueName(c: Checker, names: Map<string, number>, name: string, at: Node, path: string, i: number): void {
  const first = names.get(name.toLowerCase());
  if (first === undefined) {
    names.set(name.toLowerCase(), i);
    return;
  }
  c.error(
    at,
    `${path}.name`,
    `repeats the name ${c.show(name)} of credentials[${first}]; each row needs its own label.`,
    'Give each credential a distinct `name`.',
  );
}

function readEntry(c: Checker, item: unknown, i: number, defaults: EntryInputs, names: Map<string, number>): ConfigEntry | undefined {
  const path = `credentials[${i}]`;
  const node = item as Node;
  if (!isMap(item)) {
    c.error(
      node,
      path,
      `must be a mapping (name, token-env, url…), not ${kindOf(item)}.`,
      'Write each entry as `- name: …` with its fields indented below it.',
    );
    return undefined;
  }
  const pairs = checkKeys(c, item, path, ENTRY_KEYS, 'a credential');
  const tokenEnv = readTokenEnv(c, pairNamed(pairs, 'token-env'), node, path);
  const { inputs, ok } = readFields(c, pairs, path);
  const namePair = pairNamed(pairs, 'name');
  const name = readEntryName(c, namePair, tokenEnv, path);
  if (name !== undefined) checkUniqueName(c, names, name, (namePair?.value as Node) ?? node, path, i);
  if (tokenEnv === undefined || name === undefined || !ok) return undefined;
  return { name, tokenEnv, inputs: { ...defaults, ...inputs }, line: c.where(node).line };
}

/** The file's contents, checked top-down; the first structural problem stops the reading. */
function readConfig(c: Checker, text: string): CredentialsConfig | undefined {
  if (!checkSize(c, text)) return undefined;
  const doc = parseYaml(c, text);
  if (c.findings.length) return undefined;
  flagTokenScalars(c, doc);
  const root = readRoot(c, doc.contents);
  if (!root) return undefined;
  const top = checkKeys(c, root, '', TOP_KEYS, 'the file');
  const failOnWarning = readFailOnWarning(c, pairNamed(top, 'fail-on-warning'));
  const defaults = readDefaults(c, pairNamed(top, 'defaults'));
  const list = readCredentialList(c, root, pairNamed(top, 'credentials'));
  if (!list) return undefined;
  const names = new Map<string, number>();
  const entries: ConfigEntry[] = [];
  list.items.forEach((item, i) => {
    const entry = readEntry(c, item, i, defaults, names);
    if (entry) entries.push(entry);
  });
  return { file: c.file, failOnWarning, entries };
}

export function parseCredentialsConfig(text: string, file: string, now: Date): ConfigResult {
  const c = new Checker(file, now);
  const config = readConfig(c, text);
  return { config: c.findings.length ? undefined : config, findings: c.findings, secrets: [...c.secrets] };
}
