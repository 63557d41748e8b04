/**
 * Exact merging of metric snapshots: across sources for the same second (the coordinator's per-second view) and
 * across time for one source or for the merged seconds (the cumulative totals and the summary).
 *
 * Histograms are decoded and added bucket by bucket, never by averaging percentiles, so a merged p99 is the p99
 * of all the values. Counters add up. The one gauge, `users.active`, adds up across sources (`gauges: 'sum'`) or
 * takes the value of the snapshot that ends last (`gauges: 'latest'`). Utilization is a time-weighted mean (weight:
 * interval length), and the peak (max over added snapshots of max(eventLoop, cpu)) is kept beside it for the
 * summary, since a MetricSnapshot has room for one value only.
 */
import { RookeryError } from '../common/errors';
import {
  SNAPSHOT_VERSION,
  type CheckStats,
  type EncodedHistogram,
  type ErrorKind,
  type ErrorStats,
  type MetricSnapshot,
  type RequestStats,
  type StatusClass,
  type UserFailure,
  type UserStats,
  type Utilization,
  type WebSocketStats,
} from '../protocol/snapshot';
import { createHistogram, parseEncodedHistogram, type HdrHistogram, type ParsedHistogram } from './histogram';
import { MAX_USER_FAILURES } from './recorder';

export type GaugeMode = 'sum' | 'latest';

export interface AccumulatorOptions {
  /** 'sum': several sources' snapshots of the same interval. 'latest': one source (or merged seconds) over time. */
  gauges: GaugeMode;
}

/** The latency phases a request has histograms for. */
export type RequestPhase = 'latency' | 'connect' | 'tls' | 'ttfb';
const PHASES: readonly RequestPhase[] = ['latency', 'connect', 'tls', 'ttfb'];

/** Distinct failed-user messages tracked while merging; the snapshot shows the MAX_USER_FAILURES most frequent. */
const MAX_TRACKED_USER_FAILURES = 1000;

interface MergedRequest {
  count: number;
  failed: number;
  status: Partial<Record<StatusClass, number>>;
  errors: Partial<Record<ErrorKind, number>>;
  bytesIn: number;
  bytesOut: number;
  histograms: Partial<Record<RequestPhase, HdrHistogram>>;
}

function addInto<K extends string>(target: Partial<Record<K, number>>, source: Partial<Record<K, number>>): void {
  for (const key of Object.keys(source) as K[]) target[key] = (target[key] ?? 0) + (source[key] ?? 0);
}

export class SnapshotAccumulator {
  private readonly gauges: GaugeMode;
  private added = 0;
  private start = Infinity;
  private end = -Infinity;
  private readonly sources = new Set<string>();
  private maxSeq = 0;
  private readonly requests = new Map<string, MergedRequest>();
  private readonly errors = new Map<ErrorKind, ErrorStats & { at: number }>();
  private readonly ws: WebSocketStats = { connects: 0, connectFailures: 0, closes: 0, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
  private readonly users: UserStats = { active: 0, started: 0, finished: 0, failed: 0, stopped: 0 };
  /** End of the snapshot whose `active` is kept ('latest' mode). */
  private activeAt = -Infinity;
  private peakActiveValue = 0;
  private readonly checks = new Map<string, CheckStats>();
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, HdrHistogram>();
  private readonly userFailures = new Map<string, UserFailure>();
  private readonly utilizationSum = { eventLoop: 0, cpu: 0, weight: 0, plainEventLoop: 0, plainCpu: 0 };
  private readonly utilizationPeak: Utilization = { eventLoop: 0, cpu: 0 };

  constructor(options: AccumulatorOptions) {
    if (options.gauges !== 'sum' && options.gauges !== 'latest') {
      throw new RookeryError('ROOKERY_INTERNAL', `unknown gauge mode ${String(options.gauges)}: use 'sum' or 'latest'`);
    }
    this.gauges = options.gauges;
  }

  /** Snapshots added so far. */
  get size(): number {
    return this.added;
  }

  /**
   * Adds a snapshot. All of its histograms are decoded before anything is counted, so a snapshot with a corrupt
   * histogram throws (a RookeryError naming the snapshot and the field) and leaves the accumulator unchanged.
   */
  add(snapshot: MetricSnapshot): void {
    if (snapshot.version !== SNAPSHOT_VERSION) {
      throw new RookeryError('ROOKERY_INTERNAL', `snapshot ${snapshot.source}#${snapshot.seq} has version ${String(snapshot.version)}, expected ${SNAPSHOT_VERSION}`, {
        hint: 'every agent of a run must use the same Rookery version',
      });
    }
    const decodedRequests = new Map<string, Partial<Record<RequestPhase, ParsedHistogram>>>();
    for (const [name, stats] of Object.entries(snapshot.requests)) {
      const decoded: Partial<Record<RequestPhase, ParsedHistogram>> = {};
      for (const phase of PHASES) {
        const encoded = stats[phase];
        if (encoded !== undefined) decoded[phase] = decodeIn(snapshot, `requests[${JSON.stringify(name)}].${phase}`, encoded);
      }
      if (decoded.latency === undefined) throw corrupt(snapshot, `requests[${JSON.stringify(name)}] has no latency histogram`);
      decodedRequests.set(name, decoded);
    }
    const decodedCustom = new Map<string, ParsedHistogram>();
    for (const [name, encoded] of Object.entries(snapshot.histograms)) {
      decodedCustom.set(name, decodeIn(snapshot, `histograms[${JSON.stringify(name)}]`, encoded));
    }

    this.added++;
    this.start = Math.min(this.start, snapshot.start);
    this.end = Math.max(this.end, snapshot.end);
    this.sources.add(snapshot.source);
    this.maxSeq = Math.max(this.maxSeq, snapshot.seq);
    for (const [name, decoded] of decodedRequests) this.addRequest(name, snapshot.requests[name]!, decoded);
    for (const [name, parsed] of decodedCustom) {
      let existing = this.histograms.get(name);
      if (!existing) this.histograms.set(name, (existing = createHistogram()));
      existing.addParsed(parsed);
    }
    this.addErrors(snapshot);
    for (const key of Object.keys(this.ws) as (keyof WebSocketStats)[]) this.ws[key] += snapshot.ws[key];
    this.addUsers(snapshot);
    for (const [name, check] of Object.entries(snapshot.checks)) {
      const existing = this.checks.get(name);
      if (existing) {
        existing.pass += check.pass;
        existing.fail += check.fail;
      } else {
        this.checks.set(name, { pass: check.pass, fail: check.fail });
      }
    }
    for (const [name, value] of Object.entries(snapshot.counters)) this.counters.set(name, (this.counters.get(name) ?? 0) + value);
    for (const failure of snapshot.userFailures) this.addUserFailure(failure);
    this.addUtilization(snapshot);
  }

  private addRequest(name: string, stats: RequestStats, decoded: Partial<Record<RequestPhase, ParsedHistogram>>): void {
    let merged = this.requests.get(name);
    if (merged === undefined) {
      merged = { count: 0, failed: 0, status: {}, errors: {}, bytesIn: 0, bytesOut: 0, histograms: {} };
      this.requests.set(name, merged);
    }
    merged.count += stats.count;
    merged.failed += stats.failed;
    addInto(merged.status, stats.status);
    addInto(merged.errors, stats.errors);
    merged.bytesIn += stats.bytesIn;
    merged.bytesOut += stats.bytesOut;
    for (const phase of PHASES) {
      const parsed = decoded[phase];
      if (parsed === undefined) continue;
      (merged.histograms[phase] ??= createHistogram()).addParsed(parsed);
    }
  }

  private addErrors(snapshot: MetricSnapshot): void {
    for (const [kind, stats] of Object.entries(snapshot.errors) as [ErrorKind, ErrorStats][]) {
      const existing = this.errors.get(kind);
      if (existing === undefined) {
        this.errors.set(kind, { ...stats, at: snapshot.end });
        continue;
      }
      existing.count += stats.count;
      // The message shown is the most recent one: from the snapshot that ends last.
      if (snapshot.end >= existing.at) {
        existing.at = snapshot.end;
        existing.lastMessage = stats.lastMessage;
        if (stats.lastName === undefined) delete existing.lastName;
        else existing.lastName = stats.lastName;
      }
    }
  }

  private addUsers(snapshot: MetricSnapshot): void {
    const users = snapshot.users;
    this.users.started += users.started;
    this.users.finished += users.finished;
    this.users.failed += users.failed;
    this.users.stopped += users.stopped;
    if (this.gauges === 'sum') {
      this.users.active += users.active;
      this.peakActiveValue = Math.max(this.peakActiveValue, this.users.active);
    } else {
      if (snapshot.end >= this.activeAt) {
        this.activeAt = snapshot.end;
        this.users.active = users.active;
      }
      this.peakActiveValue = Math.max(this.peakActiveValue, users.active);
    }
  }

  private addUserFailure(failure: UserFailure): void {
    const key = JSON.stringify([failure.where, failure.message]);
    const existing = this.userFailures.get(key);
    if (existing) existing.count += failure.count;
    else if (this.userFailures.size < MAX_TRACKED_USER_FAILURES) this.userFailures.set(key, { ...failure });
  }

  private addUtilization(snapshot: MetricSnapshot): void {
    const { eventLoop, cpu } = snapshot.utilization;
    const weight = Math.max(0, snapshot.end - snapshot.start);
    const sum = this.utilizationSum;
    sum.eventLoop += eventLoop * weight;
    sum.cpu += cpu * weight;
    sum.weight += weight;
    sum.plainEventLoop += eventLoop;
    sum.plainCpu += cpu;
    this.utilizationPeak.eventLoop = Math.max(this.utilizationPeak.eventLoop, eventLoop);
    this.utilizationPeak.cpu = Math.max(this.utilizationPeak.cpu, cpu);
  }

  /** Time-weighted mean utilization (a plain mean if every interval had zero length); zeros when empty. */
  get meanUtilization(): Utilization {
    const sum = this.utilizationSum;
    if (sum.weight > 0) return { eventLoop: sum.eventLoop / sum.weight, cpu: sum.cpu / sum.weight };
    if (this.added > 0) return { eventLoop: sum.plainEventLoop / this.added, cpu: sum.plainCpu / this.added };
    return { eventLoop: 0, cpu: 0 };
  }

  /** Highest eventLoop and highest cpu utilization of any added snapshot. */
  get peakUtilizations(): Utilization {
    return { ...this.utilizationPeak };
  }

  /** Highest max(eventLoop, cpu) of any added snapshot: what `summarize` takes as `peakUtilization`. */
  get peakUtilization(): number {
    return Math.max(this.utilizationPeak.eventLoop, this.utilizationPeak.cpu);
  }

  /** Highest `users.active` seen: per snapshot in 'latest' mode, of the running sum in 'sum' mode. */
  get peakActive(): number {
    return this.peakActiveValue;
  }

  requestNames(): string[] {
    return [...this.requests.keys()].sort();
  }

  /** The merged, decoded histogram of a request name's phase. Read it, do not change it. */
  requestHistogram(name: string, phase: RequestPhase = 'latency'): HdrHistogram | undefined {
    return this.requests.get(name)?.histograms[phase];
  }

  /** The merged, decoded custom histogram. Read it, do not change it. */
  customHistogram(name: string): HdrHistogram | undefined {
    return this.histograms.get(name);
  }

  /**
   * The merged figures as one snapshot (histograms re-encoded). `source` defaults to the common source of the
   * added snapshots, or `merged`; `seq` to the highest seq added. An empty accumulator gives an empty snapshot
   * with start = end = 0. The result shares nothing with the accumulator.
   */
  snapshot(options: { source?: string; seq?: number } = {}): MetricSnapshot {
    const requests: Record<string, RequestStats> = {};
    for (const [name, merged] of this.requests) {
      const stats: RequestStats = {
        count: merged.count,
        failed: merged.failed,
        status: { ...merged.status },
        errors: { ...merged.errors },
        bytesIn: merged.bytesIn,
        bytesOut: merged.bytesOut,
        latency: merged.histograms.latency!.encode(),
      };
      for (const phase of ['connect', 'tls', 'ttfb'] as const) {
        const histogram = merged.histograms[phase];
        if (histogram !== undefined && histogram.count > 0) stats[phase] = histogram.encode();
      }
      requests[name] = stats;
    }
    const errors: MetricSnapshot['errors'] = {};
    for (const [kind, { at: _at, ...stats }] of this.errors) errors[kind] = stats;
    const histograms: Record<string, EncodedHistogram> = {};
    for (const [name, histogram] of this.histograms) histograms[name] = histogram.encode();
    const checks: Record<string, CheckStats> = {};
    for (const [name, check] of this.checks) checks[name] = { ...check };
    const userFailures = [...this.userFailures.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, MAX_USER_FAILURES)
      .map((failure) => ({ ...failure }));
    const [onlySource] = this.sources;
    return {
      version: SNAPSHOT_VERSION,
      source: options.source ?? (this.sources.size === 1 && onlySource !== undefined ? onlySource : 'merged'),
      seq: options.seq ?? this.maxSeq,
      start: this.added > 0 ? this.start : 0,
      end: this.added > 0 ? this.end : 0,
      requests,
      errors,
      ws: { ...this.ws },
      users: { ...this.users },
      checks,
      counters: Object.fromEntries(this.counters),
      histograms,
      userFailures,
      utilization: this.meanUtilization,
    };
  }
}

/** Merges snapshots in one go (see SnapshotAccumulator). */
export function mergeSnapshots(snapshots: readonly MetricSnapshot[], gauges: GaugeMode): MetricSnapshot {
  const accumulator = new SnapshotAccumulator({ gauges });
  for (const snapshot of snapshots) accumulator.add(snapshot);
  return accumulator.snapshot();
}

function corrupt(snapshot: MetricSnapshot, what: string, cause?: unknown): RookeryError {
  return new RookeryError('ROOKERY_INTERNAL', `snapshot ${snapshot.source}#${snapshot.seq}: ${what}`, {
    hint: 'the snapshot was corrupted or made by an incompatible Rookery version',
    cause,
  });
}

function decodeIn(snapshot: MetricSnapshot, field: string, encoded: EncodedHistogram): ParsedHistogram {
  try {
    return parseEncodedHistogram(encoded);
  } catch (error) {
    throw corrupt(snapshot, `${field}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}
