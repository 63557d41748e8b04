import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { WebSocketServer } from 'ws';
import { RookeryError } from '../../../agent/common/errors';
import type { ControlPush, ControlRequest } from '../../../agent/protocol/control';
import { connectControl, type ControlClient } from '../../../agent/cluster/control-client';
import { startCoordinatorEndpoint, type ControlConnection, type CoordinatorEndpoint } from '../../../agent/cluster/coordinator-endpoint';
import { TEST_CERT, TEST_KEY } from '../../helpers/targets';
import { nextEvent } from '../../helpers/transport-peers';

const TOKEN = 'control-token';

/** A coordinator stand-in: answers some requests, leaves others unanswered on purpose. */
function serve(connection: ControlConnection): void {
  connection.on('request', (request: ControlRequest) => {
    switch (request.type) {
      case 'control/status':
        return connection.send({ type: 'control/reply', id: request.id, ok: true, result: { coordinatorId: 'c1', agents: [] } });
      case 'control/stop':
        return connection.send({
          type: 'control/reply', id: request.id, ok: false,
          error: { code: 'ROOKERY_STATE', message: 'no run to stop', where: 'control/stop', hint: 'start a run first', problems: [{ message: 'idle', where: 'run' }] },
        });
      case 'control/update-variables':
        return connection.send({
          type: 'control/reply', id: request.id, ok: false,
          error: { code: 'ROOKERY_UPDATE', message: 'update rejected', variableProblems: [{ variable: 'host', kind: 'read_only', source: 'update', reason: 'host is read_only' }] },
        });
      case 'control/subscribe':
        connection.send({ type: 'control/reply', id: request.id, ok: true });
        return connection.send({ type: 'run/event', runId: 'r1', event: { kind: 'status', at: 1, status: 'running' } });
      default:
        return; // never answered: the client's timeout must fire
    }
  });
}

describe('control client', () => {
  let endpoint: CoordinatorEndpoint;
  let controls: ControlConnection[] = [];

  before(async () => {
    endpoint = await startCoordinatorEndpoint({ host: '127.0.0.1', port: 0, token: TOKEN, log: () => {} });
    endpoint.on('control', (c) => {
      controls.push(c);
      serve(c);
    });
  });
  after(() => endpoint.close());

  async function client(options: Parameters<typeof connectControl>[1] = {}, url = endpoint.url): Promise<ControlClient> {
    const c = await connectControl(url, { token: TOKEN, ...options });
    after(() => c.close());
    return c;
  }

  test('request → result; the base URL gets /control, http:// is taken as ws://', async () => {
    const c = await client();
    assert.deepEqual(await c.request({ type: 'control/status' }), { coordinatorId: 'c1', agents: [] });
    const viaHttp = await client({}, `http://127.0.0.1:${endpoint.port}`);
    assert.deepEqual(await viaHttp.request({ type: 'control/status' }), { coordinatorId: 'c1', agents: [] });
    const explicit = await client({}, `${endpoint.url}/control`);
    assert.deepEqual(await explicit.request({ type: 'control/status' }), { coordinatorId: 'c1', agents: [] });
  });

  test('concurrent requests are matched to their replies by id', async () => {
    const c = await client();
    const results = await Promise.allSettled([c.request({ type: 'control/status' }), c.request({ type: 'control/stop', force: false }), c.request({ type: 'control/status' })]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  });

  test('an error reply becomes a RookeryError with code, message, where, hint and problems', async () => {
    const c = await client();
    await assert.rejects(c.request({ type: 'control/stop', force: false }), (e: unknown) => {
      assert.ok(e instanceof RookeryError);
      assert.equal(e.code, 'ROOKERY_STATE');
      assert.equal(e.message, 'no run to stop');
      assert.equal(e.where, 'control/stop');
      assert.equal(e.hint, 'start a run first');
      assert.deepEqual(e.problems, [{ message: 'idle', where: 'run' }]);
      return true;
    });
    await assert.rejects(c.request({ type: 'control/update-variables', changes: { host: 'x' } }), (e: unknown) => {
      assert.ok(e instanceof RookeryError);
      assert.equal(e.code, 'ROOKERY_UPDATE');
      assert.deepEqual(e.problems, [{ where: 'host', message: 'host is read_only' }]);
      assert.equal((e as unknown as { variableProblems: unknown[] }).variableProblems.length, 1);
      return true;
    });
  });

  test('pushes come out as push events', async () => {
    const c = await client();
    const pushed = nextEvent(c, 'push');
    assert.equal(await c.request({ type: 'control/subscribe' }), undefined);
    const [push] = (await pushed) as [ControlPush];
    assert.deepEqual(push, { type: 'run/event', runId: 'r1', event: { kind: 'status', at: 1, status: 'running' } });
  });

  test('each request has a timeout; start-run has its own, longer one', async () => {
    const c = await client({ timeoutMs: 100, startRunTimeoutMs: 400 });
    const t0 = Date.now();
    await assert.rejects(c.request({ type: 'control/set-rate', userRate: 5 }), /did not answer control\/set-rate within 100 ms/);
    const t1 = Date.now();
    assert.ok(t1 - t0 >= 90);
    const run = { scenario: { file: 'a.ts', code: '', sources: [] }, users: 1, userRate: 1, maintain: false, stages: [], planVariables: {}, cliVariables: {}, envVariables: {}, onAgentLoss: 'continue' as const };
    await assert.rejects(c.request({ type: 'control/start-run', run }), /did not answer control\/start-run within 400 ms/);
    assert.ok(Date.now() - t1 >= 380);
    assert.equal(c.closed, false);
  });

  test('the coordinator going away rejects pending requests and emits close; later requests fail at once', async () => {
    const c = await client();
    const pending = c.request({ type: 'control/set-rate', userRate: 1 });
    const closed = nextEvent(c, 'close');
    await new Promise((resolve) => setImmediate(resolve));
    controls.at(-1)!.close('going away');
    await assert.rejects(pending, /closed before it answered control\/set-rate/);
    await closed;
    await assert.rejects(c.request({ type: 'control/status' }), /is closed/);
    controls = [];
  });

  test('wrong or missing token: a clear error naming the coordinator and --token', async () => {
    for (const token of [undefined, 'wrong']) {
      await assert.rejects(connectControl(endpoint.url, { token }), (e: unknown) => {
        assert.ok(e instanceof RookeryError);
        assert.equal(e.message, `coordinator at ${endpoint.url}: wrong or missing token; pass --token`);
        assert.equal(e.code, 'ROOKERY_CONNECT');
        return true;
      });
    }
  });

  test('nothing listening: connection refused, with a hint', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await assert.rejects(connectControl(`ws://127.0.0.1:${port}`), (e: unknown) => {
      assert.ok(e instanceof RookeryError);
      assert.match(e.message, /coordinator at ws:\/\/127\.0\.0\.1:\d+: connection refused/);
      assert.match(e.hint ?? '', /rookery coordinator --listen/);
      return true;
    });
  });

  test('not a WebSocket URL: a usage error before any connection', async () => {
    await assert.rejects(connectControl('127.0.0.1:7400'), /is not a WebSocket URL|is not a URL/);
    await assert.rejects(connectControl('ftp://x'), /is not a WebSocket URL/);
  });

  test('wss:// with ca; an untrusted certificate is a TLS error with a hint', async () => {
    const secure = await startCoordinatorEndpoint({ host: '127.0.0.1', port: 0, token: TOKEN, tlsCert: TEST_CERT, tlsKey: TEST_KEY, log: () => {} });
    secure.on('control', serve);
    try {
      const c = await connectControl(secure.url, { token: TOKEN, ca: TEST_CERT });
      assert.deepEqual(await c.request({ type: 'control/status' }), { coordinatorId: 'c1', agents: [] });
      c.close();
      await assert.rejects(connectControl(secure.url, { token: TOKEN }), (e: unknown) => e instanceof RookeryError && /TLS: /.test(e.message) && /--ca/.test(e.hint ?? ''));
    } finally {
      await secure.close();
    }
  });
});

describe('control client against a misbehaving coordinator', () => {
  test('an invalid push closes the connection and fails pending requests', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket) => socket.on('message', () => socket.send(JSON.stringify({ type: 'control/reply', id: 'one', ok: true }))));
    try {
      const c = await connectControl(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
      const closed = nextEvent(c, 'close');
      await assert.rejects(c.request({ type: 'control/status' }), /closed before it answered/);
      const [reason] = await closed;
      assert.match(reason, /invalid message from the coordinator: control\/reply\.id: expected an integer/);
    } finally {
      for (const s of wss.clients) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});
