// Unit tests are pure: this setup file makes any socket, server or child process they open fail
// loudly, so a test that needs one has to live with the integration or e2e tests.
const net = require('node:net');
const childProcess = require('node:child_process');

function refuse(what) {
  return function () {
    throw new Error(`unit tests open no ${what}: move this test to __tests__/integration or __tests__/e2e`);
  };
}

net.Socket.prototype.connect = refuse('sockets');
net.Server.prototype.listen = refuse('servers');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'])
  childProcess[name] = refuse('child processes');
