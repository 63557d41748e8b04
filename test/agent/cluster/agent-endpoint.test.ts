import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, type WebSocket } from 'ws';
import { RookeryError } from '../../../agent/common/errors';
import { PROTOCOL_VERSION, type AgentMessage, type CoordinatorMessage } from '../../../agent/protocol/cluster';
import { startAgentEndpoint, type AgentEndpoint, type AgentEndpointOptions, type AgentLink } from '../../../agent/cluster/agent-endpoint';
import {
  startCoordinatorEndpoint,
  type AgentJoin,
  type CoordinatorEndpoint,
  type CoordinatorEndpointOptions,
} from '../../../agent/cluster/coordinator-endpoint';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy';
import { TEST_CERT, TEST_KEY } from '../../helpers/targets';
import { FrameLog, closeOf, deadline, nextEvent, waitFor } from '../../helpers/transport-peers';

const TOKEN = 'agent-test-token';
const FAST_BACKOFF = { initialMs: 100, maxMs: 400 };
const setRate = (i: number): CoordinatorMessage => ({ type: 'run/set-rate', runId: 'r1', userRate: i });
const status = (i: number): AgentMessage => ({ type: 'run/status', runId: 'r1', runningUsers: i, pendingUsers: 0, idle: false });

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function coordinator(options: Partial<CoordinatorEndpointOptions> = {}): Promise<CoordinatorEndpoint & { logs: string[] }> {
  const logs: string[] = [];
  const endpoint = await startCoordinatorEndpoint({ host: '127.0.0.1', port: 0, token: TOKEN, log: (l) => logs.push(l), redial: FAST_BACKOFF, ...options });
  cleanups.push(() => endpoint.close());
  return Object.assign(endpoint, { logs });
}

async function agent(options: Partial<AgentEndpointOptions>): Promise<AgentEndpoint & { logs: string[] }> {
  const logs: string[] = [];
  const endpoint = await startAgentEndpoint({ agentId: 'agent-1', name: 'box-1', workers: 2, token: TOKEN, log: (l) => logs.push(l), backoff: FAST_BACKOFF, ...options });
  cleanups.push(() => endpoint.close());
  return Object.assign(endpoint, { logs });
}

async function proxyTo(port: number): Promise<TcpProxy> {
  const proxy = await startTcpProxy(port);
  cleanups.push(() => proxy.close());
  return proxy;
}

const values = (messages: (CoordinatorMessage | AgentMessage)[]) =>
  messages.map((m) => ('userRate' in m ? m.userRate : (m as { runningUsers: number }).runningUsers));
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('agent endpoint, join mode', () => {
  test('a 2 s cut mid-stream: the agent reconnects, the session resumes, every message arrives exactly once', async () => {
    const coord = await coordinator();
    const proxy = await proxyTo(coord.port);
    const joins: AgentJoin[] = [];
    coord.on('agent', (j) => joins.push(j));
    const ag = await agent({ join: { url: `ws://127.0.0.1:${proxy.port}` } });
    const sessions: AgentLink[] = [];
    const connects: boolean[] = [];
    let disconnects = 0;
    const atAgent: CoordinatorMessage[] = [];
    const atCoordinator: AgentMessage[] = [];
    ag.on('session', (link) => {
      sessions.push(link);
      link.on('message', (m: CoordinatorMessage) => atAgent.push(m));
    });
    ag.on('connected', ({ resumed }) => connects.push(resumed));
    ag.on('disconnected', () => disconnects++);
    await waitFor(() => sessions.length === 1 && joins.length === 1, 5000, 'the session');
    const coordLink = joins[0].link;
    coordLink.on('message', (m: AgentMessage) => atCoordinator.push(m));
    assert.equal(joins[0].hello.name, 'box-1');

    const N = 300;
    let sent = 0;
    let cutAt = 0;
    let upAt = 0;
    coordLink.on('up', () => (upAt = Date.now()));
    await deadline(
      new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          sent++;
          coordLink.send(setRate(sent));
          sessions[0].send(status(sent));
          if (sent === 100) {
            cutAt = Date.now();
            proxy.cutFor(2000);
          }
          if (sent === N) {
            clearInterval(timer);
            resolve();
          }
        }, 8);
      }),
      15_000,
      'sending',
    );
    await waitFor(() => atAgent.length >= N && atCoordinator.length >= N, 15_000, `${N} messages each way`);
    assert.deepEqual(values(atAgent), range(N), 'coordinator → agent: each once, in order');
    assert.deepEqual(values(atCoordinator), range(N), 'agent → coordinator: each once, in order');
    assert.ok(upAt - cutAt >= 1900, `resumed only after the cut ended (${upAt - cutAt} ms)`);
    assert.equal(sessions.length, 1, 'no new session on the agent');
    assert.equal(joins.length, 1, 'no new agent at the coordinator');
    assert.deepEqual(connects, [false, true]);
    assert.equal(disconnects, 1);
    assert.ok(proxy.accepted > 2, 'retried while refused');
    await waitFor(() => coordLink.unacknowledged === 0 && sessions[0].unacknowledged === 0, 2000, 'everything acknowledged');
  });

  test('a session the coordinator lost is replaced: old link closed, a new session on both sides', async () => {
    const coord = await coordinator({ sessionTimeoutMs: 300 });
    const proxy = await proxyTo(coord.port);
    const joins: AgentJoin[] = [];
    coord.on('agent', (j) => joins.push(j));
    const ag = await agent({ join: { url: `ws://127.0.0.1:${proxy.port}/agent` } });
    const first = (await nextEvent(ag, 'session'))[0] as AgentLink;
    await waitFor(() => joins.length === 1, 2000, 'the join');
    const lost = nextEvent(joins[0].link, 'closed', 3000);
    const oldClosed = nextEvent(first, 'closed', 5000);
    const second = nextEvent(ag, 'session', 5000);
    proxy.cutFor(1000);
    assert.match((await lost)[0], /unreachable for 300 ms/);
    assert.equal((await oldClosed)[0], 'coordinator started a new session');
    const [link] = (await second) as [AgentLink];
    assert.notEqual(link, first);
    await waitFor(() => joins.length === 2, 2000, 'the second join');
    const got = nextEvent(link, 'message');
    joins[1].link.send(setRate(1));
    assert.deepEqual((await got)[0], setRate(1));
  });

  test('a wrong token is logged once as such while it keeps retrying', async () => {
    const coord = await coordinator();
    const ag = await agent({ join: { url: coord.url }, token: 'wrong' });
    await waitFor(() => coord.logs.filter((l) => l.includes('wrong or missing token')).length >= 3, 5000, 'several attempts');
    const complaints = ag.logs.filter((l) => l.includes('wrong or missing token; pass --token'));
    assert.equal(complaints.length, 1, ag.logs.join('\n'));
    assert.equal(ag.link, undefined);
  });

  test('close() ends the session at the coordinator at once', async () => {
    const coord = await coordinator();
    const joined = nextEvent(coord, 'agent');
    const ag = await agent({ join: { url: coord.url } });
    const [join] = (await joined) as [AgentJoin];
    const closed = nextEvent(join.link, 'closed', 2000);
    await ag.close();
    assert.match((await closed)[0], /agent shutting down/);
  });

  test('wss:// with ca', async () => {
    const coord = await coordinator({ tlsCert: TEST_CERT, tlsKey: TEST_KEY });
    const joined = nextEvent(coord, 'agent');
    const ag = await agent({ join: { url: coord.url, ca: TEST_CERT } });
    const [link] = (await nextEvent(ag, 'session')) as [AgentLink];
    const [join] = (await joined) as [AgentJoin];
    const got = nextEvent(join.link, 'message');
    link.send(status(1));
    assert.deepEqual((await got)[0], status(1));
  });

  describe('against a scripted coordinator', () => {
    async function fakeCoordinator(answer: (socket: WebSocket, hello: any) => void): Promise<string> {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
      wss.on('connection', (socket) => {
        const log = new FrameLog(socket);
        void log.next('agent/hello').then((hello) => answer(socket, hello));
      });
      cleanups.push(() => new Promise<void>((resolve) => {
        for (const s of wss.clients) s.terminate();
        wss.close(() => resolve());
      }));
      return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
    }

    test('link/refused at hello is reported as refused', async () => {
      const url = await fakeCoordinator((socket) => socket.send(JSON.stringify({ type: 'link/refused', reason: 'version 9 only' })));
      const ag = await agent({ join: { url } });
      const [reason] = await nextEvent(ag, 'refused');
      assert.equal(reason, 'version 9 only');
      assert.equal(ag.link, undefined);
    });

    test('a coordinator resuming a session the agent does not have is told the session ended (4000)', async () => {
      let closed: Promise<{ code: number }> | undefined;
      const url = await fakeCoordinator((socket, hello) => {
        assert.equal(hello.lastReceived, 0);
        closed = closeOf(socket);
        socket.send(JSON.stringify({ type: 'coordinator/welcome', protocolVersion: PROTOCOL_VERSION, coordinatorId: 'c9', resumed: true, lastReceived: 4 }));
      });
      const ag = await agent({ join: { url } });
      await waitFor(() => closed !== undefined, 5000, 'a hello');
      assert.equal((await closed!).code, 4000);
      assert.ok(ag.logs.some((l) => l.includes('agent has no such session')));
    });

    test('a garbage welcome closes that connection (1008) and the agent tries again', async () => {
      let attempts = 0;
      const url = await fakeCoordinator((socket) => {
        attempts++;
        socket.send(JSON.stringify({ type: 'coordinator/welcome', protocolVersion: 'one' }));
      });
      const ag = await agent({ join: { url } });
      await waitFor(() => attempts >= 2, 5000, 'a second attempt');
      assert.ok(ag.logs.some((l) => l.includes('closing connection (1008): coordinator/welcome.protocolVersion: expected an integer')), ag.logs.join('\n'));
    });
  });
});

describe('agent endpoint, listen mode', () => {
  test('a coordinator attaches with the token; a wrong token is refused with a clear error', async () => {
    const ag = await agent({ listen: { host: '127.0.0.1', port: 0 } });
    assert.match(ag.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const coord = await coordinator();
    await assert.rejects(coord.attachAgent(ag.url, { token: 'nope' }), (e: unknown) => e instanceof RookeryError && /agent at .*: wrong or missing token; pass --token/.test(e.message));
    await assert.rejects(coord.attachAgent(ag.url), /wrong or missing token/);
    const joined = nextEvent(coord, 'agent');
    const session = nextEvent(ag, 'session');
    assert.equal(await coord.attachAgent(ag.url, { token: TOKEN }), 'agent-1');
    const [join] = (await joined) as [AgentJoin];
    assert.equal(join.url, `${ag.url}/`);
    const [link] = (await session) as [AgentLink];
    const got = nextEvent(link, 'message');
    join.link.send(setRate(3));
    assert.deepEqual((await got)[0], setRate(3));
  });

  test('one coordinator at a time: another one gets 409 while the first is attached', async () => {
    const ag = await agent({ listen: { host: '127.0.0.1', port: 0 } });
    const first = await coordinator();
    const second = await coordinator();
    await first.attachAgent(ag.url, { token: TOKEN });
    await assert.rejects(second.attachAgent(ag.url, { token: TOKEN }), /busy: attached to another coordinator/);
    await first.close();
    await waitFor(() => ag.link?.closed === true, 2000, 'the first session to end');
    assert.equal(await second.attachAgent(ag.url, { token: TOKEN }), 'agent-1');
  });

  test('the coordinator redials a listening agent after a cut and the session resumes', async () => {
    const ag = await agent({ listen: { host: '127.0.0.1', port: 0 } });
    const proxy = await proxyTo(ag.port!);
    const coord = await coordinator();
    const joined = nextEvent(coord, 'agent');
    const session = nextEvent(ag, 'session');
    await coord.attachAgent(`ws://127.0.0.1:${proxy.port}`, { token: TOKEN });
    const [join] = (await joined) as [AgentJoin];
    const [link] = (await session) as [AgentLink];
    const received: CoordinatorMessage[] = [];
    link.on('message', (m: CoordinatorMessage) => received.push(m));
    const up = nextEvent(join.link, 'up', 5000);
    proxy.cutFor(500);
    join.link.send(setRate(1));
    join.link.send(setRate(2));
    await up;
    await waitFor(() => received.length === 2, 3000, 'the messages sent while down');
    assert.deepEqual(values(received), [1, 2]);
  });

  test('a non-loopback address without a token is refused', async () => {
    await assert.rejects(
      startAgentEndpoint({ agentId: 'x', name: 'x', workers: 1, listen: { host: '0.0.0.0', port: 0 } }),
      (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_USAGE' && /arbitrary code/.test(e.message),
    );
  });

  test('exactly one of listen and join', async () => {
    await assert.rejects(startAgentEndpoint({ agentId: 'x', name: 'x', workers: 1 }), /either listens/);
  });
});
