import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectControl, type ControlClient } from '../../agent/cluster/control-client';
import { RookeryError } from '../../agent/common/errors';
import { createHistogram } from '../../agent/metrics/histogram';
import type { ClusterStatus, ControlPush, RunEvent, RunRequest, RunResultData } from '../../agent/protocol/control';
import { compileScenario } from '../../agent/scenario/compile';
import { startTarget, type DemoTarget } from '../../agent/target/server';
import { runCli, ROOT } from '../helpers/cli';
import { startAgent, startCoordinator, startProcess, stopAll, waitForOutput, type RookeryProcess } from '../helpers/cluster-processes';
import { ScenarioDir, waitFor } from '../helpers/scenario-files';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { busiestWindow } from '../helpers/windows';

// A standalone coordinator and three agent processes with two worker threads each, driven through the control
// protocol as the CLI and the extension drive it. Loads are small and every run is stopped by the test.
const TOKEN = randomBytes(16).toString('hex');
const FIXTURE = join(ROOT, 'test/fixtures/cluster/deterministic.scenario.ts');
const dir = new ScenarioDir();
let target: DemoTarget;
let coordinatorUrl: string;
let client: ControlClient;
let agents: RookeryProcess[];
const pushes: ControlPush[] = [];

async function status(): Promise<ClusterStatus> {
  return (await client.request({ type: 'control/status' })) as ClusterStatus;
}

async function waitForStatus(predicate: (s: ClusterStatus) => boolean, what: string, timeoutMs = 15_000): Promise<ClusterStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status();
    if (predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s, null, 1)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runRequest(overrides: Partial<RunRequest> & { planVariables: Record<string, unknown> }, fixture = FIXTURE): Promise<RunRequest> {
  const bundle = await compileScenario(fixture);
  return {
    scenario: { file: bundle.file, code: bundle.code, sources: bundle.sources },
    users: 12,
    userRate: 60_000,
    maintain: false,
    stages: [],
    cliVariables: {},
    envVariables: {},
    onAgentLoss: 'continue',
    gracePeriodMs: 1000,
    ...overrides,
  };
}

/** Runs a fixture scenario of test/fixtures/cluster/ on the three agents to its end. */
async function runFixture(fixture: string, overrides: Partial<RunRequest> & { planVariables: Record<string, unknown> }): Promise<RunResultData> {
  const run = await runRequest(overrides, join(ROOT, 'test/fixtures/cluster', fixture));
  const { runId } = (await client.request({ type: 'control/start-run', run })) as { runId: string };
  return finished(runId);
}

function finished(runId: string, c: ControlClient = client, timeoutMs = 20_000): Promise<RunResultData> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no run/finished')), timeoutMs);
    const found = pushes.find((p) => p.type === 'run/finished' && p.result.runId === runId);
    if (found && found.type === 'run/finished') {
      clearTimeout(timer);
      resolve(found.result);
      return;
    }
    c.on('push', function onPush(p: ControlPush) {
      if (p.type === 'run/finished' && p.result.runId === runId) {
        clearTimeout(timer);
        c.off('push', onPush);
        resolve(p.result);
      }
    });
  });
}

function events(runId: string): RunEvent[] {
  return pushes.flatMap((p) => (p.type === 'run/event' && p.runId === runId ? [p.event] : []));
}

before(async () => {
  target = await startTarget({ host: '127.0.0.1', port: 0 });
  const coordinator = await startCoordinator(TOKEN);
  coordinatorUrl = coordinator.url;
  agents = ['a1', 'a2', 'a3'].map((name) => startAgent(coordinatorUrl, TOKEN, name, 2));
  client = await connectControl(coordinatorUrl, { token: TOKEN });
  client.on('push', (p: ControlPush) => pushes.push(p));
  await client.request({ type: 'control/subscribe' });
  await waitForStatus((s) => s.agents.filter((a) => a.state === 'ready').length === 3, 'three ready agents');
});

after(async () => {
  client?.close();
  await stopAll();
  await target?.close();
  dir.remove();
});

describe('a coordinator and three agent processes with two workers each', () => {
  /** A failed assertion must not leave a run going: the next test could not start its own. */
  const stopIfRunning = async () => {
    if ((await status()).run?.status === 'running') await client.request({ type: 'control/stop', force: true }).catch(() => undefined);
  };

  test('ids in contiguous ranges by workers; add/remove/update across agents; merged figures exact', async (t) => {
    t.after(stopIfRunning);
    const marker = join(dir.dir, 'updates.txt');
    writeFileSync(marker, '');
    const requestsBefore = target.stats().http.total;
    const { runId } = (await client.request({
      type: 'control/start-run',
      run: await runRequest({ planVariables: { url: target.url, marker } }),
    })) as { runId: string };

    let s = await waitForStatus((st) => st.run?.runningUsers === 12, '12 running users');
    const ranges = s.agents.map((a) => a.ranges).sort((x, y) => x[0].from - y[0].from);
    assert.deepEqual(ranges, [[{ from: 1, to: 4 }], [{ from: 5, to: 8 }], [{ from: 9, to: 12 }]], 'equal workers: equal contiguous ranges');
    const shown = await runCli(['status', '--coordinator', coordinatorUrl, '--token', TOKEN]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /running, 12 users running/);
    const rows = shown.stdout.split('\n').filter((l) => /^\s+a\d\s/.test(l)).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows.map((r) => [r[1], r[2], r[3]]), [['running', '2', '4'], ['running', '2', '4'], ['running', '2', '4']]);
    assert.deepEqual(rows.map((r) => r[6]).sort(), ['1-4', '5-8', '9-12']);

    await client.request({ type: 'control/add-users', count: 6 });
    s = await waitForStatus((st) => st.run?.runningUsers === 18, '18 running users');
    const all = s.agents.flatMap((a) => a.ranges).sort((x, y) => x.from - y.from);
    const ids = all.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i));
    assert.deepEqual(ids, Array.from({ length: 18 }, (_, i) => i + 1), 'ids 1..18, each on exactly one agent');
    assert.ok(s.agents.every((a) => a.runningUsers === 6), 'the added users were split over the agents');

    await client.request({ type: 'control/update-variables', changes: { level: 5 } });
    await waitFor(() => readFileSync(marker, 'utf8').trim().split('\n').filter(Boolean).length >= 6, 'update hooks in 6 workers', 10_000);
    const hooks = new Set(readFileSync(marker, 'utf8').trim().split('\n'));
    assert.equal(hooks.size, 6, `one hook call per worker of each agent: ${[...hooks].join(' ')}`);
    assert.ok([...hooks].every((line) => line.endsWith(':5')));
    await assert.rejects(client.request({ type: 'control/update-variables', changes: { url: 'http://elsewhere' } }), (e: unknown) =>
      e instanceof RookeryError && /url.*read_only/s.test(e.format()));

    await client.request({ type: 'control/remove-users', count: 3, force: false });
    await waitForStatus((st) => st.run?.runningUsers === 15, '15 running users');
    await new Promise((r) => setTimeout(r, 1200));

    await client.request({ type: 'control/stop', force: false });
    const result = await finished(runId);
    assert.equal(result.endReason, 'stopped');
    const s2 = result.summary;
    // Every request the target saw is counted once in the merged figures: nothing lost, nothing twice.
    assert.equal(s2.total.count, target.stats().http.total - requestsBefore);
    assert.equal(s2.total.failed, 0);
    assert.equal(s2.users.started, 18);
    const idStats = s2.histograms.find((h) => h.name === 'ids')!;
    assert.deepEqual([idStats.count, idStats.min, idStats.max, idStats.mean], [18, 1, 18, 9.5]);
    // The merged histogram equals the histogram of every value recorded, on whichever agent and worker.
    const expected = createHistogram();
    for (let id = 1; id <= 18; id++) for (let i = 0; i < 10; i++) expected.record(((id * 37 + i * 11) % 1500) + 1);
    const values = s2.histograms.find((h) => h.name === 'values')!;
    assert.deepEqual(
      [values.count, values.min, values.max, values.mean, values.p50, values.p90, values.p99],
      [expected.count, expected.min, expected.max, expected.mean, expected.percentile(50), expected.percentile(90), expected.percentile(99)],
    );
    assert.equal(result.agents.length, 3);
    assert.ok(result.agents.every((a) => a.workers === 2));
    assert.ok(result.agentSeries.length >= 2, 'a per-agent series');
    const perSecond = result.series.reduce((n, snap) => n + Object.values(snap.requests).reduce((m, r) => m + r.count, 0), 0);
    assert.equal(perSecond, s2.total.count, 'the merged series adds up to the total');
  });

  test('user messages cross agents through the coordinator; a message to nobody is dropped and counted', async () => {
    const result = await runFixture('ring.scenario.ts', { planVariables: { users: 12 }, durationMs: 20_000 });
    const s = result.summary;
    assert.equal(result.endReason, 'completed');
    assert.deepEqual(s.checks, [{ name: 'received from the previous user', pass: 12, fail: 0 }], 'ids 4→5, 8→9 and 12→1 cross agents');
    const counter = (name: string) => s.counters.find((c) => c.name === name)?.value ?? 0;
    assert.deepEqual(['sent', 'delivered', 'dropped'].map((k) => counter(`rookery.messages.${k}`)), [13, 12, 1]);
  });

  test('a coordination batch mixes users of different agents (the barrier is held by the coordinator)', async () => {
    const result = await runFixture('pairs.scenario.ts', { users: 15, planVariables: { per_agent: 5 }, durationMs: 20_000 });
    const s = result.summary;
    assert.equal(result.endReason, 'completed');
    assert.equal(s.users.finished, 15, JSON.stringify(s.userFailures));
    assert.ok(s.checks.every((c) => c.pass === 15 && c.fail === 0), JSON.stringify(s.checks));
    // Ids 1-5, 6-10 and 11-15 run on three agents; joining in id order pairs 5 with 6, across agents.
    assert.ok((s.counters.find((c) => c.name === 'pairs across agents')?.value ?? 0) >= 2, JSON.stringify(s.counters));
  });

  test('a throttle shared by the users of 3 agents is never exceeded globally', async () => {
    const marker = join(dir.dir, 'throttle-executions.txt');
    writeFileSync(marker, '');
    const result = await runFixture('throttled.scenario.ts', { users: 18, planVariables: { rate: 60, interval_ms: 1000, marker }, durationMs: 4000 });
    const times = readFileSync(marker, 'utf8').trim().split('\n').map(Number);
    assert.ok(busiestWindow(times, 980) <= 60, `busiest window: ${busiestWindow(times, 980)} executions`);
    assert.ok(times.length >= 120, `the rate was used: ${times.length} executions in about 4 s`);
    assert.equal(result.summary.counters.find((c) => c.name === 'rookery.throttle.t.executions')?.value, times.length);
  });

  test('TCP link cut for 2 s: the agent reconnects and no snapshot is lost or counted twice', async (t) => {
    const coordinator = await startCoordinator(TOKEN);
    const port = Number(new URL(coordinator.url).port);
    const proxy: TcpProxy = await startTcpProxy(port);
    t.after(() => proxy.close());
    const agent = startAgent(`ws://127.0.0.1:${proxy.port}`, TOKEN, 'behind-proxy', 1);
    const c = await connectControl(coordinator.url, { token: TOKEN });
    t.after(() => c.close());
    const seen: ControlPush[] = [];
    c.on('push', (p: ControlPush) => seen.push(p));
    await c.request({ type: 'control/subscribe' });
    const deadline = Date.now() + 10_000;
    while (!((await c.request({ type: 'control/status' })) as ClusterStatus).agents.some((a) => a.state === 'ready')) {
      if (Date.now() > deadline) throw new Error(`agent did not join:\n${agent.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = target.stats().http.total;
    const { runId } = (await c.request({ type: 'control/start-run', run: await runRequest({ users: 4, planVariables: { url: target.url } }) })) as { runId: string };
    await new Promise((r) => setTimeout(r, 1500));
    proxy.cutFor(2000);
    await new Promise((r) => setTimeout(r, 3500));
    await c.request({ type: 'control/stop', force: false });
    const result = await finished(runId, c);
    const kinds = seen.flatMap((p) => (p.type === 'run/event' && p.runId === runId ? [p.event.kind] : []));
    assert.ok(kinds.includes('agent-reconnected'), `events: ${kinds.join(', ')}`);
    assert.ok(!kinds.includes('agent-lost'));
    assert.ok(result.summary.total.count > 0);
    assert.equal(result.summary.total.count, target.stats().http.total - before, 'merged count equals what the target served');
  });

  test('kill -9 one agent mid-run: the loss is reported and, with redistribute, its users come back on the others', async (t) => {
    t.after(stopIfRunning);
    const { runId } = (await client.request({
      type: 'control/start-run',
      run: await runRequest({ planVariables: { url: target.url }, onAgentLoss: 'redistribute' }),
    })) as { runId: string };
    await waitForStatus((st) => st.run?.runningUsers === 12, '12 running users');
    const victim = agents[2];
    victim.child.kill('SIGKILL');
    await waitFor(() => events(runId).some((e) => e.kind === 'agent-lost'), 'agent-lost', 15_000);
    const s = await waitForStatus((st) => st.run?.runningUsers === 12, 'users back to 12 on the survivors', 15_000);
    assert.equal(s.agents.filter((a) => a.state === 'running').length, 2);
    await client.request({ type: 'control/stop', force: false });
    const result = await finished(runId);
    const lost = events(runId).find((e) => e.kind === 'agent-lost');
    assert.ok(lost && lost.kind === 'agent-lost' && lost.name === 'a3' && lost.users === 4 && lost.policy === 'redistribute');
    assert.ok(events(runId).some((e) => e.kind === 'users-redistributed'));
    assert.equal(result.summary.total.failed, 0);
    assert.ok(result.summary.total.count > 0);
    assert.equal(result.summary.users.started, 16, '12 at first, then the lost agent\'s 4 again on the survivors');
  });
});

describe('tokens', () => {
  test('an agent refuses to listen beyond loopback without a token', async () => {
    const r = await runCli(['agent', '--listen', '0.0.0.0:0'], { env: { ROOKERY_TOKEN: '' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /token/i);
  });

  test('a wrong token is refused with a clear message, and nothing runs', async () => {
    const plan = dir.write('p.scenario.ts', "import { scenario } from 'rookery';\nexport default scenario({ start() {} });\n");
    const r = await runCli(['run', plan, '--coordinator', coordinatorUrl, '--token', 'wrong'], { env: { ROOKERY_TOKEN: '' } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /wrong or missing token/);
    const intruder = startProcess(['agent', '--join', coordinatorUrl, '--token', 'wrong', '--name', 'intruder', '--workers', '1']);
    await waitForOutput(intruder, /401|token/i, 10_000);
    assert.ok(!(await status()).agents.some((a) => a.name === 'intruder'));
    intruder.child.kill('SIGTERM');
  });
});
