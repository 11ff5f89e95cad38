/**
 * The CLI's flags, and what is wrong with a command line in the user's terms: an unknown flag with
 * the closest known one (the same rule as the credentials file's keys), a flag without its value with
 * an example value, a switch given a value. Node's parser text ("Unknown option '--urll'. To specify
 * a positional argument…") explains its own syntax, not the tool.
 */
import { parseArgs } from 'node:util';
import { isSecretLike } from '../core/secrets.js';
import { suggest } from '../core/suggest.js';

const OPTIONS = {
  provider: { type: 'string' },
  'token-env': { type: 'string' },
  'token-stdin': { type: 'boolean' },
  'token-type': { type: 'string' },
  url: { type: 'string' },
  project: { type: 'string' },
  username: { type: 'string' },
  'required-scopes': { type: 'string' },
  'min-days-remaining': { type: 'string' },
  'timeout-seconds': { type: 'string' },
  'expires-on': { type: 'string' },
  offline: { type: 'boolean' },
  'fail-on-warning': { type: 'boolean' },
  format: { type: 'string' },
  debug: { type: 'boolean' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Name = keyof typeof OPTIONS;
const NAMES = Object.keys(OPTIONS) as Name[];

/** An example value for each flag that takes one, for "--url needs a value, e.g. …". */
const EXAMPLES: Partial<Record<Name, string>> = {
  provider: 'azure-devops',
  'token-env': 'AZURE_DEVOPS_PAT',
  'token-type': 'system-access-token',
  url: 'https://dev.azure.com/your-org',
  project: 'Fabrikam-Fiber',
  username: 'you@example.com',
  'required-scopes': '"vso.code, vso.build"',
  'min-days-remaining': '14',
  'timeout-seconds': '60',
  'expires-on': '2027-03-31',
  format: 'json',
  config: 'credentials.yml',
};

export function parse(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
}

const isName = (name: string): name is Name => (NAMES as string[]).includes(name);

/** Longer than any flag: a pasted value, perhaps a token, rather than a mistyped flag; not echoed. */
const MAX_FLAG_CHARS = 30;

function unknownFlag(rawName: string, name: string): string {
  if (name.length > MAX_FLAG_CHARS || isSecretLike(name)) return 'unknown option (not shown: it looks like a value, not a flag).';
  const guess = suggest(name, NAMES);
  return guess ? `unknown option ${rawName}; did you mean --${guess}?` : `unknown option ${rawName}.`;
}

/** "-offline": one dash and a whole word, read by Node as the short flags -o -f -f … */
function singleDash(arg: string): string | undefined {
  if (!/^-[A-Za-z][\w-]+$/.test(arg)) return undefined;
  const guess = suggest(arg.slice(1), NAMES);
  return guess ? `unknown option ${arg}; long options take two dashes: --${guess}.` : undefined;
}

/** The first problem with the command line, in words; undefined when it parses. */
export function usageProblem(argv: string[]): string | undefined {
  const { tokens } = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true, options: OPTIONS });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const dashed = token.rawName.startsWith('--') ? undefined : singleDash(argv[token.index] ?? '');
    if (dashed) return dashed;
    if (!isName(token.name)) return unknownFlag(token.rawName, token.name);
    const option = OPTIONS[token.name];
    if (option.type === 'boolean' && token.value !== undefined)
      return `${token.rawName} is a switch and takes no value: remove the "=…" after it.`;
    // `--url --offline`: Node's strict parser refuses a value starting with a dash as ambiguous.
    if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))))
      return `${token.rawName} needs a value, e.g. ${token.rawName} ${EXAMPLES[token.name] ?? 'VALUE'}.`;
  }
  return undefined;
}
