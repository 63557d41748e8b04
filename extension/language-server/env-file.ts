/**
 * Reads a `.env` file as dotenv (and `node --env-file`) read it, keeping where each part is: `KEY=value` lines,
 * an optional `export ` before the key, `#` comment lines, unquoted values ending at `#` and trimmed, and values in
 * single, double or back quotes (which may span lines; double quotes expand `\n` and `\r`). Lines without `=` set
 * nothing. Never throws: any text gives some list of entries.
 */

export interface EnvOffsetRange {
  start: number;
  end: number;
}

export interface EnvEntry {
  key: string;
  keyRange: EnvOffsetRange;
  /** The value as the process would see it (quotes removed, escapes expanded); `''` for `KEY=`. */
  value: string;
  /** The value as written, quotes included (empty at the end of `KEY=`). */
  valueRange: EnvOffsetRange;
}

/** What a line holds up to a position: for completion, which part of `KEY=value` the cursor is in. */
export interface EnvLineAt {
  /** The key written on the line (possibly partial or empty) and its offsets. */
  key: string;
  keyRange: EnvOffsetRange;
  /** Whether the line has `=` after the key. */
  hasEquals: boolean;
  /** `key`: at or inside the key; `value`: after `=`; `none`: in a comment, after `#`, or in unparseable text. */
  part: 'key' | 'value' | 'none';
  /** The value's written text on this line, after `=` and leading blanks (for value completion). */
  valueRange?: EnvOffsetRange;
}

/** dotenv's key characters: `[\w.-]`. A character test, not a regex per character: files can be long. */
function isKeyChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 46 || code === 45;
}

/** Every `KEY=value` entry of the text, in order; later entries of the same key win, as in dotenv. */
export function parseEnvFile(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  let offset = 0;
  while (offset <= text.length) {
    const lineEnd = endOfLine(text, offset);
    const head = readHead(text, offset, lineEnd);
    if (head === undefined || !head.hasEquals) {
      offset = lineEnd + 1;
      continue;
    }
    const { entry, next } = readValue(text, head.afterEquals, lineEnd, head.key, head.keyRange);
    entries.push(entry);
    offset = next;
  }
  return entries;
}

/** Where on its line `offset` is (an offset into `text`). Values spanning lines are not followed. */
export function envLineAt(text: string, offset: number): EnvLineAt {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = endOfLine(text, lineStart);
  const head = readHead(text, lineStart, lineEnd);
  const empty: EnvOffsetRange = { start: offset, end: offset };
  if (head === undefined) return { key: '', keyRange: empty, hasEquals: false, part: 'none' };
  const { key, keyRange, hasEquals } = head;
  if (offset <= keyRange.end && offset >= keyRange.start) return { key, keyRange, hasEquals, part: 'key' };
  if (!hasEquals || offset < head.afterEquals) return { key, keyRange, hasEquals, part: 'none' };
  let valueStart = head.afterEquals;
  while (valueStart < lineEnd && (text[valueStart] === ' ' || text[valueStart] === '\t')) valueStart++;
  const quoted = `'"\``.includes(text[valueStart] ?? '');
  const valueEnd = quoted ? lineEnd : commentStart(text, valueStart, lineEnd);
  if (offset > valueEnd) return { key, keyRange, hasEquals, part: 'none' };
  let trimmedEnd = valueEnd;
  while (trimmedEnd > valueStart && /\s/.test(text[trimmedEnd - 1])) trimmedEnd--;
  return { key, keyRange, hasEquals, part: 'value', valueRange: { start: Math.min(valueStart, offset), end: Math.max(trimmedEnd, offset) } };
}

/** The offset of the line's `\n` (or of the text's end), with a `\r` before it left out of the line. */
function endOfLine(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  const end = newline < 0 ? text.length : newline;
  return end > from && text[end - 1] === '\r' ? end - 1 : end;
}

interface Head {
  key: string;
  keyRange: EnvOffsetRange;
  hasEquals: boolean;
  afterEquals: number;
}

/** `[export ]KEY[ ]=`: `undefined` for blank lines, comments, and lines starting with something else. */
function readHead(text: string, lineStart: number, lineEnd: number): Head | undefined {
  let i = lineStart;
  while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] === '#') return undefined;
  if (text.startsWith('export', i) && (text[i + 6] === ' ' || text[i + 6] === '\t') && i + 6 < lineEnd) {
    i += 6;
    while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
  }
  const keyStart = i;
  while (i < lineEnd && isKeyChar(text.charCodeAt(i))) i++;
  const keyRange = { start: keyStart, end: i };
  while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
  const hasEquals = text[i] === '=' && i < lineEnd;
  if (!hasEquals && i < lineEnd) return undefined;
  return { key: text.slice(keyStart, keyRange.end), keyRange, hasEquals, afterEquals: hasEquals ? i + 1 : i };
}

function readValue(text: string, from: number, lineEnd: number, key: string, keyRange: EnvOffsetRange): { entry: EnvEntry; next: number } {
  let start = from;
  while (start < lineEnd && (text[start] === ' ' || text[start] === '\t')) start++;
  const quote = text[start];
  if (quote === "'" || quote === '"' || quote === '`') {
    const close = findClosingQuote(text, start + 1, quote);
    if (close >= 0) {
      const raw = text.slice(start + 1, close);
      const value = quote === '"' ? raw.replace(/\\n/g, '\n').replace(/\\r/g, '\r') : raw;
      const next = endOfLine(text, close) + 1;
      return { entry: { key, keyRange, value: value.replace(/\r\n/g, '\n'), valueRange: { start, end: close + 1 } }, next };
    }
    // No closing quote anywhere: dotenv then reads the rest of the line as an unquoted value.
  }
  let end = commentStart(text, start, lineEnd);
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { entry: { key, keyRange, value: text.slice(start, end), valueRange: { start, end } }, next: lineEnd + 1 };
}

/** Where an unquoted value ends: at the first `#` of the line (dotenv has no escape for it), else the line's end. */
function commentStart(text: string, from: number, lineEnd: number): number {
  const hash = text.slice(from, lineEnd).indexOf('#');
  return hash < 0 ? lineEnd : from + hash;
}

/** The offset of the quote closing a value opened at `from - 1`; `\` escapes a double quote. */
function findClosingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

/** Offsets where each line starts, for converting between offsets and LSP positions. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The offset of an LSP position, or `undefined` when it is outside the text. */
export function offsetOf(text: string, starts: number[], position: { line: number; character: number }): number | undefined {
  if (position.line < 0 || position.line >= starts.length || position.character < 0) return undefined;
  const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] - 1 : text.length;
  const offset = starts[position.line] + position.character;
  return offset <= lineEnd ? offset : undefined;
}

export function positionOf(starts: number[], offset: number): { line: number; character: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - starts[low] };
}

export function rangeOfOffsets(starts: number[], range: EnvOffsetRange): { start: { line: number; character: number }; end: { line: number; character: number } } {
  return { start: positionOf(starts, range.start), end: positionOf(starts, range.end) };
}
