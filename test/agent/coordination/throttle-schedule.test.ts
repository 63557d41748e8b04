import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ThrottleSchedule } from '../../../agent/coordination/throttle-schedule';

/** The most executions in any window [t_i, t_i + ms) starting at an execution. */
function maxInWindow(times: number[], ms: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && times[j] < times[i] + ms) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

/** Acquires `count` times at once and records when each was granted (in grant order), releasing at once. */
async function acquireAll(schedule: ThrottleSchedule, count: number, onEach?: (n: number) => void): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async () => {
      const release = await schedule.acquire();
      times.push(performance.now());
      release();
      onEach?.(times.length);
    }),
  );
  return times;
}

describe('ThrottleSchedule', () => {
  test('never exceeds the rate in any sliding window and spreads executions evenly', async () => {
    const schedule = new ThrottleSchedule({ rate: 20, interval: 1000 });
    const start = performance.now();
    const times = await acquireAll(schedule, 30);
    assert.equal(times.length, 30);
    assert.ok(times[0] - start < 20, 'the first execution is not delayed');
    assert.ok(maxInWindow(times, 1000) <= 20, `at most 20 in any 1000 ms window, got ${maxInWindow(times, 1000)}`);
    const g = gaps(times);
    assert.ok(Math.min(...g) >= 49, `no two executions closer than interval/rate, got ${Math.min(...g)}`);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    assert.ok(mean < 62, `evenly spread at ~50 ms, mean ${mean}`);
    assert.ok(Math.max(...g) < 120, `no long stall, max ${Math.max(...g)}`);
    assert.equal(schedule.executions, 30);
    assert.equal(schedule.queued, 0);
  });

  test('lowering the rate while waiters queue holds the new rate in every window after the change', async () => {
    const schedule = new ThrottleSchedule({ rate: 20, interval: 1000 });
    let changedAt = Infinity;
    const times = await acquireAll(schedule, 20, (n) => {
      if (n === 12) {
        changedAt = performance.now();
        schedule.setRate({ rate: 10, interval: 1000 });
      }
    });
    assert.ok(maxInWindow(times, 1000) <= 20);
    for (let i = 0, j = 0; i < times.length; i++) {
      while (j < times.length && times[j] < times[i] + 1000) j++;
      if (times[j - 1] > changedAt) assert.ok(j - i <= 10, `window from #${i} ends after the change with ${j - i} > 10`);
    }
    const after = gaps(times.slice(12));
    assert.ok(Math.min(...after) >= 99, `new spacing 100 ms, got ${Math.min(...after)}`);
  });

  test('raising the rate while waiters queue tightens the spacing at once', async () => {
    const schedule = new ThrottleSchedule({ rate: 10, interval: 1000 });
    const times = await acquireAll(schedule, 12, (n) => {
      if (n === 5) schedule.setRate({ rate: 20, interval: 1000 });
    });
    const before = gaps(times.slice(0, 5));
    const after = gaps(times.slice(5));
    assert.ok(Math.min(...before) >= 99);
    assert.ok(Math.min(...after) >= 49 && Math.max(...after) < 80, `spacing after the change ~50 ms: ${after.join(', ')}`);
    assert.ok(maxInWindow(times, 1000) <= 20);
  });

  test('serves waiters first in, first out, skipping aborted ones', async () => {
    const schedule = new ThrottleSchedule({ rate: 50, interval: 1000 });
    const order: number[] = [];
    const aborter = new AbortController();
    const all = Array.from({ length: 8 }, async (_, i) => {
      try {
        const release = await schedule.acquire(i === 3 ? aborter.signal : undefined);
        order.push(i);
        release();
      } catch (error) {
        order.push(-i);
        assert.equal((error as Error).name, 'AbortError');
      }
    });
    aborter.abort();
    await Promise.all(all);
    assert.deepEqual(order, [0, -3, 1, 2, 4, 5, 6, 7]);
  });

  test('an aborted waiter rejects and frees its slot for the next one', async () => {
    const schedule = new ThrottleSchedule({ rate: 10, interval: 1000 });
    const first = await schedule.acquire();
    const t0 = performance.now();
    first();
    const aborter = new AbortController();
    const aborted = schedule.acquire(aborter.signal);
    const third = schedule.acquire();
    assert.equal(schedule.queued, 2);
    aborter.abort();
    await assert.rejects(aborted, { name: 'AbortError' });
    assert.equal(schedule.queued, 1);
    (await third)();
    const waited = performance.now() - t0;
    assert.ok(waited >= 95 && waited < 180, `the third ran in the aborted one's slot (~100 ms), after ${waited}`);
    await assert.rejects(schedule.acquire(AbortSignal.abort()), { name: 'AbortError' });
    assert.equal(schedule.queued, 0);
  });

  test('interval 0 caps executions in parallel, released when they end', async () => {
    const schedule = new ThrottleSchedule({ rate: 3, interval: 0 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        const release = await schedule.acquire();
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        release();
        release(); // idempotent: a second call frees nothing
      }),
    );
    assert.equal(peak, 3);
    assert.equal(schedule.running, 0);
    assert.equal(schedule.executions, 12);
  });

  test('rate 0 grants nothing until unlocked, then everything at once', async () => {
    const schedule = new ThrottleSchedule({ rate: 0, interval: 1000 });
    let granted = 0;
    const all = Array.from({ length: 5 }, () => schedule.acquire().then((release) => (granted++, release())));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(granted, 0);
    assert.equal(schedule.queued, 5);
    const t0 = performance.now();
    schedule.setRate({ rate: Infinity, interval: 1000 });
    await Promise.all(all);
    assert.equal(granted, 5);
    assert.ok(performance.now() - t0 < 20);
  });

  test('a rate below 1 per interval still runs, one per interval / rate', async () => {
    const schedule = new ThrottleSchedule({ rate: 0.5, interval: 100 });
    const times = await acquireAll(schedule, 3);
    assert.ok(Math.min(...gaps(times)) >= 199, `one per 200 ms: ${gaps(times).join(', ')}`);
  });

  test('close rejects waiters with its error, and later acquires too', async () => {
    const schedule = new ThrottleSchedule({ rate: 1, interval: 60_000 });
    (await schedule.acquire())();
    const waiting = schedule.acquire();
    const error = new Error('stopped');
    schedule.close(error);
    await assert.rejects(waiting, error);
    await assert.rejects(schedule.acquire(), error);
    assert.equal(schedule.queued, 0);
  });
});
