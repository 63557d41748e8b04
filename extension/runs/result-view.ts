/**
 * A finished run's RunResultData as the dashboard shows it: its series replayed through the same name cap and
 * series store as a live run (so a long past run is just as bounded), its tables from the result's own total,
 * thresholds and events. Shared by the live run (once it has finished) and the run history.
 */
import { basename } from 'node:path';
import type { RunResultData, RunStatusName } from '../../agent/protocol/control';
import type { DashboardTables, DashboardView } from '../../agent/protocol/dashboard';
import { utilizationOf } from './dashboard-point';
import { NameCap } from './name-cap';
import { finishedAgentRows, lostAgentsOf } from './run-agents';
import { buildTables } from './run-tables';
import { RunWarnings } from './run-warnings';
import { SeriesStore, type SeriesStoreOptions } from './series-store';

/** The epoch second of a wall-clock time (ms). */
export function secondOfTime(ms: number): number {
  return Math.floor(ms / 1000);
}

/** The epoch second of a series snapshot: the key the coordinator merged it under (floor of its start). */
export function epochSecondOf(snapshot: { start: number }): number {
  return Math.floor(snapshot.start / 1000);
}

/**
 * The epoch second a finished run's `second: 0` stands for: the second it started in, or the first second of its
 * series if that is earlier (a worker's first interval may begin a moment before the run's start is recorded).
 * Points never have negative seconds, which the page refuses.
 */
export function originOfResult(result: Pick<RunResultData, 'startedAt' | 'series'>): number {
  let origin = secondOfTime(result.startedAt);
  for (const snapshot of result.series) origin = Math.min(origin, epochSecondOf(snapshot));
  return origin;
}

export function runStatusOf(result: Pick<RunResultData, 'endReason'>): RunStatusName {
  return result.endReason === 'error' ? 'error' : 'finished';
}

/** A run's default title: its plan file, else its scenario file, without folders. */
export function titleOf(result: Pick<RunResultData, 'config'>): string {
  return basename(result.config.planFile ?? result.config.scenarioFile);
}

/** Replays a result's series (every second, name-capped through `cap`) into `store`. */
export function replaySeries(result: RunResultData, cap: NameCap, store: SeriesStore): SeriesStore {
  const origin = originOfResult(result);
  const agents = new Map(result.agentSeries.map((entry) => [entry.second, entry.agents]));
  for (const snapshot of result.series) {
    const second = epochSecondOf(snapshot);
    store.put({ second: second - origin, revision: 1, snapshot: cap.apply(snapshot), agents: agents.get(second) ?? [] });
  }
  return store;
}

/**
 * The tables of an ended run from its result. `cap` must have seen the result's series already (replaySeries), so
 * the total folds exactly the names the points fold. `warnings` are added to the result's own.
 */
export function finishedTables(result: RunResultData, cap: NameCap, warnings: readonly string[] = []): DashboardTables {
  const events = new RunWarnings();
  for (const event of result.events) events.add(event);
  let peak = 0;
  for (const agent of result.agents) peak = Math.max(peak, agent.peakUtilization);
  for (const { agents } of result.agentSeries) for (const a of agents) peak = Math.max(peak, utilizationOf(a.utilization));
  const peakActive = result.summary.users.peakActive;
  return buildTables({
    status: runStatusOf(result),
    elapsedMs: Math.max(0, result.endedAt - result.startedAt),
    total: cap.apply(result.total),
    peakUtilization: peak,
    ...(peakActive === undefined ? {} : { peakActive }),
    agents: finishedAgentRows(result, lostAgentsOf(result.events)),
    cap,
    thresholds: result.thresholds ?? [],
    warnings: [...result.summary.warnings, ...events.sentences(), ...warnings],
  });
}

export interface ResultViewOptions {
  title?: string;
  nameCap?: number;
  store?: SeriesStoreOptions;
}

/** The whole view of a finished run (no run list, no comparison: the caller adds them). */
export function viewOfResult(result: RunResultData, options: ResultViewOptions = {}): { view: DashboardView; store: SeriesStore; cap: NameCap } {
  const cap = new NameCap(options.nameCap);
  const store = replaySeries(result, cap, new SeriesStore(options.store));
  const view: DashboardView = {
    runId: result.runId,
    title: options.title ?? titleOf(result),
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    points: store.points(),
    tables: finishedTables(result, cap),
    runs: [],
  };
  return { view, store, cap };
}
