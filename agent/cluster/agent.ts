/**
 * The agent role: a process that runs a coordinator's users in worker threads. It speaks the coordinator ↔ agent
 * protocol (agent/protocol/cluster.ts) over whatever Link the transport attaches, runs one run at a time in a
 * WorkerPool made for that run, and reports per-second snapshots, status, user errors and command failures.
 *
 * `init` runs once per worker thread, not once per agent: each thread loads the scenario and keeps its own `init`
 * state, which cannot cross threads (no shared objects, no shared connections). A scenario that needs one thing per
 * agent must tolerate N copies of it.
 *
 * Sessions: `attach` is called once per session (a blip inside a session is the link's business: `down`, then `up`,
 * nothing lost). A NEW session while a run is still going means the coordinator lost us and may already have
 * redistributed our users: that run is stopped. A coordinator silent for `orphanGraceMs` (link `down`, or the
 * session closed) gets the same treatment, so a target is never loaded unattended: graceful first, forced if the
 * users are still there after their grace period.
 *
 * Commands of the current run are applied in order, one at a time; `run/stop` alone jumps the queue (a stop must
 * not wait behind slow update hooks, and a forced stop must be able to cut a graceful one short).
 */
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { RookeryError } from '../common/errors';
import { DEFAULT_ORPHAN_GRACE_MS, type AgentMessage, type AgentUserError, type CoordinatorMessage, type RunPrepare } from '../protocol/cluster';
import { StatusThrottle } from './agent-status';
import type { Link } from './link-types';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool';

/** Live user errors sent per run; the run's summary counts them all. */
const MAX_USER_ERRORS = 20;
/** A stop the agent decided on (orphaned, replaced session) is forced if still going after the grace period + this. */
const FORCE_STOP_AFTER_GRACE_MS = 3000;

export type AgentRunState = 'idle' | 'preparing' | 'running' | 'stopping';

export interface AgentOptions {
  /** Human name (hostname by default at the CLI): worker node ids are `<name>/worker-<i>`. */
  name: string;
  /** Worker threads per run; default os.availableParallelism(). */
  workers?: number;
  /** How long the coordinator may be unreachable before the run's users are stopped; default 30 s. */
  orphanGraceMs?: number;
  /** Makes each run's worker pool (a seam for embedding and tests); default: a real WorkerPool. */
  createPool?: (options: WorkerPoolOptions) => WorkerPool;
  /** Where log lines go; default stderr. */
  log?: (line: string) => void;
}

export interface AgentStatus {
  name: string;
  workers: number;
  state: AgentRunState;
  runId?: string;
  runningUsers: number;
  pendingUsers: number;
  /** A coordinator session is attached and its link is up. */
  connected: boolean;
}

type AgentLink = Link<AgentMessage, CoordinatorMessage>;
type RunCommand = Exclude<CoordinatorMessage, RunPrepare | { type: 'run/stop' }>;

interface Run {
  runId: string;
  link: AgentLink;
  pool: WorkerPool;
  state: Exclude<AgentRunState, 'idle'> | 'ended';
  gracePeriodMs: number;
  /** Settles when prepare has (either way). */
  prepared: Promise<void>;
  /** The tail of the command queue. */
  queue: Promise<void>;
  stopping?: Promise<void>;
  forced: boolean;
  forceTimer?: NodeJS.Timeout;
  userErrors: number;
  status: StatusThrottle;
}

/** Through a function: TypeScript would keep a state narrowed across the awaits that change it. */
function ended(run: Run): boolean {
  return run.state === 'ended';
}

export interface RunFinished {
  runId: string;
  /** `failed`: prepare failed (run/failed was sent); `stopped`: run/stopped was sent. */
  outcome: 'stopped' | 'failed';
}

type Events = { 'run-finished': [RunFinished] };

export class Agent extends EventEmitter<Events> {
  readonly name: string;
  readonly workers: number;
  private readonly orphanGraceMs: number;
  private readonly createPool: (options: WorkerPoolOptions) => WorkerPool;
  private readonly log: (line: string) => void;
  private link: AgentLink | undefined;
  private detach: (() => void) | undefined;
  private run: Run | undefined;
  /** The last run that ended here: a late `run/stop` for it is answered, not ignored. */
  private endedRunId: string | undefined;
  private orphanTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: AgentOptions) {
    super();
    this.name = options.name;
    this.workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(this.workers) || this.workers < 1) {
      throw new RookeryError('ROOKERY_USAGE', `invalid worker count ${this.workers}: give an integer >= 1`, { where: '--workers' });
    }
    this.orphanGraceMs = options.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS;
    this.createPool = options.createPool ?? ((poolOptions) => new WorkerPool(poolOptions));
    this.log = options.log ?? ((line) => process.stderr.write(`rookery agent: ${line}\n`));
  }

  status(): AgentStatus {
    const run = this.run;
    const users = run && run.state !== 'ended' ? run.pool.status() : undefined;
    const status: AgentStatus = {
      name: this.name,
      workers: this.workers,
      state: run && run.state !== 'ended' ? run.state : 'idle',
      runningUsers: users?.runningUsers ?? 0,
      pendingUsers: users?.pendingUsers ?? 0,
      connected: this.link?.connected ?? false,
    };
    if (run && run.state !== 'ended') status.runId = run.runId;
    return status;
  }

  /** Serves a new coordinator session on `link` (replacing the previous one). */
  attach(link: AgentLink): void {
    if (this.closed) throw new RookeryError('ROOKERY_STATE', 'the agent is closed');
    if (link === this.link) return;
    this.detach?.();
    this.link = link;
    this.clearOrphanTimer();
    const run = this.run;
    if (run && run.state !== 'ended') {
      this.log(`a new coordinator session replaced the one that started run ${run.runId}: stopping that run`);
      void this.stopRun(run, false, true);
    }
    const onMessage = (message: CoordinatorMessage) => this.onMessage(link, message);
    const onDown = () => this.startOrphanTimer();
    const onUp = () => this.clearOrphanTimer();
    const onClosed = (reason: string) => {
      if (this.link !== link) return;
      this.log(`coordinator session closed: ${reason}`);
      this.detach?.();
      this.link = undefined;
      this.detach = undefined;
      this.startOrphanTimer();
    };
    link.on('message', onMessage).on('down', onDown).on('up', onUp).on('closed', onClosed);
    this.detach = () => {
      link.off('message', onMessage).off('down', onDown).off('up', onUp).off('closed', onClosed);
    };
    if (!link.connected) this.startOrphanTimer();
  }

  /** Stops the run (forced) after sending its last snapshots, and lets go of the session. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearOrphanTimer();
    const run = this.run;
    if (run && run.state !== 'ended') {
      // A forced stop still waits for a hanging init or a stuck thread; past the grace period, the threads just end.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, run.gracePeriodMs + FORCE_STOP_AFTER_GRACE_MS);
      });
      await Promise.race([this.stopRun(run, true, false), deadline]);
      clearTimeout(timer);
      if (!ended(run)) {
        this.log(`run ${run.runId}: workers did not stop in time; ending their threads`);
        run.link.send({ type: 'run/stopped', runId: run.runId });
        this.endRun(run, 'stopped');
      }
      await run.pool.close();
    }
    this.detach?.();
    this.detach = undefined;
    this.link = undefined;
  }

  private onMessage(link: AgentLink, message: CoordinatorMessage): void {
    if (message.type === 'run/prepare') {
      this.prepare(link, message);
      return;
    }
    const run = this.run;
    if (!run || run.runId !== message.runId || run.state === 'ended') {
      if (message.type === 'run/stop' && message.runId === this.endedRunId) {
        link.send({ type: 'run/stopped', runId: message.runId });
        return;
      }
      this.log(`ignoring ${message.type} for run ${message.runId}: ${run && run.state !== 'ended' ? `this agent is in run ${run.runId}` : 'no run here'}`);
      return;
    }
    if (message.type === 'run/stop') {
      void this.stopRun(run, message.force, false);
      return;
    }
    if (message.type === 'run/deliver') {
      // Not queued behind commands: a message waits for no add or update (the worker counts it either way).
      run.pool.route(message.message);
      return;
    }
    if (message.type === 'run/barrier-fire') {
      run.pool.fireBarrier(message.fire);
      return;
    }
    if (message.type === 'run/throttle-lease') {
      run.pool.leaseThrottle(message.lease);
      return;
    }
    run.queue = run.queue.then(() => this.apply(run, message));
  }

  private prepare(link: AgentLink, message: RunPrepare): void {
    const busy = this.run && this.run.state !== 'ended' ? this.run : undefined;
    if (busy || this.closed) {
      const why = busy ? `this agent is busy with run ${busy.runId}` : 'this agent is shutting down';
      link.send({ type: 'run/failed', runId: message.runId, message: why, code: 'ROOKERY_STATE' });
      return;
    }
    let pool: WorkerPool;
    try {
      pool = this.createPool({ workers: this.workers, name: this.name });
    } catch (error) {
      const failure = failureOf(error);
      link.send({ type: 'run/failed', runId: message.runId, ...failure, message: `could not start worker threads: ${failure.message}` });
      return;
    }
    const run: Run = {
      runId: message.runId,
      link,
      pool,
      state: 'preparing',
      gracePeriodMs: message.gracePeriodMs ?? 2000,
      prepared: Promise.resolve(),
      queue: Promise.resolve(),
      forced: false,
      userErrors: 0,
      // What the coordinator may assume after run/prepared: nothing running, nothing queued.
      status: new StatusThrottle((report) => link.send({ type: 'run/status', runId: message.runId, ...report }), { runningUsers: 0, pendingUsers: 0, idle: true }),
    };
    this.run = run;
    this.listen(run);
    run.prepared = pool
      .prepare({ scenario: message.scenario, variables: message.variables, userRate: message.userRate, maintain: message.maintain, gracePeriodMs: message.gracePeriodMs })
      .then(
        () => {
          if (run.state === 'ended') return;
          if (run.state === 'preparing') run.state = 'running';
          run.link.send({ type: 'run/prepared', runId: run.runId });
        },
        (error: unknown) => {
          if (ended(run)) return; // given up on already (close)
          this.log(`run ${run.runId} failed to prepare: ${failureOf(error).message}`);
          run.link.send({ type: 'run/failed', runId: run.runId, ...failureOf(error) });
          this.endRun(run, 'failed');
        },
      );
    run.queue = run.prepared;
  }

  private listen(run: Run): void {
    const { pool } = run;
    pool.on('snapshot', (merged) => {
      if (run.state === 'ended') return;
      run.link.send({ type: 'run/snapshot', runId: run.runId, second: merged.second, snapshot: merged.snapshot, workers: merged.workers });
    });
    pool.on('status', (status) => {
      if (run.state === 'running') run.status.update(status);
    });
    pool.on('user-error', (e) => {
      if (run.state === 'ended' || run.userErrors >= MAX_USER_ERRORS) return;
      run.userErrors++;
      const message: AgentUserError = { type: 'run/user-error', runId: run.runId, userId: e.userId, message: e.message };
      if (e.where !== undefined) message.where = e.where;
      run.link.send(message);
    });
    pool.on('send', (message) => {
      if (run.state !== 'ended') run.link.send({ type: 'run/send', runId: run.runId, message });
    });
    pool.on('barrier', (op) => {
      if (run.state !== 'ended') run.link.send({ type: 'run/barrier', runId: run.runId, op });
    });
    pool.on('throttle', (op) => {
      if (run.state !== 'ended') run.link.send({ type: 'run/throttle', runId: run.runId, op });
    });
    pool.on('crashed', (crash) => {
      if (run.state === 'ended') return;
      const text = `worker ${crash.worker} crashed: ${crash.message} (${crash.lostUsers} users lost; ${pool.liveWorkers} of ${pool.size} workers left)`;
      this.log(`run ${run.runId}: ${text}`);
      // No user failed, so userId 0 (as a throwing `terminate` is reported); always sent, outside the 20-error cap.
      const message: AgentUserError = { type: 'run/user-error', runId: run.runId, userId: 0, message: text };
      if (crash.where !== undefined) message.where = crash.where;
      run.link.send(message);
    });
  }

  private async apply(run: Run, message: RunCommand): Promise<void> {
    if (run.state !== 'running') {
      if (run.state !== 'ended') this.commandFailed(run, message.type, `the run is ${run.state}`);
      return;
    }
    try {
      switch (message.type) {
        case 'run/add-users':
          await run.pool.addUsers(message.ranges);
          break;
        case 'run/remove-users':
          await run.pool.removeUsers(message.count, message.force);
          break;
        case 'run/update-variables':
          await run.pool.updateVariables(message.changes);
          break;
        case 'run/set-rate':
          await run.pool.setRate(message.userRate);
          break;
        default:
          throw new RookeryError('ROOKERY_INTERNAL', `unknown command ${String((message as { type?: unknown }).type)}`);
      }
    } catch (error) {
      if (run.state === 'running') this.commandFailed(run, message.type, failureOf(error, true).message);
    }
  }

  private commandFailed(run: Run, command: CoordinatorMessage['type'], message: string): void {
    this.log(`run ${run.runId}: ${command} failed: ${message}`);
    run.link.send({ type: 'run/command-failed', runId: run.runId, command, message });
  }

  /**
   * Stops the run once prepare has settled: users finish (or are aborted), the last snapshots go out, then
   * `run/stopped`. `escalate`: the agent decided this itself, so force it if it outlasts the grace period.
   */
  private stopRun(run: Run, force: boolean, escalate: boolean): Promise<void> {
    if (run.stopping) {
      if (force && !run.forced) {
        run.forced = true;
        run.pool.stop(true).catch((error: unknown) => this.log(`run ${run.runId}: forced stop failed: ${failureOf(error).message}`));
      }
      return run.stopping;
    }
    if (run.state === 'ended') return Promise.resolve();
    if (run.state !== 'preparing') run.state = 'stopping';
    run.forced = force;
    run.status.stop();
    if (escalate && !force) {
      run.forceTimer = setTimeout(() => void this.stopRun(run, true, false), run.gracePeriodMs + FORCE_STOP_AFTER_GRACE_MS);
    }
    run.stopping = run.prepared.then(async () => {
      if (run.state === 'ended') return; // prepare failed: run/failed was the answer
      run.state = 'stopping';
      try {
        await run.pool.stop(force);
      } catch (error) {
        this.log(`run ${run.runId}: stopping workers failed: ${failureOf(error).message}`);
      }
      if (ended(run)) return; // given up on already (close)
      run.link.send({ type: 'run/stopped', runId: run.runId });
      this.endRun(run, 'stopped');
    });
    return run.stopping;
  }

  private endRun(run: Run, outcome: RunFinished['outcome']): void {
    if (run.state === 'ended') return;
    run.state = 'ended';
    run.status.stop();
    clearTimeout(run.forceTimer);
    run.pool.removeAllListeners();
    void run.pool.close();
    this.endedRunId = run.runId;
    if (this.run === run) this.run = undefined;
    this.emit('run-finished', { runId: run.runId, outcome });
  }

  private startOrphanTimer(): void {
    if (this.orphanTimer || this.closed) return;
    this.orphanTimer = setTimeout(() => {
      this.orphanTimer = undefined;
      const run = this.run;
      if (!run || run.state === 'ended') return;
      this.log(`coordinator unreachable for ${this.orphanGraceMs} ms: stopping run ${run.runId} so its target is not loaded unattended`);
      void this.stopRun(run, false, true);
    }, this.orphanGraceMs);
  }

  private clearOrphanTimer(): void {
    clearTimeout(this.orphanTimer);
    this.orphanTimer = undefined;
  }
}

/** A failure as run/failed carries it. `withProblems`: the problems appended to the message (command-failed has no field for them). */
function failureOf(error: unknown, withProblems = false): { message: string; where?: string; code?: string } {
  if (error instanceof RookeryError) {
    let message = error.message;
    if (withProblems && error.problems.length > 0) {
      message += `: ${error.problems.map((p) => (p.where ? `${p.where}: ${p.message}` : p.message)).join('; ')}`;
    }
    const out: { message: string; where?: string; code?: string } = { message, code: error.code };
    if (error.where !== undefined) out.where = error.where;
    return out;
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
