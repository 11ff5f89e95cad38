/**
 * An offline check loads no network stack and no YAML parser: from each bundle's entry, the static
 * imports (what loads at start-up) never reach undici, yaml, @actions/core or the modules built on
 * them; those are imported with `import()` when an online check runs or a credentials file is read.
 * Nor azure-pipelines-task-lib: the task writes the agent's logging commands itself.
 * Reads the sources as text; __tests__/e2e/start-up.test.ts checks the built bundles.
 */
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../support/run-bundle.js';

/** Module specifiers a file imports statically, type-only imports left out (TypeScript erases them). */
export function staticImports(source: string): string[] {
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm;
  for (const m of source.matchAll(statement)) {
    if (m[5]) {
      found.push(m[5]);
      continue;
    }
    if (m[2]) continue;
    const braces = /^\{([\s\S]*)\}$/.exec(m[3]!.trim());
    const names = braces
      ? braces[1]!
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
      : [];
    if (braces && names.every((n) => n.startsWith('type '))) continue;
    found.push(m[4]!);
  }
  return found;
}

/** Every file and package reachable from `entry` through static imports. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(fs.readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        if (target.endsWith('.js')) visit(target.replace(/\.js$/, '.ts'));
      } else if (!spec.startsWith('node:')) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  };
  visit(path.join(ROOT, entry));
  return { files, packages };
}

// The HTTP client itself (client.ts, first-wave.ts) sits in index.js: it loads undici and Node's
// HTTP modules on first use.
const LAZY_FILES = [
  'src/core/http/transport.ts',
  'src/core/http/undici.ts',
  'src/core/http/preconnect.ts',
  'src/core/http/stack.ts',
  'src/core/config.ts',
  'src/cli/demo.ts',
];

describe('what each bundle loads at start-up', () => {
  it('reads static imports and skips type-only ones', () => {
    const source = [
      "import { a, type B } from './a.js';",
      "import type { C } from './c.js';",
      "import { type D } from './d.js';",
      "export { e, type F } from './e.js';",
      "import {\n  g,\n  h,\n} from 'pkg';",
      "import './side-effect.js';",
      "const lazy = await import('./lazy.js');",
    ].join('\n');
    expect(staticImports(source)).toEqual(['./a.js', './e.js', 'pkg', './side-effect.js']);
  });

  for (const entry of ['src/cli/index.ts', 'src/action/index.ts', 'src/task/index.ts']) {
    it(`${entry} reaches no undici, yaml, @actions/core or azure-pipelines-task-lib through static imports`, () => {
      const { files, packages } = reachable(entry);
      expect(files.size).toBeGreaterThan(20); // the walk did follow the imports
      // The task writes the agent's logging commands itself (src/task/logging-commands.ts).
      const heavy = ['undici', 'yaml', '@actions/core', '@actions/http-client', 'azure-pipelines-task-lib'];
      expect([...packages].filter((p) => heavy.includes(p))).toEqual([]);
      expect(LAZY_FILES.filter((f) => files.has(path.join(ROOT, f)))).toEqual([]);
    });
  }
});
