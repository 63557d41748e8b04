/**
 * What the cursor is on in a plan file, from the text alone: the YAML may be broken at the cursor while the user
 * types, so this reads lines and indentation rather than a syntax tree. The parent of a line is found by walking
 * the lines above (a stack of open keys and list items, popped by less indented lines, as YAML's block structure
 * nests); a flow collection (`{ to: 100, over: | }`) is scanned character by character. The answer names the spot
 * (which key, which variable, which stage field, which part of a threshold) and the word the cursor is in: the
 * range a completion replaces and a hover describes.
 */
import type { Position } from 'vscode-languageserver';
import {
  emptyWord, flowDepth, isBlockScalarHeader, lineRange, quoteEnd, readPlanLine, siblingKeys, splitPlanLines, wordAt, type PlanLine, type Word,
} from './plan-lines';
import { thresholdPartAt, type ThresholdPart } from './plan-threshold-position';

export type { ThresholdPart } from './plan-threshold-position';

export type PlanSpot =
  /** A top-level key being typed (or on a blank line at column 0). */
  | { kind: 'top-key'; hasColon: boolean }
  /** The value of a top-level key. */
  | { kind: 'top-value'; key: string }
  /** A name under `variables:`; `present` are the names already set around it. */
  | { kind: 'variable-name'; hasColon: boolean; present: string[] }
  | { kind: 'variable-value'; variable: string }
  /** A stage kind being typed in a `stages:` item (or on a new line of the list: `lead` adds the dash). */
  | { kind: 'stage-kind'; hasColon: boolean }
  /** The value of a stage kind: `- hold: |`, `- ramp: |`. */
  | { kind: 'stage-value'; stage: string }
  /** A field of a stage's settings, block or flow form; `present` are the fields already there. */
  | { kind: 'stage-field'; stage: string; present: string[]; hasColon: boolean }
  | { kind: 'stage-field-value'; stage: string; field: string }
  /**
   * Inside a threshold expression: `stat` is the stat written before the cursor (`p95`, `histogram.p99`,
   * `error_rate`), `bare` when the expression is a list item of its own (where the mapping form's keys fit too),
   * `expression` the whole expression and its range (for hovers).
   */
  | { kind: 'threshold'; part: ThresholdPart; stat?: string; bare: boolean; expression: Word }
  /** A key of the mapping form of a threshold (`threshold`, `abortOnFail`, `delay`). */
  | { kind: 'threshold-key'; present: string[]; hasColon: boolean }
  /** The value of `abortOnFail` or `delay` in a threshold's mapping form. */
  | { kind: 'threshold-option'; option: string }
  /** An item of `agents:`. */
  | { kind: 'agent' }
  | { kind: 'none' };

export interface PlanPosition {
  spot: PlanSpot;
  /** The word the cursor is in (maybe empty, at the cursor): what a completion replaces and a hover describes. */
  word: Word;
  /** The part of `word` before the cursor. */
  prefix: string;
  /**
   * What an insert needs before it: `' '` right after a colon, `'- '` on a new line of a list, the missing
   * indentation when the position is past the end of a blank line or in the indentation of a written one.
   */
  lead: string;
  /** What an insert needs after it: a line break (and the indentation back) when it goes before a written line. */
  trail?: string;
}

/** An open key or list item above the cursor. */
type Frame = { kind: 'key'; name: string; col: number } | { kind: 'item'; col: number };

/**
 * Where the cursor sits relative to the last frame: typing a key or a bare scalar (`afterDash` when it is the
 * first thing of a list item, where a scalar fits as well as a key; `fresh` when nothing is written there yet),
 * or in a key's value.
 */
type Leaf = { kind: 'word'; hasColon: boolean; afterDash: boolean; flow: boolean; fresh?: boolean } | { kind: 'value' };

/** The candidate words at the cursor: a key-like word, and the value span around it. */
interface Words {
  key: Word;
  value: Word;
}

/** A flow collection left open by an earlier line, and the frames it belongs to. */
interface OpenFlow {
  line: number;
  /** The indentation of the line that opened it. */
  indent: number;
  start: number;
  frames: Frame[];
}

const KEY_CHAR = /[\w$.-]/;

export function planPositionAt(text: string, position: Position): PlanPosition {
  const rawLines = splitPlanLines(text);
  const lineIndex = Math.min(Math.max(0, position.line), rawLines.length - 1);
  const lines = rawLines.map(readPlanLine);
  const line = lines[lineIndex];
  const ch = Math.min(Math.max(0, position.character), line.text.length);
  const cursor = { line: lineIndex, character: ch };
  const none = (): PlanPosition => ({ spot: { kind: 'none' }, word: emptyWord(cursor), prefix: '', lead: '' });

  if (ch > line.commentAt) return none();
  const { frames, flow } = framesAbove(lines, lineIndex);

  if (flow && (line.blank ? ch : line.indent) > flow.indent) {
    const flowText = rawLines.slice(flow.line, lineIndex + 1);
    flowText[0] = flowText[0].slice(flow.start);
    flowText[flowText.length - 1] = flowText[flowText.length - 1].slice(0, ch);
    return inFlow(lines, flow.frames, flowText.join('\n'), cursor, line);
  }

  const beforeCursor = line.text.slice(0, ch);
  if (line.blank) {
    // A blank line: a new entry at the cursor's column. A column past the end of the line (a client may ask
    // there) counts: the insert brings the spaces.
    const col = line.commentAt === line.text.length ? Math.max(ch, position.character) : ch;
    const parents = pop(frames, col, false);
    const list = parentIsList(parents, col, lines, lineIndex);
    if (list) parents.push({ kind: 'item', col });
    const leaf: Leaf = { kind: 'word', hasColon: false, afterDash: list, flow: false, fresh: true };
    const lead = ' '.repeat(col - ch) + (list ? '- ' : '');
    return resolveSpot(lines, parents, leaf, { key: emptyWord(cursor), value: emptyWord(cursor) }, cursor, lead, col);
  }
  if (beforeCursor.trim() === '' && (ch < line.indent || (line.dashes.length > 0 && ch === line.indent))) {
    // In the indentation of a written line: a new entry (or list item) on a line of its own before it.
    const col = line.indent;
    const dashLine = line.dashes.length > 0;
    const parents = pop(frames, col, dashLine);
    if (dashLine) parents.push({ kind: 'item', col });
    const leaf: Leaf = { kind: 'word', hasColon: false, afterDash: dashLine, flow: false, fresh: true };
    const present = [...siblingKeys(lines, lineIndex, col), ...(line.key && !dashLine ? [line.key.name] : [])];
    const at = resolveSpot(lines, parents, leaf, { key: emptyWord(cursor), value: emptyWord(cursor) }, cursor,
      ' '.repeat(col - ch) + (dashLine ? '- ' : ''), col, present);
    return { ...at, trail: `\n${' '.repeat(ch)}` };
  }

  const parents = pop(frames, line.dashes[0] ?? line.indent, line.dashes.length > 0);
  for (const dash of line.dashes) {
    if (dash < ch) parents.push({ kind: 'item', col: dash });
  }
  const lastDash = line.dashes[line.dashes.length - 1];
  const lead = lastDash !== undefined && ch === lastDash + 1 ? ' ' : '';
  const afterDash = line.dashes.length > 0;

  if (line.key && ch <= line.key.end) {
    const key = wordAt(line.text, ch, KEY_CHAR, lineIndex);
    return resolveSpot(lines, parents, { kind: 'word', hasColon: true, afterDash, flow: false }, { key, value: key }, cursor, lead, line.key.start);
  }

  if (line.key) parents.push({ kind: 'key', name: line.key.name, col: line.key.start });
  const opener = line.text[line.value.start];
  if ((opener === '{' || opener === '[') && ch > line.value.start) {
    return inFlow(lines, parents, line.text.slice(line.value.start, ch), cursor, line);
  }
  const value = valueWord(line, ch, lineIndex);
  if (line.key) {
    const valueLead = ch === line.key.colon + 1 ? ' ' : '';
    return resolveSpot(lines, parents, { kind: 'value' }, { key: value, value }, cursor, valueLead, line.content);
  }
  const key = wordAt(line.text, ch, KEY_CHAR, lineIndex);
  // A word typed on a new line of a list, the dash not written yet: the insert brings it.
  if (!afterDash && parentIsList(parents, line.indent, lines, lineIndex)) {
    parents.push({ kind: 'item', col: line.indent });
    return resolveSpot(lines, parents, { kind: 'word', hasColon: false, afterDash: true, flow: false }, { key, value }, cursor, '- ', line.content);
  }
  return resolveSpot(lines, parents, { kind: 'word', hasColon: false, afterDash, flow: false }, { key, value }, cursor, lead, line.content);
}

/** Frames left open by the lines above `lineIndex`, and a flow collection still open at its start. */
function framesAbove(lines: PlanLine[], lineIndex: number): { frames: Frame[]; flow?: OpenFlow } {
  let frames: Frame[] = [];
  let blockScalarAbove: number | undefined;
  let flow: OpenFlow | undefined;
  let depth = 0;
  for (let i = 0; i < lineIndex; i++) {
    const line = lines[i];
    if (flow && (line.blank || line.indent > flow.indent)) {
      depth = flowDepth(line.text, 0, line.text.length, depth);
      if (depth === 0) flow = undefined;
      continue;
    }
    // Flow lines are more indented than the line that opened them: one that is not means the bracket was
    // never closed, and the block structure goes on.
    flow = undefined;
    if (line.blank) continue;
    if (blockScalarAbove !== undefined && line.indent > blockScalarAbove) continue;
    blockScalarAbove = undefined;
    if (line.text.startsWith('---') || line.text.startsWith('...')) {
      frames = [];
      continue;
    }
    frames = pop(frames, line.dashes[0] ?? line.indent, line.dashes.length > 0);
    for (const dash of line.dashes) frames.push({ kind: 'item', col: dash });
    if (line.key) frames.push({ kind: 'key', name: line.key.name, col: line.key.start });
    const value = line.text.slice(line.value.start, line.value.end);
    if (isBlockScalarHeader(value)) blockScalarAbove = line.key?.start ?? line.dashes[line.dashes.length - 1] ?? line.indent;
    depth = flowDepth(line.text, line.value.start, line.text.length);
    if (depth > 0) flow = { line: i, indent: line.indent, start: line.value.start, frames: [...frames] };
  }
  return { frames, flow };
}

/**
 * The frames still open for a line starting at `col`: deeper ones close. A list item may sit at its parent key's
 * column (`stages:` then `- hold: 1m` at column 0), so a dash line keeps a key at its own column.
 */
function pop(frames: Frame[], col: number, dashLine: boolean): Frame[] {
  const out = [...frames];
  while (out.length > 0) {
    const top = out[out.length - 1];
    if (top.col < col || (dashLine && top.col === col && top.kind === 'key')) break;
    out.pop();
  }
  return out;
}

/** Keys whose value is a list at the top level: a new line under them starts an item. */
const TOP_LEVEL_LISTS = new Set(['stages', 'thresholds', 'agents']);

/**
 * Whether a new line at `col` under the open frames is an item of a list: the parent is a known top-level list,
 * or the nearest written line above or below, at that column, is a `- ` item.
 */
function parentIsList(parents: Frame[], col: number, lines: PlanLine[], at: number): boolean {
  const top = parents[parents.length - 1];
  if (top?.kind !== 'key') return false;
  if (parents.length === 1 && col > 0 && TOP_LEVEL_LISTS.has(top.name)) return true;
  const near = (step: number): PlanLine | undefined => {
    for (let i = at + step; i >= 0 && i < lines.length; i += step) {
      if (!lines[i].blank) return lines[i];
    }
    return undefined;
  };
  return [near(-1), near(1)].some((l) => l !== undefined && l.dashes[0] === col && col >= top.col);
}

/** A block value's whole span when the cursor is in it (a value is replaced whole), else the empty word. */
function valueWord(line: PlanLine, ch: number, lineIndex: number): Word {
  const { start, end } = line.value;
  if (ch < start || ch > end) return emptyWord({ line: lineIndex, character: ch });
  return { text: line.text.slice(start, end), range: lineRange(lineIndex, start, end) };
}

/** An open flow collection: a mapping (where it opened, its current entry, that entry's key once typed) or a list. */
type OpenCollection = { kind: 'map'; open: number; key?: string; segment: number } | { kind: 'seq' };

/** The flow collections still open at the end of `text` (which starts at or before the first bracket). */
function openCollections(text: string): OpenCollection[] {
  const open: OpenCollection[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const top = open[open.length - 1];
    if ((ch === '"' || ch === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) {
      const end = quoteEnd(text, i);
      if (end === -1) break;
      i = end - 1;
    } else if (ch === '#' && i > 0 && /\s/.test(text[i - 1])) {
      const eol = text.indexOf('\n', i);
      if (eol === -1) break;
      i = eol;
    } else if (ch === '{') {
      open.push({ kind: 'map', open: i, segment: i + 1 });
    } else if (ch === '[') {
      open.push({ kind: 'seq' });
    } else if (ch === '}' || ch === ']') {
      open.pop();
    } else if (ch === ',' && top?.kind === 'map') {
      top.key = undefined;
      top.segment = i + 1;
    } else if (ch === ':' && top?.kind === 'map' && top.key === undefined && (i + 1 === text.length || /\s/.test(text[i + 1]))) {
      top.key = unquote(text.slice(top.segment, i).trim());
    }
  }
  return open;
}

/**
 * Inside a flow collection: `text` runs from its opening bracket to the cursor (earlier lines joined with `\n`).
 * Each enclosing `{` whose key was typed before its value adds that key to the path, each `[` a list item.
 */
function inFlow(lines: PlanLine[], base: Frame[], text: string, cursor: Position, line: PlanLine): PlanPosition {
  const open = openCollections(text);
  if (open.length === 0) return { spot: { kind: 'none' }, word: emptyWord(cursor), prefix: '', lead: '' };
  const frames: Frame[] = [...base];
  for (const o of open.slice(0, -1)) {
    if (o.kind === 'seq') frames.push({ kind: 'item', col: -1 });
    else if (o.key !== undefined) frames.push({ kind: 'key', name: o.key, col: -1 });
  }
  const innermost = open[open.length - 1];
  const at = cursor.character;
  const inValue = innermost.kind === 'map' && innermost.key !== undefined;
  // The segment around the cursor, between flow delimiters (and after the colon, for a value).
  let start = at;
  while (start > 0 && !/[{},[\]]/.test(line.text[start - 1]) && !(inValue && line.text[start - 1] === ':' && /\s/.test(line.text[start] ?? ' '))) start--;
  while (start < at && /\s/.test(line.text[start])) start++;
  let end = at;
  while (end < line.commentAt && !/[{},[\]]/.test(line.text[end])) end++;
  while (end > at && /\s/.test(line.text[end - 1])) end--;
  const segment = { text: line.text.slice(start, end), range: lineRange(cursor.line, start, end) };
  const lead = at > 0 && /[:,{[]/.test(line.text[at - 1]) ? ' ' : '';

  if (innermost.kind === 'map' && innermost.key !== undefined) {
    frames.push({ kind: 'key', name: innermost.key, col: -1 });
    return resolveSpot(lines, frames, { kind: 'value' }, { key: segment, value: segment }, cursor, lead, -1);
  }
  if (innermost.kind === 'seq') {
    frames.push({ kind: 'item', col: -1 });
    return resolveSpot(lines, frames, { kind: 'word', hasColon: false, afterDash: true, flow: true }, { key: segment, value: segment }, cursor, lead, -1);
  }
  const key = wordAt(line.text, at, KEY_CHAR, cursor.line);
  const hasColon = /^\s*:/.test(line.text.slice(key.range.end.character));
  const present = flowKeys(text.slice(innermost.open) + line.text.slice(at)).filter((k) => k !== key.text);
  return resolveSpot(lines, frames, { kind: 'word', hasColon, afterDash: false, flow: true }, { key, value: segment }, cursor, lead, -1, present);
}

/** The keys written in a flow mapping's text (from its `{` to the end of the cursor's line), nested ones aside. */
function flowKeys(text: string): string[] {
  let depth = 0;
  let body = '';
  for (const ch of text.slice(1)) {
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0) body += ch;
  }
  const keys: string[] = [];
  for (const match of body.matchAll(/(?:^|,)\s*([\w$.-]+)\s*:(?=\s|$)/g)) keys.push(match[1]);
  return keys;
}

function unquote(text: string): string {
  return /^(["']).*\1$/.test(text) ? text.slice(1, -1) : text;
}

const STAGES_WITH_FIELDS = /^stages\/-\/(ramp|seq|aseq)$/;
const THRESHOLD_OPTIONS = new Set(['abortOnFail', 'delay']);

/** The spot for a path of frames (`-` for a list item) and a leaf, with the word that fits it. */
function resolveSpot(
  lines: PlanLine[], frames: Frame[], leaf: Leaf, words: Words, cursor: Position, lead: string, col: number, flowPresent?: string[],
): PlanPosition {
  const path = frames.map((f) => (f.kind === 'key' ? f.name : '-'));
  const joined = path.join('/');
  const line = lines[cursor.line];
  const answer = (spot: PlanSpot, word: Word): PlanPosition => ({
    spot, word, prefix: word.text.slice(0, Math.max(0, cursor.character - word.range.start.character)), lead,
  });
  const present = () => flowPresent ?? (col >= 0 ? siblingKeys(lines, cursor.line, col) : []);

  if (leaf.kind === 'word') {
    const hasColon = leaf.hasColon;
    if (joined === '') return answer({ kind: 'top-key', hasColon }, words.key);
    if (joined === 'variables') return answer({ kind: 'variable-name', hasColon, present: present() }, words.key);
    if (joined === 'stages/-') return answer({ kind: 'stage-kind', hasColon }, words.key);
    if (STAGES_WITH_FIELDS.test(joined)) return answer({ kind: 'stage-field', stage: path[2], present: present(), hasColon }, words.key);
    if (joined === 'stages/-/seq/users/-') return answer({ kind: 'stage-field-value', stage: 'seq', field: 'users' }, words.value);
    if (joined === 'thresholds/-') {
      if (hasColon || !leaf.afterDash || leaf.flow) return answer({ kind: 'threshold-key', present: present(), hasColon }, words.key);
      return leaf.fresh ? threshold(line, cursor, true, cursor.character, cursor.character, lead)
        : threshold(line, cursor, true, line.value.start, Math.max(line.value.end, cursor.character), lead);
    }
    if (joined === 'agents/-' && leaf.afterDash) return answer({ kind: 'agent' }, words.value);
    return answer({ kind: 'none' }, emptyWord(cursor));
  }

  // A value: the last frame is its key.
  const key = path[path.length - 1];
  const parent = path.slice(0, -1).join('/');
  if (parent === '') return answer({ kind: 'top-value', key }, words.value);
  if (parent === 'variables') return answer({ kind: 'variable-value', variable: key }, words.value);
  if (parent === 'stages/-') return answer({ kind: 'stage-value', stage: key }, words.value);
  if (STAGES_WITH_FIELDS.test(parent)) return answer({ kind: 'stage-field-value', stage: path[2], field: key }, words.value);
  if (parent === 'thresholds/-') {
    if (key === 'threshold') {
      const span = words.value.text === '' ? { start: cursor.character, end: cursor.character } : { start: words.value.range.start.character, end: words.value.range.end.character };
      return threshold(line, cursor, false, span.start, span.end, lead);
    }
    if (THRESHOLD_OPTIONS.has(key)) return answer({ kind: 'threshold-option', option: key }, words.value);
  }
  return answer({ kind: 'none' }, emptyWord(cursor));
}

/** The spot in a threshold expression spanning [start, end) of the line (see plan-threshold-position). */
function threshold(line: PlanLine, cursor: Position, bare: boolean, start: number, end: number, lead: string): PlanPosition {
  const at = thresholdPartAt(line.text, cursor.line, cursor.character, start, end);
  const prefix = at.word.text.slice(0, cursor.character - at.word.range.start.character);
  if (at.part === undefined) return { spot: { kind: 'none' }, word: at.word, prefix, lead };
  const spot: PlanSpot = { kind: 'threshold', part: at.part, bare, expression: at.expression };
  if (at.stat !== undefined) spot.stat = at.stat;
  return { spot, word: at.word, prefix, lead };
}
