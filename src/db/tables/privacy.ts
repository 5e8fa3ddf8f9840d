// Tables of the privacy slice: opt-outs whose deletion job has not finished.
export interface OptOutJobTable {
  guild_id: string;
  user_id: string;
  requested_at: number;
  /** The interaction token to tell the member when it is done (valid 15 minutes), or null. */
  notify_token: string | null;
  /** The Discord locale of that interaction: the language the member is told in. */
  notify_locale: string | null;
}

export interface PrivacyTables {
  privacy_opt_out_jobs: OptOutJobTable;
}
