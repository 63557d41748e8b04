/**
 * Reading a parsed YAML plan with positions: offsets → zero-based SourceRanges, collected problems, and the checks
 * every mapping in a plan shares (plain string keys, known keys with "did you mean", duplicates, unit-typed values).
 * parse-plan.ts and parse-stages.ts say what a plan means; this file knows how to point at where it went wrong.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, visit, type Document, type LineCounter, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { suggestionSuffix } from '../common/did-you-mean';
import type { SourceRange } from '../protocol/variables';
import { UnitError } from './units';
import type { PlanProblem, PlanProblemCode } from './plan-problems';

/** A key and its value in a mapping, with both ranges. */
export interface EntryRange {
  name: string;
  key: SourceRange;
  /** The value's range; zero-width just after the key when the value is empty (`users:`). */
  value: SourceRange;
}

/** One entry of a mapping, as read: its name, ranges and value node (alias already followed; null when empty). */
export interface Entry extends EntryRange {
  node: Node | null;
  /** The value is an alias to an anchor that does not exist (already reported): read nothing from it. */
  broken: boolean;
}

export class PlanReader {
  readonly problems: PlanProblem[] = [];

  constructor(
    private readonly text: string,
    private readonly lines: LineCounter,
    readonly doc: Document.Parsed,
  ) {}

  error(code: PlanProblemCode, message: string, range: SourceRange): void {
    this.problems.push({ severity: 'error', code, message, range });
  }

  warning(code: PlanProblemCode, message: string, range: SourceRange): void {
    this.problems.push({ severity: 'warning', code, message, range });
  }

  hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  /** The range of source offsets [start, end), without trailing whitespace (block nodes end after their newline). */
  offsets(start: number, end: number): SourceRange {
    let last = Math.max(start, Math.min(end, this.text.length));
    while (last > start && /\s/.test(this.text[last - 1])) last--;
    return { start: this.position(start), end: this.position(last) };
  }

  /** The range of a node's value (without trailing comments); the start of the file for a node with no range. */
  range(node: Node | null | undefined): SourceRange {
    const r = node?.range;
    return r ? this.offsets(r[0], r[1]) : this.offsets(0, 0);
  }

  private position(offset: number): { line: number; character: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line: Math.max(0, line - 1), character: Math.max(0, col - 1) };
  }

  /** Follows an alias to its anchored node; unknown aliases are reported once by `checkDocument`. */
  resolve(node: unknown): Node | null {
    if (isAlias(node)) return node.resolve(this.doc) ?? null;
    return isNode(node) ? node : null;
  }

  /**
   * The YAML library's errors and warnings as problems. An unclosed quote is reported where the string opens: the
   * library notices at the end of the file, far from the mistake, having read everything after it as the string.
   */
  reportYamlProblems(): void {
    for (const e of this.doc.errors) {
      const quote = e.code === 'MISSING_CHAR' ? this.unclosedQuoteAt(e.pos[0]) : undefined;
      if (quote) {
        const mark = quote.type === 'QUOTE_DOUBLE' ? '"' : "'";
        const start = quote.range![0];
        const lineEnd = this.text.indexOf('\n', start);
        this.error('ROOKERY_PLAN_YAML', `YAML syntax error: the string opened here with ${mark} is never closed (add the closing ${mark})`,
          this.offsets(start, lineEnd === -1 ? this.text.length : lineEnd));
        continue;
      }
      const message = e.code === 'MULTIPLE_DOCS' ? 'a plan file holds one YAML document: remove the second `---` and what follows it' : e.message;
      this.error('ROOKERY_PLAN_YAML', `YAML syntax error: ${message}`, this.offsets(e.pos[0], e.pos[1]));
    }
    for (const w of this.doc.warnings) this.warning('ROOKERY_PLAN_YAML_WARNING', `YAML: ${w.message}`, this.offsets(w.pos[0], w.pos[1]));
  }

  /** The quoted scalar that runs up to `offset` (where a missing closing quote is detected), if any. */
  private unclosedQuoteAt(offset: number): Scalar | undefined {
    let found: Scalar | undefined;
    visit(this.doc, {
      Scalar: (_key, node) => {
        const r = node.range;
        if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && r && r[0] < offset && r[1] >= offset) {
          if (!found || r[0] > found.range![0]) found = node;
        }
      },
    });
    return found;
  }

  /** True for an alias whose anchor does not exist; `checkDocument` reports it, readers skip it quietly. */
  isBroken(node: unknown): boolean {
    return isAlias(node) && node.resolve(this.doc) === undefined;
  }

  /**
   * Document-wide checks the YAML library leaves to us: duplicate keys in any mapping (we turn its own check off
   * to say which key and where it first was) and aliases to anchors that do not exist.
   */
  checkDocument(): void {
    visit(this.doc, {
      Map: (_key, map) => {
        const first = new Map<string, number>();
        for (const pair of map.items) {
          const id = keyIdentity(pair.key);
          if (id === undefined) continue;
          const keyRange = this.range(pair.key as Node);
          const seen = first.get(id);
          if (seen === undefined) first.set(id, keyRange.start.line);
          else this.error('ROOKERY_PLAN_DUPLICATE_KEY', `duplicate key ${JSON.stringify(keyName(pair.key))} (first on line ${seen + 1})`, keyRange);
        }
      },
      Alias: (_key, alias) => {
        if (!alias.resolve(this.doc)) {
          this.error('ROOKERY_PLAN_YAML', `unknown alias *${alias.source}: an alias refers to an anchor (&${alias.source}) set before it`, this.range(alias));
        }
      },
    });
  }

  /**
   * The entries of a mapping in source order. Keys that are not plain scalars are reported; later duplicates are
   * skipped (`checkDocument` reports them); when `known` is given, other keys are reported as unknown `what`s
   * with the closest known one suggested, and are left out unless `keepUnknown` (for ranges of every key).
   */
  entries(map: YAMLMap, known?: { names: readonly string[]; what: string; code?: PlanProblemCode; keepUnknown?: boolean }): Entry[] {
    const out: Entry[] = [];
    const seen = new Set<string>();
    for (const pair of map.items as Pair<unknown, unknown>[]) {
      const name = keyName(pair.key);
      const keyNode = isNode(pair.key) ? pair.key : null;
      const valueNode = isNode(pair.value) ? pair.value : null;
      // `: value` has no key node at all: point at what is there.
      const keyRange = this.range(keyNode ?? valueNode ?? map);
      if (name === undefined) {
        this.error('ROOKERY_PLAN_BAD_KEY', 'keys must be plain names, like `users`', keyRange);
        continue;
      }
      if (seen.has(name)) continue;
      seen.add(name);
      if (known && !known.names.includes(name)) {
        const list = known.names.join(', ');
        this.error(known.code ?? 'ROOKERY_PLAN_UNKNOWN_KEY', `unknown ${known.what} "${name}"${suggestionSuffix(name, known.names)}; expected one of: ${list}`, keyRange);
        if (!known.keepUnknown) continue;
      }
      const value = valueNode?.range ? this.range(valueNode) : { start: keyRange.end, end: keyRange.end };
      out.push({ name, key: keyRange, value, node: this.resolve(valueNode), broken: this.isBroken(valueNode) });
    }
    return out;
  }

  /** A scalar's value; reports `mustBe` (e.g. "a duration like 30s") and returns undefined for lists and mappings. */
  scalar(entry: Entry, mustBe: string): { value: unknown } | undefined {
    if (entry.broken) return undefined;
    if (entry.node === null || isScalar(entry.node)) return { value: entry.node === null ? null : entry.node.value };
    this.error('ROOKERY_PLAN_TYPE', `\`${entry.name}\` must be ${mustBe}, not ${describeNode(entry.node)}`, entry.value);
    return undefined;
  }

  /** Parses a scalar with one of the unit parsers, reporting its message at the value under `code`. */
  unit<T>(entry: Entry, parse: (value: unknown) => T, code: PlanProblemCode, mustBe: string): T | undefined {
    const scalar = this.scalar(entry, mustBe);
    if (!scalar) return undefined;
    return this.parseValue(scalar.value, entry.value, parse, code);
  }

  /** Runs a unit parser on a plain value, reporting a UnitError at `range`. */
  parseValue<T>(value: unknown, range: SourceRange, parse: (value: unknown) => T, code: PlanProblemCode): T | undefined {
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof UnitError)) throw error;
      this.error(code, error.message, range);
      return undefined;
    }
  }
}

/** A key's name when it is a plain scalar (numbers and booleans read as written: `1`, `true`). */
function keyName(key: unknown): string | undefined {
  if (!isScalar(key) || key.value === null || key.value === undefined || typeof key.value === 'object') return undefined;
  return String(key.value);
}

/** Identity of a key for duplicate detection: YAML's own rule, equal scalar values of the same type. */
function keyIdentity(key: unknown): string | undefined {
  if (!isScalar(key) || key.value === null || typeof key.value === 'object') return undefined;
  return `${typeof key.value}:${String(key.value)}`;
}

export function describeNode(node: Node | null): string {
  if (node === null) return 'empty';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'empty';
    if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
    return `${typeof v} ${String(v)}`;
  }
  return 'an alias';
}

/** A `true`/`false` entry (YAML 1.2 booleans only: "yes" is a string, and an error here). */
export function readBoolean(reader: PlanReader, entry: Entry): boolean | undefined {
  if (entry.broken) return undefined;
  if (isScalar(entry.node) && typeof entry.node.value === 'boolean') return entry.node.value;
  reader.error('ROOKERY_PLAN_TYPE', `\`${entry.name}\` must be true or false; found ${describeNode(entry.node)}`, entry.value);
  return undefined;
}
