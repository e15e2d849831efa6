/**
 * Index from a span id to the row holding it. Hashing strings is the largest cost of the
 * analysis (even V8's Map spends 20-60 ms on 100,000 fresh ids), so ids in OpenTelemetry's
 * form (lowercase hex, up to 16 digits: Tempo trimmed leading zeros before Grafana 13) are
 * parsed once into two 32-bit halves and indexed by number. The key includes the length, so
 * two ids are the same key exactly when they are the same string ('a' and '000a' differ, as
 * they do as strings). Any other id (uppercase, longer, not hex) goes to a string index,
 * made only when such an id appears; the two never hold the same string.
 */
export class SpanIdIndex {
  private readonly mask: number;
  /** Per slot, SLOT ints: row + 1 (0 = empty), high half, low half, length. One cache line per probe. */
  private readonly slots: Int32Array;
  private strings: StringIndex | undefined;
  /**
   * Halves of the id last accepted by `parse` ([high, low]): a typed array rather than two
   * fields, since int32 halves outgrow V8's small integers and retyping a field deoptimizes.
   */
  private readonly parsed = new Int32Array(2);

  constructor(
    private readonly capacity: number,
    private readonly keys: string[]
  ) {
    // At most 80% full: 131,072 slots (2 MB) for 100,000 spans rather than twice that. The
    // probes are cache misses in a table this size; a smaller one misses less often, and
    // linear probing at this load still finds most ids in the first slot or the next.
    let size = 16;
    while (size < capacity + (capacity >> 2)) {
      size *= 2;
    }
    this.mask = size - 1;
    this.slots = new Int32Array(size * SLOT);
  }

  /** The row holding `id`, or -1. */
  get(id: string): number {
    if (!this.parse(id)) {
      return this.strings ? this.strings.get(id) : -1;
    }
    return this.slots[this.probe(id.length)] - 1;
  }

  /** Indexes `row` under `keys[row]` unless a row already holds that id: then returns that row, else -1. */
  add(row: number): number {
    const id = this.keys[row];
    if (!this.parse(id)) {
      this.strings ??= new StringIndex(this.capacity, this.keys);
      return this.strings.add(row);
    }
    const { parsed, slots } = this;
    const at = this.probe(id.length);
    const held = slots[at] - 1;
    if (held < 0) {
      slots[at] = row + 1;
      slots[at + 1] = parsed[0];
      slots[at + 2] = parsed[1];
      slots[at + 3] = id.length;
    }
    return held;
  }

  /**
   * The offset in `slots` of the slot for the id last parsed (halves in `parsed`, `len`
   * digits): the slot holding it, or the empty slot where it belongs.
   */
  private probe(len: number): number {
    const { parsed, slots, mask } = this;
    const hi = parsed[0];
    const lo = parsed[1];
    for (let h = hashHalves(hi, lo, len) & mask; ; h = (h + 1) & mask) {
      const at = h * SLOT;
      if (slots[at] === 0 || (slots[at + 1] === hi && slots[at + 2] === lo && slots[at + 3] === len)) {
        return at;
      }
    }
  }

  /** Reads 1-16 lowercase hex digits into `parsed` (as one 64-bit number); false for any other string. */
  private parse(id: string): boolean {
    const len = id.length;
    if (len === 0 || len > 16) {
      return false;
    }
    // The last 8 digits make the low half, the ones before them the high half: two short
    // chains of shifts rather than one 64-bit shift per digit.
    const split = len > 8 ? len - 8 : 0;
    let hi = 0;
    for (let i = 0; i < split; i++) {
      const digit = hexDigit(id.charCodeAt(i));
      if (digit < 0) {
        return false;
      }
      hi = (hi << 4) | digit;
    }
    let lo = 0;
    for (let i = split; i < len; i++) {
      const digit = hexDigit(id.charCodeAt(i));
      if (digit < 0) {
        return false;
      }
      lo = (lo << 4) | digit;
    }
    this.parsed[0] = hi;
    this.parsed[1] = lo;
    return true;
  }
}

/** The value of a lowercase hex digit's character code, -1 for any other character. */
function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
}

/** Int32 values per slot of `SpanIdIndex`. */
const SLOT = 4;

/** Mixes both halves and the length, then murmur3's finalizer so sequential ids spread over the low bits. */
function hashHalves(hi: number, lo: number, len: number): number {
  let h = lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(len, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Open-addressing index from a string to the row holding it, keys read from `keys[row]`:
 * the fallback of `SpanIdIndex` for ids that are not short lowercase hex.
 */
class StringIndex {
  private readonly mask: number;
  private readonly slots: Int32Array;

  constructor(
    capacity: number,
    private readonly keys: string[]
  ) {
    let size = 16;
    while (size < capacity * 2) {
      size *= 2;
    }
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
  }

  /** The row holding `key`, or -1. */
  get(key: string): number {
    for (let h = hashString(key) & this.mask; ; h = (h + 1) & this.mask) {
      const row = this.slots[h];
      if (row < 0 || this.keys[row] === key) {
        return row;
      }
    }
  }

  /** Indexes `row` under `keys[row]` unless a row already holds that key: then returns that row, else -1. */
  add(row: number): number {
    const key = this.keys[row];
    for (let h = hashString(key) & this.mask; ; h = (h + 1) & this.mask) {
      const held = this.slots[h];
      if (held < 0) {
        this.slots[h] = row;
        return -1;
      }
      if (this.keys[held] === key) {
        return held;
      }
    }
  }
}

/** FNV-1a over UTF-16 code units, then a final mix so the low bits used as slots spread well. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}
