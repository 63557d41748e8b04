/**
 * Evaluates thresholds on a run's cumulative, exactly merged figures: at the end on the result's summary, and
 * mid-run on the coordinator's cumulative snapshot (for abortOnFail). Pure computation.
 *
 * Latency stats come from the merged histograms, never from the summary's rows: the rows carry only some
 * percentiles, and the "all requests" figure of p95, p99.9 or min is the merge of every name's histogram. Counts
 * and rates come from the summary. A threshold with nothing to measure (no request of that name, no check, a
 * counter never incremented) fails, and its line says why: a criterion nobody could check is not a pass.
 */
import { suggestionSuffix } from '../common/did-you-mean';
import type { HistogramRow, RunSummary } from '../protocol/summary';
import type { ThresholdResult, ThresholdSpec, ThresholdStat, ThresholdUnit } from '../protocol/thresholds';
import { createHistogram, type HdrHistogram } from './histogram';
import type { DecodedHistograms } from './summary';

/** The cumulative result to judge: its summary, and the decoded histograms it was made from. */
export interface ThresholdData {
  summary: RunSummary;
  /** A SnapshotAccumulator holding the cumulative snapshot is one. */
  histograms: DecodedHistograms;
}

/** A measurement, or why there is none. */
type Measured = { value: number } | { missing: string };

/** Evaluates every spec, in order. */
export function evaluateThresholds(specs: readonly ThresholdSpec[], data: ThresholdData): ThresholdResult[] {
  const context = new Measurements(data);
  return specs.map((spec) => evaluateWith(spec, context));
}

/** Evaluates one spec. */
export function evaluateThreshold(spec: ThresholdSpec, data: ThresholdData): ThresholdResult {
  return evaluateWith(spec, new Measurements(data));
}

function evaluateWith(spec: ThresholdSpec, context: Measurements): ThresholdResult {
  const unit = unitOf(spec);
  const measured = context.measure(spec);
  const limit = `limit ${spec.operator} ${formatValue(spec.limit, unit)}`;
  if ('missing' in measured) {
    return { threshold: spec.source, ok: false, actual: null, unit, line: `${subjectOf(spec)}: no data (${measured.missing}), ${limit}` };
  }
  const ok = compare(measured.value, spec.operator, spec.limit);
  return { threshold: spec.source, ok, actual: measured.value, unit, line: `${subjectOf(spec)} = ${formatValue(measured.value, unit)}, ${limit}` };
}

/** Reads the figures specs ask for, merging the all-requests histogram once per evaluation. */
class Measurements {
  private allLatency: HdrHistogram | undefined;

  constructor(private readonly data: ThresholdData) {}

  measure(spec: ThresholdSpec): Measured {
    const { summary } = this.data;
    switch (spec.metric) {
      case 'latency':
        return this.latency(spec.stat!, spec.name);
      case 'error_rate': {
        const row = this.requestRow(spec.name);
        if ('missing' in row) return row;
        if (row.count === 0) return { missing: 'no request completed' };
        return { value: (row.failed / row.count) * 100 };
      }
      case 'errors':
      case 'requests':
      case 'rps': {
        const row = this.requestRow(spec.name);
        if ('missing' in row) return row;
        return { value: spec.metric === 'errors' ? row.failed : spec.metric === 'requests' ? row.count : row.rps };
      }
      case 'checks': {
        const rows = spec.name === undefined ? summary.checks : summary.checks.filter((c) => c.name === spec.name);
        if (spec.name !== undefined && rows.length === 0) {
          return { missing: `no check named ${JSON.stringify(spec.name)} ran${suggestionSuffix(spec.name, summary.checks.map((c) => c.name))}` };
        }
        const pass = rows.reduce((n, c) => n + c.pass, 0);
        const total = rows.reduce((n, c) => n + c.pass + c.fail, 0);
        return total === 0 ? { missing: 'no check ran' } : { value: (pass / total) * 100 };
      }
      case 'counter': {
        const row = summary.counters.find((c) => c.name === spec.name);
        if (row) return { value: row.value };
        return { missing: `counter ${JSON.stringify(spec.name)} was never incremented${suggestionSuffix(spec.name!, summary.counters.map((c) => c.name))}` };
      }
      case 'histogram':
        return this.custom(spec.stat!, spec.name!);
    }
  }

  /** The named request's row, or the total row; a name that never completed a request has none. */
  private requestRow(name: string | undefined): { count: number; failed: number; rps: number } | { missing: string } {
    const { summary } = this.data;
    if (name === undefined) return summary.total;
    return summary.requests.find((r) => r.name === name) ?? { missing: this.noRequest(name) };
  }

  /** Request names are often grouped (`GET /items/:id`): the closest one seen is likely what was meant. */
  private noRequest(name: string): string {
    return `no request named ${JSON.stringify(name)} completed${suggestionSuffix(name, this.data.summary.requests.map((r) => r.name))}`;
  }

  private latency(stat: ThresholdStat, name: string | undefined): Measured {
    const histogram = name === undefined ? this.mergedLatency() : this.data.histograms.requestHistogram(name);
    if (histogram === undefined || histogram.count === 0) {
      return { missing: name === undefined ? 'no request completed' : this.noRequest(name) };
    }
    // Recorded in µs; ms with µs resolution, as the summary shows them.
    return { value: Math.round(statOf(histogram, stat)) / 1000 };
  }

  private custom(stat: ThresholdStat, name: string): Measured {
    const histogram = this.data.histograms.customHistogram(name);
    if (histogram !== undefined && histogram.count > 0) return { value: statOf(histogram, stat) };
    // A caller whose accessor lacks it may still have the exact figures in the summary's row.
    const row = this.data.summary.histograms.find((h) => h.name === name);
    if (row !== undefined && row.count > 0) return { value: rowStat(row, stat) };
    return { missing: `histogram ${JSON.stringify(name)} recorded no value${suggestionSuffix(name, this.data.summary.histograms.map((h) => h.name))}` };
  }

  private mergedLatency(): HdrHistogram {
    if (this.allLatency === undefined) {
      this.allLatency = createHistogram();
      for (const row of this.data.summary.requests) {
        const histogram = this.data.histograms.requestHistogram(row.name);
        if (histogram !== undefined) this.allLatency.add(histogram);
      }
    }
    return this.allLatency;
  }
}

const PERCENTILES: Readonly<Record<string, number>> = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 };

function statOf(histogram: HdrHistogram, stat: ThresholdStat): number {
  if (stat === 'min') return histogram.min;
  if (stat === 'max') return histogram.max;
  if (stat === 'mean') return histogram.mean;
  return histogram.percentile(PERCENTILES[stat]!);
}

function rowStat(row: HistogramRow, stat: ThresholdStat): number {
  return row[stat];
}

export function compare(actual: number, operator: ThresholdSpec['operator'], limit: number): boolean {
  switch (operator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}

/** The unit a spec's limit and value are in. */
export function unitOf(spec: ThresholdSpec): ThresholdUnit {
  switch (spec.metric) {
    case 'latency':
      return 'ms';
    case 'error_rate':
    case 'checks':
      return '%';
    case 'rps':
      return 'rps';
    case 'histogram':
      return 'value';
    default:
      return 'count';
  }
}

/** What the spec measures, as written in expressions: `p99`, `p95{GET /api/items}`, `histogram.p99{chat.delivery_ms}`. */
export function subjectOf(spec: ThresholdSpec): string {
  const word = spec.metric === 'latency' ? spec.stat! : spec.metric === 'histogram' ? `histogram.${spec.stat!}` : spec.metric;
  return spec.name === undefined ? word : `${word}{${spec.name}}`;
}

/** A value in its unit for people: `612 ms`, `0.52%`, `95.3/s`, `3`. */
export function formatValue(value: number, unit: ThresholdUnit): string {
  const n = readable(value);
  switch (unit) {
    case 'ms':
      return `${n} ms`;
    case '%':
      return `${n}%`;
    case 'rps':
      return `${n}/s`;
    default:
      return n;
  }
}

/**
 * Up to three decimals (latencies are exact to the µs), four significant digits below 1: 612.345, 0.5234. Never
 * so rounded that a failing value reads like its limit.
 */
function readable(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Math.abs(value) >= 1 ? Math.round(value * 1000) / 1000 : Number(value.toPrecision(4)));
}
