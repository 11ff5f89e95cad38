// `npm run bench [-- --quick]`: compiles bench/bench.ts with tsc into a private scratch folder under
// build/ (the core and the test emulators are TypeScript) and runs it. Uses the current dist/
// (`npm run build` first when sources changed). Prints a Markdown table; writes bench/results.json.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', `bench-${process.pid}`);
try {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'bench', 'tsconfig.json'), '--outDir', out], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [join(out, 'bench', 'bench.js'), ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BENCH_ROOT: root },
  });
} catch (e) {
  process.exitCode = typeof e?.status === 'number' ? e.status : 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
