import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';
import { runConfig, runLocally } from '../helpers/local-runs';

// amoc's coordinator through a whole run: the barrier lives in the coordinator, the users on two worker threads.
test('coordinator pairs users across workers; the lone last one and the all item fire on the timeout', async () => {
  const result = await runLocally(runConfig(join(ROOT, 'test/fixtures/cluster/pairs.scenario.ts'), { users: 5, durationMs: 20_000 }), { workers: 2 });
  const s = result.summary;
  assert.equal(result.endReason, 'completed');
  assert.equal(s.users.finished, 5, JSON.stringify(s.userFailures));
  assert.deepEqual(s.checks, [
    { name: 'introduced to the next user in join order', pass: 5, fail: 0 },
    { name: 'told by the all item on the timeout', pass: 5, fail: 0 },
  ]);
  const told = s.histograms.find((h) => h.name === 'users told by all');
  assert.deepEqual([told?.min, told?.max], [5, 5], 'the all item got every user that joined');
  assert.deepEqual(s.warnings.filter((w) => /coordinator/.test(w)), []);
});
