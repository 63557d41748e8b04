import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Stage, TimelinePoint } from '../../../agent/protocol/plan';
import { MIN_STEP_MS, stagesToTimeline, timelineDuration, usersAt, usersAfterStage } from '../../../agent/plan/timeline';

/** Properties every timeline has: starts at 0, strictly increasing times, no two equal counts in a row. */
function assertWellFormed(points: TimelinePoint[]): void {
  assert.equal(points[0].at, 0);
  for (let i = 1; i < points.length; i++) {
    assert.ok(points[i].at > points[i - 1].at, `point ${i} is not after point ${i - 1}`);
    assert.notEqual(points[i].users, points[i - 1].users, `point ${i} repeats the count`);
  }
}

describe('stagesToTimeline', () => {
  test('with no stages, one point: the initial users', () => {
    assert.deepEqual(stagesToTimeline(7, []), [{ at: 0, users: 7 }]);
  });

  test('a ramp up adds a point per whole user crossed, ending exactly at `to` at the end', () => {
    const points = stagesToTimeline(0, [{ kind: 'ramp', to: 5, duration: 1000 }]);
    assert.deepEqual(points, [
      { at: 0, users: 0 },
      { at: 200, users: 1 },
      { at: 400, users: 2 },
      { at: 600, users: 3 },
      { at: 800, users: 4 },
      { at: 1000, users: 5 },
    ]);
  });

  test('a ramp with uneven crossings rounds times to whole ms', () => {
    const points = stagesToTimeline(0, [{ kind: 'ramp', to: 3, duration: 1000 }]);
    assert.deepEqual(points.map((p) => p.at), [0, 333, 667, 1000]);
  });

  test('a ramp down is monotonic and ends at `to`', () => {
    const points = stagesToTimeline(100, [{ kind: 'ramp', to: 20, duration: 60_000 }]);
    assertWellFormed(points);
    assert.equal(points.length, 81);
    for (let i = 1; i < points.length; i++) assert.equal(points[i].users, points[i - 1].users - 1);
    assert.deepEqual(points[points.length - 1], { at: 60_000, users: 20 });
  });

  test(`a fast ramp gets coarser steps, at least ${MIN_STEP_MS} ms apart`, () => {
    const points = stagesToTimeline(0, [{ kind: 'ramp', to: 10_000, duration: 1000 }]);
    assertWellFormed(points);
    assert.equal(points.length, 11);
    for (let i = 1; i < points.length; i++) {
      assert.ok(points[i].at - points[i - 1].at >= MIN_STEP_MS);
      assert.ok(points[i].users > points[i - 1].users);
    }
    assert.deepEqual(points[1], { at: 100, users: 1000 });
    assert.deepEqual(points[points.length - 1], { at: 1000, users: 10_000 });
  });

  test('the spacing holds for awkward sizes and a ramp down', () => {
    for (const [from, to, duration] of [[0, 7, 250], [0, 999, 1234], [5000, 3, 777], [0, 10, 99]]) {
      const points = stagesToTimeline(from, [{ kind: 'ramp', to, duration }]);
      assertWellFormed(points);
      for (let i = 1; i < points.length; i++) {
        assert.ok(points[i].at - points[i - 1].at >= Math.min(MIN_STEP_MS, duration), `${from}→${to} over ${duration}`);
      }
      assert.deepEqual(points[points.length - 1], { at: duration, users: to });
    }
  });

  test('a ramp over 0 ms is a jump; a ramp to the current count adds no point', () => {
    assert.deepEqual(stagesToTimeline(0, [{ kind: 'hold', duration: 500 }, { kind: 'ramp', to: 50, duration: 0 }]), [
      { at: 0, users: 0 },
      { at: 500, users: 50 },
    ]);
    assert.deepEqual(stagesToTimeline(4, [{ kind: 'ramp', to: 4, duration: 10_000 }]), [{ at: 0, users: 4 }]);
  });

  test('hold only moves time', () => {
    const points = stagesToTimeline(0, [
      { kind: 'ramp', to: 2, duration: 200 },
      { kind: 'hold', duration: 1000 },
      { kind: 'ramp', to: 0, duration: 200 },
    ]);
    assert.deepEqual(points, [
      { at: 0, users: 0 },
      { at: 100, users: 1 },
      { at: 200, users: 2 },
      { at: 1300, users: 1 },
      { at: 1400, users: 0 },
    ]);
  });

  test('seq sets each count at 0, every, 2*every…, merging repeats; the first value replaces the start', () => {
    const points = stagesToTimeline(0, [{ kind: 'seq', interval: 10_000, users: [10, 20, 20, 5] }]);
    assert.deepEqual(points, [
      { at: 0, users: 10 },
      { at: 10_000, users: 20 },
      { at: 30_000, users: 5 },
    ]);
    assert.equal(timelineDuration([{ kind: 'seq', interval: 10_000, users: [10, 20, 20, 5] }]), 40_000);
  });

  test('aseq adds `add` at once and every interval, capped at `to`', () => {
    const points = stagesToTimeline(5, [{ kind: 'aseq', interval: 1000, add: 10, to: 32 }]);
    assert.deepEqual(points, [
      { at: 0, users: 15 },
      { at: 1000, users: 25 },
      { at: 2000, users: 32 },
    ]);
    assert.equal(timelineDuration([{ kind: 'aseq', interval: 1000, add: 10, to: 32 }], 5), 3000);
  });

  test('aseq starting at or above `to` does nothing and takes no time', () => {
    const stages: Stage[] = [{ kind: 'aseq', interval: 1000, add: 10, to: 20 }, { kind: 'ramp', to: 0, duration: 100 }];
    assert.deepEqual(stagesToTimeline(30, stages), [
      { at: 0, users: 30 },
      { at: 100, users: 0 },
    ]);
    assert.equal(timelineDuration(stages, 30), 100);
    assert.equal(usersAfterStage(30, stages[0]), 30);
  });

  test('a combination follows each stage from where the previous one ended', () => {
    const stages: Stage[] = [
      { kind: 'hold', duration: 1000 },
      { kind: 'seq', interval: 500, users: [10, 10, 20, 5] },
      { kind: 'aseq', interval: 200, add: 4, to: 15 },
      { kind: 'ramp', to: 0, duration: 300 },
    ];
    const points = stagesToTimeline(5, stages);
    assertWellFormed(points);
    assert.deepEqual(points, [
      { at: 0, users: 5 },
      { at: 1000, users: 10 },
      { at: 2000, users: 20 },
      { at: 2500, users: 5 },
      { at: 3000, users: 9 },
      { at: 3200, users: 13 },
      { at: 3400, users: 15 },
      { at: 3700, users: 10 },
      { at: 3800, users: 5 },
      { at: 3900, users: 0 },
    ]);
    assert.equal(timelineDuration(stages, 5), 3900);
  });

  test('rejects invalid stages built outside the plan parser', () => {
    assert.throws(() => stagesToTimeline(-1, []), RangeError);
    assert.throws(() => stagesToTimeline(0, [{ kind: 'ramp', to: 1.5, duration: 10 }]), /ramp to must be a whole number/);
    assert.throws(() => stagesToTimeline(0, [{ kind: 'hold', duration: -1 }]), /hold duration/);
    assert.throws(() => stagesToTimeline(0, [{ kind: 'seq', interval: 0, users: [1] }]), /seq interval .* more than 0/);
    assert.throws(() => stagesToTimeline(0, [{ kind: 'seq', interval: 10, users: [] }]), /at least one/);
    assert.throws(() => stagesToTimeline(0, [{ kind: 'aseq', interval: 10, add: 0, to: 5 }]), /add must be more than 0/);
    assert.throws(() => timelineDuration([{ kind: 'jump' } as unknown as Stage]), /unknown stage kind "jump"/);
  });
});

describe('usersAt', () => {
  const timeline = stagesToTimeline(0, [{ kind: 'ramp', to: 4, duration: 400 }, { kind: 'hold', duration: 600 }, { kind: 'seq', interval: 100, users: [1] }]);

  test('gives the count of the last point at or before t', () => {
    assert.deepEqual(timeline.map((p) => [p.at, p.users]), [[0, 0], [100, 1], [200, 2], [300, 3], [400, 4], [1000, 1]]);
    assert.equal(usersAt(timeline, 0), 0);
    assert.equal(usersAt(timeline, 99), 0);
    assert.equal(usersAt(timeline, 100), 1);
    assert.equal(usersAt(timeline, 250), 2);
    assert.equal(usersAt(timeline, 999), 4);
    assert.equal(usersAt(timeline, 1000), 1);
    assert.equal(usersAt(timeline, 1e9), 1);
  });

  test('before the start it is the first count; an empty timeline is 0 users', () => {
    assert.equal(usersAt(stagesToTimeline(3, []), -5), 3);
    assert.equal(usersAt([], 10), 0);
  });

  test('agrees with a linear scan on a long ramp', () => {
    const long = stagesToTimeline(0, [{ kind: 'ramp', to: 5000, duration: 600_000 }]);
    for (let t = 0; t <= 600_000; t += 997) {
      let expected = 0;
      for (const p of long) if (p.at <= t) expected = p.users;
      assert.equal(usersAt(long, t), expected);
    }
  });
});
