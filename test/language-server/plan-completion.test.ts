import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InsertTextFormat, type CompletionItem, type MarkupContent, type TextEdit } from 'vscode-languageserver';
import { parsePlan } from '../../agent/plan/parse-plan';
import type { PlanContext, WorkspaceView } from '../../extension/language-server/feature-context';
import { planCompletion } from '../../extension/language-server/plan-completion';
import { applyEdits } from '../helpers/apply-edits';
import { fakeWorkspace } from '../helpers/fake-workspace';

const API = `import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    host: variable({ description: 'Base URL of the API', default: 'http://127.0.0.1:8080' }),
    mode: variable({ description: 'Which endpoints to hit', default: 'read', verify: ['read', 'write'] }),
    token: variable({ description: 'API token' }),
    think_ms: variable({ description: 'Think time', default: 200 }),
    region: variable({ description: 'Where', verify: ['eu', 'us-east'] }),
  },
  async start() {},
});`;

const FILES: Record<string, string> = {
  '/ws/plans/api.scenario.ts': API,
  '/ws/chat.scenario.ts': `import { scenario } from 'rookery';\nexport default scenario({ async start() {} });`,
  '/ws/plans/deep/x.scenario.ts': 'export default 1;',
};

const WS: WorkspaceView = fakeWorkspace(FILES);

const PLAN_FILE = '/ws/plans/load.plan.yaml';

/** The text without its `|` cursor, and the cursor's position. */
function split(marked: string): { text: string; position: { line: number; character: number } } {
  const index = marked.indexOf('|');
  const before = marked.slice(0, index).split('\n');
  return { text: marked.slice(0, index) + marked.slice(index + 1), position: { line: before.length - 1, character: before[before.length - 1].length } };
}

function complete(marked: string): CompletionItem[] {
  const { text, position } = split(marked);
  const ctx: PlanContext = { uri: 'file:///ws/plans/load.plan.yaml', file: PLAN_FILE, text, workspace: WS };
  return planCompletion(ctx, position);
}

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

function item(items: CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no item "${label}" in ${JSON.stringify(labels(items))}`);
  return found;
}

/** A snippet as the editor leaves it when the user accepts every placeholder as is (a choice's first option). */
function expand(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|((?:\\.|[^|\\])*)\|\}/g, (_, choices: string) => choices.split(/(?<!\\),/)[0])
    .replace(/\$\{\d+:((?:\\.|[^}\\])*)\}/g, '$1')
    .replace(/\$\d+/g, '')
    .replace(/\\([\\$},|])/g, '$1');
}

/** The text after accepting `label` at the cursor of `marked`. */
function accept(marked: string, label: string): string {
  const chosen = item(complete(marked), label);
  const edit = chosen.textEdit as TextEdit;
  const newText = chosen.insertTextFormat === InsertTextFormat.Snippet ? expand(edit.newText) : edit.newText;
  return applyEdits(split(marked).text, [{ range: edit.range, newText }]);
}

function errorsOf(text: string): string[] {
  return parsePlan(PLAN_FILE, text, { checkScenarioExists: false }).problems.filter((p) => p.severity === 'error').map((p) => p.message);
}

function doc(i: CompletionItem): string {
  return (i.documentation as MarkupContent | undefined)?.value ?? '';
}

describe('planCompletion: top-level keys', () => {
  test('a key being typed: the keys not yet present, documented, the accepted one replacing the word', () => {
    const items = complete('scenario: ./api.scenario.ts\nusers: 5\ndur|');
    assert.deepEqual(labels(items), ['userRate', 'duration', 'maintain', 'variables', 'stages', 'agents', 'onAgentLoss', 'thresholds']);
    const duration = item(items, 'duration');
    assert.match(doc(duration), /\*\*duration\*\* — plan key/);
    assert.match(doc(duration), /```yaml\nduration: 5m\n```/);
    assert.deepEqual((duration.textEdit as TextEdit).range, { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } });
    assert.equal((duration.textEdit as TextEdit).newText, 'duration: ${1:30s}');
    assert.equal(accept('scenario: ./api.scenario.ts\nusers: 5\ndur|', 'duration'), 'scenario: ./api.scenario.ts\nusers: 5\nduration: 30s');
  });

  test('an empty document and an empty line offer every key; the list keys open a list', () => {
    assert.equal(complete('|').length, 10);
    assert.equal(accept('scenario: ./api.scenario.ts\n|', 'stages'), 'scenario: ./api.scenario.ts\nstages:\n  - ');
    assert.equal(accept('|', 'scenario'), 'scenario: ../chat.scenario.ts');
    const withThresholds = accept('scenario: ./api.scenario.ts\nvariables:\n    token: t\n|', 'thresholds');
    assert.equal(withThresholds, 'scenario: ./api.scenario.ts\nvariables:\n    token: t\nthresholds:\n    - p99 < 500ms', 'the file\'s indentation');
    assert.deepEqual(errorsOf(withThresholds), []);
  });

  test('over an existing key with its colon, only the name is replaced', () => {
    assert.equal(accept('dur|ation: 30s', 'duration'), 'duration: 30s');
    assert.equal(accept('use|: 3', 'userRate'), 'userRate: 3');
  });
});

describe('planCompletion: top-level values', () => {
  test('scenario: paths relative to the plan, with their variables', () => {
    const items = complete('scenario: |');
    assert.deepEqual(labels(items), ['../chat.scenario.ts', './api.scenario.ts', './deep/x.scenario.ts']);
    assert.equal(item(items, './api.scenario.ts').detail, '5 variables, 2 required');
    assert.match(doc(item(items, './api.scenario.ts')), /\| `token` \| \*\*required\*\* \| API token \|/);
    assert.equal(accept('scenario: ./a|pi.x', './api.scenario.ts'), 'scenario: ./api.scenario.ts');
    assert.equal(accept('scenario:|', './api.scenario.ts'), 'scenario: ./api.scenario.ts');
  });

  test('booleans, durations, rates and policies', () => {
    assert.deepEqual(labels(complete('maintain: |')), ['true', 'false']);
    const durations = complete('duration: |');
    assert.ok(labels(durations).includes('1m30s'));
    assert.equal(item(durations, '1m30s').detail, '1m30s = 90 seconds (1.5 minutes)');
    assert.equal(item(complete('userRate: 6|'), '600/min').detail, '600/min = 10 users per second');
    const policies = complete('onAgentLoss: |');
    assert.deepEqual(labels(policies), ['continue', 'redistribute', 'abort']);
    assert.match(doc(item(policies, 'redistribute')), /remaining agents/);
    assert.deepEqual(complete('users: |'), []);
  });
});

describe('planCompletion: variables', () => {
  const PLAN = 'scenario: ./api.scenario.ts\nvariables:\n  mode: read\n  |\n';

  test('the scenario\'s variables not yet set, required first, with docs and details', () => {
    const items = complete(PLAN);
    const sorted = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    assert.deepEqual(labels(sorted), ['token', 'region', 'host', 'think_ms']);
    const host = item(items, 'host');
    assert.equal(host.detail, 'default: "http://127.0.0.1:8080"');
    assert.match(doc(host), /\*\*host\*\* — Rookery variable\n\nBase URL of the API/);
    assert.equal(item(items, 'token').detail, 'required (no default)');
  });

  test('accepting writes the name and the default as YAML; the plan stays valid', () => {
    const host = accept(PLAN, 'host');
    assert.equal(host, 'scenario: ./api.scenario.ts\nvariables:\n  mode: read\n  host: http://127.0.0.1:8080\n');
    assert.deepEqual(parsePlan(PLAN_FILE, host, { checkScenarioExists: false }).variableValues, { mode: 'read', host: 'http://127.0.0.1:8080' });
    assert.equal(accept(PLAN, 'think_ms'), 'scenario: ./api.scenario.ts\nvariables:\n  mode: read\n  think_ms: 200\n');
    assert.equal(accept('scenario: ./api.scenario.ts\nvariables:\n  to|', 'token'), 'scenario: ./api.scenario.ts\nvariables:\n  token: ');
  });

  test('in a flow mapping too, the value written for a flow mapping', () => {
    const text = accept('scenario: ./api.scenario.ts\nvariables: { token: t, | }', 'host');
    assert.equal(text, 'scenario: ./api.scenario.ts\nvariables: { token: t, host: http://127.0.0.1:8080 }');
    assert.deepEqual(parsePlan(PLAN_FILE, text, { checkScenarioExists: false }).variableValues, { token: 't', host: 'http://127.0.0.1:8080' });
    assert.deepEqual(labels(complete('scenario: ./api.scenario.ts\nvariables: { token: t, | }')), ['host', 'mode', 'think_ms', 'region'], 'token is set');
  });

  test('values: the allowlist rendered as YAML, else the default', () => {
    assert.deepEqual(labels(complete('scenario: ./api.scenario.ts\nvariables:\n  mode: |')), ['read', 'write']);
    assert.deepEqual(labels(complete('scenario: ./api.scenario.ts\nvariables:\n  region: |')), ['eu', 'us-east']);
    assert.deepEqual(labels(complete('scenario: ./api.scenario.ts\nvariables:\n  think_ms: |')), ['200']);
    assert.deepEqual(complete('scenario: ./api.scenario.ts\nvariables:\n  token: |'), []);
    assert.deepEqual(complete('scenario: ./api.scenario.ts\nvariables:\n  nope: |'), []);
  });

  test('a position past the end of an empty line counts as that column; the insert brings the indentation', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  mode: read\n\nusers: 1\n';
    const ctx: PlanContext = { uri: 'file:///ws/plans/load.plan.yaml', file: PLAN_FILE, text, workspace: WS };
    const token = item(planCompletion(ctx, { line: 3, character: 2 }), 'token');
    const edit = token.textEdit as TextEdit;
    assert.deepEqual(edit.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } });
    assert.equal(applyEdits(text, [{ range: edit.range, newText: expand(edit.newText) }]), 'scenario: ./api.scenario.ts\nvariables:\n  mode: read\n  token: \nusers: 1\n');
  });

  test('at the start of an indented line: a new entry before it, the line kept as it was', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  mode: read\nusers: 1\n';
    assert.deepEqual(labels(complete('scenario: ./api.scenario.ts\nvariables:\n|  mode: read\n')), ['host', 'token', 'think_ms', 'region']);
    assert.equal(accept('scenario: ./api.scenario.ts\nvariables:\n|  mode: read\nusers: 1\n', 'think_ms'),
      text.replace('  mode: read', '  think_ms: 200\n  mode: read'));
    assert.equal(accept('scenario: ./api.scenario.ts\nvariables:\n | mode: read\nusers: 1\n', 'think_ms'),
      text.replace('  mode: read', '  think_ms: 200\n  mode: read'));
    assert.equal(accept('stages:\n|  - hold: 1m\n', 'hold'), 'stages:\n  - hold: 1m\n  - hold: 1m\n');
  });

  test('no scenario, a missing one, or one that is not a scenario: nothing to offer', () => {
    assert.deepEqual(complete('variables:\n  |'), []);
    assert.deepEqual(complete('scenario: ./nope.scenario.ts\nvariables:\n  |'), []);
    assert.deepEqual(complete('scenario: ./deep/x.scenario.ts\nvariables:\n  |'), []);
  });

  test('a document broken elsewhere still completes its variables', () => {
    const items = complete('scenario: ./api.scenario.ts\nstages:\n  - ramp: { to: 1\nusers: "oops\nvariables:\n  |');
    assert.ok(labels(items).includes('token'));
  });
});

describe('planCompletion: stages', () => {
  test('a new line of the list gets a dash and a stage snippet that parses', () => {
    const ramp = accept('scenario: ./api.scenario.ts\nstages:\n  |', 'ramp');
    assert.equal(ramp, 'scenario: ./api.scenario.ts\nstages:\n  - ramp: { to: 100, over: 30s }');
    assert.deepEqual(errorsOf(ramp), []);
    for (const kind of ['hold', 'seq', 'aseq']) {
      assert.deepEqual(errorsOf(accept('scenario: ./api.scenario.ts\nstages:\n  - |', kind)), [], kind);
    }
    assert.match(doc(item(complete('stages:\n  - |'), 'aseq')), /add `add` users/);
  });

  test('fields in the flow and block forms: only those missing', () => {
    assert.deepEqual(labels(complete('stages:\n  - ramp: { to: 100, | }')), ['over']);
    assert.equal(accept('scenario: ./a.scenario.ts\nstages:\n  - ramp: { to: 100, o| }', 'over'), 'scenario: ./a.scenario.ts\nstages:\n  - ramp: { to: 100, over: 30s }');
    assert.deepEqual(labels(complete('stages:\n  - aseq:\n      add: 1\n      |')), ['every', 'to']);
    assert.deepEqual(complete('stages:\n  - hold: { | }'), []);
  });

  test('values: durations for over, every and hold', () => {
    assert.ok(labels(complete('stages:\n  - ramp: { to: 100, over: | }')).includes('30s'));
    assert.ok(labels(complete('stages:\n  - seq:\n      every: |')).includes('10s'));
    assert.ok(labels(complete('stages:\n  - hold: |')).includes('1m'));
    assert.deepEqual(complete('stages:\n  - ramp: { to: | }'), []);
    assert.equal(labels(complete('stages:\n  - ramp: |'))[0], '{ to: 100, over: 30s }');
  });
});

describe('planCompletion: thresholds', () => {
  const HEAD = 'scenario: ./api.scenario.ts\nthresholds:\n';

  test('stats with docs; alone they bring a whole expression that parses', () => {
    const items = complete(`${HEAD}  - |`);
    for (const stat of ['p99', 'error_rate', 'checks', 'counter', 'histogram.p95']) assert.ok(labels(items).includes(stat), stat);
    assert.match(doc(item(items, 'p99')), /99th percentile/);
    for (const stat of ['p99', 'error_rate', 'errors', 'requests', 'rps', 'checks', 'counter', 'histogram.p95', 'min']) {
      const text = accept(`${HEAD}  - |`, stat);
      assert.deepEqual(errorsOf(text), [], text);
    }
    assert.equal(accept(`${HEAD}  - p9|`, 'p99'), `${HEAD}  - p99 < 500ms`);
    assert.equal(accept(`${HEAD}  - p9| < 1s`, 'p95'), `${HEAD}  - p95 < 1s`, 'inside an expression, only the stat');
    assert.equal(accept(`${HEAD}  |`, 'rps'), `${HEAD}  - rps >= 100`);
    const mapping = accept(`${HEAD}  - |`, '{ threshold, abortOnFail }');
    assert.deepEqual(errorsOf(mapping), []);
  });

  test('operators, then values in the stat\'s unit', () => {
    assert.deepEqual(labels(complete(`${HEAD}  - p99 |`)), ['<', '<=', '>', '>=', '==', '!=']);
    assert.equal(accept(`${HEAD}  - p99|`, 'p99'), `${HEAD}  - p99 < 500ms`);
    assert.equal(accept(`${HEAD}  - p99 <| 1s`, '<='), `${HEAD}  - p99 <= 1s`);
    assert.deepEqual(labels(complete(`${HEAD}  - error_rate < |`)), ['1%', '5%']);
    assert.ok(labels(complete(`${HEAD}  - p95{GET /x} <= |`)).includes('200ms'));
    assert.deepEqual(complete(`${HEAD}  - p95{GET |} < 1s`), [], 'request names are not known statically');
  });

  test('the mapping form: its keys and option values', () => {
    assert.deepEqual(labels(complete(`${HEAD}  - threshold: p99 < 1s\n    |`)), ['abortOnFail', 'delay']);
    assert.deepEqual(labels(complete(`${HEAD}  - { threshold: p99 < 1s, abortOnFail: | }`)), ['true', 'false']);
    assert.ok(labels(complete(`${HEAD}  - { threshold: p99 < 1s, abortOnFail: true, delay: | }`)).includes('10s'));
    assert.ok(labels(complete(`${HEAD}  - threshold: p|`)).includes('p99'));
  });
});

describe('planCompletion: bad input', () => {
  test('comments, binary garbage and positions past the end give no error', () => {
    assert.deepEqual(complete('scenario: x # |'), []);
    const garbage = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    for (let line = 0; line < 3; line++) {
      const ctx: PlanContext = { uri: 'file:///p', file: PLAN_FILE, text: garbage, workspace: WS };
      planCompletion(ctx, { line, character: 5 });
    }
    const ctx: PlanContext = { uri: 'file:///p', file: PLAN_FILE, text: 'users: 1', workspace: WS };
    assert.ok(Array.isArray(planCompletion(ctx, { line: 40, character: 400 })));
  });
});
