/**
 * Following one run the extension started, from the start request to its end: the phase behind the
 * `rookery.runState` context key (starting → running → stopping → idle), the run's LiveRun fed with the
 * coordinator's pushes, the throttled headline of the sidebar and status bar, and the run's outcome.
 *
 * No run is left hanging in "running": it ends with its result (`run/finished`), or is marked lost when the
 * connection to the coordinator closes, or when the coordinator reports the run over (or gone) and its result does
 * not follow within a deadline. Pushes that arrive while the start request is in flight — before the run id is
 * known — are kept (bounded) and replayed into the run once it is.
 */
import type { ControlPush, RunResultData, RunStatusName } from '../../agent/protocol/control';
import { LiveRun, type LiveRunOptions, type RunHeadline } from './live-run';

export type RunPhase = 'idle' | 'starting' | 'running' | 'stopping';

export type RunOutcome =
  | { kind: 'finished'; result: RunResultData }
  | { kind: 'lost'; reason: string }
  | { kind: 'not-started'; error: unknown };

export interface RunFollowerOptions {
  title: string;
  nameCap?: number;
  /** After the coordinator reports the run over or gone, how long its result may take to arrive (10 s). */
  resultDeadlineMs?: number;
  /** At most one headline per this (1 s). */
  headlineMs?: number;
  /** Pushes kept while the run id is unknown (2,000). */
  bufferLimit?: number;
  /** Passed to the LiveRun (its store and throttle). */
  live?: Pick<LiveRunOptions, 'store' | 'throttleMs' | 'now' | 'onError'>;
}

export interface RunFollowerListener {
  phase?(phase: RunPhase): void;
  headline?(headline: RunHeadline | undefined): void;
  /** The run followed has been created (start-run answered). */
  started?(live: LiveRun): void;
  end?(outcome: RunOutcome): void;
}

const ENDED: ReadonlySet<RunStatusName> = new Set(['finished', 'error', 'idle']);

export class RunFollower {
  private phaseNow: RunPhase = 'starting';
  private liveRun: LiveRun | undefined;
  private result: RunOutcome | undefined;
  private buffer: ControlPush[] = [];
  private lostHeadline: RunHeadline | undefined;
  private readonly headlineMs: number;
  private readonly resultDeadlineMs: number;
  private readonly bufferLimit: number;
  private ticker: NodeJS.Timeout | undefined;
  private trailing: NodeJS.Timeout | undefined;
  private lastHeadlineAt = -Infinity;
  private resultTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly options: RunFollowerOptions,
    private readonly listener: RunFollowerListener = {},
  ) {
    this.headlineMs = options.headlineMs ?? 1000;
    this.resultDeadlineMs = options.resultDeadlineMs ?? 10_000;
    this.bufferLimit = options.bufferLimit ?? 2000;
  }

  get phase(): RunPhase {
    return this.phaseNow;
  }

  get live(): LiveRun | undefined {
    return this.liveRun;
  }

  get outcome(): RunOutcome | undefined {
    return this.result;
  }

  get lost(): boolean {
    return this.result?.kind === 'lost';
  }

  /** The headline now: frozen at the moment a lost run was lost. */
  headline(): RunHeadline | undefined {
    return this.lostHeadline ?? this.liveRun?.headline();
  }

  /** Every push of the coordinator's control connection (other runs' pushes are ignored). */
  push(push: ControlPush): void {
    if (this.disposed || this.result !== undefined) return;
    const live = this.liveRun;
    if (live === undefined) {
      if (push.type === 'control/reply') return;
      this.buffer.push(push);
      if (this.buffer.length > this.bufferLimit) this.buffer.shift();
      return;
    }
    this.apply(live, push, false);
  }

  /** The start request was answered: follow `runId` from now, pushes received meanwhile included. */
  started(runId: string, startedAt?: number): LiveRun {
    if (this.liveRun) throw new Error(`already following run ${this.liveRun.runId}`);
    const live = new LiveRun({ runId, title: this.options.title, nameCap: this.options.nameCap, ...(startedAt === undefined ? {} : { startedAt }), ...this.options.live });
    this.liveRun = live;
    this.listener.started?.(live);
    this.setPhase('running');
    const buffered = this.buffer;
    this.buffer = [];
    // Statuses from before the reply may not list the run yet: only the run's own word can say it has ended.
    for (const push of buffered) if (this.result === undefined) this.apply(live, push, true);
    if (this.result === undefined) this.ticker = setInterval(() => this.emitHeadline(), this.headlineMs);
    this.emitHeadline();
    return live;
  }

  /** The start failed (compile error, refused request...): nothing to follow. */
  startFailed(error: unknown): void {
    if (this.result !== undefined) return;
    this.buffer = [];
    this.end({ kind: 'not-started', error });
  }

  /** A stop was asked for: the Stop button gives way to Force Stop. */
  stopRequested(): void {
    if (this.result === undefined && this.liveRun) this.setPhase('stopping');
  }

  /** The stop request failed; the run goes on as far as we know. */
  stopFailed(): void {
    if (this.result === undefined && this.phaseNow === 'stopping' && this.liveRun?.headline().status === 'running') this.setPhase('running');
  }

  /** The control connection closed: a run that has not ended is lost (its agents stop their users by themselves). */
  disconnected(reason: string): void {
    if (this.result !== undefined || this.liveRun === undefined) return; // while starting, the start request fails
    this.markLost(`the connection to the coordinator was lost during the run (${reason})`);
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimers();
  }

  private apply(live: LiveRun, push: ControlPush, replay: boolean): void {
    if (!live.handle(push)) {
      if (push.type === 'cluster/status' && !replay) this.armResultDeadline(true);
      return;
    }
    if (push.type === 'run/finished') {
      this.end({ kind: 'finished', result: push.result });
      return;
    }
    let status: RunStatusName | undefined;
    if (push.type === 'cluster/status') status = push.status.run?.status;
    else if (push.type === 'run/event' && push.event.kind === 'status') status = push.event.status;
    if (status === undefined) return;
    if (status === 'terminating' && this.phaseNow === 'running') this.setPhase('stopping');
    this.armResultDeadline(ENDED.has(status));
  }

  /** The coordinator says the run is over (or no longer knows it): its result must follow soon, or it is lost. */
  private armResultDeadline(over: boolean): void {
    if (!over) {
      if (this.resultTimer) clearTimeout(this.resultTimer);
      this.resultTimer = undefined;
      return;
    }
    this.resultTimer ??= setTimeout(() => {
      this.resultTimer = undefined;
      if (this.result === undefined) this.markLost(`the coordinator reports the run over, but its result did not arrive within ${Math.round(this.resultDeadlineMs / 1000)} s`);
    }, this.resultDeadlineMs);
  }

  private markLost(reason: string): void {
    const live = this.liveRun;
    if (live) {
      live.markLost(reason);
      this.lostHeadline = live.headline();
    }
    this.end({ kind: 'lost', reason });
  }

  private end(outcome: RunOutcome): void {
    this.result = outcome;
    this.clearTimers();
    this.setPhase('idle');
    this.listener.end?.(outcome);
    if (this.liveRun) this.emitHeadline();
  }

  private setPhase(phase: RunPhase): void {
    if (this.phaseNow === phase) return;
    this.phaseNow = phase;
    this.listener.phase?.(phase);
    if (this.liveRun && this.result === undefined) this.emitHeadline();
  }

  /** At most one headline per `headlineMs`; a change inside the window goes out at its end. */
  private emitHeadline(): void {
    if (this.disposed) return;
    const wait = this.lastHeadlineAt + this.headlineMs - Date.now();
    if (wait > 0) {
      this.trailing ??= setTimeout(() => {
        this.trailing = undefined;
        this.emitHeadline();
      }, wait);
      return;
    }
    this.lastHeadlineAt = Date.now();
    this.listener.headline?.(this.headline());
  }

  private clearTimers(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.resultTimer) clearTimeout(this.resultTimer);
    this.ticker = undefined;
    this.resultTimer = undefined;
    // The trailing headline is kept (unless disposed): the final figures must still go out.
    if (this.disposed && this.trailing) {
      clearTimeout(this.trailing);
      this.trailing = undefined;
    }
  }
}
