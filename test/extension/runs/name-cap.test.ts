import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RookeryError } from '../../../agent/common/errors';
import { decodeHistogram, summarizeHistogram } from '../../../agent/metrics/histogram';
import { mergeSnapshots } from '../../../agent/metrics/merge';
import { NameCap, OTHER_NAME, mergeRequests } from '../../../extension/runs/name-cap';
import { SyntheticRun, spread } from '../../helpers/run-data';

function names(n: number, prefix = 'GET /n/'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
}

describe('NameCap', () => {
  test('keeps the first 100 names and folds the 101st into (other) with its exact figures', () => {
    const run = new SyntheticRun();
    const requests: Record<string, number[]> = {};
    for (const name of names(100)) requests[name] = [1000];
    requests['GET /late'] = spread(50, 2000, 90_000);
    const snapshot = run.snapshot(0, { requests, failed: { 'GET /late': 7 } });
    const cap = new NameCap();
    const capped = cap.apply(snapshot);
    assert.equal(Object.keys(capped.requests).length, 101, '100 names and (other)');
    assert.ok(!('GET /late' in capped.requests));
    const other = capped.requests[OTHER_NAME];
    const original = snapshot.requests['GET /late'];
    assert.equal(other.count, 50);
    assert.equal(other.failed, 7);
    assert.deepEqual(other.status, original.status);
    assert.deepEqual(other.errors, { http: 7 });
    assert.equal(other.bytesIn, original.bytesIn);
    assert.deepEqual(summarizeHistogram(decodeHistogram(other.latency)), summarizeHistogram(decodeHistogram(original.latency)));
    assert.equal(cap.folded('requests'), 1);
    assert.ok(!cap.saturated('requests'));
    // The kept names are untouched (same objects), and the input snapshot was not changed.
    assert.equal(capped.requests['GET /n/000'], snapshot.requests['GET /n/000']);
    assert.ok('GET /late' in snapshot.requests);
  });

  test('folds several names exactly (histograms merged, not averaged) and counts each distinct name once', () => {
    const run = new SyntheticRun();
    const cap = new NameCap(2);
    const first = run.snapshot(0, { requests: { a: [1000], b: [1000], c: spread(100, 1000, 1000), d: spread(100, 50_000, 60_000) } });
    const capped = cap.apply(first);
    assert.deepEqual(Object.keys(capped.requests), ['a', 'b', OTHER_NAME]);
    const other = capped.requests[OTHER_NAME];
    assert.equal(other.count, 200);
    // The exact p99 of c+d merged is in d's range; an average of c's and d's p99 would be ~30 ms.
    const merged = mergeSnapshots([first], 'sum');
    const exact = decodeHistogram(merged.requests.c.latency);
    exact.add(decodeHistogram(merged.requests.d.latency));
    assert.equal(decodeHistogram(other.latency).percentile(99), exact.percentile(99));
    assert.ok(decodeHistogram(other.latency).percentile(99) > 49_000);
    // A later snapshot: kept names stay kept, a folded one stays folded, a new one folds; counted once each.
    const second = cap.apply(run.snapshot(1, { requests: { d: [5000], e: [7000], a: [1000] } }));
    assert.deepEqual(Object.keys(second.requests).sort(), [OTHER_NAME, 'a'].sort());
    assert.equal(second.requests[OTHER_NAME].count, 2);
    assert.equal(cap.folded('requests'), 3, 'c, d and e');
  });

  test('caps counters, checks and custom histograms too, summing or merging them', () => {
    const run = new SyntheticRun();
    const cap = new NameCap(1);
    const snapshot = run.snapshot(0, { counters: { x: 2, y: 3, z: 4 }, checks: { ok: { pass: 1, fail: 0 }, other1: { pass: 2, fail: 1 }, other2: { pass: 0, fail: 5 } } });
    const capped = cap.apply(snapshot);
    assert.deepEqual(capped.counters, { x: 2, [OTHER_NAME]: 7 });
    assert.deepEqual(capped.checks, { ok: { pass: 1, fail: 0 }, [OTHER_NAME]: { pass: 2, fail: 6 } });
    assert.equal(cap.folded('counters'), 2);
    assert.equal(cap.folded('checks'), 2);
    assert.equal(cap.folded('requests'), 0);
  });

  test('returns the snapshot itself when nothing folds', () => {
    const run = new SyntheticRun();
    const cap = new NameCap(5);
    const snapshot = run.snapshot(0, { requests: { a: [1], b: [2] }, counters: { c: 1 } });
    assert.equal(cap.apply(snapshot), snapshot);
  });

  test('mergeRequests keeps phase histograms that exist and drops those that do not', () => {
    const run = new SyntheticRun();
    const s = run.snapshot(0, { requests: { a: [10, 20], b: [30] } });
    const merged = mergeRequests([s.requests.a, s.requests.b]);
    assert.equal(merged.count, 3);
    assert.equal(decodeHistogram(merged.latency).count, 3);
    assert.equal(merged.connect, undefined);
  });

  test('refuses a bad cap, and a corrupt histogram of a folded name', () => {
    assert.throws(() => new NameCap(0), RangeError);
    assert.throws(() => new NameCap(2.5), RangeError);
    const run = new SyntheticRun();
    const cap = new NameCap(1);
    const snapshot = run.snapshot(0, { requests: { a: [1], b: [2], c: [3] } });
    snapshot.requests.c = { ...snapshot.requests.c, latency: 'bm90IGEgaGlzdG9ncmFt' };
    assert.throws(() => cap.apply(snapshot), (e: unknown) => e instanceof RookeryError && /invalid encoded histogram/.test(e.message));
  });
});
