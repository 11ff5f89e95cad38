/**
 * Local HTTPS emulator of the GitHub REST API for the online checks (github.com by Host
 * `api.github.com` / `api.{sub}.ghe.com`, and GitHub Enterprise Server at `https://127.0.0.1:{port}/api/v3`).
 * Behaviour follows GitHub's REST documentation (https://docs.github.com/en/rest,
 * https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api,
 * https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps); bodies and headers replay
 * @octokit/fixtures (MIT) — `get-root`, `get-repository`, `rename-repository` — where they fit.
 * Tags: [D] documented, [O] observed, [U] unconfirmed (the emulator had to pick something).
 *
 * Pipeline: scripted fault → credentials (401 Bad credentials, 403 login lockout) → route →
 * visibility (private repositories the token cannot see answer 404 [D]) → SSO → permission → handler.
 * Every response carries X-GitHub-Request-Id and X-RateLimit-*; classic tokens get X-OAuth-Scopes and
 * X-Accepted-OAuth-Scopes; tokens with an expiry get github-authentication-token-expiration.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { EmulatorHarness, HarnessEmulator, type AppContext, type AppResponse, type EmulatorHandle } from './harness.js';
import type { CertificateKind } from './tls.js';

export type GitHubTokenKind = 'classic' | 'oauth' | 'fine-grained' | 'user-to-server' | 'installation';
export type Level = 'read' | 'write' | 'admin';
export type Role = 'pull' | 'triage' | 'push' | 'maintain' | 'admin';

export interface GitHubTokenSpec {
  kind: GitHubTokenKind;
  /** User tokens: the user (must exist in `users` or be created implicitly). */
  login?: string;
  /** Classic / OAuth: the granted scopes, sent as X-OAuth-Scopes [D]. */
  scopes?: readonly string[];
  /** Fine-grained / App tokens: permissions on every accessible repository [D]. */
  permissions?: Readonly<Record<string, Level>>;
  /** Fine-grained PAT: repositories selected ('all' = all of the user's); installation: the installation's repositories. */
  repositories?: readonly string[] | 'all';
  /** Raw `github-authentication-token-expiration` value, e.g. `2026-12-31 23:59:59 UTC` [O]. */
  expiration?: string;
  /** Organisations whose SAML SSO this token is NOT authorised for → 403 + X-GitHub-SSO [D]. */
  ssoUnauthorized?: readonly string[];
  /** Repeated failed logins for this user: every request 403 "Maximum number of login attempts exceeded" [D]. */
  lockedOut?: boolean;
  /** Fine-grained PAT: its lifetime in days (no expiration counts as longer than any policy allows), for `maxTokenLifetimeDays`. */
  lifetimeDays?: number;
}

export interface GitHubRepoSpec {
  id: number;
  /** Canonical `owner/name` (the stored casing). */
  fullName: string;
  private?: boolean;
  archived?: boolean;
  /** Older full names: GET answers 301 to /repositories/{id} [O]. */
  previousNames?: readonly string[];
  /** User login → role (the `permissions` object shows it) [O]. Owners of user-owned repos are admin. */
  collaborators?: Readonly<Record<string, Role>>;
  /** No commits: /commits answers 409 "Git Repository is empty." [D]. */
  empty?: boolean;
  /**
   * Features turned off: their reads answer 403 with GitHub's refusal even to a token that holds the
   * permission [O: "Advanced Security must be enabled for this repository to use code scanning.",
   * "Dependabot alerts are disabled for this repository."].
   */
  featuresOff?: readonly ('code-scanning' | 'dependabot-alerts')[];
  /** Organisation-owned (default: the owner is an org unless it is a user in `users`). */
}

export interface GitHubEmulatorOptions {
  tokens: Record<string, GitHubTokenSpec>;
  repos: readonly GitHubRepoSpec[];
  /** Users (login → id); token logins are added implicitly. */
  users?: Readonly<Record<string, number>>;
  /** GHES version answered by /meta on 127.0.0.1 (default 3.19.0). */
  ghesVersion?: string;
  certificate?: CertificateKind;
  latencyMs?: number;
  /**
   * Organisations whose IP allow list does not include this runner's address: their resources answer
   * 403 "Although you appear to have the correct authorization credentials, the `{org}` organization has
   * an IP allow list enabled, and your IP address is not permitted to access this resource." [D: docs,
   * "Managing allowed IP addresses for your organization"; wording O].
   */
  ipAllowListBlocks?: readonly string[];
  /**
   * Organisation → the longest fine-grained PAT lifetime its policy allows (days): a longer-lived token is
   * answered 403 "The '{org}' organization forbids access via a fine-grained personal access tokens if the
   * token's lifetime is greater than {n} days. …" [O: NixOS/org#247].
   */
  maxTokenLifetimeDays?: Readonly<Record<string, number>>;
  /** A proxy in between drops X-GitHub-SSO: the SAML refusal arrives with its message only. */
  dropsSsoHeader?: boolean;
}

export interface GitHubEmulator extends EmulatorHandle {
  readonly options: GitHubEmulatorOptions;
  /** GHES API base on this emulator: https://127.0.0.1:{port}/api/v3 */
  readonly ghesUrl: string;
}

// ───────────────────────────── fixtures ─────────────────────────────

interface FixtureEntry {
  method: string;
  path: string;
  status: number;
  response: Record<string, unknown>;
  headers: Record<string, string | number>;
}

const require = createRequire(import.meta.url);
const FIXTURES = join(dirname(require.resolve('@octokit/fixtures/package.json')), 'scenarios', 'api.github.com');
const fixture = (scenario: string): FixtureEntry[] =>
  JSON.parse(readFileSync(join(FIXTURES, scenario, 'normalized-fixture.json'), 'utf8')) as FixtureEntry[];

const ROOT = fixture('get-root')[0]!;
const REPOSITORY = fixture('get-repository')[0]!;
const RENAME_301 = fixture('rename-repository').find((e) => e.method === 'get' && e.status === 301)!;
/** Headers every fixture response carries (CORS, media type, security headers) [O]. */
const FIXTURE_HEADERS: Record<string, string> = Object.fromEntries(
  Object.entries(ROOT.headers)
    .filter(([k]) =>
      [
        'access-control-allow-origin',
        'access-control-expose-headers',
        'content-security-policy',
        'referrer-policy',
        'strict-transport-security',
        'x-content-type-options',
        'x-frame-options',
        'x-github-media-type',
        'x-xss-protection',
      ].includes(k),
    )
    .map(([k, v]) => [k, String(v)]),
);
const DOCS = 'https://docs.github.com/rest';

/** Rewrite the fixture's https://api.github.com and github.com links onto the addressed host. */
function rebase<T>(value: T, apiBase: string, webBase: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll('https://api.github.com', apiBase).replaceAll('https://github.com', webBase)) as T;
}

// ───────────────────────────── the emulator ─────────────────────────────

const ROLES: readonly Role[] = ['pull', 'triage', 'push', 'maintain', 'admin'];
const LEVELS: readonly Level[] = ['read', 'write', 'admin'];

/** Classic scope closure (GitHub "Scopes for OAuth apps") [D]. */
const CHILDREN: Record<string, string[]> = {
  repo: ['repo:status', 'repo_deployment', 'public_repo', 'repo:invite', 'security_events'],
  'admin:repo_hook': ['write:repo_hook'],
  'write:repo_hook': ['read:repo_hook'],
  'admin:org': ['write:org'],
  'write:org': ['read:org'],
  user: ['read:user', 'user:email', 'user:follow'],
  'write:packages': ['read:packages'],
};
function closure(scopes: readonly string[]): Set<string> {
  const out = new Set<string>();
  const add = (s: string): void => {
    if (out.has(s)) return;
    out.add(s);
    (CHILDREN[s] ?? []).forEach(add);
  };
  scopes.forEach(add);
  return out;
}

/** Sub-resources of a repository: the fine-grained permission and classic scope each GET needs [D]. */
interface SubRoute {
  re: RegExp;
  permission: string;
  /** Classic scopes accepted beyond plain repository access (X-Accepted-OAuth-Scopes). */
  classic?: readonly string[];
  /** The user's role needed (classic tokens act with it). */
  role?: Role;
  body: (repo: GitHubRepoSpec) => AppResponse;
}
const list = (): AppResponse => ({ status: 200, body: [] });
const noCommit = (): AppResponse => ({
  status: 422,
  body: { message: 'No commit found for SHA: HEAD', documentation_url: DOCS, status: '422' },
});
const SUB_ROUTES: readonly SubRoute[] = [
  {
    re: /^commits$/,
    permission: 'contents',
    body: (r) =>
      r.empty
        ? { status: 409, body: { message: 'Git Repository is empty.', documentation_url: DOCS, status: '409' } }
        : { status: 200, body: [{ sha: '0000000000000000000000000000000000000001', commit: { message: 'FAKE test commit' } }] },
  },
  { re: /^pulls$/, permission: 'pull_requests', body: list },
  { re: /^issues$/, permission: 'issues', body: list },
  { re: /^actions\/runs$/, permission: 'actions', body: () => ({ status: 200, body: { total_count: 0, workflow_runs: [] } }) },
  { re: /^deployments$/, permission: 'deployments', body: list },
  // "List environments" needs Actions read (docs.github.com/rest/deployments/environments), not Environments [D].
  { re: /^environments$/, permission: 'actions', body: () => ({ status: 200, body: { total_count: 0, environments: [] } }) },
  {
    re: /^actions\/secrets$/,
    permission: 'secrets',
    classic: ['repo'],
    role: 'admin',
    body: () => ({ status: 200, body: { total_count: 0, secrets: [] } }),
  },
  {
    re: /^actions\/variables$/,
    permission: 'actions_variables',
    classic: ['repo'],
    role: 'admin',
    body: () => ({ status: 200, body: { total_count: 0, variables: [] } }),
  },
  {
    re: /^actions\/permissions$/,
    permission: 'administration',
    classic: ['repo'],
    role: 'admin',
    body: () => ({ status: 200, body: { enabled: true, allowed_actions: 'all' } }),
  },
  { re: /^hooks$/, permission: 'repository_hooks', classic: ['read:repo_hook', 'repo'], role: 'admin', body: list },
  { re: /^code-scanning\/alerts$/, permission: 'security_events', classic: ['security_events'], body: list },
  { re: /^dependabot\/alerts$/, permission: 'vulnerability_alerts', classic: ['security_events'], body: list },
  { re: /^secret-scanning\/alerts$/, permission: 'secret_scanning_alerts', classic: ['security_events'], body: list },
  // A ref may be a SHA, a branch or a tag name [D]; HEAD names the default branch. An empty repository has
  // no commit for it: the text of that answer is modelled [U] (422 "No commit found for SHA: …" as for commits).
  {
    re: /^commits\/[^/]+\/check-runs$/,
    permission: 'checks',
    body: (r) => (r.empty ? noCommit() : { status: 200, body: { total_count: 0, check_runs: [] } }),
  },
  // Reads the fine-grained token table lists under their own permission [D].
  {
    re: /^dependabot\/secrets$/,
    permission: 'dependabot_secrets',
    classic: ['repo'],
    role: 'admin',
    body: () => ({ status: 200, body: { total_count: 0, secrets: [] } }),
  },
  { re: /^security-advisories$/, permission: 'repository_advisories', classic: ['repo'], role: 'admin', body: list },
  {
    re: /^codespaces$/,
    permission: 'codespaces',
    classic: ['codespace'],
    body: () => ({ status: 200, body: { total_count: 0, codespaces: [] } }),
  },
  {
    re: /^codespaces\/machines$/,
    permission: 'codespaces_metadata',
    classic: ['codespace'],
    body: () => ({ status: 200, body: { total_count: 0, machines: [] } }),
  },
  {
    re: /^commits\/[^/]+\/status$/,
    permission: 'statuses',
    body: (r) =>
      r.empty
        ? noCommit()
        : { status: 200, body: { state: 'pending', statuses: [], sha: '0000000000000000000000000000000000000001', total_count: 0 } },
  },
];

/** The 403 a turned-off feature answers, whatever the token holds [O]. */
const FEATURE_OFF: Readonly<Record<string, { re: RegExp; message: string }>> = {
  'code-scanning': { re: /^code-scanning\//, message: 'Advanced Security must be enabled for this repository to use code scanning.' },
  'dependabot-alerts': { re: /^dependabot\/alerts$/, message: 'Dependabot alerts are disabled for this repository.' },
};

/** Organisation reads below `orgs/{org}/` other than members: path, the permission, classic scopes [D]. */
const ORG_ROUTES: readonly { path: string; permission: string; classic: readonly string[] }[] = [
  { path: 'actions/permissions', permission: 'organization_administration', classic: ['admin:org'] },
  { path: 'blocks', permission: 'organization_user_blocking', classic: ['admin:org'] },
  { path: 'actions/secrets', permission: 'organization_secrets', classic: ['admin:org'] },
  { path: 'actions/variables', permission: 'organization_actions_variables', classic: ['admin:org'] },
  { path: 'hooks', permission: 'organization_hooks', classic: ['admin:org_hook'] },
  { path: 'actions/runners', permission: 'organization_self_hosted_runners', classic: ['admin:org'] },
  { path: 'codespaces/secrets', permission: 'organization_codespaces_secrets', classic: ['admin:org'] },
  { path: 'dependabot/secrets', permission: 'organization_dependabot_secrets', classic: ['admin:org'] },
];

/**
 * The token user's own reads below `/user/` and the account permission each needs [D]; classic scopes
 * that grant them [D where GitHub's scope list names one; an empty list: any classic token, modelled].
 */
const USER_ROUTES: readonly { path: string; permission: string; classic: readonly string[] }[] = [
  { path: 'emails', permission: 'emails', classic: ['user:email'] },
  { path: 'followers', permission: 'followers', classic: [] },
  { path: 'gpg_keys', permission: 'gpg_keys', classic: ['read:gpg_key'] },
  { path: 'keys', permission: 'keys', classic: ['read:public_key'] },
  { path: 'ssh_signing_keys', permission: 'git_signing_ssh_public_keys', classic: ['read:ssh_signing_key'] },
  { path: 'interaction-limits', permission: 'interaction_limits', classic: [] },
  { path: 'blocks', permission: 'blocking', classic: ['user'] },
  { path: 'starred', permission: 'starring', classic: [] },
  { path: 'subscriptions', permission: 'watching', classic: [] },
  { path: 'codespaces/secrets', permission: 'codespaces_user_secrets', classic: ['codespace'] },
];

/** Bodies of the organisation reads that are not a plain list [D shapes, values modelled]. */
const ORG_BODIES: Readonly<Record<string, unknown>> = {
  'actions/permissions': { enabled_repositories: 'all', allowed_actions: 'all' },
  'actions/secrets': { total_count: 0, secrets: [] },
  'actions/variables': { total_count: 0, variables: [] },
  'actions/runners': { total_count: 0, runners: [] },
  'codespaces/secrets': { total_count: 0, secrets: [] },
  'dependabot/secrets': { total_count: 0, secrets: [] },
};

interface Caller {
  value: string;
  spec: GitHubTokenSpec;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): AppResponse => ({
  status,
  body: body as object,
  headers,
});
const error = (status: number, message: string, headers: Record<string, string> = {}): AppResponse =>
  json(status, { message, documentation_url: DOCS, status: String(status) }, headers);

class Emulator extends HarnessEmulator implements GitHubEmulator {
  readonly harness: EmulatorHarness;
  #remaining = 5000;

  constructor(readonly options: GitHubEmulatorOptions) {
    super();
    this.harness = new EmulatorHarness(
      {
        handle: (req, ctx) => this.#handle(req, ctx),
        commonHeaders: () => ({
          ...FIXTURE_HEADERS,
          'x-github-request-id': `${randomBytes(2).toString('hex').toUpperCase()}:${randomBytes(3).toString('hex').toUpperCase()}:FAKE:TEST`,
          'x-github-api-version-selected': '2022-11-28',
        }),
        // Primary rate limit: 403 with x-ratelimit-remaining 0 and the reset epoch, no Retry-After [D].
        rateLimited: (fault) =>
          error(
            403,
            'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID FAKE:TEST.',
            {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-used': '5000',
              'x-ratelimit-resource': fault.resource ?? 'core',
              'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + (fault.retryAfterSeconds ?? 60)),
            },
          ),
        statusBody: (status) =>
          status >= 500
            ? {
                status,
                headers: { 'content-type': 'text/html; charset=utf-8' },
                body: '<!DOCTYPE html><html><body><h1>Unicorn!</h1><p>No server is currently available to service your request.</p></body></html>',
              }
            : error(status, `emulated ${status}`),
      },
      { certificate: options.certificate, latencyMs: options.latencyMs },
    );
  }

  get ghesUrl(): string {
    return `${this.origin}/api/v3`;
  }

  #users(): Map<string, number> {
    const m = new Map<string, number>();
    let next = 5000;
    for (const [login, id] of Object.entries(this.options.users ?? {})) m.set(login.toLowerCase(), id);
    for (const t of Object.values(this.options.tokens)) if (t.login && !m.has(t.login.toLowerCase())) m.set(t.login.toLowerCase(), next++);
    return m;
  }

  #isUser(login: string): boolean {
    return this.#users().has(login.toLowerCase());
  }

  #ownerExists(login: string): boolean {
    return this.#isUser(login) || this.options.repos.some((r) => r.fullName.split('/')[0]!.toLowerCase() === login.toLowerCase());
  }

  /** The user's role on a repository (owner of a user repository = admin), if any. */
  #role(repo: GitHubRepoSpec, login: string | undefined): Role | undefined {
    if (!login) return undefined;
    const owner = repo.fullName.split('/')[0]!;
    if (owner.toLowerCase() === login.toLowerCase()) return 'admin';
    const found = Object.entries(repo.collaborators ?? {}).find(([l]) => l.toLowerCase() === login.toLowerCase());
    return found?.[1] ?? (repo.private ? undefined : 'pull');
  }

  #inSelection(repo: GitHubRepoSpec, spec: GitHubTokenSpec): boolean {
    if (spec.repositories === 'all' || spec.repositories === undefined) return spec.kind !== 'installation';
    return spec.repositories.some((n) => n.toLowerCase() === repo.fullName.toLowerCase());
  }

  /** Can the token see the repository at all? Otherwise GitHub answers 404 [D]. */
  #visible(repo: GitHubRepoSpec, spec: GitHubTokenSpec): boolean {
    if (spec.kind === 'installation') return this.#inSelection(repo, spec);
    if (!repo.private) return true;
    if (!this.#role(repo, spec.login)) return false;
    if (spec.kind === 'classic' || spec.kind === 'oauth') return closure(spec.scopes ?? []).has('repo');
    return this.#inSelection(repo, spec);
  }

  #repoBody(repo: GitHubRepoSpec, caller: Caller, apiBase: string, webBase: string): Record<string, unknown> {
    const [owner, name] = repo.fullName.split('/') as [string, string];
    const template = rebase(REPOSITORY.response, apiBase, webBase);
    const text = JSON.stringify(template)
      .replaceAll('octokit-fixture-org/hello-world', repo.fullName)
      .replaceAll('octokit-fixture-org', owner)
      .replaceAll('hello-world', name);
    const body = JSON.parse(text) as Record<string, unknown>;
    const role = this.#role(repo, caller.spec.login);
    const permissions = Object.fromEntries(ROLES.map((r) => [r, role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(r)]));
    const isUserOwner = this.#isUser(owner);
    (body.owner as Record<string, unknown>).type = isUserOwner ? 'User' : 'Organization';
    if (isUserOwner) delete body.organization;
    return {
      ...body,
      id: repo.id,
      name,
      full_name: repo.fullName,
      private: repo.private === true,
      visibility: repo.private ? 'private' : 'public',
      archived: repo.archived === true,
      // Installation tokens get no per-user `permissions` object [U].
      ...(caller.spec.kind === 'installation' ? { permissions: undefined } : { permissions }),
    };
  }

  #handle(req: IncomingMessage, ctx: AppContext): AppResponse {
    const ghes = ctx.path === '/api/v3' || ctx.path.startsWith('/api/v3/');
    const apiBase = `https://${ctx.authority}${ghes ? '/api/v3' : ''}`;
    const webBase = ghes ? `https://${ctx.authority}` : 'https://github.com';
    const path = ghes ? ctx.path.slice('/api/v3'.length) || '/' : ctx.path;
    if (req.method !== 'GET' && req.method !== 'HEAD') return error(404, 'Not Found'); // the preflight never writes
    // A trailing slash is a 404 on GitHub [D].
    if (path.length > 1 && path.endsWith('/')) return error(404, 'Not Found');

    const auth = req.headers.authorization;
    const value = auth ? auth.replace(/^(bearer|token)\s+/i, '') : undefined;
    const spec = value !== undefined ? this.options.tokens[value] : undefined;
    if (value !== undefined && !spec) return error(401, 'Bad credentials');
    if (!spec) return path === '/' ? json(200, rebase(ROOT.response, apiBase, webBase)) : error(401, 'Requires authentication');
    const caller: Caller = { value: value!, spec };
    const extra = this.#tokenHeaders(spec);
    if (spec.lockedOut) return error(403, 'Maximum number of login attempts exceeded. Please try again later.', extra);
    const r = this.#route(path, ctx, caller, apiBase, webBase, ghes);
    return { ...r, headers: { ...extra, ...(r.headers as Record<string, string>) } };
  }

  #tokenHeaders(spec: GitHubTokenSpec): Record<string, string> {
    const h: Record<string, string> = {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, --this.#remaining)),
      'x-ratelimit-used': String(5000 - this.#remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    };
    if (spec.kind === 'classic' || spec.kind === 'oauth') h['x-oauth-scopes'] = (spec.scopes ?? []).join(', ');
    else h['x-oauth-scopes'] = ''; // fine-grained and App tokens: present but empty [D]
    h['x-accepted-oauth-scopes'] = '';
    if (spec.expiration) h['github-authentication-token-expiration'] = spec.expiration;
    return h;
  }

  #route(path: string, ctx: AppContext, caller: Caller, apiBase: string, webBase: string, ghes: boolean): AppResponse {
    const spec = caller.spec;
    const seg = path
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    if (path === '/') return json(200, rebase(ROOT.response, apiBase, webBase));
    if (path === '/meta')
      return json(200, {
        verifiable_password_authentication: true,
        ...(ghes ? { installed_version: this.options.ghesVersion ?? '3.19.0' } : {}),
      });
    if (path === '/rate_limit')
      return json(200, { resources: { core: { limit: 5000, remaining: this.#remaining, reset: Math.floor(Date.now() / 1000) + 3600 } } });
    if (path === '/user') {
      // `x-github.enabledForGitHubApps: false`: installation tokens are refused [O].
      if (spec.kind === 'installation') return error(403, 'Resource not accessible by integration');
      const login = spec.login!;
      return json(200, {
        login,
        id: this.#users().get(login.toLowerCase()),
        node_id: 'MDQ6VXNlcjE=',
        type: 'User',
        site_admin: false,
        name: `${login} (FAKE test user)`,
        url: `${apiBase}/users/${login}`,
        html_url: `${webBase}/${login}`,
      });
    }
    if (path === '/installation/repositories') {
      if (spec.kind !== 'installation')
        return error(403, 'You must authenticate with an installation access token in order to list repositories for an installation.'); // text [U]
      const repos = this.options.repos.filter((r) => this.#inSelection(r, spec));
      const perPage = Math.min(100, Number(ctx.query.get('per_page') ?? 30) || 30);
      return json(200, {
        total_count: repos.length,
        repository_selection: 'selected',
        repositories: repos.slice(0, perPage).map((r) => this.#repoBody(r, caller, apiBase, webBase)),
      });
    }
    if (path === '/user/repos') {
      if (spec.kind === 'installation') return error(403, 'Resource not accessible by integration');
      const repos = this.options.repos.filter(
        (r) =>
          this.#visible(r, spec) &&
          this.#role(r, spec.login) !== undefined &&
          (r.private || this.#role(r, spec.login) !== 'pull' || r.fullName.split('/')[0]!.toLowerCase() === spec.login!.toLowerCase()),
      );
      return json(
        200,
        repos.map((r) => this.#repoBody(r, caller, apiBase, webBase)),
      );
    }
    const userRoute = seg[0] === 'user' && seg.length >= 2 ? USER_ROUTES.find((u) => u.path === seg.slice(1).join('/')) : undefined;
    if (userRoute) return this.#userRead(spec, userRoute);
    if (seg[0] === 'users' && seg.length === 2) {
      if (!this.#ownerExists(seg[1]!)) return error(404, 'Not Found');
      return json(200, {
        login: seg[1],
        id: this.#users().get(seg[1]!.toLowerCase()) ?? 9000,
        type: this.#isUser(seg[1]!) ? 'User' : 'Organization',
      });
    }
    if (seg[0] === 'orgs' && seg.length === 3 && seg[2] === 'members') {
      const org = seg[1]!;
      if (!this.#ownerExists(org) || this.#isUser(org)) return error(404, 'Not Found');
      const sso = this.#sso(spec, org, webBase) ?? this.#orgPolicy(spec, org, webBase);
      if (sso) return sso;
      if (spec.kind === 'classic' || spec.kind === 'oauth') {
        if (!closure(spec.scopes ?? []).has('read:org'))
          return error(403, 'You need at least read:org scope or user scope to list your organization members.', {
            'x-accepted-oauth-scopes': 'admin:org, read:org, repo, user, write:org',
          }); // text [U]
      } else if (!this.#allows(spec, 'members', 'read')) return this.#denied(spec, 'members=read');
      return json(200, []);
    }

    const orgRoute = seg[0] === 'orgs' && seg.length >= 3 ? ORG_ROUTES.find((o) => o.path === seg.slice(2).join('/')) : undefined;
    if (orgRoute) return this.#orgRead(spec, seg[1]!, webBase, orgRoute);

    let repo: GitHubRepoSpec | undefined;
    let rest: string[] = [];
    if (seg[0] === 'repositories' && seg.length >= 2) {
      repo = this.options.repos.find((r) => String(r.id) === seg[1]);
      rest = seg.slice(2);
    } else if (seg[0] === 'repos' && seg.length >= 3) {
      const wanted = `${seg[1]}/${seg[2]}`.toLowerCase();
      repo = this.options.repos.find((r) => r.fullName.toLowerCase() === wanted);
      rest = seg.slice(3);
      if (!repo) {
        const moved = this.options.repos.find((r) => r.previousNames?.some((n) => n.toLowerCase() === wanted));
        if (moved && this.#visible(moved, spec)) {
          // [O] octokit/fixtures rename-repository: 301, JSON body with the /repositories/{id} url, Location.
          const location = `${apiBase}/repositories/${moved.id}${rest.length ? `/${rest.join('/')}` : ''}${ctx.query.toString() ? `?${ctx.query.toString()}` : ''}`;
          return json(301, { ...RENAME_301.response, url: location }, { location });
        }
      }
    } else {
      return error(404, 'Not Found');
    }
    if (!repo || !this.#visible(repo, spec)) {
      const owner = repo?.fullName.split('/')[0] ?? seg[1] ?? '';
      // SSO blocks even the existence check for private org repositories [D: 403 or 404 + X-GitHub-SSO].
      if (repo) {
        const sso = this.#sso(spec, owner, webBase, 404);
        if (sso) return sso;
      }
      return error(404, 'Not Found');
    }
    const owner = repo.fullName.split('/')[0]!;
    const sso = this.#sso(spec, owner, webBase) ?? this.#orgPolicy(spec, owner, webBase);
    if (sso) return sso;
    const accepted = { 'x-accepted-oauth-scopes': 'repo' };
    if (rest.length === 0) return json(200, this.#repoBody(repo, caller, apiBase, webBase), accepted);
    const sub = SUB_ROUTES.find((s) => s.re.test(rest.join('/')));
    if (!sub) return error(404, 'Not Found');
    if (spec.kind === 'classic' || spec.kind === 'oauth') {
      const held = closure(spec.scopes ?? []);
      const acceptedScopes = sub.classic ?? [];
      if (acceptedScopes.length && !acceptedScopes.some((s) => held.has(s)))
        return error(403, 'Resource not accessible by personal access token', { 'x-accepted-oauth-scopes': acceptedScopes.join(', ') }); // text [U]
      const role = this.#role(repo, spec.login);
      if (sub.role && (!role || ROLES.indexOf(role) < ROLES.indexOf(sub.role)))
        return error(403, 'Must have admin rights to Repository.', { 'x-accepted-oauth-scopes': acceptedScopes.join(', ') });
    } else if (spec.kind === 'fine-grained' && !repo.private && !sub.role && !sub.classic && !this.#inSelection(repo, spec)) {
      // Fine-grained tokens can always read the public data of public repositories, selected or not [D].
    } else if (!this.#allows(spec, sub.permission, 'read')) {
      return this.#denied(spec, `${sub.permission}=read`);
    }
    const off = repo.featuresOff?.find((f) => FEATURE_OFF[f]!.re.test(rest.join('/')));
    if (off) return error(403, FEATURE_OFF[off]!.message);
    return sub.body(repo);
  }

  /** The token user's own read: installation tokens have no user; others need the scope or the account permission. */
  #userRead(spec: GitHubTokenSpec, route: (typeof USER_ROUTES)[number]): AppResponse {
    if (spec.kind === 'installation') return error(403, 'Resource not accessible by integration');
    if (spec.kind === 'classic' || spec.kind === 'oauth') {
      const held = closure(spec.scopes ?? []);
      if (route.classic.length && !route.classic.some((c) => held.has(c)))
        return error(403, 'Resource not accessible by personal access token', { 'x-accepted-oauth-scopes': route.classic.join(', ') }); // text [U]
    } else if (!this.#allows(spec, route.permission, 'read')) return this.#denied(spec, `${route.permission}=read`);
    return json(200, route.path === 'interaction-limits' ? {} : route.path === 'codespaces/secrets' ? { total_count: 0, secrets: [] } : []);
  }

  /** An organisation read other than members: the organisation, then the token's scopes or permission. */
  #orgRead(spec: GitHubTokenSpec, org: string, webBase: string, route: (typeof ORG_ROUTES)[number]): AppResponse {
    if (!this.#ownerExists(org) || this.#isUser(org)) return error(404, 'Not Found');
    const sso = this.#sso(spec, org, webBase) ?? this.#orgPolicy(spec, org, webBase);
    if (sso) return sso;
    if (spec.kind === 'classic' || spec.kind === 'oauth') {
      const held = closure(spec.scopes ?? []);
      if (!route.classic.some((c) => held.has(c)))
        return error(403, 'Resource not accessible by personal access token', { 'x-accepted-oauth-scopes': route.classic.join(', ') }); // text [U]
    } else if (!this.#allows(spec, route.permission, 'read')) return this.#denied(spec, `${route.permission}=read`);
    return json(200, ORG_BODIES[route.path] ?? []);
  }

  #allows(spec: GitHubTokenSpec, permission: string, level: Level): boolean {
    const held = spec.permissions?.[permission];
    return held !== undefined && LEVELS.indexOf(held) >= LEVELS.indexOf(level);
  }

  /** Fine-grained / App token without the permission: 403 + X-Accepted-GitHub-Permissions [D]. */
  #denied(spec: GitHubTokenSpec, accepted: string): AppResponse {
    const by = spec.kind === 'installation' || spec.kind === 'user-to-server' ? 'integration' : 'personal access token';
    return error(403, `Resource not accessible by ${by}`, { 'x-accepted-github-permissions': accepted });
  }

  #sso(spec: GitHubTokenSpec, org: string, webBase: string, status = 403): AppResponse | undefined {
    if (!spec.ssoUnauthorized?.some((o) => o.toLowerCase() === org.toLowerCase())) return undefined;
    const url = `${webBase}/orgs/${org}/sso?authorization_request=FAKE0TEST0SSO0REQUEST`;
    return error(
      status,
      `Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.`,
      this.options.dropsSsoHeader ? {} : { 'x-github-sso': `required; url=${url}` },
    );
  }

  /** The organisation's IP allow list and token lifetime policy, checked after SSO [D: both are organisation settings]. */
  #orgPolicy(spec: GitHubTokenSpec, org: string, webBase: string): AppResponse | undefined {
    const named = (list: Iterable<string> | undefined): string | undefined =>
      [...(list ?? [])].find((o) => o.toLowerCase() === org.toLowerCase());
    const blockedBy = named(this.options.ipAllowListBlocks);
    if (blockedBy) {
      return error(
        403,
        `Although you appear to have the correct authorization credentials, the \`${blockedBy}\` organization has an IP allow list enabled, and your IP address is not permitted to access this resource.`,
      );
    }
    const policyOrg = named(Object.keys(this.options.maxTokenLifetimeDays ?? {}));
    const max = policyOrg ? this.options.maxTokenLifetimeDays![policyOrg]! : undefined;
    if (spec.kind === 'fine-grained' && max !== undefined && (spec.lifetimeDays ?? Infinity) > max) {
      return error(
        403,
        `The '${policyOrg}' organization forbids access via a fine-grained personal access tokens if the token's lifetime is greater than ${max} days. Please adjust your token's lifetime at the following URL: ${webBase}/settings/personal-access-tokens/4242`,
      );
    }
    return undefined;
  }
}

export async function startGitHubEmulator(options: GitHubEmulatorOptions): Promise<GitHubEmulator> {
  const emulator = new Emulator(options);
  await emulator.harness.listen();
  return emulator;
}
