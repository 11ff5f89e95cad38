/**
 * Bitbucket Cloud online checks (provider-apis.md §5). Everything goes to https://api.bitbucket.org.
 * - User credentials (API tokens, Basic e-mail:token; app passwords, Basic username:password):
 *   round 1 is the identity (`GET /2.0/user`) alone — a rejected Basic credential is not sent again
 *   (repeated failures can lock the Atlassian account); round 2 is the workspace / repository
 *   lookups and, when no `x-oauth-scopes` header told us the scopes, the read probes, all at once.
 * - Access tokens (Bearer; they act as a pseudo-user and get 403 on /2.0/user): round 1 is the
 *   lookups; a second round only for read probes when no `x-oauth-scopes` header came back.
 */
import type { HttpClient, HttpOutcome, HttpResponse } from '../../http/client.js';
import { finding, type Finding, type Identity } from '../../report.js';
import type { CredentialHeader, OnlineChecks, OnlineInput, OnlineResult, TokenAnalysis } from '../types.js';
import { closestNames, isApiSuccess as ok, networkFinding, unexpectedResponse } from '../online/index.js';
import { withoutUserinfo } from '../../url-common.js';
import {
  effectiveScopes,
  findBitbucketPermission,
  parseScopeHeader,
  permissionById,
  scopeFamily,
  scopeId,
  type BitbucketPermission,
  type ProbeTarget,
  type ScopeFamily,
} from './scopes.js';

const ORIGIN = 'https://api.bitbucket.org';
const BASE = `${ORIGIN}/2.0`;
const NAME = 'Bitbucket Cloud';
const API_TOKEN_PAGE = 'Atlassian account settings → Security → API tokens → "Create API token with scopes" → Bitbucket';
const ACCESS_TOKEN_PAGE = 'Repository / Project / Workspace settings → Access tokens';

const CREDENTIAL_TYPES: Record<string, string> = {
  repo_access_token: 'repository access token',
  project_access_token: 'project access token',
  workspace_access_token: 'workspace access token',
  api_token: 'API token',
  app_password: 'app password',
};

type Kind = 'api-token' | 'access-token' | 'app-password';

function kindOf(token: TokenAnalysis): Kind {
  return token.kind === 'bitbucket.access-token' ? 'access-token' : token.kind === 'bitbucket.app-password' ? 'app-password' : 'api-token';
}

function credential(token: string, analysis: TokenAnalysis, username: string | undefined): CredentialHeader {
  // Access tokens are bearer tokens; API tokens go with the Atlassian e-mail, app passwords with the
  // Bitbucket user name (the adapters mask base64(username:token) for exactly this username).
  if (kindOf(analysis) === 'access-token') return { name: 'authorization', value: `Bearer ${token}` };
  return { name: 'authorization', value: `Basic ${Buffer.from(`${username?.trim() ?? ''}:${token}`).toString('base64')}` };
}

// ───────────────────────────── responses ─────────────────────────────

interface BbError {
  message: string;
  /** Scopes the endpoint wanted, from a "lack one or more required privilege scopes" 403. */
  required: string[];
}

/** `{"type":"error","error":{"message":…,"detail":…}}`; detail may carry `required` / `granted`. */
function bbError(r: HttpResponse): BbError {
  const body = (r.isJson ? r.json : undefined) as { error?: { message?: unknown; detail?: unknown } } | undefined;
  const message = typeof body?.error?.message === 'string' ? body.error.message.slice(0, 200) : '';
  const detail = body?.error?.detail as { required?: unknown } | undefined;
  const required = Array.isArray(detail?.required) ? detail.required.filter((x): x is string => typeof x === 'string') : [];
  return { message, required };
}

const jsonOf = <T>(r: HttpOutcome | undefined): T | undefined => (ok(r) ? (r.json as T) : undefined);
const isScopeDenial = (r: HttpResponse): boolean =>
  r.status === 403 && (/privilege scope/i.test(bbError(r).message) || bbError(r).required.length > 0);

/** 429 / 5xx / HTML / network: never a verdict on the token. */
function troubleFinding(r: HttpOutcome, context: string): Finding {
  return r.kind === 'network' ? networkFinding(r, NAME) : unexpectedResponse(r, NAME, context);
}

const isTrouble = (r: HttpOutcome): boolean =>
  r.kind === 'network' ||
  r.status === 429 ||
  r.status >= 500 ||
  (r.status >= 200 && r.status < 300 && !r.isJson) ||
  (r.status >= 300 && r.status < 400);

// ───────────────────────────── findings ─────────────────────────────

function rejected(kind: Kind, r: HttpResponse, username: string | undefined, now: Date): Finding {
  const realm = /realm="?Bitbucket\.org HTTP/i.test(r.headers['www-authenticate'] ?? '')
    ? ' with WWW-Authenticate: Basic realm="Bitbucket.org HTTP"'
    : '';
  const said = bbError(r).message;
  const emailLike = !!username && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(username);
  const wrongUser =
    'the user name is not the e-mail address of the Atlassian account that created the token (REST calls send it as Basic e-mail:token)';
  const causes =
    kind === 'api-token'
      ? [
          ...(emailLike ? [] : [wrongUser]),
          'the API token was revoked, has expired (API tokens live at most one year) or was mistyped',
          ...(emailLike ? [wrongUser] : []),
          'it was created without Bitbucket scopes ("Create API token" instead of "Create API token with scopes"), which Bitbucket does not accept',
          'the account was deactivated or lost access to Bitbucket',
        ]
      : kind === 'app-password'
        ? [
            appPasswordStatus(now),
            'the user name is not the Bitbucket user name (app passwords do not work with the e-mail address)',
            'the app password was revoked or mistyped',
          ]
        : [
            'the access token was revoked, has expired or was mistyped',
            'the repository, project or workspace it belongs to was deleted, or (repository tokens) the repository moved to another workspace',
          ];
  const hint =
    kind === 'access-token'
      ? `Create a new access token (${ACCESS_TOKEN_PAGE}) and update the secret.`
      : kind === 'app-password'
        ? `Replace the app password with an API token (${API_TOKEN_PAGE}), use it with your Atlassian e-mail as \`username\`, and update the secret.`
        : `Check that \`username\` is the Atlassian account e-mail; otherwise create a new API token (${API_TOKEN_PAGE}) and update the secret.`;
  return finding(
    'token.rejected',
    'error',
    `Bitbucket Cloud rejected the credential (401${realm}${said ? `: "${said}"` : ''}). Likely causes, most likely first: ${causes.map((c, i) => `(${i + 1}) ${c}`).join('; ')}.`,
    hint,
  );
}

/** Where app passwords stand on `now` (token-formats.md §6.3). */
function appPasswordStatus(now: Date): string {
  const t = now.getTime();
  if (t >= Date.UTC(2026, 6, 28)) return 'Bitbucket app passwords were removed on 2026-07-28';
  if (t >= Date.UTC(2026, 5, 9)) return 'Bitbucket app passwords are in their brownout period (until 2026-07-27) and fail at times';
  return 'the app password may already have been disabled (app passwords are being retired: brownouts from 2026-06-09, removal on 2026-07-28)';
}

function addScopeHint(kind: Kind, p: BitbucketPermission, id: string): string {
  if (kind === 'access-token')
    return `Access token scopes cannot be changed: create a new access token with "${p.portal}" (${id}) in ${ACCESS_TOKEN_PAGE}, and update the secret.`;
  if (kind === 'app-password')
    return `App passwords are retired: create an API token with ${p.apiToken ?? p.portal} (${API_TOKEN_PAGE}) and update the secret.`;
  return `API tokens cannot be edited: create a new one with ${id} ("${p.portal}") via ${API_TOKEN_PAGE}, and update the secret.`;
}

// ───────────────────────────── the target ─────────────────────────────

interface Target {
  ws?: string;
  repo?: string;
}

function parseTarget(project: string | undefined): Target | Finding {
  if (!project) return {};
  const parts = project
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    return finding(
      'config.invalid',
      'error',
      `\`project\` "${withoutUserinfo(project)}" is not a Bitbucket workspace or workspace/repository.`,
      'Pass `project` as `workspace` or `workspace/repo_slug`, e.g. `fabrikam/web-app`.',
    );
  }
  return { ws: parts[0], repo: parts[1] };
}

const enc = encodeURIComponent;
/** Bitbucket takes a workspace or repository `{uuid}` wherever it takes a slug. */
const isUuid = (part: string): boolean => /^\{.*\}$/.test(part);

function probeUrl(target: ProbeTarget, t: Target): string | undefined {
  const ws = t.ws ? enc(t.ws) : undefined;
  const repo = ws && t.repo ? `${ws}/${enc(t.repo)}` : undefined;
  switch (target) {
    case 'user':
      return `${BASE}/user`;
    case 'workspace':
      return ws && `${BASE}/workspaces/${ws}`;
    case 'repository':
      return repo
        ? `${BASE}/repositories/${repo}`
        : ws
          ? `${BASE}/repositories/${ws}?pagelen=1`
          : `${BASE}/repositories?role=member&pagelen=1`;
    case 'repositories':
      return ws && `${BASE}/repositories/${ws}?pagelen=1`;
    case 'projects':
      return ws && `${BASE}/workspaces/${ws}/projects?pagelen=1`;
    case 'pullrequests':
    case 'pipelines':
    case 'issues':
      return repo && `${BASE}/repositories/${repo}/${target}?pagelen=1`;
    case 'snippets':
      return `${BASE}/snippets?role=member&pagelen=1`;
  }
}

const PROBE_NEEDS: Partial<Record<ProbeTarget, string>> = {
  workspace: 'a workspace in `project`',
  projects: 'a workspace in `project`',
  pullrequests: 'a repository in `project` (workspace/repo_slug)',
  pipelines: 'a repository in `project` (workspace/repo_slug)',
  issues: 'a repository in `project` (workspace/repo_slug)',
};

// ───────────────────────────── the check ─────────────────────────────

interface Wanted {
  id: string;
  perm: BitbucketPermission;
}

function wantedScopes(requiredScopes: readonly string[], family: ScopeFamily, label: string, findings: Finding[]): Wanted[] {
  const wanted: Wanted[] = [];
  for (const text of requiredScopes) {
    const perm = findBitbucketPermission(text);
    const id = perm && scopeId(perm, family);
    if (!perm || !id) {
      findings.push(
        finding(
          'scope.unknown',
          'error',
          perm
            ? `"${text}" (${perm.portal}) has no equivalent for this token type (${label}).`
            : `"${text}" is not a Bitbucket Cloud scope.`,
          family === 'api-token'
            ? 'Use an API-token scope such as read:repository:bitbucket, or a permission name such as "Pull requests: Read".'
            : 'Use a scope such as repository, repository:write, pullrequest, pipeline, or a permission name such as "Repositories: Read".',
        ),
      );
      continue;
    }
    if (!wanted.some((w) => w.id === id)) wanted.push({ id, perm });
  }
  return wanted;
}

async function check(http: HttpClient, input: OnlineInput): Promise<OnlineResult> {
  const findings: Finding[] = [];
  const kind = kindOf(input.token);
  const family = scopeFamily(input.token.kind);
  const wanted = wantedScopes(input.requiredScopes, family, input.token.label, findings);
  const scopes = { required: wanted.map((w) => w.id), verified: [] as string[], missing: [] as string[], unverifiable: [] as string[] };
  const parsed = parseTarget(input.project);
  if ('code' in parsed) return { findings: [...findings, parsed], scopes };
  const t = parsed;

  // One request per URL: a lookup and a probe that share a URL share the answer.
  const cache = new Map<string, Promise<HttpOutcome>>();
  const get = (url: string): Promise<HttpOutcome> => {
    let p = cache.get(url);
    if (!p) cache.set(url, (p = http.get(url)));
    return p;
  };
  const answers: HttpOutcome[] = [];
  const fetchAll = async (urls: (string | undefined)[]): Promise<void> => {
    const list = [...new Set(urls.filter((u): u is string => !!u))];
    answers.push(...(await Promise.all(list.map(get))));
  };
  const header = (name: string): string | undefined =>
    answers.find((r): r is HttpResponse => r.kind === 'response' && !!r.headers[name]?.trim())?.headers[name];

  // Round 1 (user credentials): who is it?
  let identity: Identity | undefined;
  let userDenied: HttpResponse | undefined;
  if (kind !== 'access-token') {
    const r = await get(`${BASE}/user`);
    answers.push(r);
    if (r.kind === 'network' || isTrouble(r)) return { findings: [...findings, troubleFinding(r, 'identity')], scopes };
    if (r.status === 401) return { findings: [...findings, rejected(kind, r, input.username, input.now)], scopes };
    const u = jsonOf<{ display_name?: unknown; account_id?: unknown; uuid?: unknown; nickname?: unknown }>(r);
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
    if (u && !str(u.account_id) && !str(u.uuid))
      return { findings: [...findings, unexpectedResponse(r as HttpResponse, NAME, 'the identity response names no account')], scopes };
    if (u) {
      const id = str(u.account_id) ?? str(u.uuid);
      identity = { name: str(u.display_name) ?? str(u.nickname) ?? id!, ...(id ? { id } : {}) };
      findings.push(
        finding(
          'token.identity',
          'info',
          `Authenticated as ${identity.name}${id ? ` (${id})` : ''}${credentialTypeNote(r)}.`,
          'None needed; check it is the account you expect.',
        ),
      );
    } else if (r.status === 403) {
      // Accepted, but without the scope that reveals the account (read:user:bitbucket / account).
      userDenied = r;
      const need = bbError(r).required[0] ?? (family === 'api-token' ? 'read:user:bitbucket' : 'account');
      findings.push(
        finding(
          'token.identity',
          'info',
          `The credential was accepted, but it cannot read its own account (403: it lacks ${need}), so the identity is unknown.${credentialTypeNote(r)}`,
          `Nothing to fix unless later steps need the account; to see it here, use a token with ${need}.`,
        ),
      );
    } else {
      return { findings: [...findings, unexpectedResponse(r, NAME, 'identity')], scopes };
    }
  }

  // Round 2 (round 1 for access tokens): lookups, and the read probes when the scopes are unknown.
  const lookups: (string | undefined)[] = [];
  if (t.repo) lookups.push(probeUrl('repository', t), kind === 'access-token' ? probeUrl('repositories', t) : probeUrl('workspace', t));
  else if (t.ws) lookups.push(probeUrl('repositories', t), ...(kind === 'access-token' ? [] : [probeUrl('workspace', t)]));
  else if (kind === 'access-token') lookups.push(probeUrl('repository', t));
  const probeTargets = wanted.map((w) => w.perm.probe).filter((p): p is ProbeTarget => !!p && !(p === 'user' && kind === 'access-token'));
  const probes = probeTargets.map((p) => probeUrl(p, t));
  const scopesUnknown = (): boolean => parseScopeHeader(header('x-oauth-scopes')) === undefined;
  await fetchAll([...lookups, ...(scopesUnknown() && kind !== 'access-token' ? probes : [])]);
  if (scopesUnknown() && probes.length) await fetchAll(probes); // access tokens without the header

  // Access tokens: the first authenticated answer tells whether the token works at all.
  if (kind === 'access-token') {
    const refused = answers.find((r): r is HttpResponse => r.kind === 'response' && r.status === 401);
    if (refused) return { findings: [...findings, rejected(kind, refused, input.username, input.now)], scopes };
    if (answers.length && answers.every(isTrouble))
      return { findings: [...findings, troubleFinding(answers[0]!, 'access token check')], scopes };
    const type = header('x-credential-type');
    identity = { name: CREDENTIAL_TYPES[type ?? ''] ?? 'Bitbucket access token', ...(type ? { id: type } : {}) };
    if (answers.some((r) => r.kind === 'response' && r.status !== 401 && !isTrouble(r))) {
      findings.push(
        finding(
          'token.identity',
          'info',
          `Authenticated as a ${identity.name}${type ? ` (x-credential-type: ${type})` : ''}; access tokens act as their own pseudo-user.`,
          'None needed.',
        ),
      );
    }
  }

  // Project lookups.
  let canonical: string | undefined;
  if (t.ws) {
    const p = await readProject(t, kind, get, input.now);
    findings.push(...p.findings);
    canonical = p.canonical;
  }

  // Scopes: the header when there is one, else the probes.
  const granted = parseScopeHeader(header('x-oauth-scopes'));
  if (granted) {
    findings.push(
      finding('scope.granted', 'info', `Bitbucket says the token carries: ${granted.join(', ')} (x-oauth-scopes).`, 'None needed.'),
    );
    const eff = effectiveScopes(granted, family);
    for (const w of wanted) {
      const other = scopeId(w.perm, family === 'oauth' ? 'api-token' : 'oauth');
      if (eff.has(w.id) || (other && eff.has(other))) scopes.verified.push(w.id);
      else {
        scopes.missing.push(w.id);
        findings.push(
          finding(
            'scope.missing',
            'error',
            `The token lacks ${w.id} ("${w.perm.portal}")${noImplicationNote(w, granted, family)}.`,
            addScopeHint(kind, w.perm, w.id),
          ),
        );
      }
    }
  } else {
    for (const w of wanted) {
      const verdict = await probeVerdict(w, t, kind, get, userDenied);
      if (verdict.kind === 'verified') scopes.verified.push(w.id);
      else if (verdict.kind === 'missing') {
        scopes.missing.push(w.id);
        findings.push(
          finding(
            'scope.missing',
            'error',
            `The token lacks ${w.id} ("${w.perm.portal}"): ${verdict.why}.`,
            addScopeHint(kind, w.perm, w.id),
          ),
        );
      } else {
        scopes.unverifiable.push(w.id);
        if (verdict.trouble) {
          if (!findings.some((f) => f.code === verdict.trouble!.code)) findings.push(verdict.trouble);
        } else {
          findings.push(
            finding(
              'scope.unverifiable',
              'warning',
              `${w.id} ("${w.perm.portal}") could not be verified: ${verdict.why}.`,
              "Nothing to fix here; check the token's scopes where it was created if later steps fail.",
            ),
          );
        }
      }
    }
  }
  if (scopes.verified.length)
    findings.push(
      finding(
        'scope.verified',
        'info',
        `Verified: ${scopes.verified.join(', ')}${granted ? ' (from the x-oauth-scopes header)' : ' (with read-only requests)'}.`,
        'None needed.',
      ),
    );
  return { findings, identity, projectCanonical: canonical, scopes };
}

function credentialTypeNote(r: HttpResponse): string {
  const type = r.headers['x-credential-type'];
  return type ? ` (x-credential-type: ${type})` : '';
}

/** For API tokens, a write/admin scope without its read one is a common surprise: say so. */
function noImplicationNote(w: Wanted, granted: readonly string[], family: ScopeFamily): string {
  if (family !== 'api-token') return '';
  const area = /^read:(.+)$/.exec(w.id)?.[1];
  const stronger = area ? granted.filter((g) => g !== w.id && g.endsWith(`:${area}`)) : [];
  return stronger.length ? `; it has ${stronger.join(', ')}, but API-token scopes imply nothing (write does not include read)` : '';
}

type Verdict = { kind: 'verified' } | { kind: 'missing'; why: string } | { kind: 'unverifiable'; why: string; trouble?: Finding };

async function probeVerdict(
  w: Wanted,
  t: Target,
  kind: Kind,
  get: (url: string) => Promise<HttpOutcome>,
  userDenied: HttpResponse | undefined,
): Promise<Verdict> {
  const target = w.perm.probe;
  if (!target)
    return {
      kind: 'unverifiable',
      why: 'no read-only request proves it (write, admin and delete scopes gate only changes), and Bitbucket did not send the x-oauth-scopes header',
    };
  if (target === 'user' && kind === 'access-token') return { kind: 'unverifiable', why: 'access tokens cannot read /2.0/user' };
  if (target === 'user' && userDenied) return { kind: 'missing', why: 'GET /2.0/user was denied (403)' };
  const url = probeUrl(target, t);
  if (!url) return { kind: 'unverifiable', why: `its probe needs ${PROBE_NEEDS[target] ?? 'a project'}` };
  const r = await get(url);
  const path = new URL(url).pathname;
  if (r.kind === 'network' || isTrouble(r))
    return { kind: 'unverifiable', why: 'the provider could not be asked', trouble: troubleFinding(r, 'scope probe') };
  if (ok(r)) return { kind: 'verified' };
  if (isScopeDenial(r)) return { kind: 'missing', why: `GET ${path} was denied for lack of scope (403)` };
  if (r.status === 401) return { kind: 'missing', why: `GET ${path} was refused (401)` };
  if (r.status === 403)
    return { kind: 'unverifiable', why: `GET ${path} was refused (403) for lack of permission on the resource, not of scope` };
  return {
    kind: 'unverifiable',
    why: `GET ${path} answered ${r.status}${r.status === 404 ? ' (not found, or the feature is disabled there)' : ''}`,
  };
}

interface ProjectResult {
  findings: Finding[];
  canonical?: string;
}

async function readProject(t: Target, kind: Kind, get: (url: string) => Promise<HttpOutcome>, now: Date): Promise<ProjectResult> {
  const ws = t.ws!;
  // Which answers tell whether the workspace exists (all fetched already, in the same round).
  const evidenceUrls =
    kind === 'access-token'
      ? [probeUrl('repositories', t)!]
      : t.repo
        ? [probeUrl('workspace', t)!]
        : [probeUrl('repositories', t)!, probeUrl('workspace', t)!];
  const wsAnswers = await Promise.all(evidenceUrls.map(get));
  const wsLookup = kind === 'access-token' ? undefined : await get(probeUrl('workspace', t)!);
  const wsFound = wsAnswers.some(ok);
  const wsMissing = !wsFound && wsAnswers.some((r) => r.kind === 'response' && r.status === 404);
  const orgNotFound = finding(
    'url.org-not-found',
    'error',
    `The Bitbucket workspace "${ws}" does not exist (404).`,
    'Check the workspace id in `project` (it is the first part of https://bitbucket.org/{workspace}/{repo}).',
  );

  if (t.repo) {
    const requested = `${ws}/${t.repo}`;
    const r = await get(probeUrl('repository', t)!);
    if (r.kind === 'network' || isTrouble(r)) return { findings: [troubleFinding(r, 'repository lookup')] };
    const repo = jsonOf<{ full_name?: unknown; slug?: unknown }>(r);
    if (repo && typeof repo.full_name !== 'string' && typeof repo.slug !== 'string')
      return { findings: [unexpectedResponse(r as HttpResponse, NAME, 'the repository response names no repository')] };
    if (repo) {
      const name = typeof repo.full_name === 'string' ? repo.full_name : `${ws}/${String(repo.slug)}`;
      // Compare each part the user spelled as a slug; a `{uuid}` part names the resource by id.
      const [nameWs, nameRepo] = name.split('/');
      if ((!isUuid(ws) && nameWs !== ws) || (!isUuid(t.repo) && nameRepo !== t.repo)) {
        return {
          canonical: name,
          findings: [
            finding(
              'project.case-mismatch',
              'error',
              `The repository exists as "${name}", not "${requested}"; Bitbucket matched it ignoring case, but later steps that compare names exactly will not.`,
              `Use "${name}" exactly.`,
            ),
          ],
        };
      }
      return { canonical: name, findings: [] };
    }
    if (r.status === 404) {
      if (wsMissing) return { findings: [orgNotFound] };
      // Only to explain the miss: which repositories of the workspace can the token see?
      const list = jsonOf<{ values?: Array<{ slug?: unknown }> }>(await get(`${BASE}/repositories/${enc(ws)}?pagelen=100`));
      const slugs = (Array.isArray(list?.values) ? list.values : []).map((v) => v?.slug).filter((x): x is string => typeof x === 'string');
      const near = closestNames(t.repo, slugs, 3).map((n) => `${ws}/${n}`);
      return {
        findings: [
          finding(
            'project.not-found',
            'error',
            `The repository "${requested}" was not found (404): it does not exist, or the ${kind === 'access-token' ? 'access token' : 'account'} has no access to it${wsFound ? ` (the workspace "${ws}" exists)` : ''}.${near.length ? ` Closest names the token can see: ${near.map((n) => `"${n}"`).join(', ')}.` : ''}`,
            near.length
              ? `Use the exact repository slug, e.g. "${near[0]}".`
              : kind === 'access-token'
                ? 'Check the repository slug, and that the access token belongs to this repository, its project or its workspace.'
                : "Check the repository slug (as in https://bitbucket.org/{workspace}/{repo_slug}) and that the token's account can see it.",
          ),
        ],
      };
    }
    return { findings: [deniedLookup(r, kind, `the repository "${requested}"`, 'read:repository:bitbucket', 'repository', now)] };
  }

  // Workspace only.
  if (wsFound) {
    const w = jsonOf<{ slug?: unknown }>(wsLookup);
    const slug = typeof w?.slug === 'string' ? w.slug : undefined;
    if (slug && slug !== ws && !isUuid(ws)) {
      return {
        canonical: slug,
        findings: [
          finding(
            'project.case-mismatch',
            'error',
            `The workspace exists as "${slug}", not "${ws}"; later steps that compare names exactly will not match it.`,
            `Use "${slug}" exactly.`,
          ),
        ],
      };
    }
    return { canonical: slug ?? ws, findings: [] };
  }
  if (wsMissing) return { findings: [orgNotFound] };
  const trouble = wsAnswers.find(isTrouble);
  if (trouble) return { findings: [troubleFinding(trouble, 'workspace lookup')] };
  const denial = wsAnswers.find((r): r is HttpResponse => r.kind === 'response');
  return denial
    ? { findings: [deniedLookup(denial, kind, `the workspace "${ws}"`, 'read:workspace:bitbucket', 'team', now)] }
    : { findings: [] };
}

function deniedLookup(r: HttpResponse, kind: Kind, what: string, apiScope: string, oauthScope: string, now: Date): Finding {
  const fam: ScopeFamily = kind === 'api-token' ? 'api-token' : 'oauth';
  if (isScopeDenial(r)) {
    const need = bbError(r).required.join(', ') || (fam === 'api-token' ? apiScope : oauthScope);
    const perm = permissionById(bbError(r).required[0] ?? (fam === 'api-token' ? apiScope : oauthScope));
    return finding(
      'scope.missing',
      'error',
      `The token cannot look up ${what}: it lacks ${need} (403).`,
      perm ? addScopeHint(kind, perm, scopeId(perm, fam) ?? need) : `Create a token with ${need} and update the secret.`,
    );
  }
  if (r.status === 401) return rejected(kind, r, undefined, now);
  if (r.status === 403) {
    return finding(
      'scope.missing',
      'error',
      `The ${kind === 'access-token' ? 'access token' : 'account'} has no permission to read ${what} (403${bbError(r).message ? `: "${bbError(r).message}"` : ''}).`,
      kind === 'access-token'
        ? 'Use an access token created for this repository, its project or its workspace.'
        : "Ask a workspace admin to give the token's account read access, or use a token of an account that has it.",
    );
  }
  return unexpectedResponse(r, NAME, `lookup of ${what}`);
}

export const bitbucketOnline: OnlineChecks = {
  credential,
  credentialOrigins: () => [ORIGIN],
  check,
};
