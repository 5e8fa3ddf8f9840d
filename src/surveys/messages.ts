// The surveys service's refusals and reminder DM, as catalogue messages rendered in the reader's language.
import { msg } from '../i18n/index.js';
import { discordTime } from '../text.js';

export const MSG = {
  noSurvey: (id: number) => msg('surveys.error.noSurvey', { id }),
  // A member's button or form on a survey deleted since: nothing of it is left to answer.
  surveyDeleted: msg('surveys.error.surveyDeleted'),
  notOpen: msg('surveys.error.notOpen'),
  opensLater: (at: number) => msg('surveys.error.opensLater', { when: discordTime(at, 'f') }),
  closed: msg('surveys.error.closed'),
  wrongRole: (roleId: string) => msg('surveys.error.wrongRole', { role: roleId }),
  roleDeleted: (id: number) => msg('surveys.error.roleDeleted', { id }),
  answeredLocked: msg('surveys.error.answeredLocked'),
  // Answered, then opted out of Pulse: the answer went, the survey still takes one per member.
  answeredOptedOut: msg('surveys.error.answeredOptedOut'),
  alreadySubmitted: msg('surveys.error.alreadySubmitted'),
  noDraft: msg('surveys.error.noDraft'),
  // Each label quoted and the whole listed as the reader's language writes them: “A” and “B”, «A» y «B».
  missing: (labels: string[]) => msg('surveys.error.missing', { labels: labels.map((label) => msg('surveys.error.missingLabel', { label })) }),
  badPage: msg('surveys.error.badPage'),
  cantSee: msg('surveys.error.cantSee'),
  wrongMessage: msg('surveys.error.wrongMessage'),
  alreadyOpen: (id: number) => msg('surveys.error.alreadyOpen', { id }),
  alreadyClosed: (id: number) => msg('surveys.error.alreadyClosed', { id }),
  reminder: (title: string, link: string) => msg('surveys.reminder', { title, link }),
  cardFailed: (id: number, title: string, channel: string, reason: string) => msg('surveys.notice.cardFailed', { id, title, channel, reason }),
  schedulePaused: (source: number) => msg('surveys.notice.schedulePaused', { source }),
} as const;
