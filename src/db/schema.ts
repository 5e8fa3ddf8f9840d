// The database's type: every slice's tables, for kysely.
import type { Kysely, Transaction } from 'kysely';
import type { ActivityTables } from './tables/activity.js';
import type { CoreTables } from './tables/core.js';
import type { DigestsTables } from './tables/digests.js';
import type { FeedbackTables } from './tables/feedback.js';
import type { FlagsTables } from './tables/flags.js';
import type { PollsTables } from './tables/polls.js';
import type { PrivacyTables } from './tables/privacy.js';
import type { SurveysTables } from './tables/surveys.js';

export interface DB extends CoreTables, ActivityTables, PollsTables, FlagsTables, DigestsTables, SurveysTables, FeedbackTables, PrivacyTables {}

/** What every store function takes first: the database or a transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;
