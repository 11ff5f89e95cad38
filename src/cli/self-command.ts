/**
 * How the user runs this CLI, so the help and the demo show commands that work as written: a bare
 * `credential-preflight` is on PATH only after a global install; through npx (or a project's
 * node_modules) it is `npx credential-preflight@1`; in a clone of the repository it is
 * `node dist/cli/index.js`.
 */
import * as path from 'node:path';

export const BIN = 'credential-preflight';

/** `scriptPath` is process.argv[1] as the shell passed it (npm's bin links are not resolved there). */
export function selfCommand(scriptPath: string | undefined, cwd: string, version: string): string {
  if (!scriptPath) return BIN;
  if (/[\\/]node_modules[\\/]/.test(scriptPath)) return `npx ${BIN}@${version.split('.')[0]}`;
  if (path.basename(scriptPath) === BIN) return BIN;
  const relative = path.relative(cwd, scriptPath);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : scriptPath;
  return `node ${/^[\w./\\:-]+$/.test(shown) ? shown : JSON.stringify(shown)}`;
}

/** A demo or help line written for `credential-preflight …`, with the command that works here. */
export function withCommand(line: string, command: string): string {
  return command === BIN ? line : line.replace(/(^|[\s`])credential-preflight(?= )/g, `$1${command}`);
}
