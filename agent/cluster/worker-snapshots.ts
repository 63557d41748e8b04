/**
 * Merges an agent's worker snapshots into ONE snapshot per wall-clock second (gauges summed across workers), with
 * each worker's figures carried beside it.
 *
 * A second is emitted as soon as every live worker has reported it, or `waitMs` after the first report for it
 * arrived: a busy or dying worker must not hold the agent's series back. A straggler for a second already emitted
 * goes out on its own, for that same second: the coordinator merges by second, so it still lands where it
 * belongs, and waiting longer for it would delay every other second.
 *
 *   worker 0 ──s=41──s=42────────s=43──
 *   worker 1 ──s=41────────s=42──────── s=43 (late: emitted alone)
 *   emitted  ────41─────────42───43(after waitMs)──43'──
 */
import { SnapshotAccumulator } from '../metrics/merge';
import type { WorkerFigures } from '../protocol/cluster';
import type { MetricSnapshot } from '../protocol/snapshot';

/** How long a second waits for the workers that have not reported it yet (ms). */
export const DEFAULT_MERGE_WAIT_MS = 1500;

export interface WorkerSecond {
  worker: number;
  second: number;
  snapshot: MetricSnapshot;
  figures: Omit<WorkerFigures, 'worker'>;
}

export interface MergedSecond {
  second: number;
  snapshot: MetricSnapshot;
  /** One entry per worker that reported this second, by worker index. */
  workers: WorkerFigures[];
}

export interface SecondMergerOptions {
  /** Worker indexes expected to report (the live ones). */
  workers: readonly number[];
  /** The `source` written into merged snapshots (the agent's name). */
  source: string;
  emit: (merged: MergedSecond) => void;
  /** A snapshot that cannot be merged (a corrupt histogram): the second is emitted without it. */
  onError?: (error: unknown, worker: number) => void;
  waitMs?: number;
}

interface PendingSecond {
  reports: Map<number, WorkerSecond>;
  timer: NodeJS.Timeout;
}

export class SecondMerger {
  private readonly live: Set<number>;
  private readonly pending = new Map<number, PendingSecond>();
  private readonly waitMs: number;
  private highestEmitted = -Infinity;
  private seq = 0;
  private closed = false;

  constructor(private readonly options: SecondMergerOptions) {
    this.live = new Set(options.workers);
    this.waitMs = options.waitMs ?? DEFAULT_MERGE_WAIT_MS;
  }

  /** Seconds waiting for more workers. */
  get waiting(): number {
    return this.pending.size;
  }

  add(report: WorkerSecond): void {
    if (this.closed) return;
    const open = this.pending.get(report.second);
    if (open) {
      open.reports.set(report.worker, report);
      this.emitIfComplete(report.second, open);
      return;
    }
    if (report.second <= this.highestEmitted) {
      this.emit(report.second, [report]);
      return;
    }
    const entry: PendingSecond = {
      reports: new Map([[report.worker, report]]),
      timer: setTimeout(() => this.emitPending(report.second), this.waitMs),
    };
    // The agent is kept alive by its link and its threads, not by this timer.
    entry.timer.unref();
    this.pending.set(report.second, entry);
    this.emitIfComplete(report.second, entry);
  }

  /** A worker is gone: seconds waiting only for it can go now. */
  removeWorker(worker: number): void {
    this.live.delete(worker);
    for (const [second, entry] of [...this.pending]) this.emitIfComplete(second, entry);
  }

  /** Emits every waiting second now, oldest first (the run is stopping: every worker's last report is in). */
  flush(): void {
    for (const second of [...this.pending.keys()].sort((a, b) => a - b)) this.emitPending(second);
  }

  /** Drops what is waiting; nothing is emitted after this. */
  close(): void {
    this.closed = true;
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  private emitIfComplete(second: number, entry: PendingSecond): void {
    for (const worker of this.live) if (!entry.reports.has(worker)) return;
    this.emitPending(second);
  }

  private emitPending(second: number): void {
    const entry = this.pending.get(second);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(second);
    this.highestEmitted = Math.max(this.highestEmitted, second);
    this.emit(second, [...entry.reports.values()]);
  }

  private emit(second: number, reports: WorkerSecond[]): void {
    if (this.closed) return;
    reports.sort((a, b) => a.worker - b.worker);
    const accumulator = new SnapshotAccumulator({ gauges: 'sum' });
    const workers: WorkerFigures[] = [];
    for (const report of reports) {
      try {
        accumulator.add(report.snapshot);
      } catch (error) {
        // add() leaves the accumulator unchanged on a bad snapshot: the others' figures still go out.
        this.options.onError?.(error, report.worker);
        continue;
      }
      workers.push({ worker: report.worker, ...report.figures });
    }
    if (workers.length === 0) return;
    const snapshot = accumulator.snapshot({ source: this.options.source, seq: this.seq++ });
    this.options.emit({ second, snapshot, workers });
  }
}
