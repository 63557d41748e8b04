/**
 * Structural checks of the metric shapes that cross the network: MetricSnapshot (agents' per-second snapshots,
 * merged points pushed to clients) and RunSummary (inside a finished run's result). Part of validate.ts.
 */
import {
  ERROR_KINDS,
  SNAPSHOT_VERSION,
  STATUS_CLASSES,
  type CheckStats,
  type ErrorStats,
  type MetricSnapshot,
  type RequestStats,
  type StatusClass,
  type UserFailure,
  type UserStats,
  type Utilization,
  type WebSocketStats,
} from './snapshot';
import {
  SUMMARY_VERSION,
  type CheckRow,
  type CounterRow,
  type ErrorRow,
  type HistogramRow,
  type RequestRow,
  type RunSummary,
  type UserSummary,
  type UtilizationSummary,
} from './summary';
import { BLOB_MAX, amount, arr, bool, count, literal, name, num, obj, oneOf, opt, partialRecord, record, str, text, type Check } from './validate-core';

/** An encoded HDR histogram: base64 text (decoding it is the merger's job; a bad one fails there, counted). */
const histogram = str(BLOB_MAX, 1);
const fraction = num(0);

export const checkUtilization: Check<Utilization> = obj<Utilization>({ eventLoop: fraction, cpu: fraction });

const checkRequestStats: Check<RequestStats> = obj<RequestStats>({
  count,
  failed: count,
  status: partialRecord(STATUS_CLASSES, count),
  errors: partialRecord(ERROR_KINDS, count),
  bytesIn: amount,
  bytesOut: amount,
  latency: histogram,
  connect: opt(histogram),
  tls: opt(histogram),
  ttfb: opt(histogram),
});

const checkErrorStats: Check<ErrorStats> = obj<ErrorStats>({ count, lastMessage: text, lastName: opt(text) });

export const checkWebSocketStats: Check<WebSocketStats> = obj<WebSocketStats>({
  connects: count,
  connectFailures: count,
  closes: count,
  messagesIn: count,
  messagesOut: count,
  bytesIn: amount,
  bytesOut: amount,
});

const checkUserStats: Check<UserStats> = obj<UserStats>({ active: count, started: count, finished: count, failed: count, stopped: count });

const checkUserFailure: Check<UserFailure> = obj<UserFailure>({ message: text, where: opt(text), count });

export const checkMetricSnapshot: Check<MetricSnapshot> = obj<MetricSnapshot>({
  version: literal(SNAPSHOT_VERSION),
  source: name,
  seq: count,
  start: amount,
  end: amount,
  requests: record(checkRequestStats),
  errors: partialRecord(ERROR_KINDS, checkErrorStats),
  ws: checkWebSocketStats,
  users: checkUserStats,
  checks: record(obj<CheckStats>({ pass: count, fail: count })),
  counters: record(num()),
  histograms: record(histogram),
  userFailures: arr(checkUserFailure),
  utilization: checkUtilization,
});

// ---------------------------------------------------------------------------------------------------------------
// RunSummary

/** The figures of a HistogramStats, for the guards of every shape that carries one (summary, dashboard tables). */
export const checkHistogramFigures = {
  count,
  min: num(),
  mean: num(),
  p50: num(),
  p90: num(),
  p95: num(),
  p99: num(),
  p999: num(),
  max: num(),
};

const checkRequestRow: Check<RequestRow> = obj<RequestRow>({
  name: text,
  count,
  failed: count,
  rps: amount,
  errorPct: num(0, 100),
  p50: amount,
  p90: amount,
  p99: amount,
  max: amount,
  mean: amount,
  bytesIn: amount,
  bytesOut: amount,
  status: obj<Record<StatusClass, number>>({ '1xx': count, '2xx': count, '3xx': count, '4xx': count, '5xx': count, none: count }),
});

const checkUserSummary: Check<UserSummary> = obj<UserSummary>({
  started: count,
  finished: count,
  failed: count,
  stopped: count,
  active: count,
  peakActive: opt(count),
});

const checkUtilizationSummary: Check<UtilizationSummary> = obj<UtilizationSummary>({
  eventLoop: fraction,
  cpu: fraction,
  mean: fraction,
  peak: fraction,
  overloaded: bool,
});

export const checkRunSummary: Check<RunSummary> = obj<RunSummary>({
  version: literal(SUMMARY_VERSION),
  start: amount,
  end: amount,
  elapsedMs: amount,
  requests: arr(checkRequestRow),
  total: checkRequestRow,
  checks: arr(obj<CheckRow>({ name: text, pass: count, fail: count })),
  errors: arr(obj<ErrorRow>({ kind: oneOf(ERROR_KINDS), count, lastMessage: text, lastName: opt(text) })),
  users: checkUserSummary,
  ws: checkWebSocketStats,
  counters: arr(obj<CounterRow>({ name: text, value: num(), rate: num() })),
  histograms: arr(obj<HistogramRow>({ name: text, ...checkHistogramFigures })),
  userFailures: arr(checkUserFailure),
  otherUserFailures: count,
  utilization: checkUtilizationSummary,
  warnings: arr(text),
});
