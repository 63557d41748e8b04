import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RECORDS, PANELS_STATE_KEY, PanelRegistry, type StateStore } from '../../../extension/dashboard/panel-registry';

/** A Memento in memory; `fail` makes every update reject (a full disk, a closing window). */
class MemoryStore implements StateStore {
  readonly values = new Map<string, unknown>();
  updates = 0;
  fail = false;

  get<T>(key: string): T | undefined {
    return structuredClone(this.values.get(key)) as T | undefined;
  }

  update(key: string, value: unknown): Promise<void> {
    this.updates++;
    if (this.fail) return Promise.reject(new Error('disk full'));
    this.values.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

describe('PanelRegistry', () => {
  test('open panels are stored with their titles, and forgotten when closed', () => {
    const store = new MemoryStore();
    const registry = new PanelRegistry(store);
    const a = registry.add({ runId: 'run-a', title: 'a.plan.yaml (running)' });
    const b = registry.add({ runId: 'run-b', title: 'b.plan.yaml (finished)' });
    registry.retitle(a, 'a.plan.yaml (finished)');
    assert.deepEqual(store.values.get(PANELS_STATE_KEY), [
      { runId: 'run-a', title: 'a.plan.yaml (finished)' },
      { runId: 'run-b', title: 'b.plan.yaml (finished)' },
    ]);
    const updates = store.updates;
    registry.retitle(a, 'a.plan.yaml (finished)');
    assert.equal(store.updates, updates, 'an unchanged title is not written again');
    registry.remove(b);
    registry.remove(b);
    assert.deepEqual(store.values.get(PANELS_STATE_KEY), [{ runId: 'run-a', title: 'a.plan.yaml (finished)' }]);
  });

  test('after a reload, restored panels claim their runs by title, each record once', () => {
    const store = new MemoryStore();
    const before = new PanelRegistry(store);
    before.add({ runId: 'run-1', title: 'same.plan.yaml (finished)' });
    before.add({ runId: 'run-2', title: 'same.plan.yaml (finished)' });
    before.add({ runId: 'run-3', title: 'other.plan.yaml (stopping)' });
    // The window closes: its panels are disposed, but the records must survive for the next session.
    before.freeze();
    before.remove(1);
    before.remove(2);

    const after = new PanelRegistry(store);
    assert.equal(after.claim('other.plan.yaml (stopping)'), 'run-3');
    assert.equal(after.claim('other.plan.yaml (stopping)'), undefined);
    const both = [after.claim('same.plan.yaml (finished)'), after.claim('same.plan.yaml (finished)')];
    assert.deepEqual(both.sort(), ['run-1', 'run-2']);
    assert.equal(after.claim('never open'), undefined);
    assert.deepEqual(store.values.get(PANELS_STATE_KEY), []);
  });

  test('unclaimed records of the last session are kept beside the open panels, up to the cap', () => {
    const store = new MemoryStore();
    store.values.set(PANELS_STATE_KEY, Array.from({ length: MAX_RECORDS + 5 }, (_, i) => ({ runId: `old-${i}`, title: `t${i}` })));
    const registry = new PanelRegistry(store);
    registry.add({ runId: 'new', title: 'new (running)' });
    const stored = store.values.get(PANELS_STATE_KEY) as { runId: string }[];
    assert.equal(stored.length, MAX_RECORDS);
    assert.equal(stored[0].runId, 'new');
    assert.equal(registry.claim('t3'), 'old-3');
  });

  test('stored state that is not a list of records is ignored, record by record', () => {
    for (const junk of [undefined, null, 'x', 42, { runId: 'a', title: 'b' }]) {
      const store = new MemoryStore();
      store.values.set(PANELS_STATE_KEY, junk);
      assert.deepEqual(new PanelRegistry(store).records(), []);
    }
    const store = new MemoryStore();
    store.values.set(PANELS_STATE_KEY, [null, { runId: '', title: 't' }, { runId: 'ok', title: 't' }, { runId: 5, title: 't' }, { runId: 'x' }]);
    assert.deepEqual(new PanelRegistry(store).records(), [{ runId: 'ok', title: 't' }]);
  });

  test('a failed save is reported, not thrown', async () => {
    const store = new MemoryStore();
    store.fail = true;
    const errors: unknown[] = [];
    const registry = new PanelRegistry(store, (e) => errors.push(e));
    registry.add({ runId: 'r', title: 't' });
    await new Promise((r) => setImmediate(r));
    assert.equal(errors.length, 1);
    assert.match((errors[0] as Error).message, /disk full/);
  });
});
