import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SecondMerger, type MergedSecond, type WorkerSecond } from '../../../agent/cluster/worker-snapshots';
import { MetricsRecorder } from '../../../agent/metrics/recorder';
import { waitFor } from '../../helpers/scenario-files';

/** A worker's report for `second`: `started` users started (and still running), one request of `latencyUs`. */
function report(worker: number, second: number, started: number, latencyUs = 1000): WorkerSecond {
  const recorder = new MetricsRecorder({ source: `a/worker-${worker}` });
  for (let i = 0; i < started; i++) recorder.userStarted();
  recorder.recordRequest('GET /', { latencyUs, status: 200, bytesIn: 10, bytesOut: 5 });
  const start = second * 1000;
  const utilization = { eventLoop: 0.1 * (worker + 1), cpu: 0.2 };
  return { worker, second, snapshot: recorder.takeSnapshot(start, start + 1000, utilization), figures: { users: started, utilization } };
}

function merger(workers: number[], waitMs = 60_000) {
  const out: MergedSecond[] = [];
  const m = new SecondMerger({ workers, source: 'agent-a', waitMs, emit: (s) => out.push(s) });
  return { m, out };
}

describe('SecondMerger', () => {
  test('emits a second once every live worker reported it, gauges summed, figures per worker', () => {
    const { m, out } = merger([0, 1]);
    m.add(report(1, 41, 3));
    assert.equal(out.length, 0);
    m.add(report(0, 41, 2));
    assert.equal(out.length, 1);
    const [s] = out;
    assert.equal(s!.second, 41);
    assert.equal(s!.snapshot.source, 'agent-a');
    assert.equal(s!.snapshot.seq, 0);
    assert.equal(s!.snapshot.users.started, 5);
    assert.equal(s!.snapshot.users.active, 5);
    assert.equal(s!.snapshot.requests['GET /']!.count, 2);
    assert.deepEqual(s!.workers.map((w) => [w.worker, w.users]), [[0, 2], [1, 3]]);
    m.add(report(0, 42, 0));
    m.add(report(1, 42, 0));
    assert.deepEqual(out.map((o) => [o.second, o.snapshot.seq]), [[41, 0], [42, 1]]);
    m.close();
  });

  test('emits after the wait without the late worker; the straggler goes out alone for its second', async () => {
    const { m, out } = merger([0, 1], 50);
    m.add(report(0, 7, 4));
    await waitFor(() => out.length === 1, 'the second to be emitted after the wait', 2000);
    assert.equal(out[0]!.snapshot.users.started, 4);
    m.add(report(1, 7, 6));
    assert.equal(out.length, 2);
    assert.equal(out[1]!.second, 7);
    assert.equal(out[1]!.snapshot.users.started, 6);
    assert.deepEqual(out[1]!.workers.map((w) => w.worker), [1]);
    m.close();
  });

  test('a worker that is gone is not waited for', () => {
    const { m, out } = merger([0, 1, 2]);
    m.add(report(0, 3, 1));
    m.add(report(2, 3, 1));
    assert.equal(out.length, 0);
    m.removeWorker(1);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.snapshot.users.started, 2);
    m.add(report(0, 4, 0));
    m.add(report(2, 4, 0));
    assert.equal(out.length, 2);
    m.close();
  });

  test('flush emits what waits, oldest first; close drops it and emits nothing more', () => {
    const { m, out } = merger([0, 1]);
    m.add(report(0, 9, 1));
    m.add(report(0, 8, 1));
    assert.equal(m.waiting, 2);
    m.flush();
    assert.deepEqual(out.map((o) => o.second), [8, 9]);
    m.add(report(0, 10, 1));
    m.close();
    m.add(report(1, 10, 1));
    assert.equal(out.length, 2);
    assert.equal(m.waiting, 0);
  });

  test('a corrupt snapshot is reported and left out; the rest of the second still goes out', () => {
    const errors: number[] = [];
    const out: MergedSecond[] = [];
    const m = new SecondMerger({ workers: [0, 1], source: 'a', emit: (s) => out.push(s), onError: (_e, worker) => errors.push(worker) });
    const bad = report(1, 5, 9);
    bad.snapshot.requests['GET /']!.latency = 'not a histogram';
    m.add(report(0, 5, 1));
    m.add(bad);
    assert.deepEqual(errors, [1]);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.snapshot.users.started, 1);
    assert.deepEqual(out[0]!.workers.map((w) => w.worker), [0]);
    m.close();
  });
});
