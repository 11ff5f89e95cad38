#!/usr/bin/env node
/** Entry point of the CLI bundle (dist/cli/index.js). */
import { EXIT } from './exit-codes.js';
import { main } from './main.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let finished = false;
// If the event loop ever empties before the check settles, never let that look like success.
process.on('exit', () => {
  if (!finished) {
    process.stderr.write('credential-preflight stopped before the check finished (internal error); treat the credential as unverified.\n');
    process.exitCode = EXIT.unverified;
  }
});

main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
}).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (e: unknown) => {
    finished = true;
    process.stderr.write(`credential-preflight crashed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.usage;
  },
);
