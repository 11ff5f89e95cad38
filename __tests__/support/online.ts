/**
 * Shared plumbing of the online tests (every provider): preflight dependencies with an injected
 * dispatcher and fast retries, one call from raw inputs to a report, and the report's verdict codes.
 */
import { runPreflight, type PreflightDeps } from '../../src/core/preflight.js';
import type { Report } from '../../src/core/report.js';
import { resolveRequest, type RawInputs } from '../../src/core/request.js';

/** Retries and timeouts short enough for tests, long enough for a loaded machine. */
export const TEST_HTTP: NonNullable<PreflightDeps['http']> = {
  minBackoffMs: 1,
  maxBackoffMs: 20,
  requestTimeoutMs: 2000,
  deadlineMs: 10_000,
};

/** Deps at a fixed `now`, talking through `dispatcher` (an emulator's, or a plain Agent for TLS tests). */
export function onlineDeps(now: Date, dispatcher?: PreflightDeps['dispatcher'], extra: Partial<PreflightDeps> = {}): PreflightDeps {
  return { now: () => now, monotonic: () => performance.now(), ...(dispatcher ? { dispatcher } : {}), http: TEST_HTTP, ...extra };
}

/** Resolve raw inputs (as a front end would, with an empty environment) and run the preflight. */
export function preflight(inputs: RawInputs, deps: PreflightDeps): Promise<Report> {
  const { request, findings } = resolveRequest(inputs, {});
  return runPreflight(request, deps, findings);
}

/** `code:severity` of every finding above info, in report order. */
export const verdictCodes = (r: Report): string[] => r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.code}:${f.severity}`);

/** The code of every finding, info included, in report order. */
export const allCodes = (r: Report): string[] => r.findings.map((f) => f.code);

/** Message and hint of every finding with `code`, one finding per line (so a pattern cannot span two). */
export const findingText = (r: Report, code: string, separator = '\n'): string =>
  r.findings
    .filter((f) => f.code === code)
    .map((f) => `${f.message} ${f.hint}`)
    .join(separator);
