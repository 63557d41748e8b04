import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { RookeryError } from '../../../agent/common/errors';
import {
  addHistogram,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  MAX_HISTOGRAM_VALUE,
  summarizeHistogram,
} from '../../../agent/metrics/histogram';

/** Relative error HDR guarantees with 3 significant digits. */
function assertWithin(actual: number, expected: number, relative = 1e-3): void {
  assert.ok(Math.abs(actual - expected) <= expected * relative, `${actual} not within ${relative * 100}% of ${expected}`);
}

/** ZigZag LEB128 as HdrHistogram's V2 payload uses it (7 bits a byte). */
function zigzag(n: number): number[] {
  let v = n >= 0 ? 2 * n : -2 * n - 1;
  const bytes: number[] = [];
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0);
  return bytes;
}

/** A hand-made encoded histogram, to feed the decoder exactly one kind of wrongness. */
function craft(options: { digits?: number; lowest?: number; highest?: number; counts: number[] }): string {
  const payload = Buffer.from(options.counts.flatMap(zigzag));
  const header = Buffer.alloc(40);
  header.writeUInt32BE(0x1c849313, 0);
  header.writeUInt32BE(payload.length, 4);
  header.writeUInt32BE(options.digits ?? 3, 12);
  header.writeBigUInt64BE(BigInt(options.lowest ?? 1), 16);
  header.writeBigUInt64BE(BigInt(options.highest ?? 2048), 24);
  header.writeBigUInt64BE(1n, 32);
  const compressed = deflateSync(Buffer.concat([header, payload]));
  const frame = Buffer.alloc(8);
  frame.writeUInt32BE(0x1c849314, 0);
  frame.writeUInt32BE(compressed.length, 4);
  return Buffer.concat([frame, compressed]).toString('base64');
}

function assertInvalid(encoded: unknown, pattern: RegExp): void {
  assert.throws(
    () => decodeHistogram(encoded),
    (error: unknown) => error instanceof RookeryError && /^invalid encoded histogram: /.test(error.message) && pattern.test(error.message),
  );
}

describe('histogram', () => {
  test('records, clamping negatives and NaN to 0, rounding fractions, clamping huge values', () => {
    const h = createHistogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(2.6);
    h.record(Number.POSITIVE_INFINITY);
    assert.equal(h.count, 4);
    assert.equal(h.min, 0);
    assert.equal(h.percentile(50), 0);
    assert.equal(h.percentile(75), 3);
    assertWithin(h.max, MAX_HISTOGRAM_VALUE);
  });

  test('an empty histogram reads as zeros and survives a round trip', () => {
    const h = createHistogram();
    assert.deepEqual(summarizeHistogram(h), { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 });
    const back = decodeHistogram(h.encode());
    assert.equal(back.count, 0);
    assert.equal(back.max, 0);
  });

  test('encode/decode round trip keeps every figure', () => {
    const h = createHistogram();
    for (const v of [0, 1, 7, 999, 2047, 2048, 5000, 123_456, 9_876_543, 60_000_000]) h.record(v);
    for (let i = 0; i < 1000; i++) h.record(i * 37);
    const encoded = encodeHistogram(h);
    assert.match(encoded, /^[A-Za-z0-9+/]+={0,2}$/);
    const back = decodeHistogram(encoded);
    assert.deepEqual(summarizeHistogram(back), summarizeHistogram(h));
    for (const q of [0, 10, 33.3, 50, 75, 99, 99.99, 100]) assert.equal(back.percentile(q), h.percentile(q));
    // Re-encoding may size the header differently (decoded histograms grow as needed), never the counts.
    assert.deepEqual(summarizeHistogram(decodeHistogram(back.encode())), summarizeHistogram(h));
  });

  test('percentiles of 1..100000 are within 3 significant digits', () => {
    const h = createHistogram();
    for (let v = 1; v <= 100_000; v++) h.record(v);
    const s = summarizeHistogram(h);
    assert.equal(s.count, 100_000);
    assert.equal(s.min, 1);
    assertWithin(s.mean, 50_000.5);
    assertWithin(s.p50, 50_000);
    assertWithin(s.p90, 90_000);
    assertWithin(s.p95, 95_000);
    assertWithin(s.p99, 99_000);
    assertWithin(s.p999, 99_900);
    assertWithin(s.max, 100_000);
    // Values below 2048 are exact.
    assert.equal(h.percentile(1), 1000);
  });

  test('add merges exactly, also into a decoded histogram that must grow', () => {
    const a = createHistogram();
    const b = createHistogram();
    const all = createHistogram();
    for (let i = 1; i <= 500; i++) {
      a.record(i);
      all.record(i);
    }
    for (let i = 1; i <= 500; i++) {
      b.record(i * 100_000);
      all.record(i * 100_000);
    }
    const target = decodeHistogram(a.encode()); // sized for values up to ~2048 only
    assert.equal(addHistogram(target, b), target);
    assert.deepEqual(summarizeHistogram(target), summarizeHistogram(all));
    target.record(10 ** 12); // decoded histograms still auto-resize
    assert.equal(target.count, 1001);
  });

  test('reset empties the histogram', () => {
    const h = createHistogram();
    h.record(10);
    h.reset();
    assert.equal(h.count, 0);
    assert.equal(h.max, 0);
  });

  test('percentile rejects arguments outside 0..100', () => {
    const h = createHistogram();
    assert.throws(() => h.percentile(101), RangeError);
    assert.throws(() => h.percentile(-1), RangeError);
    assert.throws(() => h.percentile(Number.NaN), RangeError);
  });

  test('decoding garbage throws a clear RookeryError', () => {
    assertInvalid(undefined, /expected a base64 string, got undefined/);
    assertInvalid(42, /got number/);
    assertInvalid('', /empty/);
    assertInvalid('abc', /not base64/);
    assertInvalid('!!!!', /not base64|cookie/); // no character check: refused by what it decodes to
    assertInvalid(Buffer.from('garbage data, not a histogram').toString('base64'), /cookie/);
    const valid = createHistogram();
    valid.record(1234);
    const encoded = valid.encode();
    assertInvalid(encoded.slice(0, 24), /truncated|inflate/);
    const flipped = Buffer.from(encoded, 'base64');
    flipped[flipped.length - 3] ^= 0xff;
    assertInvalid(flipped.toString('base64'), /inflate/);
  });

  test('decoding rejects crafted histograms before the library allocates or loops on them', () => {
    assert.equal(decodeHistogram(craft({ counts: [0, 2, -3, 5] })).count, 7); // the crafting itself is right
    assertInvalid(craft({ digits: 9, counts: [1] }), /9 significant digits/);
    assertInvalid(craft({ lowest: 0, counts: [1] }), /lowest discernible value 0/);
    assertInvalid(craft({ highest: 2 ** 60, counts: [1] }), /highest trackable value/);
    assertInvalid(craft({ counts: [-(2 ** 40), 1] }), /more than \d+ buckets/);
    assertInvalid(craft({ counts: [2 ** 33] }), /exceeds 32 bits/);
    assertInvalid(craft({ counts: [-100_000, 1] }), /outside the declared value range/);
  });
});

test('a histogram that grew within its first buckets (values up to twice the initial range) round-trips', () => {
  const h = createHistogram();
  for (const v of [1, 2047, 2048, 3000, 4095]) h.record(v);
  const back = decodeHistogram(h.encode());
  assert.deepEqual(summarizeHistogram(back), summarizeHistogram(h));
  const merged = createHistogram();
  merged.add(back);
  merged.record(4000);
  assert.equal(decodeHistogram(merged.encode()).count, 6);
});
