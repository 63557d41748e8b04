/**
 * Which part of a threshold expression (`p95{GET /api/items} <= 200ms`) the cursor is in — the stat, the name in
 * braces, the operator or the value — read from the characters before it, so a half-typed expression (`p99 <`)
 * answers as well as a whole one. The grammar is agent/plan/thresholds.ts's; this only follows its shape.
 */
import { emptyWord, lineRange, wordAt, type Word } from './plan-lines';

export type ThresholdPart = 'stat' | 'name' | 'operator' | 'value';

export interface ThresholdPartAt {
  /** Undefined when the text before the cursor is not the start of an expression. */
  part?: ThresholdPart;
  /** The stat written before the cursor (`p95`, `histogram.p99`, `error_rate`), once past it. */
  stat?: string;
  /** The word of that part around the cursor. */
  word: Word;
  /** The whole expression, trimmed, quotes dropped. */
  expression: Word;
}

const STAT = String.raw`\s*[A-Za-z_][\w.]*`;
const NAME = String.raw`(\{[^}]*\})?`;
const PARTS: ReadonlyArray<{ part: ThresholdPart; before: RegExp; chars: RegExp }> = [
  { part: 'stat', before: /^\s*[\w.]*$/, chars: /[\w.]/ },
  { part: 'name', before: new RegExp(String.raw`^${STAT}\{[^}]*$`), chars: /[^{}]/ },
  { part: 'operator', before: new RegExp(String.raw`^${STAT}${NAME}\s*[<>=!]*$`), chars: /[<>=!]/ },
  { part: 'value', before: new RegExp(String.raw`^${STAT}${NAME}\s*[<>=!]+\s*[\w.%+-]*$`), chars: /[\w.%+-]/ },
];

/**
 * The part at column `ch` of `text` (line `line`), the expression spanning [start, end) of it: a list item, a
 * `threshold:` value or a flow segment; an enclosing pair of quotes is dropped.
 */
export function thresholdPartAt(text: string, line: number, ch: number, start: number, end: number): ThresholdPartAt {
  end = Math.max(end, ch);
  if (/["']/.test(text[start] ?? '') && start < ch) {
    const quote = text[start];
    start++;
    if (end - 1 > start && text[end - 1] === quote && end - 1 >= ch) end--;
  }
  let trimmed = end;
  while (trimmed > start && /\s/.test(text[trimmed - 1])) trimmed--;
  const expression = { text: text.slice(start, trimmed).trim(), range: lineRange(line, start, trimmed) };
  const before = text.slice(start, ch);
  const found = PARTS.find((p) => p.before.test(before));
  if (!found) return { word: emptyWord({ line, character: ch }), expression };
  const result: ThresholdPartAt = { part: found.part, word: wordAt(text.slice(0, end), ch, found.chars, line), expression };
  const stat = /^\s*([A-Za-z_][\w.]*)/.exec(before)?.[1];
  if (found.part !== 'stat' && stat !== undefined) result.stat = stat;
  return result;
}
