// Bundles the three entry points with ncc into dist/{action,task,cli}. dist/ is committed: the
// action runs from it with no install step, and the Azure task ships it.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '.bin', 'ncc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const entry of ['action', 'task', 'cli']) {
  execFileSync(ncc, ['build', `src/${entry}/index.ts`, '-o', `dist/${entry}`, '--license', 'licenses.txt', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
}
// The CLI is run as `credential-preflight` through package.json "bin": keep its shebang first.
const cli = join(root, 'dist', 'cli', 'index.js');
const code = readFileSync(cli, 'utf8');
if (!code.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${code}`);
chmodSync(cli, 0o755);
