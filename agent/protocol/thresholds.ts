/**
 * Pass/fail thresholds of a run, as data: the parsed expression (`p99 < 500ms`) a plan or `--threshold` gives,
 * carried in the Plan and the RunRequest, and its outcome in the RunResultData. Parsed by agent/plan/thresholds.ts,
 * evaluated by agent/metrics/thresholds.ts; the dashboard and history read the results.
 *
 * Units: a limit is stored in its metric's unit — milliseconds for request latency, percent (0..100) for
 * error_rate and checks, requests per second for rps, plain numbers for counts and custom metrics (a custom
 * histogram is in whatever unit the scenario recorded). Plain data; imports nothing.
 */

/** The statistics of a latency (or custom histogram) distribution a threshold can test. */
export type ThresholdStat = 'min' | 'mean' | 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max';

export const THRESHOLD_STATS: readonly ThresholdStat[] = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'];

/**
 * What a threshold measures:
 * - `latency`: a stat of request latency, over every request or one request name (`p95{GET /api/items}`)
 * - `error_rate`: failed / completed requests, in percent; `errors`: failed requests; `requests`: completed ones
 * - `rps`: completed requests per second over the run
 * - `checks`: the pass rate of every check, or of one (`checks{status is 200}`), in percent
 * - `counter`: a custom counter's value; `histogram`: a stat of a custom histogram (both need a `{name}`)
 */
export type ThresholdMetric = 'latency' | 'error_rate' | 'errors' | 'requests' | 'rps' | 'checks' | 'counter' | 'histogram';

export const THRESHOLD_METRICS: readonly ThresholdMetric[] = ['latency', 'error_rate', 'errors', 'requests', 'rps', 'checks', 'counter', 'histogram'];

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export const THRESHOLD_OPERATORS: readonly ThresholdOperator[] = ['<', '<=', '>', '>=', '==', '!='];

/** The unit of a threshold's limit and actual value: `value` is a custom histogram's own unit. */
export type ThresholdUnit = 'ms' | '%' | 'count' | 'rps' | 'value';

export interface ThresholdSpec {
  /** The expression as written, trimmed: `p95{GET /api/items} <= 200ms`. Identifies the threshold in results. */
  source: string;
  metric: ThresholdMetric;
  /** For `latency` and `histogram` only (required there). */
  stat?: ThresholdStat;
  /** The `{...}` selection: a request name, a check name, or the custom metric's name (required for those). */
  name?: string;
  operator: ThresholdOperator;
  /** In the metric's unit (see the file comment); finite. */
  limit: number;
  /** Stop the run (gracefully) as soon as this threshold fails, rather than only failing it at the end. */
  abortOnFail: boolean;
  /** With abortOnFail: ms after the run starts before the threshold is first evaluated; 0 when not given. */
  delayMs: number;
}

export interface ThresholdResult {
  /** The spec's `source`. */
  threshold: string;
  ok: boolean;
  /** The measured value in `unit`; null when there was nothing to measure (a threshold with no data fails). */
  actual: number | null;
  unit: ThresholdUnit;
  /** For people: `p99 = 612 ms, limit < 500 ms`, or why there is no value. */
  line: string;
  /** True for the abortOnFail threshold that stopped the run. */
  aborted?: boolean;
}
