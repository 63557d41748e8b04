import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThrottleHub, type HubAgent } from '../../../agent/cluster/throttle-hub';
import type { ThrottleLease } from '../../../agent/protocol/cluster';

function hub(agents: HubAgent[]) {
  const leases: { agentId: string; lease: ThrottleLease }[] = [];
  const warnings: string[] = [];
  const live = [...agents];
  const h = new ThrottleHub((agentId, lease) => leases.push({ agentId, lease }), () => live, (w) => warnings.push(w));
  const last = (agentId: string) => [...leases].reverse().find((l) => l.agentId === agentId)?.lease;
  return { h, leases, warnings, live, last };
}

test('shares split the rate by workers at start, and never add up to more than the rate', () => {
  const { h, last } = hub([{ agentId: 'a', workers: 1 }, { agentId: 'b', workers: 2 }, { agentId: 'c', workers: 3 }]);
  h.apply('a', { kind: 'start', name: 't', rate: 100, interval: 1000 });
  const shares = ['a', 'b', 'c'].map((id) => last(id)!.rate);
  assert.deepEqual(shares, [17, 33, 50]);
  assert.equal(shares.reduce((x, y) => x + y, 0), 100);
  h.apply('b', { kind: 'start', name: 't', rate: 100, interval: 1000 }); // the same start from another agent: no-op
  h.close();
});

test('demand moves shares: decreases at once, increases one interval later', async () => {
  const { h, last } = hub([{ agentId: 'a', workers: 1 }, { agentId: 'b', workers: 1 }]);
  h.apply('a', { kind: 'start', name: 't', rate: 100, interval: 150 });
  assert.deepEqual([last('a')!.rate, last('b')!.rate], [50, 50]);
  h.apply('a', { kind: 'demand', demands: { t: 300 } });
  h.apply('b', { kind: 'demand', demands: { t: 0 } });
  assert.equal(last('b')!.rate, 1, 'the idle agent gives its share up at once');
  assert.equal(last('a')!.rate, 50, 'the busy one waits an interval for it');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(last('a')!.rate, 99);
  h.close();
});

test('changeRate, pause, resume, unlock and stop reach every agent at once; a lost agent frees its share', async () => {
  const { h, last, live, warnings } = hub([{ agentId: 'a', workers: 1 }, { agentId: 'b', workers: 1 }]);
  h.apply('a', { kind: 'start', name: 't', rate: 10, interval: 100 });
  h.apply('b', { kind: 'change', name: 't', rate: 40, interval: 100 });
  assert.deepEqual([last('a')!.rate, last('b')!.rate], [20, 20]);
  h.apply('a', { kind: 'pause', name: 't' });
  assert.deepEqual([last('a')!.rate, last('b')!.rate], [0, 0]);
  h.apply('a', { kind: 'resume', name: 't' });
  assert.deepEqual([last('a')!.rate, last('b')!.rate], [20, 20]);
  h.apply('a', { kind: 'unlock', name: 't' });
  assert.deepEqual([last('a')!.rate, last('b')!.rate], [Infinity, Infinity]);
  h.apply('a', { kind: 'change', name: 't', rate: 40, interval: 100 });
  live.splice(1, 1);
  h.agentLost('b');
  assert.equal(last('a')!.rate, 20, 'the lost share arrives one interval later');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(last('a')!.rate, 40);
  h.apply('a', { kind: 'stop', name: 't' });
  assert.equal(last('a')!.stopped, true);
  h.apply('a', { kind: 'pause', name: 't' });
  h.apply('a', { kind: 'pause', name: 'unknown' });
  assert.equal(warnings.length, 2);
  h.close();
});

test('a gradual change steps every agent from `from` to `to`', async () => {
  const { h, last } = hub([{ agentId: 'a', workers: 1 }, { agentId: 'b', workers: 1 }]);
  h.apply('a', { kind: 'start', name: 't', rate: 10, interval: 1000 });
  h.apply('a', { kind: 'gradual', name: 't', change: { from: 20, to: 60, interval: 1000, stepInterval: 50, stepCount: 2 } });
  assert.deepEqual([last('a')!.rate, last('b')!.rate], [10, 10], '`from` at once');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual([last('a')!.rate, last('b')!.rate], [30, 30]);
  h.close();
});
