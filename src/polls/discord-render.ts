// How a poll looks in Discord: its message (embed, vote buttons or select menu) and result embeds.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  StringSelectMenuBuilder,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
} from 'discord.js';
import { encodeCustomId } from '../discord/custom-id.js';
import { LIMITS, describeOutcome, resultLines, type Poll, type Tally } from './poll.js';
import { plainText } from '../text.js';

export const KIND = { vote: 'poll-vote', select: 'poll-select', withdraw: 'poll-withdraw' } as const;

const OPEN_COLOR = 0x5865f2;
const CLOSED_COLOR = 0x4f545c;

// Discord's embed limits; only pathological polls (20 long choices full of markdown) reach them.
const DESCRIPTION_MAX = 4096;
const FIELD_MAX = 1024;

const ts = (ms: number, style: 'R' | 'f') => `<t:${Math.floor(ms / 1000)}:${style}>`;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The result block: bars, or a notice while results are hidden. */
export function resultsText(poll: Poll, t: Tally, options: { reveal: boolean }): string {
  const choices = poll.choices.map((c) => plainText(c));
  if (!options.reveal) {
    const list = choices.map((c, i) => `${i + 1}. ${c}`).join('\n');
    return `${list}\n\n*Results are hidden until the poll closes.*`;
  }
  return resultLines(choices, t).join('\n');
}

function rules(poll: Poll): string {
  const how = poll.maxChoices > 1 ? `Pick up to ${poll.maxChoices} choices` : 'Pick one choice';
  const anon = poll.anonymous ? ' · **anonymous**: nobody can see who voted for what' : '';
  return how + anon;
}

export function pollEmbed(poll: Poll, t: Tally): APIEmbed {
  const closed = poll.status === 'closed';
  const reveal = closed || !poll.hideResults;
  const embed = new EmbedBuilder()
    .setColor(closed ? CLOSED_COLOR : OPEN_COLOR)
    .setAuthor({ name: closed ? `Poll #${poll.id} · closed` : `Poll #${poll.id}` })
    .setDescription(clip(`### ${plainText(poll.question)}\n${resultsText(poll, t, { reveal })}`, DESCRIPTION_MAX))
    .addFields(
      { name: 'Who may vote', value: poll.roleId ? `Members with <@&${poll.roleId}>` : 'Everyone', inline: true },
      { name: 'How', value: rules(poll), inline: true },
    )
    .setFooter({ text: `${t.voters} voter${t.voters === 1 ? '' : 's'}` });
  if (closed) {
    embed.addFields({ name: 'Closed', value: poll.closedAt ? ts(poll.closedAt, 'f') : 'yes', inline: true });
    embed.addFields({ name: 'Result', value: clip(describeOutcome(poll.choices.map((c) => plainText(c)), t), FIELD_MAX) });
  } else {
    embed.addFields({ name: 'Closes', value: poll.closesAt ? `${ts(poll.closesAt, 'R')} (${ts(poll.closesAt, 'f')})` : 'When its author or staff close it', inline: true });
  }
  return embed.toJSON();
}

export function pollComponents(poll: Poll): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const disabled = poll.status === 'closed';
  if (poll.choices.length <= LIMITS.maxButtons) {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      poll.choices.map((choice, i) =>
        new ButtonBuilder()
          .setCustomId(encodeCustomId(KIND.vote, poll.id, i))
          .setLabel(clip(choice, 80))
          .setStyle(ButtonStyle.Secondary)
          .setDisabled(disabled),
      ),
    );
    return [row.toJSON()];
  }
  const select = new StringSelectMenuBuilder()
    .setCustomId(encodeCustomId(KIND.select, poll.id))
    .setPlaceholder(disabled ? 'This poll is closed' : poll.maxChoices > 1 ? `Pick up to ${poll.maxChoices} choices` : 'Pick a choice')
    .setMinValues(1)
    .setMaxValues(poll.maxChoices)
    .setDisabled(disabled)
    .addOptions(poll.choices.map((choice, i) => ({ label: clip(choice, 100), value: String(i) })));
  const withdraw = new ButtonBuilder()
    .setCustomId(encodeCustomId(KIND.withdraw, poll.id))
    .setLabel('Withdraw my vote')
    .setStyle(ButtonStyle.Secondary)
    .setDisabled(disabled);
  return [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select).toJSON(), new ActionRowBuilder<ButtonBuilder>().addComponents(withdraw).toJSON()];
}

/** The poll message's body, for posting and for every later edit. */
export function pollMessage(poll: Poll, t: Tally) {
  return { embeds: [pollEmbed(poll, t)], components: pollComponents(poll), allowed_mentions: { parse: [] as never[] } };
}

/** /poll results: like the message, with `reveal` deciding whether hidden counts are shown. */
export function resultsEmbed(poll: Poll, t: Tally, reveal: boolean): APIEmbed {
  const embed = new EmbedBuilder()
    .setColor(poll.status === 'closed' ? CLOSED_COLOR : OPEN_COLOR)
    .setAuthor({ name: `Poll #${poll.id} · ${poll.status === 'closed' ? 'final results' : 'current results'}` })
    .setDescription(clip(`### ${plainText(poll.question)}\n${resultsText(poll, t, { reveal })}`, DESCRIPTION_MAX))
    .setFooter({ text: `${t.voters} voter${t.voters === 1 ? '' : 's'}` });
  if (poll.status === 'open' && poll.hideResults && reveal) embed.addFields({ name: 'Note', value: 'Results are hidden from members until the poll closes; you see them as staff or as its author.' });
  if (poll.status === 'closed') embed.addFields({ name: 'Result', value: clip(describeOutcome(poll.choices.map((c) => plainText(c)), t), FIELD_MAX) });
  return embed.toJSON();
}

