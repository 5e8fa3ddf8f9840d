// A map from Discord ids (snowflakes: 1-20 digits) to small integers, for the writer's rollup
// numbers (a guild's ~50,000 members and channels, looked up once or twice per stored event). A
// snowflake is kept as two numbers (its digits before and in its last ten, and its length) in an
// open-addressing table: a lookup reads the id's digits and, usually, one slot, where a Map of
// strings hashed each new id string and compared it with the key's characters in memory of its
// own (~10% of `pulse replay`'s storing thread). Any other key (a forgotten member's placeholder,
// `~n`) goes to a Map. Pure.

/** The last key's two numbers (set by split: no array per lookup). */
let keyHigh = 0;
let keyLow = 0;

/**
 * Splits a snowflake into keyHigh (its digits before the last ten, plus its length times 10^10:
 * "0123" and "123" differ) and keyLow (its last ten digits), both exact; false for anything else.
 */
function split(id: string): boolean {
  return splitAt(id, 0, id.length);
}

/** split() of text[start, end). */
function splitAt(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 1 || length > 20) return false;
  const cut = length > 10 ? end - 10 : start;
  let high = 0;
  let low = 0;
  for (let i = start; i < cut; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    high = high * 10 + d;
  }
  for (let i = cut; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    low = low * 10 + d;
  }
  keyHigh = high + length * 1e10;
  keyLow = low;
  return true;
}

/** A slot for the key's two numbers (a 32-bit mix of them). */
function hash(high: number, low: number): number {
  const h = Math.imul((low >>> 0) ^ Math.imul((low / 4294967296) | 0, 0x27d4eb2f) ^ Math.imul(high >>> 0, 0x165667b1), 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** Slots: [high, low, value + 1] (0: empty). Grows past 3/4 full. */
const STRIDE = 3;
const FIRST_CAPACITY = 64;

export class SnowflakeMap {
  private slots = new Float64Array(FIRST_CAPACITY * STRIDE);
  private mask = FIRST_CAPACITY - 1;
  private count = 0;
  private readonly others = new Map<string, number>();

  get size(): number {
    return this.count + this.others.size;
  }

  get(id: string): number | undefined {
    if (!split(id)) return this.others.get(id);
    const slots = this.slots;
    for (let i = hash(keyHigh, keyLow) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const value = slots[at + 2]!;
      if (value === 0) return undefined;
      if (slots[at] === keyHigh && slots[at + 1] === keyLow) return value - 1;
    }
  }

  set(id: string, value: number): this {
    if (!split(id)) {
      this.others.set(id, value);
      return this;
    }
    this.add(keyHigh, keyLow, value);
    return this;
  }

  /**
   * Adds the `count` ids of a list separated by single spaces, valued `first`, `first + 1`, ... in
   * order, and returns how many it found (the store reads a guild's ~50,000 numbers as one string:
   * no string or array per id, and the table sized once). Ids never hold a space.
   */
  addList(list: string, first: number, count: number): number {
    if (list.length === 0) return 0;
    this.reserve(this.count + count);
    let n = 0;
    for (let at = 0; at <= list.length; n++) {
      let end = list.indexOf(' ', at);
      if (end < 0) end = list.length;
      if (splitAt(list, at, end)) this.add(keyHigh, keyLow, first + n);
      else this.others.set(list.slice(at, end), first + n);
      at = end + 1;
    }
    return n;
  }

  /** Room for `count` ids without growing (past 3/4 full it grows). */
  private reserve(count: number): void {
    while (count * 4 > (this.mask + 1) * 3) this.grow();
  }

  /** Puts a snowflake's two numbers, with room for one more first. */
  private add(high: number, low: number, value: number): void {
    this.reserve(this.count + 1);
    this.put(high, low, value);
  }

  delete(id: string): boolean {
    if (!split(id)) return this.others.delete(id);
    const slots = this.slots;
    let i = hash(keyHigh, keyLow) & this.mask;
    for (; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      if (slots[at + 2] === 0) return false;
      if (slots[at] === keyHigh && slots[at + 1] === keyLow) break;
    }
    // Backward shift: each later slot of the run moves into the hole if its home is not between.
    for (let j = (i + 1) & this.mask; slots[j * STRIDE + 2] !== 0; j = (j + 1) & this.mask) {
      const home = hash(slots[j * STRIDE]!, slots[j * STRIDE + 1]!) & this.mask;
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (between) continue;
      slots.copyWithin(i * STRIDE, j * STRIDE, j * STRIDE + STRIDE);
      i = j;
    }
    slots.fill(0, i * STRIDE, i * STRIDE + STRIDE);
    this.count--;
    return true;
  }

  private put(high: number, low: number, value: number): void {
    const slots = this.slots;
    for (let i = hash(high, low) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      if (slots[at + 2] === 0) {
        slots[at] = high;
        slots[at + 1] = low;
        slots[at + 2] = value + 1;
        this.count++;
        return;
      }
      if (slots[at] === high && slots[at + 1] === low) {
        slots[at + 2] = value + 1;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.mask = (this.mask + 1) * 2 - 1;
    this.count = 0;
    for (let at = 0; at < old.length; at += STRIDE) if (old[at + 2] !== 0) this.put(old[at]!, old[at + 1]!, old[at + 2]! - 1);
  }
}
