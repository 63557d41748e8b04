import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectWebSocket, WsClosedError, WsConnectError, type WsEnv } from '../../../agent/protocols/ws';
import { UserStoppedError } from '../../../agent/common/errors';
import type { WsConnection, WsMessage } from '../../../agent/api';
import { FakeSink } from '../../helpers/fake-sink';
import {
  closedPortTarget, startHangingTarget, startHttpTarget, startWsBadFrameTarget, startWsDeafTarget, startWsDroppingTarget,
  startWsEchoTarget, type Target,
} from '../../helpers/targets';

const targets: Target[] = [];
const connections: WsConnection[] = [];
after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await Promise.all(targets.map((t) => t.close()));
});

async function track<T extends Target>(target: Promise<T>): Promise<T> {
  const started = await target;
  targets.push(started);
  return started;
}

async function open(url: string, signal = new AbortController().signal) {
  const sink = new FakeSink();
  const env: WsEnv = { sink, signal };
  const conn = await connectWebSocket(url, undefined, env);
  connections.push(conn);
  return { sink, conn };
}

describe('WebSocket against an echo target', async () => {
  const echo = await track(startWsEchoTarget());

  test('connect is recorded as a request with status 101', async () => {
    const { sink, conn } = await open(`${echo.url}/rooms/42/feed?token=x`);
    assert.equal(conn.closed, false);
    assert.equal(sink.requests.length, 1);
    const [{ name, sample }] = sink.requests;
    assert.equal(name, 'ws connect /rooms/:id/feed');
    assert.equal(sample.status, 101);
    assert.equal(sample.errorKind, undefined);
    assert.ok(sample.latencyUs > 0);
    assert.ok(sample.ttfbUs !== undefined && sample.ttfbUs <= sample.latencyUs);
    assert.deepEqual(sink.ws.map((w) => w.event), ['connect']);
  });

  test('send and receive: text, binary, JSON; bytes counted both ways', async () => {
    const { sink, conn } = await open(echo.url);
    await conn.send('hello');
    const text = await conn.receive({ timeout: 2000 });
    assert.equal(text?.data, 'hello');
    assert.equal(text?.binary, false);
    assert.ok(text!.receivedAt > Date.now() - 5000);

    await conn.send(new Uint8Array([1, 2, 3]));
    const bin = await conn.receive({ timeout: 2000 });
    assert.equal(bin?.binary, true);
    assert.deepEqual([...(bin!.data as Buffer)], [1, 2, 3]);

    await conn.send({ type: 'join', room: 'ü' });
    const json = await conn.receive({ timeout: 2000 });
    assert.deepEqual(json?.json(), { type: 'join', room: 'ü' });

    const jsonBytes = Buffer.byteLength(JSON.stringify({ type: 'join', room: 'ü' }));
    assert.deepEqual(sink.wsEvents('messageOut').map((w) => w.bytes), [5, 3, jsonBytes]);
    assert.deepEqual(sink.wsEvents('messageIn').map((w) => w.bytes), [5, 3, jsonBytes]);
  });

  test('receive times out with undefined, and the connection stays usable', async () => {
    const { conn } = await open(echo.url);
    const began = performance.now();
    assert.equal(await conn.receive({ timeout: 100 }), undefined);
    assert.ok(performance.now() - began >= 95);
    await conn.send('still here');
    assert.equal((await conn.receive({ timeout: 2000 }))?.text(), 'still here');
  });

  test('messages are queued while nobody receives, none lost, in order', async () => {
    const { sink, conn } = await open(echo.url);
    await conn.send('!burst 50');
    await sink.waitFor((s) => s.wsEvents('messageIn').length === 50, 2000, '50 messages in');
    const got: string[] = [];
    for (let i = 0; i < 50; i++) got.push((await conn.receive({ timeout: 0 }))!.text());
    assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => `burst ${i + 1}`));
  });

  test('concurrent receivers are served in call order', async () => {
    const { conn } = await open(echo.url);
    const first = conn.receive({ timeout: 2000 });
    const second = conn.receive({ timeout: 2000 });
    await conn.send('a');
    await conn.send('b');
    assert.deepEqual([(await first)?.text(), (await second)?.text()], ['a', 'b']);
  });

  test('async iteration yields until the server closes normally; then receive rejects clearly', async () => {
    const { sink, conn } = await open(echo.url);
    await conn.send('!burst 3');
    await sink.waitFor((s) => s.wsEvents('messageIn').length === 3, 2000, '3 messages');
    await conn.send('!close 1000 bye');
    const seen: string[] = [];
    for await (const message of conn) seen.push(message.text());
    assert.deepEqual(seen, ['burst 1', 'burst 2', 'burst 3']);
    assert.equal(conn.closed, true);
    assert.deepEqual(conn.closeInfo, { code: 1000, reason: 'bye' });
    await assert.rejects(conn.receive(), (error: unknown) =>
      error instanceof WsClosedError && /closed \(1000 bye\)/.test(error.message));
    await assert.rejects(conn.send('late'), WsClosedError);
    assert.equal(sink.errors.length, 0, 'a normal close is not an error');
    assert.equal(sink.wsEvents('close').length, 1);
  });

  test('a close code that signals a failure is recorded as protocol', async () => {
    const { sink, conn } = await open(echo.url);
    const waiting = conn.receive();
    await conn.send('!close 1011 internal error');
    await assert.rejects(waiting, WsClosedError);
    assert.deepEqual(sink.errors.map((e) => e.kind), ['protocol']);
    assert.match(sink.errors[0].message, /1011 internal error/);
  });

  test('close() does the handshake and is idempotent; not recorded as an error', async () => {
    const { sink, conn } = await open(echo.url);
    const began = performance.now();
    await conn.close(1000, 'done');
    assert.ok(performance.now() - began < 1000);
    assert.equal(conn.closed, true);
    assert.equal(conn.closeInfo?.code, 1000);
    await conn.close();
    assert.equal(sink.errors.length, 0);
    assert.equal(sink.wsEvents('close').length, 1);
    await assert.rejects(conn.send('after close'), WsClosedError);
  });

  test('close() with an invalid code rejects and leaves the connection open', async () => {
    const { conn } = await open(echo.url);
    await assert.rejects(conn.close(42), TypeError);
    assert.equal(conn.closed, false);
    await conn.send('ok');
    assert.equal((await conn.receive({ timeout: 2000 }))?.text(), 'ok');
  });

  test('stopping the user terminates the socket and rejects waiting receivers and iterators', async () => {
    const stop = new AbortController();
    const { sink, conn } = await open(echo.url, stop.signal);
    const waiting = conn.receive();
    const iterating = (async () => {
      const seen: WsMessage[] = [];
      for await (const m of conn) seen.push(m);
      return seen;
    })();
    stop.abort();
    await assert.rejects(waiting, UserStoppedError);
    await assert.rejects(iterating, UserStoppedError);
    await assert.rejects(conn.receive(), UserStoppedError);
    await assert.rejects(conn.send('x'), UserStoppedError);
    await conn.close();
    assert.equal(conn.closed, true);
    assert.equal(sink.errors.length, 0, 'stopping a user is not a failure of the target');
  });

  test('bad input', async () => {
    const env = { sink: new FakeSink(), signal: new AbortController().signal };
    await assert.rejects(connectWebSocket('not a url', undefined, env), TypeError);
    await assert.rejects(connectWebSocket(echo.url, { timeout: 0 }, env), /timeout/);
    const { conn } = await open(echo.url);
    await assert.rejects(conn.receive({ timeout: -1 }), /timeout/);
    await assert.rejects(conn.send(undefined as unknown as object), /JSON/);
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(connectWebSocket(echo.url, undefined, { ...env, signal: stopped.signal }), UserStoppedError);
  });
});

describe('WebSocket against misbehaving targets', () => {
  test('abrupt close by the server is recorded as reset and wakes receivers', async () => {
    const target = await track(startWsDroppingTarget(2));
    const { sink, conn } = await open(target.url);
    await conn.send('one');
    assert.equal((await conn.receive({ timeout: 2000 }))?.text(), 'one');
    const waiting = conn.receive();
    await conn.send('two');
    assert.equal((await waiting)?.text(), 'two', 'the echo sent before the drop still arrives');
    const afterDrop = conn.receive();
    await assert.rejects(afterDrop, (error: unknown) => error instanceof WsClosedError && error.closeCode === 1006);
    assert.equal(conn.closed, true);
    assert.deepEqual(sink.errors.map((e) => [e.kind, e.name]), [['reset', 'ws connect /']]);
  });

  test('a bad frame from the server is one protocol error, and receivers are woken', async () => {
    const target = await track(startWsBadFrameTarget());
    const { sink, conn } = await open(target.url.replace('http:', 'ws:'));
    await assert.rejects(conn.receive({ timeout: 2000 }), WsClosedError);
    assert.equal(conn.closed, true);
    assert.deepEqual(sink.errors.map((e) => e.kind), ['protocol']);
    assert.match(sink.errors[0].message, /bad WebSocket frame/);
  });

  test('close() against a peer that never answers the close frame gives up after 2 s', async () => {
    const target = await track(startWsDeafTarget());
    const { sink, conn } = await open(target.url);
    const began = performance.now();
    await conn.close();
    const took = performance.now() - began;
    assert.ok(took >= 1900 && took < 3500, `took ${took} ms`);
    assert.equal(conn.closed, true);
    assert.equal(conn.closeInfo?.code, 1006);
    assert.equal(sink.errors.length, 0, 'we asked for the close: not an error');
  });

  test('refused connect: recorded request + connectFailure, rejects with kind', async () => {
    const target = await track(closedPortTarget());
    const url = target.url.replace('http:', 'ws:');
    const sink = new FakeSink();
    await assert.rejects(connectWebSocket(url, { name: 'ws chat' }, { sink, signal: new AbortController().signal }),
      (error: unknown) => error instanceof WsConnectError && error.kind === 'refused'
        && error.message.startsWith(`ws connect ${url}: refused`));
    assert.deepEqual(sink.requests.map((r) => [r.name, r.sample.errorKind, r.sample.status]), [['ws chat', 'refused', 0]]);
    assert.deepEqual(sink.ws.map((w) => w.event), ['connectFailure']);
  });

  test('handshake answered with HTTP 404 is an http failure with its status', async () => {
    const target = await track(startHttpTarget({ '*': { status: 404 } }));
    const sink = new FakeSink();
    const url = target.url.replace('http:', 'ws:');
    await assert.rejects(connectWebSocket(url, undefined, { sink, signal: new AbortController().signal }),
      (error: unknown) => error instanceof WsConnectError && error.kind === 'http');
    assert.deepEqual(sink.requests.map((r) => [r.sample.errorKind, r.sample.status]), [['http', 404]]);
  });

  test('handshake timeout against a hanging target', async () => {
    const target = await track(startHangingTarget());
    const sink = new FakeSink();
    const began = performance.now();
    await assert.rejects(
      connectWebSocket(target.url.replace('http:', 'ws:'), { timeout: 150 }, { sink, signal: new AbortController().signal }),
      (error: unknown) => error instanceof WsConnectError && error.kind === 'timeout');
    assert.ok(performance.now() - began < 1000);
    assert.equal(sink.requests[0].sample.errorKind, 'timeout');
  });

  test('stopping the user during the handshake rejects with UserStoppedError and records aborted', async () => {
    const target = await track(startHangingTarget());
    const sink = new FakeSink();
    const stop = new AbortController();
    const pending = connectWebSocket(target.url.replace('http:', 'ws:'), undefined, { sink, signal: stop.signal });
    await target.data.waitFor(1, 2000, 'handshake bytes');
    stop.abort();
    await assert.rejects(pending, UserStoppedError);
    assert.deepEqual(sink.errors.map((e) => e.kind), ['aborted']);
    assert.equal(sink.requests.length, 0);
    assert.equal(sink.wsEvents('connectFailure').length, 0);
  });
});
