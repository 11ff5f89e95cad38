/**
 * The scope tables: every Azure DevOps probe is a read-only GET, or a POST carrying its documented
 * no-write parameter, on a host the credential may go to; inclusion follows Microsoft's scope table;
 * every unproven scope says why; docs/scopes.md and the README's coverage line are generated from the
 * tables and current.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { azureDevOpsOnline } from '../../src/core/providers/azure-devops/online.js';
import { ADO_SCOPES, includedPart, SERVICE_HOSTS, type AzureDevOpsScope } from '../../src/core/providers/azure-devops/scopes.js';
import { INHERITS } from '../emulators/azure-devops-inherits.js';
import { coverageLine, scopeCatalogue, scopesPage } from '../../src/core/providers/scope-catalogue.js';

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
/** Query parameters a probe may carry: paging, read filters and a placeholder for the token's own id. */
const READ_QUERY = new Set(['$top', '$select', '$scope', 'select', 'identityIds']);

describe('Azure DevOps scope table', () => {
  it('lists each of the 82 scopes once (the table but service hooks), and each is proven, includes a proven scope, or says why not', () => {
    expect(new Set(ADO_SCOPES.map((s) => s.id)).size).toBe(82);
    for (const s of ADO_SCOPES) {
      if (s.includes) expect([s.id, ADO_SCOPES.some((r) => r.id === s.includes)]).toEqual([s.id, true]);
      // Along what it includes (User Profile: Read aside), a probe or a reason.
      const chain: AzureDevOpsScope[] = [];
      for (let c: AzureDevOpsScope | undefined = s; c; c = includedPart(c)) chain.push(c);
      expect([s.id, chain.some((c) => c.probe || c.unprovable)]).toEqual([s.id, true]);
    }
  });

  it('follows "Inherits from" exactly: each scope includes what Microsoft\'s table says, and nothing else', () => {
    // Service hooks are no longer public, so the catalogue leaves out what includes only them.
    const listed = (id: string | undefined): string | undefined => (id && ADO_SCOPES.some((s) => s.id === id) ? id : undefined);
    for (const s of ADO_SCOPES) expect([s.id, s.includes]).toEqual([s.id, listed(INHERITS[s.id])]);
    for (const id of ['vso.code_status', 'vso.threads_full', 'vso.security_manage']) expect(INHERITS[id]).toBeUndefined();
  });

  it('sends only documented read-only GETs, or a POST with its no-write parameter set, to credential origins', () => {
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
      const noWrite = p.write?.noWrite;
      // A non-GET carries exactly its documented no-write parameter, set to true, besides read filters.
      if (p.write) expect([s.id, p.write.method, url.searchParams.get(noWrite!)]).toEqual([s.id, 'POST', 'true']);
      const query = [...url.searchParams.keys()].filter((k) => k !== noWrite && !READ_QUERY.has(k));
      expect([s.id, query]).toEqual([s.id, []]);
      expect([s.id, p.host === 'dev' || SERVICE_HOSTS.includes(p.host)]).toEqual([s.id, true]);
      expect(origins).toContain(p.host === 'dev' ? 'https://dev.azure.com' : `https://${p.host}.dev.azure.com`);
      expect(p.doc).toMatch(/^https:\/\/(learn\.microsoft\.com|github\.com\/microsoft)\//);
    }
    // The one request that is not a GET: Work Items "Create", validated and never saved.
    const writes = ADO_SCOPES.filter((x) => x.probe?.write).map((x) => [x.id, x.probe!.path]);
    expect(writes).toEqual([['vso.work_write', '_apis/wit/workitems/$Task?validateOnly=true']]);
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
