import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { CLOSE_DUPLICATE_ID, CLOSE_GOING_AWAY, MAX_ID_LENGTH, MAX_MESSAGE_BYTES, WsRouter } from '../../../agent/target/ws-router';

const DEADLINE_MS = 3_000;

/** A connected client that queues what it receives, so a test can await "the next message" with a deadline. */
interface Client {
  ws: WebSocket;
  next(): Promise<any>;
  send(value: unknown): void;
  closed: Promise<number>;
}

function withDeadline<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function open(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  const queue: unknown[] = [];
  const waiters: Array<(value: unknown) => void> = [];
  ws.on('message', (data) => {
    const value = JSON.parse(data.toString());
    const waiter = waiters.shift();
    if (waiter) waiter(value);
    else queue.push(value);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const client: Client = {
    ws,
    next: () => withDeadline(queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve)), `a message on ${url}`),
    send: (value) => ws.send(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value)),
    closed,
  };
  return withDeadline(
    new Promise<Client>((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    }),
    `${url} to open`,
  );
}

/** The HTTP status of a refused handshake. */
function refusedStatus(url: string): Promise<number> {
  return withDeadline(
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => reject(new Error(`${url} opened; expected a refusal`)));
      ws.on('error', () => {});
    }),
    `${url} to be refused`,
  );
}

/** Waits for the router's counters to reach a state (the server sees a close a moment after the client). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const end = performance.now() + DEADLINE_MS;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Running {
  router: WsRouter;
  server: Server;
  base: string;
  clients: Client[];
  open(path: string): Promise<Client>;
  stop(): Promise<void>;
}

async function startRouter(): Promise<Running> {
  const router = new WsRouter();
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', router.handleUpgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: Client[] = [];
  return {
    router,
    server,
    base,
    clients,
    async open(path) {
      const client = await open(base + path);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const c of clients) c.ws.terminate();
      await router.close(100);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

describe('WsRouter messaging', () => {
  let t: Running;
  before(async () => {
    t = await startRouter();
  });
  after(() => t.stop());

  test('routes messages both ways with from set by the server', async () => {
    const alice = await t.open('/ws/alice');
    const bob = await t.open('/ws/bob');
    alice.send({ to: 'bob', body: 'hello', n: 1 });
    assert.deepEqual(await bob.next(), { to: 'bob', body: 'hello', n: 1, from: 'alice' });
    bob.send({ to: 'alice', body: 'hi back', nested: { ok: [1, 2] } });
    assert.deepEqual(await alice.next(), { to: 'alice', body: 'hi back', nested: { ok: [1, 2] }, from: 'bob' });
    alice.ws.close();
    bob.ws.close();
    await Promise.all([alice.closed, bob.closed]);
  });

  test('a spoofed from is overwritten with the real sender', async () => {
    const mallory = await t.open('/ws/mallory');
    const victim = await t.open('/ws/victim');
    mallory.send({ to: 'victim', from: 'victim', text: 'trust me' });
    assert.deepEqual(await victim.next(), { to: 'victim', from: 'mallory', text: 'trust me' });
    mallory.ws.close();
    victim.ws.close();
  });

  test('numeric ids: ?id=N and a numeric to name the same user', async () => {
    const seven = await t.open('/ws?id=7');
    const eight = await t.open('/ws/8');
    eight.send({ to: 7, kind: 'ping' });
    assert.deepEqual(await seven.next(), { to: '7', kind: 'ping', from: '8' });
    seven.send(Buffer.from(JSON.stringify({ to: '8', kind: 'binary frame' })));
    assert.deepEqual(await eight.next(), { to: '8', kind: 'binary frame', from: '7' });
    seven.ws.close();
    eight.ws.close();
  });

  test('a message to an id that is not connected is dropped silently and counted', async () => {
    const sender = await t.open('/ws/lonely');
    const before = t.router.stats();
    sender.send({ to: 'nobody', text: 'anyone?' });
    sender.send({ to: 'lonely', text: 'note to self' });
    // Replies are sent in order: if the first message had produced one, it would arrive before this.
    assert.deepEqual(await sender.next(), { to: 'lonely', text: 'note to self', from: 'lonely' });
    const after = t.router.stats();
    assert.equal(after.undeliverable, before.undeliverable + 1);
    assert.equal(after.routed, before.routed + 1);
    sender.ws.close();
  });

  test('invalid JSON and messages without a usable to get an error reply and keep the connection', async () => {
    const a = await t.open('/ws/a-invalid');
    const b = await t.open('/ws/b-invalid');
    const before = t.router.stats().invalid;
    a.send('{not json');
    assert.deepEqual(await a.next(), { type: 'error', reason: 'invalid_json', message: 'the message is not valid JSON' });
    for (const bad of [{ text: 'no recipient' }, { to: '' }, { to: null }, { to: 1.5 }, { to: 'x'.repeat(MAX_ID_LENGTH + 1) }, [1, 2], 'just a string', 42]) {
      a.send(JSON.stringify(bad));
      const reply = await a.next();
      assert.equal(reply.type, 'error', JSON.stringify(bad));
      assert.equal(reply.reason, 'invalid_message', JSON.stringify(bad));
    }
    assert.equal(t.router.stats().invalid, before + 9);
    a.send({ to: 'b-invalid', still: 'open' });
    assert.deepEqual(await b.next(), { to: 'b-invalid', still: 'open', from: 'a-invalid' });
    assert.equal(a.ws.readyState, WebSocket.OPEN);
    a.ws.close();
    b.ws.close();
  });

  test('a second connection with a connected id is refused with HTTP 409; the first is untouched', async () => {
    const first = await t.open('/ws/taken');
    const peer = await t.open('/ws/peer-of-taken');
    const rejected = t.router.stats().rejected;
    assert.equal(await refusedStatus(`${t.base}/ws/taken`), 409);
    assert.equal(await refusedStatus(`${t.base}/ws?id=taken`), 409);
    assert.equal(t.router.stats().rejected, rejected + 2);
    peer.send({ to: 'taken', after: 'duplicate' });
    assert.deepEqual(await first.next(), { to: 'taken', after: 'duplicate', from: 'peer-of-taken' });
    first.ws.close();
    peer.ws.close();
  });

  test('an id is free again once its connection closes', async () => {
    // Its own router, so the user count is exactly ours while we wait for the server to see the close.
    const own = await startRouter();
    try {
      const first = await own.open('/ws/reused');
      first.ws.close();
      await first.closed;
      await until(() => own.router.stats().connected === 0, 'the server to free "reused"');
      const again = await own.open('/ws/reused');
      const other = await own.open('/ws/other');
      other.send({ to: 'reused', round: 2 });
      assert.deepEqual(await again.next(), { to: 'reused', round: 2, from: 'other' });
    } finally {
      await own.stop();
    }
  });

  test('malformed ids and other paths are refused in the handshake', async () => {
    const rejected = t.router.stats().rejected;
    assert.equal(await refusedStatus(`${t.base}/ws/${'x'.repeat(MAX_ID_LENGTH + 1)}`), 400);
    assert.equal(await refusedStatus(`${t.base}/ws?id=`), 400);
    assert.equal(await refusedStatus(`${t.base}/ws/%E0%A4%A`), 400);
    assert.equal(t.router.stats().rejected, rejected + 3);
    assert.equal(await refusedStatus(`${t.base}/ws/a/b`), 404);
    assert.equal(await refusedStatus(`${t.base}/chat`), 404);
    // A percent-encoded id is decoded: "a b" is addressable as such.
    const spaced = await t.open('/ws/a%20b');
    const sender = await t.open('/ws/sender-of-spaces');
    sender.send({ to: 'a b' });
    assert.deepEqual(await spaced.next(), { to: 'a b', from: 'sender-of-spaces' });
    spaced.ws.close();
    sender.ws.close();
  });

  test('a frame over the size limit closes that connection with 1009', async () => {
    const big = await t.open('/ws/big-sender');
    big.send(JSON.stringify({ to: 'x', pad: 'y'.repeat(MAX_MESSAGE_BYTES) }));
    assert.equal(await withDeadline(big.closed, 'the oversized sender to be closed'), 1009);
  });
});

describe('WsRouter livebook connect flow', () => {
  let t: Running;
  before(async () => {
    t = await startRouter();
  });
  after(() => t.stop());

  test('{"connect": id} on /ws claims the id and is acknowledged', async () => {
    const a = await t.open('/ws');
    assert.equal(t.router.stats().pending, 1);
    a.send({ connect: 'lb-a' });
    assert.deepEqual(await a.next(), { connected: 'lb-a' });
    assert.deepEqual({ pending: t.router.stats().pending, connected: t.router.stats().connected }, { pending: 0, connected: 1 });
    const b = await t.open('/ws/lb-b');
    b.send({ to: 'lb-a', from: 'lb-a', text: 'hello' });
    assert.deepEqual(await a.next(), { to: 'lb-a', from: 'lb-b', text: 'hello' });
    a.send({ to: 'lb-b', text: 'back' });
    assert.deepEqual(await b.next(), { to: 'lb-b', text: 'back', from: 'lb-a' });
    a.ws.close();
    b.ws.close();
  });

  test('anything before connect gets connect_first; the connection stays usable', async () => {
    const c = await t.open('/ws/');
    c.send({ to: 'someone', text: 'too early' });
    assert.equal((await c.next()).reason, 'connect_first');
    c.send('garbage');
    assert.equal((await c.next()).reason, 'invalid_json');
    c.send({ connect: 123 });
    assert.deepEqual(await c.next(), { connected: '123' });
    c.ws.close();
  });

  test('connecting with a taken id answers {"rejected": "duplicate"} and closes with 4409', async () => {
    const holder = await t.open('/ws/lb-holder');
    const rejected = t.router.stats().rejected;
    const late = await t.open('/ws');
    late.send({ connect: 'lb-holder' });
    assert.deepEqual(await late.next(), { rejected: 'duplicate' });
    assert.equal(await withDeadline(late.closed, 'the duplicate to be closed'), CLOSE_DUPLICATE_ID);
    assert.equal(t.router.stats().rejected, rejected + 1);
    await until(() => t.router.stats().pending === 0, 'the rejected connection to be forgotten');
    const peer = await t.open('/ws/lb-peer');
    peer.send({ to: 'lb-holder', still: 'here' });
    assert.deepEqual(await holder.next(), { to: 'lb-holder', still: 'here', from: 'lb-peer' });
    holder.ws.close();
    peer.ws.close();
  });
});

/** A client that completes the handshake, then never reads or answers anything: only a terminate can end it. */
function deafClient(port: number): Promise<Socket> {
  return withDeadline(
    new Promise<Socket>((resolve, reject) => {
      const socket = netConnect(port, '127.0.0.1', () => {
        socket.write(
          'GET /ws/deaf HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      socket.once('data', (chunk) => {
        if (chunk.toString().startsWith('HTTP/1.1 101')) resolve(socket);
        else reject(new Error(`handshake failed: ${chunk.toString()}`));
      });
      socket.on('error', () => {});
    }),
    'the deaf client to connect',
  );
}

describe('WsRouter close', () => {
  test('closes every client with 1001, cuts those that do not answer, refuses new ones', async () => {
    const t = await startRouter();
    try {
      const a = await t.open('/ws/close-a');
      const b = await t.open('/ws');
      const deaf = await deafClient((t.server.address() as AddressInfo).port);
      const deafGone = new Promise<void>((resolve) => deaf.once('close', () => resolve()));
      deaf.on('data', () => {}); // reads the close frame, never answers it
      await until(() => t.router.stats().connected === 2, 'the deaf client to register');
      const start = performance.now();
      await withDeadline(t.router.close(150), 'close() to finish');
      const took = performance.now() - start;
      assert.ok(took < 1_000, `close took ${took.toFixed(0)} ms`);
      assert.equal(await withDeadline(a.closed, 'a to close'), CLOSE_GOING_AWAY);
      assert.equal(await withDeadline(b.closed, 'b to close'), CLOSE_GOING_AWAY);
      await withDeadline(deafGone, 'the deaf socket to be cut');
      assert.equal(t.router.stats().connected, 0);
      assert.equal(t.router.stats().pending, 0);
      assert.equal(await refusedStatus(`${t.base}/ws/late`), 503);
      // Idempotent: a second close resolves at once.
      await withDeadline(t.router.close(), 'a second close()', 100);
    } finally {
      await t.stop();
    }
  });
});
