/**
 * The plan grammar (syntaxes/rookery-plan.tmLanguage.json), tokenized by vscode-textmate with Oniguruma as VS Code
 * does: YAML structure, Rookery's keys and units, variables, thresholds, block scalars, and long lines under a
 * deadline. Assertions are by scope on the text of a token, so they read like the plan they check.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OnigScanner } from 'vscode-oniguruma';
import { AGENT_LOSS_POLICIES, PLAN_KEYS } from '../../agent/plan/parse-plan';
import { STAGE_KINDS } from '../../agent/plan/parse-stages';
import {
  GRAMMAR_PATH,
  ROOT,
  describeLine,
  loadPlanGrammar,
  scopesAt,
  scopesOfRange,
  scopesWithin,
  tokenOf,
  tokenize,
  tokenizeWithDeadline,
  type TokenLine,
} from '../helpers/textmate';

const PLAN_KEY = 'support.type.property-name.plan-key.rookery-plan';
const KEY = 'entity.name.tag.key.rookery-plan';
const STAGE_KIND = 'keyword.control.stage.rookery-plan';
const FIELD = 'support.type.property-name.field.rookery-plan';
const VARIABLE = 'variable.other.rookery-plan';
const DURATION = 'constant.numeric.duration.rookery-plan';
const DURATION_UNIT = 'keyword.other.unit.duration.rookery-plan';
const RATE = 'constant.numeric.rate.rookery-plan';
const RATE_UNIT = 'keyword.other.unit.rate.rookery-plan';
const COUNT = 'constant.numeric.count.rookery-plan';
const POLICY = 'support.constant.agent-loss.rookery-plan';
const PATH = 'string.unquoted.path.rookery-plan';
const URL = 'string.unquoted.url.rookery-plan';
const PLAIN = 'string.unquoted.plain.rookery-plan';
const DQ = 'string.quoted.double.rookery-plan';
const SQ = 'string.quoted.single.rookery-plan';
const BLOCK = 'string.unquoted.block.rookery-plan';
const COMMENT = 'comment.line.number-sign.rookery-plan';
const THRESHOLD = 'meta.threshold.rookery-plan';
const METRIC = 'support.function.metric.rookery-plan';
const SELECTOR = 'string.unquoted.selector.rookery-plan';
const SELECTOR_BEGIN = 'punctuation.section.selector.begin.rookery-plan';
const SELECTOR_END = 'punctuation.section.selector.end.rookery-plan';
const OPERATOR = 'keyword.operator.comparison.rookery-plan';
const PERCENTAGE = 'constant.numeric.percentage.rookery-plan';
const PERCENTAGE_UNIT = 'keyword.other.unit.percentage.rookery-plan';
const VALUE = 'constant.numeric.value.rookery-plan';

/** The plan's top-level keys as agent/plan knows them. */
const KNOWN_KEYS = new Set<string>(PLAN_KEYS);

function expectScope(line: TokenLine, text: string, scope: string, occurrence = 0): void {
  const scopes = scopesAt(line, text, occurrence);
  assert.ok(scopes.includes(scope), `"${text}" should have ${scope}, has ${scopes.join(' ')}\n${describeLine(line)}`);
}

function expectNoScope(line: TokenLine, text: string, unwanted: (scope: string) => boolean, occurrence = 0): void {
  const found = scopesWithin(line, text, occurrence).filter(unwanted);
  assert.deepEqual(found, [], `"${text}" should have none of these\n${describeLine(line)}`);
}

const numeric = (scope: string) => scope.startsWith('constant.numeric');

/** The first line containing `fragment`. */
function find(lines: TokenLine[], fragment: string): TokenLine {
  const line = lines.find((l) => l.text.includes(fragment));
  if (!line) throw new Error(`no line contains "${fragment}"`);
  return line;
}

/** Tokens must cover the line exactly, in order, with no gap or overlap. */
function assertCovered(line: TokenLine, where: string): void {
  let position = 0;
  for (const token of line.tokens) {
    assert.equal(token.start, position, `${where}: token "${token.text}" starts at ${token.start}, expected ${position}`);
    position += token.text.length;
  }
  assert.equal(position, line.text.length, `${where}: tokens cover ${position} of ${line.text.length} characters`);
}

interface Expression {
  stat: string;
  selector?: string;
  operator: string;
  value: string;
  valueScope: string;
  unit?: [string, string];
}

/** Checks one threshold expression; each part is looked for after the previous one, from the stat on. */
function expectExpression(line: TokenLine, e: Expression): void {
  let from = line.text.indexOf(e.stat);
  const part = (text: string, ...scopes: string[]): number => {
    const index = line.text.indexOf(text, from);
    assert.ok(index >= 0, `"${text}" after column ${from} in: ${line.text}`);
    const found = scopesOfRange(line, index, text.length);
    for (const scope of scopes) assert.ok(found.includes(scope), `"${text}" should have ${scope}, has ${found.join(' ')}\n${describeLine(line)}`);
    from = index + text.length;
    return index;
  };
  part(e.stat, METRIC, THRESHOLD);
  if (e.selector !== undefined) {
    part('{', SELECTOR_BEGIN, THRESHOLD);
    part(e.selector, SELECTOR, THRESHOLD);
    part('}', SELECTOR_END, THRESHOLD);
  }
  part(e.operator, OPERATOR, THRESHOLD);
  const value = part(e.value, e.valueScope, THRESHOLD);
  if (e.unit) {
    const unit = line.text.indexOf(e.unit[0], value);
    const scopes = scopesOfRange(line, unit, e.unit[0].length);
    assert.ok(scopes.includes(e.unit[1]) && unit < value + e.value.length, `unit "${e.unit[0]}" of "${e.value}"\n${describeLine(line)}`);
  }
}

function plansIn(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith('.plan.yaml'))
    .map((name) => join(dir, name));
}

describe('every example and fixture plan', () => {
  const files = [...plansIn('examples'), ...plansIn(join('test', 'fixtures', 'plans'))];

  test('there are plans to check', () => {
    assert.ok(files.length >= 5, `found ${files.join(', ')}`);
  });

  for (const file of files) {
    test(`${file} tokenizes with every line covered and its top-level keys classified`, async () => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const lines = await tokenize(text);
      assert.equal(lines.length, text.split(/\r?\n/).length);
      for (const [i, line] of lines.entries()) {
        assertCovered(line, `${file}:${i + 1}`);
        const key = /^([A-Za-z_]\w*)[ \t]*:(?:\s|$)/.exec(line.text)?.[1];
        if (key) expectScope(line, key, KNOWN_KEYS.has(key) ? PLAN_KEY : KEY);
      }
    });
  }
});

describe('keys', () => {
  test('agent/plan vocabulary: every plan key, stage kind and agent-loss policy is highlighted as such', async () => {
    for (const key of KNOWN_KEYS) {
      const [line] = await tokenize(`${key}: x`);
      expectScope(line, key, PLAN_KEY);
    }
    for (const kind of STAGE_KINDS) {
      const [, line] = await tokenize(`stages:\n  - ${kind}: 1`);
      expectScope(line, kind, STAGE_KIND);
    }
    for (const policy of AGENT_LOSS_POLICIES) {
      const [line] = await tokenize(`onAgentLoss: ${policy}`);
      expectScope(line, policy, POLICY);
    }
  });

  test('unknown, misspelled, quoted and nested keys are plain keys, never plan keys', async () => {
    const lines = await tokenize(['userRat: 600/min', 'usersx: 5', '"users": 5', 'extra:', '  users: 5', '  scenario: x', 'scenario : ./a.scenario.ts'].join('\n'));
    const [misspelled, longer, quoted, , nestedUsers, nestedScenario, spaced] = lines;
    for (const [line, key] of [[misspelled, 'userRat'], [longer, 'usersx'], [quoted, 'users'], [nestedUsers, 'users'], [nestedScenario, 'scenario']] as const) {
      expectScope(line, key, KEY);
      expectNoScope(line, key, (s) => s === PLAN_KEY);
    }
    expectScope(quoted, '"users"', DQ);
    // An unknown key's value has no unit meaning.
    expectScope(misspelled, '600/min', PLAIN);
    expectNoScope(misspelled, '600/min', numeric);
    expectNoScope(nestedUsers, '5', (s) => s === COUNT);
    expectScope(spaced, 'scenario', PLAN_KEY);
    expectScope(spaced, './a.scenario.ts', PATH);
  });
});

describe('durations, rates and counts', () => {
  test('in top-level keys, with their units', async () => {
    const lines = await tokenize(
      [
        'duration: 1m30s',
        'duration: 30',
        'duration: 500ms # half a second',
        'duration: 30x',
        'userRate: 600/min',
        'userRate: 10/s',
        'userRate: 3600/h',
        'userRate: 600/m',
        'userRate: 1200',
        'userRate: 600/day',
        'users: 10',
        'users: -3',
      ].join('\n'),
    );
    const [compound, bare, ms, bad, perMin, perSec, perHour, perM, bareRate, badRate, users, negative] = lines;
    expectScope(compound, '1m30s', DURATION);
    expectScope(compound, 'm', DURATION_UNIT);
    expectScope(compound, 's', DURATION_UNIT);
    expectNoScope(compound, '30', (s) => s === DURATION_UNIT);
    expectScope(bare, '30', DURATION);
    expectScope(ms, '500ms', DURATION);
    assert.ok(tokenOf(ms, 'ms').scopes.includes(DURATION_UNIT), describeLine(ms));
    expectScope(ms, '# half a second', COMMENT);
    expectScope(bad, '30x', PLAIN);
    expectNoScope(bad, '30x', numeric);
    for (const [line, text, unit] of [[perMin, '600/min', '/min'], [perSec, '10/s', '/s'], [perHour, '3600/h', '/h'], [perM, '600/m', '/m']] as const) {
      expectScope(line, text, RATE);
      assert.ok(tokenOf(line, unit).scopes.includes(RATE_UNIT), describeLine(line));
    }
    expectScope(bareRate, '1200', RATE);
    expectScope(badRate, '600/day', PLAIN);
    expectNoScope(badRate, '600/day', numeric);
    expectScope(users, '10', COUNT);
    expectScope(negative, '-3', COUNT);
  });

  test('in stages, in flow and block forms', async () => {
    const lines = await tokenize(
      [
        'stages:',
        '  - ramp: { to: 100, over: 30s }',
        '  - hold: 10',
        '  - hold: 1m',
        '  - seq: { every: 10s, users: [10, 20, 50] }',
        '  - aseq: { every: 5s, add: 7, to: 100 }',
        '  - ramp:',
        '      to: 50',
        '      over: 1.5h',
        '  - seq:',
        '      every: 2m',
        '      users:',
        '        - 5',
        '  - rmp: { to: 9 }',
      ].join('\n'),
    );
    const flowRamp = lines[1];
    expectScope(flowRamp, 'ramp', STAGE_KIND);
    expectScope(flowRamp, 'to', FIELD);
    expectScope(flowRamp, '100', COUNT);
    expectScope(flowRamp, 'over', FIELD);
    expectScope(flowRamp, '30s', DURATION);
    expectScope(lines[2], 'hold', STAGE_KIND);
    expectScope(lines[2], '10', DURATION); // a bare number after hold is seconds
    expectScope(lines[3], '1m', DURATION);
    const seq = lines[4];
    expectScope(seq, '10s', DURATION);
    expectScope(seq, 'users', FIELD);
    for (const [text, occurrence] of [['10', 1], ['20', 0], ['50', 0]] as const) expectScope(seq, text, COUNT, occurrence);
    expectScope(lines[5], 'aseq', STAGE_KIND);
    expectScope(lines[5], 'add', FIELD);
    expectScope(lines[5], '7', COUNT);
    expectScope(lines[7], 'to', FIELD);
    expectScope(lines[7], '50', COUNT);
    expectScope(lines[8], '1.5h', DURATION);
    expectScope(lines[10], '2m', DURATION);
    expectScope(lines[12], '5', COUNT);
    // A misspelled kind is a plain key; its fields are still known words.
    expectScope(lines[13], 'rmp', KEY);
    expectNoScope(lines[13], 'rmp', (s) => s === STAGE_KIND);
    expectScope(lines[13], '9', COUNT);
  });

  test('never inside a scenario path or a string that merely contains digits', async () => {
    const lines = await tokenize(
      [
        'scenario: ./v2/30s-10users.scenario.ts',
        'variables:',
        '  base_url: http://127.0.0.1:8080',
        '  label: run 10 users for 30s',
        'stages:',
        '  - hold: "30s"',
        '  - ramp: { to: 10 users, over: 5s later }',
        'agents:',
        '  - ws://10.0.0.5:7400',
      ].join('\n'),
    );
    assert.ok(tokenOf(lines[0], './v2/30s-10users.scenario.ts').scopes.includes(PATH), describeLine(lines[0]));
    expectNoScope(lines[0], './v2/30s-10users.scenario.ts', numeric);
    assert.ok(tokenOf(lines[2], 'http://127.0.0.1:8080').scopes.includes(PLAIN), describeLine(lines[2]));
    expectNoScope(lines[3], 'run 10 users for 30s', numeric);
    expectScope(lines[5], '30s', DQ);
    expectNoScope(lines[5], '30s', numeric);
    expectScope(lines[6], '10 users', PLAIN);
    expectNoScope(lines[6], '10 users', numeric);
    expectNoScope(lines[6], '5s later', numeric);
    assert.ok(tokenOf(lines[8], 'ws://10.0.0.5:7400').scopes.includes(URL), describeLine(lines[8]));
  });
});

describe('variables', () => {
  test('names directly under variables: are variables; nested keys and keys elsewhere are not', async () => {
    const lines = await tokenize(
      [
        'variables:',
        '  host: http://127.0.0.1:8080',
        '  retries: 3',
        '  headers: { x-trace: "on", accept: [json, text] }',
        '  nested:',
        '    inner: 1',
        '    deeper:',
        '      host: x',
        '  list:',
        '  - item: 1',
        '# a comment at column 0 stays inside variables',
        '  "quoted-name": yes',
        '  greeting: |',
        '    hello: world',
        '  after: true',
        'users: 5',
        'extra:',
        '  host: x',
      ].join('\n'),
    );
    for (const name of ['host', 'retries', 'headers', 'nested', 'list', 'greeting', 'after']) {
      expectScope(find(lines, `  ${name}:`), name, VARIABLE);
    }
    expectScope(find(lines, 'quoted-name'), '"quoted-name"', VARIABLE);
    const notVariables: Array<[string, string]> = [
      ['x-trace', 'x-trace'],
      ['accept', 'accept'],
      ['    inner:', 'inner'],
      ['    deeper:', 'deeper'],
      ['      host: x', 'host'],
      ['  - item', 'item'],
    ];
    for (const [fragment, key] of notVariables) {
      expectScope(find(lines, fragment), key, KEY);
      expectNoScope(find(lines, fragment), key, (s) => s === VARIABLE);
    }
    expectScope(find(lines, 'hello: world'), 'hello: world', BLOCK);
    expectNoScope(find(lines, 'hello: world'), 'hello', (s) => s === VARIABLE || s === KEY);
    // After the section: a plan key, then an unknown key whose `host` is nothing special.
    expectScope(lines[15], 'users', PLAN_KEY);
    expectScope(lines[17], 'host', KEY);
    expectNoScope(lines[17], 'host', (s) => s === VARIABLE);
  });

  test('the flow form: its own keys are variables, keys nested in their values are not', async () => {
    const [line] = await tokenize('variables: { host: x, port: 80, opts: { host: y } }');
    expectScope(line, 'host', VARIABLE);
    expectScope(line, 'port', VARIABLE);
    expectScope(line, 'opts', VARIABLE);
    expectScope(line, 'host', KEY, 1);
    expectNoScope(line, 'host', (s) => s === VARIABLE, 1);
  });
});

describe('thresholds', () => {
  test('plain expressions: stat, selector, operator and value with its unit', async () => {
    const lines = await tokenize(
      [
        'thresholds:',
        '  - p99 < 500ms',
        '  - p95{GET /api/items} <= 200ms # one request',
        '  - error_rate < 1%',
        '  - errors == 0',
        '  - requests > 1000',
        '  - rps >= 100',
        '  - checks > 99%',
        '  - counter{chat.sent} > 0',
        '  - histogram.p99{chat.delivery_ms} < 50',
        '  - p50 != 1m30s',
      ].join('\n'),
    );
    expectExpression(lines[1], { stat: 'p99', operator: '<', value: '500ms', valueScope: DURATION, unit: ['ms', DURATION_UNIT] });
    expectExpression(lines[2], { stat: 'p95', selector: 'GET /api/items', operator: '<=', value: '200ms', valueScope: DURATION });
    expectScope(lines[2], '# one request', COMMENT);
    expectExpression(lines[3], { stat: 'error_rate', operator: '<', value: '1%', valueScope: PERCENTAGE, unit: ['%', PERCENTAGE_UNIT] });
    expectExpression(lines[4], { stat: 'errors', operator: '==', value: '0', valueScope: VALUE });
    expectExpression(lines[5], { stat: 'requests', operator: '>', value: '1000', valueScope: VALUE });
    expectExpression(lines[6], { stat: 'rps', operator: '>=', value: '100', valueScope: VALUE });
    expectExpression(lines[7], { stat: 'checks', operator: '>', value: '99%', valueScope: PERCENTAGE });
    expectExpression(lines[8], { stat: 'counter', selector: 'chat.sent', operator: '>', value: '0', valueScope: VALUE });
    expectExpression(lines[9], { stat: 'histogram.p99', selector: 'chat.delivery_ms', operator: '<', value: '50', valueScope: VALUE });
    expectExpression(lines[10], { stat: 'p50', operator: '!=', value: '1m30s', valueScope: DURATION });
  });

  test('quoted expressions, double and single', async () => {
    const lines = await tokenize(['thresholds:', '  - "p99{GET /x} < 2m"', "  - 'rps >= 100'"].join('\n'));
    expectExpression(lines[1], { stat: 'p99', selector: 'GET /x', operator: '<', value: '2m', valueScope: DURATION });
    expectScope(lines[1], 'p99{GET /x} < 2m', DQ);
    expectExpression(lines[2], { stat: 'rps', operator: '>=', value: '100', valueScope: VALUE });
    expectScope(lines[2], 'rps >= 100', SQ);
  });

  test('the mapping form, flow and block, with its options', async () => {
    const lines = await tokenize(
      [
        'thresholds:',
        '  - { threshold: p99 < 800ms, abortOnFail: true, delay: 10s }',
        '  - { threshold: "p95{GET /a} <= 1s", delay: 5 }',
        '  - threshold: error_rate < 5%',
        '    abortOnFail: false',
        '    delay: 30s',
        '  - abortOnFail: true',
        '    threshold: "rps > 10"',
      ].join('\n'),
    );
    const flow = lines[1];
    expectScope(flow, 'threshold', FIELD);
    expectExpression(flow, { stat: 'p99', operator: '<', value: '800ms', valueScope: DURATION });
    expectScope(flow, 'abortOnFail', FIELD);
    expectScope(flow, 'true', 'constant.language.boolean.rookery-plan');
    expectScope(flow, 'delay', FIELD);
    expectScope(flow, '10s', DURATION);
    expectExpression(lines[2], { stat: 'p95', selector: 'GET /a', operator: '<=', value: '1s', valueScope: DURATION });
    expectScope(lines[2], '5', DURATION, 1); // a bare delay is seconds (the first 5 is p95's)
    expectScope(lines[3], 'threshold', FIELD);
    expectExpression(lines[3], { stat: 'error_rate', operator: '<', value: '5%', valueScope: PERCENTAGE });
    expectScope(lines[4], 'abortOnFail', FIELD);
    expectScope(lines[5], '30s', DURATION);
    expectExpression(lines[7], { stat: 'rps', operator: '>', value: '10', valueScope: VALUE });
  });

  test('a flow sequence of expressions, and what is not an expression', async () => {
    const lines = await tokenize(
      ['thresholds: [p99 < 500ms, "counter{x} > 0"]', 'thresholds:', '  - p99 < soon', '  - p99{a #b} < 1', '  - p99 < 500ms and more'].join('\n'),
    );
    expectExpression(lines[0], { stat: 'p99', operator: '<', value: '500ms', valueScope: DURATION });
    expectExpression(lines[0], { stat: 'counter', selector: 'x', operator: '>', value: '0', valueScope: VALUE });
    for (const line of lines.slice(2)) expectNoScope(line, 'p99', (s) => s === METRIC || s === THRESHOLD);
    expectScope(lines[2], 'p99 < soon', PLAIN);
    // ` #` starts a YAML comment even inside what looks like a selector.
    expectScope(lines[3], '#b} < 1', COMMENT);
  });
});

describe('YAML', () => {
  test('comments after values end the value, and `#` inside a scalar does not start one', async () => {
    const lines = await tokenize(
      [
        'users: 10 # ten users',
        'scenario: ./a.scenario.ts # the scenario',
        'variables:',
        '  url: http://h/x#frag # kept',
        'stages:',
        '  - hold: 1m # a minute',
        'thresholds:',
        '  - p99 < 500ms # fast',
      ].join('\n'),
    );
    expectScope(lines[0], '10', COUNT);
    expectScope(lines[0], '# ten users', COMMENT);
    assert.ok(tokenOf(lines[1], './a.scenario.ts').scopes.includes(PATH), describeLine(lines[1]));
    expectScope(lines[1], '# the scenario', COMMENT);
    assert.ok(tokenOf(lines[3], 'http://h/x#frag').scopes.includes(PLAIN), describeLine(lines[3]));
    expectScope(lines[3], '# kept', COMMENT);
    expectScope(lines[5], '1m', DURATION);
    expectScope(lines[5], '# a minute', COMMENT);
    expectExpression(lines[7], { stat: 'p99', operator: '<', value: '500ms', valueScope: DURATION });
    expectScope(lines[7], '# fast', COMMENT);
  });

  test('block scalars are strings until the indentation drops back', async () => {
    const lines = await tokenize(
      [
        'notes: |',
        '  users: 5',
        '  - ramp: { to: 1 }',
        '',
        '  # not a comment',
        'description: >-',
        '    folded text',
        'scenario: ./a.scenario.ts',
        'stages:',
        '  - run: |',
        '      hold: 10s',
        '    to: 5',
        '  - |',
        '    literal item',
        '  - hold: 1s',
      ].join('\n'),
    );
    for (const i of [1, 2, 4, 6, 10, 13]) {
      expectScope(lines[i], lines[i].text.trim(), BLOCK);
      expectNoScope(lines[i], lines[i].text.trim(), (s) => [KEY, PLAN_KEY, STAGE_KIND, FIELD, COMMENT, COUNT, DURATION].includes(s));
    }
    expectScope(lines[0], '|', 'keyword.control.flow.block-scalar.rookery-plan');
    expectScope(lines[5], '>', 'keyword.control.flow.block-scalar.rookery-plan');
    expectScope(lines[5], '-', 'storage.modifier.block-scalar.rookery-plan');
    expectScope(lines[7], 'scenario', PLAN_KEY);
    // `to` sits at the column of `run`, so it ends run's block scalar and is a key of the same item.
    expectScope(lines[11], 'to', FIELD);
    expectScope(lines[11], '5', COUNT);
    expectScope(lines[14], 'hold', STAGE_KIND);
  });

  test('flow collections, quoted strings and escapes, core scalars, properties and document markers', async () => {
    const lines = await tokenize(
      [
        '%YAML 1.2',
        '---',
        'variables:',
        '  t: true',
        '  n: null',
        '  tilde: ~',
        '  i: 42',
        '  hex: 0x1F',
        '  fl: -1.5e3',
        '  dq: "tab\\t \\u00e9 \\"q\\" \\q"',
        "  sq: 'it''s'",
        '  anchor: &base { a: 1 }',
        '  alias: *base',
        '  tagged: !!str 10',
        '  seq: [a, "b", 1]',
        '...',
      ].join('\n'),
    );
    expectScope(lines[0], 'YAML', 'keyword.other.directive.rookery-plan');
    expectScope(lines[1], '---', 'entity.other.document.begin.rookery-plan');
    expectScope(lines[3], 'true', 'constant.language.boolean.rookery-plan');
    expectScope(lines[4], 'null', 'constant.language.null.rookery-plan');
    expectScope(lines[5], '~', 'constant.language.null.rookery-plan');
    expectScope(lines[6], '42', 'constant.numeric.integer.rookery-plan');
    expectScope(lines[7], '0x1F', 'constant.numeric.integer.rookery-plan');
    expectScope(lines[8], '-1.5e3', 'constant.numeric.float.rookery-plan');
    const dq = lines[9];
    for (const escape of ['\\t', '\\u00e9', '\\"']) expectScope(dq, escape, 'constant.character.escape.rookery-plan');
    expectScope(dq, '\\q', 'invalid.illegal.escape.rookery-plan');
    expectScope(dq, 'tab', DQ);
    expectScope(lines[10], "''", 'constant.character.escape.rookery-plan');
    expectScope(lines[10], 'it', SQ);
    expectScope(lines[11], 'base', 'entity.name.type.anchor.rookery-plan');
    expectScope(lines[11], '{', 'punctuation.definition.mapping.begin.rookery-plan');
    expectScope(lines[11], 'a', KEY, 2);
    expectScope(lines[12], 'base', 'variable.other.alias.rookery-plan');
    expectScope(lines[13], '!!str', 'storage.type.tag.rookery-plan');
    const seq = lines[14];
    expectScope(seq, '[', 'punctuation.definition.sequence.begin.rookery-plan');
    expectScope(seq, 'a', PLAIN);
    expectScope(seq, ',', 'punctuation.separator.comma.rookery-plan');
    expectScope(seq, 'b', DQ);
    expectScope(seq, '1', 'constant.numeric.integer.rookery-plan');
    expectScope(seq, ']', 'punctuation.definition.sequence.end.rookery-plan');
    expectScope(lines[15], '...', 'entity.other.document.end.rookery-plan');
  });

  test('an unclosed flow collection or quote does not swallow the rest of the plan', async () => {
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'plans', 'syntax-errors.plan.yaml'), 'utf8');
    const lines = await tokenize(`${text.trimEnd()}\nduration: 5s\n`);
    expectScope(find(lines, 'userRate:'), 'userRate', PLAN_KEY);
    expectScope(find(lines, 'userRate:'), '600/min', RATE);
    expectScope(find(lines, 'variables:'), 'variables', PLAN_KEY);
    expectScope(find(lines, 'duration:'), 'duration', PLAN_KEY);
    expectScope(find(lines, 'duration:'), '5s', DURATION);
  });
});

describe('long lines', () => {
  const SIZE = 100_000;
  const DEADLINE_MS = 10_000;
  // Each shape once defeated a naive pattern: a long match re-searched at every step, a capture re-tokenized
  // on a copy of the line, or one scope frame per bracket.
  const shapes: Array<[string, string, string]> = [
    ['a plain scalar', 'scenario: ', 'a'],
    ['a flow sequence of counts', 'stages:\n  - seq: { every: 1s, users: [', '10, '],
    ['anchors followed by scalars', 'variables:\n  x: ', '&a '],
    ['threshold expressions and unbalanced selectors', 'thresholds: [', 'p99 < 5ms, ,a{'],
    ['nested brackets', 'variables:\n  x: ', '[{'],
    ['escaped quotes', 'variables:\n  x: "', '\\"'],
  ];
  for (const [name, prefix, unit] of shapes) {
    test(`100 KB of ${name} tokenizes within ${DEADLINE_MS / 1000} s`, async () => {
      const text = prefix + unit.repeat(Math.ceil(SIZE / unit.length));
      const result = await tokenizeWithDeadline(text, DEADLINE_MS);
      assert.equal(result.lines, text.split('\n').length);
      assert.ok(result.covered, 'the long line is covered by its tokens');
    });
  }
});

describe('the grammar file', () => {
  test('is what syntaxes/build-grammar.mjs generates', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'syntaxes', 'build-grammar.mjs'), '--check'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
  });

  test('is self-contained: every include is local and resolves, every regex compiles', async () => {
    await loadPlanGrammar(); // loads the Oniguruma WASM
    const grammar = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')) as { scopeName: string; repository: Record<string, unknown> };
    assert.equal(grammar.scopeName, 'source.rookery-plan');
    const includes: string[] = [];
    const regexes: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'include' && typeof value === 'string') includes.push(value);
        else if ((key === 'match' || key === 'begin' || key === 'end') && typeof value === 'string') regexes.push(value);
        else walk(value);
      }
    };
    walk(grammar);
    assert.ok(includes.length > 0 && regexes.length > 0);
    for (const include of includes) {
      assert.ok(include.startsWith('#') && include.slice(1) in grammar.repository, `include ${include} must name a repository entry`);
    }
    const unused = Object.keys(grammar.repository).filter((name) => !includes.includes(`#${name}`));
    assert.deepEqual(unused, [], 'every repository entry is included somewhere');
    for (const regex of regexes) {
      // End patterns refer to begin captures (\1); vscode-textmate substitutes them before compiling.
      assert.doesNotThrow(() => new OnigScanner([regex.replace(/\\(\d)/g, '')]), `does not compile: ${regex}`);
    }
  });
});
