/**
 * The coordinator role: the process that owns runs (it runs no users itself). It keeps the agents the transport
 * hands it, runs one ClusterRun at a time on them, answers the control protocol (every ControlRequest, errors as
 * ControlError), and pushes the live view to subscribers: `run/point`, `run/event`, `run/finished`, and
 * `cluster/status` when agents change (at most once per STATUS_PUSH_INTERVAL_MS).
 *
 * Transport-free: agents arrive as sessions (`addAgent`, from coordinator-endpoint or a memory link in tests), and
 * dialling a listening agent is the transport's job (the `attachAgent` option).
 */
import { randomUUID } from 'node:crypto';
import { RookeryError } from '../common/errors';
import { PROTOCOL_VERSION } from '../protocol/cluster';
import type { AgentInfo, ClusterStatus, ControlPush, ControlRequest, RunRequest, RunResultData } from '../protocol/control';
import { AgentRegistry, type AgentEntry, type AgentSession } from './agent-registry';
import { ClusterRun } from './cluster-run';
import type { ClusterTiming } from './cluster-timing';
import { dispatchControl } from './control-dispatch';
import type { IdAssignment } from './id-ranges';
import { checkRunRequest } from './run-request';
import { resolveRunVariables } from './run-variables';

/** `cluster/status` pushes are coalesced to at most one per this interval. */
export const STATUS_PUSH_INTERVAL_MS = 1000;

export interface CoordinatorOptions {
  coordinatorId?: string;
  /** Wall clock (ms); Date.now by default. */
  now?: () => number;
  /** Where agents join this coordinator (`ws://host:7400`), for hints. */
  url?: string;
  /** Dials an agent that listens (control/attach-agent); resolves with its agent id once it said hello. */
  attachAgent?: (url: string, options: { token?: string }) => Promise<string>;
  timing?: Partial<ClusterTiming>;
  statusPushIntervalMs?: number;
}

export type ControlListener = (push: ControlPush) => void;

export class Coordinator {
  readonly coordinatorId: string;
  readonly registry: AgentRegistry;
  private readonly now: () => number;
  private readonly options: CoordinatorOptions;
  private readonly listeners = new Set<ControlListener>();
  private run: ClusterRun | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private lastStatusPush = -Infinity;
  private closed = false;

  constructor(options: CoordinatorOptions = {}) {
    this.options = options;
    this.coordinatorId = options.coordinatorId ?? `coordinator-${randomUUID().slice(0, 8)}`;
    this.now = options.now ?? Date.now;
    this.registry = new AgentRegistry({ now: this.now });
    this.registry.on('message', (entry, message) => this.run?.handleMessage(entry, message));
    this.registry.on('lost', (entry, reason) => this.run?.agentLost(entry, reason));
    this.registry.on('reconnected', (entry) => this.run?.agentReconnected(entry));
    this.registry.on('joined', (entry) => this.run?.agentJoined(entry));
    this.registry.on('changed', () => this.scheduleStatusPush());
  }

  /** A session from the transport (an agent said hello). Throws a RookeryError on a malformed one. */
  addAgent(session: AgentSession): AgentInfo {
    if (this.closed) {
      session.link.close('coordinator closed');
      throw new RookeryError('ROOKERY_STATE', 'the coordinator is closed');
    }
    return this.registry.add(session).info();
  }

  /**
   * Checks the request and the variables (nothing is sent to any agent when either is wrong), prepares the run on
   * the chosen agents and starts it. Resolves once the users are starting.
   */
  async startRun(request: RunRequest): Promise<{ runId: string }> {
    if (this.closed) throw new RookeryError('ROOKERY_STATE', 'the coordinator is closed');
    if (this.run?.active) {
      throw new RookeryError('ROOKERY_STATE', `run ${this.run.runId} is ${this.run.status}: one run at a time`, { hint: 'stop it first (rookery stop, or control/stop)' });
    }
    checkRunRequest(request);
    const variables = resolveRunVariables(request.scenario, request);
    const agents = this.chooseAgents(request.agents);
    const run = new ClusterRun({
      runId: `run-${randomUUID()}`,
      request,
      variables,
      agents,
      registry: this.registry,
      now: this.now,
      timing: this.options.timing,
    });
    this.run = run;
    run.on('point', (point) => this.push({ type: 'run/point', point }));
    run.on('event', (event) => this.push({ type: 'run/event', runId: run.runId, event }));
    run.on('changed', () => this.scheduleStatusPush());
    run.whenFinished().then(
      (result) => this.push({ type: 'run/finished', result }),
      () => undefined, // a run that never started has no result; its error went to the caller and as an event
    );
    await run.prepare();
    run.start();
    return { runId: run.runId };
  }

  /** Ends the current run (gracefully; `force` aborts users at once) and resolves with its result. */
  stop(force = false): Promise<RunResultData> {
    return this.activeRun('stop').stop('stopped', force);
  }

  addUsers(count: number, agents?: string[]): IdAssignment[] {
    return this.activeRun('add users').addUsers(count, agents);
  }

  removeUsers(count: number, force = false): { agentId: string; count: number }[] {
    return this.activeRun('remove users').removeUsers(count, force);
  }

  updateVariables(changes: Record<string, unknown>): Promise<string[]> {
    try {
      return this.activeRun('update variables').updateVariables(changes);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  setRate(userRate: number): { agentId: string; userRate: number }[] {
    return this.activeRun('set the user rate').setRate(userRate);
  }

  status(): ClusterStatus {
    const status: ClusterStatus = { coordinatorId: this.coordinatorId, protocolVersion: PROTOCOL_VERSION, agents: this.registry.infos() };
    if (this.run) status.run = this.run.info();
    return status;
  }

  /** Registers a listener for every push; returns the function that removes it. */
  subscribe(listener: ControlListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Answers one control request (never throws: failures are `ok: false` replies with a ControlError). */
  handleControl(request: ControlRequest): Promise<ControlPush> {
    return dispatchControl(this, request, this.options.attachAgent);
  }

  /** The current (or last) run's result; rejects when there is no run or it never started. */
  whenFinished(): Promise<RunResultData> {
    if (!this.run) return Promise.reject(new RookeryError('ROOKERY_STATE', 'no run was started on this coordinator'));
    return this.run.whenFinished();
  }

  /** Forgets an agent and ends its session; refused while it takes part in the current run. */
  detachAgent(idOrName: string): string {
    const entry = this.findAgent(idOrName);
    if (this.run?.active && this.run.has(entry) && entry.alive) {
      throw new RookeryError('ROOKERY_STATE', `agent ${entry.name} takes part in run ${this.run.runId}`, { hint: 'stop the run first' });
    }
    this.registry.remove(entry, 'detached by a client');
    return entry.agentId;
  }

  findAgent(idOrName: string): AgentEntry {
    const entry = this.registry.find(idOrName);
    if (!entry) {
      const known = this.registry.list().map((e) => `${e.name} (${e.agentId})`);
      throw new RookeryError('ROOKERY_USAGE', `unknown agent ${idOrName}`, { where: 'agent', hint: `known agents: ${known.join(', ') || 'none'}` });
    }
    return entry;
  }

  /** Stops the current run (forced), ends every agent session and every subscription. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.run?.active) await this.run.stop('stopped', true).catch(() => undefined);
    clearTimeout(this.statusTimer);
    this.registry.close();
    this.listeners.clear();
  }

  private chooseAgents(requested: string[] | undefined): AgentEntry[] {
    if (requested !== undefined && requested.length > 0) {
      const problems: { where: string; message: string }[] = [];
      const chosen: AgentEntry[] = [];
      for (const name of requested) {
        const entry = this.registry.find(name);
        if (!entry) problems.push({ where: name, message: 'no such agent' });
        else if (entry.state !== 'ready') problems.push({ where: name, message: `agent is ${entry.state}, not ready` });
        else if (!chosen.includes(entry)) chosen.push(entry);
      }
      if (problems.length > 0) {
        throw new RookeryError('ROOKERY_USAGE', `${problems.length} of the requested agents cannot run it`, {
          where: 'agents', problems, hint: `ready agents: ${this.readyNames() || 'none'}`,
        });
      }
      return chosen;
    }
    const ready = this.registry.list().filter((e) => e.state === 'ready');
    if (ready.length === 0) {
      const join = this.options.url ?? 'ws://<coordinator-host>:<port>';
      throw new RookeryError('ROOKERY_STATE', 'no ready agent to run on', {
        hint: `start one: rookery agent --join ${join} --token <token> (or attach one started with rookery agent --listen)`,
      });
    }
    return ready;
  }

  private readyNames(): string {
    return this.registry.list().filter((e) => e.state === 'ready').map((e) => e.name).join(', ');
  }

  private activeRun(action: string): ClusterRun {
    if (!this.run || !this.run.active) {
      throw new RookeryError('ROOKERY_STATE', `cannot ${action}: no run in progress`, { hint: 'start one first (control/start-run)' });
    }
    return this.run;
  }

  private push(push: ControlPush): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(push);
      } catch {
        // One failing subscriber (a closing socket) must not starve the others.
      }
    }
  }

  /** At most one `cluster/status` per interval: now if the last was long enough ago, else at the end of it. */
  private scheduleStatusPush(): void {
    if (this.closed || this.statusTimer) return;
    const interval = this.options.statusPushIntervalMs ?? STATUS_PUSH_INTERVAL_MS;
    const wait = this.lastStatusPush + interval - this.now();
    const pushNow = () => {
      this.statusTimer = undefined;
      this.lastStatusPush = this.now();
      this.push({ type: 'cluster/status', status: this.status() });
    };
    if (wait <= 0) pushNow();
    else {
      this.statusTimer = setTimeout(pushNow, wait);
      this.statusTimer.unref();
    }
  }
}
