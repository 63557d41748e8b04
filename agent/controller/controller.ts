/**
 * The local controller, as amoc's: runs one scenario on this node — `init` once, users spawned at a rate with
 * unique ids, added and removed while running, variables updated at runtime, `terminate` once at the end — and
 * reports its status (idle, running, terminating, finished, error).
 *
 * Removal takes queued (not yet started) users first, then running users with the highest ids (the most recent
 * first, which is what a ramp down expects). A removed user is no longer counted, so two removals in a row never
 * pick the same user. Graceful removal asks users to finish (`stopSignal`) and aborts those still running after
 * the grace period (2 s); forced removal aborts at once. A user that ignores its abort is abandoned after
 * `abandonAfterMs`: it stops counting and its connections are closed.
 */
import { EventEmitter } from 'node:events';
import type { InitContext } from '../api';
import { isAbortError, RookeryError } from '../common/errors';
import type { MetricsRecorder } from '../metrics/recorder';
import type { UserMessageEnvelope } from '../protocol/cluster';
import type { ControllerStatus } from '../protocol/run-state';
import { DEFAULT_USER_RATE } from '../protocol/plan';
import { SharedPools } from '../protocols/http';
import type { LoadedScenario } from '../scenario/load';
import { scenarioFrame } from '../scenario/stack';
import type { VariableStore } from '../variables/store';
import { VirtualUser, type UserRuntime } from '../users/virtual-user';
import { Spawner } from './spawner';

export interface ControllerOptions {
  nodeId: string;
  loaded: LoadedScenario;
  variables: VariableStore;
  recorder: MetricsRecorder;
  /** Users per minute; default 1200. */
  userRate?: number;
  /** Replace users that finish (or fail) by new ones, keeping the count. */
  maintain?: boolean;
  /** How long graceful removal waits before aborting; default 2000 ms (amoc's). */
  gracePeriodMs?: number;
  /** How long an aborted user may take to settle before it is abandoned; default 1000 ms. */
  abandonAfterMs?: number;
  /**
   * Where messages to users this node does not run go (another worker or agent). Without it, they are dropped
   * and counted, as on a single node.
   */
  route?: (message: UserMessageEnvelope) => void;
}

/** Counters of user messages, in the run's custom counters. */
export const MESSAGE_COUNTERS = { sent: 'rookery.messages.sent', delivered: 'rookery.messages.delivered', dropped: 'rookery.messages.dropped' } as const;

interface Slot {
  user: VirtualUser;
  /** Set once the user was removed or stopped (not to be replaced, counted as stopped). */
  removed: boolean;
  settled: boolean;
  abortTimer?: NodeJS.Timeout;
  abandonTimer?: NodeJS.Timeout;
}

export interface RemoveResult {
  /** Queued users cancelled before they started. */
  cancelled: number;
  /** Running users asked to stop. */
  stopped: number;
}

type Events = { status: [ControllerStatus]; 'user-error': [{ userId: number; message: string; where?: string }]; idle: [] };

export class Controller extends EventEmitter<Events> {
  private state: ControllerStatus = { status: 'idle' };
  private readonly users = new Map<number, Slot>();
  private readonly spawner: Spawner;
  private readonly pools = new SharedPools();
  private readonly runtime: UserRuntime<unknown>;
  private readonly runAbort = new AbortController();
  private scenarioState: unknown;
  private nextId = 1;
  private maintain: boolean;
  private readonly grace: number;
  private readonly abandonAfter: number;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ControllerOptions) {
    super();
    this.maintain = options.maintain ?? false;
    this.grace = options.gracePeriodMs ?? 2000;
    this.abandonAfter = options.abandonAfterMs ?? 1000;
    this.spawner = new Spawner(options.userRate ?? DEFAULT_USER_RATE, (id) => this.spawn(id));
    const recorder = options.recorder;
    this.runtime = {
      vars: options.variables.view(),
      sink: recorder,
      metrics: recorder.userMetrics(),
      check: (name, ok) => recorder.check(name, ok),
      pools: this.pools,
      send: (from, to, data) => this.send(from, to, data),
    };
  }

  status(): ControllerStatus {
    if (this.state.status === 'running') {
      return {
        ...this.state,
        runningUsers: this.runningUsers,
        highestUserId: this.nextId - 1,
        userRate: this.spawner.userRate,
        pendingUsers: this.spawner.pending,
      };
    }
    if (this.state.status === 'terminating') return { ...this.state, runningUsers: this.runningUsers };
    return this.state;
  }

  /** Users whose `start` is running (removed and abandoned users excluded). */
  get runningUsers(): number {
    let n = 0;
    for (const slot of this.users.values()) if (!slot.removed) n++;
    return n;
  }

  /** Running plus queued users: the count a load shape steers. */
  get targetUsers(): number {
    return this.runningUsers + this.spawner.pending;
  }

  /** Runs `init`, then queues users 1..users at the user rate. Throws (status `error`) if init throws. */
  async start(users: number): Promise<void> {
    if (this.state.status !== 'idle') throw this.stateError('start');
    const scenarioName = this.options.loaded.compiled.file;
    const { scenario } = this.options.loaded;
    const ctx: InitContext<unknown> = {
      vars: this.runtime.vars,
      nodeId: this.options.nodeId,
      signal: this.runAbort.signal,
      metrics: this.runtime.metrics,
    };
    try {
      this.scenarioState = scenario.init ? await scenario.init(ctx as InitContext<never>) : undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.setState({ status: 'error', reason: `init threw: ${message}` });
      throw new RookeryError('ROOKERY_SCENARIO_INIT', `the scenario's init() threw: ${message}`, {
        where: scenarioFrame(error, this.options.loaded.compiled.sources) ?? scenarioName,
        hint: 'no user was started; fix init() and run again',
        cause: error,
      });
    }
    this.setState({ status: 'running', scenario: scenarioName, runningUsers: 0, highestUserId: 0, userRate: this.spawner.userRate, pendingUsers: 0 });
    this.add(users);
  }

  /**
   * Queues users with ids chosen elsewhere (a coordinator hands each node contiguous ranges, unique across the
   * cluster). Later `add(n)` calls continue after the highest id seen.
   */
  addIds(ranges: readonly { from: number; to: number }[]): void {
    if (this.state.status !== 'running') throw this.stateError('add users');
    for (const { from, to } of ranges) {
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from) {
        throw new RookeryError('ROOKERY_USAGE', `invalid user id range ${from}..${to}`);
      }
      this.spawner.enqueue(from, to);
      this.nextId = Math.max(this.nextId, to + 1);
    }
  }

  /** Queues `n` users with the next ids. */
  add(n: number): { from: number; to: number } {
    if (this.state.status !== 'running') throw this.stateError('add users');
    if (!Number.isInteger(n) || n < 0) throw new RookeryError('ROOKERY_USAGE', `cannot add ${n} users: give a non-negative integer`);
    const from = this.nextId;
    this.nextId += n;
    if (n > 0) this.spawner.enqueue(from, from + n - 1);
    return { from, to: from + n - 1 };
  }

  remove(n: number, options: { force?: boolean } = {}): RemoveResult {
    if (this.state.status !== 'running') throw this.stateError('remove users');
    if (!Number.isInteger(n) || n < 0) throw new RookeryError('ROOKERY_USAGE', `cannot remove ${n} users: give a non-negative integer`);
    const cancelled = this.spawner.cancel(n);
    let stopped = 0;
    const ids = [...this.users.keys()].sort((a, b) => b - a);
    for (const id of ids) {
      if (cancelled + stopped >= n) break;
      const slot = this.users.get(id)!;
      if (slot.removed) continue;
      this.stopUser(slot, options.force ?? false);
      stopped++;
    }
    this.checkIdle();
    return { cancelled, stopped };
  }

  setUserRate(usersPerMinute: number): void {
    if (!(usersPerMinute >= 0)) throw new RookeryError('ROOKERY_USAGE', `invalid user rate ${usersPerMinute}: give users per minute >= 0`);
    this.spawner.setRate(usersPerMinute);
  }

  /** Applies runtime variable updates (all or nothing); rejected updates throw with every problem listed. */
  async updateVariables(changes: Record<string, unknown>): Promise<string[]> {
    if (this.state.status !== 'running' && this.state.status !== 'idle') throw this.stateError('update variables');
    const { applied, problems } = await this.options.variables.update(changes);
    if (problems.length > 0) {
      throw new RookeryError('ROOKERY_UPDATE', applied.length > 0 ? 'variables updated, but some update hooks failed' : 'variable update rejected', {
        problems: problems.map((p) => ({ where: p.variable, message: p.reason })),
      });
    }
    return applied;
  }

  /**
   * Sends a message from a user (or from outside one) to user `to`: delivered here when `to` runs on this node,
   * else routed (see the `route` option), else dropped. Data is copied as JSON, as it would be across machines.
   */
  send(from: number | undefined, to: number, data: unknown): void {
    if (!Number.isSafeInteger(to) || to < 1) throw new TypeError(`send(): the recipient must be a user id (an integer >= 1), got ${String(to)}`);
    let json: string | undefined;
    try {
      json = JSON.stringify(data);
    } catch (error) {
      throw new TypeError(`send(): the message must be JSON data: ${(error as Error).message}`);
    }
    const message: UserMessageEnvelope = { to, data: json === undefined ? null : JSON.parse(json) };
    if (from !== undefined) message.from = from;
    this.options.recorder.counter(MESSAGE_COUNTERS.sent, 1);
    if (this.users.has(to) || !this.options.route) this.deliver(message);
    else this.options.route(message);
  }

  /** A message for one of this node's users: into its inbox, or dropped and counted if it is not running. */
  deliver(message: UserMessageEnvelope): void {
    const slot = this.users.get(message.to);
    const delivered = slot !== undefined && !slot.removed && slot.user.deliver({ ...(message.from === undefined ? {} : { from: message.from }), data: message.data, receivedAt: Date.now() });
    this.options.recorder.counter(delivered ? MESSAGE_COUNTERS.delivered : MESSAGE_COUNTERS.dropped, 1);
  }

  /**
   * Ends the run: cancels queued users, asks running users to finish (aborting them after the grace period, or at
   * once with `force`), waits for them, runs `terminate`. Calling it again while stopping may escalate to force.
   */
  stop(options: { force?: boolean } = {}): Promise<void> {
    if (this.stopping) {
      if (options.force) for (const slot of this.users.values()) this.abortUser(slot);
      return this.stopping;
    }
    if (this.state.status === 'idle' || this.state.status === 'finished' || this.state.status === 'error') {
      this.stopping = Promise.resolve();
      if (this.state.status === 'idle') this.setState({ status: 'finished', scenario: this.options.loaded.compiled.file });
      return this.stopping;
    }
    this.stopping = this.doStop(options.force ?? false);
    return this.stopping;
  }

  private async doStop(force: boolean): Promise<void> {
    const scenarioName = this.options.loaded.compiled.file;
    this.setState({ status: 'terminating', scenario: scenarioName, runningUsers: this.runningUsers });
    this.spawner.stop();
    this.maintain = false;
    for (const slot of this.users.values()) this.stopUser(slot, force);
    await this.allSettled();
    this.runAbort.abort();
    const { scenario } = this.options.loaded;
    try {
      if (scenario.terminate) await scenario.terminate(this.scenarioState);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.emit('user-error', { userId: 0, message: `terminate threw: ${message}`, where: scenarioFrame(error, this.options.loaded.compiled.sources) });
    }
    await this.pools.close();
    this.setState({ status: 'finished', scenario: scenarioName });
  }

  private allSettled(): Promise<void> {
    if (this.users.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.users.size === 0) {
          this.off('idle', check);
          resolve();
        }
      };
      this.on('idle', check);
    });
  }

  private spawn(id: number): void {
    const user = new VirtualUser(id, this.runtime as UserRuntime<Record<string, unknown>>);
    const slot: Slot = { user, removed: false, settled: false };
    this.users.set(id, slot);
    this.options.recorder.userStarted();
    let run: Promise<void>;
    try {
      run = Promise.resolve(this.options.loaded.scenario.start(user, this.scenarioState));
    } catch (error) {
      run = Promise.reject(error);
    }
    run.then(
      () => this.settle(slot, undefined),
      (error: unknown) => this.settle(slot, error ?? new Error('user threw undefined')),
    );
  }

  private settle(slot: Slot, error: unknown): void {
    if (slot.settled) return;
    slot.settled = true;
    clearTimeout(slot.abortTimer);
    clearTimeout(slot.abandonTimer);
    const recorder = this.options.recorder;
    if (slot.removed || slot.user.aborted) {
      recorder.userStopped();
    } else if (error === undefined) {
      recorder.userFinished();
    } else if (isAbortError(error) && slot.user.stopping) {
      recorder.userStopped();
    } else {
      const message = error instanceof Error ? error.message : String(error);
      const where = scenarioFrame(error, this.options.loaded.compiled.sources);
      recorder.userFailed(message, where);
      this.emit('user-error', { userId: slot.user.id, message, where });
    }
    void slot.user.dispose();
    this.users.delete(slot.user.id);
    if (!slot.removed && this.maintain && this.state.status === 'running') this.add(1);
    this.checkIdle();
  }

  private stopUser(slot: Slot, force: boolean): void {
    if (!slot.removed) {
      slot.removed = true;
      slot.user.requestStop();
    }
    if (force) this.abortUser(slot);
    else if (!slot.abortTimer) slot.abortTimer = setTimeout(() => this.abortUser(slot), this.grace);
  }

  private abortUser(slot: Slot): void {
    slot.removed = true;
    clearTimeout(slot.abortTimer);
    slot.user.abort();
    if (!slot.abandonTimer) slot.abandonTimer = setTimeout(() => this.settle(slot, undefined), this.abandonAfter);
  }

  private checkIdle(): void {
    if (this.users.size === 0 && this.spawner.pending === 0) this.emit('idle');
  }

  private setState(state: ControllerStatus): void {
    this.state = state;
    this.emit('status', this.status());
  }

  private stateError(action: string): RookeryError {
    return new RookeryError('ROOKERY_STATE', `cannot ${action} while the controller is ${this.state.status}`);
  }
}
