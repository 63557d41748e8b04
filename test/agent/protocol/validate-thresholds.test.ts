import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThreshold } from '../../../agent/plan/thresholds';
import { ProtocolError, parseControlPush, parseControlRequest } from '../../../agent/protocol/validate';
import { checkThresholdResult, checkThresholdResults, checkThresholdSpec } from '../../../agent/protocol/validate-thresholds';

const run = { scenario: { file: 'a.ts', code: '', sources: [] }, users: 1, userRate: 1, maintain: false, stages: [], planVariables: {}, cliVariables: {}, envVariables: {}, onAgentLoss: 'continue' };

function rejects(value: unknown, reason: RegExp): void {
  assert.throws(() => checkThresholdSpec(value, 'thresholds[0]'), (error: unknown) => error instanceof ProtocolError && reason.test(error.message));
}

describe('thresholds in a run request', () => {
  test('every spec the parser makes passes unchanged, alone and inside control/start-run', () => {
    const specs = ['p99 < 500ms', 'p95{GET /api/items} <= 200ms', 'error_rate < 1%', 'errors == 0', 'requests > 1000', 'rps >= 100',
      'checks{ok} > 99%', 'counter{chat.sent} > 0', 'histogram.p99{chat.delivery_ms} < 50'].map(parseThreshold);
    specs.push({ ...parseThreshold('p99 < 1s'), abortOnFail: true, delayMs: 10_000 });
    for (const spec of specs) assert.deepEqual(checkThresholdSpec(JSON.parse(JSON.stringify(spec)), 't'), spec);
    const request = parseControlRequest({ type: 'control/start-run', id: 1, run: { ...run, thresholds: specs } });
    assert.equal(request.type, 'control/start-run');
    assert.deepEqual(request.type === 'control/start-run' && request.run.thresholds, specs);
    const without = parseControlRequest({ type: 'control/start-run', id: 1, run });
    assert.equal(without.type === 'control/start-run' && without.run.thresholds, undefined, 'a client that predates thresholds');
  });

  test('bad specs are rejected with the field named', () => {
    const good = parseThreshold('p99 < 1s');
    rejects({ ...good, metric: 'latencyy' }, /thresholds\[0\]\.metric: expected one of/);
    rejects({ ...good, operator: '=' }, /\.operator: expected one of/);
    rejects({ ...good, limit: 'fast' }, /\.limit: expected a finite number/);
    rejects({ ...good, delayMs: -1 }, /\.delayMs: expected a number >= 0/);
    rejects({ ...good, abortOnFail: 'yes' }, /\.abortOnFail: expected a boolean/);
    rejects({ ...good, source: '' }, /\.source: expected a non-empty string/);
    rejects({ ...good, stat: undefined }, /metric latency needs a stat/);
    rejects({ ...parseThreshold('errors == 0'), stat: 'p99' }, /metric errors takes no stat/);
    rejects({ ...parseThreshold('counter{x} > 0'), name: undefined }, /metric counter needs a name/);
    rejects({ ...good, name: 'a}b' }, /cannot contain "}"/);
    assert.throws(() => parseControlRequest({ type: 'control/start-run', id: 1, run: { ...run, thresholds: [{ ...good, limit: null }] } }),
      /control\/start-run\.run\.thresholds\[0\]\.limit: expected a finite number/);
    assert.throws(() => parseControlRequest({ type: 'control/start-run', id: 1, run: { ...run, thresholds: 'p99<1s' } }), /run\.thresholds: expected an array/);
  });
});

describe('thresholds in a run result', () => {
  test('results: null actual allowed, anything else checked; absent reads as none', () => {
    const ok = { threshold: 'p99 < 1s', ok: true, actual: 12.5, unit: 'ms', line: 'p99 = 12.5 ms, limit < 1000 ms' };
    assert.deepEqual(checkThresholdResult(ok, 'r'), ok);
    const missing = { threshold: 'p99{x} < 1s', ok: false, actual: null, unit: 'ms', line: 'no data', aborted: true };
    assert.deepEqual(checkThresholdResult(missing, 'r'), missing);
    assert.throws(() => checkThresholdResult({ ...ok, actual: 'fast' }, 'r'), /r\.actual: expected a finite number/);
    assert.throws(() => checkThresholdResult({ ...ok, unit: 'seconds' }, 'r'), /r\.unit: expected one of/);
    assert.deepEqual(checkThresholdResults(undefined, 'r'), []);
    assert.throws(() => checkThresholdResults({}, 'r'), /expected an array/);
  });

  test('the threshold-failed event and the thresholds end reason are accepted', () => {
    const event = { kind: 'threshold-failed', at: 5, threshold: 'p99 < 1s', line: 'p99 = 1200 ms, limit < 1000 ms' };
    assert.deepEqual(parseControlPush({ type: 'run/event', runId: 'r1', event }), { type: 'run/event', runId: 'r1', event });
    assert.throws(() => parseControlPush({ type: 'run/event', runId: 'r1', event: { ...event, line: 3 } }), /event\.line: expected a string/);
  });
});
