import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricSnapshot } from '../../../agent/protocol/snapshot';
import { RunTotals, type TotalsSource } from '../../../extension/runs/run-totals';
import { SyntheticRun } from '../../helpers/run-data';

/** A store reduced to what the totals read: fine seconds by second, and bucket snapshots. */
class FakeSource implements TotalsSource {
  fine = new Map<number, MetricSnapshot>();
  coarse: MetricSnapshot[] = [];
  fineStart: number | undefined;
  latestSecond: number | undefined;
  fineSnapshots(): { second: number; snapshot: MetricSnapshot }[] {
    return [...this.fine].sort(([a], [b]) => a - b).map(([second, snapshot]) => ({ second, snapshot }));
  }
  coarseSnapshots(): MetricSnapshot[] {
    return this.coarse;
  }
  put(second: number, snapshot: MetricSnapshot): void {
    this.fine.set(second, snapshot);
    this.fineStart = Math.min(this.fineStart ?? second, second);
    this.latestSecond = Math.max(this.latestSecond ?? second, second);
  }
}

const count = (s: MetricSnapshot): number => Object.values(s.requests).reduce((n, r) => n + r.count, 0);

describe('RunTotals', () => {
  test('merges settled and recent seconds; revisions inside the window cost no rebuild, older ones do', () => {
    const run = new SyntheticRun();
    const source = new FakeSource();
    const totals = new RunTotals(source, 3);
    assert.equal(count(totals.current().snapshot), 0, 'empty');
    for (let i = 0; i < 10; i++) source.put(i, run.snapshot(i, { requests: { a: [1000] }, users: i }));
    const first = totals.current();
    assert.equal(count(first.snapshot), 10);
    assert.equal(first.snapshot.users.active, 9, 'the latest second’s users');
    assert.equal(first.histograms.requestHistogram('a')!.count, 10);
    // Second 8 is in the unsettled window (the last 3 seconds): replaced for free.
    source.fine.set(8, run.snapshot(8, { requests: { a: [1000, 1000] } }));
    totals.changed(8);
    assert.equal(count(totals.current().snapshot), 11);
    assert.equal(totals.rebuilds, 0);
    // Second 2 was settled: replacing it rebuilds once.
    source.fine.set(2, run.snapshot(2, { requests: { a: [1000, 1000, 1000] } }));
    totals.changed(2);
    assert.equal(count(totals.current().snapshot), 13);
    assert.equal(totals.rebuilds, 1);
    // Seconds compacted into a bucket before they settled: rebuilt from the bucket.
    const bucket = run.snapshot(20, { requests: { a: [1, 2, 3, 4] } });
    source.coarse = [bucket];
    source.fine.clear();
    source.put(30, run.snapshot(30, { requests: { a: [5] } }));
    source.fineStart = 30;
    totals.compacted(30);
    assert.equal(count(totals.current().snapshot), 5, 'the bucket (standing for every compacted second) and second 30');
    assert.equal(totals.rebuilds, 2);
  });
});
