/**
 * The figures of one chart point: one second of the run (a SeriesPoint → a fine DashboardPoint, span 1), or several
 * seconds merged into one coarse point (span N) for older data.
 *
 * A coarse point is computed from the exactly merged snapshot of its seconds (SnapshotAccumulator, gauges
 * 'latest'): its percentiles come from the merged histograms, never from averaging the seconds' percentiles, and
 * its rates are the span's totals divided by the span. Per-agent figures are kept as sums (AgentSpan) beside the
 * merged snapshot, so coarse points can be merged again (the store doubles spans) without losing exactness.
 */
import { SnapshotAccumulator } from '../../agent/metrics/merge';
import { createHistogram, parseEncodedHistogram, type HdrHistogram } from '../../agent/metrics/histogram';
import type { AgentPoint, SeriesPoint } from '../../agent/protocol/control';
import type { DashboardPoint, PointAgent, PointLatency } from '../../agent/protocol/dashboard';
import type { ErrorKind, MetricSnapshot, Utilization } from '../../agent/protocol/snapshot';

/** One agent's figures summed over a span: mergeable, unlike rates and means. */
export interface AgentSpan {
  agentId: string;
  name: string;
  /** Requests completed in the span. */
  requests: number;
  /** Sum over the seconds the agent reported of max(eventLoop, cpu); divided by `seconds` for the mean. */
  utilizationSum: number;
  seconds: number;
  /** Users running at the end of the agent's last reported second in the span. */
  users: number;
  lastSecond: number;
}

/** What a point is computed from, kept by the store for the seconds and buckets it holds. */
export interface SpanFigures {
  /** Seconds since the run started. */
  second: number;
  span: number;
  /** The span's snapshots merged exactly (gauges 'latest'). */
  snapshot: MetricSnapshot;
  agents: AgentSpan[];
}

/** Decoded latency histograms by request name (a SnapshotAccumulator is one); saves decoding them again. */
export interface LatencySource {
  requestHistogram(name: string): HdrHistogram | undefined;
}

/** max(eventLoop, cpu): either one saturating makes the generator the bottleneck. */
export function utilizationOf(utilization: Utilization): number {
  return Math.max(utilization.eventLoop, utilization.cpu);
}

/** µs → ms, keeping µs resolution (as agent/metrics/summary.ts does). */
function toMs(micros: number): number {
  return Math.round(micros) / 1000;
}

/** p50/p90/p99/max of a latency histogram in ms; null when it holds nothing. */
export function latencyOf(histogram: HdrHistogram): PointLatency | null {
  if (histogram.count === 0) return null;
  return { p50: toMs(histogram.percentile(50)), p90: toMs(histogram.percentile(90)), p99: toMs(histogram.percentile(99)), max: toMs(histogram.max) };
}

/** Every request name's latency histogram of `snapshot` added into `into` (decoded histograms from `decoded`). */
export function addLatencies(into: HdrHistogram, snapshot: MetricSnapshot, decoded?: LatencySource): HdrHistogram {
  for (const [name, stats] of Object.entries(snapshot.requests)) {
    const known = decoded?.requestHistogram(name);
    if (known !== undefined) into.add(known);
    else into.addParsed(parseEncodedHistogram(stats.latency));
  }
  return into;
}

/** The latency of every request of every snapshot, from their merged histograms. */
export function mergedLatency(snapshots: readonly MetricSnapshot[]): PointLatency | null {
  const histogram = createHistogram();
  for (const snapshot of snapshots) addLatencies(histogram, snapshot);
  return latencyOf(histogram);
}

/** One second's agent points as spans of one second. */
export function agentSpansOf(second: number, agents: readonly AgentPoint[]): AgentSpan[] {
  return agents.map((a) => ({
    agentId: a.agentId,
    name: a.name,
    requests: a.rps,
    utilizationSum: utilizationOf(a.utilization),
    seconds: 1,
    users: a.users,
    lastSecond: second,
  }));
}

/** Spans of the same agents over adjacent periods, summed (users and name from the latest). Sorted by agent id. */
export function mergeAgentSpans(lists: readonly (readonly AgentSpan[])[]): AgentSpan[] {
  const merged = new Map<string, AgentSpan>();
  for (const list of lists) {
    for (const span of list) {
      const existing = merged.get(span.agentId);
      if (existing === undefined) {
        merged.set(span.agentId, { ...span });
        continue;
      }
      existing.requests += span.requests;
      existing.utilizationSum += span.utilizationSum;
      existing.seconds += span.seconds;
      if (span.lastSecond >= existing.lastSecond) {
        existing.lastSecond = span.lastSecond;
        existing.users = span.users;
        existing.name = span.name;
      }
    }
  }
  return [...merged.values()].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
}

/** The point of a span's figures. `decoded` holds the snapshot's decoded histograms, when the caller has them. */
export function pointOf(figures: SpanFigures, decoded?: LatencySource): DashboardPoint {
  const { second, span, snapshot } = figures;
  if (!(Number.isFinite(span) && span > 0)) throw new RangeError(`a point's span must be > 0 seconds, got ${span}`);
  let count = 0;
  let failed = 0;
  for (const stats of Object.values(snapshot.requests)) {
    count += stats.count;
    failed += stats.failed;
  }
  const errorsPerSecond: Record<string, number> = {};
  for (const [kind, stats] of Object.entries(snapshot.errors) as [ErrorKind, { count: number }][]) {
    if (stats.count > 0) errorsPerSecond[kind] = stats.count / span;
  }
  const counters: Record<string, number> = {};
  for (const [name, value] of Object.entries(snapshot.counters)) counters[name] = value / span;
  const checks = { pass: 0, fail: 0 };
  for (const check of Object.values(snapshot.checks)) {
    checks.pass += check.pass;
    checks.fail += check.fail;
  }
  const agents: PointAgent[] = figures.agents.map((a) => ({
    agentId: a.agentId,
    name: a.name,
    utilization: a.seconds > 0 ? a.utilizationSum / a.seconds : 0,
    rps: a.requests / span,
    users: a.users,
  }));
  return {
    second,
    span,
    okRps: (count - failed) / span,
    failedRps: failed / span,
    latency: latencyOf(addLatencies(createHistogram(), snapshot, decoded)),
    users: snapshot.users.active,
    errorsPerSecond,
    agents,
    counters,
    checks,
  };
}

/** One second of the run (a SeriesPoint whose snapshot is already name-capped), `second` since the run started. */
export function finePoint(second: number, snapshot: MetricSnapshot, agents: readonly AgentPoint[]): DashboardPoint {
  return pointOf({ second, span: 1, snapshot, agents: agentSpansOf(second, agents) });
}

/** One SeriesPoint as a fine point; `origin` is the run's first second (epoch seconds). Cap its names first. */
export function finePointOfSeries(point: SeriesPoint, origin: number): DashboardPoint {
  return finePoint(point.second - origin, point.snapshot, point.agents);
}

/**
 * Several spans (seconds or coarser buckets, in any order) merged exactly into one: the merged snapshot, the
 * summed agent spans, and the accumulator (decoded histograms) for computing the point without decoding again.
 * The result covers [second, second + span); by default from the earliest part's start to the latest part's end.
 */
export function mergeSpans(parts: readonly SpanFigures[], cover?: { second: number; span: number }): { figures: SpanFigures; decoded: SnapshotAccumulator } {
  if (parts.length === 0 && cover === undefined) throw new RangeError('mergeSpans needs at least one part or an explicit cover');
  const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
  for (const part of parts) accumulator.add(part.snapshot);
  const second = cover?.second ?? Math.min(...parts.map((p) => p.second));
  const span = cover?.span ?? Math.max(...parts.map((p) => p.second + p.span)) - second;
  return { figures: { second, span, snapshot: accumulator.snapshot(), agents: mergeAgentSpans(parts.map((p) => p.agents)) }, decoded: accumulator };
}

/** A coarse point of several spans (see mergeSpans). */
export function coarsePoint(parts: readonly SpanFigures[], cover?: { second: number; span: number }): DashboardPoint {
  const { figures, decoded } = mergeSpans(parts, cover);
  return pointOf(figures, decoded);
}

/**
 * Several SeriesPoints (already name-capped) as one coarse point; `origin` is the run's first second (epoch
 * seconds), so the point's `second` is relative like every DashboardPoint's.
 */
export function coarsePointOfSeries(points: readonly SeriesPoint[], origin: number, cover?: { second: number; span: number }): DashboardPoint {
  return coarsePoint(
    points.map((p) => ({ second: p.second - origin, span: 1, snapshot: p.snapshot, agents: agentSpansOf(p.second - origin, p.agents) })),
    cover,
  );
}
