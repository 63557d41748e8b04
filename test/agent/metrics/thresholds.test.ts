import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram } from '../../../agent/metrics/histogram';
import { SnapshotAccumulator } from '../../../agent/metrics/merge';
import { MetricsRecorder } from '../../../agent/metrics/recorder';
import { summarize } from '../../../agent/metrics/summary';
import { evaluateThreshold, evaluateThresholds, formatValue, type ThresholdData } from '../../../agent/metrics/thresholds';
import { parseThreshold } from '../../../agent/plan/thresholds';
import type { MetricSnapshot } from '../../../agent/protocol/snapshot';

const UTILIZATION = { eventLoop: 0.1, cpu: 0.1 };

/**
 * Two seconds recorded by two recorders (as two workers would), merged exactly. Latencies stay below 2048 µs,
 * where HDR histograms are exact:
 *   GET /a: 1..1000 µs, every 10th answered 500 (100 failed)     POST /b: 1001..2000 µs, all 201
 *   checks: "is 200" passes for each 2xx (1900) and fails for each 500 (100); "has id" passes 10 times
 *   counter orders: 6; histogram items: 1..100
 */
function recordedRun(): MetricSnapshot[] {
  const first = new MetricsRecorder({ source: 'w0' });
  const second = new MetricsRecorder({ source: 'w1' });
  for (let us = 1; us <= 2000; us++) {
    const r = us % 2 === 0 ? first : second;
    const name = us <= 1000 ? 'GET /a' : 'POST /b';
    const failed = us <= 1000 && us % 10 === 0;
    r.recordRequest(name, failed
      ? { latencyUs: us, status: 500, bytesIn: 1, bytesOut: 1, errorKind: 'http', errorMessage: 'status 500' }
      : { latencyUs: us, status: name === 'GET /a' ? 200 : 201, bytesIn: 1, bytesOut: 1 });
    r.check('is 200', !failed);
  }
  for (let i = 0; i < 10; i++) first.check('has id', true);
  first.userMetrics().counter('orders').add(4);
  second.userMetrics().counter('orders').add(2);
  for (let v = 1; v <= 100; v++) (v % 2 === 0 ? first : second).userMetrics().histogram('items').record(v);
  return [first.takeSnapshot(10_000, 11_000, UTILIZATION), second.takeSnapshot(11_000, 12_000, UTILIZATION)];
}

function dataOf(snapshots: MetricSnapshot[], elapsedMs = 2000): ThresholdData {
  const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
  for (const s of snapshots) accumulator.add(s);
  return { summary: summarize(accumulator.snapshot(), elapsedMs, undefined, { histograms: accumulator }), histograms: accumulator };
}

const data = dataOf(recordedRun());

function judge(expression: string) {
  return evaluateThreshold(parseThreshold(expression), data);
}

describe('evaluateThresholds: latency', () => {
  test('a request name\'s stats come exactly from its merged histogram, in ms', () => {
    assert.deepEqual(judge('p95{GET /a} < 1ms'), { threshold: 'p95{GET /a} < 1ms', ok: true, actual: 0.95, unit: 'ms', line: 'p95{GET /a} = 0.95 ms, limit < 1 ms' });
    assert.equal(judge('p999{GET /a} < 1s').actual, 0.999);
    assert.equal(judge('min{POST /b} >= 1ms').actual, 1.001);
    assert.equal(judge('max{POST /b} <= 2ms').actual, 2);
    assert.equal(judge('p50{POST /b} < 1s').actual, 1.5);
    assert.equal(judge('mean{GET /a} < 1s').actual, 0.501, 'mean 500.5 µs, shown with µs resolution as the summary does');
  });

  test('over all requests: the merge of every name\'s histogram, not an average of rows', () => {
    const expected = createHistogram();
    for (let us = 1; us <= 2000; us++) expected.record(us);
    const cases: [string, number][] = [['p50', 50], ['p90', 90], ['p95', 95], ['p99', 99], ['p999', 99.9]];
    for (const [stat, pct] of cases) {
      assert.equal(judge(`${stat} < 1s`).actual, expected.percentile(pct) / 1000, stat);
    }
    assert.equal(judge('p95 < 1s').actual, 1.9);
    assert.equal(judge('min < 1s').actual, 0.001);
    assert.equal(judge('max < 1s').actual, 2);
    // The rows the summary does carry agree with the histograms.
    assert.equal(judge('p99 < 1s').actual, data.summary.total.p99);
    assert.equal(judge('mean < 1s').actual, data.summary.total.mean);
    assert.equal(judge('p90{GET /a} < 1s').actual, data.summary.requests.find((r) => r.name === 'GET /a')!.p90);
  });

  test('every operator on the boundary value', () => {
    const verdicts = ['<', '<=', '>', '>=', '==', '!='].map((op) => judge(`max ${op} 2ms`).ok);
    assert.deepEqual(verdicts, [false, true, false, true, true, false]);
    assert.equal(judge('max < 2s').ok, true, 'the limit is converted: 2s = 2000 ms');
  });

  test('a failing threshold says the value and the limit', () => {
    assert.deepEqual(judge('p99 < 500'), { threshold: 'p99 < 500', ok: true, actual: 1.98, unit: 'ms', line: 'p99 = 1.98 ms, limit < 500 ms' });
    assert.deepEqual(judge('p99 < 1.5ms'), { threshold: 'p99 < 1.5ms', ok: false, actual: 1.98, unit: 'ms', line: 'p99 = 1.98 ms, limit < 1.5 ms' });
  });
});

describe('evaluateThresholds: counts and rates', () => {
  test('error_rate, errors, requests and rps, overall and for one name', () => {
    assert.deepEqual(judge('error_rate < 5%'), { threshold: 'error_rate < 5%', ok: false, actual: 5, unit: '%', line: 'error_rate = 5%, limit < 5%' });
    assert.equal(judge('error_rate <= 5%').ok, true);
    assert.equal(judge('error_rate{GET /a} == 10%').ok, true);
    assert.equal(judge('error_rate{POST /b} == 0%').ok, true);
    assert.deepEqual(judge('errors == 0'), { threshold: 'errors == 0', ok: false, actual: 100, unit: 'count', line: 'errors = 100, limit == 0' });
    assert.equal(judge('errors{POST /b} == 0').ok, true);
    assert.equal(judge('requests >= 2000').actual, 2000);
    assert.equal(judge('requests{GET /a} != 1000').ok, false);
    assert.deepEqual(judge('rps >= 1000'), { threshold: 'rps >= 1000', ok: true, actual: 1000, unit: 'rps', line: 'rps = 1000/s, limit >= 1000/s' });
    assert.equal(judge('rps{POST /b} > 600').actual, 500);
  });

  test('checks: the pass rate of all checks or of one', () => {
    assert.equal(judge('checks{is 200} == 95%').ok, true);
    const all = judge('checks > 99%');
    assert.equal(all.ok, false);
    assert.equal(all.actual, (1910 / 2010) * 100);
    assert.equal(all.line, 'checks = 95.025%, limit > 99%');
    assert.equal(judge('checks{has id} >= 100%').ok, true);
  });

  test('custom counters and histograms, the histogram in its own unit and exact', () => {
    assert.deepEqual(judge('counter{orders} > 5'), { threshold: 'counter{orders} > 5', ok: true, actual: 6, unit: 'count', line: 'counter{orders} = 6, limit > 5' });
    assert.deepEqual(judge('histogram.p99{items} < 50'), {
      threshold: 'histogram.p99{items} < 50', ok: false, actual: 99, unit: 'value', line: 'histogram.p99{items} = 99, limit < 50',
    });
    assert.equal(judge('histogram.min{items} == 1').ok, true);
    assert.equal(judge('histogram.max{items} == 100').ok, true);
    assert.equal(judge('histogram.mean{items} == 50.5').ok, true);
    assert.equal(judge('histogram.p90{items} == 90').ok, true);
  });
});

describe('evaluateThresholds: nothing to measure fails, saying why', () => {
  test('a request name, check, counter or histogram that never happened', () => {
    assert.deepEqual(judge('p99{GET /nope} < 500ms'), {
      threshold: 'p99{GET /nope} < 500ms', ok: false, actual: null, unit: 'ms', line: 'p99{GET /nope}: no data (no request named "GET /nope" completed), limit < 500 ms',
    });
    assert.equal(judge('error_rate{GET /nope} < 1%').line, 'error_rate{GET /nope}: no data (no request named "GET /nope" completed), limit < 1%');
    assert.equal(judge('errors{GET /nope} == 0').actual, null, 'no errors on a request that never ran is not a pass');
    assert.equal(judge('checks{nope} > 1%').line, 'checks{nope}: no data (no check named "nope" ran), limit > 1%');
    assert.equal(judge('counter{nope} >= 0').line, 'counter{nope}: no data (counter "nope" was never incremented), limit >= 0');
    assert.equal(judge('histogram.p50{nope} < 1').line, 'histogram.p50{nope}: no data (histogram "nope" recorded no value), limit < 1');
    for (const expression of ['p99{GET /nope} < 500ms', 'checks{nope} > 1%', 'counter{nope} >= 0', 'histogram.p50{nope} < 1']) {
      assert.equal(judge(expression).ok, false, expression);
    }
  });

  test('a name close to one that was seen is suggested (request names are often grouped, like GET /items/:id)', () => {
    assert.equal(judge('p99{GET /A} < 1s').line, 'p99{GET /A}: no data (no request named "GET /A" completed (did you mean "GET /a"?)), limit < 1000 ms');
    assert.match(judge('requests{POST /bb} > 0').line, /\(did you mean "POST \/b"\?\)/);
    assert.match(judge('checks{is 20} > 1%').line, /no check named "is 20" ran \(did you mean "is 200"\?\)/);
    assert.match(judge('counter{order} > 1').line, /counter "order" was never incremented \(did you mean "orders"\?\)/);
    assert.match(judge('histogram.p50{item} < 1').line, /histogram "item" recorded no value \(did you mean "items"\?\)/);
  });

  test('a run without requests: latency, error_rate and checks have no data; counts are 0', () => {
    const empty = new MetricsRecorder({ source: 'w0' }).takeSnapshot(0, 1000, UTILIZATION);
    const results = evaluateThresholds(['p99 < 1s', 'error_rate < 1%', 'checks > 1%', 'errors == 0', 'requests > 0', 'rps == 0'].map(parseThreshold), dataOf([empty], 1000));
    assert.deepEqual(results.map((r) => [r.threshold, r.ok, r.actual]), [
      ['p99 < 1s', false, null],
      ['error_rate < 1%', false, null],
      ['checks > 1%', false, null],
      ['errors == 0', true, 0],
      ['requests > 0', false, 0],
      ['rps == 0', true, 0],
    ]);
    assert.equal(results[0].line, 'p99: no data (no request completed), limit < 1000 ms');
  });

  test('results keep the specs\' order and count, duplicates included', () => {
    const specs = ['errors == 0', 'p99 < 1s', 'errors == 0'].map(parseThreshold);
    assert.deepEqual(evaluateThresholds(specs, data).map((r) => r.threshold), ['errors == 0', 'p99 < 1s', 'errors == 0']);
    assert.deepEqual(evaluateThresholds([], data), []);
  });
});

describe('evaluateThresholds: the same verdicts from the encoded result', () => {
  test('a summary of the merged snapshot decoded again (as a result file reader would) gives the same values', () => {
    const once = new SnapshotAccumulator({ gauges: 'latest' });
    for (const s of recordedRun()) once.add(s);
    const decoded = new SnapshotAccumulator({ gauges: 'latest' });
    decoded.add(once.snapshot());
    const again: ThresholdData = { summary: summarize(decoded.snapshot(), 2000, undefined, { histograms: decoded }), histograms: decoded };
    const specs = ['p95 < 1s', 'p999{GET /a} < 1s', 'min < 1s', 'error_rate < 5%', 'checks > 99%', 'histogram.p99{items} < 50'].map(parseThreshold);
    assert.deepEqual(evaluateThresholds(specs, again), evaluateThresholds(specs, data));
  });

  test('formatValue: units as people read them', () => {
    assert.deepEqual([formatValue(612.3456, 'ms'), formatValue(0.52341, '%'), formatValue(95.5, 'rps'), formatValue(3, 'count'), formatValue(-0.00012346, 'value')],
      ['612.346 ms', '0.5234%', '95.5/s', '3', '-0.0001235']);
  });
});
