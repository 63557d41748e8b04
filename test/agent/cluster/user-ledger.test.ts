import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UserLedger } from '../../../agent/cluster/user-ledger';

function ledger(settleMs = 100) {
  let clock = 0;
  const l = new UserLedger([{ agentId: 'a', workers: 1 }, { agentId: 'b', workers: 3 }], () => clock, settleMs);
  return { ledger: l, advance: (ms: number) => (clock += ms) };
}

describe('UserLedger', () => {
  test('adds in contiguous ranges by workers, continuing the ids', () => {
    const { ledger: l } = ledger();
    assert.deepEqual(l.planAdd(8).map((a) => [a.agentId, a.ranges]), [['a', [{ from: 1, to: 2 }]], ['b', [{ from: 3, to: 8 }]]]);
    assert.deepEqual(l.planAdd(2, ['a']).map((a) => [a.agentId, a.ranges]), [['a', [{ from: 9, to: 10 }]]]);
    assert.equal(l.highestUserId, 10);
    assert.equal(l.targetUsers, 10);
    assert.deepEqual(l.ranges('a'), [{ from: 1, to: 2 }, { from: 9, to: 10 }]);
  });

  test('a status is trusted only once the last command has settled', () => {
    const { ledger: l, advance } = ledger(100);
    l.planAdd(8);
    l.applyStatus('b', { runningUsers: 0, pendingUsers: 0, idle: true }); // made before b saw its users
    assert.equal(l.targetOf('b'), 6, 'an early report does not undo the command');
    assert.equal(l.allIdle(), false);
    advance(100);
    l.applyStatus('b', { runningUsers: 5, pendingUsers: 0, idle: false }); // one user finished on its own
    assert.equal(l.targetOf('b'), 5);
    assert.equal(l.settlesIn('a'), 0);
    l.applyStatus('a', { runningUsers: 0, pendingUsers: 0, idle: true });
    l.applyStatus('b', { runningUsers: 0, pendingUsers: 0, idle: true });
    assert.equal(l.allIdle(), true);
    assert.equal(l.targetUsers, 0);
  });

  test('removal in proportion to targets; redistribution of a lost agent keeps its lowest ids', () => {
    const { ledger: l } = ledger();
    l.planAdd(8);
    assert.deepEqual(l.planRemove(4), [{ agentId: 'a', count: 1 }, { agentId: 'b', count: 3 }]);
    const { ranges, assignments } = l.planRedistribute('b');
    assert.deepEqual(ranges, [{ from: 3, to: 5 }], 'b should have had 3 users: its 3 lowest ids');
    assert.deepEqual(assignments.map((a) => [a.agentId, a.ranges]), [['a', [{ from: 3, to: 5 }]]]);
    assert.equal(l.isLive('b'), false);
    assert.equal(l.targetUsers, 4);
    assert.deepEqual(l.liveAgents(), [{ agentId: 'a', workers: 1 }]);
    assert.deepEqual(l.planAdd(1).map((a) => a.agentId), ['a'], 'a lost agent takes no new users');
  });

  test('an agent never given users and never reporting counts as idle once settled; no live agent is never idle', () => {
    const { ledger: l, advance } = ledger(50);
    assert.equal(l.allIdle(), false, 'not settled yet');
    advance(50);
    assert.equal(l.allIdle(), true);
    l.retire('a');
    l.retire('b');
    assert.equal(l.allIdle(), false);
  });
});
