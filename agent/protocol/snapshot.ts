/**
 * The metric snapshot: what one node (later: one worker, one agent) measured during one interval.
 *
 * Plain JSON data, so it crosses threads, processes and the webview unchanged. Histograms travel in HDR's
 * compressed base64 encoding so that any receiver can merge them exactly (histogram addition) instead of
 * averaging percentiles. Every field is additive across nodes and across intervals except the gauges
 * (`users.active`), which add across nodes for the same interval and take the latest value across time.
 *
 * Imports nothing: agent, extension and webview all depend on this file, never the reverse.
 */

/** Bump when a snapshot's shape changes incompatibly; receivers refuse other versions. */
export const SNAPSHOT_VERSION = 1;

/** HDR histogram, compressed and base64 encoded (hdr-histogram-js `encodeIntoCompressedBase64`), values in µs. */
export type EncodedHistogram = string;

/** Why a request (or a WebSocket operation) failed. Stable strings: they are keys in tables and JSON output. */
export type ErrorKind =
  | 'refused' // ECONNREFUSED: nothing listening
  | 'timeout' // connect, headers or body timed out
  | 'reset' // ECONNRESET / socket closed mid-request
  | 'tls' // certificate or handshake failure
  | 'dns' // ENOTFOUND / EAI_AGAIN
  | 'http' // status >= 400 that the scenario did not accept
  | 'protocol' // malformed response, bad WebSocket frame, unexpected close
  | 'aborted' // the user was stopped or removed mid-request
  | 'other';

export const ERROR_KINDS: readonly ErrorKind[] = [
  'refused', 'timeout', 'reset', 'tls', 'dns', 'http', 'protocol', 'aborted', 'other',
];

/** HTTP status classes counted per request name; `none` = no response at all (network error). */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'none';
export const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx', 'none'];

/** One request name's figures (an HTTP request name, or a WebSocket operation like `ws connect /chat`). */
export interface RequestStats {
  /** Requests completed (successfully or not) in the interval. */
  count: number;
  /** Of `count`, how many counted as failures (network error, timeout, or an unaccepted status >= 400). */
  failed: number;
  /** Responses by status class. */
  status: Partial<Record<StatusClass, number>>;
  /** Failures by kind. */
  errors: Partial<Record<ErrorKind, number>>;
  bytesIn: number;
  bytesOut: number;
  /** Whole request: from the scenario's call to the last byte of the body (µs). */
  latency: EncodedHistogram;
  /** TCP connect (µs), recorded when the request had to open a connection. */
  connect?: EncodedHistogram;
  /** TLS handshake (µs), recorded when the request had to open a TLS connection. */
  tls?: EncodedHistogram;
  /** Time to first byte of the response headers (µs). */
  ttfb?: EncodedHistogram;
}

/** An error kind's figures across all request names: how many, and the last message seen (for the table). */
export interface ErrorStats {
  count: number;
  lastMessage: string;
  /** The request name the last one happened on, if any. */
  lastName?: string;
}

export interface WebSocketStats {
  connects: number;
  connectFailures: number;
  closes: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export interface UserStats {
  /** Gauge: users running at the end of the interval. */
  active: number;
  /** Users whose `start` began in the interval. */
  started: number;
  /** Users whose `start` returned normally in the interval. */
  finished: number;
  /** Users whose `start` threw in the interval (removed/stopped users are not failures). */
  failed: number;
  /** Users stopped by remove/stop in the interval. */
  stopped: number;
}

/** Check results by check name. */
export interface CheckStats {
  pass: number;
  fail: number;
}

/** How busy the load generator was during the interval, each in [0, 1]. */
export interface Utilization {
  /** Event-loop utilization (performance.eventLoopUtilization) of the thread that ran users. */
  eventLoop: number;
  /** Process CPU time / wall time, divided by the cores this node may use. */
  cpu: number;
}

/** A failed user's error, kept so the summary can show what went wrong and where. */
export interface UserFailure {
  message: string;
  /** `file:line:col` in the scenario's TypeScript source (from the source map), when known. */
  where?: string;
  count: number;
}

export interface MetricSnapshot {
  version: typeof SNAPSHOT_VERSION;
  /** Who measured it: a node id (`local`, later `agent-1/worker-0`). */
  source: string;
  /** Per-source sequence number, from 0, so a receiver can spot gaps and duplicates. */
  seq: number;
  /** Interval start and end, wall clock (ms since epoch). Intervals are aligned to whole seconds. */
  start: number;
  end: number;
  requests: Record<string, RequestStats>;
  errors: Partial<Record<ErrorKind, ErrorStats>>;
  ws: WebSocketStats;
  users: UserStats;
  checks: Record<string, CheckStats>;
  /** Custom counters from `user.metrics.counter(name)`. */
  counters: Record<string, number>;
  /** Custom histograms from `user.metrics.histogram(name)` (values as recorded, integers). */
  histograms: Record<string, EncodedHistogram>;
  /** Failed users' errors by message+where (bounded: at most 50 distinct per interval). */
  userFailures: UserFailure[];
  utilization: Utilization;
}
