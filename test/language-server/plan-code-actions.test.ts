import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { parsePlan } from '../../agent/plan/parse-plan';
import type { PlanContext, WorkspaceView } from '../../extension/language-server/feature-context';
import { ADD_SCENARIO_VARIABLES_KIND, planCodeActions } from '../../extension/language-server/plan-code-actions';
import { planDiagnostics } from '../../extension/language-server/plan-diagnostics';
import { applyWorkspaceEdit } from '../helpers/apply-edits';
import { fakeWorkspace } from '../helpers/fake-workspace';

const API = `import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    host: variable({ description: 'Base URL of the API', default: 'http://127.0.0.1:8080' }),
    mode: variable({ description: 'Which endpoints to hit', default: 'read', verify: ['read', 'write'] }),
    token: variable({ description: 'API token\\nfrom the vault' }),
    region: variable({ description: 'Where', verify: ['eu', 'us-east'] }),
    think_ms: variable({ description: 'Think time', default: 200 }),
    flags: variable({ description: 'Feature flags', default: { beta: true, 'x-y': [1, 'a b'] } }),
  },
  async start() {},
});`;

const PICK = `import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    pick: variable({ description: 'Pick one', default: 'c', verify: ['a, b', 'c'] }),
    sep: variable({ description: 'Separator', verify: [', ', ';'] }),
    'odd name': variable({ description: 'A name to quote', default: 1 }),
  },
  async start() {},
});`;

const FILES: Record<string, string> = { '/ws/api.scenario.ts': API, '/ws/pick.scenario.ts': PICK, '/ws/plain.scenario.ts': 'export default 1;' };
const WS: WorkspaceView = fakeWorkspace(FILES);

const URI = 'file:///ws/load.plan.yaml';
const EVERYWHERE = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

function ctxOf(text: string): PlanContext {
  return { uri: URI, file: '/ws/load.plan.yaml', text, workspace: WS };
}

function errors(text: string): string[] {
  return planDiagnostics(ctxOf(text)).filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.code}: ${d.message}`);
}

/** The actions offered for the plan's own diagnostics (as the client sends them back), over the whole file. */
function actionsFor(text: string, pick: (d: Diagnostic) => boolean = () => true): CodeAction[] {
  const ctx = ctxOf(text);
  // A JSON round trip, as the diagnostics travel to the client and back.
  const diagnostics = JSON.parse(JSON.stringify(planDiagnostics(ctx))) as Diagnostic[];
  return planCodeActions(ctx, EVERYWHERE, diagnostics.filter(pick));
}

function action(actions: CodeAction[], title: string): CodeAction {
  const found = actions.find((a) => a.title === title);
  assert.ok(found, `no action "${title}" in ${JSON.stringify(actions.map((a) => a.title))}`);
  return found;
}

/** The plan after the action titled `title`. */
function applied(text: string, title: string): string {
  return applyWorkspaceEdit(text, URI, action(actionsFor(text), title).edit);
}

const ADD_ALL = 'Add all scenario variables with their defaults as comments';
const ADD_MISSING = 'Add missing variables (token, region)';

describe('planCodeActions: missing variables', () => {
  test('added under variables:, at its indentation, with descriptions as comments; no error left', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n    mode: write\nduration: 1m\n';
    const fix = action(actionsFor(text), ADD_MISSING);
    assert.equal(fix.kind, CodeActionKind.QuickFix);
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics!.map((d) => d.code), ['ROOKERY_PLAN_MISSING_VARIABLE', 'ROOKERY_PLAN_MISSING_VARIABLE']);
    const after = applyWorkspaceEdit(text, URI, fix.edit);
    assert.equal(after, [
      'scenario: ./api.scenario.ts',
      'variables:',
      '    mode: write',
      '    # API token',
      '    # from the vault',
      '    token: ""',
      '    # Where',
      '    region: eu',
      'duration: 1m',
      '',
    ].join('\n'));
    assert.deepEqual(errors(after), []);
  });

  test('variables: created after the scenario entry when absent; CRLF kept', () => {
    const text = '# load\r\nscenario: ./api.scenario.ts\r\nusers: 3\r\n';
    const after = applied(text, ADD_MISSING);
    assert.equal(after, '# load\r\nscenario: ./api.scenario.ts\r\nvariables:\r\n  # API token\r\n  # from the vault\r\n  token: ""\r\n  # Where\r\n  region: eu\r\nusers: 3\r\n');
    assert.deepEqual(errors(after), []);
  });

  test('the last line without a newline, an empty variables:, a null one, flow mappings', () => {
    for (const text of [
      'scenario: ./api.scenario.ts',
      'scenario: ./api.scenario.ts\nvariables:',
      'scenario: ./api.scenario.ts\nvariables: ~\nusers: 1',
      'scenario: ./api.scenario.ts\nvariables: {}\n',
      'scenario: ./api.scenario.ts\nvariables: { mode: read }\n',
      'users: 2\nscenario: ./api.scenario.ts\nstages:\n  - hold: 1s\nvariables:\n  # the mode\n  mode: read\n\n  # more later\n',
    ]) {
      const after = applied(text, ADD_MISSING);
      assert.deepEqual(errors(after), [], `${JSON.stringify(text)} → ${JSON.stringify(after)}`);
      assert.deepEqual(parsePlan('/ws/load.plan.yaml', after, { checkScenarioExists: false }).variableValues.region, 'eu');
    }
    assert.equal(applied('scenario: ./api.scenario.ts\nvariables: { mode: read }\n', ADD_MISSING),
      'scenario: ./api.scenario.ts\nvariables: { mode: read, token: "", region: eu }\n');
  });

  test('one missing variable: a singular title', () => {
    const after = applied('scenario: ./api.scenario.ts\nvariables:\n  token: t\n', 'Add missing variable "region"');
    assert.deepEqual(errors(after), []);
  });

  test('variables: holding something else is not ours to rewrite', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables: [a]\n';
    assert.ok(!actionsFor(text).some((a) => a.title.startsWith('Add missing')));
  });
});

describe('planCodeActions: unknown variables and values', () => {
  test('a suggestion renames the variable; no error left', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: us-east\n  think_mss: 5\n';
    const fix = action(actionsFor(text), 'Change to "think_ms"');
    assert.equal(fix.isPreferred, true);
    const after = applyWorkspaceEdit(text, URI, fix.edit);
    assert.equal(after, text.replace('think_mss', 'think_ms'));
    assert.deepEqual(errors(after), []);
  });

  test('no suggestion: the entry is removed with its nested lines, block or flow', () => {
    const block = 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  zzz:\n    - 1\n    - 2\n  region: eu\n';
    const after = applied(block, 'Remove "zzz"');
    assert.equal(after, 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: eu\n');
    assert.deepEqual(errors(after), []);
    const flow = 'scenario: ./api.scenario.ts\nvariables: { token: t, zzz: [1, 2], region: eu }\n';
    assert.equal(applied(flow, 'Remove "zzz"'), 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu }\n');
    const last = 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu, zzz: 1 }';
    assert.equal(applied(last, 'Remove "zzz"'), 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu }');
    const end = 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: eu\n  zzz: 1';
    assert.equal(applied(end, 'Remove "zzz"'), 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: eu');
  });

  test('without the diagnostic\'s data (a client that drops it), the fix is still found', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: eu\n  modes: read\n';
    const ctx = ctxOf(text);
    const diagnostics = planDiagnostics(ctx).map(({ data: _data, ...d }) => d);
    const fix = action(planCodeActions(ctx, EVERYWHERE, diagnostics), 'Change to "mode"');
    assert.deepEqual(errors(applyWorkspaceEdit(text, URI, fix.edit)), []);
  });

  test('a value outside the allowlist: one action per allowed value, each leaving no error', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: mars\n  mode: "fast" # typo\n';
    const actions = actionsFor(text);
    for (const [title, expected] of [['Change to "eu"', '  region: eu\n'], ['Change to "us-east"', '  region: us-east\n'], ['Change to "write"', '  mode: write # typo\n']]) {
      const after = applyWorkspaceEdit(text, URI, action(actions, title).edit);
      assert.ok(after.includes(expected), after);
      assert.equal(errors(after).length, 1, 'the other value is still wrong');
    }
    assert.ok(!actions.some((a) => a.title.includes('think')), 'no fix for a value of a variable with no allowlist');
  });
});

describe('planCodeActions: values that need quoting', () => {
  test('in a flow mapping, values with commas are quoted; no error left', () => {
    const text = 'scenario: ./pick.scenario.ts\nvariables: { pick: x }\n';
    const added = applied(text, 'Add missing variable "sep"');
    assert.equal(added, 'scenario: ./pick.scenario.ts\nvariables: { pick: x, sep: ", " }\n');
    const picked = applied(added, 'Change to "a, b"');
    assert.equal(picked, 'scenario: ./pick.scenario.ts\nvariables: { pick: "a, b", sep: ", " }\n');
    assert.deepEqual(errors(picked), []);
  });

  test('in block style, odd names are quoted keys', () => {
    const text = 'scenario: ./pick.scenario.ts\nvariables:\n  sep: ";"\n  odd nam: 2\n';
    const renamed = applied(text, 'Change to "odd name"');
    assert.deepEqual(errors(renamed), []);
    const commented = applied('scenario: ./pick.scenario.ts\n', ADD_ALL);
    assert.ok(commented.includes('  # odd name: 1\n'), commented);
    assert.ok(commented.includes('  # pick: c\n'), commented);
  });
});

describe('planCodeActions: unknown keys', () => {
  test('a top-level key: rename to the likely key, or remove it with its nested lines', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: eu\nstagse:\n  - hold: 1m\n  - ramp: { to: 0, over: 1s }\nusers: 1\n';
    const rename = applied(text, 'Change to "stages"');
    assert.deepEqual(errors(rename), []);
    const removed = applied(text, 'Remove key "stagse"');
    assert.equal(removed, 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: eu\nusers: 1\n');
    assert.deepEqual(errors(removed), []);
  });

  test('no rename onto a key that is already there', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu }\nuserRate: 1\nuserRat: 2\n';
    const actions = actionsFor(text);
    assert.ok(!actions.some((a) => a.title.startsWith('Change to')));
    assert.deepEqual(errors(applyWorkspaceEdit(text, URI, action(actions, 'Remove key "userRat"').edit)), []);
  });

  test('a stage field, flow and block', () => {
    const flow = 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu }\nstages:\n  - ramp: { to: 10, ovr: 5s }\n';
    assert.equal(applied(flow, 'Change to "over"'), flow.replace('ovr', 'over'));
    assert.deepEqual(errors(applied(flow, 'Change to "over"')), []);
    const removed = applied(flow, 'Remove key "ovr"');
    assert.ok(removed.endsWith('  - ramp: { to: 10 }\n'), removed);
    assert.ok(errors(removed).every((e) => e.startsWith('ROOKERY_PLAN_MISSING_KEY')), 'then the ramp lacks `over`, and says so');
    const block = 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu }\nstages:\n  - aseq:\n      every: 5s\n      ad: 1\n      to: 10\n';
    assert.deepEqual(errors(applied(block, 'Change to "add"')), []);
  });

  test('a threshold option, as the first key of its item or below it', () => {
    const below = 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu }\nthresholds:\n  - threshold: p99 < 1s\n    abortOnFial: true\n';
    assert.deepEqual(errors(applied(below, 'Change to "abortOnFail"')), []);
    assert.deepEqual(errors(applied(below, 'Remove key "abortOnFial"')), []);
    const first = 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu }\nthresholds:\n  - dely: 5s\n    threshold: p99 < 1s\n    abortOnFail: true\n';
    const removed = applied(first, 'Remove key "dely"');
    assert.equal(removed, 'scenario: ./api.scenario.ts\nvariables: { token: t, region: eu }\nthresholds:\n  - threshold: p99 < 1s\n    abortOnFail: true\n');
    assert.deepEqual(errors(removed), []);
    assert.deepEqual(errors(applied(first, 'Change to "delay"')), []);
  });
});

describe('planCodeActions: the source action', () => {
  test('every variable not set, its default as a comment, its description above; the plan reads the same', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n';
    const source = action(actionsFor(text), ADD_ALL);
    assert.equal(source.kind, ADD_SCENARIO_VARIABLES_KIND);
    assert.ok(source.kind!.startsWith(`${CodeActionKind.Source}.`));
    assert.equal(source.diagnostics, undefined);
    const after = applyWorkspaceEdit(text, URI, source.edit);
    assert.equal(after, [
      'scenario: ./api.scenario.ts',
      'variables:',
      '  token: t',
      '  # Base URL of the API',
      '  # host: http://127.0.0.1:8080',
      '  # Which endpoints to hit',
      '  # mode: read',
      '  # Where',
      '  # region: (required, no default)',
      '  # Think time',
      '  # think_ms: 200',
      '  # Feature flags',
      '  # flags: { beta: true, x-y: [1, a b] }',
      '',
    ].join('\n'));
    const parse = (t: string) => parsePlan('/ws/load.plan.yaml', t, { checkScenarioExists: false });
    assert.deepEqual(parse(after).variableValues, parse(text).variableValues);
    assert.deepEqual(parse(after.replace('  # flags:', '  flags:')).variableValues.flags, { beta: true, 'x-y': [1, 'a b'] }, 'uncommented, a default reads back');
  });

  test('offered without any diagnostic, with no variables: key too; not for a plan without a usable scenario', () => {
    const ctx = ctxOf('scenario: ./api.scenario.ts\n');
    const after = applyWorkspaceEdit(ctx.text, URI, action(planCodeActions(ctx, EVERYWHERE, []), ADD_ALL).edit);
    assert.match(after, /^scenario: \.\/api\.scenario\.ts\nvariables:\n  # Base URL of the API\n  # host: /);
    assert.deepEqual(errors(after).map((e) => e.split(':')[0]), ['ROOKERY_PLAN_MISSING_VARIABLE', 'ROOKERY_PLAN_MISSING_VARIABLE']);
    for (const text of ['scenario: ./plain.scenario.ts\n', 'scenario: ./nope.scenario.ts\n', 'users: 1\n', '']) {
      assert.deepEqual(planCodeActions(ctxOf(text), EVERYWHERE, []), [], text);
    }
  });
});

describe('planCodeActions: what is not ours', () => {
  test('diagnostics of another source or outside the range get no fix', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  token: t\n  region: eu\n  think_mss: 5\n';
    const ctx = ctxOf(text);
    const diagnostics = planDiagnostics(ctx);
    assert.deepEqual(planCodeActions(ctx, EVERYWHERE, diagnostics.map((d) => ({ ...d, source: 'yaml' }))).map((a) => a.title), [ADD_ALL]);
    const line0 = { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } };
    assert.deepEqual(planCodeActions(ctx, line0, diagnostics).map((a) => a.title), [ADD_ALL]);
  });

  test('empty text and binary garbage', () => {
    assert.deepEqual(actionsFor(''), []);
    const garbage = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    assert.ok(Array.isArray(actionsFor(garbage)));
  });
});
