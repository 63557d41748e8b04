import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesMerger } from '../../../agent/cluster/series';
import { createHistogram, decodeHistogram, type HdrHistogram } from '../../../agent/metrics/histogram';
import { MetricsRecorder } from '../../../agent/metrics/recorder';
import type { AgentSnapshot } from '../../../agent/protocol/cluster';
import type { SeriesPoint } from '../../../agent/protocol/control';

const mergers: SeriesMerger[] = [];
after(() => mergers.forEach((m) => m.close()));

function merger(graceMs = 60_000): { merger: SeriesMerger; points: SeriesPoint[] } {
  const m = new SeriesMerger({ runId: 'run-1', graceMs });
  mergers.push(m);
  const points: SeriesPoint[] = [];
  m.on('point', (p) => points.push(p));
  return { merger: m, points };
}

/** An agent's snapshot of one second: `latencies` as requests (every 4th fails), `active` users. */
function agentSnapshot(agentId: string, second: number, latencies: number[], options: { active?: number; seq?: number; utilization?: number } = {}): AgentSnapshot {
  const recorder = new MetricsRecorder({ source: agentId });
  for (let i = 0; i < (options.active ?? 1); i++) recorder.userStarted();
  latencies.forEach((latencyUs, i) => {
    const fails = i % 4 === 0;
    recorder.recordRequest('GET /', { latencyUs, status: fails ? 503 : 200, bytesIn: 5, bytesOut: 1, ...(fails ? { errorKind: 'http' as const, errorMessage: '503' } : {}) });
  });
  const u = options.utilization ?? 0.5;
  const snapshot = recorder.takeSnapshot(second * 1000, second * 1000 + 1000, { eventLoop: u, cpu: u / 2 });
  snapshot.seq = options.seq ?? second;
  return { type: 'run/snapshot', runId: 'run-1', second, snapshot, workers: [{ worker: 0, users: options.active ?? 1, utilization: { eventLoop: u, cpu: u / 2 } }] };
}

function figures(h: HdrHistogram): number[] {
  return [h.count, h.min, h.mean, ...[50, 90, 99, 99.9].map((q) => h.percentile(q)), h.max];
}

function histogramOf(values: number[]): HdrHistogram {
  const h = createHistogram();
  for (const v of values) h.record(v);
  return h;
}

/** Resolves on the next point matching `predicate`, or rejects after `ms`. */
function nextPoint(m: SeriesMerger, predicate: (p: SeriesPoint) => boolean, ms = 3000): Promise<SeriesPoint> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      m.off('point', listener);
      reject(new Error(`no matching point within ${ms} ms`));
    }, ms);
    const listener = (p: SeriesPoint) => {
      if (!predicate(p)) return;
      clearTimeout(timer);
      m.off('point', listener);
      resolve(p);
    };
    m.on('point', listener);
  });
}

describe('SeriesMerger', () => {
  test('emits a second once every expected agent reported it, merged exactly', () => {
    const { merger: m, points } = merger();
    m.expect('a', 'alpha');
    m.expect('b', 'beta');
    const la = [1000, 2000, 3000, 4000, 5000];
    const lb = [150, 90_000, 7000];
    assert.equal(m.add('a', agentSnapshot('a', 100, la, { active: 2, utilization: 0.9 })), true);
    assert.equal(points.length, 0, 'b has not reported second 100');
    m.add('b', agentSnapshot('b', 100, lb, { active: 3, utilization: 0.3 }));
    assert.equal(points.length, 1);
    const [point] = points;
    assert.equal(point!.second, 100);
    assert.equal(point!.revision, 1);
    assert.equal(point!.runId, 'run-1');
    const merged = point!.snapshot.requests['GET /']!;
    assert.equal(merged.count, 8);
    assert.equal(merged.failed, 2 + 1);
    assert.deepEqual(figures(decodeHistogram(merged.latency)), figures(histogramOf([...la, ...lb])));
    assert.equal(point!.snapshot.users.active, 5, 'the gauge adds across agents');
    assert.equal(point!.snapshot.source, 'cluster');
    assert.ok(Math.abs(point!.snapshot.utilization.eventLoop - 0.6) < 1e-9, 'mean of the agents');
    assert.deepEqual(point!.agents.map((a) => [a.agentId, a.name, a.users, a.rps, a.errors]), [['a', 'alpha', 2, 5, 2], ['b', 'beta', 3, 3, 1]]);
    assert.deepEqual(point!.agents[0]!.utilization, { eventLoop: 0.9, cpu: 0.45 });
    assert.equal(point!.agents[0]!.workers.length, 1);
  });

  test('a late snapshot is merged into its own second and re-emitted with revision 2, counted once', () => {
    const { merger: m, points } = merger();
    m.expect('a', 'a');
    m.expect('b', 'b');
    m.add('a', agentSnapshot('a', 200, [100, 200]));
    m.add('a', agentSnapshot('a', 201, [300]));
    m.retire('b'); // b said nothing about 200 and 201 yet: both go out without it
    assert.deepEqual(points.map((p) => [p.second, p.revision]), [[200, 1], [201, 1]]);
    m.add('b', agentSnapshot('b', 200, [400, 500, 600]));
    assert.deepEqual(points.map((p) => [p.second, p.revision]), [[200, 1], [201, 1], [200, 2]]);
    const revised = points[2]!;
    assert.equal(revised.snapshot.requests['GET /']!.count, 5);
    assert.deepEqual(figures(decodeHistogram(revised.snapshot.requests['GET /']!.latency)), figures(histogramOf([100, 200, 400, 500, 600])));
    assert.equal(revised.agents.length, 2);
    const series = m.series();
    assert.deepEqual(series.map((s) => s.requests['GET /']!.count), [5, 1], 'the late second replaces, never adds a new second');
    assert.equal(series[0]!.seq, revised.snapshot.seq, 'a revision keeps its seq');
    assert.deepEqual(m.agentSeries().map((s) => [s.second, s.agents.map((a) => a.agentId)]), [[200, ['a', 'b']], [201, ['a']]]);
  });

  test('a duplicate snapshot (same agent, second and seq) is ignored', () => {
    const { merger: m, points } = merger();
    m.expect('a', 'a');
    const snap = agentSnapshot('a', 300, [100]);
    assert.equal(m.add('a', snap), true);
    assert.equal(m.add('a', snap), false);
    assert.equal(points.length, 1);
    assert.equal(m.series()[0]!.requests['GET /']!.count, 1);
    // The same second with another seq (a final partial interval) does count.
    m.add('a', agentSnapshot('a', 300, [100, 100], { seq: 9, active: 0 }));
    assert.equal(points.at(-1)!.revision, 2);
    assert.equal(points.at(-1)!.agents[0]!.rps, 3);
    assert.equal(points.at(-1)!.agents[0]!.users, 0, 'gauge from the later snapshot');
  });

  test('a second missing an agent is emitted after the grace period', async () => {
    const { merger: m } = merger(50);
    m.expect('a', 'a');
    m.expect('b', 'b');
    const second = Math.floor(Date.now() / 1000) - 1; // already over: due 50 ms after its end
    const pending = nextPoint(m, (p) => p.second === second);
    const t0 = Date.now();
    m.add('a', agentSnapshot('a', second, [100]));
    const point = await pending;
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(point.revision, 1);
    assert.deepEqual(point.agents.map((a) => a.agentId), ['a']);
  });

  test('flush emits every second still waiting, in order', () => {
    const { merger: m, points } = merger();
    m.expect('a', 'a');
    m.expect('b', 'b');
    m.add('a', agentSnapshot('a', 402, [1]));
    m.add('a', agentSnapshot('a', 401, [1]));
    assert.equal(points.length, 0);
    m.flush();
    assert.deepEqual(points.map((p) => p.second), [401, 402]);
    assert.equal(m.size, 2);
  });

  test('a corrupt snapshot throws and changes nothing', () => {
    const { merger: m, points } = merger();
    m.expect('a', 'a');
    m.expect('b', 'b');
    m.add('a', agentSnapshot('a', 500, [100]));
    const bad = agentSnapshot('b', 500, [100]);
    bad.snapshot.requests['GET /']!.latency = 'not a histogram';
    assert.throws(() => m.add('b', bad), /snapshot b#500/);
    assert.equal(points.length, 0, 'b still counts as missing');
    m.add('b', agentSnapshot('b', 500, [200]));
    assert.equal(points.length, 1);
    assert.equal(points[0]!.snapshot.requests['GET /']!.count, 2);
    // And late: the emitted second stays as it was.
    const lateBad = agentSnapshot('c', 500, [1]);
    lateBad.snapshot.version = 99 as 1;
    assert.throws(() => m.add('c', lateBad), /version 99/);
    assert.equal(m.series()[0]!.requests['GET /']!.count, 2);
  });
});
