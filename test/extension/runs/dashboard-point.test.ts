import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, decodeHistogram } from '../../../agent/metrics/histogram';
import type { RunResultData } from '../../../agent/protocol/control';
import {
  coarsePoint,
  coarsePointOfSeries,
  finePoint,
  finePointOfSeries,
  mergeAgentSpans,
  mergedLatency,
  pointOf,
  type AgentSpan,
} from '../../../extension/runs/dashboard-point';
import { realRun, secondOf, seriesPoints, SyntheticRun, spread } from '../../helpers/run-data';

const ms = (us: number): number => Math.round(us) / 1000;

let result: RunResultData;
before(async () => {
  result = await realRun();
});

describe('dashboard points from a real run', () => {
  test('each fine point has the figures of its second', () => {
    const origin = Math.floor(result.startedAt / 1000);
    assert.ok(result.series.length >= 3, `a few seconds of data (${result.series.length})`);
    for (const sp of seriesPoints(result)) {
      const point = finePointOfSeries(sp, origin);
      assert.deepEqual(point, finePoint(sp.second - origin, sp.snapshot, sp.agents));
      const s = sp.snapshot;
      const requests = Object.values(s.requests);
      const count = requests.reduce((n, r) => n + r.count, 0);
      const failed = requests.reduce((n, r) => n + r.failed, 0);
      assert.equal(point.second, secondOf(s) - origin);
      assert.equal(point.span, 1);
      assert.equal(point.okRps, count - failed);
      assert.equal(point.failedRps, failed);
      assert.equal(point.users, s.users.active);
      const histogram = createHistogram();
      for (const r of requests) histogram.add(decodeHistogram(r.latency));
      if (count === 0) assert.equal(point.latency, null);
      else assert.deepEqual(point.latency, { p50: ms(histogram.percentile(50)), p90: ms(histogram.percentile(90)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) });
      assert.deepEqual(point.errorsPerSecond, Object.fromEntries(Object.entries(s.errors).map(([k, e]) => [k, e!.count])));
      assert.deepEqual(point.counters, s.counters);
      assert.deepEqual(point.checks, { pass: Object.values(s.checks).reduce((n, c) => n + c.pass, 0), fail: Object.values(s.checks).reduce((n, c) => n + c.fail, 0) });
      assert.deepEqual(point.agents.map((a) => a.agentId), sp.agents.map((a) => a.agentId));
      for (const [k, a] of point.agents.entries()) {
        assert.equal(a.rps, sp.agents[k].rps);
        assert.equal(a.utilization, Math.max(sp.agents[k].utilization.eventLoop, sp.agents[k].utilization.cpu));
      }
    }
    // Not necessarily in the first busy second: under load a user may not reach its first 404 before it ends.
    assert.ok(result.series.some((s) => s.errors.http), 'the 404s show as http errors');
  });

  test('one coarse point over every second has the run total: exact percentiles, rates over the span', () => {
    const origin = Math.floor(result.startedAt / 1000);
    const points = seriesPoints(result);
    const span = points[points.length - 1].second - points[0].second + 1;
    const coarse = coarsePointOfSeries(points, origin);
    assert.equal(coarse.span, span);
    assert.equal(coarse.second, points[0].second - origin);
    const total = result.summary.total;
    assert.deepEqual(coarse.latency, { p50: total.p50, p90: total.p90, p99: total.p99, max: total.max });
    assert.equal(coarse.okRps, (total.count - total.failed) / span);
    assert.equal(coarse.failedRps, total.failed / span);
    assert.equal(coarse.counters.loops, result.summary.counters.find((c) => c.name === 'loops')!.value / span);
    assert.deepEqual(coarse.checks, { pass: result.summary.checks[0].pass, fail: result.summary.checks[0].fail });
    assert.equal(coarse.users, result.series[result.series.length - 1].users.active, 'users at the end of the span');
    const agent = coarse.agents[0];
    const requests = result.agentSeries.reduce((n, e) => n + e.agents.reduce((m, a) => m + a.rps, 0), 0);
    assert.equal(agent.rps, requests / span);
  });
});

describe('coarse points from crafted seconds', () => {
  test("a coarse p99 is the merged histograms' p99, not the average of the seconds' p99s", () => {
    const run = new SyntheticRun();
    const fast = run.point(0, { requests: { a: spread(1000, 1000, 2000) } });
    const slow = run.point(1, { requests: { a: spread(10, 200_000, 400_000) } });
    const coarse = coarsePointOfSeries([fast, slow], run.origin);
    const p99s = [fast, slow].map((p) => mergedLatency([p.snapshot])!.p99);
    const averaged = (p99s[0] + p99s[1]) / 2;
    const merged = createHistogram();
    merged.add(decodeHistogram(fast.snapshot.requests.a.latency));
    merged.add(decodeHistogram(slow.snapshot.requests.a.latency));
    assert.equal(coarse.latency!.p99, ms(merged.percentile(99)));
    assert.ok(Math.abs(coarse.latency!.p99 - averaged) > 50, `merged p99 ${coarse.latency!.p99} ms vs averaged ${averaged} ms`);
    assert.equal(coarse.latency!.max, ms(merged.max));
    assert.equal(coarse.okRps, 1010 / 2);
  });

  test('a cover wider than the data divides by the cover; no request means no latency', () => {
    const run = new SyntheticRun();
    const points = [run.point(0, { requests: { a: [1000, 2000] }, counters: { c: 10 } }), run.point(3, { counters: { c: 10 } })];
    const coarse = coarsePointOfSeries(points, run.origin, { second: 0, span: 10 });
    assert.equal(coarse.okRps, 0.2);
    assert.equal(coarse.counters.c, 2);
    const empty = pointOf({ second: 5, span: 1, snapshot: run.snapshot(5), agents: [] });
    assert.equal(empty.latency, null);
    assert.equal(empty.okRps, 0);
  });

  test('agent spans merge as sums, users from the latest second', () => {
    const a = (second: number, requests: number, users: number, u: number): AgentSpan => ({ agentId: 'a', name: `a@${second}`, requests, utilizationSum: u, seconds: 1, users, lastSecond: second });
    const b: AgentSpan = { agentId: 'b', name: 'b', requests: 5, utilizationSum: 0.5, seconds: 1, users: 2, lastSecond: 0 };
    const merged = mergeAgentSpans([[a(1, 10, 4, 0.9), b], [a(0, 20, 3, 0.3)]]);
    assert.deepEqual(merged, [
      { agentId: 'a', name: 'a@1', requests: 30, utilizationSum: 1.2, seconds: 2, users: 4, lastSecond: 1 },
      { agentId: 'b', name: 'b', requests: 5, utilizationSum: 0.5, seconds: 1, users: 2, lastSecond: 0 },
    ]);
    const run = new SyntheticRun();
    const point = pointOf({ second: 0, span: 2, snapshot: run.snapshot(0), agents: merged });
    assert.equal(point.agents[0].rps, 15);
    assert.ok(Math.abs(point.agents[0].utilization - 0.6) < 1e-12);
  });

  test('bad input: a zero span, and nothing to merge', () => {
    const run = new SyntheticRun();
    assert.throws(() => pointOf({ second: 0, span: 0, snapshot: run.snapshot(0), agents: [] }), RangeError);
    assert.throws(() => coarsePoint([]), RangeError);
  });
});
