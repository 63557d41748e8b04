/**
 * Turns the cumulative snapshot of a run into its RunSummary: per-request rows and an exact total row, checks,
 * errors, users, WebSocket figures, custom metrics, failed users, generator utilization, and warnings.
 *
 * Pure computation on merged data: every percentile comes from a merged histogram (the total row merges every
 * request name's histogram), never from averaging other percentiles. Formatting (units, widths, colours) belongs
 * to agent/output/.
 */
import { ERROR_KINDS, STATUS_CLASSES, type ErrorKind, type ErrorStats, type MetricSnapshot, type RequestStats, type StatusClass } from '../protocol/snapshot';
import {
  SUMMARY_VERSION,
  type CheckRow,
  type CounterRow,
  type ErrorRow,
  type HistogramRow,
  type RequestRow,
  type RunSummary,
  type UtilizationSummary,
} from '../protocol/summary';
import { createHistogram, decodeHistogram, summarizeHistogram, type HdrHistogram } from './histogram';

/** Above this utilization the generator itself is likely the bottleneck. */
export const OVERLOAD_THRESHOLD = 0.8;

/** Name of the row over every request name. */
export const TOTAL_ROW_NAME = 'total';

/** Already-decoded histograms matching the cumulative snapshot (a SnapshotAccumulator is one). */
export interface DecodedHistograms {
  requestHistogram(name: string): HdrHistogram | undefined;
  customHistogram(name: string): HdrHistogram | undefined;
}

export interface SummaryExtras {
  /** Highest number of users running at once (e.g. SnapshotAccumulator.peakActive). */
  peakActive?: number;
  /** Decoded histograms of `cumulative`, to skip decoding them again. */
  histograms?: DecodedHistograms;
}

/** µs → ms, keeping µs resolution. */
function toMs(micros: number): number {
  return Math.round(micros) / 1000;
}

function requestRow(name: string, stats: Omit<RequestStats, 'latency'>, latency: HdrHistogram, seconds: number): RequestRow {
  const status = {} as Record<StatusClass, number>;
  for (const statusClass of STATUS_CLASSES) status[statusClass] = stats.status[statusClass] ?? 0;
  return {
    name,
    count: stats.count,
    failed: stats.failed,
    rps: seconds > 0 ? stats.count / seconds : 0,
    errorPct: stats.count > 0 ? (stats.failed / stats.count) * 100 : 0,
    p50: toMs(latency.percentile(50)),
    p90: toMs(latency.percentile(90)),
    p99: toMs(latency.percentile(99)),
    max: toMs(latency.max),
    mean: toMs(latency.mean),
    bytesIn: stats.bytesIn,
    bytesOut: stats.bytesOut,
    status,
  };
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Summarizes a run. `cumulative` is every snapshot of the run merged (gauges 'latest'); `elapsedMs` the run's
 * length for rates; `peakUtilization` the highest per-interval max(eventLoop, cpu) (SnapshotAccumulator
 * .peakUtilization), defaulting to the mean.
 */
export function summarize(cumulative: MetricSnapshot, elapsedMs: number, peakUtilization?: number, extras: SummaryExtras = {}): RunSummary {
  if (!(Number.isFinite(elapsedMs) && elapsedMs >= 0)) throw new RangeError(`elapsedMs must be a finite number >= 0, got ${elapsedMs}`);
  const seconds = elapsedMs / 1000;
  const decoded = extras.histograms;

  const requests: RequestRow[] = [];
  const totalLatency = createHistogram();
  const totalStats = { count: 0, failed: 0, status: {} as Partial<Record<StatusClass, number>>, errors: {}, bytesIn: 0, bytesOut: 0 };
  for (const [name, stats] of Object.entries(cumulative.requests)) {
    const latency = decoded?.requestHistogram(name) ?? decodeHistogram(stats.latency);
    requests.push(requestRow(name, stats, latency, seconds));
    totalLatency.add(latency);
    totalStats.count += stats.count;
    totalStats.failed += stats.failed;
    totalStats.bytesIn += stats.bytesIn;
    totalStats.bytesOut += stats.bytesOut;
    for (const statusClass of STATUS_CLASSES) {
      const n = stats.status[statusClass];
      if (n) totalStats.status[statusClass] = (totalStats.status[statusClass] ?? 0) + n;
    }
  }
  requests.sort(byName);

  const checks: CheckRow[] = Object.entries(cumulative.checks).map(([name, c]) => ({ name, pass: c.pass, fail: c.fail })).sort(byName);

  const errors: ErrorRow[] = (Object.entries(cumulative.errors) as [ErrorKind, ErrorStats][])
    .map(([kind, e]): ErrorRow => (e.lastName === undefined ? { kind, count: e.count, lastMessage: e.lastMessage } : { kind, count: e.count, lastMessage: e.lastMessage, lastName: e.lastName }))
    .sort((a, b) => b.count - a.count || ERROR_KINDS.indexOf(a.kind) - ERROR_KINDS.indexOf(b.kind));

  const counters: CounterRow[] = Object.entries(cumulative.counters)
    .map(([name, value]) => ({ name, value, rate: seconds > 0 ? value / seconds : 0 }))
    .sort(byName);

  const histograms: HistogramRow[] = Object.entries(cumulative.histograms)
    .map(([name, encoded]) => ({ name, ...summarizeHistogram(decoded?.customHistogram(name) ?? decodeHistogram(encoded)) }))
    .sort(byName);

  const userFailures = cumulative.userFailures.map((f) => ({ ...f })).sort((a, b) => b.count - a.count);
  const listedFailures = userFailures.reduce((sum, f) => sum + f.count, 0);
  const otherUserFailures = Math.max(0, cumulative.users.failed - listedFailures);

  const { eventLoop, cpu } = cumulative.utilization;
  const mean = Math.max(eventLoop, cpu);
  // A peak below the mean is impossible; it means the caller passed no (or a stale) peak.
  const peak = Math.max(mean, peakUtilization ?? 0);
  const utilization: UtilizationSummary = { eventLoop, cpu, mean, peak, overloaded: peak > OVERLOAD_THRESHOLD };

  const users = { ...cumulative.users, ...(extras.peakActive === undefined ? {} : { peakActive: extras.peakActive }) };
  const failedUsers = cumulative.users.failed;
  const warnings: string[] = [];
  if (utilization.overloaded) {
    warnings.push(
      `generator utilization reached ${peak.toFixed(2)} (> ${OVERLOAD_THRESHOLD}): the load generator, not the target, ` +
        'may be the bottleneck; add agents or workers',
    );
  }
  if (failedUsers > 0) {
    const top = userFailures[0];
    const example = top ? `; most frequent: ${top.message}${top.where ? ` (at ${top.where})` : ''}` : '';
    warnings.push(`${failedUsers} user${failedUsers === 1 ? '' : 's'} failed (their start function threw)${example}`);
  }

  return {
    version: SUMMARY_VERSION,
    start: cumulative.start,
    end: cumulative.end,
    elapsedMs,
    requests,
    total: requestRow(TOTAL_ROW_NAME, totalStats, totalLatency, seconds),
    checks,
    errors,
    users,
    ws: { ...cumulative.ws },
    counters,
    histograms,
    userFailures,
    otherUserFailures,
    utilization,
    warnings,
  };
}
