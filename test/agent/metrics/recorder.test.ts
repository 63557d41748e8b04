import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHistogram } from '../../../agent/metrics/histogram';
import { MAX_USER_FAILURES, MetricsRecorder } from '../../../agent/metrics/recorder';
import type { RequestSample } from '../../../agent/metrics/sample';
import { SNAPSHOT_VERSION } from '../../../agent/protocol/snapshot';

const IDLE = { eventLoop: 0, cpu: 0 };

function ok(latencyUs: number, status = 200, extra: Partial<RequestSample> = {}): RequestSample {
  return { latencyUs, status, bytesIn: 100, bytesOut: 10, ...extra };
}

describe('MetricsRecorder', () => {
  test('counts requests by status class, failures and errors by kind', () => {
    const r = new MetricsRecorder({ source: 'local' });
    r.recordRequest('GET /', ok(1000, 200));
    r.recordRequest('GET /', ok(1500, 204));
    r.recordRequest('GET /', ok(900, 101));
    r.recordRequest('GET /', ok(1200, 302));
    r.recordRequest('GET /', ok(800, 404, { errorKind: 'http', errorMessage: 'status 404' }));
    r.recordRequest('GET /', ok(700, 503, { errorKind: 'http', errorMessage: 'status 503' }));
    r.recordRequest('GET /', { latencyUs: 50, bytesIn: 0, bytesOut: 10, errorKind: 'refused', errorMessage: 'ECONNREFUSED' });
    r.recordRequest('GET /', { latencyUs: 50, status: 0, bytesIn: 0, bytesOut: 0, errorKind: 'timeout', errorMessage: 'headers timeout' });
    r.recordRequest('GET /', ok(60, 999)); // not a valid status: no response class
    r.recordRequest('POST /items', ok(3000, 201, { bytesIn: 5, bytesOut: 500 }));
    const s = r.takeSnapshot(1000, 2000, IDLE);

    const get = s.requests['GET /']!;
    assert.equal(get.count, 9);
    assert.equal(get.failed, 4);
    assert.deepEqual(get.status, { '1xx': 1, '2xx': 2, '3xx': 1, '4xx': 1, '5xx': 1, none: 3 });
    assert.deepEqual(get.errors, { http: 2, refused: 1, timeout: 1 });
    assert.equal(get.bytesIn, 700);
    assert.equal(get.bytesOut, 80);
    assert.equal(decodeHistogram(get.latency).count, 9);
    assert.equal(decodeHistogram(get.latency).max, 1500);
    assert.equal(get.connect, undefined);
    assert.equal(get.tls, undefined);
    assert.equal(get.ttfb, undefined);

    assert.deepEqual(s.requests['POST /items']!.status, { '2xx': 1 });
    assert.deepEqual(s.requests['POST /items']!.errors, {});
    assert.deepEqual(s.errors, {
      http: { count: 2, lastMessage: 'status 503', lastName: 'GET /' },
      refused: { count: 1, lastMessage: 'ECONNREFUSED', lastName: 'GET /' },
      timeout: { count: 1, lastMessage: 'headers timeout', lastName: 'GET /' },
    });
  });

  test('records connect/tls/ttfb only when given', () => {
    const r = new MetricsRecorder({ source: 'local' });
    r.recordRequest('GET /', ok(5000, 200, { connectUs: 300, tlsUs: 900, ttfbUs: 2000 }));
    r.recordRequest('GET /', ok(1000, 200, { ttfbUs: 800 }));
    const s = r.takeSnapshot(0, 1000, IDLE);
    const get = s.requests['GET /']!;
    assert.equal(decodeHistogram(get.connect).count, 1);
    assert.equal(decodeHistogram(get.connect).max, 300);
    assert.equal(decodeHistogram(get.tls).count, 1);
    assert.equal(decodeHistogram(get.ttfb).count, 2);
    // Next interval without connections: the optional histograms are omitted again.
    r.recordRequest('GET /', ok(1000));
    const next = r.takeSnapshot(1000, 2000, IDLE).requests['GET /']!;
    assert.equal(next.connect, undefined);
    assert.equal(next.ttfb, undefined);
    assert.equal(decodeHistogram(next.latency).count, 1);
  });

  test('aborted requests are errors, not requests', () => {
    const r = new MetricsRecorder({ source: 'local' });
    r.recordError('aborted', 'user stopped', 'GET /slow');
    r.recordRequest('GET /slow', { latencyUs: 10, bytesIn: 0, bytesOut: 0, errorKind: 'aborted', errorMessage: 'user removed' });
    r.recordError('protocol', 'server dropped the socket');
    const s = r.takeSnapshot(0, 1000, IDLE);
    assert.deepEqual(s.requests, {});
    assert.deepEqual(s.errors, {
      aborted: { count: 2, lastMessage: 'user removed', lastName: 'GET /slow' },
      protocol: { count: 1, lastMessage: 'server dropped the socket' },
    });
  });

  test('counts WebSocket traffic', () => {
    const r = new MetricsRecorder({ source: 'local' });
    r.recordWs('connect');
    r.recordWs('connect');
    r.recordWs('connectFailure');
    r.recordWs('messageOut', 10);
    r.recordWs('messageIn', 25);
    r.recordWs('messageIn', 5);
    r.recordWs('messageIn');
    r.recordWs('close');
    assert.deepEqual(r.takeSnapshot(0, 1000, IDLE).ws, {
      connects: 2, connectFailures: 1, closes: 1, messagesIn: 3, messagesOut: 1, bytesIn: 30, bytesOut: 10,
    });
  });

  test('users: per-interval counts and an active gauge kept across intervals', () => {
    const r = new MetricsRecorder({ source: 'local' });
    for (let i = 0; i < 5; i++) r.userStarted();
    r.userFinished();
    r.userFailed('boom', 'scenario.ts:3:7');
    r.userStopped();
    const first = r.takeSnapshot(0, 1000, IDLE);
    assert.deepEqual(first.users, { active: 2, started: 5, finished: 1, failed: 1, stopped: 1 });
    assert.deepEqual(first.userFailures, [{ message: 'boom', where: 'scenario.ts:3:7', count: 1 }]);
    const second = r.takeSnapshot(1000, 2000, IDLE);
    assert.deepEqual(second.users, { active: 2, started: 0, finished: 0, failed: 0, stopped: 0 });
    assert.deepEqual(second.userFailures, []);
    r.userFinished();
    r.userStopped();
    assert.equal(r.takeSnapshot(2000, 3000, IDLE).users.active, 0);
  });

  test('user failures aggregate by message and where, bounded per interval', () => {
    const r = new MetricsRecorder({ source: 'local' });
    for (let i = 0; i < 3; i++) r.userFailed('timeout waiting for reply', 'a.ts:1:1');
    r.userFailed('timeout waiting for reply', 'a.ts:9:1');
    r.userFailed('no where');
    for (let i = 0; i < 100; i++) r.userFailed(`distinct ${i}`, 'b.ts:2:2');
    const s = r.takeSnapshot(0, 1000, IDLE);
    assert.equal(s.users.failed, 105);
    assert.equal(s.userFailures.length, MAX_USER_FAILURES);
    assert.deepEqual(s.userFailures.slice(0, 3), [
      { message: 'timeout waiting for reply', where: 'a.ts:1:1', count: 3 },
      { message: 'timeout waiting for reply', where: 'a.ts:9:1', count: 1 },
      { message: 'no where', count: 1 },
    ]);
  });

  test('checks, custom counters and histograms, through userMetrics handles', () => {
    const r = new MetricsRecorder({ source: 'local' });
    r.check('status is 200', true);
    r.check('status is 200', true);
    r.check('status is 200', false);
    r.check('has body', false);
    const metrics = r.userMetrics();
    assert.equal(r.userMetrics(), metrics);
    assert.equal(metrics.counter('orders'), metrics.counter('orders'));
    assert.equal(metrics.histogram('items'), metrics.histogram('items'));
    metrics.counter('orders').add();
    metrics.counter('orders').add(4);
    metrics.counter('zero').add(0);
    metrics.histogram('items').record(3);
    metrics.histogram('items').record(7.4);
    assert.throws(() => metrics.counter('orders').add(Number.NaN), /counter "orders": add\(\) takes a finite number >= 0, got NaN/);
    assert.throws(() => metrics.counter('orders').add(-1), TypeError);
    assert.throws(() => metrics.histogram('items').record(Number.POSITIVE_INFINITY), /histogram "items"/);
    assert.throws(() => metrics.histogram('items').record('5' as unknown as number), TypeError);

    const s = r.takeSnapshot(0, 1000, IDLE);
    assert.deepEqual(s.checks, { 'status is 200': { pass: 2, fail: 1 }, 'has body': { pass: 0, fail: 1 } });
    assert.deepEqual(s.counters, { orders: 5, zero: 0 });
    const items = decodeHistogram(s.histograms.items);
    assert.equal(items.count, 2);
    assert.equal(items.max, 7);

    const empty = r.takeSnapshot(1000, 2000, IDLE);
    assert.deepEqual([empty.checks, empty.counters, empty.histograms], [{}, {}, {}]);
  });

  test('snapshots: sequence, interval, utilization, and nothing shared with the next interval', () => {
    const r = new MetricsRecorder({ source: 'agent-1/worker-0' });
    r.recordRequest('GET /', ok(1000, 500, { errorKind: 'http', errorMessage: 'status 500' }));
    r.check('c', true);
    r.counter('n', 2);
    r.recordWs('messageIn', 3);
    r.userFailed('boom');
    const first = r.takeSnapshot(5000, 6000, { eventLoop: 0.25, cpu: 0.5 });
    const frozen = structuredClone(first);
    assert.equal(first.version, SNAPSHOT_VERSION);
    assert.equal(first.source, 'agent-1/worker-0');
    assert.deepEqual([first.seq, first.start, first.end], [0, 5000, 6000]);
    assert.deepEqual(first.utilization, { eventLoop: 0.25, cpu: 0.5 });

    // Everything recorded afterwards goes to later snapshots, never into one already taken.
    r.recordRequest('GET /', ok(1000, 500, { errorKind: 'http', errorMessage: 'later' }));
    r.check('c', false);
    r.counter('n', 1);
    r.recordWs('messageIn', 3);
    r.userFailed('boom');
    const second = r.takeSnapshot(6000, 7000, IDLE);
    const third = r.takeSnapshot(7000, 8000, IDLE);
    assert.deepEqual(first, frozen);
    assert.equal(second.seq, 1);
    assert.equal(second.requests['GET /']!.count, 1);
    assert.equal(second.errors.http!.lastMessage, 'later');
    assert.equal(third.seq, 2);
    assert.deepEqual(third.requests, {});
    assert.deepEqual(third.errors, {});
    assert.deepEqual(third.userFailures, []);
    // A name idle for an interval comes back cleanly.
    r.recordRequest('GET /', ok(2000));
    const fourth = r.takeSnapshot(8000, 9000, IDLE);
    assert.equal(fourth.requests['GET /']!.count, 1);
    assert.deepEqual(fourth.requests['GET /']!.status, { '2xx': 1 });
  });

  test('takeSnapshot refuses a reversed or non-finite interval', () => {
    const r = new MetricsRecorder({ source: 'local' });
    assert.throws(() => r.takeSnapshot(2000, 1000, IDLE), RangeError);
    assert.throws(() => r.takeSnapshot(Number.NaN, 1000, IDLE), RangeError);
    assert.equal(r.takeSnapshot(1000, 1000, IDLE).seq, 0);
  });
});
