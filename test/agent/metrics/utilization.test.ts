import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UtilizationSampler } from '../../../agent/metrics/utilization';
import type { Utilization } from '../../../agent/protocol/snapshot';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // keep the thread (and one core) busy
  }
}

function idle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function assertInRange(u: Utilization): void {
  for (const value of [u.eventLoop, u.cpu]) assert.ok(value >= 0 && value <= 1, `${value} outside [0, 1]`);
}

describe('UtilizationSampler', () => {
  test('rises under a busy loop and falls when idle, always within [0, 1]', async () => {
    const sampler = new UtilizationSampler();
    await idle(150);
    const quiet = sampler.sample();
    busy(250);
    const loaded = sampler.sample();
    assertInRange(quiet);
    assertInRange(loaded);
    assert.ok(quiet.eventLoop < 0.5, `idle event loop ${quiet.eventLoop}`);
    assert.ok(loaded.eventLoop > 0.9, `busy event loop ${loaded.eventLoop}`);
    assert.ok(loaded.eventLoop > quiet.eventLoop);
    // CPU is shared with other processes on the machine (a busy loop may get a small share of a core): only ask
    // that it shows, and shows more than idling.
    assert.ok(loaded.cpu > 0.05, `busy cpu ${loaded.cpu}`);
    assert.ok(loaded.cpu > quiet.cpu, `busy cpu ${loaded.cpu} <= idle cpu ${quiet.cpu}`);
  });

  test('each sample covers only the time since the previous one', async () => {
    const sampler = new UtilizationSampler();
    busy(150);
    assert.ok(sampler.sample().eventLoop > 0.9);
    await idle(150);
    assert.ok(sampler.sample().eventLoop < 0.5);
  });

  test('divides CPU time by cores, and samples taken back to back stay in range', () => {
    const sampler = new UtilizationSampler({ cores: 1000 });
    busy(100);
    const u = sampler.sample();
    assert.ok(u.cpu < 0.01, `cpu over 1000 cores ${u.cpu}`);
    assertInRange(sampler.sample());
    assertInRange(sampler.sample());
  });

  test('rejects an invalid core count', () => {
    for (const cores of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new UtilizationSampler({ cores }), RangeError);
    }
  });
});
