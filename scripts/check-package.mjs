// Checks the npm package as a user gets it, with no registry: packs the tarball, checks what it
// ships, installs it into an empty project from the tarball, runs the installed
// `credential-preflight` through npx (--version, a passing and a failing offline check), and runs
// `npm publish --dry-run`. Run by .ci/run after the build; cleans up its temporary folder.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The CLI bundle's whole folder: index.js, the chunks it loads on demand (the network stack, the YAML
// parser; their names are webpack's ids, so they are read from the build), licences, package.json.
const EXPECTED_FILES = [
  'LICENSE',
  'README.md',
  ...readdirSync(join(root, 'dist', 'cli')).map((f) => `dist/cli/${f}`),
  'package.json',
  'schemas/credentials.schema.json',
].sort();

/** A clearly fake classic GitHub token with a valid CRC-32/base62 checksum (no provider accepts it). */
function fakeGitHubToken() {
  const body = 'FAKEx0PACKAGEx0CHECKx0NOTxREAL';
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let n = crc32(body);
  let sum = '';
  do {
    sum = alphabet[n % 62] + sum;
    n = Math.floor(n / 62);
  } while (n > 0);
  return `ghp_${body}${sum.padStart(6, '0')}`;
}

function fail(message) {
  throw new Error(`check-package: ${message}`);
}

function npx(cwd, args, env) {
  // --no: never download; the command must come from the installed tarball.
  return spawnSync('npx', ['--no', '--', 'credential-preflight', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}

const work = mkdtempSync(join(tmpdir(), 'cp-package-'));
try {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path).sort();
  if (JSON.stringify(files) !== JSON.stringify(EXPECTED_FILES))
    fail(`the tarball ships ${files.join(', ')}; expected ${EXPECTED_FILES.join(', ')}`);

  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, packed.filename)], {
    cwd: app,
    stdio: 'pipe',
  });

  const shown = npx(app, ['--version']);
  if (shown.status !== 0 || shown.stdout.trim() !== version)
    fail(`--version printed ${JSON.stringify(shown.stdout)} (exit ${shown.status})`);

  const token = fakeGitHubToken();
  const good = npx(app, ['--provider', 'github', '--offline'], { GITHUB_TOKEN: token, NO_COLOR: '1' });
  if (good.status !== 0) fail(`an offline check of a well-formed token exited ${good.status}: ${good.stdout}${good.stderr}`);
  const bad = npx(app, ['--provider', 'github', '--offline', '--format', 'json'], { GITHUB_TOKEN: `${token.slice(0, -1)}x` });
  const codes = bad.status === 1 ? JSON.parse(bad.stdout).findings.map((f) => f.code) : [];
  if (!codes.includes('token.checksum')) fail(`a mistyped token exited ${bad.status} without token.checksum: ${bad.stdout}${bad.stderr}`);
  for (const out of [shown, good, bad]) if (`${out.stdout}${out.stderr}`.includes(token.slice(4, 20))) fail('the output repeats the token');

  const dry = spawnSync('npm', ['publish', '--dry-run'], { cwd: root, encoding: 'utf8' });
  // Without a login npm warns that publishing would need one; every other warning is a problem.
  const warnings = dry.stderr.split('\n').filter((l) => /^npm warn/i.test(l) && !/requires you to be logged in/.test(l));
  if (dry.status !== 0 || warnings.length) fail(`npm publish --dry-run: exit ${dry.status}\n${warnings.join('\n')}`);

  console.log(
    `check-package: ${packed.filename} (${files.length} files, ${packed.size} bytes) installs from the tarball; npx credential-preflight ${version} runs offline checks; npm publish --dry-run is clean.`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
