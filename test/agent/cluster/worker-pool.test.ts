import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RookeryError } from '../../../agent/common/errors';
import { WorkerPool, type WorkerCrash } from '../../../agent/cluster/worker-pool';
import type { MergedSecond } from '../../../agent/cluster/worker-snapshots';
import type { ScenarioBundle } from '../../../agent/protocol/cluster';
import { compileScenario } from '../../../agent/scenario/compile';
import { waitFor } from '../../helpers/scenario-files';

// Compiled to out/test/agent/cluster/: the fixtures stay in the source tree.
const FIXTURES = resolve(__dirname, '../../../../test/fixtures/cluster');
const tmp = mkdtempSync(join(tmpdir(), 'rookery-pool-'));
const pools: WorkerPool[] = [];
after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  rmSync(tmp, { recursive: true, force: true });
});

async function bundle(name: string): Promise<ScenarioBundle> {
  const { file, code, sources } = await compileScenario(join(FIXTURES, name));
  return { file, code, sources };
}

function newPool(options: ConstructorParameters<typeof WorkerPool>[0] = {}): WorkerPool {
  const pool = new WorkerPool({ workers: 2, name: 'test-agent', ...options });
  pools.push(pool);
  return pool;
}

let files = 0;
function tempFile(): string {
  return join(tmp, `f${files++}.txt`);
}

/** "<threadId> <userId>" lines → user ids by thread, in file order. */
function idsByThread(file: string): Map<string, number[]> {
  const byThread = new Map<string, number[]>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return byThread;
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const [thread, id] = line.split(' ');
    byThread.set(thread!, [...(byThread.get(thread!) ?? []), Number(id)]);
  }
  return byThread;
}

function userCount(file: string): number {
  return [...idsByThread(file).values()].reduce((n, ids) => n + ids.length, 0);
}

function recordsVars(log: string, hookLog = tempFile()) {
  return { log, hookLog, loops: 0, level: 1 };
}

describe('WorkerPool', () => {
  test('splits ids contiguously over the workers, merges their seconds, removes in proportion, stops', async () => {
    const pool = newPool();
    const seconds: MergedSecond[] = [];
    pool.on('snapshot', (s) => seconds.push(s));
    const log = tempFile();
    await pool.prepare({ scenario: await bundle('records-ids.scenario.ts'), variables: recordsVars(log), userRate: 60_000, maintain: false });
    await pool.addUsers([{ from: 1, to: 10 }]);
    await waitFor(() => userCount(log) === 10, '10 users to start');
    const shares = [...idsByThread(log).values()].map((ids) => [...ids].sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
    assert.deepEqual(shares, [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
    await waitFor(() => pool.status().runningUsers === 10, 'the workers to report 10 running users');
    assert.equal(pool.status().idle, false);

    await pool.removeUsers(4, false);
    // Each worker held 5: each removes 2, the highest ids first.
    await waitFor(() => pool.status().runningUsers === 6, '6 running users after removing 4');

    await waitFor(() => seconds.some((s) => s.workers.length === 2), 'a second reported by both workers', 3000);
    await pool.stop(false);
    const status = pool.status();
    assert.equal(status.runningUsers, 0);
    assert.equal(status.idle, true);
    // Everything went out by the time stop resolved: one snapshot per second, nothing counted twice.
    const started = seconds.reduce((n, s) => n + s.snapshot.users.started, 0);
    const stopped = seconds.reduce((n, s) => n + s.snapshot.users.stopped, 0);
    const seen = seconds.reduce((n, s) => n + (s.snapshot.counters['users seen'] ?? 0), 0);
    assert.equal(started, 10);
    assert.equal(stopped, 10);
    assert.equal(seen, 10);
    assert.equal(new Set(seconds.map((s) => s.second)).size, seconds.length, 'one merged snapshot per second');
    for (const s of seconds) {
      assert.equal(s.snapshot.source, 'test-agent');
      assert.equal(s.second, Math.floor(s.snapshot.start / 1000));
      assert.deepEqual(s.workers.map((w) => w.worker), s.workers.length === 2 ? [0, 1] : s.workers.map((w) => w.worker));
    }
    const full = seconds.find((s) => s.workers.length === 2)!;
    assert.equal(full.snapshot.users.active, full.workers.reduce((n, w) => n + w.users, 0), 'gauges summed across workers');
    await pool.close();
  });

  test('a variable update runs the hook in every worker thread; a rejected one fails with its problems', async () => {
    const pool = newPool();
    const hookLog = tempFile();
    await pool.prepare({ scenario: await bundle('records-ids.scenario.ts'), variables: recordsVars(tempFile(), hookLog), userRate: 600, maintain: false });
    await pool.updateVariables({ level: 2 });
    const threads = readFileSync(hookLog, 'utf8').split('\n').filter(Boolean);
    assert.equal(threads.length, 2);
    assert.equal(new Set(threads).size, 2, 'two distinct threads ran the hook');
    await assert.rejects(pool.updateVariables({ log: '/elsewhere' }), (error: unknown) => {
      assert.ok(error instanceof RookeryError);
      assert.equal(error.code, 'ROOKERY_UPDATE');
      assert.match(error.problems[0]!.message, /read_only/);
      return true;
    });
    await pool.stop(true);
    await pool.close();
  });

  test('the user rate is split equally, and 0 pauses spawning', async () => {
    const pool = newPool();
    const log = tempFile();
    await pool.prepare({ scenario: await bundle('records-ids.scenario.ts'), variables: recordsVars(log), userRate: 0, maintain: false });
    await pool.addUsers([{ from: 1, to: 3 }, { from: 11, to: 13 }]);
    // The replies carry each worker's state: the ids are queued, none started.
    assert.deepEqual({ ...pool.status(), idle: undefined }, { runningUsers: 0, pendingUsers: 6, idle: undefined, workers: 2, liveWorkers: 2 });
    await pool.setRate(60_000);
    await waitFor(() => userCount(log) === 6, '6 users once the rate is set');
    const shares = [...idsByThread(log).values()].map((ids) => [...ids].sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
    assert.deepEqual(shares, [[1, 2, 3], [11, 12, 13]]);
    await assert.rejects(pool.setRate(-1), { code: 'ROOKERY_USAGE' });
    await assert.rejects(pool.addUsers([{ from: 5, to: 4 }]), { code: 'ROOKERY_USAGE' });
    await assert.rejects(pool.removeUsers(-1, false), { code: 'ROOKERY_USAGE' });
    await pool.stop(true);
    await pool.close();
  });

  test('init throwing fails prepare with the scenario line, and the pool is done', async () => {
    const pool = newPool();
    const scenario = await bundle('init-throws.scenario.ts');
    await assert.rejects(pool.prepare({ scenario, variables: {}, userRate: 600, maintain: false }), (error: unknown) => {
      assert.ok(error instanceof RookeryError);
      assert.equal(error.code, 'ROOKERY_SCENARIO_INIT');
      assert.match(error.message, /init refuses on purpose/);
      assert.match(error.where ?? '', /init-throws\.scenario\.ts:6:\d+$/);
      return true;
    });
    await assert.rejects(pool.addUsers([{ from: 1, to: 2 }]), { code: 'ROOKERY_STATE' });
    await assert.rejects(pool.prepare({ scenario, variables: {}, userRate: 600, maintain: false }), { code: 'ROOKERY_STATE' });
  });

  test('a worker that does not answer in time fails the request', async () => {
    const pool = newPool({ requestTimeoutMs: 400 });
    await assert.rejects(pool.prepare({ scenario: await bundle('init-hangs.scenario.ts'), variables: {}, userRate: 600, maintain: false }), /did not answer worker\/prepare within 400 ms/);
  });

  test('bad variables and commands before prepare are refused by the worker', async () => {
    const pool = newPool({ workers: 1 });
    await assert.rejects(pool.addUsers([{ from: 1, to: 1 }]), { code: 'ROOKERY_STATE', message: /before worker\/prepare/ });
    await assert.rejects(
      pool.prepare({ scenario: await bundle('records-ids.scenario.ts'), variables: { log: tempFile() }, userRate: 600, maintain: false }),
      { code: 'ROOKERY_INTERNAL', message: /no resolved value for declared variable "hookLog"/ },
    );
    assert.throws(() => new WorkerPool({ workers: 0 }), { code: 'ROOKERY_USAGE' });
  });

  test('a crashed worker is reported with its scenario line and the others keep going', async () => {
    const pool = newPool();
    const crashes: WorkerCrash[] = [];
    pool.on('crashed', (c) => crashes.push(c));
    const log = tempFile();
    await pool.prepare({ scenario: await bundle('crashes-worker-1.scenario.ts'), variables: { log }, userRate: 60_000, maintain: false });
    await waitFor(() => crashes.length === 1, 'worker 1 to crash');
    assert.equal(crashes[0]!.worker, 1);
    assert.equal(crashes[0]!.message, 'boom');
    assert.match(crashes[0]!.where ?? '', /crashes-worker-1\.scenario\.ts:14:\d+$/);
    assert.equal(pool.liveWorkers, 1);
    await pool.addUsers([{ from: 1, to: 4 }]);
    await waitFor(() => userCount(log) === 4, '4 users on the surviving worker');
    const byThread = idsByThread(log);
    assert.equal(byThread.size, 1, 'every user ran on the one live thread');
    await pool.stop(false);
    assert.equal(pool.status().runningUsers, 0);
    await pool.close();
  });
});
