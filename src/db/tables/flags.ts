// Tables of the flags slice.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FlagsTables {}
