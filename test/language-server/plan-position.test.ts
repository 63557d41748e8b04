import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planPositionAt, type PlanPosition } from '../../extension/language-server/plan-position';

/** The position at the `|` of `marked` (which is removed). */
function at(marked: string): PlanPosition {
  const index = marked.indexOf('|');
  assert.ok(index !== -1, 'no | cursor in the text');
  const before = marked.slice(0, index).split('\n');
  return planPositionAt(marked.slice(0, index) + marked.slice(index + 1), { line: before.length - 1, character: before[before.length - 1].length });
}

/** The spot without the fields a case does not care about. */
function spotOf(marked: string): Record<string, unknown> {
  const { spot } = at(marked);
  const { expression: _e, present: _p, ...rest } = spot as Record<string, unknown>;
  return rest;
}

describe('planPositionAt: top level', () => {
  test('a key being typed, with the word it replaces', () => {
    const p = at('scenario: ./a.scenario.ts\ndur|');
    assert.deepEqual(p.spot, { kind: 'top-key', hasColon: false });
    assert.equal(p.word.text, 'dur');
    assert.deepEqual(p.word.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } });
    assert.equal(p.prefix, 'dur');
  });

  test('the middle of an existing key: the whole key is the word, and it has its colon', () => {
    const p = at('dur|ation: 30s');
    assert.deepEqual(p.spot, { kind: 'top-key', hasColon: true });
    assert.equal(p.word.text, 'duration');
    assert.equal(p.prefix, 'dur');
  });

  test('an empty line between keys, and an empty document', () => {
    assert.deepEqual(spotOf('scenario: x\n|\nusers: 1'), { kind: 'top-key', hasColon: false });
    assert.deepEqual(spotOf('|'), { kind: 'top-key', hasColon: false });
    assert.equal(at('|').word.text, '');
  });

  test('after the nested lines of a key, back at column 0', () => {
    assert.deepEqual(spotOf('users: 1\nstages:\n  - hold: 1m\nma|'), { kind: 'top-key', hasColon: false });
    assert.deepEqual(spotOf('variables:\n  a: 1\n|'), { kind: 'top-key', hasColon: false });
  });

  test('a value: which key, the whole value as the word, a space to add right after the colon', () => {
    const p = at('scenario: ./a|pi.scenario.ts # the api');
    assert.deepEqual(p.spot, { kind: 'top-value', key: 'scenario' });
    assert.equal(p.word.text, './api.scenario.ts');
    assert.equal(p.prefix, './a');
    assert.equal(p.lead, '');
    const tight = at('duration:|');
    assert.deepEqual(tight.spot, { kind: 'top-value', key: 'duration' });
    assert.equal(tight.lead, ' ');
  });

  test('comments are nothing', () => {
    assert.equal(at('# a comment |').spot.kind, 'none');
    assert.equal(at('scenario: x # the |scenario').spot.kind, 'none');
  });

  test('in the indentation of a written line: a new entry on a line of its own before it', () => {
    const p = at('variables:\n | host: 1');
    assert.deepEqual(p.spot, { kind: 'variable-name', hasColon: false, present: ['host'] });
    assert.equal(p.word.text, '');
    assert.equal(p.lead, ' ');
    assert.equal(p.trail, '\n ');
    const item = at('stages:\n  |- hold: 1m');
    assert.deepEqual(item.spot, { kind: 'stage-kind', hasColon: false });
    assert.equal(item.lead, '- ');
    assert.equal(item.trail, '\n  ');
    const threshold = at('thresholds:\n|  - p99 < 1s');
    assert.equal(threshold.spot.kind === 'threshold' && threshold.spot.part, 'stat');
    assert.equal(threshold.lead, '  - ');
  });
});

describe('planPositionAt: variables', () => {
  test('a name being typed, with the names already set around it', () => {
    const p = at('variables:\n  host: 1\n  th|\n  mode: read\nusers: 1');
    assert.deepEqual(p.spot, { kind: 'variable-name', hasColon: false, present: ['host', 'mode'] });
    assert.equal(p.word.text, 'th');
  });

  test('an empty line under variables:', () => {
    assert.deepEqual(at('variables:\n  |').spot, { kind: 'variable-name', hasColon: false, present: [] });
  });

  test('the value of a variable, block and flow', () => {
    assert.deepEqual(spotOf('variables:\n  mode: wr|'), { kind: 'variable-value', variable: 'mode' });
    assert.deepEqual(spotOf('variables: { mode: |, host: x }'), { kind: 'variable-value', variable: 'mode' });
    assert.deepEqual(at('variables: { a: 1, | }').spot, { kind: 'variable-name', hasColon: false, present: ['a'] });
  });
});

describe('planPositionAt: stages', () => {
  test('a new line of the list: the dash comes with the insert', () => {
    const p = at('stages:\n  |');
    assert.deepEqual(p.spot, { kind: 'stage-kind', hasColon: false });
    assert.equal(p.lead, '- ');
    const typed = at('stages:\n  - hold: 1m\n  ra|');
    assert.deepEqual(typed.spot, { kind: 'stage-kind', hasColon: false });
    assert.equal(typed.lead, '- ');
    assert.equal(typed.word.text, 'ra');
  });

  test('after a dash, including the compact style with items at the key\'s column', () => {
    assert.deepEqual(spotOf('stages:\n  - ra|'), { kind: 'stage-kind', hasColon: false });
    assert.deepEqual(spotOf('stages:\n- hold: 1m\n- |'), { kind: 'stage-kind', hasColon: false });
    assert.equal(at('stages:\n  -|').lead, ' ');
  });

  test('the value of a stage kind', () => {
    assert.deepEqual(spotOf('stages:\n  - hold: |'), { kind: 'stage-value', stage: 'hold' });
    assert.deepEqual(spotOf('stages:\n  - ramp: |'), { kind: 'stage-value', stage: 'ramp' });
  });

  test('fields and their values in the flow form', () => {
    const field = at('stages:\n  - ramp: { to: 100, ov| }');
    assert.deepEqual(field.spot, { kind: 'stage-field', stage: 'ramp', present: ['to'], hasColon: false });
    assert.equal(field.word.text, 'ov');
    assert.deepEqual(spotOf('stages:\n  - ramp: { to: 100, over: | }'), { kind: 'stage-field-value', stage: 'ramp', field: 'over' });
    const value = at('stages:\n  - aseq: { every: 5|s, add: 10, to: 100 }');
    assert.deepEqual(value.spot, { kind: 'stage-field-value', stage: 'aseq', field: 'every' });
    assert.equal(value.word.text, '5s');
    assert.deepEqual(spotOf('stages:\n  - seq: { every: 10s, users: [10, 2|] }'), { kind: 'stage-field-value', stage: 'seq', field: 'users' });
  });

  test('fields and their values in the block form', () => {
    assert.deepEqual(at('stages:\n  - ramp:\n      to: 100\n      |').spot, { kind: 'stage-field', stage: 'ramp', present: ['to'], hasColon: false });
    assert.deepEqual(spotOf('stages:\n  - ramp:\n      to: 100\n      over: 3|'), { kind: 'stage-field-value', stage: 'ramp', field: 'over' });
  });

  test('a flow mapping spread over lines', () => {
    assert.deepEqual(spotOf('stages:\n  - ramp: {\n      to: 100,\n      over: |'), { kind: 'stage-field-value', stage: 'ramp', field: 'over' });
    assert.deepEqual(spotOf('stages:\n  - ramp: { to: 1,\n      over: 2s }\nus|'), { kind: 'top-key', hasColon: false });
  });
});

describe('planPositionAt: thresholds', () => {
  const part = (marked: string) => {
    const { spot, word } = at(marked);
    assert.equal(spot.kind, 'threshold', marked);
    if (spot.kind !== 'threshold') throw new Error('unreachable');
    return { part: spot.part, stat: spot.stat, bare: spot.bare, word: word.text, expression: spot.expression.text };
  };

  test('each part of an expression', () => {
    assert.deepEqual(part('thresholds:\n  - p9|'), { part: 'stat', stat: undefined, bare: true, word: 'p9', expression: 'p9' });
    assert.deepEqual(part('thresholds:\n  - p99 |'), { part: 'operator', stat: 'p99', bare: true, word: '', expression: 'p99' });
    assert.deepEqual(part('thresholds:\n  - p99 <|= 5'), { part: 'operator', stat: 'p99', bare: true, word: '<=', expression: 'p99 <= 5' });
    assert.deepEqual(part('thresholds:\n  - error_rate < 1|'), { part: 'value', stat: 'error_rate', bare: true, word: '1', expression: 'error_rate < 1' });
    assert.deepEqual(part('thresholds:\n  - p95{GET /a|} < 5'), { part: 'name', stat: 'p95', bare: true, word: 'GET /a', expression: 'p95{GET /a} < 5' });
    assert.deepEqual(part('thresholds:\n  - histogram.p9|'), { part: 'stat', stat: undefined, bare: true, word: 'histogram.p9', expression: 'histogram.p9' });
  });

  test('a quoted expression, the mapping form and the flow form', () => {
    assert.deepEqual(part('thresholds:\n  - "p99 < 5|"'), { part: 'value', stat: 'p99', bare: true, word: '5', expression: 'p99 < 5' });
    assert.deepEqual(part('thresholds:\n  - threshold: p|'), { part: 'stat', stat: undefined, bare: false, word: 'p', expression: 'p' });
    assert.deepEqual(part('thresholds:\n  - { threshold: p99 < 8|00ms, abortOnFail: true }'),
      { part: 'value', stat: 'p99', bare: false, word: '800ms', expression: 'p99 < 800ms' });
  });

  test('the keys and option values of the mapping form', () => {
    assert.deepEqual(at('thresholds:\n  - threshold: p99 < 1s\n    |').spot, { kind: 'threshold-key', present: ['threshold'], hasColon: false });
    assert.deepEqual(at('thresholds:\n  - { threshold: p99 < 1s, | }').spot, { kind: 'threshold-key', present: ['threshold'], hasColon: false });
    assert.deepEqual(spotOf('thresholds:\n  - threshold: p99 < 1s\n    delay: |'), { kind: 'threshold-option', option: 'delay' });
    assert.deepEqual(spotOf('thresholds:\n  - { threshold: p99 < 1s, abortOnFail: t| }'), { kind: 'threshold-option', option: 'abortOnFail' });
  });

  test('a new line of the list', () => {
    const p = at('thresholds:\n  - p99 < 1s\n  |');
    assert.equal(p.spot.kind, 'threshold');
    assert.equal(p.lead, '- ');
  });
});

describe('planPositionAt: agents, broken and odd documents', () => {
  test('an agent item', () => {
    const p = at('agents:\n  - ws://10.0|');
    assert.deepEqual(p.spot, { kind: 'agent' });
    assert.equal(p.word.text, 'ws://10.0');
  });

  test('a document broken above the cursor still answers', () => {
    assert.deepEqual(spotOf('scenario: "unclosed\nvariables:\n  ho|'), { kind: 'variable-name', hasColon: false });
    // An unclosed flow ends at the first line that is not more indented than the line that opened it.
    assert.deepEqual(spotOf('stages:\n  - ramp: { to: 1, over: 2s\nvariables:\n  |'), { kind: 'variable-name', hasColon: false });
    assert.deepEqual(spotOf('stages:\n  - ramp: { to: 1,\n  - hold: |'), { kind: 'stage-value', stage: 'hold' });
    assert.deepEqual(spotOf('users: [1, 2\n  - : :\n{{{\nst|'), { kind: 'top-key', hasColon: false });
    assert.deepEqual(spotOf(': bad\n  - - x\nvariables:\n  a: |'), { kind: 'variable-value', variable: 'a' });
  });

  test('block scalars and document markers do not confuse the parents', () => {
    // (`>`, not `|`: the bar marks the cursor here)
    assert.deepEqual(spotOf('agents: >-\n  stages:\n  x\nvariables:\n  |'), { kind: 'variable-name', hasColon: false });
    assert.deepEqual(spotOf('---\nvariables:\n  a: 1\n  |'), { kind: 'variable-name', hasColon: false });
  });

  test('positions outside the text are clamped, CRLF and a byte-order mark are fine', () => {
    assert.equal(planPositionAt('users: 1', { line: 9, character: 99 }).spot.kind, 'top-value');
    assert.equal(planPositionAt('users: 1', { line: -1, character: -5 }).spot.kind, 'top-key');
    assert.deepEqual(planPositionAt('variables:\r\n  ab\r\n', { line: 1, character: 4 }).spot, { kind: 'variable-name', hasColon: false, present: [] });
    assert.deepEqual(planPositionAt('\uFEFFdur', { line: 0, character: 3 }).word.text, 'dur');
  });

  test('binary garbage and a long document answer quickly without throwing', () => {
    const garbage = Array.from({ length: 4000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    for (let line = 0; line < 5; line++) planPositionAt(garbage, { line, character: 3 });
    const big = ['scenario: ./a.scenario.ts', 'stages:', ...Array.from({ length: 500 }, (_, i) => `  - ramp: { to: ${i}, over: 1s }`), 'variables:', '  '].join('\n');
    const started = Date.now();
    assert.deepEqual(planPositionAt(big, { line: 503, character: 2 }).spot, { kind: 'variable-name', hasColon: false, present: [] });
    assert.ok(Date.now() - started < 500);
  });
});
