// Writes the README's finding-code table from src/core/codes.ts (between the codes markers).
// `node scripts/codes-table.mjs` rewrites README.md; `--print` only prints the table.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const src = readFileSync(new URL('src/core/codes.ts', root), 'utf8');
const re = /'([a-z]+\.[a-z-]+)': \{\s*meaning: (['"`])((?:\\.|(?!\2).)*)\2,\s*fix: (['"`])((?:\\.|(?!\4).)*)\4,/gs;
const cell = (s) => s.replace(/\\'/g, "'").replace(/\|/g, '\\|');
const rows = ['| Code | Meaning | Fix |', '| --- | --- | --- |'];
for (const m of src.matchAll(re)) rows.push(`| \`${m[1]}\` | ${cell(m[3])} | ${cell(m[5])} |`);
export const table = rows.join('\n');

if (process.argv.includes('--print')) process.stdout.write(`${table}\n`);
else {
  const readmeUrl = new URL('README.md', root);
  const readme = readFileSync(readmeUrl, 'utf8');
  const next = readme.replace(/<!-- codes:start -->[\s\S]*<!-- codes:end -->/, `<!-- codes:start -->\n${table}\n<!-- codes:end -->`);
  writeFileSync(readmeUrl, next);
}
