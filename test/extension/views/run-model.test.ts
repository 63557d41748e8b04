import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunHeadline } from '../../../extension/runs/live-run';
import type { HistoryEntry } from '../../../extension/runs/run-history';
import { currentRunNode, formatWhen, metricNodes, pastGroupNode, pastRunNode, pastRunNodes, PAST_RUNS_LABEL } from '../../../extension/views/run-model';

const headline: RunHeadline = { runId: 'run-1', title: 'http-api.plan.yaml', status: 'running', users: 50, rps: 1234.5, p99: 40.4, errors: 0, elapsedMs: 65_000 };

function entry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  const startedAt = new Date(2024, 2, 4, 14, 3).getTime();
  return { runId: 'run-p', title: 'http-api.plan.yaml', startedAt, status: 'finished', file: '/h/run-p.json', endedAt: startedAt + 18_000, endReason: 'completed', durationMs: 18_000, requests: 900, failed: 0, rps: 50, p99: 12, errorPct: 0, thresholdsOk: null, ...overrides };
}

describe('run-model', () => {
  test('the current run: its title, its status, the dashboard id', () => {
    const node = currentRunNode(headline);
    assert.equal(node.id, 'run:current');
    assert.equal(node.label, 'http-api.plan.yaml');
    assert.equal(node.description, 'running');
    assert.equal(node.runId, 'run-1');
    assert.ok(node.running);
    assert.ok(!node.warning);
    assert.equal(node.tooltip, 'http-api.plan.yaml — running\n50 users · 1.2k req/s · p99 40 ms · 0 err\nelapsed 1:05\nrun run-1');
    assert.equal(currentRunNode({ ...headline, status: 'terminating' }).description, 'stopping');
    const ended = currentRunNode({ ...headline, status: 'error' });
    assert.ok(ended.warning && !ended.running);
    assert.ok(currentRunNode({ ...headline, errors: 3 }).warning);
  });

  test('its children: users, req/s, p99, errors, elapsed — fixed labels, live descriptions', () => {
    assert.deepEqual(metricNodes(headline).map((n) => [n.id, n.label, n.description]), [
      ['run:users', 'Users', '50'],
      ['run:rps', 'Requests/s', '1.2k'],
      ['run:p99', 'p99', '40 ms'],
      ['run:errors', 'Errors', '0'],
      ['run:elapsed', 'Elapsed', '1:05'],
    ]);
    const none = metricNodes({ ...headline, users: 0, rps: 0, p99: null, errors: 2 });
    assert.deepEqual(none.map((n) => n.description), ['0', '0', '–', '2', '1:05']);
    assert.equal(none[3].icon, 'warning');
  });

  test('past runs: one group, each run labelled by title, described by when and how it ended', () => {
    assert.deepEqual(pastGroupNode(0), { kind: 'pastGroup', id: 'run:past', label: PAST_RUNS_LABEL });
    assert.equal(pastGroupNode(3).description, '3');
    const now = new Date(2024, 2, 4, 18, 0).getTime();
    const node = pastRunNode(entry(), now);
    assert.equal(node.id, 'run:past:run-p');
    assert.equal(node.label, 'http-api.plan.yaml');
    assert.equal(node.description, '14:03 · completed · 50 req/s');
    assert.ok(!node.failed);
    assert.match(node.tooltip, /ran 0:18 \(completed\)\n900 requests, 0 failed · 50 req\/s · p99 12 ms\nrun run-p$/);
    const failed = pastRunNode(entry({ endReason: 'thresholds', failed: 9, errorPct: 1, thresholdsOk: false }), now);
    assert.equal(failed.description, '14:03 · stopped by a threshold · 50 req/s · 1% errors · thresholds ✗');
    assert.ok(failed.failed);
    assert.equal(pastRunNode(entry({ failed: 1, errorPct: 0.01, thresholdsOk: true }), now).description, '14:03 · completed · 50 req/s · <0.1% errors · thresholds ✓');
    assert.ok(pastRunNode(entry({ status: 'error', endReason: 'error' }), now).failed);
  });

  test('past runs keep their order, each once', () => {
    const nodes = pastRunNodes([entry({ runId: 'b' }), entry({ runId: 'a' }), entry({ runId: 'b' })], Date.now());
    assert.deepEqual(nodes.map((n) => n.runId), ['b', 'a']);
  });

  test('formatWhen: the time today, the date before', () => {
    const at = new Date(2024, 2, 4, 9, 5).getTime();
    assert.equal(formatWhen(at, new Date(2024, 2, 4, 23, 59).getTime()), '09:05');
    assert.equal(formatWhen(at, new Date(2024, 5, 1).getTime()), 'Mar 4 09:05');
    assert.equal(formatWhen(at, new Date(2025, 0, 1).getTime()), '2024-03-04 09:05');
  });
});
