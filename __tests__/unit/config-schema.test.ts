import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { DEFAULTS_KEYS, ENTRY_KEYS, parseCredentialsConfig, TOP_KEYS } from '../../src/core/config.js';
import { ROOT } from '../support/run-bundle.js';

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'credentials.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
const NOW = new Date('2026-11-22T12:00:00Z');

describe('schemas/credentials.schema.json matches the parser', () => {
  it('names exactly the keys the parser accepts, at each level', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...TOP_KEYS].sort());
    expect(Object.keys(schema.properties.defaults.properties).sort()).toEqual([...DEFAULTS_KEYS].sort());
    expect(Object.keys(schema.definitions.credential.properties).sort()).toEqual([...ENTRY_KEYS].sort());
  });

  const docs: Array<[string, string]> = [
    [
      'the README example',
      'fail-on-warning: true\ndefaults:\n  provider: azure-devops\n  min-days-remaining: 14\ncredentials:\n  - name: fabrikam\n    url: https://dev.azure.com/fabrikam\n    project: Fabrikam-Fiber\n    token-env: FABRIKAM_PAT\n    required-scopes: [vso.code, "Build: Read"]\n  - provider: github\n    token-env: GH_TOKEN\n    offline: true\n',
    ],
    [
      'scopes as text, quoted numbers, yes/no',
      'credentials:\n  - token-env: A\n    required-scopes: vso.code, vso.build\n    min-days-remaining: "30"\n    offline: "no"\n',
    ],
    ['an empty defaults block', 'defaults:\ncredentials:\n  - token-env: A\n'],
    ['no credentials', 'defaults: {}\n'],
    ['an empty list', 'credentials: []\n'],
    ['an unknown key', 'credentials:\n  - token-env: A\n    projet: X\n'],
    ['no token-env', 'credentials:\n  - name: x\n'],
    ['a token key', 'credentials:\n  - token-env: A\n    token: abc\n'],
    ['a reserved variable', 'credentials:\n  - token-env: INPUT_TOKEN\n'],
    ['a reference instead of a name', 'credentials:\n  - token-env: $(MyPat)\n'],
    ['a list where a value belongs', 'credentials:\n  - token-env: A\n    url: [a, b]\n'],
    ['a negative threshold', 'credentials:\n  - token-env: A\n    min-days-remaining: -1\n'],
    ['a bad boolean', 'credentials:\n  - token-env: A\n    offline: maybe\n'],
    ['token-env in defaults', 'defaults:\n  token-env: A\ncredentials:\n  - token-env: B\n'],
  ];
  it.each(docs)('agrees on %s', (_, text) => {
    const parsed = parseCredentialsConfig(text, 'c.yml', NOW);
    const ok = validate(YAML.parse(text));
    expect({ schema: ok, errors: validate.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? [] }).toMatchObject({
      schema: parsed.findings.length === 0,
    });
  });
});
