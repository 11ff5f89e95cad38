/**
 * The credential goes only to the configured host (Azure DevOps Services: also its own sibling
 * hosts), only over HTTPS (loopback excepted), and never across a redirect:
 * - a redirect to another origin (every 3xx, from the hostile server and the harness fault) leaves the
 *   other origin's server with no Authorization, for every provider with online checks;
 * - `http://` to a non-loopback host is refused before any byte is sent: the dispatcher records every
 *   connection attempt and makes none, so nothing leaves the machine;
 * - credentialOrigins() of every provider names only the URL's own origin (or the Services siblings).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Agent } from 'undici';
import { HttpClient, isLoopback } from '../../src/core/http/client.js';
import { runPreflight } from '../../src/core/preflight.js';
import { PROVIDER_MODULES } from '../../src/core/providers/registry.js';
import { PROVIDERS, type ProviderId } from '../../src/core/report.js';
import { resolveRequest } from '../../src/core/request.js';
import { carriesCredential, startHostileServer, type HostileServer } from '../emulators/hostile.js';
import { assertNoLeak, fcParams, tokenSample, type TokenSample } from './arbitraries.js';
import { ONLINE_PROVIDERS } from './scenarios.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const HTTP = { requestTimeoutMs: 1_000, deadlineMs: 3_000, maxRetries: 1, minBackoffMs: 1, maxBackoffMs: 20 };
/** The sibling hosts an Azure DevOps Services organisation uses (https://learn.microsoft.com/azure/devops/organizations/security/allow-list-ip-url). */
const ADO_SERVICES_SIBLINGS = [
  'https://dev.azure.com',
  'https://vssps.dev.azure.com',
  'https://vsrm.dev.azure.com',
  'https://feeds.dev.azure.com',
  // Scope probes' areas (Microsoft's REST reference names each host).
  'https://vsaex.dev.azure.com',
  'https://auditservice.dev.azure.com',
  'https://extmgmt.dev.azure.com',
  'https://analytics.dev.azure.com',
  'https://artifacts.dev.azure.com',
  'https://advsec.dev.azure.com',
];

/** An Agent that records every connection it is asked to open and opens none. */
function recordingDispatcher(): { agent: Agent; attempts: string[] } {
  const attempts: string[] = [];
  const agent = new Agent({
    connect: (opts, callback) => {
      attempts.push(`${opts.protocol}//${opts.hostname}:${opts.port}`);
      callback(Object.assign(new Error('recording dispatcher: no connection is ever made'), { code: 'ECONNREFUSED' }), null);
    },
  });
  return { agent, attempts };
}

let hostile: HostileServer;
beforeAll(async () => {
  hostile = await startHostileServer();
});
afterAll(async () => hostile.close());

/** A valid token per provider that reaches the online stage (not expired, not retired, no warnings that block). */
const samplesByProvider = new Map<ProviderId, TokenSample[]>();
for (const s of fc.sample(tokenSample(NOW), { seed: 23, numRuns: 400 }))
  samplesByProvider.set(s.provider, [...(samplesByProvider.get(s.provider) ?? []), s]);

const URL_FOR: Record<ProviderId, string | undefined> = {
  'azure-devops': 'https://dev.azure.com/fabrikam',
  github: undefined,
  gitlab: undefined,
  bitbucket: undefined,
};

async function preflight(s: TokenSample, url: string | undefined, dispatcher: Agent, provider: ProviderId) {
  const { request, findings } = resolveRequest(
    {
      provider,
      token: s.token,
      tokenType: s.tokenType,
      url,
      username: s.username,
      project: provider === 'azure-devops' ? 'Fabrikam-Fiber' : undefined,
    },
    {},
  );
  return runPreflight(request, { now: () => NOW, monotonic: () => performance.now(), dispatcher, http: HTTP }, findings);
}

describe('a redirect to another origin never carries the credential', () => {
  const statuses = [301, 302, 303, 307, 308] as const;

  it.each(ONLINE_PROVIDERS.map((p) => [p]))(
    '%s: every 3xx to another origin, hostile and scripted — the other origin records no Authorization',
    async (provider) => {
      const dispatcher = hostile.dispatcher();
      try {
        let authedRuns = 0;
        for (const status of statuses) {
          for (const how of ['hostile', 'fault'] as const) {
            for (const s of samplesByProvider.get(provider)!.slice(0, 6)) {
              hostile.reset();
              if (how === 'hostile') hostile.behave({ kind: 'redirect-away', status });
              else hostile.fault({ type: 'redirect', status, location: `${hostile.sink.origin}/moved?to=elsewhere` }, { times: Infinity });
              const report = await preflight(s, URL_FOR[provider], dispatcher, provider);
              if (hostile.requests.some(carriesCredential)) authedRuns++;
              expect(hostile.sink.requests.filter(carriesCredential)).toEqual([]);
              assertNoLeak({ report: JSON.stringify(report) }, s.token, s.username);
            }
          }
        }
        // Not vacuous: the configured host did receive the credential in most runs.
        expect(authedRuns).toBeGreaterThan(statuses.length);
      } finally {
        await dispatcher.close();
      }
    },
  );

  it('the HTTP client itself returns the 3xx and sends nothing to the Location', async () => {
    const dispatcher = hostile.dispatcher();
    try {
      for (const status of statuses) {
        hostile.reset();
        hostile.behave({ kind: 'redirect-away', status });
        const http = new HttpClient({
          dispatcher,
          credential: { name: 'authorization', value: 'Bearer FAKEx0REDIRECTx0TEST' },
          credentialOrigins: [hostile.origin],
          ...HTTP,
        });
        const r = await http.get(`${hostile.origin}/anything`);
        expect(r.kind === 'response' ? r.status : r.code).toBe(status);
        expect(hostile.requests.map(carriesCredential)).toEqual([true]);
        expect(hostile.sink.requests).toEqual([]);
      }
    } finally {
      await dispatcher.close();
    }
  });
});

describe('http:// to a host that is not loopback is refused before any byte is sent', () => {
  const host = fc.domain().filter((d) => !isLoopback(d));

  it('the HTTP client refuses the credential to any http:// origin that is not loopback, without connecting', async () => {
    await fc.assert(
      fc.asyncProperty(
        host,
        fc.constantFrom('', ':80', ':8080'),
        fc.constantFrom('/', '/_apis/connectionData', '/api/v4/user'),
        async (h, port, path) => {
          const { agent, attempts } = recordingDispatcher();
          try {
            const origin = `http://${h}${port}`;
            const http = new HttpClient({
              dispatcher: agent,
              credential: { name: 'authorization', value: 'Basic RkFLRXgwVEVTVA==' },
              credentialOrigins: [origin],
              ...HTTP,
            });
            const r = await http.get(`${origin}${path}`);
            expect(r.kind).toBe('network');
            expect(attempts).toEqual([]);
          } finally {
            await agent.close();
          }
        },
      ),
      fcParams('origins: http refused', 60),
    );
  });

  it('…and to any origin it was not created for, https included', async () => {
    const { agent, attempts } = recordingDispatcher();
    try {
      const http = new HttpClient({
        dispatcher: agent,
        credential: { name: 'authorization', value: 'Basic RkFLRXgwVEVTVA==' },
        credentialOrigins: ['https://dev.azure.com'],
        ...HTTP,
      });
      for (const target of [
        'https://dev.azure.com.example/x',
        'https://evil.example/x',
        'https://dev.azure.com:8443/x',
        'http://dev.azure.com/x',
      ]) {
        expect((await http.get(target)).kind).toBe('network');
      }
      expect(attempts).toEqual([]);
    } finally {
      await agent.close();
    }
  });

  it("…and the Git client's form of the credential (GitLab's Basic oauth2:…) obeys the same origins", async () => {
    const { agent, attempts } = recordingDispatcher();
    try {
      const http = new HttpClient({
        dispatcher: agent,
        credential: { name: 'authorization', value: 'Bearer FAKEx0TEST' },
        gitCredential: { name: 'authorization', value: 'Basic RkFLRXgwVEVTVA==' },
        credentialOrigins: ['https://gitlab.example.test'],
        ...HTTP,
      });
      for (const target of [
        'https://evil.example/g/p.git/info/refs',
        'http://gitlab.example.test/jwt/auth',
        'https://gitlab.example.test:8443/x',
      ]) {
        expect((await http.get(target, {}, 'git')).kind).toBe('network');
      }
      expect(attempts).toEqual([]);
    } finally {
      await agent.close();
    }
  });

  it('control: the same recording dispatcher does see a loopback http:// attempt (the check above is not vacuous)', async () => {
    const { agent, attempts } = recordingDispatcher();
    try {
      const http = new HttpClient({
        dispatcher: agent,
        credential: { name: 'authorization', value: 'Basic RkFLRXgwVEVTVA==' },
        credentialOrigins: ['http://127.0.0.1:9'],
        ...HTTP,
        maxRetries: 0,
      });
      await http.get('http://127.0.0.1:9/x');
      expect(attempts.length).toBeGreaterThan(0);
    } finally {
      await agent.close();
    }
  });

  it.each(ONLINE_PROVIDERS.map((p) => [p]))(
    '%s: a preflight against an http:// non-loopback URL makes no connection and says url.insecure',
    async (provider) => {
      const urls: Record<ProviderId, string[]> = {
        'azure-devops': [
          'http://dev.azure.com.example/fabrikam',
          'http://dev.azure.com/fabrikam',
          'http://tfs.example.test:8080/tfs/DefaultCollection',
        ],
        github: ['http://api.github.com', 'http://ghes.example.test/api/v3'],
        gitlab: ['http://gitlab.com', 'http://gitlab.example.test'],
        bitbucket: ['http://api.bitbucket.org/2.0'],
      };
      const { agent, attempts } = recordingDispatcher();
      try {
        for (const url of urls[provider]) {
          for (const s of samplesByProvider.get(provider)!.slice(0, 3)) {
            const report = await preflight(s, url, agent, provider);
            expect(report.findings.map((f) => f.code)).toContain('url.insecure');
          }
        }
        expect(attempts).toEqual([]);
      } finally {
        await agent.close();
      }
    },
  );
});

describe('credentialOrigins: the configured origin only (Azure DevOps Services: and its siblings)', () => {
  const urlText = fc
    .tuple(
      fc.constantFrom('https://', 'http://', ''),
      fc.oneof(
        fc.domain(),
        fc.constantFrom(
          'dev.azure.com',
          'fabrikam.visualstudio.com',
          'api.github.com',
          'github.com',
          'octo.ghe.com',
          'gitlab.com',
          'api.bitbucket.org',
          'bitbucket.org',
          '127.0.0.1:8443',
          'localhost:3000',
        ),
      ),
      fc.constantFrom('', '/fabrikam', '/tfs/DefaultCollection', '/api/v3', '/2.0', '/group/project', '/fabrikam/Proj/_git/repo'),
    )
    .map((p) => p.join(''));

  it('every origin a provider allows is the normalized URL’s own, over https or loopback http', () => {
    fc.assert(
      fc.property(urlText, (text) => {
        for (const id of PROVIDERS) {
          const online = PROVIDER_MODULES[id].online;
          if (!online) continue;
          const u = PROVIDER_MODULES[id].analyzeUrl(text, { offline: false });
          if (!u.normalized || u.findings.some((f) => f.severity === 'error')) continue;
          const own = new URL(u.normalized).origin;
          for (const origin of online.credentialOrigins(u)) {
            const o = new URL(origin);
            expect(o.protocol === 'https:' || (o.protocol === 'http:' && isLoopback(o.hostname))).toBe(true);
            const sibling = id === 'azure-devops' && u.deployment === 'services' && ADO_SERVICES_SIBLINGS.includes(o.origin);
            if (!sibling) expect(o.origin).toBe(own);
          }
        }
      }),
      fcParams('origins: credentialOrigins', 300),
    );
  });
});
