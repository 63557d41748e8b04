import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { FileBindings, unwrap } from '../../../agent/analysis/file-bindings';

function parse(source: string) {
  const sf = ts.createSourceFile('t.ts', source, ts.ScriptTarget.Latest, true);
  return { sf, bindings: new FileBindings(sf) };
}

function lastInitializer(sf: ts.SourceFile): ts.Expression {
  const last = sf.statements[sf.statements.length - 1] as ts.VariableStatement;
  return last.declarationList.declarations[0].initializer!;
}

describe('FileBindings', () => {
  test('follow goes through const chains and stops at lets, parameters and imports', () => {
    const { sf, bindings } = parse('const a = { x: 1 }; const b = a; const c = (b as object)!; const z = c;');
    assert.equal(bindings.follow(lastInitializer(sf)).expr.getText(sf), '{ x: 1 }');
    const stop = parse("import { imp } from 'x'; let l = 1; const z = [imp, l];");
    const [imp, l] = (lastInitializer(stop.sf) as ts.ArrayLiteralExpression).elements;
    assert.equal(stop.bindings.follow(imp).unresolved?.text, 'imp');
    assert.deepEqual([stop.bindings.follow(l).unresolved?.text, stop.bindings.follow(l).notConst], ['l', true]);
  });

  test('a top-level const wins over a nested one of the same name', () => {
    const { sf, bindings } = parse("function f() { const n = 'inner'; } const n = 'outer'; const z = n;");
    assert.equal(bindings.follow(lastInitializer(sf)).expr.getText(sf), "'outer'");
  });

  test('isCallTo knows plain names, import aliases, namespaces and type arguments', () => {
    const { sf, bindings } = parse([
      "import { variable as v, scenario as define } from 'rookery';",
      "import * as rk from 'rookery';",
      "import { variable as other } from 'elsewhere';",
      'const z = [variable({}), v<number>({}), rk.variable({}), define({}), other({}), rk.scenario({}), x.variable({})];',
    ].join('\n'));
    const calls = (lastInitializer(sf) as ts.ArrayLiteralExpression).elements;
    assert.deepEqual(calls.map((c) => bindings.isCallTo(c, 'variable')), [true, true, true, false, false, false, false]);
    assert.deepEqual(calls.map((c) => bindings.isCallTo(c, 'scenario')), [false, false, false, true, false, true, false]);
  });

  test('unwrap strips parentheses, as, satisfies, type assertions and non-null', () => {
    const { sf } = parse('const z = ((<any>(x as y)) satisfies T)!;');
    assert.equal(unwrap(lastInitializer(sf)).getText(sf), 'x');
  });
});
