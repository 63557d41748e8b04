import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BarrierBatch } from '../../../agent/coordination/barrier-batch';
import type { BarrierUser } from '../../../agent/coordination/barrier-plan';
import { seededRandom } from '../../helpers/seeded-random';

const user = (userId: number): BarrierUser<string> => ({ userId, data: `u${userId}` });
const ids = (users: BarrierUser<string>[] | undefined) => users?.map((u) => u.userId);

describe('BarrierBatch', () => {
  test('a fixed batch fills at its size, most recent user first, then starts empty', () => {
    const batch = new BarrierBatch<string>({ kind: 'fixed', size: 3 }, Math.random);
    assert.equal(batch.add(user(1)), undefined);
    assert.equal(batch.add(user(2)), undefined);
    assert.deepEqual(ids(batch.add(user(3))), [3, 2, 1]);
    assert.equal(batch.waiting, 0);
    assert.equal(batch.add(user(4)), undefined);
    assert.equal(batch.waiting, 1);
  });

  test("'all' never fills; drain hands over everyone and empties it", () => {
    const batch = new BarrierBatch<string>({ kind: 'all' }, Math.random);
    for (let i = 1; i <= 50; i++) assert.equal(batch.add(user(i)), undefined);
    assert.equal(batch.filledAt, Infinity);
    const drained = batch.drain();
    assert.equal(drained.length, 50);
    assert.equal(drained[0].userId, 50);
    assert.deepEqual(batch.drain(), []);
  });

  test('a range draws its size uniformly from [min, max], anew after every fill and every drain', () => {
    const draws: number[] = [];
    const random = seededRandom(42);
    const counting = () => {
      const r = random();
      draws.push(r);
      return r;
    };
    const batch = new BarrierBatch<string>({ kind: 'range', min: 2, max: 5 }, counting);
    const sizes: number[] = [];
    let next = 1;
    for (let fills = 0; fills < 400; next++) {
      const filled = batch.add(user(next));
      if (filled) {
        sizes.push(filled.length);
        fills++;
      }
    }
    assert.equal(draws.length, 401, 'one draw at start, one per fill');
    assert.deepEqual(sizes, draws.slice(0, 400).map((r) => 2 + Math.floor(r * 4)));
    const counts = [2, 3, 4, 5].map((s) => sizes.filter((x) => x === s).length);
    for (const c of counts) assert.ok(c > 60 && c < 140, `each size drawn about 100 times of 400: ${counts}`);
    batch.add(user(next));
    batch.drain();
    assert.equal(draws.length, 402, 'a drain draws too');
  });

  test('a generator straying outside [0, 1) still gives sizes inside the range', () => {
    for (const r of [1, 7, -0.5, NaN, Infinity]) {
      const batch = new BarrierBatch<string>({ kind: 'range', min: 2, max: 4 }, () => r);
      assert.ok(batch.filledAt >= 2 && batch.filledAt <= 4, `random ${r} gave ${batch.filledAt}`);
    }
  });
});
