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

/** Up to `n` names closest to `wanted` (substring matches first), within a sensible distance. */
export function closestNames(wanted: string, names: readonly string[], n: number): string[] {
  if (wanted.length > CLOSEST_LIMITS.chars) return [];
  const w = wanted.toLowerCase();
  return names
    .slice(0, CLOSEST_LIMITS.names)
    .filter((name) => typeof name === 'string' && name.length <= CLOSEST_LIMITS.chars)
    .map((name) => ({ name, d: name.toLowerCase().includes(w) || w.includes(name.toLowerCase()) ? 0 : distance(wanted, name) }))
    .filter(({ d, name }) => d <= Math.max(3, Math.floor(Math.max(name.length, wanted.length) / 2)))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, n)
    .map(({ name }) => name);
}

/** ` Closest names the token can see: "a", "b".` or nothing. */
export function closestNamesSentence(near: readonly string[]): string {
  return near.length ? ` Closest names the token can see: ${near.map((n) => `"${n}"`).join(', ')}.` : '';
}
