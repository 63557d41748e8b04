import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, type ControllerOptions } from '../../../agent/controller/controller';
import { RookeryError } from '../../../agent/common/errors';
import { MetricsRecorder } from '../../../agent/metrics/recorder';
import type { ControllerStatus } from '../../../agent/protocol/run-state';
import type { LoadedScenario } from '../../../agent/scenario/load';
import { resolveVariables } from '../../../agent/variables/resolve';
import { VariableStore } from '../../../agent/variables/store';
import { ScenarioDir, waitFor } from '../../helpers/scenario-files';

/** Scenarios in these tests report to the test through this global (they run in the same process). */
interface Probe {
  starts: { id: number; at: number }[];
  ends: { id: number; how: string }[];
  seen: unknown[];
  terminated: unknown[];
}
const probe = (): Probe => (globalThis as unknown as { __probe: Probe }).__probe;
function resetProbe(): void {
  (globalThis as unknown as { __probe: Probe }).__probe = { starts: [], ends: [], seen: [], terminated: [] };
}

const dir = new ScenarioDir();
after(() => dir.remove());

function controllerFor(loaded: LoadedScenario, options: Partial<ControllerOptions> = {}) {
  const declarations = loaded.scenario.variables as Parameters<typeof resolveVariables>[0];
  const resolved = resolveVariables(declarations, {});
  const variables = new VariableStore(declarations, resolved.values);
  const recorder = new MetricsRecorder({ source: 'test' });
  const controller = new Controller({ nodeId: 'test', loaded, variables, recorder, ...options });
  const totals = () => recorder.takeSnapshot(0, 1, { eventLoop: 0, cpu: 0 }).users;
  return { controller, recorder, totals };
}

const LOOPING = `
import { scenario, variable } from 'rookery';
const probe = (globalThis as any).__probe;
export default scenario({
  variables: {
    greeting: variable({ description: 'a read-only value', default: 'hello' }),
    delay: variable({ description: 'an updatable value', default: 20, update: 'none' }),
    hooked: variable({ description: 'an updatable value with a hook', default: 1,
      update: (name, value, old) => { probe.seen.push({ name, value, old }); } }),
  },
  init: (ctx) => ({ node: ctx.nodeId, greeting: ctx.vars.greeting }),
  async start(user, state) {
    probe.starts.push({ id: user.id, at: performance.now() });
    try {
      while (!user.stopping) await user.sleep(user.vars.delay);
      probe.ends.push({ id: user.id, how: 'graceful' });
    } catch (e) {
      probe.ends.push({ id: user.id, how: 'aborted' });
      throw e;
    }
  },
  terminate: (state) => { probe.terminated.push(state); },
});
`;

describe('controller', () => {
  test('spawns users 1..N at the user rate, then add() continues the ids', async () => {
    resetProbe();
    const loaded = await dir.load('rate.scenario.ts', LOOPING);
    const { controller } = controllerFor(loaded, { userRate: 600 }); // 10 users/s: one every 100 ms
    await controller.start(6);
    await waitFor(() => probe().starts.length === 6, '6 users');
    const starts = probe().starts;
    assert.deepEqual(starts.map((s) => s.id), [1, 2, 3, 4, 5, 6]);
    const span = starts[5].at - starts[0].at;
    assert.ok(span >= 450 && span <= 800, `6 users at 600/min should span ~500 ms, spanned ${span.toFixed(0)} ms`);
    controller.setUserRate(60_000);
    assert.deepEqual(controller.add(3), { from: 7, to: 9 });
    await waitFor(() => probe().starts.length === 9, '9 users');
    assert.deepEqual(probe().starts.slice(6).map((s) => s.id), [7, 8, 9]);
    const status = controller.status();
    assert.equal(status.status, 'running');
    if (status.status === 'running') {
      assert.equal(status.runningUsers, 9);
      assert.equal(status.highestUserId, 9);
      assert.equal(status.pendingUsers, 0);
    }
    await controller.stop();
  });

  test('statuses go idle → running → terminating → finished, and terminate gets the init state once', async () => {
    resetProbe();
    const loaded = await dir.load('status.scenario.ts', LOOPING);
    const { controller } = controllerFor(loaded, { userRate: 60_000 });
    const seen: ControllerStatus['status'][] = [];
    controller.on('status', (s) => seen.push(s.status));
    assert.equal(controller.status().status, 'idle');
    await controller.start(3);
    await waitFor(() => probe().starts.length === 3, '3 users');
    await controller.stop();
    assert.deepEqual(seen, ['running', 'terminating', 'finished']);
    assert.deepEqual(probe().terminated, [{ node: 'test', greeting: 'hello' }]);
    assert.ok(probe().ends.every((e) => e.how === 'graceful'), 'users that watch stopSignal end gracefully');
    assert.throws(() => controller.add(1), (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_STATE');
  });

  test('graceful removal lets watching users finish and aborts the others after the grace period', async () => {
    resetProbe();
    const loaded = await dir.load(
      'stubborn.scenario.ts',
      `import { scenario } from 'rookery';
       const probe = (globalThis as any).__probe;
       export default scenario({ async start(user) {
         probe.starts.push({ id: user.id, at: performance.now() });
         const stubborn = user.id % 2 === 0; // even users ignore the stop request
         try {
           while (stubborn || !user.stopping) await user.sleep(30);
           probe.ends.push({ id: user.id, how: 'graceful' });
         } catch (e) { probe.ends.push({ id: user.id, how: 'aborted' }); throw e; }
       } });`,
    );
    const { controller, totals } = controllerFor(loaded, { userRate: 60_000, gracePeriodMs: 300 });
    await controller.start(4);
    await waitFor(() => probe().starts.length === 4, '4 users');
    const t0 = performance.now();
    const removed = controller.remove(2); // the highest ids: 4 (stubborn) and 3 (watching)
    assert.deepEqual(removed, { cancelled: 0, stopped: 2 });
    assert.equal(controller.runningUsers, 2, 'removed users no longer count');
    await waitFor(() => probe().ends.length === 2, 'two removed users to end');
    const elapsed = performance.now() - t0;
    const ends = Object.fromEntries(probe().ends.map((e) => [e.id, e.how]));
    assert.deepEqual(ends, { 3: 'graceful', 4: 'aborted' });
    assert.ok(elapsed >= 280, `the stubborn user must get the grace period (ended after ${elapsed.toFixed(0)} ms)`);
    const users = totals();
    assert.equal(users.stopped, 2);
    assert.equal(users.failed, 0, 'removed users are not failures');
    await controller.stop({ force: true });
  });

  test('forced removal aborts in-flight sleeps at once; remove takes queued users first', async () => {
    resetProbe();
    const loaded = await dir.load(
      'sleeper.scenario.ts',
      `import { scenario } from 'rookery';
       const probe = (globalThis as any).__probe;
       export default scenario({ async start(user) {
         probe.starts.push({ id: user.id, at: performance.now() });
         try { await user.sleep(60_000); } catch (e) { probe.ends.push({ id: user.id, how: 'aborted' }); throw e; }
       } });`,
    );
    const { controller } = controllerFor(loaded, { userRate: 60 }); // one per second: most stay queued
    await controller.start(5);
    await waitFor(() => probe().starts.length === 1, 'first user');
    const queuedFirst = controller.remove(3);
    assert.deepEqual(queuedFirst, { cancelled: 3, stopped: 0 });
    controller.setUserRate(60_000);
    await waitFor(() => probe().starts.length === 2, 'second user');
    const t0 = performance.now();
    assert.deepEqual(controller.remove(2, { force: true }), { cancelled: 0, stopped: 2 });
    await waitFor(() => probe().ends.length === 2, 'aborted users');
    assert.ok(performance.now() - t0 < 200, 'forced removal is immediate');
    assert.deepEqual(probe().starts.map((s) => s.id), [1, 2], 'cancelled ids 3..5 never started');
    await controller.stop();
  });

  test('runtime updates: read_only rejected, none applied and visible, hooks called with name, new and old', async () => {
    resetProbe();
    const loaded = await dir.load('updates.scenario.ts', LOOPING);
    const { controller } = controllerFor(loaded, { userRate: 60_000 });
    await controller.start(1);
    await assert.rejects(controller.updateVariables({ greeting: 'bye' }), (e: unknown) => {
      assert.ok(e instanceof RookeryError);
      assert.equal(e.code, 'ROOKERY_UPDATE');
      assert.match(e.format(), /greeting.*read_only/s);
      return true;
    });
    assert.deepEqual(await controller.updateVariables({ delay: 5, hooked: 2 }), ['delay', 'hooked']);
    assert.deepEqual(probe().seen, [{ name: 'hooked', value: 2, old: 1 }]);
    await assert.rejects(controller.updateVariables({ nope: 1 }), RookeryError);
    await controller.stop();
  });

  test('a throwing user is counted as failed with its scenario file:line, and the node keeps running', async () => {
    resetProbe();
    const loaded = await dir.load(
      'thrower.scenario.ts',
      `import { scenario } from 'rookery';
       const probe = (globalThis as any).__probe;
       export default scenario({ async start(user) {
         probe.starts.push({ id: user.id, at: 0 });
         if (user.id === 2) {
           throw new Error('user two broke');
         }
         await user.sleep(10);
       } });`,
    );
    const { controller, recorder } = controllerFor(loaded, { userRate: 60_000 });
    const errors: { userId: number; message: string; where?: string }[] = [];
    controller.on('user-error', (e) => errors.push(e));
    await controller.start(3);
    await waitFor(() => controller.targetUsers === 0, 'every user to end');
    const snapshot = recorder.takeSnapshot(0, 1, { eventLoop: 0, cpu: 0 });
    assert.equal(snapshot.users.started, 3);
    assert.equal(snapshot.users.finished, 2);
    assert.equal(snapshot.users.failed, 1);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].message, 'user two broke');
    assert.match(errors[0].where ?? '', /thrower\.scenario\.ts:6:\d+$/, `where: ${errors[0].where}`);
    assert.equal(snapshot.userFailures[0]?.message, 'user two broke');
    assert.equal(controller.status().status, 'running');
    await controller.stop();
  });

  test('init throwing: status error, ROOKERY_SCENARIO_INIT with the line, no user started', async () => {
    resetProbe();
    const loaded = await dir.load(
      'bad-init.scenario.ts',
      `import { scenario } from 'rookery';
       const probe = (globalThis as any).__probe;
       export default scenario({
         init() { throw new Error('no database'); },
         async start(user) { probe.starts.push({ id: user.id, at: 0 }); },
       });`,
    );
    const { controller } = controllerFor(loaded);
    await assert.rejects(controller.start(5), (e: unknown) => {
      assert.ok(e instanceof RookeryError);
      assert.equal(e.code, 'ROOKERY_SCENARIO_INIT');
      assert.match(e.message, /no database/);
      assert.match(e.where ?? '', /bad-init\.scenario\.ts:4:\d+$/);
      return true;
    });
    assert.deepEqual(controller.status(), { status: 'error', reason: 'init threw: no database' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(probe().starts.length, 0);
  });

  test('maintain replaces users that finish, keeping the count, with new ids', async () => {
    resetProbe();
    const loaded = await dir.load(
      'short.scenario.ts',
      `import { scenario } from 'rookery';
       const probe = (globalThis as any).__probe;
       export default scenario({ async start(user) { probe.starts.push({ id: user.id, at: 0 }); await user.sleep(20); } });`,
    );
    const { controller } = controllerFor(loaded, { userRate: 60_000, maintain: true });
    await controller.start(3);
    await waitFor(() => probe().starts.length >= 12, '12 user starts');
    assert.ok(controller.runningUsers <= 3);
    const ids = probe().starts.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are never reused');
    await controller.stop();
    assert.equal(controller.status().status, 'finished');
  });
});
