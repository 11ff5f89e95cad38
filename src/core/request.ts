/**
 * From raw front-end inputs (strings, as every platform hands them over) and the environment to one
 * validated CheckRequest. Shared by the action, the task and the CLI so they accept exactly the same
 * values and the same environment conventions.
 */
import { finding, PROVIDERS, type Finding, type ProviderId } from './report.js';
import type { TokenTypeHint } from './providers/types.js';
import { envValue } from './lookup.js';
import { describeVariables } from './token-source.js';
import { suggest } from './suggest.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface RawInputs {
  provider?: string;
  token?: string;
  tokenType?: string;
  url?: string;
  project?: string;
  username?: string;
  requiredScopes?: string;
  minDaysRemaining?: string;
  timeoutSeconds?: string;
  expiresOn?: string;
  offline?: string;
  failOnWarning?: string;
}

export interface CheckRequest {
  provider: ProviderId | 'auto';
  token: string | undefined;
  /** Where the token was read from, for the `token.missing` message (e.g. "environment variable X"). */
  tokenSource?: string;
  /** Read from standard input, or from this environment variable (`named`: the user chose it), for fixes that fit. */
  tokenOrigin?: TokenOrigin;
  /** How the front end spells its inputs, for every message that names one (see nameInputs). */
  naming?: InputNaming;
  tokenType: TokenTypeHint;
  url: string | undefined;
  project: string | undefined;
  username: string | undefined;
  requiredScopes: string[];
  minDaysRemaining: number;
  /** Overall budget for the online checks, retries and waits included. */
  timeoutMs: number;
  /** Expiry the user knows (a PAT cannot read its own): the date shown when it was created. */
  expiresOn: Date | undefined;
  /**
   * URL and project each provider would take from the environment, for when the provider is only
   * known after the token is read (provider `auto`). An explicit provider's default is already in
   * `url` / `project`.
   */
  defaults?: { url: Partial<Record<ProviderId, string>>; project: Partial<Record<ProviderId, string>> };
  offline: boolean;
  failOnWarning: boolean;
}

export const DEFAULT_MIN_DAYS_REMAINING = 7;
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** A preflight that waits longer than this costs more than the failure it prevents. */
const MAX_TIMEOUT_SECONDS = 600;

/** Environment variables each provider's users already keep their token in, most specific first. */
export const TOKEN_ENV_NAMES: Record<ProviderId | 'auto', string[]> = {
  'azure-devops': ['AZURE_DEVOPS_PAT', 'AZURE_DEVOPS_EXT_PAT', 'SYSTEM_ACCESSTOKEN'],
  github: ['GITHUB_TOKEN', 'GH_TOKEN'],
  gitlab: ['GITLAB_TOKEN', 'GL_TOKEN', 'CI_JOB_TOKEN'],
  bitbucket: ['BITBUCKET_TOKEN', 'BITBUCKET_API_TOKEN', 'BITBUCKET_ACCESS_TOKEN'],
  auto: ['AZURE_DEVOPS_PAT', 'AZURE_DEVOPS_EXT_PAT', 'GITHUB_TOKEN', 'GH_TOKEN', 'GITLAB_TOKEN', 'BITBUCKET_TOKEN', 'SYSTEM_ACCESSTOKEN'],
};

const blank = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);

export type TokenOrigin = { stdin: true } | { variable: string; named: boolean };

/**
 * How the front end spells its inputs, so a message names the one the user set: `kebab` for the
 * action and the credentials file (`min-days-remaining`), `camel` for the task (`minDaysRemaining`),
 * `flag` for the CLI (`--min-days-remaining`).
 */
export type InputNaming = 'kebab' | 'camel' | 'flag';
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const inputName = (key: keyof RawInputs, naming: InputNaming): string => {
  if (naming === 'camel') return key;
  return naming === 'flag' ? `--${kebab(key)}` : kebab(key);
};

/** Inputs messages name in backticks, by their kebab spelling (the token has no input of that name in the CLI). */
const NAMED_INPUTS: ReadonlyMap<string, keyof RawInputs> = new Map(
  (
    [
      'provider',
      'tokenType',
      'url',
      'project',
      'username',
      'requiredScopes',
      'minDaysRemaining',
      'timeoutSeconds',
      'expiresOn',
      'offline',
      'failOnWarning',
    ] as const
  ).map((k) => [kebab(k), k]),
);

/**
 * Messages name inputs as the action spells them (`` `expires-on` ``); this respells every such name
 * the way the front end that ran spells it (`` `expiresOn` `` in the task, `` `--expires-on` `` in the CLI).
 */
export function nameInputs(text: string, naming: InputNaming = 'kebab'): string {
  if (naming === 'kebab') return text;
  return text.replace(/`([a-z]+(?:-[a-z]+)*)`/g, (all, name: string) => {
    const key = NAMED_INPUTS.get(name);
    return key ? `\`${inputName(key, naming)}\`` : all;
  });
}

/** The finding with every input it names spelt the front end's way. */
export function namedFinding(f: Finding, naming: InputNaming | undefined): Finding {
  if (naming === undefined || naming === 'kebab') return f;
  return { ...f, message: nameInputs(f.message, naming), hint: nameInputs(f.hint, naming) };
}

/** The one reading of a boolean input (true/false, yes/no, on/off, 1/0); undefined when it is none. */
export function readBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return undefined;
}

function parseBool(name: string, value: string | undefined, findings: Finding[]): boolean {
  if (value === undefined || value.trim() === '') return false;
  const v = readBoolean(value);
  if (v !== undefined) return v;
  findings.push(
    finding(
      'config.invalid',
      'error',
      `\`${name}\` must be true or false, not ${JSON.stringify(value)}.`,
      `Set \`${name}\` to true or false.`,
    ),
  );
  return false;
}

/** Comma, semicolon or newline separated; portal names like "Work Items: Read & Write" keep their spaces. */
export function parseList(value: string | undefined): string[] {
  if (!value) return [];
  return [
    ...new Set(
      value
        .split(/[,;\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** A Map, not an object: a typed name such as `constructor` must not find Object.prototype's members. */
const PROVIDER_ALIASES: ReadonlyMap<string, ProviderId> = new Map([
  ['ado', 'azure-devops'],
  ['azdo', 'azure-devops'],
  ['azuredevops', 'azure-devops'],
  ['azure-devops-server', 'azure-devops'],
  ['tfs', 'azure-devops'],
  ['gh', 'github'],
  ['ghes', 'github'],
  ['github-enterprise', 'github'],
  ['gl', 'gitlab'],
  ['bb', 'bitbucket'],
  ['bitbucket-cloud', 'bitbucket'],
]);

/** A provider name as users type it (`Azure DevOps`, `ado`, `GitHub`); undefined when unknown. Empty means auto. */
export function parseProvider(text: string | undefined): ProviderId | 'auto' | undefined {
  const t = (blank(text) ?? 'auto')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (t === 'auto' || (PROVIDERS as readonly string[]).includes(t)) return t as ProviderId | 'auto';
  return PROVIDER_ALIASES.get(t);
}

/**
 * The token from the environment: the variable the user named, or the first conventional one that is
 * set for the provider. `source` says where it was looked for and, when there is no token, in what
 * state each variable was (unset, or set but empty), for the `token.missing` message.
 */
export function tokenFromEnv(
  providerText: string | undefined,
  env: Env,
  explicitName?: string,
): { value: string | undefined; source: string; origin?: TokenOrigin } {
  if (explicitName)
    return {
      value: envValue(env, explicitName),
      source: describeVariables(env, [explicitName]),
      origin: { variable: explicitName, named: true },
    };
  const names = TOKEN_ENV_NAMES[parseProvider(providerText) ?? 'auto'];
  const found = names.find((n) => blank(envValue(env, n)) !== undefined);
  return found
    ? { value: envValue(env, found), source: `environment variable ${found}`, origin: { variable: found, named: false } }
    : { value: undefined, source: describeVariables(env, names) };
}

/** The provider whose users conventionally keep their token in `variable` (GITHUB_TOKEN: GitHub), if any. */
export function providerOfVariable(variable: string | undefined): ProviderId | undefined {
  if (variable === undefined) return undefined;
  const name = variable.toUpperCase();
  return PROVIDERS.find((p) => TOKEN_ENV_NAMES[p].includes(name) || (p === 'bitbucket' && name.startsWith('BITBUCKET_')));
}

/**
 * Where each provider's users already keep the URL and project: Azure DevOps' AZURE_DEVOPS_ORG_URL
 * (or a bare AZURE_DEVOPS_ORG) and AZURE_DEVOPS_PROJECT; the API base GitHub runners export
 * (GHES: https://host/api/v3 — never assume api.github.com); GitLab CI's CI_API_V4_URL / CI_SERVER_URL.
 */
export function environmentDefaults(env: Env): NonNullable<CheckRequest['defaults']> {
  const orgName = blank(env.AZURE_DEVOPS_ORG)?.trim();
  const entries: Array<[ProviderId, string | undefined, string | undefined]> = [
    [
      'azure-devops',
      blank(env.AZURE_DEVOPS_ORG_URL) ?? (orgName ? `https://dev.azure.com/${encodeURIComponent(orgName)}` : undefined),
      blank(env.AZURE_DEVOPS_PROJECT),
    ],
    ['github', blank(env.GITHUB_API_URL), undefined],
    ['gitlab', blank(env.CI_API_V4_URL) ?? blank(env.CI_SERVER_URL), undefined],
  ];
  const url: Partial<Record<ProviderId, string>> = {};
  const project: Partial<Record<ProviderId, string>> = {};
  for (const [id, u, p] of entries) {
    if (u) url[id] = u.trim();
    if (p) project[id] = p.trim();
  }
  return { url, project };
}

function parseProviderInput(text: string | undefined, findings: Finding[]): ProviderId | 'auto' {
  const provider = parseProvider(text);
  if (provider !== undefined) return provider;
  const guess = suggest(text!.trim(), ['auto', ...PROVIDERS]);
  findings.push(
    finding(
      'config.invalid',
      'error',
      `Unknown provider ${JSON.stringify(text)}${guess ? `; did you mean ${guess}?` : '.'}`,
      `Use one of: auto, ${PROVIDERS.join(', ')}.`,
    ),
  );
  return 'auto';
}

function parseTokenType(text: string | undefined, findings: Finding[]): TokenTypeHint {
  const t = (blank(text) ?? 'auto').trim().toLowerCase();
  if (['system-access-token', 'system.accesstoken', 'systemaccesstoken'].includes(t)) return 'system-access-token';
  if (t !== 'auto')
    findings.push(
      finding(
        'config.invalid',
        'error',
        `Unknown token type ${JSON.stringify(text)}.`,
        'Use `auto`, or `system-access-token` for the Azure Pipelines job token.',
      ),
    );
  return 'auto';
}

function parseMinDaysRemaining(name: string, value: string | undefined, findings: Finding[]): number {
  const text = blank(value)?.trim();
  if (text === undefined) return DEFAULT_MIN_DAYS_REMAINING;
  const n = Number(text);
  if (Number.isFinite(n) && n >= 0 && /^\d+(\.\d+)?$/.test(text)) return n;
  findings.push(
    finding(
      'config.invalid',
      'error',
      `\`${name}\` must be a number of days (0 or more), not ${JSON.stringify(value)}.`,
      'Set it to e.g. 7, or 0 to turn the expiry warning off.',
    ),
  );
  return DEFAULT_MIN_DAYS_REMAINING;
}

function parseTimeoutMs(name: string, value: string | undefined, findings: Finding[]): number {
  const text = blank(value)?.trim();
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const n = Number(text);
  if (/^\d+(\.\d+)?$/.test(text) && n >= 1 && n <= MAX_TIMEOUT_SECONDS) return Math.round(n * 1000);
  findings.push(
    finding(
      'config.invalid',
      'error',
      `\`${name}\` must be a number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, not ${JSON.stringify(value)}.`,
      `Set it to e.g. ${DEFAULT_TIMEOUT_SECONDS} (the default), or more behind a slow proxy.`,
    ),
  );
  return DEFAULT_TIMEOUT_SECONDS * 1000;
}

function parseExpiresOn(name: string, value: string | undefined, findings: Finding[]): Date | undefined {
  const text = blank(value)?.trim();
  if (text === undefined) return undefined;
  // A bare date means the end of that day in UTC (the portal shows dates, not times).
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T23:59:59Z`) : new Date(text);
  if (!Number.isNaN(parsed.getTime())) return parsed;
  findings.push(
    finding(
      'config.invalid',
      'error',
      `\`${name}\` must be a date such as 2027-03-31, not ${JSON.stringify(value)}.`,
      'Use the expiry date shown when the token was created, as YYYY-MM-DD.',
    ),
  );
  return undefined;
}

export function resolveRequest(raw: RawInputs, env: Env, naming: InputNaming = 'kebab'): { request: CheckRequest; findings: Finding[] } {
  const findings: Finding[] = [];
  const name = (key: keyof RawInputs): string => inputName(key, naming);

  let provider = parseProviderInput(raw.provider, findings);
  const tokenType = parseTokenType(raw.tokenType, findings);
  if (tokenType === 'system-access-token' && provider === 'auto') provider = 'azure-devops';

  const defaults = environmentDefaults(env);
  let url = blank(raw.url);
  let project = blank(raw.project);
  if (provider !== 'auto') {
    url ??= defaults.url[provider];
    project ??= defaults.project[provider];
  }

  const minDaysRemaining = parseMinDaysRemaining(name('minDaysRemaining'), raw.minDaysRemaining, findings);
  const timeoutMs = parseTimeoutMs(name('timeoutSeconds'), raw.timeoutSeconds, findings);
  const expiresOn = parseExpiresOn(name('expiresOn'), raw.expiresOn, findings);

  return {
    request: {
      provider,
      token: raw.token,
      tokenType,
      url,
      project: project?.trim(),
      username: blank(raw.username)?.trim(),
      requiredScopes: parseList(raw.requiredScopes),
      minDaysRemaining,
      timeoutMs,
      expiresOn,
      ...(provider === 'auto' ? { defaults } : {}),
      naming,
      offline: parseBool(name('offline'), raw.offline, findings),
      failOnWarning: parseBool(name('failOnWarning'), raw.failOnWarning, findings),
    },
    findings,
  };
}
