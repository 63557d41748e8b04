/**
 * One run as the extension follows it: consumes the coordinator's pushes for that run (`run/point`, `run/event`,
 * `run/finished`, `cluster/status`), keeps its bounded points (series-store.ts), exact cumulative totals and tables,
 * and the headline figures of the sidebar and status bar; and speaks the dashboard protocol to the page.
 *
 * Messages (message-stream.ts): every message a listener gets carries the next `seq`; changes are coalesced and
 * sent at most once per `throttleMs` (1 s) however they arrive. `snapshot()` is the whole current state (pending changes included) at
 * the seq of the last message sent, so a page that applies it and then the following updates — which may repeat
 * some of those changes: points replace by second, compaction and tables are idempotent — ends up with exactly
 * the view a fresh snapshot would give.
 *
 * At `run/finished` the result is authoritative: if the live points missed seconds (the extension subscribed late,
 * or a second came too late to be kept), the points are rebuilt from the result's series and a new snapshot is
 * sent; otherwise a final update (with `endedAt`) goes out at once, without waiting for the throttle.
 */
import type { ControlPush, RunEvent, RunResultData, RunStatusName, SeriesPoint } from '../../agent/protocol/control';
import {
  DASHBOARD_PROTOCOL_VERSION,
  type ComparedRun,
  type DashboardPoint,
  type DashboardTables,
  type DashboardView,
  type HostMessage,
  type RunListing,
} from '../../agent/protocol/dashboard';
import { mergedLatency, utilizationOf } from './dashboard-point';
import { MessageStream } from './message-stream';
import { NameCap } from './name-cap';
import { finishedTables, originOfResult, replaySeries, runStatusOf, secondOfTime } from './result-view';
import { AgentRoster } from './run-agents';
import { buildTables } from './run-tables';
import { RunWarnings } from './run-warnings';
import { SeriesStore, type SeriesStoreOptions, type StoreStats } from './series-store';

export const DEFAULT_THROTTLE_MS = 1000;
/** The headline p99 is over this many recent seconds. */
export const HEADLINE_P99_SECONDS = 10;

export interface LiveRunOptions {
  runId: string;
  title: string;
  /** When the run started (ms), if the caller knows; else learnt from the pushes. */
  startedAt?: number;
  nameCap?: number;
  store?: SeriesStoreOptions;
  throttleMs?: number;
  now?: () => number;
  /** A listener threw: by default rethrown asynchronously (so the others still get the message). */
  onError?: (error: unknown) => void;
}

/** The figures of the sidebar and the status bar. */
export interface RunHeadline {
  runId: string;
  title: string;
  status: RunStatusName;
  /** Why the run ended, once its result arrived. */
  endReason?: RunResultData['endReason'];
  users: number;
  /** Requests per second of the last second; over the whole run once it has ended. */
  rps: number;
  /** p99 latency (ms) of the last 10 s; of the whole run once it has ended; null with no request. */
  p99: number | null;
  /** Failed requests so far. */
  errors: number;
  elapsedMs: number;
}

type SnapshotMessage = Extract<HostMessage, { type: 'dashboard/snapshot' }>;
type UpdateMessage = Extract<HostMessage, { type: 'dashboard/update' }>;

export class LiveRun {
  readonly runId: string;
  readonly title: string;
  private readonly now: () => number;
  private readonly stream: MessageStream;
  private readonly storeOptions: SeriesStoreOptions;
  private status: RunStatusName = 'preparing';
  private startedAt: number | undefined;
  private endedAt: number | undefined;
  private origin: number | undefined;
  private cap: NameCap;
  private store: SeriesStore;
  private readonly roster: AgentRoster;
  private readonly warnings = new RunWarnings();
  private result: RunResultData | undefined;
  private secondsAdded = 0;
  private unreadable = 0;
  /** Points of seconds before the run's second 0 (out of order at the very start): left to the result. */
  private beforeStart = 0;
  /** Why the result could not be used (a histogram that does not decode); the live data is shown instead. */
  private resultProblem: string | undefined;
  private peakUtilization = 0;
  private peakActive = 0;
  private runs: RunListing[] = [];
  private compare: ComparedRun | undefined;
  private readonly pendingSeconds = new Set<number>();
  private pendingCompaction = false;
  private tables: DashboardTables | undefined;
  private recentP99: number | null = null;
  private disposed = false;
  private lostReason: string | undefined;

  constructor(options: LiveRunOptions) {
    this.runId = options.runId;
    this.title = options.title;
    this.startedAt = options.startedAt;
    this.now = options.now ?? Date.now;
    this.stream = new MessageStream({
      throttleMs: options.throttleMs ?? DEFAULT_THROTTLE_MS,
      now: this.now,
      buildUpdate: (seq) => this.buildUpdate(seq),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    this.storeOptions = options.store ?? {};
    this.cap = new NameCap(options.nameCap);
    this.store = new SeriesStore(this.storeOptions);
    this.roster = new AgentRoster(this.runId);
  }

  get finished(): boolean {
    return this.result !== undefined;
  }

  /** The result, once `run/finished` arrived. */
  get runResult(): RunResultData | undefined {
    return this.result;
  }

  get storeStats(): StoreStats {
    return this.store.stats();
  }

  /** Takes one push; returns false when it is not about this run (a cluster status still updates agent states). */
  handle(push: ControlPush): boolean {
    if (this.disposed || this.lostReason !== undefined) return false;
    switch (push.type) {
      case 'run/point':
        if (push.point.runId !== this.runId) return false;
        if (!this.finished) this.addPoint(push.point);
        return true;
      case 'run/event':
        if (push.runId !== this.runId) return false;
        if (!this.finished) this.addEvent(push.event);
        return true;
      case 'run/finished':
        if (push.result.runId !== this.runId) return false;
        if (!this.finished) this.finish(push.result);
        return true;
      case 'cluster/status': {
        this.roster.noteStatus(push.status);
        const run = push.status.run;
        if (run?.runId !== this.runId) return false;
        if (!this.finished) {
          this.status = run.status;
          this.startedAt ??= run.startedAt;
          this.stream.changed();
        }
        return true;
      }
      default:
        return false;
    }
  }

  /** Every message from now on; returns the function that stops them. */
  onMessage(listener: (message: HostMessage) => void): () => void {
    return this.stream.onMessage(listener);
  }

  /** The whole view now, at the seq of the last message sent (what the page asks for on load and on a gap). */
  snapshot(): SnapshotMessage {
    return { type: 'dashboard/snapshot', seq: this.stream.seq, protocol: DASHBOARD_PROTOCOL_VERSION, view: this.view() };
  }

  view(): DashboardView {
    const view: DashboardView = { runId: this.runId, title: this.title, points: this.store.points(), tables: this.computeTables(), runs: this.runs.map((r) => ({ ...r })) };
    if (this.startedAt !== undefined) view.startedAt = this.startedAt;
    if (this.endedAt !== undefined) view.endedAt = this.endedAt;
    if (this.compare !== undefined) view.compare = this.compare;
    return view;
  }

  /** The run's points (coarse, then fine), e.g. to compare another run with this one. */
  points(): DashboardPoint[] {
    return this.store.points();
  }

  headline(): RunHeadline {
    const tables = this.tables ?? this.computeTables();
    const last = this.store.lastPoint();
    const ended = this.finished;
    return {
      runId: this.runId,
      title: this.title,
      status: this.status,
      ...(this.result ? { endReason: this.result.endReason } : {}),
      users: ended ? (this.result?.summary.users.active ?? 0) : (last?.users ?? 0),
      rps: ended ? tables.total.rps : last && last.span === 1 ? last.okRps + last.failedRps : 0,
      p99: ended ? (tables.total.count > 0 ? tables.total.p99 : null) : this.recentP99,
      errors: tables.total.failed,
      elapsedMs: this.elapsedMs(),
    };
  }

  /** The list of runs the page offers for comparison; sent with the next snapshot. */
  setRuns(runs: readonly RunListing[]): void {
    this.runs = runs.map((r) => ({ ...r }));
  }

  /** Draws another run beside this one (undefined: stop comparing); sent at once. */
  setCompare(compare: ComparedRun | undefined): void {
    this.compare = compare;
    this.stream.send((seq) => (compare === undefined ? { type: 'dashboard/compare', seq } : { type: 'dashboard/compare', seq, compare }));
  }

  /**
   * The run ended without a result (the connection to its coordinator was lost, or the result never came): status
   * `error`, the clock stopped, and the reason among the warnings, sent at once. Later pushes are ignored.
   */
  markLost(reason: string): void {
    if (this.finished || this.disposed || this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.status = 'error';
    this.endedAt = this.now();
    this.warnings.note(`the run was lost: ${reason}`);
    this.stream.changed();
    this.stream.flush();
  }

  /** Why the run was lost, if it was (see markLost). */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** Sends the pending update now, whatever the throttle. */
  flush(): void {
    this.stream.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.stream.close();
  }

  private addPoint(point: SeriesPoint): void {
    this.origin ??= this.startedAt !== undefined ? Math.min(secondOfTime(this.startedAt), point.second) : point.second;
    const second = point.second - this.origin;
    if (second < 0) {
      // The page takes no negative seconds; the result at the end has this second, and rebuilds the points.
      this.beforeStart++;
      return;
    }
    let change;
    try {
      change = this.store.put({ second, revision: point.revision, snapshot: this.cap.apply(point.snapshot), agents: point.agents });
    } catch {
      // A histogram that does not decode: the coordinator merged it, so this should not happen; count, not crash.
      this.unreadable++;
      this.stream.changed();
      return;
    }
    if (change.outcome === 'added') this.secondsAdded++;
    if (change.outcome === 'added' || change.outcome === 'replaced') {
      if (second >= (this.store.latestSecond ?? second)) this.roster.notePoint(point.agents);
      for (const a of point.agents) this.peakUtilization = Math.max(this.peakUtilization, utilizationOf(a.utilization));
      this.peakActive = Math.max(this.peakActive, point.snapshot.users.active);
    }
    for (const p of change.points) this.pendingSeconds.add(p.second);
    if (change.compacted) this.pendingCompaction = true;
    if (change.outcome !== 'duplicate') this.stream.changed();
  }

  private addEvent(event: RunEvent): void {
    this.warnings.add(event);
    this.roster.noteEvent(event);
    if (event.kind === 'status') {
      this.status = event.status;
      if (event.status === 'running') this.startedAt ??= event.at;
    }
    this.stream.changed();
  }

  private finish(result: RunResultData): void {
    this.result = result;
    this.status = runStatusOf(result);
    this.startedAt = result.startedAt;
    this.endedAt = result.endedAt;
    for (const event of result.events) this.roster.noteEvent(event);
    const complete =
      this.origin === originOfResult(result) &&
      this.secondsAdded === result.series.length &&
      this.store.stats().late === 0 &&
      this.unreadable === 0 &&
      this.beforeStart === 0;
    if (complete) {
      this.stream.changed();
      this.stream.flush();
      return;
    }
    // Rebuild from the result: fresh cap and store, so names and points are exactly those of the whole run.
    try {
      const cap = new NameCap(this.cap.cap);
      this.store = replaySeries(result, cap, new SeriesStore(this.storeOptions));
      this.cap = cap;
    } catch (error) {
      this.resultProblem = `the run's result could not be read (${(error as Error).message}): the figures are those received live`;
    }
    this.origin = originOfResult(result);
    this.unreadable = 0;
    this.beforeStart = 0;
    this.pendingSeconds.clear();
    this.pendingCompaction = false;
    this.stream.send((seq) => ({ type: 'dashboard/snapshot', seq, protocol: DASHBOARD_PROTOCOL_VERSION, view: this.view() }), { replacesPending: true });
  }

  private elapsedMs(): number {
    if (this.startedAt === undefined) return 0;
    return Math.max(0, (this.endedAt ?? this.now()) - this.startedAt);
  }

  private computeTables(): DashboardTables {
    let tables: DashboardTables | undefined;
    if (this.result && this.resultProblem === undefined) {
      try {
        tables = finishedTables(this.result, this.cap, this.extraWarnings());
      } catch (error) {
        this.resultProblem = `the run's result could not be read (${(error as Error).message}): the figures are those received live`;
      }
    }
    if (tables === undefined) {
      const total = this.store.total();
      tables = buildTables({
        status: this.status,
        elapsedMs: this.elapsedMs(),
        total: total.snapshot,
        histograms: total.histograms,
        peakUtilization: this.peakUtilization,
        peakActive: this.peakActive,
        agents: this.roster.liveRows(),
        cap: this.cap,
        thresholds: this.result?.thresholds ?? [],
        warnings: [...this.warnings.sentences(), ...this.extraWarnings()],
      });
      this.recentP99 = mergedLatency(this.store.recentSnapshots(HEADLINE_P99_SECONDS))?.p99 ?? null;
    }
    this.tables = tables;
    return tables;
  }

  private extraWarnings(): string[] {
    const out: string[] = [];
    if (this.unreadable > 0) out.push(`${this.unreadable} point${this.unreadable === 1 ? '' : 's'} of the series could not be read and were left out`);
    const late = this.store.stats().late;
    if (this.resultProblem !== undefined) out.push(this.resultProblem);
    if (late > 0 && !this.result) out.push(`${late} late revision${late === 1 ? '' : 's'} of seconds older than the live window were not applied to the chart`);
    return out;
  }

  /** The update of everything changed since the last message (called by the stream, at most once per throttle). */
  private buildUpdate(seq: number): UpdateMessage {
    const tables = this.computeTables();
    const points: DashboardPoint[] = [];
    for (const second of [...this.pendingSeconds].sort((a, b) => a - b)) {
      const point = this.store.finePoint(second);
      if (point) points.push(point);
    }
    const message: UpdateMessage = { type: 'dashboard/update', seq, points, tables };
    if (this.pendingCompaction && this.store.fineStart !== undefined) message.compacted = { upTo: this.store.fineStart, points: this.store.coarsePoints() };
    if (this.endedAt !== undefined) message.endedAt = this.endedAt;
    this.pendingSeconds.clear();
    this.pendingCompaction = false;
    return message;
  }
}
