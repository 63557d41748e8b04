import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { FileBindings } from '../../../agent/analysis/file-bindings';
import { evaluateLiteral, staticPropertyName, verifyVerdict } from '../../../agent/analysis/literal-value';
import type { LiteralValue } from '../../../agent/protocol/variables';
import { verifyValue } from '../../../agent/variables/verify';

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

/** The verdict on the verify function bound to the last `const` of `source` (after `prelude` consts). */
function verdictOf(prelude: string, fn: string, value: LiteralValue) {
  const sf = ts.createSourceFile('t.ts', `${prelude}\nconst verify = ${fn};`, ts.ScriptTarget.Latest, true);
  const last = sf.statements[sf.statements.length - 1] as ts.VariableStatement;
  return verifyVerdict(last.declarationList.declarations[0].initializer!, value, new FileBindings(sf));
}

const compiled = new Map<string, (v: unknown) => boolean>();

/** What the engine really decides: the same source compiled and run through verifyValue. */
function runtimeOutcome(prelude: string, fn: string, value: LiteralValue): boolean {
  const source = `${prelude}\nmodule.exports = ${fn};`;
  let verify = compiled.get(source);
  if (verify === undefined) {
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const module = { exports: undefined as unknown };
    new Function('module', js)(module);
    verify = module.exports as (v: unknown) => boolean;
    compiled.set(source, verify);
  }
  return verifyValue('v', { verify }, value).ok;
}

describe('verifyVerdict', () => {
  const PRELUDE = 'const MAX = 10; const PATTERN = /^[a-z]+$/i;';
  const FUNCTIONS = [
    "(v) => typeof v === 'string' && /^https?:\\/\\//.test(v)",
    "(v) => typeof v === 'number' && v >= 0",
    '(v) => Number.isInteger(v) && (v as number) >= 0',
    '(v) => (v as number) <= MAX',
    'function (v) { return PATTERN.test(String(v)); }',
    "(v: unknown) => ['a', 'b'].includes(v as string)",
    '(v) => !Array.isArray(v)',
    "(v) => typeof v === 'string' ? v.length > 2 : false",
    "(v) => (typeof v === 'string' && v.startsWith('x')) || v === 0",
    "(v) => v !== '' && v != null",
    "(v) => (typeof v === 'string' ? { ok: true, value: v } : { ok: false, reason: 'no' })",
    '(v) => v',
    '(v) => Boolean(v) === true',
    "(v) => typeof v === 'string' && v.endsWith('/') === false && Number(v.length) < 5",
  ];
  const VALUES: LiteralValue[] = ['http://x', 'ftp://x', '', 'abc', 'xy', 'x/', 0, 5, -1, 12, 2.5, true, false, null, [1], ['a'], { ok: true, value: 1 }, { a: 1 }];

  test('every verdict given agrees with running the function as the engine does', () => {
    let decided = 0;
    for (const fn of FUNCTIONS) {
      for (const value of VALUES) {
        const verdict = verdictOf(PRELUDE, fn, value);
        if (verdict === undefined) continue;
        decided++;
        assert.equal(verdict.passes, runtimeOutcome(PRELUDE, fn, value), `${fn} on ${JSON.stringify(value)}`);
      }
    }
    // Most of these shapes are decided statically; only the `{ ok: true, value }` results are left to runtime.
    assert.ok(decided >= FUNCTIONS.length * VALUES.length - VALUES.length, `only ${decided} verdicts`);
  });

  test('what cannot be known without running is not judged', () => {
    const cases = [
      '(v) => helper(v)',
      '(v) => { const s = String(v); return s.length > 0; }',
      '(v) => v.trim() !== ""',
      'async (v) => true',
      '({ length }) => length > 0',
      '(v) => [v].some((x) => x)',
      "(v) => (typeof v === 'string' ? { ok: true, value: v.trim() } : { ok: false, reason: 'x' })",
      'imported',
      '[1, 2]',
    ];
    for (const fn of cases) assert.equal(verdictOf('', fn, 'text'), undefined, fn);
  });

  test('a result that is neither a boolean nor a result object fails, as at runtime', () => {
    assert.deepEqual(verdictOf('', "(v) => typeof v === 'string' && v.length", ''), { passes: false, returned: 0 });
    assert.deepEqual(verdictOf('', "(v) => ({ ok: false, reason: 'never' })", 1), { passes: false, returned: { ok: false } });
  });

  test('methods, and consts shadowing the globals it knows, are handled', () => {
    const sf = ts.createSourceFile('t.ts', 'const o = { verify(v) { return v === 1; } };', ts.ScriptTarget.Latest, true);
    const method = ((sf.statements[0] as ts.VariableStatement).declarationList.declarations[0].initializer as ts.ObjectLiteralExpression).properties[0] as ts.MethodDeclaration;
    assert.deepEqual(verifyVerdict(method, 2, new FileBindings(sf)), { passes: false, returned: false });
    assert.equal(verdictOf('const String = (x: unknown) => "a";', '(v) => String(v) === "a"', 1), undefined);
  });

  test('patterns that could backtrack for ages, and long defaults, are not run', () => {
    assert.equal(verdictOf('', '(v) => /^(a+)+$/.test(v)', `${'a'.repeat(40)}b`), undefined);
    assert.equal(verdictOf('', '(v) => /^(a|aa)*$/.test(v)', `${'a'.repeat(40)}b`), undefined);
    assert.equal(verdictOf('', '(v) => /^a+$/.test(v)', `${'a'.repeat(5000)}b`), undefined);
    assert.deepEqual(verdictOf('', '(v) => /^a+$/.test(v)', 'aab'), { passes: false, returned: false });
  });

  test('a result object is judged by its last `ok`; a spread or computed key leaves it unknown', () => {
    assert.equal(verdictOf('', "(v) => ({ ok: false, reason: 'x', ...extra })", 1), undefined);
    assert.equal(verdictOf('', "(v) => ({ ok: false, ['ok']: true })", 1), undefined);
    assert.equal(verdictOf('', "(v) => ({ ok: false, ok: true, value: v })", 1), undefined);
    assert.deepEqual(verdictOf('', "(v) => ({ ok: true, 'ok': false })", 1), { passes: false, returned: { ok: false } });
  });
});
