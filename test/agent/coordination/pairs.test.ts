import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { distinctPairs } from '../../../agent/coordination/pairs';

describe('distinctPairs', () => {
  // The three cases amoc's documentation spells out, in its order.
  test('[a] pairs the lone item with undefined', () => {
    assert.deepEqual(distinctPairs(['a']), [['a', undefined]]);
  });

  test('[a, b] is one pair', () => {
    assert.deepEqual(distinctPairs(['a', 'b']), [['a', 'b']]);
  });

  test('[a, b, c] is [a, b], [a, c], [b, c]', () => {
    assert.deepEqual(distinctPairs(['a', 'b', 'c']), [
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ]);
  });

  test('an empty batch has no pairs', () => {
    assert.deepEqual(distinctPairs([]), []);
  });

  test('n items give n(n-1)/2 pairs, each unordered pair once and no item with itself', () => {
    for (let n = 2; n <= 9; n++) {
      const items = Array.from({ length: n }, (_, i) => i);
      const pairs = distinctPairs(items);
      assert.equal(pairs.length, (n * (n - 1)) / 2);
      const seen = new Set<string>();
      for (const [a, b] of pairs) {
        assert.ok(b !== undefined && a < b, `pair ${a},${b} is ordered by position`);
        const key = `${a}-${b}`;
        assert.ok(!seen.has(key), `pair ${key} appears once`);
        seen.add(key);
      }
    }
  });

  test('pairs keep the items themselves (no copies) and leave the input alone', () => {
    const x = { id: 1 };
    const y = { id: 2 };
    const input = [x, y];
    const [[a, b]] = distinctPairs(input);
    assert.equal(a, x);
    assert.equal(b, y);
    assert.deepEqual(input, [x, y]);
  });
});
