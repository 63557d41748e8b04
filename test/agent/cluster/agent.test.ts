import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, type RunFinished } from '../../../agent/cluster/agent';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../../agent/cluster/memory-link';
import type { AgentMessage, AgentSnapshot, CoordinatorMessage, ScenarioBundle } from '../../../agent/protocol/cluster';
import { compileScenario } from '../../../agent/scenario/compile';
import { waitFor } from '../../helpers/scenario-files';

// Compiled to out/test/agent/cluster/: the fixtures stay in the source tree.
const FIXTURES = resolve(__dirname, '../../../../test/fixtures/cluster');
const tmp = mkdtempSync(join(tmpdir(), 'rookery-agent-'));
const agents: Agent[] = [];
after(async () => {
  await Promise.all(agents.map((a) => a.close()));
  rmSync(tmp, { recursive: true, force: true });
});

const bundles = new Map<string, Promise<ScenarioBundle>>();
function bundle(name: string): Promise<ScenarioBundle> {
  if (!bundles.has(name)) {
    bundles.set(name, compileScenario(join(FIXTURES, name)).then(({ file, code, sources }) => ({ file, code, sources })));
  }
  return bundles.get(name)!;
}

let files = 0;
function tempFile(): string {
  return join(tmp, `f${files++}.txt`);
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** "<threadId> <userId>" lines → each thread's ids, sorted, threads ordered by their lowest id. */
function idsByThread(file: string): number[][] {
  const byThread = new Map<string, number[]>();
  for (const line of lines(file)) {
    const [thread, id] = line.split(' ');
    byThread.set(thread!, [...(byThread.get(thread!) ?? []), Number(id)]);
  }
  return [...byThread.values()].map((ids) => ids.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}

/** The coordinator's end of a memory link: sends commands, keeps every message the agent sent. */
class FakeCoordinator {
  readonly pair: MemoryLinkPair<AgentMessage, CoordinatorMessage> = createMemoryLinkPair();
  readonly received: AgentMessage[] = [];

  constructor() {
    this.pair.b.on('message', (m) => this.received.push(m));
  }

  send(message: CoordinatorMessage): void {
    this.pair.b.send(message);
  }

  all<T extends AgentMessage['type']>(type: T, runId?: string): Extract<AgentMessage, { type: T }>[] {
    return this.received.filter((m): m is Extract<AgentMessage, { type: T }> => m.type === type && (runId === undefined || m.runId === runId));
  }

  /** The first message of `type` (for `runId`) matching `match`, waiting for it with a deadline. */
  async wait<T extends AgentMessage['type']>(type: T, runId: string, match: (m: Extract<AgentMessage, { type: T }>) => boolean = () => true, timeoutMs = 5000) {
    let found: Extract<AgentMessage, { type: T }> | undefined;
    await waitFor(() => (found = this.all(type, runId).find(match)) !== undefined, `${type} for ${runId}`, timeoutMs);
    return found!;
  }
}

function newAgent(options: { orphanGraceMs?: number } = {}) {
  const log: string[] = [];
  const finished: RunFinished[] = [];
  const agent = new Agent({ name: 'agent-a', workers: 2, log: (line) => log.push(line), ...options });
  agent.on('run-finished', (f) => finished.push(f));
  agents.push(agent);
  const coordinator = new FakeCoordinator();
  agent.attach(coordinator.pair.a);
  return { agent, coordinator, log, finished };
}

async function prepareRecords(coordinator: FakeCoordinator, runId: string, log: string, hookLog = tempFile()): Promise<void> {
  coordinator.send({
    type: 'run/prepare',
    runId,
    scenario: await bundle('records-ids.scenario.ts'),
    variables: { log, hookLog, loops: 0, level: 1 },
    userRate: 60_000,
    maintain: false,
  });
  await coordinator.wait('run/prepared', runId);
}

describe('Agent', () => {
  test('runs a run: ids split over the workers, merged seconds, variable updates in every worker, remove, stop', async () => {
    const { agent, coordinator, log: agentLog, finished } = newAgent();
    const usersLog = tempFile();
    const hookLog = tempFile();
    await prepareRecords(coordinator, 'r1', usersLog, hookLog);
    assert.equal(agent.status().state, 'running');

    coordinator.send({ type: 'run/add-users', runId: 'r1', ranges: [{ from: 1, to: 10 }] });
    await waitFor(() => lines(usersLog).length === 10, '10 users to start');
    assert.deepEqual(idsByThread(usersLog), [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
    await coordinator.wait('run/status', 'r1', (s) => s.runningUsers === 10 && !s.idle);
    assert.equal(agent.status().runningUsers, 10);

    coordinator.send({ type: 'run/update-variables', runId: 'r1', changes: { level: 2 } });
    await waitFor(() => lines(hookLog).length === 2, 'the update hook to run in both workers');
    assert.equal(new Set(lines(hookLog)).size, 2, 'two distinct threads ran the hook');
    coordinator.send({ type: 'run/update-variables', runId: 'r1', changes: { log: '/elsewhere' } });
    const failed = await coordinator.wait('run/command-failed', 'r1');
    assert.equal(failed.command, 'run/update-variables');
    assert.match(failed.message, /read_only/);

    coordinator.send({ type: 'run/add-users', runId: 'other-run', ranges: [{ from: 50, to: 60 }] });
    coordinator.send({ type: 'run/remove-users', runId: 'r1', count: 4, force: false });
    await coordinator.wait('run/status', 'r1', (s) => s.runningUsers === 6);
    assert.ok(agentLog.some((l) => /ignoring run\/add-users for run other-run/.test(l)), 'a command for another run is logged and ignored');
    assert.equal(lines(usersLog).length, 10, 'no user of the other run started');

    await coordinator.wait('run/snapshot', 'r1', (s) => s.workers.length === 2);
    coordinator.send({ type: 'run/stop', runId: 'r1', force: false });
    await coordinator.wait('run/stopped', 'r1');
    const stoppedAt = coordinator.received.findIndex((m) => m.type === 'run/stopped');
    const snapshots = coordinator.received.slice(0, stoppedAt).filter((m): m is AgentSnapshot => m.type === 'run/snapshot');
    // Everything was sent before run/stopped: one snapshot per second, nothing lost, nothing twice.
    assert.equal(snapshots.reduce((n, s) => n + s.snapshot.users.started, 0), 10);
    assert.equal(snapshots.reduce((n, s) => n + s.snapshot.users.stopped, 0), 10);
    assert.equal(new Set(snapshots.map((s) => s.second)).size, snapshots.length);
    assert.equal(coordinator.all('run/snapshot').length, snapshots.length, 'no snapshot after run/stopped');
    for (const s of snapshots) assert.equal(s.snapshot.source, 'agent-a');
    assert.deepEqual(finished, [{ runId: 'r1', outcome: 'stopped' }]);
    assert.equal(agent.status().state, 'idle');

    // A late stop for the finished run is answered; commands for it are not applied.
    coordinator.send({ type: 'run/stop', runId: 'r1', force: true });
    await waitFor(() => coordinator.all('run/stopped', 'r1').length === 2, 'the repeated run/stopped');
  });

  test('init throwing answers run/failed with the scenario line, and the next run works', async () => {
    const { agent, coordinator, finished } = newAgent();
    coordinator.send({ type: 'run/prepare', runId: 'bad', scenario: await bundle('init-throws.scenario.ts'), variables: {}, userRate: 600, maintain: false });
    const failure = await coordinator.wait('run/failed', 'bad');
    assert.equal(failure.code, 'ROOKERY_SCENARIO_INIT');
    assert.match(failure.message, /init refuses on purpose/);
    assert.match(failure.where ?? '', /init-throws\.scenario\.ts:6:\d+$/);
    assert.equal(coordinator.all('run/prepared').length, 0);
    assert.deepEqual(finished, [{ runId: 'bad', outcome: 'failed' }]);
    assert.equal(agent.status().state, 'idle');

    const usersLog = tempFile();
    await prepareRecords(coordinator, 'good', usersLog);
    // One run at a time: a second prepare is refused, the running one is untouched.
    coordinator.send({ type: 'run/prepare', runId: 'third', scenario: await bundle('records-ids.scenario.ts'), variables: {}, userRate: 1, maintain: false });
    const busy = await coordinator.wait('run/failed', 'third');
    assert.equal(busy.code, 'ROOKERY_STATE');
    assert.match(busy.message, /busy with run good/);
    coordinator.send({ type: 'run/add-users', runId: 'good', ranges: [{ from: 1, to: 2 }] });
    await waitFor(() => lines(usersLog).length === 2, '2 users to start');
    coordinator.send({ type: 'run/stop', runId: 'good', force: true });
    await coordinator.wait('run/stopped', 'good');
  });

  test('a crashed worker is reported and the agent keeps running on the others', async () => {
    const { agent, coordinator } = newAgent();
    const usersLog = tempFile();
    coordinator.send({ type: 'run/prepare', runId: 'c', scenario: await bundle('crashes-worker-1.scenario.ts'), variables: { log: usersLog }, userRate: 60_000, maintain: false });
    await coordinator.wait('run/prepared', 'c');
    const crash = await coordinator.wait('run/user-error', 'c', (e) => e.userId === 0);
    assert.match(crash.message, /worker 1 crashed: boom/);
    assert.match(crash.message, /1 of 2 workers left/);
    assert.match(crash.where ?? '', /crashes-worker-1\.scenario\.ts:14:\d+$/);

    coordinator.send({ type: 'run/add-users', runId: 'c', ranges: [{ from: 1, to: 4 }] });
    await waitFor(() => lines(usersLog).length === 4, '4 users to start');
    assert.equal(idsByThread(usersLog).length, 1, 'all on the surviving worker');
    await coordinator.wait('run/status', 'c', (s) => s.runningUsers === 4);
    coordinator.send({ type: 'run/stop', runId: 'c', force: false });
    await coordinator.wait('run/stopped', 'c');
    assert.equal(agent.status().state, 'idle');
  });

  test('orphan grace: a coordinator unreachable for the grace period gets its users stopped', async () => {
    const grace = 500;
    const { agent, coordinator, log } = newAgent({ orphanGraceMs: grace });
    await prepareRecords(coordinator, 'o', tempFile());
    coordinator.send({ type: 'run/add-users', runId: 'o', ranges: [{ from: 1, to: 4 }] });
    await coordinator.wait('run/status', 'o', (s) => s.runningUsers === 4);

    const cutAt = Date.now();
    coordinator.pair.cut();
    await waitFor(() => agent.status().state === 'idle', 'the orphaned run to stop', grace + 4000);
    const took = Date.now() - cutAt;
    assert.ok(took >= grace - 20, `stopped after ${took} ms, before the ${grace} ms grace`);
    assert.ok(log.some((l) => /coordinator unreachable/.test(l)));
    assert.equal(coordinator.all('run/stopped', 'o').length, 0, 'nothing arrives while the link is down');
    // The session resumes: what the agent sent meanwhile arrives, last snapshots then run/stopped.
    coordinator.pair.restore();
    await coordinator.wait('run/stopped', 'o');
    const snapshots = coordinator.all('run/snapshot', 'o');
    assert.equal(snapshots.reduce((n, s) => n + s.snapshot.users.stopped, 0), 4);
  });

  test('orphan grace: a link restored before the grace period leaves the run alone', async () => {
    const grace = 600;
    const { agent, coordinator } = newAgent({ orphanGraceMs: grace });
    await prepareRecords(coordinator, 'b', tempFile());
    coordinator.send({ type: 'run/add-users', runId: 'b', ranges: [{ from: 1, to: 4 }] });
    await coordinator.wait('run/status', 'b', (s) => s.runningUsers === 4);

    const cutAt = Date.now();
    coordinator.pair.cut();
    // A 200 ms blip, well inside the grace.
    await new Promise<void>((r) => setTimeout(r, 200));
    coordinator.pair.restore();
    // Proof the users outlived the grace: a snapshot of a second after it, with the 4 users still active.
    const later = await coordinator.wait('run/snapshot', 'b', (s) => s.snapshot.start >= cutAt + grace + 200 && s.snapshot.users.active === 4, 4000);
    assert.equal(later.snapshot.users.stopped, 0);
    assert.equal(agent.status().state, 'running');
    coordinator.send({ type: 'run/stop', runId: 'b', force: true });
    await coordinator.wait('run/stopped', 'b');
  });

  test('close() stops the run, forced, and reports it; a hanging init is given up on after the grace period', async () => {
    const first = newAgent();
    await prepareRecords(first.coordinator, 'k', tempFile());
    first.coordinator.send({ type: 'run/add-users', runId: 'k', ranges: [{ from: 1, to: 3 }] });
    await first.coordinator.wait('run/status', 'k', (s) => s.runningUsers === 3);
    await first.agent.close();
    await first.coordinator.wait('run/stopped', 'k');
    assert.equal(first.coordinator.all('run/snapshot', 'k').reduce((n, s) => n + s.snapshot.users.stopped, 0), 3);
    assert.equal(first.agent.status().state, 'idle');
    assert.throws(() => first.agent.attach(new FakeCoordinator().pair.a), { code: 'ROOKERY_STATE' });

    const second = newAgent();
    second.coordinator.send({ type: 'run/prepare', runId: 'h', scenario: await bundle('init-hangs.scenario.ts'), variables: {}, userRate: 600, maintain: false, gracePeriodMs: 100 });
    await waitFor(() => second.agent.status().state === 'preparing', 'the run to be preparing');
    const startedAt = Date.now();
    await second.agent.close();
    const took = Date.now() - startedAt;
    assert.ok(took < 100 + 3000 + 1500, `close took ${took} ms`);
    await second.coordinator.wait('run/stopped', 'h');
    assert.equal(second.coordinator.all('run/failed', 'h').length, 0);
    assert.equal(second.coordinator.all('run/stopped', 'h').length, 1);
    assert.ok(second.log.some((l) => /did not stop in time/.test(l)));
  });

  test('threads that cannot start fail the prepare; bad options are refused', async () => {
    const log: string[] = [];
    const agent = new Agent({ name: 'x', workers: 1, log: (l) => log.push(l), createPool: () => { throw new Error('no threads today'); } });
    agents.push(agent);
    const coordinator = new FakeCoordinator();
    agent.attach(coordinator.pair.a);
    coordinator.send({ type: 'run/prepare', runId: 'p', scenario: await bundle('records-ids.scenario.ts'), variables: {}, userRate: 1, maintain: false });
    const failed = await coordinator.wait('run/failed', 'p');
    assert.match(failed.message, /could not start worker threads: no threads today/);
    assert.equal(agent.status().state, 'idle');
    assert.throws(() => new Agent({ name: 'x', workers: 0 }), { code: 'ROOKERY_USAGE' });
  });

  test('a new session stops the run the previous session started', async () => {
    const { agent, coordinator, log } = newAgent();
    await prepareRecords(coordinator, 'old', tempFile());
    coordinator.send({ type: 'run/add-users', runId: 'old', ranges: [{ from: 1, to: 2 }] });
    await coordinator.wait('run/status', 'old', (s) => s.runningUsers === 2);

    const next = new FakeCoordinator();
    agent.attach(next.pair.a);
    assert.ok(log.some((l) => /new coordinator session/.test(l)));
    await waitFor(() => agent.status().state === 'idle', 'the old run to stop');
    // Its end is reported to the session that started it, and nothing of it reaches the new one.
    await coordinator.wait('run/stopped', 'old');
    assert.equal(next.received.length, 0);
    // Commands from the replaced session are no longer heard.
    coordinator.send({ type: 'run/prepare', runId: 'ghost', scenario: await bundle('records-ids.scenario.ts'), variables: {}, userRate: 1, maintain: false });
    await prepareRecords(next, 'fresh', tempFile());
    assert.equal(coordinator.all('run/failed', 'ghost').length, 0);
    assert.equal(agent.status().runId, 'fresh');
    next.send({ type: 'run/stop', runId: 'fresh', force: true });
    await next.wait('run/stopped', 'fresh');
  });
});
