import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
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
    for (const input of actionInputs) expect(taskInputs).toContain(camel(input));
    expect(taskInputs.filter((n) => !actionInputs.map(camel).includes(n)).sort()).toEqual(['serviceConnection', 'useSystemAccessToken']);
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
