import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResultData } from '../../../agent/protocol/control';
import type { HostMessage, RunListing } from '../../../agent/protocol/dashboard';
import { parseHostMessage } from '../../../agent/protocol/validate-dashboard';
import { panelTitle, routePageMessage, statusOfMessage, withDeadline, type RouterDeps, type RunSource } from '../../../extension/dashboard/panel-router';
import { StaticRun } from '../../../extension/dashboard/static-run';
import { compareFromHistory, compareLive } from '../../../extension/runs/compare';
import { LiveRun } from '../../../extension/runs/live-run';
import { RunHistory } from '../../../extension/runs/run-history';
import { pushesOf, realRun } from '../../helpers/run-data';
import { PageMirror } from '../../helpers/page-mirror';


/** A panel without VS Code: the router's answers and the source's messages, posted in order to a mirror. */
function panelOf(source: RunSource, deps: RouterDeps) {
  const posted: HostMessage[] = [];
  const page = new PageMirror();
  const post = (m: HostMessage) => {
    posted.push(m);
    page.apply(m);
  };
  const stop = source.onMessage(post);
  return {
    posted,
    page,
    stop,
    async send(raw: unknown) {
      const result = await routePageMessage(raw, source, deps);
      if (result.kind === 'post') post(result.message);
      return result;
    },
  };
}

let result: RunResultData;
let folder: string;
let history: RunHistory;
const OTHER = 'run-other';
const live: LiveRun[] = [];

function listing(entries: readonly RunListing[]): RunListing[] {
  return entries.map(({ runId, title, startedAt, status }) => ({ runId, title, startedAt, status }));
}

function historyDeps(overrides: Partial<RouterDeps> = {}): RouterDeps {
  return {
    listRuns: async () => listing((await history.list()).runs),
    loadCompared: (runId) => compareFromHistory(history, runId),
    ...overrides,
  };
}

function liveRunOf(runId = result.runId): LiveRun {
  const run = new LiveRun({ runId, title: 'the live run', throttleMs: 60_000 });
  live.push(run);
  return run;
}

before(async () => {
  result = await realRun();
  folder = mkdtempSync(join(tmpdir(), 'rookery-router-'));
  history = new RunHistory(folder);
  await history.save(result);
  await history.save({ ...result, runId: OTHER, startedAt: result.startedAt - 60_000, endedAt: result.endedAt - 60_000 });
});

after(() => {
  for (const run of live) run.dispose();
  rmSync(folder, { recursive: true, force: true });
});

describe('routePageMessage with a live run', () => {
  test('ready: a snapshot at the seq of the last message, listing the other runs but not this one', async () => {
    const run = liveRunOf();
    const pushes = pushesOf(result);
    pushes.pop();
    for (const push of pushes.slice(0, 3)) run.handle(push);
    run.flush();
    const panel = panelOf(run, historyDeps());
    const answer = await panel.send({ type: 'dashboard/ready' });
    assert.equal(answer.kind, 'post');
    assert.equal(panel.posted.length, 1);
    const snapshot = panel.posted[0];
    assert.equal(snapshot.type, 'dashboard/snapshot');
    assert.equal(snapshot.seq, 1, 'one update went out before the page asked');
    assert.deepEqual(snapshot.type === 'dashboard/snapshot' && snapshot.view.runs.map((r) => r.runId), [OTHER]);
    assert.equal(statusOfMessage(snapshot), 'running');
    panel.stop();
  });

  test('a page that loads mid-run and follows the updates ends with exactly a fresh snapshot', async () => {
    const run = liveRunOf();
    const pushes = pushesOf(result);
    const half = Math.ceil(pushes.length / 2);
    for (const push of pushes.slice(0, half)) run.handle(push);
    run.flush();
    const panel = panelOf(run, historyDeps());
    await panel.send({ type: 'dashboard/ready' });
    for (const push of pushes.slice(half, -1)) {
      run.handle(push);
      run.flush();
    }
    // A lost message: the page asks again and gets a snapshot that continues the sequence.
    await panel.send({ type: 'dashboard/resync', lastSeq: panel.page.lastSeq });
    run.handle(pushes[pushes.length - 1]);
    run.flush();
    assert.equal(panel.page.gaps, 0);
    const fresh = run.snapshot();
    assert.equal(panel.page.lastSeq, fresh.seq);
    const expected = parseHostMessage(structuredClone(fresh));
    assert.equal(expected.type, 'dashboard/snapshot');
    assert.deepEqual(panel.page.view, expected.type === 'dashboard/snapshot' ? expected.view : undefined);
    assert.equal(panel.page.view?.tables.status, 'finished');
    const seqs = panel.posted.map((m) => m.seq);
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] >= seqs[i - 1], `seq went back: ${seqs.join(',')}`);
    panel.stop();
  });

  test('compare: the other run from the history is drawn, then removed, through the run\'s own stream', async () => {
    const run = liveRunOf();
    for (const push of pushesOf(result)) run.handle(push);
    const panel = panelOf(run, historyDeps());
    await panel.send({ type: 'dashboard/ready' });
    const before = panel.posted.length;
    assert.deepEqual(await panel.send({ type: 'dashboard/compare', runId: OTHER }), { kind: 'done' });
    const compare = panel.posted[before];
    assert.equal(compare.type, 'dashboard/compare');
    assert.equal(compare.seq, panel.posted[before - 1].seq + 1);
    const expected = await compareFromHistory(history, OTHER);
    assert.deepEqual(compare.type === 'dashboard/compare' && compare.compare, expected);
    assert.ok(expected.points.length > 0);
    assert.deepEqual(panel.page.view?.compare, expected);
    // A page reloaded now gets the comparison in its snapshot.
    assert.deepEqual(run.snapshot().view.compare, expected);

    assert.deepEqual(await panel.send({ type: 'dashboard/compare' }), { kind: 'done' });
    const removed = panel.posted[panel.posted.length - 1];
    assert.deepEqual(removed, { type: 'dashboard/compare', seq: compare.seq + 1 });
    assert.equal(panel.page.view?.compare, undefined);
    panel.stop();
  });

  test('compare with another live run uses its points', async () => {
    const run = liveRunOf();
    const other = liveRunOf(OTHER);
    for (const push of pushesOf({ ...result, runId: OTHER })) other.handle(push);
    const deps = historyDeps({ loadCompared: async (id) => (id === OTHER ? compareLive(other) : compareFromHistory(history, id)) });
    const panel = panelOf(run, deps);
    await panel.send({ type: 'dashboard/compare', runId: OTHER });
    const message = panel.posted[panel.posted.length - 1];
    assert.equal(message.type, 'dashboard/compare');
    assert.deepEqual(message.type === 'dashboard/compare' && message.compare?.points, other.points());
    panel.stop();
  });

  test('compare with a run that is gone, or with itself, fails and sends nothing', async () => {
    const run = liveRunOf();
    const panel = panelOf(run, historyDeps());
    const gone = await panel.send({ type: 'dashboard/compare', runId: 'run-pruned' });
    assert.equal(gone.kind, 'failed');
    assert.match(gone.kind === 'failed' ? gone.reason : '', /run-pruned.*not in the run history/);
    const self = await panel.send({ type: 'dashboard/compare', runId: run.runId });
    assert.equal(self.kind, 'failed');
    assert.equal(panel.posted.length, 0);
    panel.stop();
  });

  test('messages the protocol does not allow are refused with a reason, and nothing is sent', async () => {
    const run = liveRunOf();
    const panel = panelOf(run, historyDeps());
    const bad: unknown[] = [
      null,
      'dashboard/ready',
      [],
      { type: 'dashboard/ready', extra: true },
      { type: 'dashboard/resync', lastSeq: -1 },
      { type: 'dashboard/resync' },
      { type: 'dashboard/compare', runId: 42 },
      { type: 'dashboard/snapshot', seq: 0 },
      { type: 'run/stop' },
    ];
    for (const raw of bad) {
      const answer = await panel.send(raw);
      assert.equal(answer.kind, 'invalid', JSON.stringify(raw));
      assert.ok(answer.kind === 'invalid' && answer.reason.length > 0);
    }
    assert.equal(panel.posted.length, 0);
    panel.stop();
  });

  test('a history that does not answer delays the snapshot by the deadline only', async () => {
    const run = liveRunOf();
    run.setRuns([{ runId: OTHER, title: 'listed before', startedAt: 1, status: 'finished' }]);
    const deps = historyDeps({ listRuns: () => new Promise(() => undefined), loadCompared: () => new Promise(() => undefined), deadlineMs: 50 });
    const panel = panelOf(run, deps);
    const started = Date.now();
    const answer = await panel.send({ type: 'dashboard/ready' });
    assert.equal(answer.kind, 'post');
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(panel.page.view?.runs.map((r) => r.title), ['listed before']);
    const compare = await panel.send({ type: 'dashboard/compare', runId: OTHER });
    assert.equal(compare.kind, 'failed');
    assert.match(compare.kind === 'failed' ? compare.reason : '', /longer than 50 ms/);
    panel.stop();
  });
});

describe('routePageMessage with a past run (StaticRun)', () => {
  test('ready, compare and a reload: numbered like a live run, the comparison kept', async () => {
    const source = new StaticRun(await history.load(result.runId));
    const panel = panelOf(source, historyDeps());
    await panel.send({ type: 'dashboard/ready' });
    const first = panel.posted[0];
    assert.equal(first.type, 'dashboard/snapshot');
    assert.equal(first.seq, 0);
    assert.equal(statusOfMessage(first), 'finished');
    assert.deepEqual(first.type === 'dashboard/snapshot' && first.view.runs.map((r) => r.runId), [OTHER]);
    await panel.send({ type: 'dashboard/compare', runId: OTHER });
    assert.equal(panel.posted[1].seq, 1);
    await panel.send({ type: 'dashboard/ready' });
    const reload = panel.posted[2];
    assert.equal(reload.seq, 1);
    assert.equal(reload.type === 'dashboard/snapshot' && reload.view.compare?.runId, OTHER);
    assert.equal(panel.page.gaps, 0);
    // The page's copy does not change under the source.
    if (reload.type === 'dashboard/snapshot') reload.view.points.length = 0;
    assert.ok(source.snapshot().view.points.length > 0);
    panel.stop();
    source.dispose();
  });
});

describe('panel titles and deadlines', () => {
  test('the title carries the run status in words', () => {
    assert.equal(panelTitle('http-api.plan.yaml', 'running'), 'http-api.plan.yaml (running)');
    assert.equal(panelTitle('http-api.plan.yaml', 'terminating'), 'http-api.plan.yaml (stopping)');
    assert.equal(panelTitle('http-api.plan.yaml', 'error'), 'http-api.plan.yaml (failed)');
    assert.equal(panelTitle('x', undefined), 'x');
  });

  test('withDeadline passes results and errors through, and rejects late ones', async () => {
    assert.equal(await withDeadline(Promise.resolve(7), 1000, 'x'), 7);
    await assert.rejects(withDeadline(Promise.reject(new Error('boom')), 1000, 'x'), /boom/);
    await assert.rejects(withDeadline(new Promise(() => undefined), 20, 'waiting'), /waiting took longer than 20 ms/);
  });
});
