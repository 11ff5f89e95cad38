// Unit tests are pure: while a unit test file runs, any socket, server or child process it opens
// fails loudly, so a test that needs one has to live with the integration or e2e tests. Node's core
// modules are shared by every test file a worker runs, so the originals come back after the file.
/* global afterAll */
const net = require('node:net');
const childProcess = require('node:child_process');

const refuse = (what) =>
  function () {
    throw new Error(`unit tests open no ${what}: move this test to __tests__/integration or __tests__/e2e`);
  };

const patches = [
  [net.Socket.prototype, 'connect', 'sockets'],
  [net.Server.prototype, 'listen', 'servers'],
  ...['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'].map((name) => [childProcess, name, 'child processes']),
];
const originals = patches.map(([target, name]) => [target, name, target[name]]);
for (const [target, name, what] of patches) target[name] = refuse(what);
afterAll(() => {
  for (const [target, name, original] of originals) target[name] = original;
});
