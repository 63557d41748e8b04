/**
 * Threshold expressions → ThresholdSpec: `p99 < 500ms`, `p95{GET /api/items} <= 200ms`, `error_rate < 1%`,
 * `checks{status is 200} > 99%`, `counter{chat.sent} > 0`, `histogram.p99{chat.delivery_ms} < 50`. The one
 * grammar shared by plans (`thresholds:`), `rookery run --threshold` and the language server:
 *
 *   expression := metric ['{' name '}'] operator limit
 *   metric     := min | mean | p50 | p90 | p95 | p99 | p999 | max        latency over requests (of one name)
 *               | error_rate | errors | requests | rps | checks | counter | histogram.<stat>
 *   operator   := < | <= | > | >= | == | !=
 *   limit      := a duration for latency (500ms, 1.5s, 2m, 1h; a bare number is ms) | N% for error_rate and
 *                 checks | a plain number for the rest
 *
 * Whitespace is allowed between the parts, not inside them (except in a name). Bad input throws a ThresholdError:
 * a UnitError carrying the offsets of the bad characters inside the text, so a plan problem points at them.
 */
import { suggestionSuffix } from '../common/did-you-mean';
import {
  THRESHOLD_OPERATORS,
  THRESHOLD_STATS,
  type ThresholdMetric,
  type ThresholdOperator,
  type ThresholdSpec,
  type ThresholdStat,
} from '../protocol/thresholds';
import { UnitError } from './units';

/** A threshold that does not parse: `start`/`end` are offsets in the text given to parseThreshold, [start, end). */
export class ThresholdError extends UnitError {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
    this.name = 'ThresholdError';
  }
}

/** The metric words besides the latency stats (`histogram` takes `.stat`). */
const SIMPLE_METRICS: readonly ThresholdMetric[] = ['error_rate', 'errors', 'requests', 'rps', 'checks', 'counter'];

/** Every word a threshold may start with, for "did you mean". */
export const THRESHOLD_WORDS: readonly string[] = [...THRESHOLD_STATS, ...SIMPLE_METRICS, ...THRESHOLD_STATS.map((s) => `histogram.${s}`)];

const EXAMPLE = 'like `p99 < 500ms`, `error_rate < 1%` or `checks > 99%`';
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]*)?/y;
const OPERATOR = /<=|>=|==|!=|<|>|=<|=>|=|≤|≥|≠/y;
const NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)/;
const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Operators people type by habit, and the one to use instead. */
const OPERATOR_FIXES: Readonly<Record<string, ThresholdOperator>> = { '=': '==', '=<': '<=', '=>': '>=', '≤': '<=', '≥': '>=', '≠': '!=' };

/** Parses one threshold expression (abortOnFail off, no delay: the plan's mapping form sets those). */
export function parseThreshold(text: string): ThresholdSpec {
  const reader = new Cursor(text);
  reader.skipSpace();
  if (reader.done) throw new ThresholdError(`empty threshold: write an expression ${EXAMPLE}`, 0, text.length);

  const { metric, stat, wordStart, wordEnd } = readMetric(reader);
  const spaced = /^\s+\{/.exec(text.slice(wordEnd));
  if (spaced) {
    const word = text.slice(wordStart, wordEnd);
    throw new ThresholdError(`no space between \`${word}\` and \`{\`: write it like \`p95{GET /api/items}\``, wordEnd, wordEnd + spaced[0].length - 1);
  }
  const name = readName(reader);
  if (name === undefined && (metric === 'counter' || metric === 'histogram')) {
    const which = metric === 'counter' ? 'counter{chat.sent} > 0' : `histogram.${stat}{chat.delivery_ms} < 50`;
    throw new ThresholdError(`\`${text.slice(wordStart, wordEnd)}\` needs the ${metric}'s name in braces, like \`${which}\``, wordStart, wordEnd);
  }
  reader.skipSpace();
  const operator = readOperator(reader, text.slice(wordStart, reader.position).trim());
  reader.skipSpace();
  const limit = readLimit(reader, metric, operator);
  return {
    source: text.trim(),
    metric,
    ...(stat === undefined ? {} : { stat }),
    ...(name === undefined ? {} : { name }),
    operator,
    limit,
    abortOnFail: false,
    delayMs: 0,
  };
}

/** A position in the text being parsed. */
class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  skipSpace(): void {
    while (!this.done && /\s/.test(this.text[this.position]!)) this.position++;
  }

  /** Matches a sticky regex here, advancing past it. */
  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const m = pattern.exec(this.text);
    if (!m) return undefined;
    this.position += m[0].length;
    return m[0];
  }
}

function readMetric(reader: Cursor): { metric: ThresholdMetric; stat?: ThresholdStat; wordStart: number; wordEnd: number } {
  const start = reader.position;
  const word = reader.match(IDENTIFIER);
  if (word === undefined) {
    const end = endOfWord(reader.text, start);
    throw new ThresholdError(`expected a stat or metric at ${JSON.stringify(reader.text.slice(start, end))}: write an expression ${EXAMPLE}`, start, end);
  }
  const end = reader.position;
  if ((THRESHOLD_STATS as readonly string[]).includes(word)) return { metric: 'latency', stat: word as ThresholdStat, wordStart: start, wordEnd: end };
  if ((SIMPLE_METRICS as readonly string[]).includes(word)) return { metric: word as ThresholdMetric, wordStart: start, wordEnd: end };
  if (word === 'histogram' || word === 'histogram.') {
    throw new ThresholdError(`\`histogram\` needs a stat, like \`histogram.p99{chat.delivery_ms} < 50\` (stats: ${THRESHOLD_STATS.join(', ')})`, start, end);
  }
  if (word.startsWith('histogram.')) {
    const stat = word.slice('histogram.'.length);
    if ((THRESHOLD_STATS as readonly string[]).includes(stat)) return { metric: 'histogram', stat: stat as ThresholdStat, wordStart: start, wordEnd: end };
    const statStart = start + 'histogram.'.length;
    throw new ThresholdError(`unknown histogram stat "${stat}"${suggestStat(stat, THRESHOLD_STATS)}; expected one of: ${THRESHOLD_STATS.join(', ')}`, statStart, end);
  }
  throw new ThresholdError(
    `unknown stat "${word}"${suggestStat(word, THRESHOLD_WORDS)}; expected a latency stat (${THRESHOLD_STATS.join(', ')}), ` +
      `${SIMPLE_METRICS.join(', ')} or histogram.<stat>`,
    start,
    end,
  );
}

/**
 * " (did you mean …?)": for an unsupported percentile (p98, p75, p9999) the nearest supported one (p100: max),
 * which edit distance cannot tell apart (p90, p95 and p99 are all one edit from p98); else the closest spelling.
 */
function suggestStat(word: string, known: readonly string[]): string {
  const digits = /^p(\d{2,})$/.exec(word)?.[1];
  if (digits === undefined) return suggestionSuffix(word, known);
  if (/^10+$/.test(digits)) return ' (did you mean "max"?)';
  const percent = (d: string) => Number(`${d.slice(0, 2)}.${d.slice(2)}`);
  const wanted = percent(digits);
  const nearest = THRESHOLD_STATS.filter((s) => /^p\d+$/.test(s)).reduce((best, s) =>
    Math.abs(percent(s.slice(1)) - wanted) < Math.abs(percent(best.slice(1)) - wanted) ? s : best);
  return ` (did you mean "${nearest}"?)`;
}

/** `{name}` right after the metric (no space before the brace), trimmed; undefined when there is none. */
function readName(reader: Cursor): string | undefined {
  if (reader.text[reader.position] !== '{') return undefined;
  const open = reader.position;
  const close = reader.text.indexOf('}', open + 1);
  if (close === -1) throw new ThresholdError('the `{` is never closed: end the name with `}`', open, reader.text.length);
  reader.position = close + 1;
  const name = reader.text.slice(open + 1, close).trim();
  if (name === '') throw new ThresholdError('empty name in `{}`: put a request, check or metric name between the braces, or leave the braces out', open, close + 1);
  return name;
}

function readOperator(reader: Cursor, subject: string): ThresholdOperator {
  const start = reader.position;
  const op = reader.match(OPERATOR);
  if (op === undefined) {
    const end = reader.done ? start : endOfWord(reader.text, start);
    const found = reader.done ? 'nothing' : JSON.stringify(reader.text.slice(start, end));
    throw new ThresholdError(`expected a comparison after \`${subject}\` (${THRESHOLD_OPERATORS.join(' ')}), found ${found}`, start, end);
  }
  const fix = OPERATOR_FIXES[op];
  if (fix !== undefined) throw new ThresholdError(`unknown operator "${op}": use ${fix}`, start, reader.position);
  return op as ThresholdOperator;
}

/** The limit: everything after the operator, in the metric's unit. */
function readLimit(reader: Cursor, metric: ThresholdMetric, operator: ThresholdOperator): number {
  const start = reader.position;
  const rest = reader.text.slice(start).trimEnd();
  const end = start + rest.length;
  if (rest === '') throw new ThresholdError(`missing the limit after ${operator}: ${limitHint(metric)}`, start, start);
  const number = NUMBER.exec(rest);
  if (!number) throw new ThresholdError(`invalid limit ${JSON.stringify(rest)}: ${limitHint(metric)}`, start, end);
  const value = Number(number[0]);
  const afterNumber = rest.slice(number[0].length);
  const unit = afterNumber.trim();
  const unitStart = start + number[0].length + (afterNumber.length - afterNumber.trimStart().length);
  const negative = number[0].startsWith('-');

  switch (metric) {
    case 'latency': {
      if (negative) throw new ThresholdError(`invalid limit ${JSON.stringify(rest)}: a latency cannot be negative`, start, end);
      if (unit === '') return value;
      const factor = DURATION_UNITS[unit];
      if (factor === undefined) {
        const why = unit === '%' ? 'a latency is a duration, not a percentage' : `unknown unit "${unit}"`;
        throw new ThresholdError(`${why}: ${limitHint(metric)}`, unitStart, end);
      }
      return value * factor;
    }
    case 'error_rate':
    case 'checks': {
      if (unit !== '%') {
        const what = unit === '' ? `\`${metric}\` is a percentage: write the %, like ${number[0]}%` : `invalid unit "${unit}": ${limitHint(metric)}`;
        throw new ThresholdError(what, unit === '' ? start : unitStart, end);
      }
      if (negative || value > 100) throw new ThresholdError(`invalid percentage ${rest}: it must be between 0% and 100%`, start, end);
      return value;
    }
    default: {
      if (unit !== '') throw new ThresholdError(`\`${metric}\` takes a plain number, without a unit: found "${unit}"`, unitStart, end);
      if (negative && (metric === 'errors' || metric === 'requests' || metric === 'rps')) {
        throw new ThresholdError(`invalid limit ${rest}: ${metric} cannot be negative`, start, end);
      }
      return value;
    }
  }
}

function limitHint(metric: ThresholdMetric): string {
  switch (metric) {
    case 'latency':
      return 'give a duration like 500ms, 1.5s or 2m (a bare number is ms)';
    case 'error_rate':
    case 'checks':
      return 'give a percentage like 1%';
    case 'rps':
      return 'give requests per second as a plain number, like 100';
    case 'counter':
    case 'histogram':
      return `give a plain number in the ${metric}'s own unit, like 50`;
    default:
      return 'give a plain number, like 0';
  }
}

/** The end of the non-space run starting at `start` (at least one character when there is one). */
function endOfWord(text: string, start: number): number {
  let end = start;
  while (end < text.length && !/\s/.test(text[end]!)) end++;
  return Math.max(end, Math.min(start + 1, text.length));
}
