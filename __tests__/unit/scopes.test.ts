/**
 * The scope tables: every Azure DevOps probe is a read-only GET on a host the credential may go to,
 * inclusion follows Microsoft's scope table, every unproven scope says why; docs/scopes.md and the
 * README's coverage line are generated from the tables and current.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { azureDevOpsOnline } from '../../src/core/providers/azure-devops/online.js';
import { ADO_SCOPES, SERVICE_HOSTS } from '../../src/core/providers/azure-devops/scopes.js';
import { coverageLine, scopeCatalogue, scopesPage } from '../../src/core/providers/scope-catalogue.js';

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
/** Query parameters a probe may carry: paging, read filters and a placeholder for the token's own id. */
const READ_QUERY = new Set(['$top', '$select', '$scope', 'select', 'identityIds']);

describe('Azure DevOps scope table', () => {
  it('lists each of the 69 scopes once, and each is proven, includes a proven read scope, or says why not', () => {
    expect(new Set(ADO_SCOPES.map((s) => s.id)).size).toBe(69);
    for (const s of ADO_SCOPES) {
      const includes = s.impliesRead ? ADO_SCOPES.find((r) => r.id === s.impliesRead) : undefined;
      if (s.impliesRead) expect([s.id, !!includes]).toEqual([s.id, true]);
      expect([s.id, !!(s.probe ?? includes?.probe ?? s.unprovable ?? includes?.unprovable)]).toEqual([s.id, true]);
    }
  });

  it('follows "Inherits from": Code (status) and Pull Request Threads include nothing', () => {
    for (const id of ['vso.code_status', 'vso.threads_full']) expect(ADO_SCOPES.find((s) => s.id === id)?.impliesRead).toBeUndefined();
  });

  it('sends nothing but documented read-only GETs, with only reading query parameters, to credential origins', () => {
    const origins = azureDevOpsOnline.credentialOrigins({
      input: null,
      normalized: 'https://dev.azure.com/fabrikam',
      deployment: 'services',
      organization: 'fabrikam',
      findings: [],
    });
    for (const s of ADO_SCOPES.filter((x) => x.probe)) {
      const p = s.probe!;
      const url = new URL(p.path, 'https://x.test/');
      expect([s.id, [...url.searchParams.keys()].filter((k) => !READ_QUERY.has(k))]).toEqual([s.id, []]);
      expect([s.id, p.host === 'dev' || SERVICE_HOSTS.includes(p.host)]).toEqual([s.id, true]);
      expect(origins).toContain(p.host === 'dev' ? 'https://dev.azure.com' : `https://${p.host}.dev.azure.com`);
      expect(p.doc).toMatch(/^https:\/\/(learn\.microsoft\.com|github\.com\/microsoft)\//);
    }
  });
});

describe('docs/scopes.md', () => {
  it('is generated from the scope tables (run `node scripts/scopes-table.mjs` after changing them)', () => {
    expect(read('docs/scopes.md')).toBe(scopesPage());
  });

  it('names every scope of every provider, and the README states the coverage', () => {
    const page = read('docs/scopes.md');
    for (const p of scopeCatalogue()) for (const r of p.rows) expect(page).toContain(`| \`${r.scope}\` |`);
    expect(read('README.md').replace(/\s+/g, ' ')).toContain(`Scope coverage (proven / total): ${coverageLine()}.`);
  });
});
