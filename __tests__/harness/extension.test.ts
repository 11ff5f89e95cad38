/**
 * `npm run package` end to end: scripts/package.mjs stages the extension and tfx writes the .vsix;
 * the test opens the .vsix and checks what Azure DevOps will install from it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../support/run-bundle.js';
import { readZip, type ZipEntry } from './zip.js';
import { tempDir } from '../support/temp.js';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// What the package is built from, read right before packaging (others may rebuild dist/ or edit the
// manifests meanwhile; comparing against a later read could mix two versions).
let task: Record<string, unknown> & { version: unknown; execution: Record<string, { target: string }> };
let details: string;
let bundle: Buffer;
/** Every file of the built task folder: index.js, the chunks it loads on demand, package.json, licences. */
let bundleFiles: Map<string, Buffer>;
let dir: string;
let vsix: string;
let entries: Map<string, ZipEntry>;

beforeAll(() => {
  dir = tempDir('vsix');
  task = JSON.parse(fs.readFileSync(path.join(ROOT, 'task.json'), 'utf8'));
  details = fs.readFileSync(path.join(ROOT, 'docs', 'marketplace.md'), 'utf8');
  bundle = fs.readFileSync(path.join(ROOT, 'dist', 'task', 'index.js'));
  const taskDist = path.join(ROOT, 'dist', 'task');
  bundleFiles = new Map(fs.readdirSync(taskDist).map((f) => [f, fs.readFileSync(path.join(taskDist, f))]));
  const out = execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'package.mjs'), '--stage-dir', path.join(dir, 'stage'), '--output-path', path.join(dir, 'out')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  vsix = /^Wrote (.+\.vsix)$/m.exec(out)![1]!;
  entries = new Map(readZip(fs.readFileSync(vsix)).map((e) => [e.name, e]));
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const text = (name: string) => entries.get(name)!.data().toString('utf8');
/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('the .vsix from npm run package', () => {
  it('is named publisher.id-version and carries the package version in its manifest', () => {
    expect(path.basename(vsix)).toBe(`credential-preflight.credential-preflight-${pkg.version}.vsix`);
    expect(text('extension.vsixmanifest')).toMatch(
      new RegExp(
        `<Identity [^>]*Id="credential-preflight" Publisher="credential-preflight" Version="${pkg.version.replace(/\./g, '\\.')}"`,
      ),
    );
  });

  it('holds the task folder: task.json (same version), icon.png, and the bundle at task.json’s execution target', () => {
    const shipped = JSON.parse(text('CredentialPreflightV1/task.json'));
    expect(shipped).toEqual(task);
    for (const handler of Object.values(shipped.execution as Record<string, { target: string }>))
      expect(entries.has(`CredentialPreflightV1/${handler.target}`)).toBe(true);
    expect(JSON.parse(text('CredentialPreflightV1/dist/task/package.json'))).toEqual({ type: 'module' });
    // The shipped bundle is byte-for-byte the built one, not a second copy that could drift.
    expect(entries.get('CredentialPreflightV1/dist/task/index.js')!.data().equals(bundle)).toBe(true);
    // So is every chunk index.js loads on demand: a missing one would fail only the runs that need it.
    for (const [file, data] of bundleFiles)
      expect([file, entries.get(`CredentialPreflightV1/dist/task/${file}`)?.data().equals(data)]).toEqual([file, true]);
    expect(pngSize(entries.get('CredentialPreflightV1/icon.png')!.data())).toEqual([32, 32]);
  });

  it('declares one build-task contribution for that folder, the 128×128 extension icon and docs/marketplace.md as its details page', () => {
    const contributions = JSON.parse(text('extension.vsomanifest')).contributions;
    expect(contributions).toEqual([
      expect.objectContaining({
        type: 'ms.vss-distributed-task.task',
        targets: ['ms.vss-distributed-task.tasks'],
        properties: { name: 'CredentialPreflightV1' },
      }),
    ]);
    expect(pngSize(entries.get('images/icon.png')!.data())).toEqual([128, 128]);
    // The Marketplace overview is its own page (docs/marketplace.md), not the repository's README.
    expect(text('extension.vsixmanifest')).toMatch(
      /<Asset Type="Microsoft\.VisualStudio\.Services\.Content\.Details" [^>]*Path="docs\/marketplace\.md"/,
    );
    expect(text('docs/marketplace.md')).toBe(details);
    expect(entries.has('README.md')).toBe(false);
  });

  it('contains nothing else: no sources, tests, node_modules or dotfiles', () => {
    expect([...bundleFiles.keys()]).toEqual(expect.arrayContaining(['index.js', 'package.json', 'licenses.txt']));
    const files = [...entries.keys()].filter((n) => !n.endsWith('/')).sort();
    expect(files).toEqual(
      [
        '[Content_Types].xml',
        'extension.vsixmanifest',
        'extension.vsomanifest',
        'docs/marketplace.md',
        'images/icon.png',
        'CredentialPreflightV1/task.json',
        'CredentialPreflightV1/icon.png',
        ...[...bundleFiles.keys()].map((f) => `CredentialPreflightV1/dist/task/${f}`),
      ].sort(),
    );
  });
});

describe('the version has one source', () => {
  it('npm version bumps package.json, task.json and vss-extension.json together (in a scratch copy)', () => {
    const scratch = path.join(dir, 'bump');
    fs.mkdirSync(path.join(scratch, 'scripts'), { recursive: true });
    for (const f of ['package.json', 'task.json', 'vss-extension.json']) fs.copyFileSync(path.join(ROOT, f), path.join(scratch, f));
    fs.copyFileSync(path.join(ROOT, 'scripts', 'version.mjs'), path.join(scratch, 'scripts', 'version.mjs'));
    const before = fs.readFileSync(path.join(scratch, 'task.json'), 'utf8');
    execFileSync('npm', ['version', '7.8.9', '--no-git-tag-version'], {
      cwd: scratch,
      stdio: 'pipe',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const read = (f: string) => fs.readFileSync(path.join(scratch, f), 'utf8');
    expect(JSON.parse(read('package.json')).version).toBe('7.8.9');
    expect(JSON.parse(read('task.json')).version).toEqual({ Major: 7, Minor: 8, Patch: 9 });
    expect(JSON.parse(read('vss-extension.json')).version).toBe('7.8.9');
    // Targeted edits: apart from the version, task.json is untouched.
    expect({ ...JSON.parse(read('task.json')), version: JSON.parse(before).version }).toEqual(JSON.parse(before));
    expect(read('task.json').split('\n').length).toBe(before.split('\n').length);
    expect(execFileSync(process.execPath, ['scripts/version.mjs', '--check'], { cwd: scratch, encoding: 'utf8' })).toContain(
      'All manifests at 7.8.9.',
    );
  });

  it('package refuses to build when the versions disagree', () => {
    const scratch = path.join(dir, 'drift');
    fs.mkdirSync(path.join(scratch, 'scripts'), { recursive: true });
    fs.mkdirSync(path.join(scratch, 'docs'));
    for (const f of ['package.json', 'task.json', 'vss-extension.json', 'docs/marketplace.md'])
      fs.copyFileSync(path.join(ROOT, f), path.join(scratch, f));
    for (const f of ['version.mjs', 'package.mjs', 'icon.mjs'])
      fs.copyFileSync(path.join(ROOT, 'scripts', f), path.join(scratch, 'scripts', f));
    fs.writeFileSync(
      path.join(scratch, 'vss-extension.json'),
      fs.readFileSync(path.join(ROOT, 'vss-extension.json'), 'utf8').replace(/"version": "[^"]*"/, '"version": "0.0.1"'),
    );
    let stderr = '';
    try {
      execFileSync(process.execPath, ['scripts/package.mjs', '--stage-dir', path.join(scratch, 'stage'), '--stage-only'], {
        cwd: scratch,
        stdio: 'pipe',
      });
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('versions disagree');
    expect(fs.existsSync(path.join(scratch, 'stage'))).toBe(false);
  });
});
