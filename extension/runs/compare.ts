/**
 * A run to draw beside the current one (`ComparedRun`), from a past run in the history or another live run.
 * Both runs' points count seconds since their own start, so they line up on the chart as they are: second 30 of
 * one is drawn over second 30 of the other. Points are deep-copied: the page's copy must not change under the
 * source run's store, nor the store under the page.
 */
import type { ComparedRun, DashboardPoint } from '../../agent/protocol/dashboard';
import type { LiveRun } from './live-run';
import type { RunHistory } from './run-history';

export interface CompareOptions {
  /** Leave out points starting at or after this second (e.g. to keep the chart on the current run's length). */
  until?: number;
}

function copyPoint(point: DashboardPoint): DashboardPoint {
  return {
    ...point,
    latency: point.latency === null ? null : { ...point.latency },
    errorsPerSecond: { ...point.errorsPerSecond },
    agents: point.agents.map((a) => ({ ...a })),
    counters: { ...point.counters },
    checks: { ...point.checks },
  };
}

/** A comparison from any run's points (seconds since its start); points before the start are left out. */
export function comparedRun(source: { runId: string; title: string; points: readonly DashboardPoint[] }, options: CompareOptions = {}): ComparedRun {
  const until = options.until ?? Infinity;
  const points = source.points
    .filter((p) => p.second >= 0 && p.second < until)
    .sort((a, b) => a.second - b.second)
    .map(copyPoint);
  return { runId: source.runId, title: source.title, points };
}

/** Another run the extension is following (or followed) live. */
export function compareLive(run: LiveRun, options: CompareOptions = {}): ComparedRun {
  return comparedRun({ runId: run.runId, title: run.title, points: run.points() }, options);
}

/** A past run from the history; throws a RookeryError when it is not there or cannot be read. */
export async function compareFromHistory(history: RunHistory, runId: string, options: CompareOptions = {}): Promise<ComparedRun> {
  return comparedRun(await history.load(runId), options);
}
