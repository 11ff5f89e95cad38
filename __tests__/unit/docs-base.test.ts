/** The one docs base every fix points to is the repository package.json names. */
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOCS_BASE, docsUrl } from '../../src/core/docs.js';
import { ROOT } from '../support/run-bundle.js';

describe('docs base', () => {
  it("is package.json's repository, and names pages that exist", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(DOCS_BASE).toBe(`${repo}/blob/main/docs`);
    for (const page of ['scopes.md', 'config.md', 'entra.md']) {
      expect(docsUrl(page)).toBe(`${DOCS_BASE}/${page}`);
      expect(fs.existsSync(path.join(ROOT, 'docs', page))).toBe(true);
    }
    expect(docsUrl('scopes.md', 'github')).toBe(`${DOCS_BASE}/scopes.md#github`);
  });

  it('no message points to a relative docs path (dead in the npm package, which has no docs/)', () => {
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const offenders = files(path.join(ROOT, 'src')).flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line) && /[`'"][^`'"]*\bdocs\/[\w-]+\.md/.test(line))
        .map((line) => `${path.relative(ROOT, f)}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
