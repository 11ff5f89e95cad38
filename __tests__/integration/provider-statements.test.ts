/**
 * The provider's statement read in every form it comes (JSON fields, an HTML error page, plain text,
 * WWW-Authenticate, a provider header), against the four emulators: expiry is token.expired on every
 * provider, GitHub's SAML message is token.sso-required without its header, and an organisation policy
 * is token.policy-blocked — never scope.missing, never a scope verified by the probe it blocked, never
 * "regenerate the token" as the fix.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';
import type { Report } from '../../src/core/report.js';
import type { RawInputs } from '../../src/core/request.js';
import { mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { mintGitHubClassic, mintGitHubFineGrained } from '../../src/core/providers/github/synthetic.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator, type AzureDevOpsTokenSpec } from '../emulators/azure-devops.js';
import { startBitbucketEmulator, type BitbucketEmulator } from '../emulators/bitbucket.js';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github.js';
import { startGitLabEmulator, type GitLabEmulator } from '../emulators/gitlab.js';
import { caPem } from '../emulators/tls.js';
import { findingText, onlineDeps, preflight, verdictCodes as codes } from '../support/online.js';
import { azureDevOpsPat, fill, gitlabPat, leaks } from '../support/tokens.js';

const NOW = new Date();

/** What every policy-blocked report must never say. */
function expectPolicyOnly(r: Report, blocked: readonly string[]): void {
  expect(r.findings.filter((f) => f.code === 'token.policy-blocked')).toHaveLength(1);
  expect(r.findings.some((f) => f.code === 'scope.missing')).toBe(false);
  expect(r.scopes?.missing ?? []).toEqual([]);
  for (const s of blocked) expect(r.scopes?.verified ?? []).not.toContain(s);
  // Blocked is not judged: each blocked scope is unverifiable, as GitHub and GitLab list it.
  for (const s of blocked) expect(r.scopes?.unverifiable ?? []).toContain(s);
  const fix = findingText(r, 'token.policy-blocked');
  expect(fix).toMatch(/administrator|owner|admin/i);
  expect(fix).not.toMatch(/regenerate/i);
}

// ─── Azure DevOps ─────────────────────────────────────────────────────────────────────────────────

const user = { id: '00000000-fa4e-7e57-0000-0000000000c1', displayName: 'Statement Tester', uniqueName: 'statement@fabrikam.example' };
const ado = (word: string): string => azureDevOpsPat(NOW, 0, word);
const A = {
  html: ado('FAKEx0EXPx0HTMLx0NOTxREAL'),
  text: ado('FAKEx0EXPx0TEXTx0NOTxREAL'),
  page203: ado('FAKEx0EXPx0PAGEx0NOTxREAL'),
  cap: ado('FAKEx0CAPx0BLOCKx0NOTxREAL'),
  patPolicy: ado('FAKEx0PATx0POLICYx0NOTxREAL'),
  global: ado('FAKEx0GLOBALx0PATx0NOTxREAL'),
  good: ado('FAKEx0STATEMENTx0GOODx0REAL'),
};
const adoTokens: Record<string, AzureDevOpsTokenSpec> = {
  [A.html]: { user, organizations: ['fabrikam'], scopes: 'full', expired: true, expiredForm: 'html' },
  [A.text]: { user, organizations: ['fabrikam'], scopes: 'full', expired: true, expiredForm: 'text' },
  [A.page203]: { user, organizations: ['fabrikam'], scopes: 'full', expired: true, expiredForm: 'html-203' },
  [A.cap]: { user, organizations: ['fabrikam'], scopes: 'full', conditionalAccessBlocked: true },
  [A.patPolicy]: { user, organizations: ['fabrikam'], scopes: 'full', patPolicyBlocked: true },
  [A.global]: { user, organizations: 'all', scopes: 'full' },
  [A.good]: { user, organizations: ['fabrikam'], scopes: ['vso.project', 'vso.graph', 'vso.code'] },
};

// ─── GitHub ───────────────────────────────────────────────────────────────────────────────────────

const classic = (word: string): string => mintGitHubClassic('ghp', fill(word, 30));
const G = {
  repo: classic('FAKEx0STATEMENTx0REPOx0NOTREAL'),
  sso: classic('FAKEx0STATEMENTx0SSOx0NOTxREAL'),
  longFine: mintGitHubFineGrained(fill('11FAKE0STATEMENT0LONG0', 22), fill('FAKEx0STATEMENTx0LONGx0LIVEDx0NOTxREAL', 43), 'FAKETAIL'),
  shortFine: mintGitHubFineGrained(fill('11FAKE0STATEMENT0SHORT', 22), fill('FAKEx0STATEMENTx0SHORTx0LIVEDx0NOTREAL', 43), 'FAKETAIL'),
};
const ME = 'fake-statement-user';
const fineSpec = (lifetimeDays: number) =>
  ({ kind: 'fine-grained', login: ME, repositories: 'all', permissions: { metadata: 'read', contents: 'read' }, lifetimeDays }) as const;

// ─── GitLab and Bitbucket ─────────────────────────────────────────────────────────────────────────

const L = { good: gitlabPat('FAKE-GLSTMT-GOOD'), expired: gitlabPat('FAKE-GLSTMT-EXPD') };
const glUser = { id: 41, username: 'fake.statement', name: 'Fake Statement' };
const B = {
  expired: mintAtlassianToken('access', fill('FAKE-x0-TEST-STATEMENT-EXPIRED-NOT-REAL-', 171)),
  expiredText: mintAtlassianToken('access', fill('FAKE-x0-TEST-STATEMENT-EXPTEXT-NOT-REAL-', 171)),
};

let services: AzureDevOpsEmulator;
let server: AzureDevOpsEmulator;
let gh: GitHubEmulator;
let gl: GitLabEmulator;
let glOld: GitLabEmulator;
let bb: BitbucketEmulator;
let agents: Agent[];
let [adoAgent, ghAgent, bbAgent, caAgent] = [] as Agent[];

beforeAll(async () => {
  const organizations = [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000c01', name: 'Fabrikam-Fiber' }] }];
  const projects = [{ id: 51, path: 'Walled/Garden/App' }];
  const glTokens = {
    [L.good]: { user: glUser, scopes: ['api'] },
    [L.expired]: { user: glUser, scopes: ['api'], state: 'expired' as const },
  };
  [services, server, gh, gl, glOld, bb] = await Promise.all([
    startAzureDevOpsEmulator({ mode: 'services', organizations, tokens: adoTokens }),
    startAzureDevOpsEmulator({ mode: 'server', apiVersionCeiling: '7.1', organizations, tokens: adoTokens }),
    startGitHubEmulator({
      users: { [ME]: 7101 },
      tokens: {
        [G.repo]: { kind: 'classic', login: ME, scopes: ['repo', 'read:org'] },
        [G.sso]: { kind: 'classic', login: ME, scopes: ['repo'], ssoUnauthorized: ['fake-saml-org'] },
        [G.longFine]: fineSpec(400),
        [G.shortFine]: fineSpec(30),
      },
      repos: [
        { id: 5101, fullName: 'fake-walled-org/app', collaborators: { [ME]: 'admin' } },
        { id: 5102, fullName: 'fake-saml-org/app', collaborators: { [ME]: 'admin' } },
        { id: 5103, fullName: 'fake-policy-org/app', collaborators: { [ME]: 'admin' } },
      ],
      ipAllowListBlocks: ['fake-walled-org'],
      maxTokenLifetimeDays: { 'fake-policy-org': 90 },
    }),
    startGitLabEmulator({ projects, tokens: glTokens, ipRestrictedGroups: ['walled'], ipRestrictionAnswer: 'stated' }),
    startGitLabEmulator({
      projects,
      tokens: glTokens,
      ipRestrictedGroups: ['walled'],
      ipRestrictionAnswer: 'stated',
      oldServer: 'pre-15.1',
    }),
    startBitbucketEmulator({
      tokens: {
        [B.expired]: { type: 'access-token', scopes: ['repository'], resource: { workspace: 'fabrikam', repo: 'web-app' }, expired: true },
        [B.expiredText]: {
          type: 'access-token',
          scopes: ['repository'],
          resource: { workspace: 'fabrikam', repo: 'web-app' },
          expired: true,
          expiredForm: 'text',
        },
      },
      workspaces: [{ slug: 'fabrikam', members: [], repos: [{ slug: 'web-app', name: 'Web App' }] }],
    }),
  ]);
  agents = [services.dispatcher(), gh.dispatcher(), bb.dispatcher(), new Agent({ connect: { ca: caPem } })];
  [adoAgent, ghAgent, bbAgent, caAgent] = agents;
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await Promise.all([services, server, gh, gl, glOld, bb].map((e) => e.close()));
});
beforeEach(() => {
  for (const e of [services, server, gh, gl, glOld, bb]) e.clearFaults();
  delete services.options.globalPatsRetired;
  gh.options.dropsSsoHeader = false;
});

async function check(provider: string, inputs: RawInputs, agent: Agent): Promise<Report> {
  const r = await preflight({ provider, ...inputs }, onlineDeps(NOW, agent));
  expect(leaks(JSON.stringify(r), inputs.token ?? '')).toEqual([]);
  return r;
}
const adoCheck = (inputs: RawInputs): Promise<Report> =>
  check('azure-devops', { url: 'https://dev.azure.com/fabrikam', ...inputs }, adoAgent!);
const ghCheck = (inputs: RawInputs): Promise<Report> => check('github', inputs, ghAgent!);

describe('expiry, in every form the provider states it', () => {
  it('Azure DevOps: an HTML "Access Denied … has expired" page (Server, or a proxy that ignores X-TFS-FedAuthRedirect)', async () => {
    const r = await check('azure-devops', { token: A.html, url: server.collectionUrl('fabrikam') }, caAgent!);
    expect(codes(r)).toEqual(['token.expired:error']);
  });

  it('Azure DevOps Services: the page with a 203, where X-TFS-FedAuthRedirect was not honoured', async () => {
    expect(codes(await adoCheck({ token: A.page203 }))).toEqual(['token.expired:error']);
  });

  it('Azure DevOps: the same sentence as plain text', async () => {
    expect(codes(await adoCheck({ token: A.text }))).toEqual(['token.expired:error']);
  });

  it('GitLab: only WWW-Authenticate says it (a proxy replaced the body with its own page)', async () => {
    gl.fault(
      {
        type: 'status',
        status: 401,
        body: '<html><head><title>401 Authorization Required</title></head><body><center>nginx</center></body></html>',
        headers: {
          'content-type': 'text/html',
          'www-authenticate':
            'Bearer realm="The API", error="invalid_token", error_description="Token is expired. You can either do re-authorization or token refresh."',
        },
      },
      { times: Infinity },
    );
    expect(codes(await check('gitlab', { token: L.good, url: gl.url }, caAgent!))).toEqual(['token.expired:error']);
  });

  it('GitLab: plain text, and the JSON GitLab itself sends', async () => {
    gl.fault(
      {
        type: 'status',
        status: 401,
        body: 'Token is expired. You can either do re-authorization or token refresh.',
        headers: { 'content-type': 'text/plain' },
      },
      { times: Infinity },
    );
    expect(codes(await check('gitlab', { token: L.good, url: gl.url }, caAgent!))).toEqual(['token.expired:error']);
    gl.clearFaults();
    expect(codes(await check('gitlab', { token: L.expired, url: gl.url }, caAgent!))).toEqual(['token.expired:error']);
  });

  it('Bitbucket: "Access token expired." as JSON and as plain text', async () => {
    const json = await check('bitbucket', { token: B.expired, project: 'fabrikam/web-app' }, bbAgent!);
    expect(codes(json)).toEqual(['token.expired:error']);
    expect(findingText(json, 'token.expired')).toContain('Access token expired.');
    const text = await check('bitbucket', { token: B.expiredText, project: 'fabrikam/web-app' }, bbAgent!);
    expect(codes(text)).toEqual(['token.expired:error']);
    expect(findingText(text, 'token.expired')).toContain('"Access token expired. Use your refresh token');
  });
});

describe('GitHub single sign-on and organisation policies', () => {
  it('the SAML enforcement message is token.sso-required even when a proxy dropped X-GitHub-SSO', async () => {
    gh.options.dropsSsoHeader = true;
    const r = await ghCheck({ token: G.sso, project: 'fake-saml-org/app', requiredScopes: 'contents:read' });
    expect(codes(r)[0]).toBe('token.sso-required:error');
    expect(r.findings.filter((f) => f.code === 'token.sso-required')).toHaveLength(1);
    expect(r.findings.some((f) => f.code === 'scope.missing')).toBe(false);
  });

  it("an IP allow list that does not include the runner is token.policy-blocked, with the owner's fix", async () => {
    const r = await ghCheck({ token: G.repo, project: 'fake-walled-org/app', requiredScopes: 'contents:read, issues:read' });
    expect(codes(r)[0]).toBe('token.policy-blocked:error');
    expectPolicyOnly(r, ['contents:read', 'issues:read']);
    expect(r.scopes?.unverifiable).toEqual(['contents:read', 'issues:read']);
    expect(findingText(r, 'token.policy-blocked')).toMatch(/IP allow list[\s\S]*fake-walled-org/);
  });

  it('the fine-grained token lifetime policy is token.policy-blocked; a token within it passes', async () => {
    const r = await ghCheck({ token: G.longFine, project: 'fake-policy-org/app', requiredScopes: 'contents:read' });
    expect(codes(r)[0]).toBe('token.policy-blocked:error');
    expectPolicyOnly(r, ['contents:read']);
    expect(findingText(r, 'token.policy-blocked')).toContain('90 days');
    const ok = await ghCheck({ token: G.shortFine, project: 'fake-policy-org/app', requiredScopes: 'contents:read' });
    expect([ok.outcome, ok.scopes?.verified]).toEqual(['passed', ['contents:read']]);
  });
});

describe('Azure DevOps policies and global PATs', () => {
  it('conditional access (IP conditions included) is token.policy-blocked, not a rejected token', async () => {
    const r = await adoCheck({ token: A.cap, project: 'Fabrikam-Fiber', requiredScopes: 'vso.code' });
    expect(codes(r)).toEqual(['token.policy-blocked:error', 'scope.unverifiable:warning']);
    expect(r.scopes).toEqual({ required: ['vso.code'], verified: [], missing: [], unverifiable: ['vso.code'] });
    expect(findingText(r, 'token.policy-blocked')).toContain('VS403463');
    expectPolicyOnly(r, ['vso.code']);
  });

  it('a PAT policy is token.policy-blocked', async () => {
    const r = await adoCheck({ token: A.patPolicy, requiredScopes: 'vso.code' });
    expect(codes(r)).toEqual(['token.policy-blocked:error', 'scope.unverifiable:warning']);
    expectPolicyOnly(r, ['vso.code']);
  });

  it('a probe blocked by conditional access is unverifiable, never missing or verified', async () => {
    const body = {
      $id: '1',
      message: 'VS403463: The conditional access policy defined by your Azure Active Directory administrator has failed.',
      typeKey: 'VssServiceException',
    };
    services.fault({ type: 'status', status: 403, body }, { host: 'vssps.dev.azure.com', times: Infinity });
    const r = await adoCheck({ token: A.good, requiredScopes: 'vso.graph, vso.code' });
    expect(codes(r)).toEqual(['token.policy-blocked:error', 'scope.unverifiable:warning']);
    expect(r.scopes).toEqual({ required: ['vso.graph', 'vso.code'], verified: ['vso.code'], missing: [], unverifiable: ['vso.graph'] });
    expectPolicyOnly(r, ['vso.graph']);
  });

  it('a global PAT refused with its reason is token.retired with the migration fix; refused plainly, the cause is listed', async () => {
    services.options.globalPatsRetired = 'stated';
    const stated = await adoCheck({ token: A.global });
    expect(codes(stated)).toEqual(['token.retired:error']);
    expect(findingText(stated, 'token.retired')).toMatch(/2026-12-01[\s\S]*organisation "fabrikam" alone/);
    services.options.globalPatsRetired = 'plain';
    const plain = await adoCheck({ token: A.global });
    expect(codes(plain)).toEqual(['token.rejected:error']);
    expect(findingText(plain, 'token.rejected')).toContain('global ("all accessible organizations") PAT');
  });
});

describe('GitLab IP restriction', () => {
  it('where GitLab names it, token.policy-blocked; the probe it blocked proves nothing', async () => {
    const r = await check('gitlab', { token: L.good, url: glOld.url, project: 'walled/garden/app', requiredScopes: 'read_api' }, caAgent!);
    expect(codes(r)[0]).toBe('token.policy-blocked:error');
    expectPolicyOnly(r, ['read_api']);
    expect(findingText(r, 'token.policy-blocked')).toMatch(/IP address/);
  });

  it('the documented 404 says nothing about a policy: project.not-found, as for any hidden project', async () => {
    gl.options.ipRestrictionAnswer = 'not-found';
    try {
      const r = await check('gitlab', { token: L.good, url: gl.url, project: 'Walled/Garden/App' }, caAgent!);
      expect(codes(r)).toEqual(['project.not-found:error']);
    } finally {
      gl.options.ipRestrictionAnswer = 'stated';
    }
  });
});
