import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUE_SIZE, ItemStore, MAX_NAME_LENGTH, catalogueItem, parseNewItem } from '../../../agent/target/items';

describe('catalogueItem', () => {
  test('is a pure function of the id over the whole catalogue', () => {
    for (const id of [1, 2, 3, 777, 500_000, CATALOGUE_SIZE]) {
      const item = catalogueItem(id);
      assert.ok(item);
      assert.deepEqual(catalogueItem(id), item);
      assert.equal(item.id, id);
      assert.equal(item.name, `item-${id}`);
      assert.ok(Number.isInteger(item.priceCents) && item.priceCents >= 100 && item.priceCents < 100_000);
      assert.equal(typeof item.category, 'string');
      assert.equal(item.createdAt, undefined);
    }
  });

  test('spreads prices and categories across neighbouring ids', () => {
    const prices = new Set<number>();
    const categories = new Set<string>();
    for (let id = 1; id <= 200; id++) {
      const item = catalogueItem(id)!;
      prices.add(item.priceCents);
      categories.add(item.category);
    }
    assert.ok(prices.size > 190, `only ${prices.size} distinct prices`);
    assert.ok(categories.size >= 5, `only ${categories.size} categories`);
  });

  test('has nothing outside 1..CATALOGUE_SIZE or for non-integers', () => {
    for (const id of [0, -1, CATALOGUE_SIZE + 1, 1.5, NaN, Infinity]) assert.equal(catalogueItem(id), undefined, String(id));
  });
});

describe('ItemStore', () => {
  test('numbers created items after the catalogue and reads them back', () => {
    const store = new ItemStore(10);
    const now = new Date('2024-01-02T03:04:05.000Z');
    const a = store.add({ name: 'a', priceCents: 250, category: 'tools' }, now);
    const b = store.add({ name: 'b' }, now);
    assert.deepEqual(a, { id: CATALOGUE_SIZE + 1, name: 'a', priceCents: 250, category: 'tools', inStock: true, createdAt: '2024-01-02T03:04:05.000Z' });
    assert.equal(b.id, CATALOGUE_SIZE + 2);
    assert.equal(b.priceCents, 0);
    assert.deepEqual(store.get(a.id), a);
    assert.deepEqual(store.get(42), catalogueItem(42));
    assert.equal(store.get(CATALOGUE_SIZE + 3), undefined);
    assert.equal(store.size, 2);
  });

  test('forgets the oldest item past its capacity', () => {
    const store = new ItemStore(3);
    const ids = Array.from({ length: 5 }, (_, i) => store.add({ name: `n${i}` }).id);
    assert.equal(store.size, 3);
    assert.equal(store.get(ids[0]), undefined);
    assert.equal(store.get(ids[1]), undefined);
    for (const id of ids.slice(2)) assert.equal(store.get(id)?.id, id);
  });

  test('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, NaN]) assert.throws(() => new ItemStore(capacity), RangeError);
  });
});

describe('parseNewItem', () => {
  test('keeps the known fields and drops the rest', () => {
    assert.deepEqual(parseNewItem({ name: 'x', priceCents: 5, category: 'toys', extra: 'ignored' }), { name: 'x', priceCents: 5, category: 'toys' });
    assert.deepEqual(parseNewItem({ name: 'y' }), { name: 'y' });
  });

  test('explains what is wrong with a bad body', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /JSON object/],
      [[{ name: 'x' }], /JSON object/],
      ['x', /JSON object/],
      [{}, /missing "name"/],
      [{ name: '' }, /non-empty string/],
      [{ name: '   ' }, /non-empty string/],
      [{ name: 7 }, /non-empty string/],
      [{ name: 'x'.repeat(MAX_NAME_LENGTH + 1) }, /at most/],
      [{ name: 'x', priceCents: -1 }, /priceCents/],
      [{ name: 'x', priceCents: 1.5 }, /priceCents/],
      [{ name: 'x', priceCents: '3' }, /priceCents/],
      [{ name: 'x', category: '' }, /category/],
      [{ name: 'x', category: 3 }, /category/],
    ];
    for (const [body, expected] of cases) {
      const result = parseNewItem(body);
      assert.equal(typeof result, 'string', JSON.stringify(body));
      assert.match(result as string, expected);
    }
  });
});
