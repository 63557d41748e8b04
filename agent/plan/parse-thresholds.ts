/**
 * A plan's `thresholds:` list read with positions: each item an expression string or a mapping
 * `{ threshold, abortOnFail?, delay? }`; a bad expression is reported on the very characters that are wrong
 * (thresholds.ts parses the expression itself, and says where in it).
 */
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { ThresholdSpec } from '../protocol/thresholds';
import type { SourceRange } from '../protocol/variables';
import { PlanReader, describeNode, readBoolean, type Entry } from './plan-reader';
import { ThresholdError, parseThreshold } from './thresholds';
import { parseDuration } from './units';

/** The keys of a threshold written as a mapping (`- { threshold: p99 < 500ms, abortOnFail: true, delay: 10s }`). */
export const THRESHOLD_KEYS = ['threshold', 'abortOnFail', 'delay'] as const;

/** `thresholds:` → specs in file order; each bad item is reported (at the exact characters when it can be). */
export function readThresholds(reader: PlanReader, source: string, entry: Entry): ThresholdSpec[] {
  const node = entry.node;
  if (entry.broken || node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    reader.error('ROOKERY_PLAN_TYPE', `\`thresholds\` must be a list, like \`- p99 < 500ms\`; found ${describeNode(node)}`, entry.value);
    return [];
  }
  const specs: ThresholdSpec[] = [];
  for (const item of node.items) {
    if (reader.isBroken(item)) continue;
    const resolved = reader.resolve(item);
    const range = reader.range(item as Node);
    const spec = isMap(resolved) ? readThresholdMapping(reader, source, resolved, range) : readThresholdText(reader, source, resolved, range);
    if (spec) specs.push(spec);
  }
  return specs;
}

const THRESHOLD_EXAMPLE = 'like `p99 < 500ms` or `{ threshold: error_rate < 1%, abortOnFail: true }`';

/** A threshold expression in a scalar, its errors placed on the characters they concern. */
function readThresholdText(reader: PlanReader, source: string, node: Node | null, range: SourceRange): ThresholdSpec | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') {
    reader.error('ROOKERY_PLAN_THRESHOLD', `a threshold is an expression or a mapping, ${THRESHOLD_EXAMPLE}; found ${describeNode(node)}`, range);
    return undefined;
  }
  try {
    return parseThreshold(node.value);
  } catch (error) {
    if (!(error instanceof ThresholdError)) throw error;
    const at = valueOffset(source, node);
    reader.error('ROOKERY_PLAN_THRESHOLD', `invalid threshold: ${error.message}`, at === undefined ? range : reader.offsets(at + error.start, at + error.end));
    return undefined;
  }
}

/** `{ threshold, abortOnFail?, delay? }`. */
function readThresholdMapping(reader: PlanReader, source: string, map: YAMLMap, range: SourceRange): ThresholdSpec | undefined {
  const entries = reader.entries(map, { names: THRESHOLD_KEYS, what: 'threshold option' });
  const find = (name: (typeof THRESHOLD_KEYS)[number]) => entries.find((e) => e.name === name);
  const expression = find('threshold');
  const abortEntry = find('abortOnFail');
  const delayEntry = find('delay');
  const abortOnFail = abortEntry && readBoolean(reader, abortEntry);
  const delayMs = delayEntry && reader.unit(delayEntry, parseDuration, 'ROOKERY_PLAN_DURATION', 'a duration like 10s');
  if (delayEntry && delayMs !== undefined && (abortEntry === undefined || abortOnFail === false)) {
    reader.warning('ROOKERY_PLAN_THRESHOLD', '`delay` only applies with `abortOnFail: true`: it is how long the run goes before the threshold may stop it', delayEntry.key);
  }
  if (!expression) {
    reader.error('ROOKERY_PLAN_MISSING_KEY', `missing \`threshold\`: the expression, ${THRESHOLD_EXAMPLE}`, range);
    return undefined;
  }
  if (expression.broken) return undefined;
  const spec = readThresholdText(reader, source, expression.node, expression.value);
  if (!spec || (abortEntry && abortOnFail === undefined) || (delayEntry && delayMs === undefined)) return undefined;
  return { ...spec, abortOnFail: abortOnFail ?? false, delayMs: delayMs ?? 0 };
}

/**
 * Where a string scalar's value starts in the source, when the source spells the value as is (a one-line plain or
 * quoted scalar without escapes); undefined when it does not (folded lines, escapes, block scalars).
 */
function valueOffset(source: string, node: Scalar): number | undefined {
  const r = node.range;
  if (!r || typeof node.value !== 'string') return undefined;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  if (!quoted && node.type !== 'PLAIN') return undefined;
  const start = r[0] + (quoted ? 1 : 0);
  return source.startsWith(node.value, start) ? start : undefined;
}
