// Unit tests are pure: this setup file makes any socket, server or child process they open fail
// loudly, so a test that needs one has to live with the integration or e2e tests.
//
// Jest hands every test file the worker's real `node:net` and `node:child_process` (core modules are
// not sandboxed), and a worker runs unit and integration files one after another. So the refusals
// are installed for this test file only and the originals are put back after it (afterAll); without
// that, an integration file scheduled after a unit file in the same worker would be refused too.
const net = require('node:net');
const childProcess = require('node:child_process');
const { afterAll } = require('@jest/globals');

const ORIGINALS = Symbol.for('credential-preflight.no-sockets.originals');

function refuse(what) {
  return function () {
    throw new Error(`unit tests open no ${what}: move this test to __tests__/integration or __tests__/e2e`);
  };
}

const targets = [
  [net.Socket.prototype, 'connect', 'sockets'],
  [net.Server.prototype, 'listen', 'servers'],
  ...['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'].map((name) => [childProcess, name, 'child processes']),
];

// Originals are kept on the real module objects, so a file whose afterAll never ran cannot make the
// refusals look like the originals to the next file.
const originals = (net[ORIGINALS] ??= targets.map(([object, key]) => [object, key, object[key]]));
for (const [object, key, what] of targets) object[key] = refuse(what);

afterAll(() => {
  for (const [object, key, original] of originals) object[key] = original;
});
