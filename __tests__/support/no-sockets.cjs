// Unit tests are pure: this setup file makes any socket, server or child process they open fail
// loudly, so a test that needs one has to live with the integration or e2e tests.
// node:net and node:child_process are shared by every test file a jest worker runs, the integration
// and e2e files included, so the originals come back after each unit test file (it is a
// setupFilesAfterEnv file, where afterAll is available); otherwise the guard would fail them too.
/* global afterAll */
const net = require('node:net');
const childProcess = require('node:child_process');

function refuse(what) {
  return function () {
    throw new Error(`unit tests open no ${what}: move this test to __tests__/integration or __tests__/e2e`);
  };
}

const CHILD = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
const original = {
  connect: net.Socket.prototype.connect,
  listen: net.Server.prototype.listen,
  child: Object.fromEntries(CHILD.map((name) => [name, childProcess[name]])),
};

net.Socket.prototype.connect = refuse('sockets');
net.Server.prototype.listen = refuse('servers');
for (const name of CHILD) childProcess[name] = refuse('child processes');

afterAll(() => {
  net.Socket.prototype.connect = original.connect;
  net.Server.prototype.listen = original.listen;
  for (const name of CHILD) childProcess[name] = original.child[name];
});
