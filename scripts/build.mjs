// Bundles the three entry points with ncc into dist/{action,task,cli}. dist/ is committed: the
// action runs from it with no install step, and the Azure task ships it. Builds into a scratch
// folder and replaces dist/ only when every bundle succeeded, so a failed build never leaves a
// half-empty dist/ behind.
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '.bin', 'ncc');
const scratch = join(root, 'build', `dist-next-${process.pid}`);
rmSync(scratch, { recursive: true, force: true });
// The three bundles are independent: built side by side (each ncc is one busy core), so the build
// takes about as long as the slowest bundle rather than the sum of all three.
const build = (entry) =>
  new Promise((resolve, reject) => {
    const child = spawn(ncc, ['build', `src/${entry}/index.ts`, '-o', join(scratch, entry), '--license', 'licenses.txt', '--quiet'], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`ncc build of src/${entry} failed (${signal ?? `exit ${code}`})`)),
    );
  });
const results = await Promise.allSettled(['action', 'task', 'cli'].map(build));
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length > 0) {
  rmSync(scratch, { recursive: true, force: true });
  for (const r of failed) console.error(r.reason.message);
  process.exit(1);
}
// The CLI is run as `credential-preflight` through package.json "bin": keep its shebang first.
const cli = join(scratch, 'cli', 'index.js');
const code = readFileSync(cli, 'utf8');
if (!code.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${code}`);
chmodSync(cli, 0o755);
rmSync(join(root, 'dist'), { recursive: true, force: true });
renameSync(scratch, join(root, 'dist'));
