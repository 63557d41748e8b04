import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { checkScenarioDeclarations } from '../../agent/analysis/check-scenario';
import { extractDeclarations } from '../../agent/analysis/extract-variables';
import type { ScenarioContext } from '../../extension/language-server/feature-context';
import { scenarioDiagnostics } from '../../extension/language-server/scenario-diagnostics';

// Compiled to out/test/language-server/; fixtures and examples stay in the source tree.
const ROOT = resolve(__dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/scenarios');

function context(file: string, text = readFileSync(file, 'utf8')): ScenarioContext {
  return { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
}

function fixture(name: string): { text: string; diagnostics: Diagnostic[] } {
  const ctx = context(join(FIXTURES, name));
  return { text: ctx.text, diagnostics: scenarioDiagnostics(ctx) };
}

/** The range of the `nth` occurrence of `needle` (or of its first `length` characters). */
function rangeOf(text: string, needle: string, nth = 0, length = needle.length) {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" #${nth} not in text`);
  }
  const position = (offset: number) => {
    const lines = text.slice(0, offset).split('\n');
    return { line: lines.length - 1, character: lines[lines.length - 1].length };
  };
  return { start: position(index), end: position(index + length) };
}

/** LSP 3.18 allows Markdown messages; ours are plain text. */
function messageOf(d: Diagnostic): string {
  assert.equal(typeof d.message, 'string');
  return d.message as string;
}

function withCode(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

describe('scenarioDiagnostics: one diagnostic per mistake, at the mistake', () => {
  const { text, diagnostics } = fixture('broken-checks.ts');

  const cases: [string, string, DiagnosticSeverity, ReturnType<typeof rangeOf>, RegExp][] = [
    ['a variable without a description', 'ROOKERY_VAR_NO_DESCRIPTION', DiagnosticSeverity.Error, rangeOf(text, 'noDescription'),
      /^variable "noDescription" has no description: add description: '\.\.\.'/],
    ['a default failing its allowlist', 'ROOKERY_VAR_DEFAULT_NOT_ALLOWED', DiagnosticSeverity.Error, rangeOf(text, "'asia'"),
      /^the default "asia" of "region" is not one of its allowed values: "eu", "us"$/],
    ['a default of another type than the allowlist', 'ROOKERY_VAR_DEFAULT_TYPE', DiagnosticSeverity.Error, rangeOf(text, "'8080'"),
      /^the default of "port" is a string but its allowed values are numbers$/],
    ['a duplicate name, at the later declaration', 'ROOKERY_VAR_DUPLICATE', DiagnosticSeverity.Error, rangeOf(text, 'region', 1),
      /^variable "region" is declared twice \(first on line 8\); the later declaration wins$/],
    ['an empty allowlist', 'ROOKERY_VAR_EMPTY_ALLOWLIST', DiagnosticSeverity.Error, rangeOf(text, '[]'),
      /^variable "nothingAllowed" has an empty allowlist, so no value can pass/],
    ['an invalid update value', 'ROOKERY_VAR_INVALID_UPDATE', DiagnosticSeverity.Error, rangeOf(text, "'readonly'"),
      /^invalid update policy 'readonly' for "policy" \(did you mean 'read_only'\?\): use 'read_only', 'none' or a function/],
    ['an invalid verify value', 'ROOKERY_VAR_INVALID_VERIFY', DiagnosticSeverity.Error, rangeOf(text, "'a' })", 0, 3),
      /^verify of "badVerify" must be an array of allowed values or a function, not 'a'$/],
    ['a read of an undeclared name', 'ROOKERY_VAR_UNDECLARED', DiagnosticSeverity.Error, rangeOf(text, 'regoin'),
      /^"regoin" is not a declared variable \(did you mean "region"\?\); declare it under variables: \{ regoin: variable\(\{\.\.\.\}\) \}$/],
    ['two names sharing an environment variable', 'ROOKERY_VAR_ENV_CLASH', DiagnosticSeverity.Warning, rangeOf(text, 'max_users'),
      /^"max_users" and "maxUsers" are both set by ROOKERY_MAX_USERS/],
  ];
  for (const [what, code, severity, range, message] of cases) {
    test(what, () => {
      const [d] = withCode(diagnostics, code);
      assert.ok(d, `no ${code}`);
      assert.equal(d.severity, severity);
      assert.deepEqual(d.range, range);
      assert.match(messageOf(d), message);
      assert.equal(d.source, 'rookery');
    });
  }

  test('nothing else is reported, and the same as `rookery validate` prints', () => {
    const problems = checkScenarioDeclarations(extractDeclarations(join(FIXTURES, 'broken-checks.ts'), text));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.message, d.range]), problems.map((p) => [p.code, p.message, p.range]));
  });
});

describe('scenarioDiagnostics: what cannot be checked says why, where', () => {
  test('declarations that cannot be read statically', () => {
    const { text, diagnostics } = fixture('non-static.ts');
    const notStatic = withCode(diagnostics, 'ROOKERY_VAR_NOT_STATIC');
    assert.deepEqual(notStatic.map((d) => d.range), [rangeOf(text, '...common'), rangeOf(text, '[KEY]'), rangeOf(text, "makeVariable('made by a factory')")]);
    assert.ok(notStatic.every((d) => d.severity === DiagnosticSeverity.Warning));
    assert.match(messageOf(notStatic[0]), /`\.\.\.common` hides which variables exist; list each one as name: variable\(\{\.\.\.\}\)/);
    assert.match(messageOf(notStatic[1]), /the computed key \[KEY\] cannot be read without running the scenario/);
    const options = withCode(diagnostics, 'ROOKERY_VAR_OPTIONS_NOT_STATIC');
    assert.deepEqual(options.map((d) => d.range), [rangeOf(text, 'makeOptions()'), rangeOf(text, '...base')]);
    const literal = withCode(diagnostics, 'ROOKERY_VAR_NOT_LITERAL');
    assert.deepEqual(literal.map((d) => [d.severity, d.range]), [
      [DiagnosticSeverity.Warning, rangeOf(text, "describe('computed')")],
      [DiagnosticSeverity.Information, rangeOf(text, 'Date.now()')],
      [DiagnosticSeverity.Information, rangeOf(text, 'LOW', 1)],
    ]);
  });

  test('a variables object built by a call names what it is', () => {
    const { text, diagnostics } = fixture('non-static-variables.ts');
    assert.equal(diagnostics.length, 1);
    assert.deepEqual(diagnostics[0].range, rangeOf(text, 'buildVariables()', 1));
    assert.match(messageOf(diagnostics[0]), /^`variables` \(`buildVariables\(\)`\) is not an object literal/);
  });

  test('reads through a dynamic key or the whole object handed on', () => {
    const { text, diagnostics } = fixture('dynamic-read.ts');
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range]), [
      ['ROOKERY_VAR_DYNAMIC_READ', DiagnosticSeverity.Warning, rangeOf(text, 'key]', 0, 3)],
      ['ROOKERY_VAR_DYNAMIC_READ', DiagnosticSeverity.Warning, rangeOf(text, 'user.vars', 1)],
    ]);
    assert.match(messageOf(diagnostics[0]), /^cannot check dynamic variable access/);
  });

  test('a declared variable never read is a hint, tagged unnecessary', () => {
    const { text, diagnostics } = fixture('unused-variable.ts');
    assert.deepEqual(diagnostics, [{
      range: rangeOf(text, 'forgotten'),
      severity: DiagnosticSeverity.Hint,
      code: 'ROOKERY_VAR_UNUSED',
      source: 'rookery',
      message: 'variable "forgotten" is declared but never read: read it (vars.forgotten) or remove it',
      tags: [DiagnosticTag.Unnecessary],
    }]);
  });

  test('defaults failing a verify function that can be evaluated, and a regular expression as verify', () => {
    const { text, diagnostics } = fixture('broken-verify-functions.ts');
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range]), [
      ['ROOKERY_VAR_DEFAULT_NOT_ALLOWED', rangeOf(text, "'ftp://127.0.0.1'")],
      ['ROOKERY_VAR_DEFAULT_NOT_ALLOWED', rangeOf(text, '250')],
      ['ROOKERY_VAR_DEFAULT_NOT_ALLOWED', rangeOf(text, "'eighty'")],
      ['ROOKERY_VAR_INVALID_VERIFY', rangeOf(text, '/^(fast|slow)$/')],
    ]);
    assert.match(messageOf(diagnostics[2]), /^the default "eighty" of "port" fails its own verify function \(it returns false for it\)/);
  });
});

describe('scenarioDiagnostics on clean scenarios', () => {
  for (const file of [join(FIXTURES, 'clean-inline.ts'), join(FIXTURES, 'clean-indirect.ts'), join(ROOT, 'examples/http-api.scenario.ts')]) {
    test(`${file.slice(ROOT.length + 1)} has none`, () => {
      assert.deepEqual(scenarioDiagnostics(context(file)), []);
    });
  }

  test('a half-typed read is left to TypeScript instead of being called undeclared', () => {
    const text = "import { scenario, variable } from 'rookery';\nexport default scenario({ variables: { host: variable({ description: 'h' }) },\n  start(user) { user.vars.host; user.vars['ho\n  } });";
    assert.deepEqual(scenarioDiagnostics(context('/w/half.scenario.ts', text)), []);
  });
});
