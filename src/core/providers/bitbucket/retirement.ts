/**
 * The retirement of Bitbucket app passwords, defined once: brownouts from 2026-06-09, removal on
 * 2026-07-28 (Atlassian's announcement of the deprecation of app passwords).
 */
export const APP_PASSWORD_BROWNOUT_START = Date.UTC(2026, 5, 9);
export const APP_PASSWORD_REMOVAL = Date.UTC(2026, 6, 28);

export type AppPasswordPhase = 'announced' | 'brownout' | 'removed';

export function appPasswordPhase(now: Date): AppPasswordPhase {
  const t = now.getTime();
  if (t < APP_PASSWORD_BROWNOUT_START) return 'announced';
  return t < APP_PASSWORD_REMOVAL ? 'brownout' : 'removed';
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** `2026-06-09`, `2026-07-27` (the last brownout day) and `2026-07-28`, for messages. */
export const RETIREMENT_DAYS = {
  brownoutStart: day(APP_PASSWORD_BROWNOUT_START),
  brownoutEnd: day(APP_PASSWORD_REMOVAL - 86_400_000),
  removal: day(APP_PASSWORD_REMOVAL),
} as const;
