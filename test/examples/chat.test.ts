import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runConfig, runLocally } from '../helpers/local-runs';
import { startTarget, type DemoTarget } from '../../agent/target/server';
import { ROOT } from '../helpers/cli';

let target: DemoTarget;
before(async () => {
  target = await startTarget({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await target.close();
});

test('the chat example: 50 users on the demo router run to completion and every routed message arrives', async () => {
  const result = await runLocally(runConfig(join(ROOT, 'examples/chat.scenario.ts'), {
    users: 50,
    durationMs: 60_000, // a bound, not the expected length: the users finish by themselves in a few seconds
    planVariables: { host: '127.0.0.1', port: target.port, number_of_neighbours: 3 },
    // Ten times the livebook's pace so the test takes seconds, not half a minute.
    // idle_timeout_ms is 15 sends long: on a loaded machine, a shorter one lets a user give up on a message the
    // router has already handed to its connection, and the exact check below would count a loss that is not one.
    cliVariables: { message_interval_ms: 100, idle_timeout_ms: 1500 },
  }), { workers: 2 });
  const s = result.summary;
  assert.equal(result.endReason, 'completed', 'every user finished by itself before the bound');
  assert.equal(s.users.started, 50);
  assert.equal(s.users.finished, 50, JSON.stringify(s.userFailures));
  assert.equal(s.users.failed, 0);
  assert.deepEqual(s.errors, []);
  assert.equal(s.ws.connects, 50);

  const counter = (name: string) => s.counters.find((c) => c.name === name)?.value ?? 0;
  const sent = counter('chat.sent');
  const received = counter('chat.received');
  const router = target.stats().ws;
  // Each user sends 20-30 messages (fewer if it runs out of people to write to).
  assert.ok(sent >= 50 * 5, `messages sent: ${sent}`);
  assert.equal(s.ws.messagesOut, sent);
  // Messages to ids that were not connected (neighbours above 50, users already gone) are dropped by the router,
  // as amoc's livebook server does; every other message must have reached its recipient.
  assert.equal(router.routed + router.undeliverable, sent, `router: ${JSON.stringify(router)}`);
  assert.equal(received, router.routed, 'every routed message was received');
  assert.ok(received > sent / 2, `most messages were delivered (${received}/${sent})`);
  const delivery = s.histograms.find((h) => h.name === 'chat.delivery_ms');
  assert.equal(delivery?.count, received);
});
