import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient, SharedPools, type HttpEnv } from '../../../agent/protocols/http';
import { UserStoppedError } from '../../../agent/common/errors';
import type { HttpClient, HttpClientOptions } from '../../../agent/api';
import { FakeSink } from '../../helpers/fake-sink';
import {
  closedPortTarget, startFixedResponseTarget, startGarbageTarget, startHangingTarget, startHttpTarget,
  startHttpsTarget, startResetTarget, type HttpTarget, type Target,
} from '../../helpers/targets';

const targets: Target[] = [];
const clients: HttpClient[] = [];
const pools: SharedPools[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all(targets.map((t) => t.close()));
});

async function track<T extends Target>(target: Promise<T>): Promise<T> {
  const started = await target;
  targets.push(started);
  return started;
}

function setup(baseUrl: string, options?: HttpClientOptions, signal = new AbortController().signal) {
  const sink = new FakeSink();
  const pool = new SharedPools();
  pools.push(pool);
  const env: HttpEnv = { sink, signal, pools: pool };
  const client = createHttpClient(baseUrl, options, env);
  clients.push(client);
  return { sink, client, env };
}

let ok: HttpTarget;

describe('http client against an OK target', async () => {
  ok = await track(startHttpTarget({
    '/created': { status: 201, body: 'made' },
    '/moved': { status: 302, headers: { location: '/elsewhere' } },
    '/missing': { status: 404, body: 'nope' },
    '/down': { status: 503, body: 'try later' },
    '/echo': { echo: true },
    '/slow': { delayMs: 1000 },
    '/reset': { reset: true },
  }));

  test('2xx and 3xx are ok, 4xx and 5xx are failures of kind http; nothing throws', async () => {
    const { sink, client } = setup(ok.url);
    const created = await client.get('/created');
    assert.equal(created.status, 201);
    assert.equal(created.ok, true);
    assert.equal(created.text(), 'made');
    assert.equal(created.error, undefined);
    const moved = await client.get('/moved');
    assert.equal(moved.status, 302, 'redirects are returned, not followed');
    assert.equal(moved.ok, true);
    assert.equal(moved.headers.location, '/elsewhere');
    const missing = await client.get('/missing');
    assert.equal(missing.status, 404);
    assert.equal(missing.ok, false);
    assert.deepEqual(missing.error, { kind: 'http', message: 'HTTP 404 Not Found' });
    assert.equal(missing.text(), 'nope', 'the body of a failed status is still readable');
    const down = await client.get('/down');
    assert.deepEqual(down.error, { kind: 'http', message: 'HTTP 503 Service Unavailable' });

    assert.deepEqual(sink.requests.map((r) => [r.name, r.sample.status, r.sample.errorKind]), [
      ['GET /created', 201, undefined],
      ['GET /moved', 302, undefined],
      ['GET /missing', 404, 'http'],
      ['GET /down', 503, 'http'],
    ]);
    assert.equal(sink.requests[3].sample.errorMessage, 'HTTP 503 Service Unavailable');
    assert.ok(down.durationMs > 0 && down.durationMs < 1000);
  });

  test('accept: client list, per-request predicate override', async () => {
    const { sink, client } = setup(ok.url, { accept: [200, 404] });
    assert.equal((await client.get('/missing')).ok, true);
    assert.equal((await client.get('/created')).ok, false, '201 is not in the list');
    const down = await client.get('/down', { accept: (s) => s >= 500 });
    assert.equal(down.ok, true);
    assert.equal(down.error, undefined);
    assert.deepEqual(sink.requests.map((r) => r.sample.errorKind), [undefined, 'http', undefined]);
  });

  test('a throwing accept predicate is a scenario bug: the call rejects', async () => {
    const { client } = setup(ok.url);
    await assert.rejects(client.get('/', { accept: () => { throw new Error('bad predicate'); } }), /bad predicate/);
  });

  test('JSON body round trip, headers merged case-insensitively, bytes out counted', async () => {
    const { sink, client } = setup(ok.url, { headers: { 'X-Client': 'c', 'X-Both': 'client' } });
    const payload = { name: 'widget', tags: ['a', 'ü'], n: 3 };
    const response = await client.post('/echo', { json: payload, headers: { 'x-both': 'request', 'X-Req': 'r' } });
    assert.equal(response.status, 200);
    const echoed = response.json<{ method: string; headers: Record<string, string>; body: string }>();
    assert.equal(echoed.method, 'POST');
    assert.deepEqual(JSON.parse(echoed.body), payload);
    assert.equal(echoed.headers['content-type'], 'application/json');
    assert.equal(echoed.headers['x-client'], 'c');
    assert.equal(echoed.headers['x-both'], 'request');
    assert.equal(echoed.headers['x-req'], 'r');
    assert.equal(sink.requests[0].sample.bytesOut, Buffer.byteLength(JSON.stringify(payload)));
    assert.equal(response.headers['content-type'], 'application/json');
  });

  test('an explicit content-type wins over the JSON default', async () => {
    const { client } = setup(ok.url);
    const response = await client.put('/echo', { json: [1], headers: { 'Content-Type': 'application/vnd.api+json' } });
    assert.equal(response.json<{ headers: Record<string, string> }>().headers['content-type'], 'application/vnd.api+json');
  });

  test('string and binary bodies, every method', async () => {
    const { sink, client } = setup(ok.url);
    const text = await client.patch('/echo', { body: 'héllo' });
    assert.equal(text.json<{ body: string; method: string }>().body, 'héllo');
    const bin = await client.request({ method: 'POST', path: '/echo', body: new Uint8Array([104, 105]) });
    assert.equal(bin.json<{ body: string }>().body, 'hi');
    assert.deepEqual(sink.requests.map((r) => r.sample.bytesOut), [6, 2]);
    for (const method of ['get', 'delete', 'put', 'post', 'patch'] as const) {
      const response = await client[method]('/echo');
      assert.equal(response.json<{ method: string }>().method, method.toUpperCase());
    }
    const head = await client.head('/created');
    assert.equal(head.status, 201);
    assert.equal(head.body.length, 0);
    assert.equal((await client.request({ path: '/echo' })).json<{ method: string }>().method, 'GET');
  });

  test('request names: default collapses ids, `name` overrides; base path is prefixed', async () => {
    const { sink, client } = setup(`${ok.url}/api/`);
    const response = await client.get('/echo/../echo?x=1', { name: 'custom' });
    assert.equal(response.status, 200);
    await client.get('/items/123?full=1');
    await client.get('items/456');
    assert.deepEqual(sink.requests.map((r) => r.name), ['custom', 'GET /items/:id', 'GET /items/:id']);
    assert.deepEqual(ok.received.slice(-2).map((r) => r.url), ['/api/items/123?full=1', '/api/items/456']);
  });

  test('connect time on the first request only; ttfb on every request', async () => {
    const { sink, client } = setup(ok.url);
    const before = ok.connections.value;
    for (let i = 0; i < 3; i++) assert.equal((await client.get('/created')).status, 201);
    assert.equal(ok.connections.value - before, 1, 'one keep-alive connection');
    const [first, second, third] = sink.requests.map((r) => r.sample);
    assert.ok(typeof first.connectUs === 'number' && first.connectUs >= 0);
    assert.equal(first.tlsUs, undefined, 'plain HTTP has no TLS phase');
    assert.equal(second.connectUs, undefined);
    assert.equal(third.connectUs, undefined);
    for (const sample of [first, second, third]) {
      assert.ok(typeof sample.ttfbUs === 'number' && sample.ttfbUs > 0 && sample.ttfbUs <= sample.latencyUs);
      assert.ok(first.connectUs! <= first.latencyUs);
    }
  });

  test('timeout on a slow route: recorded as timeout, returned quickly, and the client still works', async () => {
    const { sink, client } = setup(ok.url, { timeout: 150 });
    const began = performance.now();
    const slow = await client.get('/slow');
    const took = performance.now() - began;
    assert.equal(slow.status, 0);
    assert.equal(slow.ok, false);
    assert.equal(slow.error?.kind, 'timeout');
    assert.ok(took >= 140 && took < 900, `took ${took} ms`);
    const next = await client.get('/created', { timeout: 2000 });
    assert.equal(next.status, 201);
    assert.deepEqual(sink.requests.map((r) => r.sample.errorKind), ['timeout', undefined]);
    assert.equal(sink.requests[0].sample.errorMessage, 'request timed out after 150 ms');
  });

  test('per-user client reconnects after a reset', async () => {
    const { sink, client } = setup(ok.url);
    const before = ok.connections.value;
    const reset = await client.get('/reset');
    assert.equal(reset.status, 0);
    assert.equal(reset.error?.kind, 'reset');
    const next = await client.get('/created');
    assert.equal(next.status, 201);
    assert.equal(ok.connections.value - before, 2);
    assert.equal(sink.requests[1].sample.connectUs !== undefined, true, 'the reconnect is timed');
  });

  test('shared pool: users share few connections, each new connection timed exactly once', async () => {
    const sink = new FakeSink();
    const pool = new SharedPools();
    pools.push(pool);
    const signal = new AbortController().signal;
    const before = ok.connections.value;
    const users = Array.from({ length: 6 }, () =>
      createHttpClient(ok.url, { shared: true, connections: 2 }, { sink, signal, pools: pool }));
    clients.push(...users);
    await Promise.all(users.map(async (user) => {
      for (let i = 0; i < 3; i++) assert.equal((await user.get('/created')).status, 201);
    }));
    const opened = ok.connections.value - before;
    assert.ok(opened >= 1 && opened <= 2, `opened ${opened}`);
    assert.equal(pool.size, 1);
    assert.equal(sink.requests.length, 18);
    assert.equal(sink.requests.filter((r) => r.sample.connectUs !== undefined).length, opened);
    await users[0].close();
    assert.equal((await users[1].get('/created')).status, 201, "closing one user's client leaves the pool open");
  });

  test('per-user clients each open their own connection', async () => {
    const sink = new FakeSink();
    const pool = new SharedPools();
    pools.push(pool);
    const signal = new AbortController().signal;
    const before = ok.connections.value;
    const users = Array.from({ length: 3 }, () => createHttpClient(ok.url, undefined, { sink, signal, pools: pool }));
    clients.push(...users);
    await Promise.all(users.map((user) => user.get('/created')));
    assert.equal(ok.connections.value - before, 3);
    assert.equal(pool.size, 0);
  });

  test('bad input throws: base URL, options, json with body, header values, closed client', async () => {
    const env = { sink: new FakeSink(), signal: new AbortController().signal, pools: new SharedPools() };
    assert.throws(() => createHttpClient('not a url', undefined, env), TypeError);
    assert.throws(() => createHttpClient('ftp://127.0.0.1/', undefined, env), /http: or https:/);
    assert.throws(() => createHttpClient(ok.url, { timeout: -1 }, env), /timeout/);
    assert.throws(() => createHttpClient(ok.url, { shared: true, connections: 0 }, env), /connections/);
    const { client, sink } = setup(ok.url);
    await assert.rejects(client.post('/echo', { json: {}, body: 'x' }), /either json or body/);
    await assert.rejects(client.get('/', { timeout: Number.NaN }), /timeout/);
    await assert.rejects(client.get('/', { headers: { 'x-bad': 'a\r\nb' } }), TypeError);
    assert.equal(sink.requests.length, 0, 'scenario bugs are not counted as target failures');
    await client.close();
    await assert.rejects(client.get('/'), /closed/);
  });
});

describe('http client against misbehaving targets', () => {
  test('refused', async () => {
    const target = await track(closedPortTarget());
    const { sink, client } = setup(target.url);
    const response = await client.get('/x');
    assert.equal(response.status, 0);
    assert.equal(response.ok, false);
    assert.equal(response.error?.kind, 'refused');
    assert.match(response.error!.message, /connection refused/);
    assert.equal(sink.requests[0].sample.errorKind, 'refused');
    assert.equal(sink.requests[0].sample.connectUs, undefined);
  });

  test('hanging target with a 200 ms timeout', async () => {
    const target = await track(startHangingTarget());
    const { sink, client } = setup(target.url, { timeout: 200 });
    const began = performance.now();
    const response = await client.get('/never');
    const took = performance.now() - began;
    assert.equal(response.error?.kind, 'timeout');
    assert.equal(response.status, 0);
    assert.ok(took >= 190 && took < 1000, `took ${took} ms`);
    assert.equal(sink.requests.length, 1);
    assert.equal(sink.requests[0].sample.errorKind, 'timeout');
    assert.ok(sink.requests[0].sample.latencyUs >= 190_000);
  });

  test('an untrusted certificate is a tls failure', async () => {
    const target = await track(startHttpsTarget());
    const { sink, client } = setup(target.url);
    const response = await client.get('/');
    assert.equal(response.status, 0);
    assert.equal(response.error?.kind, 'tls');
    assert.equal(sink.requests[0].sample.errorKind, 'tls');
    assert.equal(target.requests.value, 0);
  });

  test('reset mid-response', async () => {
    const target = await track(startResetTarget());
    const { sink, client } = setup(target.url);
    const response = await client.get('/');
    assert.equal(response.error?.kind, 'reset');
    assert.equal(response.status, 0);
    assert.equal(sink.requests[0].sample.errorKind, 'reset');
  });

  test('garbage instead of HTTP is a protocol error', async () => {
    const target = await track(startGarbageTarget());
    const { sink, client } = setup(target.url);
    const response = await client.get('/');
    assert.equal(response.error?.kind, 'protocol');
    assert.equal(sink.requests[0].sample.errorKind, 'protocol');
    assert.match(sink.requests[0].sample.errorMessage ?? '', /malformed HTTP response/);
  });

  test('bytes in = exact response head + body for a canonical response', async () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Thing: a b c\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello';
    const target = await track(startFixedResponseTarget(raw));
    const { sink, client } = setup(target.url);
    const response = await client.get('/');
    assert.equal(response.text(), 'hello');
    assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(sink.requests[0].sample.bytesIn, Buffer.byteLength(raw));
  });

  test('stopping the user mid-request throws UserStoppedError at once and records aborted', async () => {
    const target = await track(startHangingTarget());
    const stop = new AbortController();
    const { sink, client } = setup(target.url, undefined, stop.signal);
    const pending = client.get('/forever');
    await target.data.waitFor(1, 2000, 'request bytes');
    const began = performance.now();
    stop.abort();
    await assert.rejects(pending, (error: unknown) => error instanceof UserStoppedError);
    assert.ok(performance.now() - began < 250, 'the abort is immediate, not a timeout');
    assert.equal(sink.requests.length, 0, 'an aborted request is not a finished request');
    assert.deepEqual(sink.errors.map((e) => [e.kind, e.name]), [['aborted', 'GET /forever']]);
    const began2 = performance.now();
    await assert.rejects(client.get('/after'), UserStoppedError);
    assert.ok(performance.now() - began2 < 100, 'a request after the stop throws at once');
    assert.equal(sink.errors.length, 1);
  });

  test('stopping the user while the request waits for its connection', async () => {
    const target = await track(startHangingTarget());
    const stop = new AbortController();
    const { sink, client } = setup(target.url, undefined, stop.signal);
    const first = client.get('/one');
    const queued = client.get('/two'); // pipelining 1: waits behind the first
    await target.data.waitFor(1, 2000, 'request bytes');
    stop.abort();
    await assert.rejects(first, UserStoppedError);
    await assert.rejects(queued, UserStoppedError);
    assert.equal(sink.errors.filter((e) => e.kind === 'aborted').length, 2);
  });
});
