import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { createTimedConnector, takeConnectTiming, type ConnectTiming } from '../../../agent/protocols/http-connect';
import { closedPortTarget, startHttpTarget, startHttpsTarget, TEST_CERT, type Target } from '../../helpers/targets';

const targets: Target[] = [];
const sockets: Socket[] = [];
after(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(targets.map((t) => t.close()));
});

interface Outcome {
  error: Error | null;
  /** What the request that rides the new connection would take, inside the callback. */
  during: ConnectTiming | undefined;
  /** What is left for anyone asking after the callback returned. */
  afterwards: ConnectTiming | undefined;
}

function connectOnce(connector: ReturnType<typeof createTimedConnector>, url: string): Promise<Outcome> {
  const { protocol, hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let during: ConnectTiming | undefined;
    connector({ protocol, hostname, port }, (error, socket) => {
      if (socket) sockets.push(socket);
      during = takeConnectTiming();
      setImmediate(() => resolve({ error, during, afterwards: takeConnectTiming() }));
    });
  });
}

describe('createTimedConnector', () => {
  test('plain TCP: connect time handed over during the callback only, no TLS time', async () => {
    const target = await startHttpTarget();
    targets.push(target);
    const outcome = await connectOnce(createTimedConnector({ timeout: 2000 }), target.url);
    assert.equal(outcome.error, null);
    assert.ok(outcome.during !== undefined && outcome.during.connectUs >= 0 && outcome.during.connectUs < 2_000_000);
    assert.equal(outcome.during.tlsUs, undefined);
    assert.equal(outcome.afterwards, undefined);
  });

  test('a second take inside the same callback gets nothing: one timing, one request', async () => {
    const target = await startHttpTarget();
    targets.push(target);
    const connector = createTimedConnector({ timeout: 2000 });
    const { protocol, hostname, port } = new URL(target.url);
    const takes = await new Promise<(ConnectTiming | undefined)[]>((resolve) => {
      connector({ protocol, hostname, port }, (_error, socket) => {
        if (socket) sockets.push(socket);
        resolve([takeConnectTiming(), takeConnectTiming()]);
      });
    });
    assert.notEqual(takes[0], undefined);
    assert.equal(takes[1], undefined);
  });

  test('TLS: TCP connect and handshake measured separately', async () => {
    const target = await startHttpsTarget();
    targets.push(target);
    const outcome = await connectOnce(createTimedConnector({ timeout: 2000, ca: TEST_CERT }), target.url);
    assert.equal(outcome.error, null);
    assert.ok(outcome.during !== undefined);
    assert.ok(outcome.during.connectUs >= 0);
    assert.ok(outcome.during.tlsUs !== undefined && outcome.during.tlsUs > 0, 'a handshake takes some time');
  });

  test('an untrusted certificate fails the connect with a TLS error and no timing', async () => {
    const target = await startHttpsTarget();
    targets.push(target);
    const outcome = await connectOnce(createTimedConnector({ timeout: 2000 }), target.url);
    assert.ok(outcome.error !== null);
    assert.match(String((outcome.error as { code?: string }).code), /SELF_SIGNED|CERT/);
    assert.equal(outcome.during, undefined);
  });

  test('refused: error, no timing', async () => {
    const target = await closedPortTarget();
    const outcome = await connectOnce(createTimedConnector({ timeout: 2000 }), target.url);
    assert.equal((outcome.error as { code?: string } | null)?.code, 'ECONNREFUSED');
    assert.equal(outcome.during, undefined);
  });
});
