import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { RookeryError } from '../../../agent/common/errors';
import { MAX_FRAME_BYTES, type AgentMessage, type CoordinatorMessage } from '../../../agent/protocol/cluster';
import { WsLink, type WsLinkOptions } from '../../../agent/cluster/link';
import { closeOf, FrameLog, nextEvent, waitFor, wsPair, type SocketPair } from '../../helpers/transport-peers';

type CoordinatorSide = WsLink<CoordinatorMessage, AgentMessage>;
type AgentSide = WsLink<AgentMessage, CoordinatorMessage>;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pair(): Promise<SocketPair> {
  const p = await wsPair();
  cleanups.push(() => p.close());
  return p;
}

function links(options: Partial<WsLinkOptions> = {}, agentOptions: Partial<WsLinkOptions> = {}) {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const coordinator: CoordinatorSide = new WsLink({ peer: 'agent', log, ...options });
  const agent: AgentSide = new WsLink({ peer: 'coordinator', log, ...options, ...agentOptions });
  cleanups.push(() => {
    coordinator.close('test over');
    agent.close('test over');
  });
  return { coordinator, agent, logs };
}

const setRate = (i: number): CoordinatorMessage => ({ type: 'run/set-rate', runId: 'r1', userRate: i });
const status = (i: number): AgentMessage => ({ type: 'run/status', runId: 'r1', runningUsers: i, pendingUsers: 0, idle: false });

function collect<T>(link: { on(event: 'message', l: (m: T) => void): unknown }): T[] {
  const out: T[] = [];
  link.on('message', (m) => out.push(m));
  return out;
}

const rates = (messages: CoordinatorMessage[]) => messages.map((m) => (m as { userRate: number }).userRate);
const users = (messages: AgentMessage[]) => messages.map((m) => (m as { runningUsers: number }).runningUsers);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('WsLink over real sockets', () => {
  test('1,000 messages each way arrive in order, once, and are all acknowledged', async () => {
    const sockets = await pair();
    const { coordinator, agent } = links();
    const atAgent = collect<CoordinatorMessage>(agent);
    const atCoordinator = collect<AgentMessage>(coordinator);
    coordinator.attach(sockets.server, 0);
    agent.attach(sockets.client, 0);
    for (let i = 1; i <= 1000; i++) {
      coordinator.send(setRate(i));
      agent.send(status(i));
    }
    await waitFor(() => atAgent.length >= 1000 && atCoordinator.length >= 1000, 10_000, '1,000 messages each way');
    assert.deepEqual(rates(atAgent), range(1, 1000));
    assert.deepEqual(users(atCoordinator), range(1, 1000));
    await waitFor(() => coordinator.unacknowledged === 0 && agent.unacknowledged === 0, 2000, 'every message acknowledged');
    assert.equal(agent.lastReceived, 1000);
    assert.equal(coordinator.lastReceived, 1000);
  });

  test('resumes on a new socket: resends what the peer lacks, the peer ignores duplicates', async () => {
    const first = await pair();
    // The agent never acks on its own here, so the coordinator keeps everything and must resend all of it.
    const { coordinator, agent } = links({}, { ackDelayMs: 60_000, ackEvery: 1_000_000 });
    const atAgent = collect<CoordinatorMessage>(agent);
    const atCoordinator = collect<AgentMessage>(coordinator);
    coordinator.attach(first.server, 0);
    agent.attach(first.client, 0);
    for (let i = 1; i <= 50; i++) coordinator.send(setRate(i));
    await waitFor(() => atAgent.length === 50, 5000, 'the first 50');
    assert.equal(coordinator.unacknowledged, 50);

    const downs = Promise.all([nextEvent(coordinator, 'down'), nextEvent(agent, 'down')]);
    first.client.terminate();
    await downs;
    assert.equal(coordinator.connected, false);
    for (let i = 51; i <= 100; i++) coordinator.send(setRate(i));
    for (let i = 1; i <= 10; i++) agent.send(status(i));

    const second = await pair();
    const ups = Promise.all([nextEvent(coordinator, 'up'), nextEvent(agent, 'up')]);
    // The coordinator only knows what was acknowledged (nothing): it resends 1..100; the agent drops 1..50.
    assert.equal(coordinator.canResume(0), true);
    coordinator.attach(second.server, 0);
    agent.attach(second.client, coordinator.lastReceived);
    await ups;
    await waitFor(() => atAgent.length >= 100 && atCoordinator.length >= 10, 5000, 'the rest');
    assert.deepEqual(rates(atAgent), range(1, 100));
    assert.deepEqual(users(atCoordinator), range(1, 10));
    await waitFor(() => agent.unacknowledged === 0, 2000, 'the agent’s messages acknowledged');
  });

  test('canResume refuses positions that do not fit the session', async () => {
    const sockets = await pair();
    const { coordinator, agent } = links();
    const atAgent = collect<CoordinatorMessage>(agent);
    coordinator.attach(sockets.server, 0);
    agent.attach(sockets.client, 0);
    for (let i = 1; i <= 5; i++) coordinator.send(setRate(i));
    await waitFor(() => atAgent.length === 5 && coordinator.unacknowledged === 0, 2000, 'delivery and ack');
    assert.equal(coordinator.canResume(5), true);
    assert.equal(coordinator.canResume(4), false, 'below what the peer acknowledged');
    assert.equal(coordinator.canResume(6), false, 'beyond what was sent');
    assert.throws(() => coordinator.attach(sockets.server, 9), /peer claims 9/);
  });

  test('acks are batched: at once every 32 messages, otherwise after the delay', async () => {
    const sockets = await pair();
    const { coordinator } = links({ ackDelayMs: 1000 });
    coordinator.attach(sockets.server, 0);
    const peer = new FrameLog(sockets.client);
    const send = (seq: number) => sockets.client.send(JSON.stringify({ type: 'link/data', seq, body: status(seq) }));
    for (let seq = 1; seq <= 64; seq++) send(seq);
    const t0 = Date.now();
    assert.deepEqual(await peer.next('link/ack', 1000), { type: 'link/ack', seq: 32 });
    assert.deepEqual(await peer.next('link/ack', 1000), { type: 'link/ack', seq: 64 });
    assert.ok(Date.now() - t0 < 800, 'full batches are acknowledged without waiting');
    for (let seq = 65; seq <= 69; seq++) send(seq);
    const t1 = Date.now();
    assert.deepEqual(await peer.next('link/ack', 3000), { type: 'link/ack', seq: 69 });
    assert.ok(Date.now() - t1 >= 950, 'a partial batch waits for the delay');
    assert.equal(peer.ofType('link/ack').length, 3);
  });

  test('heartbeats flow; a silent peer is dropped (down), a session down too long is closed', async () => {
    const sockets = await pair();
    const { coordinator, logs } = links({ heartbeatMs: 50, peerTimeoutMs: 300, sessionTimeoutMs: 200 });
    const peer = new FrameLog(sockets.client); // a raw peer that never says anything
    // The silence is timed from the attach: measure from there (a loaded machine may deliver the first beat late).
    const t0 = Date.now();
    coordinator.attach(sockets.server, 0);
    const beat = await peer.next('link/heartbeat', 1000);
    assert.equal(typeof beat.at, 'number');
    await nextEvent(coordinator, 'down', 2000);
    assert.ok(Date.now() - t0 >= 250, 'not dropped before the timeout');
    assert.ok(logs.some((l) => /silent for \d+ ms/.test(l)));
    const [reason] = await nextEvent(coordinator, 'closed', 2000);
    assert.match(reason, /unreachable for 200 ms/);
    assert.equal(coordinator.closed, true);
  });

  test('a malformed frame closes that socket (1008) with a logged reason; the session resumes on the next one', async () => {
    const bad = await pair();
    const { coordinator, logs } = links();
    const received = collect<AgentMessage>(coordinator);
    coordinator.attach(bad.server, 0);
    const closed = closeOf(bad.client);
    const down = nextEvent(coordinator, 'down');
    bad.client.send(JSON.stringify({ type: 'link/data', seq: 1, body: { ...status(1), runningUsers: 2.5 } }));
    const { code, reason } = await closed;
    await down;
    assert.equal(code, 1008);
    assert.equal(reason, 'run/status.runningUsers: expected an integer');
    assert.ok(logs.some((l) => l.includes('closing connection (1008): run/status.runningUsers: expected an integer')), logs.join('\n'));
    assert.equal(coordinator.closed, false);

    const good = await pair();
    coordinator.attach(good.server, 0);
    good.client.send(JSON.stringify({ type: 'link/data', seq: 1, body: status(1) }));
    await waitFor(() => received.length === 1, 2000, 'a message on the new socket');
  });

  const protocolBreaks: [string, unknown, RegExp][] = [
    ['sequence gap', { type: 'link/data', seq: 3, body: { type: 'run/stopped', runId: 'r' } }, /sequence gap: expected 1, got 3/],
    ['ack for something never sent', { type: 'link/ack', seq: 5 }, /ack for 5, but only 0 were sent/],
    ['hello after the handshake', { type: 'agent/hello', protocolVersion: 1, agentId: 'a', name: 'n', workers: 1, lastReceived: 0 }, /unexpected agent\/hello/],
    ['not JSON', '{"type":"link/ack"', /not valid JSON/],
    ['binary', Buffer.from([1, 2, 3]), /binary frames/],
  ];
  for (const [label, frame, pattern] of protocolBreaks) {
    test(`${label} closes the socket with 1008`, async () => {
      const sockets = await pair();
      const { coordinator } = links();
      coordinator.attach(sockets.server, 0);
      const closed = closeOf(sockets.client);
      sockets.client.send(Buffer.isBuffer(frame) ? frame : typeof frame === 'string' ? frame : JSON.stringify(frame));
      const { code, reason } = await closed;
      assert.equal(code, 1008);
      assert.match(reason, pattern);
      assert.equal(coordinator.closed, false);
    });
  }

  test('a frame over MAX_FRAME_BYTES closes the socket with 1009', async () => {
    const sockets = await pair();
    const { coordinator } = links();
    coordinator.attach(sockets.server, 0);
    const closed = closeOf(sockets.client);
    const down = nextEvent(coordinator, 'down');
    sockets.client.send('x'.repeat(MAX_FRAME_BYTES + 1));
    assert.equal((await closed).code, 1009);
    await down;
    assert.equal(coordinator.closed, false);
  });

  test('sending a message larger than a frame throws and queues nothing', () => {
    const { coordinator } = links();
    const huge: CoordinatorMessage = {
      type: 'run/prepare', runId: 'r', variables: {}, userRate: 1, maintain: false,
      scenario: { file: 'a.ts', code: 'x'.repeat(MAX_FRAME_BYTES), sources: [] },
    };
    assert.throws(() => coordinator.send(huge), (e: unknown) => e instanceof RookeryError && /exceeds the \d+-byte frame limit/.test(e.message));
    assert.equal(coordinator.unacknowledged, 0);
    coordinator.send(setRate(1));
    assert.equal(coordinator.unacknowledged, 1);
  });

  test('too many unacknowledged messages close the session with a reason', async () => {
    const { coordinator } = links({ maxBufferedMessages: 5 });
    const closed = nextEvent(coordinator, 'closed');
    for (let i = 1; i <= 6; i++) coordinator.send(setRate(i));
    const [reason] = await closed;
    assert.match(reason, /resend buffer overflow: 6 messages/);
    coordinator.send(setRate(7)); // ignored after close
    assert.equal(coordinator.unacknowledged, 0);
  });

  test('close() ends the session on both sides (close code 4000 with the reason)', async () => {
    const sockets = await pair();
    const { coordinator, agent } = links();
    coordinator.attach(sockets.server, 0);
    agent.attach(sockets.client, 0);
    const closedAtAgent = nextEvent(agent, 'closed');
    coordinator.close('run is over');
    const [reason] = await closedAtAgent;
    assert.equal(reason, 'closed by the coordinator: run is over');
    assert.equal(agent.connected, false);
    assert.throws(() => agent.attach(sockets.client, 0), /session already closed/);
  });

  test('a listener that throws is logged and does not break the link', async () => {
    const sockets = await pair();
    const { coordinator, agent, logs } = links();
    coordinator.attach(sockets.server, 0);
    agent.attach(sockets.client, 0);
    const seen: number[] = [];
    agent.on('message', (m: CoordinatorMessage) => {
      const rate = (m as { userRate: number }).userRate;
      seen.push(rate);
      if (rate === 1) throw new Error('role bug');
    });
    coordinator.send(setRate(1));
    coordinator.send(setRate(2));
    await waitFor(() => seen.length === 2, 2000, 'both messages');
    assert.ok(logs.some((l) => l.includes('message listener threw') && l.includes('role bug')));
    assert.equal(agent.connected, true);
  });
});
