/**
 * The runs of this session that have ended: kept as LiveRuns (so their dashboards open without reading a file,
 * and a lost run — which has no result to save — can still be shown), bounded to the newest few; and the list of
 * past runs the Run view shows: this session's first, newest first, then the workspace's history on disk.
 */
import type { LiveRun } from './live-run';
import { entryOf, type HistoryEntry } from './run-history';

export const DEFAULT_SESSION_RUNS = 10;

/** A run the extension lost (the coordinator went away before its end): why, and how long it had run. */
export interface LostRun {
  reason: string;
  elapsedMs: number;
}

interface SessionRun {
  live: LiveRun;
  file?: string;
  lost?: LostRun;
}

export class SessionRuns {
  /** Newest last. */
  private readonly runs: SessionRun[] = [];

  constructor(private readonly limit = DEFAULT_SESSION_RUNS) {}

  /** Keeps an ended run; returns the runs that no longer fit, for the caller to dispose. */
  add(live: LiveRun, lost?: LostRun): LiveRun[] {
    const existing = this.runs.findIndex((r) => r.live.runId === live.runId);
    if (existing >= 0) this.runs.splice(existing, 1);
    this.runs.push({ live, ...(lost === undefined ? {} : { lost }) });
    return this.runs.splice(0, Math.max(0, this.runs.length - this.limit)).map((r) => r.live);
  }

  /** The run's result was saved to `file`. */
  saved(runId: string, file: string): void {
    const run = this.runs.find((r) => r.live.runId === runId);
    if (run) run.file = file;
  }

  get(runId: string): LiveRun | undefined {
    return this.runs.find((r) => r.live.runId === runId)?.live;
  }

  /** Why the run was lost, if it was. */
  lost(runId: string): LostRun | undefined {
    return this.runs.find((r) => r.live.runId === runId)?.lost;
  }

  /** Every run held, newest first. */
  all(): LiveRun[] {
    return this.runs.map((r) => r.live).reverse();
  }

  /** This session's runs (newest first), then `history`'s other runs (the history's own order). */
  pastRuns(history: readonly HistoryEntry[]): HistoryEntry[] {
    const onDisk = new Map(history.map((entry) => [entry.runId, entry]));
    const session = [...this.runs].reverse().map((run) => onDisk.get(run.live.runId) ?? entryOfLiveRun(run.live, run.file ?? '', run.lost));
    const ids = new Set(session.map((entry) => entry.runId));
    return [...session, ...history.filter((entry) => !ids.has(entry.runId))];
  }

  clear(): LiveRun[] {
    return this.runs.splice(0).map((r) => r.live);
  }
}

/** A run of this session as a history entry: from its result, or — a lost run has none — from what was received. */
export function entryOfLiveRun(live: LiveRun, file: string, lost?: LostRun): HistoryEntry {
  const result = live.runResult;
  if (result) return entryOf(file, result, live.title);
  const view = live.view();
  const total = view.tables.total;
  const elapsedMs = lost?.elapsedMs ?? live.headline().elapsedMs;
  const startedAt = view.startedAt ?? 0;
  return {
    runId: live.runId,
    title: live.title,
    startedAt,
    status: 'error',
    file,
    endedAt: startedAt + elapsedMs,
    endReason: 'error',
    durationMs: elapsedMs,
    requests: total.count,
    failed: total.failed,
    rps: total.rps,
    p99: total.count > 0 ? total.p99 : null,
    errorPct: total.errorPct,
    thresholdsOk: null,
  };
}
