import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { equalShares, proportionalShares, splitRanges } from '../../../agent/cluster/worker-shares';
import type { IdRange } from '../../../agent/protocol/cluster';
import { seededRandom as random } from '../../helpers/seeded-random';


const ids = (ranges: readonly IdRange[]) => ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i));

describe('equalShares', () => {
  test('differ by at most one, larger first, and add up', () => {
    assert.deepEqual(equalShares(10, 2), [5, 5]);
    assert.deepEqual(equalShares(10, 3), [4, 3, 3]);
    assert.deepEqual(equalShares(1, 3), [1, 0, 0]);
    assert.deepEqual(equalShares(0, 2), [0, 0]);
  });
  test('refuses bad input', () => {
    assert.throws(() => equalShares(3, 0), { code: 'ROOKERY_INTERNAL' });
    assert.throws(() => equalShares(-1, 2), { code: 'ROOKERY_INTERNAL' });
    assert.throws(() => equalShares(1.5, 2), { code: 'ROOKERY_INTERNAL' });
  });
});

describe('splitRanges', () => {
  test('one range into contiguous equal shares', () => {
    assert.deepEqual(splitRanges([{ from: 1, to: 10 }], 2), [[{ from: 1, to: 5 }], [{ from: 6, to: 10 }]]);
    assert.deepEqual(splitRanges([{ from: 101, to: 105 }], 2), [[{ from: 101, to: 103 }], [{ from: 104, to: 105 }]]);
    assert.deepEqual(splitRanges([{ from: 7, to: 7 }], 3), [[{ from: 7, to: 7 }], [], []]);
  });
  test('several ranges: a share spans a gap only where the input has one; adjacent ranges join', () => {
    assert.deepEqual(splitRanges([{ from: 1, to: 3 }, { from: 11, to: 13 }], 2), [[{ from: 1, to: 3 }], [{ from: 11, to: 13 }]]);
    assert.deepEqual(splitRanges([{ from: 1, to: 2 }, { from: 11, to: 14 }], 2), [[{ from: 1, to: 2 }, { from: 11, to: 11 }], [{ from: 12, to: 14 }]]);
    assert.deepEqual(splitRanges([{ from: 1, to: 3 }, { from: 4, to: 6 }], 1), [[{ from: 1, to: 6 }]]);
  });
  test('random cases: every id exactly once, in order, equal shares', () => {
    const rand = random(42);
    for (let round = 0; round < 300; round++) {
      const ranges: IdRange[] = [];
      let next = 1 + Math.floor(rand() * 5);
      for (let n = Math.floor(rand() * 4); n >= 0; n--) {
        const length = 1 + Math.floor(rand() * 20);
        ranges.push({ from: next, to: next + length - 1 });
        next += length + Math.floor(rand() * 3);
      }
      const parts = 1 + Math.floor(rand() * 6);
      const split = splitRanges(ranges, parts);
      assert.equal(split.length, parts);
      assert.deepEqual(split.flatMap(ids), ids(ranges));
      const sizes = split.map((share) => ids(share).length);
      assert.deepEqual(sizes, equalShares(ids(ranges).length, parts));
    }
  });
  test('refuses invalid ranges', () => {
    assert.throws(() => splitRanges([{ from: 5, to: 4 }], 2), { code: 'ROOKERY_USAGE' });
    assert.throws(() => splitRanges([{ from: 0, to: 4 }], 2), { code: 'ROOKERY_USAGE' });
    assert.throws(() => splitRanges([{ from: 1.5, to: 4 }], 2), { code: 'ROOKERY_USAGE' });
  });
});

describe('proportionalShares', () => {
  test('in proportion to the weights, largest remainders first', () => {
    assert.deepEqual(proportionalShares(4, [5, 5]), [2, 2]);
    assert.deepEqual(proportionalShares(3, [5, 5]), [2, 1]);
    assert.deepEqual(proportionalShares(3, [1, 9]), [0, 3]);
    assert.deepEqual(proportionalShares(5, [2, 0, 8]), [1, 0, 4]);
  });
  test('never more than a weight while the weights can absorb the count; the excess split equally', () => {
    assert.deepEqual(proportionalShares(10, [3, 7]), [3, 7]);
    assert.deepEqual(proportionalShares(14, [3, 7]), [5, 9]);
    assert.deepEqual(proportionalShares(3, [0, 0]), [2, 1]);
  });
  test('random cases add up and respect the caps', () => {
    const rand = random(7);
    for (let round = 0; round < 300; round++) {
      const weights = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => Math.floor(rand() * 50));
      const sum = weights.reduce((a, b) => a + b, 0);
      const count = Math.floor(rand() * (sum + 10));
      const shares = proportionalShares(count, weights);
      assert.equal(shares.reduce((a, b) => a + b, 0), count);
      if (count <= sum) shares.forEach((s, i) => assert.ok(s <= weights[i]!, `share ${s} > weight ${weights[i]}`));
    }
  });
  test('refuses bad input', () => {
    assert.throws(() => proportionalShares(-1, [1]), { code: 'ROOKERY_USAGE' });
    assert.throws(() => proportionalShares(1, []), { code: 'ROOKERY_INTERNAL' });
    assert.throws(() => proportionalShares(1, [-2]), { code: 'ROOKERY_INTERNAL' });
  });
});
