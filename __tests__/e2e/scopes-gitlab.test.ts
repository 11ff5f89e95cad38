/**
 * GitLab before 15.5 (no personal_access_tokens/self) through the CLI bundle: read_repository and
 * read_registry proven as Git and `docker pull` do it — the ref advertisement and the registry token
 * request, the token as Basic `oauth2:<token>` — granted and denied for lack of scope, against the
 * local GitLab emulator on https://127.0.0.1 (test CA through NODE_EXTRA_CA_CERTS).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGitLabEmulator, type GitLabEmulator } from '../emulators/gitlab.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle } from '../support/run-bundle.js';
import { gitlabPat, leaks } from '../support/tokens.js';

const user = { id: 41, username: 'scope.tester', name: 'Scope Tester' };
const GRANTED = gitlabPat('FAKE-GLSCOPE-YES');
const DENIED = gitlabPat('FAKE-GLSCOPE-NOT');
const PROJECT = 'Fabrikam/Fiber';

/** Each probe: the scope, the request that proves it, what GitLab says when the scope is missing. */
const PROBES = [
  { scope: 'read_repository', path: `/${PROJECT}.git/info/refs`, refusal: '"You are not allowed to download code."' },
  { scope: 'read_registry', path: '/jwt/auth', refusal: '403 DENIED' },
];

let emu: GitLabEmulator;
beforeAll(async () => {
  emu = await startGitLabEmulator({
    oldServer: 'pre-15.1',
    projects: [{ id: 51, path: PROJECT }],
    tokens: {
      // read_api too, so that the project lookup passes and the run can pass.
      [GRANTED]: { user, scopes: ['read_api', 'read_repository', 'read_registry'] },
      [DENIED]: { user, scopes: ['read_user'] },
    },
  });
});
afterAll(async () => emu.close());

interface Report {
  scopes: { verified: string[]; missing: string[]; unverifiable: string[] };
  findings: { code: string; message: string }[];
}

describe.each(PROBES)('CLI bundle, GitLab before 15.5: the $scope probe', (p) => {
  const run = async (token: string): Promise<{ report: Report; code: number | null }> => {
    emu.clearLog();
    const args = ['--provider', 'gitlab', '--url', emu.url, '--project', PROJECT, '--required-scopes', p.scope, '--format', 'json'];
    const r = await runBundle('cli', args, baseEnv({ NODE_EXTRA_CA_CERTS: caFile, GITLAB_TOKEN: token }));
    // No form of the token (the Basic one included) in any output.
    expect(leaks(r.stdout + r.stderr, token)).toEqual([]);
    // Read-only, and the Basic form only on the Git or registry request.
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(emu.requests.filter((q) => q.authScheme === 'Basic').map((q) => q.path)).toEqual([p.path]);
    return { report: JSON.parse(r.stdout) as Report, code: r.code };
  };

  it('granted: the request succeeds and proves it', async () => {
    const r = await run(GRANTED);
    expect(r.report.scopes).toMatchObject({ verified: [p.scope], missing: [], unverifiable: [] });
    expect(r.code).toBe(0);
  });

  it("denied: GitLab's refusal for lack of scope → scope.missing in its words", async () => {
    const r = await run(DENIED);
    expect(r.report.scopes).toMatchObject({ verified: [], missing: [p.scope], unverifiable: [] });
    const missing = r.report.findings.filter((f) => f.code === 'scope.missing').map((f) => f.message);
    expect(missing.some((m) => m.startsWith(`The token lacks ${p.scope}`) && m.includes(p.refusal))).toBe(true);
    expect(r.code).toBe(1);
  });
});
