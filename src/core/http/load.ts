/**
 * Loads the network stack once per process, on first use: an offline check never loads it. One
 * import() of one module, whose promise serves every caller (checks running side by side included),
 * so no part of the stack is ever being imported twice at once.
 */
export type NetworkStack = typeof import('./stack.js');

let stack: Promise<NetworkStack> | undefined;
let loaded: NetworkStack | undefined;

/**
 * `whileWaiting`: the caller has requests on the wire and nothing to do until they are answered (the
 * first wave): the stack is then compiled in full while it waits (compileEagerly), so the next round
 * trip runs compiled code instead of compiling undici's request path on the way. Otherwise V8
 * compiles each function on its first call, as usual. The first caller decides.
 */
export function loadNetworkStack(whileWaiting = false): Promise<NetworkStack> {
  const load = (): Promise<NetworkStack> => import('./stack.js');
  return (stack ??= (whileWaiting ? import('node:v8').then((v8) => compileEagerly(load, (f) => v8.setFlagsFromString(f))) : load()).then(
    (s) => (loaded = s),
  ));
}

/**
 * Runs `load` with V8's lazy compilation off: every function of the modules it imports is compiled
 * as they load (measured by npm run bench: about 3 ms less on the second round trip of a CLI check,
 * at the cost of compiling code that a run may not call, while nothing else waits for the CPU).
 * Lazy compilation is back on afterwards, whatever `load` did.
 */
export async function compileEagerly<T>(load: () => Promise<T>, setV8Flag: (flag: string) => void): Promise<T> {
  setV8Flag('--no-lazy');
  try {
    return await load();
  } finally {
    setV8Flag('--lazy');
  }
}

/** The stack once it has finished loading; undefined before (the HTTP client's first wave goes out meanwhile). */
export function loadedNetworkStack(): NetworkStack | undefined {
  return loaded;
}
