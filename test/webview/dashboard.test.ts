import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { DashboardPoint, DashboardView, HostMessage } from '../../agent/protocol/dashboard';
import type { RunResultData } from '../../agent/protocol/control';
import { runCli } from '../helpers/cli';
import { pointsFromResult, readResultFile, viewFromResult } from '../helpers/dashboard-fixture';
import {
  DashboardSession,
  findDataset,
  snapshotMessage,
  updateMessage,
  waitReady,
  ys,
  type BrowserGlobals,
} from '../helpers/dashboard-page';
import { SyntheticHost } from '../helpers/dashboard-synthetic';
import { ScenarioDir } from '../helpers/scenario-files';

// The dashboard page's data path in headless Chromium: a real run's numbers on every chart and table, the seq and
// resync rules, compaction, decimation, comparison, hidden series. (Safety and themes: dashboard-safety.test.ts.)

const SCENARIO = `
import { scenario, variable } from 'rookery';
export default scenario({
  variables: { base: variable({ description: 'the test target', default: 'http://127.0.0.1:1' }) },
  async start(user) {
    const api = user.http(user.vars.base);
    const orders = user.metrics.counter('orders');
    const size = user.metrics.histogram('body bytes');
    for (let i = 0; !user.stopping; i++) {
      const res = await api.get(i % 4 === 3 ? '/fail' : '/ok');
      user.check('status is 200', res.status === 200);
      orders.add();
      size.record(res.body.length);
      await user.sleep(40);
    }
  },
});
`;

const dir = new ScenarioDir();
let target: Server | undefined;
let result: RunResultData;
let view: DashboardView;
let session: DashboardSession;

before(async () => {
  target = createServer((req, res) => {
    if (req.url === '/fail') res.writeHead(500).end('nope');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  });
  await new Promise<void>((resolve) => target!.listen(0, '127.0.0.1', resolve));
  const port = (target.address() as { port: number }).port;
  const out = join(dir.dir, 'result.json');
  const [run, started] = await Promise.all([
    runCli(
      ['run', dir.write('tiny.scenario.ts', SCENARIO), '--users', '2', '--duration', '3s', '--quiet', '--var', `base=http://127.0.0.1:${port}`,
        '--threshold', 'p99<5000ms', '--threshold', 'error_rate<1%', '--out', out],
      { timeoutMs: 30_000 },
    ),
    DashboardSession.start(),
  ]);
  session = started;
  // 3: a threshold failed (error_rate: a quarter of the requests answer 500), which the thresholds table shows.
  assert.equal(run.code, 3, run.stdout + run.stderr);
  result = readResultFile(out);
  view = viewFromResult(result, 'tiny run');
});

after(async () => {
  await session?.close();
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  dir.remove();
});

const mid = (p: DashboardPoint) => p.second + p.span / 2;

describe('dashboard page (headless Chromium)', () => {
  test('asks for a snapshot on load, then draws every chart and table from a recorded run', async () => {
    const page = await session.open();
    assert.deepEqual(await page.posted(), [{ type: 'dashboard/ready' }], 'ready, and nothing else, on load');
    await page.send(snapshotMessage(1, view));
    await waitReady(page);

    const points = pointsFromResult(result);
    assert.ok(points.length >= 3, `a 3 s run has at least 3 seconds (${points.length})`);
    assert.ok(points.some((p) => p.failedRps > 0) && points.some((p) => p.okRps > 0), 'the run had ok and failed requests');
    const charts = await page.charts();
    assert.deepEqual(Object.keys(charts).sort(), ['errors', 'latency', 'throughput', 'users', 'utilization']);
    assert.deepEqual(findDataset(charts, 'throughput', 'throughput:ok').data, points.map((p) => ({ x: mid(p), y: p.okRps })));
    assert.deepEqual(ys(findDataset(charts, 'throughput', 'throughput:failed')), points.map((p) => p.failedRps));
    for (const stat of ['p50', 'p90', 'p99', 'max'] as const) {
      assert.deepEqual(ys(findDataset(charts, 'latency', `latency:${stat}`)), points.map((p) => p.latency?.[stat] ?? null), stat);
    }
    assert.deepEqual(ys(findDataset(charts, 'users', 'users:users')), points.map((p) => p.users));
    const http = findDataset(charts, 'errors', 'errors:http');
    assert.equal(http.label, 'http/s');
    assert.deepEqual(ys(http), points.map((p) => p.errorsPerSecond.http ?? 0));
    const agent = result.agents[0];
    const utilization = findDataset(charts, 'utilization', `utilization:${agent.agentId}`);
    assert.equal(utilization.label, agent.name);
    assert.deepEqual(ys(utilization), points.map((p) => p.agents.find((a) => a.agentId === agent.agentId)?.utilization ?? null));
    const limit = findDataset(charts, 'utilization', 'utilization:limit');
    assert.deepEqual(limit.data.map((p) => p.y), [0.8, 0.8], 'the dashed 0.8 line spans the run');
    assert.deepEqual([limit.data[0].x, limit.data[1].x], [points[0].second, points[points.length - 1].second + 1]);

    // Headline figures carry the exact numbers in data-value.
    const figure = (name: string) => page.page.locator(`[data-figure="${name}"] dd`);
    assert.equal(Number(await figure('p99').getAttribute('data-value')), result.summary.total.p99);
    assert.equal(Number(await figure('errors').getAttribute('data-value')), result.summary.total.failed);
    assert.equal(Number(await figure('rps').getAttribute('data-value')), result.summary.total.rps, 'a finished run shows its mean req/s');
    assert.match((await figure('elapsed').textContent()) ?? '', /^0:0[3-4]$/);
    assert.equal(await page.page.locator('h1.title').textContent(), 'tiny run');
    assert.equal(await page.page.locator('.status').textContent(), 'finished');

    const requests = await page.table('requests');
    assert.deepEqual(requests.head, ['Request', 'Count', 'Req/s', 'p50', 'p90', 'p99', 'Max', 'Errors']);
    assert.deepEqual(requests.body.map((r) => r[0].text), result.summary.requests.map((r) => r.name));
    for (const [i, row] of result.summary.requests.entries()) {
      assert.deepEqual(requests.body[i].slice(1).map((c) => c.value), [row.count, row.rps, row.p50, row.p90, row.p99, row.max, row.errorPct], row.name);
    }
    const total = result.summary.total;
    assert.deepEqual(requests.foot[0].map((c) => c.value ?? c.text), ['total', total.count, total.rps, total.p50, total.p90, total.p99, total.max, total.errorPct]);
    assert.equal(requests.foot[0][1].text, total.count.toLocaleString('en-US'), 'counts are grouped');

    await page.selectTab('errors');
    const errors = await page.table('errors');
    assert.deepEqual(errors.body.map((r) => [r[0].text, r[1].value, r[2].text]), result.summary.errors.map((e) => [e.kind, e.count, e.lastMessage]));
    await page.selectTab('agents');
    const agents = await page.table('agents');
    assert.deepEqual(agents.body.map((r) => [r[0].text, r[4].value]), result.agents.map((a) => [a.name, a.peakUtilization]));
    await page.selectTab('checks');
    const checks = await page.table('checks');
    assert.deepEqual(checks.body.map((r) => [r[0].text, r[1].value, r[2].value]), result.summary.checks.map((c) => [c.name, c.pass, c.fail]));
    assert.ok(checks.body[0][2].className.includes('bad'), 'failures are highlighted');
    await page.selectTab('custom');
    const counters = await page.table('counters');
    assert.deepEqual(counters.body.map((r) => [r[0].text, r[1].value]), [['orders', result.summary.counters[0].value]]);
    const histograms = await page.table('histograms');
    const size = result.summary.histograms[0];
    assert.deepEqual(histograms.body[0].map((c) => c.value ?? c.text), ['body bytes', size.count, size.min, size.mean, size.p50, size.p90, size.p99, size.max]);
    await page.selectTab('thresholds');
    const thresholds = await page.table('thresholds');
    assert.deepEqual(
      thresholds.body.map((r) => [r[0].text, r[1].text, r[3].text]),
      result.thresholds.map((t) => [t.threshold, t.ok ? '✓ pass' : '✗ fail', t.line]),
    );
    assert.deepEqual(result.thresholds.map((t) => t.ok), [true, false]);
    assert.match((await page.page.locator('button[data-tab="thresholds"]').textContent()) ?? '', /Thresholds \(1 ✗\)/);
    assert.deepEqual(await page.state(), { tab: 'thresholds', hiddenSeries: [], runId: view.runId },
      'the chosen tab and the id of the run shown (for the panel serializer) are saved, and nothing else');
    assert.deepEqual(page.errors, []);
  });

  test('updates apply in order: a revised second replaces its point, a new one is appended, tables are replaced', async () => {
    const page = await session.open();
    const host = new SyntheticHost({ seed: 1 });
    for (let i = 0; i < 5; i++) host.tick();
    const first = host.snapshot();
    await page.send(first);
    const next = host.tick();
    const revised: DashboardPoint = { ...host.points[2], okRps: 4242 };
    const tables = { ...host.tables(), status: 'terminating' as const };
    await page.send(next, updateMessage(next.seq + 1, [revised], tables), next /* a duplicate: ignored */);
    const charts = await page.charts();
    const ok = findDataset(charts, 'throughput', 'throughput:ok');
    assert.deepEqual(ok.data.map((p) => p.x), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    assert.equal(ok.data[2].y, 4242, 'second 2 replaced');
    assert.deepEqual(await page.hook(), { ...(await page.hook()), lastSeq: next.seq + 1, pointsHeld: 6 });
    assert.equal(await page.page.locator('.status').textContent(), 'terminating');
    assert.deepEqual((await page.posted()).map((m) => m.type), ['dashboard/ready'], 'no resync');
  });

  test('a gap asks for a snapshot once and ignores updates until it arrives', async () => {
    const page = await session.open();
    const host = new SyntheticHost({ seed: 2 });
    await page.send(host.snapshot(), host.tick(), host.tick()); // seq 1..3
    host.tick(); // seq 4 is lost
    const before = await page.charts();
    await page.send(host.tick(), host.tick()); // seq 5, 6
    const posted = await page.waitForPosted('dashboard/resync');
    assert.deepEqual(posted, [{ type: 'dashboard/ready' }, { type: 'dashboard/resync', lastSeq: 3 }], 'one resync, naming the last applied seq');
    assert.deepEqual(await page.charts(), before, 'nothing applied after the gap');
    assert.equal((await page.hook()).lastSeq, 3);
    await page.send(host.snapshot(), host.tick()); // seq 7, 8
    assert.deepEqual(await page.hook(), { ...(await page.hook()), lastSeq: 8, pointsHeld: host.held });
    assert.equal((await page.posted()).length, 2, 'no further request once in sync');
  });

  test('updates before any snapshot are ignored, and a lost ready is asked again, at most every 2 s', async () => {
    const started = Date.now(); // before the page's first ready, so the second one must come 2 s after this
    const page = await session.open();
    const host = new SyntheticHost({ seed: 9 });
    host.snapshot(); // the page never gets it
    await page.send(host.tick());
    assert.deepEqual(await page.posted(), [{ type: 'dashboard/ready' }], 'not asked again right away');
    assert.equal((await page.hook()).pointsHeld, 0);
    // The host keeps sending once a second (faster here); the page asks again once RETRY_MS has passed.
    const deadline = Date.now() + 5000;
    while ((await page.posted()).length < 2 && Date.now() < deadline) {
      await page.send(host.tick());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(await page.posted(), [{ type: 'dashboard/ready' }, { type: 'dashboard/ready' }]);
    assert.ok(Date.now() - started >= 2000, 'not before 2 s');
  });

  test('a message that fails validation or cannot be applied asks for a snapshot', async () => {
    const host = new SyntheticHost({ seed: 3 });
    for (let i = 0; i < 3; i++) host.tick();
    const invalid = await session.open();
    await invalid.send(host.snapshot(), { type: 'dashboard/update', seq: host.seq + 1, points: 'nope', tables: host.tables() });
    assert.deepEqual((await invalid.waitForPosted('dashboard/resync')).at(-1), { type: 'dashboard/resync', lastSeq: host.seq });

    const overlapping = await session.open();
    await overlapping.send(host.snapshot());
    // A coarse point over seconds the page holds as fine ones: cannot be placed without an overlap.
    const bad = updateMessage(host.seq + 1, [{ ...host.points[0], second: 1, span: 10 }], host.tables());
    await overlapping.send(bad);
    assert.deepEqual((await overlapping.waitForPosted('dashboard/resync')).at(-1), { type: 'dashboard/resync', lastSeq: host.seq });
    assert.equal((await overlapping.hook()).pointsHeld, 3, 'the held view is left as it was');

    const version = await session.open();
    await version.send(host.snapshot());
    await version.send({ ...host.snapshot(), protocol: 2 });
    assert.deepEqual((await version.waitForPosted('dashboard/resync')).at(-1), { type: 'dashboard/resync', lastSeq: host.seq - 1 }, 'another protocol version is refused');
  });

  test('compaction drops old fine points and draws the coarse ones at their midpoint', async () => {
    const page = await session.open();
    const host = new SyntheticHost({ fine: 20, compactEvery: 10, coarseSpan: 5, coarseMax: 6, seed: 4 });
    await page.send(host.snapshot());
    let compactions = 0;
    const messages: HostMessage[] = [];
    for (let i = 0; i < 150; i++) {
      const u = host.tick();
      if (u.type === 'dashboard/update' && u.compacted) compactions++;
      messages.push(u);
    }
    await page.send(...messages);
    assert.ok(compactions >= 10, `${compactions} compactions`);
    const expected = host.points;
    assert.ok(expected.some((p) => p.span > 5), 'coarse points were merged again (span doubled)');
    assert.equal((await page.hook()).pointsHeld, expected.length, 'the page holds exactly what the host holds');
    const ok = findDataset(await page.charts(), 'throughput', 'throughput:ok');
    assert.deepEqual(ok.data, expected.map((p) => ({ x: p.second + p.span / 2, y: p.okRps })));
    assert.deepEqual((await page.posted()).map((m) => m.type), ['dashboard/ready']);
  });

  test('keeps drawing new points once decimation is active (chart.js #11929: data is replaced, never pushed)', async () => {
    const page = await session.open();
    const host = new SyntheticHost({ fine: 100_000, seed: 5, agents: 1 });
    for (let i = 0; i < 6000; i++) host.tick();
    await page.send(host.snapshot());
    let ok = findDataset(await page.charts(), 'throughput', 'throughput:ok');
    assert.equal(ok.data.length, 6000);
    assert.ok(ok.drawn < ok.data.length, `decimated: ${ok.drawn} of ${ok.data.length} points drawn`);
    await page.send(host.tick(), host.tick());
    ok = findDataset(await page.charts(), 'throughput', 'throughput:ok');
    assert.equal(ok.data.length, 6002);
    assert.ok(Math.abs((ok.lastDrawnX ?? 0) - 6001.5) < 1, `the newest point is drawn (last drawn x ${ok.lastDrawnX})`);
  });

  test('compares with another run: picker → dashboard/compare, dashed lighter twins, choice saved and restored', async () => {
    const other = { runId: 'run-before', title: 'yesterday <b>run</b>', startedAt: Date.UTC(2024, 4, 1, 12), status: 'finished' as const };
    const v: DashboardView = { ...view, runs: [...view.runs, other] };
    const page = await session.open();
    await page.send(snapshotMessage(1, v));
    await page.page.selectOption('select.run-picker', other.runId);
    assert.deepEqual((await page.waitForPosted('dashboard/compare')).at(-1), { type: 'dashboard/compare', runId: other.runId });
    const comparePoints = view.points.map((p) => ({ ...p, okRps: p.okRps * 2 }));
    await page.send({ type: 'dashboard/compare', seq: 2, compare: { runId: other.runId, title: other.title, points: comparePoints } });
    const charts = await page.charts();
    const twin = findDataset(charts, 'throughput', 'throughput:ok~compare');
    const own = findDataset(charts, 'throughput', 'throughput:ok');
    assert.deepEqual(ys(twin), comparePoints.map((p) => p.okRps));
    assert.match(twin.color, /^rgba\(.*, 0\.5\)$/, `a lighter colour (${twin.color})`);
    assert.notEqual(twin.color, own.color);
    for (const chart of ['latency', 'users', 'errors', 'utilization']) assert.ok(charts[chart].some((d) => d.key.endsWith('~compare')), chart);
    assert.equal(await page.page.locator('.compare-note').textContent(), `dashed lines: ${other.title}`);
    assert.equal((await page.hook()).pointsHeld, view.points.length * 2);
    assert.deepEqual(await page.state(), { tab: 'requests', hiddenSeries: [], compareRunId: other.runId, runId: view.runId });

    // A restored page asks for the saved comparison once its first snapshot does not carry it.
    const restored = await session.open({ state: { tab: 'errors', hiddenSeries: ['latency:p50'], compareRunId: other.runId } });
    await restored.send(snapshotMessage(1, v));
    assert.deepEqual((await restored.waitForPosted('dashboard/compare')).at(-1), { type: 'dashboard/compare', runId: other.runId });
    assert.equal(findDataset(await restored.charts(), 'latency', 'latency:p50').hidden, true, 'a hidden series stays hidden');
    assert.equal(await restored.page.locator('button[data-tab="errors"]').getAttribute('aria-selected'), 'true');

    // Stopping the comparison.
    await page.page.selectOption('select.run-picker', '');
    assert.deepEqual((await page.posted()).at(-1), { type: 'dashboard/compare' });
    await page.send({ type: 'dashboard/compare', seq: 3 });
    assert.ok(!(await page.charts()).throughput.some((d) => d.key.endsWith('~compare')));
    assert.equal((await page.hook()).pointsHeld, view.points.length);
  });

  test('a legend click hides a series and its compared twin, and saves the choice; tabs follow the arrow keys', async () => {
    const page = await session.open();
    const host = new SyntheticHost({ seed: 8 });
    for (let i = 0; i < 30; i++) host.tick();
    const v = host.view();
    v.compare = { runId: 'other', title: 'other', points: host.points };
    await page.send({ type: 'dashboard/snapshot', seq: 1, protocol: 1, view: v });
    const box = await page.page.locator('figure[data-chart="latency"] canvas').boundingBox();
    assert.ok(box);
    // The legend is one centred row at the bottom of the canvas: walk along it until an entry takes the click.
    const hidden = async () => ((await page.state()) as { hiddenSeries?: string[] } | undefined)?.hiddenSeries ?? [];
    let x = box.x + box.width * 0.25;
    for (; x < box.x + box.width * 0.75 && (await hidden()).length === 0; x += 3) {
      await page.page.mouse.click(x, box.y + box.height - 10);
      await page.frame();
    }
    // chart.js handles a click on the next animation frame, and the page redraws on the one after.
    await page.frame();
    const [key] = await hidden();
    assert.match(key ?? '', /^latency:(p50|p90|p99|max)$/);
    const latency = (await page.charts()).latency;
    assert.deepEqual(latency.filter((d) => d.hidden).map((d) => d.key).sort(), [key, `${key}~compare`].sort());
    await page.page.mouse.click(x - 3, box.y + box.height - 10);
    await page.frame();
    await page.frame();
    assert.deepEqual(await hidden(), [], 'a second click shows it again');
    assert.ok((await page.charts()).latency.every((d) => !d.hidden));

    await page.page.focus('button[data-tab="requests"]');
    await page.page.keyboard.press('ArrowRight');
    assert.equal(await page.page.locator('button[data-tab="errors"]').getAttribute('aria-selected'), 'true');
    await page.page.keyboard.press('End');
    await page.page.keyboard.press('ArrowRight');
    assert.equal(await page.page.locator('button[data-tab="requests"]').getAttribute('aria-selected'), 'true', 'wraps around');
    assert.equal(await page.page.locator('[data-panel="errors"]').isHidden(), true);
  });

  test('a hidden page asks for a snapshot when it becomes visible again', async () => {
    const page = await session.open();
    await page.send(new SyntheticHost().snapshot());
    const setVisibility = (state: string) =>
      page.page.evaluate((s) => {
        const g = globalThis as unknown as BrowserGlobals;
        Object.defineProperty(g.document, 'visibilityState', { configurable: true, get: () => s });
        g.document.dispatchEvent(new g.Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    assert.equal((await page.posted()).length, 1, 'nothing is asked while hidden');
    await setVisibility('visible');
    assert.deepEqual(await page.waitForPosted('dashboard/ready', 2), [{ type: 'dashboard/ready' }, { type: 'dashboard/ready' }]);
  });
});
