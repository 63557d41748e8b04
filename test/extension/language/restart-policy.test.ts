import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RESTARTS, RestartPolicy, WINDOW_MS } from '../../../extension/language/restart-policy';

describe('RestartPolicy', () => {
  test('restarts a few times, then gives up while the crashes keep coming', () => {
    let now = 0;
    const policy = new RestartPolicy(MAX_RESTARTS, WINDOW_MS, () => now);
    for (let i = 0; i < MAX_RESTARTS; i++) {
      assert.equal(policy.shouldRestart(), true, `restart ${i + 1}`);
      now += 1000;
    }
    assert.equal(policy.recent, MAX_RESTARTS);
    assert.equal(policy.shouldRestart(), false);
    assert.equal(policy.shouldRestart(), false);
  });

  test('crashes far apart are restarted every time', () => {
    let now = 0;
    const policy = new RestartPolicy(2, 1000, () => now);
    for (let i = 0; i < 10; i++) {
      assert.equal(policy.shouldRestart(), true);
      now += 600;
    }
  });

  test('once the old restarts leave the window it restarts again; a restart by hand starts afresh', () => {
    let now = 0;
    const policy = new RestartPolicy(2, 1000, () => now);
    assert.equal(policy.shouldRestart(), true);
    assert.equal(policy.shouldRestart(), true);
    assert.equal(policy.shouldRestart(), false);
    now = 1000;
    assert.equal(policy.recent, 0);
    assert.equal(policy.shouldRestart(), true);
    assert.equal(policy.shouldRestart(), true);
    assert.equal(policy.shouldRestart(), false);
    policy.reset();
    assert.equal(policy.shouldRestart(), true);
  });
});
