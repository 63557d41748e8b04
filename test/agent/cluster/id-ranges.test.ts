import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apportion, countIds, lowestIds, normalizeRanges, resplitRanges, splitRate, splitRemove, splitUsers } from '../../../agent/cluster/id-ranges';
import type { IdRange } from '../../../agent/protocol/cluster';
import { seededRandom as seeded } from '../../helpers/seeded-random';


function idsOf(ranges: readonly IdRange[]): number[] {
  const ids: number[] = [];
  for (const r of ranges) for (let id = r.from; id <= r.to; id++) ids.push(id);
  return ids;
}

function agents(workers: number[]): { agentId: string; workers: number }[] {
  return workers.map((w, i) => ({ agentId: `a${i}`, workers: w }));
}

describe('apportion', () => {
  test('largest remainder, ties to the earlier share', () => {
    assert.deepEqual(apportion(12, [1, 2, 3]), [2, 4, 6]);
    assert.deepEqual(apportion(10, [1, 1, 1]), [4, 3, 3]);
    assert.deepEqual(apportion(2, [1, 1, 1]), [1, 1, 0]);
    assert.deepEqual(apportion(7, [3, 0, 4]), [3, 0, 4]);
    assert.deepEqual(apportion(0, [0, 0]), [0, 0]);
    assert.deepEqual(apportion(0, []), []);
  });

  test('rejects what cannot be split', () => {
    assert.throws(() => apportion(3, [0, 0]), /weigh nothing/);
    assert.throws(() => apportion(3, []), /weigh nothing/);
    assert.throws(() => apportion(-1, [1]), RangeError);
    assert.throws(() => apportion(1.5, [1]), RangeError);
    assert.throws(() => apportion(1, [-2]), RangeError);
  });

  for (const seed of [1, 7, 99]) {
    test(`property: sums exactly, each share within 1 of its quota (seed ${seed})`, () => {
      const random = seeded(seed);
      for (let round = 0; round < 500; round++) {
        const weights = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 10));
        if (!weights.some((w) => w > 0)) weights[0] = 1;
        const total = Math.floor(random() * 1000);
        const shares = apportion(total, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        assert.equal(shares.reduce((a, b) => a + b, 0), total);
        shares.forEach((s, i) => {
          const quota = (total * weights[i]!) / sum;
          assert.ok(s >= Math.floor(quota) && s <= Math.ceil(quota), `share ${s} vs quota ${quota}`);
        });
        assert.deepEqual(apportion(total, weights), shares, 'deterministic');
      }
    });
  }
});

describe('splitUsers', () => {
  test('12 users over 1/2/3 workers: 2/4/6, contiguous, ids 1..12', () => {
    const { assignments, nextId } = splitUsers(12, 1, agents([1, 2, 3]));
    assert.deepEqual(assignments, [
      { agentId: 'a0', ranges: [{ from: 1, to: 2 }], count: 2 },
      { agentId: 'a1', ranges: [{ from: 3, to: 6 }], count: 4 },
      { agentId: 'a2', ranges: [{ from: 7, to: 12 }], count: 6 },
    ]);
    assert.equal(nextId, 13);
  });

  test('continues from nextId and leaves out agents whose share is 0', () => {
    const { assignments, nextId } = splitUsers(1, 13, agents([1, 2, 3]));
    assert.deepEqual(assignments, [{ agentId: 'a2', ranges: [{ from: 13, to: 13 }], count: 1 }]);
    assert.equal(nextId, 14);
    assert.deepEqual(splitUsers(0, 5, []), { assignments: [], nextId: 5 });
  });

  test('one user at a time (a ramp) alternates over equal agents, and tops up the agent furthest below its share', () => {
    const users = [0, 0];
    let nextId = 1;
    const owners: string[] = [];
    for (let i = 0; i < 6; i++) {
      const split = splitUsers(1, nextId, [{ agentId: 'a0', workers: 1, users: users[0] }, { agentId: 'a1', workers: 1, users: users[1] }]);
      nextId = split.nextId;
      for (const a of split.assignments) {
        users[Number(a.agentId.slice(1))] += a.count;
        owners.push(a.agentId);
      }
    }
    assert.deepEqual(owners, ['a0', 'a1', 'a0', 'a1', 'a0', 'a1']);
    // 1 and 2 workers holding 5 and 0 users: 4 new users all go to the second (9 users → 3 and 6).
    assert.deepEqual(splitUsers(4, 6, [{ agentId: 'a0', workers: 1, users: 5 }, { agentId: 'a1', workers: 2, users: 0 }]).assignments,
      [{ agentId: 'a1', ranges: [{ from: 6, to: 9 }], count: 4 }]);
    // Already over its share, an agent gets nothing until the others catch up.
    assert.deepEqual(splitUsers(2, 20, [{ agentId: 'a0', workers: 1, users: 10 }, { agentId: 'a1', workers: 1, users: 0 }]).assignments,
      [{ agentId: 'a1', ranges: [{ from: 20, to: 21 }], count: 2 }]);
  });

  test('rejects bad input', () => {
    assert.throws(() => splitUsers(3, 1, []), /no agent/);
    assert.throws(() => splitUsers(3, 0, agents([1])), /start at 1/);
    assert.throws(() => splitUsers(-3, 1, agents([1])), RangeError);
  });

  test('property: over successive adds ids are unique, contiguous per add, and cover 1..N', () => {
    const random = seeded(3);
    const group = agents([1, 2, 3, 4, 1]);
    let nextId = 1;
    const seen: number[] = [];
    for (let round = 0; round < 200; round++) {
      const count = Math.floor(random() * 40);
      const result = splitUsers(count, nextId, group);
      const ids = result.assignments.flatMap((a) => idsOf(a.ranges));
      assert.deepEqual(ids, Array.from({ length: count }, (_, i) => nextId + i), 'one contiguous block in agent order');
      for (const a of result.assignments) assert.equal(a.ranges.length, 1);
      seen.push(...ids);
      nextId = result.nextId;
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => i + 1));
  });
});

describe('splitRemove', () => {
  test('in proportion to users, never more than an agent has', () => {
    assert.deepEqual(splitRemove(6, [{ agentId: 'a', users: 2 }, { agentId: 'b', users: 4 }, { agentId: 'c', users: 6 }]), [
      { agentId: 'a', count: 1 }, { agentId: 'b', count: 2 }, { agentId: 'c', count: 3 },
    ]);
    assert.deepEqual(splitRemove(100, [{ agentId: 'a', users: 2 }, { agentId: 'b', users: 0 }, { agentId: 'c', users: 3 }]), [
      { agentId: 'a', count: 2 }, { agentId: 'c', count: 3 },
    ]);
    assert.deepEqual(splitRemove(5, [{ agentId: 'a', users: 0 }]), []);
    assert.throws(() => splitRemove(-1, []), RangeError);
  });

  test('property: sum is min(count, users) and each within its users', () => {
    const random = seeded(11);
    for (let round = 0; round < 500; round++) {
      const group = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => ({ agentId: `a${i}`, users: Math.floor(random() * 30) }));
      const total = group.reduce((s, a) => s + a.users, 0);
      const count = Math.floor(random() * 60);
      const plan = splitRemove(count, group);
      assert.equal(plan.reduce((s, p) => s + p.count, 0), Math.min(count, total));
      for (const p of plan) assert.ok(p.count > 0 && p.count <= group.find((a) => a.agentId === p.agentId)!.users);
    }
  });
});

describe('splitRate', () => {
  test('in proportion to workers', () => {
    assert.deepEqual(splitRate(600, agents([1, 2, 3])).map((s) => s.userRate), [100, 200, 300]);
    assert.deepEqual(splitRate(0, agents([1, 1])).map((s) => s.userRate), [0, 0]);
    assert.deepEqual(splitRate(5, []), []);
    assert.throws(() => splitRate(-1, agents([1])), RangeError);
    assert.throws(() => splitRate(Number.NaN, agents([1])), RangeError);
    assert.throws(() => splitRate(10, agents([0])), /without workers/);
  });

  test('property: shares sum to the rate', () => {
    const random = seeded(5);
    for (let round = 0; round < 200; round++) {
      const rate = random() * 100_000;
      const shares = splitRate(rate, agents(Array.from({ length: 1 + Math.floor(random() * 9) }, () => 1 + Math.floor(random() * 8))));
      assert.ok(Math.abs(shares.reduce((s, x) => s + x.userRate, 0) - rate) < 1e-6);
    }
  });
});

describe('resplitRanges and friends', () => {
  test('a lost agent\'s ranges over survivors by workers, ids kept, consecutive per survivor', () => {
    const lost = [{ from: 7, to: 9 }, { from: 20, to: 22 }];
    assert.deepEqual(resplitRanges(lost, agents([1, 2])), [
      { agentId: 'a0', ranges: [{ from: 7, to: 8 }], count: 2 },
      { agentId: 'a1', ranges: [{ from: 9, to: 9 }, { from: 20, to: 22 }], count: 4 },
    ]);
    assert.deepEqual(resplitRanges([], agents([1])), []);
    assert.throws(() => resplitRanges(lost, []), /no agent/);
  });

  test('property: re-split ids are exactly the lost ids, each once', () => {
    const random = seeded(17);
    for (let round = 0; round < 300; round++) {
      const ranges: IdRange[] = [];
      let id = 1;
      for (let i = 0; i < 1 + Math.floor(random() * 5); i++) {
        id += Math.floor(random() * 10);
        const size = Math.floor(random() * 10);
        ranges.push({ from: id, to: id + size });
        id += size + 1;
      }
      const survivors = agents(Array.from({ length: 1 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * 4)));
      const assignments = resplitRanges(ranges, survivors);
      const ids = assignments.flatMap((a) => idsOf(a.ranges));
      assert.deepEqual(ids, idsOf(ranges));
      for (const a of assignments) assert.equal(countIds(a.ranges), a.count);
    }
  });

  test('normalizeRanges, countIds, lowestIds', () => {
    assert.deepEqual(normalizeRanges([{ from: 5, to: 6 }, { from: 1, to: 2 }, { from: 3, to: 3 }, { from: 6, to: 8 }]), [{ from: 1, to: 3 }, { from: 5, to: 8 }]);
    assert.equal(countIds([{ from: 1, to: 4 }, { from: 3, to: 6 }]), 6, 'overlaps count once');
    assert.deepEqual(lowestIds([{ from: 10, to: 12 }, { from: 1, to: 2 }], 3), [{ from: 1, to: 2 }, { from: 10, to: 10 }]);
    assert.deepEqual(lowestIds([{ from: 1, to: 2 }], 9), [{ from: 1, to: 2 }]);
    assert.deepEqual(lowestIds([{ from: 1, to: 2 }], 0), []);
    assert.throws(() => normalizeRanges([{ from: 3, to: 2 }]), /invalid id range/);
    assert.throws(() => normalizeRanges([{ from: 0, to: 2 }]), /invalid id range/);
  });
});
