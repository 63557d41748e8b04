import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RookeryError } from '../../../agent/common/errors';
import { compileBarrierPlan, type BarrierEvent, type BarrierPlan, type BarrierUser } from '../../../agent/coordination/barrier-plan';

const onEvent = (_event: BarrierEvent) => undefined;
const onUsers = (_event: BarrierEvent, _users: BarrierUser<unknown>[]) => undefined;
const onPair = (_event: BarrierEvent, _a: BarrierUser<unknown>, _b: BarrierUser<unknown> | undefined) => undefined;

function problemsOf(plan: unknown): { where?: string; message: string }[] {
  try {
    compileBarrierPlan(plan as BarrierPlan<unknown>, 'chat');
  } catch (error) {
    assert.ok(error instanceof RookeryError);
    assert.equal(error.code, 'ROOKERY_SCENARIO_INIT');
    assert.match(error.message, /"chat"/);
    return error.problems;
  }
  assert.fail('expected the plan to be rejected');
}

describe('compileBarrierPlan', () => {
  test('resolves sizes and action shapes by arity, keeping plan positions', () => {
    const items = compileBarrierPlan<unknown>([
      { users: 2, action: onEvent },
      { users: [2, 5], action: [onUsers, onPair] },
      { users: [3, 3], action: onPair },
      { users: 'all', action: [onEvent, onUsers] },
    ]);
    assert.deepEqual(
      items.map((i) => ({ index: i.index, size: i.size, kinds: i.actions.map((a) => a.kind) })),
      [
        { index: 0, size: { kind: 'fixed', size: 2 }, kinds: ['event'] },
        { index: 1, size: { kind: 'range', min: 2, max: 5 }, kinds: ['users', 'pairs'] },
        { index: 2, size: { kind: 'fixed', size: 3 }, kinds: ['pairs'] },
        { index: 3, size: { kind: 'all' }, kinds: ['event', 'users'] },
      ],
    );
    assert.equal(items[1].actions[1].run, onPair);
  });

  test('a single item is a plan of one', () => {
    assert.equal(compileBarrierPlan<unknown>({ users: 1, action: onEvent }).length, 1);
  });

  test('an empty plan is rejected', () => {
    assert.deepEqual(problemsOf([]), [{ where: 'plan', message: 'the plan has no items' }]);
  });

  test('bad sizes are each reported with their item', () => {
    const problems = problemsOf([
      { users: 0, action: onEvent },
      { users: 1.5, action: onEvent },
      { users: [4, 2], action: onEvent },
      { users: 'some', action: onEvent },
      { users: [0, 3], action: onEvent },
      { users: [1, 2, 3], action: onEvent },
      { action: onEvent },
    ]);
    assert.deepEqual(
      problems.map((p) => p.where),
      ['plan[0].users', 'plan[1].users', 'plan[2].users', 'plan[3].users', 'plan[4].users', 'plan[5].users', 'plan[6].users'],
    );
    assert.match(problems[2].message, /min above max/);
    assert.match(problems[3].message, /"some"/);
  });

  test('bad actions are each reported, down to their place in an action list', () => {
    const problems = problemsOf([
      { users: 2, action: 'hello' },
      { users: 2, action: () => undefined },
      { users: 2, action: [onEvent, (_a: unknown, _b: unknown, _c: unknown, _d: unknown) => undefined] },
      { users: 'all', action: onPair },
      { users: 2, action: [] },
      null,
    ]);
    assert.deepEqual(
      problems.map((p) => p.where),
      ['plan[0].action', 'plan[1].action', 'plan[2].action[1]', 'plan[3].action', 'plan[4].action', 'plan[5]'],
    );
    assert.match(problems[1].message, /declares 0 parameters/);
    assert.match(problems[2].message, /declares 4 parameters/);
    assert.match(problems[3].message, /'all' items take/);
  });

  test('a size problem and an action problem in one item are both reported', () => {
    assert.deepEqual(
      problemsOf([{ users: -1, action: 3 }]).map((p) => p.where),
      ['plan[0].users', 'plan[0].action'],
    );
  });
});
