import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HIGH_WATER, LOW_WATER, Message, WsInbox } from '../../../agent/protocols/ws-inbox';

function inbox() {
  const calls: string[] = [];
  return { calls, box: new WsInbox({ pause: () => calls.push('pause'), resume: () => calls.push('resume') }) };
}

const msg = (text: string) => new Message(text, false, Date.now());

describe('WsInbox', () => {
  test('Message: text and json for text and binary data', () => {
    assert.deepEqual(new Message('{"a":1}', false, 1).json(), { a: 1 });
    assert.equal(new Message(Buffer.from('hé'), true, 1).text(), 'hé');
    assert.throws(() => new Message('not json', false, 1).json(), SyntaxError);
  });

  test('queues in order and hands queued messages out before waiting', async () => {
    const { box } = inbox();
    box.push(msg('a'));
    box.push(msg('b'));
    assert.equal(box.size, 2);
    assert.equal((await box.receive())?.text(), 'a');
    assert.equal((await box.next())?.text(), 'b');
    assert.equal(box.size, 0);
  });

  test('pauses the socket at the high-water mark and resumes at the low-water mark, losing nothing', async () => {
    const { box, calls } = inbox();
    for (let i = 0; i < HIGH_WATER + 10; i++) box.push(msg(String(i)));
    assert.deepEqual(calls, ['pause']);
    let expected = 0;
    while (box.size > LOW_WATER) assert.equal((await box.receive())?.text(), String(expected++));
    assert.deepEqual(calls, ['pause', 'resume']);
    while (box.size > 0) assert.equal((await box.receive())?.text(), String(expected++));
    assert.equal(expected, HIGH_WATER + 10);
  });

  test('end: queued messages still come out, then receive rejects and iteration ends', async () => {
    const { box } = inbox();
    box.push(msg('last'));
    const closed = new Error('closed');
    box.end(closed);
    assert.equal((await box.receive())?.text(), 'last');
    await assert.rejects(box.receive(), closed);
    assert.equal(await box.next(), undefined);
  });

  test('end wakes waiters: receivers reject, iterators finish', async () => {
    const { box } = inbox();
    const receiving = box.receive();
    const iterating = box.next();
    box.end(new Error('gone'));
    await assert.rejects(receiving, /gone/);
    assert.equal(await iterating, undefined);
  });

  test('receive timeout resolves undefined and does not swallow the next message', async () => {
    const { box } = inbox();
    assert.equal(await box.receive(20), undefined);
    const waiting = box.receive(2000);
    box.push(msg('x'));
    assert.equal((await waiting)?.text(), 'x');
    await assert.rejects(box.receive(-5), TypeError);
  });

  test('abort rejects everything from then on, queued messages included', async () => {
    const { box } = inbox();
    const waiting = box.next();
    const stopped = new Error('stopped');
    box.abort(stopped);
    await assert.rejects(waiting, stopped);
    box.push(msg('late'));
    await assert.rejects(box.receive(), stopped);
    await assert.rejects(box.next(), stopped);
  });
});
