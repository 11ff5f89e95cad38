/** The network stack (the HTTP client, the transport and undici under them): one chunk, loaded by load.ts. */
export { HttpClient } from './client.js';
export { CONNECTIONS_PER_CHECK, createTransport, type Transport } from './transport.js';
