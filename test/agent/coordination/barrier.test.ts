import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { RookeryError } from '../../../agent/common/errors';
import { Barrier, type BarrierFailure } from '../../../agent/coordination/barrier';
import type { BarrierEvent, BarrierUser } from '../../../agent/coordination/barrier-plan';
import { seededRandom } from '../../helpers/seeded-random';

type User = BarrierUser<number>;
const ids = (users: User[]) => users.map((u) => u.userId);

/** Resolves with the value `hook` is called with next; rejects after `ms` so a missing event fails fast. */
function nextCall<T>(ms: number, what: string): { hook: (value: T) => void; promise: Promise<T> } {
  let hook!: (value: T) => void;
  const promise = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    hook = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
  });
  // Awaited by the test; this only keeps a test that failed before awaiting from leaving an unhandled rejection.
  promise.catch(() => undefined);
  return { hook, promise };
}

describe('Barrier: amoc documentation example', () => {
  // The plan of amoc_coordinator's documented example, users 1..5 adding themselves with their id as data, then
  // the timeout. Expectations, from the documented output:
  //   user 2 → the three {2} items with {coordinate,2}; users [2, 1] (most recent first); one pair User1=2, User2=1
  //   user 3 → the {3} item ("Three new users showed up")
  //   user 4 → the three {2} items with {coordinate,2}; users [4, 3]; pair (4, 3)
  //   user 5 → nothing until the timeout, which fires the {3} item (users 4 and 5 remain: {timeout,2}), the {2}
  //            items with {timeout,1}: users [5], pair (5, undefined); and last the `all` item with {timeout,5}.
  // amoc does not guarantee the order of items (its output shows them last-to-first); ours is plan order, with
  // `all` last as amoc guarantees — checked both as one sequence and item by item against the documented output.
  test('produces the documented batches, pairs and events', async () => {
    const log: unknown[][] = [];
    const allFired = nextCall<void>(2000, 'timeout of the all item');
    const barrier = new Barrier<number>(
      [
        { users: 2, action: (event: BarrierEvent) => log.push(['{2}/1', event]) },
        { users: 2, action: (event: BarrierEvent, users: User[]) => log.push(['{2}/2', event, ids(users), users.map((u) => u.data)]) },
        { users: 2, action: (event: BarrierEvent, a: User, b: User | undefined) => log.push(['{2}/3', event, a.userId, b?.userId]) },
        { users: 3, action: (event: BarrierEvent) => log.push(['{3}/1', event]) },
        {
          users: 'all',
          action: (event: BarrierEvent) => {
            log.push(['all/1', event]);
            allFired.hook();
          },
        },
      ],
      { name: 'example', timeoutMs: 80 },
    );
    try {
      const steps: unknown[][][] = [];
      for (let id = 1; id <= 5; id++) {
        await barrier.add(id, id);
        steps.push(log.splice(0));
      }
      const coordinate2 = { type: 'coordinate', users: 2 };
      assert.deepEqual(steps[0], [], 'user 1: nothing');
      assert.deepEqual(steps[1], [
        ['{2}/1', coordinate2],
        ['{2}/2', coordinate2, [2, 1], [2, 1]],
        ['{2}/3', coordinate2, 2, 1],
      ]);
      assert.deepEqual(steps[2], [['{3}/1', { type: 'coordinate', users: 3 }]]);
      assert.deepEqual(steps[3], [
        ['{2}/1', coordinate2],
        ['{2}/2', coordinate2, [4, 3], [4, 3]],
        ['{2}/3', coordinate2, 4, 3],
      ]);
      assert.deepEqual(steps[4], [], 'user 5: nothing until the timeout');

      await allFired.promise;
      await barrier.idle();
      const timeout1 = { type: 'timeout', users: 1 };
      assert.deepEqual(log, [
        ['{2}/1', timeout1],
        ['{2}/2', timeout1, [5], [5]],
        ['{2}/3', timeout1, 5, undefined],
        ['{3}/1', { type: 'timeout', users: 2 }],
        ['all/1', { type: 'timeout', users: 5 }],
      ]);

      // The documented timeout output, item by item (amoc printed {3}, {2}/3, {2}/2, {2}/1, all).
      const documented: Record<string, unknown[]> = {
        '{3}/1': [{ type: 'timeout', users: 2 }],
        '{2}/3': [timeout1, 5, undefined],
        '{2}/2': [timeout1, [5], [5]],
        '{2}/1': [timeout1],
        'all/1': [{ type: 'timeout', users: 5 }],
      };
      for (const [item, expected] of Object.entries(documented)) {
        assert.deepEqual(log.filter((entry) => entry[0] === item).map((entry) => entry.slice(1)), [expected], item);
      }
    } finally {
      await barrier.stop();
    }
  });
});

describe('Barrier: batches', () => {
  test('every numbered item keeps its own batch; one add can fill several, fired in plan order', async () => {
    const fired: string[] = [];
    const barrier = new Barrier<number>([
      { users: 2, action: (_e: BarrierEvent, users: User[]) => fired.push(`two:${ids(users)}`) },
      { users: 3, action: (_e: BarrierEvent, users: User[]) => fired.push(`three:${ids(users)}`) },
    ]);
    try {
      for (let id = 1; id <= 6; id++) await barrier.add(id);
      // amoc's own example: [{2, Act1}, {3, Act2}] — the 6th user fires Act1 with 2 users and Act2 with 3.
      assert.deepEqual(fired, ['two:2,1', 'three:3,2,1', 'two:4,3', 'two:6,5', 'three:6,5,4']);
    } finally {
      await barrier.stop();
    }
  });

  test('a range draws a new batch size, from the seeded generator, each time a batch fills', async () => {
    const sizes: number[] = [];
    const barrier = new Barrier<number>([{ users: [2, 5], action: (e: BarrierEvent) => sizes.push(e.users) }], { random: seededRandom(7) });
    try {
      for (let id = 1; id <= 200; id++) await barrier.add(id);
      const expectedRandom = seededRandom(7);
      const expected: number[] = [];
      let total = 0;
      for (;;) {
        const size = 2 + Math.floor(expectedRandom() * 4);
        if (total + size > 200) break;
        expected.push(size);
        total += size;
      }
      assert.deepEqual(sizes, expected);
      assert.ok(new Set(sizes).size === 4, `all of 2..5 drawn: ${sizes}`);
    } finally {
      await barrier.stop();
    }
  });

  test('a pair action gets every distinct pair of its batch', async () => {
    const pairs: [number, number | undefined][] = [];
    const barrier = new Barrier<number>([{ users: 3, action: (_e: BarrierEvent, a: User, b: User | undefined) => pairs.push([a.userId, b?.userId]) }]);
    try {
      for (let id = 1; id <= 3; id++) await barrier.add(id);
      assert.deepEqual(pairs, [
        [3, 2],
        [3, 1],
        [2, 1],
      ]);
    } finally {
      await barrier.stop();
    }
  });

  test('each users action gets its own copy of the batch', async () => {
    const seen: number[][] = [];
    const barrier = new Barrier<number>([
      {
        users: 2,
        action: [
          (_e: BarrierEvent, users: User[]) => users.splice(0),
          (_e: BarrierEvent, users: User[]) => seen.push(ids(users)),
        ],
      },
    ]);
    try {
      await barrier.add(1);
      await barrier.add(2);
      assert.deepEqual(seen, [[2, 1]]);
    } finally {
      await barrier.stop();
    }
  });

  test('bad user ids are rejected', async () => {
    const barrier = new Barrier<number>([{ users: 2, action: (_e: BarrierEvent) => undefined }]);
    try {
      for (const id of [-1, 1.5, NaN]) await assert.rejects(barrier.add(id), /user id must be a non-negative integer/);
    } finally {
      await barrier.stop();
    }
  });

  test('bad timeouts are rejected', () => {
    for (const timeoutMs of [0, -5, NaN]) {
      assert.throws(() => new Barrier([{ users: 1, action: (_e: BarrierEvent) => undefined }], { timeoutMs }), (e: unknown) => e instanceof RookeryError && e.where === 'timeout');
    }
  });
});

describe('Barrier: timeout', () => {
  test('every add pushes the timeout back; it then fires the remaining users and starts over', async () => {
    const TIMEOUT = 120;
    const events: { event: BarrierEvent; users: number[]; at: number }[] = [];
    let fired = nextCall<void>(3000, 'first timeout');
    const barrier = new Barrier<number>(
      [
        { users: 3, action: (event: BarrierEvent, users: User[]) => events.push({ event, users: ids(users), at: performance.now() }) },
        { users: 'all', action: (_event: BarrierEvent) => fired.hook() },
      ],
      { timeoutMs: TIMEOUT },
    );
    try {
      await barrier.add(1);
      await delay(TIMEOUT / 2);
      await barrier.add(2);
      await delay(TIMEOUT / 2);
      const lastAdd = performance.now();
      await barrier.add(3); // fills the {3} batch: coordinate
      await barrier.add(4);
      await fired.promise;
      await barrier.idle();
      assert.deepEqual(events.map((e) => [e.event, e.users]), [
        [{ type: 'coordinate', users: 3 }, [3, 2, 1]],
        [{ type: 'timeout', users: 1 }, [4]],
      ]);
      // Timers may fire up to a millisecond early against performance.now(); anything more means the adds did not
      // push the timeout back (the first add was 2 × TIMEOUT/2 before the last).
      assert.ok(events[1].at - lastAdd >= TIMEOUT - 2, `timeout fired ${events[1].at - lastAdd} ms after the last add`);

      // Not re-armed by firing: with no adds, nothing more happens.
      events.length = 0;
      await delay(TIMEOUT * 2);
      assert.equal(events.length, 0, 'no timeout without a new add');

      // Started over: the next add arms it again, and only the new users come back.
      fired = nextCall<void>(3000, 'second timeout');
      await barrier.add(5);
      await fired.promise;
      await barrier.idle();
      assert.deepEqual(events.map((e) => [e.event, e.users]), [[{ type: 'timeout', users: 1 }, [5]]]);
    } finally {
      await barrier.stop();
    }
  });

  test('numbered items with nobody left still get their (event) and (event, users) actions, but no pair', async () => {
    const log: unknown[] = [];
    const fired = nextCall<void>(2000, 'timeout');
    const barrier = new Barrier<number>(
      [
        {
          users: 2,
          action: [
            (event: BarrierEvent) => log.push(['event', event]),
            (event: BarrierEvent, users: User[]) => log.push(['users', event, ids(users)]),
            (event: BarrierEvent, a: User, b: User | undefined) => log.push(['pair', event, a, b]),
          ],
        },
        {
          users: 'all',
          action: (event: BarrierEvent, users: User[]) => {
            log.push(['all', event, ids(users)]);
            fired.hook();
          },
        },
      ],
      { timeoutMs: 30 },
    );
    try {
      await barrier.add(1);
      await barrier.add(2);
      log.length = 0;
      await fired.promise;
      await barrier.idle();
      assert.deepEqual(log, [
        ['event', { type: 'timeout', users: 0 }],
        ['users', { type: 'timeout', users: 0 }, []],
        ['all', { type: 'timeout', users: 2 }, [2, 1]],
      ]);
    } finally {
      await barrier.stop();
    }
  });

  test('timeout Infinity never fires', async () => {
    const log: BarrierEvent[] = [];
    const barrier = new Barrier<number>([{ users: 'all', action: (event: BarrierEvent) => log.push(event) }], { timeoutMs: Infinity });
    await barrier.add(1);
    await delay(50);
    assert.deepEqual(log, []);
    await barrier.stop();
    assert.deepEqual(log, [{ type: 'stop', users: 1 }]);
  });
});

describe('Barrier: reset and stop', () => {
  test('reset and stop hand over the remaining users with their own events; stop ends the barrier', async () => {
    const log: unknown[] = [];
    const barrier = new Barrier<number>([
      { users: 3, action: (event: BarrierEvent, users: User[]) => log.push(['three', event, ids(users)]) },
      { users: 'all', action: (event: BarrierEvent, users: User[]) => log.push(['all', event, ids(users)]) },
    ]);
    await barrier.add(1, 10);
    await barrier.add(2, 20);
    await barrier.reset();
    assert.deepEqual(log.splice(0), [
      ['three', { type: 'reset', users: 2 }, [2, 1]],
      ['all', { type: 'reset', users: 2 }, [2, 1]],
    ]);
    for (let id = 3; id <= 6; id++) await barrier.add(id);
    assert.deepEqual(log.splice(0), [['three', { type: 'coordinate', users: 3 }, [5, 4, 3]]], 'reset started the batch over');
    await barrier.stop();
    assert.deepEqual(log.splice(0), [
      ['three', { type: 'stop', users: 1 }, [6]],
      ['all', { type: 'stop', users: 4 }, [6, 5, 4, 3]],
    ]);
    assert.equal(barrier.isStopped, true);

    for (const attempt of [() => barrier.add(7), () => barrier.reset()]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof RookeryError);
        assert.equal(error.code, 'ROOKERY_STATE');
        assert.match(error.message, /coordination "barrier" is stopped/);
        return true;
      });
    }
    await barrier.stop(); // idempotent: no second stop event
    assert.deepEqual(log, []);
  });
});

describe('Barrier: async and failing actions', () => {
  test('async actions run one after another, and all items only after every numbered item has run', async () => {
    const log: string[] = [];
    const slow = (label: string, ms: number) => async (event: BarrierEvent) => {
      log.push(`${label} start ${event.type}`);
      await delay(ms);
      log.push(`${label} end ${event.type}`);
    };
    const barrier = new Barrier<number>([
      { users: 2, action: slow('A', 30) },
      { users: 'all', action: slow('ALL', 1) },
      { users: 2, action: slow('B', 5) },
    ]);
    const first = barrier.add(1);
    const second = barrier.add(2); // fills A and B
    await first; // filled nothing: resolves at once
    assert.deepEqual(log, ['A start coordinate']);
    await second;
    assert.deepEqual(log.splice(0), ['A start coordinate', 'A end coordinate', 'B start coordinate', 'B end coordinate']);
    const third = barrier.add(3);
    await barrier.stop();
    await third;
    assert.deepEqual(log, ['A start stop', 'A end stop', 'B start stop', 'B end stop', 'ALL start stop', 'ALL end stop']);
  });

  test('throwing and rejecting actions go to onError; the rest of the item and the barrier carry on', async () => {
    const failures: { error: unknown; failure: BarrierFailure }[] = [];
    const ran: string[] = [];
    const barrier = new Barrier<number>(
      [
        { users: 1, action: (_e: BarrierEvent) => ran.push('ok-1') },
        {
          users: 2,
          action: [
            (_e: BarrierEvent) => {
              throw new Error('sync boom');
            },
            async (_e: BarrierEvent, _users: User[]) => {
              await delay(1);
              throw new Error('async boom');
            },
            // Three parameters even though b is unused: arity is what makes this a pair action.
            (_e: BarrierEvent, a: User, _b: User | undefined) => {
              if (a.userId % 2 === 0) throw new Error(`pair boom ${a.userId}`);
              ran.push(`pair ${a.userId}`);
            },
          ],
        },
      ],
      {
        name: 'flaky',
        onError: (error, failure) => {
          failures.push({ error, failure });
          throw new Error('the reporter itself fails');
        },
      },
    );
    try {
      await barrier.add(1);
      await barrier.add(2);
      await barrier.add(3);
      await barrier.reset();
      assert.deepEqual(ran, ['ok-1', 'ok-1', 'ok-1', 'ok-1', 'pair 3'], 'item 0 ran on adds 1-3 and, with nobody, on reset');
      assert.deepEqual(
        failures.map(({ error, failure }) => [(error as Error).message, failure]),
        [
          ['sync boom', { barrier: 'flaky', item: 1, event: { type: 'coordinate', users: 2 } }],
          ['async boom', { barrier: 'flaky', item: 1, event: { type: 'coordinate', users: 2 } }],
          ['pair boom 2', { barrier: 'flaky', item: 1, event: { type: 'coordinate', users: 2 } }],
          ['sync boom', { barrier: 'flaky', item: 1, event: { type: 'reset', users: 1 } }],
          ['async boom', { barrier: 'flaky', item: 1, event: { type: 'reset', users: 1 } }],
        ],
      );
      await barrier.add(4);
      assert.deepEqual(ran.at(-1), 'ok-1', 'still coordinating after failures');
    } finally {
      await barrier.stop();
    }
  });
});
