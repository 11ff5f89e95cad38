// Writes docs/codes.md, the finding-code table, from the catalogue in src/core/codes.ts.
// `node scripts/codes-table.mjs` rewrites docs/codes.md; `--print` only prints it.
// The table sits between prettier-ignore markers, so `prettier --check .` leaves the generated file as it is.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const src = readFileSync(new URL('src/core/codes.ts', root), 'utf8');
const re = /'([a-z]+\.[a-z-]+)': \{\s*meaning:\s*(['"`])((?:\\.|(?!\2).)*)\2,\s*fix:\s*(['"`])((?:\\.|(?!\4).)*)\4,/gs;
// A fix may point to the docs through src/core/docs.ts (absolute URLs: the npm package has no docs/).
const docsBase = /DOCS_BASE = '([^']+)'/.exec(readFileSync(new URL('src/core/docs.ts', root), 'utf8'))[1];
const docsUrl = (s) =>
  s.replace(/\$\{docsUrl\('([^']+)'(?:, '([^']+)')?\)\}/g, (_, page, anchor) => `${docsBase}/${page}${anchor ? `#${anchor}` : ''}`);
const cell = (s) =>
  docsUrl(s)
    .replace(/\\(['`])/g, '$1')
    .replace(/\|/g, '\\|');
const rows = ['| Code | Meaning | Fix |', '| --- | --- | --- |'];
for (const m of src.matchAll(re)) rows.push(`| \`${m[1]}\` | ${cell(m[3])} | ${cell(m[5])} |`);
export const table = rows.join('\n');

export const page = `# Finding codes

Every finding in a report carries one of these codes. Codes are stable: match on them in later steps
(the \`report\` output, \`--format json\`; see [report.md](report.md)). Each finding has a one-line message
(what is wrong and why) and a hint (what to do); this table is what each code means and how to fix it.
What a provider's 401, 403 or 404 turns into is on its page under [providers/](providers/).

This page is generated from \`src/core/codes.ts\` by \`node scripts/codes-table.mjs\`; a unit test checks
that it lists every code exactly as the catalogue says.

<!-- prettier-ignore-start -->
${table}
<!-- prettier-ignore-end -->
`;

if (process.argv.includes('--print')) process.stdout.write(page);
else writeFileSync(new URL('docs/codes.md', root), page);
