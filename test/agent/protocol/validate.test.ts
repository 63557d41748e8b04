import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentMessage, CoordinatorMessage } from '../../../agent/protocol/cluster';
import type { ControlPush, ControlRequest, RunResultData, SeriesPoint } from '../../../agent/protocol/control';
import type { MetricSnapshot } from '../../../agent/protocol/snapshot';
import type { RunSummary } from '../../../agent/protocol/summary';
import {
  parseAgentMessage,
  parseClusterFrame,
  parseControlPush,
  parseControlRequest,
  parseCoordinatorMessage,
  parseJsonText,
  ProtocolError,
} from '../../../agent/protocol/validate';
import { seededRandom as rng } from '../../helpers/seeded-random';

function snapshot(): MetricSnapshot {
  return {
    version: 1,
    source: 'agent-1/worker-0',
    seq: 3,
    start: 1_700_000_000_000,
    end: 1_700_000_001_000,
    requests: {
      'GET /': {
        count: 10,
        failed: 1,
        status: { '2xx': 9, none: 1 },
        errors: { refused: 1 },
        bytesIn: 100,
        bytesOut: 20,
        latency: 'HISTFAAAACR4nJNpmSzMwMDAxQABzFCaEUzOmNZg/wEiAEkHBRs=',
        ttfb: 'HISTFAAAACR4nJNpmSzMwMDAxQABzFCaEUzOmNZg/wEiAEkHBRs=',
      },
    },
    errors: { refused: { count: 1, lastMessage: 'connection refused', lastName: 'GET /' } },
    ws: { connects: 0, connectFailures: 0, closes: 0, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 },
    users: { active: 2, started: 2, finished: 0, failed: 0, stopped: 0 },
    checks: { 'status is 200': { pass: 9, fail: 1 } },
    counters: { orders: 4 },
    histograms: { size: 'HISTFAAAACR4nJNpmSzMwMDAxQABzFCaEUzOmNZg/wEiAEkHBRs=' },
    userFailures: [{ message: 'boom', where: 'a.scenario.ts:3:5', count: 1 }],
    utilization: { eventLoop: 0.25, cpu: 0.5 },
  };
}

function summary(): RunSummary {
  const row = {
    name: 'GET /', count: 10, failed: 1, rps: 10, errorPct: 10, p50: 1, p90: 2, p99: 3, max: 4, mean: 1.5, bytesIn: 1, bytesOut: 2,
    status: { '1xx': 0, '2xx': 9, '3xx': 0, '4xx': 0, '5xx': 0, none: 1 },
  };
  return {
    version: 1, start: 1, end: 2, elapsedMs: 1000, requests: [row], total: { ...row, name: 'total' },
    checks: [{ name: 'ok', pass: 1, fail: 0 }],
    errors: [{ kind: 'refused', count: 1, lastMessage: 'refused' }],
    users: { started: 1, finished: 1, failed: 0, stopped: 0, active: 0, peakActive: 1 },
    ws: snapshot().ws,
    counters: [{ name: 'orders', value: 4, rate: 4 }],
    histograms: [{ name: 'size', count: 1, min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1 }],
    userFailures: [], otherUserFailures: 0,
    utilization: { eventLoop: 0.1, cpu: 0.2, mean: 0.2, peak: 0.3, overloaded: false },
    warnings: ['none'],
  };
}

const bundle = { file: '/w/a.scenario.ts', code: 'module.exports = {}', sources: ['/w/a.scenario.ts'] };
const runRequest = {
  scenario: bundle, users: 10, userRate: 600, durationMs: 5000, maintain: false,
  stages: [{ kind: 'ramp', to: 5, duration: 1000 }, { kind: 'hold', duration: 10 }, { kind: 'seq', interval: 100, users: [1, 2] }, { kind: 'aseq', interval: 100, add: 1, to: 3 }],
  planVariables: { a: 1 }, cliVariables: { b: [1, { c: null }] }, envVariables: { ROOKERY_X: 'y' }, onAgentLoss: 'redistribute', agents: ['a1'],
};

const coordinatorMessages: CoordinatorMessage[] = [
  { type: 'run/prepare', runId: 'r1', scenario: bundle, variables: { host: 'x', n: 3, deep: { a: [1] } }, userRate: 1200, maintain: true, gracePeriodMs: 2000 },
  { type: 'run/add-users', runId: 'r1', ranges: [{ from: 1, to: 5 }, { from: 9, to: 9 }] },
  { type: 'run/remove-users', runId: 'r1', count: 3, force: false },
  { type: 'run/update-variables', runId: 'r1', changes: { n: 4 } },
  { type: 'run/set-rate', runId: 'r1', userRate: 60.5 },
  { type: 'run/stop', runId: 'r1', force: true },
  { type: 'run/deliver', runId: 'r1', message: { to: 7, from: 3, data: { text: 'hi', n: [1, 2] } } },
  { type: 'run/throttle-lease', runId: 'r1', lease: { name: 't', rate: 30, interval: 60_000 } },
  { type: 'run/barrier-fire', runId: 'r1', fire: { name: 'pairs', item: 0, action: 1, event: { type: 'timeout', users: 1 }, pair: [{ userId: 5, data: null }, null] } },
];

const agentMessages: AgentMessage[] = [
  { type: 'run/prepared', runId: 'r1' },
  { type: 'run/failed', runId: 'r1', message: 'init threw', where: 'a.ts:1:1', code: 'ROOKERY_SCENARIO_INIT' },
  { type: 'run/snapshot', runId: 'r1', second: 1_700_000_000, snapshot: snapshot(), workers: [{ worker: 0, users: 2, utilization: { eventLoop: 0.1, cpu: 0.2 } }] },
  { type: 'run/user-error', runId: 'r1', userId: 7, message: 'boom' },
  { type: 'run/status', runId: 'r1', runningUsers: 3, pendingUsers: 0, idle: false },
  { type: 'run/stopped', runId: 'r1' },
  { type: 'run/command-failed', runId: 'r1', command: 'run/update-variables', message: 'hook threw' },
  { type: 'run/send', runId: 'r1', message: { to: 9, data: null } },
  { type: 'run/barrier', runId: 'r1', op: { kind: 'start', name: 'pairs', shape: { items: [{ users: [2, 4], actions: ['pairs', 'users'] }, { users: 'all', actions: ['event'] }], timeoutMs: 500 } } },
  { type: 'run/barrier', runId: 'r1', op: { kind: 'add', name: 'pairs', userId: 3, data: { id: 3 } } },
  { type: 'run/throttle', runId: 'r1', op: { kind: 'start', name: 't', rate: 600, interval: 60_000 } },
  { type: 'run/throttle', runId: 'r1', op: { kind: 'demand', demands: { t: 12, other: 0 } } },
];

const controlRequests = [
  { type: 'control/start-run', id: 1, run: runRequest },
  { type: 'control/stop', id: 2, force: false },
  { type: 'control/add-users', id: 3, count: 5, agents: ['a1'] },
  { type: 'control/remove-users', id: 4, count: 5, force: true },
  { type: 'control/update-variables', id: 5, changes: { x: 'y' } },
  { type: 'control/set-rate', id: 6, userRate: 100 },
  { type: 'control/status', id: 7 },
  { type: 'control/subscribe', id: 0 },
  { type: 'control/attach-agent', id: 9, url: 'ws://10.0.0.2:7400', token: 't' },
  { type: 'control/detach-agent', id: 10, agent: 'a1' },
] as ControlRequest[];

const agentInfo = {
  agentId: 'a1', name: 'host-1', state: 'running', workers: 2, ranges: [{ from: 1, to: 4 }], runningUsers: 4, rps: 10,
  utilization: { eventLoop: 0.1, cpu: 0.1 }, overloaded: false, lastSeen: 5,
};
const point: SeriesPoint = {
  runId: 'r1', second: 1_700_000_000, revision: 2, snapshot: snapshot(),
  agents: [{ agentId: 'a1', name: 'host-1', users: 2, rps: 10, errors: 1, utilization: { eventLoop: 0.1, cpu: 0.2 }, workers: [] }],
};
const result: RunResultData = {
  runId: 'r1',
  config: { scenarioFile: '/w/a.scenario.ts', users: 1, userRate: 60, maintain: false, stages: [], planVariables: {}, cliVariables: {}, onAgentLoss: 'continue' },
  variables: { values: { a: 1 }, sources: { a: 'plan' } },
  startedAt: 1, endedAt: 2, endReason: 'completed', series: [snapshot()], thresholds: [],
  agentSeries: [{ second: 1, agents: point.agents }], total: snapshot(), summary: summary(),
  events: [
    { kind: 'agent-joined', at: 1, agentId: 'a1', name: 'h' },
    { kind: 'agent-lost', at: 1, agentId: 'a1', name: 'h', users: 3, policy: 'redistribute', ranges: [{ from: 1, to: 3 }] },
    { kind: 'agent-reconnected', at: 1, agentId: 'a1', name: 'h' },
    { kind: 'users-redistributed', at: 1, fromAgent: 'a1', toAgents: ['a2'], ranges: [{ from: 1, to: 3 }] },
    { kind: 'agent-overloaded', at: 1, agentId: 'a1', name: 'h', utilization: 0.9 },
    { kind: 'user-error', at: 1, agentId: 'a1', userId: 2, message: 'x' },
    { kind: 'command-failed', at: 1, agentId: 'a1', command: 'run/set-rate', message: 'x' },
    { kind: 'status', at: 1, status: 'finished', reason: 'done' },
  ],
  agents: [{ agentId: 'a1', name: 'h', workers: 2, ranges: [{ from: 1, to: 3 }], peakUtilization: 0.4 }],
};
const controlPushes = [
  { type: 'control/reply', id: 1, ok: true, result: { runId: 'r1' } },
  { type: 'control/reply', id: 2, ok: true },
  {
    type: 'control/reply', id: 3, ok: false,
    error: {
      code: 'ROOKERY_VARIABLES', message: 'bad', where: 'plan.yaml:3:1', hint: 'fix it', problems: [{ message: 'p', where: 'w' }],
      variableProblems: [{ variable: 'n', kind: 'invalid', source: 'cli', value: 'x', reason: 'not a number' }],
    },
  },
  { type: 'run/point', point },
  { type: 'run/event', runId: 'r1', event: { kind: 'status', at: 1, status: 'running' } },
  { type: 'run/finished', result },
  {
    type: 'cluster/status',
    status: {
      coordinatorId: 'c', protocolVersion: 1, agents: [agentInfo],
      run: { runId: 'r1', status: 'running', scenarioFile: 'a', runningUsers: 1, pendingUsers: 0, highestUserId: 1, userRate: 1, variables: { values: {}, sources: {} } },
    },
  },
] as ControlPush[];

/** A deep copy with one change at a path (`a.b[0].c`), or a removal when value is DELETE. */
const DELETE = Symbol('delete');
function mutate(value: unknown, path: (string | number)[], replacement: unknown): any {
  const copy = structuredClone(value) as any;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1];
  if (replacement === DELETE) delete node[last];
  else node[last] = replacement;
  return copy;
}

function rejects(fn: () => unknown, reason: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.message, reason);
    assert.equal(error.code, 'ROOKERY_PROTOCOL');
    return true;
  });
}

describe('accepts every well-formed message', () => {
  for (const m of coordinatorMessages) {
    test(`coordinator → agent ${m.type}`, () => {
      assert.deepEqual(parseCoordinatorMessage(structuredClone(m)), m);
      const frame = { type: 'link/data', seq: 1, body: m };
      assert.deepEqual(parseClusterFrame(structuredClone(frame), 'coordinator'), frame);
    });
  }
  for (const m of agentMessages) {
    test(`agent → coordinator ${m.type}`, () => {
      assert.deepEqual(parseAgentMessage(structuredClone(m)), m);
      const frame = { type: 'link/data', seq: 7, body: m };
      assert.deepEqual(parseClusterFrame(structuredClone(frame), 'agent'), frame);
    });
  }
  test('link frames each way', () => {
    const hello = { type: 'agent/hello', protocolVersion: 1, agentId: 'a1', name: 'h', workers: 2, lastReceived: 0, runId: 'r1' };
    const welcome = { type: 'coordinator/welcome', protocolVersion: 1, coordinatorId: 'c', resumed: true, lastReceived: 5 };
    for (const from of ['agent', 'coordinator'] as const) {
      for (const f of [{ type: 'link/ack', seq: 0 }, { type: 'link/heartbeat', at: Date.now() }, { type: 'link/refused', reason: 'no' }]) {
        assert.deepEqual(parseClusterFrame(f, from), f);
      }
    }
    assert.deepEqual(parseClusterFrame(hello, 'agent'), hello);
    assert.deepEqual(parseClusterFrame(welcome, 'coordinator'), welcome);
  });
  for (const r of controlRequests) {
    test(`control request ${r.type}`, () => assert.deepEqual(parseControlRequest(structuredClone(r)), r));
  }
  for (const p of controlPushes) {
    test(`control push ${p.type}${p.type === 'control/reply' ? ` ok=${String(p.ok)}` : ''}`, () => {
      const parsed = parseControlPush(structuredClone(p)) as any;
      if (parsed.type === 'control/reply' && parsed.ok && parsed.result === undefined) delete parsed.result;
      assert.deepEqual(parsed, p);
    });
  }
  test('unknown extra fields are dropped, the rest is a fresh object', () => {
    const input = { type: 'run/stop', runId: 'r1', force: false, futureField: 1 };
    const out = parseCoordinatorMessage(input);
    assert.deepEqual(out, { type: 'run/stop', runId: 'r1', force: false });
    assert.notEqual(out, input);
  });
});

describe('rejects malformed messages with a precise reason', () => {
  const addUsers = coordinatorMessages[1];
  const cases: [string, () => unknown, string][] = [
    ['not an object', () => parseCoordinatorMessage('run/stop'), 'message: expected an object, got string'],
    ['array', () => parseCoordinatorMessage([]), 'message: expected an object, got an array'],
    ['null', () => parseAgentMessage(null), 'message: expected an object, got null'],
    ['missing type', () => parseCoordinatorMessage({ runId: 'r' }), 'message.type: expected a string'],
    ['unknown type', () => parseCoordinatorMessage({ type: 'run/explode' }), 'message.type: unknown type "run/explode"'],
    ['prototype type', () => parseCoordinatorMessage({ type: 'constructor' }), 'message.type: unknown type "constructor"'],
    ['agent message sent to an agent', () => parseCoordinatorMessage(agentMessages[0]), 'message.type: unknown type "run/prepared"'],
    ['float id', () => parseCoordinatorMessage(mutate(addUsers, ['ranges', 1, 'to'], 2.5)), 'run/add-users.ranges[1].to: expected an integer'],
    ['string id', () => parseCoordinatorMessage(mutate(addUsers, ['ranges', 0, 'from'], '1')), 'run/add-users.ranges[0].from: expected an integer'],
    ['zero id', () => parseCoordinatorMessage(mutate(addUsers, ['ranges', 0, 'from'], 0)), 'run/add-users.ranges[0].from: expected an integer >= 1'],
    ['reversed range', () => parseCoordinatorMessage(mutate(addUsers, ['ranges', 0], { from: 5, to: 2 })), 'run/add-users.ranges[0]: from (5) is greater than to (2)'],
    ['ranges not a list', () => parseCoordinatorMessage(mutate(addUsers, ['ranges'], {})), 'run/add-users.ranges: expected an array, got an object'],
    ['missing field', () => parseCoordinatorMessage(mutate(coordinatorMessages[5], ['force'], DELETE)), 'run/stop.force: expected a boolean'],
    ['null optional field', () => parseCoordinatorMessage(mutate(coordinatorMessages[0], ['gracePeriodMs'], null)), 'run/prepare.gracePeriodMs: expected a finite number'],
    ['negative rate', () => parseCoordinatorMessage(mutate(coordinatorMessages[4], ['userRate'], -1)), 'run/set-rate.userRate: expected a number >= 0'],
    ['infinite rate', () => parseCoordinatorMessage(parseJsonText('{"type":"run/set-rate","runId":"r","userRate":1e999}')), 'run/set-rate.userRate: expected a finite number'],
    ['empty run id', () => parseCoordinatorMessage(mutate(coordinatorMessages[5], ['runId'], '')), 'run/stop.runId: expected a non-empty string'],
    ['huge run id', () => parseCoordinatorMessage(mutate(coordinatorMessages[5], ['runId'], 'x'.repeat(1025))), 'run/stop.runId: longer than 1024 characters'],
    ['variables not a record', () => parseCoordinatorMessage(mutate(coordinatorMessages[3], ['changes'], [1])), 'run/update-variables.changes: expected an object, got an array'],
    ['__proto__ variable', () => parseCoordinatorMessage(parseJsonText('{"type":"run/update-variables","runId":"r","changes":{"__proto__":{"x":1}}}')), 'run/update-variables.changes: key "__proto__" is not allowed'],
    ['deep variable value', () => parseCoordinatorMessage(mutate(coordinatorMessages[3], ['changes', 'n'], JSON.parse('['.repeat(40) + ']'.repeat(40)))), 'run/update-variables.changes.n: nested deeper than 32 levels'],
    ['bundle without file', () => parseCoordinatorMessage(mutate(coordinatorMessages[0], ['scenario', 'file'], DELETE)), 'run/prepare.scenario.file: expected a string, got undefined'],
    ['snapshot version', () => parseAgentMessage(mutate(agentMessages[2], ['snapshot', 'version'], 2)), 'run/snapshot.snapshot.version: expected 1'],
    ['snapshot count', () => parseAgentMessage(mutate(agentMessages[2], ['snapshot', 'requests', 'GET /', 'count'], -1)), 'run/snapshot.snapshot.requests["GET /"].count: expected an integer >= 0'],
    ['snapshot status class', () => parseAgentMessage(mutate(agentMessages[2], ['snapshot', 'requests', 'GET /', 'status', '6xx'], 1)), 'run/snapshot.snapshot.requests["GET /"].status["6xx"]: unknown key (expected one of 1xx, 2xx, 3xx, 4xx, 5xx, none)'],
    ['snapshot error kind', () => parseAgentMessage(mutate(agentMessages[2], ['snapshot', 'errors', 'weird'], { count: 1, lastMessage: 'x' })), 'run/snapshot.snapshot.errors.weird: unknown key (expected one of refused, timeout, reset, tls, dns, http, protocol, aborted, other)'],
    ['snapshot histogram', () => parseAgentMessage(mutate(agentMessages[2], ['snapshot', 'histograms', 'size'], 5)), 'run/snapshot.snapshot.histograms.size: expected a string, got number'],
    ['snapshot gauge', () => parseAgentMessage(mutate(agentMessages[2], ['snapshot', 'users', 'active'], 'many')), 'run/snapshot.snapshot.users.active: expected an integer'],
    ['snapshot utilization', () => parseAgentMessage(mutate(agentMessages[2], ['snapshot', 'utilization'], DELETE)), 'run/snapshot.snapshot.utilization: expected an object, got undefined'],
    ['worker figures', () => parseAgentMessage(mutate(agentMessages[2], ['workers', 0, 'worker'], -1)), 'run/snapshot.workers[0].worker: expected an integer >= 0'],
    ['command-failed command', () => parseAgentMessage(mutate(agentMessages[6], ['command'], 'run/other')), 'run/command-failed.command: expected one of "run/prepare", "run/add-users", "run/remove-users", "run/update-variables", "run/set-rate", "run/stop"'],
    ['data seq 0', () => parseClusterFrame({ type: 'link/data', seq: 0, body: agentMessages[0] }, 'agent'), 'link/data.seq: expected an integer >= 1'],
    ['data without body', () => parseClusterFrame({ type: 'link/data', seq: 1 }, 'agent'), 'link/data.body: expected a message object'],
    ['data body of the other direction', () => parseClusterFrame({ type: 'link/data', seq: 1, body: agentMessages[0] }, 'coordinator'), 'message.type: unknown type "run/prepared"'],
    ['data body error', () => parseClusterFrame({ type: 'link/data', seq: 1, body: mutate(addUsers, ['ranges', 2], { from: 1, to: 'x' }) }, 'coordinator'), 'run/add-users.ranges[2].to: expected an integer'],
    ['hello from a coordinator', () => parseClusterFrame({ type: 'agent/hello' }, 'coordinator'), 'message.type: unknown type "agent/hello"'],
    ['hello workers', () => parseClusterFrame({ type: 'agent/hello', protocolVersion: 1, agentId: 'a', name: 'n', workers: 0, lastReceived: 0 }, 'agent'), 'agent/hello.workers: expected an integer >= 1'],
    ['welcome resumed', () => parseClusterFrame({ type: 'coordinator/welcome', protocolVersion: 1, coordinatorId: 'c', resumed: 'yes', lastReceived: 0 }, 'coordinator'), 'coordinator/welcome.resumed: expected a boolean'],
    ['ack seq', () => parseClusterFrame({ type: 'link/ack', seq: '3' }, 'agent'), 'link/ack.seq: expected an integer'],
    ['control request id', () => parseControlRequest({ type: 'control/status', id: -1 }), 'control/status.id: expected an integer >= 0'],
    ['control stage', () => parseControlRequest(mutate(controlRequests[0], ['run', 'stages', 1], { kind: 'wait', duration: 1 })), 'control/start-run.run.stages[1].kind: unknown kind "wait"'],
    ['control stage interval', () => parseControlRequest(mutate(controlRequests[0], ['run', 'stages', 2, 'interval'], 0)), 'control/start-run.run.stages[2].interval: expected a number >= 1'],
    ['control loss policy', () => parseControlRequest(mutate(controlRequests[0], ['run', 'onAgentLoss'], 'panic')), 'control/start-run.run.onAgentLoss: expected one of "continue", "redistribute", "abort"'],
    ['control env values', () => parseControlRequest(mutate(controlRequests[0], ['run', 'envVariables', 'ROOKERY_X'], 1)), 'control/start-run.run.envVariables.ROOKERY_X: expected a string, got number'],
    ['reply without ok', () => parseControlPush({ type: 'control/reply', id: 1 }), 'control/reply.ok: expected a boolean'],
    ['reply error without code', () => parseControlPush({ type: 'control/reply', id: 1, ok: false, error: { message: 'x' } }), 'control/reply.error.code: expected a string, got undefined'],
    ['point revision', () => parseControlPush({ type: 'run/point', point: { ...point, revision: 0 } }), 'run/point.point.revision: expected an integer >= 1'],
    ['event kind', () => parseControlPush({ type: 'run/event', runId: 'r', event: { kind: 'nope' } }), 'run/event.event.kind: unknown kind "nope"'],
    ['result summary', () => parseControlPush({ type: 'run/finished', result: mutate(result, ['summary', 'total', 'errorPct'], 101) }), 'run/finished.result.summary.total.errorPct: expected a number <= 100'],
    ['status agent state', () => parseControlPush(mutate(controlPushes[6], ['status', 'agents', 0, 'state'], 'gone')), 'cluster/status.status.agents[0].state: expected one of "ready", "preparing", "running", "stopping", "disconnected", "lost"'],
    ['not JSON', () => parseJsonText('{"type":'), 'frame: not valid JSON'],
  ];
  for (const [label, fn, reason] of cases) test(label, () => rejects(fn, reason));

  test('bounded lists', () => {
    const ranges = Array.from({ length: 1_000_001 }, () => 1);
    rejects(() => parseCoordinatorMessage({ type: 'run/add-users', runId: 'r', ranges }), 'run/add-users.ranges: more than 1000000 entries');
    rejects(() => parseAgentMessage({ type: 'run/user-error', runId: 'r', userId: 1, message: 'x'.repeat(1024 * 1024 + 1) }), 'run/user-error.message: longer than 1048576 characters');
  });
});


describe('random mutations', () => {
  test('a mutated message is either accepted as well-formed or rejected with a ProtocolError, nothing else', () => {
    const random = rng(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const weird = [null, -1, 0.5, 1e308, '', 'x', 'run/stop', true, [], {}, [1, 'a'], { type: 'run/stop' }, 2 ** 60, '__proto__'];
    const leaves = (value: unknown, path: (string | number)[] = []): (string | number)[][] => {
      if (typeof value !== 'object' || value === null) return [path];
      const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
      return [path, ...keys.flatMap((k) => leaves((value as any)[k], [...path, k]))];
    };
    const targets: [unknown, (json: unknown) => unknown][] = [
      ...coordinatorMessages.map((m) => [m, parseCoordinatorMessage] as [unknown, (j: unknown) => unknown]),
      ...agentMessages.map((m) => [m, parseAgentMessage] as [unknown, (j: unknown) => unknown]),
      ...controlRequests.map((m) => [m, parseControlRequest] as [unknown, (j: unknown) => unknown]),
      ...controlPushes.map((m) => [m, parseControlPush] as [unknown, (j: unknown) => unknown]),
    ];
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const [message, parse] = pick(targets);
      const paths = leaves(message).filter((p) => p.length > 0);
      const path = pick(paths);
      const input = mutate(message, path, random() < 0.15 ? DELETE : pick(weird));
      try {
        parse(input);
      } catch (error) {
        assert.ok(error instanceof ProtocolError, `${JSON.stringify(path)}: ${String(error)}`);
        rejected++;
      }
    }
    assert.ok(rejected > 1500, `most mutations should be rejected (${rejected})`);
  });
});
