import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdQueue } from '../../../agent/controller/id-queue';

test('ids leave in order from the front and are cancelled from the back', () => {
  const q = new IdQueue();
  q.push(1, 3);
  q.push(4, 5); // adjacent: merged
  q.push(10, 10);
  assert.equal(q.size, 6);
  assert.equal(q.shift(), 1);
  assert.equal(q.popBack(2), 2); // removes 10 and 5
  assert.equal(q.size, 3);
  assert.deepEqual([q.shift(), q.shift(), q.shift(), q.shift()], [2, 3, 4, undefined]);
  assert.equal(q.size, 0);
});

test('a million queued ids cost no memory per id', () => {
  const q = new IdQueue();
  q.push(1, 1_000_000);
  assert.equal(q.size, 1_000_000);
  assert.equal(q.popBack(999_999), 999_999);
  assert.equal(q.shift(), 1);
  assert.equal(q.popBack(5), 0);
  q.push(7, 6); // empty range ignored
  assert.equal(q.clear(), 0);
});
