/**
 * The report as Markdown: the GitHub job summary and the Azure Pipelines run summary share it.
 * One table per credential — check, result, detail, fix — failing rows first (findings are already
 * sorted errors → warnings → notes), under one line with identity, project, scopes and expiry.
 */
import { rowsWorstFirst, type MultiReport } from '../preflight-many.js';
import type { Finding, Outcome, Report } from '../report.js';
import { daysText, identityText, projectText, scopesText } from './facts.js';
import { PROVIDER_MODULES } from '../providers/registry.js';

export const OUTCOME_BADGE: Record<Outcome, string> = {
  passed: '✅ passed',
  warned: '⚠️ passed with warnings',
  failed: '❌ failed',
  unverified: '❔ unverified (provider not reachable)',
};
const ROW_BADGE: Record<Outcome, string> = { passed: '✅ passed', warned: '⚠️ warned', failed: '❌ failed', unverified: '❔ unverified' };
const SEVERITY_BADGE: Record<Finding['severity'], string> = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ note' };

/**
 * Table cells: no pipes or line breaks may escape, and no HTML is interpreted. A backslash is escaped
 * first: GFM reads `\\|` as an escaped backslash followed by a cell border.
 */
export function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/**
 * Bare URLs and e-mail addresses are links on GitHub (GFM autolinks) even when every Markdown
 * character is escaped: a WORD JOINER (U+2060, invisible) after the scheme's colon, inside `www.`
 * and before `@` keeps them text.
 */
function unlinked(text: string): string {
  return text
    .replace(/:(?=\/\/)/g, ':\u2060')
    .replace(/www\./gi, (w) => `${w.slice(0, 3)}\u2060.`)
    .replace(/@/g, '\u2060@');
}

/**
 * A name that came from a server or the file (identity, project, credential label): shown as typed,
 * never as Markdown — a display name must not become a link, an image, code or emphasis.
 */
export function literal(text: string): string {
  return unlinked(cell(text).replace(/[`*_[\]!~]/g, '\\$&'));
}

/**
 * A message or hint: its `code spans` are the core's own and stay code; outside them it may quote a
 * server (a display name), so links, images, autolinks and emphasis are escaped there. Code spans are
 * kept only when every backtick is single and paired — then Markdown pairs them as we split them; a
 * run such as ``` `` ``` or an odd count (a server's backticks) escapes every backtick instead.
 */
export function prose(text: string): string {
  const escapeOutside = (part: string): string => unlinked(part.replace(/[*_[\]!~]/g, '\\$&'));
  const ticks = text.match(/`/g)?.length ?? 0;
  if (/``/.test(text) || ticks % 2) return escapeOutside(cell(text).replace(/`/g, '\\`'));
  return cell(text)
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : escapeOutside(part)))
    .join('');
}

/** Identity · project · scopes · days to expiry, on one line. */
function glance(report: Report): string {
  const parts = [`**Identity** ${literal(identityText(report))}`, `**Project** ${literal(projectText(report))}`];
  if (report.scopes.required.length) parts.push(`**Scopes** ${cell(scopesText(report))}`);
  parts.push(`**Expires** ${cell(daysText(report))}`);
  return parts.join(' · ');
}

function context(report: Report): string {
  // Each part escaped on its own; the URL as a literal (what was typed is shown, never a link).
  const parts = [cell(report.provider ? PROVIDER_MODULES[report.provider].displayName : 'provider not detected')];
  if (report.tokenLabel) parts.push(cell(report.tokenLabel));
  const url = report.url.normalized ?? report.url.input;
  if (url) parts.push(literal(url));
  if (report.expiresAt) parts.push(`expires ${report.expirySource === 'upper-bound' ? 'by ' : ''}${report.expiresAt.slice(0, 10)}`);
  parts.push(`${Math.round(report.timings.totalMs)} ms`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

function findingTable(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const lines = ['| Check | Result | Detail | Fix |', '| --- | --- | --- | --- |'];
  for (const f of findings)
    lines.push(`| \`${f.code}\` | ${SEVERITY_BADGE[f.severity]} | ${prose(f.message)} | ${f.severity === 'info' ? '—' : prose(f.hint)} |`);
  return lines;
}

function reportBody(report: Report): string[] {
  return [glance(report), context(report), '', ...findingTable(report.findings), ''];
}

export function renderMarkdown(report: Report, title = 'credential-preflight'): string {
  return [`### ${cell(title)}: ${OUTCOME_BADGE[report.outcome]}`, '', ...reportBody(report)].join('\n');
}

function firstProblem(report: Report): Finding | undefined {
  return report.findings.find((f) => f.severity !== 'info');
}

/** Several credentials: one row each (failing first), then each credential's table. */
export function renderMarkdownMany(multi: MultiReport, title = 'credential-preflight'): string {
  const rows = rowsWorstFirst(multi);
  const counts = (['failed', 'unverified', 'warned', 'passed'] as const)
    .map((o) => [o, rows.filter((r) => r.report.outcome === o).length] as const)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${o}`);
  const lines = [
    `### ${cell(title)}: ${OUTCOME_BADGE[multi.outcome]}${rows.length ? ` — ${rows.length} credential${rows.length === 1 ? '' : 's'}: ${counts.join(', ')}` : ''}`,
    '',
  ];
  if (multi.findings.length) lines.push(...findingTable(multi.findings), '');
  if (rows.length) {
    lines.push(
      '| Credential | Result | Identity | Project | Scopes | Expires | First problem |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const { name, report } of rows) {
      const first = firstProblem(report);
      const more = report.findings.filter((f) => f.severity !== 'info').length - 1;
      const problem = first ? `\`${first.code}\`${more > 0 ? ` (+${more} more)` : ''}` : '—';
      lines.push(
        `| **${literal(name)}** | ${ROW_BADGE[report.outcome]} | ${literal(identityText(report))} | ${literal(projectText(report))} | ${cell(scopesText(report))} | ${cell(daysText(report))} | ${problem} |`,
      );
    }
    lines.push('');
    for (const { name, report } of rows) {
      // Failing credentials open, the others folded: the summary stays short when all is well.
      const open = report.outcome === 'failed' || report.outcome === 'unverified' ? ' open' : '';
      lines.push(
        `<details${open}><summary>${ROW_BADGE[report.outcome]} — ${literal(name)}</summary>`,
        '',
        ...reportBody(report),
        '</details>',
        '',
      );
    }
  }
  lines.push(`<sub>${rows.length} checked concurrently in ${Math.round(multi.timings.totalMs)} ms.</sub>`, '');
  return lines.join('\n');
}
