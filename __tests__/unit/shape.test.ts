/** The shape reader every provider's interpret.ts uses (src/core/providers/online/shape.ts). */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  boolean,
  describeProblem,
  dictionary,
  either,
  list,
  MAX_ITEMS,
  MAX_TEXT,
  nullable,
  number,
  object,
  optional,
  text,
} from '../../src/core/providers/online/shape.js';
import { fcParams } from '../property/arbitraries.js';

const PROJECT = object({
  id: optional(either(number, text)),
  name: text,
  archived: optional(boolean),
  deletedOn: nullable(text),
  owner: optional(object({ login: text })),
  tags: optional(list(text)),
  permissions: optional(dictionary(boolean)),
});

const problem = (v: unknown): string => {
  const r = PROJECT.read(v, '');
  return r.ok ? 'ok' : describeProblem(r.problem);
};

describe('shape', () => {
  it('reads a documented value into a fresh object with only the declared fields', () => {
    const r = PROJECT.read({ id: 7, name: 'p', deletedOn: null, owner: { login: 'o', extra: 1 }, tags: ['a'], other: true }, '');
    expect(r).toEqual({
      ok: true,
      value: { id: 7, name: 'p', archived: undefined, deletedOn: null, owner: { login: 'o' }, tags: ['a'], permissions: undefined },
    });
  });

  it.each([
    [{ name: 5 }, '`name` is a number where a string belongs'],
    [{ name: 'p', tags: { a: 1 } }, '`tags` is an object where a list belongs'],
    [{ name: 'p', tags: ['a', null] }, '`tags[1]` is null where a string belongs'],
    [{ name: 'p', owner: { login: false } }, '`owner.login` is a boolean where a string belongs'],
    [{ name: 'p', id: {} }, '`id` is an object where a number or a string belongs'],
    [{ name: 'p', deletedOn: 3 }, '`deletedOn` is a number where a string or null belongs'],
    [{ name: 'p', permissions: { pull: 'yes' } }, '`permissions.pull` is a string where true or false belongs'],
    [{ name: 'p', id: Infinity }, '`id` is a number where a number or a string belongs'],
    [null, '`(the body)` is null where an object belongs'],
    [[{ name: 'p' }], '`(the body)` is a list where an object belongs'],
    [{}, '`name` is missing where a string belongs'],
  ])('%j: %s', (value, expected) => {
    expect(problem(value)).toBe(expected);
  });

  it('never reads through a prototype: `__proto__` and `constructor` keys are not fields', () => {
    const body: unknown = JSON.parse('{"__proto__": {"name": "from-proto"}, "constructor": {"login": 1}, "name": "own"}');
    expect(PROJECT.read(body, '')).toMatchObject({ ok: true, value: { name: 'own' } });
    expect(problem(JSON.parse('{"__proto__": {"name": "from-proto"}}'))).toBe('`name` is missing where a string belongs');
    const perms = dictionary(boolean).read(JSON.parse('{"__proto__": true, "constructor": false}'), 'permissions');
    expect(perms.ok && Object.getPrototypeOf(perms.value)).toBeNull();
    expect(perms.ok && perms.value['__proto__']).toBe(true);
  });

  it('keeps strings and lists bounded', () => {
    const r = object({ name: text, tags: list(text) }).read({ name: 'n'.repeat(1_000_000), tags: Array(50_000).fill('t') }, '');
    expect(r.ok && r.value.name.length).toBe(MAX_TEXT + 1);
    expect(r.ok && r.value.tags.length).toBe(MAX_ITEMS);
  });

  it('any JSON value gives a value or a problem naming a field, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (v) => {
        const r = PROJECT.read(v, '');
        if (!r.ok) expect(describeProblem(r.problem)).toMatch(/^`[^`]+` is (null|missing|an? \w+) where .+ belongs$/);
      }),
      fcParams('shape: any value', 500),
    );
  });
});
