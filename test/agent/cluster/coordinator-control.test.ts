import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Coordinator } from '../../../agent/cluster/coordinator';
import type { ScenarioBundle } from '../../../agent/protocol/cluster';
import type { AgentInfo, ClusterStatus, ControlError, ControlPush, ControlRequest } from '../../../agent/protocol/control';
import { bundleFor, FakeAgent, PushLog, runRequest, fakeCluster, type FakeCluster } from '../../helpers/fake-agent';
import { ScenarioDir } from '../../helpers/scenario-files';

const dir = new ScenarioDir();
let bundle: ScenarioBundle;
const cleanups: (() => unknown)[] = [];

before(async () => {
  bundle = await bundleFor(dir.write('control.scenario.ts', `
import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    pause: variable({ description: 'ms', default: 20, update: 'none' }),
    target: variable({ description: 'base URL', default: 'http://127.0.0.1:1' }),
  },
  async start() {},
});`));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
after(() => dir.remove());

function setup(options: ConstructorParameters<typeof Coordinator>[0] = {}): FakeCluster {
  const c = fakeCluster([1, 2], [{ name: 'box-1' }, { name: 'box-2' }], options);
  cleanups.push(() => c.close());
  return c;
}

function ok(push: ControlPush, id: number): unknown {
  assert.equal(push.type, 'control/reply');
  if (push.type !== 'control/reply') return undefined;
  assert.equal(push.id, id);
  assert.equal(push.ok, true, push.ok ? '' : `expected ok, got ${JSON.stringify(push.error)}`);
  return push.ok ? push.result : undefined;
}

function failed(push: ControlPush, id: number): ControlError {
  assert.equal(push.type, 'control/reply');
  if (push.type !== 'control/reply' || push.ok) assert.fail(`expected an error reply, got ${JSON.stringify(push)}`);
  assert.equal(push.id, id);
  return push.error;
}

describe('Coordinator.handleControl', () => {
  test('every request type, in the order a client uses them', async () => {
    const { coordinator, agents } = setup();
    const status = ok(await coordinator.handleControl({ type: 'control/status', id: 1 }), 1) as ClusterStatus;
    assert.deepEqual(status.agents.map((a) => a.name), ['box-1', 'box-2']);
    assert.equal((ok(await coordinator.handleControl({ type: 'control/subscribe', id: 2 }), 2) as ClusterStatus).coordinatorId, coordinator.coordinatorId);

    const { runId } = ok(await coordinator.handleControl({ type: 'control/start-run', id: 3, run: runRequest(bundle, { users: 3 }) }), 3) as { runId: string };
    assert.match(runId, /^run-/);
    const added = ok(await coordinator.handleControl({ type: 'control/add-users', id: 4, count: 3, agents: ['box-2'] }), 4) as { assignments: { agentId: string }[] };
    assert.deepEqual(added.assignments.map((a) => a.agentId), ['agent-2'], 'agents by name');
    const removed = ok(await coordinator.handleControl({ type: 'control/remove-users', id: 5, count: 2, force: true }), 5) as { removals: { count: number }[] };
    assert.equal(removed.removals.reduce((s, r) => s + r.count, 0), 2);
    assert.deepEqual(ok(await coordinator.handleControl({ type: 'control/update-variables', id: 6, changes: { pause: 1 } }), 6), { applied: ['pause'] });
    const rate = ok(await coordinator.handleControl({ type: 'control/set-rate', id: 7, userRate: 300 }), 7) as { shares: { userRate: number }[] };
    assert.deepEqual(rate.shares.map((s) => s.userRate), [100, 200]);
    assert.deepEqual(ok(await coordinator.handleControl({ type: 'control/stop', id: 8, force: false }), 8), { runId });
    const result = await coordinator.whenFinished();
    assert.equal(result.endReason, 'stopped');
    assert.ok(agents.every((a) => a.messages('run/stop').length === 1));
    assert.deepEqual(ok(await coordinator.handleControl({ type: 'control/detach-agent', id: 9, agent: 'box-1' }), 9), { agentId: 'agent-1' });
    assert.deepEqual(coordinator.status().agents.map((a) => a.agentId), ['agent-2']);
  });

  test('bad requests get error replies with code, message and hints, never exceptions', async () => {
    const { coordinator } = setup();
    assert.equal(failed(await coordinator.handleControl({ type: 'control/add-users', id: 10, count: 1 }), 10).code, 'ROOKERY_STATE', 'no run');
    assert.match(failed(await coordinator.handleControl({ type: 'control/stop', id: 11, force: false }), 11).message, /no run in progress/);
    assert.equal(failed(await coordinator.handleControl({ type: 'control/update-variables', id: 12, changes: { pause: 1 } }), 12).code, 'ROOKERY_STATE');
    assert.equal(failed(await coordinator.handleControl({ type: 'control/set-rate', id: 13, userRate: 5 }), 13).code, 'ROOKERY_STATE');
    const unknown = failed(await coordinator.handleControl({ type: 'control/detach-agent', id: 14, agent: 'ghost' }), 14);
    assert.equal(unknown.code, 'ROOKERY_USAGE');
    assert.match(unknown.message, /unknown agent ghost/);
    assert.match(unknown.hint!, /box-1 \(agent-1\)/);
    assert.match(failed(await coordinator.handleControl({ type: 'control/nonsense', id: 15 } as unknown as ControlRequest), 15).message, /unknown control request type "control\/nonsense"/);
    assert.equal(failed(await coordinator.handleControl(null as unknown as ControlRequest), -1).code, 'ROOKERY_USAGE');
    const noDial = failed(await coordinator.handleControl({ type: 'control/attach-agent', id: 16, url: 'ws://10.1.1.1:7400' }), 16);
    assert.equal(noDial.where, 'ws://10.1.1.1:7400');

    const badRun = failed(await coordinator.handleControl({ type: 'control/start-run', id: 17, run: runRequest(bundle, { users: -2, maintain: 'yes' as unknown as boolean }) }), 17);
    assert.equal(badRun.code, 'ROOKERY_USAGE');
    assert.deepEqual(badRun.problems!.map((p) => p.where), ['users', 'maintain']);
    const badVars = failed(await coordinator.handleControl({ type: 'control/start-run', id: 18, run: runRequest(bundle, { cliVariables: { paws: 3 } }) }), 18);
    assert.equal(badVars.code, 'ROOKERY_VARIABLES');
    assert.equal(badVars.variableProblems![0]!.kind, 'unknown');
    assert.match(badVars.problems![0]!.message, /unknown variable "paws"; the scenario declares pause, target/);

    ok(await coordinator.handleControl({ type: 'control/start-run', id: 19, run: runRequest(bundle, { users: 1 }) }), 19);
    assert.equal(failed(await coordinator.handleControl({ type: 'control/start-run', id: 20, run: runRequest(bundle) }), 20).code, 'ROOKERY_STATE', 'one run at a time');
    assert.equal(failed(await coordinator.handleControl({ type: 'control/add-users', id: 21, count: -4 }), 21).code, 'ROOKERY_USAGE');
    assert.match(failed(await coordinator.handleControl({ type: 'control/add-users', id: 22, count: 1, agents: ['ghost'] }), 22).message, /ghost is not part of this run/);
    assert.equal(failed(await coordinator.handleControl({ type: 'control/set-rate', id: 23, userRate: -1 }), 23).code, 'ROOKERY_USAGE');
    const readOnly = failed(await coordinator.handleControl({ type: 'control/update-variables', id: 24, changes: { target: 'x' } }), 24);
    assert.equal(readOnly.code, 'ROOKERY_UPDATE');
    assert.equal(readOnly.variableProblems![0]!.kind, 'read_only');
    assert.match(failed(await coordinator.handleControl({ type: 'control/detach-agent', id: 25, agent: 'agent-1' }), 25).message, /takes part in run/);
  });

  test('attach-agent dials through the transport and answers with the agent', async () => {
    const extra = new FakeAgent({ agentId: 'agent-x', name: 'remote', workers: 4 });
    cleanups.push(() => extra.close());
    const dialled: { url: string; token?: string }[] = [];
    const { coordinator } = setup({
      attachAgent: async (url, options) => {
        dialled.push({ url, ...options });
        coordinator.addAgent({ ...extra.session(), url });
        return extra.agentId;
      },
    });
    const info = ok(await coordinator.handleControl({ type: 'control/attach-agent', id: 30, url: 'ws://10.0.0.9:7400', token: 't0k' }), 30) as AgentInfo;
    assert.deepEqual([info.agentId, info.name, info.workers, info.url, info.state], ['agent-x', 'remote', 4, 'ws://10.0.0.9:7400', 'ready']);
    assert.deepEqual(dialled, [{ url: 'ws://10.0.0.9:7400', token: 't0k' }]);
    assert.equal(failed(await coordinator.handleControl({ type: 'control/attach-agent', id: 31, url: '' }), 31).code, 'ROOKERY_USAGE');
  });
});

describe('Coordinator pushes', () => {
  test('subscribers get points, events, status and the result; unsubscribing stops them', async () => {
    const { coordinator, agents, log } = setup();
    const other: ControlPush[] = [];
    const unsubscribe = coordinator.subscribe((p) => other.push(p));
    const throwing = coordinator.subscribe(() => {
      throw new Error('a broken subscriber');
    });
    await coordinator.startRun(runRequest(bundle, { users: 3 }));
    await Promise.all(agents.map((a) => a.waitFor((x) => x.givenIds.length > 0, 'users')));
    for (const agent of agents) agent.tick();
    const point = await log.waitFor((l) => l.points()[0], 'run/point');
    assert.equal(point.agents.length, 2);
    await log.waitFor((l) => l.pushes.find((p) => p.type === 'cluster/status' && p.status.run?.status === 'running'), 'cluster/status while running');
    unsubscribe();
    const seen = other.length;
    await coordinator.stop();
    const finished = await log.waitFor((l) => l.pushes.find((p): p is Extract<ControlPush, { type: 'run/finished' }> => p.type === 'run/finished'), 'run/finished');
    assert.equal(finished.result.endReason, 'stopped');
    assert.deepEqual(log.events().filter((e) => e.kind === 'status').map((e) => e.kind === 'status' && e.status), ['preparing', 'running', 'terminating', 'finished']);
    assert.ok(log.pushes.every((p) => p.type !== 'run/event' || p.runId === finished.result.runId));
    assert.equal(other.length, seen, 'nothing after unsubscribing');
    throwing();
  });

  test('cluster/status is pushed when agents change, at most once per interval', async () => {
    const coordinator = new Coordinator({ statusPushIntervalMs: 300 });
    const log = new PushLog(coordinator);
    const agents = Array.from({ length: 5 }, (_, i) => new FakeAgent({ agentId: `a${i}`, workers: 1 }));
    cleanups.push(() => coordinator.close(), () => agents.forEach((a) => a.close()), () => log.close());
    for (const agent of agents) coordinator.addAgent(agent.session());
    const statuses = () => log.pushes.filter((p): p is Extract<ControlPush, { type: 'cluster/status' }> => p.type === 'cluster/status');
    assert.equal(statuses().length, 1, 'the first change goes out at once');
    assert.equal(statuses()[0]!.status.agents.length, 1);
    const trailing = await log.waitFor(() => (statuses().length === 2 ? statuses()[1] : undefined), 'the coalesced push');
    assert.equal(trailing.status.agents.length, 5, 'the trailing push carries every change');
    agents[2]!.loseSession();
    const lost = await log.waitFor(() => statuses().find((p) => p.status.agents.some((a) => a.state === 'lost')), 'the loss');
    assert.equal(lost.status.agents.find((a) => a.agentId === 'a2')!.state, 'lost');
  });
});
