import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RookeryError } from '../../../agent/common/errors';
import { createHistogram, decodeHistogram, summarizeHistogram, type HdrHistogram } from '../../../agent/metrics/histogram';
import { mergeSnapshots, SnapshotAccumulator } from '../../../agent/metrics/merge';
import { MetricsRecorder } from '../../../agent/metrics/recorder';
import type { ErrorKind, MetricSnapshot } from '../../../agent/protocol/snapshot';
import { seededRandom as seeded } from '../../helpers/seeded-random';

const IDLE = { eventLoop: 0, cpu: 0 };


function figures(h: HdrHistogram): number[] {
  return [h.count, h.min, h.mean, ...[1, 10, 25, 50, 75, 90, 99, 99.9, 99.99].map((q) => h.percentile(q)), h.max];
}

describe('SnapshotAccumulator', () => {
  for (const seed of [1, 42, 20240601]) {
    test(`exact merge: values split at random over sources merge to one histogram of all (seed ${seed})`, () => {
      const random = seeded(seed);
      const sources = 2 + Math.floor(random() * 7);
      const recorders = Array.from({ length: sources }, (_, i) => new MetricsRecorder({ source: `agent-${i}` }));
      const all = createHistogram();
      let failed = 0;
      for (let i = 0; i < 20_000; i++) {
        const latencyUs = Math.floor(Math.exp(random() * Math.log(5_000_000))); // 1 µs .. 5 s, log-uniform
        const fail = random() < 0.1;
        if (fail) failed++;
        all.record(latencyUs);
        recorders[Math.floor(random() * sources)]!.recordRequest('GET /', {
          latencyUs, status: fail ? 500 : 200, bytesIn: 1, bytesOut: 2, ...(fail ? { errorKind: 'http' as const, errorMessage: 'status 500' } : {}),
        });
      }
      const snapshots = recorders.map((r) => r.takeSnapshot(1000, 2000, IDLE));
      const accumulator = new SnapshotAccumulator({ gauges: 'sum' });
      for (const s of snapshots) accumulator.add(s);
      assert.deepEqual(figures(accumulator.requestHistogram('GET /')!), figures(all));

      const merged = mergeSnapshots(snapshots, 'sum');
      const request = merged.requests['GET /']!;
      assert.deepEqual(figures(decodeHistogram(request.latency)), figures(all));
      assert.equal(request.count, 20_000);
      assert.equal(request.failed, failed);
      assert.deepEqual(request.status, { '2xx': 20_000 - failed, '5xx': failed });
      assert.deepEqual(request.errors, { http: failed });
      assert.equal(request.bytesOut, 40_000);
      assert.equal(merged.errors.http!.count, failed);
    });
  }

  test("a recorder's per-second snapshots merged with 'latest' gauges equal its cumulative totals", () => {
    const random = seeded(7);
    const recorder = new MetricsRecorder({ source: 'local' });
    const series: MetricSnapshot[] = [];
    const kinds: ErrorKind[] = ['refused', 'timeout', 'reset'];
    const expected = { count: 0, failed: 0, started: 0, finished: 0, failed_users: 0, pass: 0, fail: 0, counter: 0, messagesIn: 0 };
    const latency = createHistogram();
    const custom = createHistogram();
    let peakActive = 0;
    for (let second = 0; second < 8; second++) {
      for (let i = 0; i < 200; i++) {
        const latencyUs = 100 + Math.floor(random() * 100_000);
        const kind = random() < 0.2 ? kinds[Math.floor(random() * kinds.length)] : undefined;
        recorder.recordRequest(random() < 0.5 ? 'GET /a' : 'GET /b', { latencyUs, bytesIn: 0, bytesOut: 0, ...(kind ? { errorKind: kind, errorMessage: kind } : { status: 200 }) });
        latency.record(latencyUs);
        expected.count++;
        if (kind) expected.failed++;
        const ok = random() < 0.7;
        recorder.check('ok', ok);
        if (ok) expected.pass++;
        else expected.fail++;
      }
      const starts = Math.floor(random() * 10);
      for (let i = 0; i < starts; i++) recorder.userStarted();
      expected.started += starts;
      if (recorder.active > 0 && random() < 0.5) {
        recorder.userFinished();
        expected.finished++;
      }
      if (recorder.active > 0 && random() < 0.3) {
        recorder.userFailed('boom', 's.ts:1:1');
        expected.failed_users++;
      }
      peakActive = Math.max(peakActive, recorder.active);
      recorder.counter('c', second);
      expected.counter += second;
      custom.record(second * 10);
      recorder.histogram('h', second * 10);
      recorder.recordWs('messageIn', 1);
      expected.messagesIn++;
      series.push(recorder.takeSnapshot(1000 * (second + 1), 1000 * (second + 2), { eventLoop: second / 10, cpu: 0.1 }));
    }
    const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
    // Order must not matter: add them shuffled.
    for (const i of [3, 0, 7, 1, 6, 2, 5, 4]) accumulator.add(series[i]!);
    const total = accumulator.snapshot();

    assert.equal(total.start, 1000);
    assert.equal(total.end, 9000);
    assert.equal(total.source, 'local');
    assert.equal(total.seq, 7);
    const a = total.requests['GET /a']!;
    const b = total.requests['GET /b']!;
    assert.equal(a.count + b.count, expected.count);
    assert.equal(a.failed + b.failed, expected.failed);
    const both = decodeHistogram(a.latency);
    both.add(decodeHistogram(b.latency));
    assert.deepEqual(figures(both), figures(latency));
    assert.deepEqual(total.users, {
      active: recorder.active, started: expected.started, finished: expected.finished, failed: expected.failed_users, stopped: 0,
    });
    assert.equal(accumulator.peakActive, peakActive);
    assert.deepEqual(total.checks, { ok: { pass: expected.pass, fail: expected.fail } });
    assert.deepEqual(total.counters, { c: expected.counter });
    assert.deepEqual(summarizeHistogram(decodeHistogram(total.histograms.h)), summarizeHistogram(custom));
    assert.deepEqual(summarizeHistogram(accumulator.customHistogram('h')!), summarizeHistogram(custom));
    assert.equal(total.ws.messagesIn, expected.messagesIn);
    assert.deepEqual(total.userFailures, expected.failed_users > 0 ? [{ message: 'boom', where: 's.ts:1:1', count: expected.failed_users }] : []);
    const errorCount = Object.values(total.errors).reduce((sum, e) => sum + e!.count, 0);
    assert.equal(errorCount, expected.failed);
    // Equal 1 s intervals: the time-weighted mean is the plain mean (0.0 .. 0.7 → 0.35); the peak is kept.
    assert.ok(Math.abs(total.utilization.eventLoop - 0.35) < 1e-12);
    assert.ok(Math.abs(total.utilization.cpu - 0.1) < 1e-12);
    assert.ok(Math.abs(accumulator.peakUtilization - 0.7) < 1e-12);
    assert.deepEqual(accumulator.peakUtilizations, { eventLoop: 0.7, cpu: 0.1 });
  });

  function snapshotOf(source: string, start: number, end: number, fill: (r: MetricsRecorder) => void, utilization = IDLE): MetricSnapshot {
    const r = new MetricsRecorder({ source });
    fill(r);
    return r.takeSnapshot(start, end, utilization);
  }

  test("gauges: 'sum' adds sources' active users, 'latest' keeps the one that ends last", () => {
    const started = (n: number) => (r: MetricsRecorder) => {
      for (let i = 0; i < n; i++) r.userStarted();
    };
    const a = snapshotOf('a', 1000, 2000, started(3));
    const b = snapshotOf('b', 1000, 2000, started(4));
    const sum = mergeSnapshots([a, b], 'sum');
    assert.equal(sum.users.active, 7);
    assert.equal(sum.users.started, 7);
    assert.equal(sum.source, 'merged');

    const later = snapshotOf('a', 2000, 3000, started(1));
    const latest = new SnapshotAccumulator({ gauges: 'latest' });
    latest.add(later);
    latest.add(a); // older, added after: must not replace the gauge
    assert.equal(latest.snapshot().users.active, 1);
    assert.equal(latest.peakActive, 3);
    assert.equal(latest.snapshot().users.started, 4);
  });

  test("utilization: 'sum' averages sources of a second, over time the mean is time-weighted", () => {
    const a = snapshotOf('a', 1000, 2000, () => {}, { eventLoop: 0.2, cpu: 0.4 });
    const b = snapshotOf('b', 1000, 2000, () => {}, { eventLoop: 0.9, cpu: 0.6 });
    const second = new SnapshotAccumulator({ gauges: 'sum' });
    second.add(a);
    second.add(b);
    const merged = second.snapshot();
    assert.ok(Math.abs(merged.utilization.eventLoop - 0.55) < 1e-12);
    assert.ok(Math.abs(merged.utilization.cpu - 0.5) < 1e-12);
    assert.equal(second.peakUtilization, 0.9);

    // A 0.25 s first interval counts a quarter as much as a full second.
    const short = snapshotOf('a', 1750, 2000, () => {}, { eventLoop: 1, cpu: 1 });
    const full = snapshotOf('a', 2000, 3000, () => {}, { eventLoop: 0, cpu: 0 });
    const overTime = mergeSnapshots([short, full], 'latest');
    assert.ok(Math.abs(overTime.utilization.eventLoop - 0.2) < 1e-12);
    // Zero-length intervals only: a plain mean.
    const zero = mergeSnapshots([snapshotOf('a', 5, 5, () => {}, { eventLoop: 0.5, cpu: 0 }), snapshotOf('a', 5, 5, () => {}, { eventLoop: 0.1, cpu: 0 })], 'latest');
    assert.ok(Math.abs(zero.utilization.eventLoop - 0.3) < 1e-12);
  });

  test('errors keep the last message of the snapshot that ends last', () => {
    const newer = snapshotOf('a', 2000, 3000, (r) => r.recordError('reset', 'newer', 'GET /x'));
    const older = snapshotOf('b', 1000, 2000, (r) => {
      r.recordError('reset', 'older 1');
      r.recordError('reset', 'older 2');
    });
    const merged = mergeSnapshots([newer, older], 'latest');
    assert.deepEqual(merged.errors, { reset: { count: 3, lastMessage: 'newer', lastName: 'GET /x' } });
  });

  test('user failures merge by message and where and keep the most frequent', () => {
    const list: MetricSnapshot[] = [];
    for (let s = 0; s < 3; s++) {
      list.push(snapshotOf('a', s * 1000, s * 1000 + 1000, (r) => {
        for (let i = 0; i < 40; i++) r.userFailed(`rare ${s}-${i}`);
        for (let i = 0; i < 5; i++) r.userFailed('common', 'x.ts:1:1');
      }));
    }
    const merged = mergeSnapshots(list, 'latest');
    assert.equal(merged.userFailures.length, 50);
    assert.deepEqual(merged.userFailures[0], { message: 'common', where: 'x.ts:1:1', count: 15 });
    assert.equal(merged.users.failed, 135);
  });

  test('a corrupt histogram or another version throws and leaves the accumulator unchanged', () => {
    const good = snapshotOf('a', 1000, 2000, (r) => r.recordRequest('GET /', { latencyUs: 10, status: 200, bytesIn: 0, bytesOut: 0 }));
    const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
    accumulator.add(good);
    const before = accumulator.snapshot();

    const bad = snapshotOf('agent-2', 2000, 3000, (r) => {
      r.recordRequest('GET /', { latencyUs: 10, status: 200, bytesIn: 0, bytesOut: 0 });
      r.histogram('h', 1);
    });
    bad.histograms.h = 'bm90IGEgaGlzdG9ncmFt';
    assert.throws(
      () => accumulator.add(bad),
      (e: unknown) => e instanceof RookeryError && /^snapshot agent-2#0: histograms\["h"\]: invalid encoded histogram/.test(e.message),
    );
    const missing = structuredClone(bad);
    delete missing.histograms.h;
    (missing.requests['GET /'] as { latency?: string }).latency = undefined;
    assert.throws(() => accumulator.add(missing), /requests\["GET \/"\] has no latency histogram/);
    const future = { ...good, version: 2 } as unknown as MetricSnapshot;
    assert.throws(() => accumulator.add(future), /has version 2, expected 1/);
    assert.equal(accumulator.size, 1);
    assert.deepEqual(accumulator.snapshot(), before);
  });

  test('an empty accumulator gives an empty snapshot; results share nothing with it', () => {
    const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
    const empty = accumulator.snapshot();
    assert.deepEqual([empty.start, empty.end, empty.requests, empty.users.active], [0, 0, {}, 0]);
    assert.equal(accumulator.peakUtilization, 0);

    const one = snapshotOf('a', 0, 1000, (r) => {
      r.recordRequest('GET /', { latencyUs: 10, status: 200, bytesIn: 0, bytesOut: 0 });
      r.check('c', true);
    });
    accumulator.add(one);
    const first = accumulator.snapshot({ source: 'run', seq: 99 });
    const frozen = structuredClone(first);
    accumulator.add(one);
    assert.deepEqual(first, frozen);
    assert.equal(first.source, 'run');
    assert.equal(first.seq, 99);
    assert.equal(accumulator.snapshot().requests['GET /']!.count, 2);
    assert.deepEqual(accumulator.requestNames(), ['GET /']);
    assert.equal(accumulator.requestHistogram('GET /', 'connect'), undefined);
    assert.equal(accumulator.requestHistogram('nope'), undefined);
  });

  test('rejects an unknown gauge mode', () => {
    assert.throws(() => new SnapshotAccumulator({ gauges: 'average' as 'sum' }), /unknown gauge mode average/);
  });
});
