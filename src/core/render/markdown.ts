/** The report as Markdown: the GitHub job summary and the Azure Pipelines run summary share it. */
import type { Finding, Outcome, Report } from '../report.js';
import { factRows } from './facts.js';

const OUTCOME_BADGE: Record<Outcome, string> = {
  passed: '✅ passed',
  warned: '⚠️ passed with warnings',
  failed: '❌ failed',
  unverified: '❔ unverified (provider not reachable)',
};
const SEVERITY_BADGE: Record<Finding['severity'], string> = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ note' };

/** Table cells: no pipes or line breaks may escape, and no HTML is interpreted. */
export function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(report: Report, title = 'credential-preflight'): string {
  const lines: string[] = [];
  lines.push(`### ${cell(title)}: ${OUTCOME_BADGE[report.outcome]}`, '');
  lines.push('| Check | Result |', '| --- | --- |');
  for (const row of factRows(report)) lines.push(`| ${row.label} | ${cell(row.value)} |`);
  lines.push('');
  if (report.findings.length > 0) {
    lines.push('| Result | Code | Detail | Fix |', '| --- | --- | --- | --- |');
    for (const f of report.findings) {
      lines.push(`| ${SEVERITY_BADGE[f.severity]} | \`${f.code}\` | ${cell(f.message)} | ${cell(f.hint)} |`);
    }
    lines.push('');
  }
  lines.push(`<sub>Checked in ${Math.round(report.timings.totalMs)} ms.</sub>`, '');
  return lines.join('\n');
}
