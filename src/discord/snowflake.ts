// Discord's ids (snowflakes) carry the instant they were made: ms since Discord's epoch, shifted left 22 bits.

const DISCORD_EPOCH = 1_420_070_400_000n;

/** The instant a snowflake was made (epoch ms); NaN for anything that is not one. */
export function snowflakeTime(id: string): number {
  if (!/^\d{1,20}$/.test(id)) return Number.NaN;
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** The greatest snowflake made before `ms` (for `after`: every message made at `ms` or later comes after it). */
export function snowflakeBefore(ms: number): string {
  const id = (BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH) << 22n;
  return (id > 0n ? id - 1n : 0n).toString();
}
