/** The network stack (the transport, undici's agents under it and its RetryAgent): one chunk, loaded by load.ts. */
export { CONNECTIONS_PER_CHECK, createTransport, type Transport } from './transport.js';
export { RetryAgent } from './undici.js';
