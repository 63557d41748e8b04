import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { findReads, isVarsObject, varsObjectNames } from '../../../agent/analysis/find-reads';

function reads(source: string): (string | null)[] {
  return findReads(ts.createSourceFile('t.ts', source, ts.ScriptTarget.Latest, true)).map((r) => r.name);
}

describe('findReads', () => {
  test('property and element access on <expr>.vars and vars', () => {
    assert.deepEqual(reads("user.vars.a; ctx.vars['b']; vars.c; this.vars?.d; (user.vars).e; user.vars[`f`];"), ['a', 'b', 'c', 'd', 'e', 'f']);
  });

  test('dynamic element access has a null name at the key', () => {
    const sf = ts.createSourceFile('t.ts', 'user.vars[key];', ts.ScriptTarget.Latest, true);
    assert.deepEqual(findReads(sf), [{ name: null, range: { start: { line: 0, character: 10 }, end: { line: 0, character: 13 } } }]);
  });

  test('destructuring from vars, in declarations and parameters, with renames and rest', () => {
    assert.deepEqual(reads('const { a, b: renamed, "c": c2 } = user.vars;'), ['a', 'b', 'c']);
    assert.deepEqual(reads('function start({ vars: { a, b = 1 } }) {}'), ['a', 'b']);
    assert.deepEqual(reads('const { x, ...rest } = user.vars;'), ['x', null]);
  });

  test('aliases of the vars object are followed', () => {
    assert.deepEqual(reads('const v = user.vars; const w = v; v.a; w["b"]; const { c } = w;'), ['a', 'b', 'c']);
    assert.deepEqual(reads('const f = ({ vars: v }) => v.a;'), ['a']);
  });

  test('handing the whole object on is a dynamic read', () => {
    assert.deepEqual(reads('helper(user.vars);'), [null]);
    assert.deepEqual(reads('const o = { ...user.vars };'), [null]);
    assert.deepEqual(reads('({ vars }) => { for (const k in vars) {} return vars; }'), [null, null]);
    assert.deepEqual(reads('({ vars }) => JSON.stringify({ vars })'), [null]);
  });

  test('a local `vars` object of declarations is not mistaken for the vars object handed on', () => {
    assert.deepEqual(reads('const vars = { a: variable({}) }; scenario({ variables: vars });'), []);
  });

  test('unrelated code yields nothing', () => {
    assert.deepEqual(reads('const variables = {}; obj.varsx.a; other.a; const vars2 = 1;'), []);
  });

  test('half-typed keys name nothing yet: no read, neither undeclared nor dynamic', () => {
    assert.deepEqual(reads("user.vars['ho\nuser.vars.ok;"), ['ok']);
    assert.deepEqual(reads('const a = user.vars[\nconst b = 1;'), []);
    assert.deepEqual(reads('user.vars.'), []);
    assert.deepEqual(reads('user.vars[`h'), []);
    assert.deepEqual(reads("user.vars['done']"), ['done']);
  });
});

describe('varsObjectNames and isVarsObject', () => {
  test('vars, its bindings and any <expr>.vars are the variables object; other names are not', () => {
    const sf = ts.createSourceFile('t.ts', 'const v = user.vars; const f = ({ vars: w }) => w; other.x; v; w; other;', ts.ScriptTarget.Latest, true);
    const names = varsObjectNames(sf);
    assert.deepEqual([...names].sort(), ['v', 'vars', 'w']);
    const expressions = (sf.statements.slice(2) as ts.ExpressionStatement[]).map((s) => s.expression);
    assert.deepEqual(expressions.map((e) => isVarsObject(e, names)), [false, true, true, false]);
  });
});
