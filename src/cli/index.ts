#!/usr/bin/env node
/** Entry point of the CLI bundle (dist/cli/index.js). */
import { EXIT } from './exit-codes.js';
import { main, VERSION } from './main.js';
import { selfCommand } from './self-command.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A reader that went away (`credential-preflight … | head -1`) is not a failure of the check: the
 * write fails with EPIPE, which Node raises as an 'error' event (a stack trace and exit code 1 when
 * unhandled). Nothing more is written to that stream; the run ends with the check's own exit code.
 */
const closed = { stdout: false, stderr: false };
function writer(name: 'stdout' | 'stderr'): (text: string) => void {
  const stream = process[name];
  stream.on('error', (e: NodeJS.ErrnoException) => {
    closed[name] = true;
    if (e.code !== 'EPIPE' && name === 'stdout' && !closed.stderr)
      process.stderr.write(`credential-preflight: cannot write the output (${e.code ?? 'error'}).\n`);
  });
  return (text) => {
    if (!closed[name]) stream.write(text);
  };
}

let finished = false;
// If the event loop ever empties before the check settles, never let that look like success.
process.on('exit', () => {
  if (!finished) {
    if (!closed.stderr)
      process.stderr.write(
        'credential-preflight stopped before the check finished (internal error); treat the credential as unverified.\n',
      );
    process.exitCode = EXIT.unverified;
  }
});

main(process.argv.slice(2), {
  stdout: writer('stdout'),
  stderr: writer('stderr'),
  readStdin,
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
  command: selfCommand(process.argv[1], process.cwd(), VERSION),
}).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (e: unknown) => {
    finished = true;
    if (!closed.stderr) process.stderr.write(`credential-preflight crashed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.usage;
  },
);
