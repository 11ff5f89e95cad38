/**
 * The parts of undici the HTTP client uses, each from its own module rather than undici's index:
 * the index also loads fetch, WebSocket, EventSource, the caches, the mocks and SOCKS, about 40% of
 * the undici code each bundle carries (measured by npm run bench). undici's index also adds the
 * request API (`dispatcher.request`, and `connect`, which ProxyAgent tunnels with) to
 * Dispatcher.prototype: done here the same way. Importing undici's index too (the tests, the demo's
 * MockAgent) assigns the same functions again.
 */
import type * as Undici from 'undici';
import AgentModule from 'undici/lib/dispatcher/agent.js';
import DispatcherModule from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgentModule from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgentModule from 'undici/lib/dispatcher/proxy-agent.js';
import RetryAgentModule from 'undici/lib/dispatcher/retry-agent.js';
import api from 'undici/lib/api/index.js';

Object.assign(DispatcherModule.prototype, api);

export const Agent: typeof Undici.Agent = AgentModule;
export const DispatcherBase: typeof Undici.Dispatcher = DispatcherModule;
export const EnvHttpProxyAgent: typeof Undici.EnvHttpProxyAgent = EnvHttpProxyAgentModule;
export const ProxyAgent: typeof Undici.ProxyAgent = ProxyAgentModule;
export const RetryAgent: typeof Undici.RetryAgent = RetryAgentModule;
