import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { RookeryError } from '../../../agent/common/errors';
import { CLOSE_GRACE_MS, startTarget, type DemoTarget, type TargetOptions } from '../../../agent/target/server';

const DEADLINE_MS = 3_000;

function withDeadline<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function openWs(url: string): Promise<{ ws: WebSocket; next: () => Promise<any>; closed: Promise<number> }> {
  const ws = new WebSocket(url);
  const messages: any[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()));
    wake?.();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const next = (): Promise<any> =>
    withDeadline(
      new Promise((resolve) => {
        const take = (): void => {
          if (messages.length > 0) resolve(messages.shift());
          else wake = take;
        };
        take();
      }),
      `a message on ${url}`,
    );
  return withDeadline(
    new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws, next, closed }));
      ws.once('error', reject);
    }),
    `${url} to open`,
  );
}

async function expectUsageError(options: TargetOptions, where: string[]): Promise<RookeryError> {
  try {
    const target = await startTarget(options);
    await target.close();
  } catch (error) {
    assert.ok(error instanceof RookeryError, String(error));
    assert.equal(error.code, 'ROOKERY_USAGE');
    assert.deepEqual(
      error.problems.map((p) => p.where),
      where,
    );
    return error;
  }
  assert.fail(`expected ${JSON.stringify(options)} to be refused`);
}

describe('startTarget', () => {
  const started: DemoTarget[] = [];
  after(async () => {
    await Promise.all(started.map((t) => t.close()));
  });
  async function start(options?: TargetOptions): Promise<DemoTarget> {
    const target = await startTarget(options);
    started.push(target);
    return target;
  }

  test('listens on 127.0.0.1 at a free port and serves HTTP and WebSocket on it', async () => {
    const t = await start();
    assert.equal(t.host, '127.0.0.1');
    assert.ok(t.port > 0);
    assert.equal(t.url, `http://127.0.0.1:${t.port}`);
    assert.equal(t.wsUrl, `ws://127.0.0.1:${t.port}/ws`);

    const root = await fetch(t.url, { signal: AbortSignal.timeout(DEADLINE_MS) });
    assert.equal(root.status, 200);
    assert.equal(((await root.json()) as { name: string }).name, 'rookery demo target');

    const a = await openWs(`${t.wsUrl}/a`);
    const b = await openWs(`${t.wsUrl}/b`);
    a.ws.send(JSON.stringify({ to: 'b', hello: true }));
    assert.deepEqual(await b.next(), { to: 'b', hello: true, from: 'a' });

    const stats = t.stats();
    assert.equal(stats.http.requests.root, 1);
    assert.equal(stats.ws.connected, 2);
    assert.equal(stats.ws.routed, 1);
    a.ws.close();
    b.ws.close();
  });

  test('passes latency and errorRate on to the API', async () => {
    const failing = await start({ errorRate: 1 });
    assert.equal((await fetch(`${failing.url}/items/1`, { signal: AbortSignal.timeout(DEADLINE_MS) })).status, 500);
    assert.equal((await fetch(`${failing.url}/health`, { signal: AbortSignal.timeout(DEADLINE_MS) })).status, 200);
    assert.equal(failing.stats().http.injectedFailures, 1);

    const slow = await start({ latency: [50, 60] });
    const begin = performance.now();
    assert.equal((await fetch(slow.url, { signal: AbortSignal.timeout(DEADLINE_MS) })).status, 200);
    const took = performance.now() - begin;
    assert.ok(took >= 49, `took ${took.toFixed(1)} ms`);
  });

  test('refuses invalid options with one ROOKERY_USAGE error naming each', async () => {
    await expectUsageError({ port: -1 }, ['port']);
    await expectUsageError({ host: '', port: 1.5, latency: [9, 3], errorRate: 1.5 }, ['host', 'port', 'latency', 'errorRate']);
  });

  test('explains a port that is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const error = await startTarget({ port }).then(
        (t) => t.close().then(() => assert.fail('expected EADDRINUSE')),
        (e: unknown) => e,
      );
      assert.ok(error instanceof RookeryError);
      assert.equal(error.code, 'ROOKERY_USAGE');
      assert.equal(error.where, '--port');
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.match(error.hint ?? '', /--port/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  test('an unspecified listening address gets a connectable URL', async () => {
    const t = await start({ host: '0.0.0.0' });
    assert.equal(t.host, '0.0.0.0');
    assert.equal(t.url, `http://127.0.0.1:${t.port}`);
    assert.equal((await fetch(`${t.url}/health`, { signal: AbortSignal.timeout(DEADLINE_MS) })).status, 200);
  });
});

describe('DemoTarget.close', () => {
  test('finishes promptly with WebSocket clients, a delayed request and an idle keep-alive connection open', async () => {
    const t = await startTarget();
    const users = await Promise.all(['u1', 'u2', 'u3'].map((id) => openWs(`${t.wsUrl}/${id}`)));
    const livebook = await openWs(t.wsUrl);
    livebook.ws.send(JSON.stringify({ connect: 'u4' }));
    assert.deepEqual(await livebook.next(), { connected: 'u4' });
    // Two concurrent requests make the client pool open two connections: one stays idle, the other then carries a
    // request held by a 10 s injected delay.
    const warm = await Promise.all([1, 2].map(() => fetch(t.url, { signal: AbortSignal.timeout(DEADLINE_MS) }).then((r) => r.text())));
    assert.equal(warm.length, 2);
    const pending = fetch(`${t.url}/?latency=10000`, { signal: AbortSignal.timeout(DEADLINE_MS) }).then(
      (res) => res.status,
      (error: unknown) => error,
    );
    // Until the server has counted it, the request may not have reached it yet.
    const arrived = performance.now() + DEADLINE_MS;
    while (t.stats().http.requests.root < 3) {
      assert.ok(performance.now() < arrived, 'the delayed request never arrived');
      await new Promise((resolve) => setImmediate(resolve));
    }

    const begin = performance.now();
    const closing = t.close();
    assert.equal(t.close(), closing, 'close() is idempotent');
    await withDeadline(closing, 'close()');
    const took = performance.now() - begin;
    assert.ok(took < CLOSE_GRACE_MS + 1_000, `close took ${took.toFixed(0)} ms`);

    for (const user of [...users, livebook]) assert.equal(await withDeadline(user.closed, 'a user to be closed'), 1001);
    assert.ok((await pending) instanceof Error, 'the delayed request was cut, not answered');
    const refused = await fetch(t.url, { signal: AbortSignal.timeout(DEADLINE_MS) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(refused instanceof Error, 'nothing listens after close');
    assert.equal(t.stats().ws.connected, 0);
  });
});
