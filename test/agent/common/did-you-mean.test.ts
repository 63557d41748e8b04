import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, editDistance, suggestionSuffix } from '../../../agent/common/did-you-mean';

test('edit distance counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
  assert.equal(editDistance('level', 'level'), 0);
  assert.equal(editDistance('levle', 'level'), 1, 'a swap of two neighbours is one typo');
  assert.equal(editDistance('Host', 'host'), 0, 'case does not count');
  assert.equal(editDistance('hst', 'host'), 1);
  assert.equal(editDistance('hosts', 'host'), 1);
  assert.equal(editDistance('hast', 'host'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('ab', 'ba'), 1);
  assert.equal(editDistance('abc', 'cab'), 2);
});

test('did you mean: the closest name within a third of the length, else nothing', () => {
  assert.equal(didYouMean('levle', ['level', 'host']), 'level');
  assert.equal(didYouMean('userrate', ['userRate', 'users']), 'userRate');
  assert.equal(didYouMean('duraton', ['duration', 'maintain']), 'duration');
  assert.equal(didYouMean('zzz', ['host', 'level']), undefined);
  assert.equal(didYouMean('x', []), undefined);
  assert.equal(suggestionSuffix('hots', ['host']), ' (did you mean "host"?)');
  assert.equal(suggestionSuffix('nothing-like-it', ['host']), '');
});
