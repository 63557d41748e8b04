/**
 * The run summary: the end-of-run figures a terminal table, a JSON/CSV file, the VS Code dashboard and history show.
 *
 * Plain JSON data computed once from the cumulative (exactly merged) snapshot by `agent/metrics/summary.ts`.
 * Latencies are milliseconds here (the snapshot keeps microseconds in histograms); custom histogram figures are in
 * whatever unit the scenario recorded. Rows are sorted so two summaries of the same run compare equal.
 *
 * Imports only from ./snapshot: the webview and the extension read this file too.
 */
import type { ErrorKind, StatusClass, UserFailure, WebSocketStats } from './snapshot';

/** Bump when the summary's shape changes incompatibly (stored run history is read back with it). */
export const SUMMARY_VERSION = 1;

/** count/min/mean/percentiles/max of one histogram, in the histogram's own unit. */
export interface HistogramStats {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  /** 99.9th percentile. */
  p999: number;
  max: number;
}

/** One request name's line of the requests table (or the `total` line over every name). */
export interface RequestRow {
  name: string;
  count: number;
  failed: number;
  /** Completed requests per second over the run's elapsed time. */
  rps: number;
  /** failed / count × 100; 0 when count is 0. */
  errorPct: number;
  /** Latencies in ms (HDR precision: 3 significant digits). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  bytesIn: number;
  bytesOut: number;
  /** Responses by status class, every class present (0 when none). */
  status: Record<StatusClass, number>;
}

export interface CheckRow {
  name: string;
  pass: number;
  fail: number;
}

export interface ErrorRow {
  kind: ErrorKind;
  count: number;
  lastMessage: string;
  /** The request name the last one happened on, if any. */
  lastName?: string;
}

export interface UserSummary {
  started: number;
  finished: number;
  failed: number;
  stopped: number;
  /** Users still running when the summary was made (normally 0 at the end of a run). */
  active: number;
  /** Highest number of users running at once, when the caller tracked it. */
  peakActive?: number;
}

export interface CounterRow {
  name: string;
  value: number;
  /** value per second over the run's elapsed time. */
  rate: number;
}

export interface HistogramRow extends HistogramStats {
  name: string;
}

/**
 * How busy the load generator was. `mean`/`peak` take, per interval, the larger of event-loop and CPU utilization,
 * since either one saturating makes the generator (not the target) the bottleneck.
 */
export interface UtilizationSummary {
  /** Time-weighted mean event-loop utilization, [0, 1]. */
  eventLoop: number;
  /** Time-weighted mean CPU utilization, [0, 1]. */
  cpu: number;
  /** max(eventLoop, cpu) of the means. */
  mean: number;
  /** Highest per-interval max(eventLoop, cpu) seen (the mean when unknown). */
  peak: number;
  /** peak > 0.8. */
  overloaded: boolean;
}

export interface RunSummary {
  version: typeof SUMMARY_VERSION;
  /** Wall clock (ms since epoch) covered by the cumulative snapshot. */
  start: number;
  end: number;
  /** The run's elapsed time used for the rates. */
  elapsedMs: number;
  /** By name. */
  requests: RequestRow[];
  /** Every request name together (histograms merged exactly, not averaged). */
  total: RequestRow;
  checks: CheckRow[];
  /** Most frequent first. */
  errors: ErrorRow[];
  users: UserSummary;
  ws: WebSocketStats;
  counters: CounterRow[];
  histograms: HistogramRow[];
  /** Failed users' errors, most frequent first (bounded, see MetricSnapshot.userFailures). */
  userFailures: UserFailure[];
  /** Failed users whose message is not in `userFailures` because of the bound. */
  otherUserFailures: number;
  utilization: UtilizationSummary;
  /** Things the reader should not miss (an overloaded generator, failed users), as sentences. */
  warnings: string[];
}
