/** The closest names a server listed, as the sentence a not-found finding ends with (the rule is ../../suggest.ts). */

/** ` Closest names the token can see: "a", "b".` or nothing. */
export function closestNamesSentence(near: readonly string[]): string {
  return near.length ? ` Closest names the token can see: ${near.map((n) => `"${n}"`).join(', ')}.` : '';
}
