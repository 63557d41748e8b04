import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RookeryError } from '../../../agent/common/errors';
import { findEntry, formatPlanProblem, parsePlan, planError, type PlanParseResult } from '../../../agent/plan/parse-plan';

// Compiled to out/test/agent/plan/: the fixtures stay in the source tree.
const FIXTURES = resolve(__dirname, '../../../../test/fixtures/plans');

function parseFixture(name: string): PlanParseResult {
  const file = join(FIXTURES, name);
  return parsePlan(file, readFileSync(file, 'utf8'));
}

/** Each problem as the terminal shows it, with the fixture's bare name. */
function lines(result: PlanParseResult, name = 'p.yaml'): string[] {
  return result.problems.map((p) => formatPlanProblem(name, p));
}

/** Parses inline YAML without touching the disk for the scenario. */
function parseText(text: string): PlanParseResult {
  return parsePlan('/plans/p.yaml', text, { checkScenarioExists: false });
}

describe('parsePlan: a valid plan', () => {
  test('reads every field, with the scenario resolved against the plan folder', () => {
    const result = parseFixture('valid-full.plan.yaml');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.plan, {
      file: join(FIXTURES, 'valid-full.plan.yaml'),
      scenario: join(FIXTURES, 'ping.scenario.ts'),
      users: 10,
      userRate: 600,
      duration: 120_000,
      maintain: true,
      variables: {
        host: 'http://127.0.0.1:8080',
        retries: 3,
        headers: { 'x-trace': 'on', accept: ['json', 'text'] },
        enabled: false,
      },
      stages: [
        { kind: 'ramp', to: 100, duration: 30_000 },
        { kind: 'hold', duration: 10_000 },
        { kind: 'seq', interval: 10_000, users: [10, 20, 50] },
        { kind: 'aseq', interval: 5000, add: 10, to: 100 },
        { kind: 'ramp', to: 0, duration: 500 },
      ],
      thresholds: [],
    });
  });

  test('defaults: 1 user without stages, 0 with; 1200/min; no duration; maintain off; no variables', () => {
    const plain = parseText('scenario: ./s.ts\n').plan;
    assert.deepEqual(plain, {
      file: resolve('/plans/p.yaml'),
      scenario: resolve('/plans/s.ts'),
      users: 1,
      userRate: 1200,
      maintain: false,
      variables: {},
      stages: [],
      thresholds: [],
    });
    const staged = parseText('scenario: ./s.ts\nstages:\n  - ramp: { to: 5, over: 1s }\n').plan;
    assert.equal(staged?.users, 0);
    assert.equal(parseText('scenario: ./s.ts\nvariables:\nstages:\n').plan?.users, 1, 'empty variables and stages are allowed');
  });

  test('an absolute scenario path is kept; a relative one may climb out of the plan folder', () => {
    assert.equal(parseText('scenario: /abs/x.scenario.ts\n').plan?.scenario, resolve('/abs/x.scenario.ts'));
    assert.equal(parseText('scenario: ../shared/x.ts\n').plan?.scenario, resolve('/shared/x.ts'));
  });

  test('variables keep any YAML value, anchors followed, and a __proto__ key stays a plain key', () => {
    const plan = parseText('scenario: ./s.ts\nvariables:\n  a: &base { n: 1 }\n  b: *base\n  c: null\n  __proto__: 5\n').plan;
    assert.ok(plan);
    assert.deepEqual(plan.variables.a, { n: 1 });
    assert.deepEqual(plan.variables.b, { n: 1 });
    assert.equal(plan.variables.c, null);
    assert.equal(Object.getPrototypeOf(plan.variables), Object.prototype);
    assert.deepEqual(Object.keys(plan.variables), ['a', 'b', 'c', '__proto__']);
  });

  test('a byte-order mark does not shift columns', () => {
    assert.deepEqual(lines(parseText('\uFEFFscenario: 3\n')), [
      'p.yaml:1:11: error: `scenario` must be the path of a scenario file, like ./my.scenario.ts; found number 3',
    ]);
  });
});

describe('parsePlan: ranges', () => {
  test('gives each top-level key and value, each variable and each stage, zero-based', () => {
    const { ranges } = parseFixture('valid-full.plan.yaml');
    assert.deepEqual(ranges.keys.map((k) => k.name), ['scenario', 'users', 'userRate', 'duration', 'maintain', 'variables', 'stages']);
    assert.deepEqual(findEntry(ranges.keys, 'scenario'), {
      name: 'scenario',
      key: { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } },
      value: { start: { line: 1, character: 10 }, end: { line: 1, character: 28 } },
    });
    // A block value ends at its last character, not after the newline.
    assert.deepEqual(findEntry(ranges.keys, 'stages')?.value, { start: { line: 12, character: 2 }, end: { line: 16, character: 32 } });
    assert.deepEqual(ranges.variables.map((v) => v.name), ['host', 'retries', 'headers', 'enabled']);
    assert.deepEqual(findEntry(ranges.variables, 'host'), {
      name: 'host',
      key: { start: { line: 7, character: 2 }, end: { line: 7, character: 6 } },
      value: { start: { line: 7, character: 8 }, end: { line: 7, character: 29 } },
    });
    assert.deepEqual(findEntry(ranges.variables, 'headers')?.value, { start: { line: 9, character: 11 }, end: { line: 9, character: 50 } });
    assert.equal(ranges.stages.length, 5);
    assert.deepEqual(ranges.stages[1], { start: { line: 13, character: 4 }, end: { line: 13, character: 12 } });
  });

  test('are filled for a plan with errors too, unknown keys included; an empty value is zero-width after the key', () => {
    const { plan, ranges } = parseText('scenario: ./s.ts\nusrs: 3\nvariables:\n  host:\n  port: 80\n');
    assert.equal(plan, undefined);
    assert.deepEqual(ranges.keys.map((k) => k.name), ['scenario', 'usrs', 'variables']);
    const host = findEntry(ranges.variables, 'host');
    assert.deepEqual(host?.key, { start: { line: 3, character: 2 }, end: { line: 3, character: 6 } });
    assert.deepEqual(host?.value, { start: { line: 3, character: 7 }, end: { line: 3, character: 7 } });
    assert.deepEqual(findEntry(ranges.variables, 'port')?.value, { start: { line: 4, character: 8 }, end: { line: 4, character: 10 } });
  });
});

describe('parsePlan: problems', () => {
  test('reports every mistake at once, each at its line and column', () => {
    const result = parseFixture('many-mistakes.plan.yaml');
    assert.equal(result.plan, undefined);
    const missing = join(FIXTURES, 'no-such.scenario.ts');
    assert.deepEqual(lines(result, 'many-mistakes.plan.yaml'), [
      `many-mistakes.plan.yaml:2:11: error: scenario file not found: ./no-such.scenario.ts (looked for ${missing})`,
      'many-mistakes.plan.yaml:3:8: error: invalid user count -3: it cannot be negative',
      'many-mistakes.plan.yaml:4:1: error: unknown plan key "userRat" (did you mean "userRate"?); expected one of: scenario, users, userRate, duration, maintain, variables, stages, agents, onAgentLoss, thresholds',
      'many-mistakes.plan.yaml:5:11: error: invalid duration "30x": use a number with a unit, like 500ms, 30s, 5m, 1h (or 1m30s); a bare number is seconds',
      'many-mistakes.plan.yaml:6:11: error: `maintain` must be true or false; found the string "yes"',
      'many-mistakes.plan.yaml:7:1: error: duplicate key "users" (first on line 3)',
      'many-mistakes.plan.yaml:11:11: error: ramp needs `over`: how long the ramp takes, like `over: 30s`',
      'many-mistakes.plan.yaml:12:5: error: unknown stage kind "rmp" (did you mean "ramp"?); expected one of: ramp, hold, seq, aseq',
      'many-mistakes.plan.yaml:13:11: error: invalid duration "soon": use a number with a unit, like 500ms, 30s, 5m, 1h (or 1m30s); a bare number is seconds',
      'many-mistakes.plan.yaml:14:31: error: `users` is empty: list at least one user count, like [10, 20, 50]',
      'many-mistakes.plan.yaml:15:29: error: `add` must be at least 1: the users added each interval',
      'many-mistakes.plan.yaml:16:19: error: `every` must be more than 0: it is the time between steps',
      'many-mistakes.plan.yaml:16:35: error: invalid user count -2: it cannot be negative',
      'many-mistakes.plan.yaml:16:39: error: invalid user count 2.5: users are whole, use 2 or 3',
      'many-mistakes.plan.yaml:18:5: error: one stage per list item: start "hold" on its own line with "- "',
    ]);
    const codes = new Set<string>(result.problems.map((p) => p.code));
    for (const code of ['ROOKERY_PLAN_SCENARIO_NOT_FOUND', 'ROOKERY_PLAN_USERS', 'ROOKERY_PLAN_UNKNOWN_KEY', 'ROOKERY_PLAN_DURATION',
      'ROOKERY_PLAN_TYPE', 'ROOKERY_PLAN_DUPLICATE_KEY', 'ROOKERY_PLAN_MISSING_KEY', 'ROOKERY_PLAN_STAGE', 'ROOKERY_PLAN_VALUE']) {
      assert.ok(codes.has(code), `no ${code}`);
    }
    // The range covers the offending value, not just its first character.
    const duration = result.problems.find((p) => p.code === 'ROOKERY_PLAN_DURATION');
    assert.deepEqual(duration?.range, { start: { line: 4, character: 10 }, end: { line: 4, character: 13 } });
  });

  test('reports every YAML syntax error at its position, and no errors that follow from them', () => {
    const result = parseFixture('syntax-errors.plan.yaml');
    assert.equal(result.plan, undefined);
    assert.deepEqual(lines(result, 'syntax-errors.plan.yaml'), [
      'syntax-errors.plan.yaml:2:8: error: YAML syntax error: Nested mappings are not allowed in compact mappings',
      'syntax-errors.plan.yaml:2:8: error: YAML syntax error: Implicit keys need to be on a single line',
      'syntax-errors.plan.yaml:5:1: error: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      'syntax-errors.plan.yaml:7:9: error: YAML syntax error: the string opened here with " is never closed (add the closing ")',
    ]);
    assert.ok(result.problems.every((p) => p.code === 'ROOKERY_PLAN_YAML'));
  });

  test('other YAML mistakes: tabs, a second document, an unknown alias, an unknown tag', () => {
    assert.deepEqual(lines(parseText('scenario: ./s.ts\n\tusers: 3\n')), ['p.yaml:2:1: error: YAML syntax error: Tabs are not allowed as indentation']);
    assert.deepEqual(lines(parseText('scenario: ./s.ts\n---\nusers: 4\n')), [
      'p.yaml:2:1: error: YAML syntax error: a plan file holds one YAML document: remove the second `---` and what follows it',
    ]);
    // Only the alias is reported, not an "invalid user count" for the value it failed to give.
    assert.deepEqual(lines(parseText('scenario: ./s.ts\nusers: *many\n')), [
      'p.yaml:2:8: error: unknown alias *many: an alias refers to an anchor (&many) set before it',
    ]);
    const tagged = parseText('scenario: ./s.ts\nusers: !weird 3\n');
    assert.equal(tagged.plan?.users, 3, 'a warning does not withhold the plan');
    assert.deepEqual(lines(tagged), ['p.yaml:2:8: warning: YAML: Unresolved tag: !weird']);
  });

  test('an empty file, a comment-only file and a null document give one clear problem', () => {
    for (const text of ['', '\n\n', '~\n']) {
      assert.deepEqual(lines(parseText(text)), ['p.yaml:1:1: error: the plan is empty: it needs at least `scenario: ./my.scenario.ts`'], JSON.stringify(text));
    }
    const fixture = parseFixture('empty.plan.yaml');
    assert.equal(fixture.problems.length, 1);
    assert.equal(fixture.problems[0].code, 'ROOKERY_PLAN_EMPTY');
  });

  test('a document that is not a mapping', () => {
    assert.deepEqual(lines(parseText('- scenario: ./s.ts\n')), [
      'p.yaml:1:1: error: a plan is a mapping of keys, like `scenario: ./my.scenario.ts`; found a list',
    ]);
    assert.deepEqual(lines(parseText('just words\n')), [
      'p.yaml:1:1: error: a plan is a mapping of keys, like `scenario: ./my.scenario.ts`; found the string "just words"',
    ]);
  });

  test('a missing scenario is reported at the first key', () => {
    const result = parseFixture('missing-scenario.plan.yaml');
    assert.deepEqual(lines(result, 'm.yaml'), ['m.yaml:1:1: error: missing `scenario`: the scenario file to run, like `scenario: ./my.scenario.ts`']);
    assert.equal(result.problems[0].code, 'ROOKERY_PLAN_MISSING_KEY');
  });

  test('wrong types for each key', () => {
    assert.deepEqual(lines(parseFixture('wrong-types.plan.yaml')), [
      'p.yaml:1:11: error: `scenario` must be the path of a scenario file, like ./my.scenario.ts; found a list',
      'p.yaml:2:8: error: `users` must be a number of users, not a mapping',
      'p.yaml:3:11: error: invalid rate "0/min": it must be more than 0',
      'p.yaml:4:12: error: `variables` must be a mapping of names to values, like `host: http://127.0.0.1:8080`; found a list',
      'p.yaml:5:9: error: `stages` must be a list, like `- ramp: { to: 100, over: 30s }`; found a mapping',
    ]);
    assert.deepEqual(lines(parseText('scenario: ""\nduration: 0s\nmaintain: 1\nuserRate: 5/day\n')), [
      'p.yaml:1:11: error: `scenario` is empty: give the path of a scenario file, like ./my.scenario.ts',
      'p.yaml:2:11: error: `duration` must be more than 0: leave it out to run until the stages (or the users) end',
      'p.yaml:3:11: error: `maintain` must be true or false; found number 1',
      'p.yaml:4:11: error: invalid rate "5/day": unknown time unit "day"; use users per time unit, like 600/min, 10/s or 3600/h; a bare number is per minute',
    ]);
  });

  test('keys that are not plain names, and duplicates at any depth', () => {
    assert.deepEqual(lines(parseText('scenario: ./s.ts\n? [a, b]\n: 1\n')), ['p.yaml:2:3: error: keys must be plain names, like `users`']);
    assert.deepEqual(lines(parseText('scenario: ./s.ts\nvariables:\n  x: { a: 1, a: 2 }\n  x: 3\n')), [
      'p.yaml:3:14: error: duplicate key "a" (first on line 3)',
      'p.yaml:4:3: error: duplicate key "x" (first on line 3)',
    ]);
  });

  test('a scenario path that is a directory, and the check turned off', () => {
    const text = 'scenario: .\n';
    const checked = parsePlan(join(FIXTURES, 'inline.plan.yaml'), text);
    assert.deepEqual(lines(checked), [`p.yaml:1:11: error: scenario . is a directory, not a file (${FIXTURES})`]);
    const missing = parsePlan(join(FIXTURES, 'inline.plan.yaml'), 'scenario: ./nope.ts\n', { checkScenarioExists: false });
    assert.equal(missing.plan?.scenario, join(FIXTURES, 'nope.ts'));
  });

  test('warnings keep the plan: nothing would run, a no-op aseq, a duration shorter than the stages', () => {
    const idle = parseText('scenario: ./s.ts\nusers: 0\n');
    assert.ok(idle.plan);
    assert.deepEqual(lines(idle), ['p.yaml:2:8: warning: `users` is 0 and there are no stages: no user will ever start']);

    const noop = parseText('scenario: ./s.ts\nusers: 50\nstages:\n  - aseq: { every: 1s, add: 5, to: 20 }\n');
    assert.ok(noop.plan);
    assert.deepEqual(lines(noop), ['p.yaml:4:5: warning: this aseq does nothing: it starts at 50 users, already at or above `to` (20)']);

    const short = parseText('scenario: ./s.ts\nduration: 1m30s\nstages:\n  - ramp: { to: 10, over: 1m }\n  - hold: 35.5\n');
    assert.equal(short.plan?.duration, 90_000);
    assert.deepEqual(lines(short), ['p.yaml:2:11: warning: the run stops after 1m30s, before the stages end (1m35.5s)']);
    assert.equal(short.problems[0].code, 'ROOKERY_PLAN_DURATION_CUTS_STAGES');
  });
});

describe('planError', () => {
  test('one ROOKERY_PLAN error listing every problem in file order with file:line:col', () => {
    const problems = parseText('scenario: ./s.ts\nusers: x\nspeed: 3\nusers: 2\n').problems;
    const error = planError('plans/p.yaml', [...problems].reverse());
    assert.ok(error instanceof RookeryError);
    assert.equal(error.code, 'ROOKERY_PLAN');
    assert.equal(error.message, 'invalid plan: 3 errors');
    assert.equal(error.where, 'plans/p.yaml');
    assert.deepEqual(error.problems.map((p) => p.where), ['plans/p.yaml:2:8', 'plans/p.yaml:3:1', 'plans/p.yaml:4:1']);
    assert.match(error.problems[1].message, /^unknown plan key "speed"/);
    assert.match(error.hint ?? '', /scenario, users, userRate/);
    assert.match(error.format(), /^plans\/p\.yaml: invalid plan: 3 errors\n {2}plans\/p\.yaml:2:8: invalid user count "x"/);
  });

  test('marks warnings and counts only errors', () => {
    const error = planError('p.yaml', [
      { severity: 'warning', code: 'ROOKERY_PLAN_NO_USERS', message: 'idle', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } },
      { severity: 'error', code: 'ROOKERY_PLAN_TYPE', message: 'bad', range: { start: { line: 2, character: 4 }, end: { line: 2, character: 5 } } },
    ]);
    assert.equal(error.message, 'invalid plan: 1 error');
    assert.deepEqual(error.problems, [
      { where: 'p.yaml:1:1', message: 'warning: idle' },
      { where: 'p.yaml:3:5', message: 'bad' },
    ]);
  });
});

describe('cluster keys', () => {
  test('agents and onAgentLoss are read and checked', () => {
    const ok = parsePlan('/tmp/cluster.plan.yaml', 'scenario: ./x.ts\nagents:\n  - ws://127.0.0.1:7400\n  - wss://10.0.0.5:7400\nonAgentLoss: redistribute\n', { checkScenarioExists: false });
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.plan?.agents, ['ws://127.0.0.1:7400', 'wss://10.0.0.5:7400']);
    assert.equal(ok.plan?.onAgentLoss, 'redistribute');
    const bad = parsePlan('/tmp/cluster.plan.yaml', 'scenario: ./x.ts\nagents:\n  - http://nope\nonAgentLoss: retry\n', { checkScenarioExists: false });
    const lines = bad.problems.map((p) => formatPlanProblem('c.yaml', p));
    assert.deepEqual(lines, [
      'c.yaml:3:5: error: invalid agent URL "http://nope": use ws://host:port or wss://host:port',
      'c.yaml:4:14: error: `onAgentLoss` must be one of continue, redistribute, abort; found the string "retry"',
    ]);
  });
});

describe('parsePlan: what the editor reads from a broken plan', () => {
  test('scenarioPath is the resolved `scenario:` string, even when the file is missing or other keys are wrong', () => {
    const broken = parsePlan(join(FIXTURES, 'inline.plan.yaml'), 'scenario: ./nope.scenario.ts\nusers: -1\n');
    assert.equal(broken.plan, undefined);
    assert.equal(broken.scenarioPath, join(FIXTURES, 'nope.scenario.ts'));
    assert.equal(parseText('scenario: /abs/x.ts\nusrs: 2\n').scenarioPath, resolve('/abs/x.ts'));
    assert.equal(parseFixture('valid-full.plan.yaml').scenarioPath, join(FIXTURES, 'ping.scenario.ts'));
    for (const text of ['scenario: 3\n', 'scenario: ""\n', 'scenario: [a]\n', 'users: 2\n', '', '- a\n']) {
      assert.equal(parseText(text).scenarioPath, undefined, JSON.stringify(text));
    }
  });

  test('variableValues are the values under `variables:` as read, {} when there are none', () => {
    const broken = parseText('scenario: 3\nvariables:\n  host: http://h\n  retries: 2\n  list: [1, two]\nusers: x\n');
    assert.equal(broken.plan, undefined);
    assert.deepEqual(broken.variableValues, { host: 'http://h', retries: 2, list: [1, 'two'] });
    assert.deepEqual(parseText('scenario: ./s.ts\n').variableValues, {});
    assert.deepEqual(parseText('scenario: ./s.ts\nvariables: [1]\n').variableValues, {});
    assert.deepEqual(parseText('').variableValues, {});
    assert.deepEqual(parseText('- x\n').variableValues, {});
    const ok = parseFixture('valid-full.plan.yaml');
    assert.deepEqual(ok.variableValues, ok.plan?.variables);
  });
});

describe('parsePlan: thresholds', () => {
  test('string and mapping items, in file order; abortOnFail and delay from the mapping form', () => {
    const result = parseText([
      'scenario: ./s.ts',
      'thresholds:',
      '  - p99 < 500ms',
      '  - "p95{GET /api/items} <= 200ms"',
      '  - { threshold: error_rate < 1%, abortOnFail: true, delay: 10s }',
      '  - threshold: checks > 99%',
      '    abortOnFail: false',
      '',
    ].join('\n'));
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.plan?.thresholds, [
      { source: 'p99 < 500ms', metric: 'latency', stat: 'p99', operator: '<', limit: 500, abortOnFail: false, delayMs: 0 },
      { source: 'p95{GET /api/items} <= 200ms', metric: 'latency', stat: 'p95', name: 'GET /api/items', operator: '<=', limit: 200, abortOnFail: false, delayMs: 0 },
      { source: 'error_rate < 1%', metric: 'error_rate', operator: '<', limit: 1, abortOnFail: true, delayMs: 10_000 },
      { source: 'checks > 99%', metric: 'checks', operator: '>', limit: 99, abortOnFail: false, delayMs: 0 },
    ]);
    assert.deepEqual(findEntry(result.ranges.keys, 'thresholds')?.key, { start: { line: 1, character: 0 }, end: { line: 1, character: 10 } });
    assert.deepEqual(parseText('scenario: ./s.ts\nthresholds:\n').plan?.thresholds, [], 'an empty key is no thresholds');
  });

  test('an expression error points at its exact characters, in plain and quoted scalars', () => {
    const result = parseText([
      'scenario: ./s.ts',
      'thresholds:',
      '  - p98 < 1s',
      '  - "p99 < 500x"',
      "  - 'eror_rate < 1%'",
      '  - { threshold: p99 500ms, abortOnFail: true }',
      '',
    ].join('\n'));
    assert.equal(result.plan, undefined);
    assert.deepEqual(lines(result), [
      'p.yaml:3:5: error: invalid threshold: unknown stat "p98" (did you mean "p99"?); expected a latency stat (min, mean, p50, p90, p95, p99, p999, max), error_rate, errors, requests, rps, checks, counter or histogram.<stat>',
      'p.yaml:4:15: error: invalid threshold: unknown unit "x": give a duration like 500ms, 1.5s or 2m (a bare number is ms)',
      'p.yaml:5:6: error: invalid threshold: unknown stat "eror_rate" (did you mean "error_rate"?); expected a latency stat (min, mean, p50, p90, p95, p99, p999, max), error_rate, errors, requests, rps, checks, counter or histogram.<stat>',
      'p.yaml:6:22: error: invalid threshold: expected a comparison after `p99` (< <= > >= == !=), found "500ms"',
    ]);
    assert.ok(result.problems.every((p) => p.code === 'ROOKERY_PLAN_THRESHOLD'));
    const ranges = result.problems.map((p) => p.range);
    assert.deepEqual(ranges[0], { start: { line: 2, character: 4 }, end: { line: 2, character: 7 } }, 'just "p98"');
    assert.deepEqual(ranges[1], { start: { line: 3, character: 14 }, end: { line: 3, character: 15 } }, 'just the "x" inside the quotes');
    assert.deepEqual(ranges[2], { start: { line: 4, character: 5 }, end: { line: 4, character: 14 } });
    assert.deepEqual(ranges[3], { start: { line: 5, character: 21 }, end: { line: 5, character: 26 } });
  });

  test('a scalar whose source differs from its value (escapes, folded lines) is reported over the whole value', () => {
    const escaped = parseText('scenario: ./s.ts\nthresholds:\n  - "p\\x39\\x38 < 1s"\n');
    assert.deepEqual(escaped.problems.map((p) => [p.code, p.range]), [
      ['ROOKERY_PLAN_THRESHOLD', { start: { line: 2, character: 4 }, end: { line: 2, character: 20 } }],
    ]);
    assert.match(escaped.problems[0].message, /unknown stat "p98"/);
    const block = parseText('scenario: ./s.ts\nthresholds:\n  - >-\n    p99 <\n    5x\n');
    assert.equal(block.problems.length, 1);
    assert.equal(block.problems[0].range.start.line, 2);
    assert.match(block.problems[0].message, /unknown unit "x"/);
  });

  test('wrong item types, a missing `threshold`, unknown options, wrong option values', () => {
    const result = parseText([
      'scenario: ./s.ts',
      'thresholds:',
      '  - 42',
      '  - [p99 < 1s]',
      '  - { abortOnFail: true }',
      '  - threshold: p99 < 1s',
      '    abortOnFail: yes',
      '    dellay: 3s',
      '  - { threshold: p99 < 1s, abortOnFail: true, delay: soon }',
      '',
    ].join('\n'));
    assert.equal(result.plan, undefined);
    assert.deepEqual(lines(result), [
      'p.yaml:3:5: error: a threshold is an expression or a mapping, like `p99 < 500ms` or `{ threshold: error_rate < 1%, abortOnFail: true }`; found number 42',
      'p.yaml:4:5: error: a threshold is an expression or a mapping, like `p99 < 500ms` or `{ threshold: error_rate < 1%, abortOnFail: true }`; found a list',
      'p.yaml:5:5: error: missing `threshold`: the expression, like `p99 < 500ms` or `{ threshold: error_rate < 1%, abortOnFail: true }`',
      'p.yaml:7:18: error: `abortOnFail` must be true or false; found the string "yes"',
      'p.yaml:8:5: error: unknown threshold option "dellay" (did you mean "delay"?); expected one of: threshold, abortOnFail, delay',
      'p.yaml:9:54: error: invalid duration "soon": use a number with a unit, like 500ms, 30s, 5m, 1h (or 1m30s); a bare number is seconds',
    ]);
    assert.deepEqual(result.problems.map((p) => p.code), [
      'ROOKERY_PLAN_THRESHOLD', 'ROOKERY_PLAN_THRESHOLD', 'ROOKERY_PLAN_MISSING_KEY', 'ROOKERY_PLAN_TYPE', 'ROOKERY_PLAN_UNKNOWN_KEY', 'ROOKERY_PLAN_DURATION',
    ]);
    assert.deepEqual(result.problems[2].range, { start: { line: 4, character: 4 }, end: { line: 4, character: 25 } }, 'the whole mapping');
  });

  test('`thresholds` that is not a list; a delay without abortOnFail is a warning that keeps the plan', () => {
    assert.deepEqual(lines(parseText('scenario: ./s.ts\nthresholds: p99 < 1s\n')), [
      'p.yaml:2:13: error: `thresholds` must be a list, like `- p99 < 500ms`; found the string "p99 < 1s"',
    ]);
    for (const text of ['{ threshold: p99 < 1s, delay: 5s }', '{ threshold: p99 < 1s, abortOnFail: false, delay: 5s }']) {
      const warned = parseText(`scenario: ./s.ts\nthresholds:\n  - ${text}\n`);
      assert.equal(warned.plan?.thresholds.length, 1, text);
      assert.deepEqual(warned.problems.map((p) => [p.severity, p.code]), [['warning', 'ROOKERY_PLAN_THRESHOLD']]);
      assert.match(warned.problems[0].message, /`delay` only applies with `abortOnFail: true`/);
    }
  });

  test('planError names thresholds among the keys', () => {
    assert.match(planError('p.yaml', parseText('scenario: ./s.ts\nthreshold: []\n').problems).hint ?? '', /onAgentLoss and thresholds/);
    assert.match(lines(parseText('scenario: ./s.ts\nthreshold: []\n'))[0], /unknown plan key "threshold" \(did you mean "thresholds"\?\)/);
  });
});
