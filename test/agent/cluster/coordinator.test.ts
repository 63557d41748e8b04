import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Coordinator } from '../../../agent/cluster/coordinator';
import { RookeryError } from '../../../agent/common/errors';
import { createHistogram, decodeHistogram, type HdrHistogram } from '../../../agent/metrics/histogram';
import type { ScenarioBundle } from '../../../agent/protocol/cluster';
import { VariablesError } from '../../../agent/variables/variables-error';
import { bundleFor, FAKE_REQUEST, runRequest, type FakeAgentOptions, fakeCluster, type FakeCluster } from '../../helpers/fake-agent';
import { ScenarioDir } from '../../helpers/scenario-files';

// `target` is read_only; `pause` may change; `level` has a hook that must never run in the coordinator.
const SCENARIO = `
import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    target: variable({ description: 'base URL', default: 'http://127.0.0.1:1' }),
    pause: variable({ description: 'ms between requests', default: 20, update: 'none' }),
    level: variable<number>({
      description: 'a level', default: 1,
      verify: (v) => typeof v === 'number' && v >= 0,
      update: () => { throw new Error('hooks run on the agents, not in the coordinator'); },
    }),
  },
  async start() {},
});`;

const NEEDS_TOKEN = `
import { scenario, variable } from 'rookery';
export default scenario({
  variables: { token: variable({ description: 'API token' }), port: variable({ description: 'port', default: 80, verify: [80, 443] }) },
  async start() {},
});`;

const dir = new ScenarioDir();
let bundle: ScenarioBundle;
let needsToken: ScenarioBundle;
const cleanups: (() => unknown)[] = [];

before(async () => {
  bundle = await bundleFor(dir.write('cluster.scenario.ts', SCENARIO));
  needsToken = await bundleFor(dir.write('needs-token.scenario.ts', NEEDS_TOKEN));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
after(() => dir.remove());

/** A coordinator with fake agents of these workers (agent-1, agent-2, ...), all reporting the same seconds. */
function cluster(workers: number[], options: Partial<FakeAgentOptions>[] = []): FakeCluster {
  const firstSecond = Math.floor(Date.now() / 1000);
  const c = fakeCluster(workers, workers.map((_, i) => ({ firstSecond, ...options[i] })), { url: 'ws://127.0.0.1:7400' });
  cleanups.push(() => c.close());
  return c;
}

function histogramOf(values: number[]): HdrHistogram {
  const h = createHistogram();
  for (const v of values) h.record(v);
  return h;
}

function figures(h: HdrHistogram): number[] {
  return [h.count, h.min, h.mean, ...[25, 50, 90, 99, 99.9].map((q) => h.percentile(q)), h.max];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('Coordinator runs', () => {
  test('12 users over 1/2/3 workers: contiguous ranges 2/4/6, ids 1..12, exact merged totals and histogram', async () => {
    const { coordinator, agents, log } = cluster([1, 2, 3]);
    const { runId } = await coordinator.startRun(runRequest(bundle, { users: 12 }));
    assert.match(runId, /^run-/);
    await Promise.all(agents.map((a) => a.waitFor((x) => x.messages('run/add-users').length > 0, 'its users')));
    assert.deepEqual(agents.map((a) => a.givenIds), [range(1, 2), range(3, 6), range(7, 12)]);
    assert.deepEqual(agents.map((a) => a.messages('run/prepare')[0]!.userRate), [10_000, 20_000, 30_000], 'rate split by workers');
    assert.deepEqual(coordinator.status().agents.map((a) => a.ranges), [[{ from: 1, to: 2 }], [{ from: 3, to: 6 }], [{ from: 7, to: 12 }]]);

    for (let t = 0; t < 3; t++) for (const agent of agents) agent.tick();
    await log.waitFor((l) => (l.points().length >= 3 ? true : undefined), 'three merged seconds');
    assert.ok(log.points().every((p) => p.revision === 1 && p.agents.length === 3), 'complete seconds go out once');
    assert.equal(log.points()[0]!.snapshot.users.active, 12);

    const result = await coordinator.stop();
    assert.equal(result.runId, runId);
    assert.equal(result.endReason, 'stopped');
    const total = result.total.requests[FAKE_REQUEST]!;
    assert.equal(total.count, agents.reduce((s, a) => s + a.requests, 0));
    assert.equal(total.count, 12 * 2 * 3);
    assert.equal(total.failed, agents.reduce((s, a) => s + a.failed, 0));
    assert.deepEqual(figures(decodeHistogram(total.latency)), figures(histogramOf(agents.flatMap((a) => a.latencies))));
    assert.equal(result.summary.total.count, total.count);
    assert.equal(result.summary.users.started, 12);
    assert.equal(result.summary.users.stopped, 12);
    assert.equal(result.series.length, 4, 'three seconds and the final one');
    assert.deepEqual(result.agentSeries.map((s) => s.agents.length), [3, 3, 3, 3]);
    assert.deepEqual(result.agents.map((a) => [a.agentId, a.workers, a.ranges]), [
      ['agent-1', 1, [{ from: 1, to: 2 }]], ['agent-2', 2, [{ from: 3, to: 6 }]], ['agent-3', 3, [{ from: 7, to: 12 }]],
    ]);
    assert.deepEqual(result.agents.map((a) => a.peakUtilization), [0.2, 0.2, 0.2]);
    assert.equal(result.config.scenarioFile, bundle.file);
    assert.equal('scenario' in result.config, false, 'the bundle is not kept in the result');
    assert.deepEqual(result.events.filter((e) => e.kind === 'status').map((e) => e.kind === 'status' && e.status), ['preparing', 'running', 'terminating', 'finished']);
    assert.ok(agents.every((a) => a.messages('run/stop').length === 1));
    await log.waitFor((l) => l.pushes.find((p) => p.type === 'run/finished'), 'run/finished');
    assert.deepEqual(await coordinator.whenFinished(), result);
    assert.deepEqual(coordinator.status().agents.map((a) => a.state), ['ready', 'ready', 'ready']);
  });

  test('a late snapshot re-emits its second with revision 2, and the result counts it once', async () => {
    const { coordinator, agents: [a, b], log } = cluster([1, 1]);
    await coordinator.startRun(runRequest(bundle, { users: 2 }));
    await Promise.all([a, b].map((x) => x!.waitFor((y) => y.givenIds.length === 1, 'a user')));
    a!.tick();
    b!.holdNextSnapshot();
    const held = b!.tick()!;
    const first = await log.waitFor((l) => l.points().find((p) => p.second === held.second), 'the second without b (after the grace)');
    assert.equal(first.revision, 1);
    assert.deepEqual(first.agents.map((p) => p.agentId), ['agent-1']);
    b!.releaseHeld();
    const revised = await log.waitFor((l) => l.points().find((p) => p.second === held.second && p.revision === 2), 'revision 2');
    assert.deepEqual(revised.agents.map((p) => p.agentId), ['agent-1', 'agent-2']);
    assert.equal(revised.snapshot.requests[FAKE_REQUEST]!.count, 4);
    b!.resend(held); // a duplicate: must not count again
    const result = await coordinator.stop();
    assert.equal(log.points().filter((p) => p.second === held.second && p.revision > 2).length, 0);
    assert.equal(result.series.filter((s) => s.start === held.second * 1000).length, 1);
    assert.equal(result.series.find((s) => s.start === held.second * 1000)!.requests[FAKE_REQUEST]!.count, 4);
    assert.equal(result.total.requests[FAKE_REQUEST]!.count, a!.requests + b!.requests);
  });

  test('add and remove split over agents; named agents; bad counts and unknown agents rejected', async () => {
    const { coordinator, agents } = cluster([1, 2, 3]);
    await coordinator.startRun(runRequest(bundle, { users: 12 }));
    await Promise.all(agents.map((a) => a.waitFor((x) => x.givenIds.length > 0, 'initial users')));
    assert.deepEqual(coordinator.addUsers(6).map((a) => [a.agentId, a.ranges]), [
      ['agent-1', [{ from: 13, to: 13 }]], ['agent-2', [{ from: 14, to: 15 }]], ['agent-3', [{ from: 16, to: 18 }]],
    ]);
    assert.deepEqual(coordinator.addUsers(2, ['agent-3']).map((a) => [a.agentId, a.ranges]), [['agent-3', [{ from: 19, to: 20 }]]]);
    assert.deepEqual(coordinator.removeUsers(10), [{ agentId: 'agent-1', count: 2 }, { agentId: 'agent-2', count: 3 }, { agentId: 'agent-3', count: 5 }]);
    await Promise.all(agents.map((a) => a.waitFor((x) => x.messages('run/remove-users').length === 1, 'the removal')));
    assert.deepEqual(agents.map((a) => a.messages('run/remove-users')[0]!.count), [2, 3, 5]);
    assert.deepEqual(agents.map((a) => a.runningIds), [[1], [3, 4, 5], [7, 8, 9, 10, 11, 12]], 'the highest ids go first');
    assert.equal(coordinator.status().run!.highestUserId, 20);
    const everyone = coordinator.removeUsers(1000, true);
    assert.equal(everyone.reduce((s, r) => s + r.count, 0), 10, 'no more than there are');
    assert.ok(everyone.every((r) => agents.find((a) => a.agentId === r.agentId)!.messages('run/remove-users').length >= 1));
    assert.throws(() => coordinator.addUsers(1, ['nobody']), (e: RookeryError) => e.code === 'ROOKERY_USAGE' && /nobody/.test(e.message));
    assert.throws(() => coordinator.addUsers(-1), (e: RookeryError) => e.code === 'ROOKERY_USAGE');
    assert.throws(() => coordinator.addUsers(1.5), (e: RookeryError) => e.code === 'ROOKERY_USAGE');
    assert.throws(() => coordinator.removeUsers(Number.NaN), (e: RookeryError) => e.code === 'ROOKERY_USAGE');
    const ids = agents.flatMap((a) => a.givenIds).sort((x, y) => x - y);
    assert.deepEqual(ids, range(1, 20), 'every id given once');
  });

  test('variable updates: verified in the coordinator first (read_only, invalid: nothing sent), then sent to every agent', async () => {
    const { coordinator, agents } = cluster([1, 2]);
    await coordinator.startRun(runRequest(bundle, { users: 2 }));
    const rejected = await coordinator.updateVariables({ target: 'http://elsewhere', pause: 5 }).then(() => undefined, (e: unknown) => e);
    assert.ok(rejected instanceof VariablesError);
    assert.equal(rejected.code, 'ROOKERY_UPDATE');
    assert.deepEqual(rejected.variableProblems.map((p) => [p.variable, p.kind]), [['target', 'read_only']]);
    await assert.rejects(coordinator.updateVariables({ level: -1 }), (e: VariablesError) => e.variableProblems[0]!.kind === 'invalid');
    await assert.rejects(coordinator.updateVariables({ nope: 1 }), (e: VariablesError) => e.variableProblems[0]!.kind === 'unknown');
    await assert.rejects(coordinator.updateVariables({}), (e: RookeryError) => e.code === 'ROOKERY_USAGE');
    assert.equal(coordinator.status().run!.variables.values.pause, 20, 'all or nothing: pause unchanged');

    assert.deepEqual(await coordinator.updateVariables({ pause: 5, level: 3 }), ['pause', 'level']);
    await Promise.all(agents.map((a) => a.waitFor((x) => x.messages('run/update-variables').length > 0, 'the update')));
    for (const agent of agents) {
      assert.deepEqual(agent.messages('run/update-variables').map((m) => m.changes), [{ pause: 5, level: 3 }], `${agent.agentId} got exactly the accepted update`);
    }
    const { values, sources } = coordinator.status().run!.variables;
    assert.deepEqual([values.pause, values.level, sources.pause, sources.target], [5, 3, 'update', 'default']);
  });

  test('setRate splits the cluster rate by workers', async () => {
    const { coordinator, agents } = cluster([1, 3]);
    await coordinator.startRun(runRequest(bundle));
    assert.deepEqual(coordinator.setRate(600).map((s) => s.userRate), [150, 450]);
    await Promise.all(agents.map((a) => a.waitFor((x) => x.messages('run/set-rate').length === 1, 'its rate')));
    assert.deepEqual(agents.map((a) => a.messages('run/set-rate')[0]!.userRate), [150, 450]);
    assert.equal(coordinator.status().run!.userRate, 600);
    assert.throws(() => coordinator.setRate(-5), (e: RookeryError) => e.code === 'ROOKERY_USAGE');
  });

  test('a failing prepare: the error names the agent and where, the others are stopped, nothing started', async () => {
    const where = '/somewhere/cluster.scenario.ts:12:7';
    const { coordinator, agents } = cluster([1, 1, 1], [{}, { failPrepare: { message: 'init threw: no database', where, code: 'ROOKERY_SCENARIO_INIT' } }]);
    const error = await coordinator.startRun(runRequest(bundle, { users: 6 })).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof RookeryError);
    assert.equal(error.code, 'ROOKERY_SCENARIO_INIT');
    assert.equal(error.where, where);
    assert.match(error.message, /agent-2: init threw: no database/);
    const status = coordinator.status();
    assert.equal(status.run!.status, 'error');
    assert.match(status.run!.reason!, /no database/);
    await Promise.all(agents.map((a) => a.waitFor((x) => x.messages('run/stop').length === 1, 'a stop')));
    assert.ok(agents.every((a) => a.messages('run/add-users').length === 0), 'no user started anywhere');
    assert.deepEqual(status.agents.map((a) => a.state), ['ready', 'ready', 'ready']);
    await assert.rejects(coordinator.whenFinished(), /no database/);
    // The coordinator takes the next run.
    await coordinator.startRun(runRequest(bundle, { users: 1, agents: ['agent-1'] }));
    assert.equal(coordinator.status().run!.status, 'running');
  });

  test('bad variables or request fail before any agent is touched, every problem at once', async () => {
    const { coordinator, agents } = cluster([1]);
    const error = await coordinator.startRun(runRequest(needsToken, { planVariables: { port: 8080, typo: 1 } })).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof VariablesError);
    assert.equal(error.code, 'ROOKERY_VARIABLES');
    assert.deepEqual(error.variableProblems.map((p) => [p.variable, p.kind]).sort(), [['port', 'invalid'], ['token', 'missing'], ['typo', 'unknown']]);
    await assert.rejects(coordinator.startRun(runRequest(bundle, { users: -1, userRate: 0, onAgentLoss: 'panic' as 'abort' })), (e: RookeryError) =>
      e.code === 'ROOKERY_USAGE' && e.problems.map((p) => p.where).join() === 'users,userRate,onAgentLoss');
    await assert.rejects(coordinator.startRun(runRequest(bundle, { stages: [{ kind: 'ramp', to: -3, duration: 10 }] })), (e: RookeryError) => e.code === 'ROOKERY_USAGE' && e.where === 'stages');
    await assert.rejects(coordinator.startRun(runRequest({ ...bundle, code: 'throw new Error("top-level boom")' })), (e: RookeryError) => e.code === 'ROOKERY_SCENARIO_LOAD');
    await assert.rejects(coordinator.startRun(runRequest(bundle, { agents: ['ghost'] })), (e: RookeryError) => e.code === 'ROOKERY_USAGE' && e.problems[0]!.where === 'ghost');
    assert.equal(agents[0]!.received.length, 0);
    assert.equal(coordinator.status().run, undefined);
  });

  test('no ready agent: a clear error with the way forward', async () => {
    const coordinator = new Coordinator({ url: 'ws://10.0.0.5:7400' });
    cleanups.push(() => coordinator.close());
    await assert.rejects(coordinator.startRun(runRequest(bundle)), (e: RookeryError) =>
      e.code === 'ROOKERY_STATE' && /no ready agent/.test(e.message) && e.hint!.includes('rookery agent --join ws://10.0.0.5:7400'));
  });

  test('status() at each phase', async () => {
    const { coordinator, agents: [agent] } = cluster([2], [{ manualPrepare: true }]);
    let status = coordinator.status();
    assert.equal(status.run, undefined);
    assert.deepEqual(status.agents.map((a) => [a.agentId, a.state, a.workers]), [['agent-1', 'ready', 2]]);
    assert.equal(status.protocolVersion, 1);

    const started = coordinator.startRun(runRequest(bundle, { users: 3 }));
    await agent!.waitFor((a) => a.messages('run/prepare').length === 1, 'run/prepare');
    status = coordinator.status();
    assert.equal(status.run!.status, 'preparing');
    assert.equal(status.agents[0]!.state, 'preparing');
    await assert.rejects(coordinator.startRun(runRequest(bundle)), (e: RookeryError) => e.code === 'ROOKERY_STATE' && /one run at a time/.test(e.message));
    assert.throws(() => coordinator.addUsers(1), (e: RookeryError) => e.code === 'ROOKERY_STATE');

    agent!.answerPrepare();
    await started;
    await agent!.waitFor((a) => a.givenIds.length === 3, 'its users');
    agent!.tick();
    status = await waitStatus(coordinator, (s) => s.agents[0]!.runningUsers === 3 && s.agents[0]!.rps === 6);
    assert.equal(status.run!.status, 'running');
    assert.equal(status.agents[0]!.state, 'running');
    assert.equal(status.run!.runningUsers, 3);
    assert.equal(status.run!.highestUserId, 3);
    assert.ok(status.run!.startedAt! > 0);
    assert.equal(status.agents[0]!.rps, 6);

    const stopping = coordinator.stop();
    assert.equal(coordinator.status().run!.status, 'terminating');
    assert.equal(coordinator.status().agents[0]!.state, 'stopping');
    await stopping;
    status = coordinator.status();
    assert.equal(status.run!.status, 'finished');
    assert.equal(status.agents[0]!.state, 'ready');
    assert.throws(() => coordinator.stop(), (e: RookeryError) => e.code === 'ROOKERY_STATE');
  });

  test('stages: a ramp drives adds and removes across agents, then the run ends', async () => {
    const { coordinator, agents } = cluster([1, 2]);
    const t0 = Date.now();
    await coordinator.startRun(runRequest(bundle, {
      maintain: false,
      stages: [{ kind: 'ramp', to: 6, duration: 300 }, { kind: 'hold', duration: 300 }, { kind: 'ramp', to: 0, duration: 300 }],
    }));
    const result = await coordinator.whenFinished();
    assert.ok(Date.now() - t0 < 4000);
    assert.equal(result.endReason, 'completed');
    const added = agents.flatMap((a) => a.givenIds).sort((x, y) => x - y);
    assert.deepEqual(added, range(1, 6), 'the ramp up started 6 users with unique ids');
    const removed = agents.reduce((s, a) => s + a.messages('run/remove-users').reduce((n, m) => n + m.count, 0), 0);
    assert.equal(removed, 6, 'the ramp down removed them all');
    assert.ok(agents.every((a) => a.runningIds.length === 0));
    assert.ok(agents.every((a) => a.messages('run/add-users').length > 1), 'the ramp added step by step on both agents');
  });

  test('without stages or maintain the run ends once every agent is idle; a duration ends a maintained run', async () => {
    const { coordinator, agents } = cluster([1, 1], [{ userLifetimeTicks: 1 }, { userLifetimeTicks: 1 }]);
    await coordinator.startRun(runRequest(bundle, { users: 4, maintain: false }));
    await Promise.all(agents.map((a) => a.waitFor((x) => x.givenIds.length === 2, 'users')));
    assert.equal(coordinator.status().run!.status, 'running');
    for (const agent of agents) agent.tick(); // every user finishes
    const result = await coordinator.whenFinished();
    assert.equal(result.endReason, 'completed');
    assert.equal(result.summary.users.finished, 4);

    const t0 = Date.now();
    await coordinator.startRun(runRequest(bundle, { users: 2, durationMs: 300 }));
    const timed = await coordinator.whenFinished();
    assert.equal(timed.endReason, 'duration');
    assert.ok(Date.now() - t0 >= 300);
  });

  test('an agent above 0.8 utilization is flagged once, and named in the summary', async () => {
    const { coordinator, agents: [calm, busy], log } = cluster([1, 1], [{}, { utilization: { eventLoop: 0.95, cpu: 0.5 } }]);
    await coordinator.startRun(runRequest(bundle, { users: 2 }));
    for (let t = 0; t < 3; t++) {
      calm!.tick();
      busy!.tick();
    }
    await log.waitFor((l) => (l.points().length >= 3 ? true : undefined), 'three seconds');
    const flagged = () => log.events().filter((e) => e.kind === 'agent-overloaded').map((e) => e.kind === 'agent-overloaded' && [e.agentId, e.utilization]);
    assert.deepEqual(flagged(), [['agent-2', 0.95]], 'once, not every second it stays above');
    assert.equal(coordinator.status().agents[1]!.overloaded, true);
    assert.equal(coordinator.status().agents[0]!.overloaded, false);
    busy!.utilization = { eventLoop: 0.5, cpu: 0.5 };
    busy!.tick();
    await waitStatus(coordinator, (s) => !s.agents[1]!.overloaded);
    busy!.utilization = { eventLoop: 0.3, cpu: 0.85 };
    busy!.tick();
    await log.waitFor(() => (flagged().length === 2 ? true : undefined), 'a second flag after it went below');
    assert.deepEqual(flagged(), [['agent-2', 0.95], ['agent-2', 0.85]]);
    const result = await coordinator.stop();
    assert.equal(result.summary.utilization.peak, 0.95);
    assert.ok(result.summary.warnings.some((w) => w.includes('agent agent-2 (agent-2) reached utilization 0.95')));
    assert.ok(!result.summary.warnings.some((w) => w.includes('agent agent-1')));
    assert.deepEqual(result.agents.map((a) => a.peakUtilization), [0.2, 0.95]);
  });
});

/** Polls status() (it changes as reports arrive) until `predicate` holds, with a deadline. */
async function waitStatus(coordinator: Coordinator, predicate: (s: ReturnType<Coordinator['status']>) => boolean, timeoutMs = 3000): Promise<ReturnType<Coordinator['status']>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = coordinator.status();
    if (predicate(status)) return status;
    if (Date.now() > deadline) throw new Error(`status did not reach the expected state: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
