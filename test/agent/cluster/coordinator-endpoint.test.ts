import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { RookeryError } from '../../../agent/common/errors';
import { PROTOCOL_VERSION, type AgentMessage, type CoordinatorMessage } from '../../../agent/protocol/cluster';
import type { ControlRequest } from '../../../agent/protocol/control';
import {
  startCoordinatorEndpoint,
  type AgentJoin,
  type ControlConnection,
  type CoordinatorEndpoint,
} from '../../../agent/cluster/coordinator-endpoint';
import { TEST_CERT, TEST_KEY } from '../../helpers/targets';
import { dialError, dialRaw, nextEvent, waitFor, type RawPeer } from '../../helpers/transport-peers';

const TOKEN = 'test-token';
const hello = (agentId: string, lastReceived = 0, protocolVersion = PROTOCOL_VERSION) => ({
  type: 'agent/hello', protocolVersion, agentId, name: `host-${agentId}`, workers: 2, lastReceived,
});
const status = (i: number): AgentMessage => ({ type: 'run/status', runId: 'r1', runningUsers: i, pendingUsers: 0, idle: false });
const setRate = (i: number): CoordinatorMessage => ({ type: 'run/set-rate', runId: 'r1', userRate: i });

describe('coordinator endpoint', () => {
  let endpoint: CoordinatorEndpoint;
  const logs: string[] = [];
  const joins: AgentJoin[] = [];
  const peers: RawPeer[] = [];

  before(async () => {
    endpoint = await startCoordinatorEndpoint({
      host: '127.0.0.1', port: 0, token: TOKEN, coordinatorId: 'coord-1', log: (l) => logs.push(l),
      helloTimeoutMs: 300, heartbeatMs: 100, peerTimeoutMs: 2000, sessionTimeoutMs: 400,
    });
    endpoint.on('agent', (join) => joins.push(join));
  });
  after(async () => {
    for (const p of peers) p.socket.terminate();
    await endpoint.close();
  });

  async function agentPeer(token = TOKEN): Promise<RawPeer> {
    const peer = await dialRaw(`${endpoint.url}/agent`, { token });
    peers.push(peer);
    return peer;
  }

  test('listens on ws://127.0.0.1 with the bound port', () => {
    assert.equal(endpoint.url, `ws://127.0.0.1:${endpoint.port}`);
    assert.ok(endpoint.port > 0);
    assert.equal(endpoint.coordinatorId, 'coord-1');
  });

  test('missing or wrong token: HTTP 401 at the handshake, no socket; a logged reason', async () => {
    for (const path of ['/agent', '/control']) {
      assert.match((await dialError(`${endpoint.url}${path}`)).message, /Unexpected server response: 401/);
      assert.match((await dialError(`${endpoint.url}${path}`, { authorization: 'Bearer nope' })).message, /Unexpected server response: 401/);
    }
    assert.ok(logs.some((l) => /refused a \/agent connection from 127\.0\.0\.1: wrong or missing token/.test(l)));
  });

  test('unknown path: 404; plain HTTP on a WebSocket path: 426', async () => {
    assert.match((await dialError(`${endpoint.url}/elsewhere`, { authorization: `Bearer ${TOKEN}` })).message, /Unexpected server response: 404/);
    const status = await new Promise<number>((resolve, reject) => {
      get(`http://127.0.0.1:${endpoint.port}/agent`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    assert.equal(status, 426);
  });

  test('hello → welcome (new session) and an agent event whose link carries messages both ways', async () => {
    const peer = await agentPeer();
    const joined = nextEvent(endpoint, 'agent');
    peer.send(hello('a1'));
    const welcome = await peer.log.next('coordinator/welcome');
    assert.deepEqual(welcome, { type: 'coordinator/welcome', protocolVersion: PROTOCOL_VERSION, coordinatorId: 'coord-1', resumed: false, lastReceived: 0 });
    const [join] = (await joined) as [AgentJoin];
    assert.equal(join.hello.agentId, 'a1');
    assert.equal(join.hello.workers, 2);
    assert.equal(join.url, undefined);
    assert.equal(join.link.connected, true);

    const received: AgentMessage[] = [];
    join.link.on('message', (m: AgentMessage) => received.push(m));
    peer.send({ type: 'link/data', seq: 1, body: status(1) });
    await waitFor(() => received.length === 1, 2000, 'the agent message');
    assert.deepEqual(received, [status(1)]);
    join.link.send(setRate(5));
    assert.deepEqual(await peer.log.next('link/data'), { type: 'link/data', seq: 1, body: setRate(5) });
    await peer.log.next('link/heartbeat');
    join.link.close('test done');
    assert.equal((await peer.closed).code, 4000);
  });

  test('a known agent id resumes its session: welcome.resumed, resend from its position, no new agent event', async () => {
    const first = await agentPeer();
    first.send(hello('a2'));
    await first.log.next('coordinator/welcome');
    await waitFor(() => joins.some((j) => j.hello.agentId === 'a2'), 2000, 'the join');
    const link = joins.find((j) => j.hello.agentId === 'a2')!.link;
    first.send({ type: 'link/data', seq: 1, body: status(1) });
    for (let i = 1; i <= 3; i++) link.send(setRate(i));
    await first.log.next((f) => f.type === 'link/data' && f.seq === 3);
    const down = nextEvent(link, 'down');
    first.socket.terminate();
    await down;

    const second = await agentPeer();
    const up = nextEvent(link, 'up');
    const joinsBefore = joins.length;
    second.send(hello('a2', 2));
    const welcome = await second.log.next('coordinator/welcome');
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.lastReceived, 1);
    assert.deepEqual(await second.log.next('link/data'), { type: 'link/data', seq: 3, body: setRate(3) });
    await up;
    assert.equal(joins.length, joinsBefore);
    assert.equal(second.log.ofType('link/data').length, 1);
  });

  test('a session down longer than the session timeout is closed; the next hello starts a new one', async () => {
    const first = await agentPeer();
    first.send(hello('a3'));
    await first.log.next('coordinator/welcome');
    await waitFor(() => joins.some((j) => j.hello.agentId === 'a3'), 2000, 'the join');
    const link = joins.find((j) => j.hello.agentId === 'a3')!.link;
    link.send(setRate(1));
    await first.log.next('link/data');
    const closed = nextEvent(link, 'closed', 3000);
    first.socket.terminate();
    const [reason] = await closed;
    assert.match(reason, /agent unreachable for 400 ms/);

    const second = await agentPeer();
    const joined = nextEvent(endpoint, 'agent');
    second.send(hello('a3', 1));
    assert.equal((await second.log.next('coordinator/welcome')).resumed, false);
    const [join] = (await joined) as [AgentJoin];
    assert.notEqual(join.link, link);
  });

  test('a hello whose position does not fit the session (agent restarted) starts a new session', async () => {
    const first = await agentPeer();
    first.send(hello('a4'));
    await first.log.next('coordinator/welcome');
    await waitFor(() => joins.some((j) => j.hello.agentId === 'a4'), 2000, 'the join');
    const old = joins.find((j) => j.hello.agentId === 'a4')!.link;
    const oldClosed = nextEvent(old, 'closed');
    const second = await agentPeer();
    second.send(hello('a4', 7)); // the coordinator never sent 7 messages
    assert.equal((await second.log.next('coordinator/welcome')).resumed, false);
    assert.match((await oldClosed)[0], /started a new session/);
  });

  test('a protocol version mismatch is refused with link/refused and a close', async () => {
    const peer = await agentPeer();
    peer.send(hello('a5', 0, PROTOCOL_VERSION + 1));
    const refused = await peer.log.next('link/refused');
    assert.match(refused.reason, new RegExp(`protocol version ${PROTOCOL_VERSION + 1}, this coordinator ${PROTOCOL_VERSION}`));
    assert.equal((await peer.closed).code, 4002);
  });

  test('a first frame that is not hello, or none at all, closes the connection (1008)', async () => {
    const chatty = await agentPeer();
    chatty.send({ type: 'link/heartbeat', at: 1 });
    const a = await chatty.closed;
    assert.equal(a.code, 1008);
    assert.match(a.reason, /expected agent\/hello, got link\/heartbeat/);
    const silent = await agentPeer();
    const b = await silent.closed;
    assert.equal(b.code, 1008);
    assert.match(b.reason, /no agent\/hello within 300 ms/);
  });

  describe('control connections', () => {
    let connection: ControlConnection;
    let client: RawPeer;
    const requests: ControlRequest[] = [];

    before(async () => {
      const accepted = nextEvent(endpoint, 'control');
      client = await dialRaw(`${endpoint.url}/control`, { token: TOKEN });
      peers.push(client);
      [connection] = (await accepted) as [ControlConnection];
      connection.on('request', (r) => requests.push(r));
    });

    test('validated requests come out as events; sends reach the client', async () => {
      client.send({ type: 'control/status', id: 1, extra: 'dropped' });
      await waitFor(() => requests.length === 1, 2000, 'the request');
      assert.deepEqual(requests[0], { type: 'control/status', id: 1 });
      connection.send({ type: 'control/reply', id: 1, ok: true, result: { fine: true } });
      assert.deepEqual(await client.log.next('control/reply'), { type: 'control/reply', id: 1, ok: true, result: { fine: true } });
    });

    test('an invalid request with an id gets an error reply; the connection stays', async () => {
      client.send({ type: 'control/set-rate', id: 7, userRate: 'fast' });
      const reply = await client.log.next('control/reply');
      assert.equal(reply.id, 7);
      assert.equal(reply.ok, false);
      assert.equal(reply.error.code, 'ROOKERY_PROTOCOL');
      assert.match(reply.error.message, /control\/set-rate\.userRate: expected a finite number/);
      assert.equal(connection.open, true);
      client.send({ type: 'control/status', id: 8 });
      await waitFor(() => requests.some((r) => r.id === 8), 2000, 'a later request');
    });

    test('an invalid request without an id closes the connection (1008) and emits close', async () => {
      const closedEvent = nextEvent(connection, 'close');
      client.send({ type: 'control/nothing' });
      const { code, reason } = await client.closed;
      assert.equal(code, 1008);
      assert.match(reason, /unknown type "control\/nothing"/);
      await closedEvent;
      assert.equal(connection.open, false);
      connection.send({ type: 'control/reply', id: 1, ok: true }); // dropped, no throw
    });
  });
});

describe('coordinator endpoint: listening rules and TLS', () => {
  test('a non-loopback address without a token is refused; with a token it starts', async () => {
    await assert.rejects(startCoordinatorEndpoint({ host: '0.0.0.0', port: 0 }), (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_USAGE' && /without a token/.test(e.message));
    const open = await startCoordinatorEndpoint({ host: '0.0.0.0', port: 0, token: TOKEN, log: () => {} });
    assert.match(open.url, /^ws:\/\/0\.0\.0\.0:\d+$/);
    await open.close();
  });

  test('a port in use is a clear usage error', async () => {
    const first = await startCoordinatorEndpoint({ host: '127.0.0.1', port: 0, log: () => {} });
    try {
      await assert.rejects(startCoordinatorEndpoint({ host: '127.0.0.1', port: first.port, log: () => {} }), /cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  test('wss:// with a certificate: trusted with ca, refused without', async () => {
    const secure = await startCoordinatorEndpoint({ host: '127.0.0.1', port: 0, token: TOKEN, tlsCert: TEST_CERT, tlsKey: TEST_KEY, log: () => {} });
    try {
      assert.match(secure.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
      const joined = nextEvent(secure, 'agent');
      const peer = await dialRaw(`${secure.url}/agent`, { token: TOKEN, ca: TEST_CERT });
      peer.send(hello('tls-1'));
      assert.equal((await peer.log.next('coordinator/welcome')).resumed, false);
      await joined;
      peer.socket.terminate();
      await assert.rejects(dialRaw(`${secure.url}/agent`, { token: TOKEN }), /self[- ]signed certificate/);
    } finally {
      await secure.close();
    }
  });

  test('TLS needs both a certificate and a key', async () => {
    await assert.rejects(startCoordinatorEndpoint({ host: '127.0.0.1', port: 0, tlsCert: TEST_CERT }), /both a certificate and a key/);
  });
});
