import { describe, expect, it } from '@jest/globals';
import type { MultiReport } from '../../src/core/preflight-many.js';
import { failureLine, stepOutputs } from '../../src/core/render/outputs.js';
import { logSafe, renderText, renderTextMany, shouldColor } from '../../src/core/render/text.js';
import { finding } from '../../src/core/report.js';
import { report } from '../support/reports.js';

const err = finding('token.expired', 'error', 'The token expired on 2026-11-01.', 'Regenerate the token.');
const warn = finding('token.expiring', 'warning', 'The token expires in 3 days.', 'Regenerate it now.');
const note = finding('token.identity', 'info', 'Authenticated as Chuck.', 'None needed.');
const ANSI = new RegExp(String.fromCharCode(27) + '\\[');

describe('colour', () => {
  it('only on a TTY; NO_COLOR and TERM=dumb turn it off; FORCE_COLOR decides when set', () => {
    expect(shouldColor(true, {})).toBe(true);
    expect(shouldColor(false, {})).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '' })).toBe(true);
    expect(shouldColor(true, { TERM: 'dumb' })).toBe(false);
    expect(shouldColor(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor(false, { FORCE_COLOR: '' })).toBe(true);
    expect(shouldColor(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldColor(true, { FORCE_COLOR: 'false', NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(false, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
  });

  it('the text carries escape codes only when colour is on', () => {
    const r = report({ outcome: 'failed', findings: [err] });
    expect(renderText(r, { color: false })).not.toMatch(ANSI);
    expect(renderText(r, { color: true })).toMatch(ANSI);
    const m: MultiReport = {
      schemaVersion: 1,
      outcome: 'failed',
      config: 'c.yml',
      findings: [],
      credentials: [{ name: 'a', tokenEnv: 'A', report: r }],
      timings: { totalMs: 1 },
    };
    expect(renderTextMany(m, { color: false })).not.toMatch(ANSI);
    expect(renderTextMany(m, { color: true })).toMatch(ANSI);
  });
});

describe('text report', () => {
  it('one credential: facts aligned, each problem with its fix under it, notes without a fix line', () => {
    const text = renderText(report({ outcome: 'failed', findings: [err, note] }), { color: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('credential-preflight: FAILED');
    expect(lines).toContain('  Identity  Chuck Reinhart');
    expect(lines).toContain('  error   token.expired: The token expired on 2026-11-01.');
    expect(lines[lines.indexOf('  error   token.expired: The token expired on 2026-11-01.') + 1]).toBe(
      '          fix: Regenerate the token.',
    );
    expect(lines).toContain('  note    token.identity: Authenticated as Chuck.');
    expect(text).not.toContain('fix: None needed.');
  });

  it('text that came from a server cannot move the terminal, split a line or start a CI log command', () => {
    const evil = `Eve\x1b[2J\x1b]0;owned\x07\r\n::add-mask::x\n##vso[task.setvariable variable=PATH]/tmp \u009b31m`;
    // Escape sequences go whole (no `[2J` or OSC title left behind); other controls become spaces.
    expect(logSafe(evil)).toBe('Eve  ::add-mask::x #\u200B#vso[task.setvariable variable=PATH]/tmp ');
    const r = report({
      identity: { name: evil, id: 'x' },
      project: { requested: 'p', canonical: evil },
      findings: [finding('token.identity', 'info', `Authenticated as ${evil}.`, 'None needed.'), { ...err, hint: evil }],
    });
    const m: MultiReport = {
      schemaVersion: 1,
      outcome: 'failed',
      config: 'c.yml',
      findings: [],
      credentials: [{ name: evil, tokenEnv: 'A', report: r }],
      timings: { totalMs: 1 },
    };
    for (const text of [renderText(r, { color: false }), renderTextMany(m, { color: false }), renderTextMany(m, { color: true })]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\x07\x9b\r]|\x1b(?!\[(?:\d+)m)/);
      expect(text).not.toMatch(/##vso\[/);
      expect(text.split('\n').some((l) => l.startsWith('::'))).toBe(false);
    }
  });

  it('several credentials: an aligned overview, failing first, then each in full', () => {
    const m: MultiReport = {
      schemaVersion: 1,
      outcome: 'failed',
      config: 'c.yml',
      findings: [],
      credentials: [
        { name: 'fabrikam', tokenEnv: 'A', report: report({ findings: [note] }) },
        { name: 'contoso-long-name', tokenEnv: 'B', report: report({ outcome: 'warned', findings: [warn], daysRemaining: 3 }) },
        {
          name: 'gh',
          tokenEnv: 'C',
          report: report({ outcome: 'failed', findings: [err], daysRemaining: -21, expiresAt: '2026-11-01T00:00:00.000Z' }),
        },
      ],
      timings: { totalMs: 1 },
    };
    const lines = renderTextMany(m, { color: false }).split('\n');
    expect(lines[0]).toBe('credential-preflight: FAILED (3 credentials)');
    const overview = lines.slice(1, 4);
    expect(overview.map((l) => l.trim().split(/\s+/)[1])).toEqual(['gh', 'contoso-long-name', 'fabrikam']);
    // Names and the expiry column start at the same offsets on every row.
    expect(new Set(overview.map((l) => l.indexOf(l.trim().split(/\s+/)[1]!))).size).toBe(1);
    expect(overview[0]).toContain('expired 2026-11-01  token.expired: The token expired on 2026-11-01.');
    expect(overview[2]).toMatch(/fabrikam\s+129 days\s+as Chuck Reinhart$/);
    expect(lines).toContain('── gh: FAILED');
    expect(lines.indexOf('── gh: FAILED')).toBeLessThan(lines.indexOf('── fabrikam: passed'));
  });

  it('the failure line names each failing credential with its first problem', () => {
    const m: MultiReport = {
      schemaVersion: 1,
      outcome: 'failed',
      config: 'c.yml',
      findings: [],
      credentials: [
        { name: 'ok', tokenEnv: 'A', report: report() },
        { name: 'x', tokenEnv: 'B', report: report({ outcome: 'failed', findings: [note, err] }) },
        { name: 'y', tokenEnv: 'C', report: report({ outcome: 'unverified', findings: [finding('network.timeout', 'error', 'm', 'h')] }) },
      ],
      timings: { totalMs: 1 },
    };
    expect(failureLine(m)).toBe('credential-preflight failed: x: token.expired; y: network.timeout');
    expect(failureLine(report({ outcome: 'failed', findings: [note, err] }))).toBe(
      `credential-preflight failed: token.expired: ${err.message}`,
    );
    expect(stepOutputs(m)).toMatchObject({
      outcome: 'failed',
      identity: '',
      project: '',
      tokenKind: '',
      expiresAt: report().expiresAt,
      report: JSON.stringify(m),
    });
    expect(stepOutputs(report())).toMatchObject({ identity: 'Chuck Reinhart', project: 'Fabrikam-Fiber', daysRemaining: '129' });
  });
});
