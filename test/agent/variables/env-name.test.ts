import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { envName, parseLooseValue } from '../../../agent/variables/env-name';

describe('envName', () => {
  test('camelCase, snake_case and kebab-case give the same upper snake name', () => {
    assert.equal(envName('numberOfNeighbours'), 'ROOKERY_NUMBER_OF_NEIGHBOURS');
    assert.equal(envName('number_of_neighbours'), 'ROOKERY_NUMBER_OF_NEIGHBOURS');
    assert.equal(envName('number-of-neighbours'), 'ROOKERY_NUMBER_OF_NEIGHBOURS');
  });

  test('single words, digits and acronyms', () => {
    assert.equal(envName('host'), 'ROOKERY_HOST');
    assert.equal(envName('HOST'), 'ROOKERY_HOST');
    assert.equal(envName('user2Rate'), 'ROOKERY_USER2_RATE');
    assert.equal(envName('HTTPHost'), 'ROOKERY_HTTP_HOST');
    assert.equal(envName('apiURL'), 'ROOKERY_API_URL');
  });

  test('runs of separators collapse and edges are trimmed', () => {
    assert.equal(envName('__a..b__'), 'ROOKERY_A_B');
  });
});

describe('parseLooseValue', () => {
  test('valid JSON is parsed: numbers, booleans, null, arrays, objects, quoted strings', () => {
    assert.equal(parseLooseValue('42'), 42);
    assert.equal(parseLooseValue('-1.5'), -1.5);
    assert.equal(parseLooseValue('true'), true);
    assert.equal(parseLooseValue('null'), null);
    assert.deepEqual(parseLooseValue('[1, "a", [2]]'), [1, 'a', [2]]);
    assert.deepEqual(parseLooseValue('{"a": {"b": 1}}'), { a: { b: 1 } });
    assert.equal(parseLooseValue('"42"'), '42');
  });

  test('anything else stays the raw string', () => {
    assert.equal(parseLooseValue('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.equal(parseLooseValue('eu-west'), 'eu-west');
    assert.equal(parseLooseValue(''), '');
    assert.equal(parseLooseValue('[1, 2'), '[1, 2');
    assert.equal(parseLooseValue("{'a': 1}"), "{'a': 1}");
  });
});
