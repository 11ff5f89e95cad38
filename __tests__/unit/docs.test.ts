/**
 * The documentation stays true to the repository: every `npm run` script it names exists, every file
 * it runs with `node`, links to or names in backticks exists, every anchor it links to is a heading,
 * and every page under docs/ is reachable from the README. Pure: it only reads files (the local action
 * and task commands are run by __tests__/integration/local-commands.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCredentialsConfig } from '../../src/core/config.js';
import { ROOT } from '../support/run-bundle.js';

/** README.md, CONTRIBUTING.md and every page under docs/, as paths relative to the repository. */
function pages(): string[] {
  const found = ['README.md', 'CONTRIBUTING.md'];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (entry.name.endsWith('.md')) found.push(path.join(dir, entry.name));
    }
  };
  walk('docs');
  return found;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const exists = (file: string) => fs.existsSync(path.join(ROOT, file));
const scripts: Record<string, string> = JSON.parse(read('package.json')).scripts;
const PAGES = pages();
const TEXT = new Map(PAGES.map((p) => [p, read(p)]));

/** Fenced code blocks and inline code spans of a Markdown text. */
function code(text: string): string[] {
  const blocks = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  return [...blocks, ...[...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!)];
}

/** Markdown links [text](target), outside code. */
function links(text: string): string[] {
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]+`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** GitHub's anchor for each heading of a Markdown text (duplicates get -1, -2…). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  for (const m of prose.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n ? `${slug}-${n}` : slug);
  }
  return result;
}

/** A word that names a file or folder of this repository (placeholders such as {org} or <id> aside). */
const REPO_PATH = /^(?:\.\/)?(?:src|__tests__|scripts|docs|examples|schemas|bench|dist|\.ci)(?:\/[\w.@-]+)*\/?$/;
function repoPaths(snippet: string): string[] {
  return snippet
    .split(/[\s"'()=]+/)
    .map((w) => w.replace(/[.,;:]+$/, ''))
    .filter((w) => REPO_PATH.test(w));
}

describe('README.md', () => {
  const readme = TEXT.get('README.md')!;
  it('stays below 15,000 bytes: depth lives in docs/', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(15_000);
  });
  it('opens with the two quick-start commands, and both scripts exist', () => {
    const first = /^```sh\n([\s\S]*?)^```$/m.exec(readme)?.[1] ?? '';
    expect(first.split('\n').map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci && npm run demo', 'npm ci && npm test', '']);
    expect(scripts.demo).toBeDefined();
    expect(scripts.test).toBeDefined();
  });
  it('shows one snippet per platform within the first screen (the first 70 lines)', () => {
    const top = readme.split('\n').slice(0, 70).join('\n');
    expect(top).toContain('uses: credential-preflight/credential-preflight@v1');
    expect(top).toMatch(/- task: CredentialPreflight@\d+/);
    expect(top).toContain('npx credential-preflight@1 --url');
  });
  it('lists every action input and output, and every task input and output variable, in its tables', () => {
    const section = (title: string) => new RegExp(`^## ${title}\\n([\\s\\S]*?)(?=^## )`, 'm').exec(readme)?.[1] ?? '';
    const firstCells = (text: string, column: number) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('| `') || l.startsWith('| —'))
        .map((l) => l.split('|')[column]!.trim().replace(/`/g, ''));
    const actionYml = read('action.yml');
    const ids = (block: string) =>
      [...(new RegExp(`^${block}:\\n((?: {2}.*\\n|\\n)*)`, 'm').exec(actionYml)?.[1] ?? '').matchAll(/^ {2}([a-z][a-z0-9-]*):\s*$/gm)].map(
        (m) => m[1]!,
      );
    const task = JSON.parse(read('task.json'));
    expect([ids('inputs').length > 8, ids('outputs').length > 5]).toEqual([true, true]);
    expect(
      firstCells(section('Inputs'), 1)
        .filter((c) => c !== '—')
        .sort(),
    ).toEqual(ids('inputs').sort());
    expect(
      firstCells(section('Inputs'), 2)
        .filter((c) => c !== '—')
        .sort(),
    ).toEqual(task.inputs.map((i: { name: string }) => i.name).sort());
    expect(firstCells(section('Outputs'), 1).sort()).toEqual(ids('outputs').sort());
    expect(firstCells(section('Outputs'), 2).sort()).toEqual(task.outputVariables.map((o: { name: string }) => o.name).sort());
  });
  it('links every page under docs/ (directly, or through a page it links)', () => {
    const reached = new Set<string>(['README.md']);
    const queue = ['README.md'];
    while (queue.length) {
      const page = queue.shift()!;
      for (const target of links(TEXT.get(page)!)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const file = path.normalize(path.join(path.dirname(page), target.split('#')[0]!));
        if (TEXT.has(file) && !reached.has(file)) {
          reached.add(file);
          queue.push(file);
        }
      }
    }
    expect(PAGES.filter((p) => !reached.has(p))).toEqual([]);
  });
});

describe.each(PAGES)('%s', (page) => {
  const text = TEXT.get(page)!;
  const snippets = code(text);

  it('names only npm scripts that exist', () => {
    const named = snippets.flatMap((s) => [...s.matchAll(/\bnpm (?:run (\S+)|(test)\b)/g)].map((m) => m[1] ?? m[2]!));
    expect(named.filter((name) => !(name in scripts))).toEqual([]);
  });

  it('runs the CLI as a command that works as written: never a bare `credential-preflight` (on PATH only after a global install)', () => {
    const bare = snippets.flatMap((snippet) =>
      snippet
        .split('\n')
        .flatMap((line) => line.split(/\|\||&&|[|;]/))
        .map((segment) =>
          segment
            .trim()
            .replace(/^\$\s+/, '')
            .replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, ''),
        )
        .filter((segment) => /^credential-preflight(\s|$)/.test(segment)),
    );
    expect(bare).toEqual([]);
  });

  it('runs with `node` only files that exist', () => {
    const run = snippets.flatMap((s) =>
      [...s.matchAll(/\bnode((?:\s+--?[\w-]+(?:=\S+)?)*)\s+([\w./-]+\.(?:m?js|cjs|ts))/g)].flatMap((m) => [
        m[2]!,
        ...[...m[1]!.matchAll(/=(\S+)/g)].map((f) => f[1]!),
      ]),
    );
    expect(run.filter((file) => !exists(file))).toEqual([]);
  });

  it('names in backticks only repository paths that exist', () => {
    const named = [...new Set(snippets.flatMap(repoPaths))];
    expect(named.filter((file) => !exists(file))).toEqual([]);
  });

  it('links only to files that exist, and to headings that exist', () => {
    const broken: string[] = [];
    for (const target of links(text)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split('#') as [string, string | undefined];
      const resolved = file ? path.normalize(path.join(path.dirname(page), file)) : page;
      if (!exists(resolved)) broken.push(target);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });
});

describe('the scan itself', () => {
  it('is live: it finds the scripts, node files, paths, links and anchors the pages are known to hold', () => {
    const all = PAGES.map((p) => TEXT.get(p)!);
    const snippets = all.flatMap(code);
    expect(snippets.flatMap((s) => [...s.matchAll(/\bnpm run (\S+)/g)].map((m) => m[1]!))).toEqual(
      expect.arrayContaining(['demo', 'package', 'bench', 'action:local', 'task:local']),
    );
    expect(snippets.some((s) => /\bnode dist\/cli\/index\.js\b/.test(s))).toBe(true);
    expect(snippets.filter((s) => /\bnpx credential-preflight@1 /.test(s)).length).toBeGreaterThanOrEqual(3);
    expect(snippets.flatMap(repoPaths)).toEqual(
      expect.arrayContaining(['src/core/codes.ts', 'scripts/codes-table.mjs', 'docs/codes.md', 'src/action/local.ts']),
    );
    expect(all.flatMap(links).filter((t) => t.includes('#')).length).toBeGreaterThanOrEqual(8);
    expect(anchors('# A b\n## 401 / 403 / 404, answered\n## `x` and Y\n## A b')).toEqual(
      new Set(['a-b', '401--403--404-answered', 'x-and-y', 'a-b-1']),
    );
  });
});

describe('credentials files shown in the docs', () => {
  it('are valid: every YAML block that starts with `# credentials.yml` parses without a finding', () => {
    const files = PAGES.flatMap((page) =>
      [...TEXT.get(page)!.matchAll(/^```yaml\n(# credentials\.yml[\s\S]*?)^```$/gm)].map((m) => [page, m[1]!] as const),
    );
    expect(files.map(([page]) => page)).toEqual(expect.arrayContaining(['README.md', 'docs/config.md']));
    for (const [page, text] of files)
      expect([page, parseCredentialsConfig(text, 'credentials.yml', new Date('2026-12-01T00:00:00Z')).findings]).toEqual([page, []]);
  });
});

describe('docs/marketplace.md, the Azure DevOps Marketplace page', () => {
  it('is the details page vss-extension.json packs, and links nowhere relative (the Marketplace cannot resolve it)', () => {
    expect(JSON.parse(read('vss-extension.json')).content.details.path).toBe('docs/marketplace.md');
    expect(links(TEXT.get('docs/marketplace.md')!).filter((t) => !/^https:\/\//.test(t))).toEqual([]);
  });
});

describe('the local action and task commands', () => {
  const contributing = TEXT.get('CONTRIBUTING.md')!;
  it('are documented as one command each, and the files their scripts use exist', () => {
    expect(contributing).toMatch(/## Running the action locally\n\n```sh\nnpm run action:local\n```/);
    expect(contributing).toMatch(/## Running the task locally\n\n```sh\nnpm run task:local\n```/);
    for (const name of ['action:local', 'task:local']) {
      const files = repoPaths(scripts[name]!);
      expect([name, files.length]).not.toEqual([name, 0]);
      expect(files.filter((file) => !exists(file))).toEqual([]);
    }
    // The task runs the file the extension ships: task.json's execution target.
    expect(scripts['task:local']).toContain(JSON.parse(read('task.json')).execution.Node24.target);
    // The action runs from its TypeScript source through an entry that exports run().
    expect(read('src/action/local.ts')).toMatch(/^export async function run\(\): Promise<void>/m);
  });
});
