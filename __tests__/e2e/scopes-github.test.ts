/**
 * GitHub's read probes for checks and commit statuses through the CLI bundle, against the local
 * GitHub emulator as a GitHub Enterprise Server on 127.0.0.1: a fine-grained token that holds each
 * permission (granted, 200) and one that does not (403 naming it in X-Accepted-GitHub-Permissions).
 * Every request the run sends is a GET.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mintGitHubFineGrained } from '../../src/core/providers/github/synthetic.js';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github.js';
import { caFile } from '../emulators/tls.js';
import { baseEnv, runBundle } from '../support/run-bundle.js';
import { fill, leaks } from '../support/tokens.js';

const fine = (word: string): string =>
  mintGitHubFineGrained(fill('11FAKE0SCOPES0FINE0000', 22), fill(`FAKEx0SCOPESx0${word}x0NOTxREAL`, 43), 'FAKETAIL');
const GRANTED = fine('GRANTED');
const DENIED = fine('DENIED');
const ME = 'fake-scopes-user';
const REPO = 'fake-scopes-org/hello-world';

/** Each new probe: the permission, the request that proves it, the permission GitHub names when it is missing. */
const PROBES = [
  { scope: 'checks:read', path: `/api/v3/repos/${REPO}/commits/HEAD/check-runs`, accepted: 'checks: read' },
  { scope: 'statuses:read', path: `/api/v3/repos/${REPO}/commits/HEAD/status`, accepted: 'statuses: read' },
];

let emu: GitHubEmulator;
beforeAll(async () => {
  emu = await startGitHubEmulator({
    users: { [ME]: 7101 },
    tokens: {
      [GRANTED]: {
        kind: 'fine-grained',
        login: ME,
        repositories: [REPO],
        permissions: { metadata: 'read', checks: 'read', statuses: 'read' },
      },
      [DENIED]: { kind: 'fine-grained', login: ME, repositories: [REPO], permissions: { metadata: 'read' } },
    },
    repos: [{ id: 3101, fullName: REPO, collaborators: { [ME]: 'admin' } }],
  });
});
afterAll(async () => emu.close());

interface Report {
  scopes: { verified: string[]; missing: string[]; unverifiable: string[] };
  findings: { code: string; message: string }[];
}

describe.each(PROBES)('CLI bundle: the $scope probe', (p) => {
  const run = async (token: string): Promise<{ report: Report; code: number | null; text: string }> => {
    emu.clearLog();
    const args = ['--provider', 'github', '--url', emu.ghesUrl, '--project', REPO, '--required-scopes', p.scope, '--format', 'json'];
    const r = await runBundle('cli', args, baseEnv({ NODE_EXTRA_CA_CERTS: caFile, GITHUB_TOKEN: token }));
    expect(leaks(r.stdout + r.stderr, token)).toEqual([]);
    return { report: JSON.parse(r.stdout) as Report, code: r.code, text: r.stdout };
  };

  it('granted: the read-only GET answers 200 and proves it', async () => {
    const r = await run(GRANTED);
    expect(r.report.scopes).toMatchObject({ verified: [p.scope], missing: [], unverifiable: [] });
    expect(r.code).toBe(0);
    expect(emu.requests.map((q) => q.path)).toContain(p.path);
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
  });

  it('denied: 403 with X-Accepted-GitHub-Permissions → scope.missing naming the permission', async () => {
    const r = await run(DENIED);
    expect(r.report.scopes).toMatchObject({ verified: [], missing: [p.scope], unverifiable: [] });
    expect(r.code).toBe(1);
    const finding = r.report.findings.find((f) => f.code === 'scope.missing');
    expect(finding?.message).toContain(p.accepted);
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
  });
});
