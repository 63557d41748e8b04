/**
 * A variable's value written into a plan as YAML on one line: plain when YAML reads it back as the same value
 * (`http://127.0.0.1:8080`, `200`, `read`), quoted when it would not (`"true"`, `"8080"`, `""`, `"a: b"`), flow
 * style for lists and mappings (`[1, 2]`, `{ a: 1 }`). Completion inserts it and quick fixes write it; both must
 * leave a plan that reads back the exact value.
 */
import { parseDocument } from 'yaml';
import type { LiteralValue } from '../../agent/protocol/variables';

/** Where a plain scalar goes: a block value (`name: X`), an item or value in a flow collection, a block or flow key. */
type Place = 'block' | 'flow' | 'blockKey' | 'flowKey';

/**
 * Whether `text`, written plain at `place`, reads back as the string `text`: the YAML library itself reads it in
 * that place (no error, no warning), which settles every indicator, comment and type-guessing rule at once.
 */
function plainReadsBack(text: string, place: Place): boolean {
  if (text === '' || text !== text.trim() || /[\n\r\t]/.test(text)) return false;
  const source = { block: `v: ${text}\n`, flow: `[${text}]\n`, blockKey: `${text}: 1\n`, flowKey: `{ ${text}: 1 }\n` }[place];
  const doc = parseDocument(source);
  if (doc.errors.length > 0 || doc.warnings.length > 0) return false;
  let read: unknown;
  try {
    read = doc.toJS();
  } catch {
    return false; // an alias to no anchor (`*x`), and the like
  }
  if (place === 'block') return (read as { v?: unknown }).v === text;
  if (place === 'flow') return Array.isArray(read) && read.length === 1 && read[0] === text;
  return typeof read === 'object' && read !== null && Object.keys(read).length === 1 && Object.keys(read)[0] === text;
}

/**
 * The value as YAML on one line, for a block value (`name: X`) or, with `inFlow`, inside a flow collection (where
 * `,[]{}` end a plain scalar). Numbers that JSON cannot write (NaN, Infinity) come out as YAML's `.nan`/`.inf`.
 */
export function yamlValue(value: LiteralValue | undefined, inFlow = false): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'string') return plainReadsBack(value, inFlow ? 'flow' : 'block') ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => yamlValue(v, true)).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${yamlKey(k, true)}: ${yamlValue(v, true)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

/** A mapping key as YAML: plain when it reads back as itself (in a block or a flow mapping), else quoted. */
export function yamlKey(name: string, inFlow = false): string {
  return plainReadsBack(name, inFlow ? 'flowKey' : 'blockKey') ? name : JSON.stringify(name);
}
