/**
 * Loads the network stack once per process, on first use: an offline check never loads it. One
 * import() of one module, whose promise serves every caller (checks running side by side included),
 * so no part of the stack is ever being imported twice at once.
 */
export type NetworkStack = typeof import('./stack.js');

let stack: Promise<NetworkStack> | undefined;
let loaded: NetworkStack | undefined;

export function loadNetworkStack(): Promise<NetworkStack> {
  return (stack ??= import('./stack.js').then((s) => (loaded = s)));
}

/** The stack once it has finished loading; undefined before (the HTTP client's first wave goes out meanwhile). */
export function loadedNetworkStack(): NetworkStack | undefined {
  return loaded;
}
