/**
 * Run data for the extension's run-model tests: a REAL short run (a local cluster with a worker thread, a small
 * scenario against an HTTP target on 127.0.0.1) whose RunResultData has real histograms, its series as the
 * coordinator's pushes, and synthetic seconds built with the engine's own MetricsRecorder for long or crafted runs.
 */
import { MetricsRecorder } from '../../agent/metrics/recorder';
import type { AgentPoint, ControlPush, RunResultData, SeriesPoint } from '../../agent/protocol/control';
import type { MetricSnapshot } from '../../agent/protocol/snapshot';
import { runConfig, runLocally } from './local-runs';
import { ScenarioDir } from './scenario-files';
import { startHttpTarget } from './targets';

const SCENARIO = `
import { scenario, variable } from 'rookery';
export default scenario({
  variables: { url: variable({ description: 'the target' }) },
  async start(user) {
    const api = user.http(user.vars.url, { timeout: 2000 });
    let i = 0;
    while (!user.stopping) {
      const fast = await api.get('/fast');
      user.check('fast is ok', fast.ok);
      await api.get('/slow');
      if (i % 4 === 0) await api.get('/missing');
      await api.get('/items/' + (i % 3), { name: 'item ' + (i % 3) });
      user.metrics.counter('loops').add(1);
      user.metrics.histogram('loop index').record(i);
      i++;
      await user.sleep(5);
    }
  },
});`;

let cached: Promise<RunResultData> | undefined;

/**
 * A real run of about 2.5 s (3 users, one worker) against a local target: names `GET /fast`, `GET /slow`
 * (delayed), `GET /missing` (404: failed, kind `http`), `item 0..2`; a check, a counter, a custom histogram.
 * Made once per test process.
 */
export function realRun(): Promise<RunResultData> {
  cached ??= (async () => {
    const dir = new ScenarioDir();
    const target = await startHttpTarget({ '/slow': { delayMs: 12 }, '/missing': { status: 404 } });
    try {
      const file = dir.write('run-data.scenario.ts', SCENARIO);
      return await runLocally(runConfig(file, { users: 3, durationMs: 2500, maintain: true, planVariables: { url: target.url } }));
    } finally {
      await target.close();
      dir.remove();
    }
  })();
  return cached;
}

/** The epoch second a series snapshot belongs to (the coordinator's merge key). */
export function secondOf(snapshot: MetricSnapshot): number {
  return Math.floor(snapshot.start / 1000);
}

/** A result's series as the coordinator pushed it: one `run/point` per second (revision 1). */
export function seriesPoints(result: RunResultData): SeriesPoint[] {
  const agents = new Map(result.agentSeries.map((e) => [e.second, e.agents]));
  return result.series.map((snapshot) => ({ runId: result.runId, second: secondOf(snapshot), revision: 1, snapshot, agents: agents.get(secondOf(snapshot)) ?? [] }));
}

/** A result as a subscriber saw it: the `running` status event, every point, then `run/finished`. */
export function pushesOf(result: RunResultData): ControlPush[] {
  return [
    { type: 'run/event', runId: result.runId, event: { kind: 'status', at: result.startedAt, status: 'running' } },
    ...seriesPoints(result).map((point): ControlPush => ({ type: 'run/point', point })),
    { type: 'run/finished', result },
  ];
}

export interface SyntheticSecond {
  /** Latencies (µs) by request name. */
  requests?: Record<string, number[]>;
  /** Of each name's requests, how many failed (kind `http`, status 500), counted from the first. */
  failed?: Record<string, number>;
  /** Users running at the end of the second. */
  users?: number;
  counters?: Record<string, number>;
  checks?: Record<string, { pass: number; fail: number }>;
  utilization?: number;
}

/** Seconds of a made-up run, recorded with the engine's MetricsRecorder (real encoded histograms). */
export class SyntheticRun {
  private readonly recorder = new MetricsRecorder({ source: 'cluster' });
  constructor(
    readonly runId = 'run-synthetic',
    /** Epoch second of the run's start. */
    readonly origin = 1_700_000_000,
  ) {}

  /** The snapshot of second `i` since the start. */
  snapshot(i: number, spec: SyntheticSecond = {}): MetricSnapshot {
    const r = this.recorder;
    for (const [name, latencies] of Object.entries(spec.requests ?? {})) {
      const failed = spec.failed?.[name] ?? 0;
      latencies.forEach((latencyUs, k) =>
        r.recordRequest(name, k < failed ? { latencyUs, status: 500, errorKind: 'http', errorMessage: 'HTTP 500', bytesIn: 10, bytesOut: 5 } : { latencyUs, status: 200, bytesIn: 10, bytesOut: 5 }),
      );
    }
    const users = spec.users ?? r.active;
    while (r.active < users) r.userStarted();
    while (r.active > users) r.userStopped();
    for (const [name, n] of Object.entries(spec.counters ?? {})) r.counter(name, n);
    for (const [name, c] of Object.entries(spec.checks ?? {})) {
      for (let k = 0; k < c.pass; k++) r.check(name, true);
      for (let k = 0; k < c.fail; k++) r.check(name, false);
    }
    const start = (this.origin + i) * 1000;
    const u = spec.utilization ?? 0.25;
    return r.takeSnapshot(start, start + 1000, { eventLoop: u, cpu: u / 2 });
  }

  /** Second `i` as a SeriesPoint from one agent. */
  point(i: number, spec: SyntheticSecond = {}, revision = 1): SeriesPoint {
    const snapshot = this.snapshot(i, spec);
    let count = 0;
    let failed = 0;
    for (const s of Object.values(snapshot.requests)) {
      count += s.count;
      failed += s.failed;
    }
    const agent: AgentPoint = { agentId: 'agent-1', name: 'one', users: snapshot.users.active, rps: count, errors: failed, utilization: { ...snapshot.utilization }, workers: [] };
    return { runId: this.runId, second: this.origin + i, revision, snapshot, agents: [agent] };
  }
}

/** `n` latencies spread evenly over [from, to] µs. */
export function spread(n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, (_, k) => Math.round(from + ((to - from) * k) / Math.max(1, n - 1)));
}
