/**
 * A minimal RunResultData → dashboard converter for the browser tests: per-second DashboardPoints (latency
 * percentiles from each second's merged histograms) and the tables from the run's summary. It stands in for the
 * extension's real converter (extension/runs/, written separately) so the page can be tested against numbers a
 * real `rookery run --out` produced. Fine points only: compaction is exercised with synthetic data.
 */
import { readFileSync } from 'node:fs';
import { createHistogram, decodeHistogram } from '../../agent/metrics/histogram';
import type { AgentTableRow, DashboardPoint, DashboardTables, DashboardView, RequestTableRow } from '../../agent/protocol/dashboard';
import type { RunResultData } from '../../agent/protocol/control';
import type { ErrorKind, MetricSnapshot } from '../../agent/protocol/snapshot';
import type { RequestRow } from '../../agent/protocol/summary';

/** Reads a `--out` file back into RunResultData (its dates are ISO strings there). */
export function readResultFile(file: string): RunResultData {
  const json = JSON.parse(readFileSync(file, 'utf8')) as RunResultData & { startedAt: string | number; endedAt: string | number };
  return { ...json, startedAt: Date.parse(String(json.startedAt)), endedAt: Date.parse(String(json.endedAt)) };
}

/** µs → ms with µs resolution, as agent/metrics/summary.ts does. */
const toMs = (micros: number) => Math.round(micros) / 1000;

function pointOf(second: number, snapshot: MetricSnapshot, agents: RunResultData['agentSeries'][number]['agents']): DashboardPoint {
  let count = 0;
  let failed = 0;
  const latency = createHistogram();
  for (const stats of Object.values(snapshot.requests)) {
    count += stats.count;
    failed += stats.failed;
    latency.add(decodeHistogram(stats.latency));
  }
  const errorsPerSecond: Record<string, number> = {};
  for (const [kind, stats] of Object.entries(snapshot.errors) as [ErrorKind, { count: number }][]) if (stats.count > 0) errorsPerSecond[kind] = stats.count;
  let pass = 0;
  let fail = 0;
  for (const c of Object.values(snapshot.checks)) {
    pass += c.pass;
    fail += c.fail;
  }
  return {
    second,
    span: 1,
    okRps: count - failed,
    failedRps: failed,
    latency: latency.count === 0 ? null : { p50: toMs(latency.percentile(50)), p90: toMs(latency.percentile(90)), p99: toMs(latency.percentile(99)), max: toMs(latency.max) },
    users: snapshot.users.active,
    errorsPerSecond,
    agents: agents.map((a) => ({ agentId: a.agentId, name: a.name, utilization: Math.max(a.utilization.eventLoop, a.utilization.cpu), rps: a.rps, users: a.users })),
    counters: { ...snapshot.counters },
    checks: { pass, fail },
  };
}

/** One fine point per second of the run's series. */
export function pointsFromResult(result: RunResultData): DashboardPoint[] {
  return result.series.map((snapshot, i) => pointOf(result.agentSeries[i]?.second ?? i, snapshot, result.agentSeries[i]?.agents ?? []));
}

function requestRow(row: RequestRow): RequestTableRow {
  const { name, count, failed, rps, p50, p90, p99, max, errorPct } = row;
  return { name, count, failed, rps, p50, p90, p99, max, errorPct };
}

export function tablesFromResult(result: RunResultData): DashboardTables {
  const { summary } = result;
  const last = result.agentSeries[result.agentSeries.length - 1]?.agents ?? [];
  const agents: AgentTableRow[] = result.agents.map((a) => {
    const point = last.find((p) => p.agentId === a.agentId);
    return { agentId: a.agentId, name: a.name, state: 'ready', users: point?.users ?? 0, rps: point?.rps ?? 0, utilization: a.peakUtilization };
  });
  return {
    status: 'finished',
    elapsedMs: summary.elapsedMs,
    requests: summary.requests.map(requestRow),
    total: requestRow(summary.total),
    errors: summary.errors,
    agents,
    checks: summary.checks,
    counters: summary.counters,
    histograms: summary.histograms,
    otherNames: 0,
    nameCap: 100,
    thresholds: result.thresholds,
    warnings: summary.warnings,
  };
}

export function viewFromResult(result: RunResultData, title = 'fixture run'): DashboardView {
  return {
    runId: result.runId,
    title,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    points: pointsFromResult(result),
    tables: tablesFromResult(result),
    runs: [{ runId: result.runId, title, startedAt: result.startedAt, status: 'finished' }],
  };
}
