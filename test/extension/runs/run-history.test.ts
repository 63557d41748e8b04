import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RookeryError } from '../../../agent/common/errors';
import { resultToJson, writeResultJson } from '../../../agent/output/json-result';
import type { RunResultData } from '../../../agent/protocol/control';
import { DASHBOARD_PROTOCOL_VERSION, type DashboardView } from '../../../agent/protocol/dashboard';
import { parseHostMessage } from '../../../agent/protocol/validate-dashboard';
import { RunHistory, fileNameOf, parseResultFile } from '../../../extension/runs/run-history';
import { mergeSnapshots } from '../../../agent/metrics/merge';
import { summarize } from '../../../agent/metrics/summary';
import { realRun, SyntheticRun } from '../../helpers/run-data';

let result: RunResultData;
const root = mkdtempSync(join(tmpdir(), 'rookery-history-'));
let folders = 0;
const newFolder = (): string => join(root, `h${folders++}`);
/** The page's own guard accepts the view as a snapshot (types, ranges, points in order without overlap). */
const assertPageAccepts = (view: DashboardView): void => void parseHostMessage({ type: 'dashboard/snapshot', seq: 0, protocol: DASHBOARD_PROTOCOL_VERSION, view });

/** The real result as if it were another run, `minutes` later. */
function another(runId: string, minutes: number): RunResultData {
  const shift = minutes * 60_000;
  return { ...result, runId, startedAt: result.startedAt + shift, endedAt: result.endedAt + shift };
}

before(async () => {
  result = await realRun();
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('RunHistory', () => {
  test('saves in the `--out` format, lists with headline figures, loads back the same figures', async () => {
    const history = new RunHistory(newFolder());
    const file = await history.save(result);
    assert.equal(file, join(history.folder, fileNameOf(result.runId)));
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(JSON.stringify(resultToJson(result))));
    assert.deepEqual(readdirSync(history.folder), [fileNameOf(result.runId)], 'no temporary file left behind');

    const { runs, skipped } = await history.list();
    assert.deepEqual(skipped, []);
    assert.equal(runs.length, 1);
    const entry = runs[0];
    const total = result.summary.total;
    assert.deepEqual(
      { runId: entry.runId, title: entry.title, startedAt: entry.startedAt, status: entry.status, requests: entry.requests, failed: entry.failed, rps: entry.rps, p99: entry.p99, endReason: entry.endReason },
      { runId: result.runId, title: 'run-data.scenario.ts', startedAt: result.startedAt, status: 'finished', requests: total.count, failed: total.failed, rps: total.rps, p99: total.p99, endReason: result.endReason },
    );
    assert.equal(entry.thresholdsOk, null, 'no thresholds');

    const view = await history.load(result.runId);
    assert.equal(view.runId, result.runId);
    assert.equal(view.points.length, result.series.length);
    assert.deepEqual(view.tables.total.count, total.count);
    assert.deepEqual([view.tables.total.p99, view.tables.total.rps], [total.p99, total.rps]);
    assert.equal(view.tables.status, 'finished');
    assertPageAccepts(view);
    assert.deepEqual(await history.readResult(result.runId), result, 'the file reads back as the same result');
  });

  test('lists newest first and prunes to the newest N, leaving other files alone', async () => {
    const history = new RunHistory(newFolder(), { keep: 3 });
    for (let i = 0; i < 3; i++) await history.save(another(`run-${i}`, i));
    writeFileSync(join(history.folder, 'notes.txt'), 'mine');
    assert.deepEqual((await history.list()).runs.map((r) => r.runId), ['run-2', 'run-1', 'run-0']);
    await history.save(another('run-3', 3)); // keep 3: run-0 goes
    assert.deepEqual((await history.list()).runs.map((r) => r.runId), ['run-3', 'run-2', 'run-1']);
    assert.deepEqual(await history.prune(1), ['run-2', 'run-1']);
    const { runs, skipped } = await history.list();
    assert.deepEqual(runs.map((r) => r.runId), ['run-3']);
    assert.deepEqual(skipped.map((s) => [s.file.endsWith('notes.txt'), s.reason]), [[true, 'not a .json file']]);
    assert.equal(readFileSync(join(history.folder, 'notes.txt'), 'utf8'), 'mine');
    // The view of one run lists the others for comparison.
    await history.save(another('run-4', 4));
    assert.deepEqual((await history.load('run-3')).runs.map((r) => r.runId), ['run-4']);
    assert.equal(await history.remove('run-4'), true);
    assert.equal(await history.remove('run-4'), false);
  });

  test('skips corrupt and foreign files with a reason, and never throws on listing', async () => {
    const folder = newFolder();
    const history = new RunHistory(folder);
    await history.save(result);
    const cliFile = join(folder, 'from-the-cli.json');
    await writeResultJson(cliFile, another('run-cli', 10)); // `rookery run --out` into the folder
    writeFileSync(join(folder, 'truncated.json'), readFileSync(join(folder, fileNameOf(result.runId)), 'utf8').slice(0, 500));
    writeFileSync(join(folder, 'package.json'), '{"name":"not-a-run"}');
    writeFileSync(join(folder, 'future.json'), JSON.stringify({ ...resultToJson(result), version: 99 }));
    const broken = JSON.parse(JSON.stringify(resultToJson(another('run-bad', 20))));
    broken.series[0].requests = 'lots';
    writeFileSync(join(folder, 'bad-series.json'), JSON.stringify(broken));
    writeFileSync(join(folder, 'copy.json'), readFileSync(join(folder, fileNameOf(result.runId))));
    mkdirSync(join(folder, 'sub.json'));
    const { runs, skipped } = await history.list();
    assert.deepEqual(runs.map((r) => r.runId), ['run-cli', result.runId]);
    const reasons = Object.fromEntries(skipped.map((s) => [s.file.slice(folder.length + 1), s.reason]));
    assert.match(reasons['truncated.json'], /not valid JSON/);
    assert.match(reasons['package.json'], /not a Rookery result/);
    assert.match(reasons['future.json'], /version 99/);
    assert.match(reasons['bad-series.json'], /series\[0\]\.requests/);
    assert.match(reasons['sub.json'], /not a file/);
    assert.ok(reasons['copy.json'] !== undefined || reasons[fileNameOf(result.runId)] !== undefined, 'one of two files of a run is skipped');
    assert.equal((await history.load('run-cli')).points.length, result.series.length);
    await assert.rejects(history.load('run-bad'), (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_STATE');
    // A missing folder lists as empty; an unreadable "folder" (a file) lists its reason.
    assert.deepEqual(await new RunHistory(join(folder, 'missing')).list(), { runs: [], skipped: [] });
    const notAFolder = await new RunHistory(cliFile).list();
    assert.equal(notAFolder.runs.length, 0);
    assert.match(notAFolder.skipped[0].reason, /cannot read the folder/);
    // A file changed since the last listing is read again.
    writeFileSync(cliFile, '{"format":"rookery-result"');
    assert.match((await history.list()).skipped.find((x) => x.file === cliFile)!.reason, /not valid JSON/);
    // Pruning never deletes what is not a run.
    await history.prune(1);
    assert.ok(readdirSync(folder).includes('package.json') && readdirSync(folder).includes('truncated.json'));
  });

  test('a long past run loads as bounded as a live one', async () => {
    const synthetic = new SyntheticRun('run-long', Math.floor(result.startedAt / 1000));
    const series = Array.from({ length: 900 }, (_, i) => synthetic.snapshot(i, { requests: { a: [1000 + i, 2000] }, users: 2 }));
    const agentSeries = series.map((s, i) => ({ second: synthetic.origin + i, agents: [{ agentId: 'a', name: 'a', users: 2, rps: 2, errors: 0, utilization: s.utilization, workers: [] }] }));
    const total = mergeSnapshots(series, 'latest');
    const long: RunResultData = {
      ...result, runId: 'run-long', series, agentSeries, total, events: [], thresholds: [],
      startedAt: synthetic.origin * 1000, endedAt: (synthetic.origin + 900) * 1000,
      summary: summarize(total, 900_000),
      agents: [{ agentId: 'a', name: 'a', workers: 1, ranges: [], peakUtilization: 0.25 }],
    };
    const history = new RunHistory(newFolder());
    await history.save(long);
    const view = await history.load('run-long');
    const fine = view.points.filter((p) => p.span === 1);
    assert.ok(fine.length <= 300 && fine.length > 250, `fine ${fine.length}`);
    assert.ok(view.points.length < 400, `points ${view.points.length}`);
    assert.equal(view.points.reduce((n, p) => n + p.okRps * p.span, 0), 1800);
    assert.equal(view.tables.total.count, 1800);
    assert.equal(view.tables.total.rps, 2);
    assertPageAccepts(view);
  });

  test('parseResultFile and the options refuse bad input', () => {
    assert.throws(() => parseResultFile('[1,2]'), /not a JSON object/);
    assert.throws(() => parseResultFile(JSON.stringify({ ...resultToJson(result), startedAt: 'yesterday' })), /ISO dates/);
    assert.throws(() => new RunHistory(root, { keep: 0 }), RangeError);
    assert.equal(fileNameOf('run/../../etc'), 'run_.._.._etc.json');
  });
});
