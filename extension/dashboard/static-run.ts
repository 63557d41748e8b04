/**
 * A past run as a panel's RunSource: the view RunHistory.load built, which never changes except for the runs
 * listed for comparison and the run drawn beside it. It numbers its messages as a LiveRun does, so the page's
 * sequence check works the same for both.
 */
import { DASHBOARD_PROTOCOL_VERSION, type ComparedRun, type DashboardView, type HostMessage, type RunListing } from '../../agent/protocol/dashboard';
import type { RunSource } from './panel-router';

type SnapshotMessage = Extract<HostMessage, { type: 'dashboard/snapshot' }>;

export class StaticRun implements RunSource {
  private seq = 0;
  private readonly listeners = new Set<(message: HostMessage) => void>();
  private readonly view: DashboardView;

  constructor(view: DashboardView) {
    // A private copy: the caller's object may be reused, and the page's copy must not change under it.
    this.view = structuredClone(view);
  }

  get runId(): string {
    return this.view.runId;
  }

  get title(): string {
    return this.view.title;
  }

  snapshot(): SnapshotMessage {
    return { type: 'dashboard/snapshot', seq: this.seq, protocol: DASHBOARD_PROTOCOL_VERSION, view: structuredClone(this.view) };
  }

  onMessage(listener: (message: HostMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setRuns(runs: readonly RunListing[]): void {
    this.view.runs = runs.map((r) => ({ ...r }));
  }

  setCompare(compare: ComparedRun | undefined): void {
    if (compare === undefined) delete this.view.compare;
    else this.view.compare = compare;
    const seq = ++this.seq;
    const message: HostMessage = compare === undefined ? { type: 'dashboard/compare', seq } : { type: 'dashboard/compare', seq, compare };
    for (const listener of [...this.listeners]) listener(message);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
