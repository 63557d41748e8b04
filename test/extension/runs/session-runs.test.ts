import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResultData } from '../../../agent/protocol/control';
import { LiveRun } from '../../../extension/runs/live-run';
import { titleOf } from '../../../extension/runs/result-view';
import { RunHistory, type HistoryEntry } from '../../../extension/runs/run-history';
import { entryOfLiveRun, SessionRuns } from '../../../extension/runs/session-runs';
import { pushesOf, realRun, SyntheticRun } from '../../helpers/run-data';

const folder = mkdtempSync(join(tmpdir(), 'rookery-session-'));
const lives: LiveRun[] = [];
after(() => {
  lives.forEach((l) => l.dispose());
  rmSync(folder, { recursive: true, force: true });
});

function liveRun(runId: string, title = runId): LiveRun {
  const live = new LiveRun({ runId, title });
  lives.push(live);
  return live;
}

function entry(runId: string, startedAt: number): HistoryEntry {
  return { runId, title: runId, startedAt, status: 'finished', file: `/h/${runId}.json`, endedAt: startedAt + 1000, endReason: 'completed', durationMs: 1000, requests: 1, failed: 0, rps: 1, p99: 1, errorPct: 0, thresholdsOk: null };
}

describe('entryOfLiveRun', () => {
  let result: RunResultData;
  before(async () => {
    result = await realRun();
  });

  test('a finished run reads exactly as the history lists its saved result', async () => {
    const live = liveRun(result.runId, titleOf(result));
    for (const push of pushesOf(result)) live.handle(push);
    const history = new RunHistory(folder);
    const file = await history.save(result);
    const listed = (await history.list()).runs.find((r) => r.runId === result.runId);
    assert.ok(listed);
    assert.deepEqual(entryOfLiveRun(live, file), listed);
  });

  test('a lost run (no result): an error, with what was received and how long it ran', () => {
    const run = new SyntheticRun('run-lost', Math.floor(Date.now() / 1000) - 10);
    const live = liveRun('run-lost', 'lost.plan.yaml');
    live.handle({ type: 'run/event', runId: 'run-lost', event: { kind: 'status', at: run.origin * 1000, status: 'running' } });
    for (let i = 0; i < 3; i++) live.handle({ type: 'run/point', point: run.point(i, { requests: { a: [1000, 2000] }, failed: { a: 1 }, users: 2 }) });
    const e = entryOfLiveRun(live, '', { reason: 'gone', elapsedMs: 3210 });
    assert.equal(e.status, 'error');
    assert.equal(e.endReason, 'error');
    assert.equal(e.title, 'lost.plan.yaml');
    assert.equal(e.startedAt, run.origin * 1000);
    assert.equal(e.durationMs, 3210);
    assert.equal(e.endedAt, run.origin * 1000 + 3210);
    assert.equal(e.requests, 6);
    assert.equal(e.failed, 3);
    assert.equal(e.errorPct, 50);
    assert.equal(e.thresholdsOk, null);
  });
});

describe('SessionRuns', () => {
  test('past runs: this session\'s newest first (the saved entry when there is one), then the rest of the history', () => {
    const session = new SessionRuns();
    const a = liveRun('run-a');
    const b = liveRun('run-b');
    session.add(a, { reason: 'lost', elapsedMs: 10 });
    session.add(b);
    session.saved('run-b', '/h/run-b.json');
    const history = [entry('run-c', 3000), entry('run-b', 2000), entry('run-d', 1000)];
    const past = session.pastRuns(history);
    assert.deepEqual(past.map((e) => e.runId), ['run-b', 'run-a', 'run-c', 'run-d']);
    assert.equal(past[0], history[1]);
    assert.equal(past[1].status, 'error');
    assert.equal(past[1].file, '');
    assert.deepEqual(session.lost('run-a'), { reason: 'lost', elapsedMs: 10 });
    assert.equal(session.lost('run-b'), undefined);
  });

  test('bounded: the oldest runs are handed back for disposal; adding a run again moves it', () => {
    const session = new SessionRuns(2);
    const [x, y, z] = [liveRun('x'), liveRun('y'), liveRun('z')];
    assert.deepEqual(session.add(x), []);
    assert.deepEqual(session.add(y), []);
    assert.deepEqual(session.add(x), []);
    assert.deepEqual(session.all().map((l) => l.runId), ['x', 'y']);
    assert.deepEqual(session.add(z), [y]);
    assert.equal(session.get('y'), undefined);
    assert.equal(session.get('x'), x);
    assert.deepEqual(session.clear(), [x, z]);
    assert.deepEqual(session.pastRuns([]), []);
  });
});
