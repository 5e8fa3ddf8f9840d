// Which local days each member was active on, as a byte grid, and the counts the report takes from it (DAU, distinct members, churn look-backs): pure.

/** Bytes per member row are padded to a multiple of this, so rows can be read four bytes at a time. */
const ALIGN = 8;

/** The number of bytes set (each 0 or 1) in a 32-bit word of four. */
const bytesSet = (word: number) => (Math.imul(word & 0x01010101, 0x01010101) >>> 24) & 0xff;

/**
 * Which local days each member (by index) was active on, over [firstDay, lastDay]: a flat byte
 * grid, one row of `capacity` members per day, so the fold (an hour's records at a time) writes
 * within one small row instead of striding across all members.
 */
export class ActiveDays {
  /** data[(day - firstDay) * capacity + member] = 1 when active. */
  data: Uint8Array;
  private cap: number;
  readonly span: number;
  constructor(
    readonly firstDay: number,
    readonly lastDay: number,
    capacity = 1024,
  ) {
    this.span = Math.max(0, lastDay - firstDay + 1);
    this.cap = padded(Math.max(1, capacity));
    this.data = new Uint8Array(this.cap * this.span);
  }

  /** Members per day row (rows move when it grows). */
  get capacity(): number {
    return this.cap;
  }

  /** Makes room for members 0..member (before writing data directly). */
  ensure(member: number): void {
    if (member < this.cap) return;
    const old = this.cap;
    let cap = this.cap;
    while (member >= cap) cap *= 2;
    this.cap = padded(cap);
    const grown = new Uint8Array(this.cap * this.span);
    for (let d = 0; d < this.span; d++) grown.set(this.data.subarray(d * old, (d + 1) * old), d * this.cap);
    this.data = grown;
  }

  mark(member: number, day: number): void {
    if (day < this.firstDay || day > this.lastDay) return;
    this.ensure(member);
    this.data[(day - this.firstDay) * this.cap + member] = 1;
  }

  /** The day rows of [a, b] clipped to the grid, as [first, last] offsets (empty when first > last). */
  private rows(a: number, b: number): [number, number] {
    return [Math.max(a, this.firstDay) - this.firstDay, Math.min(b, this.lastDay) - this.firstDay];
  }

  /** A word view of day row r. */
  private words(r: number): Uint32Array {
    return new Uint32Array(this.data.buffer, this.data.byteOffset + r * this.cap, this.cap / 4);
  }

  /** Distinct active days of one member in [a, b]. */
  countIn(member: number, a: number, b: number): number {
    if (member >= this.cap) return 0;
    let n = 0;
    const [r0, r1] = this.rows(a, b);
    for (let r = r0; r <= r1; r++) n += this.data[r * this.cap + member]!;
    return n;
  }

  /**
   * Per member, the number of active days in [a, b] (bytes: at most 255 days). Rows are added
   * four members at a time: a byte never carries into the next one while the sum stays below 256.
   */
  daysIn(a: number, b: number): Uint8Array {
    const out = new Uint8Array(this.cap);
    const sum = new Uint32Array(out.buffer);
    const [r0, r1] = this.rows(a, b);
    if (r1 - r0 >= 255) throw new RangeError('daysIn counts at most 255 days');
    for (let r = r0; r <= r1; r++) {
      const row = this.words(r);
      for (let k = 0; k < row.length; k++) sum[k] = sum[k]! + row[k]!;
    }
    return out;
  }

  /** Per member, 1 when active on at least one day of [a, b]. */
  anyIn(a: number, b: number): Uint8Array {
    const out = new Uint8Array(this.cap);
    const any = new Uint32Array(out.buffer);
    const [r0, r1] = this.rows(a, b);
    for (let r = r0; r <= r1; r++) {
      const row = this.words(r);
      for (let k = 0; k < row.length; k++) any[k]! |= row[k]!;
    }
    return out;
  }

  /** Members active on at least one day of [a, b] (optionally among `among`). */
  distinctIn(a: number, b: number, among?: Iterable<number>): number {
    let n = 0;
    if (among) {
      for (const m of among) if (this.countIn(m, a, b) > 0) n++;
      return n;
    }
    const any = new Uint32Array(this.anyIn(a, b).buffer);
    for (let k = 0; k < any.length; k++) n += bytesSet(any[k]!);
    return n;
  }

  /** DAU(D) for each day of [a, b]. */
  perDay(a: number, b: number): number[] {
    const counts = new Array<number>(b - a + 1).fill(0);
    const [r0, r1] = this.rows(a, b);
    for (let r = r0; r <= r1; r++) {
      const row = this.words(r);
      let n = 0;
      for (let k = 0; k < row.length; k++) n += bytesSet(row[k]!);
      counts[r + this.firstDay - a] = n;
    }
    return counts;
  }
}

function padded(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
