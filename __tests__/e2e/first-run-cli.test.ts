/**
 * Issue 12's QA pass through the CLI bundle: what the CLI says must name its own flags, read its own
 * token sources and suggest only what was meant; the action and the task where their output differs.
 */
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOCS_BASE } from '../../src/core/docs.js';
import { fakeEntraClaims, mintAzureDevOpsLegacyPat, mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { baseEnv, runBundle, withoutMaskCommands } from '../support/run-bundle.js';
import { githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date();
const ADO_URL = 'https://dev.azure.com/fabrikam';
const cli = (args: string[], env: Record<string, string> = {}, stdin = '') => runBundle('cli', args, baseEnv(env), stdin);

interface Json {
  outcome: string;
  provider: string | null;
  tokenLabel: string | null;
  findings: { code: string; severity: string; message: string; hint: string }[];
}
async function json(args: string[], env: Record<string, string>) {
  const r = await cli(['--offline', '--format', 'json', ...args], env);
  return { code: r.code, report: JSON.parse(r.stdout) as Json };
}
const find = (r: Json, code: string) => r.findings.find((f) => f.code === code);

describe('the CLI names its flags, the task its inputs, the action its inputs', () => {
  it('CLI: --expires-on and --url, never the action input names', async () => {
    const r = await cli(['--offline', '--provider', 'azure-devops', '--expires-on', '2020-01-01'], {
      AZURE_DEVOPS_PAT: mintAzureDevOpsLegacyPat(new Uint8Array(28).fill(7), 'user'),
    });
    expect(r.stdout).toContain('token.expired');
    expect(r.stdout).toContain('(per `--expires-on`)');
    expect(r.stdout).toContain('update the secret and `--expires-on`');
    expect(r.stdout).toContain('Pass `--url`');
    expect(r.stdout).not.toMatch(/`(expires-on|url|provider|offline)`/);
  });

  it('CLI: --provider in the format fix, --required-scopes in the scope fix, --min-days-remaining in its parse error', async () => {
    const r = await cli(['--offline', '--min-days-remaining', 'soon'], { GITLAB_TOKEN: 'glpat-not-quite' });
    expect(r.stdout).toContain('`--min-days-remaining` must be a number of days');
    const scopes = await cli(['--offline', '--required-scopes', 'vso.code'], { GITHUB_TOKEN: githubPat() });
    expect(scopes.stdout).toContain('in `--required-scopes`');
    const format = await cli(['--offline', '--token-env', 'MY_TOKEN'], { MY_TOKEN: 'FAKE-TEST-not-a-token' });
    expect(format.stdout).toContain('set `--provider` explicitly');
  });

  it('task: the same findings name the camelCase inputs; action: the kebab-case ones', async () => {
    const token = githubPat();
    const dir = tempDir('first-run-cli');
    const output = path.join(dir, 'output');
    fs.writeFileSync(output, '');
    const inputs = { token, provider: 'github', offline: 'true', expiresOn: '2020-01-01', requiredScopes: 'vso.code' };
    const taskEnv = baseEnv({ AGENT_TEMPDIRECTORY: dir });
    for (const [k, v] of Object.entries(inputs)) taskEnv[`INPUT_${k.toUpperCase()}`] = v;
    const task = await runBundle('task', [], taskEnv);
    expect(task.stdout).toContain('(per `expiresOn`)');
    expect(task.stdout).toContain('in `requiredScopes`');
    expect(task.stdout).not.toContain('`expires-on`');
    const actionEnv = baseEnv({ GITHUB_OUTPUT: output, 'INPUT_EXPIRES-ON': '2020-01-01', 'INPUT_REQUIRED-SCOPES': 'vso.code' });
    for (const k of ['token', 'provider', 'offline'] as const) actionEnv[`INPUT_${k.toUpperCase()}`] = inputs[k];
    const action = await runBundle('action', [], actionEnv);
    expect(action.stdout).toContain('(per `expires-on`)');
    expect(action.stdout).toContain('in `required-scopes`');
    expect(leaks(withoutMaskCommands(task.stdout + action.stdout), token)).toEqual([]);
  });
});

describe('the token variable hints the provider', () => {
  it("GITHUB_TOKEN with a pre-2021 token is read as GitHub's, with an info line saying why", async () => {
    const token = '0123456789abcdef0123456789abcdef01234567';
    const { code, report } = await json([], { GITHUB_TOKEN: token });
    expect(code).toBe(0);
    expect(report.provider).toBe('github');
    expect(find(report, 'token.format')).toBeUndefined();
    expect(find(report, 'token.info')!.message).toContain(
      'the variable it was read from, GITHUB_TOKEN, where GitHub tokens are conventionally kept',
    );
    // The same token in a variable no provider's tools use still cannot be placed.
    const other = await json(['--token-env', 'MY_TOKEN'], { MY_TOKEN: token });
    expect(other.code).toBe(1);
    expect(find(other.report, 'token.format')!.message).toContain('provider cannot be detected');
  });

  it('action: a token from GITHUB_TOKEN (no `token` input) gets the same hint', async () => {
    const dir = tempDir('first-run-cli');
    const output = path.join(dir, 'output');
    fs.writeFileSync(output, '');
    const r = await runBundle(
      'action',
      [],
      baseEnv({ GITHUB_OUTPUT: output, INPUT_OFFLINE: 'true', GITHUB_TOKEN: '0123456789abcdef0123456789abcdef01234567' }),
    );
    expect(r.stdout).toContain('where GitHub tokens are conventionally kept');
    expect(r.stdout).not.toContain('provider cannot be detected');
  });

  it('GITLAB_TOKEN and CI_JOB_TOKEN hint GitLab; a URL wins over the variable', async () => {
    for (const variable of ['GITLAB_TOKEN', 'CI_JOB_TOKEN']) {
      const { report } = await json(['--token-env', variable], { [variable]: 'FAKE-TEST-not-a-token' });
      expect([variable, report.provider]).toEqual([variable, 'gitlab']);
    }
    const { report } = await json(['--url', ADO_URL], { GITHUB_TOKEN: 'FAKE-TEST-not-a-token' });
    expect(report.provider).toBe('azure-devops');
  });
});

describe('did you mean', () => {
  it('--provider githb suggests github', async () => {
    const r = await cli(['--offline', '--provider', 'githb'], { GITHUB_TOKEN: githubPat() });
    expect(r.stdout).toContain('Unknown provider "githb"; did you mean github?');
  });

  it('a mistyped demo suggests the command; a pasted token or a far word is still not echoed', async () => {
    const typo = await cli(['dmeo']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unexpected argument "dmeo"; did you mean the demo command');
    const token = githubPat();
    for (const arg of [token, 'deploy-production']) {
      const r = await cli([arg]);
      expect(r.stderr).toContain('unexpected argument (not shown)');
      expect(r.stderr).not.toContain(arg);
    }
  });

  it("GitLab's read_api on GitHub suggests no look-alike; the fix links the docs by absolute URL", async () => {
    const { report } = await json(['--required-scopes', 'read_api, contnts:read'], { GITHUB_TOKEN: githubPat() });
    const [gitlab, typo] = report.findings.filter((f) => f.code === 'scope.unknown');
    expect(gitlab!.message).toContain('"read_api" is a GitLab scope');
    expect(gitlab!.hint).not.toContain('actions:read');
    expect(gitlab!.hint).toContain(`${DOCS_BASE}/scopes.md#github`);
    expect(typo!.hint).toContain("GitHub's closest scope, contents:read");
    expect(JSON.stringify(report)).not.toMatch(/[^/]docs\/scopes\.md/);
  });
});

describe('token sources: the fix fits where the token was looked for', () => {
  it('--token-env MY_PAT unset: says MY_PAT is not set here and how to set it', async () => {
    const { code, report } = await json(['--token-env', 'MY_PAT'], {});
    expect(code).toBe(1);
    const f = find(report, 'token.missing')!;
    expect(f.message).toBe('No token was provided: environment variable MY_PAT is not set.');
    expect(f.hint).toContain('MY_PAT is not set in this environment');
    expect(f.hint).toContain('`export MY_PAT=…`');
    expect(f.hint).not.toContain('named by `--token-env`');
  });

  it('no token anywhere: the fix names the CLI’s own ways in, not workflow syntax', async () => {
    const { report } = await json(['--provider', 'gitlab'], {});
    const f = find(report, 'token.missing')!;
    expect(f.message).toBe('No token was provided: none of the environment variables GITLAB_TOKEN, GL_TOKEN and CI_JOB_TOKEN is set.');
    expect(f.hint).toContain('`--token-env NAME`');
    expect(f.hint).toContain('`--token-stdin`');
    expect(f.hint).not.toContain('secrets.NAME');
  });

  it('--token-stdin with nothing piped: says standard input was empty, with a piping fix', async () => {
    const r = await cli(['--offline', '--token-stdin'], {}, '');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('No token was provided: standard input was empty.');
    expect(r.stdout).toContain('`printf %s "$PAT" | credential-preflight --token-stdin`');
  });
});

describe('wording', () => {
  it('token.whitespace: the token is rejected, and "it" / "them" agree with what surrounds it', async () => {
    const token = githubPat();
    const one = await json([], { GITHUB_TOKEN: `${token}\n` });
    const f = find(one.report, 'token.whitespace')!;
    expect(f.message).toBe('The token has a trailing line break; sent verbatim, it will be rejected.');
    expect(f.hint).toMatch(/^Save the secret again without it /);
    const two = await json([], { GITHUB_TOKEN: ` ${token} ` });
    expect(find(two.report, 'token.whitespace')!.hint).toMatch(/^Save the secret again without them /);
  });

  it('Entra: "Microsoft Entra Agent ID" once, idtyp only when present, the audience the token has', async () => {
    const entra = (overrides: Record<string, unknown>, app = false) => mintEntraJwt(fakeEntraClaims(NOW, { app }, overrides));
    const agent = await json(['--url', ADO_URL], { AZURE_DEVOPS_PAT: entra({ xms_act_fct: '11', xms_sub_fct: '11', scp: '/' }, true) });
    const info = find(agent.report, 'token.info')!.message;
    expect(info).toContain('Microsoft Entra Agent ID token: an agent identity acting on its own');
    expect(info).not.toContain('Entra Entra');
    const noIdtyp = await json(['--url', ADO_URL], {
      AZURE_DEVOPS_PAT: entra({ idtyp: undefined, scp: undefined, preferred_username: undefined }),
    });
    expect(noIdtyp.report.tokenLabel).toBe('Microsoft Entra access token (application)');
    expect(find(noIdtyp.report, 'token.info')!.message).not.toContain('idtyp app');
    const arm = await json(['--url', ADO_URL], { AZURE_DEVOPS_PAT: entra({ aud: 'https://management.core.windows.net/' }) });
    const audience = find(arm.report, 'token.audience')!.message;
    expect(audience).toContain('(audience https://management.core.windows.net/)');
    expect(audience).not.toContain('management.azure.com');
  });

  it('a 52-character Azure DevOps PAT in upper case is a warning: the documented alphabet is lower case', async () => {
    const pat = mintAzureDevOpsLegacyPat(new Uint8Array(28).fill(9), 'user');
    const lower = await json(['--provider', 'azure-devops', '--url', ADO_URL], { AZURE_DEVOPS_PAT: pat });
    expect(lower.report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    const upper = await json(['--provider', 'azure-devops', '--url', ADO_URL], { AZURE_DEVOPS_PAT: pat.toUpperCase() });
    expect(upper.code).toBe(0);
    expect(upper.report.outcome).toBe('warned');
    const f = find(upper.report, 'token.format')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('in lower case (a-z and 2-7)');
  });
});
