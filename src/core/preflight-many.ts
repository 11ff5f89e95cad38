/**
 * Several credentials in one step: one CheckRequest per config entry (through resolveRequest, so the
 * file accepts exactly what the inputs accept), all checked concurrently with the unchanged
 * runPreflight, combined into one report with a row per credential.
 */
import type { ConfigResult, CredentialsConfig } from './config.js';
import type { Dispatcher } from 'undici';
import type { HttpLogEntry } from './http/log.js';
import { loadNetworkStack } from './http/load.js';
import { runPreflight, type PreflightDeps } from './preflight.js';
import { decideOutcome, finding, sortFindings, type Finding, type Outcome, type Report } from './report.js';
import { resolveRequest, tokenFromEnv, type CheckRequest, type Env, type InputNaming, type RawInputs } from './request.js';
import { secretForms } from './secrets.js';

export interface CredentialResult {
  /** The row label (`name` in the file). */
  name: string;
  /** The environment variable the token was read from. */
  tokenEnv: string;
  /** The single-credential report, exactly as single mode produces it. */
  report: Report;
}

/** The multi-credential report (`--format json` and the `report` output with `config`). */
export interface MultiReport {
  schemaVersion: 1;
  /** The worst outcome of the rows (and of the file's own findings). */
  outcome: Outcome;
  /** The credentials file, as given. */
  config: string | null;
  /** Findings about the file or the step's inputs (`config.file`, `config.invalid`); the rows hold the rest. */
  findings: Finding[];
  /** One entry per credential, in file order. */
  credentials: CredentialResult[];
  timings: { totalMs: number };
}

/** Connections per host shared by all credentials of one step: enough to overlap, few enough not to storm a server. */
const MAX_SHARED_CONNECTIONS = 32;

const OUTCOME_RANK: Record<Outcome, number> = { failed: 0, unverified: 1, warned: 2, passed: 3 };

export interface PlannedCheck {
  name: string;
  tokenEnv: string;
  request: CheckRequest;
  findings: Finding[];
}

export interface Plan {
  checks: PlannedCheck[];
  /** Every form of every token: the adapters mask all of them before anything runs. */
  secrets: string[];
  failOnWarning: boolean;
}

/** Step-level switches that apply to every credential when set (they can only make a check stricter). */
export interface PlanOverrides {
  offline?: boolean;
  failOnWarning?: boolean;
  /** The step's `timeout-seconds`, for entries that set none. */
  timeoutSeconds?: string;
  /** The step's `min-days-remaining`, for entries that set none. */
  minDaysRemaining?: string;
}

/** The step's own inputs next to `config`, as text (as every front end hands them over). */
export type StepInputs = Pick<RawInputs, 'offline' | 'failOnWarning' | 'timeoutSeconds' | 'minDaysRemaining'>;

/**
 * The step-level settings, checked once by the rules of the inputs: an invalid value is one
 * `config.invalid` finding for the step (which stops the run), not a copy in every row, and never
 * silently ignored. Shared by the three front ends so they accept the same values.
 */
export function stepOverrides(raw: StepInputs, naming: InputNaming = 'kebab'): { overrides: PlanOverrides; findings: Finding[] } {
  const { request, findings } = resolveRequest(raw, {}, naming);
  return {
    overrides: {
      offline: request.offline,
      failOnWarning: request.failOnWarning,
      timeoutSeconds: raw.timeoutSeconds,
      minDaysRemaining: raw.minDaysRemaining,
    },
    findings,
  };
}

export function planChecks(config: CredentialsConfig, env: Env, overrides: PlanOverrides = {}): Plan {
  const failOnWarning = config.failOnWarning || !!overrides.failOnWarning;
  const secrets = new Set<string>();
  const checks = config.entries.map((entry) => {
    // Read as `--token-env` reads its variable, so an entry gets the same provider hint from the
    // variable's name and the same fix when the variable is not set.
    const { value: token, source, origin } = tokenFromEnv(entry.inputs.provider, env, entry.tokenEnv);
    for (const form of secretForms(token, entry.inputs.username)) secrets.add(form);
    const { request, findings } = resolveRequest(
      {
        ...entry.inputs,
        token,
        offline: overrides.offline ? 'true' : entry.inputs.offline,
        failOnWarning: String(failOnWarning),
        timeoutSeconds: entry.inputs.timeoutSeconds ?? (overrides.timeoutSeconds || undefined),
        minDaysRemaining: entry.inputs.minDaysRemaining ?? (overrides.minDaysRemaining || undefined),
      },
      env,
    );
    request.tokenSource = source;
    request.tokenOrigin = origin;
    return { name: entry.name, tokenEnv: entry.tokenEnv, request, findings };
  });
  return { checks, secrets: [...secrets], failOnWarning };
}

/**
 * The plan for a parsed file, and everything to mask before it runs: every form of every entry's
 * token, any token pasted into the file, and a stray single-credential token the step also got.
 */
export function planFromConfig(
  parsed: ConfigResult,
  env: Env,
  overrides: PlanOverrides = {},
  stray: ReadonlyArray<string | undefined> = [],
): { plan: Plan | undefined; secrets: string[] } {
  const plan = parsed.config ? planChecks(parsed.config, env, overrides) : undefined;
  const secrets = new Set([
    ...(plan?.secrets ?? []),
    ...parsed.secrets.flatMap((s) => secretForms(s)),
    ...stray.flatMap((s) => secretForms(s || undefined)),
  ]);
  return { plan, secrets: [...secrets] };
}

/** Single-credential inputs set next to `config`: an error, since which one wins would be a guess. */
export function inputsBesideConfig(names: readonly string[], option = 'config'): Finding[] {
  if (names.length === 0) return [];
  const list = names.map((n) => `\`${n}\``).join(', ');
  return [
    finding(
      'config.invalid',
      'error',
      `${list} cannot be combined with \`${option}\`: the credentials file lists every credential and its settings.`,
      'Remove them and put the values into the file (per credential, or under `defaults:`).',
    ),
  ];
}

/**
 * The combined outcome is the worst row (failed > unverified > warned > passed — the precedence of
 * decideOutcome); the file's own findings count as one more row. Not decideOutcome over the union of
 * findings: with fail-on-warning a warned row is failed, and must not be hidden by another row's
 * network trouble.
 */
export function combinedOutcome(
  fileFindings: readonly Finding[],
  reports: readonly Pick<Report, 'outcome'>[],
  failOnWarning: boolean,
): Outcome {
  const outcomes = [decideOutcome(fileFindings, failOnWarning), ...reports.map((r) => r.outcome)];
  return outcomes.reduce((worst, o) => (OUTCOME_RANK[o] < OUTCOME_RANK[worst] ? o : worst), 'passed' as Outcome);
}

export interface ManyDeps extends Omit<PreflightDeps, 'log'> {
  /** Debug log of each request, with the credential it belongs to. */
  log?: (name: string, entry: HttpLogEntry) => void;
}

/** The shared pool, loaded only when a check goes online: offline runs never load the network stack. */
async function sharedTransport(deps: ManyDeps, onlineChecks: number): Promise<Dispatcher> {
  const { CONNECTIONS_PER_CHECK, createTransport } = await loadNetworkStack();
  const connections = Math.min(MAX_SHARED_CONNECTIONS, CONNECTIONS_PER_CHECK * onlineChecks);
  return createTransport({ env: deps.env ?? {}, ...deps.transport, connections });
}

export async function runPreflightMany(
  plan: Plan | undefined,
  deps: ManyDeps,
  options: { config: string | null; findings?: Finding[] },
): Promise<MultiReport> {
  const started = deps.monotonic();
  const fileFindings = sortFindings(options.findings ?? []);
  const blocked = fileFindings.some((f) => f.severity === 'error');
  const checks = plan && !blocked ? plan.checks : [];
  const { log, ...rest } = deps;
  // One connection pool for all checks: organisations on one host share its connections (each
  // request still carries its own credential; origins are enforced per check), so 50 credentials
  // do not make ~175 TLS handshakes. The pool grows with the checks, up to a cap: with one
  // check's 8 connections per host, 100 credentials' 800 requests would queue for 5 s at 50 ms
  // latency (measured by npm run bench).
  const onlineChecks = checks.filter((c) => !c.request.offline).length;
  const dispatcher = deps.dispatcher ?? (onlineChecks ? await sharedTransport(deps, onlineChecks) : undefined);
  let reports: Report[];
  try {
    // Concurrently: every check waits on its own provider, so the step takes about as long as the slowest.
    reports = await Promise.all(
      checks.map((c) =>
        runPreflight(
          c.request,
          { ...rest, ...(dispatcher ? { dispatcher } : {}), log: log ? (e) => log(c.name, e) : undefined },
          c.findings,
        ).catch((e: unknown) => crashedRow(c, e)),
      ),
    );
  } finally {
    if (!deps.dispatcher) await dispatcher?.close();
  }
  return {
    schemaVersion: 1,
    outcome: combinedOutcome(fileFindings, reports, plan?.failOnWarning ?? false),
    config: options.config,
    findings: fileFindings,
    credentials: checks.map((c, i) => ({ name: c.name, tokenEnv: c.tokenEnv, report: reports[i]! })),
    timings: { totalMs: Math.round((deps.monotonic() - started) * 100) / 100 },
  };
}

/**
 * A check that threw (a bug, or an answer no reader expected) is that row's `unverified` finding:
 * nothing is known about its token, and the other rows are still checked and reported. The message
 * is the exception's first line only (the publication redacts it like every other text).
 */
function crashedRow(check: PlannedCheck, e: unknown): Report {
  const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
  const findings = [
    ...check.findings,
    finding(
      'network.unexpected-response',
      'error',
      `The check of this credential stopped on an internal error (${why}), so nothing is known about the token.`,
      'Re-run with debug logging and report this bug with the log; the other credentials were checked.',
    ),
  ];
  return {
    schemaVersion: 1,
    outcome: decideOutcome(findings, check.request.failOnWarning),
    provider: check.request.provider === 'auto' ? null : check.request.provider,
    tokenKind: null,
    tokenLabel: null,
    // Inputs are not repeated: a URL may carry userinfo, and the check never got to clean it.
    url: { input: null, normalized: null },
    identity: null,
    project: { requested: null, canonical: null },
    scopes: { required: [...check.request.requiredScopes], verified: [], missing: [], unverifiable: [] },
    expiresAt: null,
    expirySource: null,
    daysRemaining: null,
    findings: sortFindings(findings),
    timings: { totalMs: 0 },
  };
}

/** Rows for display: failing first, file order within an outcome. */
export function rowsWorstFirst(report: MultiReport): CredentialResult[] {
  return report.credentials
    .map((row, i) => ({ row, i }))
    .sort((a, b) => OUTCOME_RANK[a.row.report.outcome] - OUTCOME_RANK[b.row.report.outcome] || a.i - b.i)
    .map(({ row }) => row);
}

/** Every finding of the combined report with the credential it belongs to (null: the file / the step). */
export function allFindings(report: MultiReport): Array<{ name: string | null; finding: Finding }> {
  return [
    ...report.findings.map((f) => ({ name: null, finding: f })),
    ...report.credentials.flatMap((row) => row.report.findings.map((f) => ({ name: row.name, finding: f }))),
  ];
}

/**
 * The soonest expiry across the rows, for the step's `expires-at` / `days-remaining` outputs: the
 * fewest days remaining, then the earliest date. A row its provider called expired without a date
 * (no `expiresAt`, 0 days) counts, with an empty `expires-at`.
 */
export function soonestExpiry(report: MultiReport): { expiresAt: string | null; daysRemaining: number | null } | undefined {
  const known = report.credentials.map((r) => r.report).filter((r) => r.expiresAt !== null || r.daysRemaining !== null);
  if (known.length === 0) return undefined;
  const key = (r: Report) => [r.daysRemaining ?? Infinity, r.expiresAt === null ? -Infinity : Date.parse(r.expiresAt)] as const;
  const first = known.reduce((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return kb[0] < ka[0] || (kb[0] === ka[0] && kb[1] < ka[1]) ? b : a;
  });
  return { expiresAt: first.expiresAt, daysRemaining: first.daysRemaining };
}
