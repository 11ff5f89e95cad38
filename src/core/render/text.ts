/** The report as terminal text. Colour is the caller's choice (only on a TTY). */
import type { Finding, Outcome, Report } from '../report.js';
import { factRows } from './facts.js';

export interface TextOptions {
  color: boolean;
}

const ANSI = { red: '\x1b[31m', yellow: '\x1b[33m', green: '\x1b[32m', cyan: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
type Tint = keyof typeof ANSI;

const OUTCOME: Record<Outcome, [string, Tint]> = {
  passed: ['PASSED', 'green'],
  warned: ['PASSED WITH WARNINGS', 'yellow'],
  failed: ['FAILED', 'red'],
  unverified: ['UNVERIFIED (provider not reachable)', 'yellow'],
};
const SEVERITY: Record<Finding['severity'], [string, Tint]> = { error: ['error  ', 'red'], warning: ['warning', 'yellow'], info: ['note   ', 'cyan'] };

export function renderText(report: Report, options: TextOptions, title = 'credential-preflight'): string {
  const paint = (tint: Tint, s: string): string => (options.color ? `${ANSI[tint]}${s}${ANSI.reset}` : s);
  const [word, tint] = OUTCOME[report.outcome];
  const out: string[] = [`${title}: ${paint(tint, paint('bold', word))}`];
  for (const row of factRows(report)) out.push(`  ${row.label.padEnd(9)} ${row.value}`);
  if (report.findings.length) out.push('');
  for (const f of report.findings) {
    const [label, t] = SEVERITY[f.severity];
    out.push(`  ${paint(t, label)} ${f.code}: ${f.message}`);
    out.push(`          ${paint('dim', `fix: ${f.hint}`)}`);
  }
  return out.join('\n') + '\n';
}
