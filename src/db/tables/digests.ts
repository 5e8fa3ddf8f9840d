// Tables of the digests slice.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DigestsTables {}
