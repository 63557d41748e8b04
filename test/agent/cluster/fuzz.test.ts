/**
 * Thousands of random, malformed and oversized frames against the coordinator's /agent and /control and against a
 * listening agent: nothing crashes, and honest connections opened before the barrage keep working.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, type AgentMessage, type CoordinatorMessage } from '../../../agent/protocol/cluster';
import { startAgentEndpoint, type AgentEndpoint, type AgentLink } from '../../../agent/cluster/agent-endpoint';
import { connectControl, type ControlClient } from '../../../agent/cluster/control-client';
import { startCoordinatorEndpoint, type AgentJoin, type CoordinatorEndpoint } from '../../../agent/cluster/coordinator-endpoint';
import { deadline, dialRaw, nextEvent } from '../../helpers/transport-peers';
import { seededRandom as rng } from '../../helpers/seeded-random';

const TOKEN = 'fuzz-token';

const random = rng(20240601);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(list: readonly T[]): T => list[int(list.length)];

const TYPES = [
  'agent/hello', 'coordinator/welcome', 'link/refused', 'link/data', 'link/ack', 'link/heartbeat', 'run/prepare', 'run/add-users',
  'run/status', 'run/snapshot', 'control/status', 'control/start-run', 'control/reply', 'control/stop', '__proto__', 'constructor',
];
const WEIRD: unknown[] = [
  null, -1, 0, 0.5, 1e308, -0, 2 ** 53 + 2, '', 'x', 'ü'.repeat(2000), true, [], {}, [1, 'a'], { type: 'run/stop' },
  JSON.parse('['.repeat(60) + ']'.repeat(60)), { __proto__: { polluted: true } }, '\u0000\uffff',
];

function randomString(): string {
  const length = int(40);
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(int(random() < 0.9 ? 128 : 0xd7ff));
  return s;
}

function randomJson(depth = 0): unknown {
  const r = random();
  if (depth > 4 || r < 0.3) return pick([...WEIRD.slice(0, 12), randomString(), int(1e9), random() * 1e6 - 5e5]);
  if (r < 0.55) return Array.from({ length: int(5) }, () => randomJson(depth + 1));
  const out: Record<string, unknown> = {};
  if (random() < 0.7) out.type = pick(TYPES);
  for (let i = int(5); i > 0; i--) out[pick(['seq', 'id', 'body', 'runId', 'ranges', 'lastReceived', 'ok', randomString()])] = randomJson(depth + 1);
  return out;
}

const TEMPLATES: unknown[] = [
  { type: 'agent/hello', protocolVersion: PROTOCOL_VERSION, agentId: 'fz', name: 'fz', workers: 1, lastReceived: 0 },
  { type: 'coordinator/welcome', protocolVersion: PROTOCOL_VERSION, coordinatorId: 'fz', resumed: false, lastReceived: 0 },
  { type: 'link/data', seq: 1, body: { type: 'run/status', runId: 'r', runningUsers: 1, pendingUsers: 0, idle: false } },
  { type: 'link/data', seq: 1, body: { type: 'run/add-users', runId: 'r', ranges: [{ from: 1, to: 2 }] } },
  { type: 'link/ack', seq: 1 },
  { type: 'link/heartbeat', at: 1 },
  { type: 'control/start-run', id: 1, run: { scenario: { file: 'a', code: '', sources: [] }, users: 1, userRate: 1, maintain: false, stages: [], planVariables: {}, cliVariables: {}, envVariables: {}, onAgentLoss: 'continue' } },
  { type: 'control/add-users', id: 2, count: 1 },
];

/** A valid-looking frame with one field replaced by a value of the wrong type (or removed). */
function mutated(): unknown {
  const copy = structuredClone(pick(TEMPLATES)) as any;
  let node = copy;
  for (;;) {
    const keys = Object.keys(node);
    const key = pick(keys);
    if (typeof node[key] === 'object' && node[key] !== null && random() < 0.6 && Object.keys(node[key]).length > 0) {
      node = node[key];
      continue;
    }
    if (random() < 0.15) delete node[key];
    else node[key] = pick(WEIRD);
    return copy;
  }
}

/** One random frame: text, binary, random JSON or a mutated protocol frame. */
function randomFrame(): string | Buffer {
  const r = random();
  if (r < 0.15) return randomString();
  if (r < 0.25) return Buffer.from(Array.from({ length: int(64) + 1 }, () => int(256)));
  if (r < 0.55) return JSON.stringify(randomJson());
  return JSON.stringify(mutated());
}

const OVERSIZED = 'x'.repeat(MAX_FRAME_BYTES + 1);

interface Barrage {
  frames: number;
  connections: number;
}

/** Opens a connection, optionally says something honest first, then fires `count` random frames at it. */
async function fire(url: string, count: number, tally: Barrage, first?: unknown, oversized = false): Promise<void> {
  let peer;
  try {
    peer = await dialRaw(url, { token: TOKEN });
  } catch {
    return; // the target may refuse (e.g. busy): that is an answer too
  }
  tally.connections++;
  if (first !== undefined) peer.send(first);
  if (oversized) peer.send(OVERSIZED);
  for (let i = 0; i < count; i++) {
    peer.socket.send(randomFrame());
    tally.frames++;
  }
  await Promise.race([peer.closed, new Promise((resolve) => setTimeout(resolve, 300))]);
  peer.socket.terminate();
}

/** Raw TCP garbage and broken upgrade requests at the HTTP port itself. */
function fireTcp(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.on('close', done);
    setTimeout(done, 300);
    socket.on('connect', () => {
      const r = random();
      if (r < 0.4) socket.write(Buffer.from(Array.from({ length: int(512) + 1 }, () => int(256))));
      else if (r < 0.7) socket.write(`GET /agent HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Bearer ${TOKEN}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      else socket.write(`GET /${randomString()} HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomString()}\r\n\r\n`);
    });
  });
}

async function inBatches(jobs: (() => Promise<void>)[], width: number): Promise<void> {
  for (let i = 0; i < jobs.length; i += width) await Promise.all(jobs.slice(i, i + width).map((job) => job()));
}

describe('fuzzing the transport', () => {
  let coordinator: CoordinatorEndpoint;
  let attacher: CoordinatorEndpoint;
  let joinedAgent: AgentEndpoint;
  let listeningAgent: AgentEndpoint;
  let control: ControlClient;
  let joinedAtCoordinator: AgentJoin;
  let joinedAtAgent: AgentLink;
  let listenedAtCoordinator: AgentJoin;
  let listenedAtAgent: AgentLink;
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const downs: string[] = [];

  before(async () => {
    coordinator = await startCoordinatorEndpoint({ host: '127.0.0.1', port: 0, token: TOKEN, log, sessionTimeoutMs: 500, helloTimeoutMs: 1000 });
    coordinator.on('control', (c) =>
      c.on('request', (r) => c.send({ type: 'control/reply', id: r.id, ok: true, result: { type: r.type } })),
    );
    const joined = nextEvent(coordinator, 'agent');
    joinedAgent = await startAgentEndpoint({ agentId: 'honest-1', name: 'honest-1', workers: 1, token: TOKEN, join: { url: coordinator.url }, log });
    const [link] = (await nextEvent(joinedAgent, 'session')) as [AgentLink];
    joinedAtAgent = link;
    [joinedAtCoordinator] = (await joined) as [AgentJoin];
    control = await connectControl(coordinator.url, { token: TOKEN });

    listeningAgent = await startAgentEndpoint({ agentId: 'honest-2', name: 'honest-2', workers: 1, token: TOKEN, listen: { host: '127.0.0.1', port: 0 }, log });
    attacher = await startCoordinatorEndpoint({ host: '127.0.0.1', port: 0, log });
    const listened = nextEvent(attacher, 'agent');
    const session = nextEvent(listeningAgent, 'session');
    await attacher.attachAgent(listeningAgent.url, { token: TOKEN });
    [listenedAtCoordinator] = (await listened) as [AgentJoin];
    [listenedAtAgent] = (await session) as [AgentLink];

    for (const [name, l] of [['coordinator→joined', joinedAtCoordinator.link], ['joined agent', joinedAtAgent], ['attacher', listenedAtCoordinator.link], ['listening agent', listenedAtAgent]] as const) {
      l.on('down', () => downs.push(name));
    }
  });

  after(async () => {
    control?.close();
    await joinedAgent?.close();
    await listeningAgent?.close();
    await attacher?.close();
    await coordinator?.close();
  });

  test('several thousand random frames: no crash, honest links untouched, every bad connection closed with a reason', async () => {
    const tally: Barrage = { frames: 0, connections: 0 };
    const agentUrl = `${coordinator.url}/agent`;
    const controlUrl = `${coordinator.url}/control`;
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < 50; i++) jobs.push(() => fire(agentUrl, 25, tally));
    for (let i = 0; i < 30; i++) {
      const hello = { type: 'agent/hello', protocolVersion: PROTOCOL_VERSION, agentId: `fuzz-${i}`, name: `fuzz-${i}`, workers: 1, lastReceived: 0 };
      jobs.push(() => fire(agentUrl, 25, tally, hello));
    }
    for (let i = 0; i < 40; i++) jobs.push(() => fire(controlUrl, 25, tally));
    for (let i = 0; i < 40; i++) jobs.push(() => fire(listeningAgent.url, 25, tally));
    for (let i = 0; i < 30; i++) jobs.push(() => fireTcp(coordinator.port));
    for (let i = 0; i < 10; i++) jobs.push(() => fireTcp(listeningAgent.port!));
    // Oversized frames: before hello, after hello, on control, at the listening agent.
    jobs.push(() => fire(agentUrl, 1, tally, undefined, true));
    jobs.push(() => fire(agentUrl, 1, tally, { ...(TEMPLATES[0] as object), agentId: 'fuzz-big' }, true));
    jobs.push(() => fire(controlUrl, 1, tally, undefined, true));
    jobs.push(() => fire(listeningAgent.url, 1, tally, undefined, true));
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
    }
    await deadline(inBatches(jobs, 12), 25_000, 'the barrage');
    assert.ok(tally.frames >= 3000, `${tally.frames} frames fired`);
    assert.ok(tally.connections >= 150, `${tally.connections} connections`);
    assert.ok(logs.some((l) => l.includes('closing connection (1008)')), 'malformed frames closed with a logged reason');
    const oversized = logs.filter((l) => /Max payload size exceeded/.test(l));
    assert.ok(oversized.length >= 4, `every oversized frame closed its connection with a logged reason:\n${oversized.join('\n')}`);

    // Honest round trips after the barrage.
    const atAgent = nextEvent(joinedAtAgent, 'message');
    joinedAtCoordinator.link.send({ type: 'run/set-rate', runId: 'r', userRate: 42 } satisfies CoordinatorMessage);
    assert.deepEqual((await atAgent)[0], { type: 'run/set-rate', runId: 'r', userRate: 42 });
    const atCoordinator = nextEvent(joinedAtCoordinator.link, 'message');
    joinedAtAgent.send({ type: 'run/stopped', runId: 'r' } satisfies AgentMessage);
    assert.deepEqual((await atCoordinator)[0], { type: 'run/stopped', runId: 'r' });

    assert.deepEqual(await control.request({ type: 'control/status' }), { type: 'control/status' });

    const atListener = nextEvent(listenedAtAgent, 'message');
    listenedAtCoordinator.link.send({ type: 'run/stop', runId: 'r', force: false } satisfies CoordinatorMessage);
    assert.deepEqual((await atListener)[0], { type: 'run/stop', runId: 'r', force: false });
    const atAttacher = nextEvent(listenedAtCoordinator.link, 'message');
    listenedAtAgent.send({ type: 'run/prepared', runId: 'r' } satisfies AgentMessage);
    assert.deepEqual((await atAttacher)[0], { type: 'run/prepared', runId: 'r' });

    assert.deepEqual(downs, [], 'no honest link went down');
    assert.equal(control.closed, false);
  });
});
