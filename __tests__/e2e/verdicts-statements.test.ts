/**
 * Same verdict everywhere for the provider's statement in its many forms: expiry as a page, as plain
 * text or only in WWW-Authenticate; GitHub's SAML message without its header; organisation policies
 * (GitHub IP allow list and token lifetime, Azure DevOps conditional access and PAT policies, GitLab IP
 * restriction) and retired Azure DevOps global PATs — through the CLI, the action and the task bundles.
 * A policy-blocked report never says scope.missing, never verifies the scope the policy blocked, and
 * never tells the user to regenerate the token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { mintGitHubClassic, mintGitHubFineGrained } from '../../src/core/providers/github/synthetic.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { startBitbucketEmulator, type BitbucketEmulator } from '../emulators/bitbucket.js';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github.js';
import { startGitLabEmulator, type GitLabEmulator } from '../emulators/gitlab.js';
import type { FaultMatch, FaultSpec } from '../emulators/harness.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle } from '../support/run-bundle.js';
import { azureDevOpsPat, fill, gitlabPat, leaks } from '../support/tokens.js';
import { expectVerdict, runEverywhere, verdictTitle, type EverywhereInputs, type VerdictScenario } from '../support/verdicts.js';

const NOW = new Date();
const user = { id: '00000000-fa4e-7e57-0000-0000000000d1', displayName: 'Statement Verdict', uniqueName: 'FABRIKAM\\statement' };
const ado = (word: string): string => azureDevOpsPat(NOW, 0, word);
const A = {
  html: ado('FAKEx0VERDICTx0EXPHTMLx0REAL'),
  text: ado('FAKEx0VERDICTx0EXPTEXTx0REAL'),
  page203: ado('FAKEx0VERDICTx0EXP203x0NOTREAL'),
  cap: ado('FAKEx0VERDICTx0CAPx0NOTxREAL'),
  patPolicy: ado('FAKEx0VERDICTx0PATPOLx0REAL'),
  global: ado('FAKEx0VERDICTx0GLOBALx0REAL'),
  good: ado('FAKEx0VERDICTx0PROBEx0NOTREAL'),
};
const classic = (word: string): string => mintGitHubClassic('ghp', fill(word, 30));
const G = {
  repo: classic('FAKEx0VERDICTx0WALLEDx0NOTREAL'),
  sso: classic('FAKEx0VERDICTx0SAMLx0NOTxREAL'),
  long: mintGitHubFineGrained(fill('11FAKE0VERDICT0LONG000', 22), fill('FAKEx0VERDICTx0LONGx0LIVEDx0NOTxREAL', 43), 'FAKETAIL'),
};
const ME = 'fake-statement-verdict';
const L = gitlabPat('FAKE-GLVERD-STMT');
const B = mintAtlassianToken('access', fill('FAKE-x0-TEST-VERDICT-EXPIRED-ACCESS-NOT-REAL-', 171));
const B_TEXT = mintAtlassianToken('access', fill('FAKE-x0-TEST-VERDICT-EXPIRED-PLAIN-TEXT-NOT-REAL-', 171));
/** Global PATs stopped working on 2026-12-01: the sentence's tense follows the clock the bundles run with. */
const GLOBAL_PAT_TENSE =
  Date.now() >= Date.parse('2026-12-01') ? /those stopped working on 2026-12-01/ : /those stop working on 2026-12-01/;
const CAP_BODY = {
  $id: '1',
  message: 'VS403463: The conditional access policy defined by your Azure Active Directory administrator has failed.',
  typeKey: 'VssServiceException',
};
const EXPIRED_CHALLENGE =
  'Bearer realm="The API", error="invalid_token", error_description="Token is expired. You can either do re-authorization or token refresh."';

let adoEmu: AzureDevOpsEmulator;
let adoPlain: AzureDevOpsEmulator;
let gh: GitHubEmulator;
let gl: GitLabEmulator;
let glOld: GitLabEmulator;
let bb: BitbucketEmulator;
let proxy: ForwardProxy;

beforeAll(async () => {
  const organizations = [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000d01', name: 'Fabrikam-Fiber' }] }];
  const projects = [{ id: 61, path: 'Walled/Garden/App' }];
  const glTokens = { [L]: { user: { id: 61, username: 'verdict.statement', name: 'Verdict Statement' }, scopes: ['api'] } };
  [adoEmu, adoPlain, gh, gl, glOld, bb] = await Promise.all([
    startAzureDevOpsEmulator({
      mode: 'server',
      apiVersionCeiling: '7.1',
      organizations,
      globalPatsRetired: 'stated',
      tokens: {
        [A.html]: { user, organizations: ['fabrikam'], scopes: 'full', expired: true, expiredForm: 'html' },
        [A.text]: { user, organizations: ['fabrikam'], scopes: 'full', expired: true, expiredForm: 'text' },
        [A.page203]: { user, organizations: ['fabrikam'], scopes: 'full', expired: true, expiredForm: 'html-203' },
        [A.cap]: { user, organizations: ['fabrikam'], scopes: 'full', conditionalAccessBlocked: true },
        [A.patPolicy]: { user, organizations: ['fabrikam'], scopes: 'full', patPolicyBlocked: true },
        [A.global]: { user, organizations: 'all', scopes: 'full' },
        [A.good]: { user, organizations: ['fabrikam'], scopes: ['vso.project', 'vso.code'] },
      },
    }),
    // The documented plain 401 for a global PAT after the retirement: nothing in it names the reason.
    startAzureDevOpsEmulator({
      mode: 'server',
      apiVersionCeiling: '7.1',
      organizations,
      globalPatsRetired: 'plain',
      tokens: { [A.global]: { user, organizations: 'all', scopes: 'full' } },
    }),
    startGitHubEmulator({
      users: { [ME]: 7201 },
      tokens: {
        [G.repo]: { kind: 'classic', login: ME, scopes: ['repo'] },
        [G.sso]: { kind: 'classic', login: ME, scopes: ['repo'], ssoUnauthorized: ['fake-saml-org'] },
        [G.long]: {
          kind: 'fine-grained',
          login: ME,
          repositories: 'all',
          permissions: { metadata: 'read', contents: 'read' },
          lifetimeDays: 400,
        },
      },
      repos: [
        { id: 6101, fullName: 'fake-walled-org/app', collaborators: { [ME]: 'admin' } },
        { id: 6102, fullName: 'fake-saml-org/app', collaborators: { [ME]: 'admin' } },
        { id: 6103, fullName: 'fake-policy-org/app', collaborators: { [ME]: 'admin' } },
      ],
      ipAllowListBlocks: ['fake-walled-org'],
      maxTokenLifetimeDays: { 'fake-policy-org': 90 },
      dropsSsoHeader: true,
    }),
    startGitLabEmulator({ projects, tokens: glTokens }),
    startGitLabEmulator({
      projects,
      tokens: glTokens,
      ipRestrictedGroups: ['walled'],
      ipRestrictionAnswer: 'stated',
      oldServer: 'pre-15.1',
    }),
    startBitbucketEmulator({
      tokens: {
        [B]: { type: 'access-token', scopes: ['repository'], resource: { workspace: 'fabrikam', repo: 'web-app' }, expired: true },
        [B_TEXT]: {
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
  proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: bb.port }) });
});
afterAll(async () => {
  await Promise.all([adoEmu, adoPlain, gh, gl, glOld, bb, proxy].map((e) => e.close()));
});

interface Scenario extends VerdictScenario {
  inputs: () => Omit<EverywhereInputs, 'token' | 'project' | 'scopes'>;
  /** A fault on the emulator while the scenario runs (something in between rewrote the answer). */
  fault?: () => { emu: AzureDevOpsEmulator | GitLabEmulator; spec: FaultSpec; match: FaultMatch };
  /** Scopes whose probe a policy blocked: never missing, never verified. */
  blocked?: readonly string[];
  /** What the CLI's finding for `code` says (the provider's words, or the sentence the run depends on). */
  says?: RegExp;
  /** Codes that must not appear (a claim the answer does not support). */
  absent?: readonly string[];
}

const ca = { NODE_EXTRA_CA_CERTS: caFile };
const azure = () => ({ provider: 'azure-devops', tokenEnv: 'AZURE_DEVOPS_PAT', url: adoEmu.collectionUrl('fabrikam'), env: ca });
const azurePlain = () => ({ ...azure(), url: adoPlain.collectionUrl('fabrikam') });
const github = () => ({ provider: 'github', tokenEnv: 'GITHUB_TOKEN', url: `${gh.origin}/api/v3`, env: ca });
const gitlab = (e: () => GitLabEmulator) => () => ({ provider: 'gitlab', tokenEnv: 'GITLAB_TOKEN', url: e().url, env: ca });
const bitbucket = () => ({
  provider: 'bitbucket',
  tokenEnv: 'BITBUCKET_TOKEN',
  env: { ...ca, HTTPS_PROXY: proxy.url },
  taskEnv: { AGENT_PROXYURL: proxy.url },
});

const scenarios: Scenario[] = [
  { name: 'Azure DevOps: expired, stated in an HTML page', inputs: azure, token: A.html, outcome: 'failed', code: 'token.expired' },
  {
    name: 'Azure DevOps: expired, stated in an HTML page with a 203',
    inputs: azure,
    token: A.page203,
    scopes: 'vso.code',
    outcome: 'failed',
    code: 'token.expired',
  },
  { name: 'Azure DevOps: expired, stated as plain text', inputs: azure, token: A.text, outcome: 'failed', code: 'token.expired' },
  {
    name: 'Azure DevOps: conditional access',
    inputs: azure,
    token: A.cap,
    project: 'Fabrikam-Fiber',
    scopes: 'vso.code',
    outcome: 'failed',
    code: 'token.policy-blocked',
    blocked: ['vso.code'],
  },
  {
    name: 'Azure DevOps: PAT policy',
    inputs: azure,
    token: A.patPolicy,
    scopes: 'vso.code',
    outcome: 'failed',
    code: 'token.policy-blocked',
    blocked: ['vso.code'],
  },
  { name: 'Azure DevOps: retired global PAT', inputs: azure, token: A.global, outcome: 'failed', code: 'token.retired' },
  {
    name: 'Azure DevOps: global PAT refused with the plain 401',
    inputs: azurePlain,
    token: A.global,
    scopes: 'vso.code',
    outcome: 'failed',
    code: 'token.rejected',
    says: GLOBAL_PAT_TENSE,
  },
  {
    name: 'Azure DevOps: a probe blocked by conditional access',
    inputs: azure,
    token: A.good,
    scopes: 'vso.code',
    fault: () => ({
      emu: adoEmu,
      spec: { type: 'status', status: 403, body: CAP_BODY },
      match: { path: /\/_apis\/git\/repositories/i, times: Infinity },
    }),
    outcome: 'failed',
    code: 'token.policy-blocked',
    blocked: ['vso.code'],
  },
  {
    name: 'GitHub: IP allow list',
    inputs: github,
    token: G.repo,
    project: 'fake-walled-org/app',
    scopes: 'contents:read',
    outcome: 'failed',
    code: 'token.policy-blocked',
    blocked: ['contents:read'],
  },
  {
    name: 'GitHub: fine-grained token lifetime policy',
    inputs: github,
    token: G.long,
    project: 'fake-policy-org/app',
    scopes: 'contents:read',
    outcome: 'failed',
    code: 'token.policy-blocked',
    blocked: ['contents:read'],
    // GitHub refused the token: its missing expiry header proves no "never expires".
    absent: ['token.no-expiry'],
  },
  {
    name: 'GitHub: SAML message without X-GitHub-SSO',
    inputs: github,
    token: G.sso,
    project: 'fake-saml-org/app',
    outcome: 'failed',
    code: 'token.sso-required',
  },
  {
    name: 'GitLab: IP restriction named',
    inputs: gitlab(() => glOld),
    token: L,
    project: 'walled/garden/app',
    scopes: 'read_api',
    outcome: 'failed',
    code: 'token.policy-blocked',
    blocked: ['read_api'],
  },
  {
    name: 'GitLab: expired, stated only in WWW-Authenticate',
    inputs: gitlab(() => gl),
    token: L,
    fault: () => ({
      emu: gl,
      spec: {
        type: 'status',
        status: 401,
        body: '<html><body>401</body></html>',
        headers: { 'content-type': 'text/html', 'www-authenticate': EXPIRED_CHALLENGE },
      },
      match: { times: Infinity },
    }),
    outcome: 'failed',
    code: 'token.expired',
  },
  {
    name: 'Bitbucket: "Access token expired."',
    inputs: bitbucket,
    token: B,
    project: 'fabrikam/web-app',
    outcome: 'failed',
    code: 'token.expired',
  },
  {
    name: 'Bitbucket: "Access token expired." as plain text',
    inputs: bitbucket,
    token: B_TEXT,
    project: 'fabrikam/web-app',
    outcome: 'failed',
    code: 'token.expired',
    says: /"Access token expired\. Use your refresh token/,
  },
];

interface Found {
  code: string;
  message?: string;
  hint?: string;
}

describe.each(scenarios)('$name', (s) => {
  it(verdictTitle(s), async () => {
    const f = s.fault?.();
    const handle = f?.emu.fault(f.spec, f.match);
    let run;
    try {
      run = await runEverywhere({ ...s.inputs(), token: s.token, project: s.project, scopes: s.scopes });
    } finally {
      handle?.cancel();
    }
    expectVerdict(run, s.outcome, s.code);
    expect(leaks(run.visible, s.token)).toEqual([]);
    const findings = run.report.findings as Found[];
    if (s.says) expect(findings.find((x) => x.code === s.code)?.message).toMatch(s.says);
    for (const code of s.absent ?? []) expect(findings.map((x) => x.code)).not.toContain(code);
    // Whatever stopped the check, every required scope ends in exactly one list.
    const ledger = run.report.scopes as Record<'required' | 'verified' | 'missing' | 'unverifiable', string[]>;
    for (const id of ledger.required) {
      expect([ledger.verified, ledger.missing, ledger.unverifiable].filter((l) => l.includes(id))).toHaveLength(1);
    }
    if (s.blocked) {
      const scopes = run.report.scopes as { verified: string[]; missing: string[]; unverifiable: string[] };
      expect(findings.filter((x) => x.code === 'token.policy-blocked')).toHaveLength(1);
      expect(findings.map((x) => x.code)).not.toContain('scope.missing');
      expect(scopes.missing).toEqual([]);
      for (const b of s.blocked) expect(scopes.unverifiable).toContain(b);
      expect(findings.map((x) => x.code)).toContain('scope.unverifiable');
      const fix = findings.find((x) => x.code === 'token.policy-blocked')!.hint ?? '';
      expect(fix).toMatch(/administrator|owner/i);
      expect(fix).not.toMatch(/regenerate/i);
      // The action and the task say the same fix, not a token fix.
      for (const out of [run.act.stdout, run.tsk.stdout]) expect(out).not.toMatch(/regenerate/i);
    }
  });
});

describe('the Expires line agrees with what GitHub said', () => {
  const cli = (token: string, project: string) =>
    runBundle(
      'cli',
      ['--provider', 'github', '--url', `${gh.origin}/api/v3`, '--project', project],
      baseEnv({ ...ca, GITHUB_TOKEN: token }),
    );

  it('no expiry header for an accepted token: "never", as the no-expiry note says', async () => {
    const r = await cli(G.repo, 'fake-policy-org/app');
    expect(r.stdout).toMatch(/^ {2}Expires +never \(GitHub sends no expiry for this token\)$/m);
    expect(r.stdout).toContain('token.no-expiry');
  });

  it('no expiry header for a token the lifetime policy refused: no expiry claim at all', async () => {
    const r = await cli(G.long, 'fake-policy-org/app');
    expect(r.stdout).toContain('token.policy-blocked');
    expect(r.stdout).not.toContain('token.no-expiry');
    expect(r.stdout).not.toMatch(/never expires|^ {2}Expires +never/m);
  });
});
