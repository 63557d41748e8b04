import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closableEnd, INTERVAL_MS, IntervalClock } from '../../../agent/metrics/interval';

interface Emitted {
  start: number;
  end: number;
  final: boolean;
  /** Clock time when the callback ran. */
  at: number;
}

/** Collects the clock's intervals and lets a test await the n-th one, with a deadline. */
function collector(now: () => number) {
  const emitted: Emitted[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const callback = (start: number, end: number, final: boolean): Emitted => {
    const e = { start, end, final, at: now() };
    emitted.push(e);
    for (const w of waiters.filter((w) => emitted.length >= w.n)) w.resolve();
    return e;
  };
  const waitFor = (n: number, deadlineMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (emitted.length >= n) return resolve();
      const timer = setTimeout(() => reject(new Error(`only ${emitted.length} of ${n} intervals within ${deadlineMs} ms`)), deadlineMs);
      waiters.push({ n, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  return { emitted, callback, waitFor };
}

/** A wall clock shifted so that it currently reads `phase` ms into a second: tests need not wait for a boundary. */
function shiftedClock(phase: number): () => number {
  const real = Date.now();
  const shift = phase - (real % INTERVAL_MS);
  return () => Date.now() + shift;
}

/** Contiguous, strictly increasing, aligned except the first start and the final end, never two for one second. */
function assertWellFormed(emitted: Emitted[], startedAt: number): void {
  assert.equal(emitted[0]!.start, startedAt);
  for (let i = 0; i < emitted.length; i++) {
    const e = emitted[i]!;
    if (i > 0) assert.equal(e.start, emitted[i - 1]!.end, `gap or overlap before interval ${i}`);
    assert.equal(e.final, i === emitted.length - 1);
    if (!e.final) {
      assert.ok(e.end > e.start, `empty interval ${i}`);
      assert.equal(e.end % INTERVAL_MS, 0, `interval ${i} does not end on a second`);
      assert.ok(e.at >= e.end, `interval ${i} closed before its end`);
    } else {
      assert.ok(e.end >= e.start);
    }
  }
}

describe('IntervalClock', () => {
  test('closableEnd closes at the latest boundary passed, never before or twice', () => {
    assert.equal(closableEnd(10_500, 10_999), undefined);
    assert.equal(closableEnd(10_500, 11_000), 11_000);
    assert.equal(closableEnd(10_500, 11_002), 11_000);
    assert.equal(closableEnd(11_000, 11_999), undefined); // already closed at 11 000: no repeat
    assert.equal(closableEnd(11_000, 13_700), 13_000); // a blocked loop: one interval over the whole span
    assert.equal(closableEnd(12_000, 11_500), undefined); // a wall clock stepped back: wait, no overlap
  });

  test('intervals align to whole Date.now() seconds, the first from start(), the last to stop()', async () => {
    const c = collector(Date.now);
    const clock = new IntervalClock(c.callback);
    const startedAt = clock.start();
    assert.ok(Math.abs(startedAt - Date.now()) < 50);
    try {
      await c.waitFor(2, 3500);
    } finally {
      clock.stop();
    }
    assertWellFormed(c.emitted, startedAt);
    assert.equal(c.emitted.length, 3);
    assert.equal(c.emitted[1]!.end - c.emitted[1]!.start, INTERVAL_MS);
    for (const e of c.emitted.slice(0, 2)) assert.ok(e.at - e.end < 900, `closed ${e.at - e.end} ms late`);
  });

  test('a blocked event loop yields one interval over the blocked span: no duplicate, no gap, nothing made up', async () => {
    const now = shiftedClock(850);
    const c = collector(now);
    const clock = new IntervalClock(c.callback, { now });
    const startedAt = clock.start();
    const blockStart = now();
    while (now() - blockStart < 1200) {
      // busy: timers cannot fire, two boundaries pass
    }
    const blockEnd = now();
    try {
      await c.waitFor(2, 3000);
    } finally {
      clock.stop();
    }
    assertWellFormed(c.emitted, startedAt);
    const first = c.emitted[0]!;
    // The first interval runs from start() over every boundary passed while blocked.
    assert.ok(first.end >= Math.floor(blockEnd / INTERVAL_MS) * INTERVAL_MS);
    assert.ok(first.end - first.start > INTERVAL_MS, `expected one long interval, got ${JSON.stringify(c.emitted)}`);
    // An interval that both began and ended while the loop was blocked could only have been made up.
    for (const e of c.emitted) {
      assert.ok(!(e.start > blockStart && e.end <= blockEnd && !e.final), 'an interval was made up inside the blocked span');
    }
    // Ends never repeat, except for the empty final interval stop() closes when it lands on the boundary just passed
    // (by design: stop() always closes one, even empty, for the final snapshot).
    const ends = c.emitted.filter((e) => !(e.final && e.end === e.start)).map((e) => e.end);
    assert.equal(new Set(ends).size, ends.length);
  });

  test('stop() closes the final interval synchronously and returns what the callback returned', async () => {
    const now = shiftedClock(990);
    const c = collector(now);
    const clock = new IntervalClock(c.callback, { now });
    assert.equal(clock.stop(), undefined); // not started: nothing to close
    const startedAt = clock.start();
    assert.throws(() => clock.start(), /already running/);
    await c.waitFor(1, 2000);
    const final = clock.stop();
    assert.equal(final, c.emitted[c.emitted.length - 1]);
    assert.equal(final?.final, true);
    assert.equal(clock.isRunning, false);
    assert.equal(clock.stop(), undefined);
    assertWellFormed(c.emitted, startedAt);
  });

  test('an early timer (wall clock stepped back) emits nothing until the boundary really passes', async () => {
    const shifted = shiftedClock(900);
    let stepBack = 0;
    const now = () => shifted() - stepBack;
    const c = collector(now);
    const clock = new IntervalClock(c.callback, { now });
    const startedAt = clock.start();
    // The timer is due at the boundary by the old reading; by the new one it fires 30 ms early.
    stepBack = 30;
    try {
      await c.waitFor(1, 2000);
    } finally {
      clock.stop();
    }
    assertWellFormed(c.emitted, startedAt);
    assert.equal(c.emitted.length, 2);
    assert.ok(c.emitted[0]!.at >= c.emitted[0]!.end);
  });

  test('a throwing callback goes to onError and the clock keeps going; restart after stop works', async () => {
    const now = shiftedClock(980);
    const errors: unknown[] = [];
    const seen: number[] = [];
    let waiting: (() => void) | undefined;
    const clock = new IntervalClock(
      (_start, end, final) => {
        seen.push(end);
        waiting?.();
        if (!final) throw new Error('callback failed');
      },
      { now, onError: (e) => errors.push(e) },
    );
    clock.start();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no interval within 2 s')), 2000);
      waiting = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    clock.stop();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /callback failed/);
    assert.equal(seen.length, 2);
    // Restartable: a new first interval from the new start().
    const again = clock.start();
    clock.stop();
    assert.equal(seen[seen.length - 1]! >= again, true);
  });
});
