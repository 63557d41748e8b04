/**
 * The metrics recorder of one node: counts what the protocol layers, the controller and scenarios report, and
 * closes one interval into a MetricSnapshot each time `takeSnapshot` is called (once per second, by IntervalClock).
 *
 * Recording is the hot path: one Map lookup and a histogram record per request, no allocation once a request name
 * has been seen. Two interval states alternate as HdrHistogram's Recorder does: `takeSnapshot` swaps the recording
 * state with the spare one, so recording continues into a clean state while the closed one is encoded and reset
 * (nothing is copied). A request name idle for a whole interval is dropped so its histograms are freed.
 */
import type { Counter, Histogram, UserMetrics } from '../api';
import {
  SNAPSHOT_VERSION,
  type CheckStats,
  type ErrorKind,
  type ErrorStats,
  type MetricSnapshot,
  type RequestStats,
  type StatusClass,
  type UserFailure,
  type Utilization,
  type WebSocketStats,
} from '../protocol/snapshot';
import { createHistogram, type HdrHistogram } from './histogram';
import type { MetricsSink, RequestSample, WsEvent } from './sample';

/** Distinct failed-user messages (message + where) kept per interval; further ones count only in `users.failed`. */
export const MAX_USER_FAILURES = 50;

/** Status classes by `Math.floor(status / 100)`; statuses outside 100..599 are no valid response (`none`). */
const STATUS_CLASSES: readonly StatusClass[] = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'];

class RequestAccumulator {
  count = 0;
  failed = 0;
  /** Indexed like STATUS_CLASSES. */
  readonly status = [0, 0, 0, 0, 0, 0];
  errors: Partial<Record<ErrorKind, number>> = {};
  bytesIn = 0;
  bytesOut = 0;
  readonly latency = createHistogram();
  // Made on first use: most requests reuse a connection, plain HTTP has no TLS.
  connect: HdrHistogram | undefined;
  tls: HdrHistogram | undefined;
  ttfb: HdrHistogram | undefined;

  toStats(): RequestStats {
    const status: Partial<Record<StatusClass, number>> = {};
    for (let i = 0; i < STATUS_CLASSES.length; i++) if (this.status[i] > 0) status[STATUS_CLASSES[i]] = this.status[i];
    const stats: RequestStats = {
      count: this.count,
      failed: this.failed,
      status,
      errors: this.errors,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      latency: this.latency.encode(),
    };
    if (this.connect && this.connect.count > 0) stats.connect = this.connect.encode();
    if (this.tls && this.tls.count > 0) stats.tls = this.tls.encode();
    if (this.ttfb && this.ttfb.count > 0) stats.ttfb = this.ttfb.encode();
    return stats;
  }

  reset(): void {
    this.count = 0;
    this.failed = 0;
    this.status.fill(0);
    this.errors = {};
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.latency.reset();
    this.connect?.reset();
    this.tls?.reset();
    this.ttfb?.reset();
  }
}

function emptyWs(): WebSocketStats {
  return { connects: 0, connectFailures: 0, closes: 0, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
}

/** Everything counted during one interval (the gauge `active` lives on the recorder: it spans intervals). */
class IntervalState {
  readonly requests = new Map<string, RequestAccumulator>();
  readonly errors = new Map<ErrorKind, ErrorStats>();
  ws = emptyWs();
  users = { started: 0, finished: 0, failed: 0, stopped: 0 };
  readonly checks = new Map<string, CheckStats>();
  readonly counters = new Map<string, number>();
  readonly histograms = new Map<string, HdrHistogram>();
  readonly userFailures = new Map<string, UserFailure>();

  reset(): void {
    for (const [name, request] of this.requests) {
      if (request.count === 0) this.requests.delete(name);
      else request.reset();
    }
    for (const [name, histogram] of this.histograms) {
      if (histogram.count === 0) this.histograms.delete(name);
      else histogram.reset();
    }
    this.errors.clear();
    this.ws = emptyWs();
    this.users = { started: 0, finished: 0, failed: 0, stopped: 0 };
    this.checks.clear();
    this.counters.clear();
    this.userFailures.clear();
  }
}

export interface RecorderOptions {
  /** The node id written into every snapshot (`local`, `agent-1/worker-0`). */
  source: string;
}

export class MetricsRecorder implements MetricsSink {
  readonly source: string;
  private current = new IntervalState();
  private spare = new IntervalState();
  private seq = 0;
  /** Running totals for the `active` gauge. */
  private startedTotal = 0;
  private endedTotal = 0;
  private readonly counterHandles = new Map<string, Counter>();
  private readonly histogramHandles = new Map<string, Histogram>();
  private metricsHandle: UserMetrics | undefined;

  constructor(options: RecorderOptions) {
    this.source = options.source;
  }

  /** Users running now: started minus finished, failed and stopped. */
  get active(): number {
    return this.startedTotal - this.endedTotal;
  }

  recordRequest(name: string, sample: RequestSample): void {
    // Aborts are the user being stopped, not a result of the target: the HTTP layer reports them through
    // recordError, and one arriving here is treated the same way.
    if (sample.errorKind === 'aborted') {
      this.recordError('aborted', sample.errorMessage ?? 'aborted', name);
      return;
    }
    const state = this.current;
    let request = state.requests.get(name);
    if (request === undefined) {
      request = new RequestAccumulator();
      state.requests.set(name, request);
    }
    request.count++;
    const status = sample.status;
    request.status[status !== undefined && status >= 100 && status < 600 ? Math.floor(status / 100) : 0]++;
    request.bytesIn += sample.bytesIn;
    request.bytesOut += sample.bytesOut;
    request.latency.record(sample.latencyUs);
    if (sample.connectUs !== undefined) (request.connect ??= createHistogram()).record(sample.connectUs);
    if (sample.tlsUs !== undefined) (request.tls ??= createHistogram()).record(sample.tlsUs);
    if (sample.ttfbUs !== undefined) (request.ttfb ??= createHistogram()).record(sample.ttfbUs);
    const kind = sample.errorKind;
    if (kind !== undefined) {
      request.failed++;
      request.errors[kind] = (request.errors[kind] ?? 0) + 1;
      this.countError(kind, sample.errorMessage ?? kind, name);
    }
  }

  recordWs(event: WsEvent, bytes = 0): void {
    const ws = this.current.ws;
    switch (event) {
      case 'connect':
        ws.connects++;
        break;
      case 'connectFailure':
        ws.connectFailures++;
        break;
      case 'close':
        ws.closes++;
        break;
      case 'messageIn':
        ws.messagesIn++;
        ws.bytesIn += bytes;
        break;
      case 'messageOut':
        ws.messagesOut++;
        ws.bytesOut += bytes;
        break;
    }
  }

  recordError(kind: ErrorKind, message: string, name?: string): void {
    this.countError(kind, message, name);
  }

  private countError(kind: ErrorKind, message: string, name: string | undefined): void {
    const stats = this.current.errors.get(kind);
    if (stats === undefined) {
      this.current.errors.set(kind, name === undefined ? { count: 1, lastMessage: message } : { count: 1, lastMessage: message, lastName: name });
      return;
    }
    stats.count++;
    stats.lastMessage = message;
    if (name === undefined) delete stats.lastName;
    else stats.lastName = name;
  }

  userStarted(): void {
    this.current.users.started++;
    this.startedTotal++;
  }

  /** `start` returned normally. */
  userFinished(): void {
    this.current.users.finished++;
    this.endedTotal++;
  }

  /** `start` threw: `where` is `file:line:col` in the scenario source, when known. */
  userFailed(message: string, where?: string): void {
    this.current.users.failed++;
    this.endedTotal++;
    const failures = this.current.userFailures;
    const key = JSON.stringify([where, message]);
    const known = failures.get(key);
    if (known) known.count++;
    else if (failures.size < MAX_USER_FAILURES) failures.set(key, where === undefined ? { message, count: 1 } : { message, where, count: 1 });
  }

  /** Removed or stopped: not a failure. */
  userStopped(): void {
    this.current.users.stopped++;
    this.endedTotal++;
  }

  check(name: string, ok: boolean): void {
    let stats = this.current.checks.get(name);
    if (stats === undefined) {
      stats = { pass: 0, fail: 0 };
      this.current.checks.set(name, stats);
    }
    if (ok) stats.pass++;
    else stats.fail++;
  }

  /** Adds `n` to a custom counter. */
  counter(name: string, n = 1): void {
    const counters = this.current.counters;
    counters.set(name, (counters.get(name) ?? 0) + n);
  }

  /** Records a value into a custom histogram (negatives as 0, fractions rounded). */
  histogram(name: string, value: number): void {
    let histogram = this.current.histograms.get(name);
    if (histogram === undefined) {
      histogram = createHistogram();
      this.current.histograms.set(name, histogram);
    }
    histogram.record(value);
  }

  /**
   * The scenario's `user.metrics` / `ctx.metrics`. Handles are cached by name; they validate what scenario code
   * passes and throw a TypeError naming the metric, since a NaN would otherwise corrupt the run's figures.
   */
  userMetrics(): UserMetrics {
    return (this.metricsHandle ??= {
      counter: (name: string): Counter => {
        let handle = this.counterHandles.get(name);
        if (handle === undefined) {
          handle = {
            add: (n: number = 1) => {
              if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
                throw new TypeError(`counter "${name}": add() takes a finite number >= 0, got ${String(n)}`);
              }
              this.counter(name, n);
            },
          };
          this.counterHandles.set(name, handle);
        }
        return handle;
      },
      histogram: (name: string): Histogram => {
        let handle = this.histogramHandles.get(name);
        if (handle === undefined) {
          handle = {
            record: (value: number) => {
              if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
                throw new TypeError(`histogram "${name}": record() takes a finite number >= 0, got ${String(value)}`);
              }
              this.histogram(name, value);
            },
          };
          this.histogramHandles.set(name, handle);
        }
        return handle;
      },
    });
  }

  /**
   * Closes the current interval as [start, end] and starts the next one. Sequence numbers count from 0.
   * The caller (IntervalClock) guarantees intervals are contiguous; this only refuses reversed ones.
   */
  takeSnapshot(start: number, end: number, utilization: Utilization): MetricSnapshot {
    if (!(Number.isFinite(start) && Number.isFinite(end) && start <= end)) {
      throw new RangeError(`invalid interval [${start}, ${end}]`);
    }
    const closed = this.current;
    this.current = this.spare;
    this.spare = closed;
    try {
      return this.toSnapshot(closed, start, end, utilization);
    } finally {
      closed.reset();
    }
  }

  private toSnapshot(state: IntervalState, start: number, end: number, utilization: Utilization): MetricSnapshot {
    const requests: Record<string, RequestStats> = {};
    for (const [name, request] of state.requests) if (request.count > 0) requests[name] = request.toStats();
    const errors: MetricSnapshot['errors'] = {};
    for (const [kind, stats] of state.errors) errors[kind] = stats;
    const histograms: Record<string, string> = {};
    for (const [name, histogram] of state.histograms) if (histogram.count > 0) histograms[name] = histogram.encode();
    return {
      version: SNAPSHOT_VERSION,
      source: this.source,
      seq: this.seq++,
      start,
      end,
      requests,
      errors,
      ws: state.ws,
      users: { active: this.active, ...state.users },
      checks: Object.fromEntries(state.checks),
      counters: Object.fromEntries(state.counters),
      histograms,
      userFailures: [...state.userFailures.values()],
      utilization: { eventLoop: utilization.eventLoop, cpu: utilization.cpu },
    };
  }
}
