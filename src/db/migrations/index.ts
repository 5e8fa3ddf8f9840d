// The numbered migrations, in order. Never edit one that has shipped; add the next number.
import type { Migration } from 'kysely';
import * as m0001 from './0001-core.js';
import * as m0002 from './0002-activity.js';
import * as m0003 from './0003-polls.js';
import * as m0004 from './0004-flags.js';
import * as m0005 from './0005-digests.js';
import * as m0006 from './0006-surveys.js';
import * as m0007 from './0007-feedback.js';
import * as m0008 from './0008-privacy-jobs.js';
import * as m0010 from './0010-language.js';
import * as m0011 from './0011-poll-shown.js';
import * as m0012 from './0012-live-shown.js';
import * as m0013 from './0013-member-totals.js';
import * as m0014 from './0014-count-batches.js';
import * as m0015 from './0015-member-totals-by-number.js';
import * as m0016 from './0016-hours-by-rowid.js';
import * as m0017 from './0017-non-members.js';
import * as m0018 from './0018-poll-final-shown.js';
import * as m0019 from './0019-survey-cards.js';
import * as m0020 from './0020-flag-case-steps.js';
import * as m0021 from './0021-feedback-steps.js';
import * as m0022 from './0022-survey-one-draft.js';
import * as m0023 from './0023-guild-gaps.js';
import * as m0024 from './0024-flag-case-shown.js';
import * as m0025 from './0025-schedule-zone.js';
import * as m0026 from './0026-guild-removed.js';
import * as m0027 from './0027-digest-pause-reason.js';
import * as m0028 from './0028-feedback-daily-limit.js';
import * as m0029 from './0029-timezone-chosen.js';
import * as m0030 from './0030-anonymous-renumber.js';
import * as m0031 from './0031-survey-answered-marks.js';

export const migrations: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-activity': m0002,
  '0003-polls': m0003,
  '0004-flags': m0004,
  '0005-digests': m0005,
  '0006-surveys': m0006,
  '0007-feedback': m0007,
  '0008-privacy-jobs': m0008,
  '0010-language': m0010,
  '0011-poll-shown': m0011,
  '0012-live-shown': m0012,
  '0013-member-totals': m0013,
  '0014-count-batches': m0014,
  '0015-member-totals-by-number': m0015,
  '0016-hours-by-rowid': m0016,
  '0017-non-members': m0017,
  '0018-poll-final-shown': m0018,
  '0019-survey-cards': m0019,
  '0020-flag-case-steps': m0020,
  '0021-feedback-steps': m0021,
  '0022-survey-one-draft': m0022,
  '0023-guild-gaps': m0023,
  '0024-flag-case-shown': m0024,
  '0025-schedule-zone': m0025,
  '0026-guild-removed': m0026,
  '0027-digest-pause-reason': m0027,
  '0028-feedback-daily-limit': m0028,
  '0029-timezone-chosen': m0029,
  '0030-anonymous-renumber': m0030,
  '0031-survey-answered-marks': m0031,
};
