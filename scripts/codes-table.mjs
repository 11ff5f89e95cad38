// Prints the README's finding-code table from the catalogue in src/core/codes.ts (via the CLI bundle's
// sibling build is not needed: the catalogue is plain data, read with a tiny TS-free parse).
import { readFileSync } from 'node:fs';
const src = readFileSync(new URL('../src/core/codes.ts', import.meta.url), 'utf8');
const re = /'([a-z]+\.[a-z-]+)': \{\s*meaning: (['"`])((?:\\.|(?!\2).)*)\2,\s*fix: (['"`])((?:\\.|(?!\4).)*)\4,/gs;
const rows = ['| Code | Meaning | Fix |', '| --- | --- | --- |'];
for (const m of src.matchAll(re)) rows.push(`| \`${m[1]}\` | ${m[3].replace(/\\'/g, "'").replace(/\|/g, '\\|')} | ${m[5].replace(/\\'/g, "'").replace(/\|/g, '\\|')} |`);
process.stdout.write(rows.join('\n') + '\n');
