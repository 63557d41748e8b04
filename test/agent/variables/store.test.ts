import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { variable } from '../../../agent/api';
import { RookeryError } from '../../../agent/common/errors';
import { VariableStore, type VariableChange } from '../../../agent/variables/store';

function makeStore(hookCalls: unknown[][] = []) {
  const declarations = {
    host: variable({ description: 'read only by default', default: 'http://a' }),
    rate: variable<number>({ description: 'updatable', default: 10, update: 'none', verify: (v) => typeof v === 'number' && v > 0 }),
    region: variable({
      description: 'hooked',
      default: 'eu',
      verify: ['eu', 'us'],
      update: (name, value, old) => {
        hookCalls.push([name, value, old]);
      },
    }),
    level: variable<number>({
      description: 'normalised and hook fails',
      default: 1,
      verify: (v) => ({ ok: true, value: Number(v) }),
      update: async () => {
        throw new Error('hook broke');
      },
    }),
  };
  const values = { host: 'http://a', rate: 10, region: 'eu', level: 1 };
  return new VariableStore(declarations, values, { host: 'cli' });
}

describe('VariableStore reading', () => {
  test('get, values (a copy) and sources', () => {
    const store = makeStore();
    assert.equal(store.get('host'), 'http://a');
    assert.equal(store.get('nope'), undefined);
    const values = store.values();
    values.host = 'changed';
    assert.equal(store.get('host'), 'http://a');
    assert.deepEqual(store.sources(), { host: 'cli', rate: 'default', region: 'default', level: 'default' });
  });

  test('the view is live and read-only', async () => {
    const store = makeStore();
    const vars = store.view();
    assert.equal(vars.rate, 10);
    assert.equal(vars.unknownKey, undefined);
    assert.throws(() => {
      vars.rate = 5;
    }, (e: unknown) => e instanceof TypeError && /vars\.rate is read-only/.test(e.message));
    assert.throws(() => {
      vars.brandNew = 1;
    }, TypeError);
    await store.update({ rate: 20 });
    assert.equal(vars.rate, 20);
    assert.deepEqual(JSON.parse(JSON.stringify(vars)), store.values());
    assert.deepEqual({ ...vars }, store.values());
    assert.match(inspect(vars), /rate: 20/);
  });

  test('nested values are frozen copies', () => {
    const list = ['a'];
    const store = new VariableStore({ list: variable<string[]>({ description: 'l' }) }, { list });
    assert.throws(() => (store.get('list') as string[]).push('b'), TypeError);
    assert.deepEqual(list, ['a'], 'the caller keeps its own array');
  });

  test('construction rejects values that do not match the declarations', () => {
    const declarations = { a: variable({ description: 'a' }) };
    assert.throws(() => new VariableStore(declarations, {}), (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_INTERNAL');
    assert.throws(() => new VariableStore(declarations, { a: 1, b: 2 }), RookeryError);
  });
});

describe('VariableStore.update', () => {
  test('update: none applies', async () => {
    const store = makeStore();
    assert.deepEqual(await store.update({ rate: 50 }), { applied: ['rate'], problems: [] });
    assert.equal(store.get('rate'), 50);
    assert.equal(store.sources().rate, 'update');
  });

  test('read_only (the default) is rejected with the documented reason', async () => {
    const store = makeStore();
    const { applied, problems } = await store.update({ host: 'http://b' });
    assert.deepEqual(applied, []);
    assert.equal(problems[0].kind, 'read_only');
    assert.equal(problems[0].reason, "variable host is read_only; declare update: 'none' or a function to allow runtime updates");
    assert.equal(store.get('host'), 'http://a');
  });

  test('an invalid policy (untyped JS) counts as read_only and says so', async () => {
    const decl = { x: { description: 'x', update: 'readonly' as unknown as 'none' } };
    const store = new VariableStore(decl, { x: 1 });
    const { problems } = await store.update({ x: 2 });
    assert.equal(problems[0].kind, 'read_only');
    assert.match(problems[0].reason, /invalid update policy "readonly"/);
  });

  test('a function hook is called with name, new value and old value', async () => {
    const calls: unknown[][] = [];
    const store = makeStore(calls);
    await store.update({ region: 'us' });
    await store.update({ region: 'eu' });
    assert.deepEqual(calls, [['region', 'us', 'eu'], ['region', 'eu', 'us']]);
  });

  test('all-or-nothing: one bad change rejects the whole batch, every problem listed', async () => {
    const calls: unknown[][] = [];
    const store = makeStore(calls);
    const { applied, problems } = await store.update({ rate: 99, region: 'asia', host: 'x', rat: 1 });
    assert.deepEqual(applied, []);
    assert.deepEqual(problems.map((p) => [p.variable, p.kind]), [['region', 'invalid'], ['host', 'read_only'], ['rat', 'unknown']]);
    assert.match(problems[2].reason, /did you mean "rate"/);
    assert.equal(store.get('rate'), 10);
    assert.deepEqual(calls, []);
  });

  test('a verification failure on update is reported with its value', async () => {
    const store = makeStore();
    const { problems } = await store.update({ rate: -1 });
    assert.deepEqual({ ...problems[0], reason: '' }, { variable: 'rate', kind: 'invalid', source: 'update', value: -1, reason: '' });
  });

  test('a throwing hook is reported while the value stays applied, and other hooks still run', async () => {
    const calls: unknown[][] = [];
    const store = makeStore(calls);
    const { applied, problems } = await store.update({ level: '7', region: 'us' });
    assert.deepEqual(applied, ['level', 'region']);
    assert.equal(store.get('level'), 7, 'the normalised value is stored');
    assert.deepEqual(calls, [['region', 'us', 'eu']]);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].kind, 'update_failed');
    assert.match(problems[0].reason, /hook broke/);
  });

  test('change listeners hear applied updates only, and can unsubscribe', async () => {
    const store = makeStore();
    const heard: VariableChange[][] = [];
    const off = store.onChange((changes) => heard.push(changes));
    await store.update({ rate: 30 });
    await store.update({ rate: -5 });
    off();
    await store.update({ rate: 40 });
    assert.deepEqual(heard, [[{ name: 'rate', value: 30, previous: 10 }]]);
  });

  test('a failing listener is reported and does not stop the update', async () => {
    const store = makeStore();
    store.onChange(() => {
      throw new Error('link down');
    });
    const { applied, problems } = await store.update({ rate: 2 });
    assert.deepEqual(applied, ['rate']);
    assert.match(problems[0].reason, /link down/);
    assert.equal(store.get('rate'), 2);
  });

  test('an empty update does nothing', async () => {
    assert.deepEqual(await makeStore().update({}), { applied: [], problems: [] });
  });
});
