import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RookeryError } from '../../../agent/common/errors';
import { SnapshotAccumulator } from '../../../agent/metrics/merge';
import { MetricsRecorder } from '../../../agent/metrics/recorder';
import { OVERLOAD_THRESHOLD, summarize } from '../../../agent/metrics/summary';
import type { MetricSnapshot } from '../../../agent/protocol/snapshot';
import { SUMMARY_VERSION } from '../../../agent/protocol/summary';

/**
 * A small run with known figures. Latencies stay below 2048 µs, where HDR histograms are exact:
 *   GET /a: 100, 200, 300, 400 µs (200, 200, 500 http, refused)   POST /b: 1000, 1000 µs (201, 201)
 */
function knownRun(utilization = { eventLoop: 0.5, cpu: 0.25 }): MetricSnapshot {
  const r = new MetricsRecorder({ source: 'local' });
  r.recordRequest('GET /a', { latencyUs: 100, status: 200, bytesIn: 10, bytesOut: 1 });
  r.recordRequest('GET /a', { latencyUs: 200, status: 200, bytesIn: 10, bytesOut: 1 });
  r.recordRequest('GET /a', { latencyUs: 300, status: 500, bytesIn: 10, bytesOut: 1, errorKind: 'http', errorMessage: 'status 500' });
  r.recordRequest('GET /a', { latencyUs: 400, bytesIn: 0, bytesOut: 1, errorKind: 'refused', errorMessage: 'ECONNREFUSED' });
  r.recordRequest('POST /b', { latencyUs: 1000, status: 201, bytesIn: 5, bytesOut: 50 });
  r.recordRequest('POST /b', { latencyUs: 1000, status: 201, bytesIn: 5, bytesOut: 50 });
  r.recordError('refused', 'ECONNREFUSED again', 'GET /a');
  r.recordError('aborted', 'user stopped');
  r.check('is 200', true);
  r.check('is 200', false);
  r.check('has id', true);
  r.userMetrics().counter('orders').add(6);
  for (const v of [1, 2, 3, 4]) r.userMetrics().histogram('items').record(v);
  for (let i = 0; i < 4; i++) r.userStarted();
  r.userFinished();
  r.userFailed('boom', 'scenario.ts:4:9');
  r.userFailed('boom', 'scenario.ts:4:9');
  r.recordWs('connect');
  r.recordWs('messageIn', 12);
  return r.takeSnapshot(10_000, 12_000, utilization);
}

describe('summarize', () => {
  test('computes rows, totals and tables from a small known run', () => {
    const s = summarize(knownRun(), 2000);
    assert.equal(s.version, SUMMARY_VERSION);
    assert.deepEqual([s.start, s.end, s.elapsedMs], [10_000, 12_000, 2000]);
    assert.deepEqual(s.requests, [
      {
        name: 'GET /a', count: 4, failed: 2, rps: 2, errorPct: 50, p50: 0.2, p90: 0.4, p99: 0.4, max: 0.4, mean: 0.25,
        bytesIn: 30, bytesOut: 4, status: { '1xx': 0, '2xx': 2, '3xx': 0, '4xx': 0, '5xx': 1, none: 1 },
      },
      {
        name: 'POST /b', count: 2, failed: 0, rps: 1, errorPct: 0, p50: 1, p90: 1, p99: 1, max: 1, mean: 1,
        bytesIn: 10, bytesOut: 100, status: { '1xx': 0, '2xx': 2, '3xx': 0, '4xx': 0, '5xx': 0, none: 0 },
      },
    ]);
    // The total merges histograms: the median of all six values, not an average of the two medians.
    assert.deepEqual(s.total, {
      name: 'total', count: 6, failed: 2, rps: 3, errorPct: (2 / 6) * 100, p50: 0.3, p90: 1, p99: 1, max: 1, mean: 0.5,
      bytesIn: 40, bytesOut: 104, status: { '1xx': 0, '2xx': 4, '3xx': 0, '4xx': 0, '5xx': 1, none: 1 },
    });
    assert.deepEqual(s.checks, [{ name: 'has id', pass: 1, fail: 0 }, { name: 'is 200', pass: 1, fail: 1 }]);
    assert.deepEqual(s.errors, [
      { kind: 'refused', count: 2, lastMessage: 'ECONNREFUSED again', lastName: 'GET /a' },
      { kind: 'http', count: 1, lastMessage: 'status 500', lastName: 'GET /a' },
      { kind: 'aborted', count: 1, lastMessage: 'user stopped' },
    ]);
    assert.deepEqual(s.users, { active: 1, started: 4, finished: 1, failed: 2, stopped: 0 });
    assert.deepEqual(s.ws, { connects: 1, connectFailures: 0, closes: 0, messagesIn: 1, messagesOut: 0, bytesIn: 12, bytesOut: 0 });
    assert.deepEqual(s.counters, [{ name: 'orders', value: 6, rate: 3 }]);
    assert.deepEqual(s.histograms, [{ name: 'items', count: 4, min: 1, mean: 2.5, p50: 2, p90: 4, p95: 4, p99: 4, p999: 4, max: 4 }]);
    assert.deepEqual(s.userFailures, [{ message: 'boom', where: 'scenario.ts:4:9', count: 2 }]);
    assert.equal(s.otherUserFailures, 0);
    assert.deepEqual(s.utilization, { eventLoop: 0.5, cpu: 0.25, mean: 0.5, peak: 0.5, overloaded: false });
    assert.deepEqual(s.warnings, ['2 users failed (their start function threw); most frequent: boom (at scenario.ts:4:9)']);
  });

  test('warns when the generator was overloaded, from the peak rather than the mean', () => {
    const s = summarize(knownRun(), 2000, 0.93);
    assert.deepEqual(s.utilization, { eventLoop: 0.5, cpu: 0.25, mean: 0.5, peak: 0.93, overloaded: true });
    assert.equal(
      s.warnings[0],
      'generator utilization reached 0.93 (> 0.8): the load generator, not the target, may be the bottleneck; add agents or workers',
    );
    // Exactly at the threshold is not overloaded; a peak below the mean is raised to it.
    assert.equal(summarize(knownRun(), 2000, OVERLOAD_THRESHOLD).utilization.overloaded, false);
    assert.equal(summarize(knownRun({ eventLoop: 0.95, cpu: 0.1 }), 2000, 0.2).utilization.peak, 0.95);
  });

  test('gives the same result from decoded histograms of an accumulator, and takes peakActive', () => {
    const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
    accumulator.add(knownRun());
    const cumulative = accumulator.snapshot();
    const plain = summarize(cumulative, 2000);
    const fast = summarize(cumulative, 2000, accumulator.peakUtilization, { histograms: accumulator, peakActive: accumulator.peakActive });
    assert.deepEqual(fast, { ...plain, users: { ...plain.users, peakActive: 1 } });
  });

  test('counts failed users beyond the listed messages', () => {
    const r = new MetricsRecorder({ source: 'local' });
    for (let i = 0; i < 60; i++) r.userFailed(`failure ${i}`);
    const s = summarize(r.takeSnapshot(0, 1000, { eventLoop: 0, cpu: 0 }), 1000);
    assert.equal(s.userFailures.length, 50);
    assert.equal(s.otherUserFailures, 10);
    assert.match(s.warnings[0]!, /^60 users failed/);
  });

  test('an empty run gives zero rows and no warnings; zero elapsed time gives zero rates', () => {
    const r = new MetricsRecorder({ source: 'local' });
    const s = summarize(r.takeSnapshot(0, 0, { eventLoop: 0, cpu: 0 }), 0);
    assert.deepEqual(s.requests, []);
    assert.deepEqual([s.total.count, s.total.rps, s.total.errorPct, s.total.p50, s.total.max], [0, 0, 0, 0, 0]);
    assert.deepEqual(s.warnings, []);
    assert.equal(summarize(knownRun(), 0).requests[0]!.rps, 0);
  });

  test('rejects a bad elapsed time and a corrupt histogram', () => {
    assert.throws(() => summarize(knownRun(), -1), RangeError);
    assert.throws(() => summarize(knownRun(), Number.NaN), RangeError);
    const broken = knownRun();
    broken.requests['GET /a']!.latency = 'AAAA';
    assert.throws(() => summarize(broken, 1000), RookeryError);
  });
});
