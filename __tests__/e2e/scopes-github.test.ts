/**
 * GitHub's read probes (checks, commit statuses and the permissions added since) through the CLI bundle, against the local
 * GitHub emulator as a GitHub Enterprise Server on 127.0.0.1: a fine-grained token that holds each
 * permission (granted, 200) and one that does not (403 naming it in X-Accepted-GitHub-Permissions).
 * A 403 that is not about the token (a feature turned off) is unverifiable. Every request is a GET.
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
const ORG = REPO.split('/')[0]!;
const PROBES = [
  { scope: 'checks:read', path: `/api/v3/repos/${REPO}/commits/HEAD/check-runs`, accepted: 'checks: read' },
  { scope: 'statuses:read', path: `/api/v3/repos/${REPO}/commits/HEAD/status`, accepted: 'statuses: read' },
  { scope: 'dependabot_secrets:read', path: `/api/v3/repos/${REPO}/dependabot/secrets`, accepted: 'dependabot_secrets: read' },
  { scope: 'repository_advisories:read', path: `/api/v3/repos/${REPO}/security-advisories`, accepted: 'repository_advisories: read' },
  { scope: 'codespaces:read', path: `/api/v3/repos/${REPO}/codespaces`, accepted: 'codespaces: read' },
  { scope: 'codespaces_metadata:read', path: `/api/v3/repos/${REPO}/codespaces/machines`, accepted: 'codespaces_metadata: read' },
  {
    scope: 'organization_administration:read',
    path: `/api/v3/orgs/${ORG}/actions/permissions`,
    accepted: 'organization_administration: read',
  },
  { scope: 'organization_user_blocking:read', path: `/api/v3/orgs/${ORG}/blocks`, accepted: 'organization_user_blocking: read' },
  ...[
    ['organization_secrets', 'actions/secrets'],
    ['organization_actions_variables', 'actions/variables'],
    ['organization_hooks', 'hooks'],
    ['organization_self_hosted_runners', 'actions/runners'],
    ['organization_codespaces_secrets', 'codespaces/secrets'],
    ['organization_dependabot_secrets', 'dependabot/secrets'],
  ].map(([name, path]) => ({ scope: `${name}:read`, path: `/api/v3/orgs/${ORG}/${path}`, accepted: `${name}: read` })),
  // Account permissions: the token user's own data, below /user.
  ...[
    ['emails', 'emails'],
    ['followers', 'followers'],
    ['gpg_keys', 'gpg_keys'],
    ['keys', 'keys'],
    ['git_signing_ssh_public_keys', 'ssh_signing_keys'],
    ['interaction_limits', 'interaction-limits'],
    ['blocking', 'blocks'],
    ['starring', 'starred'],
    ['watching', 'subscriptions'],
    ['codespaces_user_secrets', 'codespaces/secrets'],
  ].map(([name, path]) => ({ scope: `${name}:read`, path: `/api/v3/user/${path}`, accepted: `${name}: read` })),
];
/** The permission part of each probed scope, held at read by the granted token. */
const HELD = Object.fromEntries(PROBES.map((p) => [p.scope.split(':')[0]!, 'read' as const]));
const OFF_REPO = 'fake-scopes-org/features-off';

let emu: GitHubEmulator;
beforeAll(async () => {
  emu = await startGitHubEmulator({
    users: { [ME]: 7101 },
    tokens: {
      [GRANTED]: {
        kind: 'fine-grained',
        login: ME,
        repositories: [REPO, OFF_REPO],
        permissions: { metadata: 'read', security_events: 'read', vulnerability_alerts: 'read', ...HELD },
      },
      [DENIED]: { kind: 'fine-grained', login: ME, repositories: [REPO, OFF_REPO], permissions: { metadata: 'read' } },
    },
    repos: [
      { id: 3101, fullName: REPO, collaborators: { [ME]: 'admin' } },
      { id: 3102, fullName: OFF_REPO, collaborators: { [ME]: 'admin' }, featuresOff: ['code-scanning', 'dependabot-alerts'] },
    ],
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

describe('CLI bundle: refusals that are not about the token', () => {
  const run = async (scopes: string): Promise<Report> => {
    emu.clearLog();
    const args = ['--provider', 'github', '--url', emu.ghesUrl, '--project', OFF_REPO, '--required-scopes', scopes, '--format', 'json'];
    const r = await runBundle('cli', args, baseEnv({ NODE_EXTRA_CA_CERTS: caFile, GITHUB_TOKEN: GRANTED }));
    expect(leaks(r.stdout + r.stderr, GRANTED)).toEqual([]);
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
    return JSON.parse(r.stdout) as Report;
  };

  it('a feature turned off (403 without "not accessible") is unverifiable, quoting GitHub, never missing', async () => {
    const report = await run('security_events:read, vulnerability_alerts:read');
    expect(report.scopes).toMatchObject({ verified: [], missing: [], unverifiable: ['security_events:read', 'vulnerability_alerts:read'] });
    const said = report.findings
      .filter((f) => f.code === 'scope.unverifiable')
      .map((f) => f.message)
      .join('\n');
    expect(said).toContain('Advanced Security must be enabled');
    expect(said).toContain('Dependabot alerts are disabled');
  });

  it('environments:read is unverifiable with its reason, and its old probe (which needs Actions) is not sent', async () => {
    const report = await run('environments:read');
    expect(report.scopes).toMatchObject({ verified: [], missing: [], unverifiable: ['environments:read'] });
    expect(report.findings.find((f) => f.code === 'scope.unverifiable')?.message).toContain("an environment's name");
    expect(emu.requests.map((q) => q.path).filter((p) => p.endsWith('/environments'))).toEqual([]);
  });
});
