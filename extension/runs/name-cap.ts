/**
 * The per-run cap on distinct names: the first N request names (and, separately, the first N counter, check and
 * custom histogram names) keep their own rows; every later one is folded into `(other)` before anything is stored,
 * so a scenario that puts ids in its request names cannot grow the extension's memory or the page's tables.
 *
 * Folding is exact: counts add up, histograms are merged bucket by bucket (agent/metrics/histogram.ts), never
 * averaged. Which names are kept is decided once per run, in the order names are first seen, and never revisited,
 * so a name's row never changes meaning mid-run.
 *
 * How many distinct names were folded is counted by remembering them, up to MAX_REMEMBERED_FOLDED per kind; past
 * that the count stops growing (`saturated`) rather than letting the bookkeeping itself become the unbounded set.
 */
import { createHistogram, parseEncodedHistogram, type HdrHistogram } from '../../agent/metrics/histogram';
import type { CheckStats, EncodedHistogram, ErrorKind, MetricSnapshot, RequestStats, StatusClass } from '../../agent/protocol/snapshot';

/** The row every folded name goes into. */
export const OTHER_NAME = '(other)';

export const DEFAULT_NAME_CAP = 100;

/** Distinct folded names remembered per kind, for the count; beyond it the count is a lower bound. */
export const MAX_REMEMBERED_FOLDED = 10_000;

export type NameKind = 'requests' | 'counters' | 'checks' | 'histograms';

const KINDS: readonly NameKind[] = ['requests', 'counters', 'checks', 'histograms'];

/** The names of one kind: which are kept, and which were folded. */
class NameSet {
  private readonly kept = new Set<string>();
  private readonly folded = new Set<string>();

  constructor(private readonly cap: number) {}

  /** True when `name` keeps its own row (deciding it now if the name is new). */
  admit(name: string): boolean {
    if (this.kept.has(name)) return true;
    // A scenario's own `(other)` lands in the row of that name either way; it is not a folded name.
    if (name === OTHER_NAME) return false;
    if (this.kept.size < this.cap) {
      this.kept.add(name);
      return true;
    }
    if (this.folded.size < MAX_REMEMBERED_FOLDED) this.folded.add(name);
    return false;
  }

  get foldedCount(): number {
    return this.folded.size;
  }

  get saturated(): boolean {
    return this.folded.size >= MAX_REMEMBERED_FOLDED;
  }
}

export class NameCap {
  readonly cap: number;
  private readonly sets: Record<NameKind, NameSet>;

  constructor(cap: number = DEFAULT_NAME_CAP) {
    if (!Number.isSafeInteger(cap) || cap < 1) throw new RangeError(`the name cap must be an integer >= 1, got ${cap}`);
    this.cap = cap;
    this.sets = { requests: new NameSet(cap), counters: new NameSet(cap), checks: new NameSet(cap), histograms: new NameSet(cap) };
  }

  /** Distinct names of `kind` folded into `(other)` so far (a lower bound once `saturated(kind)`). */
  folded(kind: NameKind = 'requests'): number {
    return this.sets[kind].foldedCount;
  }

  saturated(kind: NameKind = 'requests'): boolean {
    return this.sets[kind].saturated;
  }

  /**
   * The snapshot with every name beyond the cap folded into `(other)`. The input is returned as is when nothing
   * needs folding (the common case: no copy). Throws (a RookeryError from the histogram decoder) on a corrupt
   * histogram of a folded name; the names already admitted stay admitted, which is harmless.
   */
  apply(snapshot: MetricSnapshot): MetricSnapshot {
    const fold = KINDS.filter((kind) => this.needsFolding(kind, snapshot));
    if (fold.length === 0) return snapshot;
    const capped: MetricSnapshot = { ...snapshot };
    for (const kind of fold) {
      switch (kind) {
        case 'requests':
          capped.requests = this.foldRecord(snapshot.requests, 'requests', mergeRequests);
          break;
        case 'counters':
          capped.counters = this.foldRecord(snapshot.counters, 'counters', (values) => values.reduce((a, b) => a + b, 0));
          break;
        case 'checks':
          capped.checks = this.foldRecord(snapshot.checks, 'checks', mergeChecks);
          break;
        case 'histograms':
          capped.histograms = this.foldRecord(snapshot.histograms, 'histograms', (values) => mergeEncoded(values).encode());
          break;
      }
    }
    return capped;
  }

  private needsFolding(kind: NameKind, snapshot: MetricSnapshot): boolean {
    const set = this.sets[kind];
    let fold = false;
    // Admit every name (not only up to the first folded one): first-seen order decides, within a snapshot too.
    for (const name of Object.keys(snapshot[kind])) if (!set.admit(name)) fold = true;
    return fold;
  }

  private foldRecord<T>(record: Record<string, T>, kind: NameKind, merge: (values: T[]) => T): Record<string, T> {
    const set = this.sets[kind];
    const kept: Record<string, T> = {};
    const folded: T[] = [];
    for (const [name, value] of Object.entries(record)) {
      if (set.admit(name)) kept[name] = value;
      else folded.push(value);
    }
    if (folded.length > 0) kept[OTHER_NAME] = merge(folded);
    return kept;
  }
}

function addCounts<K extends string>(target: Partial<Record<K, number>>, source: Partial<Record<K, number>>): void {
  for (const key of Object.keys(source) as K[]) target[key] = (target[key] ?? 0) + (source[key] ?? 0);
}

function mergeEncoded(values: readonly EncodedHistogram[]): HdrHistogram {
  const histogram = createHistogram();
  for (const encoded of values) histogram.addParsed(parseEncodedHistogram(encoded));
  return histogram;
}

/** Several names' request figures as one: counts summed, each phase's histograms merged exactly. */
export function mergeRequests(list: readonly RequestStats[]): RequestStats {
  const status: Partial<Record<StatusClass, number>> = {};
  const errors: Partial<Record<ErrorKind, number>> = {};
  let count = 0;
  let failed = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  for (const stats of list) {
    count += stats.count;
    failed += stats.failed;
    bytesIn += stats.bytesIn;
    bytesOut += stats.bytesOut;
    addCounts(status, stats.status);
    addCounts(errors, stats.errors);
  }
  const merged: RequestStats = { count, failed, status, errors, bytesIn, bytesOut, latency: mergeEncoded(list.map((s) => s.latency)).encode() };
  for (const phase of ['connect', 'tls', 'ttfb'] as const) {
    const present = list.map((s) => s[phase]).filter((h): h is EncodedHistogram => h !== undefined);
    if (present.length > 0) merged[phase] = mergeEncoded(present).encode();
  }
  return merged;
}

function mergeChecks(list: readonly CheckStats[]): CheckStats {
  return { pass: list.reduce((n, c) => n + c.pass, 0), fail: list.reduce((n, c) => n + c.fail, 0) };
}
