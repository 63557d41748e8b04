/**
 * The page's mirror of the host's DashboardView. It holds exactly what the host sent — the host bounds the number
 * of points (a fine tier of recent seconds, coarse points for older ones) and the page never keeps more: an update
 * replaces a point with the same second and span or adds a new one, a compaction drops the points it covers and
 * puts the host's coarse points in their place. Anything that would break the view's order (an overlap, a
 * compaction that collides with kept points) throws, and the host link asks for a snapshot instead.
 *
 * Revisions tell the renderer which parts changed since it last drew, so a table-only change redraws no chart.
 */
import type { ComparedRun, DashboardPoint, DashboardView, HostMessage } from '../agent/protocol/dashboard';

type Update = Extract<HostMessage, { type: 'dashboard/update' }>;

export interface Revisions {
  /** The run's points. */
  points: number;
  /** Tables, headline figures, status, warnings. */
  tables: number;
  /** The compared run. */
  compare: number;
  /** The run list and title (snapshots only). */
  runs: number;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Index of the first point whose second is >= `second` (points sorted by second). */
function lowerBound(points: readonly DashboardPoint[], second: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].second < second) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function describe(point: DashboardPoint): string {
  return `second ${point.second} (span ${point.span})`;
}

export class DashboardStore {
  private current: DashboardView | undefined;
  readonly revisions: Revisions = { points: 0, tables: 0, compare: 0, runs: 0 };

  get view(): DashboardView | undefined {
    return this.current;
  }

  /** Points held for the run and the compared run: what the page keeps in memory. */
  get pointsHeld(): number {
    return (this.current?.points.length ?? 0) + (this.current?.compare?.points.length ?? 0);
  }

  applySnapshot(view: DashboardView): void {
    this.current = view;
    this.revisions.points++;
    this.revisions.tables++;
    this.revisions.compare++;
    this.revisions.runs++;
  }

  applyUpdate(update: Update): void {
    const view = this.current;
    if (!view) throw new StoreError('an update before any snapshot');
    // Work on a copy: a failed update must leave the previous view intact for what is already on screen.
    let points = view.points.slice();
    for (const point of update.points) place(points, point);
    if (update.compacted) points = compact(points, update.compacted.upTo, update.compacted.points);
    view.points = points;
    view.tables = update.tables;
    if (update.endedAt !== undefined) view.endedAt = update.endedAt;
    this.revisions.points++;
    this.revisions.tables++;
  }

  applyCompare(compare: ComparedRun | undefined): void {
    const view = this.current;
    if (!view) throw new StoreError('a comparison before any snapshot');
    if (compare) view.compare = compare;
    else delete view.compare;
    this.revisions.compare++;
  }
}

/** Replaces the point with the same second and span, or inserts a new one where it belongs. */
function place(points: DashboardPoint[], point: DashboardPoint): void {
  const last = points[points.length - 1];
  // The common case, once a second: the next point goes at the end.
  if (last === undefined || point.second >= last.second + last.span) {
    points.push(point);
    return;
  }
  const at = lowerBound(points, point.second);
  const same = points[at];
  if (same !== undefined && same.second === point.second) {
    if (same.span !== point.span) throw new StoreError(`${describe(point)} conflicts with the held ${describe(same)}`);
    points[at] = point;
    return;
  }
  const before = points[at - 1];
  if ((before !== undefined && before.second + before.span > point.second) || (same !== undefined && point.second + point.span > same.second)) {
    throw new StoreError(`${describe(point)} overlaps a held point`);
  }
  points.splice(at, 0, point);
}

/** Drops every point with second < upTo and puts `coarse` (sorted here) in their place. */
function compact(points: DashboardPoint[], upTo: number, coarse: readonly DashboardPoint[]): DashboardPoint[] {
  const kept = points.slice(lowerBound(points, upTo));
  const merged = [...coarse].sort((a, b) => a.second - b.second);
  for (let i = 0; i < merged.length; i++) {
    const point = merged[i];
    const next = merged[i + 1] ?? kept[0];
    if (point.second >= upTo) throw new StoreError(`compacted ${describe(point)} is not before ${upTo}`);
    if (next !== undefined && point.second + point.span > next.second) throw new StoreError(`compacted ${describe(point)} overlaps ${describe(next)}`);
  }
  return merged.concat(kept);
}
