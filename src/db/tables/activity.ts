// Tables of the activity slice.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ActivityTables {}
