// `npm run package`: the installable Azure DevOps extension (.vsix) from the committed manifests and
// the built task bundle. Stages the layout tfx and Azure DevOps expect into build/extension/
// (never committed; the bundle is copied from dist/task, not kept twice):
//
//   vss-extension.json  docs/marketplace.md (the Marketplace details page)  images/icon.png (128×128)
//   CredentialPreflightV1/task.json  CredentialPreflightV1/icon.png (32×32)
//   CredentialPreflightV1/dist/task/{index.js, package.json, licenses.txt}   ← task.json's execution target
//
// then runs `tfx extension create` (offline) into out/.
// Options: --stage-dir DIR (default build/extension), --stage-only (stage and stop), --output-path DIR
// (default out/).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iconPng } from './icon.mjs';
import { versions } from './version.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes the extension's folder layout into `stage` (emptied first) and returns the task folder. */
export function stageExtension(stage) {
  const found = versions();
  if (new Set(Object.values(found)).size !== 1) {
    throw new Error(
      `versions disagree ${JSON.stringify(found)}: run \`npm version <x.y.z>\` so package.json, task.json and vss-extension.json match`,
    );
  }
  const manifest = JSON.parse(readFileSync(join(root, 'vss-extension.json'), 'utf8'));
  const taskJson = JSON.parse(readFileSync(join(root, 'task.json'), 'utf8'));
  const taskDir = manifest.contributions.find((c) => c.type === 'ms.vss-distributed-task.task').properties.name;
  const target = taskJson.execution.Node24.target;
  if (!existsSync(join(root, target))) throw new Error(`${target} is missing: run \`npm run build\` first`);

  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'images'), { recursive: true });
  mkdirSync(join(stage, taskDir), { recursive: true });
  copyFileSync(join(root, 'vss-extension.json'), join(stage, 'vss-extension.json'));
  mkdirSync(dirname(join(stage, manifest.content.details.path)), { recursive: true });
  copyFileSync(join(root, manifest.content.details.path), join(stage, manifest.content.details.path));
  writeFileSync(join(stage, manifest.icons.default), iconPng(128));
  copyFileSync(join(root, 'task.json'), join(stage, taskDir, 'task.json'));
  writeFileSync(join(stage, taskDir, 'icon.png'), iconPng(32));
  // The whole bundle folder: index.js, its package.json ({"type":"module"}) and the licence notices.
  cpSync(join(root, dirname(target)), join(stage, taskDir, dirname(target)), { recursive: true });
  return join(stage, taskDir);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const stage = resolve(option('--stage-dir') ?? join(root, 'build', 'extension'));
  const taskDir = stageExtension(stage);
  if (args.includes('--stage-only')) {
    console.log(taskDir);
  } else {
    const out = resolve(option('--output-path') ?? join(root, 'out'));
    mkdirSync(out, { recursive: true });
    const tfx = join(root, 'node_modules', '.bin', 'tfx');
    const result = JSON.parse(
      execFileSync(
        tfx,
        [
          'extension',
          'create',
          '--root',
          stage,
          '--manifest-globs',
          'vss-extension.json',
          '--output-path',
          out,
          '--no-prompt',
          '--json',
          '--no-color',
        ],
        { cwd: root, encoding: 'utf8' },
      ),
    );
    console.log(`Wrote ${result.path}`);
  }
}
