/** The provider's statement read from every form (src/core/providers/online/statement.ts), bounded and inert. */
import { describe, expect, it } from '@jest/globals';
import type { HttpResponse } from '../../src/core/http/client.js';
import {
  htmlText,
  quoteStatement,
  statedExpiry,
  statement,
  statesExpired,
  statesRevoked,
} from '../../src/core/providers/online/statement.js';
import { policyOf as githubPolicy } from '../../src/core/providers/github/interpret.js';
import { policyOf as adoPolicy, scopeVerdict, statesGlobalPat } from '../../src/core/providers/azure-devops/interpret.js';
import type { AzureDevOpsScope } from '../../src/core/providers/azure-devops/scopes.js';
import { statesIpRestriction } from '../../src/core/providers/gitlab/interpret.js';

function answer(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  let json: unknown;
  const isJson = /json/.test(headers['content-type'] ?? '');
  if (isJson) json = JSON.parse(body) as unknown;
  return { kind: 'response', status, headers, body, json, isJson, url: 'https://api.example.test/x' };
}
const JSON_TYPE = { 'content-type': 'application/json' };
const EXPIRED = 'Access Denied: The Personal Access Token used has expired.';

describe('statement', () => {
  it('reads JSON message fields, nested Bitbucket errors and OAuth descriptions', () => {
    expect(statement(answer(401, JSON.stringify({ message: EXPIRED, typeKey: 'AccessCheckException' }), JSON_TYPE))).toBe(EXPIRED);
    expect(statement(answer(401, '{"type":"error","error":{"message":"Access token expired.","detail":"Refresh it."}}', JSON_TYPE))).toBe(
      'Access token expired. | Refresh it.',
    );
    expect(statement(answer(401, '{"error":"invalid_token","error_description":"Token is expired."}', JSON_TYPE))).toBe(
      'Token is expired. | invalid_token',
    );
    // Inherited names are not fields: a body cannot smuggle text in through its prototype.
    expect(statement(answer(401, '{"__proto__":{"message":"hidden"}}', JSON_TYPE))).toBe('');
  });

  it('reads an HTML page: title and body text, without tags, scripts, styles or entities', () => {
    const page = `<!DOCTYPE html><html><head><title>Access Denied</title><style>p{x:"y"}</style><script>var s = "<p>Token has expired</p>";</script></head><body><h1>Access&nbsp;Denied</h1><p>The Personal Access Token used has expired &amp; can&#39;t be used.</p></body></html>`;
    const said = statement(answer(401, page, { 'content-type': 'text/html' }));
    expect(said).toBe("Access Denied Access Denied The Personal Access Token used has expired & can't be used.");
    expect(statesExpired(said)).toBe(true);
    // A page without a content type is still a page.
    expect(statement(answer(401, `<html><body>${EXPIRED}</body></html>`))).toBe(EXPIRED);
  });

  it('reads plain text, the challenge and provider headers (URL-decoded)', () => {
    expect(statement(answer(401, EXPIRED, { 'content-type': 'text/plain' }))).toBe(EXPIRED);
    const challenge = answer(401, '', {
      'www-authenticate': 'Bearer realm="The API", error="invalid_token", error_description="Token was revoked. You have to re-authorize."',
    });
    expect(statesRevoked(statement(challenge))).toBe(true);
    const header = answer(401, '', { 'x-tfs-serviceerror': encodeURIComponent(EXPIRED) });
    expect(statement(header, ['x-tfs-serviceerror'])).toBe(EXPIRED);
    expect(statement(answer(401, '', { 'x-tfs-serviceerror': '%E0%A4%A' }), ['x-tfs-serviceerror'])).toBe('%E0%A4%A');
  });

  it('is inert: control and bidirectional characters go, whitespace collapses, quotes are short', () => {
    const said = statement(answer(403, 'evil\u001b[31m red\u202e\r\n::error::x\u0007', { 'content-type': 'text/plain' }));
    expect(said).toBe('evil [31m red ::error::x');
    const quoted = quoteStatement('x'.repeat(5000));
    expect(quoted.length).toBeLessThan(210);
    expect(quoted.endsWith('…"')).toBe(true);
    expect(quoteStatement('say "hi"')).toBe(`"say 'hi'"`);
  });

  it('is bounded: a megabyte of hostile markup is read in linear time', () => {
    const hostile = ['<'.repeat(1 << 20), '<script'.repeat(150_000), '&#'.repeat(500_000), `${'<a '.repeat(300_000)}`];
    for (const body of hostile) {
      const start = performance.now();
      const said = statement(answer(401, body, { 'content-type': 'text/html' }));
      expect(performance.now() - start).toBeLessThan(2000); // a quadratic pass over this takes minutes
      expect(said.length).toBeLessThanOrEqual(2048);
    }
    expect(htmlText('<p>unclosed <b')).toBe(' unclosed ');
  });
});

describe('phrases', () => {
  it('tells a statement of expiry from a list of possibilities', () => {
    for (const s of [
      EXPIRED,
      'Token is expired. You can either do re-authorization',
      'Access token expired. Use your refresh token',
      'This token has expired',
    ])
      expect(statesExpired(s)).toBe(true);
    for (const s of [
      'Token is invalid, expired, or not supported for this endpoint.',
      'token expired or revoked',
      'Bad credentials',
      'The password has expired or',
    ])
      expect(statesExpired(s)).toBe(false);
  });

  it("GitHub's documented policy messages", () => {
    const r = (message: string) => answer(403, JSON.stringify({ message }), JSON_TYPE);
    const ip = githubPolicy(
      r(
        'Although you appear to have the correct authorization credentials, the `fake-org` organization has an IP allow list enabled, and your IP address is not permitted to access this resource.',
      ),
    );
    expect([ip?.kind, ip?.org]).toEqual(['ip-allow-list', 'fake-org']);
    const lifetime = githubPolicy(
      r(
        "The 'fake-org' organization forbids access via a fine-grained personal access tokens if the token's lifetime is greater than 366 days. Please adjust your token's lifetime at the following URL: https://github.com/settings/personal-access-tokens/12",
      ),
    );
    expect(lifetime).toMatchObject({
      kind: 'token-lifetime',
      org: 'fake-org',
      days: '366',
      url: 'https://github.com/settings/personal-access-tokens/12',
    });
    expect(githubPolicy(r('`fake-org` forbids access via a personal access token (classic).'))?.kind).toBe('classic-forbidden');
    expect(githubPolicy(r('Resource not accessible by personal access token'))).toBeUndefined();
    // Only a 403 names a policy.
    expect(githubPolicy(answer(404, JSON.stringify({ message: 'has an IP allow list enabled' }), JSON_TYPE))).toBeUndefined();
  });

  it('Azure DevOps and GitLab policy phrases, and the global PAT', () => {
    expect(adoPolicy('VS403463: The conditional access policy defined by your Azure Active Directory administrator has failed.')).toBe(
      'conditional-access',
    );
    expect(adoPolicy("not allowed by your organization's personal access token policy")).toBe('pat-policy');
    expect(adoPolicy('TF400813: The user is not authorized to access this resource.')).toBeUndefined();
    expect(statesGlobalPat('Global personal access tokens (all accessible organizations) are no longer supported')).toBe(true);
    expect(statesGlobalPat('The Personal Access Token used has expired.')).toBe(false);
    expect(statesIpRestriction('403 Forbidden - this group restricts access by IP address')).toBe(true);
    expect(statesIpRestriction('404 Project Not Found')).toBe(false);
  });
});

describe('Azure DevOps organisation-less hosts', () => {
  const onApp: AzureDevOpsScope = {
    id: 'vso.example',
    portal: 'Example: Read',
    probe: { host: 'app', path: '_apis/accounts', where: 'org', doc: 'https://learn.microsoft.com/rest/api/azure/devops/account' },
  };
  const facts = (answer: 'denied' | 'granted' | 'policy') => ({
    project: false,
    projectFound: true,
    services: true,
    probes: new Map([['vso.example', answer]] as const),
  });

  it('a 401 there never proves a scope missing: it is unverifiable, with the reason', () => {
    expect(scopeVerdict(onApp, facts('denied'))).toEqual({ kind: 'unverifiable', why: 'orgless-host' });
    expect(scopeVerdict(onApp, facts('granted'))).toEqual({ kind: 'verified' });
    expect(scopeVerdict(onApp, facts('policy'))).toEqual({ kind: 'unverifiable', why: 'policy' });
    expect(scopeVerdict({ ...onApp, probe: { ...onApp.probe!, host: 'dev' } }, facts('denied'))).toEqual({
      kind: 'missing',
      why: 'denied',
    });
  });
});

describe('statedExpiry', () => {
  it('reads the date an expiry statement gives, as said and as an instant', () => {
    expect(statedExpiry('Token expired on 2026-11-30. You can either do re-authorization or token refresh.')).toEqual({
      text: '2026-11-30',
      at: new Date('2026-11-30T00:00:00Z'),
    });
    expect(statedExpiry('the token expired at 2026-11-30T08:15:00+02:00')?.at).toEqual(new Date('2026-11-30T06:15:00Z'));
    // A time without a zone is UTC, whatever the machine's zone.
    expect(statedExpiry('Token expired at 2026-11-30 08:15')?.at).toEqual(new Date('2026-11-30T08:15:00Z'));
  });

  it('no date, or no calendar date: none', () => {
    expect(statedExpiry('Token is expired. You can either do re-authorization or token refresh.')).toBeUndefined();
    expect(statedExpiry('Token expired on 2026-02-31.')).toBeUndefined();
    expect(statedExpiry('Token expired on 2026-13-01.')).toBeUndefined();
    expect(statedExpiry('Expires on 2026-11-30.')).toBeUndefined();
  });
});
