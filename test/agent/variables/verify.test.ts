import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { verifyValue } from '../../../agent/variables/verify';

function reason(outcome: ReturnType<typeof verifyValue>): string {
  assert.equal(outcome.ok, false, 'expected a rejection');
  return (outcome as { reason: string }).reason;
}

describe('verifyValue without verify', () => {
  test('accepts any defined value as given', () => {
    const value = { a: [1] };
    assert.deepEqual(verifyValue('x', {}, value), { ok: true, value });
    assert.deepEqual(verifyValue('x', {}, null), { ok: true, value: null });
  });

  test('rejects undefined', () => {
    assert.match(reason(verifyValue('x', {}, undefined)), /undefined/);
  });
});

describe('verifyValue with an allowlist', () => {
  test('accepts members by JSON-structural equality', () => {
    assert.deepEqual(verifyValue('x', { verify: ['eu', 'us'] }, 'us'), { ok: true, value: 'us' });
    assert.equal(verifyValue('x', { verify: [[1, 2], { a: 1 }] }, [1, 2]).ok, true);
    assert.equal(verifyValue('x', { verify: [[1, 2], { a: 1 }] }, { a: 1 }).ok, true);
  });

  test('rejects non-members, listing the allowed values', () => {
    const r = reason(verifyValue('x', { verify: ['eu', 'us'] }, 'asia'));
    assert.match(r, /not one of the allowed values: "eu", "us"/);
    assert.equal(verifyValue('x', { verify: [1, 2] }, '1').ok, false, 'a string is not the number');
  });

  test('an empty allowlist rejects everything and says why', () => {
    assert.match(reason(verifyValue('x', { verify: [] }, 1)), /empty/);
  });
});

describe('verifyValue with a function', () => {
  test('true accepts, false rejects', () => {
    const positive = (v: unknown) => typeof v === 'number' && v > 0;
    assert.deepEqual(verifyValue('n', { verify: positive }, 3), { ok: true, value: 3 });
    assert.match(reason(verifyValue('n', { verify: positive }, -3)), /rejected by the verify function of "n"/);
  });

  test('{ ok: true, value } replaces the value (normalising)', () => {
    const toNumber = (v: unknown) => ({ ok: true as const, value: Number(v) });
    assert.deepEqual(verifyValue('n', { verify: toNumber }, '12'), { ok: true, value: 12 });
  });

  test('{ ok: false, reason } rejects with that reason', () => {
    const verify = () => ({ ok: false as const, reason: 'must be a port number' });
    assert.equal(reason(verifyValue('p', { verify }, 1)), 'must be a port number');
  });

  test('a throwing function becomes a rejection naming the variable and the error', () => {
    const verify = () => {
      throw new Error('boom');
    };
    assert.match(reason(verifyValue('p', { verify }, 1)), /verify function of "p" threw: boom/);
    const throwsString = () => {
      throw 'plain';
    };
    assert.match(reason(verifyValue('p', { verify: throwsString }, 1)), /threw: "plain"/);
  });

  test('malformed results are rejections, never crashes', () => {
    const cases: unknown[] = [undefined, 1, 'yes', null, {}, { ok: true }, { ok: 'yes' }];
    for (const result of cases) {
      const verify = (() => result) as unknown as (v: unknown) => boolean;
      assert.match(reason(verifyValue('p', { verify }, 1)), /verify function of "p" returned/, `result ${String(result)}`);
    }
  });

  test('a Promise is rejected: verification is synchronous', async () => {
    const verify = (() => Promise.reject(new Error('late'))) as unknown as (v: unknown) => boolean;
    assert.match(reason(verifyValue('p', { verify }, 1)), /Promise/);
    // Let the swallowed rejection settle inside the test: an unhandled one would fail the run.
    await new Promise((resolve) => setImmediate(resolve));
  });

  test('a verify that is neither array nor function is reported', () => {
    const decl = { verify: 'eu' as unknown as string[] };
    assert.match(reason(verifyValue('r', decl, 'eu')), /invalid verify/);
  });
});
