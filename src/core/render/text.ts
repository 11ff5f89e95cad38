/**
 * The report as terminal / CI-log text: aligned, plain ASCII labels, colour only when asked for
 * (`shouldColor`: a TTY, unless NO_COLOR; FORCE_COLOR wins either way).
 */
import { rowsWorstFirst, type MultiReport } from '../preflight-many.js';
import type { Finding, Outcome, Report } from '../report.js';
import type { Env } from '../request.js';
import { daysText, factRows } from './facts.js';

export interface TextOptions {
  color: boolean;
}

/**
 * The colour convention: FORCE_COLOR (any value but 0/false) turns colour on, FORCE_COLOR=0 off;
 * otherwise NO_COLOR (any non-empty value) or TERM=dumb turns it off; otherwise only on a TTY.
 */
export function shouldColor(isTTY: boolean, env: Env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/**
 * Terminal escape sequences (ECMA-48): CSI (`ESC [` … final byte, or the 8-bit CSI), OSC / DCS /
 * APC / PM / SOS strings (up to BEL or ST, or the end of the text), and two-byte `ESC x` escapes.
 * Removed whole: replacing only the ESC would leave `[31m` or an OSC 8 hyperlink's URL behind.
 */
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /(?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x7e]?/g;

/**
 * Text from a server or a user made inert on one line: escape sequences removed, every other control
 * character (line breaks included) a space, so nothing can recolour a terminal, rewrite a CI log line
 * or start a new `::command::` line. Applied to every string of a report before it is rendered.
 */
export function inert(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(ESCAPES, '').replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');
}

/**
 * A line for a terminal or CI log: inert, and an Azure Pipelines `##vso[` / `##[` — which the agent
 * obeys anywhere in a line — gets a zero-width space.
 */
export function logSafe(text: string): string {
  return inert(text).replace(/##(?=vso\[|\[)/gi, '#\u200B#');
}

const ANSI = {
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  green: '\x1b[32m',
  cyan: '\x1b[36m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
};
type Tint = keyof typeof ANSI;

const OUTCOME: Record<Outcome, [string, Tint]> = {
  passed: ['PASSED', 'green'],
  warned: ['PASSED WITH WARNINGS', 'yellow'],
  failed: ['FAILED', 'red'],
  unverified: ['UNVERIFIED (provider not reachable)', 'yellow'],
};
const ROW: Record<Outcome, [string, Tint]> = {
  passed: ['passed', 'green'],
  warned: ['warned', 'yellow'],
  failed: ['FAILED', 'red'],
  unverified: ['UNVERIFIED', 'yellow'],
};
const SEVERITY: Record<Finding['severity'], [string, Tint]> = {
  error: ['error  ', 'red'],
  warning: ['warning', 'yellow'],
  info: ['note   ', 'cyan'],
};

type Paint = (tint: Tint, s: string) => string;
const painter =
  (options: TextOptions): Paint =>
  (tint, s) =>
    options.color ? `${ANSI[tint]}${s}${ANSI.reset}` : s;

function findingLines(findings: readonly Finding[], paint: Paint, indent: string): string[] {
  const out: string[] = [];
  for (const f of findings) {
    const [label, t] = SEVERITY[f.severity];
    out.push(`${indent}${paint(t, label)} ${f.code}: ${logSafe(f.message)}`);
    if (f.severity !== 'info') out.push(`${indent}${' '.repeat(8)}${paint('dim', `fix: ${logSafe(f.hint)}`)}`);
  }
  return out;
}

function body(report: Report, paint: Paint, indent: string): string[] {
  const out = factRows(report).map((row) => `${indent}${row.label.padEnd(9)} ${logSafe(row.value)}`);
  if (report.findings.length) out.push('');
  out.push(...findingLines(report.findings, paint, indent));
  return out;
}

export function renderText(report: Report, options: TextOptions, title = 'credential-preflight'): string {
  const paint = painter(options);
  const [word, tint] = OUTCOME[report.outcome];
  return [`${title}: ${paint(tint, paint('bold', word))}`, ...body(report, paint, '  ')].join('\n') + '\n';
}

/** Several credentials: an aligned overview (failing first), then each credential in full. */
export function renderTextMany(multi: MultiReport, options: TextOptions, title = 'credential-preflight'): string {
  const paint = painter(options);
  const [word, tint] = OUTCOME[multi.outcome];
  const rows = rowsWorstFirst(multi);
  const out = [
    `${title}: ${paint(tint, paint('bold', word))}${rows.length ? ` (${rows.length} credential${rows.length === 1 ? '' : 's'})` : ''}`,
  ];
  if (multi.findings.length) out.push(...findingLines(multi.findings, paint, '  '));
  const nameWidth = Math.min(32, Math.max(...rows.map((r) => r.name.length), 4));
  const resultWidth = Math.max(...rows.map((r) => ROW[r.report.outcome][0].length), 6);
  for (const { name, report } of rows) {
    const [label, t] = ROW[report.outcome];
    const first = report.findings.find((f) => f.severity !== 'info');
    const what = logSafe(first ? `${first.code}: ${first.message}` : report.identity ? `as ${report.identity.name}` : '');
    out.push(
      `  ${paint(t, label.padEnd(resultWidth))}  ${logSafe(name).padEnd(nameWidth)}  ${daysText(report).padEnd(12)}  ${what}`.trimEnd(),
    );
  }
  for (const { name, report } of rows) {
    const [label, t] = ROW[report.outcome];
    out.push('', `── ${logSafe(name)}: ${paint(t, label)}`, ...body(report, paint, '  '));
  }
  return out.join('\n') + '\n';
}
