import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkScenarioDeclarations, formatProblem } from '../../../agent/analysis/check-scenario';
import { extractDeclarations } from '../../../agent/analysis/extract-variables';
import type { ScenarioDeclarations, StaticProblem } from '../../../agent/protocol/variables';

const FIXTURES = resolve(__dirname, '../../../../test/fixtures/scenarios');

function check(name: string): { text: string; problems: StaticProblem[] } {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  return { text, problems: checkScenarioDeclarations(extractDeclarations(name, text)) };
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `"${needle}" not in fixture`);
  return text.slice(0, index).split('\n').length - 1;
}

function only(problems: StaticProblem[], code: string): StaticProblem[] {
  return problems.filter((p) => p.code === code);
}

describe('checkScenarioDeclarations on clean fixtures', () => {
  for (const name of ['clean-inline.ts', 'clean-indirect.ts', 'broken-syntax.ts']) {
    test(`${name} has no problems`, () => {
      assert.deepEqual(check(name).problems, []);
    });
  }
});

describe('checkScenarioDeclarations on broken-checks.ts', () => {
  const { text, problems } = check('broken-checks.ts');

  test('a missing description is an error at the name', () => {
    const [p] = only(problems, 'ROOKERY_VAR_NO_DESCRIPTION');
    assert.equal(p.severity, 'error');
    assert.equal(p.range.start.line, lineOf(text, 'noDescription:'));
    assert.match(p.message, /"noDescription" has no description/);
  });

  test('an empty description is an error too', () => {
    const empty = only(problems, 'ROOKERY_VAR_NO_DESCRIPTION')[1];
    assert.equal(empty.range.start.line, lineOf(text, 'emptyDescription:'));
    assert.match(empty.message, /empty description/);
  });

  test('a default failing its own allowlist', () => {
    const [p] = only(problems, 'ROOKERY_VAR_DEFAULT_NOT_ALLOWED');
    assert.equal(p.severity, 'error');
    assert.equal(p.range.start.line, lineOf(text, "default: 'asia'"));
    assert.match(p.message, /the default "asia" of "region" is not one of its allowed values: "eu", "us"/);
  });

  test('a default of another JSON type than the allowlist', () => {
    const [p] = only(problems, 'ROOKERY_VAR_DEFAULT_TYPE');
    assert.equal(p.severity, 'error');
    assert.equal(p.range.start.line, lineOf(text, "default: '8080'"));
    assert.match(p.message, /"port" is a string but its allowed values are numbers/);
  });

  test('a duplicate name, at the second declaration', () => {
    const [p] = only(problems, 'ROOKERY_VAR_DUPLICATE');
    assert.equal(p.severity, 'error');
    assert.equal(p.range.start.line, lineOf(text, "region: variable({ description: 'Region again'"));
    assert.match(p.message, new RegExp(`first on line ${lineOf(text, 'region:') + 1}`));
  });

  test('an empty allowlist', () => {
    const [p] = only(problems, 'ROOKERY_VAR_EMPTY_ALLOWLIST');
    assert.equal(p.severity, 'error');
    assert.equal(p.range.start.line, lineOf(text, 'verify: []'));
  });

  test('invalid update values, reported once each, with a suggestion for a typo', () => {
    const found = only(problems, 'ROOKERY_VAR_INVALID_UPDATE');
    assert.equal(found.length, 2);
    assert.match(found[0].message, /'readonly'.*did you mean 'read_only'/);
    assert.match(found[1].message, /invalid update policy 42/);
    assert.ok(found.every((p) => p.severity === 'error'));
  });

  test('a verify that is neither list nor function', () => {
    const [p] = only(problems, 'ROOKERY_VAR_INVALID_VERIFY');
    assert.equal(p.range.start.line, lineOf(text, "verify: 'a'"));
  });

  test('two names sharing one environment variable', () => {
    const [p] = only(problems, 'ROOKERY_VAR_ENV_CLASH');
    assert.equal(p.severity, 'warning');
    assert.match(p.message, /ROOKERY_MAX_USERS/);
  });

  test('a read of an undeclared name, with did-you-mean', () => {
    const [p] = only(problems, 'ROOKERY_VAR_UNDECLARED');
    assert.equal(p.severity, 'error');
    assert.equal(p.range.start.line, lineOf(text, 'user.vars.regoin'));
    assert.match(p.message, /"regoin" is not a declared variable \(did you mean "region"\?\)/);
  });

  test('problems come in source order', () => {
    const lines = problems.map((p) => p.range.start.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  });
});

describe('checkScenarioDeclarations on reads', () => {
  test('dynamic reads are warnings and silence "never read"', () => {
    const { text, problems } = check('dynamic-read.ts');
    assert.deepEqual(problems.map((p) => [p.code, p.severity]), [
      ['ROOKERY_VAR_DYNAMIC_READ', 'warning'],
      ['ROOKERY_VAR_DYNAMIC_READ', 'warning'],
    ]);
    assert.ok(problems.every((p) => p.range.start.line === lineOf(text, 'console.log(user.vars[key]')));
    assert.match(problems[0].message, /^cannot check dynamic variable access: .*unread variables are not reported/);
  });

  test('a declared variable never read is a hint', () => {
    const { text, problems } = check('unused-variable.ts');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].code, 'ROOKERY_VAR_UNUSED');
    assert.equal(problems[0].severity, 'hint');
    assert.equal(problems[0].range.start.line, lineOf(text, 'forgotten:'));
    assert.equal(problems[0].message, 'variable "forgotten" is declared but never read: read it (vars.forgotten) or remove it');
  });

  test('"never read" shows how to read a name that is not an identifier', () => {
    const problems = checkScenarioDeclarations(extractDeclarations('t.ts', "import { scenario, variable } from 'rookery';\nexport default scenario({ variables: { 'api-key': variable({ description: 'k' }) }, start() {} });"));
    assert.deepEqual(problems.map((p) => p.message), ['variable "api-key" is declared but never read: read it (vars["api-key"]) or remove it']);
  });

  test('when the variables cannot all be read, no read is called undeclared', () => {
    const { problems } = check('non-static-variables.ts');
    assert.deepEqual(problems.map((p) => p.code), ['ROOKERY_VAR_NOT_STATIC']);
  });

  test('unreadable options do not count as a missing description', () => {
    const { problems } = check('non-static.ts');
    assert.equal(only(problems, 'ROOKERY_VAR_NO_DESCRIPTION').length, 0);
    assert.equal(only(problems, 'ROOKERY_VAR_UNDECLARED').length, 0);
  });
});

describe('checkScenarioDeclarations on files that are not scenarios', () => {
  test('no default export: one error at the start of the file', () => {
    const { problems } = check('no-default-export.ts');
    assert.deepEqual(problems, [{
      severity: 'error',
      code: 'ROOKERY_VAR_NOT_A_SCENARIO',
      message: 'no `export default scenario({...})` found',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    }]);
  });

  test('a default export that is not a scenario: one error at it', () => {
    const { text, problems } = check('not-a-scenario.ts');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].code, 'ROOKERY_VAR_NOT_A_SCENARIO');
    assert.equal(problems[0].range.start.line, lineOf(text, 'export default {'));
    assert.match(problems[0].message, /^no `export default scenario\(\{\.\.\.\}\)` found/);
  });
});

describe('checkScenarioDeclarations on hand-made declarations', () => {
  const range = (line: number) => ({ start: { line, character: 2 }, end: { line, character: 5 } });

  test('works on declarations from elsewhere (e.g. over the wire), deduplicating its own findings', () => {
    const decls: ScenarioDeclarations = {
      file: 'remote.ts',
      isScenario: true,
      variables: [{
        name: 'a', nameRange: range(1), range: range(1), description: 'a', descriptionRange: range(1),
        hasDefault: true, default: 1, verify: 'allowlist', allowlist: [1, 2], update: 'read_only', updateText: "'x'", updateRange: range(1),
      }],
      problems: [{ severity: 'error', code: 'ROOKERY_VAR_INVALID_UPDATE', message: 'from the reader', range: range(1) }],
      reads: [{ name: 'a', range: range(3) }],
    };
    const problems = checkScenarioDeclarations(decls);
    assert.deepEqual(problems.map((p) => p.message), ['from the reader']);
  });
});

describe('formatProblem', () => {
  test('renders file:line:col (1-based): severity: message', () => {
    const p: StaticProblem = { severity: 'warning', code: 'X', message: 'careful', range: { start: { line: 0, character: 4 }, end: { line: 0, character: 9 } } };
    assert.equal(formatProblem('a/b.ts', p), 'a/b.ts:1:5: warning: careful');
  });
});
