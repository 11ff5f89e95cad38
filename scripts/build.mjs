// Bundles the three entry points with ncc into dist/{action,task,cli}. dist/ is committed: the
// action runs from it with no install step, and the Azure task ships it. Builds into a scratch
// folder and replaces dist/ only when every bundle succeeded, so a failed build never leaves a
// half-empty dist/ behind.
//
// Minified with esbuild (ncc's --minify skips the chunk files): strings are untouched, so every
// message reads the same; local names are shortened (keeping them would cost the task bundle about
// 40 KB, over the 1 MiB target, and the runs never show a stack trace). Dynamic imports (the
// network stack, the YAML parser) become chunk files next to index.js, loaded only when a run
// needs them. ncc's own --license writes one file per chunk under
// the same name, each overwriting the last, so licenses.txt is written here instead: every package
// in any chunk, from webpack's stats.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '.bin', 'ncc');
const scratch = join(root, 'build', `dist-next-${process.pid}`);

/** The package folders (relative to the root) of every bundled module, from webpack's stats. */
function bundledPackages(statsFile) {
  const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  const folders = new Set();
  const names = (m) => [m.name ?? '', ...(m.modules ?? []).flatMap(names)];
  for (const name of stats.modules.flatMap(names)) {
    // "./node_modules/@scope/pkg/node_modules/inner/lib/x.js" → "node_modules/@scope/pkg/node_modules/inner"
    const match = /^(?:\.\/)?((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)/.exec(name);
    if (match) folders.add(match[1].replace(/\/$/, ''));
  }
  return [...folders];
}

/** licenses.txt in license-webpack-plugin's layout: name, licence id, licence text; by name. */
function licenceNotices(folders) {
  const notices = new Map();
  for (const folder of folders) {
    const pkg = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, folder)).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = file ? readFileSync(join(root, folder, file), 'utf8').trim() : '';
    const id = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'UNKNOWN');
    const key = `${pkg.name}\n${id}\n${text}`;
    notices.set(key, key);
  }
  return `${[...notices.keys()].sort().join('\n\n\n')}\n`;
}

rmSync(scratch, { recursive: true, force: true });
const statsFile = (entry) => join(root, 'build', `stats-${process.pid}-${entry}.json`);
// The three bundles are independent: built side by side (each ncc is one busy core), so the build
// takes about as long as the slowest bundle rather than the sum of all three.
const build = (entry) =>
  new Promise((resolve, reject) => {
    const args = ['build', `src/${entry}/index.ts`, '-o', join(scratch, entry), '--stats-out', statsFile(entry), '--quiet'];
    const child = spawn(ncc, args, { cwd: root, stdio: 'inherit' });
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
for (const entry of ['action', 'task', 'cli']) {
  const out = join(scratch, entry);
  for (const file of readdirSync(out).filter((f) => f.endsWith('.js'))) {
    const { code } = await transform(readFileSync(join(out, file), 'utf8'), {
      minify: true,
      format: 'esm',
      target: 'node20',
    });
    writeFileSync(join(out, file), code);
  }
  writeFileSync(join(out, 'licenses.txt'), licenceNotices(bundledPackages(statsFile(entry))));
  rmSync(statsFile(entry));
  if (!existsSync(join(out, 'index.js'))) throw new Error(`build: ${entry} produced no index.js`);
}
// The CLI is run as `credential-preflight` through package.json "bin": keep its shebang first.
const cli = join(scratch, 'cli', 'index.js');
const code = readFileSync(cli, 'utf8');
if (!code.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${code}`);
chmodSync(cli, 0o755);
rmSync(join(root, 'dist'), { recursive: true, force: true });
renameSync(scratch, join(root, 'dist'));
