import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';
import { runConfig, runLocally } from '../helpers/local-runs';

// Users send to each other across worker threads: ids 1-4 run on one worker, 5-8 on the other, so 4 → 5 and
// 8 → 1 cross threads through the agent.
test('user messages reach their recipient on any worker; a message to nobody is dropped and counted', async () => {
  const result = await runLocally(runConfig(join(ROOT, 'test/fixtures/cluster/ring.scenario.ts'), { users: 8, durationMs: 20_000 }), { workers: 2 });
  const s = result.summary;
  assert.equal(result.endReason, 'completed');
  assert.equal(s.users.finished, 8, JSON.stringify(s.userFailures));
  assert.deepEqual(s.checks, [{ name: 'received from the previous user', pass: 8, fail: 0 }]);
  const counter = (name: string) => s.counters.find((c) => c.name === name)?.value ?? 0;
  assert.equal(counter('rookery.messages.sent'), 9);
  assert.equal(counter('rookery.messages.delivered'), 8);
  assert.equal(counter('rookery.messages.dropped'), 1);
});
