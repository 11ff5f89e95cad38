/**
 * The one place a provider's JSON answer is checked before it is read. A reader declares the shape
 * it expects (`object({ login: text, id: optional(either(text, number)) })`) and gets back either a
 * value of exactly that type or a problem naming the field: a number where a string belongs, an
 * object where a list belongs, a `null` item. The provider then reports `network.unexpected-response`
 * with that field instead of crashing on it.
 *
 * Only the declared fields are read, each with Object.hasOwn into a fresh object, so keys such as
 * `constructor` or `__proto__` in a body can neither be mistaken for a field nor reach a prototype.
 * Strings are cut to MAX_TEXT characters and lists to MAX_ITEMS items: an API sends nothing longer,
 * and everything read from an answer ends up in messages, comparisons and name matching.
 */
import type { HttpResponse } from '../../http/client.js';

/** Longest string kept from an answer (display names, project names, messages). */
export const MAX_TEXT = 512;
/** Most items kept from a list in an answer (a first page is at most a few hundred). */
export const MAX_ITEMS = 1000;

/** Where an answer's shape went wrong: the field (`authenticatedUser.id`, `value[3]`), what was there, what belongs. */
export interface ShapeProblem {
  field: string;
  found: string;
  expected: string;
}

export type Read<T> = { ok: true; value: T } | { ok: false; problem: ShapeProblem };

export interface Shape<T> {
  /** What belongs there, in words: `a string`, `a list`. */
  readonly expected: string;
  read(value: unknown, field: string): Read<T>;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

const ok = <T>(value: T): Read<T> => ({ ok: true, value });

/** `null`, `a number`, `a list`, `an object`… */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const wrong = (value: unknown, field: string, expected: string): Read<never> => ({
  ok: false,
  problem: { field: field || '(the body)', found: kindOf(value), expected },
});

/** A leaf: the value when `accept` says so. */
function leaf<T>(expected: string, accept: (v: unknown) => v is T, keep: (v: T) => T = (v) => v): Shape<T> {
  return { expected, read: (v, field) => (accept(v) ? ok(keep(v)) : wrong(v, field, expected)) };
}

export const text: Shape<string> = leaf(
  'a string',
  (v): v is string => typeof v === 'string',
  (v) => (v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}…` : v),
);
export const number: Shape<number> = leaf('a number', (v): v is number => typeof v === 'number' && Number.isFinite(v));
export const boolean: Shape<boolean> = leaf('true or false', (v): v is boolean => typeof v === 'boolean');

/** Absent, or `null` (APIs send null for an empty optional field): undefined. */
export function optional<T>(s: Shape<T>): Shape<T | undefined> {
  return { expected: s.expected, read: (v, field) => (v === undefined || v === null ? ok(undefined) : s.read(v, field)) };
}

/** `null` where null means something (no expiry): kept; absent: undefined. */
export function nullable<T>(s: Shape<T>): Shape<T | null | undefined> {
  const expected = `${s.expected} or null`;
  return {
    expected,
    read: (v, field) => {
      if (v === null || v === undefined) return ok(v);
      const r = s.read(v, field);
      return r.ok ? r : wrong(v, field, expected);
    },
  };
}

export function either<A, B>(a: Shape<A>, b: Shape<B>): Shape<A | B> {
  const expected = `${a.expected} or ${b.expected}`;
  return {
    expected,
    read: (v, field) => {
      const first = a.read(v, field);
      if (first.ok) return first;
      const second = b.read(v, field);
      return second.ok ? second : wrong(v, field, expected);
    },
  };
}

/** A list whose every item has the shape (a `null` item is a problem); the first MAX_ITEMS only. */
export function list<T>(item: Shape<T>): Shape<T[]> {
  return {
    expected: 'a list',
    read: (v, field) => {
      if (!Array.isArray(v)) return wrong(v, field, 'a list');
      const out: T[] = [];
      for (const [i, x] of v.slice(0, MAX_ITEMS).entries()) {
        const r = item.read(x, `${field}[${i}]`);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return ok(out);
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const child = (field: string, key: string): string => (field ? `${field}.${key}` : key);

/** An object with these fields (others are ignored); a fresh object holding only them. */
export function object<P extends Record<string, Shape<unknown>>>(fields: P): Shape<{ [K in keyof P]: Infer<P[K]> }> {
  type Out = { [K in keyof P]: Infer<P[K]> };
  return {
    expected: 'an object',
    read: (v, field) => {
      if (!isObject(v)) return wrong(v, field, 'an object');
      const out: Record<string, unknown> = {};
      for (const [key, s] of Object.entries(fields)) {
        const r = s.read(own(v, key), child(field, key));
        if (!r.ok) return r;
        out[key] = r.value;
      }
      return ok(out as Out);
    },
  };
}

/** An object used as a map (`permissions: { pull: true }`): every value has the shape; no prototype. */
export function dictionary<T>(value: Shape<T>): Shape<Record<string, T>> {
  return {
    expected: 'an object',
    read: (v, field) => {
      if (!isObject(v)) return wrong(v, field, 'an object');
      const out = Object.create(null) as Record<string, T>;
      for (const key of Object.keys(v).slice(0, MAX_ITEMS)) {
        const r = value.read(v[key], child(field, key));
        if (!r.ok) return r;
        out[key] = r.value;
      }
      return ok(out);
    },
  };
}

/** The JSON body of an answer read as `shape` (an answer that is not JSON is a problem with the body). */
export function readBody<T>(r: HttpResponse, shape: Shape<T>): Read<T> {
  return shape.read(r.isJson ? r.json : undefined, '');
}

/** `` `authenticatedUser.id` is a number where a string belongs ``: the context of the finding. */
export const describeProblem = (p: ShapeProblem): string => `\`${p.field}\` is ${p.found} where ${p.expected} belongs`;
