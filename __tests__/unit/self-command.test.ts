import { describe, expect, it } from '@jest/globals';
import { selfCommand, withCommand } from '../../src/cli/self-command.js';

describe('the command the help and the demo show', () => {
  it.each([
    [undefined, '/x', 'credential-preflight'],
    ['/home/u/.npm/_npx/1a2b/node_modules/.bin/credential-preflight', '/home/u', 'npx credential-preflight@1'],
    ['/repo/node_modules/credential-preflight/dist/cli/index.js', '/repo', 'npx credential-preflight@1'],
    ['/usr/local/bin/credential-preflight', '/home/u', 'credential-preflight'],
    ['/src/cp/dist/cli/index.js', '/src/cp', 'node dist/cli/index.js'],
    ['/src/cp/dist/cli/index.js', '/elsewhere', 'node /src/cp/dist/cli/index.js'],
    ['/my repo/dist/cli/index.js', '/other', 'node "/my repo/dist/cli/index.js"'],
  ])('%s from %s: %s', (script, cwd, command) => {
    expect(selfCommand(script, cwd, '1.4.2')).toBe(command);
  });

  it('replaces the tool name where it is the command, not in other words', () => {
    expect(withCommand('$ GITHUB_TOKEN=*** credential-preflight --offline', 'node dist/cli/index.js')).toBe(
      '$ GITHUB_TOKEN=*** node dist/cli/index.js --offline',
    );
    expect(
      withCommand('Run `credential-preflight --help`; see credential-preflight/credential-preflight@v1', 'npx credential-preflight@1'),
    ).toBe('Run `npx credential-preflight@1 --help`; see credential-preflight/credential-preflight@v1');
  });
});
