import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { PlanContext, WorkspaceView } from '../../extension/language-server/feature-context';
import { fakeWorkspace } from '../helpers/fake-workspace';
import { planDiagnostics } from '../../extension/language-server/plan-diagnostics';

const API = `import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    host: variable({ description: 'Base URL of the API', default: 'http://127.0.0.1:8080' }),
    mode: variable({ description: 'Which endpoints to hit', default: 'read', verify: ['read', 'write'] }),
    token: variable({ description: 'API token' }),
    think_ms: variable({ description: 'Think time', default: 200 }),
  },
  async start() {},
});`;

const NOT_A_SCENARIO = `export const helper = 1;\nexport default function () {}\n`;

const NOT_STATIC = `import { scenario, variable } from 'rookery';
import { shared } from './shared';
export default scenario({
  variables: { ...shared, mode: variable({ description: 'Mode', default: 'read', verify: ['read', 'write'] }) },
  async start() {},
});`;

const WS = fakeWorkspace({ '/ws/api.scenario.ts': API, '/ws/helper.scenario.ts': NOT_A_SCENARIO, '/ws/open.scenario.ts': NOT_STATIC }, ['/ws/locked.scenario.ts']);

function diagnose(text: string, ws: WorkspaceView = WS): Diagnostic[] {
  const ctx: PlanContext = { uri: 'file:///ws/load.plan.yaml', file: '/ws/load.plan.yaml', text, workspace: ws };
  return planDiagnostics(ctx);
}

/** `code @line:char-line:char` for each diagnostic, in order. */
function placed(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} @${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
}

/** A diagnostic's message as text (LSP 3.18 allows Markdown there; ours are plain). */
function message(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

function only(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(diagnostics.map((d) => d.code))}`);
  return found[0];
}

describe('planDiagnostics: the plan itself', () => {
  test('a complete plan has no diagnostic', () => {
    const text = 'scenario: ./api.scenario.ts\nduration: 1m\nvariables:\n  token: abc\n  mode: write\nthresholds:\n  - p99 < 500ms\n';
    assert.deepEqual(diagnose(text), []);
  });

  test('the parser\'s problems, each at its place, with source and severity', () => {
    const text = [
      'scenario: ./api.scenario.ts', // 0
      'userRat: 600/min', // 1
      'duration: 30x', // 2
      'users: -3', // 3
      'userRate: fast', // 4
      'variables:', // 5
      '  token: t', // 6
      'thresholds:', // 7
      '  - p99 < 5%', // 8
    ].join('\n');
    const d = diagnose(text);
    assert.deepEqual(placed(d), [
      'ROOKERY_PLAN_UNKNOWN_KEY @1:0-1:7',
      'ROOKERY_PLAN_DURATION @2:10-2:13',
      'ROOKERY_PLAN_USERS @3:7-3:9',
      'ROOKERY_PLAN_RATE @4:10-4:14',
      'ROOKERY_PLAN_THRESHOLD @8:11-8:12',
    ]);
    assert.match(message(d[0]), /unknown plan key "userRat" \(did you mean "userRate"\?\)/);
    for (const x of d) {
      assert.equal(x.source, 'rookery');
      assert.equal(x.severity, DiagnosticSeverity.Error);
    }
  });

  test('a YAML syntax error is reported where it is, and the variables are still checked', () => {
    const text = 'scenario: ./api.scenario.ts\nvariables:\n  mode: fast\nusers: "unclosed\n';
    const d = diagnose(text);
    const syntax = only(d, 'ROOKERY_PLAN_YAML');
    assert.equal(syntax.range.start.line, 3);
    assert.equal(syntax.range.start.character, 7);
    assert.match(message(only(d, 'ROOKERY_PLAN_VARIABLE_VALUE')), /"fast" is not allowed for "mode"/);
  });

  test('empty text, binary garbage and a 500-line plan', () => {
    assert.deepEqual(placed(diagnose('')), ['ROOKERY_PLAN_EMPTY @0:0-0:0']);
    const garbage = Array.from({ length: 3000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    const d = diagnose(garbage);
    assert.ok(d.length > 0 && d.every((x) => x.source === 'rookery'));

    const lines = ['scenario: ./api.scenario.ts', 'variables:', '  token: t', 'stages:'];
    for (let i = 0; i < 496; i++) lines.push(i === 300 ? '  - hold: soon' : `  - ramp: { to: ${i % 50}, over: 1s }`);
    const started = Date.now();
    const big = diagnose(lines.join('\n'));
    assert.deepEqual(placed(big), ['ROOKERY_PLAN_DURATION @304:10-304:14']);
    assert.ok(Date.now() - started < 2000, 'a 500-line plan is checked quickly');
  });
});

describe('planDiagnostics: the scenario', () => {
  test('a path that does not exist: an error on the value', () => {
    const d = only(diagnose('scenario: ./nope.scenario.ts # where?\n'), 'ROOKERY_PLAN_SCENARIO_NOT_FOUND');
    assert.deepEqual(d.range, { start: { line: 0, character: 10 }, end: { line: 0, character: 28 } });
    assert.equal(message(d), 'scenario file not found: ./nope.scenario.ts (looked for /ws/nope.scenario.ts)');
    assert.equal(d.severity, DiagnosticSeverity.Error);
  });

  test('a file that is not a scenario: an error on the value saying so', () => {
    const d = only(diagnose('scenario: ./helper.scenario.ts\nvariables:\n  anything: 1\n'), 'ROOKERY_VAR_NOT_A_SCENARIO');
    assert.deepEqual(d.range, { start: { line: 0, character: 10 }, end: { line: 0, character: 30 } });
    assert.match(message(d), /^\.\/helper\.scenario\.ts is not a scenario/);
    assert.equal(diagnose('scenario: ./helper.scenario.ts\nvariables:\n  anything: 1\n').length, 1, 'no variable is checked against it');
  });

  test('a file that exists but cannot be read: a warning, and no variable checks', () => {
    const d = diagnose('scenario: ./locked.scenario.ts\nvariables:\n  anything: 1\n');
    assert.deepEqual(placed(d), ['ROOKERY_PLAN_SCENARIO_NOT_FOUND @0:10-0:30']);
    assert.equal(d[0].severity, DiagnosticSeverity.Warning);
    assert.match(message(d[0]), /cannot be read/);
  });

  test('a reading that says why it is not a scenario (a file too large) passes that reason on', () => {
    const tooLarge: WorkspaceView = {
      scenario: (file) => ({ file, isScenario: false, variables: [], reads: [], problems: [{ severity: 'warning', code: 'ROOKERY_FILE_TOO_LARGE', message: 'this file is 9.0 MB', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] }),
      fileExists: () => true,
      scenarioFiles: () => [],
    };
    const d = only(diagnose('scenario: ./big.scenario.ts\n', tooLarge), 'ROOKERY_FILE_TOO_LARGE');
    assert.equal(message(d), './big.scenario.ts: this file is 9.0 MB');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
  });

  test('no scenario value, or not a string: only the parser speaks', () => {
    assert.deepEqual(placed(diagnose('users: 1\n')), ['ROOKERY_PLAN_MISSING_KEY @0:0-0:5']);
    assert.deepEqual(placed(diagnose('scenario: [a, b]\n')), ['ROOKERY_PLAN_TYPE @0:10-0:16']);
  });
});

describe('planDiagnostics: variables against the scenario', () => {
  test('an unknown variable, with the suggestion in the message and the data', () => {
    const d = only(diagnose('scenario: ./api.scenario.ts\nvariables:\n  token: t\n  think_mss: 1\n'), 'ROOKERY_PLAN_UNKNOWN_VARIABLE');
    assert.deepEqual(d.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 11 } });
    assert.equal(message(d), 'the scenario declares no variable "think_mss" (did you mean "think_ms"?)');
    assert.deepEqual(d.data, { variable: 'think_mss', suggestion: 'think_ms' });
  });

  test('a value outside the allowlist, and a value of another type than the default', () => {
    const d = diagnose('scenario: ./api.scenario.ts\nvariables:\n  token: t\n  mode: fast\n  think_ms: slow\n');
    assert.deepEqual(placed(d), ['ROOKERY_PLAN_VARIABLE_VALUE @3:8-3:12', 'ROOKERY_PLAN_VARIABLE_VALUE @4:12-4:16']);
    assert.equal(message(d[0]), '"fast" is not allowed for "mode": use one of "read", "write"');
    assert.deepEqual(d[0].data, { variable: 'mode' });
    assert.match(message(d[1]), /"think_ms" is a number/);
  });

  test('a required variable with no value: at `variables:`, or at `scenario:` when there is none', () => {
    const under = only(diagnose('scenario: ./api.scenario.ts\nvariables:\n  mode: read\n'), 'ROOKERY_PLAN_MISSING_VARIABLE');
    assert.deepEqual(under.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } });
    assert.deepEqual(under.data, { variable: 'token' });
    assert.match(message(under), /required variable "token" has no default and no value/);
    const none = only(diagnose('users: 1\nscenario: ./api.scenario.ts\n'), 'ROOKERY_PLAN_MISSING_VARIABLE');
    assert.equal(none.range.start.line, 1);
  });

  test('a value in the environment counts, as it would for a run', () => {
    const before = process.env.ROOKERY_TOKEN;
    process.env.ROOKERY_TOKEN = 'from-env';
    try {
      assert.deepEqual(diagnose('scenario: ./api.scenario.ts\n'), []);
    } finally {
      if (before === undefined) delete process.env.ROOKERY_TOKEN;
      else process.env.ROOKERY_TOKEN = before;
    }
  });

  test('a scenario whose variables cannot all be read: no unknown or missing variables, values still checked', () => {
    const d = diagnose('scenario: ./open.scenario.ts\nvariables:\n  whatever: 1\n  mode: fast\n');
    assert.deepEqual(placed(d), ['ROOKERY_PLAN_VARIABLE_VALUE @3:8-3:12']);
  });
});
