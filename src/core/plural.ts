/** "1 day", "3 days", "1 character": counts in messages, never "day(s)" or "1 characters". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
