import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inbox } from '../../../agent/users/inbox';
import { isAbortError } from '../../../agent/common/errors';

const message = (n: number) => ({ data: n, receivedAt: Date.now() });

test('messages wait in order until taken; a waiting receiver gets the next one at once', async () => {
  const inbox = new Inbox();
  const signal = new AbortController().signal;
  inbox.push(message(1));
  inbox.push(message(2));
  assert.equal(inbox.size, 2);
  assert.equal((await inbox.receive(undefined, signal))?.data, 1);
  assert.equal((await inbox.receive(0, signal))?.data, 2);
  const waiting = inbox.receive(1000, signal);
  inbox.push(message(3));
  assert.equal((await waiting)?.data, 3);
});

test('a timeout gives undefined; an abort or a close rejects as a stop; a closed inbox drops messages', async () => {
  const inbox = new Inbox();
  const controller = new AbortController();
  const t0 = Date.now();
  assert.equal(await inbox.receive(50, controller.signal), undefined);
  assert.ok(Date.now() - t0 >= 45);
  const aborted = inbox.receive(undefined, controller.signal);
  controller.abort();
  await assert.rejects(aborted, (e: unknown) => isAbortError(e));
  const other = new AbortController();
  const closing = inbox.receive(undefined, other.signal);
  inbox.push(message(1)); // goes to the waiter
  assert.equal((await closing)?.data, 1);
  inbox.push(message(2));
  const waiter = new Inbox();
  const pending = waiter.receive(undefined, other.signal);
  assert.equal(inbox.close(), 1, 'the queued message is dropped');
  assert.equal(inbox.push(message(3)), false);
  waiter.close();
  await assert.rejects(pending, (e: unknown) => isAbortError(e));
  await assert.rejects(inbox.receive(-1, other.signal));
});
