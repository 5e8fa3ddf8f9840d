// The rollups' units and shapes: per member, UTC hour and channel (packed in hour-records.ts),
// and per guild and UTC quarter-hour (event counts). Pure.
export const HOUR = 3_600_000;
export const QUARTER = 900_000;

export interface QuarterRow {
  guildId: string;
  bucket: number; // floor(ms / QUARTER)
  messages: number;
  reactions: number;
  threads: number;
}

export type RollupKind = 'message' | 'reaction' | 'thread';
