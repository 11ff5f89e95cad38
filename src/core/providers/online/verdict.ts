/** What one probe proved about one scope: the one verdict type every provider returns. */
export type Verdict = { kind: 'verified'; how?: string } | { kind: 'missing'; why: string } | { kind: 'unverifiable'; why: string };

export const verified = (how?: string): Verdict => (how ? { kind: 'verified', how } : { kind: 'verified' });
export const missing = (why: string): Verdict => ({ kind: 'missing', why });
export const unverifiable = (why: string): Verdict => ({ kind: 'unverifiable', why });
