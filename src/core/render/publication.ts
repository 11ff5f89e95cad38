/**
 * The one way out of the tool. Every front end (CLI, action, task) hands its result and every secret
 * it knows to `publication`, and writes only what comes back: findings, step outputs, the Markdown
 * summary, the failure line, the text and JSON reports. Each string of the report is redacted and
 * made inert on its raw form, before any JSON, Markdown or log escaping could hide a secret's escaped
 * form from a later text search; the renderers then escape text they can trust to hold no secret.
 */
import { allFindings, type MultiReport } from '../preflight-many.js';
import type { Finding, Report } from '../report.js';
import { secretScrubber } from '../secrets.js';
import { renderMarkdown, renderMarkdownMany } from './markdown.js';
import { failureLine, isMulti, stepOutputs, type StepOutputs } from './outputs.js';
import { logSafe, renderText, renderTextMany, type TextOptions } from './text.js';

export interface OutputGuard {
  /**
   * A value: every secret form and every 8-character fragment of one hidden, then made inert and
   * log-safe (a later step that echoes `identity` or `report` must not print a working `##vso[`).
   */
  value(text: string): string;
  /** One line for a CI log or terminal (an adapter's own message, an error it caught). */
  line(text: string): string;
  /** A copy of any JSON-like value with every string passed through `value`. */
  deep<T>(data: T): T;
}

/**
 * The guard for a run: `secrets` is every form of every credential of the step (all rows share one
 * list, so no row's server answer can carry another credential's fragment out) and every
 * secret-looking value the user typed where a name belongs (`echoedSecrets`).
 */
export function outputGuard(secrets: readonly string[]): OutputGuard {
  const scrub = secretScrubber(secrets);
  const value = (text: string): string => logSafe(scrub(text));
  const deep = <T>(data: T): T => {
    if (typeof data === 'string') return value(data) as T;
    if (Array.isArray(data)) return data.map(deep) as T;
    if (data && typeof data === 'object') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, deep(v)])) as T;
    return data;
  };
  return { value, line: value, deep };
}

export interface Publication {
  /** The result with every string redacted and inert: what JSON output and `report` carry. */
  result: Report | MultiReport;
  /** Every finding, with the credential it belongs to (null: the step or the file). */
  findings: Array<{ name: string | null; finding: Finding }>;
  outputs: StepOutputs;
  markdown: string;
  /** The outcome's reason, one safe line (only meaningful when failed or unverified). */
  failureLine: string;
  /** The report as terminal / log text. */
  text(options: TextOptions): string;
  /** The report as JSON (schemaVersion 1). */
  json(): string;
  /** Any other line the front end writes. */
  line(text: string): string;
}

export function publication(result: Report | MultiReport, secrets: readonly string[]): Publication {
  const guard = outputGuard(secrets);
  const safe = guard.deep(result);
  const findings = isMulti(safe) ? allFindings(safe) : safe.findings.map((finding) => ({ name: null, finding }));
  return {
    result: safe,
    findings,
    outputs: stepOutputs(safe),
    markdown: isMulti(safe) ? renderMarkdownMany(safe) : renderMarkdown(safe),
    failureLine: logSafe(failureLine(safe)),
    text: (options) => (isMulti(safe) ? renderTextMany(safe, options) : renderText(safe, options)),
    json: () => `${JSON.stringify(safe, null, 2)}\n`,
    line: guard.line,
  };
}
