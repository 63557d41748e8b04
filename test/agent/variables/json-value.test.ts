import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { frozenCopy, jsonEqual, jsonType, renderValue } from '../../../agent/variables/json-value';

describe('jsonEqual', () => {
  test('compares structure, not identity', () => {
    assert.ok(jsonEqual([1, { a: 'x' }], [1, { a: 'x' }]));
    assert.ok(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 }));
    assert.ok(jsonEqual({ a: 1, gone: undefined }, { a: 1 }));
    assert.ok(!jsonEqual([1, 2], [2, 1]));
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!jsonEqual(1, '1'));
    assert.ok(!jsonEqual(null, {}));
    assert.ok(!jsonEqual([], {}));
  });
});

describe('jsonType and renderValue', () => {
  test('jsonType names JSON types', () => {
    assert.deepEqual([null, [], {}, 'a', 1, true].map(jsonType), ['null', 'array', 'object', 'string', 'number', 'boolean']);
  });

  test('renderValue never throws', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(renderValue('a'), '"a"');
    assert.equal(renderValue(undefined), 'undefined');
    assert.equal(renderValue(10n), '10n');
    assert.equal(renderValue(function named() {}), '[function named]');
    assert.equal(renderValue(cyclic), '[object Object]');
    assert.ok(renderValue('x'.repeat(500)).length <= 200);
  });
});

describe('frozenCopy', () => {
  test('copies and deep-freezes arrays and plain objects, leaving the original alone', () => {
    const original = { list: [1, { deep: true }] };
    const copy = frozenCopy(original);
    assert.deepEqual(copy, original);
    assert.notEqual(copy, original);
    assert.ok(Object.isFrozen(copy) && Object.isFrozen(copy.list) && Object.isFrozen(copy.list[1]));
    assert.ok(!Object.isFrozen(original));
  });

  test('a parsed "__proto__" key stays a key', () => {
    const copy = frozenCopy(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepEqual(Object.keys(copy), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('class instances pass through untouched', () => {
    const url = new URL('http://x/');
    assert.equal(frozenCopy(url), url);
  });
});
