import { describe, expect, it } from '@jest/globals';
import * as childProcess from 'node:child_process';
import * as net from 'node:net';

describe('unit tests are pure (support/no-sockets.cjs)', () => {
  it('a socket, a server or a child process fails the test', () => {
    expect(() => net.connect(1, '127.0.0.1')).toThrow('unit tests open no sockets');
    expect(() => net.createServer().listen(0)).toThrow('unit tests open no servers');
    expect(() => childProcess.spawn(process.execPath, ['-v'])).toThrow('unit tests open no child processes');
    expect(() => childProcess.execFileSync(process.execPath, ['-v'])).toThrow('unit tests open no child processes');
  });
});
