/**
 * The built bundles keep what an online check or a credentials file needs in chunk files loaded on
 * demand: an offline check runs from index.js alone (copied without its chunks) and loads none of
 * Node's TLS or HTTP modules. The chunks themselves are exercised by every online and config test.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { baseEnv, ROOT, runCommand } from '../support/run-bundle.js';
import { azureDevOpsPat } from '../support/tokens.js';

const NOW = new Date();
let dir: string;
let preload: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-start-up-'));
  preload = path.join(dir, 'builtins.cjs');
  // At exit, the network modules Node loaded (net alone is stdio on a pipe).
  fs.writeFileSync(
    preload,
    "process.on('exit', () => process.stderr.write('LOADED ' + process.moduleLoadList.filter((m) => /^NativeModule (tls|https?|_http_client|_tls_wrap)$/.test(m)).join(',') + '\\n'));\n",
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** index.js and package.json of a bundle, without its chunk files, in a folder of their own. */
function entryOnly(bundle: string): string {
  const to = path.join(dir, bundle);
  fs.mkdirSync(to);
  for (const f of ['index.js', 'package.json']) fs.copyFileSync(path.join(ROOT, 'dist', bundle, f), path.join(to, f));
  return path.join(to, 'index.js');
}

describe('an offline check loads no network stack and no YAML parser', () => {
  const token = azureDevOpsPat(NOW);
  const inputs = { INPUT_TOKEN: token, INPUT_URL: 'https://dev.azure.com/fabrikam', INPUT_OFFLINE: 'true' };
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      'cli',
      ['--offline', '--url', 'https://dev.azure.com/fabrikam', '--format', 'json'],
      { AZURE_DEVOPS_PAT: token },
      /"outcome": "passed"/,
    ],
    ['action', [], inputs, /^::add-mask::/m],
    ['task', [], inputs, /##vso\[task\.complete result=Succeeded;\]/],
  ];

  it.each(cases)('%s: runs from index.js alone, without TLS or HTTP modules', async (bundle, args, env, passed) => {
    const work = fs.mkdtempSync(path.join(dir, `${bundle}-run-`));
    const extra = bundle === 'action' ? { GITHUB_OUTPUT: path.join(work, 'output') } : { AGENT_TEMPDIRECTORY: work };
    if (bundle === 'action') fs.writeFileSync(extra.GITHUB_OUTPUT!, '');
    const r = await runCommand(process.execPath, ['-r', preload, entryOnly(bundle), ...args], {
      env: baseEnv({ ...env, ...extra }),
      cwd: work,
    });
    expect(r.stderr.replace(/^LOADED .*\n/m, '')).toBe('');
    expect(r.stderr).toMatch(/^LOADED \n/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(passed);
    if (bundle === 'action') expect(fs.readFileSync(extra.GITHUB_OUTPUT!, 'utf8')).toMatch(/outcome<<ghadelimiter_[\w-]+\npassed\n/);
    // azure-pipelines-task-lib writes its vault key (.taskkey) into Agent.TempDirectory on import:
    // the task no longer loads it.
    if (bundle === 'task') expect(fs.readdirSync(work).filter((f) => f !== 'output' && !f.endsWith('.md'))).toEqual([]);
  });

  it('the CLI reading a credentials file fails clearly without its chunks (so the test above can fail)', async () => {
    const file = path.join(dir, 'creds.yml');
    fs.writeFileSync(file, 'credentials:\n  - token-env: AZURE_DEVOPS_PAT\n    url: https://dev.azure.com/fabrikam\n    offline: true\n');
    const r = await runCommand(process.execPath, [path.join(dir, 'cli', 'index.js'), '--config', file], {
      env: baseEnv({ AZURE_DEVOPS_PAT: token }),
      cwd: dir,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot find module/);
  });
});
