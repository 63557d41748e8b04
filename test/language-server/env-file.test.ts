import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { envLineAt, lineStarts, offsetOf, parseEnvFile, positionOf } from '../../extension/language-server/env-file';
import { seededRandom } from '../helpers/seeded-random';

function entries(text: string): [string, string][] {
  return parseEnvFile(text).map((e) => [e.key, e.value]);
}

describe('parseEnvFile', () => {
  test('KEY=value lines, export, comments, blanks and lines that set nothing', () => {
    const text = '# a comment\n\nexport ROOKERY_A=1\nB = two words  \nno equals here\nC=\nD E=1\n  # indented comment\n';
    assert.deepEqual(entries(text), [['ROOKERY_A', '1'], ['B', 'two words'], ['C', '']]);
  });

  test('quotes: single literal, double with \\n and \\r, backticks, spanning lines; # inside quotes is kept', () => {
    const text = "A='x # y'\nB=\"one\\ntwo\"\nC=`q`\nD=\"first\nsecond\" # after\nE='it''\n";
    assert.deepEqual(entries(text), [['A', 'x # y'], ['B', 'one\ntwo'], ['C', 'q'], ['D', 'first\nsecond'], ['E', 'it']]);
  });

  test('an unquoted value ends at #, as dotenv reads it; an unclosed quote reads as text', () => {
    assert.deepEqual(entries('A=a#b\nB=b # c\nC="open\n'), [['A', 'a'], ['B', 'b'], ['C', '"open']]);
  });

  test('ranges: the key, and the value as written (quotes included)', () => {
    const text = "X=1\n  export ROOKERY_HOST = 'http://h' # c\r\nNEXT=2\r\n";
    const [, host, next] = parseEnvFile(text);
    assert.equal(text.slice(host.keyRange.start, host.keyRange.end), 'ROOKERY_HOST');
    assert.equal(text.slice(host.valueRange.start, host.valueRange.end), "'http://h'");
    assert.deepEqual([next.key, next.value], ['NEXT', '2'], 'CRLF line ends are not part of values');
  });

  test('arbitrary text never throws and always terminates', () => {
    const random = seededRandom(7);
    const alphabet = "=#'\"`\n\r \\exportABC_.-\u0000\u00ff";
    for (let round = 0; round < 200; round++) {
      const text = Array.from({ length: Math.floor(random() * 80) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const parsed = parseEnvFile(text);
      for (const e of parsed) assert.ok(e.valueRange.end <= text.length && e.keyRange.start <= e.keyRange.end, JSON.stringify(text));
      for (let offset = 0; offset <= text.length; offset++) envLineAt(text, offset);
    }
  });
});

describe('envLineAt', () => {
  const part = (text: string) => {
    const offset = text.indexOf('|');
    const clean = text.slice(0, offset) + text.slice(offset + 1);
    return envLineAt(clean, offset);
  };

  test('in the key, after =, in comments', () => {
    assert.deepEqual(part('ROOKERY_RE|'), { key: 'ROOKERY_RE', keyRange: { start: 0, end: 10 }, hasEquals: false, part: 'key' });
    assert.equal(part('export ROO|=1').part, 'key');
    assert.equal(part('|').part, 'key');
    assert.deepEqual(part('ROOKERY_REGION=e|u # c'), { key: 'ROOKERY_REGION', keyRange: { start: 0, end: 14 }, hasEquals: true, part: 'value', valueRange: { start: 15, end: 17 } });
    assert.equal(part('ROOKERY_REGION=eu # c|').part, 'none');
    assert.equal(part('# ROOKERY_|').part, 'none');
    assert.equal(part('A B|').part, 'none');
  });
});

describe('positions', () => {
  test('offsets and LSP positions convert both ways; outside positions are undefined', () => {
    const text = 'ab\ncde\n\nf';
    const starts = lineStarts(text);
    for (let offset = 0; offset <= text.length; offset++) assert.equal(offsetOf(text, starts, positionOf(starts, offset)), offset);
    assert.equal(offsetOf(text, starts, { line: 0, character: 3 }), undefined);
    assert.equal(offsetOf(text, starts, { line: 4, character: 0 }), undefined);
    assert.equal(offsetOf(text, starts, { line: -1, character: 0 }), undefined);
  });
});
