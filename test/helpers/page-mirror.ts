/**
 * The dashboard page's side of the protocol, for tests of the host's messages without a browser: applies snapshots,
 * updates (points replaced by second and span, compaction, tables) and compares in seq order, as
 * agent/protocol/dashboard.ts describes and webview/store.ts does, each message checked by the page's own guard.
 */
import type { DashboardView, HostMessage } from '../../agent/protocol/dashboard';
import { parseHostMessage } from '../../agent/protocol/validate-dashboard';

/** The page's side, as dashboard.ts describes it: applies snapshots, updates and compares in seq order. */
export class PageMirror {
  view: DashboardView | undefined;
  lastSeq = -1;
  gaps = 0;

  apply(message: HostMessage): void {
    const m = parseHostMessage(structuredClone(message));
    if (m.type === 'dashboard/snapshot') {
      this.view = m.view;
      this.lastSeq = m.seq;
      return;
    }
    if (this.view === undefined || m.seq <= this.lastSeq) return;
    if (m.seq !== this.lastSeq + 1) this.gaps++;
    this.lastSeq = m.seq;
    if (m.type === 'dashboard/compare') {
      if (m.compare === undefined) delete this.view.compare;
      else this.view.compare = m.compare;
      return;
    }
    let points = this.view.points;
    for (const p of m.points) {
      const i = points.findIndex((q) => q.second === p.second && q.span === p.span);
      if (i >= 0) points[i] = p;
      else points.push(p);
    }
    points.sort((a, b) => a.second - b.second);
    if (m.compacted) points = [...m.compacted.points, ...points.filter((p) => p.second >= m.compacted!.upTo)];
    this.view.points = points;
    this.view.tables = m.tables;
    if (m.endedAt !== undefined) this.view.endedAt = m.endedAt;
  }
}
