import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Coordinator } from '../../../agent/cluster/coordinator';
import { RookeryError } from '../../../agent/common/errors';
import type { AgentLossPolicy, ScenarioBundle } from '../../../agent/protocol/cluster';
import type { RunEvent } from '../../../agent/protocol/control';
import { bundleFor, FAKE_REQUEST, FakeAgent, PushLog, runRequest, TEST_TIMING, type FakeAgentOptions, fakeCluster, type FakeCluster } from '../../helpers/fake-agent';
import { ScenarioDir } from '../../helpers/scenario-files';

const dir = new ScenarioDir();
let bundle: ScenarioBundle;
const cleanups: (() => unknown)[] = [];

before(async () => {
  bundle = await bundleFor(dir.write('loss.scenario.ts', `import { scenario } from 'rookery';\nexport default scenario({ async start() {} });\n`));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
after(() => dir.remove());

function cluster(workers: number[], options: Partial<FakeAgentOptions>[] = []): FakeCluster {
  const firstSecond = Math.floor(Date.now() / 1000);
  const c = fakeCluster(workers, workers.map((_, i) => ({ firstSecond, ...options[i] })));
  cleanups.push(() => c.close());
  return c;
}

/** 12 users on 1/2/3 workers, two seconds of traffic, then agent-2 (ids 3..6) is lost. */
async function loseMidRun(policy: AgentLossPolicy): Promise<{ coordinator: Coordinator; agents: FakeAgent[]; log: PushLog; lost: Extract<RunEvent, { kind: 'agent-lost' }> }> {
  const setup = cluster([1, 2, 3]);
  const { coordinator, agents, log } = setup;
  await coordinator.startRun(runRequest(bundle, { users: 12, onAgentLoss: policy }));
  await Promise.all(agents.map((a) => a.waitFor((x) => x.givenIds.length > 0, 'initial users')));
  for (let t = 0; t < 2; t++) for (const agent of agents) agent.tick();
  await log.waitFor((l) => (l.points().length >= 2 ? true : undefined), 'two seconds');
  agents[1]!.loseSession();
  const lost = await log.waitFor((l) => l.events().find((e): e is Extract<RunEvent, { kind: 'agent-lost' }> => e.kind === 'agent-lost'), 'agent-lost');
  return { ...setup, lost };
}

describe('Coordinator: agents lost mid-run', () => {
  test('continue: the run goes on, the loss is an event, what the lost agent sent stays counted once', async () => {
    const { coordinator, agents: [a1, a2, a3], log, lost } = await loseMidRun('continue');
    assert.deepEqual([lost.agentId, lost.name, lost.users, lost.policy, lost.ranges], ['agent-2', 'agent-2', 4, 'continue', [{ from: 3, to: 6 }]]);
    const status = coordinator.status();
    assert.equal(status.run!.status, 'running');
    assert.equal(status.agents[1]!.state, 'lost');
    // The survivors take the cluster's rate between them (1 + 3 workers).
    await Promise.all([a1!, a3!].map((a) => a.waitFor((x) => x.messages('run/set-rate').length === 1, 'a new rate share')));
    assert.deepEqual([a1!, a3!].map((a) => a.messages('run/set-rate')[0]!.userRate), [15_000, 45_000]);
    a1!.tick();
    a3!.tick();
    await log.waitFor((l) => l.points().find((p) => p.agents.length === 2), 'a second without the lost agent, complete at once');
    assert.deepEqual(coordinator.addUsers(4).map((a) => a.agentId), ['agent-1', 'agent-3'], 'new users go to the survivors only');
    const result = await coordinator.stop();
    assert.equal(result.endReason, 'stopped');
    assert.equal(result.total.requests[FAKE_REQUEST]!.count, a1!.requests + a2!.requests + a3!.requests);
    assert.ok(result.events.some((e) => e.kind === 'agent-lost'));
    assert.ok(!result.events.some((e) => e.kind === 'users-redistributed'));
  });

  test('redistribute: the lost ids restart on the survivors in proportion to workers', async () => {
    const { coordinator, agents: [a1, , a3], log } = await loseMidRun('redistribute');
    const moved = await log.waitFor((l) => l.events().find((e) => e.kind === 'users-redistributed'), 'users-redistributed');
    assert.deepEqual(moved, { ...moved, fromAgent: 'agent-2', toAgents: ['agent-1', 'agent-3'], ranges: [{ from: 3, to: 6 }] });
    await a3!.waitFor((a) => a.messages('run/add-users').length === 2, 'its share of the lost users');
    await a1!.waitFor((a) => a.messages('run/add-users').length === 2, 'its share of the lost users');
    assert.deepEqual(a1!.messages('run/add-users')[1]!.ranges, [{ from: 3, to: 3 }]);
    assert.deepEqual(a3!.messages('run/add-users')[1]!.ranges, [{ from: 4, to: 6 }]);
    assert.deepEqual([...a1!.runningIds, ...a3!.runningIds].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'every user is back');
    const agents = coordinator.status().agents;
    assert.deepEqual(agents[0]!.ranges, [{ from: 1, to: 2 }, { from: 3, to: 3 }]);
    assert.equal(coordinator.status().run!.highestUserId, 12, 'no new ids were made');
    const result = await coordinator.stop();
    // The result lists each agent's ids as merged ranges: agent-1 had 1-2 and got 3, agent-3 had 7-12 and got 4-6.
    assert.deepEqual(result.agents.map((a) => a.ranges), [[{ from: 1, to: 3 }], [{ from: 3, to: 6 }], [{ from: 4, to: 12 }]]);
  });

  test('abort: the run stops with endReason aborted and a reason', async () => {
    const { coordinator, agents: [a1, , a3] } = await loseMidRun('abort');
    const result = await coordinator.whenFinished();
    assert.equal(result.endReason, 'aborted');
    assert.match(coordinator.status().run!.reason!, /agent-2 was lost/);
    assert.ok([a1!, a3!].every((a) => a.messages('run/stop').length === 1));
    assert.ok(result.events.some((e) => e.kind === 'status' && e.status === 'terminating' && /abort/.test(e.reason ?? '')));
  });

  test('losing every agent ends the run', async () => {
    const { coordinator, agents } = cluster([1]);
    await coordinator.startRun(runRequest(bundle, { users: 1 }));
    agents[0]!.loseSession();
    const result = await coordinator.whenFinished();
    assert.equal(result.endReason, 'aborted');
    assert.match(coordinator.status().run!.reason!, /every agent/);
  });

  test('a blip (down, then up before the session is lost): agent-reconnected, nothing else, nothing lost', async () => {
    const { coordinator, agents: [a1, a2], log } = cluster([1, 1]);
    await coordinator.startRun(runRequest(bundle, { users: 2 }));
    await a2!.waitFor((a) => a.givenIds.length === 1, 'its user');
    a2!.pair.cut();
    assert.equal(coordinator.status().agents[1]!.state, 'disconnected');
    coordinator.addUsers(2); // sent while the link is down: delivered when it is back
    a2!.pair.restore();
    assert.equal(coordinator.status().agents[1]!.state, 'running');
    await a2!.waitFor((a) => a.givenIds.length === 2, 'the users added during the blip');
    const events = log.events().map((e) => e.kind);
    assert.ok(events.includes('agent-reconnected'));
    assert.ok(!events.includes('agent-lost'));
    a1!.tick();
    a2!.tick();
    const result = await coordinator.stop();
    assert.equal(result.total.requests[FAKE_REQUEST]!.count, a1!.requests + a2!.requests);
    assert.equal(result.total.requests[FAKE_REQUEST]!.count, 8);
  });

  test('an agent lost while preparing fails the start; nothing starts', async () => {
    const { coordinator, agents: [a1, a2] } = cluster([1, 1], [{}, { manualPrepare: true }]);
    const started = coordinator.startRun(runRequest(bundle, { users: 2 }));
    await a2!.waitFor((a) => a.messages('run/prepare').length === 1, 'run/prepare');
    a2!.loseSession('peer silent for 5000 ms');
    await assert.rejects(started, (e: RookeryError) => e.code === 'ROOKERY_STATE' && /agent-2 was lost while preparing/.test(e.message));
    assert.equal(coordinator.status().run!.status, 'error');
    await a1!.waitFor((a) => a.messages('run/stop').length === 1, 'the stop of the prepared agent');
    assert.equal(a1!.messages('run/add-users').length, 0);
  });

  test('stopping while preparing fails the start', async () => {
    const { coordinator, agents: [agent] } = cluster([1], [{ manualPrepare: true }]);
    const started = coordinator.startRun(runRequest(bundle, { users: 1 }));
    await agent!.waitFor((a) => a.messages('run/prepare').length === 1, 'run/prepare');
    await assert.rejects(coordinator.stop(), /stopped while its agents were preparing/);
    await assert.rejects(started, /stopped while its agents were preparing/);
    assert.equal(coordinator.status().agents[0]!.state, 'ready');
  });

  test('a prepare that never comes times out', async () => {
    const coordinator = new Coordinator({ timing: { ...TEST_TIMING, prepareTimeoutMs: 150 } });
    const agent = new FakeAgent({ agentId: 'slow', workers: 1, manualPrepare: true });
    coordinator.addAgent(agent.session());
    cleanups.push(() => coordinator.close(), () => agent.close());
    await assert.rejects(coordinator.startRun(runRequest(bundle)), (e: RookeryError) => e.code === 'ROOKERY_STATE' && /did not prepare the run within 0.15 s: slow/.test(e.message));
  });

  test('an agent that never confirms the stop does not hold the run beyond grace + margin', async () => {
    const coordinator = new Coordinator({ timing: { ...TEST_TIMING, stopMarginMs: 200 } });
    const agents = [new FakeAgent({ agentId: 'ok', workers: 1 }), new FakeAgent({ agentId: 'mute', workers: 1 })];
    for (const a of agents) coordinator.addAgent(a.session());
    cleanups.push(() => coordinator.close(), () => agents.forEach((a) => a.close()));
    await coordinator.startRun(runRequest(bundle, { users: 2, gracePeriodMs: 100 }));
    agents[1]!.silence();
    const t0 = Date.now();
    const result = await coordinator.stop();
    const took = Date.now() - t0;
    assert.ok(took >= 250 && took < 1500, `waited ${took} ms`);
    assert.ok(result.summary.warnings.some((w) => w.includes('agent mute did not confirm the stop')));
  });
});
