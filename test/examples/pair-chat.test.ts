import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTarget, type DemoTarget } from '../../agent/target/server';
import { ROOT } from '../helpers/cli';
import { runConfig, runLocally } from '../helpers/local-runs';

let target: DemoTarget;
before(async () => {
  target = await startTarget({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await target.close();
});

test('the pair-chat example: users paired by the coordinator chat through the router under one throttle', async () => {
  const t0 = Date.now();
  const result = await runLocally(runConfig(join(ROOT, 'examples/pair-chat.scenario.ts'), {
    users: 11,
    durationMs: 30_000, // a bound: the users finish by themselves
    planVariables: { port: target.port, messages_per_minute: 1200, messages_per_user: 5, pairing_timeout_ms: 500 },
  }), { workers: 2 });
  const s = result.summary;
  assert.equal(result.endReason, 'completed');
  assert.equal(s.users.finished, 11, JSON.stringify(s.userFailures));
  assert.deepEqual(s.checks, [{ name: 'got every message of its partner', pass: 10, fail: 0 }], 'five pairs; the eleventh user had no partner');
  assert.equal(target.stats().ws.routed, 50, 'every message reached the partner');
  assert.equal(s.counters.find((c) => c.name === 'rookery.throttle.chat.executions')?.value, 50);
  // 50 messages at 20 per second (1200/min) cannot take less than about 2.5 s.
  assert.ok(Date.now() - t0 >= 2400, `took ${Date.now() - t0} ms`);
});
