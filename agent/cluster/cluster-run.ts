/**
 * One run on a cluster, from the coordinator's side: prepares it on its agents, starts and steers the users
 * (contiguous id ranges split by workers, a load shape, a duration, the end when every agent is idle), applies the
 * cluster-wide commands (add, remove, variables, rate, stop), handles agents lost mid-run by the run's policy,
 * merges the agents' snapshots into the series, and ends with a RunResultData.
 *
 * Lifecycle: idle → preparing → running → terminating → finished, or preparing → error (an agent failed to
 * prepare, was lost, or the run was stopped before it started: no user started anywhere). The Coordinator makes one
 * per run and routes its agents' messages and link events here.
 */
import { EventEmitter } from 'node:events';
import { RookeryError } from '../common/errors';
import { LoadShape, type Steerable } from '../controller/load-shape';
import { stagesToTimeline, timelineDuration } from '../plan/timeline';
import type { AgentMessage, AgentSnapshot, CoordinatorMessage } from '../protocol/cluster';
import type { RunEvent, RunInfo, RunRequest, RunResultData, RunStatusName, SeriesPoint } from '../protocol/control';
import type { TimelinePoint } from '../protocol/plan';
import type { AgentEntry, AgentRegistry } from './agent-registry';
import { splitRate, type IdAssignment } from './id-ranges';
import { IdleWatch } from './idle-watch';
import { OverloadWatch, utilizationOf } from './overload-watch';
import { BarrierHub } from './barrier-hub';
import { ThrottleHub } from './throttle-hub';
import { RunAgents, type RunAgent } from './run-agents';
import { RunCommands } from './run-commands';
import { RunLog } from './run-log';
import { RunPreparation } from './run-preparation';
import { DEFAULT_TIMING, type ClusterTiming } from './cluster-timing';
import { buildRunResult } from './run-result';
import type { RunVariables } from './run-variables';
import { SeriesMerger } from './series';
import { ThresholdWatch, type ThresholdAbort } from './threshold-watch';
import { UserLedger } from './user-ledger';

/** The grace period of graceful removal and stop when the run does not set one (the controller's default). */
const DEFAULT_GRACE_MS = 2000;

export interface ClusterRunOptions {
  runId: string;
  request: RunRequest;
  variables: RunVariables;
  /** The agents to run on, in the order users are split over them. */
  agents: AgentEntry[];
  registry: AgentRegistry;
  now?: () => number;
  timing?: Partial<ClusterTiming>;
}

type Events = { point: [SeriesPoint]; event: [RunEvent]; changed: [] };

export class ClusterRun extends EventEmitter<Events> {
  readonly runId: string;
  readonly request: RunRequest;
  private readonly variables: RunVariables;
  private readonly now: () => number;
  private readonly timing: ClusterTiming;
  private readonly agents: RunAgents;
  /** amoc_coordinator barriers of this run (the scenario's `coordinator`). */
  private readonly barriers: BarrierHub;
  /** amoc_throttle rates of this run and their leases to agents (the scenario's `throttle`). */
  private readonly throttles: ThrottleHub;
  private readonly merger: SeriesMerger;
  private readonly ledger: UserLedger;
  private readonly preparation: RunPreparation;
  private readonly commands: RunCommands;
  private readonly overload = new OverloadWatch();
  /** Only with abortOnFail thresholds. */
  private thresholdWatch: ThresholdWatch | undefined;
  private thresholdAbort: ThresholdAbort | undefined;
  private readonly log: RunLog;
  private readonly timeline: TimelinePoint[] | undefined;
  private state: RunStatusName = 'idle';
  private reason: string | undefined;
  private userRate: number;
  private shape: LoadShape | undefined;
  private startedAt: number | undefined;
  private endReason: RunResultData['endReason'] = 'completed';
  private durationTimer: NodeJS.Timeout | undefined;
  /** Only without stages and `maintain`. */
  private idle: IdleWatch | undefined;
  private stopping: Promise<RunResultData> | undefined;
  private failure: RookeryError | undefined;
  private result: RunResultData | undefined;
  private readonly waiters: { resolve(result: RunResultData): void; reject(error: unknown): void }[] = [];

  /** Throws a RookeryError (ROOKERY_USAGE) on stages that cannot be followed; nothing is sent then. */
  constructor(options: ClusterRunOptions) {
    super();
    this.runId = options.runId;
    this.request = options.request;
    this.variables = options.variables;
    this.now = options.now ?? Date.now;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.userRate = options.request.userRate;
    if (options.request.stages.length > 0) {
      try {
        this.timeline = stagesToTimeline(options.request.users, options.request.stages);
      } catch (error) {
        throw new RookeryError('ROOKERY_USAGE', `invalid stages: ${(error as Error).message}`, { where: 'stages' });
      }
    }
    this.log = new RunLog((event) => this.emit('event', event));
    this.agents = new RunAgents(options.agents, options.registry, (agent, message, error) => {
      // A link that refuses to send is closing; its `closed` event makes the agent lost.
      this.log.warn(`could not send ${message.type} to agent ${agent.entry.name}: ${(error as Error)?.message ?? String(error)}`);
    });
    this.ledger = new UserLedger(options.agents, this.now, this.timing.statusSettleMs);
    this.commands = new RunCommands(this.runId, this.agents, this.ledger, this.variables.store);
    this.merger = new SeriesMerger({ runId: this.runId, now: this.now, graceMs: this.timing.seriesGraceMs });
    this.barriers = new BarrierHub(
      (agentId, fire) => {
        const agent = this.agents.get(agentId);
        if (agent) this.agents.send(agent, { type: 'run/barrier-fire', runId: this.runId, fire });
      },
      (agentId) => this.agents.live().some((a) => a.entry.agentId === agentId),
      (message) => this.log.warn(message),
    );
    this.throttles = new ThrottleHub(
      (agentId, lease) => {
        const agent = this.agents.get(agentId);
        if (agent) this.agents.send(agent, { type: 'run/throttle-lease', runId: this.runId, lease });
      },
      () => this.agents.live().map((a) => ({ agentId: a.entry.agentId, workers: a.entry.workers })),
      (message) => this.log.warn(message),
    );
    this.merger.on('point', (point) => this.emit('point', point));
    this.preparation = new RunPreparation(this.runId, this.agents, this.timing.prepareTimeoutMs, (late) =>
      new RookeryError('ROOKERY_STATE', `agents did not prepare the run within ${this.timing.prepareTimeoutMs / 1000} s: ${late.map((a) => a.entry.name).join(', ')}`, {
        hint: "loading the scenario and running init() on every worker took too long; check init() and the agents' logs",
      }),
    );
  }

  get status(): RunStatusName {
    return this.state;
  }

  /** Preparing, running or terminating: the coordinator takes no other run. */
  get active(): boolean {
    return this.state === 'preparing' || this.state === 'running' || this.state === 'terminating';
  }

  /** Whether `entry` is this run's session of its agent. */
  has(entry: AgentEntry): boolean {
    return this.agents.of(entry) !== undefined;
  }

  /** Sends run/prepare to every agent; resolves once all are prepared, rejects (status error) on any failure. */
  async prepare(): Promise<void> {
    if (this.state !== 'idle') throw this.stateError('prepare');
    this.setStatus('preparing');
    const shares = splitRate(this.userRate, this.ledger.liveAgents());
    for (const agent of this.agents.all()) {
      agent.entry.ranges = [];
      this.merger.expect(agent.entry.agentId, agent.entry.name);
    }
    try {
      await this.preparation.start((_agent, index): CoordinatorMessage => ({
        type: 'run/prepare',
        runId: this.runId,
        scenario: this.request.scenario,
        variables: this.variables.store.values(),
        userRate: shares[index]!.userRate,
        maintain: this.request.maintain,
        ...(this.request.gracePeriodMs === undefined ? {} : { gracePeriodMs: this.request.gracePeriodMs }),
      }));
    } catch (error) {
      this.merger.close();
      this.barriers.close();
      this.throttles.close();
      this.failure = error as RookeryError;
      this.reason = this.failure.message;
      this.setStatus('error', this.reason);
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      throw error;
    }
  }

  /** Starts the users: the load shape, or the initial users; the duration; the end when idle. */
  start(): void {
    if (this.state !== 'preparing' || this.preparation.pending) throw this.stateError('start');
    this.startedAt = this.now();
    this.setStatus('running');
    for (const agent of this.agents.inPhase('prepared')) this.agents.move(agent, 'running', 'running');
    if (this.timeline) {
      const ledger = this.ledger;
      const steer: Steerable = {
        get targetUsers() {
          return ledger.targetUsers;
        },
        add: (n) => this.addUsers(n),
        remove: (n, options) => this.removeUsers(n, options?.force ?? false),
      };
      this.shape = new LoadShape(steer, this.timeline, timelineDuration(this.request.stages, this.request.users));
      this.shape.start(() => void this.stop('completed'));
    } else if (this.request.users > 0) {
      this.addUsers(this.request.users);
    }
    if (this.request.durationMs !== undefined) this.durationTimer = setTimeout(() => void this.stop('duration'), this.request.durationMs);
    if (ThresholdWatch.needed(this.request.thresholds)) {
      this.thresholdWatch = new ThresholdWatch({
        specs: this.request.thresholds!, merger: this.merger, now: this.now,
        onFail: (failed) => this.abortForThreshold(failed), warn: (message) => this.log.warn(message),
      });
      this.thresholdWatch.start(this.startedAt);
    }
    if (!this.timeline && !this.request.maintain) {
      this.idle = new IdleWatch(this.ledger, () => this.agents.live().map((a) => a.entry.agentId), () => void this.stop('completed'));
      this.idle.check();
    }
  }

  /** Adds users with the next ids, to all live agents or the named ones, in proportion to workers. */
  addUsers(count: number, agents?: readonly string[]): IdAssignment[] {
    this.requireRunning('add users');
    const assignments = this.commands.addUsers(count, agents);
    this.idle?.schedule();
    return assignments;
  }

  /** Removes users over the agents in proportion to the users each has (queued first, then the highest ids). */
  removeUsers(count: number, force: boolean): { agentId: string; count: number }[] {
    this.requireRunning('remove users');
    const plan = this.commands.removeUsers(count, force);
    this.idle?.schedule();
    return plan;
  }

  /** Verified in the coordinator first (all or nothing), then sent to every live agent; resolves with the names. */
  updateVariables(changes: Record<string, unknown>): Promise<string[]> {
    this.requireRunning('update variables');
    return this.commands.updateVariables(changes);
  }

  /** Sets the cluster's user rate (users per minute), split over live agents by workers. */
  setRate(userRate: number): { agentId: string; userRate: number }[] {
    this.requireRunning('set the user rate');
    const shares = this.commands.sendRates(userRate);
    this.userRate = userRate;
    return shares;
  }

  /**
   * Ends the run: run/stop to every live agent, waits for each run/stopped (at most the grace period plus
   * stopMarginMs), flushes the series and resolves with the result. Again while stopping, `force` escalates.
   * Stopping a run that is still preparing fails it (no user started).
   */
  stop(reason: RunResultData['endReason'] = 'stopped', force = false): Promise<RunResultData> {
    if (this.state === 'idle') return Promise.reject(this.stateError('stop'));
    if (this.state === 'preparing') {
      this.preparation.fail(new RookeryError('ROOKERY_STATE', 'the run was stopped while its agents were preparing it; no user was started'));
      return this.whenFinished();
    }
    if (this.stopping) {
      if (force) for (const agent of this.agents.inPhase('stopping')) this.agents.send(agent, { type: 'run/stop', runId: this.runId, force: true });
      return this.stopping;
    }
    if (this.state !== 'running') return this.whenFinished();
    this.endReason = reason;
    this.stopping = this.doStop(force);
    return this.stopping;
  }

  /** The result once the run has ended; rejects if it never started. */
  whenFinished(): Promise<RunResultData> {
    if (this.result) return Promise.resolve(this.result);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  info(): RunInfo {
    const info: RunInfo = {
      runId: this.runId,
      status: this.state,
      scenarioFile: this.request.scenario.file,
      runningUsers: this.ledger.runningUsers,
      pendingUsers: this.ledger.pendingUsers,
      highestUserId: this.ledger.highestUserId,
      userRate: this.userRate,
      variables: { values: this.variables.store.values(), sources: this.variables.store.sources() },
    };
    if (this.reason !== undefined) info.reason = this.reason;
    if (this.startedAt !== undefined) info.startedAt = this.startedAt;
    return info;
  }

  /** A message from one of this run's agent sessions. */
  handleMessage(entry: AgentEntry, message: AgentMessage): void {
    const agent = this.agents.of(entry);
    if (!agent || message.runId !== this.runId || agent.phase === 'lost') return;
    switch (message.type) {
      case 'run/prepared':
        this.preparation.prepared(agent);
        return;
      case 'run/failed':
        if (this.preparation.pending) {
          this.preparation.fail(new RookeryError(knownCode(message.code), `agent ${entry.name}: ${message.message}`, {
            ...(message.where === undefined ? {} : { where: message.where }),
            hint: `agent ${entry.name} could not prepare the run; no user was started on any agent`,
          }));
        } else {
          this.log.add({ kind: 'command-failed', at: this.now(), agentId: entry.agentId, command: 'run/prepare', message: message.message });
        }
        return;
      case 'run/snapshot':
        this.onSnapshot(agent, message);
        return;
      case 'run/status':
        this.ledger.applyStatus(entry.agentId, message);
        entry.runningUsers = message.runningUsers;
        this.emit('changed');
        this.idle?.check();
        return;
      case 'run/user-error':
        this.log.add({
          kind: 'user-error', at: this.now(), agentId: entry.agentId, userId: message.userId, message: message.message,
          ...(message.where === undefined ? {} : { where: message.where }),
        });
        return;
      case 'run/command-failed':
        this.log.add({ kind: 'command-failed', at: this.now(), agentId: entry.agentId, command: message.command, message: message.message });
        return;
      case 'run/stopped':
        this.onStopped(agent);
        return;
      case 'run/send':
        this.routeMessage(agent, message.message);
        return;
      case 'run/barrier':
        if (this.active) this.barriers.apply(entry.agentId, message.op);
        return;
      case 'run/throttle':
        if (this.active) this.throttles.apply(entry.agentId, message.op);
        return;
    }
  }

  /**
   * A user message one agent could not deliver itself: to the agent that runs the recipient's id. An id no live
   * agent runs goes back to the sender's agent, whose worker counts it as dropped (every message counted once).
   */
  private routeMessage(from: RunAgent, message: { to: number; from?: number; data: unknown }): void {
    if (!this.active) return;
    const ownerId = this.ledger.ownerOf(message.to);
    const owner = ownerId === undefined ? undefined : this.agents.live().find((a) => a.entry.agentId === ownerId);
    this.agents.send(owner ?? from, { type: 'run/deliver', runId: this.runId, message });
  }

  /** The session of one of this run's agents closed. */
  agentLost(entry: AgentEntry, reason: string): void {
    const agent = this.agents.of(entry);
    if (!agent || agent.phase === 'lost' || agent.phase === 'stopped' || !this.active) return;
    const policy = this.request.onAgentLoss;
    this.log.add({
      kind: 'agent-lost', at: this.now(), agentId: entry.agentId, name: entry.name,
      users: this.ledger.targetOf(entry.agentId), policy, ranges: this.ledger.ranges(entry.agentId),
    });
    this.agents.move(agent, 'lost');
    this.merger.retire(entry.agentId);
    this.throttles.agentLost(entry.agentId);
    this.overload.forget(entry.agentId);
    if (this.state === 'preparing') {
      this.preparation.fail(new RookeryError('ROOKERY_STATE', `agent ${entry.name} was lost while preparing the run (${reason}); no user was started`, {
        where: entry.url ?? entry.name,
        hint: 'check that the agent is running and reachable, then start the run again',
      }));
      return;
    }
    if (this.state === 'terminating') {
      this.ledger.retire(entry.agentId);
      return;
    }
    if (policy === 'redistribute') this.redistribute(agent);
    else this.ledger.retire(entry.agentId);
    if (this.agents.live().length === 0) {
      this.reason = 'every agent of the run was lost';
      void this.stop('aborted');
    } else if (policy === 'abort') {
      this.reason = `agent ${entry.name} was lost (onAgentLoss: abort)`;
      void this.stop('aborted');
    } else {
      // The user rate is the cluster's: the survivors take the lost agent's share.
      this.commands.sendRates(this.userRate);
      this.idle?.check();
    }
  }

  /** An agent's link came back before its session was lost: nothing to redo, the link resent what was pending. */
  agentReconnected(entry: AgentEntry): void {
    const agent = this.agents.of(entry);
    if (!agent || agent.phase === 'lost' || !this.active) return;
    this.log.add({ kind: 'agent-reconnected', at: this.now(), agentId: entry.agentId, name: entry.name });
  }

  /** An agent joined the cluster during the run (it takes no part in it). */
  agentJoined(entry: AgentEntry): void {
    if (this.active) this.log.add({ kind: 'agent-joined', at: this.now(), agentId: entry.agentId, name: entry.name });
  }

  /** An abortOnFail threshold failed: say which, and stop gracefully (endReason `thresholds`). */
  private abortForThreshold(failed: ThresholdAbort): void {
    if (this.state !== 'running') return;
    this.thresholdAbort = failed;
    this.log.add({ kind: 'threshold-failed', at: this.now(), threshold: failed.threshold, line: failed.line });
    this.reason = `threshold \`${failed.threshold}\` failed (${failed.line})`;
    void this.stop('thresholds');
  }

  private redistribute(lost: RunAgent): void {
    const { ranges, assignments } = this.commands.redistribute(lost.entry.agentId);
    if (assignments.length > 0) {
      this.log.add({ kind: 'users-redistributed', at: this.now(), fromAgent: lost.entry.agentId, toAgents: assignments.map((a) => a.agentId), ranges });
    }
  }

  private onSnapshot(agent: RunAgent, message: AgentSnapshot): void {
    if (!this.active) return;
    const { entry } = agent;
    try {
      this.merger.add(entry.agentId, message);
    } catch (error) {
      this.log.warn(`a snapshot of agent ${entry.name} could not be merged and was left out: ${(error as Error).message}`);
      return;
    }
    let rps = 0;
    for (const stats of Object.values(message.snapshot.requests)) rps += stats.count;
    entry.rps = rps;
    entry.utilization = { ...message.snapshot.utilization };
    const { overloaded, crossed } = this.overload.update(entry.agentId, message.snapshot.utilization);
    entry.overloaded = overloaded;
    if (crossed) {
      this.log.add({ kind: 'agent-overloaded', at: this.now(), agentId: entry.agentId, name: entry.name, utilization: utilizationOf(message.snapshot.utilization) });
    }
    // Snapshots arrive every second: a chance to see that settled agents are all idle.
    this.idle?.check();
  }

  private onStopped(agent: RunAgent): void {
    if (agent.phase === 'stopped') return;
    this.agents.move(agent, 'stopped');
    this.ledger.retire(agent.entry.agentId);
    this.merger.retire(agent.entry.agentId);
    if (this.state === 'running' && this.agents.live().length === 0) {
      // Agents stop on their own only when they lost the coordinator for too long.
      this.reason = 'every agent of the run stopped';
      void this.stop('aborted');
    }
  }

  private async doStop(force: boolean): Promise<RunResultData> {
    this.setStatus('terminating', this.reason);
    this.shape?.stop();
    clearTimeout(this.durationTimer);
    this.idle?.stop();
    this.thresholdWatch?.stop();
    for (const agent of this.agents.live()) {
      this.agents.move(agent, 'stopping', 'stopping');
      this.agents.send(agent, { type: 'run/stop', runId: this.runId, force });
    }
    const bound = (force ? 0 : (this.request.gracePeriodMs ?? DEFAULT_GRACE_MS)) + this.timing.stopMarginMs;
    for (const agent of await this.agents.whenStopped(bound)) {
      this.log.warn(`agent ${agent.entry.name} did not confirm the stop within ${bound / 1000} s; its last seconds may be missing`);
      this.merger.retire(agent.entry.agentId);
    }
    this.barriers.close();
    this.throttles.close();
    this.merger.flush();
    this.merger.close();
    const endedAt = this.now();
    const result = buildRunResult({
      runId: this.runId,
      request: this.request,
      variables: { values: this.variables.store.values(), sources: this.variables.store.sources() },
      startedAt: this.startedAt ?? endedAt,
      endedAt,
      endReason: this.endReason,
      merger: this.merger,
      events: this.log.events,
      agents: this.agents.all().map(({ entry }) => ({ agentId: entry.agentId, name: entry.name, workers: entry.workers, ranges: this.ledger.ranges(entry.agentId) })),
      warnings: this.log.warnings,
      thresholdAbort: this.thresholdAbort,
    });
    for (const agent of this.agents.all()) if (agent.entry.alive) this.agents.move(agent, agent.phase, 'ready');
    this.result = result;
    this.setStatus('finished', this.reason);
    for (const waiter of this.waiters.splice(0)) waiter.resolve(result);
    return result;
  }

  private setStatus(status: RunStatusName, reason?: string): void {
    this.state = status;
    this.log.add({ kind: 'status', at: this.now(), status, ...(reason === undefined ? {} : { reason }) });
    this.emit('changed');
  }

  private requireRunning(action: string): void {
    if (this.state !== 'running') throw this.stateError(action);
  }

  private stateError(action: string): RookeryError {
    return new RookeryError('ROOKERY_STATE', `cannot ${action}: run ${this.runId} is ${this.state}`);
  }
}

/** The agent's error code when it is one a preparation can fail with, else ROOKERY_SCENARIO_INIT. */
function knownCode(code: string | undefined): RookeryError['code'] {
  const known: readonly string[] = ['ROOKERY_SCENARIO_COMPILE', 'ROOKERY_SCENARIO_LOAD', 'ROOKERY_SCENARIO_INIT', 'ROOKERY_VARIABLES', 'ROOKERY_STATE', 'ROOKERY_INTERNAL'];
  return code !== undefined && known.includes(code) ? (code as RookeryError['code']) : 'ROOKERY_SCENARIO_INIT';
}
