/**
 * Checkers for thresholds (thresholds.ts) as they arrive in a run request and come back in a run result. Part of
 * validate.ts. Beyond each field's type, a spec must be coherent — a stat exactly where the metric has one, a
 * name where the metric needs one, a name without `}` — so a coordinator never evaluates something the plan
 * parser could not have produced.
 */
import {
  THRESHOLD_METRICS,
  THRESHOLD_OPERATORS,
  THRESHOLD_STATS,
  type ThresholdMetric,
  type ThresholdResult,
  type ThresholdSpec,
  type ThresholdUnit,
} from './thresholds';
import { amount, arr, bool, num, obj, oneOf, opt, refine, str, text, NAME_MAX, type Check } from './validate-core';

const UNITS: readonly ThresholdUnit[] = ['ms', '%', 'count', 'rps', 'value'];

/** Metrics that test a stat of a distribution, and those that cannot do without a `{name}`. */
const WITH_STAT: readonly ThresholdMetric[] = ['latency', 'histogram'];
const NEEDS_NAME: readonly ThresholdMetric[] = ['counter', 'histogram'];

/** Expressions and names are short in practice; a request name within one is bounded like any name. */
const expression = str(NAME_MAX + 64, 1);
const selected = str(NAME_MAX, 1);

export const checkThresholdSpec: Check<ThresholdSpec> = refine(
  obj<ThresholdSpec>({
    source: expression,
    metric: oneOf(THRESHOLD_METRICS),
    stat: opt(oneOf(THRESHOLD_STATS)),
    name: opt(selected),
    operator: oneOf(THRESHOLD_OPERATORS),
    limit: num(),
    abortOnFail: bool,
    delayMs: amount,
  }),
  (spec) => {
    const hasStat = WITH_STAT.includes(spec.metric);
    if (hasStat && spec.stat === undefined) return `metric ${spec.metric} needs a stat (${THRESHOLD_STATS.join(', ')})`;
    if (!hasStat && spec.stat !== undefined) return `metric ${spec.metric} takes no stat`;
    if (NEEDS_NAME.includes(spec.metric) && spec.name === undefined) return `metric ${spec.metric} needs a name`;
    if (spec.name?.includes('}')) return 'a selected name cannot contain "}"';
    return undefined;
  },
);

/** A finite number, or null for "nothing was measured". */
const actualValue: Check<number | null> = (value, path) => (value === null ? null : num()(value, path));

export const checkThresholdResult: Check<ThresholdResult> = obj<ThresholdResult>({
  threshold: expression,
  ok: bool,
  actual: actualValue,
  unit: oneOf(UNITS),
  line: text,
  aborted: opt(bool),
});

/** A result's thresholds; absent (from a coordinator that predates thresholds) reads as none. */
export const checkThresholdResults: Check<ThresholdResult[]> = (value, path) =>
  value === undefined ? [] : arr(checkThresholdResult)(value, path);
