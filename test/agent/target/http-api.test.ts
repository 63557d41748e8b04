import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RookeryError } from '../../../agent/common/errors';
import { HttpApi, MAX_BODY_BYTES, type HttpApiOptions } from '../../../agent/target/http-api';
import { CATALOGUE_SIZE } from '../../../agent/target/items';

interface Running {
  api: HttpApi;
  base: string;
  server: Server;
  close(): Promise<void>;
}

async function startApi(options?: HttpApiOptions): Promise<Running> {
  const api = new HttpApi(options);
  const server = createServer(api.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    api,
    base,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  ms: number;
}

async function call(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const start = performance.now();
  const res = await fetch(base + path, { ...init, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  const ms = performance.now() - start;
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, ms };
}

function post(base: string, path: string, body: string): Promise<Answer> {
  return call(base, path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

describe('HttpApi routes', () => {
  let t: Running;
  before(async () => {
    t = await startApi();
  });
  after(() => t.close());

  test('GET / describes the target as JSON over a kept-alive connection', async () => {
    const a = await call(t.base, '/');
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(a.headers.get('content-length'), String(Buffer.byteLength(a.text)));
    assert.equal(a.headers.get('connection'), 'keep-alive');
    assert.equal(a.json.name, 'rookery demo target');
    assert.ok(a.json.routes.includes('GET /items/:id'));
  });

  test('HEAD / answers headers only', async () => {
    const a = await call(t.base, '/', { method: 'HEAD' });
    assert.equal(a.status, 200);
    assert.equal(a.text, '');
  });

  test('GET /health', async () => {
    const a = await call(t.base, '/health');
    assert.equal(a.status, 200);
    assert.deepEqual(a.json, { status: 'ok' });
  });

  test('GET /items/:id serves the same item every time for ids 1..1,000,000', async () => {
    const first = await call(t.base, '/items/42');
    const again = await call(t.base, '/items/42');
    assert.equal(first.status, 200);
    assert.equal(first.json.id, 42);
    assert.equal(first.json.name, 'item-42');
    assert.deepEqual(again.json, first.json);
    const last = await call(t.base, `/items/${CATALOGUE_SIZE}`);
    assert.equal(last.status, 200);
    assert.equal(last.json.id, CATALOGUE_SIZE);
  });

  test('GET /items/:id is 404 JSON for anything else', async () => {
    for (const id of ['0', '-1', `${CATALOGUE_SIZE + 1}`, '01', '1.5', 'abc', '', '1/2', '99999999999999999999']) {
      const a = await call(t.base, `/items/${id}`);
      assert.equal(a.status, 404, id);
      assert.equal(a.json.error, 'item_not_found', id);
    }
  });

  test('POST /items creates an item that can be read back', async () => {
    const a = await post(t.base, '/items', JSON.stringify({ name: 'kite', priceCents: 1299, category: 'outdoor', junk: 'x'.repeat(100) }));
    assert.equal(a.status, 201);
    assert.ok(a.json.id > CATALOGUE_SIZE);
    assert.equal(a.json.name, 'kite');
    assert.equal(a.json.priceCents, 1299);
    assert.equal(a.json.junk, undefined);
    assert.ok(!Number.isNaN(Date.parse(a.json.createdAt)));
    assert.equal(a.headers.get('location'), `/items/${a.json.id}`);
    const back = await call(t.base, `/items/${a.json.id}`);
    assert.equal(back.status, 200);
    assert.deepEqual(back.json, a.json);
    const next = await post(t.base, '/items', '{"name":"kite 2"}');
    assert.equal(next.json.id, a.json.id + 1);
  });

  test('POST /items answers 400 on invalid JSON or a bad item', async () => {
    for (const body of ['', '{', 'not json', '{"name": "x",}']) {
      const a = await post(t.base, '/items', body);
      assert.equal(a.status, 400, body);
      assert.equal(a.json.error, 'invalid_json', body);
    }
    for (const body of ['{}', '{"name": ""}', '{"name": 3}', '[]', '"kite"', 'null', '{"name":"x","priceCents":-3}']) {
      const a = await post(t.base, '/items', body);
      assert.equal(a.status, 400, body);
      assert.equal(a.json.error, 'invalid_item', body);
      assert.equal(typeof a.json.message, 'string');
    }
    const missing = await post(t.base, '/items', '{"title":"x"}');
    assert.match(missing.json.message, /missing "name"/);
  });

  test('POST /items refuses a body over the limit with 413 and closes the connection', async () => {
    const a = await post(t.base, '/items', JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) }));
    assert.equal(a.status, 413);
    assert.equal(a.json.error, 'body_too_large');
    assert.equal(a.headers.get('connection'), 'close');
  });

  test('POST /items refuses an oversized chunked body it only learns about while reading', async () => {
    // No content-length: the limit must hold while streaming, not just on the declared size.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.base}/items`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, timeout: 5_000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timed out')));
      const chunk = 'x'.repeat(4096);
      for (let i = 0; i < 8; i++) req.write(chunk);
      req.end();
    });
    assert.equal(status, 413);
  });

  test('unknown paths are 404 JSON; known paths with another method are 405 with Allow', async () => {
    for (const path of ['/nope', '/items/', '/items/1/x', '/health/x', '/ITEMS/1']) {
      const a = await call(t.base, path);
      assert.equal(a.status, 404, path);
      assert.equal(a.json.error, path.startsWith('/items/') ? 'item_not_found' : 'not_found', path);
    }
    const delNotFound = await call(t.base, '/nope', { method: 'DELETE' });
    assert.equal(delNotFound.status, 404);
    const getItems = await call(t.base, '/items');
    assert.equal(getItems.status, 405);
    assert.equal(getItems.headers.get('allow'), 'POST');
    const postRoot = await post(t.base, '/', '{}');
    assert.equal(postRoot.status, 405);
    assert.equal(postRoot.headers.get('allow'), 'GET, HEAD');
    const putItem = await call(t.base, '/items/1', { method: 'PUT', body: '{}' });
    assert.equal(putItem.status, 405);
    assert.equal(putItem.json.error, 'method_not_allowed');
  });

  test('bad fault overrides in the query are 400 JSON', async () => {
    for (const query of ['latency=abc', 'latency=-1', 'latency=60001', 'latency=1.5', 'fail=maybe', 'fail=']) {
      const a = await call(t.base, `/?${query}`);
      assert.equal(a.status, 400, query);
      assert.equal(a.json.error, 'bad_query', query);
    }
    const ignored = await call(t.base, '/items/3?cachebust=123');
    assert.equal(ignored.status, 200);
  });

  test('?fail=1 answers 500 JSON and is counted', async () => {
    const before = t.api.stats().injectedFailures;
    for (const path of ['/?fail=1', '/items/1?fail=true', '/nope?fail=1']) {
      const a = await call(t.base, path);
      assert.equal(a.status, 500, path);
      assert.equal(a.json.error, 'injected_failure');
    }
    const created = await post(t.base, '/items?fail=1', '{"name":"never stored"}');
    assert.equal(created.status, 500);
    assert.equal(t.api.stats().injectedFailures, before + 4);
  });

  test('stats() counts requests per route', async () => {
    const running = await startApi();
    try {
      await call(running.base, '/');
      await call(running.base, '/');
      await call(running.base, '/health');
      await call(running.base, '/items/7');
      await call(running.base, '/items/x');
      await post(running.base, '/items', '{"name":"a"}');
      await post(running.base, '/items', 'bad');
      await call(running.base, '/elsewhere');
      assert.deepEqual(running.api.stats(), {
        requests: { root: 2, health: 1, getItem: 2, createItem: 2, notFound: 1 },
        total: 8,
        injectedFailures: 0,
        itemsStored: 1,
      });
    } finally {
      await running.close();
    }
  });
});

describe('HttpApi faults', () => {
  test('a fixed latency delays every reply by at least that much, except /health', async () => {
    const t = await startApi({ latency: 60 });
    try {
      for (const path of ['/', '/items/1', '/nope']) {
        const a = await call(t.base, path);
        assert.ok(a.ms >= 59, `${path} took ${a.ms.toFixed(1)} ms`);
      }
      const created = await post(t.base, '/items', '{"name":"slow"}');
      assert.equal(created.status, 201);
      assert.ok(created.ms >= 59, `POST took ${created.ms.toFixed(1)} ms`);
      const health = await call(t.base, '/health');
      assert.ok(health.ms < 59, `/health took ${health.ms.toFixed(1)} ms`);
    } finally {
      await t.close();
    }
  });

  test('a latency range keeps each reply at or above its minimum, and delays overlap instead of queueing', async () => {
    const t = await startApi({ latency: [40, 80] });
    try {
      const start = performance.now();
      const answers = await Promise.all(Array.from({ length: 10 }, () => call(t.base, '/items/5')));
      const total = performance.now() - start;
      for (const a of answers) assert.ok(a.ms >= 39, `took ${a.ms.toFixed(1)} ms`);
      // Timers, not a busy wait: ten concurrent 40..80 ms delays finish together, far below 10 × 40 ms.
      assert.ok(total < 350, `10 concurrent requests took ${total.toFixed(0)} ms`);
    } finally {
      await t.close();
    }
  });

  test('?latency= overrides the configured delay per request', async () => {
    const t = await startApi({ latency: 1000 });
    try {
      const quick = await call(t.base, '/?latency=0');
      assert.ok(quick.ms < 500, `?latency=0 took ${quick.ms.toFixed(1)} ms`);
      const slow = await call(t.base, '/items/9?latency=50');
      assert.equal(slow.status, 200);
      assert.ok(slow.ms >= 49 && slow.ms < 900, `?latency=50 took ${slow.ms.toFixed(1)} ms`);
    } finally {
      await t.close();
    }
  });

  test('errorRate 1 fails every request but /health; ?fail=0 overrides it', async () => {
    const t = await startApi({ errorRate: 1 });
    try {
      for (let i = 0; i < 10; i++) {
        for (const path of ['/', `/items/${i + 1}`, '/nope']) assert.equal((await call(t.base, path)).status, 500, path);
      }
      assert.equal((await post(t.base, '/items', '{"name":"x"}')).status, 500);
      assert.equal((await call(t.base, '/health')).status, 200);
      assert.equal((await call(t.base, '/?fail=0')).status, 200);
      const stats = t.api.stats();
      assert.equal(stats.injectedFailures, 31);
      assert.equal(stats.itemsStored, 0);
    } finally {
      await t.close();
    }
  });

  test('errorRate 0 fails nothing; 0.5 fails about half', async () => {
    const none = await startApi({ errorRate: 0 });
    try {
      for (let i = 0; i < 30; i++) assert.equal((await call(none.base, '/')).status, 200);
      assert.equal(none.api.stats().injectedFailures, 0);
    } finally {
      await none.close();
    }
    const half = await startApi({ errorRate: 0.5 });
    try {
      let failed = 0;
      for (let i = 0; i < 200; i++) if ((await call(half.base, '/items/1')).status === 500) failed++;
      // Binomial(200, 0.5): outside 60..140 has a probability below 1e-8.
      assert.ok(failed >= 60 && failed <= 140, `${failed} of 200 failed`);
      assert.equal(half.api.stats().injectedFailures, failed);
    } finally {
      await half.close();
    }
  });

  test('a created item is forgotten once the store is full', async () => {
    const t = await startApi({ storeCapacity: 2 });
    try {
      const ids: number[] = [];
      for (const name of ['a', 'b', 'c']) ids.push((await post(t.base, '/items', JSON.stringify({ name }))).json.id);
      assert.equal((await call(t.base, `/items/${ids[0]}`)).status, 404);
      assert.equal((await call(t.base, `/items/${ids[2]}`)).json.name, 'c');
      assert.equal(t.api.stats().itemsStored, 2);
    } finally {
      await t.close();
    }
  });

  test('invalid options are refused with ROOKERY_USAGE', () => {
    assert.throws(
      () => new HttpApi({ latency: [10, 5], errorRate: 3 }),
      (error: unknown) => error instanceof RookeryError && error.code === 'ROOKERY_USAGE' && error.problems.length === 2,
    );
  });
});
