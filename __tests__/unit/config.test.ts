import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCredentialsConfig, readCredentialsConfig, suggest } from '../../src/core/config.js';
import { azureDevOpsPat, githubPat, leaks } from '../support/tokens.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const parse = (text: string) => parseCredentialsConfig(text, 'creds.yml', NOW);
const messages = (text: string) => parse(text).findings.map((f) => f.message);

const GOOD = `# two organisations and GitHub
fail-on-warning: true
defaults:
  provider: azure-devops
  min-days-remaining: 14
credentials:
  - name: fabrikam
    url: https://dev.azure.com/fabrikam
    project: Fabrikam-Fiber
    token-env: FABRIKAM_PAT
    required-scopes: [vso.code, "Build: Read"]
  - name: contoso
    url: https://dev.azure.com/contoso
    token-env: CONTOSO_PAT
    required-scopes: vso.project, vso.work
    expires-on: 2027-03-31
  - provider: github
    token-env: GH_TOKEN
    offline: true
    min-days-remaining: 0
`;

describe('credentials file: the documented shape', () => {
  it('reads entries with defaults applied, as input strings, in file order', () => {
    const r = parse(GOOD);
    expect(r.findings).toEqual([]);
    expect(r.config).toMatchObject({ file: 'creds.yml', failOnWarning: true });
    const [a, b, c] = r.config!.entries;
    expect(a).toMatchObject({ name: 'fabrikam', tokenEnv: 'FABRIKAM_PAT', line: 7 });
    expect(a!.inputs).toEqual({
      provider: 'azure-devops',
      minDaysRemaining: '14',
      url: 'https://dev.azure.com/fabrikam',
      project: 'Fabrikam-Fiber',
      requiredScopes: 'vso.code\nBuild: Read',
    });
    expect(b!.inputs).toMatchObject({ requiredScopes: 'vso.project, vso.work', expiresOn: '2027-03-31', minDaysRemaining: '14' });
    // The row label defaults to the variable name; entry values override defaults.
    expect(c).toMatchObject({
      name: 'GH_TOKEN',
      tokenEnv: 'GH_TOKEN',
      inputs: { provider: 'github', offline: 'true', minDaysRemaining: '0' },
    });
  });

  it('accepts yes/no and quoted numbers the way the inputs do', () => {
    const r = parse('credentials:\n  - token-env: A\n    offline: "yes"\n    min-days-remaining: "30"\n');
    expect(r.findings).toEqual([]);
    expect(r.config!.entries[0]!.inputs).toEqual({ offline: 'yes', minDaysRemaining: '30' });
  });
});

describe('credentials file: precise errors (config.file, with line, column and field path)', () => {
  it('names the line, column and field of a bad value, with the inputs’ own rule', () => {
    const r = parse('credentials:\n  - token-env: A\n    min-days-remaining: soon\n');
    expect(r.config).toBeUndefined();
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ code: 'config.file', severity: 'error' });
    expect(r.findings[0]!.message).toMatch(/^creds\.yml:3:25: credentials\[0\]\.min-days-remaining is not valid: .*"soon"/);
    expect(r.findings[0]!.hint).toContain('e.g. 7');
  });

  it('suggests the key that was meant', () => {
    expect(messages('credentials:\n  - token-env: A\n    required_scopes: vso.code\n')[0]).toMatch(
      /^creds\.yml:3:5: credentials\[0\]\.required_scopes is not a known key/,
    );
    expect(parse('credentials:\n  - token-env: A\n    requiredScopes: vso.code\n').findings[0]!.hint).toBe(
      'Did you mean `required-scopes`?',
    );
    expect(parse('credentials:\n  - token-env: A\n    projet: X\n').findings[0]!.hint).toBe('Did you mean `project`?');
    expect(parse('credential:\n  - token-env: A\n').findings[0]!.hint).toBe('Did you mean `credentials`?');
    expect(parse('credentials:\n  - token-env: A\n    colour: blue\n').findings[0]!.hint).toMatch(/^Use one of: name, token-env/);
    expect(suggest('min-days', ['min-days-remaining', 'url'])).toBeUndefined();
  });

  it('reports types: lists, mappings, booleans', () => {
    expect(messages('credentials:\n  - token-env: A\n    url: [a, b]\n')[0]).toBe(
      'creds.yml:3:10: credentials[0].url must be a single value, not a list.',
    );
    expect(messages('credentials:\n  - token-env: A\n    offline: maybe\n')[0]).toBe(
      'creds.yml:3:14: credentials[0].offline must be true or false, not "maybe".',
    );
    expect(messages('credentials:\n  - token-env: A\n    required-scopes: {a: 1}\n')[0]).toContain(
      'must be a list or a comma-separated text, not a mapping',
    );
    expect(messages('credentials:\n  - token-env: A\n    required-scopes:\n      - [x]\n')[0]).toBe(
      'creds.yml:4:9: credentials[0].required-scopes[0] must be a scope name, not a list.',
    );
    expect(messages('fail-on-warning: sometimes\ncredentials:\n  - token-env: A\n')[0]).toBe(
      'creds.yml:1:18: fail-on-warning must be true or false, not "sometimes".',
    );
    expect(messages('credentials:\n  - just-a-string\n')[0]).toBe(
      'creds.yml:2:5: credentials[0] must be a mapping (name, token-env, url…), not a single value.',
    );
  });

  it('checks provider, token type and dates with the same rules as the inputs', () => {
    expect(messages('credentials:\n  - token-env: A\n    provider: svn\n')[0]).toMatch(
      /^creds\.yml:3:15: credentials\[0\]\.provider is not valid: Unknown provider "svn"/,
    );
    expect(messages('credentials:\n  - token-env: A\n    token-type: jwt\n')[0]).toContain('credentials[0].token-type is not valid');
    expect(messages('credentials:\n  - token-env: A\n    expires-on: someday\n')[0]).toContain('credentials[0].expires-on is not valid');
    expect(messages('defaults:\n  provider: svn\ncredentials:\n  - token-env: A\n')[0]).toMatch(
      /^creds\.yml:2:13: defaults\.provider is not valid/,
    );
  });

  it('requires a token-env that is a bare, usable variable name', () => {
    expect(messages('credentials:\n  - name: x\n')[0]).toBe(
      'creds.yml:2:5: credentials[0] has no `token-env`: the name of the environment variable that holds its token.',
    );
    const ref = parse('credentials:\n  - token-env: $(Fabrikam.Pat)\n').findings[0]!;
    expect(ref.message).toContain('must be the bare variable name');
    expect(ref.hint).toContain('`token-env: FABRIKAM_PAT`');
    expect(parse('credentials:\n  - token-env: ${{ secrets.MY_PAT }}\n').findings[0]!.hint).toContain('`token-env: MY_PAT`');
    expect(messages('credentials:\n  - token-env: my pat\n')[0]).toContain('"my pat" is not one');
    expect(messages('credentials:\n  - token-env: INPUT_TOKEN\n')[0]).toContain('starting with INPUT_');
    expect(messages('credentials:\n  - token-env: SECRET_PAT\n')[0]).toContain('starting with SECRET_');
    expect(messages('defaults:\n  token-env: A\ncredentials:\n  - token-env: A\n')[0]).toBe(
      'creds.yml:2:3: defaults.token-env cannot be a default: each credential has its own.',
    );
    // fail-on-warning is the file's (or the step's) switch: put in an entry or defaults it says where it goes.
    for (const text of [
      'credentials:\n  - token-env: A\n    fail-on-warning: true\n',
      'defaults:\n  fail-on-warning: true\ncredentials:\n  - token-env: A\n',
    ]) {
      const [f] = parse(text).findings;
      expect(f!.message).toMatch(/fail-on-warning applies to the whole file, not to one credential\.$/);
      expect(f!.hint).toBe(
        'Move `fail-on-warning: true` to the top level of the file (no indentation), or set the step’s fail-on-warning input.',
      );
    }
  });

  it('wants distinct row names', () => {
    expect(messages('credentials:\n  - token-env: A\n    name: x\n  - token-env: B\n    name: X\n')[0]).toBe(
      'creds.yml:5:11: credentials[1].name repeats the name "X" of credentials[0]; each row needs its own label.',
    );
    expect(messages('credentials:\n  - token-env: A\n  - token-env: A\n')[0]).toContain('repeats the name "A"');
  });

  it('says what is wrong with the file as a whole', () => {
    expect(messages('')[0]).toBe('The credentials file "creds.yml" is empty.');
    expect(messages('# nothing\n')[0]).toBe('The credentials file "creds.yml" is empty.');
    expect(messages('- a\n- b\n')[0]).toBe('creds.yml:1:1: The file must be a mapping with a `credentials` list, not a list.');
    expect(messages('defaults: {}\n')[0]).toBe('creds.yml:1:1: The file has no `credentials` list.');
    expect(messages('credentials: []\n')[0]).toBe('creds.yml:1:14: credentials must be a list with at least one entry, not an empty list.');
    expect(messages('credentials: FABRIKAM_PAT\n')[0]).toContain('not a single value');
    // A YAML alias is named as one (it used to read "must be a single value, not a single value").
    expect(messages('credentials:\n  - token-env: A\n    url: *u\n')[0]).toBe(
      'creds.yml:3:10: credentials[0].url must be a single value, not an alias (*name); write the value itself.',
    );
    expect(messages('credentials:\n  - token-env: *pat\n')[0]).toBe(
      'creds.yml:2:16: credentials[0].token-env must name an environment variable, not an alias (*name); write the value itself.',
    );
    const tooMany = `credentials:\n${Array.from({ length: 1001 }, (_, i) => `  - token-env: T${i}\n`).join('')}`;
    expect(messages(tooMany)[0]).toContain('lists 1001 entries; at most 1000');
  });

  it('reports YAML syntax errors and duplicate keys at their position, without quoting the source', () => {
    const token = githubPat();
    const dup = parse(`credentials:\n  - token-env: A\n    url: https://dev.azure.com/a\n    url: https://dev.azure.com/b\n`);
    expect(dup.findings[0]!.message).toMatch(/^creds\.yml:4:5: is not valid YAML: Map keys must be unique\.$/);
    const broken = parse(`credentials:\n  - token-env: A\n    url: "https://dev.azure.com/a\n    note: ${token}\n`);
    expect(broken.config).toBeUndefined();
    expect(broken.findings[0]!.message).toMatch(/^creds\.yml:\d+:\d+: is not valid YAML: /);
    expect(leaks(JSON.stringify(broken.findings), token)).toEqual([]);
    expect(messages('credentials:\n  - token-env: A\n---\ncredentials: []\n')[0]).toContain('is not valid YAML');
  });

  it('never lets the YAML library quote a token pasted as a tag, directive or block header, and hands it over for masking', () => {
    const token = githubPat();
    const odd = 'q7Zr2Lx9Vb4Nm8Kp3Wt6Yh1Jd5Fs0Ga';
    for (const [text, secret] of [
      [`credentials:\n  - token-env: !${token} A\n`, token],
      [`%${token}\n---\ncredentials: []\n`, token],
      [`credentials:\n  - token-env: A\n    project: |${token}\n      a\n`, token],
      [`credentials:\n  - token-env: A\n    url: !!${token} x\n`, token],
      // A secret of no known shape, in a position the library quotes: not shown either.
      [`credentials:\n  - token-env: !${odd} A\n`, odd],
      // A token elsewhere in a file with a syntax error is still masked.
      [`credentials:\n  - token-env: A\n    url: "x\n    note: ${token}\n`, token],
    ] as const) {
      const r = parse(text);
      expect(r.findings[0]!.message).toMatch(/^creds\.yml:\d+:\d+: is not valid YAML: /);
      expect(leaks(JSON.stringify(r.findings), secret)).toEqual([]);
      if (secret === token) expect(r.secrets).toContain(token);
    }
    expect(messages(`credentials:\n  - token-env: !${token} A\n`)[0]).toBe(
      'creds.yml:2:16: is not valid YAML: Unresolved tag: (not shown).',
    );
  });
});

describe('credentials file: never holds a token', () => {
  it('refuses a `token` key and any token-looking value, without echoing it, and hands it over for masking', () => {
    const pat = azureDevOpsPat(NOW);
    const gh = githubPat();
    for (const text of [
      `credentials:\n  - token-env: A\n    token: ${pat}\n`,
      `credentials:\n  - token-env: ${gh}\n`,
      `credentials:\n  - token-env: A\n    name: ${gh}\n`,
      `credentials:\n  - token-env: A\n    project: ${gh}\n`,
      `credentials:\n  - token-env: A\n    required-scopes: [vso.code, ${pat}]\n`,
      `credentials:\n  - token-env: A\n    tokn: ${gh}\n`,
      `credentials:\n  - token-env: A\n${gh}: 1\n`,
    ]) {
      const r = parse(text);
      const token = text.includes(pat) ? pat : gh;
      expect(r.config).toBeUndefined();
      expect(r.findings.length).toBeGreaterThan(0);
      expect(r.findings.every((f) => f.code === 'config.file')).toBe(true);
      expect(r.findings.map((f) => f.message).join('\n')).toMatch(/token/);
      expect(leaks(JSON.stringify(r.findings), token)).toEqual([]);
      if (!text.includes('    token:')) expect(r.secrets).toContain(token);
    }
    const keyed = parse(`credentials:\n  - token-env: A\n    token: not-a-real-shape\n`);
    expect(keyed.findings[0]!.message).toBe(
      'creds.yml:3:5: credentials[0].token is not allowed: the credentials file must never hold a token.',
    );
    expect(keyed.findings[0]!.hint).toContain('token-env');
    expect(keyed.secrets).toContain('not-a-real-shape');
  });

  it('does not quote a pasted secret of unknown shape in any field or key it makes invalid, and hands it over for masking', () => {
    const secret = 'q7Zr2Lx9Vb4Nm8Kp3Wt6Yh1Jd5Fs0Ga';
    for (const text of [
      `credentials:\n  - token-env: A\n    expires-on: ${secret}\n`,
      `credentials:\n  - token-env: A\n    provider: ${secret}\n`,
      `credentials:\n  - token-env: A\n    timeout-seconds: ${secret}\n`,
      `credentials:\n  - token-env: A\n    offline: ${secret}\n`,
      `credentials:\n  - token-env: A\n    ${secret}: x\n`,
      `fail-on-warning: ${secret}\ncredentials:\n  - token-env: A\n`,
    ]) {
      const r = parse(text);
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0]!.message).toMatch(/^creds\.yml:\d+:\d+: /);
      expect(leaks(JSON.stringify(r.findings), secret)).toEqual([]);
      expect(r.secrets).toContain(secret);
    }
    expect(messages(`credentials:\n  - token-env: A\n    expires-on: ${secret}\n`)[0]).toBe(
      'creds.yml:3:17: credentials[0].expires-on is not valid: `expires-on` must be a date such as 2027-03-31, not (a secret? — not shown).',
    );
    expect(messages('credentials:\n  - token-env: A\n    expires-on: next-tuesday\n')[0]).toContain('not "next-tuesday".');
  });

  it('does not quote a long odd token-env value (a pasted secret of unknown shape)', () => {
    const secret = 'q7Zr2Lx9Vb4Nm8Kp3Wt6Yh1Jd5Fs0Ga' + 'Q7zR2lX9vB4nM8kP';
    const r = parse(`credentials:\n  - token-env: ${secret}\n`);
    expect(r.findings[0]!.message).toContain('(not shown)');
    expect(r.secrets).toContain(secret);
    expect(leaks(JSON.stringify(r.findings), secret)).toEqual([]);
  });
});

describe('keys named like prototype members', () => {
  it('are unknown keys, reported once each, never read as fields', () => {
    const text =
      'credentials:\n  - name: a\n    token-env: GITHUB_TOKEN\n    constructor: x\n    __proto__: y\n    toString: z\ndefaults:\n  constructor: 1\n';
    const r = parse(text);
    expect(r.findings.map((f) => f.code)).toEqual(['config.file', 'config.file', 'config.file', 'config.file']);
    for (const f of r.findings) expect(f.message).toMatch(/\.(constructor|__proto__|toString) is not a known key/);
  });
});

describe('reading the file', () => {
  it('says when the file is missing or a directory, and reads a real file', () => {
    const dir = tempDir('config');
    const read = (f: string) => fs.readFileSync(f, 'utf8');
    expect(readCredentialsConfig(path.join(dir, 'nope.yml'), read, NOW).findings[0]!.message).toMatch(/nope\.yml" does not exist\.$/);
    expect(readCredentialsConfig(dir, read, NOW).findings[0]!.message).toMatch(/is a directory, not a file\.$/);
    const file = path.join(dir, 'c.yml');
    fs.writeFileSync(file, GOOD);
    expect(readCredentialsConfig(file, read, NOW).config!.entries).toHaveLength(3);
  });

  it('checks what the path is before reading it: a device, a pipe or a huge file is refused unread', () => {
    const neverRead = (isFile: boolean, size: number) => ({
      statSync: () => ({ isFile: () => isFile, isDirectory: () => false, size }),
      readFileSync: (): string => {
        throw new Error('read a file that should have been refused');
      },
    });
    const device = readCredentialsConfig('/dev/zero', neverRead(false, 0), NOW).findings;
    expect(device.map((f) => f.code)).toEqual(['config.file']);
    expect(device[0]!.message).toBe('The credentials file "/dev/zero" is not a regular file (a device, a pipe or a socket).');
    const huge = readCredentialsConfig('big.yml', neverRead(true, 400 * 1024 * 1024), NOW).findings;
    expect(huge.map((f) => f.code)).toEqual(['config.file']);
    expect(huge[0]!.message).toContain('is 419430400 bytes, larger than the 256 KiB');
  });

  it('refuses the real /dev/zero and a sparse 400 MiB file at once, and reads a real file through node:fs', () => {
    expect(readCredentialsConfig('/dev/zero', fs, NOW).findings[0]!.message).toMatch(/is not a regular file/);
    const dir = tempDir('config');
    const big = path.join(dir, 'big.yml');
    fs.writeFileSync(big, GOOD);
    fs.truncateSync(big, 400 * 1024 * 1024); // sparse: no disk space, no time
    expect(readCredentialsConfig(big, fs, NOW).findings.map((f) => f.code)).toEqual(['config.file']);
    expect(readCredentialsConfig(dir, fs, NOW).findings[0]!.message).toMatch(/is a directory, not a file\.$/);
    const good = path.join(dir, 'c.yml');
    fs.writeFileSync(good, GOOD);
    expect(readCredentialsConfig(good, fs, NOW).config!.entries).toHaveLength(3);
    expect(readCredentialsConfig(path.join(dir, 'nope.yml'), fs, NOW).findings[0]!.message).toMatch(/does not exist\.$/);
  });
});
