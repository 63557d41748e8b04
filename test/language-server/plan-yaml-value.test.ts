import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { LiteralValue } from '../../agent/protocol/variables';
import { yamlValue } from '../../extension/language-server/plan-yaml-value';
import { seededRandom } from '../helpers/seeded-random';

/** What a plan reads back for `name: <yamlValue>` (and inside a flow mapping). */
function readBack(value: LiteralValue): { block: unknown; flow: unknown } {
  const block = yamlValue(value);
  const flow = yamlValue(value, true);
  assert.ok(!/[\n\r]/.test(block + flow), `one line: ${block} / ${flow}`);
  return { block: parse(`v: ${block}`).v, flow: parse(`{ v: ${flow}, w: [${flow}] }`).v };
}

describe('yamlValue', () => {
  test('plain when it reads back, quoted when it would not', () => {
    assert.equal(yamlValue('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.equal(yamlValue('read'), 'read');
    assert.equal(yamlValue(200), '200');
    assert.equal(yamlValue(false), 'false');
    assert.equal(yamlValue(null), 'null');
    for (const tricky of ['true', '8080', '', ' padded', 'a: b', 'a #b', '- x', '*alias', '&anchor', '!tag', '@x', 'null', '~', '0x1F', '1e3', '"q"', "it's"]) {
      assert.equal(readBack(tricky).block, tricky, tricky);
    }
    assert.equal(yamlValue('true'), '"true"');
    assert.equal(yamlValue("it's"), "it's");
    assert.equal(yamlValue([1, 'a, b', { k: 'v' }]), '[1, "a, b", { k: v }]');
    assert.equal(yamlValue({}), '{}');
    assert.equal(yamlValue([]), '[]');
    assert.equal(yamlValue(undefined), 'null');
  });

  test('every random JSON value reads back equal, in block and flow position (seeded)', () => {
    const random = seededRandom(20240605);
    const alphabet = ['a', 'Z', '0', '1', ' ', ':', '#', ',', '[', ']', '{', '}', '-', '"', "'", '\\', '\n', '\t', '|', '>', '*', '&', '!', '%', '@', '`', '?', 'é', '😀', '.', 'e', 'x'];
    const str = (): string => Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const gen = (depth: number): LiteralValue => {
      const r = random();
      if (r < 0.35) return str();
      if (r < 0.5) return Math.round((random() - 0.5) * 1e6) / (random() < 0.5 ? 1 : 1000);
      if (r < 0.58) return random() < 0.5;
      if (r < 0.62) return null;
      if (depth > 2) return str();
      if (r < 0.8) return Array.from({ length: Math.floor(random() * 4) }, () => gen(depth + 1));
      const obj: Record<string, LiteralValue> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--) obj[str()] = gen(depth + 1);
      return obj;
    };
    for (let i = 0; i < 400; i++) {
      const value = gen(0);
      const { block, flow } = readBack(value);
      assert.deepEqual(block, value, `block: ${yamlValue(value)}`);
      assert.deepEqual(flow, value, `flow: ${yamlValue(value)}`);
    }
  });
});
