import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';
import { runConfig, runLocally } from '../helpers/local-runs';
import { ScenarioDir } from '../helpers/scenario-files';
import { busiestWindow } from '../helpers/windows';

const dir = new ScenarioDir();
after(() => dir.remove());

// amoc's throttle through a whole run: the coordinator leases shares of the rate to the agent, which splits its
// share over two worker threads; users of both threads call the throttle as fast as it lets them.
test('a throttle shared by users on two workers is never exceeded in any window, and is used', async () => {
  const marker = join(dir.dir, 'executions.txt');
  const result = await runLocally(runConfig(join(ROOT, 'test/fixtures/cluster/throttled.scenario.ts'), {
    users: 10,
    durationMs: 3000,
    planVariables: { rate: 20, interval_ms: 1000, marker },
  }), { workers: 2 });
  const times = readFileSync(marker, 'utf8').trim().split('\n').map(Number);
  // 980 ms windows: times are written a moment after each grant, and that moment varies by a few ms.
  console.log(`# ${times.length} executions, busiest window ${busiestWindow(times, 980)}`);
  assert.ok(busiestWindow(times, 980) <= 20, `busiest window: ${busiestWindow(times, 980)} executions`);
  assert.ok(times.length >= 40, `the rate was used: ${times.length} executions in about 3 s`);
  const counter = (name: string) => result.summary.counters.find((c) => c.name === name)?.value ?? 0;
  assert.equal(counter('rookery.throttle.t.executions'), times.length);
  assert.ok(counter('rookery.throttle.t.requests') >= times.length);
  assert.equal(result.summary.users.failed, 0, JSON.stringify(result.summary.userFailures));
});

