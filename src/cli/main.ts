/**
 * CLI adapter. The token comes from an environment variable or stdin, never argv (argv is visible to
 * every process on the machine and lands in shell history). Exit codes:
 * 0 passed or warned · 1 failed · 2 usage or configuration error · 3 unverified (provider not reachable).
 */
import packageJson from '../../package.json' with { type: 'json' };
import * as fs from 'node:fs';
import { formatLogEntry, type HttpLogEntry } from '../core/http/log.js';
// The Entra exchange needs the network stack: loaded only when a run uses it.
import { entraFromAzureEnv, useEntra, type EntraCredential } from '../core/entra/source.js';
import { runPreflight, systemDeps, type PreflightDeps } from '../core/preflight.js';
import { inputsBesideConfig, planFromConfig, runPreflightMany, stepOverrides } from '../core/preflight-many.js';
import { outputGuard, publication } from '../core/render/publication.js';
import { shouldColor } from '../core/render/text.js';
import { resolveRequest, tokenFromEnv, type Env } from '../core/request.js';
import { echoedSecrets, isSecretLike, secretForms } from '../core/secrets.js';
import { suggest } from '../core/suggest.js';
import { docsUrl } from '../core/docs.js';
import { parse, usageProblem } from './args.js';
import { BIN, withCommand } from './self-command.js';
import { EXIT, exitCodeFor, exitCodeForMany } from './exit-codes.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  env: Env;
  /** Colour only when stdout is a terminal (NO_COLOR turns it off, FORCE_COLOR on). */
  isTTY: boolean;
  /** How the user runs this CLI (self-command.ts), for the commands the help and the demo show; default `credential-preflight`. */
  command?: string;
}

/** The package's version: `npm version` changes package.json, and with it this. */
export const VERSION: string = packageJson.version;

const HELP = `credential-preflight ${VERSION} — will this credential work for what the next steps need?

Usage:
  credential-preflight [options]          check the token in $AZURE_DEVOPS_PAT / $GITHUB_TOKEN / ...
  credential-preflight --config FILE      check every credential listed in a YAML file, together
  credential-preflight demo               sample credentials: three checked offline, three online (replayed, no network)

Options:
  --provider NAME          auto (default), azure-devops, github, gitlab, bitbucket
  --token-env NAME         read the token from this environment variable
                           (default by provider: AZURE_DEVOPS_PAT, GITHUB_TOKEN, GITLAB_TOKEN, BITBUCKET_TOKEN)
  --token-stdin            read the token from standard input (one trailing newline is ignored)
  --token-type TYPE        auto (default) or system-access-token (Azure Pipelines job token)
  --url URL                organisation / collection / host URL (env AZURE_DEVOPS_ORG_URL or AZURE_DEVOPS_ORG;
                           GitHub GITHUB_API_URL; GitLab CI_API_V4_URL or CI_SERVER_URL)
  --project NAME           project or owner/repo the later steps use (env AZURE_DEVOPS_PROJECT)
  --username NAME          user name that goes with the token (Bitbucket API tokens: your Atlassian e-mail)
  --required-scopes LIST   comma-separated scopes the later steps need (e.g. "vso.code, Build: Read")
  --min-days-remaining N   warn when the token expires within N days (default 7; 0 turns it off)
  --expires-on DATE        the token's expiry date if you know it (PATs cannot read their own), YYYY-MM-DD
  --timeout-seconds N      overall time for the online checks, retries included (default 30, 1-600)
  --offline                check token format, checksum, expiry and URL shape only; no network
  --fail-on-warning        treat warnings as failures (exit 1)
  --config FILE            YAML file listing several credentials (each names the variable holding its
                           token); --offline, --fail-on-warning, --timeout-seconds and
                           --min-days-remaining then apply to all of them (the file's own values win
                           for the last two)
  --format text|json       output format (default text; json is the report, schemaVersion 1)
  --debug                  log each request (method, host, path, status, time) to stderr
  -h, --help               this help
  -v, --version            print the version

Without a token, Azure DevOps is checked through Microsoft Entra when the Azure Identity variables
describe a credential (as the Azure SDKs read them): AZURE_CLIENT_ID, AZURE_TENANT_ID and one of
AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH (PEM) or AZURE_FEDERATED_TOKEN_FILE (workload
identity), plus AZURE_AUTHORITY_HOST for sovereign clouds. See ${docsUrl('entra.md')}.

Exit codes: 0 passed or warned, 1 failed, 2 usage or configuration error, 3 unverified (provider not reachable).
The token is never accepted as a command-line argument.
Colour only on a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 turns it on.
`;

export async function main(argv: string[], io: CliIo, deps: PreflightDeps = systemDeps): Promise<number> {
  const forms: string[] = [];
  try {
    return await check(argv, io, deps, forms);
  } catch (e) {
    // A bug must still end in one clear, token-free line rather than a stack trace. Nothing was
    // verified, so it is the unverified exit code.
    const line = `credential-preflight crashed: ${e instanceof Error ? e.message : String(e)}. Treat the credential as unverified, and please report this bug.`;
    io.stderr(`${outputGuard(forms).line(line)}\n`);
    return EXIT.unverified;
  }
}

type Values = ReturnType<typeof parse>['values'];
interface Output {
  color: boolean;
  format: 'text' | 'json';
}

/** The parsed command line, or the exit code of a usage error already reported. */
function parseCommandLine(argv: string[], io: CliIo): { values: Values; positionals: string[] } | number {
  if (argv.some((a) => a === '--token' || a.startsWith('--token='))) {
    io.stderr(
      'credential-preflight: --token is not accepted: a token on the command line is visible to every process and kept in shell history.\nPut it in an environment variable (--token-env NAME) or pipe it in (--token-stdin).\n',
    );
    return EXIT.usage;
  }
  const problem = usageProblem(argv);
  try {
    if (problem === undefined) return parse(argv);
  } catch {
    // usageProblem found nothing but Node's parser did: its text then names the argument, which may
    // be a pasted token, so it is not repeated.
  }
  // An unknown flag's name is echoed; anything secret-looking in it is hidden like every echoed value.
  const line = `credential-preflight: ${problem ?? 'the command line could not be read.'}`;
  io.stderr(`${outputGuard(echoedSecrets(argv)).line(line)}\nRun with --help for the options.\n`);
  return EXIT.usage;
}

/** The CLI proper; `seen` collects every secret form as soon as it is known, for the crash message. */
async function check(argv: string[], io: CliIo, deps: PreflightDeps, seen: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(
      HELP.split('\n')
        // The usage lines show the command that works here; the title keeps the tool's name.
        .map((l) => (l.startsWith('  ') ? withCommand(l, io.command ?? BIN) : l))
        .join('\n'),
    );
    return EXIT.ok;
  }
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const format = values.format ?? 'text';
  // Every flag's value may be echoed (a message quoting it): secret-looking ones are hidden.
  seen.push(...echoedSecrets(Object.values(values).filter((v): v is string => typeof v === 'string')));
  if (format !== 'text' && format !== 'json') {
    io.stderr(`${outputGuard(seen).line(`credential-preflight: --format must be text or json, not ${JSON.stringify(format)}.`)}\n`);
    return EXIT.usage;
  }
  const color = shouldColor(io.isTTY, io.env);
  // The demo replays answers through undici's MockAgent: loaded only for the demo.
  if (positionals[0] === 'demo') return (await import('./demo.js')).runDemo(io, deps, { color, format });
  if (positionals.length > 0) {
    io.stderr(`credential-preflight: ${strayArgument(positionals[0]!, io.command ?? BIN)}\n`);
    return EXIT.usage;
  }
  if (values.config !== undefined) return runConfig(values, io, deps, { color, format }, seen);
  if (values['token-stdin'] && values['token-env']) {
    io.stderr('credential-preflight: use either --token-stdin or --token-env, not both.\n');
    return EXIT.usage;
  }
  return runSingle(values, io, deps, { color, format }, seen);
}

/** A stray argument: a mistyped command is named with the command meant; anything else is not echoed (often a pasted token). */
function strayArgument(arg: string, bin: string): string {
  const command = arg.length <= 12 && !isSecretLike(arg) ? suggest(arg, ['demo']) : undefined;
  if (command) return `unexpected argument ${JSON.stringify(arg)}; did you mean the ${command} command (\`${bin} ${command}\`)?`;
  return 'unexpected argument (not shown). Tokens are never taken from arguments: use --token-env NAME or --token-stdin; run with --help.';
}

async function readToken(values: Values, io: CliIo): Promise<ReturnType<typeof tokenFromEnv>> {
  // Like `docker login --password-stdin`: the newline `echo` adds is not part of the token.
  if (values['token-stdin'])
    return { value: (await io.readStdin()).replace(/\r?\n$/, ''), source: 'standard input', origin: { stdin: true } };
  return tokenFromEnv(values.provider, io.env, values['token-env']);
}

/** The Azure Identity credential to use when no token was given (and none was asked for by name). */
function entraCredential(values: Values, env: Env, token: string | undefined): EntraCredential | undefined {
  if ((token !== undefined && token.trim() !== '') || values['token-stdin'] || values['token-env']) return undefined;
  return useEntra(values.provider, values.url ?? env.AZURE_DEVOPS_ORG_URL) ? entraFromAzureEnv(env) : undefined;
}

/** One credential, described by the flags. */
async function runSingle(values: Values, io: CliIo, deps: PreflightDeps, options: Output, seen: string[]): Promise<number> {
  const { value: token, source: tokenSource, origin: tokenOrigin } = await readToken(values, io);
  seen.push(...secretForms(token, values.username));
  const forms = [...seen];

  const { request, findings } = resolveRequest(
    {
      provider: values.provider,
      token,
      tokenType: values['token-type'],
      url: values.url,
      project: values.project,
      username: values.username,
      requiredScopes: values['required-scopes'],
      minDaysRemaining: values['min-days-remaining'],
      timeoutSeconds: values['timeout-seconds'],
      expiresOn: values['expires-on'],
      offline: values.offline ? 'true' : 'false',
      failOnWarning: values['fail-on-warning'] ? 'true' : 'false',
    },
    io.env,
    'flag',
  );
  request.tokenSource = tokenSource;
  request.tokenOrigin = tokenOrigin;
  // The guard is made per line: the Entra stage adds secrets (the minted token) while the run goes on.
  const log = values.debug ? (e: HttpLogEntry) => io.stderr(`${outputGuard(forms).line(formatLogEntry(e))}\n`) : undefined;
  const entra = entraCredential(values, io.env, token);
  // Secrets the Entra stage meets (client secret, assertion, minted token) join the redaction list at once.
  const mask = (secret: string): void => {
    const more = secretForms(secret);
    forms.push(...more);
    seen.push(...more);
  };
  const report = entra
    ? await (
        await import('../core/entra/index.js')
      ).runEntraPreflight(entra, request, { env: io.env, ...deps, log, mask, readFile: (f) => fs.readFileSync(f, 'utf8') }, findings)
    : await runPreflight(request, { env: io.env, ...deps, log }, findings);
  // Nothing the core produces should hold a secret, but whatever is printed passes the one redaction.
  const out = publication(report, forms);
  io.stdout(options.format === 'json' ? out.json() : out.text({ color: options.color }));
  return exitCodeFor(report);
}

/** Flags that describe one credential; with --config the file describes them. */
const SINGLE_FLAGS = [
  'provider',
  'token-env',
  'token-stdin',
  'token-type',
  'url',
  'project',
  'username',
  'required-scopes',
  'expires-on',
] as const;

async function runConfig(values: Values, io: CliIo, deps: PreflightDeps, options: Output, seen: string[]): Promise<number> {
  const beside = SINGLE_FLAGS.filter((f) => values[f] !== undefined).map((f) => `--${f}`);
  const file = values.config!;
  // Loaded only when a credentials file is read: other runs never load the YAML parser.
  const { readCredentialsConfig } = await import('../core/config.js');
  const parsed = readCredentialsConfig(file, fs, deps.now());
  const step = stepOverrides(
    {
      offline: values.offline ? 'true' : 'false',
      failOnWarning: values['fail-on-warning'] ? 'true' : 'false',
      timeoutSeconds: values['timeout-seconds'],
      minDaysRemaining: values['min-days-remaining'],
    },
    'flag',
  );
  const { plan, secrets } = planFromConfig(parsed, io.env, step.overrides);
  seen.push(...secrets);
  const forms = [...seen];
  const guard = outputGuard(forms);
  const log = values.debug ? (name: string, e: HttpLogEntry) => io.stderr(`${guard.line(`[${name}] ${formatLogEntry(e)}`)}\n`) : undefined;
  const findings = [...parsed.findings, ...step.findings, ...inputsBesideConfig(beside, '--config')];
  const multi = await runPreflightMany(plan, { env: io.env, ...deps, log }, { config: file, findings });
  const out = publication(multi, forms);
  io.stdout(options.format === 'json' ? out.json() : out.text({ color: options.color }));
  return exitCodeForMany(multi);
}
