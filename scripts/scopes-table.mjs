// Writes docs/scopes.md, every scope of every provider and how it is proven, from the providers'
// scope tables (src/core/providers/scope-catalogue.ts, bundled here with ncc as `npm run build` does).
// `node scripts/scopes-table.mjs` rewrites docs/scopes.md; `--print` only prints it.
// The tables sit between prettier-ignore markers, so `prettier --check .` leaves the generated file as it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'scopes-table-'));
try {
  const ncc = join(root, 'node_modules', '.bin', 'ncc');
  execFileSync(ncc, ['build', 'src/core/providers/scope-catalogue.ts', '-o', out, '--quiet'], { cwd: root, stdio: 'inherit' });
  const { scopesPage } = await import(pathToFileURL(join(out, 'index.js')).href);
  const page = scopesPage();
  if (process.argv.includes('--print')) process.stdout.write(page);
  else writeFileSync(join(root, 'docs', 'scopes.md'), page);
} finally {
  rmSync(out, { recursive: true, force: true });
}
