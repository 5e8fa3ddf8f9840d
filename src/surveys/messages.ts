// The surveys service's user-visible text, in one place (refusals and the reminder DM).
export const MSG = {
  noSurvey: (id: number) => `There is no survey #${id} in this server. Start typing in the \`survey\` option to pick one.`,
  notOpen: 'This survey is not open yet.',
  opensLater: (at: number) => `This survey opens <t:${Math.floor(at / 1000)}:f>. Come back then!`,
  closed: 'This survey is closed, so it no longer takes answers.',
  wrongRole: (roleId: string) => `This survey is only for members with the <@&${roleId}> role.`,
  answered: 'You have already answered this survey. Thank you!',
  answeredLocked: 'You have already answered this survey, and its answers cannot be changed.',
  noDraft: 'You have no answers in progress for this survey. Click “Take the survey” on its message to start.',
  missing: (labels: string[]) => `Some required questions have no answer yet: ${labels.map((l) => `“${l}”`).join(', ')}. Continue to answer them, then submit.`,
  badPage: 'That page is not part of the survey any more. Click “Take the survey” again.',
  alreadyOpen: (id: number) => `Survey #${id} has already been started. Create a new one to run it again.`,
  alreadyClosed: (id: number) => `Survey #${id} is already closed.`,
  reminder: (title: string, link: string) => `You started the survey **${title}** but did not submit it. Your answers are saved: open ${link} and click “Take the survey” to finish. (This is the only reminder.)`,
} as const;
