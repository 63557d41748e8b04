import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusThrottle, type UsersReport } from '../../../agent/cluster/agent-status';
import { waitFor } from '../../helpers/scenario-files';

const IDLE: UsersReport = { runningUsers: 0, pendingUsers: 0, idle: true };

describe('StatusThrottle', () => {
  test('an idle change goes out at once; other changes at most once per interval, with the latest figures', async () => {
    const sent: UsersReport[] = [];
    const throttle = new StatusThrottle((r) => sent.push(r), IDLE, 200);
    throttle.update(IDLE);
    assert.equal(sent.length, 0, 'no change, no message');
    throttle.update({ runningUsers: 0, pendingUsers: 5, idle: false });
    assert.deepEqual(sent, [{ runningUsers: 0, pendingUsers: 5, idle: false }]);
    throttle.update({ runningUsers: 2, pendingUsers: 3, idle: false });
    throttle.update({ runningUsers: 4, pendingUsers: 1, idle: false });
    assert.equal(sent.length, 1, 'held back within the interval');
    await waitFor(() => sent.length === 2, 'the coalesced status', 2000);
    assert.deepEqual(sent[1], { runningUsers: 4, pendingUsers: 1, idle: false });
    throttle.update({ runningUsers: 3, pendingUsers: 0, idle: false });
    throttle.update(IDLE);
    assert.deepEqual(sent[2], IDLE, 'going idle is not held back');
    throttle.stop();
  });

  test('a change undone within the interval sends nothing; stop() drops what is held back', async () => {
    const sent: UsersReport[] = [];
    const throttle = new StatusThrottle((r) => sent.push(r), IDLE, 100);
    const busy = (runningUsers: number): UsersReport => ({ runningUsers, pendingUsers: 0, idle: false });
    throttle.update(busy(1));
    throttle.update(busy(2));
    throttle.update(busy(1));
    // Longer than the interval: a held-back report would have gone out by now.
    await new Promise<void>((r) => setTimeout(r, 250));
    assert.deepEqual(sent, [busy(1)]);
    throttle.update(busy(3));
    assert.deepEqual(sent, [busy(1), busy(3)], 'the interval has passed: sent at once');
    throttle.update(busy(4));
    throttle.stop();
    throttle.update(IDLE);
    await new Promise<void>((r) => setTimeout(r, 250));
    assert.deepEqual(sent, [busy(1), busy(3)]);
  });
});
