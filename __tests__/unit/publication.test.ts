/**
 * The one way out (src/core/render/publication.ts): every sink of every front end is built from the
 * publication of a result, so these properties hold for the CLI's text and JSON, the action's outputs,
 * annotations, summary and failure line, and the task's variables, issues, summary and result alike.
 */
import { describe, expect, it } from '@jest/globals';
import type { MultiReport } from '../../src/core/preflight-many.js';
import { outputGuard, publication, type Publication } from '../../src/core/render/publication.js';
import { finding } from '../../src/core/report.js';
import { echoedSecrets, isSecretLike, secretForms } from '../../src/core/secrets.js';
import { report } from '../support/reports.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';

const NOW = new Date('2026-11-22T12:00:00Z');

/** Everything a front end could write from a publication. */
function everything(out: Publication): string {
  return [
    out.json(),
    out.text({ color: false }),
    out.text({ color: true }),
    out.markdown,
    out.failureLine,
    ...Object.values(out.outputs),
    ...out.findings.flatMap(({ name, finding: f }) => [out.line(`${name ?? ''} ${f.message} ${f.hint}`)]),
  ].join('\n');
}

describe('one redaction on the raw text, before any encoding', () => {
  // Characters JSON, Markdown and log commands escape: a text search after escaping would miss them.
  const ODD = 'Q7zR2"Lx9\\Vb4<Nm8>Kp3|Wt6%Yh1\u0007Jd5&Fs0Ga';

  it('hides a token with quotes, backslashes and control characters that was also given as the project', () => {
    const r = report({
      outcome: 'failed',
      project: { requested: ODD, canonical: null },
      findings: [finding('project.not-found', 'error', `No project "${ODD}" is visible to this token.`)],
    });
    const out = publication(r, secretForms(ODD));
    const all = everything(out);
    expect(leaks(all, ODD)).toEqual([]);
    // Not vacuous: the same text escaped first and redacted afterwards (the old order) leaks.
    expect(leaks(JSON.stringify(r).split(ODD).join('***'), ODD).length).toBeGreaterThan(0);
    expect(out.outputs.project).toBe('***');
    expect(JSON.parse(out.outputs.report).project.requested).toBe('***');
  });

  it("scrubs every credential's secret forms from every row (one row's server answer quoting another's token)", () => {
    const a = azureDevOpsPat(NOW, 0, 'FAKEx0PUBx0ROWAx0NOTxREAL');
    const b = githubPat('FAKEx0PUBx0ROWBx0NOTxREAL');
    const rowB = report({
      identity: { name: `echo ${a.slice(10, 40)} end`, id: 'x' },
      findings: [finding('token.identity', 'info', `Authenticated as ${Buffer.from(`:${a}`).toString('base64')}.`, 'None needed.')],
    });
    const multi: MultiReport = {
      schemaVersion: 1,
      outcome: 'passed',
      config: 'creds.yml',
      findings: [],
      credentials: [
        { name: 'a', tokenEnv: 'A', report: report() },
        { name: 'b', tokenEnv: 'B', report: rowB },
      ],
      timings: { totalMs: 1 },
    };
    const all = everything(publication(multi, [...secretForms(a), ...secretForms(b)]));
    expect(leaks(all, a)).toEqual([]);
    expect(all).not.toContain(Buffer.from(`:${a}`).toString('base64').slice(0, 12));
    expect(all).toContain('echo *** end');
  });
});

describe('server text is inert in every sink and in the outputs later steps read', () => {
  const evil = 'Eve\x1b[31m\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\r\n::set-output name=x::y\u009b2J\u202eesrever';

  it('strips escape sequences and control characters from identity, project, lines and the failure line', () => {
    const r = report({
      outcome: 'failed',
      identity: { name: evil, id: 'x' },
      project: { requested: 'p', canonical: evil },
      findings: [finding('project.not-found', 'error', `No project ${evil}.`, `Use ${evil}.`)],
    });
    const out = publication(r, []);
    // eslint-disable-next-line no-control-regex
    const control = /[\x00-\x1f\x7f-\x9f\u202e]/;
    for (const value of [out.outputs.identity, out.outputs.project, out.failureLine, ...out.findings.map((f) => f.finding.message)])
      expect(value).not.toMatch(control);
    expect(out.outputs.identity).toBe('Evelink  ::set-output name=x::y esrever');
    for (const line of [...out.text({ color: false }).split('\n'), ...out.markdown.split('\n')]) expect(line).not.toMatch(control);
    expect(out.json()).not.toMatch(/\\u001b|\\u0007|\\r|\\u009b/);
    expect(out.failureLine).not.toMatch(/[\r\n]/);
  });

  it('gives adapters the same guard for their own lines (a caught error quoting a secret or a log command)', () => {
    const token = githubPat();
    const guard = outputGuard(secretForms(token));
    const line = guard.line(`boom ${JSON.stringify({ t: token })}\n##vso[task.complete result=Succeeded]\x1b[2J`);
    expect(leaks(line, token)).toEqual([]);
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\r\n\x1b]|##vso\[/);
  });
});

describe('one rule for a secret typed where a name belongs', () => {
  const legacyPat = 'abcdefghijklmnopqrstuvwxyz234567'.split('').reverse().join('') + 'k2m3n4p5q6r7s2t3u4v5';

  it('tells generated secrets from names people type', () => {
    for (const secret of [
      githubPat(),
      azureDevOpsPat(NOW),
      'q7Zr2Lx9Vb4Nm8Kp3Wt6Yh1Jd5Fs0Ga',
      legacyPat,
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.a1B2c3D4e5',
    ])
      expect([secret, isSecretLike(secret)]).toEqual([secret, true]);
    for (const name of [
      'AZURE_DEVOPS_PAT',
      'FabrikamFiber2024Migration',
      'ContosoWebApp2Production',
      'octo-org/octo-repo',
      'creds.yml',
      'vso.code',
      'work/My-Repo2/Credentials-2024.yml',
      'https://dev.azure.com/Fabrikam2024Org',
      'cp-e2e-config-L2Js1Y',
      '/tmp/cp-e2e-config-L2Js1Y/credentials.yml',
    ])
      expect([name, isSecretLike(name)]).toEqual([name, false]);
  });

  it('finds the secret-looking part of a path, URL or sentence, and leaves the rest readable', () => {
    const token = githubPat();
    expect(echoedSecrets([`/home/runner/${token}/creds.yml`, 'FABRIKAM_PAT', undefined, ''])).toEqual([token]);
    expect(echoedSecrets([token])).toEqual([token]);
    const out = publication(
      report({ outcome: 'failed', findings: [finding('token.missing', 'error', `No token in environment variable ${token}.`)] }),
      echoedSecrets([token]),
    );
    expect(leaks(everything(out), token)).toEqual([]);
    expect(out.failureLine).toContain('environment variable ***');
  });
});
