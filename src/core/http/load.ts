/**
 * Loads the network stack once per process, on first use: an offline check never loads it. One
 * import() of one module, whose promise serves every caller (checks running side by side included),
 * so no part of the stack is ever being imported twice at once.
 */
type Stack = typeof import('./stack.js');

let stack: Promise<Stack> | undefined;

export function loadNetworkStack(): Promise<Stack> {
  return (stack ??= import('./stack.js'));
}
