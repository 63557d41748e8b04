import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Spawner } from '../../../agent/controller/spawner';
import { waitFor } from '../../helpers/scenario-files';

test('releases ids at the rate against a fixed epoch, the first at once', async () => {
  const times: number[] = [];
  const ids: number[] = [];
  const t0 = performance.now();
  const spawner = new Spawner(1200, (id) => {
    ids.push(id);
    times.push(performance.now() - t0);
  }); // 20/s: one every 50 ms
  spawner.enqueue(1, 11);
  await waitFor(() => ids.length === 11, '11 spawns', 3000);
  assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.ok(times[0] < 30, `first at once (${times[0]})`);
  // 10 intervals of 50 ms; timers may be late, but lateness must not accumulate.
  assert.ok(times[10] >= 495 && times[10] < 650, `11th at ~500 ms, was ${times[10].toFixed(0)}`);
  spawner.stop();
});

test('rate 0 pauses, a new rate resumes; Infinity releases everything; cancel and stop drop queued ids', async () => {
  const ids: number[] = [];
  const spawner = new Spawner(0, (id) => ids.push(id));
  spawner.enqueue(1, 5);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(ids.length, 0);
  assert.equal(spawner.cancel(2), 2);
  spawner.setRate(Infinity);
  await waitFor(() => ids.length === 3, 'release', 1000);
  assert.deepEqual(ids, [1, 2, 3]);
  spawner.setRate(60);
  spawner.enqueue(6, 9);
  await waitFor(() => ids.length === 4, 'first of the new batch at once', 1000);
  assert.equal(spawner.stop(), 3);
  spawner.enqueue(10, 10);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(ids, [1, 2, 3, 6]);
});
