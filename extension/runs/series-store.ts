/**
 * The run's chart points, bounded however long the run: a fine tier of the last `fineSeconds` (300) one-second
 * points, and a coarse tier of older seconds merged into buckets of `bucketSeconds` (10). When the coarse tier
 * grows past `maxCoarse` (360) buckets, the bucket grid doubles (10 → 20 → 40 s…) and adjacent buckets merge, so a
 * 24-hour run holds at most 300 + 360 points (and as many retained snapshots).
 *
 *   coarse: [  0 ……… 20) [ 20 ……… 40) … [ 280 … 290)   fine: 290 291 292 … 589   (latest: 589)
 *           one merged snapshot + agent spans per bucket       one snapshot per second (the latest revision)
 *
 * Only what exact figures need is kept: each fine second's (name-capped) snapshot until it is compacted, then one
 * merged snapshot per bucket — percentiles of any bucket, however wide, come from merged histograms. A bucket's
 * point covers [first second with data, end of the last compacted chunk): points never overlap.
 *
 * Revisions: a SeriesPoint with a higher revision for a second still in the fine tier replaces it. For a second
 * already compacted it is ignored and counted (`late`): the bucket holds the old revision merged with its
 * neighbours, and histograms cannot be subtracted to take it out again. The fine tier is 300 s wide and the
 * coordinator revises a second within seconds of emitting it, so in practice this never loses data; seconds that
 * arrive for the first time after their place was compacted are ignored and counted the same way.
 */
import type { AgentPoint } from '../../agent/protocol/control';
import type { DashboardPoint } from '../../agent/protocol/dashboard';
import type { MetricSnapshot } from '../../agent/protocol/snapshot';
import { agentSpansOf, finePoint, mergeSpans, pointOf, type AgentSpan, type SpanFigures } from './dashboard-point';
import { RunTotals, type RunTotal, type TotalsSource } from './run-totals';

export interface SeriesStoreOptions {
  fineSeconds?: number;
  bucketSeconds?: number;
  maxCoarse?: number;
  /** See run-totals.ts. */
  settleSeconds?: number;
}

export const DEFAULT_FINE_SECONDS = 300;
export const DEFAULT_BUCKET_SECONDS = 10;
export const DEFAULT_MAX_COARSE = 360;

/** One second as the store receives it: `second` since the run started, the snapshot already name-capped. */
export interface StoreInput {
  second: number;
  revision: number;
  snapshot: MetricSnapshot;
  agents: readonly AgentPoint[];
}

export type PutOutcome = 'added' | 'replaced' | 'duplicate' | 'late';

/** What one `put` changed, in `dashboard/update` terms. */
export interface StoreChange {
  outcome: PutOutcome;
  /** The added or replaced fine point (absent when it was compacted by this very put, or ignored). */
  points: DashboardPoint[];
  /** Set when fine seconds were compacted: drop every point below `upTo`, insert the whole coarse tier. */
  compacted?: { upTo: number; points: DashboardPoint[] };
}

export interface StoreStats {
  fine: number;
  coarse: number;
  /** Width of the coarse grid now (10, 20, 40…). */
  coarseSpan: number;
  /** MetricSnapshots held: one per fine second and one per bucket. */
  retainedSnapshots: number;
  /** Revisions or first arrivals of seconds already compacted, ignored. */
  late: number;
  /** Revisions not higher than the one held, ignored. */
  duplicates: number;
}

interface FineRecord {
  second: number;
  revision: number;
  snapshot: MetricSnapshot;
  agents: AgentSpan[];
  point: DashboardPoint;
}

interface Bucket {
  /** Start of the grid cell (a multiple of coarseSpan): buckets with the same key merge. */
  key: number;
  figures: SpanFigures;
  point: DashboardPoint;
}

function positive(value: number | undefined, fallback: number, what: string): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be an integer >= 1, got ${n}`);
  return n;
}

export class SeriesStore implements TotalsSource {
  private readonly fineSeconds: number;
  private readonly bucketSeconds: number;
  private readonly maxCoarse: number;
  private readonly fine = new Map<number, FineRecord>();
  private coarse: Bucket[] = [];
  private coarseSpanValue: number;
  private start: number | undefined;
  private latest: number | undefined;
  private compactedOnce = false;
  private lateCount = 0;
  private duplicateCount = 0;
  private readonly totals: RunTotals;

  constructor(options: SeriesStoreOptions = {}) {
    this.fineSeconds = positive(options.fineSeconds, DEFAULT_FINE_SECONDS, 'fineSeconds');
    this.bucketSeconds = positive(options.bucketSeconds, DEFAULT_BUCKET_SECONDS, 'bucketSeconds');
    this.maxCoarse = positive(options.maxCoarse, DEFAULT_MAX_COARSE, 'maxCoarse');
    if (this.fineSeconds < this.bucketSeconds) throw new RangeError('fineSeconds must be at least bucketSeconds');
    this.coarseSpanValue = this.bucketSeconds;
    this.totals = new RunTotals(this, options.settleSeconds);
  }

  get fineStart(): number | undefined {
    return this.start;
  }

  get latestSecond(): number | undefined {
    return this.latest;
  }

  get coarseSpan(): number {
    return this.coarseSpanValue;
  }

  /** Adds a second, or replaces it with a higher revision; compacts when the fine tier grows too wide. */
  put(input: StoreInput): StoreChange {
    const { second, revision } = input;
    if (!Number.isSafeInteger(second)) throw new RangeError(`a point's second must be an integer, got ${second}`);
    const existing = this.fine.get(second);
    if (existing !== undefined && revision <= existing.revision) {
      this.duplicateCount++;
      return { outcome: 'duplicate', points: [] };
    }
    if (this.start !== undefined && second < this.start) {
      if (this.compactedOnce) {
        this.lateCount++;
        return { outcome: 'late', points: [] };
      }
      this.start = this.align(second);
    }
    this.start ??= this.align(second);
    const agents = agentSpansOf(second, input.agents);
    const record: FineRecord = { second, revision, snapshot: input.snapshot, agents, point: finePoint(second, input.snapshot, input.agents) };
    this.fine.set(second, record);
    this.totals.changed(second);
    this.latest = this.latest === undefined ? second : Math.max(this.latest, second);
    const outcome: PutOutcome = existing === undefined ? 'added' : 'replaced';
    const compacted = this.compact();
    const points = this.fine.has(second) ? [record.point] : [];
    return compacted ? { outcome, points, compacted: { upTo: this.start, points: this.coarsePoints() } } : { outcome, points };
  }

  /** Every point, coarse first, in time order. */
  points(): DashboardPoint[] {
    return [...this.coarsePoints(), ...this.finePoints()];
  }

  coarsePoints(): DashboardPoint[] {
    return this.coarse.map((b) => b.point);
  }

  finePoints(): DashboardPoint[] {
    return this.sortedFine().map((r) => r.point);
  }

  finePoint(second: number): DashboardPoint | undefined {
    return this.fine.get(second)?.point;
  }

  /** The latest point (fine if any). */
  lastPoint(): DashboardPoint | undefined {
    if (this.latest !== undefined) {
      const record = this.fine.get(this.latest);
      if (record) return record.point;
    }
    return this.coarse[this.coarse.length - 1]?.point;
  }

  /** The snapshots of the fine seconds within the last `seconds` seconds (up to the latest second). */
  recentSnapshots(seconds: number): MetricSnapshot[] {
    if (this.latest === undefined) return [];
    const from = this.latest - seconds + 1;
    return this.sortedFine().filter((r) => r.second >= from).map((r) => r.snapshot);
  }

  fineSnapshots(): { second: number; snapshot: MetricSnapshot }[] {
    return this.sortedFine();
  }

  coarseSnapshots(): MetricSnapshot[] {
    return this.coarse.map((b) => b.figures.snapshot);
  }

  /** The run's cumulative figures over every second held (see run-totals.ts). */
  total(): RunTotal {
    return this.totals.current();
  }

  /** Times the totals had to be rebuilt because of a revision or an early compaction. */
  get totalRebuilds(): number {
    return this.totals.rebuilds;
  }

  stats(): StoreStats {
    return {
      fine: this.fine.size,
      coarse: this.coarse.length,
      coarseSpan: this.coarseSpanValue,
      retainedSnapshots: this.fine.size + this.coarse.length,
      late: this.lateCount,
      duplicates: this.duplicateCount,
    };
  }

  private align(second: number): number {
    return Math.floor(second / this.bucketSeconds) * this.bucketSeconds;
  }

  private sortedFine(): FineRecord[] {
    return [...this.fine.values()].sort((a, b) => a.second - b.second);
  }

  /** Moves whole chunks of `bucketSeconds` out of the fine tier until it spans at most `fineSeconds`. */
  private compact(): boolean {
    const latest = this.latest!;
    const start = this.start!;
    if (latest - start + 1 <= this.fineSeconds) return false;
    const upTo = Math.ceil((latest - this.fineSeconds + 1) / this.bucketSeconds) * this.bucketSeconds;
    // Only chunks that hold seconds need work (a jump in time must not walk every empty chunk in between).
    const chunks = new Map<number, FineRecord[]>();
    for (const record of this.sortedFine()) {
      if (record.second >= upTo) break;
      const chunk = this.align(record.second);
      let list = chunks.get(chunk);
      if (list === undefined) chunks.set(chunk, (list = []));
      list.push(record);
      this.fine.delete(record.second);
    }
    for (const [chunk, records] of chunks) this.addChunk(chunk, records);
    this.start = upTo;
    this.compactedOnce = true;
    this.totals.compacted(upTo);
    while (this.coarse.length > this.maxCoarse) this.widen();
    return true;
  }

  /** Merges one chunk's seconds into the bucket of its grid cell (the last one, or a new one). */
  private addChunk(chunk: number, records: readonly FineRecord[]): void {
    const key = Math.floor(chunk / this.coarseSpanValue) * this.coarseSpanValue;
    const last = this.coarse[this.coarse.length - 1];
    const parts: SpanFigures[] = records.map((r) => ({ second: r.second, span: 1, snapshot: r.snapshot, agents: r.agents }));
    const chunkEnd = chunk + this.bucketSeconds;
    if (last !== undefined && last.key === key) {
      const merged = mergeSpans([last.figures, ...parts], { second: last.figures.second, span: chunkEnd - last.figures.second });
      this.coarse[this.coarse.length - 1] = { key, figures: merged.figures, point: pointOf(merged.figures, merged.decoded) };
      return;
    }
    const first = records[0].second;
    const merged = mergeSpans(parts, { second: first, span: chunkEnd - first });
    this.coarse.push({ key, figures: merged.figures, point: pointOf(merged.figures, merged.decoded) });
  }

  /** Doubles the coarse grid and merges the buckets that now share a cell. */
  private widen(): void {
    this.coarseSpanValue *= 2;
    const span = this.coarseSpanValue;
    const widened: Bucket[] = [];
    let group: Bucket[] = [];
    const flush = (): void => {
      if (group.length === 0) return;
      const key = Math.floor(group[0].key / span) * span;
      if (group.length === 1) {
        widened.push({ ...group[0], key });
      } else {
        const merged = mergeSpans(group.map((b) => b.figures));
        widened.push({ key, figures: merged.figures, point: pointOf(merged.figures, merged.decoded) });
      }
      group = [];
    };
    for (const bucket of this.coarse) {
      if (group.length > 0 && Math.floor(bucket.key / span) !== Math.floor(group[0].key / span)) flush();
      group.push(bucket);
    }
    flush();
    this.coarse = widened;
  }
}
