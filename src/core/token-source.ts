/**
 * Where a token was looked for, in words for the token.missing message: which variable, and whether
 * it is unset or set but empty. The two have different causes: an unset variable was never mapped into
 * the step; an empty one was mapped from a secret that does not exist or is not available to this run.
 */
import { envValue } from './lookup.js';

type State = 'unset' | 'empty' | 'blank';

const stateOf = (value: string | undefined): State | undefined => {
  if (value === undefined) return 'unset';
  if (value === '') return 'empty';
  return value.trim() === '' ? 'blank' : undefined;
};

/** The verb phrase for one name, then for several. */
const PHRASE: Record<State, [string, string]> = {
  unset: ['is not set', 'are not set'],
  empty: ['is set but empty', 'are set but empty'],
  blank: ['holds only whitespace', 'hold only whitespace'],
};

/** Whether a description says some value was set but empty or blank (a missing or withheld secret). */
export function isEmptyState(description: string): boolean {
  return [PHRASE.empty, PHRASE.blank].some((p) => p.some((phrase) => description.includes(phrase)));
}

/** "A", "A and B", "A, B and C". */
export function listNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "the `token` input is set but empty": `what` with the state of its value (just `what` when it holds text). */
export function describeValue(what: string, value: string | undefined): string {
  const state = stateOf(value);
  return state ? `${what} ${PHRASE[state][0]}` : what;
}

/**
 * "environment variable AZURE_DEVOPS_PAT is set but empty, and AZURE_DEVOPS_EXT_PAT and
 * SYSTEM_ACCESSTOKEN are not set"; "none of the environment variables GITHUB_TOKEN and GH_TOKEN is set".
 */
export function describeVariables(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): string {
  const groups = new Map<State, string[]>();
  for (const name of names) {
    const state = stateOf(envValue(env, name));
    if (state) groups.set(state, [...(groups.get(state) ?? []), name]);
  }
  // Every variable holds text: just where the token came from.
  if (groups.size === 0) return `environment variable${names.length === 1 ? '' : 's'} ${listNames(names)}`;
  const unset = groups.get('unset') ?? [];
  if (unset.length === names.length && names.length > 1) return `none of the environment variables ${listNames(names)} is set`;
  const present = (['empty', 'blank', 'unset'] as const).filter((s) => groups.has(s));
  const parts = present.map((s) => {
    const group = groups.get(s)!;
    return `${listNames(group)} ${PHRASE[s][group.length === 1 ? 0 : 1]}`;
  });
  const noun = groups.get(present[0]!)!.length === 1 ? 'environment variable' : 'environment variables';
  return `${noun} ${parts.join(', and ')}`;
}
