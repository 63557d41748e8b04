import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadShape, type Steerable } from '../../../agent/controller/load-shape';

class FakeController implements Steerable {
  targetUsers = 0;
  log: string[] = [];
  add(n: number) {
    this.targetUsers += n;
    this.log.push(`+${n}`);
  }
  remove(n: number) {
    this.targetUsers -= n;
    this.log.push(`-${n}`);
  }
}

test('moves the target count to each point in time, then reports done', async () => {
  const fake = new FakeController();
  const shape = new LoadShape(fake, [
    { at: 0, users: 2 },
    { at: 40, users: 5 },
    { at: 80, users: 1 },
  ]);
  assert.equal(shape.length, 80);
  const t0 = performance.now();
  await new Promise<void>((resolve) => shape.start(resolve));
  assert.ok(performance.now() - t0 >= 75);
  assert.deepEqual(fake.log, ['+2', '+3', '-4']);
  assert.equal(fake.targetUsers, 1);
});

test('steers from the actual count (users that ended on their own are topped up) and stops when told', async () => {
  const fake = new FakeController();
  const shape = new LoadShape(fake, [
    { at: 0, users: 3 },
    { at: 30, users: 3 },
    { at: 10_000, users: 0 },
  ]);
  let done = false;
  shape.start(() => (done = true));
  fake.targetUsers = 1; // two users finished by themselves
  await new Promise((r) => setTimeout(r, 60));
  shape.stop();
  assert.deepEqual(fake.log, ['+3', '+2']);
  assert.equal(done, false);
});

test('a trailing hold keeps the shape going after its last point, until the stages end', async () => {
  const fake = new FakeController();
  // ramp to 2 users by 20 ms, then hold: the stages last 150 ms although the last point is at 20 ms.
  const shape = new LoadShape(fake, [
    { at: 0, users: 0 },
    { at: 10, users: 1 },
    { at: 20, users: 2 },
  ], 150);
  assert.equal(shape.length, 150);
  const t0 = performance.now();
  await new Promise<void>((resolve) => shape.start(resolve));
  const took = performance.now() - t0;
  assert.ok(took >= 145, `done only when the hold is over (${took.toFixed(0)} ms)`);
  assert.deepEqual(fake.log, ['+1', '+1']);
});
