#!/usr/bin/env node
/** Entry point of the CLI bundle (dist/cli/index.js). */
import { main } from './main.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`credential-preflight crashed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
