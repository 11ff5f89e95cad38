/**
 * A first run without surprises, through the built bundles: what a new user sees for an unexpanded
 * variable, an empty or unset one, a mistyped flag, a URL with several problems.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle, runCommand, withoutMaskCommands } from '../support/run-bundle.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const cli = (args: string[], env: Record<string, string> = {}) => runBundle('cli', args, baseEnv(env));

async function action(inputs: Record<string, string>, extra: Record<string, string> = {}) {
  const dir = tempDir('first-run');
  const outputFile = path.join(dir, 'output');
  fs.writeFileSync(outputFile, '');
  const env = baseEnv({ GITHUB_OUTPUT: outputFile, ...extra });
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return runBundle('action', [], env);
}

const inputsEnv = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

async function task(inputs: Record<string, string>, extra: Record<string, string> = {}) {
  const env = baseEnv({ AGENT_TEMPDIRECTORY: tempDir('first-run'), ...extra });
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return runBundle('task', [], env);
}

describe('an unexpanded variable shows its name and the fix for its syntax', () => {
  it('CLI: $(System.AccessToken) is named, with the env mapping and the flags that read it', async () => {
    const r = await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam'], { AZURE_DEVOPS_PAT: '$(System.AccessToken)' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('token.unexpanded: The token is the literal text "$(System.AccessToken)", an Azure Pipelines macro');
    expect(r.stdout).toContain('`env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }`');
    // The CLI has no task input: its own flags read the mapped variable.
    expect(r.stdout).toContain('`--token-env SYSTEM_ACCESSTOKEN --token-type system-access-token`');
    expect(r.stdout).not.toContain('useSystemAccessToken');
    expect(r.stdout).not.toContain('check that variable');
    // The URL names the provider the value was meant for; the finding stays the unexpanded reference.
    expect(r.stdout).toMatch(/Provider\s+Azure DevOps/);
    expect(r.stdout).not.toContain('token.format');
    expect(r.stdout).not.toContain('***');
  });

  it('CLI: ${{ secrets.GH_PAT }} is named, with where GitHub evaluates it', async () => {
    const r = await cli(['--offline', '--provider', 'github'], { GITHUB_TOKEN: '${{ secrets.GH_PAT }}' });
    expect(r.stdout).toContain('the literal text "${{ secrets.GH_PAT }}"');
    expect(r.stdout).toContain("evaluated only in a workflow's `with:` and `env:`");
    expect(r.stdout).toContain('`$(GH_PAT)`');
  });

  it('CLI: a real token behind a $ or around a macro is never shown', async () => {
    const token = githubPat();
    const dollar = await cli(['--offline', '--provider', 'github'], { GITHUB_TOKEN: `$${token}` });
    // Not a variable name, so not a reference: a token in the wrong shape, and masked.
    expect(dollar.stdout).toContain('token.format');
    expect(leaks(dollar.stdout + dollar.stderr, token)).toEqual([]);
    const around = await cli(['--offline', '--provider', 'github'], { GITHUB_TOKEN: `${token}$(X)` });
    expect(around.stdout).toContain('token.unexpanded: The token contains an Azure Pipelines macro that was not expanded (not shown');
    expect(leaks(around.stdout + around.stderr, token)).toEqual([]);
  });

  it('action: the annotation names the expression and the reference is not masked', async () => {
    const r = await action({ token: '${{ secrets.ADO_PAT }}', offline: 'true' });
    expect(r.stdout).toContain(
      '::error title=credential-preflight token.unexpanded::The token is the literal text "${{ secrets.ADO_PAT }}"',
    );
    expect(r.stdout).not.toContain('::add-mask::${{ secrets.ADO_PAT }}');
  });

  it('task: the issue names the macro', async () => {
    const r = await task({ token: '$(System.AccessToken)', offline: 'true' });
    expect(r.stdout).toMatch(
      /##vso\[task\.logissue type=error;code=token\.unexpanded;\]The token is the literal text "\$\(System\.AccessToken\)"/,
    );
    expect(r.stdout).not.toContain('##vso[task.setsecret]$(System.AccessToken)');
  });
});

describe('an empty variable and an unset one are told apart', () => {
  it('CLI: names the variable and its state', async () => {
    const empty = await cli(['--offline', '--provider', 'github'], { GITHUB_TOKEN: '' });
    expect(empty.stdout).toContain(
      'token.missing: No token was provided: environment variable GITHUB_TOKEN is set but empty, and GH_TOKEN is not set.',
    );
    expect(empty.stdout).toContain('check that the secret exists under exactly that name');
    const unset = await cli(['--offline', '--provider', 'github']);
    expect(unset.stdout).toContain(
      'token.missing: No token was provided: none of the environment variables GITHUB_TOKEN and GH_TOKEN is set.',
    );
    const named = await cli(['--offline', '--token-env', 'MY_PAT']);
    expect(named.stdout).toContain('No token was provided: environment variable MY_PAT is not set.');
  });

  it('CLI with a credentials file: each entry says the state of its own variable', async () => {
    const file = path.join(tempDir('first-run'), 'credentials.yml');
    fs.writeFileSync(
      file,
      'defaults: { provider: github, offline: true }\ncredentials:\n  - { name: one, token-env: ONE_TOKEN }\n  - { name: two, token-env: TWO_TOKEN }\n',
    );
    const r = await cli(['--config', file, '--format', 'json'], { ONE_TOKEN: '' });
    const rows = (
      JSON.parse(r.stdout) as { credentials: Array<{ name: string; report: { findings: Array<{ code: string; message: string }> } }> }
    ).credentials;
    const missing = (name: string) => rows.find((c) => c.name === name)!.report.findings.find((f) => f.code === 'token.missing')!.message;
    expect(missing('one')).toBe('No token was provided: environment variable ONE_TOKEN is set but empty.');
    expect(missing('two')).toBe('No token was provided: environment variable TWO_TOKEN is not set.');
  });

  it('action: a `token:` input that arrived empty is not an input never given', async () => {
    const empty = await action({ token: '', provider: 'github', offline: 'true' });
    expect(empty.stdout).toContain(
      'No token was provided: the `token` input is set but empty; none of the environment variables GITHUB_TOKEN and GH_TOKEN is set.',
    );
    const unset = await action({ provider: 'github', offline: 'true' }, { GITHUB_TOKEN: '' });
    expect(unset.stdout).toContain(
      'No token was provided: the `token` input is not set; environment variable GITHUB_TOKEN is set but empty, and GH_TOKEN is not set.',
    );
  });

  it('task: the input and the variables each have their state', async () => {
    const r = await task({ token: '', provider: 'azure-devops', offline: 'true' }, { AZURE_DEVOPS_PAT: '' });
    expect(r.stdout).toContain(
      'code=token.missing;]No token was provided: the `token` input is set but empty; environment variable AZURE_DEVOPS_PAT is set but empty, and AZURE_DEVOPS_EXT_PAT and SYSTEM_ACCESSTOKEN are not set.',
    );
  });
});

describe('a command line with a mistake says what is wrong in the tool’s terms', () => {
  it.each([
    [['--urll', 'https://dev.azure.com/org'], 'unknown option --urll; did you mean --url?'],
    [['--min-days-remainng', '3'], 'unknown option --min-days-remainng; did you mean --min-days-remaining?'],
    [['-offline'], 'unknown option -offline; long options take two dashes: --offline.'],
    [['--url'], '--url needs a value, e.g. --url https://dev.azure.com/your-org.'],
    [['--url', '--offline'], '--url needs a value, e.g. --url https://dev.azure.com/your-org.'],
    [['--offline=yes'], '--offline is a switch and takes no value: remove the "=…" after it.'],
  ])('%j', async (args, said) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`credential-preflight: ${said}\nRun with --help for the options.\n`);
  });

  it('a token pasted as a flag is not echoed', async () => {
    const token = githubPat();
    const lower = 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst';
    for (const arg of [`--${token}`, `--${lower}`, `--offline=${token}`]) {
      const r = await cli([arg]);
      expect(r.code).toBe(2);
      expect([...leaks(r.stderr, token), ...leaks(r.stderr, lower)]).toEqual([]);
    }
  });
});

describe('one URL with several problems gets one corrected URL', () => {
  it.each([
    ['http://dev.azure.com/fabrikam/Fiber/_git/repo', ['url.insecure', 'url.extra-path']],
    ['http://fabrikam.visualstudio.com/Fiber/_git/repo/', ['url.insecure', 'url.legacy-host', 'url.extra-path']],
  ])('%s', async (url, codes) => {
    const r = await cli(['--offline', '--format', 'json', '--url', url], { AZURE_DEVOPS_PAT: azureDevOpsPat(new Date()) });
    const urlFindings = (JSON.parse(r.stdout) as { findings: Array<{ code: string; hint: string }> }).findings.filter((f) =>
      f.code.startsWith('url.'),
    );
    expect(urlFindings.map((f) => f.code).sort()).toEqual([...codes].sort());
    expect(new Set(urlFindings.map((f) => f.hint))).toEqual(
      new Set(['Use https://dev.azure.com/fabrikam as the URL and pass the project "Fiber" separately.']),
    );
  });

  const report = async (url: string) => {
    const r = await cli(['--offline', '--format', 'json', '--url', url], { AZURE_DEVOPS_PAT: azureDevOpsPat(new Date()) });
    type Json = {
      url: { normalized: string };
      project: { requested: string | null };
      findings: Array<{ code: string; message: string; hint: string }>;
    };
    const json = JSON.parse(r.stdout) as Json;
    return { ...json, urlFindings: json.findings.filter((f) => f.code.startsWith('url.')), text: r.stdout + r.stderr };
  };

  it('{org}.visualstudio.com/DefaultCollection is the legacy collection segment, not the project', async () => {
    const withProject = await report('https://fabrikam.visualstudio.com/DefaultCollection/P/_git/r');
    expect(withProject.project.requested).toBe('P');
    expect(new Set(withProject.urlFindings.map((f) => f.hint))).toEqual(
      new Set(['Use https://dev.azure.com/fabrikam as the URL and pass the project "P" separately.']),
    );
    const bare = await report('https://fabrikam.visualstudio.com/DefaultCollection');
    expect([bare.project.requested, bare.url.normalized]).toEqual([null, 'https://dev.azure.com/fabrikam']);
    expect(bare.urlFindings.map((f) => [f.code, f.hint])).toEqual([['url.legacy-host', 'Use https://dev.azure.com/fabrikam.']]);
    expect(withProject.text + bare.text).not.toMatch(/project "DefaultCollection"/);
  });

  it('a user name and password: every fix names the one corrected URL, never the password', async () => {
    const r = await report('https://user:FAKEpw0NOTREAL@fabrikam.visualstudio.com/P/_git/r/');
    expect(r.urlFindings.map((f) => f.code).sort()).toEqual(['url.credentials', 'url.extra-path', 'url.legacy-host']);
    expect(new Set(r.urlFindings.map((f) => f.hint))).toEqual(
      new Set([
        'Use https://dev.azure.com/fabrikam as the URL (no user name or password: pass the token as a secret input) and pass the project "P" separately.',
      ]),
    );
    expect(r.text).not.toContain('FAKEpw0NOTREAL');
  });

  it('an http: Server URL is named over https in the URL row, the messages and the fix alike', async () => {
    const url = 'http://tfs.contoso.com:8080/tfs/DefaultCollection/Project/_git/repo/';
    const r = await report(url);
    const fixed = 'https://tfs.contoso.com:8080/tfs/DefaultCollection';
    expect(r.url.normalized).toBe(fixed);
    expect(new Set(r.urlFindings.map((f) => f.hint))).toEqual(
      new Set([`Use ${fixed} as the URL and pass the project "Project" separately.`]),
    );
    expect(r.urlFindings.find((f) => f.code === 'url.extra-path')?.message).toContain(`using ${fixed} and`);
    const text = await cli(['--offline', '--url', url], { AZURE_DEVOPS_PAT: azureDevOpsPat(new Date()) });
    expect(text.stdout).toMatch(new RegExp(`^  URL +${fixed.replace(/[./]/g, '\\$&')}$`, 'm'));
    expect(text.stdout).not.toContain('http://tfs.contoso.com:8080/tfs/DefaultCollection ');
  });

  it('a single problem keeps its own fix', async () => {
    const r = await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam/'], { AZURE_DEVOPS_PAT: azureDevOpsPat(new Date()) });
    expect(r.stdout).toContain('url.trailing-slash');
    expect(r.stdout).toContain('fix: Use https://dev.azure.com/fabrikam.');
  });
});

describe('the Expires line says why the expiry is unknown', () => {
  // 52 letters: the shape of a PAT whose checksum is wrong, an error that stops the online checks.
  const bad = 'a'.repeat(52);

  it('online checks skipped because of errors: "not checked", and why — not "offline"', async () => {
    const r = await cli(['--url', 'https://dev.azure.com/fabrikam'], { AZURE_DEVOPS_PAT: bad });
    expect(r.stdout).toContain('token.checksum');
    expect(r.stdout).toMatch(/^ {2}Expires +unknown \(not checked: the online checks were skipped because of the errors reported\)$/m);
  });

  it('offline mode: not readable offline', async () => {
    const r = await cli(['--offline', '--url', 'https://dev.azure.com/fabrikam'], { AZURE_DEVOPS_PAT: bad });
    expect(r.stdout).toMatch(/^ {2}Expires +unknown \(not readable offline\)$/m);
  });
});

describe('the commands shown are the ones that work here', () => {
  it('in a clone, the demo and the help show `node dist/cli/index.js`, and that command runs', async () => {
    const demo = await cli(['demo']);
    const commands = [...demo.stdout.matchAll(/^\$ (?:[A-Z_]+=\*\*\* )?(.+)$/gm)].map((m) => m[1]!);
    expect(commands).toHaveLength(6);
    for (const c of commands) expect(c).toMatch(/^node dist\/cli\/index\.js --/);
    expect(demo.stdout).toContain('Run `node dist/cli/index.js --help` for the options');
    const help = await cli(['--help']);
    expect(help.stdout).toContain('\n  node dist/cli/index.js --config FILE ');
    expect(help.stdout).not.toMatch(/^ {2}credential-preflight /m);
    // The first demo command, as printed, with a token in place of ***.
    const [node, script, ...args] = commands[0]!.split(' ');
    const r = await runCommand(node!, [script!, ...args], { env: baseEnv({ AZURE_DEVOPS_PAT: azureDevOpsPat(new Date()) }) });
    expect([r.code, r.stdout.split('\n')[0]]).toEqual([0, 'credential-preflight: PASSED']);
  });
});

describe('online runs against the Azure DevOps emulator', () => {
  const NOW = new Date();
  const GOOD = azureDevOpsPat(NOW, 0, 'FAKEx0FIRSTx0RUNx0NOTxREAL');
  const EXPIRED = azureDevOpsPat(NOW, 1, 'FAKEx0OLDx0FIRSTx0NOTxREAL');
  let emu: AzureDevOpsEmulator;
  const user = (name: string) => ({ id: `00000000-fa4e-7e57-0000-0000000000${name}`, displayName: name, uniqueName: `F\\${name}` });
  beforeAll(async () => {
    emu = await startAzureDevOpsEmulator({
      mode: 'server',
      organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000301', name: 'Fabrikam-Fiber' }] }],
      tokens: {
        [GOOD]: { user: user('aa'), organizations: ['fabrikam'], scopes: 'full' },
        [EXPIRED]: { user: user('bb'), organizations: ['fabrikam'], scopes: 'full', expired: true },
      },
    });
  });
  afterAll(async () => emu.close());
  const online = (token: string, extra: string[] = []) =>
    cli(['--provider', 'azure-devops', '--url', emu.collectionUrl('fabrikam'), ...extra], {
      NODE_EXTRA_CA_CERTS: caFile,
      AZURE_DEVOPS_PAT: token,
    });

  it('the summary says expired when the provider says so, though the token looked in date', async () => {
    const r = await online(EXPIRED);
    expect(r.stdout).toContain('token.expired');
    expect(r.stdout).toMatch(/^ {2}Expires {3}expired \(Azure DevOps says so\)$/m);
    expect(r.stdout).not.toMatch(/days? left/);
  });

  it('every sink agrees with the provider that the token has expired: no days left, no future date', async () => {
    const json = await online(EXPIRED, ['--format', 'json', '--min-days-remaining', '400']);
    const report = JSON.parse(json.stdout) as {
      expiresAt: string | null;
      expirySource: string;
      daysRemaining: number;
      findings: { code: string }[];
    };
    expect([report.expiresAt, report.expirySource, report.daysRemaining]).toEqual([null, 'provider', 0]);
    // The upper bound's "expires within 400 days" no longer applies to a token already expired.
    expect(report.findings.map((f) => f.code)).toContain('token.expired');
    expect(report.findings.map((f) => f.code)).not.toContain('token.expiring');
    const inputs = { provider: 'azure-devops', url: emu.collectionUrl('fabrikam'), token: EXPIRED };
    const outputFile = path.join(tempDir('first-run'), 'output');
    fs.writeFileSync(outputFile, '');
    const a = await runBundle('action', [], baseEnv({ NODE_EXTRA_CA_CERTS: caFile, GITHUB_OUTPUT: outputFile, ...inputsEnv(inputs) }));
    expect(a.code).toBe(1);
    const out = fs.readFileSync(outputFile, 'utf8');
    expect(out).toMatch(/expires-at<<ghadelimiter_[\w-]+\n\n/);
    expect(out).toMatch(/days-remaining<<ghadelimiter_[\w-]+\n0\n/);
    const t = await task(inputs, { NODE_EXTRA_CA_CERTS: caFile });
    expect(t.stdout).toMatch(/##vso\[task\.setvariable variable=daysRemaining;isOutput=true;issecret=false;\]0$/m);
    expect(t.stdout).toMatch(/##vso\[task\.setvariable variable=expiresAt;isOutput=true;issecret=false;\]$/m);
    const summary = fs.readFileSync(/##vso\[task\.uploadsummary\](.+)$/m.exec(t.stdout)![1]!, 'utf8');
    expect(summary).toContain('expired');
    expect(summary).not.toMatch(/\d+ days?\b/);
    expect(leaks(json.stdout + withoutMaskCommands(a.stdout + t.stdout) + out, EXPIRED)).toEqual([]);
  });

  it('--debug numbers attempts from 1, each with its own time', async () => {
    // A 3-second Retry-After: the old line (time since the first attempt) could not come in under it.
    emu.fault({ type: 'status', status: 503, headers: { 'retry-after': '3' } }, { path: /connectionData/, times: 1 });
    const r = await online(GOOD, ['--debug']);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('connectionData'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/→ 503 \((\d+) ms\) attempt 1 — retrying in (\d+) ms \(503\)$/);
    expect(lines[1]).toMatch(/→ 200 \((\d+) ms\) attempt 2$/);
    // The second attempt's own time excludes the wait before it.
    expect(lines[0]).toContain('retrying in 3000 ms');
    expect(Number(/→ 200 \((\d+) ms\)/.exec(lines[1]!)![1])).toBeLessThan(3000);
    expect(r.stdout).not.toContain('not readable offline');
    expect(r.stdout).toMatch(/^ {2}Expires {3}by \d{4}-\d\d-\d\d at the latest \(\d+ days left\)$/m);
  });
});
