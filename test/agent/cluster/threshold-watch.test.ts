import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesMerger } from '../../../agent/cluster/series';
import { ThresholdWatch, judgeThresholds, type ThresholdAbort } from '../../../agent/cluster/threshold-watch';
import { SnapshotAccumulator } from '../../../agent/metrics/merge';
import { MetricsRecorder } from '../../../agent/metrics/recorder';
import { summarize } from '../../../agent/metrics/summary';
import { parseThreshold } from '../../../agent/plan/thresholds';
import type { AgentSnapshot } from '../../../agent/protocol/cluster';
import type { ThresholdSpec } from '../../../agent/protocol/thresholds';

/** Agent a1's snapshot of one second with `count` requests to GET / (1 ms each). */
function agentSnapshot(second: number, count: number, seq = second): AgentSnapshot {
  const recorder = new MetricsRecorder({ source: 'a1' });
  for (let i = 0; i < count; i++) recorder.recordRequest('GET /', { latencyUs: 1000, status: 200, bytesIn: 1, bytesOut: 1 });
  const snapshot = recorder.takeSnapshot(second * 1000, second * 1000 + 1000, { eventLoop: 0.1, cpu: 0.1 });
  snapshot.seq = seq;
  return { type: 'run/snapshot', runId: 'r1', second, snapshot, workers: [] };
}

function abortable(expression: string, delayMs = 0): ThresholdSpec {
  return { ...parseThreshold(expression), abortOnFail: true, delayMs };
}

/** A watch on a merger that expects one agent (each snapshot completes its second), on a clock the test sets. */
function setup(specs: ThresholdSpec[], intervalMs = 60_000) {
  const merger = new SeriesMerger({ runId: 'r1', graceMs: 60_000 });
  merger.expect('a1', 'agent 1');
  const clock = { now: 10_000 };
  const failures: ThresholdAbort[] = [];
  const watch = new ThresholdWatch({ specs, merger, now: () => clock.now, onFail: (f) => failures.push(f), warn: (m) => assert.fail(m), intervalMs });
  watch.start(10_000);
  return { merger, clock, failures, watch, done: () => { watch.stop(); merger.close(); } };
}

describe('ThresholdWatch', () => {
  test('is needed only with abortOnFail thresholds', () => {
    assert.equal(ThresholdWatch.needed(undefined), false);
    assert.equal(ThresholdWatch.needed([parseThreshold('p99 < 1s')]), false);
    assert.equal(ThresholdWatch.needed([parseThreshold('p99 < 1s'), abortable('errors == 0')]), true);
  });

  test('waits for each delay, ignores thresholds without data yet, and reports the first failure once', () => {
    const { merger, clock, failures, watch, done } = setup([abortable('p99{GET /other} < 1ms'), abortable('requests < 5', 2000), parseThreshold('requests < 1')]);
    try {
      watch.check();
      assert.deepEqual(failures, [], 'nothing merged yet');
      merger.add('a1', agentSnapshot(10, 3));
      clock.now = 11_000;
      watch.check();
      assert.deepEqual(failures, [], 'requests < 5 is not due before 2 s; GET /other has no data; requests < 1 is not abortOnFail');
      merger.add('a1', agentSnapshot(11, 3));
      clock.now = 11_999;
      watch.check();
      assert.deepEqual(failures, [], 'still 1 ms short of the delay');
      clock.now = 12_000;
      watch.check();
      assert.deepEqual(failures, [{ threshold: 'requests < 5', line: 'requests = 6, limit < 5' }]);
      merger.add('a1', agentSnapshot(12, 3));
      watch.check();
      assert.equal(failures.length, 1, 'stopped after the first failure');
    } finally {
      done();
    }
  });

  test('a second revised by a late snapshot is counted once, with the late part', () => {
    const { merger, clock, failures, watch, done } = setup([abortable('requests < 8')]);
    try {
      merger.add('a1', agentSnapshot(10, 3));
      merger.add('a1', agentSnapshot(11, 3));
      watch.check();
      assert.deepEqual(failures, []);
      merger.add('a1', agentSnapshot(10, 1, 100)); // late: second 10 again, revision 2
      clock.now = 12_000;
      watch.check();
      assert.deepEqual(failures, [], '3 + 1 late + 3 = 7 (not 10, second 10 counted twice): no abort yet');
      merger.add('a1', agentSnapshot(12, 1));
      watch.check();
      assert.deepEqual(failures, [{ threshold: 'requests < 8', line: 'requests = 8, limit < 8' }]);
    } finally {
      done();
    }
  });

  test('checks on its own timer once started', async () => {
    const { merger, failures, done } = setup([abortable('errors > 0')], 20);
    try {
      merger.add('a1', agentSnapshot(10, 2));
      const deadline = Date.now() + 2000;
      while (failures.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(failures, [{ threshold: 'errors > 0', line: 'errors = 0, limit > 0' }]);
    } finally {
      done();
    }
  });

  test('rates are over the merged seconds, not the wall clock', () => {
    const { merger, clock, failures, watch, done } = setup([abortable('rps >= 10')]);
    try {
      merger.add('a1', agentSnapshot(10, 10));
      merger.add('a1', agentSnapshot(11, 10));
      clock.now = 15_000; // the series lags: seconds 12-14 not merged yet
      watch.check();
      assert.deepEqual(failures, [], '20 requests over the 2 merged seconds is 10/s');
      merger.add('a1', agentSnapshot(12, 0));
      watch.check();
      assert.deepEqual(failures, [{ threshold: 'rps >= 10', line: 'rps = 6.667/s, limit >= 10/s' }]);
    } finally {
      done();
    }
  });
});

describe('judgeThresholds', () => {
  const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
  accumulator.add(agentSnapshot(10, 8).snapshot);
  const data = { summary: summarize(accumulator.snapshot(), 1000, undefined, { histograms: accumulator }), histograms: accumulator };
  const specs = [parseThreshold('errors == 0'), abortable('requests < 100'), abortable('requests < 5')];

  test('without an abort: the plain evaluation', () => {
    assert.deepEqual(judgeThresholds(specs, data).map((r) => [r.ok, r.line, r.aborted]), [
      [true, 'errors = 0, limit == 0', undefined],
      [true, 'requests = 8, limit < 100', undefined],
      [false, 'requests = 8, limit < 5', undefined],
    ]);
  });

  test('the threshold that stopped the run stays failed, with its value when it failed', () => {
    const passesAtEnd = judgeThresholds(specs, data, { threshold: 'requests < 100', line: 'requests = 120, limit < 100' });
    assert.deepEqual(passesAtEnd[1], {
      threshold: 'requests < 100', ok: false, actual: 8, unit: 'count', aborted: true,
      line: 'requests = 8, limit < 100; failed during the run (requests = 120, limit < 100) and stopped it',
    });
    assert.equal(passesAtEnd[0].aborted, undefined);
    const failsAtEnd = judgeThresholds(specs, data, { threshold: 'requests < 5', line: 'requests = 6, limit < 5' });
    assert.equal(failsAtEnd[2].line, 'requests = 8, limit < 5; stopped the run (requests = 6, limit < 5)');
    assert.equal(failsAtEnd[2].aborted, true);
  });
});
