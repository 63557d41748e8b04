import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeThrottleConfig, DEFAULT_INTERVAL } from '../../../agent/coordination/throttle-config';
import { RookeryError } from '../../../agent/common/errors';

describe('normalizeThrottleConfig', () => {
  test('reads amoc shapes: rate with the per-minute default, interval, interarrival', () => {
    assert.deepEqual(normalizeThrottleConfig('t', { rate: 100 }), { rate: 100, interval: DEFAULT_INTERVAL });
    assert.deepEqual(normalizeThrottleConfig('t', { rate: 20, interval: 1000 }), { rate: 20, interval: 1000 });
    assert.deepEqual(normalizeThrottleConfig('t', { rate: 4, interval: 0 }), { rate: 4, interval: 0 });
    assert.deepEqual(normalizeThrottleConfig('t', { rate: Infinity }), { rate: Infinity, interval: DEFAULT_INTERVAL });
    assert.deepEqual(normalizeThrottleConfig('t', { interarrival: 50 }), { rate: 1200, interval: DEFAULT_INTERVAL });
    assert.deepEqual(normalizeThrottleConfig('t', { interarrival: 0 }), { rate: Infinity, interval: DEFAULT_INTERVAL });
    assert.deepEqual(normalizeThrottleConfig('t', { interarrival: Infinity }), { rate: 0, interval: DEFAULT_INTERVAL });
  });

  test('bad configurations name the throttle and every problem', () => {
    const cases: Array<[unknown, string[]]> = [
      [null, [undefined as unknown as string]],
      [{}, ['rate']],
      [{ rate: -1 }, ['rate']],
      [{ rate: NaN }, ['rate']],
      [{ rate: '10' }, ['rate']],
      [{ rate: 10, interval: -5 }, ['interval']],
      [{ rate: 10, interval: Infinity }, ['interval']],
      [{ rate: 2.5, interval: 0 }, ['rate']],
      [{ rate: 10, interarrival: 100 }, ['interarrival']],
      [{ interarrival: -1 }, ['interarrival']],
      [{ rate: 10, burst: 3 }, ['burst']],
      [{ rate: -1, interval: 'x' }, ['rate', 'interval']],
    ];
    for (const [config, where] of cases) {
      assert.throws(
        () => normalizeThrottleConfig('msgs', config),
        (e: unknown) => {
          assert.ok(e instanceof RookeryError, JSON.stringify(config));
          assert.equal(e.code, 'ROOKERY_USAGE');
          assert.match(e.message, /throttle "msgs"/);
          assert.deepEqual(e.problems.map((p) => p.where), where, JSON.stringify(config));
          assert.ok(e.hint);
          return true;
        },
      );
    }
  });
});
