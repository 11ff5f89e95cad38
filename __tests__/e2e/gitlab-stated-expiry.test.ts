/**
 * When GitLab states the date an expired token expired on (personal_access_tokens/self with
 * `active: false` and a past `expires_at`), every sink carries that date: the summary's Expires line,
 * the JSON report (`expirySource: 'provider'`, negative days), and the action's and task's outputs.
 * The same for a 401 whose description states the date (a modelled form), while the documented
 * 401 "Token is expired" carries no date: no date is made up.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabEmulator, type GitLabEmulator } from '../emulators/gitlab.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle, withoutMaskCommands } from '../support/run-bundle.js';
import { gitlabPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date();
const day = (offset: number): string =>
  new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() + offset)).toISOString().slice(0, 10);
const user = { id: 41, username: 'expiry.tester', name: 'Expiry Tester' };
const DATED = gitlabPat('FAKE-GLXTEST-DAT');
const UNDATED = gitlabPat('FAKE-GLXTEST-UND');
const DATED_401 = gitlabPat('FAKE-GLXTEST-D41');
const EXPIRED_ON = day(-3);
// GitLab tokens expire at 00:00 UTC of that date: 3 days and part of today ago, whole days rounded
// down as for every expiry (a future one shows the whole days left).
const DAYS = -4;
let emu: GitLabEmulator;

beforeAll(async () => {
  emu = await startGitLabEmulator({
    projects: [{ id: 31, path: 'Fabrikam/Fiber' }],
    tokens: {
      [DATED]: { user, scopes: ['api'], state: 'inactive', expiresAt: EXPIRED_ON },
      [UNDATED]: { user, scopes: ['api'], state: 'expired' },
      [DATED_401]: { user, scopes: ['api'], state: 'expired', expiresAt: EXPIRED_ON, statesExpiryDate: true },
    },
  });
});
afterAll(async () => emu.close());

const env = (extra: Record<string, string>) => baseEnv({ NODE_EXTRA_CA_CERTS: caFile, ...extra });
const cli = (token: string, extra: string[] = []) =>
  runBundle('cli', ['--provider', 'gitlab', '--url', emu.url, ...extra], env({ GITLAB_TOKEN: token }));
const inputs = (token: string) =>
  Object.fromEntries(Object.entries({ provider: 'gitlab', url: emu.url, token }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

interface Json {
  expiresAt: string | null;
  expirySource: string | null;
  daysRemaining: number | null;
  findings: { code: string; message: string }[];
}

describe("GitLab's stated expiry date reaches every sink", () => {
  it('CLI summary and JSON: the date GitLab gave, from the provider, with the days since', async () => {
    const summary = await cli(DATED);
    expect(summary.code).toBe(1);
    expect(summary.stdout).toContain(`GitLab says the token expired on ${EXPIRED_ON}.`);
    expect(summary.stdout).toMatch(new RegExp(`^ {2}Expires {3}${EXPIRED_ON} \\(expired\\)$`, 'm'));
    const json = JSON.parse((await cli(DATED, ['--format', 'json'])).stdout) as Json;
    expect([json.expiresAt, json.expirySource, json.daysRemaining]).toEqual([`${EXPIRED_ON}T00:00:00.000Z`, 'provider', DAYS]);
    expect(json.findings.map((f) => f.code)).toContain('token.expired');
    expect(leaks(summary.stdout + summary.stderr, DATED)).toEqual([]);
  });

  it('action and task outputs: expires-at and days-remaining carry the same date', async () => {
    const outputFile = path.join(tempDir('gitlab-expiry'), 'output');
    fs.writeFileSync(outputFile, '');
    const a = await runBundle('action', [], env({ GITHUB_OUTPUT: outputFile, ...inputs(DATED) }));
    expect(a.code).toBe(1);
    const out = fs.readFileSync(outputFile, 'utf8');
    expect(out).toMatch(new RegExp(`expires-at<<ghadelimiter_[\\w-]+\\n${EXPIRED_ON}T00:00:00.000Z\\n`));
    expect(out).toMatch(new RegExp(`days-remaining<<ghadelimiter_[\\w-]+\\n${DAYS}\\n`));
    const t = await runBundle('task', [], env({ AGENT_TEMPDIRECTORY: tempDir('gitlab-expiry'), ...inputs(DATED) }));
    expect(t.stdout).toContain(`##vso[task.setvariable variable=expiresAt;isOutput=true;issecret=false;]${EXPIRED_ON}T00:00:00.000Z\n`);
    expect(t.stdout).toContain(`##vso[task.setvariable variable=daysRemaining;isOutput=true;issecret=false;]${DAYS}\n`);
    expect(leaks(withoutMaskCommands(a.stdout + t.stdout) + out, DATED)).toEqual([]);
  });

  it('a 401 that states the date: the same date in the message, the Expires line and the JSON', async () => {
    const r = await cli(DATED_401);
    expect(r.stdout).toContain(`GitLab says the token expired on ${EXPIRED_ON}.`);
    expect(r.stdout).toMatch(new RegExp(`^ {2}Expires {3}${EXPIRED_ON} \\(expired\\)$`, 'm'));
    const json = JSON.parse((await cli(DATED_401, ['--format', 'json'])).stdout) as Json;
    expect([json.expiresAt, json.expirySource, json.daysRemaining]).toEqual([`${EXPIRED_ON}T00:00:00.000Z`, 'provider', DAYS]);
  });

  it('the documented 401 "Token is expired" states no date: expired, no date, no days', async () => {
    const r = await cli(UNDATED);
    expect(r.stdout).toMatch(/^ {2}Expires {3}expired \(GitLab says so\)$/m);
    const json = JSON.parse((await cli(UNDATED, ['--format', 'json'])).stdout) as Json;
    expect([json.expiresAt, json.expirySource, json.daysRemaining]).toEqual([null, 'provider', 0]);
  });
});
