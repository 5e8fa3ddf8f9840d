// What several polls tests share: a poll as the pure rules see it, and a poll's message in the fake Discord.
import type { APIMessage } from 'discord-api-types/v10';
import type { Poll } from '../../src/polls/poll.js';
import type { TestBot } from '../support/bot.js';

export const NOW = Date.parse('2026-11-02T12:00:00Z');

/** An open single-choice poll of three choices, created a second before NOW and due a minute after. */
export function poll(over: Partial<Poll> = {}): Poll {
  return {
    id: 1,
    guildId: 'g',
    channelId: 'c',
    messageId: 'm',
    authorId: 'a',
    question: 'Q?',
    choices: ['A', 'B', 'C'],
    multiple: false,
    maxChoices: 1,
    anonymous: false,
    hideResults: false,
    roleId: null,
    createdAt: NOW - 1000,
    closesAt: NOW + 60_000,
    status: 'open',
    closedAt: null,
    ...over,
  };
}

/** The bot's message of poll #pollId in a channel. */
export function pollMessage(b: TestBot, channelId: string, pollId: number): APIMessage {
  const found = b.fake.channelMessages(channelId).find((m) => m.author.id === b.fake.appId && m.embeds.some((e) => e.author?.name?.startsWith(`Poll #${pollId}`)));
  if (!found) throw new Error(`no message for poll #${pollId}`);
  return found;
}
