/**
 * Lookups by a key that came from a user or a server. `table[key]` on a plain object also finds
 * Object.prototype's members, so a key such as `constructor` or `__proto__` would return a function
 * or an object where a table entry belongs (and crash whatever reads it next).
 */

/** The table's own entry for `key`, or undefined. */
export const ownEntry = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** An environment variable's value: only a string the environment itself holds. */
export function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const v = Object.hasOwn(env, name) ? env[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}
