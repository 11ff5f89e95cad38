/**
 * Unexpanded variable references: a value that is exactly `$(Name)`, `${{ secrets.NAME }}`, `${NAME}`,
 * `$NAME`, `%NAME%` or `$env:NAME` is the name of a variable the platform did not replace, not a
 * secret. Only such exact values are recognised (after surrounding whitespace and one pair of quotes):
 * anything else around the reference may be part of a real token and is never shown.
 */

export type ReferenceSyntax = 'azure-macro' | 'expression' | 'shell' | 'cmd' | 'powershell';

export interface Reference {
  /** The value as written, e.g. `$(System.AccessToken)`. */
  text: string;
  /** The variable it names, e.g. `System.AccessToken` or `secrets.GH_PAT`. */
  name: string;
  syntax: ReferenceSyntax;
}

/** A variable name: letters, digits, `_`, `.` and `-`, starting with a letter or `_`. */
const NAME = '[A-Za-z_][\\w.-]{0,99}';

const EXACT: Array<[RegExp, ReferenceSyntax]> = [
  [new RegExp(`^\\$\\(\\s*(${NAME})\\s*\\)$`), 'azure-macro'],
  [new RegExp(`^\\$\\{\\{\\s*(${NAME})\\s*\\}\\}$`), 'expression'],
  [/^\$\{([A-Za-z_]\w{0,99})\}$/, 'shell'],
  [/^\$([A-Za-z_]\w{0,99})$/, 'shell'],
  [/^%([A-Za-z_]\w{0,99})%$/, 'cmd'],
  [/^\$env:([A-Za-z_]\w{0,99})$/i, 'powershell'],
];

/** Where a reference appears inside a longer value (never quoted: the rest may be a secret). */
const INSIDE: Array<[RegExp, string]> = [
  [/\$\(\s*[\w.-]+\s*\)/, 'an Azure Pipelines macro'],
  [/\$\{\{[^}]*\}\}/, 'a GitHub Actions or Azure Pipelines template expression'],
  [/\$\{[A-Za-z_]\w*\}/, 'a shell variable'],
];

/** The value without surrounding whitespace and one pair of surrounding quotes. */
function unquote(raw: string): string {
  const value = raw.trim();
  const quoted = /^(["'`])(.*)\1$/s.exec(value);
  return quoted ? quoted[2]!.trim() : value;
}

/**
 * A part of a name as people write them: UPPER_CASE, lower, or CamelCase words (`System`,
 * `AccessToken`, `GH_PAT`, `MyPat2`), short. Random text (a token pasted after a `$`) switches case
 * and digits mid-word and fails, so it is never shown as a name.
 */
const NAME_PART = /^(?:[A-Z][A-Z0-9]*|[a-z][a-z0-9]*|(?:[A-Z][a-z]+)+[0-9]*|[a-z]+(?:[A-Z][a-z]+)+[0-9]*)$/;
const isPlainName = (name: string): boolean =>
  name.length <= 64 && name.split(/[._-]/).every((part) => part === '' || (part.length <= 24 && NAME_PART.test(part)));

/** The reference when the whole value is exactly one naming a plain variable name, else undefined. */
export function exactReference(raw: string | undefined): Reference | undefined {
  if (raw === undefined || raw.length > 200) return undefined;
  const text = unquote(raw);
  for (const [pattern, syntax] of EXACT) {
    const m = pattern.exec(text);
    if (m) return isPlainName(m[1]!) ? { text, name: m[1]!, syntax } : undefined;
  }
  return undefined;
}

/** What kind of reference a longer value holds somewhere inside it, if any. */
export function referenceInside(value: string): string | undefined {
  return INSIDE.find(([pattern]) => pattern.test(value))?.[1];
}
