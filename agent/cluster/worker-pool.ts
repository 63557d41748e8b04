/**
 * An agent's worker threads for one run: N `worker_threads` Workers (one per core by default), each one node
 * running a share of the agent's users (agent/cluster/worker-main.ts). The pool speaks request/reply to them with
 * ids and a timeout, splits commands into per-worker shares, and merges their per-second snapshots into one agent
 * snapshot per second (agent/cluster/worker-snapshots.ts).
 *
 * Shares: ids in equal contiguous shares, the user rate equally, removals in proportion to the users each worker
 * holds (running + queued, as of its latest report: each reply and a status once a second keep it fresh).
 *
 * A thread that dies (an exception escaping the scenario, an exit) is reported with a `crashed` event and left
 * out from then on; the others keep going. A pool serves one run: `init` state lives in the threads, so a new run
 * gets new threads.
 */
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RookeryError } from '../common/errors';
import type { BarrierFire, BarrierOp, IdRange, ScenarioBundle, ThrottleLease, ThrottleOp, UserMessageEnvelope, VariableValues } from '../protocol/cluster';
import type { FromWorker, ToWorker } from '../protocol/worker';
import { scenarioFrame } from '../scenario/stack';
import { workerEntry } from './worker-entry';
import { replyError, type WorkerData, type WorkerReplyResult, type WorkerStatusReport } from './worker-messages';
import { proportionalShares, splitRanges } from './worker-shares';
import { SecondMerger, type MergedSecond } from './worker-snapshots';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface WorkerPoolOptions {
  /** Threads; default os.availableParallelism(). */
  workers?: number;
  /** Prefix of the workers' node ids (`<name>/worker-<i>`) and the merged snapshots' source; default `agent`. */
  name?: string;
  /** How long a worker may take to answer a request (stop gets the grace period on top); default 30 s. */
  requestTimeoutMs?: number;
  /** How long a second waits for late workers before it is emitted; default 1.5 s. */
  mergeWaitMs?: number;
  /** The thread script; default workerEntry(). */
  script?: string;
}

export interface PoolPrepare {
  scenario: ScenarioBundle;
  variables: VariableValues;
  /** The agent's share of the user rate (users per minute), split equally among the workers. */
  userRate: number;
  maintain: boolean;
  gracePeriodMs?: number;
}

export interface PoolStatus {
  runningUsers: number;
  pendingUsers: number;
  /** Every live worker has no user running or queued. */
  idle: boolean;
  workers: number;
  liveWorkers: number;
}

export interface WorkerCrash {
  worker: number;
  message: string;
  /** `file:line:col` in the scenario, when the error came from its code. */
  where?: string;
  /** Users (running and queued) the worker held when it died. */
  lostUsers: number;
}

export interface PoolUserError {
  worker: number;
  userId: number;
  message: string;
  where?: string;
}

type Events = {
  snapshot: [MergedSecond];
  status: [PoolStatus];
  'user-error': [PoolUserError];
  /** A user message for an id no worker of this agent runs: the agent sends it to the coordinator. */
  send: [UserMessageEnvelope];
  /** A coordination barrier operation from a worker, for the run's coordinator. */
  barrier: [BarrierOp];
  /** A throttle operation from a worker (demand reports summed over the workers), for the run's coordinator. */
  throttle: [ThrottleOp];
  crashed: [WorkerCrash];
};

type Request = ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'requestId'> : never) : never;

interface PendingRequest {
  resolve: (result: WorkerReplyResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Slot {
  index: number;
  thread: Worker;
  live: boolean;
  report: WorkerStatusReport | undefined;
  pending: Map<number, PendingRequest>;
  error: unknown;
  /** The user ids this worker was given, to route user messages to it. */
  ranges: IdRange[];
}

function usersOf(report: WorkerStatusReport | undefined): { running: number; pending: number } {
  const status = report?.status;
  if (status?.status === 'running') return { running: status.runningUsers, pending: status.pendingUsers };
  if (status?.status === 'terminating') return { running: status.runningUsers, pending: 0 };
  return { running: 0, pending: 0 };
}

export class WorkerPool extends EventEmitter<Events> {
  readonly size: number;
  readonly name: string;
  private readonly slots: Slot[];
  private readonly demands = new Map<string, number>();
  private demandTimer: NodeJS.Timeout | undefined;
  private readonly merger: SecondMerger;
  private readonly requestTimeoutMs: number;
  private nextRequestId = 1;
  private sources: readonly string[] = [];
  private gracePeriodMs = 2000;
  private prepared = false;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(options: WorkerPoolOptions = {}) {
    super();
    const size = options.workers ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) throw new RookeryError('ROOKERY_USAGE', `invalid worker count ${size}: give an integer >= 1`);
    this.size = size;
    this.name = options.name ?? 'agent';
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.merger = new SecondMerger({
      workers: Array.from({ length: size }, (_, i) => i),
      source: this.name,
      waitMs: options.mergeWaitMs,
      emit: (merged) => this.emit('snapshot', merged),
      onError: (error, worker) => process.emitWarning(`rookery: dropped a bad snapshot of worker ${worker}: ${(error as Error)?.message ?? String(error)}`),
    });
    const script = options.script ?? workerEntry();
    this.slots = [];
    for (let index = 0; index < size; index++) {
      const data: WorkerData = { index, workers: size };
      let thread: Worker;
      try {
        thread = new Worker(script, { workerData: data });
      } catch (error) {
        // No half-made pool: the threads already started would otherwise outlive it.
        for (const slot of this.slots) void slot.thread.terminate();
        throw error;
      }
      const slot: Slot = { index, thread, live: true, report: undefined, pending: new Map(), error: undefined, ranges: [] };
      slot.thread.on('message', (message: FromWorker) => this.onMessage(slot, message));
      slot.thread.on('error', (error) => {
        slot.error = error;
      });
      slot.thread.on('exit', (code) => this.onExit(slot, code));
      this.slots.push(slot);
    }
  }

  get liveWorkers(): number {
    return this.live().length;
  }

  status(): PoolStatus {
    let runningUsers = 0;
    let pendingUsers = 0;
    let idle = true;
    const live = this.live();
    for (const slot of live) {
      const users = usersOf(slot.report);
      runningUsers += users.running;
      pendingUsers += users.pending;
      if (slot.report && !slot.report.idle) idle = false;
    }
    return { runningUsers, pendingUsers, idle, workers: this.size, liveWorkers: live.length };
  }

  /**
   * Loads the scenario and runs `init` in every worker. If any fails, the workers that did prepare are stopped
   * (their `terminate` runs), every thread ends, and the first failure (by worker index) is thrown.
   */
  async prepare(options: PoolPrepare): Promise<void> {
    if (this.prepared || this.closing) throw new RookeryError('ROOKERY_STATE', 'this worker pool has already served a run');
    this.prepared = true;
    this.sources = options.scenario.sources;
    this.gracePeriodMs = options.gracePeriodMs ?? this.gracePeriodMs;
    const live = this.live();
    const results = await Promise.allSettled(
      live.map((slot) =>
        this.request(slot, {
          type: 'worker/prepare',
          nodeId: `${this.name}/worker-${slot.index}`,
          scenario: options.scenario,
          variables: options.variables,
          userRate: options.userRate / live.length,
          maintain: options.maintain,
          gracePeriodMs: options.gracePeriodMs,
        }),
      ),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (live.length === 0 || failure) {
      const ready = live.filter((slot, i) => results[i]!.status === 'fulfilled' && slot.live);
      await Promise.allSettled(ready.map((slot) => this.request(slot, { type: 'worker/stop', force: true }, this.stopTimeout())));
      await this.close();
      throw failure?.reason ?? new RookeryError('ROOKERY_INTERNAL', 'no worker thread is alive');
    }
  }

  /** Starts these users: the ids in equal contiguous shares across the live workers. */
  async addUsers(ranges: readonly IdRange[]): Promise<void> {
    const live = this.liveOrThrow();
    const shares = splitRanges(ranges, live.length);
    live.forEach((slot, i) => slot.ranges.push(...shares[i]!));
    await this.all(live.map((slot, i) => (shares[i]!.length > 0 ? this.request(slot, { type: 'worker/add-users', ranges: shares[i]! }) : undefined)));
  }

  /** Removes `count` users, from each worker in proportion to the users it holds. */
  async removeUsers(count: number, force: boolean): Promise<void> {
    const live = this.liveOrThrow();
    const weights = live.map((slot) => {
      const users = usersOf(slot.report);
      return users.running + users.pending;
    });
    const shares = proportionalShares(count, weights);
    await this.all(live.map((slot, i) => (shares[i]! > 0 ? this.request(slot, { type: 'worker/remove-users', count: shares[i]!, force }) : undefined)));
  }

  /** Applies verified variable updates in every worker (each runs the update hooks in its own thread). */
  async updateVariables(changes: VariableValues): Promise<void> {
    await this.all(this.liveOrThrow().map((slot) => this.request(slot, { type: 'worker/update-variables', changes })));
  }

  /** The agent's new user rate (users per minute), split equally. */
  async setRate(total: number): Promise<void> {
    if (!(total >= 0)) throw new RookeryError('ROOKERY_USAGE', `invalid user rate ${total}: give users per minute >= 0`);
    const live = this.liveOrThrow();
    await this.all(live.map((slot) => this.request(slot, { type: 'worker/set-rate', userRate: total / live.length })));
  }

  /**
   * Stops every live worker (users asked to finish, or aborted with `force`; then `terminate`), then emits every
   * second still waiting: when this resolves, the last snapshots have been emitted. Throws the first failure after
   * the others have stopped. Calling it again with `force` escalates a graceful stop in progress.
   */
  async stop(force: boolean): Promise<void> {
    const live = this.live();
    try {
      await this.all(live.map((slot) => this.request(slot, { type: 'worker/stop', force }, this.stopTimeout())));
    } finally {
      this.merger.flush();
    }
  }

  /** Ends every thread at once (pending requests fail). */
  close(): Promise<void> {
    clearTimeout(this.demandTimer);
    if (!this.closed) {
      this.closing = true;
      this.merger.close();
      for (const slot of this.slots) this.failPending(slot, new RookeryError('ROOKERY_STATE', 'the worker pool was closed'));
      this.closed = Promise.all(this.slots.map((slot) => slot.thread.terminate().catch(() => undefined))).then(() => undefined);
    }
    return this.closed;
  }

  private live(): Slot[] {
    return this.slots.filter((slot) => slot.live);
  }

  private liveOrThrow(): Slot[] {
    if (this.closing) throw new RookeryError('ROOKERY_STATE', 'the worker pool is closed');
    const live = this.live();
    if (live.length === 0) throw new RookeryError('ROOKERY_STATE', 'no worker thread of this agent is alive');
    return live;
  }

  private stopTimeout(): number {
    // A graceful stop waits up to the grace period, then 1 s for aborted users to settle, then runs terminate.
    return this.requestTimeoutMs + this.gracePeriodMs + 1000;
  }

  /** Waits for every request; throws the first failure (by worker order) once all have settled. */
  private async all(requests: (Promise<WorkerReplyResult> | undefined)[]): Promise<void> {
    const results = await Promise.allSettled(requests.filter((r) => r !== undefined));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private request(slot: Slot, body: Request, timeoutMs = this.requestTimeoutMs): Promise<WorkerReplyResult> {
    return new Promise((resolve, reject) => {
      if (!slot.live || this.closing) {
        reject(new RookeryError('ROOKERY_STATE', `worker ${slot.index} is not running`));
        return;
      }
      const requestId = this.nextRequestId++;
      const timer = setTimeout(() => {
        slot.pending.delete(requestId);
        reject(new RookeryError('ROOKERY_INTERNAL', `worker ${slot.index} did not answer ${body.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      slot.pending.set(requestId, { resolve, reject, timer });
      try {
        slot.thread.postMessage({ ...body, requestId } as ToWorker);
      } catch (error) {
        clearTimeout(timer);
        slot.pending.delete(requestId);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case 'worker/reply': {
        const request = slot.pending.get(message.requestId);
        if (!request) return; // timed out already
        slot.pending.delete(message.requestId);
        clearTimeout(request.timer);
        if (message.ok) {
          const result = message.result as WorkerReplyResult;
          this.updateReport(slot, { status: result.status, idle: result.idle });
          request.resolve(result);
        } else {
          request.reject(replyError(message, this.size > 1 ? `worker ${slot.index}: ` : ''));
        }
        return;
      }
      case 'worker/snapshot':
        this.merger.add({ worker: slot.index, second: message.second, snapshot: message.snapshot, figures: message.figures });
        return;
      case 'worker/status':
        this.updateReport(slot, { status: message.status, idle: message.idle });
        return;
      case 'worker/user-error':
        this.emit('user-error', { worker: slot.index, userId: message.userId, message: message.message, where: message.where });
        return;
      case 'worker/send':
        this.route(message.message, true);
        return;
      case 'worker/barrier':
        this.emit('barrier', message.op);
        return;
      case 'worker/throttle':
        this.onThrottleOp(slot, message.op);
        return;
    }
  }

  /**
   * A user message: to the worker that was given its id (it delivers, or drops and counts). An id no worker here
   * was given goes to the coordinator (`send` event) when it came from one of our users, else to the first live
   * worker, which counts it as dropped: every message is counted once, by a worker.
   */
  /** The agent's share of a throttle, split over the live workers in whole executions (the first get the rest). */
  leaseThrottle(lease: ThrottleLease): void {
    const live = this.slots.filter((slot) => slot.live);
    live.forEach((slot, i) => {
      const rate = lease.rate === Infinity ? Infinity : Math.floor(lease.rate / live.length) + (i < lease.rate % live.length ? 1 : 0);
      slot.thread.postMessage({ type: 'worker/throttle-lease', lease: { ...lease, rate } } satisfies ToWorker);
    });
  }

  /** Demand reports of every worker are summed over one second; other operations go up as they are. */
  private onThrottleOp(slot: Slot, op: ThrottleOp): void {
    if (op.kind !== 'demand') {
      // Every worker starts the same throttles in its init: one start per agent is enough.
      if (op.kind === 'start' && slot !== this.slots.find((s) => s.live)) return;
      this.emit('throttle', op);
      return;
    }
    for (const [name, n] of Object.entries(op.demands)) this.demands.set(name, (this.demands.get(name) ?? 0) + n);
    this.demandTimer ??= setTimeout(() => {
      this.demandTimer = undefined;
      const demands = Object.fromEntries(this.demands);
      this.demands.clear();
      this.emit('throttle', { kind: 'demand', demands });
    }, 200);
  }

  /** Runs a coordination action in a live worker (each registered the plan in its init). */
  fireBarrier(fire: BarrierFire): void {
    this.slots.find((slot) => slot.live)?.thread.postMessage({ type: 'worker/barrier-fire', fire } satisfies ToWorker);
  }

  route(message: UserMessageEnvelope, fromHere = false): void {
    const owner = this.slots.find((slot) => slot.live && slot.ranges.some((r) => message.to >= r.from && message.to <= r.to));
    if (!owner && fromHere) {
      this.emit('send', message);
      return;
    }
    const target = owner ?? this.slots.find((slot) => slot.live);
    target?.thread.postMessage({ type: 'worker/deliver', message } satisfies ToWorker);
  }

  private updateReport(slot: Slot, report: WorkerStatusReport): void {
    slot.report = report;
    this.emit('status', this.status());
  }

  private onExit(slot: Slot, code: number): void {
    if (!slot.live) return;
    slot.live = false;
    if (this.closing) return;
    const error = slot.error;
    const reason = error instanceof Error ? error.message : error !== undefined ? String(error) : `exited with code ${code}`;
    const where = scenarioFrame(error, this.sources);
    const crash: WorkerCrash = { worker: slot.index, message: reason, lostUsers: usersOf(slot.report).running + usersOf(slot.report).pending };
    if (where !== undefined) crash.where = where;
    this.failPending(slot, new RookeryError('ROOKERY_INTERNAL', `worker ${slot.index} crashed: ${reason}`, { where }));
    this.merger.removeWorker(slot.index);
    this.emit('crashed', crash);
    this.emit('status', this.status());
  }

  private failPending(slot: Slot, error: Error): void {
    for (const request of slot.pending.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    slot.pending.clear();
  }
}
