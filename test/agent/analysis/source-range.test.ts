import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { compareRanges, rangeOf, rangeWithin } from '../../../agent/analysis/source-range';

describe('source ranges', () => {
  test('rangeOf is zero-based and skips leading comments', () => {
    const sf = ts.createSourceFile('t.ts', 'const a = 1;\n  /* note */ foo(\n 2);', ts.ScriptTarget.Latest, true);
    const call = (sf.statements[1] as ts.ExpressionStatement).expression;
    assert.deepEqual(rangeOf(sf, call), { start: { line: 1, character: 13 }, end: { line: 2, character: 3 } });
  });

  test('compareRanges orders by start then end; rangeWithin includes bounds', () => {
    const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
    const sorted = [r(2, 0, 2, 1), r(0, 5, 0, 9), r(0, 5, 0, 6), r(1, 0, 3, 0)].sort(compareRanges);
    assert.deepEqual(sorted, [r(0, 5, 0, 6), r(0, 5, 0, 9), r(1, 0, 3, 0), r(2, 0, 2, 1)]);
    assert.ok(rangeWithin(r(1, 2, 1, 4), r(1, 2, 1, 4)));
    assert.ok(rangeWithin(r(1, 3, 2, 0), r(0, 0, 3, 0)));
    assert.ok(!rangeWithin(r(0, 0, 3, 1), r(0, 0, 3, 0)));
  });
});
