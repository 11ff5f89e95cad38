/**
 * The job / run summary rendered by a real Markdown renderer (markdown-it: CommonMark plus GFM tables,
 * with raw HTML allowed and bare URLs / e-mails auto-linked, as GitHub renders a job summary): text a
 * server sent — display names, project names, messages quoting them — must never become a link, an
 * image, an autolink or HTML. Only the summary's own tags may appear in the rendered page.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type { MultiReport } from '../../src/core/preflight-many.js';
import { publication } from '../../src/core/render/publication.js';
import { finding, type Report } from '../../src/core/report.js';
import { report } from '../support/reports.js';

const md = new MarkdownIt({ html: true, linkify: true });
// GitHub's autolinks: `http(s)://` and e-mail addresses (and `www.`, which markdown-it cannot match without also
// linking bare domains such as `vso.code`; a unit test covers it); not bare domains.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });

/** Tags the renderer makes from the summary's own Markdown, plus its own <details>/<summary>/<sub>. */
const OWN_TAGS = new Set(['h3', 'p', 'strong', 'em', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'sub']);

const HOSTILE = [
  '[click](https://evil.example/x)',
  '![pixel](https://evil.example/p.png)',
  '<img src=x onerror=alert(1)>',
  '<a href="https://evil.example">a</a>',
  '<https://evil.example/auto>',
  'https://evil.example/bare www.evil.example mallory@evil.example',
  '`` `[x](https://evil.example)` ``',
  '``[code](https://evil.example)',
  '`<b>x</b>`',
  '&lt;img src=x&gt; &#60;b&#62; &amp;',
  '\\[x\\](https://evil.example) \\<b>',
  '[x]: https://evil.example\n[ref][x]',
  '</td></tr></table><img src=x>',
  '| a | b |\n| --- | --- |',
  '*em* __strong__ ~~strike~~',
];

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
}

/** A report whose every server- or user-echoed field holds the hostile text; no URL of our own. */
function hostileReport(text: string): Report {
  return report({
    outcome: 'failed',
    url: { input: null, normalized: null },
    identity: { name: text, id: 'x' },
    project: { requested: text, canonical: `${text} (canonical)` },
    findings: [
      finding('token.identity', 'info', `Authenticated as ${text}.`, 'None needed.'),
      finding('project.not-found', 'error', `No project \`${text}\` is visible; did you mean ${text}?`, `Use \`${text}\` or ${text}.`),
    ],
  });
}

function rendered(r: Report | MultiReport): string {
  return md.render(publication(r, []).markdown);
}

function expectInert(html: string): void {
  expect(tagsOf(html).filter((t) => !OWN_TAGS.has(t))).toEqual([]);
  expect(html).not.toMatch(/<a\b|<img\b/i);
}

describe('the summary under a real Markdown renderer', () => {
  it.each(HOSTILE.map((h) => [h]))('renders %j from a server as text only', (text) => {
    const one = hostileReport(text);
    const many: MultiReport = {
      schemaVersion: 1,
      outcome: 'failed',
      config: 'creds.yml',
      findings: [],
      credentials: [{ name: text, tokenEnv: 'A', report: one }],
      timings: { totalMs: 1 },
    };
    expectInert(rendered(one));
    expectInert(rendered(many));
  });

  it('keeps the text readable: the hostile name is shown, not swallowed', () => {
    const html = rendered(hostileReport('Eve [admin] <root>'));
    expect(html).toContain('Eve [admin] &lt;root&gt;');
  });

  it('holds for any mix of Markdown-significant characters', () => {
    const alphabet = fc.constantFrom(
      ...'`[]()<>!&#;*_~|\\:/@. wxyz'.split(''),
      'https://e.example',
      'www.e.example',
      '&lt;',
      '<img src=x>',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (parts) => {
        expectInert(rendered(hostileReport(parts.join(''))));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
