/**
 * A scripted agent on a memory link, for tests of the coordinator role without worker threads or sockets. It
 * answers run/prepare (or fails it), keeps the ids it is given, and on each `tick()` has every user make a few
 * requests with deterministic latencies recorded in a real MetricsRecorder, then sends that second's snapshot and
 * its status. It answers run/stop with a final snapshot and run/stopped. Tests can make it go silent, lose its
 * session (as the transport does after PEER_TIMEOUT_MS), hold a snapshot back and send it late.
 *
 * Everything it recorded is kept (`latencies`, `requests`, `failed`) so tests can compare the coordinator's merged
 * figures with the exact truth.
 */
import { Coordinator } from '../../agent/cluster/coordinator';
import { MetricsRecorder } from '../../agent/metrics/recorder';
import { compileScenario } from '../../agent/scenario/compile';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../agent/cluster/memory-link';
import type { AgentSession } from '../../agent/cluster/agent-registry';
import type { AgentMessage, AgentSnapshot, CoordinatorMessage, IdRange, ScenarioBundle } from '../../agent/protocol/cluster';
import type { ClusterTiming } from '../../agent/cluster/cluster-timing';
import type { ControlPush, RunEvent, RunRequest, SeriesPoint } from '../../agent/protocol/control';
import type { Utilization } from '../../agent/protocol/snapshot';

export const FAKE_REQUEST = 'GET /fake';

export interface FakeAgentOptions {
  agentId: string;
  name?: string;
  workers: number;
  /** Answer run/prepare with run/failed. */
  failPrepare?: { message: string; where?: string; code?: string };
  /** Do not answer run/prepare until `answerPrepare()`. */
  manualPrepare?: boolean;
  /** Requests each user makes per tick (default 2). */
  requestsPerTick?: number;
  /** Users finish on their own after this many ticks (default: never). */
  userLifetimeTicks?: number;
  /** Utilization in every snapshot (default eventLoop 0.2, cpu 0.1). */
  utilization?: Utilization;
  /** The first second reported (default: the current wall-clock second). Give agents of one test the same one. */
  firstSecond?: number;
  /** Tick by itself every this many ms once prepared (default: only when `tick()` is called). */
  tickMs?: number;
}

/** The bundle a client ships with a run, compiled from a scenario file as the CLI does. */
export async function bundleFor(file: string): Promise<ScenarioBundle> {
  const compiled = await compileScenario(file);
  return { file: compiled.file, code: compiled.code, sources: compiled.sources };
}

/** Deterministic latency (µs) of request `k` of user `id` in tick `t`. */
export function fakeLatency(id: number, t: number, k: number): number {
  return 1000 + ((id * 7919 + t * 104_729 + k * 31) % 50_000);
}

/** Every tenth request fails with a 500. */
function fakeFails(id: number, t: number, k: number): boolean {
  return (id + t + k) % 10 === 0;
}

export class FakeAgent {
  readonly agentId: string;
  readonly name: string;
  readonly workers: number;
  readonly pair: MemoryLinkPair<AgentMessage, CoordinatorMessage>;
  /** Every message received from the coordinator, in order. */
  readonly received: CoordinatorMessage[] = [];
  /** Every range given (add-users), in order. */
  readonly given: IdRange[] = [];
  /** Every latency recorded (µs), and the request counts: the truth the merge must reproduce. */
  readonly latencies: number[] = [];
  requests = 0;
  failed = 0;
  /** Snapshots sent, in order. */
  readonly sent: AgentSnapshot[] = [];
  runId: string | undefined;
  /** Reported in every snapshot from now on. */
  utilization: Utilization;
  private readonly options: FakeAgentOptions;
  private recorder: MetricsRecorder;
  /** Running users: id → ticks lived. */
  private readonly users = new Map<number, number>();
  private tickIndex = 0;
  private readonly firstSecond: number;
  private prepared = false;
  private silent = false;
  private holdNext = false;
  private readonly held: AgentSnapshot[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(options: FakeAgentOptions) {
    this.options = options;
    this.agentId = options.agentId;
    this.name = options.name ?? options.agentId;
    this.workers = options.workers;
    this.recorder = new MetricsRecorder({ source: this.agentId });
    this.firstSecond = options.firstSecond ?? Math.floor(Date.now() / 1000);
    this.utilization = options.utilization ?? { eventLoop: 0.2, cpu: 0.1 };
    this.pair = createMemoryLinkPair<AgentMessage, CoordinatorMessage>();
    this.pair.a.on('message', (message) => this.onMessage(message));
  }

  /** What the transport hands the coordinator after hello. */
  session(): AgentSession {
    return { agentId: this.agentId, name: this.name, workers: this.workers, link: this.pair.b };
  }

  /** Ids of the users running now, ascending. */
  get runningIds(): number[] {
    return [...this.users.keys()].sort((a, b) => a - b);
  }

  /** Every id ever given, ascending. */
  get givenIds(): number[] {
    const ids: number[] = [];
    for (const r of this.given) for (let id = r.from; id <= r.to; id++) ids.push(id);
    return ids.sort((a, b) => a - b);
  }

  messages<T extends CoordinatorMessage['type']>(type: T): Extract<CoordinatorMessage, { type: T }>[] {
    return this.received.filter((m): m is Extract<CoordinatorMessage, { type: T }> => m.type === type);
  }

  /** One second: every running user makes its requests; the snapshot and the status are sent (or held). */
  tick(): AgentSnapshot | undefined {
    if (!this.prepared || this.silent || this.runId === undefined) return undefined;
    const t = this.tickIndex;
    const perUser = this.options.requestsPerTick ?? 2;
    for (const id of this.runningIds) {
      for (let k = 0; k < perUser; k++) {
        const latencyUs = fakeLatency(id, t, k);
        const fails = fakeFails(id, t, k);
        this.recorder.recordRequest(FAKE_REQUEST, {
          latencyUs, status: fails ? 500 : 200, bytesIn: 100, bytesOut: 10,
          ...(fails ? { errorKind: 'http' as const, errorMessage: 'status 500' } : {}),
        });
        this.latencies.push(latencyUs);
        this.requests++;
        if (fails) this.failed++;
      }
      const lived = this.users.get(id)! + 1;
      this.users.set(id, lived);
      if (this.options.userLifetimeTicks !== undefined && lived >= this.options.userLifetimeTicks) {
        this.users.delete(id);
        this.recorder.userFinished();
      }
    }
    const snapshot = this.snapshot();
    if (this.holdNext) {
      this.holdNext = false;
      this.held.push(snapshot);
    } else {
      this.send(snapshot);
    }
    this.sendStatus();
    return snapshot;
  }

  /** The next tick's snapshot is kept back until `releaseHeld()`. */
  holdNextSnapshot(): void {
    this.holdNext = true;
  }

  releaseHeld(): void {
    for (const snapshot of this.held.splice(0)) this.send(snapshot);
  }

  /** Sends the same snapshot again (which a link never does; the coordinator must not count it twice). */
  resend(snapshot: AgentSnapshot): void {
    this.pair.a.send(snapshot);
  }

  answerPrepare(): void {
    const prepare = this.messages('run/prepare').at(-1);
    if (prepare) this.prepare(prepare.runId);
  }

  /** Stops answering and sending anything, as a hung or partitioned agent. */
  silence(): void {
    this.silent = true;
    clearInterval(this.timer);
  }

  /** The transport gives up on the session (silent for PEER_TIMEOUT_MS): the coordinator's link closes. */
  loseSession(reason = 'peer silent for 5000 ms'): void {
    this.silence();
    this.pair.b.close(reason);
  }

  /** Resolves once `predicate` holds for what was received; rejects after `timeoutMs`. */
  waitFor(predicate: (agent: FakeAgent) => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`agent ${this.agentId}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = {
        check: () => predicate(this),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    clearInterval(this.timer);
    this.pair.a.close('test over');
  }

  private onMessage(message: CoordinatorMessage): void {
    if (this.silent) return;
    this.received.push(message);
    switch (message.type) {
      case 'run/prepare':
        this.runId = message.runId;
        if (this.options.failPrepare) {
          this.reply({ type: 'run/failed', runId: message.runId, ...this.options.failPrepare });
        } else if (!this.options.manualPrepare) {
          this.prepare(message.runId);
        }
        break;
      case 'run/add-users':
        for (const range of message.ranges) {
          this.given.push({ ...range });
          for (let id = range.from; id <= range.to; id++) {
            this.users.set(id, 0);
            this.recorder.userStarted();
          }
        }
        this.sendStatus();
        break;
      case 'run/remove-users': {
        const ids = this.runningIds.reverse().slice(0, message.count);
        for (const id of ids) {
          this.users.delete(id);
          this.recorder.userStopped();
        }
        this.sendStatus();
        break;
      }
      case 'run/stop':
        this.stop(message.runId);
        break;
      case 'run/update-variables':
      case 'run/set-rate':
        break;
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve();
      }
    }
  }

  private prepare(runId: string): void {
    this.prepared = true;
    this.reply({ type: 'run/prepared', runId });
    if (this.options.tickMs !== undefined) this.timer = setInterval(() => this.tick(), this.options.tickMs);
  }

  private stop(runId: string): void {
    clearInterval(this.timer);
    if (this.prepared) {
      for (let i = 0; i < this.users.size; i++) this.recorder.userStopped();
      this.users.clear();
      this.send(this.snapshot());
      this.sendStatus();
      this.prepared = false;
    }
    this.reply({ type: 'run/stopped', runId });
  }

  private snapshot(): AgentSnapshot {
    const second = this.firstSecond + this.tickIndex++;
    const utilization = { ...this.utilization };
    const snapshot = this.recorder.takeSnapshot(second * 1000, second * 1000 + 1000, utilization);
    const running = this.users.size;
    const workers = Array.from({ length: this.workers }, (_, worker) => ({
      worker,
      users: Math.floor(running / this.workers) + (worker < running % this.workers ? 1 : 0),
      utilization,
    }));
    return { type: 'run/snapshot', runId: this.runId!, second, snapshot, workers };
  }

  private send(snapshot: AgentSnapshot): void {
    this.sent.push(snapshot);
    this.reply(snapshot);
  }

  private sendStatus(): void {
    if (this.runId === undefined) return;
    const running = this.users.size;
    this.reply({ type: 'run/status', runId: this.runId, runningUsers: running, pendingUsers: 0, idle: running === 0 });
  }

  private reply(message: AgentMessage): void {
    if (!this.silent) this.pair.a.send(message);
  }
}

/** Short timings for coordinators under test: fake agents answer at once. */
export const TEST_TIMING: ClusterTiming = { prepareTimeoutMs: 3000, seriesGraceMs: 300, statusSettleMs: 100, stopMarginMs: 1000 };

/** A run request with test defaults (maintained users, fast rate, short grace), overridden by `overrides`. */
export function runRequest(scenario: ScenarioBundle, overrides: Partial<RunRequest> = {}): RunRequest {
  return {
    scenario, users: 0, userRate: 60_000, maintain: true, stages: [], planVariables: {}, cliVariables: {}, envVariables: {},
    onAgentLoss: 'continue', gracePeriodMs: 100, ...overrides,
  };
}

/** Everything a coordinator pushed to one subscriber, with waits on it (deadline, no sleeping). */
export class PushLog {
  readonly pushes: ControlPush[] = [];
  private readonly unsubscribe: () => void;
  private waiters: (() => void)[] = [];

  constructor(coordinator: { subscribe(listener: (push: ControlPush) => void): () => void }) {
    this.unsubscribe = coordinator.subscribe((push) => {
      this.pushes.push(push);
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  points(): SeriesPoint[] {
    return this.pushes.flatMap((p) => (p.type === 'run/point' ? [p.point] : []));
  }

  events(): RunEvent[] {
    return this.pushes.flatMap((p) => (p.type === 'run/event' ? [p.event] : []));
  }

  /** Resolves with `find`'s first defined answer, checked now and on every push; rejects after `timeoutMs`. */
  waitFor<T>(find: (log: PushLog) => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    const now = find(this);
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find(this);
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
    });
  }

  close(): void {
    this.unsubscribe();
  }
}

/** A coordinator with fake agents (agent-1, agent-2, ... with these workers), and a log of what it pushes. */
export interface FakeCluster {
  coordinator: Coordinator;
  agents: FakeAgent[];
  log: PushLog;
  close(): Promise<void>;
}

export function fakeCluster(
  workers: number[],
  options: Partial<FakeAgentOptions>[] = [],
  coordinatorOptions: ConstructorParameters<typeof Coordinator>[0] = {},
): FakeCluster {
  const coordinator = new Coordinator({ timing: TEST_TIMING, statusPushIntervalMs: 50, ...coordinatorOptions });
  const agents = workers.map((w, i) => new FakeAgent({ agentId: `agent-${i + 1}`, workers: w, ...options[i] }));
  for (const agent of agents) coordinator.addAgent(agent.session());
  const log = new PushLog(coordinator);
  return {
    coordinator,
    agents,
    log,
    async close() {
      await coordinator.close();
      agents.forEach((a) => a.close());
      log.close();
    },
  };
}
