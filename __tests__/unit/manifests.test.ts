import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import YAML from 'yaml';
import { parseCredentialsConfig } from '../../src/core/config.js';
import { findAzureDevOpsScope } from '../../src/core/providers/azure-devops/scopes.js';
import { ROOT } from '../support/run-bundle.js';

const task = JSON.parse(fs.readFileSync(path.join(ROOT, 'task.json'), 'utf8'));
const actionYml = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
/** Input and output ids of action.yml (two-space-indented keys under `inputs:` / `outputs:`). */
function ids(section: string): string[] {
  const block = new RegExp(`^${section}:\\n((?: {2}.*\\n|\\n)*)`, 'm').exec(actionYml)?.[1] ?? '';
  return [...block.matchAll(/^ {2}([a-z][a-z0-9-]*):\s*$/gm)].map((m) => m[1]!);
}
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

describe('action.yml and task.json agree', () => {
  it('every action input has its camelCase task twin, and the reverse (task-only credential sources aside)', () => {
    const actionInputs = ids('inputs');
    const taskInputs: string[] = task.inputs.map((i: { name: string }) => i.name);
    expect(actionInputs.length).toBeGreaterThan(8);
    // The action's Entra inputs pair with GitHub's OIDC token; the task takes an ARM service connection instead.
    for (const input of actionInputs.filter((i) => !['client-id', 'tenant-id'].includes(i))) expect(taskInputs).toContain(camel(input));
    expect(taskInputs.filter((n) => !actionInputs.map(camel).includes(n)).sort()).toEqual([
      'azureSubscription',
      'bitbucketConnection',
      'gitHubConnection',
      'serviceConnection',
      'useSystemAccessToken',
    ]);
  });
  it('every action output has its task output variable', () => {
    const taskOutputs = task.outputVariables.map((o: { name: string }) => o.name);
    for (const output of ids('outputs')) expect(taskOutputs).toContain(camel(output));
  });
  it('follows each platform’s rules: kebab-case action ids, task names without hyphens, node24, both task handlers on one existing bundle', () => {
    for (const id of ids('inputs')) expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
    for (const i of task.inputs) expect(i.name).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    expect(actionYml).toMatch(/^\s+using: node24$/m);
    expect(fs.existsSync(path.join(ROOT, /^\s+main: (\S+)$/m.exec(actionYml)![1]!))).toBe(true);
    expect(Object.keys(task.execution).sort()).toEqual(['Node20_1', 'Node24']);
    expect(new Set(Object.values(task.execution).map((e) => (e as { target: string }).target)).size).toBe(1);
    expect(fs.existsSync(path.join(ROOT, task.execution.Node24.target))).toBe(true);
    expect(task.minimumAgentVersion).toBe('4.265.1');
    expect(task.$schema).toContain('tasks.schema.json');
  });
});

// ───────────── published schemas (copied into __tests__/fixtures/schemas, see its README) ─────────────

const SCHEMAS = path.join(ROOT, '__tests__', 'fixtures', 'schemas');

/** A validator for one vendored schema; returns the error list (empty when valid). */
// ajv-formats is CommonJS: under NodeNext the default import is module.exports, the plugin is its .default.
const addFormats = ajvFormats.default;

function validator(file: string): (data: unknown) => string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, file), 'utf8'));
  let ajv: Ajv;
  if (file === 'tasks.schema.json') {
    // tasks.schema.json is draft-04 and ajv-draft-04 is not installed. Its only draft-04-specific part
    // is the root `id` (→ `$id`); keywords whose meaning changed after draft-04 must be absent for this
    // to be the same validation, so that is asserted rather than assumed.
    expect(JSON.stringify(schema)).not.toMatch(/"(exclusiveMinimum|exclusiveMaximum|dependencies)"/);
    const { $schema: _draft, id, ...rest } = schema;
    ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }); // its patterns escape ':' (invalid with the u flag)
    addFormats(ajv);
    return wrap(ajv.compile({ $id: id, ...rest }));
  }
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return wrap(ajv.compile(schema));
}
function wrap(validate: ValidateFunction): (data: unknown) => string[] {
  return (data) =>
    validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

describe('action.yml and task.json against their published schemas', () => {
  const action = YAML.parse(actionYml);
  it('action.yml is valid against SchemaStore github-action.json; the validator is live (node22 and a missing description fail)', () => {
    const validate = validator('github-action.json');
    expect(validate(action)).toEqual([]);
    expect(validate({ ...action, runs: { ...action.runs, using: 'node22' } })).not.toEqual([]);
    expect(validate({ ...action, inputs: { ...action.inputs, provider: { default: 'auto' } } })).not.toEqual([]);
  });
  it('task.json is valid against task-lib tasks.schema.json; the validator is live (a hyphenated input name, a bad handler fail)', () => {
    const validate = validator('tasks.schema.json');
    expect(validate(task)).toEqual([]);
    expect(validate({ ...task, inputs: [...task.inputs, { name: 'api-url', type: 'string', label: 'API URL' }] })).not.toEqual([]);
    expect(validate({ ...task, execution: { Node22: task.execution.Node24 } })).not.toEqual([]);
    expect(validate({ ...task, version: { Major: '1', Minor: 0, Patch: 0 } })).not.toEqual([]);
  });
});

describe('twins agree on defaults, and one version everywhere', () => {
  const action = YAML.parse(actionYml) as { inputs: Record<string, { default?: string }> };
  it('each action input and its task twin have the same default (absent = empty)', () => {
    const byName = new Map<string, { defaultValue?: string }>(task.inputs.map((i: { name: string }) => [i.name, i]));
    const pairs = Object.entries(action.inputs).map(([id, spec]) => [
      id,
      String(spec.default ?? ''),
      String(byName.get(camel(id))?.defaultValue ?? ''),
    ]);
    expect(pairs.length).toBeGreaterThan(8);
    for (const [id, actionDefault, taskDefault] of pairs) expect([id, taskDefault]).toEqual([id, actionDefault]);
  });
  it('package.json, task.json {Major, Minor, Patch} and vss-extension.json carry the same version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const extension = JSON.parse(fs.readFileSync(path.join(ROOT, 'vss-extension.json'), 'utf8'));
    const { Major, Minor, Patch } = task.version;
    expect([`${Major}.${Minor}.${Patch}`, extension.version]).toEqual([pkg.version, pkg.version]);
  });
  it('the extension manifest ships exactly the task folder it contributes, and the task advertises its major version in the folder name', () => {
    const extension = JSON.parse(fs.readFileSync(path.join(ROOT, 'vss-extension.json'), 'utf8'));
    const contribution = extension.contributions.find((c: { type: string }) => c.type === 'ms.vss-distributed-task.task');
    expect(extension.files).toEqual([{ path: contribution.properties.name }]);
    expect(contribution.properties.name).toBe(`${task.name}V${task.version.Major}`);
  });
});

// ───────────── examples/ and the documentation's YAML: only declared inputs, scopes that resolve ─────────────

interface StepUse {
  where: string;
  kind: 'action' | 'task';
  major?: number;
  inputs: Record<string, unknown>;
}
/** Every use of this action / task anywhere in a parsed YAML document. */
function stepUses(doc: unknown, where: string, found: StepUse[] = []): StepUse[] {
  if (Array.isArray(doc)) for (const item of doc) stepUses(item, where, found);
  else if (doc && typeof doc === 'object') {
    const step = doc as Record<string, unknown>;
    if (typeof step.uses === 'string' && step.uses.startsWith('credential-preflight/credential-preflight@'))
      found.push({ where, kind: 'action', inputs: (step.with as Record<string, unknown>) ?? {} });
    const task = typeof step.task === 'string' ? /^CredentialPreflight@(\d+)$/.exec(step.task) : null;
    if (task) found.push({ where, kind: 'task', major: Number(task[1]), inputs: (step.inputs as Record<string, unknown>) ?? {} });
    for (const value of Object.values(step)) stepUses(value, where, found);
  }
  return found;
}
/** The documentation: README.md, CONTRIBUTING.md and every page under docs/. */
function markdownPages(): string[] {
  const pages = ['README.md', 'CONTRIBUTING.md'];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (entry.name.endsWith('.md')) pages.push(path.join(dir, entry.name));
    }
  };
  walk('docs');
  return pages;
}
function exampleDocuments(): { where: string; text: string }[] {
  const docs: { where: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) docs.push({ where: path.relative(ROOT, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(path.join(ROOT, 'examples'));
  for (const page of markdownPages()) {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    for (const [i, m] of [...text.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].entries())
      docs.push({ where: `${page} yaml block ${i + 1}`, text: m[1]! });
  }
  return docs;
}

describe('examples and the YAML in README.md, CONTRIBUTING.md and docs/', () => {
  const docs = exampleDocuments();
  const parsed = docs.map((d) => {
    try {
      return { where: d.where, doc: YAML.parse(d.text) as unknown };
    } catch (e) {
      return { where: d.where, error: String(e).split('\n')[0] };
    }
  });
  const uses = parsed.flatMap((p) => ('doc' in p ? stepUses(p.doc, p.where) : []));
  const actionInputs = new Set(ids('inputs'));
  const taskInputs = new Set(task.inputs.map((i: { name: string }) => i.name));

  it('parse as YAML (a "Code: Read" scope unquoted would not) and use the action and the task', () => {
    expect(parsed.filter((p) => 'error' in p)).toEqual([]);
    expect(uses.filter((u) => u.kind === 'action').length).toBeGreaterThanOrEqual(3);
    expect(uses.filter((u) => u.kind === 'task').length).toBeGreaterThanOrEqual(4);
  });
  it('pass only inputs the manifests declare, to the task’s current major version', () => {
    for (const u of uses) {
      const declared = u.kind === 'action' ? actionInputs : taskInputs;
      expect([u.where, Object.keys(u.inputs).filter((k) => !declared.has(k))]).toEqual([u.where, []]);
      if (u.kind === 'task') expect([u.where, u.major]).toEqual([u.where, task.version.Major]);
    }
  });
  it('name Azure DevOps scopes the tool knows (ids or portal names)', () => {
    let checked = 0;
    for (const u of uses) {
      const scopes = u.inputs['required-scopes'] ?? u.inputs.requiredScopes;
      const provider = String(u.inputs.provider ?? 'azure-devops');
      if (typeof scopes !== 'string' || !['azure-devops', 'auto'].includes(provider) || /^(repo|read:|write:|api\b)/.test(scopes)) continue;
      for (const scope of scopes
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean)) {
        expect([u.where, scope, findAzureDevOpsScope(scope)?.id ?? 'unknown']).not.toEqual([u.where, scope, 'unknown']);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe('package.json scripts', () => {
  // The README's first command is `npm ci && npm run demo`: a script naming a file that is not in the
  // repository fails only on a fresh clone, so every file a script runs must exist.
  it('every file a script runs with node or bash is in the repository', () => {
    const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    const files = Object.values(scripts).flatMap((cmd) =>
      [...cmd.matchAll(/\b(?:node|bash)\s+((?:\.\/)?[\w./-]+\.(?:m?js|cjs|sh))/g)].map((m) => m[1]!),
    );
    expect(files).toEqual(expect.arrayContaining(['dist/cli/index.js', 'scripts/build.mjs']));
    for (const file of files) expect({ file, exists: fs.existsSync(path.join(ROOT, file)) }).toEqual({ file, exists: true });
  });
  it("`npm run demo` is the CLI bundle's demo", () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.demo).toBe('node dist/cli/index.js demo');
  });
});

describe('examples/credentials.yml', () => {
  it('is a valid credentials file (no finding) with three entries', () => {
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'credentials.yml'), 'utf8');
    const parsed = parseCredentialsConfig(text, 'examples/credentials.yml', new Date('2026-12-01T00:00:00Z'));
    expect(parsed.findings).toEqual([]);
    expect(parsed.config?.entries.map((e) => [e.name, e.tokenEnv])).toEqual([
      ['fabrikam', 'FABRIKAM_PAT'],
      ['contoso', 'CONTOSO_PAT'],
      ['github-release', 'RELEASE_TOKEN'],
    ]);
  });
});
