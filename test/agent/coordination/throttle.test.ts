import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Throttles, type ThrottleEvent } from '../../../agent/coordination/throttle';
import { RookeryError } from '../../../agent/common/errors';

/** Polls `check` every 5 ms until it holds; fails after `deadlineMs`. */
async function waitFor(check: () => boolean, deadlineMs: number, what: string): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const isState = (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_STATE';

describe('Throttles', () => {
  let throttles = new Throttles();
  afterEach(() => throttles.close());

  test('start is idempotent for the same configuration and refuses another', () => {
    throttles = new Throttles();
    throttles.start('msgs', { rate: 20, interval: 1000 });
    throttles.start('msgs', { rate: 20, interval: 1000 });
    throttles.start('per-min', { rate: 20 });
    throttles.start('per-min', { rate: 20, interval: 60_000 });
    assert.throws(() => throttles.start('msgs', { rate: 21, interval: 1000 }), (e: RookeryError) => isState(e) && /changeRate/.test(e.hint ?? ''));
    assert.deepEqual(throttles.names(), ['msgs', 'per-min']);
    assert.throws(() => throttles.start('bad', { rate: -1 }), { code: 'ROOKERY_USAGE' });
    assert.equal(throttles.has('bad'), false);
  });

  test('unknown names give a clear ROOKERY_STATE error', async () => {
    throttles = new Throttles();
    throttles.start('known', { rate: 1 });
    await assert.rejects(throttles.wait('nope'), (e: RookeryError) => isState(e) && /"nope"/.test(e.message) && /known/.test(e.hint ?? ''));
    assert.throws(() => throttles.run('nope', () => undefined), isState);
    assert.throws(() => throttles.changeRate('nope', { rate: 1 }), isState);
    assert.throws(() => throttles.changeRateGradually('nope', { from: 1, to: 2, duration: 100 }), isState);
    for (const op of ['pause', 'resume', 'unlock', 'stop', 'stats'] as const) assert.throws(() => throttles[op]('nope'), isState);
  });

  test('interarrival spaces executions evenly; figures and events count requests and executions', async () => {
    const events: Array<[string, ThrottleEvent]> = [];
    throttles = new Throttles({ onEvent: (name, event) => events.push([name, event]) });
    throttles.start('ia', { interarrival: 40 });
    const times: number[] = [];
    const waits = Array.from({ length: 6 }, async () => {
      const release = await throttles.wait('ia');
      times.push(performance.now());
      release();
    });
    assert.deepEqual(throttles.stats('ia'), {
      requests: 6,
      executions: 1,
      queued: 5,
      running: 1,
      rate: 1500,
      interval: 60_000,
      configuredRate: 1500,
      paused: false,
      changingGradually: false,
    });
    await Promise.all(waits);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.ok(Math.min(...gaps) >= 39 && Math.max(...gaps) < 80, `~40 ms apart: ${gaps.join(', ')}`);
    assert.equal(events.filter(([, e]) => e === 'request').length, 6);
    assert.equal(events.filter(([, e]) => e === 'execution').length, 6);
    assert.ok(events.every(([n]) => n === 'ia'));
    const stats = throttles.stats('ia');
    assert.equal(stats.executions, 6);
    assert.equal(stats.running, 0);
  });

  test('pause stops executions and resume restores the rate; rate 0 works as pause', async () => {
    throttles = new Throttles();
    throttles.start('p', { rate: 50, interval: 1000 });
    let done = 0;
    const waits = Array.from({ length: 12 }, () => throttles.wait('p').then((release) => (release(), done++)));
    await waitFor(() => done >= 3, 1000, '3 executions');
    throttles.pause('p');
    const frozen = done;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(done, frozen, 'nothing runs while paused');
    assert.equal(throttles.stats('p').rate, 0);
    assert.equal(throttles.stats('p').paused, true);
    throttles.resume('p');
    assert.equal(throttles.stats('p').rate, 50);
    await waitFor(() => done >= frozen + 3, 1000, 'executions after resume');

    throttles.changeRate('p', { rate: 0, interval: 1000 });
    const frozenAgain = done;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(done, frozenAgain);
    throttles.resume('p');
    assert.equal(throttles.stats('p').rate, 50, 'resume restores the configuration before rate 0');
    await Promise.all(waits);
    assert.equal(done, 12);
  });

  test('unlock lets every waiter through at once', async () => {
    throttles = new Throttles();
    throttles.start('u', { rate: 1 });
    (await throttles.wait('u'))();
    let done = 0;
    const waits = Array.from({ length: 10 }, () => throttles.wait('u').then(() => done++));
    await new Promise((r) => setImmediate(r));
    assert.equal(done, 0);
    const t0 = performance.now();
    throttles.unlock('u');
    await Promise.all(waits);
    assert.equal(done, 10);
    assert.ok(performance.now() - t0 < 20);
    assert.equal(throttles.stats('u').rate, Infinity);
  });

  test('run returns at once; interval 0 never runs more than rate functions in parallel', async () => {
    const errors: unknown[] = [];
    throttles = new Throttles({ onRunError: (_name, error) => errors.push(error) });
    throttles.start('par', { rate: 3, interval: 0 });
    let running = 0;
    let peak = 0;
    let finished = 0;
    for (let i = 0; i < 10; i++) {
      throttles.run('par', async () => {
        running++;
        peak = Math.max(peak, running);
        assert.ok(throttles.stats('par').running <= 3);
        await new Promise((r) => setTimeout(r, 25));
        running--;
        finished++;
        if (i === 4) throw new Error('boom');
      });
    }
    assert.equal(throttles.stats('par').requests, 10);
    assert.equal(throttles.stats('par').queued, 7);
    await waitFor(() => finished === 10 && throttles.stats('par').running === 0, 2000, 'all runs');
    assert.equal(peak, 3);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).message, 'boom');
  });

  test('changeRate while waiters queue never exceeds either rate in the window', async () => {
    // Execution times as the throttle grants them (a continuation after `await` may run late on a busy machine).
    const times: number[] = [];
    throttles = new Throttles({
      onEvent: (_name, event) => {
        if (event !== 'execution') return;
        times.push(performance.now());
        if (times.length === 8) throttles.changeRate('c', { rate: 10, interval: 1000 });
      },
    });
    throttles.start('c', { rate: 20, interval: 1000 });
    await Promise.all(Array.from({ length: 16 }, async () => (await throttles.wait('c'))()));
    for (let i = 0, j = 0; i < times.length; i++) {
      while (j < times.length && times[j] < times[i] + 1000) j++;
      assert.ok(j - i <= (j - 1 >= 8 ? 10 : 20), `window at #${i} holds ${j - i}`);
    }
  });

  test('changeRateGradually applies from at once, reaches to, and is cancelled by a new change', async () => {
    throttles = new Throttles();
    throttles.start('g', { rate: 10, interval: 1000 });
    throttles.changeRateGradually('g', { from: 40, to: 20, interval: 1000, stepInterval: 60, stepCount: 2 });
    assert.equal(throttles.stats('g').rate, 40);
    assert.equal(throttles.stats('g').changingGradually, true);
    await waitFor(() => !throttles.stats('g').changingGradually, 1000, 'the gradual change to finish');
    assert.equal(throttles.stats('g').rate, 20);

    throttles.changeRateGradually('g', { from: 5, to: 50, interval: 1000, stepInterval: 50, stepCount: 3 });
    throttles.changeRate('g', { rate: 7, interval: 1000 });
    assert.equal(throttles.stats('g').changingGradually, false);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(throttles.stats('g').rate, 7, 'the cancelled change applies no more steps');
    assert.throws(() => throttles.changeRateGradually('g', { from: 1, to: 2 } as never), { code: 'ROOKERY_USAGE' });
  });

  test('a gradual change keeps stepping while paused; resume applies where it got to', async () => {
    throttles = new Throttles();
    throttles.start('gp', { rate: 10, interval: 1000 });
    throttles.pause('gp');
    throttles.changeRateGradually('gp', { from: 10, to: 30, interval: 1000, stepInterval: 40, stepCount: 2 });
    assert.equal(throttles.stats('gp').rate, 0);
    await waitFor(() => !throttles.stats('gp').changingGradually, 1000, 'the gradual change to finish');
    assert.equal(throttles.stats('gp').rate, 0);
    assert.equal(throttles.stats('gp').configuredRate, 30);
    throttles.resume('gp');
    assert.equal(throttles.stats('gp').rate, 30);
  });

  test('stop rejects waiters, drops queued runs; close stops every throttle', async () => {
    throttles = new Throttles();
    throttles.start('s', { rate: 1 });
    throttles.start('t', { rate: 1 });
    (await throttles.wait('s'))();
    (await throttles.wait('t'))();
    const waiting = throttles.wait('s');
    let ran = false;
    throttles.run('s', () => (ran = true));
    throttles.stop('s');
    await assert.rejects(waiting, (e: RookeryError) => isState(e) && /stopped/.test(e.message));
    assert.equal(throttles.has('s'), false);
    const other = throttles.wait('t');
    throttles.close();
    await assert.rejects(other, isState);
    assert.deepEqual(throttles.names(), []);
    await new Promise((r) => setImmediate(r));
    assert.equal(ran, false);
    throttles.start('s', { rate: 2 }); // a stopped name can start again, with any configuration
    assert.equal(throttles.stats('s').rate, 2);
  });
});
