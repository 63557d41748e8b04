import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { FileBindings } from '../../../agent/analysis/file-bindings';
import { evaluateLiteral, staticPropertyName } from '../../../agent/analysis/literal-value';

/** Evaluates the initializer of the last `const` in `source`. */
function evaluate(source: string) {
  const sf = ts.createSourceFile('t.ts', source, ts.ScriptTarget.Latest, true);
  const last = sf.statements[sf.statements.length - 1] as ts.VariableStatement;
  const result = evaluateLiteral(last.declarationList.declarations[0].initializer!, new FileBindings(sf));
  return { result, sf };
}

describe('evaluateLiteral', () => {
  test('JSON literals', () => {
    const cases: [string, unknown][] = [
      ["'a'", 'a'],
      ['`tpl`', 'tpl'],
      ['42', 42],
      ['0x10', 16],
      ['1_000', 1000],
      ['-2.5', -2.5],
      ['+3', 3],
      ['- -1', 1],
      ['true', true],
      ['false', false],
      ['null', null],
      ['[1, "b", [null]]', [1, 'b', [null]]],
      ["{ a: 1, 'b-c': [true], 3: 'x', ['k']: 2 }", { a: 1, 'b-c': [true], 3: 'x', k: 2 }],
      ["('p' as const)", 'p'],
      ['[1] satisfies number[]', [1]],
    ];
    for (const [source, expected] of cases) {
      const { result } = evaluate(`const x = ${source};`);
      assert.deepEqual(result, { ok: true, value: expected }, source);
    }
  });

  test('follows consts of the same file, including shorthand properties', () => {
    assert.deepEqual(evaluate('const A = 1; const b = "s"; const x = { A, list: [A, b] };').result, { ok: true, value: { A: 1, list: [1, 's'] } });
  });

  test('non-literals report the offending node', () => {
    const cases: [string, string][] = [
      ['`a${1}b`', '`a${1}b`'],
      ['f()', 'f()'],
      ['[1, f()]', 'f()'],
      ['[1, ...rest]', '...rest'],
      ['[1, , 2]', ''],
      ['{ a: 1, ...o }', '...o'],
      ['{ m() {} }', 'm() {}'],
      ['{ [k]: 1 }', '[k]'],
      ['undefined', 'undefined'],
      ['NaN', 'NaN'],
      ["-'3'", "-'3'"],
      ['10n', '10n'],
      ['imported', 'imported'],
    ];
    for (const [source, offending] of cases) {
      const { result, sf } = evaluate(`const x = ${source};`);
      assert.equal(result.ok, false, source);
      if (!result.ok) assert.equal(result.node.getText(sf), offending, source);
    }
  });

  test('let bindings and cycles are not followed', () => {
    assert.equal(evaluate('let a = 1; const x = a;').result.ok, false);
    assert.equal(evaluate('const a = b; const b = a; const x = a;').result.ok, false);
  });

  test('a "__proto__" key stays an own key', () => {
    const { result } = evaluate("const x = { '__proto__': 1 };");
    assert.ok(result.ok);
    if (result.ok) assert.deepEqual(Object.keys(result.value as object), ['__proto__']);
  });
});

describe('staticPropertyName', () => {
  test('identifiers, strings, numbers and literal computed keys; not other computed keys', () => {
    const sf = ts.createSourceFile('t.ts', "const K = 'k'; const o = { a: 1, 'b': 2, 3: 3, ['d']: 4, [K]: 5, [f()]: 6 };", ts.ScriptTarget.Latest, true);
    const object = (sf.statements[1] as ts.VariableStatement).declarationList.declarations[0].initializer as ts.ObjectLiteralExpression;
    const bindings = new FileBindings(sf);
    assert.deepEqual(object.properties.map((p) => staticPropertyName(p.name!, bindings)), ['a', 'b', '3', 'd', 'k', undefined]);
  });
});
