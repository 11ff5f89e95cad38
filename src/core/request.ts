/**
 * From raw front-end inputs (strings, as every platform hands them over) and the environment to one
 * validated CheckRequest. Shared by the action, the task and the CLI so they accept exactly the same
 * values and the same environment conventions.
 */
import { finding, PROVIDERS, type Finding, type ProviderId } from './report.js';
import type { TokenTypeHint } from './providers/types.js';

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

/**
 * How the front end spells its inputs, so a message names the one the user set: `kebab` for the
 * action, the CLI and the credentials file (`min-days-remaining`), `camel` for the task (`minDaysRemaining`).
 */
export type InputNaming = 'kebab' | 'camel';
const inputName = (key: keyof RawInputs, naming: InputNaming): string =>
  naming === 'camel' ? key : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

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

const PROVIDER_ALIASES: Record<string, ProviderId | 'auto'> = {
  ado: 'azure-devops',
  azdo: 'azure-devops',
  azuredevops: 'azure-devops',
  'azure-devops-server': 'azure-devops',
  tfs: 'azure-devops',
  gh: 'github',
  ghes: 'github',
  'github-enterprise': 'github',
  gl: 'gitlab',
  bb: 'bitbucket',
  'bitbucket-cloud': 'bitbucket',
};

/** A provider name as users type it (`Azure DevOps`, `ado`, `GitHub`); undefined when unknown. Empty means auto. */
export function parseProvider(text: string | undefined): ProviderId | 'auto' | undefined {
  const t = (blank(text) ?? 'auto')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (t === 'auto' || (PROVIDERS as readonly string[]).includes(t)) return t as ProviderId | 'auto';
  return PROVIDER_ALIASES[t];
}

/**
 * The token from the environment: the variable the user named, or the first conventional one that is
 * set for the provider. `source` says where it was looked for, for the `token.missing` message.
 */
export function tokenFromEnv(
  providerText: string | undefined,
  env: Env,
  explicitName?: string,
): { value: string | undefined; source: string } {
  if (explicitName) return { value: env[explicitName], source: `environment variable ${explicitName}` };
  const names = TOKEN_ENV_NAMES[parseProvider(providerText) ?? 'auto'];
  const found = names.find((n) => blank(env[n]) !== undefined);
  return found
    ? { value: env[found], source: `environment variable ${found}` }
    : { value: undefined, source: `environment variables ${names.join(', ')}` };
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

export function resolveRequest(raw: RawInputs, env: Env, naming: InputNaming = 'kebab'): { request: CheckRequest; findings: Finding[] } {
  const findings: Finding[] = [];
  const name = (key: keyof RawInputs): string => inputName(key, naming);

  let provider = parseProvider(raw.provider) ?? 'auto';
  if (parseProvider(raw.provider) === undefined) {
    findings.push(
      finding('config.invalid', 'error', `Unknown provider ${JSON.stringify(raw.provider)}.`, `Use one of: auto, ${PROVIDERS.join(', ')}.`),
    );
  }

  const tokenTypeText = (blank(raw.tokenType) ?? 'auto').trim().toLowerCase();
  let tokenType: TokenTypeHint = 'auto';
  if (['system-access-token', 'system.accesstoken', 'systemaccesstoken'].includes(tokenTypeText)) tokenType = 'system-access-token';
  else if (tokenTypeText !== 'auto') {
    findings.push(
      finding(
        'config.invalid',
        'error',
        `Unknown token type ${JSON.stringify(raw.tokenType)}.`,
        'Use `auto`, or `system-access-token` for the Azure Pipelines job token.',
      ),
    );
  }
  if (tokenType === 'system-access-token' && provider === 'auto') provider = 'azure-devops';

  const defaults = environmentDefaults(env);
  let url = blank(raw.url);
  let project = blank(raw.project);
  if (provider !== 'auto') {
    url ??= defaults.url[provider];
    project ??= defaults.project[provider];
  }

  let minDaysRemaining = DEFAULT_MIN_DAYS_REMAINING;
  const minText = blank(raw.minDaysRemaining)?.trim();
  if (minText !== undefined) {
    const n = Number(minText);
    if (!Number.isFinite(n) || n < 0 || !/^\d+(\.\d+)?$/.test(minText)) {
      findings.push(
        finding(
          'config.invalid',
          'error',
          `\`${name('minDaysRemaining')}\` must be a number of days (0 or more), not ${JSON.stringify(raw.minDaysRemaining)}.`,
          'Set it to e.g. 7, or 0 to turn the expiry warning off.',
        ),
      );
    } else minDaysRemaining = n;
  }

  let timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000;
  const timeoutText = blank(raw.timeoutSeconds)?.trim();
  if (timeoutText !== undefined) {
    const n = Number(timeoutText);
    if (!/^\d+(\.\d+)?$/.test(timeoutText) || n < 1 || n > MAX_TIMEOUT_SECONDS) {
      findings.push(
        finding(
          'config.invalid',
          'error',
          `\`${name('timeoutSeconds')}\` must be a number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, not ${JSON.stringify(raw.timeoutSeconds)}.`,
          `Set it to e.g. ${DEFAULT_TIMEOUT_SECONDS} (the default), or more behind a slow proxy.`,
        ),
      );
    } else timeoutMs = Math.round(n * 1000);
  }

  let expiresOn: Date | undefined;
  const expiresText = blank(raw.expiresOn)?.trim();
  if (expiresText !== undefined) {
    // A bare date means the end of that day in UTC (the portal shows dates, not times).
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(expiresText) ? new Date(`${expiresText}T23:59:59Z`) : new Date(expiresText);
    if (Number.isNaN(parsed.getTime())) {
      findings.push(
        finding(
          'config.invalid',
          'error',
          `\`${name('expiresOn')}\` must be a date such as 2027-03-31, not ${JSON.stringify(raw.expiresOn)}.`,
          'Use the expiry date shown when the token was created, as YYYY-MM-DD.',
        ),
      );
    } else expiresOn = parsed;
  }

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
      offline: parseBool(name('offline'), raw.offline, findings),
      failOnWarning: parseBool(name('failOnWarning'), raw.failOnWarning, findings),
    },
    findings,
  };
}
