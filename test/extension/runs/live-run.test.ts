import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentInfo, ClusterStatus, ControlPush, RunResultData } from '../../../agent/protocol/control';
import type { DashboardPoint, HostMessage, RequestTableRow } from '../../../agent/protocol/dashboard';
import type { RequestRow } from '../../../agent/protocol/summary';
import { finePoint } from '../../../extension/runs/dashboard-point';
import { LiveRun } from '../../../extension/runs/live-run';
import { originOfResult } from '../../../extension/runs/result-view';
import { parseHostMessage } from '../../../agent/protocol/validate-dashboard';
import { OTHER_NAME } from '../../../extension/runs/name-cap';
import { pushesOf, realRun, seriesPoints, SyntheticRun, spread } from '../../helpers/run-data';
import { PageMirror } from '../../helpers/page-mirror';


function row(r: RequestRow): RequestTableRow {
  return { name: r.name, count: r.count, failed: r.failed, rps: r.rps, p50: r.p50, p90: r.p90, p99: r.p99, max: r.max, errorPct: r.errorPct };
}

/** A row's figures that do not depend on the elapsed time. */
function figures(r: RequestTableRow): Omit<RequestTableRow, 'rps'> {
  const { rps: _rps, ...rest } = r;
  return rest;
}

/** Resolves with the next message a run sends; rejects after `ms`. */
function nextMessage(run: LiveRun, ms = 3000): Promise<HostMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no message within ${ms} ms`));
    }, ms);
    const stop = run.onMessage((m) => {
      clearTimeout(timer);
      stop();
      resolve(m);
    });
  });
}

let result: RunResultData;
const runs: LiveRun[] = [];
before(async () => {
  result = await realRun();
});
after(() => {
  for (const run of runs) run.dispose();
});

/** A run and every message it sends, each checked with the page's own guard (problems collected). */
function follow(options: Partial<ConstructorParameters<typeof LiveRun>[0]> & { runId: string }): { run: LiveRun; messages: HostMessage[]; problems: string[] } {
  const run = new LiveRun({ title: 'test', ...options });
  runs.push(run);
  const messages: HostMessage[] = [];
  const problems: string[] = [];
  run.onMessage((m) => {
    messages.push(m);
    try {
      parseHostMessage(structuredClone(m));
    } catch (error) {
      problems.push(`seq ${m.seq}: ${(error as Error).message}`);
    }
  });
  return { run, messages, problems };
}

describe('LiveRun following a real run', () => {
  test('fine points are the per-second figures; tables and headline match the run summary', () => {
    const { run, messages, problems } = follow({ runId: result.runId });
    const pushes = pushesOf(result);
    const finished = pushes.pop()!;
    for (const push of pushes) assert.equal(run.handle(push), true);
    run.flush();
    const origin = originOfResult(result);
    assert.deepEqual(run.points(), seriesPoints(result).map((p) => finePoint(p.second - origin, p.snapshot, p.agents)));
    const live = run.snapshot().view.tables;
    const summary = result.summary;
    assert.equal(live.status, 'running');
    assert.deepEqual(figures(live.total), figures(row(summary.total)));
    assert.deepEqual(live.requests.map(figures), summary.requests.map(row).map(figures));
    assert.deepEqual(live.errors, summary.errors);
    assert.deepEqual(live.checks, summary.checks);
    assert.deepEqual(live.histograms, summary.histograms);
    assert.deepEqual(live.counters.map((c) => [c.name, c.value]), summary.counters.map((c) => [c.name, c.value]));
    assert.equal(live.otherNames, 0);
    // The run is shorter than 10 s: the headline's "last 10 s" p99 is the whole run's.
    const headline = run.headline();
    assert.equal(headline.p99, summary.total.p99);
    assert.equal(headline.errors, summary.total.failed);
    const last = run.points()[run.points().length - 1];
    assert.equal(headline.rps, last.okRps + last.failedRps);

    assert.equal(run.handle(finished), true);
    const final = messages[messages.length - 1];
    assert.equal(final.type, 'dashboard/update', 'complete live data: a final update, no rebuild');
    if (final.type !== 'dashboard/update') return;
    assert.equal(final.endedAt, result.endedAt);
    assert.equal(final.tables.status, 'finished');
    assert.deepEqual(final.tables.total, row(summary.total));
    assert.deepEqual(final.tables.requests, summary.requests.map(row));
    assert.deepEqual(final.tables.thresholds, result.thresholds);
    assert.equal(final.tables.elapsedMs, result.endedAt - result.startedAt);
    for (const warning of summary.warnings) assert.ok(final.tables.warnings.includes(warning), warning);
    assert.deepEqual(final.tables.agents.map((a) => [a.agentId, a.state, a.utilization]), result.agents.map((a) => [a.agentId, 'finished', a.peakUtilization]));
    const done = run.headline();
    assert.deepEqual([done.status, done.rps, done.p99, done.errors, done.elapsedMs], ['finished', summary.total.rps, summary.total.p99, summary.total.failed, result.endedAt - result.startedAt]);
    assert.deepEqual(messages.map((m) => m.seq), messages.map((_, i) => i + 1));
    // Pushes after the end change nothing.
    assert.equal(run.handle(pushes[1]), true);
    assert.equal(messages.length, 2);
    assert.deepEqual(problems, [], 'the page accepts every message');
  });

  test('a cap of 2 names folds the rest into (other) with exact figures and a warning', () => {
    const { run, messages, problems } = follow({ runId: result.runId, nameCap: 2 });
    for (const push of pushesOf(result)) run.handle(push);
    const final = messages[messages.length - 1];
    assert.equal(final.type, 'dashboard/update');
    if (final.type !== 'dashboard/update') return;
    const tables = final.tables;
    const names = tables.requests.map((r) => r.name);
    assert.equal(names.length, 3);
    assert.equal(names[2], OTHER_NAME, '(other) comes last');
    assert.equal(tables.otherNames, result.summary.requests.length - 2);
    assert.equal(tables.nameCap, 2);
    const kept = result.summary.requests.filter((r) => names.includes(r.name));
    const other = tables.requests[2];
    assert.equal(other.count, result.summary.total.count - kept.reduce((n, r) => n + r.count, 0));
    assert.equal(other.failed, result.summary.total.failed - kept.reduce((n, r) => n + r.failed, 0));
    assert.deepEqual(tables.total, row(result.summary.total), 'the total does not change with the cap');
    assert.ok(tables.warnings.some((w) => w.startsWith(`${result.summary.requests.length - 2} request names beyond the first 2`)), tables.warnings.join('\n'));
    assert.deepEqual(problems, []);
  });

  test('subscribing late: the result rebuilds the points and a snapshot is sent', () => {
    const { run, messages, problems } = follow({ runId: result.runId });
    const pushes = pushesOf(result);
    for (const push of pushes.slice(-2)) run.handle(push); // the last point, then run/finished
    const final = messages[messages.length - 1];
    assert.equal(final.type, 'dashboard/snapshot');
    if (final.type !== 'dashboard/snapshot') return;
    assert.equal(final.seq, messages.length, 'a snapshot pushed unasked takes the next seq');
    assert.equal(final.view.points.length, result.series.length);
    assert.deepEqual(final.view.tables.total, row(result.summary.total));
    assert.equal(final.view.endedAt, result.endedAt);
    assert.deepEqual(problems, []);
  });

  test('a result that cannot be read does not break the run: the live figures stay, with a warning', () => {
    const { run, messages, problems } = follow({ runId: result.runId });
    const pushes = pushesOf(result);
    for (const push of pushes.slice(0, 3)) run.handle(push); // the status and two points: incomplete
    const broken: RunResultData = structuredClone(result);
    const name = Object.keys(broken.total.requests)[0];
    broken.total.requests[name].latency = 'AAAA';
    broken.series[broken.series.length - 1].requests[name].latency = 'AAAA';
    assert.equal(run.handle({ type: 'run/finished', result: broken }), true);
    const final = messages[messages.length - 1];
    assert.equal(final.type, 'dashboard/snapshot');
    if (final.type !== 'dashboard/snapshot') return;
    assert.equal(final.view.points.length, 2, 'the live points');
    assert.equal(final.view.tables.status, 'finished');
    assert.ok(final.view.tables.warnings.some((w) => w.startsWith("the run's result could not be read")), final.view.tables.warnings.join('\n'));
    assert.equal(run.headline().status, 'finished');
    assert.deepEqual(problems, []);
  });

  test('a point of a second before the start is left out live, and the result brings it back', () => {
    const { run, messages, problems } = follow({ runId: result.runId, startedAt: (originOfResult(result) + 1) * 1000 });
    // No status event (the start given is a second late), and the first two seconds arrive swapped.
    const pushes = pushesOf(result).slice(1);
    [pushes[0], pushes[1]] = [pushes[1], pushes[0]];
    const finished = pushes.pop()!;
    for (const push of pushes) run.handle(push);
    run.flush();
    assert.equal(run.points().length, result.series.length - 1);
    assert.ok(run.points().every((p) => p.second >= 0));
    run.handle(finished);
    const final = messages[messages.length - 1];
    assert.equal(final.type, 'dashboard/snapshot');
    assert.equal(run.points().length, result.series.length);
    assert.equal(run.points()[0].second, 0);
    assert.deepEqual(problems, []);
  });
});

describe('LiveRun messages', () => {
  test('seq is consecutive, and a snapshot plus the updates after it rebuild the view a fresh snapshot gives', () => {
    const synthetic = new SyntheticRun('run-long');
    let clock = synthetic.origin * 1000;
    const { run, messages, problems } = follow({ runId: synthetic.runId, startedAt: synthetic.origin * 1000, now: () => clock });
    const early = new PageMirror();
    early.apply(run.snapshot());
    run.onMessage((m) => early.apply(m));
    let late: PageMirror | undefined;
    for (let i = 0; i < 420; i++) {
      clock += 1000;
      run.handle({ type: 'run/point', point: synthetic.point(i, { requests: { a: spread(3, 1000, 2000 + i) }, users: i % 5 }) });
      if (i === 200) {
        // A second page loads between two updates, with changes pending: the updates after it repeat some.
        late = new PageMirror();
        late.apply(run.snapshot());
        run.onMessage((m) => late!.apply(m));
        run.setCompare({ runId: 'other', title: 'other', points: [] });
      }
      if (i === 300) run.handle({ type: 'run/point', point: synthetic.point(298, { requests: { a: [9_000_000] } }, 2) });
      if (i % 7 === 6) run.flush();
    }
    run.setCompare(undefined);
    run.flush();
    const fresh = run.snapshot().view;
    assert.ok(messages.some((m) => m.type === 'dashboard/update' && m.compacted), 'the run compacted');
    assert.deepEqual(messages.map((m) => m.seq), messages.map((_, i) => i + 1));
    assert.equal(early.gaps, 0);
    assert.equal(late!.gaps, 0);
    assert.deepEqual(early.view, fresh);
    assert.deepEqual(late!.view, fresh);
    assert.ok(fresh.points.some((p) => p.span > 1) && fresh.points.filter((p) => p.span === 1).length <= 300);
    assert.ok(fresh.points.find((p) => p.second === 298)!.latency!.max > 8990, 'the revision replaced second 298');
    assert.deepEqual(problems, []);
  });

  test('updates are throttled to one per second however points arrive', async () => {
    const synthetic = new SyntheticRun('run-burst');
    const { run } = follow({ runId: synthetic.runId });
    const first = nextMessage(run);
    for (let i = 0; i < 3; i++) run.handle({ type: 'run/point', point: synthetic.point(i, { requests: { a: [1000] } }) });
    const m1 = await first;
    const t1 = Date.now();
    assert.equal(m1.type, 'dashboard/update');
    assert.deepEqual(m1.type === 'dashboard/update' && m1.points.map((p) => p.second), [0, 1, 2], 'one update for the burst');
    const second = nextMessage(run);
    for (let i = 3; i < 5; i++) run.handle({ type: 'run/point', point: synthetic.point(i, { requests: { a: [1000] } }) });
    const m2 = await second;
    const waited = Date.now() - t1;
    assert.ok(waited >= 900, `the next update waited ${waited} ms`);
    assert.deepEqual(m2.type === 'dashboard/update' && m2.points.map((p) => p.second), [3, 4]);
    assert.equal(m2.seq, m1.seq + 1);
  });

  test('a revision replaces its point in the next update and in the totals', () => {
    const synthetic = new SyntheticRun('run-revised');
    const { run, messages } = follow({ runId: synthetic.runId });
    for (let i = 0; i < 5; i++) run.handle({ type: 'run/point', point: synthetic.point(i, { requests: { a: [1000] } }) });
    run.flush();
    run.handle({ type: 'run/point', point: synthetic.point(2, { requests: { a: [1000, 1000, 1000] } }, 2) });
    run.handle({ type: 'run/point', point: synthetic.point(2, { requests: { a: [1] } }, 1) }); // stale: ignored
    run.flush();
    const update = messages[messages.length - 1];
    assert.equal(update.type, 'dashboard/update');
    if (update.type !== 'dashboard/update') return;
    assert.deepEqual(update.points.map((p: DashboardPoint) => [p.second, p.okRps]), [[2, 3]]);
    assert.equal(update.tables.total.count, 7);
  });

  test('cluster status and events: agent rows, states and warnings; other runs are not taken', () => {
    const synthetic = new SyntheticRun('run-agents');
    const { run, messages, problems } = follow({ runId: synthetic.runId });
    const agent = (agentId: string, ranges: AgentInfo['ranges']): AgentInfo => ({
      agentId, name: agentId, state: 'running', workers: 1, ranges, runningUsers: 7, rps: 70, utilization: { eventLoop: 0.5, cpu: 0.1 }, overloaded: false, lastSeen: 0,
    });
    const status: ClusterStatus = {
      coordinatorId: 'c', protocolVersion: 1, agents: [agent('agent-1', [{ from: 1, to: 10 }]), agent('agent-2', [{ from: 11, to: 20 }]), agent('idle', [])],
      run: { runId: synthetic.runId, status: 'running', scenarioFile: 's.ts', runningUsers: 14, pendingUsers: 0, highestUserId: 20, userRate: 60, startedAt: synthetic.origin * 1000, variables: { values: {}, sources: {} } },
    };
    assert.equal(run.handle({ type: 'cluster/status', status }), true);
    run.handle({ type: 'run/point', point: synthetic.point(0, { requests: { a: [1000, 2000] }, users: 3 }) });
    const events: ControlPush[] = [
      { type: 'run/event', runId: synthetic.runId, event: { kind: 'agent-lost', at: 1, agentId: 'agent-2', name: 'agent-2', users: 10, policy: 'continue', ranges: [] } },
      { type: 'run/event', runId: synthetic.runId, event: { kind: 'user-error', at: 2, agentId: 'agent-1', userId: 3, message: 'boom', where: 's.ts:4:9' } },
      { type: 'run/event', runId: synthetic.runId, event: { kind: 'user-error', at: 3, agentId: 'agent-1', userId: 4, message: 'bang' } },
      { type: 'run/event', runId: synthetic.runId, event: { kind: 'agent-overloaded', at: 4, agentId: 'agent-1', name: 'agent-1', utilization: 0.91 } },
    ];
    for (const e of events) run.handle(e);
    assert.equal(run.handle({ type: 'run/point', point: { ...synthetic.point(1), runId: 'someone-else' } }), false);
    assert.equal(run.handle({ type: 'run/event', runId: 'someone-else', event: { kind: 'status', at: 0, status: 'error' } }), false);
    assert.equal(run.handle({ type: 'control/reply', id: 1, ok: true }), false);
    run.flush();
    const update = messages[messages.length - 1];
    assert.equal(update.type, 'dashboard/update');
    if (update.type !== 'dashboard/update') return;
    const t = update.tables;
    assert.equal(t.status, 'running');
    assert.deepEqual(t.agents.map((a) => [a.agentId, a.state, a.users, a.rps]), [['agent-1', 'running', 3, 2], ['agent-2', 'lost', 7, 70]]);
    assert.ok(t.warnings.some((w) => /agent-2 .* was lost with 10 users/.test(w)), t.warnings.join('\n'));
    assert.ok(t.warnings.includes('2 user errors; last: bang'), t.warnings.join('\n'));
    assert.ok(t.warnings.some((w) => /agent-1 .* overloaded 1 time \(utilization up to 0\.91\)/.test(w)));
    assert.equal(run.headline().users, 3);
    assert.deepEqual(problems, []);
    run.dispose();
    assert.equal(run.handle({ type: 'run/point', point: synthetic.point(2) }), false, 'a disposed run takes nothing');
  });

  test('a lost run: status error, the clock stopped, the reason among the warnings, sent at once; later pushes ignored', () => {
    let now = 0;
    const synthetic = new SyntheticRun('run-lost');
    now = synthetic.origin * 1000;
    const { run, messages, problems } = follow({ runId: synthetic.runId, startedAt: now, now: () => now });
    run.handle({ type: 'run/point', point: synthetic.point(0, { requests: { a: [1000] }, users: 2 }) });
    run.flush();
    now += 5000;
    run.markLost('the connection to the coordinator closed');
    const last = messages[messages.length - 1];
    assert.equal(last.type, 'dashboard/update');
    if (last.type !== 'dashboard/update') return;
    assert.equal(last.tables.status, 'error');
    assert.equal(last.endedAt, now);
    assert.ok(last.tables.warnings[0].includes('the run was lost: the connection to the coordinator closed'), last.tables.warnings.join('\n'));
    assert.equal(run.lost, 'the connection to the coordinator closed');
    now += 60_000;
    assert.equal(run.headline().elapsedMs, 5000, 'the clock stopped when the run was lost');
    assert.equal(run.headline().status, 'error');
    const count = messages.length;
    assert.equal(run.handle({ type: 'run/point', point: synthetic.point(1) }), false, 'a lost run takes nothing more');
    run.markLost('again');
    run.flush();
    assert.equal(messages.length, count);
    assert.deepEqual(problems, []);
  });
});
