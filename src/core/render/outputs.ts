/**
 * The step's outputs (action outputs, task output variables) and its one-line failure reason, for one
 * credential or several: computed once so the action and the task give the same values. Names are
 * camelCase (the task's spelling); the action spells them kebab-case.
 */
import { soonestExpiry, type MultiReport } from '../preflight-many.js';
import type { Report } from '../report.js';

export interface StepOutputs {
  outcome: string;
  /** Who the token is; empty with several credentials (each row has its own, in `report`). */
  identity: string;
  /** With several credentials: the soonest expiry of the rows. */
  expiresAt: string;
  daysRemaining: string;
  project: string;
  tokenKind: string;
  /** The whole report as JSON (schemaVersion 1). */
  report: string;
}

export const isMulti = (r: Report | MultiReport): r is MultiReport => 'credentials' in r;

export function stepOutputs(r: Report | MultiReport): StepOutputs {
  if (isMulti(r)) {
    const soonest = soonestExpiry(r);
    return {
      outcome: r.outcome,
      identity: '',
      expiresAt: soonest?.expiresAt ?? '',
      daysRemaining: soonest?.daysRemaining == null ? '' : String(soonest.daysRemaining),
      project: '',
      tokenKind: '',
      report: JSON.stringify(r),
    };
  }
  return {
    outcome: r.outcome,
    identity: r.identity?.name ?? '',
    expiresAt: r.expiresAt ?? '',
    daysRemaining: r.daysRemaining === null ? '' : String(r.daysRemaining),
    project: r.project.canonical ?? r.project.requested ?? '',
    tokenKind: r.tokenKind ?? '',
    report: JSON.stringify(r),
  };
}

/** The outcome's one-line reason for the step result: the first error, or each failing credential's. */
export function failureLine(r: Report | MultiReport): string {
  if (!isMulti(r)) {
    const first = r.findings.find((f) => f.severity === 'error');
    return `credential-preflight ${r.outcome}: ${first ? `${first.code}: ${first.message}` : 'see the findings above'}`;
  }
  const reasons = [
    ...r.findings.filter((f) => f.severity === 'error').map((f) => `${f.code}: ${f.message}`),
    ...r.credentials
      .filter((c) => c.report.outcome === 'failed' || c.report.outcome === 'unverified')
      .map((c) => {
        const first = c.report.findings.find((f) => f.severity !== 'info');
        return `${c.name}: ${first ? first.code : c.report.outcome}`;
      }),
  ];
  return `credential-preflight ${r.outcome}: ${reasons.join('; ') || 'see the findings above'}`;
}
