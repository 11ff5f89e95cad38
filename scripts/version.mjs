// One version for every manifest. package.json's "version" is the source; this copies it into
// task.json ({Major, Minor, Patch}: agents cache tasks by it, so it must move with every release) and
// vss-extension.json. Runs as npm's `version` lifecycle script, so `npm version 1.2.0` (or
// `npm version minor`) bumps all three; `node scripts/version.mjs --check` only compares them.
// Edits are targeted (the version fields only), leaving the rest of each file as it is. With
// --git-add (the lifecycle script) the two files are staged, so npm's version commit includes them.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const read = (name) => readFileSync(new URL(name, root), 'utf8');
const TASK_VERSION = /"version":\s*\{\s*"Major":\s*(\d+),\s*"Minor":\s*(\d+),\s*"Patch":\s*(\d+)\s*\}/;
const EXTENSION_VERSION = /^( {2}"version":\s*)"([^"]*)"/m;

/** The version each manifest declares. */
export function versions() {
  const task = TASK_VERSION.exec(read('task.json'));
  return {
    'package.json': JSON.parse(read('package.json')).version,
    'task.json': task ? `${task[1]}.${task[2]}.${task[3]}` : undefined,
    'vss-extension.json': EXTENSION_VERSION.exec(read('vss-extension.json'))?.[2],
  };
}

function sync() {
  const version = JSON.parse(read('package.json')).version;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  // task.json can only hold Major.Minor.Patch numbers: no pre-release tags.
  if (!m) throw new Error(`package.json version "${version}" is not Major.Minor.Patch`);
  const task = read('task.json');
  if (!TASK_VERSION.test(task)) throw new Error('task.json has no {Major, Minor, Patch} version block');
  writeFileSync(
    new URL('task.json', root),
    task.replace(TASK_VERSION, (block) =>
      block
        .replace(/("Major":\s*)\d+/, `$1${m[1]}`)
        .replace(/("Minor":\s*)\d+/, `$1${m[2]}`)
        .replace(/("Patch":\s*)\d+/, `$1${m[3]}`),
    ),
  );
  const extension = read('vss-extension.json');
  if (!EXTENSION_VERSION.test(extension)) throw new Error('vss-extension.json has no top-level "version"');
  writeFileSync(new URL('vss-extension.json', root), extension.replace(EXTENSION_VERSION, `$1"${version}"`));
  return version;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--check')) {
    const found = versions();
    if (new Set(Object.values(found)).size !== 1) {
      console.error(
        `Versions disagree: ${JSON.stringify(found)}. Run \`npm version <x.y.z>\` (or \`npm run version\` after editing package.json).`,
      );
      process.exit(1);
    }
    console.log(`All manifests at ${found['package.json']}.`);
  } else {
    console.log(`task.json and vss-extension.json set to ${sync()}.`);
    if (process.argv.includes('--git-add')) {
      const cwd = fileURLToPath(root);
      const inGit = (() => {
        try {
          return (
            execFileSync('git', ['rev-parse', '--is-inside-work-tree'], {
              cwd,
              encoding: 'utf8',
              stdio: ['ignore', 'pipe', 'ignore'],
            }).trim() === 'true'
          );
        } catch {
          return false; // not a git checkout (e.g. an unpacked source archive): nothing to stage
        }
      })();
      if (inGit) execFileSync('git', ['add', 'task.json', 'vss-extension.json'], { cwd, stdio: 'inherit' });
    }
  }
}
