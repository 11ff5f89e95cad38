/**
 * Loads the network stack once per process, on first use: an offline check never loads it. Two
 * import()s, each of one module whose promise serves every caller (checks running side by side
 * included), so no part of the stack is ever being imported twice at once: first the connector
 * (connector.ts: TLS options, route rule, pre-connections), then the rest. A check starts its first
 * TLS handshake between the two, so the server works on it while the rest loads.
 */
type Connector = typeof import('./connector.js');
type Stack = typeof import('./stack.js');

let connector: Promise<Connector> | undefined;
let stack: Promise<Stack> | undefined;

export function loadConnector(): Promise<Connector> {
  return (connector ??= import('./connector.js'));
}

export function loadNetworkStack(): Promise<Stack> {
  return (stack ??= loadConnector().then(() => import('./stack.js')));
}
