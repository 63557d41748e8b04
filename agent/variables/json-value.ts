/**
 * JSON-structural comparison and rendering of variable values: allowlists compare values as JSON would see them
 * (so `[1, 2]` from the environment equals `[1, 2]` in the scenario), and messages show values as JSON.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Deep equality of JSON-like values; keys whose value is `undefined` are ignored, as JSON.stringify drops them. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    if (keysA.length !== keysB.length) return false;
    return keysA.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The JSON type of a value, for messages and type checks: `string`, `number`, `boolean`, `null`, `array`, `object`. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A short JSON-ish rendering for messages; never throws (functions, bigints and cycles included). */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A copy of arrays and plain objects, frozen all the way down; other values are returned as they are. Every user
 * reads the same value: freezing stops one user's `vars.list.push()` from silently changing everyone's.
 */
export function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map((item) => frozenCopy(item))) as T;
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    // defineProperty, not assignment: a parsed `"__proto__"` key must stay a key, not replace the prototype.
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(copy, k, { value: frozenCopy(v), enumerable: true, writable: true, configurable: true });
    }
    return Object.freeze(copy) as T;
  }
  return value;
}
