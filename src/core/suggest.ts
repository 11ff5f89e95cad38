/**
 * "Did you mean": the one closest-name rule for every name the user typed — a credentials-file key,
 * a command-line flag, a required scope, a project or repository the server lists. Its own module,
 * with no imports, so the CLI can suggest a flag without loading the YAML parser.
 */

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

/**
 * Bounds on the work (Levenshtein is length × length per name): the names a server lists are many
 * and long only when something is wrong, and a suggestion from the first thousand is as good.
 * Project names are shorter (Azure DevOps allows 64 characters, GitHub repositories 100).
 */
export const CLOSEST_LIMITS = { names: 1000, chars: 128 } as const;

interface Closeness {
  /** A name containing the wanted text (or contained in it) counts as closest. */
  substrings: boolean;
  /** The most edits that still make a suggestion. */
  within(wanted: string, name: string): number;
}

/** Names the server lists: a part of the name is a good guess, and up to half of it may differ. */
const LISTED: Closeness = { substrings: true, within: (w, name) => Math.max(3, Math.floor(Math.max(name.length, w.length) / 2)) };
/** Flags and keys: short words, where a part would match too much; a few edits at most. */
const TYPED: Closeness = { substrings: false, within: (w) => Math.max(2, Math.floor(w.length / 3)) };

function closest(wanted: string, names: readonly string[], n: number, how: Closeness): string[] {
  if (wanted.length > CLOSEST_LIMITS.chars) return [];
  const w = wanted.toLowerCase();
  const part = (name: string) => how.substrings && (name.toLowerCase().includes(w) || w.includes(name.toLowerCase()));
  return names
    .slice(0, CLOSEST_LIMITS.names)
    .filter((name) => typeof name === 'string' && name.length <= CLOSEST_LIMITS.chars)
    .map((name) => ({ name, d: part(name) ? 0 : distance(wanted, name) }))
    .filter(({ d, name }) => d <= how.within(wanted, name))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, n)
    .map(({ name }) => name);
}

/** Up to `n` names closest to `wanted` (substring matches first), within a sensible distance. */
export function closestNames(wanted: string, names: readonly string[], n: number): string[] {
  return closest(wanted, names, n, LISTED);
}

/** The known name meant by `key`: the same letters ignoring case, `-`, `_` and spaces, else the closest within a few edits. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  return known.find((k) => squash(k) === squash(key)) ?? closest(key, known, 1, TYPED)[0];
}
