/**
 * The building blocks of validate.ts: small checkers that each read one untrusted JSON value, return it typed (a
 * fresh object holding only the known fields) or throw a ProtocolError naming the exact path and what was wrong.
 *
 * Checkers are plain functions `(value, path) => T`, composed into one per message shape. A shape is checked
 * against its protocol type at compile time (`Shape<T>` wants one checker per field, optional ones included), so a
 * field added to a protocol type without a checker fails to build. Unknown extra fields are dropped, not rejected:
 * a newer peer may send optional fields this one does not know. Imports nothing but other protocol files.
 */

/** An incoming message (or frame) that does not match the protocol. `path` is like `run/add-users.ranges[2].to`. */
export class ProtocolError extends Error {
  readonly code = 'ROOKERY_PROTOCOL';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path ? `${path}: ${reason}` : reason);
    this.name = 'ProtocolError';
  }
}

/** Reads `value` at `path` as a T, or throws a ProtocolError. */
export type Check<T> = (value: unknown, path: string) => T;

/*
 * Bounds are generous on purpose. A reliable message that fails validation closes the socket and is resent on the
 * next one, so a bound an honest peer can reach would turn one long error message into a reconnection loop.
 */

/** Identifiers we generate or users type: run and agent ids, agent names, error codes. */
export const NAME_MAX = 1024;
/** Messages, reasons, hints, `where`s, URLs, and names scenarios choose (request, check, counter names: keys). */
export const TEXT_MAX = 1024 * 1024;
/** Bundled code and encoded histograms: bounded by the frame size in practice. */
export const BLOB_MAX = 16 * 1024 * 1024;
/** Entries of any list or record (user id ranges, request names, a result's seconds: 11 days of them). */
export const LIST_MAX = 1_000_000;
/** Nesting of free-form JSON (variable values, results): deep enough for data, shallow enough for any stack. */
export const JSON_DEPTH_MAX = 32;

export function fail(path: string, reason: string): never {
  throw new ProtocolError(path, reason);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) fail(path, `expected an object, got ${describe(value)}`);
  return value;
}

export const bool: Check<boolean> = (value, path) => (typeof value === 'boolean' ? value : fail(path, 'expected a boolean'));

/** A finite number in [min, max]. JSON.parse turns `1e999` into Infinity, hence the finiteness check. */
export function num(min = -Infinity, max = Infinity): Check<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(path, 'expected a finite number');
    if (value < min) return fail(path, `expected a number >= ${min}`);
    if (value > max) return fail(path, `expected a number <= ${max}`);
    return value;
  };
}

/** A safe integer >= min. */
export function int(min = 0): Check<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(path, 'expected an integer');
    if (value < min) return fail(path, `expected an integer >= ${min}`);
    return value;
  };
}

/** A string of at most `max` characters (and at least `min`). */
export function str(max: number, min = 0): Check<string> {
  return (value, path) => {
    if (typeof value !== 'string') return fail(path, `expected a string, got ${describe(value)}`);
    if (value.length > max) return fail(path, `longer than ${max} characters`);
    if (value.length < min) return fail(path, min === 1 ? 'expected a non-empty string' : `shorter than ${min} characters`);
    return value;
  };
}

export const name = str(NAME_MAX, 1);
export const text = str(TEXT_MAX);
export const count = int(0);
export const amount = num(0);

/** Exactly one of the given strings (or numbers). */
export function oneOf<T extends string | number>(values: readonly T[]): Check<T> {
  return (value, path) =>
    values.includes(value as T) ? (value as T) : fail(path, `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
}

export function literal<T extends string | number | boolean>(expected: T): Check<T> {
  return (value, path) => (value === expected ? expected : fail(path, `expected ${JSON.stringify(expected)}`));
}

/** Absent (undefined) or valid. `null` is not absent: JSON never drops a field to null by itself. */
export function opt<T>(check: Check<T>): Check<T | undefined> {
  return (value, path) => (value === undefined ? undefined : check(value, path));
}

export function arr<T>(check: Check<T>, max = LIST_MAX): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) return fail(path, `expected an array, got ${describe(value)}`);
    if (value.length > max) return fail(path, `more than ${max} entries`);
    return value.map((item, i) => check(item, `${path}[${i}]`));
  };
}

function keyPath(path: string, key: string): string {
  const plain = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key)}]`;
  return `${path}${plain}`;
}

/**
 * A record with free keys. `__proto__` is refused: JSON.parse makes it an own property, but code that copies such
 * a record key by key into a plain object would replace that object's prototype.
 */
export function record<T>(check: Check<T>, max = LIST_MAX): Check<Record<string, T>> {
  return (value, path) => {
    const input = expectObject(value, path);
    const keys = Object.keys(input);
    if (keys.length > max) return fail(path, `more than ${max} entries`);
    const out: Record<string, T> = {};
    for (const key of keys) {
      if (key.length > TEXT_MAX) fail(keyPath(path, key), `key longer than ${TEXT_MAX} characters`);
      if (key === '__proto__') fail(path, 'key "__proto__" is not allowed');
      out[key] = check(input[key], keyPath(path, key));
    }
    return out;
  };
}

/** A record whose keys come from a fixed set (status classes, error kinds), any subset of them. */
export function partialRecord<K extends string, T>(keys: readonly K[], check: Check<T>): Check<Partial<Record<K, T>>> {
  return (value, path) => {
    const input = expectObject(value, path);
    const out: Partial<Record<K, T>> = {};
    for (const key of Object.keys(input)) {
      if (!keys.includes(key as K)) fail(keyPath(path, key), `unknown key (expected one of ${keys.join(', ')})`);
      out[key as K] = check(input[key], keyPath(path, key));
    }
    return out;
  };
}

/** Any JSON value (it came from JSON.parse), nested at most JSON_DEPTH_MAX deep. */
export const json: Check<unknown> = (value, path) => {
  const walk = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null) {
      if (typeof v === 'number' && !Number.isFinite(v)) fail(path, 'contains a non-finite number');
      return;
    }
    if (depth >= JSON_DEPTH_MAX) fail(path, `nested deeper than ${JSON_DEPTH_MAX} levels`);
    for (const item of Array.isArray(v) ? v : Object.values(v)) walk(item, depth + 1);
  };
  if (value === undefined) return fail(path, 'expected a JSON value');
  walk(value, 0);
  return value;
};

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/** One checker per field of T; optional fields take checkers that accept undefined (`opt(...)`). */
export type Shape<T> = { [K in keyof T]-?: K extends OptionalKeys<T> ? Check<T[K] | undefined> : Check<T[K]> };

/** An object with exactly these fields checked; the result holds only them (absent optional fields stay absent). */
export function obj<T>(shape: Shape<T>): Check<T> {
  const entries = Object.entries(shape) as [string, Check<unknown>][];
  return (value, path) => {
    const input = expectObject(value, path);
    const out: Record<string, unknown> = {};
    for (const [key, check] of entries) {
      const v = check(input[key], `${path}.${key}`);
      if (v !== undefined) out[key] = v;
    }
    return out as T;
  };
}

/** Runs `check`, then a rule across fields; `rule` returns a reason when the value breaks it. */
export function refine<T>(check: Check<T>, rule: (value: T) => string | undefined): Check<T> {
  return (value, path) => {
    const out = check(value, path);
    const reason = rule(out);
    return reason === undefined ? out : fail(path, reason);
  };
}

/**
 * A discriminated union on `tag`: the tag picks the variant's checker. At the top of a message (empty path), the
 * tag's value becomes the path, so reasons read `run/add-users.ranges[2].to: expected an integer`.
 */
export function union<T extends Record<Tag, string>, Tag extends string>(
  tag: Tag,
  variants: { [V in T[Tag]]: Check<Extract<T, Record<Tag, V>>> },
): Check<T> {
  const table = variants as Record<string, Check<T>>;
  return (value, path) => {
    const input = expectObject(value, path || 'message');
    const kind = input[tag];
    if (typeof kind !== 'string') return fail(`${path || 'message'}.${tag}`, 'expected a string');
    if (!Object.prototype.hasOwnProperty.call(table, kind)) {
      const shown = kind.length > 60 ? `${kind.slice(0, 60)}…` : kind;
      return fail(`${path || 'message'}.${tag}`, `unknown ${tag} ${JSON.stringify(shown)}`);
    }
    return table[kind](input, path || kind);
  };
}
