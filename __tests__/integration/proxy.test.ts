/** Online checks through a real local forward proxy: env proxies (CLI/action) and the agent's proxy (task). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PreflightDeps } from '../../src/core/preflight.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../src/core/http/client.js';
import { createTransport } from '../../src/core/http/transport.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { startForwardProxy } from '../emulators/proxy.js';
import { caPem } from '../emulators/tls.js';
import { onlineDeps, preflight, TEST_HTTP } from '../support/online.js';
import { azureDevOpsPat } from '../support/tokens.js';

const NOW = new Date();
const GOOD = azureDevOpsPat(NOW, 0, 'FAKEx0PROXYx0PATx0NOTxREAL');
let emu: AzureDevOpsEmulator;

beforeAll(async () => {
  emu = await startAzureDevOpsEmulator({
    mode: 'services',
    organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000301', name: 'Fabrikam-Fiber' }] }],
    tokens: {
      [GOOD]: {
        user: { id: '00000000-fa4e-7e57-0000-0000000000dd', displayName: 'Proxy Tester', uniqueName: 'proxy.tester@fabrikam.example' },
        organizations: ['fabrikam'],
        scopes: 'full',
      },
    },
  });
});
afterAll(async () => emu.close());

// Every tunnel leads to the emulator, whatever host the client asked for (dev.azure.com here).
const route = () => ({ host: '127.0.0.1', port: emu.port });

// Tests that bypass the proxy use the emulator's loopback address: nothing here may reach a real host.
// No injected dispatcher: the product builds its own transport from env / the agent proxy. No retries.
const check = (deps: Partial<PreflightDeps>, url = 'https://dev.azure.com/fabrikam') =>
  preflight(
    { provider: 'azure-devops', url, project: 'Fabrikam-Fiber', token: GOOD },
    onlineDeps(NOW, undefined, { http: { ...TEST_HTTP, maxRetries: 0 }, ...deps }),
  );

describe('proxies', () => {
  it('goes through HTTPS_PROXY from the environment', async () => {
    const proxy = await startForwardProxy({ route });
    try {
      const r = await check({ env: { HTTPS_PROXY: proxy.url }, transport: { extraCaPems: [caPem] } });
      expect(r.outcome).toBe('passed');
      expect(r.identity?.name).toBe('Proxy Tester');
      expect(proxy.connectTargets).toContain('dev.azure.com:443');
    } finally {
      await proxy.close();
    }
  });

  it('honours NO_PROXY', async () => {
    const proxy = await startForwardProxy({ route });
    try {
      const r = await check(
        { env: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, transport: { extraCaPems: [caPem] } },
        emu.collectionUrl('fabrikam'),
      );
      expect(proxy.connectTargets).toEqual([]);
      expect(r.outcome).toBe('passed');
    } finally {
      await proxy.close();
    }
  });

  it('reports a proxy demanding authentication as network.proxy, and passes with credentials', async () => {
    const proxy = await startForwardProxy({ route, auth: { user: 'proxyuser', pass: 'proxy-pass' } });
    try {
      const denied = await check({ env: { HTTPS_PROXY: proxy.url }, transport: { extraCaPems: [caPem] } });
      expect([denied.outcome, denied.findings[0]!.code]).toEqual(['unverified', 'network.proxy']);
      expect(denied.findings[0]!.message).toContain('407');
      const agentProxy = await check({
        env: {},
        transport: { proxy: { url: proxy.url, username: 'proxyuser', password: 'proxy-pass' }, extraCaPems: [caPem] },
      });
      expect(agentProxy.outcome).toBe('passed');
      expect(proxy.log.at(-1)).toMatchObject({
        method: 'CONNECT',
        target: 'dev.azure.com:443',
        hadCredentials: true,
        authorized: true,
        status: 200,
      });
    } finally {
      await proxy.close();
    }
  });

  it('reports a refusing proxy as network.proxy, never as a token problem', async () => {
    const proxy = await startForwardProxy({ route, refuse: true });
    try {
      const r = await check({ env: { HTTPS_PROXY: proxy.url }, transport: { extraCaPems: [caPem] } });
      expect([r.outcome, r.findings[0]!.code]).toEqual(['unverified', 'network.proxy']);
    } finally {
      await proxy.close();
    }
  });

  it('never sends a loopback request through a proxy: a credential crosses no hop in clear text', async () => {
    const proxy = await startForwardProxy({ route });
    const seen: Array<string | undefined> = [];
    const plain = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    try {
      // Every proxy setting a front end can hand over, and no NO_PROXY / bypass entry.
      const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url, https_proxy: proxy.url };
      for (const transport of [createTransport({ env }), createTransport({ env: {}, proxy: { url: proxy.url } })]) {
        const client = new HttpClient({
          dispatcher: transport,
          credential: { name: 'authorization', value: 'Bearer FAKE' },
          credentialOrigins: [plainUrl],
        });
        expect(await client.get(`${plainUrl}/_apis/connectionData`)).toMatchObject({ kind: 'response', status: 200 });
        await transport.destroy();
      }
      const viaEnv = await check({ env, transport: { extraCaPems: [caPem] } }, emu.collectionUrl('fabrikam'));
      const viaAgent = await check(
        { env: {}, transport: { proxy: { url: proxy.url }, extraCaPems: [caPem] } },
        emu.collectionUrl('fabrikam'),
      );
      expect([viaEnv.outcome, viaAgent.outcome]).toEqual(['passed', 'passed']);
      expect(seen).toEqual(['Bearer FAKE', 'Bearer FAKE']);
      expect(proxy.log).toEqual([]);
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
      await proxy.close();
    }
  });

  it("applies the agent proxy's bypass list", async () => {
    const proxy = await startForwardProxy({ route });
    try {
      const r = await check(
        { env: {}, transport: { proxy: { url: proxy.url, bypass: ['^127\\.0\\.0\\.1$'] }, extraCaPems: [caPem] } },
        emu.collectionUrl('fabrikam'),
      );
      expect(proxy.connectTargets).toEqual([]);
      expect(r.outcome).toBe('passed');
    } finally {
      await proxy.close();
    }
  });
});
