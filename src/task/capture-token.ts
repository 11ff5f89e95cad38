/**
 * The agent's hand-over, read once before anything else runs, the way azure-pipelines-task-lib reads
 * it on import (internal.js `_loadData`): the inputs (INPUT_*), service-connection secrets
 * (ENDPOINT_AUTH_*), secret variables (SECRET_*) and the like move into a private vault and leave
 * process.env, and the variable metadata (VSTS_PUBLIC_VARIABLES / VSTS_SECRET_VARIABLES) and the
 * agent's COMMAND_CORRELATION_ID are read and removed. The task no longer loads task-lib (its import
 * was most of the task's start-up); `logging-commands.ts` writes the agent's logging commands from
 * this vault. Unlike tl.getInput, reading an input here logs nothing: tl.getInput writes
 * `name=<value>` to the debug log before any code could mask it (the token, or a token pasted into
 * `project`). This module must be imported first (ES modules evaluate in import order).
 */

/** Prefixes task-lib moves from the environment into its vault. */
const VAULTED = ['INPUT_', 'ENDPOINT_AUTH_', 'SECUREFILE_TICKET_', 'SECRET_', 'VSTS_TASKVARIABLE_'];

/** task-lib's variable key rule (`_getVariableKey`): dots and spaces become underscores, upper case. */
export const variableKey = (name: string): string => name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase();

export interface AgentVault {
  /** A vaulted value by its environment name (`INPUT_TOKEN`, `ENDPOINT_AUTH_<id>`, `SECRET_<KEY>`). */
  secret(name: string): string | undefined;
  /** Keeps a value the task sets as a secret variable (task-lib's setVariable stores it the same way). */
  keep(name: string, value: string): void;
  /** Variables known to be secret, by key: their value is read from the vault, never from the environment. */
  readonly secretKeys: Set<string>;
  /** The agent's id for this step's commands (task-lib puts it on its own task.issue lines). */
  readonly correlationId: string;
}

function names(json: string | undefined, what: string): string[] {
  try {
    return JSON.parse(json || '[]') as string[];
  } catch (e) {
    // task-lib throws the same way: the agent always writes valid JSON.
    throw new Error(`Failed to parse ${what} as JSON. ${String(e)}`);
  }
}

/** Moves the agent's secrets out of `env` into a vault, as task-lib does on import. */
export function vaultFrom(env: NodeJS.ProcessEnv): AgentVault {
  const store = new Map<string, string>();
  const secretKeys = new Set<string>();
  for (const key of Object.keys(env)) {
    if (!VAULTED.some((p) => key.startsWith(p))) continue;
    if (key.startsWith('SECRET_') && key.length > 'SECRET_'.length) secretKeys.add(variableKey(key.slice('SECRET_'.length)));
    const value = env[key];
    if (value) {
      // task-lib's vault keys are case-insensitive (vault.js lower-cases them): a connection id matches either way.
      store.set(key.toLowerCase(), value);
      delete env[key];
    }
  }
  const correlationId = env.COMMAND_CORRELATION_ID ? String(env.COMMAND_CORRELATION_ID) : '';
  delete env.COMMAND_CORRELATION_ID;
  for (const name of names(env.VSTS_PUBLIC_VARIABLES, 'VSTS_PUBLIC_VARIABLES')) secretKeys.delete(variableKey(name));
  delete env.VSTS_PUBLIC_VARIABLES;
  for (const name of names(env.VSTS_SECRET_VARIABLES, 'VSTS_SECRET_VARIABLES')) secretKeys.add(variableKey(name));
  delete env.VSTS_SECRET_VARIABLES;
  return {
    secret: (name) => store.get(name.toLowerCase()),
    keep: (name, value) => void (value ? store.set(name.toLowerCase(), value) : store.delete(name.toLowerCase())),
    secretKeys,
    correlationId,
  };
}

export const vault: AgentVault = vaultFrom(process.env);

// An empty input is not vaulted (task-lib's vault skips empty values) and stays in the environment as
// '': keep it so, because "set but empty" and "not set" are different diagnoses.
export const capturedToken: string | undefined = vault.secret('INPUT_TOKEN') ?? process.env.INPUT_TOKEN;

/** tl.getInput's answer (same key rule), without its debug line. */
export function capturedInput(name: string): string | undefined {
  return vault.secret(`INPUT_${variableKey(name)}`);
}
