import { describe, expect, it } from '@jest/globals';
import { runPreflight } from '../../src/core/preflight.js';
import { resolveRequest, type RawInputs } from '../../src/core/request.js';
import { mintAzureDevOpsLegacyPat } from '../../src/core/providers/azure-devops/synthetic.js';
import { azureDevOpsPat } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const legacy = mintAzureDevOpsLegacyPat(Buffer.from('FAKE-ADO-LEGACY-PAT-TESTONLY'), 'user');
async function run(inputs: RawInputs) {
  const { request, findings } = resolveRequest(
    { provider: 'azure-devops', url: 'https://dev.azure.com/fabrikam', offline: 'true', ...inputs },
    {},
  );
  return runPreflight(request, { now: () => NOW, monotonic: () => 0 }, findings);
}
const codes = (r: Awaited<ReturnType<typeof run>>) => r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.code}:${f.severity}`);

describe('expiry from expires-on, the token and the one-year bound', () => {
  it('uses expires-on for a token that carries no date', async () => {
    const r = await run({ token: legacy, expiresOn: '2026-11-25' });
    expect([r.expiresAt, r.expirySource, r.daysRemaining]).toEqual(['2026-11-25T23:59:59.000Z', 'input', 3]);
    expect(codes(r)).toEqual(['token.expiring:warning']);
  });
  it('fails when expires-on is past', async () => {
    const r = await run({ token: legacy, expiresOn: '2026-11-01' });
    expect(codes(r)).toEqual(['token.expired:error']);
  });
  it('prefers expires-on over the upper bound when it is earlier, and flags an impossible one', async () => {
    const fresh = azureDevOpsPat(NOW); // created 2026-11: cannot be valid from 2027-12-01
    expect((await run({ token: fresh, expiresOn: '2027-02-01' })).expirySource).toBe('input');
    const impossible = await run({ token: fresh, expiresOn: '2028-06-01' });
    expect(impossible.expirySource).toBe('upper-bound');
    expect(codes(impossible)).toEqual(['config.invalid:warning']);
  });
  it('without expires-on, an 84-character PAT reports its upper bound', async () => {
    const r = await run({ token: azureDevOpsPat(NOW, 12), minDaysRemaining: '30' });
    expect([r.expiresAt, r.expirySource]).toEqual(['2026-12-01T00:00:00.000Z', 'upper-bound']);
    expect(codes(r)).toEqual(['token.expiring:warning']);
  });
});

describe('short-lived tokens', () => {
  it('an hour-long Entra token does not trip a threshold in days, but its last minutes do', async () => {
    const { fakeEntraClaims, mintEntraJwt } = await import('../../src/core/providers/azure-devops/synthetic.js');
    const iat = Math.floor(NOW.getTime() / 1000);
    expect(codes(await run({ token: mintEntraJwt(fakeEntraClaims(NOW)) }))).toEqual([]);
    const late = await run({ token: mintEntraJwt(fakeEntraClaims(NOW, {}, { exp: iat + 300 })) });
    expect(codes(late)).toEqual(['token.expiring:warning']);
    expect(late.findings.find((f) => f.code === 'token.expiring')!.message).toContain('5 minutes');
  });
});

describe('URL of another provider', () => {
  it('flags a GitHub token pointed at an Azure DevOps URL, and the reverse', async () => {
    const { githubPat } = await import('../support/tokens.js');
    const gh = await run({ provider: 'auto', token: githubPat(), url: 'https://dev.azure.com/fabrikam' });
    expect(codes(gh)).toEqual(['url.provider-mismatch:error']);
    expect(gh.findings[0]!.message).toContain('Azure DevOps address');
    const ado = await run({ provider: 'auto', token: azureDevOpsPat(NOW), url: 'https://github.com/octo/repo' });
    expect(codes(ado)).toEqual(['url.provider-mismatch:error']);
    expect(
      codes(await run({ provider: 'auto', token: azureDevOpsPat(NOW), url: 'https://tfs.example.com/tfs/DefaultCollection' })),
    ).toEqual([]);
  });
});
