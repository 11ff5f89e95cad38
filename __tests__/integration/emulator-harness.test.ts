/**
 * Self-tests of the provider-neutral emulator harness and forward proxy (test infrastructure, not
 * product code): loopback only, answer ordering without a clock, the barrier fault, and a close()
 * that leaves nothing running.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { ProxyAgent, request, type Agent } from 'undici';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { EmulatorHarness } from '../emulators/harness.js';
import { startForwardProxy } from '../emulators/proxy.js';
import { caPem } from '../emulators/tls.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function start(
  options: ConstructorParameters<typeof EmulatorHarness>[1] = {},
): Promise<{ harness: EmulatorHarness; agent: Agent; get: (path: string) => Promise<number> }> {
  const harness = new EmulatorHarness({ handle: (_req, ctx) => ({ status: 200, body: { path: ctx.path } }) }, options);
  await harness.listen();
  const agent = emulatorDispatcher(harness);
  opened.push(harness, agent);
  const get = async (path: string): Promise<number> => {
    const res = await request(`${harness.origin}${path}`, { dispatcher: agent });
    await res.body.text();
    return res.statusCode;
  };
  return { harness, agent, get };
}

const connectionsOf = (h: EmulatorHarness): Promise<number> => new Promise((resolve) => h.server.getConnections((_e, n) => resolve(n)));

describe('emulator harness', () => {
  it('listens on 127.0.0.1 only, and so does the forward proxy', async () => {
    const { harness } = await start();
    expect(harness.address).toBe('127.0.0.1');
    expect(harness.origin).toBe(`https://127.0.0.1:${harness.port}`);
    const proxy = await startForwardProxy();
    opened.push(proxy);
    expect(proxy.address).toBe('127.0.0.1');
  });

  it('records how many requests had arrived when each answer was written', async () => {
    const { harness, get } = await start();
    for (const p of ['/a', '/b', '/c']) expect(await get(p)).toBe(200);
    // One after the other: each answered before the next arrived. (Concurrency: see the barrier.)
    expect(harness.requests.map((r) => [r.seq, r.requestsSeenAtAnswer, r.status])).toEqual([
      [1, 1, 200],
      [2, 2, 200],
      [3, 3, 200],
    ]);
    expect(harness.requests.every((r) => r.answeredAt !== undefined && r.answeredAt >= r.at)).toBe(true);
  });

  it('barrier: holds answers until the batch is in, then answers all; a short batch is answered on its timeout', async () => {
    const { harness, get } = await start();
    const full = harness.fault({ type: 'barrier', count: 3 }, { path: '/batch' });
    expect(await Promise.all(['/batch/1', '/batch/2', '/batch/3'].map(get))).toEqual([200, 200, 200]);
    expect(harness.requests.map((r) => [r.seq, r.requestsSeenAtAnswer, r.fault])).toEqual([
      [1, 3, 'barrier'],
      [2, 3, 'barrier'],
      [3, 3, 'barrier'],
    ]);
    expect([full.hits, full.remaining]).toEqual([3, 0]); // times defaults to count: the fault retired
    expect(await get('/batch/4')).toBe(200);
    expect(harness.requests.at(-1)).toMatchObject({ fault: null, requestsSeenAtAnswer: 4 });

    harness.clearLog();
    harness.fault({ type: 'barrier', count: 3, timeoutMs: 20 }, { path: '/short' });
    expect(await get('/short/1')).toBe(200); // alone: answered when the barrier gave up
    expect(harness.requests[0]).toMatchObject({ fault: 'barrier', status: 200 });
  });

  it('close() answers nothing more and leaves no socket or listener: hung, held and delayed requests alike', async () => {
    const { harness, agent } = await start();
    harness.fault({ type: 'hang' }, { path: '/hang' });
    harness.fault({ type: 'barrier', count: 5 }, { path: '/held' });
    harness.fault({ type: 'latency', ms: 60_000 }, { path: '/slow' });
    const pending = ['/hang', '/held', '/slow'].map((p) => request(`${harness.origin}${p}`, { dispatcher: agent }));
    for (const p of ['/hang', '/held', '/slow']) await harness.waitForRequest((r) => r.path === p);
    expect(await connectionsOf(harness)).toBeGreaterThan(0);
    await harness.close();
    const settled = await Promise.allSettled(pending);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(harness.server.listening).toBe(false);
    expect(await connectionsOf(harness)).toBe(0);
    expect(harness.requests.map((r) => r.status)).toEqual([undefined, undefined, undefined]);
  });

  it('close() of the forward proxy tears down open tunnels', async () => {
    const { harness } = await start();
    harness.fault({ type: 'hang' });
    const proxy = await startForwardProxy({ route: () => ({ host: '127.0.0.1', port: harness.port }) });
    const viaProxy = new ProxyAgent({ uri: proxy.url, requestTls: { ca: caPem } });
    opened.push(viaProxy);
    const pending = request('https://dev.azure.com/fabrikam/_apis/connectionData', { dispatcher: viaProxy });
    await harness.waitForRequest();
    expect(proxy.stats.tunnels).toBe(1);
    await proxy.close();
    await expect(pending).rejects.toThrow();
  });
});
