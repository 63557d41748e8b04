import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../agent/cluster/backoff';

describe('Backoff', () => {
  test('250 ms doubling to 5 s without jitter, and back to 250 ms after reset', () => {
    const b = new Backoff({ jitter: 0 });
    assert.deepEqual(Array.from({ length: 8 }, () => b.next()), [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    b.reset();
    assert.equal(b.next(), 250);
  });

  test('jitter spreads each delay by ±20%', () => {
    assert.equal(new Backoff({ random: () => 0 }).next(), 200);
    assert.equal(new Backoff({ random: () => 0.5 }).next(), 250);
    assert.equal(new Backoff({ random: () => 0.999999 }).next(), 300);
    const b = new Backoff();
    for (let i = 0; i < 200; i++) {
      const delay = b.next();
      assert.ok(delay >= 200 && delay <= 6000, String(delay));
    }
  });

  test('options: initial, maximum, factor', () => {
    const b = new Backoff({ initialMs: 10, maxMs: 50, factor: 3, jitter: 0 });
    assert.deepEqual(Array.from({ length: 4 }, () => b.next()), [10, 30, 50, 50]);
  });
});
