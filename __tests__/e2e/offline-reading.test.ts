/**
 * Offline reading (issue 12) through the built bundles: each case as a user meets it on the CLI,
 * and the action and the task where their output differs (annotations, outcome, summary).
 */
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fakeEntraClaims, mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { baseEnv, runBundle, withoutMaskCommands } from '../support/run-bundle.js';
import { githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date();
const entra = (overrides: Record<string, unknown>, app = false) => mintEntraJwt(fakeEntraClaims(NOW, { app }, overrides));
const ADO_URL = 'https://dev.azure.com/fabrikam';

interface Json {
  outcome: string;
  provider: string | null;
  tokenLabel: string | null;
  url: { input: string | null; normalized: string | null };
  scopes: { missing: string[] };
  findings: { code: string; severity: string; message: string; hint: string }[];
}

async function cli(token: string, args: string[], env = 'AZURE_DEVOPS_PAT') {
  const r = await runBundle('cli', ['--offline', '--format', 'json', ...args], baseEnv({ [env]: token }));
  expect(r.stderr).toBe('');
  expect(leaks(r.stdout, token)).toEqual([]);
  return { code: r.code, report: JSON.parse(r.stdout) as Json };
}
const find = (r: Json, code: string) => r.findings.find((f) => f.code === code);

describe('CLI bundle: offline reading', () => {
  it('an Entra token for Azure Resource Manager fails offline, naming the audience and how to request it', async () => {
    const { code, report } = await cli(entra({ aud: 'https://management.azure.com/' }), ['--provider', 'azure-devops', '--url', ADO_URL]);
    expect(code).toBe(1);
    expect(report.outcome).toBe('failed');
    const f = find(report, 'token.audience')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('499b84ac-1321-427f-aa17-267ca6975798');
    expect(f.hint).toContain('az account get-access-token --resource 499b84ac-1321-427f-aa17-267ca6975798');
  });

  it('a down-scoped delegated token lacking a required scope fails; one holding neither scope kind fails, offline too', async () => {
    const scoped = await cli(entra({ scp: 'vso.code' }), ['--url', ADO_URL, '--required-scopes', 'vso.code, vso.work_write']);
    expect(scoped.code).toBe(1);
    expect(find(scoped.report, 'scope.missing')!.message).toContain('vso.work_write');
    expect(scoped.report.scopes.missing).toEqual(['vso.work_write']);
    const neither = await cli(entra({ scp: 'openid profile' }), ['--url', ADO_URL]);
    expect(neither.code).toBe(1);
    expect(neither.report.outcome).toBe('failed');
    expect(find(neither.report, 'entra.delegated-scopes')!.severity).toBe('error');
    expect(find(neither.report, 'entra.delegated-scopes')!.message).toMatch(
      /neither user_impersonation nor any Azure DevOps vso\.\* scope/,
    );
  });

  it('names application tokens and Entra Agent ID identities', async () => {
    const app = await cli(entra({}, true), ['--url', ADO_URL]);
    expect(find(app.report, 'token.info')!.message).toContain('application token (idtyp app');
    expect(app.report.tokenLabel).toBe('Microsoft Entra access token (application)');
    const agent = await cli(entra({ xms_act_fct: '11', xms_sub_fct: '11', scp: '/' }, true), ['--url', ADO_URL]);
    expect(find(agent.report, 'token.info')!.message).toContain('Entra Agent ID token: an agent identity acting on its own');
    expect(agent.report.tokenLabel).toBe('Microsoft Entra Agent ID token (agent identity)');
  });

  it('required scopes of another provider and unknown ones are findings offline, with the provider and the closest scope', async () => {
    const { code, report } = await cli(githubPat(), ['--required-scopes', 'repo, vso.code, frobnicate'], 'GITHUB_TOKEN');
    expect(code).toBe(1);
    const unknown = report.findings.filter((f) => f.code === 'scope.unknown');
    expect(unknown.map((f) => f.message)).toEqual([
      'Required scope "vso.code" is an Azure DevOps scope, not a GitHub one.',
      'Required scope "frobnicate" is not a GitHub classic scope or fine-grained permission.',
    ]);
    expect(unknown[0]!.hint).toContain('contents:read');
  });

  it('a GitHub token with an Azure DevOps URL shows no made-up URL and says which was believed', async () => {
    const token = githubPat();
    const text = await runBundle('cli', ['--offline', '--url', ADO_URL], baseEnv({ GITHUB_TOKEN: token }));
    expect(text.code).toBe(1);
    expect(text.stdout).not.toContain('api/v3');
    expect(text.stdout).toMatch(/URL\s+https:\/\/dev\.azure\.com\/fabrikam\n/);
    const { report } = await cli(token, ['--url', ADO_URL], 'GITHUB_TOKEN');
    expect(report.url).toEqual({ input: ADO_URL, normalized: null });
    expect(find(report, 'url.provider-mismatch')!.message).toMatch(/so the token was believed/);
  });

  it('--provider github with GitLab URLs (HTTP, scp-style, SSH over 443), by flag or credentials file: no made-up URL, GitHub believed', async () => {
    const token = githubPat();
    const urls = ['http://gitlab.com/group/proj/', 'git@gitlab.com:group/proj.git', 'ssh://git@altssh.gitlab.com:443/group/proj.git'];
    const shown = ['http://gitlab.com/group/proj/', 'gitlab.com:group/proj.git', 'ssh://altssh.gitlab.com:443/group/proj.git'];
    for (const [i, url] of urls.entries()) {
      const text = await runBundle('cli', ['--offline', '--provider', 'github', '--url', url], baseEnv({ GITHUB_TOKEN: token }));
      expect(text.stdout).not.toMatch(/api\/v[34]/);
      expect(text.stdout).toMatch(
        /url\.provider-mismatch: The URL is a GitLab address, but `--provider` is set to GitHub, so that was believed/,
      );
      const { report } = await cli(token, ['--provider', 'github', '--url', url], 'GITHUB_TOKEN');
      expect(report.url).toEqual({ input: shown[i], normalized: null });
    }
    const dir = tempDir('e2e');
    const file = path.join(dir, 'credentials.yml');
    const entries = urls.map((u, i) => `  - name: c${i}\n    token-env: GH_TEST_TOKEN\n    provider: github\n    url: "${u}"\n`);
    fs.writeFileSync(file, `credentials:\n${entries.join('')}`);
    const many = await runBundle('cli', ['--offline', '--format', 'json', '--config', file], baseEnv({ GH_TEST_TOKEN: token }));
    const rows = (JSON.parse(many.stdout) as { credentials: { report: Json }[] }).credentials.map((c) => c.report);
    expect(rows.map((r) => r.url)).toEqual(shown.map((input) => ({ input, normalized: null })));
    for (const r of rows) expect(find(r, 'url.provider-mismatch')).toBeDefined();
    expect(many.stdout).not.toMatch(/api\/v[34]/);
  });

  it('a value of no known shape with an Azure DevOps URL is read as an Azure DevOps credential', async () => {
    const { code, report } = await cli('FAKE-TEST-not-a-token', ['--url', ADO_URL]);
    expect(code).toBe(1);
    expect(report.provider).toBe('azure-devops');
    expect(find(report, 'token.format')!.message).toContain('matches no Azure DevOps credential format');
    expect(JSON.stringify(report)).not.toContain('provider cannot be detected');
  });
});

describe('action and task bundles: the audience error and the set-aside URL', () => {
  it('action: the wrong-audience token fails with an error annotation; the summary shows no made-up URL', async () => {
    const dir = tempDir('e2e');
    const outputFile = path.join(dir, 'output');
    const summaryFile = path.join(dir, 'summary');
    fs.writeFileSync(outputFile, '');
    fs.writeFileSync(summaryFile, '');
    const env = (token: string, url: string) =>
      baseEnv({ GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, INPUT_TOKEN: token, INPUT_URL: url, INPUT_OFFLINE: 'true' });
    const token = entra({ aud: 'https://graph.microsoft.com' });
    const r = await runBundle('action', [], env(token, ADO_URL));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error title=credential-preflight token\.audience::/);
    expect(leaks(withoutMaskCommands(r.stdout) + r.stderr, token)).toEqual([]);
    fs.writeFileSync(summaryFile, '');
    const gh = await runBundle('action', [], env(githubPat(), ADO_URL));
    expect(gh.stdout).toMatch(/::error title=credential-preflight url\.provider-mismatch::/);
    expect(gh.stdout + fs.readFileSync(summaryFile, 'utf8')).not.toContain('api/v3');
    fs.writeFileSync(summaryFile, '');
    const set = await runBundle('action', [], { ...env(githubPat(), 'http://gitlab.com/group/proj/'), INPUT_PROVIDER: 'github' });
    expect(set.stdout).toMatch(
      /::error title=credential-preflight url\.provider-mismatch::The URL is a GitLab address, but `provider` is set to GitHub/,
    );
    expect(set.stdout + fs.readFileSync(summaryFile, 'utf8')).not.toMatch(/api\/v[34]/);
  });

  it('task: provider github with a GitLab URL says which was believed and shows no made-up URL', async () => {
    const dir = tempDir('e2e');
    const r = await runBundle(
      'task',
      [],
      baseEnv({
        AGENT_TEMPDIRECTORY: dir,
        INPUT_PROVIDER: 'github',
        INPUT_TOKEN: githubPat(),
        INPUT_URL: 'git@gitlab.com:group/proj.git',
        INPUT_OFFLINE: 'true',
      }),
    );
    expect(r.stdout).toMatch(
      /##vso\[task\.logissue type=error;code=url\.provider-mismatch;\]The URL is a GitLab address, but `provider` is set to GitHub/,
    );
    const summary = fs.readFileSync(/##vso\[task\.uploadsummary\](.+)$/m.exec(r.stdout)![1]!, 'utf8');
    expect(r.stdout + summary).not.toMatch(/api\/v[34]/);
    expect(summary).toContain('gitlab.com:group/proj.git');
  });

  it('task: the wrong-audience token fails the task with a coded issue', async () => {
    const env = baseEnv({
      AGENT_TEMPDIRECTORY: tempDir('e2e'),
      INPUT_TOKEN: entra({ aud: 'https://management.azure.com/' }),
      INPUT_URL: ADO_URL,
      INPUT_OFFLINE: 'true',
    });
    const r = await runBundle('task', [], env);
    expect(r.stdout).toMatch(/##vso\[task\.logissue type=error;code=token\.audience;\]/);
    expect(r.stdout).toMatch(/##vso\[task\.complete result=Failed;\]/);
  });
});
