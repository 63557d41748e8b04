/**
 * The run's cumulative figures, merged exactly from the series store's seconds and buckets, in the presence of
 * revisions (a late snapshot re-sends a second with a higher revision, replacing what was counted).
 *
 * Histograms cannot be subtracted, so a revised second cannot be taken out of a running total. The trade-off:
 *
 *   coarse buckets ─┐
 *   fine seconds < settledUpTo ──► `settled` accumulator (added once, kept decoded)
 *   fine seconds ≥ settledUpTo ──► merged afresh on every `current()` (the last `settleSeconds`, 10 by default)
 *
 * Revisions come within seconds of the first emission (the coordinator's grace is 2 s), so they nearly always
 * land in the unsettled window and cost nothing. A revision of a settled second, or a compaction that overtook
 * seconds not yet settled, marks `settled` dirty: it is rebuilt from the buckets and the fine seconds — at most
 * ~660 merges, and only then. `current()` clones `settled` through one encode/decode per histogram.
 */
import { SnapshotAccumulator } from '../../agent/metrics/merge';
import type { MetricSnapshot } from '../../agent/protocol/snapshot';

/** The store as the totals read it. */
export interface TotalsSource {
  /** Fine seconds are those ≥ this; everything below was compacted into buckets. Undefined while empty. */
  readonly fineStart: number | undefined;
  readonly latestSecond: number | undefined;
  /** The fine seconds' current snapshots, in second order. */
  fineSnapshots(): readonly { second: number; snapshot: MetricSnapshot }[];
  /** The buckets' merged snapshots (every compacted second, each once). */
  coarseSnapshots(): readonly MetricSnapshot[];
}

export const DEFAULT_SETTLE_SECONDS = 10;

export interface RunTotal {
  /** Every second's latest revision merged (gauges 'latest'). */
  snapshot: MetricSnapshot;
  /** The same figures decoded (for summarize, without decoding again). */
  histograms: SnapshotAccumulator;
}

export class RunTotals {
  private settled = new SnapshotAccumulator({ gauges: 'latest' });
  /** Seconds below this (fine or compacted) are in `settled`. */
  private settledUpTo = -Infinity;
  private dirty = false;
  private rebuildCount = 0;

  constructor(
    private readonly source: TotalsSource,
    private readonly settleSeconds: number = DEFAULT_SETTLE_SECONDS,
  ) {}

  /** A second was added or replaced (a newer revision, or a first arrival older than seconds already settled). */
  changed(second: number): void {
    if (second < this.settledUpTo) this.dirty = true;
  }

  /** The store merged its fine seconds below `upTo` into buckets. */
  compacted(upTo: number): void {
    // Seconds compacted before they settled are no longer readable one by one: rebuild from the buckets.
    if (upTo > this.settledUpTo) this.dirty = true;
  }

  /** Times `settled` was rebuilt (for tests and diagnostics). */
  get rebuilds(): number {
    return this.rebuildCount;
  }

  current(): RunTotal {
    const latest = this.source.latestSecond;
    const fineStart = this.source.fineStart;
    const fine = this.source.fineSnapshots();
    if (latest !== undefined && fineStart !== undefined) {
      const target = Math.max(fineStart, latest - this.settleSeconds + 1);
      if (this.dirty) this.rebuild(target, fine);
      else if (target > this.settledUpTo) {
        for (const { second, snapshot } of fine) if (second >= this.settledUpTo && second < target) this.settled.add(snapshot);
        this.settledUpTo = target;
      }
    }
    const total = new SnapshotAccumulator({ gauges: 'latest' });
    if (this.settled.size > 0) total.add(this.settled.snapshot());
    for (const { second, snapshot } of fine) if (second >= this.settledUpTo) total.add(snapshot);
    return { snapshot: total.snapshot(), histograms: total };
  }

  private rebuild(target: number, fine: readonly { second: number; snapshot: MetricSnapshot }[]): void {
    const settled = new SnapshotAccumulator({ gauges: 'latest' });
    for (const snapshot of this.source.coarseSnapshots()) settled.add(snapshot);
    for (const { second, snapshot } of fine) if (second < target) settled.add(snapshot);
    this.settled = settled;
    this.settledUpTo = target;
    this.dirty = false;
    this.rebuildCount++;
  }
}
