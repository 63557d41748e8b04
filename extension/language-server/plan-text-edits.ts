/**
 * Text edits on a plan that keep its layout: add lines under `variables:` (creating the key after `scenario:`
 * when there is none, matching the file's indentation and line endings), and remove one entry of a mapping,
 * block or flow, with its nested lines. Line-based like plan-position, so they work on a plan with other errors.
 */
import type { Position, Range, TextEdit } from 'vscode-languageserver';
import type { LiteralValue } from '../../agent/protocol/variables';
import { entryLastLine, indentUnit, readPlanLine, splitPlanLines, type PlanLine } from './plan-lines';
import { yamlKey, yamlValue } from './plan-yaml-value';

/**
 * A variable to write: its name, its value (written as YAML for where it goes) or, for a commented-out line,
 * a note in its place, and comment lines to put above it.
 */
export interface VariableLine {
  name: string;
  value?: LiteralValue;
  note?: string;
  comments: string[];
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function pos(line: number, character: number): Position {
  return { line, character };
}

/** Inserts whole lines after line `after` (at the end of the file when it is the last one). */
function insertLinesAfter(lines: PlanLine[], after: number, block: string[], eol: string): TextEdit {
  if (after + 1 < lines.length) return { range: { start: pos(after + 1, 0), end: pos(after + 1, 0) }, newText: block.map((l) => l + eol).join('') };
  const end = pos(after, lines[after].text.length);
  return { range: { start: end, end }, newText: eol + block.join(eol) };
}

/** A comment line per line of `text`, so a multi-line description stays a comment. */
export function commentLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => `# ${l}`.trimEnd());
}

function topKeyLine(lines: PlanLine[], name: string): number {
  return lines.findIndex((l) => l.indent === 0 && l.dashes.length === 0 && l.key?.start === 0 && l.key.name === name);
}

/**
 * The edit adding `entries` under `variables:`: after its last entry (at the indentation of its entries), inside
 * a one-line flow mapping (comments dropped: flow style has no room for them), or in a new `variables:` after the
 * `scenario:` entry. Undefined when `variables:` holds something else (a list, a string): that is an error of its
 * own, whose fix is not ours to guess.
 */
export function addVariablesEdit(text: string, entries: VariableLine[], onlyComments = false): TextEdit | undefined {
  if (entries.length === 0) return undefined;
  const lines = splitPlanLines(text).map(readPlanLine);
  const eol = eolOf(text);
  const unit = ' '.repeat(indentUnit(lines));
  const entry = (e: VariableLine, inFlow: boolean) => `${yamlKey(e.name, inFlow)}: ${e.note ?? yamlValue(e.value, inFlow)}`;
  const render = (indent: string) => entries.flatMap((e) => [...e.comments.map((c) => indent + c), indent + (onlyComments ? `# ${entry(e, false)}` : entry(e, false))]);
  const keyLine = topKeyLine(lines, 'variables');

  if (keyLine === -1) {
    const scenario = topKeyLine(lines, 'scenario');
    const block = ['variables:', ...render(unit)];
    if (scenario !== -1) return insertLinesAfter(lines, entryLastLine(lines, scenario, 0), block, eol);
    let last = lines.length - 1;
    while (last > 0 && lines[last].text.trim() === '') last--;
    if (lines.length === 1 && lines[0].text.trim() === '') return { range: { start: pos(0, 0), end: pos(0, lines[0].text.length) }, newText: block.join(eol) + eol };
    return insertLinesAfter(lines, last, block, eol);
  }

  const line = lines[keyLine];
  const value = line.text.slice(line.value.start, line.value.end);
  if (value.startsWith('{') && value.endsWith('}')) {
    if (onlyComments) return undefined;
    const inner = value.slice(1, -1).trim();
    const added = entries.map((e) => entry(e, true)).join(', ');
    const range: Range = { start: pos(keyLine, line.value.start), end: pos(keyLine, line.value.end) };
    return { range, newText: `{ ${inner === '' ? added : `${inner}, ${added}`} }` };
  }
  if (value !== '' && value !== '~' && value !== 'null') return undefined;

  const last = entryLastLine(lines, keyLine, 0);
  const child = lines.slice(keyLine + 1, last + 1).find((l) => !l.blank);
  const indent = child ? ' '.repeat(child.indent) : unit;
  if (value !== '') {
    // `variables: ~` becomes a mapping: the null goes, the entries follow.
    const start = pos(keyLine, line.key!.colon + 1);
    return { range: { start, end: pos(keyLine, line.value.end) }, newText: eol + render(indent).join(eol) };
  }
  return insertLinesAfter(lines, last, render(indent), eol);
}

/**
 * The edit removing the entry whose key starts at `at`: its whole lines (nested ones included) in block style,
 * `key: value` and one comma in flow style; the first key of a `- key:` item leaves the dash to its next sibling.
 */
export function removeEntryEdit(text: string, at: Position): TextEdit | undefined {
  const lines = splitPlanLines(text).map(readPlanLine);
  const line = lines[at.line];
  if (!line) return undefined;
  const before = line.text.slice(0, at.character).trimEnd();
  if (before.endsWith('{') || before.endsWith(',')) return removeFlowEntry(line, at);
  if (!line.key || line.key.start !== at.character) return undefined;

  const column = at.character;
  const last = entryLastLine(lines, at.line, column);
  if (line.dashes.length > 0) {
    // `- abortOnFal: true` above `  threshold: x`: the sibling moves up behind the dash.
    const next = lines.findIndex((l, i) => i > last && !l.blank);
    if (next !== -1 && lines[next].indent === column && lines[next].dashes.length === 0) {
      return { range: { start: pos(at.line, column), end: pos(next, column) }, newText: '' };
    }
  }
  if (last + 1 < lines.length) return { range: { start: pos(at.line, 0), end: pos(last + 1, 0) }, newText: '' };
  if (at.line === 0) return { range: { start: pos(0, 0), end: pos(last, lines[last].text.length) }, newText: '' };
  return { range: { start: pos(at.line - 1, lines[at.line - 1].text.length), end: pos(last, lines[last].text.length) }, newText: '' };
}

/** `{ a: 1, bad: 2, c: 3 }` → `{ a: 1, c: 3 }`: the entry up to its comma, or from the comma before it when last. */
function removeFlowEntry(line: PlanLine, at: Position): TextEdit | undefined {
  const text = line.text;
  let depth = 0;
  let end = at.character;
  for (; end < text.length; end++) {
    const ch = text[end];
    if (ch === '{' || ch === '[') depth++;
    else if ((ch === '}' || ch === ']') && depth-- === 0) break;
    else if (ch === ',' && depth === 0) break;
  }
  if (end >= text.length) return undefined;
  let start = at.character;
  if (text[end] === ',') {
    end++;
    while (end < text.length && text[end] === ' ') end++;
  } else {
    // The last entry: from the comma before it (or the brace) up to the spaces before the closing brace.
    while (end > start && text[end - 1] === ' ') end--;
    const before = text.slice(0, start).trimEnd();
    start = before.endsWith(',') ? before.length - 1 : before.length;
  }
  return { range: { start: pos(at.line, start), end: pos(at.line, end) }, newText: '' };
}
