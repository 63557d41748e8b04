/**
 * The line structure of a plan's YAML text, read without a YAML parser so that half-typed and broken documents
 * still answer: each line's indentation, its `- ` markers, its `key:`, the span of its value (a trailing comment
 * cut off), and which lines belong to an entry. Only what completion, hover and quick fixes need: block
 * mappings and sequences line by line, flow collections (`{ to: 100, over: 30s }`) are scanned by plan-position.
 */
import type { Position, Range } from 'vscode-languageserver';

/** A piece of one line and where it is: what a completion replaces and a hover describes. */
export interface Word {
  text: string;
  range: Range;
}

/** One line of the plan, split as YAML's block structure sees it. Columns are UTF-16 offsets in `text`. */
export interface PlanLine {
  text: string;
  /** Leading spaces. */
  indent: number;
  /** Nothing but spaces and maybe a comment. */
  blank: boolean;
  /** Columns of the leading `- ` sequence markers, in order (`- - x` has two). */
  dashes: number[];
  /** First column after the indentation and the dashes. */
  content: number;
  /** A `name:` (or `"name":`) starting at `content`, followed by a space or the end of the line. */
  key?: { name: string; start: number; end: number; colon: number };
  /** The value: after `key:` and its spaces, or from `content`; up to a comment, trailing spaces cut. */
  value: { start: number; end: number };
  /** Where a `#` comment starts, or the line's length. */
  commentAt: number;
}

/** The plan's lines; a byte-order mark is dropped (as parsePlan does, so columns agree with its ranges). */
export function splitPlanLines(text: string): string[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return source.split(/\r?\n/);
}

/** Whether a quote at column `i` opens a quoted scalar (rather than being an apostrophe in a plain one). */
function opensQuote(text: string, i: number, from: number): boolean {
  return i === from || /[\s[{,:]/.test(text[i - 1]);
}

/** The end of a quoted scalar opening at `i` (the index after its closing quote), or -1 when not closed. */
export function quoteEnd(text: string, i: number): number {
  const quote = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (quote === '"' && text[j] === '\\') {
      j++;
    } else if (text[j] === quote) {
      if (quote === "'" && text[j + 1] === "'") j++;
      else return j + 1;
    }
  }
  return -1;
}

/** Where a comment starts on the line (a `#` after a space, outside quotes), scanning from `from`. */
export function commentStart(text: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if ((ch === '"' || ch === "'") && opensQuote(text, i, from)) {
      const end = quoteEnd(text, i);
      if (end === -1) return text.length;
      i = end - 1;
    } else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      return i;
    }
  }
  return text.length;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

/** A `key:` at `at`, the colon followed by a space or the end of the (comment-less) line. */
function readKey(text: string, at: number, limit: number): PlanLine['key'] {
  const first = text[at];
  if (first === undefined || at >= limit) return undefined;
  if (first === '"' || first === "'") {
    const end = quoteEnd(text, at);
    if (end === -1 || end > limit) return undefined;
    let colon = end;
    while (colon < limit && text[colon] === ' ') colon++;
    if (text[colon] !== ':' || !(colon + 1 >= limit || /\s/.test(text[colon + 1]))) return undefined;
    const raw = text.slice(at + 1, end - 1);
    return { name: first === "'" ? raw.replace(/''/g, "'") : raw.replace(/\\(.)/g, '$1'), start: at, end, colon };
  }
  // A plain key cannot start with a YAML indicator; `{`/`[` open a flow collection instead.
  if (/[[\]{},#&*!|>%@`]/.test(first)) return undefined;
  for (let i = at; i < limit; i++) {
    if (text[i] === ':' && (i + 1 >= limit || /\s/.test(text[i + 1]))) {
      const end = trimEnd(text, at, i);
      if (end === at) return undefined;
      return { name: text.slice(at, end), start: at, end, colon: i };
    }
  }
  return undefined;
}

export function readPlanLine(text: string): PlanLine {
  let indent = 0;
  while (text[indent] === ' ') indent++;
  const dashes: number[] = [];
  let content = indent;
  // `-` is a sequence marker only when a space or the end of the line follows (`-5` is a number).
  while (text[content] === '-' && (content + 1 === text.length || /\s/.test(text[content + 1]))) {
    dashes.push(content);
    content++;
    while (text[content] === ' ' || text[content] === '\t') content++;
  }
  const commentAt = commentStart(text, content);
  const blank = dashes.length === 0 && trimEnd(text, 0, commentAt) === 0;
  const limit = trimEnd(text, content, commentAt);
  const key = readKey(text, content, limit);
  let start = content;
  if (key) {
    start = key.colon + 1;
    while (start < limit && /\s/.test(text[start])) start++;
  }
  return { text, indent, blank, dashes, content, key, value: { start, end: Math.max(start, limit) }, commentAt };
}

/** Whether a value opens a block scalar (`|`, `>-`, `|2`...): the more indented lines after it are its text. */
export function isBlockScalarHeader(value: string): boolean {
  return /^[|>][0-9+-]*$/.test(value);
}

/** The net count of `{`/`[` left open by `text[from, to)`, outside quotes and comments. */
export function flowDepth(text: string, from: number, to: number, start = 0): number {
  let depth = start;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if ((ch === '"' || ch === "'") && (i === from || /[\s[{,:]/.test(text[i - 1]))) {
      const end = quoteEnd(text, i);
      if (end === -1) return depth;
      i = end - 1;
    } else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      return depth;
    } else if (ch === '{' || ch === '[') {
      depth++;
    } else if ((ch === '}' || ch === ']') && depth > 0) {
      depth--;
    }
  }
  return depth;
}

/**
 * The lines an entry occupies: the line of its key and every following line more indented than `column` (its
 * nested lines), up to the next line at `column` or less. Blank lines and comments between nested lines belong
 * to it; trailing ones do not. Returns the last line's index.
 */
export function entryLastLine(lines: PlanLine[], keyLine: number, column: number): number {
  let last = keyLine;
  for (let i = keyLine + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.blank) continue;
    if (line.indent <= column) break;
    last = i;
  }
  return last;
}

/** The top-level keys (column 0) of the document, except those on `exceptLine`. */
export function topLevelKeys(lines: PlanLine[], exceptLine = -1): string[] {
  const keys: string[] = [];
  lines.forEach((line, i) => {
    if (i !== exceptLine && line.indent === 0 && line.dashes.length === 0 && line.key && line.key.start === 0) keys.push(line.key.name);
  });
  return keys;
}

/**
 * The keys of the block mapping whose keys sit at `column`, around line `at` (which is left out): siblings above
 * and below, the first key of a `- key:` item included, stopping at a less indented line.
 */
export function siblingKeys(lines: PlanLine[], at: number, column: number): string[] {
  const keys: string[] = [];
  const take = (line: PlanLine) => {
    if (line.key && line.key.start === column) keys.push(line.key.name);
  };
  for (let i = at - 1; i >= 0; i--) {
    const line = lines[i];
    if (line.blank) continue;
    if (line.indent < column) {
      // `- threshold: x` above `  abortOnFail: true`: the item's first key is a sibling; the item ends the walk.
      if (line.dashes.length > 0 && line.content === column) take(line);
      break;
    }
    if (line.indent === column && line.dashes.length === 0) take(line);
  }
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.blank) continue;
    if (line.indent < column || (line.indent === column && line.dashes.length > 0)) break;
    if (line.indent === column) take(line);
  }
  return keys;
}

/** The file's indentation step: the smallest indentation of a nested line (2 when nothing is nested). */
export function indentUnit(lines: PlanLine[]): number {
  let unit = Infinity;
  for (const line of lines) {
    if (!line.blank && line.indent > 0) unit = Math.min(unit, line.indent);
  }
  return Number.isFinite(unit) ? unit : 2;
}

export function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** The empty word at a position. */
export function emptyWord(at: Position): Word {
  return { text: '', range: { start: { ...at }, end: { ...at } } };
}

/** The run of characters matching `chars` around column `ch` of `text` (line `line`). */
export function wordAt(text: string, ch: number, chars: RegExp, line: number): Word {
  let start = ch;
  while (start > 0 && chars.test(text[start - 1])) start--;
  let end = ch;
  while (end < text.length && chars.test(text[end])) end++;
  return { text: text.slice(start, end), range: lineRange(line, start, end) };
}
