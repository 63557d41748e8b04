import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlanProblem, parsePlan } from '../../../agent/plan/parse-plan';
import type { Stage } from '../../../agent/protocol/plan';

/** Parses `stages:` given as lines under the key; returns the stages (if valid) and each problem's line. */
function stages(...items: string[]): { stages?: Stage[]; problems: string[] } {
  const text = `scenario: ./s.ts\nstages:\n${items.map((i) => `  ${i}\n`).join('')}`;
  const result = parsePlan('/plans/p.yaml', text, { checkScenarioExists: false });
  return { stages: result.plan?.stages, problems: result.problems.map((p) => formatPlanProblem('p.yaml', p)) };
}

describe('parseStages', () => {
  test('reads each kind, block or flow style, with bare numbers as seconds', () => {
    const result = stages(
      '- ramp:',
      '    to: 10',
      '    over: 1m',
      '- hold: 90',
      '- seq: { every: 2s, users: [0, 5] }',
      '- aseq: { every: 500ms, add: 1, to: 8 }',
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.stages, [
      { kind: 'ramp', to: 10, duration: 60_000 },
      { kind: 'hold', duration: 90_000 },
      { kind: 'seq', interval: 2000, users: [0, 5] },
      { kind: 'aseq', interval: 500, add: 1, to: 8 },
    ]);
  });

  test('items that are not a single known kind', () => {
    const result = stages('- hold', '- hammer: 3', '- {}', '- [1]', '- 42');
    assert.equal(result.stages, undefined);
    assert.deepEqual(result.problems, [
      'p.yaml:3:5: error: stage "hold" needs its settings after a colon, like `- hold: 1m`',
      'p.yaml:4:5: error: unknown stage kind "hammer"; expected one of: ramp, hold, seq, aseq',
      'p.yaml:5:5: error: empty stage: use one of ramp, hold, seq, aseq, like `- hold: 1m`',
      'p.yaml:6:5: error: a stage is one of ramp, hold, seq, aseq with its settings, like `- hold: 1m`; found a list',
      'p.yaml:7:5: error: a stage is one of ramp, hold, seq, aseq with its settings, like `- hold: 1m`; found number 42',
    ]);
  });

  test('a misspelt scalar kind gets a suggestion', () => {
    assert.deepEqual(stages('- hld').problems, [
      'p.yaml:3:5: error: a stage is one of ramp, hold, seq, aseq with its settings, like `- hold: 1m`; found the string "hld" (did you mean "hold"?)',
    ]);
  });

  test('settings of the wrong shape, unknown or missing', () => {
    const result = stages(
      '- ramp: 5',
      '- ramp: { to: 5, ovr: 1s }',
      '- seq: { every: 1s }',
      '- aseq: { every: 1s, add: 1, to: 5, by: 2 }',
      '- hold: { for: 1m }',
    );
    assert.deepEqual(result.problems, [
      'p.yaml:3:11: error: ramp takes settings, like `- ramp: { to: 100, over: 30s }`; found number 5',
      // The misspelt `ovr` is reported once, as unknown, not also as a missing `over`.
      'p.yaml:4:20: error: unknown ramp setting "ovr" (did you mean "over"?); expected one of: to, over',
      'p.yaml:5:10: error: seq needs `users`: the counts to set in turn, like `users: [10, 20, 50]`',
      'p.yaml:6:39: error: unknown aseq setting "by"; expected one of: every, add, to',
      'p.yaml:7:11: error: `hold` must be a duration like 1m, not a mapping',
    ]);
  });

  test('values out of range', () => {
    const result = stages(
      '- ramp: { to: -1, over: -2s }',
      '- seq: { every: 1s, users: 5 }',
      '- seq: { every: 1s, users: [[1], x] }',
      '- aseq: { every: 0, add: -4, to: 1.5 }',
    );
    assert.deepEqual(result.problems, [
      'p.yaml:3:17: error: invalid user count -1: it cannot be negative',
      'p.yaml:3:27: error: invalid duration "-2s": a duration cannot be negative',
      'p.yaml:4:30: error: `users` must be a list of user counts, like [10, 20, 50]; found number 5',
      'p.yaml:5:31: error: a user count must be a number, not a list',
      'p.yaml:5:36: error: invalid user count "x": use a whole number of users, 0 or more',
      'p.yaml:6:20: error: `every` must be more than 0: it is the time between steps',
      'p.yaml:6:28: error: invalid user count -4: it cannot be negative',
      'p.yaml:6:36: error: invalid user count 1.5: users are whole, use 1 or 2',
    ]);
  });

  test('ranges list every item, valid or not', () => {
    const result = parsePlan('/plans/p.yaml', 'scenario: ./s.ts\nstages:\n  - hold: 1s\n  - nope: 1\n', { checkScenarioExists: false });
    assert.deepEqual(result.ranges.stages, [
      { start: { line: 2, character: 4 }, end: { line: 2, character: 12 } },
      { start: { line: 3, character: 4 }, end: { line: 3, character: 11 } },
    ]);
  });
});
