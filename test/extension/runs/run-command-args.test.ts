import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extractDeclarations } from '../../../agent/analysis/extract-variables';
import {
  isPlanPath,
  isScenarioPath,
  OTHER_COUNT_LABEL,
  parseCount,
  parseRateInput,
  parseVariableInput,
  readOnlyMessage,
  removeModeItems,
  targetPathOf,
  userCountItems,
  valueText,
  variableItems,
} from '../../../extension/runs/run-command-args';

const SCENARIO = `import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    base_url: variable({ description: 'Where the API is', default: 'http://127.0.0.1:8080', update: 'read_only' }),
    think_time_ms: variable({ description: 'Pause between requests', default: 200, update: 'none' }),
    mode: variable({ default: 'fast', verify: ['fast', 'slow', 42], update: 'none' }),
    seed: variable({ default: 1 }), // read-only: the default policy
  },
  async start() {},
});`;
const declarations = extractDeclarations('/w/a.scenario.ts', SCENARIO).variables;

describe('targetPathOf', () => {
  test('a Uri, a Plans view item, a path, the first of a selection', () => {
    assert.equal(targetPathOf({ scheme: 'file', fsPath: '/w/a.plan.yaml', path: '/w/a.plan.yaml' }), '/w/a.plan.yaml');
    assert.equal(targetPathOf({ kind: 'plan', id: 'x', file: '/w/b.plan.yaml', label: 'b.plan.yaml' }), '/w/b.plan.yaml');
    assert.equal(targetPathOf({ resourceUri: { scheme: 'file', fsPath: '/w/c.scenario.ts' } }), '/w/c.scenario.ts');
    assert.equal(targetPathOf('/w/d.plan.yml'), '/w/d.plan.yml');
    assert.equal(targetPathOf([{ file: '/w/e.plan.yaml' }, { file: '/w/f.plan.yaml' }]), '/w/e.plan.yaml');
  });
  test('nothing usable: undefined (the command then asks)', () => {
    for (const arg of [undefined, null, '', 42, [], {}, { file: 3 }, { scheme: 'file' }]) assert.equal(targetPathOf(arg), undefined, JSON.stringify(arg));
  });
  test('file kinds', () => {
    assert.ok(isPlanPath('/w/a.plan.yaml') && isPlanPath('/w/a.PLAN.yml'));
    assert.ok(!isPlanPath('/w/a.yaml') && !isPlanPath('/w/a.scenario.ts'));
    assert.ok(isScenarioPath('/w/a.scenario.ts') && !isScenarioPath('/w/a.ts') && !isScenarioPath('/w/a.plan.yaml'));
  });
});

describe('counts', () => {
  test('the user-count picker: 1, 10, 50, 100, 500, 1000, Other…', () => {
    const items = userCountItems();
    assert.deepEqual(items.map((i) => i.count), [1, 10, 50, 100, 500, 1000, undefined]);
    assert.deepEqual(items.map((i) => i.label), ['1 user', '10 users', '50 users', '100 users', '500 users', '1000 users', OTHER_COUNT_LABEL]);
  });
  test('parseCount: a whole number above 0', () => {
    assert.deepEqual(parseCount(' 25 '), { ok: true, value: 25 });
    assert.deepEqual(parseCount('+3'), { ok: true, value: 3 });
    for (const [text, message] of [
      ['', /Enter a number/],
      ['0', /at least 1/],
      ['-2', /not a whole number/],
      ['2.5', /not a whole number/],
      ['ten', /not a whole number/],
      ['99999999999999999999', /too large/],
    ] as const) {
      const parsed = parseCount(text);
      assert.equal(parsed.ok, false, text);
      if (!parsed.ok) assert.match(parsed.message, message);
    }
  });
  test('removal modes: graceful, then forced', () => {
    const items = removeModeItems(1);
    assert.deepEqual(items.map((i) => [i.label, i.force]), [['Graceful', false], ['Forced', true]]);
    assert.match(items[0].detail, /1 user to stop/);
    assert.match(removeModeItems(5)[1].detail, /Abort 5 users/);
  });
});

describe('parseRateInput', () => {
  test('the plan\'s spellings, in users per minute', () => {
    assert.deepEqual(parseRateInput('600/min'), { ok: true, value: 600 });
    assert.deepEqual(parseRateInput('10/s'), { ok: true, value: 600 });
    assert.deepEqual(parseRateInput('30/h'), { ok: true, value: 0.5 });
    assert.deepEqual(parseRateInput('120'), { ok: true, value: 120 });
  });
  test('bad rates: the engine\'s message', () => {
    for (const [text, message] of [['', /^Missing rate/], ['0/min', /more than 0/], ['-5/s', /cannot be negative/], ['5/week', /unknown time unit "week"/], ['fast', /^Invalid rate "fast"/]] as const) {
      const parsed = parseRateInput(text);
      assert.equal(parsed.ok, false, text);
      if (!parsed.ok) assert.match(parsed.message, message);
    }
  });
});

describe('variables', () => {
  const current = { values: { base_url: 'http://10.0.0.1', think_time_ms: 50, extra: [1, 2] }, sources: { base_url: 'plan' as const, think_time_ms: 'update' as const, extra: 'env' as const } };

  test('items: declared ones with their current value and source, read-only ones last and marked', () => {
    const items = variableItems(declarations, current);
    assert.deepEqual(items.map((i) => [i.label, i.description, i.readOnly]), [
      ['extra', '[1,2] (env)', false],
      ['mode', 'no value', false],
      ['think_time_ms', '50 (update)', false],
      ['base_url', 'read-only · "http://10.0.0.1" (plan)', true],
      ['seed', 'read-only · no value', true],
    ]);
    assert.equal(items.find((i) => i.label === 'think_time_ms')?.detail, 'Pause between requests');
    assert.equal(items.find((i) => i.label === 'think_time_ms')?.value, 50);
    assert.equal(items.find((i) => i.label === 'mode')?.declaration?.verify, 'allowlist');
    assert.ok(!('value' in items.find((i) => i.label === 'mode')!));
  });

  test('items without a run status or without the editor\'s reading', () => {
    assert.deepEqual(variableItems(declarations, undefined).map((i) => i.description), ['no value', 'no value', 'read-only · no value', 'read-only · no value']);
    assert.deepEqual(variableItems([], current).map((i) => i.label), ['base_url', 'extra', 'think_time_ms']);
    assert.deepEqual(variableItems([], undefined), []);
  });

  test('the input box starts from the value as JSON', () => {
    assert.equal(valueText('http://x'), '"http://x"');
    assert.equal(valueText(50), '50');
    assert.equal(valueText([1, { a: true }]), '[1,{"a":true}]');
    assert.equal(valueText(undefined), '');
  });

  test('values are read as the engine reads environment values', () => {
    assert.deepEqual(parseVariableInput('42'), { ok: true, value: 42 });
    assert.deepEqual(parseVariableInput('"42"'), { ok: true, value: '42' });
    assert.deepEqual(parseVariableInput('http://x:1'), { ok: true, value: 'http://x:1' });
    assert.deepEqual(parseVariableInput('[1, 2]'), { ok: true, value: [1, 2] });
    assert.deepEqual(parseVariableInput('{"a": 1'), { ok: true, value: '{"a": 1' });
    assert.deepEqual(parseVariableInput(valueText('http://x')), { ok: true, value: 'http://x' });
    const empty = parseVariableInput('  ');
    assert.equal(empty.ok, false);
  });

  test('an allowlist is checked before anything is sent', () => {
    const mode = declarations.find((d) => d.name === 'mode');
    assert.deepEqual(parseVariableInput('slow', mode), { ok: true, value: 'slow' });
    assert.deepEqual(parseVariableInput('"fast"', mode), { ok: true, value: 'fast' });
    assert.deepEqual(parseVariableInput('42', mode), { ok: true, value: 42 });
    const bad = parseVariableInput('medium', mode);
    assert.deepEqual(bad, { ok: false, message: '"medium" is not one of the allowed values: "fast", "slow", 42' });
    assert.equal(parseVariableInput('"42"', mode).ok, false);
    // Without an allowlist anything goes (the coordinator checks verify functions).
    assert.equal(parseVariableInput('medium', declarations.find((d) => d.name === 'think_time_ms')).ok, true);
  });

  test('the read-only explanation names the variable', () => {
    assert.match(readOnlyMessage('base_url'), /^"base_url" is read-only/);
  });
});
