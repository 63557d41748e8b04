import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { declaredVariables } from '../helpers/fake-workspace';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { envDiagnostics } from '../../extension/language-server/env-completion';

const VARIABLES = declaredVariables({
  '/w/api.scenario.ts': `export default scenario({ variables: {
    host: variable({ description: 'Base URL', default: 'http://127.0.0.1:8080' }),
    region: variable({ description: 'Region', default: 'eu', verify: ['eu', 'us'] }),
    rate: variable<number>({ description: 'Rate', default: 5, verify: [1, 5, 10] }),
    limits: variable({ description: 'Limits', verify: [[1, 2], { max: 3 }] }),
    closed: variable({ description: 'Nothing allowed', verify: [] }),
  }, start() {} });`,
  '/w/chat.scenario.ts': `export default scenario({ variables: {
    region: variable({ description: 'Chat region', verify: ['eu', 'ap'] }),
  }, start() {} });`,
});

function rangeOf(text: string, needle: string) {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `"${needle}" not in text`);
  const position = (offset: number) => {
    const lines = text.slice(0, offset).split('\n');
    return { line: lines.length - 1, character: lines[lines.length - 1].length };
  };
  return { start: position(index), end: position(index + needle.length) };
}

function summary(diagnostics: Diagnostic[]): [unknown, DiagnosticSeverity | undefined, string][] {
  return diagnostics.map((d) => [d.code, d.severity, d.message as string]);
}

describe('envDiagnostics: names', () => {
  test('a ROOKERY_ name no scenario declares: a warning at the name, with did-you-mean', () => {
    const text = 'ROOKERY_HOST=http://h\nROOKERY_REGOIN=eu\nROOKERY_SOMETHING_ELSE=1\n';
    const diagnostics = envDiagnostics(text, VARIABLES);
    assert.deepEqual(summary(diagnostics), [
      ['ROOKERY_ENV_UNKNOWN_VARIABLE', DiagnosticSeverity.Warning, 'ROOKERY_REGOIN is not a variable of any scenario in this workspace (did you mean ROOKERY_REGION?), so runs ignore it'],
      ['ROOKERY_ENV_UNKNOWN_VARIABLE', DiagnosticSeverity.Warning, 'ROOKERY_SOMETHING_ELSE is not a variable of any scenario in this workspace, so runs ignore it'],
    ]);
    assert.deepEqual(diagnostics[0].range, rangeOf(text, 'ROOKERY_REGOIN'));
    assert.equal(diagnostics[0].source, 'rookery');
  });

  test('environment names are case-sensitive: a lower-case spelling is flagged with the real name', () => {
    const [d] = envDiagnostics('rookery_host=x', VARIABLES);
    assert.match(d.message as string, /^rookery_host is not a variable .*\(did you mean ROOKERY_HOST\?\)/);
  });

  test("the engine's own settings, other programs' names and comments are left alone", () => {
    const text = 'ROOKERY_TOKEN=secret\nexport ROOKERY_DEBUG=1\nPATH=/bin\nNODE_OPTIONS=--x\n# ROOKERY_NOPE=1\n';
    assert.deepEqual(envDiagnostics(text, VARIABLES), []);
  });

  test('with no declared variables known, nothing is called undeclared', () => {
    assert.deepEqual(envDiagnostics('ROOKERY_ANYTHING=1', []), []);
  });
});

describe('envDiagnostics: values', () => {
  test('a value outside the allowlist of every declaring scenario: an error at the value', () => {
    const text = "ROOKERY_REGION='asia' # where\n";
    const diagnostics = envDiagnostics(text, VARIABLES);
    assert.deepEqual(summary(diagnostics), [[
      'ROOKERY_ENV_VARIABLE_VALUE', DiagnosticSeverity.Error,
      'ROOKERY_REGION="asia": not an allowed value of "region" in api.scenario.ts (allowed: "eu", "us"); not an allowed value of "region" in chat.scenario.ts (allowed: "eu", "ap")',
    ]]);
    assert.deepEqual(diagnostics[0].range, rangeOf(text, "'asia'"));
  });

  test('a value only some scenarios reject: a warning naming them', () => {
    const [d] = envDiagnostics('ROOKERY_REGION=us', VARIABLES);
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.equal(d.message, 'ROOKERY_REGION="us": not an allowed value of "region" in chat.scenario.ts (allowed: "eu", "ap")');
  });

  test('values are read as the engine reads them: JSON when they parse, text otherwise', () => {
    assert.deepEqual(envDiagnostics('ROOKERY_RATE=5\nROOKERY_RATE="10"\nROOKERY_LIMITS=[1,2]\nROOKERY_LIMITS={"max":3}\nROOKERY_REGION=eu', VARIABLES), []);
    const wrong = envDiagnostics(`ROOKERY_RATE=7\nROOKERY_RATE='"5"'\nROOKERY_LIMITS=[1, 3]\nROOKERY_RATE=`, VARIABLES);
    assert.deepEqual(wrong.map((d) => d.message), [
      'ROOKERY_RATE=7: not an allowed value of "rate" in api.scenario.ts (allowed: 1, 5, 10)',
      'ROOKERY_RATE="5": not an allowed value of "rate" in api.scenario.ts (allowed: 1, 5, 10)',
      'ROOKERY_LIMITS=[1,3]: not an allowed value of "limits" in api.scenario.ts (allowed: [1,2], {"max":3})',
      'ROOKERY_RATE="": not an allowed value of "rate" in api.scenario.ts (allowed: 1, 5, 10)',
    ]);
  });

  test('an empty allowlist says so; variables without an allowlist take any value', () => {
    assert.match(envDiagnostics('ROOKERY_CLOSED=x', VARIABLES)[0].message as string, /its allowlist is empty/);
    assert.deepEqual(envDiagnostics('ROOKERY_HOST=anything at all', VARIABLES), []);
  });
});
