/** The CLI's exit-code contract. */
import type { MultiReport } from '../core/preflight-many.js';
import type { Report } from '../core/report.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, unverified: 3 } as const;

/** 0 passed or warned · 1 failed · 2 usage or configuration error · 3 unverified. */
export function exitCodeFor(report: Report): number {
  if (report.findings.some((f) => f.severity === 'error' && f.code.startsWith('config.'))) return EXIT.usage;
  if (report.outcome === 'failed') return EXIT.failed;
  if (report.outcome === 'unverified') return EXIT.unverified;
  return EXIT.ok;
}

/** Several credentials: the same contract over the combined outcome; any configuration error is 2. */
export function exitCodeForMany(multi: MultiReport): number {
  const all = [...multi.findings, ...multi.credentials.flatMap((c) => c.report.findings)];
  if (all.some((f) => f.severity === 'error' && f.code.startsWith('config.'))) return EXIT.usage;
  if (multi.outcome === 'failed') return EXIT.failed;
  if (multi.outcome === 'unverified') return EXIT.unverified;
  return EXIT.ok;
}
