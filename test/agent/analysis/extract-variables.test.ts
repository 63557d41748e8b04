import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractDeclarations } from '../../../agent/analysis/extract-variables';
import type { ScenarioDeclarations, VariableDeclarationInfo } from '../../../agent/protocol/variables';

// Compiled to out/test/agent/analysis/; fixtures stay in the source tree (the build skips fixtures/).
const FIXTURES = resolve(__dirname, '../../../../test/fixtures/scenarios');

function read(name: string): { text: string; decls: ScenarioDeclarations } {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  return { text, decls: extractDeclarations(name, text) };
}

/** Zero-based position of the `nth` occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 0): { line: number; character: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" #${nth} not in fixture`);
  }
  const before = text.slice(0, index).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function byName(decls: ScenarioDeclarations): Record<string, VariableDeclarationInfo> {
  return Object.fromEntries(decls.variables.map((v) => [v.name, v]));
}

describe('extractDeclarations on clean-inline.ts', () => {
  const { text, decls } = read('clean-inline.ts');
  const vars = byName(decls);

  test('finds the scenario and every variable, in order, with no problems', () => {
    assert.equal(decls.isScenario, true);
    assert.equal(decls.file, 'clean-inline.ts');
    assert.deepEqual(decls.variables.map((v) => v.name), ['host', 'numberOfNeighbours', 'region', 'offset', 'limits', 'api-key', 'mode']);
    assert.deepEqual(decls.problems, []);
  });

  test('name ranges point at the property names', () => {
    assert.deepEqual(vars.host.nameRange, { start: { line: 6, character: 4 }, end: { line: 6, character: 8 } });
    const start = at(text, 'numberOfNeighbours: variable');
    assert.deepEqual(vars.numberOfNeighbours.nameRange, { start, end: { line: start.line, character: start.character + 'numberOfNeighbours'.length } });
    assert.deepEqual(vars['api-key'].nameRange.start, at(text, "'api-key': variable"));
    assert.deepEqual(vars.host.range.start, at(text, "variable({ description: 'Base URL"));
  });

  test('descriptions from string literals and templates', () => {
    assert.equal(vars.host.description, 'Base URL of the target');
    assert.equal(vars.numberOfNeighbours.description, 'How many neighbours each user talks to');
    assert.deepEqual(vars.host.descriptionRange?.start, at(text, "'Base URL"));
  });

  test('literal defaults: strings, numbers (negative too), objects and arrays; absent ones', () => {
    assert.equal(vars.host.default, 'http://127.0.0.1:8080');
    assert.equal(vars.numberOfNeighbours.default, 4);
    assert.equal(vars.offset.default, -250);
    assert.equal(vars.offset.defaultText, '-250');
    assert.deepEqual(vars.limits.default, { maxItems: 10, tags: ['a', 'b'], strict: true, parent: null });
    assert.equal(vars['api-key'].hasDefault, false);
    assert.equal(vars['api-key'].default, undefined);
    assert.equal(vars.host.hasDefault, true);
  });

  test('verify kinds: none, allowlist, arrow function, method', () => {
    assert.equal(vars.host.verify, 'none');
    assert.equal(vars.region.verify, 'allowlist');
    assert.deepEqual(vars.region.allowlist, ['eu', 'us', 'ap']);
    assert.deepEqual(vars.region.verifyRange?.start, at(text, "['eu', 'us', 'ap']"));
    assert.equal(vars.numberOfNeighbours.verify, 'function');
    assert.equal(vars.mode.verify, 'function');
  });

  test('update kinds: default read_only, explicit read_only, none, function', () => {
    assert.equal(vars.host.update, 'read_only');
    assert.equal(vars.offset.update, 'read_only');
    assert.equal(vars.numberOfNeighbours.update, 'none');
    assert.equal(vars.region.update, 'function');
    assert.equal(vars.region.updateText, undefined);
  });

  test('reads: property access, string keys and destructuring', () => {
    const names = decls.reads.map((r) => r.name).sort();
    assert.deepEqual(names, ['api-key', 'host', 'limits', 'mode', 'numberOfNeighbours', 'offset', 'region']);
    const hostRead = decls.reads.find((r) => r.name === 'host');
    assert.deepEqual(hostRead?.range.start, ((p) => ({ line: p.line, character: p.character + 'user.http(user.vars.'.length }))(at(text, 'user.http(user.vars.host')));
  });
});

describe('extractDeclarations on clean-indirect.ts', () => {
  const { text, decls } = read('clean-indirect.ts');
  const vars = byName(decls);

  test('follows const bindings: the scenario, the variables object, shorthand and renamed properties', () => {
    assert.equal(decls.isScenario, true);
    assert.deepEqual(decls.problems, []);
    assert.deepEqual(decls.variables.map((v) => v.name), ['timeout', 'region', 'chatty', 'users']);
    assert.deepEqual(vars.timeout.nameRange.start, at(text, 'timeout,'));
    assert.deepEqual(vars.chatty.nameRange.start, at(text, 'chatty: verbose'));
    // The declaration range is the variable() call where it is written.
    assert.deepEqual(vars.chatty.range.start, at(text, "v<boolean>({ description: 'Log"));
  });

  test('literals through consts: a numeric default and an allowlist array', () => {
    assert.equal(vars.timeout.default, 5000);
    assert.equal(vars.timeout.defaultText, 'TIMEOUT_MS');
    assert.deepEqual(vars.region.allowlist, ['eu', 'us']);
    assert.equal(vars.chatty.default, false);
    assert.equal(vars.timeout.update, 'none');
  });

  test('reads through ({ vars }) and nested parameter destructuring', () => {
    assert.deepEqual(decls.reads.map((r) => r.name).sort(), ['chatty', 'region', 'timeout', 'users']);
  });
});

describe('extractDeclarations on files with non-static parts', () => {
  test('non-static.ts: each unreadable part is a problem at its node, the rest is read', () => {
    const { text, decls } = read('non-static.ts');
    const vars = byName(decls);
    assert.equal(decls.isScenario, true);
    assert.deepEqual(decls.variables.map((v) => v.name), ['byName', 'factoryOptions', 'spreadOptions', 'computed', 'levels', 'fine']);
    assert.equal(vars.byName.description, 'options by name', 'options bound to a const object are read');
    const problems = decls.problems.map((p) => [p.code, p.severity, p.range.start.line, p.range.start.character]);
    const notStatic = (needle: string) => ['ROOKERY_VAR_NOT_STATIC', 'warning', at(text, needle).line, at(text, needle).character];
    assert.deepEqual(problems.filter((p) => p[0] === 'ROOKERY_VAR_NOT_STATIC'), [
      notStatic('...common,'),
      notStatic('[KEY]'),
      notStatic("makeVariable('made"),
    ]);
    const messages = decls.problems.map((p) => p.message).join('\n');
    assert.match(messages, /`\.\.\.common` hides which variables exist/);
    assert.match(messages, /computed key \[KEY\]/);
    assert.match(messages, /"made" is not a variable\(\{\.\.\.\}\) call/);

    const optionsProblems = decls.problems.filter((p) => p.code === 'ROOKERY_VAR_OPTIONS_NOT_STATIC');
    assert.deepEqual(optionsProblems.map((p) => p.range.start), [at(text, 'makeOptions()),'), at(text, '...base')]);
    assert.equal(vars.factoryOptions.description, undefined);
    assert.equal(vars.spreadOptions.default, 'x', 'what follows a spread is still read');

    assert.equal(vars.computed.description, undefined);
    assert.ok(vars.computed.descriptionRange);
    assert.equal(vars.computed.hasDefault, true);
    assert.equal(vars.computed.default, undefined);
    assert.equal(vars.computed.defaultText, 'Date.now()');
    const literalProblems = decls.problems.filter((p) => p.code === 'ROOKERY_VAR_NOT_LITERAL');
    assert.deepEqual(literalProblems.map((p) => [p.severity, p.range.start]), [
      ['warning', at(text, "describe('computed')")],
      ['info', at(text, 'Date.now()')],
      ['info', at(text, 'LOW, 2, 3')],
    ]);
    assert.match(literalProblems[0].message, /must be a string literal to be readable/);

    assert.equal(vars.levels.verify, 'allowlist');
    assert.equal(vars.levels.allowlist, undefined);
    assert.equal(vars.fine.default, 'ok');
  });

  test('non-static-variables.ts: a variables object built by a call', () => {
    const { text, decls } = read('non-static-variables.ts');
    assert.equal(decls.isScenario, true);
    assert.deepEqual(decls.variables, []);
    assert.equal(decls.problems.length, 1);
    assert.equal(decls.problems[0].code, 'ROOKERY_VAR_NOT_STATIC');
    assert.deepEqual(decls.problems[0].range.start, at(text, 'buildVariables(),'));
    assert.match(decls.problems[0].message, /not an object literal/);
  });
});

describe('extractDeclarations on files that do not compile', () => {
  test('broken-syntax.ts: a syntax error later in the file does not stop extraction', () => {
    const { decls } = read('broken-syntax.ts');
    const vars = byName(decls);
    assert.equal(decls.isScenario, true);
    assert.deepEqual(decls.variables.map((v) => v.name), ['host', 'rate']);
    assert.equal(vars.host.default, 'http://127.0.0.1:9');
    assert.deepEqual(vars.rate.allowlist, [1, 5, 10]);
    assert.deepEqual(decls.reads.map((r) => r.name), ['host', 'rate']);
  });

  test('broken-missing-module.ts: imports are never resolved', () => {
    const { text, decls } = read('broken-missing-module.ts');
    const vars = byName(decls);
    assert.deepEqual(decls.variables.map((v) => v.name), ['user', 'password']);
    assert.equal(vars.user.hasDefault, true);
    assert.equal(vars.user.defaultText, 'cfg.defaultUser');
    assert.deepEqual(decls.problems.map((p) => [p.code, p.severity, p.range.start]), [['ROOKERY_VAR_NOT_LITERAL', 'info', at(text, 'cfg.defaultUser')]]);
  });

  test('arbitrary garbage never throws', () => {
    for (const text of ['', '}}}{{{', 'export default', 'export default scenario(', 'export default scenario({ variables: { a: variable({ description: ']) {
      const decls = extractDeclarations('garbage.ts', text);
      assert.equal(typeof decls.isScenario, 'boolean');
    }
    const partial = extractDeclarations('partial.ts', "export default scenario({ variables: { a: variable({ description: 'x', default: [1, ");
    assert.equal(partial.variables[0]?.name, 'a');
    assert.equal(partial.variables[0].description, 'x');
  });
});

describe('extractDeclarations on files that are not scenarios', () => {
  test('not-a-scenario.ts: the default export is explained', () => {
    const { text, decls } = read('not-a-scenario.ts');
    assert.equal(decls.isScenario, false);
    assert.deepEqual(decls.variables, []);
    assert.equal(decls.problems[0].code, 'ROOKERY_VAR_NOT_A_SCENARIO');
    assert.deepEqual(decls.problems[0].range.start, at(text, '{\n  variables: { host }'));
  });

  test('no-default-export.ts: nothing found, no problem of its own', () => {
    const { decls } = read('no-default-export.ts');
    assert.equal(decls.isScenario, false);
    assert.deepEqual(decls.problems, []);
  });
});

describe('extractDeclarations on inline sources', () => {
  test('namespace imports, export { s as default }, quoted and numeric keys, `as const`', () => {
    const decls = extractDeclarations('inline.ts', [
      "import * as rk from 'rookery';",
      "const s = rk.scenario({ variables: { 'quoted': rk.variable({ description: 'q', default: ['a', 'b'] as const }), 7: rk.variable({ description: 'n', default: +3 }) }, start() {} });",
      'export { s as default };',
    ].join('\n'));
    assert.equal(decls.isScenario, true);
    assert.deepEqual(decls.variables.map((v) => [v.name, v.default]), [['quoted', ['a', 'b']], ['7', 3]]);
  });

  test('a let-bound variables object and an unknown callee are not static', () => {
    const decls = extractDeclarations('inline.ts', [
      "import { scenario, variable } from 'rookery';",
      "let variables = { a: variable({ description: 'a' }) };",
      'export default scenario({ variables, start() {} });',
    ].join('\n'));
    assert.equal(decls.problems[0]?.code, 'ROOKERY_VAR_NOT_STATIC');
    const other = extractDeclarations('inline.ts', "export default scenario({ variables: { a: notVariable({ description: 'a' }) }, start() {} });");
    assert.deepEqual(other.variables, []);
    assert.equal(other.problems[0]?.code, 'ROOKERY_VAR_NOT_STATIC');
  });

  test('invalid update literals keep read_only, record the text and report an error', () => {
    const decls = extractDeclarations('inline.ts', "export default scenario({ variables: { a: variable({ description: 'a', update: 'nonee' }) }, start() {} });");
    const [v] = decls.variables;
    assert.equal(v.update, 'read_only');
    assert.equal(v.updateText, "'nonee'");
    assert.equal(decls.problems[0].code, 'ROOKERY_VAR_INVALID_UPDATE');
    assert.equal(decls.problems[0].severity, 'error');
    assert.match(decls.problems[0].message, /invalid update policy 'nonee'.*did you mean 'none'/);
  });

  test('a scenario() argument that is not an object is not static', () => {
    const decls = extractDeclarations('inline.ts', 'export default scenario(makeDefinition());');
    assert.equal(decls.isScenario, true);
    assert.equal(decls.problems[0].code, 'ROOKERY_VAR_NOT_STATIC');
  });

  test('a regular expression, an object or a template as verify is invalid, as the engine would find', () => {
    const decls = extractDeclarations('inline.ts', [
      "import { scenario, variable } from 'rookery';",
      'const OPTIONS = { a: 1 };',
      'export default scenario({ variables: {',
      "  a: variable({ description: 'a', verify: /^a$/ }),",
      "  b: variable({ description: 'b', verify: new RegExp('b') }),",
      "  c: variable({ description: 'c', verify: OPTIONS }),",
      '  d: variable({ description: \'d\', verify: `${1}` }),',
      '}, start() {} });',
    ].join('\n'));
    assert.deepEqual(decls.problems.map((p) => [p.code, p.range.start.line]), [
      ['ROOKERY_VAR_INVALID_VERIFY', 3], ['ROOKERY_VAR_INVALID_VERIFY', 4], ['ROOKERY_VAR_INVALID_VERIFY', 5], ['ROOKERY_VAR_INVALID_VERIFY', 6],
    ]);
    assert.match(decls.problems[0].message, /"a" is a regular expression, which verify does not take: write verify: \(value\) => \/\^a\$\/\.test\(String\(value\)\)/);
    assert.match(decls.problems[2].message, /must be an array of allowed values or a function, not OPTIONS/);
    assert.ok(decls.variables.every((v) => v.verify === 'none'));
  });

  test('a literal default its verify function certainly rejects is an error at the default', () => {
    const { text, decls } = read('broken-verify-functions.ts');
    const rejected = decls.problems.filter((p) => p.code === 'ROOKERY_VAR_DEFAULT_NOT_ALLOWED');
    assert.deepEqual(rejected.map((p) => p.range.start), [at(text, "'ftp://127.0.0.1'"), at(text, '250,'), at(text, "'eighty'")]);
    assert.ok(rejected.every((p) => p.severity === 'error'));
    assert.match(rejected[0].message, /^the default "ftp:\/\/127\.0\.0\.1" of "baseUrl" fails its own verify function \(it returns false for it\)/);
    const invalid = decls.problems.filter((p) => p.code === 'ROOKERY_VAR_INVALID_VERIFY');
    assert.deepEqual(invalid.map((p) => p.range.start), [at(text, '/^(fast|slow)$/')]);
    assert.equal(decls.problems.length, 4, 'passing and unknowable verify functions are not reported');
  });

  test('the example scenario defaults pass their verify functions', () => {
    const text = readFileSync(resolve(__dirname, '../../../../examples/http-api.scenario.ts'), 'utf8');
    assert.deepEqual(extractDeclarations('http-api.scenario.ts', text).problems, []);
  });
});
