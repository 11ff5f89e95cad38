// undici ships types for its index only; these are the modules src/core/http/undici.ts imports
// directly (undici/index.js re-exports each of them unchanged).
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const value: typeof Agent;
  export default value;
}
declare module 'undici/lib/dispatcher/dispatcher.js' {
  import type { Dispatcher } from 'undici';
  const value: typeof Dispatcher;
  export default value;
}
declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import type { EnvHttpProxyAgent } from 'undici';
  const value: typeof EnvHttpProxyAgent;
  export default value;
}
declare module 'undici/lib/dispatcher/proxy-agent.js' {
  import type { ProxyAgent } from 'undici';
  const value: typeof ProxyAgent;
  export default value;
}
declare module 'undici/lib/dispatcher/retry-agent.js' {
  import type { RetryAgent } from 'undici';
  const value: typeof RetryAgent;
  export default value;
}
declare module 'undici/lib/api/index.js' {
  const api: Record<'request' | 'stream' | 'pipeline' | 'upgrade' | 'connect', (...args: never[]) => unknown>;
  export default api;
}
declare module 'undici/lib/mock/mock-agent.js' {
  import type { MockAgent } from 'undici';
  const value: typeof MockAgent;
  export default value;
}
declare module 'undici/lib/core/connect.js' {
  import type { buildConnector } from 'undici';
  const value: typeof buildConnector;
  export default value;
}
declare module 'undici/lib/llhttp/llhttp_simd-wasm.js' {
  /** llhttp compiled to WebAssembly (SIMD build), the bytes undici compiles on its first connection. */
  const value: Buffer;
  export default value;
}
