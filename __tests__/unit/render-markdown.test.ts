import { describe, expect, it } from '@jest/globals';
import type { MultiReport } from '../../src/core/preflight-many.js';
import { cell, renderMarkdown, renderMarkdownMany } from '../../src/core/render/markdown.js';
import { finding } from '../../src/core/report.js';
import { report } from '../support/reports.js';

const note = finding('token.identity', 'info', 'Authenticated as Chuck Reinhart.', 'None needed.');
const warn = finding('scope.unverifiable', 'warning', 'vso.code_write cannot be proven read-only.', 'Check the token in the portal.');
const err = finding('scope.missing', 'error', 'The token lacks "Build: Read".', 'Edit the PAT and tick Build → Read.');

describe('job / run summary (one credential)', () => {
  it('puts identity, project, scopes and days to expiry on one line, then one table with the failing rows first and the fix beside each', () => {
    const md = renderMarkdown(report({ outcome: 'failed', findings: [err, warn, note] }));
    const lines = md.split('\n');
    expect(lines[0]).toBe('### credential-preflight: ❌ failed');
    expect(md).toContain(
      '**Identity** Chuck Reinhart · **Project** Fabrikam-Fiber · **Scopes** vso.code ✓, vso.build ✗, vso.code_write ? · **Expires** 129 days',
    );
    const header = lines.indexOf('| Check | Result | Detail | Fix |');
    expect(header).toBeGreaterThan(0);
    expect(lines.filter((l) => l.startsWith('| Check |'))).toHaveLength(1); // one table
    expect(lines.slice(header + 2, header + 5)).toEqual([
      '| `scope.missing` | ❌ error | The token lacks "Build: Read". | Edit the PAT and tick Build → Read. |',
      '| `scope.unverifiable` | ⚠️ warning | vso.code\\_write cannot be proven read-only. | Check the token in the portal. |',
      '| `token.identity` | ℹ️ note | Authenticated as Chuck Reinhart. | — |',
    ]);
  });

  it('shows the expiry kind: an upper bound, expired, unknown', () => {
    expect(renderMarkdown(report({ expirySource: 'upper-bound', daysRemaining: 12 }))).toContain('**Expires** ≤ 12 days');
    expect(renderMarkdown(report({ daysRemaining: -3, expiresAt: '2026-11-19T00:00:00.000Z' }))).toContain(
      '**Expires** expired 2026-11-19',
    );
    expect(renderMarkdown(report({ expiresAt: null, daysRemaining: null }))).toContain('**Expires** unknown');
    expect(renderMarkdown(report({ scopes: { required: [], verified: [], missing: [], unverifiable: [] } }))).not.toContain('**Scopes**');
  });

  it('never lets a message break the table or inject HTML', () => {
    expect(cell('a | b\n<img src=x onerror=alert(1)> & c')).toBe('a \\| b &lt;img src=x onerror=alert(1)&gt; &amp; c');
    const md = renderMarkdown(report({ findings: [finding('project.not-found', 'error', 'No project "a|b" <b>x</b>', 'Use "c"')] }));
    expect(md).toContain('| No project "a\\|b" &lt;b&gt;x&lt;/b&gt; |');
  });
});

describe('job / run summary (several credentials)', () => {
  const multi = (over: Partial<MultiReport> = {}): MultiReport => ({
    schemaVersion: 1,
    outcome: 'failed',
    config: 'creds.yml',
    findings: [],
    credentials: [
      { name: 'good', tokenEnv: 'A', report: report({ findings: [note] }) },
      { name: 'bad', tokenEnv: 'B', report: report({ outcome: 'failed', findings: [err, warn, note], identity: null }) },
      { name: 'meh', tokenEnv: 'C', report: report({ outcome: 'warned', findings: [warn] }) },
    ],
    timings: { totalMs: 80 },
    ...over,
  });

  it('one row per credential, failing first, then each credential’s table (failing ones unfolded)', () => {
    const md = renderMarkdownMany(multi());
    const lines = md.split('\n');
    expect(lines[0]).toBe('### credential-preflight: ❌ failed — 3 credentials: 1 failed, 1 warned, 1 passed');
    const rows = lines.filter((l) => l.startsWith('| **'));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| **bad**', '| **meh**', '| **good**']);
    expect(rows[0]).toBe(
      '| **bad** | ❌ failed | not checked | Fabrikam-Fiber | vso.code ✓, vso.build ✗, vso.code_write ? | 129 days | `scope.missing` (+1 more) |',
    );
    expect(rows[2]!.endsWith('| — |')).toBe(true);
    expect(lines.filter((l) => l.startsWith('<details'))).toEqual([
      '<details open><summary>❌ failed — bad</summary>',
      '<details><summary>⚠️ warned — meh</summary>',
      '<details><summary>✅ passed — good</summary>',
    ]);
    expect(lines.filter((l) => l === '| Check | Result | Detail | Fix |')).toHaveLength(3);
  });

  it('shows names that come from a server or the file literally: no broken table, no link, image, code or emphasis', () => {
    const hostile = 'a\\|b `x` [click](https://evil.example) ![i](https://evil.example/p.png) *y* <b>z</b>';
    const md = renderMarkdownMany(
      multi({
        credentials: [
          {
            name: hostile,
            tokenEnv: 'A',
            report: report({ identity: { name: hostile, id: 'x' }, project: { requested: 'p', canonical: hostile } }),
          },
        ],
      }),
    );
    const row = md.split('\n').find((l) => l.startsWith('| **'))!;
    // GFM splits a row on every pipe not escaped by a backslash (a backslash escapes itself first).
    const cells = row.replace(/\\./g, 'E').split('|').length - 2;
    expect(cells).toBe(7);
    // A WORD JOINER after `https:` keeps the bare URL from becoming a GFM autolink.
    const shown =
      'a\\\\\\|b \\`x\\` \\[click\\](https:\u2060//evil.example) \\!\\[i\\](https:\u2060//evil.example/p.png) \\*y\\* &lt;b&gt;z&lt;/b&gt;';
    expect(row.startsWith(`| **${shown}** | ✅ passed | ${shown} | p → exists as ${shown} |`)).toBe(true);
    expect(md).toContain(`**Identity** ${shown} · **Project** p → exists as ${shown}`);
    expect(md).toContain(`<summary>✅ passed — ${shown}</summary>`);
  });

  it('a message that quotes a server (a display name) cannot become a link, image or emphasis; its code spans stay code', () => {
    const said = finding(
      'token.identity',
      'info',
      'Authenticated as [Renew here](https://evil.example) ![x](https://evil.example/p.png) *now*.',
      'None needed.',
    );
    const hinted = finding(
      'config.file',
      'error',
      'c.yml:3:5: credentials[0].url must be a single value.',
      'e.g. `required-scopes: [vso.code, vso.build]`.',
    );
    const md = renderMarkdownMany(
      multi({ findings: [hinted], credentials: [{ name: 'a', tokenEnv: 'A', report: report({ findings: [said] }) }] }),
    );
    expect(md).toContain(
      '| Authenticated as \\[Renew here\\](https:\u2060//evil.example) \\!\\[x\\](https:\u2060//evil.example/p.png) \\*now\\*. |',
    );
    expect(md).toContain('| c.yml:3:5: credentials\\[0\\].url must be a single value. | e.g. `required-scopes: [vso.code, vso.build]`. |');
  });

  it('shows what is wrong with the file when nothing could be checked', () => {
    const md = renderMarkdownMany(
      multi({
        credentials: [],
        findings: [finding('config.file', 'error', 'creds.yml:3:5: credentials[0].tokn is not a known key.', 'Did you mean `token-env`?')],
      }),
    );
    expect(md.split('\n')[0]).toBe('### credential-preflight: ❌ failed');
    expect(md).toContain(
      '| `config.file` | ❌ error | creds.yml:3:5: credentials\\[0\\].tokn is not a known key. | Did you mean `token-env`? |',
    );
    expect(md).not.toContain('| Credential |');
  });
});
