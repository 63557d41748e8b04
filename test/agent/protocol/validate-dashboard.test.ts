import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { DashboardPoint, DashboardTables, DashboardView, HostMessage, PageMessage } from '../../../agent/protocol/dashboard';
import {
  isHostMessage,
  isPageMessage,
  parseHostMessage,
  parsePageMessage,
  pointOrderProblem,
} from '../../../agent/protocol/validate-dashboard';
import { ProtocolError } from '../../../agent/protocol/validate-core';

function point(second: number, span = 1): DashboardPoint {
  return {
    second,
    span,
    okRps: 100,
    failedRps: 2.5,
    latency: { p50: 1.2, p90: 3, p99: 9.5, max: 20 },
    users: 10,
    errorsPerSecond: { http: 2, timeout: 0.5 },
    agents: [{ agentId: 'a1', name: 'agent one', utilization: 0.4, rps: 50, users: 5 }],
    counters: { orders: 3 },
    checks: { pass: 100, fail: 2 },
  };
}

function tables(): DashboardTables {
  const row = { name: 'GET /', count: 10, failed: 1, rps: 5, p50: 1, p90: 2, p99: 3, max: 4, errorPct: 10 };
  return {
    status: 'running',
    elapsedMs: 2000,
    requests: [row, { ...row, name: '(other)' }],
    total: { ...row, name: 'total' },
    errors: [{ kind: 'http', count: 1, lastMessage: 'HTTP 500', lastName: 'GET /' }],
    agents: [{ agentId: 'a1', name: 'agent one', state: 'running', users: 5, rps: 5, utilization: 0.9 }],
    checks: [{ name: 'ok', pass: 9, fail: 1 }],
    counters: [{ name: 'orders', value: 3, rate: 1.5 }],
    histograms: [{ name: 'size', count: 1, min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1 }],
    otherNames: 3,
    nameCap: 100,
    thresholds: [{ threshold: 'p99<500ms', ok: true, actual: 3, unit: 'ms', line: 'p99 = 3 ms, limit < 500 ms' }],
    warnings: ['careful'],
  };
}

function view(): DashboardView {
  return {
    runId: 'r1',
    title: 'a run',
    startedAt: 1_700_000_000_000,
    points: [point(0, 10), point(10), point(11)],
    tables: tables(),
    runs: [{ runId: 'r0', title: 'before', startedAt: 1_600_000_000_000, status: 'finished' }],
    compare: { runId: 'r0', title: 'before', points: [point(0)] },
  };
}

const hostMessages: HostMessage[] = [
  { type: 'dashboard/snapshot', seq: 1, protocol: 1, view: view() },
  { type: 'dashboard/snapshot', seq: 0, protocol: 1, view: { ...view(), points: [], compare: undefined, startedAt: undefined } },
  { type: 'dashboard/update', seq: 2, points: [point(12), point(11)], tables: tables() },
  { type: 'dashboard/update', seq: 3, points: [], compacted: { upTo: 20, points: [point(0, 20)] }, tables: tables(), endedAt: 5 },
  { type: 'dashboard/compare', seq: 4, compare: { runId: 'r0', title: 'before', points: [] } },
  { type: 'dashboard/compare', seq: 5 },
];

const pageMessages: PageMessage[] = [
  { type: 'dashboard/ready' },
  { type: 'dashboard/resync', lastSeq: 0 },
  { type: 'dashboard/resync', lastSeq: 41 },
  { type: 'dashboard/compare', runId: 'r0' },
  { type: 'dashboard/compare' },
];

/** JSON round trip, as postMessage of plain data would give (undefined fields dropped). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function reason(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof ProtocolError, String(error));
    assert.equal(error.code, 'ROOKERY_PROTOCOL');
    return error.message;
  }
  assert.fail('expected a ProtocolError');
}

describe('dashboard host messages (what the page accepts)', () => {
  test('every valid message passes and comes back equal', () => {
    for (const message of hostMessages) {
      assert.ok(isHostMessage(plain(message)), message.type);
      assert.deepEqual(parseHostMessage(plain(message)), plain(message));
    }
  });

  test('unknown fields are dropped (a newer host may add some), and the result is a copy', () => {
    const input = { ...plain(hostMessages[4]), extra: 1 };
    const parsed = parseHostMessage(input);
    assert.deepEqual(parsed, plain(hostMessages[4]));
    assert.notEqual(parsed, input);
  });

  test('bad messages are refused with the path and the reason', () => {
    const snapshot = () => plain(hostMessages[0]) as Extract<HostMessage, { type: 'dashboard/snapshot' }>;
    const cases: [unknown, RegExp][] = [
      [null, /^message: expected an object/],
      ['dashboard/snapshot', /expected an object/],
      [{ type: 'dashboard/explode', seq: 1 }, /^message\.type: unknown type "dashboard\/explode"/],
      [{ ...snapshot(), protocol: 2 }, /^dashboard\/snapshot\.protocol: expected 1/],
      [{ ...snapshot(), seq: -1 }, /^dashboard\/snapshot\.seq: expected an integer >= 0/],
      [{ ...snapshot(), seq: 1.5 }, /seq: expected an integer/],
      [{ ...snapshot(), view: { ...snapshot().view, runId: '' } }, /view\.runId: expected a non-empty string/],
      [{ ...snapshot(), view: { ...snapshot().view, points: [point(5), point(3)] } }, /view\.points: points\[1\] \(second 3\) overlaps or precedes/],
      [{ ...snapshot(), view: { ...snapshot().view, points: [point(0, 10), point(9)] } }, /overlaps or precedes points\[0\]/],
      [{ ...snapshot(), view: { ...snapshot().view, tables: { ...tables(), status: 'exploded' } } }, /view\.tables\.status: expected one of/],
      [{ ...snapshot(), view: { ...snapshot().view, tables: { ...tables(), total: { ...tables().total, errorPct: 101 } } } }, /total\.errorPct: expected a number <= 100/],
      [{ ...snapshot(), view: { ...snapshot().view, runs: [{ runId: 'x', title: 't', startedAt: 1, status: 'running', extra: 1 }, 'x'] } }, /view\.runs\[1\]: expected an object/],
      [{ type: 'dashboard/update', seq: 1, points: 'nope', tables: tables() }, /^dashboard\/update\.points: expected an array/],
      [{ type: 'dashboard/update', seq: 1, points: [{ ...point(1), span: 0 }], tables: tables() }, /points\[0\]\.span: expected an integer >= 1/],
      [{ type: 'dashboard/update', seq: 1, points: [{ ...point(1), okRps: Infinity }], tables: tables() }, /points\[0\]\.okRps: expected a finite number/],
      [{ type: 'dashboard/update', seq: 1, points: [{ ...point(1), errorsPerSecond: { boom: 1 } }], tables: tables() }, /errorsPerSecond\.boom: unknown key/],
      [{ type: 'dashboard/update', seq: 1, points: [{ ...point(1), latency: { p50: 1 } }], tables: tables() }, /latency\.p90: expected a finite number/],
      [{ type: 'dashboard/update', seq: 1, points: [], tables: { ...tables(), requests: undefined } }, /tables\.requests: expected an array/],
      [{ type: 'dashboard/update', seq: 1, points: [], tables: tables(), compacted: { upTo: -1, points: [] } }, /compacted\.upTo: expected an integer >= 0/],
      [{ type: 'dashboard/update', seq: 1, points: [], tables: { ...tables(), thresholds: [{ threshold: 'x', ok: 'yes' }] } }, /thresholds\[0\]\.ok: expected a boolean/],
      [{ type: 'dashboard/compare', seq: 1, compare: { runId: 'r', title: 't' } }, /compare\.points: expected an array/],
    ];
    for (const [input, expected] of cases) {
      assert.equal(isHostMessage(input), false, JSON.stringify(input).slice(0, 120));
      assert.match(reason(() => parseHostMessage(input)), expected);
    }
  });

  test('a __proto__ key in a record is refused (JSON.parse makes it an own property)', () => {
    const input = JSON.parse(`{"type":"dashboard/update","seq":1,"tables":${JSON.stringify(tables())},"points":[${JSON.stringify(point(1)).replace('"counters":{', '"counters":{"__proto__":1,')}]}`);
    assert.match(reason(() => parseHostMessage(input)), /counters: key "__proto__" is not allowed/);
  });

  test('pointOrderProblem accepts adjacent points and names the first overlap', () => {
    assert.equal(pointOrderProblem([point(0, 10), point(10), point(11)]), undefined);
    assert.equal(pointOrderProblem([]), undefined);
    assert.match(pointOrderProblem([point(0), point(1), point(1)]) ?? '', /^points\[2\]/);
  });
});

describe('dashboard page messages (what the extension accepts from an untrusted page)', () => {
  test('every valid message passes', () => {
    for (const message of pageMessages) {
      assert.ok(isPageMessage(plain(message)), JSON.stringify(message));
      assert.deepEqual(parsePageMessage(plain(message)), plain(message));
    }
  });

  test('anything else is refused, unknown fields included', () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /^message: expected an object/],
      [[], /^message: expected an object, got an array/],
      [{}, /^message\.type: expected a string/],
      [{ type: 'dashboard/snapshot', seq: 1 }, /unknown type "dashboard\/snapshot"/],
      [{ type: 'dashboard/ready', command: 'rm -rf /' }, /^dashboard\/ready\.command: unknown field/],
      [{ type: 'dashboard/resync' }, /^dashboard\/resync\.lastSeq: expected an integer/],
      [{ type: 'dashboard/resync', lastSeq: -1 }, /lastSeq: expected an integer >= 0/],
      [{ type: 'dashboard/resync', lastSeq: '3' }, /lastSeq: expected an integer/],
      [{ type: 'dashboard/compare', runId: '' }, /runId: expected a non-empty string/],
      [{ type: 'dashboard/compare', runId: 'x'.repeat(1025) }, /runId: longer than 1024 characters/],
      [{ type: 'dashboard/compare', runId: 7 }, /runId: expected a string/],
      [{ type: 'dashboard/compare', runId: 'r0', points: [] }, /compare\.points: unknown field/],
      [{ type: 'x'.repeat(100_000) }, /unknown type "x{60}…"/],
    ];
    for (const [input, expected] of cases) {
      assert.equal(isPageMessage(input), false, JSON.stringify(input)?.slice(0, 80));
      assert.match(reason(() => parsePageMessage(input)), expected);
    }
  });

  test('a host message is not a page message, and the reverse', () => {
    for (const message of hostMessages) assert.equal(isPageMessage(plain(message)), false, message.type);
    for (const message of pageMessages) assert.equal(isHostMessage(plain(message)), false, message.type);
  });
});
