/**
 * A run's thresholds on the coordinator: watches abortOnFail ones while the run goes (once a second, each after
 * its delay, on the cumulative merge of the series so far) and reports the first that fails; and judges every
 * threshold on the whole run for the result, the one that stopped the run staying failed.
 *
 * Mid-run, a threshold with no data yet (no request of that name so far) does not stop the run: data may still
 * come. At the end it fails like any threshold nobody could check.
 *
 * The cumulative snapshot grows by one merged second at a time, as the SeriesMerger emits them. A second revised
 * by a late snapshot cannot be added again (it would count twice), so the accumulator is rebuilt from the latest
 * revision of every second: rare, and exact.
 */
import { SnapshotAccumulator } from '../metrics/merge';
import { summarize } from '../metrics/summary';
import { evaluateThresholds, type ThresholdData } from '../metrics/thresholds';
import type { SeriesPoint } from '../protocol/control';
import type { MetricSnapshot } from '../protocol/snapshot';
import type { ThresholdResult, ThresholdSpec } from '../protocol/thresholds';
import type { SeriesMerger } from './series';

export const THRESHOLD_CHECK_MS = 1000;

/** The abortOnFail threshold that stopped a run, as it was when it failed. */
export interface ThresholdAbort {
  threshold: string;
  line: string;
}

export interface ThresholdWatchOptions {
  specs: readonly ThresholdSpec[];
  merger: SeriesMerger;
  now: () => number;
  /** Called once, with the first abortOnFail threshold that failed; the watch has stopped by then. */
  onFail: (failed: ThresholdAbort) => void;
  /** An evaluation that threw (it must not take the coordinator down): the watch stops and says why. */
  warn: (message: string) => void;
  intervalMs?: number;
}

export class ThresholdWatch {
  private readonly specs: ThresholdSpec[];
  private readonly seconds = new Map<number, MetricSnapshot>();
  private accumulator = new SnapshotAccumulator({ gauges: 'latest' });
  private stale = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private startedAt = 0;
  private readonly onPoint = (point: SeriesPoint) => this.add(point);

  /** Whether any of `specs` can stop a run (else there is nothing to watch). */
  static needed(specs: readonly ThresholdSpec[] | undefined): boolean {
    return specs?.some((s) => s.abortOnFail) ?? false;
  }

  constructor(private readonly options: ThresholdWatchOptions) {
    this.specs = options.specs.filter((s) => s.abortOnFail);
  }

  start(startedAt: number): void {
    this.startedAt = startedAt;
    this.options.merger.on('point', this.onPoint);
    this.timer = setInterval(() => {
      try {
        this.check();
      } catch (error) {
        this.stop();
        this.options.warn(`abortOnFail thresholds are no longer checked: ${(error as Error)?.message ?? String(error)}`);
      }
    }, this.options.intervalMs ?? THRESHOLD_CHECK_MS);
    // The run and its links keep the process alive, not this.
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.options.merger.off('point', this.onPoint);
  }

  private add(point: SeriesPoint): void {
    const revised = this.seconds.has(point.second);
    this.seconds.set(point.second, point.snapshot);
    if (revised) this.stale = true;
    else if (!this.stale) this.accumulator.add(point.snapshot);
  }

  /** Evaluates the thresholds whose delay has passed; stops the watch and reports the first failure. */
  check(): void {
    if (this.stopped) return;
    const elapsed = this.options.now() - this.startedAt;
    const due = this.specs.filter((s) => elapsed >= s.delayMs);
    if (due.length === 0 || this.seconds.size === 0) return;
    if (this.stale) {
      this.accumulator = new SnapshotAccumulator({ gauges: 'latest' });
      for (const snapshot of this.seconds.values()) this.accumulator.add(snapshot);
      this.stale = false;
    }
    const cumulative = this.accumulator.snapshot();
    // Rates over the seconds merged so far, not over the wall clock (the series lags it by up to the grace).
    const summary = summarize(cumulative, Math.max(0, cumulative.end - this.startedAt), undefined, { histograms: this.accumulator });
    const failed = evaluateThresholds(due, { summary, histograms: this.accumulator }).find((r) => !r.ok && r.actual !== null);
    if (failed === undefined) return;
    this.stop();
    this.options.onFail({ threshold: failed.threshold, line: failed.line });
  }
}

/**
 * Every threshold judged on the whole run, for the result. The one that stopped the run stays failed even if the
 * run's final figures pass it (the stop itself changed them), and says what it was when it failed.
 */
export function judgeThresholds(specs: readonly ThresholdSpec[], data: ThresholdData, aborted?: ThresholdAbort): ThresholdResult[] {
  return evaluateThresholds(specs, data).map((result) => {
    if (aborted === undefined || result.threshold !== aborted.threshold) return result;
    const line = result.ok ? `${result.line}; failed during the run (${aborted.line}) and stopped it` : `${result.line}; stopped the run (${aborted.line})`;
    return { ...result, ok: false, line, aborted: true };
  });
}
