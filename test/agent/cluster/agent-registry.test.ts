import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentRegistry, type AgentLink } from '../../../agent/cluster/agent-registry';
import { createMemoryLinkPair } from '../../../agent/cluster/memory-link';
import { RookeryError } from '../../../agent/common/errors';
import type { AgentMessage, CoordinatorMessage } from '../../../agent/protocol/cluster';

function session(agentId: string, name = agentId, workers = 2) {
  const pair = createMemoryLinkPair<AgentMessage, CoordinatorMessage>();
  return { pair, session: { agentId, name, workers, link: pair.b as AgentLink } };
}

describe('AgentRegistry', () => {
  test('registers sessions, finds them by id or name, and lists them in join order', () => {
    let clock = 1000;
    const registry = new AgentRegistry({ now: () => clock });
    const joined: string[] = [];
    registry.on('joined', (e) => joined.push(e.agentId));
    registry.add(session('a1', 'alpha').session);
    clock = 2000;
    registry.add({ ...session('a2', 'beta', 4).session, url: 'ws://10.0.0.2:7400' });
    assert.deepEqual(joined, ['a1', 'a2']);
    assert.equal(registry.find('beta')?.agentId, 'a2');
    assert.equal(registry.find('a1')?.name, 'alpha');
    assert.equal(registry.find('gamma'), undefined);
    assert.deepEqual(registry.infos(), [
      { agentId: 'a1', name: 'alpha', state: 'ready', workers: 2, ranges: [], runningUsers: 0, rps: 0, utilization: { eventLoop: 0, cpu: 0 }, overloaded: false, lastSeen: 1000 },
      { agentId: 'a2', name: 'beta', url: 'ws://10.0.0.2:7400', state: 'ready', workers: 4, ranges: [], runningUsers: 0, rps: 0, utilization: { eventLoop: 0, cpu: 0 }, overloaded: false, lastSeen: 2000 },
    ]);
  });

  test('rejects malformed sessions, listing every problem', () => {
    const registry = new AgentRegistry();
    assert.throws(() => registry.add({ ...session('', '', 0).session }), (e: RookeryError) => e.code === 'ROOKERY_USAGE' && e.problems.length === 3);
    assert.throws(() => registry.add({ ...session('x', 'x', 1.5).session }), /workers/);
    assert.equal(registry.list().length, 0);
  });

  test('down → disconnected (state kept for up), up → back, closed → lost; messages stamp lastSeen', async () => {
    let clock = 0;
    const registry = new AgentRegistry({ now: () => clock });
    const { pair, session: s } = session('a1');
    const entry = registry.add(s);
    const seen: string[] = [];
    registry.on('disconnected', () => seen.push('disconnected'));
    registry.on('reconnected', () => seen.push('reconnected'));
    registry.on('lost', (_e, reason) => seen.push(`lost: ${reason}`));
    registry.setState(entry, 'running');
    pair.cut();
    assert.equal(entry.state, 'disconnected');
    registry.setState(entry, 'stopping'); // the run moved on while the link was down
    assert.equal(entry.state, 'disconnected');
    pair.restore();
    assert.equal(entry.state, 'stopping');
    clock = 5000;
    const got = new Promise<AgentMessage>((resolve) => registry.once('message', (_e, m) => resolve(m)));
    pair.a.send({ type: 'run/stopped', runId: 'r' });
    assert.equal((await got).type, 'run/stopped');
    assert.equal(entry.lastSeen, 5000);
    pair.b.close('peer silent for 5000 ms');
    assert.equal(entry.state, 'lost');
    registry.setState(entry, 'ready');
    assert.equal(entry.state, 'lost', 'lost is final for a session');
    assert.deepEqual(seen, ['disconnected', 'reconnected', 'lost: peer silent for 5000 ms']);
  });

  test('a new session of the same agent replaces the old one, which is reported lost and closed', () => {
    const registry = new AgentRegistry();
    const first = session('a1');
    const old = registry.add(first.session);
    const lost: string[] = [];
    registry.on('lost', (e, reason) => lost.push(`${e.agentId}: ${reason}`));
    const fresh = registry.add(session('a1').session);
    assert.notEqual(fresh, old);
    assert.equal(old.state, 'lost');
    assert.equal(first.pair.b.connected, false, 'the old link was closed');
    assert.equal(fresh.state, 'ready');
    assert.deepEqual(lost, ['a1: replaced by a new session of the same agent']);
    assert.equal(registry.list().length, 1);
    assert.equal(registry.add({ agentId: 'a1', name: 'a1', workers: 2, link: fresh.link }), fresh, 'the same link again is the same session');
  });

  test('remove ends the session; close ends all', () => {
    const registry = new AgentRegistry();
    const a = session('a1');
    const b = session('a2');
    const entry = registry.add(a.session);
    registry.add(b.session);
    let changes = 0;
    registry.on('changed', () => changes++);
    registry.remove(entry);
    assert.equal(a.pair.a.connected, false);
    assert.deepEqual(registry.list().map((e) => e.agentId), ['a2']);
    registry.close();
    assert.equal(b.pair.a.connected, false);
    assert.equal(registry.list().length, 0);
    assert.ok(changes >= 2);
  });
});
