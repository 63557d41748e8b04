import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatWhen, runIdOfArgument, runPickItem, runPickItems } from '../../../extension/dashboard/run-picks';
import type { HistoryEntry } from '../../../extension/runs/run-history';

function entry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    runId: 'run-1',
    title: 'http-api.plan.yaml',
    startedAt: new Date(2024, 4, 1, 14, 3, 7).getTime(),
    status: 'finished',
    file: '/h/run-1.json',
    endedAt: new Date(2024, 4, 1, 14, 4, 12).getTime(),
    endReason: 'duration',
    durationMs: 65_000,
    requests: 1234,
    failed: 3,
    rps: 18.987,
    p99: 42.25,
    errorPct: 0.2431,
    thresholdsOk: true,
    ...overrides,
  };
}

describe('runIdOfArgument', () => {
  test('reads a run id from a string, a run-like object, or a tree element holding one', () => {
    assert.equal(runIdOfArgument('run-7'), 'run-7');
    assert.equal(runIdOfArgument({ runId: 'run-7', title: 'x' }), 'run-7');
    assert.equal(runIdOfArgument({ kind: 'pastRun', entry: { runId: 'run-8' } }), 'run-8');
    assert.equal(runIdOfArgument({ kind: 'currentRun', run: { runId: 'run-9' } }), 'run-9');
  });

  test('anything else names no run', () => {
    for (const arg of [undefined, null, '', 7, [], {}, { runId: 5 }, { runId: '' }, { run: 'run-1' }, { entry: null }]) {
      assert.equal(runIdOfArgument(arg), undefined, JSON.stringify(arg));
    }
  });
});

describe('past run pick items', () => {
  test('title, when, how long and how it ended; the headline figures rounded', () => {
    assert.deepEqual(runPickItem(entry()), {
      label: 'http-api.plan.yaml',
      description: '2024-05-01 14:03:07 · 1 min 5 s · ran its duration',
      detail: '1234 requests · 19 req/s · p99 42.3 ms · 0.24% errors · thresholds ✓',
      runId: 'run-1',
    });
  });

  test('no request, failed thresholds, no thresholds, a failed run', () => {
    assert.match(runPickItem(entry({ p99: null, requests: 0 })).detail, /p99 – /);
    assert.match(runPickItem(entry({ thresholdsOk: false })).detail, /thresholds ✗$/);
    assert.doesNotMatch(runPickItem(entry({ thresholdsOk: null })).detail, /thresholds/);
    assert.match(runPickItem(entry({ endReason: 'error', status: 'error' })).description, /failed$/);
    assert.match(runPickItem(entry({ endReason: 'thresholds' })).description, /stopped by a threshold$/);
  });

  test('keeps the order it is given (newest first from the history)', () => {
    assert.deepEqual(runPickItems([entry({ runId: 'b' }), entry({ runId: 'a' })]).map((i) => i.runId), ['b', 'a']);
  });

  test('durations and dates', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(59_400), '59 s');
    assert.equal(formatDuration(120_000), '2 min');
    assert.equal(formatDuration(3_720_000), '1 h 2 min');
    assert.equal(formatDuration(3_600_000), '1 h');
    assert.equal(formatDuration(-5), '0 s');
    assert.equal(formatWhen(new Date(2023, 0, 2, 3, 4, 5).getTime()), '2023-01-02 03:04:05');
  });
});
