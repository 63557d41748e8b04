import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterStatus, ControlPush, RunInfo, RunResultData, RunStatusName } from '../../../agent/protocol/control';
import type { RunHeadline } from '../../../extension/runs/live-run';
import { RunFollower, type RunOutcome, type RunPhase } from '../../../extension/runs/run-follower';
import { pushesOf, realRun, SyntheticRun } from '../../helpers/run-data';
import { waitFor } from '../../helpers/scenario-files';

/** A follower with short timings and everything it reports recorded. */
function follow(options: { headlineMs?: number; resultDeadlineMs?: number; bufferLimit?: number } = {}) {
  const seen = { phases: [] as RunPhase[], headlines: [] as { at: number; headline: RunHeadline | undefined }[], outcomes: [] as RunOutcome[], started: 0 };
  const follower = new RunFollower(
    { title: 'demo.plan.yaml', headlineMs: options.headlineMs ?? 20, resultDeadlineMs: options.resultDeadlineMs ?? 80, ...(options.bufferLimit ? { bufferLimit: options.bufferLimit } : {}) },
    {
      phase: (p) => seen.phases.push(p),
      headline: (headline) => seen.headlines.push({ at: Date.now(), headline }),
      end: (o) => seen.outcomes.push(o),
      started: () => seen.started++,
    },
  );
  followers.push(follower);
  return { follower, seen };
}
const followers: RunFollower[] = [];
after(() => followers.forEach((f) => f.dispose()));

function status(run?: Partial<RunInfo> & { runId: string; status: RunStatusName }): ControlPush {
  const s: ClusterStatus = { coordinatorId: 'c', protocolVersion: 1, agents: [] };
  if (run) s.run = { scenarioFile: '/s.ts', runningUsers: 1, pendingUsers: 0, highestUserId: 1, userRate: 60, variables: { values: {}, sources: {} }, ...run };
  return { type: 'cluster/status', status: s };
}

function synthetic(n: number, runId = 'run-synthetic'): { run: SyntheticRun; pushes: ControlPush[] } {
  const run = new SyntheticRun(runId, Math.floor(Date.now() / 1000));
  const pushes: ControlPush[] = [];
  for (let i = 0; i < n; i++) pushes.push({ type: 'run/point', point: run.point(i, { requests: { 'GET /': [1000, 2000, 3000] }, failed: { 'GET /': 1 }, users: 4 }) });
  return { run, pushes };
}

describe('RunFollower with a real run', () => {
  let result: RunResultData;
  before(async () => {
    result = await realRun();
  });

  test('pushes before the run id are replayed into the run; run/finished ends it', async () => {
    const { follower, seen } = follow();
    const pushes = pushesOf(result);
    const finished = pushes.pop();
    assert.equal(finished?.type, 'run/finished');
    for (const push of pushes) follower.push(push);
    follower.push({ type: 'control/reply', id: 1, ok: true }); // replies are not the run's
    assert.equal(follower.phase, 'starting');
    assert.equal(follower.live, undefined);
    const live = follower.started(result.runId);
    assert.equal(seen.started, 1);
    assert.equal(follower.phase, 'running');
    assert.equal(live.headline().status, 'running');
    assert.equal(live.points().length, result.series.length);
    // Another run's point changes nothing.
    follower.push(synthetic(1, 'run-other').pushes[0]);
    assert.equal(live.points().length, result.series.length);
    follower.push(finished!);
    assert.deepEqual(follower.outcome, { kind: 'finished', result });
    assert.deepEqual(seen.phases, ['running', 'idle']);
    await waitFor(() => seen.headlines.at(-1)?.headline?.status === 'finished', 'the final headline', 2000);
    const last = seen.headlines.at(-1)!.headline!;
    assert.equal(last.runId, result.runId);
    assert.equal(last.errors, result.summary.total.failed);
    assert.ok(last.errors > 0);
    assert.equal(last.elapsedMs, result.endedAt - result.startedAt);
    // Nothing after the end changes the outcome.
    follower.disconnected('late');
    assert.equal(follower.outcome?.kind, 'finished');
  });
});

describe('RunFollower', () => {
  test('the coordinator going away mid-run loses the run, and its headline stops at that moment', async () => {
    const { follower, seen } = follow();
    const { pushes } = synthetic(3);
    follower.started('run-synthetic', Date.now() - 3000);
    for (const push of pushes) follower.push(push);
    follower.disconnected('1006 connection reset');
    assert.equal(follower.phase, 'idle');
    assert.ok(follower.lost);
    assert.equal(follower.outcome?.kind, 'lost');
    assert.match((follower.outcome as { reason: string }).reason, /connection to the coordinator was lost during the run \(1006 connection reset\)/);
    const frozen = follower.headline();
    assert.equal(frozen?.status, 'error');
    assert.equal(frozen?.users, 4);
    assert.equal(follower.live?.headline().status, 'error'); // the dashboard's run says so too
    await waitFor(() => seen.headlines.some((h) => h.headline?.status === 'error'), 'the lost headline', 2000);
    const before = Date.now();
    await waitFor(() => Date.now() - before > 30, 'time to pass');
    assert.equal(follower.headline()?.elapsedMs, frozen?.elapsedMs);
    follower.push({ type: 'run/finished', result: {} as RunResultData });
    assert.equal(follower.outcome?.kind, 'lost');
    assert.deepEqual(seen.phases, ['running', 'idle']);
  });

  test('a run the coordinator reports gone, with no result, is lost after the deadline', async () => {
    const { follower, seen } = follow({ resultDeadlineMs: 60 });
    follower.started('run-synthetic');
    follower.push(status()); // no run any more
    assert.equal(follower.phase, 'running');
    await waitFor(() => seen.outcomes.length > 0, 'the deadline', 3000);
    assert.equal(follower.outcome?.kind, 'lost');
    assert.match((follower.outcome as { reason: string }).reason, /result did not arrive/);
  });

  test('a run/event saying the run ended arms the same deadline', async () => {
    const { follower, seen } = follow({ resultDeadlineMs: 60 });
    follower.started('run-synthetic');
    follower.push({ type: 'run/event', runId: 'run-synthetic', event: { kind: 'status', at: Date.now(), status: 'error', reason: 'every agent was lost' } });
    await waitFor(() => seen.outcomes.length > 0, 'the deadline', 3000);
    assert.equal(follower.outcome?.kind, 'lost');
  });

  test('the coordinator showing the run again disarms the deadline; terminating means stopping', async () => {
    const { follower } = follow({ resultDeadlineMs: 60 });
    follower.started('run-synthetic');
    follower.push(status());
    follower.push(status({ runId: 'run-synthetic', status: 'running' }));
    const start = Date.now();
    await waitFor(() => Date.now() - start > 200, 'well past the deadline', 1000);
    assert.equal(follower.outcome, undefined);
    assert.equal(follower.phase, 'running');
    follower.push(status({ runId: 'run-synthetic', status: 'terminating' }));
    assert.equal(follower.phase, 'stopping');
  });

  test('statuses from before the start reply do not arm the deadline', async () => {
    const { follower } = follow({ resultDeadlineMs: 40 });
    follower.push(status()); // the coordinator had no run yet
    follower.started('run-synthetic');
    const start = Date.now();
    await waitFor(() => Date.now() - start > 150, 'well past the deadline', 1000);
    assert.equal(follower.outcome, undefined);
  });

  test('stopRequested and stopFailed move between running and stopping', () => {
    const { follower, seen } = follow();
    follower.stopRequested(); // nothing to stop yet
    assert.equal(follower.phase, 'starting');
    follower.started('run-synthetic');
    follower.push(status({ runId: 'run-synthetic', status: 'running' }));
    follower.stopRequested();
    assert.equal(follower.phase, 'stopping');
    follower.stopFailed();
    assert.equal(follower.phase, 'running');
    assert.deepEqual(seen.phases, ['running', 'stopping', 'running']);
  });

  test('a disconnect while starting is left to the start request; startFailed ends with nothing followed', () => {
    const { follower, seen } = follow();
    follower.push(synthetic(1).pushes[0]);
    follower.disconnected('closed');
    assert.equal(follower.phase, 'starting');
    const error = new Error('refused');
    follower.startFailed(error);
    assert.deepEqual(follower.outcome, { kind: 'not-started', error });
    assert.deepEqual(seen.phases, ['idle']);
    assert.equal(follower.live, undefined);
    assert.equal(follower.headline(), undefined);
  });

  test('the buffer keeps the newest pushes only', () => {
    const { follower } = follow({ bufferLimit: 3 });
    const { run, pushes } = synthetic(6);
    for (const push of pushes) follower.push(push);
    const live = follower.started('run-synthetic', run.origin * 1000);
    assert.deepEqual(live.points().map((p) => p.second), [3, 4, 5]);
  });

  test('headlines: at most one per interval, and they tick while the run goes on', async () => {
    const { follower, seen } = follow({ headlineMs: 40 });
    follower.started('run-synthetic');
    const { pushes } = synthetic(30);
    for (const push of pushes) follower.push(push);
    follower.push(status({ runId: 'run-synthetic', status: 'terminating' }));
    await waitFor(() => seen.headlines.length >= 4, 'four headlines', 3000);
    const gaps = seen.headlines.slice(1).map((h, i) => h.at - seen.headlines[i].at);
    for (const gap of gaps) assert.ok(gap >= 35, `headlines ${gap} ms apart`);
    assert.equal(seen.headlines.at(-1)?.headline?.users, 4);
  });
});
