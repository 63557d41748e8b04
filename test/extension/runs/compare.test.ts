import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RookeryError } from '../../../agent/common/errors';
import type { RunResultData } from '../../../agent/protocol/control';
import { compareFromHistory, compareLive, comparedRun } from '../../../extension/runs/compare';
import { LiveRun } from '../../../extension/runs/live-run';
import { originOfResult } from '../../../extension/runs/result-view';
import { RunHistory } from '../../../extension/runs/run-history';
import { pushesOf, realRun, SyntheticRun } from '../../helpers/run-data';

let result: RunResultData;
const folder = mkdtempSync(join(tmpdir(), 'rookery-compare-'));
before(async () => {
  result = await realRun();
});
after(() => rmSync(folder, { recursive: true, force: true }));

describe('compared runs', () => {
  test('a past run compares with its points aligned on seconds since its start', async () => {
    const history = new RunHistory(folder);
    await history.save(result);
    const compared = await compareFromHistory(history, result.runId);
    assert.equal(compared.runId, result.runId);
    assert.equal(compared.title, 'run-data.scenario.ts');
    const origin = originOfResult(result);
    assert.deepEqual(compared.points.map((p) => p.second), result.series.map((s) => Math.floor(s.start / 1000) - origin));
    assert.equal(compared.points[0].second, 0);
    assert.equal(compared.points.reduce((n, p) => n + (p.okRps + p.failedRps) * p.span, 0), result.summary.total.count);
    await assert.rejects(compareFromHistory(history, 'run-nope'), (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_STATE');
  });

  test('a live run compares with the same points as its history, as a copy', () => {
    const live = new LiveRun({ runId: result.runId, title: 'live' });
    for (const push of pushesOf(result)) live.handle(push);
    const compared = compareLive(live);
    assert.equal(compared.title, 'live');
    assert.deepEqual(compared.points, live.points());
    compared.points[0].okRps = -1;
    compared.points[0].agents[0].rps = -1;
    assert.notEqual(live.points()[0].okRps, -1, 'the comparison does not share objects with the run');
    assert.notEqual(live.points()[0].agents[0].rps, -1);
    live.dispose();
  });

  test('points before the start, and from `until` on, are left out; order is by second', () => {
    const synthetic = new SyntheticRun();
    const live = new LiveRun({ runId: synthetic.runId, title: 's' });
    for (const i of [0, 4, 1, 2, 3, 5]) live.handle({ type: 'run/point', point: synthetic.point(i, { requests: { a: [1000] } }) });
    assert.deepEqual(compareLive(live, { until: 3 }).points.map((p) => p.second), [0, 1, 2]);
    const shifted = live.points().map((p) => ({ ...p, second: p.second - 2 }));
    const compared = comparedRun({ runId: 'x', title: 'x', points: shifted.reverse() });
    assert.deepEqual(compared.points.map((p) => p.second), [0, 1, 2, 3]);
    live.dispose();
  });
});
