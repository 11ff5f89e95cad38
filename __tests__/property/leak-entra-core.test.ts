/**
 * Never leaks, on the secretless path through the core: every way in (client secret, certificate,
 * GitHub OIDC, Azure Pipelines OIDC, a token file) × every hostile answer of the Entra token endpoint,
 * the OIDC endpoints and Azure DevOps (each quoting every secret it was ever sent: raw, URL-encoded,
 * base64) goes through `runEntraPreflight`. No output — the report JSON, the text and Markdown
 * renderings, the debug log — may hold the client secret, the platform's request token or job token,
 * the federated token (OIDC JWT) or certificate-signed assertion, a line of the certificate's private
 * key, or the minted access token: not whole, not an 8-character slice, not URL-encoded or base64.
 * Along the way: each secret was handed to `mask` before use; the only non-GET requests are the token
 * exchange and the pipeline's OIDC request; each bearer goes only to its own host.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Agent } from 'undici';
import { CODES } from '../../src/core/codes.js';
import { runEntraPreflight, type EntraCredential } from '../../src/core/entra/index.js';
import { formatLogEntry } from '../../src/core/http/client.js';
import { mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { renderMarkdown } from '../../src/core/render/markdown.js';
import { renderText } from '../../src/core/render/text.js';
import { resolveRequest } from '../../src/core/request.js';
import { startHostileEntra, type HostileEntra, type HostileEntraBehaviour } from '../emulators/hostile-entra.js';
import { CERT_PEM } from '../support/entra.js';
import { leaks } from '../support/tokens.js';
import { assertNoLeak, fcParams } from './arbitraries.js';

const NOW = new Date();
const AUTHORITY = 'https://localhost';
const GITHUB_URL = 'https://github.com/_services/idtoken?api-version=2.0';
const PIPELINES_URI =
  'https://dev.azure.com/fabrikam/00000000-fa4e-7e57-0000-00000000e001/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken';
const HTTP = { requestTimeoutMs: 5_000, deadlineMs: 10_000, maxRetries: 1, minBackoffMs: 1, maxBackoffMs: 20 };
const KEY_LINES = CERT_PEM.good.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----') && CERT_PEM.keyOnly.includes(l));

let hostile: HostileEntra;
let dispatcher: Agent;
beforeAll(async () => {
  hostile = await startHostileEntra();
  dispatcher = hostile.dispatcher();
});
afterAll(async () => {
  await dispatcher.close();
  await hostile.close();
});

type Way = 'secret' | 'certificate' | 'github' | 'pipelines' | 'file';
const WAYS: readonly Way[] = ['secret', 'certificate', 'github', 'pipelines', 'file'];

/** Secrets as people have them: letters, digits and the punctuation Entra's generated secrets use. */
const secretText = fc.stringMatching(/^[A-Za-z0-9~._-]{24,44}$/).map((s) => `FAKE${s}`);

const behaviour: fc.Arbitrary<HostileEntraBehaviour> = fc.record({
  token: fc.oneof(
    fc.record({
      kind: fc.constant('aadsts-echo' as const),
      status: fc.constantFrom(400 as const, 401 as const),
      // Mapped ones (subject, secret, app, tenant, policy, signature) and one the tool has no code for.
      code: fc.constantFrom(700213, 7000215, 7000222, 700016, 90002, 53003, 700027, 501051),
    }),
    fc.record({ kind: fc.constant('html-echo' as const), status: fc.constantFrom(200, 400, 500) }),
    fc.constant({ kind: 'mint-echo' as const }),
    fc.constant({ kind: 'mint-echo' as const }),
    fc.record({ kind: fc.constant('redirect-echo' as const), status: fc.constantFrom(302 as const, 307 as const) }),
  ),
  oidc: fc.constantFrom({ kind: 'error-echo' as const }, { kind: 'claims-echo' as const }),
  ado: fc.oneof(
    fc.constant({ kind: 'ok-echo' as const }),
    fc.record({
      kind: fc.constant('error-echo' as const),
      status: fc.constantFrom(401 as const, 403 as const, 404 as const, 500 as const),
    }),
  ),
});

interface Scenario {
  way: Way;
  secret: string;
  behaviour: HostileEntraBehaviour;
}

function credential(s: Scenario): { c: EntraCredential; file?: string } {
  const base = {
    clientId: '00000000-fa4e-7e57-0000-0000000e0101',
    tenantId: 'fabrikam.onmicrosoft.com',
    authorityHost: AUTHORITY,
    origin: 'the test',
  };
  switch (s.way) {
    case 'secret':
      return { c: { ...base, secret: s.secret } };
    case 'certificate':
      return { c: { ...base, certificate: { pem: CERT_PEM.good } } };
    case 'github':
      return { c: { ...base, assertion: { kind: 'github', requestUrl: GITHUB_URL, requestToken: s.secret } } };
    case 'pipelines':
      return {
        c: { ...base, assertion: { kind: 'azure-pipelines', requestUri: PIPELINES_URI, serviceConnectionId: 'sc', accessToken: s.secret } },
      };
    case 'file': {
      const iat = Math.floor(NOW.getTime() / 1000);
      const file = mintEntraJwt({
        iss: 'https://oidc.example/aks',
        sub: 'system:serviceaccount:default:preflight',
        jti: s.secret,
        aud: 'api://AzureADTokenExchange',
        iat,
        exp: iat + 600,
      });
      return { c: { ...base, assertion: { kind: 'file', path: '/var/run/token' } }, file };
    }
  }
}

const seenCodes = new Set<string>();

async function check(s: Scenario): Promise<void> {
  hostile.reset();
  hostile.behave(s.behaviour);
  const { c, file } = credential(s);
  const { request } = resolveRequest({ url: 'https://dev.azure.com/fabrikam', project: 'Fabrikam-Fiber', requiredScopes: 'vso.code' }, {});
  const masked: string[] = [];
  const log: string[] = [];
  let clock = 0;
  const report = await runEntraPreflight(c, request, {
    now: () => NOW,
    monotonic: () => (clock += 0.5),
    dispatcher,
    http: HTTP,
    log: (e) => log.push(formatLogEntry(e)),
    readFile: () => file ?? '',
    mask: (v) => masked.push(v),
  });

  const outputs = {
    'report JSON': JSON.stringify(report),
    'text rendering': renderText(report, { color: false }),
    'coloured text rendering': renderText(report, { color: true }),
    'Markdown summary': renderMarkdown(report),
    'debug log': log.join('\n'),
  };
  const sentAssertions = hostile.forms.map((f) => f.get('client_assertion')).filter((v): v is string => !!v);
  const own = s.way === 'certificate' || s.way === 'file' ? undefined : s.secret;
  const secrets = [own, file, ...hostile.issued, ...sentAssertions].filter((v): v is string => !!v);
  for (const secret of secrets) assertNoLeak(outputs, secret);
  const all = Object.values(outputs).join('\n');
  for (const line of KEY_LINES) expect(leaks(all, line)).toEqual([]);

  // Masked before use: everything the client sent or received that is secret.
  for (const v of secrets) expect(masked).toContain(v);
  if (s.way === 'certificate') for (const line of KEY_LINES) expect(masked).toContain(line);

  // Read-only but for the two exchanges; each bearer only to its own host; the token endpoint gets none.
  for (const r of hostile.requests) {
    const exchange = r.method === 'POST' && (r.path.endsWith('/oauth2/v2.0/token') || r.path.endsWith('/oidctoken'));
    expect(exchange || r.method === 'GET').toBe(true);
    if (r.path.endsWith('/oauth2/v2.0/token')) expect([r.host, r.hasAuth]).toEqual(['localhost', false]);
    else if (r.path.endsWith('/_services/idtoken')) expect(r.host).toBe('github.com');
    else expect(r.host).toMatch(/(^|\.)dev\.azure\.com$/);
  }
  for (const f of report.findings) {
    expect(Object.keys(CODES)).toContain(f.code);
    expect(f.message).not.toMatch(/[\r\n]/);
    seenCodes.add(f.code);
  }
}

describe('no output of the secretless path ever contains a secret', () => {
  it('random way in × hostile Entra, OIDC and Azure DevOps answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ way: fc.constantFrom(...WAYS), secret: secretText, behaviour }), async (s) => {
        await check(s);
      }),
      fcParams('leak entra core', 120),
    );
  });

  // A sweep, so no combination of way in and token-endpoint answer is left to chance.
  it.each(WAYS)('%s: every token-endpoint behaviour, with the OIDC and Azure DevOps servers echoing', async (way) => {
    const tokens: HostileEntraBehaviour['token'][] = [
      { kind: 'aadsts-echo', status: 401, code: 7000215 },
      { kind: 'aadsts-echo', status: 400, code: 700213 },
      { kind: 'aadsts-echo', status: 400, code: 501051 },
      { kind: 'html-echo', status: 200 },
      { kind: 'redirect-echo', status: 307 },
      { kind: 'mint-echo' },
    ];
    for (const token of tokens)
      for (const oidc of [{ kind: 'claims-echo' }, { kind: 'error-echo' }] as const)
        await check({ way, secret: `FAKEsweep${way}Secret0123456789abcdef`, behaviour: { token, oidc, ado: { kind: 'ok-echo' } } });
  });

  it('the runs reached the interesting places (a minted token was used, exchanges were refused, Azure DevOps answered)', () => {
    for (const code of [
      'entra.info',
      'entra.subject-mismatch',
      'entra.secret-invalid',
      'entra.rejected',
      'entra.oidc-unavailable',
      'token.identity',
    ])
      expect([...seenCodes]).toContain(code);
  });
});
