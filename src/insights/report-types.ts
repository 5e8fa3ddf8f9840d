// The report of docs/metrics.md ("pulse.report.v1"), as the JSON `report --json` prints.

export interface DayCount {
  date: string; // YYYY-MM-DD, local to the report's time zone
  count: number;
}

export interface Report {
  schema: 'pulse.report.v1';
  guild_id: string;
  timezone: string;
  period: { from: string; to: string };
  as_of: string; // ISO instant
  members: { joined: number; left: number; net: number };
  new_members: {
    cohort: number;
    activated: number;
    pending: number;
    retained_week1: number;
    activation_rate: number;
    week1_retention: number;
  };
  activity: {
    messages: number;
    reactions: number;
    threads_created: number;
    voice_minutes: number;
    active_members: number;
    dau: DayCount[];
    dau_avg: number;
    wau_end: number;
    mau_end: number;
    stickiness: number;
    reactions_per_message: number;
  };
  /** 7 rows, Monday first, of 24 message counts by local hour. */
  hour_of_week: number[][];
  top_contributors: Array<{ user_id: string; messages: number }>;
  top_channels: Array<{ channel_id: string; messages: number; active_members: number }>;
  cohorts: Array<{ week_start: string; size: number; active_by_week: Array<number | null> }>;
  churn_risk: { count: number; user_ids: string[] };
  flags: {
    reactions: number;
    messages_flagged: number;
    flaggers: number;
    reached_threshold: number;
    resolved: number;
    actioned: number;
    dismissed: number;
    median_minutes_to_resolution: number | null;
  };
  /** Surveys open at some time in the period (docs/metrics.md): always set by computeReport. */
  surveys?: Array<{ id: string; title: string; responses: number; nps: number | null; csat: number | null }>;
  /** Extra key (allowed by docs/metrics.md): spans when the bot was not listening, overlapping the period. */
  gaps?: Array<{ from: string; to: string }>;
}
