/**
 * The run's merged per-second series: agents' `run/snapshot`s merged exactly, second by second, into SeriesPoints
 * (the cluster's figures plus one AgentPoint per agent), emitted as soon as a second is complete.
 *
 * When is a second emitted? Once every agent expected for it has reported it, or `graceMs` (2 s) after the second
 * ended by the wall clock, whichever comes first: one slow agent delays the live view by at most the grace, never
 * indefinitely. A snapshot that arrives after its second was emitted is merged into THAT second (never into the
 * current one) and the point is emitted again with `revision + 1`; receivers replace what they had.
 *
 * Memory: a second being collected holds a SnapshotAccumulator (decoded histograms); once emitted it keeps only the
 * merged, encoded snapshot. A late snapshot is merged by decoding that snapshot again — rare, and exact, because
 * every figure of a snapshot is additive across agents for one second ('sum' mode). The merged utilization is the
 * plain mean of the agents' utilizations that second (each agent one vote), recomputed from the agent points, so
 * re-merging never skews it.
 *
 * Duplicates cannot come from the link (it delivers each message once), but a snapshot already merged (same agent,
 * second and seq) is ignored rather than counted twice.
 */
import { EventEmitter } from 'node:events';
import { SnapshotAccumulator } from '../metrics/merge';
import type { AgentSnapshot } from '../protocol/cluster';
import type { AgentPoint, SeriesPoint } from '../protocol/control';
import type { MetricSnapshot } from '../protocol/snapshot';

/** How long after a second ended it is emitted even if some agents have not reported it. */
export const DEFAULT_SERIES_GRACE_MS = 2000;

/** `source` of merged snapshots. */
export const MERGED_SOURCE = 'cluster';

export interface SeriesMergerOptions {
  runId: string;
  /** Wall clock (ms); Date.now by default. */
  now?: () => number;
  graceMs?: number;
}

interface SecondRecord {
  second: number;
  /** Collecting: every snapshot so far. Dropped once emitted. */
  accumulator: SnapshotAccumulator | undefined;
  /** The last emitted merged snapshot. */
  merged: MetricSnapshot | undefined;
  agents: Map<string, AgentPoint & { end: number }>;
  /** `${agentId}#${seq}` of every snapshot merged here. */
  keys: Set<string>;
  /** 0 until emitted. */
  revision: number;
  /** The merged snapshot's seq: the order in which seconds were first emitted. */
  seq: number;
}

type Events = { point: [SeriesPoint] };

export class SeriesMerger extends EventEmitter<Events> {
  readonly runId: string;
  private readonly now: () => number;
  private readonly graceMs: number;
  /** Agents whose snapshots complete a second, with their names. */
  private readonly expected = new Map<string, string>();
  private readonly names = new Map<string, string>();
  private readonly seconds = new Map<number, SecondRecord>();
  /** The seconds still collecting (a subset of `seconds`): what the deadline and completion checks scan. */
  private readonly collecting = new Set<SecondRecord>();
  private emittedCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(options: SeriesMergerOptions) {
    super();
    this.runId = options.runId;
    this.now = options.now ?? Date.now;
    this.graceMs = options.graceMs ?? DEFAULT_SERIES_GRACE_MS;
  }

  /** From now on, `agentId` must report a second before it counts as complete. */
  expect(agentId: string, name: string): void {
    this.expected.set(agentId, name);
    this.names.set(agentId, name);
  }

  /**
   * `agentId` will send nothing more (lost, or stopped): seconds waiting only for it are emitted now. What it
   * already sent stays merged.
   */
  retire(agentId: string): void {
    if (!this.expected.delete(agentId)) return;
    for (const record of this.pendingInOrder()) if (this.isComplete(record)) this.emit1(record);
    this.schedule();
  }

  /**
   * Merges one agent snapshot. Throws (a RookeryError from the accumulator, nothing merged) on a corrupt one.
   * Returns false when it was a duplicate.
   */
  add(agentId: string, message: AgentSnapshot): boolean {
    const { second, snapshot } = message;
    let record = this.seconds.get(second);
    const key = `${agentId}#${snapshot.seq}`;
    if (record?.keys.has(key)) return false;
    if (record === undefined) {
      record = { second, accumulator: new SnapshotAccumulator({ gauges: 'sum' }), merged: undefined, agents: new Map(), keys: new Set(), revision: 0, seq: -1 };
      this.seconds.set(second, record);
      this.collecting.add(record);
    }
    if (record.accumulator) {
      record.accumulator.add(snapshot);
    } else {
      // Late: re-merge the emitted second with this snapshot (the accumulator throws before changing anything).
      const accumulator = new SnapshotAccumulator({ gauges: 'sum' });
      accumulator.add(record.merged!);
      accumulator.add(snapshot);
      record.merged = this.mergedFrom(accumulator, record);
    }
    record.keys.add(key);
    this.addAgentPoint(record, agentId, message);
    if (record.revision > 0) {
      record.merged = { ...record.merged!, utilization: meanUtilization(record) };
      this.emitRecord(record);
    } else if (this.isComplete(record)) {
      this.emit1(record);
    }
    this.schedule();
    return true;
  }

  /** Emits every second still collecting (the end of the run: no one else will report). */
  flush(): void {
    for (const record of this.pendingInOrder()) this.emit1(record);
    this.clearTimer();
  }

  /** Stops the grace timer; what was merged stays readable. */
  close(): void {
    this.clearTimer();
  }

  /** The merged snapshot of every emitted second, in second order (call `flush` first for all of them). */
  series(): MetricSnapshot[] {
    return this.emittedInOrder().map((r) => r.merged!);
  }

  /** Every agent's figures per emitted second, in second order, agents sorted by id. */
  agentSeries(): { second: number; agents: AgentPoint[] }[] {
    return this.emittedInOrder().map((r) => ({ second: r.second, agents: agentPoints(r) }));
  }

  /** Seconds emitted so far. */
  get size(): number {
    return this.emittedCount;
  }

  private addAgentPoint(record: SecondRecord, agentId: string, message: AgentSnapshot): void {
    const { snapshot } = message;
    let requests = 0;
    let failed = 0;
    for (const stats of Object.values(snapshot.requests)) {
      requests += stats.count;
      failed += stats.failed;
    }
    const existing = record.agents.get(agentId);
    if (existing === undefined) {
      record.agents.set(agentId, {
        agentId,
        name: this.names.get(agentId) ?? agentId,
        users: snapshot.users.active,
        rps: requests,
        errors: failed,
        utilization: { ...snapshot.utilization },
        workers: message.workers.map((w) => ({ ...w, utilization: { ...w.utilization } })),
        end: snapshot.end,
      });
      return;
    }
    // Two snapshots of one agent for one second (a final, partial interval): counts add, gauges take the latest.
    existing.rps += requests;
    existing.errors += failed;
    if (snapshot.end >= existing.end) {
      existing.end = snapshot.end;
      existing.users = snapshot.users.active;
      existing.utilization = { ...snapshot.utilization };
      existing.workers = message.workers.map((w) => ({ ...w, utilization: { ...w.utilization } }));
    }
  }

  private isComplete(record: SecondRecord): boolean {
    for (const agentId of this.expected.keys()) if (!record.agents.has(agentId)) return false;
    return true;
  }

  /** First emission of a collecting second. */
  private emit1(record: SecondRecord): void {
    record.seq = this.emittedCount++;
    record.merged = this.mergedFrom(record.accumulator!, record);
    record.accumulator = undefined;
    this.collecting.delete(record);
    this.emitRecord(record);
  }

  private mergedFrom(accumulator: SnapshotAccumulator, record: SecondRecord): MetricSnapshot {
    return { ...accumulator.snapshot({ source: MERGED_SOURCE, seq: record.seq }), utilization: meanUtilization(record) };
  }

  private emitRecord(record: SecondRecord): void {
    record.revision++;
    this.emit('point', { runId: this.runId, second: record.second, revision: record.revision, snapshot: record.merged!, agents: agentPoints(record) });
  }

  private pendingInOrder(): SecondRecord[] {
    return [...this.collecting].sort((a, b) => a.second - b.second);
  }

  private emittedInOrder(): SecondRecord[] {
    return [...this.seconds.values()].filter((r) => r.revision > 0).sort((a, b) => a.second - b.second);
  }

  /** One timer, for the earliest deadline of a collecting second. */
  private schedule(): void {
    let earliest = Infinity;
    for (const record of this.collecting) earliest = Math.min(earliest, this.deadline(record.second));
    if (earliest === this.timerAt) return;
    this.clearTimer();
    if (earliest === Infinity) return;
    this.timerAt = earliest;
    this.timer = setTimeout(() => this.onDeadline(), Math.max(0, earliest - this.now()));
    // The series never keeps a process alive on its own: the run and the links do.
    this.timer.unref();
  }

  private onDeadline(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    for (const record of this.pendingInOrder()) if (this.deadline(record.second) <= now) this.emit1(record);
    this.schedule();
  }

  private deadline(second: number): number {
    return (second + 1) * 1000 + this.graceMs;
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}

function agentPoints(record: SecondRecord): AgentPoint[] {
  return [...record.agents.values()]
    .sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0))
    .map(({ end: _end, ...point }) => ({ ...point, utilization: { ...point.utilization }, workers: point.workers.map((w) => ({ ...w })) }));
}

function meanUtilization(record: SecondRecord): { eventLoop: number; cpu: number } {
  const points = [...record.agents.values()];
  if (points.length === 0) return { eventLoop: 0, cpu: 0 };
  return {
    eventLoop: points.reduce((sum, p) => sum + p.utilization.eventLoop, 0) / points.length,
    cpu: points.reduce((sum, p) => sum + p.utilization.cpu, 0) / points.length,
  };
}
