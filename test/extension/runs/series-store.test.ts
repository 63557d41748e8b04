import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, decodeHistogram } from '../../../agent/metrics/histogram';
import type { SeriesPoint } from '../../../agent/protocol/control';
import type { DashboardPoint } from '../../../agent/protocol/dashboard';
import { SeriesStore, type StoreInput } from '../../../extension/runs/series-store';
import { SyntheticRun, spread } from '../../helpers/run-data';

const ms = (us: number): number => Math.round(us) / 1000;

function input(run: SyntheticRun, point: SeriesPoint): StoreInput {
  return { second: point.second - run.origin, revision: point.revision, snapshot: point.snapshot, agents: point.agents };
}

/** Points in time order, none overlapping another. */
function assertOrdered(points: readonly DashboardPoint[]): void {
  for (let i = 1; i < points.length; i++) {
    const before = points[i - 1];
    assert.ok(before.second + before.span <= points[i].second, `point ${before.second}+${before.span} overlaps ${points[i].second}`);
  }
}

describe('SeriesStore', () => {
  test('a 2-hour run at 1 Hz stays bounded, and its totals stay exact', () => {
    const run = new SyntheticRun();
    const store = new SeriesStore();
    let requests = 0;
    let maxFine = 0;
    let maxCoarse = 0;
    let maxRetained = 0;
    let compactions = 0;
    for (let i = 0; i < 7200; i++) {
      // Two names; latency grows over the run so coarse buckets differ from one another.
      const n = 2 + (i % 3);
      const change = store.put(input(run, run.point(i, { requests: { 'GET /a': spread(n, 1000 + i, 5000 + i), 'GET /b': [2000] }, users: 10 + (i % 7) })));
      requests += n + 1;
      assert.equal(change.outcome, 'added');
      if (change.compacted) {
        compactions++;
        assertOrdered(change.compacted.points);
        assert.ok(change.compacted.points.every((p) => p.second + p.span <= change.compacted!.upTo));
      }
      const stats = store.stats();
      maxFine = Math.max(maxFine, stats.fine);
      maxCoarse = Math.max(maxCoarse, stats.coarse);
      maxRetained = Math.max(maxRetained, stats.retainedSnapshots);
    }
    assert.ok(maxFine <= 300, `fine ${maxFine}`);
    assert.ok(maxCoarse <= 360, `coarse ${maxCoarse}`);
    assert.ok(maxRetained <= 660, `retained ${maxRetained}`);
    assert.ok(compactions > 600, `compacted every 10 s (${compactions})`);
    const stats = store.stats();
    assert.ok(stats.coarseSpan >= 20, `the grid widened to ${stats.coarseSpan} s`);
    const points = store.points();
    assertOrdered(points);
    assert.equal(points[0].second, 0);
    assert.equal(points[points.length - 1].second, 7199);
    assert.ok(points.slice(-stats.fine).every((p) => p.span === 1));
    // Rates × spans add up to every request put, across both tiers.
    const counted = points.reduce((n, p) => n + (p.okRps + p.failedRps) * p.span, 0);
    assert.ok(Math.abs(counted - requests) < 1e-6, `${counted} vs ${requests}`);
    const total = store.total();
    assert.equal(Object.values(total.snapshot.requests).reduce((n, r) => n + r.count, 0), requests);
    assert.equal(total.snapshot.users.active, 10 + (7199 % 7), 'users of the last second');
    assert.equal(store.totalRebuilds, 1, 'built once from the buckets (never asked before)');
  });

  test("a coarse bucket's p99 comes from its seconds' merged histograms", () => {
    const run = new SyntheticRun();
    const store = new SeriesStore({ fineSeconds: 10, bucketSeconds: 5, maxCoarse: 100 });
    const points: SeriesPoint[] = [];
    for (let i = 0; i < 15; i++) {
      // Seconds 0..4: one slow second among fast ones, where an average of p99s would be far off.
      const requests = i === 2 ? { a: spread(20, 300_000, 500_000) } : { a: spread(500, 1000, 3000) };
      points.push(run.point(i, { requests }));
      store.put(input(run, points[i]));
    }
    const [bucket] = store.coarsePoints();
    assert.deepEqual([bucket.second, bucket.span], [0, 5]);
    const merged = createHistogram();
    for (const p of points.slice(0, 5)) merged.add(decodeHistogram(p.snapshot.requests.a.latency));
    assert.equal(bucket.latency!.p99, ms(merged.percentile(99)));
    assert.equal(bucket.latency!.max, ms(merged.max));
    assert.equal(bucket.okRps, (4 * 500 + 20) / 5);
    assert.equal(store.fineStart, 5);
    assert.deepEqual(store.finePoints().map((p) => p.second), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  test('revisions replace fine seconds; late and duplicate ones are ignored and counted', () => {
    const run = new SyntheticRun();
    const store = new SeriesStore({ fineSeconds: 10, bucketSeconds: 5, settleSeconds: 2 });
    for (let i = 0; i < 10; i++) store.put(input(run, run.point(i, { requests: { a: [1000] } })));
    assert.equal(Object.values(store.total().snapshot.requests)[0].count, 10);
    // Second 3 (settled in the totals already) comes again with more requests: it replaces, totals follow.
    const revised = run.point(3, { requests: { a: [1000, 1000, 1000, 9_000_000] } }, 2);
    const change = store.put(input(run, revised));
    assert.equal(change.outcome, 'replaced');
    assert.equal(change.points[0].okRps, 4);
    assert.equal(store.finePoint(3)!.latency!.max, ms(decodeHistogram(revised.snapshot.requests.a.latency).max));
    assert.equal(store.total().snapshot.requests.a.count, 13);
    assert.equal(store.totalRebuilds, 1);
    assert.equal(store.put(input(run, run.point(3, { requests: { a: [5] } }, 2))).outcome, 'duplicate');
    assert.equal(store.put(input(run, run.point(3, { requests: { a: [5] } }, 1))).outcome, 'duplicate');
    // Push the window on: seconds 0..4 are compacted; a revision of second 3 now is late.
    const moved = store.put(input(run, run.point(10, { requests: { a: [1000] } })));
    assert.deepEqual(moved.compacted?.upTo, 5);
    assert.equal(store.put(input(run, run.point(3, { requests: { a: [1, 2, 3] } }, 3))).outcome, 'late');
    assert.equal(store.put(input(run, run.point(-20, { requests: { a: [1] } }))).outcome, 'late');
    assert.deepEqual([store.stats().late, store.stats().duplicates], [2, 2]);
    assert.equal(store.total().snapshot.requests.a.count, 14, 'late revisions change nothing');
  });

  test('seconds may arrive out of order and with gaps; a jump far ahead compacts without walking the gap', () => {
    const run = new SyntheticRun();
    const store = new SeriesStore({ fineSeconds: 20, bucketSeconds: 10 });
    for (const i of [5, 3, 4, 12, 7]) store.put(input(run, run.point(i, { requests: { a: [1000] } })));
    assert.deepEqual(store.finePoints().map((p) => p.second), [3, 4, 5, 7, 12]);
    const t0 = Date.now();
    const change = store.put(input(run, run.point(5_000_000, { requests: { a: [1000] } })));
    assert.ok(Date.now() - t0 < 1000);
    assert.ok(change.compacted);
    assertOrdered(store.points());
    assert.deepEqual(store.finePoints().map((p) => p.second), [5_000_000]);
    assert.equal(store.total().snapshot.requests.a.count, 6);
  });

  test('a first arrival older than the settled seconds still counts in the totals', () => {
    const run = new SyntheticRun();
    const store = new SeriesStore();
    for (let i = 20; i < 40; i++) store.put(input(run, run.point(i, { requests: { a: [1000] } })));
    assert.equal(store.total().snapshot.requests.a.count, 20);
    assert.equal(store.put(input(run, run.point(15, { requests: { a: [1000, 1000] } }))).outcome, 'added');
    assert.equal(store.total().snapshot.requests.a.count, 22);
    assert.equal(store.fineStart, 10);
    assert.deepEqual(store.finePoints()[0].second, 15);
  });

  test('refuses bad options and a non-integer second', () => {
    assert.throws(() => new SeriesStore({ fineSeconds: 0 }), RangeError);
    assert.throws(() => new SeriesStore({ fineSeconds: 5, bucketSeconds: 10 }), RangeError);
    assert.throws(() => new SeriesStore({ maxCoarse: 1.5 }), RangeError);
    const run = new SyntheticRun();
    const store = new SeriesStore();
    assert.throws(() => store.put({ ...input(run, run.point(0)), second: 1.5 }), RangeError);
    assert.deepEqual(store.points(), []);
    assert.equal(store.lastPoint(), undefined);
  });
});
