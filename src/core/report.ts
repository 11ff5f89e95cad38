/**
 * The report model: the one contract every front end renders.
 * One place (decideOutcome) turns findings into an outcome, so the action, the task and the CLI
 * can never disagree about a verdict.
 */
import { CODES, type FindingCode } from './codes.js';

export const PROVIDERS = ['azure-devops', 'github', 'gitlab', 'bitbucket'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export type Severity = 'error' | 'warning' | 'info';
export type Outcome = 'passed' | 'warned' | 'failed' | 'unverified';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** One line: what is wrong and why. Never contains the token. */
  message: string;
  /** What to do about it, concretely. */
  hint: string;
}

export interface Identity {
  name: string;
  id?: string;
}

export interface Report {
  schemaVersion: 1;
  outcome: Outcome;
  provider: ProviderId | null;
  /** Stable id of the token family, e.g. `azure-devops.pat`, `github.classic-pat`. */
  tokenKind: string | null;
  /** Human name of the token family, e.g. "Azure DevOps personal access token (84-character format)". */
  tokenLabel: string | null;
  url: { input: string | null; normalized: string | null };
  identity: Identity | null;
  project: { requested: string | null; canonical: string | null };
  scopes: { required: string[]; verified: string[]; missing: string[]; unverifiable: string[] };
  /** ISO 8601. With `expirySource: 'upper-bound'` the token expires at this instant or earlier. */
  expiresAt: string | null;
  expirySource: 'token' | 'upper-bound' | 'input' | 'provider' | null;
  daysRemaining: number | null;
  findings: Finding[];
  timings: { totalMs: number };
}

/** A finding; its hint is the catalogue's fix for the code unless the situation needs a more exact one. */
export function finding(code: FindingCode, severity: Severity, message: string, hint: string = CODES[code].fix): Finding {
  return { code, severity, message, hint };
}

/** Network trouble means we could not ask; it is never a verdict on the token. */
export function isNetworkCode(code: string): boolean {
  return code.startsWith('network.');
}

/**
 * The single outcome rule:
 * - any error that is not network trouble → failed (a known-bad credential beats "could not reach");
 * - otherwise any network error → unverified;
 * - otherwise any warning → warned (failed when fail-on-warning is set);
 * - otherwise passed.
 */
export function decideOutcome(findings: readonly Finding[], failOnWarning: boolean): Outcome {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.some((f) => !isNetworkCode(f.code))) return 'failed';
  if (errors.length > 0) return 'unverified';
  if (findings.some((f) => f.severity === 'warning')) return failOnWarning ? 'failed' : 'warned';
  return 'passed';
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then notes; stable within a severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}
