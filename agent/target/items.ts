/**
 * The demo target's items: a fixed catalogue of a million items computed from their id (so every agent of a
 * cluster sees the same data without storing any), and a bounded store of items created through `POST /items`.
 */

export interface Item {
  id: number;
  name: string;
  /** In cents, so it survives JSON without rounding surprises. */
  priceCents: number;
  category: string;
  inStock: boolean;
  /** ISO timestamp; only created items have one. */
  createdAt?: string;
}

/** Ids 1..CATALOGUE_SIZE are the fixed catalogue; created items are numbered after it. */
export const CATALOGUE_SIZE = 1_000_000;

/** How many created items are kept: enough to read back what a test just wrote, bounded for long runs. */
export const DEFAULT_STORE_CAPACITY = 10_000;

/** Longest accepted `name`, so the store's size is bounded in bytes as well as in items. */
export const MAX_NAME_LENGTH = 200;

const CATEGORIES = ['books', 'garden', 'kitchen', 'music', 'outdoor', 'tools', 'toys'] as const;

/** Knuth's multiplicative hash: spreads consecutive ids so prices do not look sequential. */
function scramble(id: number): number {
  return Math.imul(id, 2654435761) >>> 0;
}

/** The catalogue item with this id, or undefined when the id is outside 1..CATALOGUE_SIZE. */
export function catalogueItem(id: number): Item | undefined {
  if (!Number.isInteger(id) || id < 1 || id > CATALOGUE_SIZE) return undefined;
  const h = scramble(id);
  return {
    id,
    name: `item-${id}`,
    priceCents: 100 + (h % 99_900),
    category: CATEGORIES[(h >>> 17) % CATEGORIES.length],
    inStock: h % 5 !== 0,
  };
}

/** What a client may set on a new item; everything else is chosen by the store. */
export interface NewItem {
  name: string;
  priceCents?: number;
  category?: string;
}

/**
 * Created items, newest last. A Map keeps insertion order, so evicting the oldest is deleting its first key:
 * O(1) per insert, no array shifting.
 */
export class ItemStore {
  private readonly items = new Map<number, Item>();
  private nextId = CATALOGUE_SIZE + 1;

  constructor(private readonly capacity = DEFAULT_STORE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`item store capacity must be a positive integer, got ${capacity}`);
  }

  add(fields: NewItem, now = new Date()): Item {
    const item: Item = {
      id: this.nextId++,
      name: fields.name,
      priceCents: fields.priceCents ?? 0,
      category: fields.category ?? 'misc',
      inStock: true,
      createdAt: now.toISOString(),
    };
    this.items.set(item.id, item);
    if (this.items.size > this.capacity) {
      const oldest = this.items.keys().next().value as number;
      this.items.delete(oldest);
    }
    return item;
  }

  /** A created item still held, or a catalogue item. */
  get(id: number): Item | undefined {
    return id > CATALOGUE_SIZE ? this.items.get(id) : catalogueItem(id);
  }

  get size(): number {
    return this.items.size;
  }
}

/**
 * Reads a `POST /items` body already parsed from JSON: the item's fields, or a sentence saying what is wrong.
 * Unknown fields are ignored rather than stored, so a client cannot grow the store with arbitrary payloads.
 */
export function parseNewItem(body: unknown): NewItem | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const { name, priceCents, category } = body as Record<string, unknown>;
  if (name === undefined) return 'missing "name"';
  if (typeof name !== 'string' || name.trim() === '') return '"name" must be a non-empty string';
  if (name.length > MAX_NAME_LENGTH) return `"name" must be at most ${MAX_NAME_LENGTH} characters`;
  const item: NewItem = { name };
  if (priceCents !== undefined) {
    if (typeof priceCents !== 'number' || !Number.isSafeInteger(priceCents) || priceCents < 0) {
      return '"priceCents" must be a non-negative integer';
    }
    item.priceCents = priceCents;
  }
  if (category !== undefined) {
    if (typeof category !== 'string' || category === '' || category.length > 50) return '"category" must be a string of 1..50 characters';
    item.category = category;
  }
  return item;
}
