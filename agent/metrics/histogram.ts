/**
 * Rookery's HDR histogram: the only module that imports hdr-histogram-js. It hides the library behind a small
 * interface (record, add, percentile, encode/decode) so the rest of the engine never depends on its types.
 *
 * Trade-offs:
 * - Plain JS implementation with 32-bit counts (no WASM: nothing to `destroy()`, works in every worker thread).
 *   3 significant digits; values are integers (µs for latencies), auto-resizing up to Number.MAX_SAFE_INTEGER.
 * - min/max are read as the 0th/100th percentile (lowest/highest equivalent value of their bucket) rather than the
 *   library's exact `maxValue`: a decoded histogram only knows buckets, and a live histogram must report the same
 *   figures as its own encoding, or merged results would differ from local ones.
 * - Decoding takes untrusted input (snapshots from other processes and agents). The library trusts its input and
 *   can allocate or loop without bound on a crafted one, so `decodeHistogram` checks the framing, the header and
 *   every count before handing the string to it, and throws a RookeryError naming what is wrong.
 */
import { inflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import { RookeryError } from '../common/errors';
import type { EncodedHistogram } from '../protocol/snapshot';
import type { HistogramStats } from '../protocol/summary';

/** Values above this are recorded as this (the library's own ceiling). */
export const MAX_HISTOGRAM_VALUE = Number.MAX_SAFE_INTEGER;

/** A histogram of non-negative integers. Create with `createHistogram` or `decodeHistogram`. */
export interface HdrHistogram {
  /** Records one value: negatives (and NaN) count as 0, fractions are rounded, huge values clamped. */
  record(value: number): void;
  /** Adds every count of `other` to this one (exact merge). */
  add(other: HdrHistogram): void;
  /** Adds every count of an already validated encoded histogram (see `parseEncodedHistogram`): exact, no copy. */
  addParsed(other: ParsedHistogram): void;
  /** The value at `percent` (0..100): at least that share of recorded values are <= it. 0 when empty. */
  percentile(percent: number): number;
  readonly count: number;
  /** 0 when empty. */
  readonly min: number;
  /** 0 when empty. */
  readonly max: number;
  /** 0 when empty. */
  readonly mean: number;
  reset(): void;
  encode(): EncodedHistogram;
}

const BUILD_REQUEST: hdr.BuildRequest = {
  bitBucketSize: 32,
  numberOfSignificantValueDigits: 3,
  autoResize: true,
  lowestDiscernibleValue: 1,
  // Small to start with (a few KB); auto-resize grows it to the largest value recorded.
  highestTrackableValue: 2048,
  useWebAssembly: false,
};

class JsHdrHistogram implements HdrHistogram {
  constructor(readonly inner: hdr.Histogram) {}

  record(value: number): void {
    // `value > 0` is false for NaN too: a broken timing is recorded as 0 rather than poisoning the histogram.
    this.inner.recordValue(value > 0 ? (value < MAX_HISTOGRAM_VALUE ? Math.round(value) : MAX_HISTOGRAM_VALUE) : 0);
  }

  add(other: HdrHistogram): void {
    this.inner.add(unwrap(other));
  }

  addParsed(other: ParsedHistogram): void {
    const n = other.indexes.length;
    if (n === 0) return;
    const inner = this.inner as unknown as LibraryInternals;
    if (other.layout.half !== inner.subBucketHalfCountMagnitude || other.layout.unit !== inner.unitMagnitude) {
      // Another layout (not written by Rookery): place each bucket by value.
      for (let i = 0; i < n; i++) this.inner.recordValueWithCount(valueAt(other.layout, other.indexes[i]), other.counts[i]);
      return;
    }
    // Same layout: counts-array indexes mean the same values, so add by index as the library's own add() does
    // for histograms of one layout, without computing a bucket per value.
    const maxValue = valueAt(other.layout, other.indexes[n - 1]);
    if (other.indexes[n - 1] >= inner.countsArrayLength) {
      // As the library's recordValue does when it grows: resize, then the header's highest value follows the array.
      inner.resize(maxValue);
      inner.highestTrackableValue = inner.highestEquivalentValue(valueAt(other.layout, inner.countsArrayLength - 1));
    }
    for (let i = 0; i < n; i++) inner.addToCountAtIndex(other.indexes[i], other.counts[i]);
    inner.setTotalCount(inner.totalCount + other.count);
    if (maxValue > inner.maxValue) inner.updatedMaxValue(maxValue);
    const minValue = valueAt(other.layout, other.indexes[0]);
    if (minValue !== 0 && minValue < inner.minNonZeroValue) inner.updateMinNonZeroValue(minValue);
  }

  percentile(percent: number): number {
    if (!(percent >= 0 && percent <= 100)) {
      throw new RangeError(`percentile must be between 0 and 100, got ${percent}`);
    }
    return this.inner.totalCount === 0 ? 0 : this.inner.getValueAtPercentile(percent);
  }

  get count(): number {
    return this.inner.totalCount;
  }

  get min(): number {
    return this.percentile(0);
  }

  get max(): number {
    return this.percentile(100);
  }

  get mean(): number {
    return this.inner.totalCount === 0 ? 0 : this.inner.mean;
  }

  reset(): void {
    this.inner.reset();
  }

  encode(): EncodedHistogram {
    return hdr.encodeIntoCompressedBase64(this.inner);
  }
}

/** The parts of hdr-histogram-js's JsHistogram (v3) that adding by index needs; checked by the merge tests. */
interface LibraryInternals {
  subBucketHalfCountMagnitude: number;
  unitMagnitude: number;
  countsArrayLength: number;
  highestTrackableValue: number;
  totalCount: number;
  maxValue: number;
  minNonZeroValue: number;
  resize(newHighestTrackableValue: number): void;
  addToCountAtIndex(index: number, count: number): void;
  setTotalCount(count: number): void;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
  highestEquivalentValue(value: number): number;
}

function unwrap(histogram: HdrHistogram): hdr.Histogram {
  if (!(histogram instanceof JsHdrHistogram)) {
    throw new RookeryError('ROOKERY_INTERNAL', 'not a histogram made by createHistogram() or decodeHistogram()');
  }
  return histogram.inner;
}

export function createHistogram(): HdrHistogram {
  return new JsHdrHistogram(hdr.build(BUILD_REQUEST));
}

export function encodeHistogram(histogram: HdrHistogram): EncodedHistogram {
  return histogram.encode();
}

/** Adds `other` into `target` exactly; returns `target`. */
export function addHistogram(target: HdrHistogram, other: HdrHistogram): HdrHistogram {
  target.add(other);
  return target;
}

/** Decodes an encoded histogram; throws a RookeryError saying what is wrong when it is not a valid one. */
export function decodeHistogram(encoded: unknown): HdrHistogram {
  const histogram = createHistogram();
  histogram.addParsed(parseEncodedHistogram(encoded));
  return histogram;
}

/** count, min, mean, p50, p90, p95, p99, p99.9 and max, in the recorded unit. */
export function summarizeHistogram(histogram: HdrHistogram): HistogramStats {
  return {
    count: histogram.count,
    min: histogram.min,
    mean: histogram.mean,
    p50: histogram.percentile(50),
    p90: histogram.percentile(90),
    p95: histogram.percentile(95),
    p99: histogram.percentile(99),
    p999: histogram.percentile(99.9),
    max: histogram.max,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation of the encoded form (HdrHistogram V2 compressed encoding):
//
//   base64( cookie:u32 | deflatedLength:u32 | zlib( cookie:u32 | payloadLength:u32 | normalizingOffset:u32 |
//           significantDigits:u32 | lowestDiscernible:u64 | highestTrackable:u64 | conversionRatio:f64 |
//           payload: ZigZag LEB128 counts, a negative n meaning n empty buckets ) )
//
// all big-endian. The bounds below are far above anything our own histograms produce.

const COMPRESSED_COOKIE_BASE = 0x1c849304;
const COOKIE_BASE = 0x1c849303;
const HEADER_BYTES = 40;
const MAX_ENCODED_CHARS = 8 * 1024 * 1024;
const MAX_DECODED_BYTES = 16 * 1024 * 1024;
/** Bucket slots a payload may cover: 3 digits up to 2^53 need ~45 000; 5 digits ~5 million. */
const MAX_SLOTS = 1 << 23;
const MAX_BUCKET_COUNT = 0xffffffff; // 32-bit buckets

function invalidHistogram(reason: string, cause?: unknown): RookeryError {
  return new RookeryError('ROOKERY_INTERNAL', `invalid encoded histogram: ${reason}`, {
    hint: 'the snapshot was corrupted or made by an incompatible Rookery version',
    cause,
  });
}

function readU64(buffer: Buffer, offset: number): number {
  return buffer.readUInt32BE(offset) * 2 ** 32 + buffer.readUInt32BE(offset + 4);
}

/**
 * A validated encoded histogram: inflated once, every count checked, ready to be added into any histogram
 * without building an intermediate one. Decoding the library's way allocated a full counts array per histogram,
 * which made merging 2,000 snapshots' histograms a second cost a third of a core; this walks the non-empty
 * buckets only. Opaque outside this module.
 */
export interface ParsedHistogram {
  readonly count: number;
  /** @internal Bucket layout: the sub-bucket half-count magnitude and the unit magnitude. */
  readonly layout: { half: number; unit: number };
  /** @internal Non-empty buckets: counts-array index and count, in index order. */
  readonly indexes: Uint32Array;
  readonly counts: Float64Array;
}

/** Validates an encoded histogram and returns it parsed; throws a RookeryError saying what is wrong. */
export function parseEncodedHistogram(encoded: unknown): ParsedHistogram {
  if (typeof encoded !== 'string') throw invalidHistogram(`expected a base64 string, got ${typeof encoded}`);
  if (encoded.length === 0) throw invalidHistogram('empty string');
  if (encoded.length > MAX_ENCODED_CHARS) throw invalidHistogram(`${encoded.length} characters (max ${MAX_ENCODED_CHARS})`);
  // No character check: it cost more than the decoding. Non-base64 text cannot produce the cookie, the deflate
  // stream and the payload checks below all at once, so garbage is still refused.
  if (encoded.length % 4 !== 0) throw invalidHistogram('not base64');
  const framed = Buffer.from(encoded, 'base64');
  if (framed.length < 8 || (framed.readUInt32BE(0) & ~0xf0) !== COMPRESSED_COOKIE_BASE) {
    throw invalidHistogram('no HdrHistogram V2 compressed cookie');
  }
  const compressedLength = framed.readUInt32BE(4);
  if (compressedLength > framed.length - 8) throw invalidHistogram('truncated compressed contents');
  let raw: Buffer;
  try {
    raw = inflateSync(framed.subarray(8, 8 + compressedLength), { maxOutputLength: MAX_DECODED_BYTES });
  } catch (error) {
    throw invalidHistogram(`cannot inflate (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (raw.length < HEADER_BYTES || (raw.readUInt32BE(0) & ~0xf0) !== COOKIE_BASE) {
    throw invalidHistogram('no HdrHistogram V2 header');
  }
  const payloadLength = raw.readUInt32BE(4);
  const digits = raw.readUInt32BE(12);
  const lowest = readU64(raw, 16);
  const highest = readU64(raw, 24);
  if (payloadLength > raw.length - HEADER_BYTES) throw invalidHistogram('truncated payload');
  if (digits > 5) throw invalidHistogram(`${digits} significant digits (max 5)`);
  if (lowest < 1 || lowest > MAX_HISTOGRAM_VALUE / 2) throw invalidHistogram(`lowest discernible value ${lowest}`);
  if (highest < 2 * lowest || highest > MAX_HISTOGRAM_VALUE) throw invalidHistogram(`highest trackable value ${highest}`);
  // The bucket layout, as HdrHistogram derives it from the significant digits and the lowest value.
  const layout = { half: Math.max(Math.ceil(Math.log2(2 * 10 ** digits)), 1) - 1, unit: Math.floor(Math.log2(lowest)) };
  const { indexes, counts, total } = readBuckets(raw.subarray(HEADER_BYTES, HEADER_BYTES + payloadLength));
  // The library sizes its counts array to whole buckets, so values up to twice the declared highest fit.
  if (indexes.length > 0 && valueAt(layout, indexes[indexes.length - 1]) >= 2 * highest) {
    throw invalidHistogram(`counts outside the declared value range (a bucket at or above twice ${highest})`);
  }
  return { count: total, layout, indexes, counts };
}

/** The lowest value of bucket `index` (recording it lands in that bucket of any histogram with the same layout). */
function valueAt(layout: ParsedHistogram['layout'], index: number): number {
  const halfCount = 2 ** layout.half;
  let bucket = Math.floor(index / halfCount) - 1;
  let subBucket = (index % halfCount) + halfCount;
  if (bucket < 0) {
    subBucket -= halfCount;
    bucket = 0;
  }
  return subBucket * 2 ** (bucket + layout.unit);
}

/**
 * Reads the payload's counts — the library's ZigZag LEB128 variant (9 bytes at most, 7 bits a byte), a negative
 * count being a run of empty buckets — into arrays of non-empty buckets, checking each.
 */
function readBuckets(raw: Buffer): { indexes: Uint32Array; counts: Float64Array; total: number } {
  // Every non-empty bucket takes at least one byte of payload: one allocation of that size is enough.
  const indexes = new Uint32Array(raw.length);
  const counts = new Float64Array(raw.length);
  let n = 0;
  let total = 0;
  let position = 0;
  let index = 0;
  const end = raw.length;
  while (position < end) {
    let byte = raw[position++];
    let value = byte & 0x7f;
    if (byte & 0x80) {
      let scale = 128;
      for (let i = 1; ; i++) {
        if (position >= end) throw invalidHistogram('truncated count');
        byte = raw[position++];
        value += (i === 8 ? byte : byte & 0x7f) * scale;
        scale *= 128;
        if ((byte & 0x80) === 0 || i === 8) break;
      }
    }
    const count = value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    if (count < 0) {
      index -= count;
      if (index > MAX_SLOTS) throw invalidHistogram(`more than ${MAX_SLOTS} buckets`);
      continue;
    }
    if (count > MAX_BUCKET_COUNT) throw invalidHistogram(`bucket count ${count} exceeds 32 bits`);
    if (count > 0) {
      indexes[n] = index;
      counts[n++] = count;
      total += count;
    }
    if (++index > MAX_SLOTS) throw invalidHistogram(`more than ${MAX_SLOTS} buckets`);
  }
  return { indexes: indexes.subarray(0, n), counts: counts.subarray(0, n), total };
}
