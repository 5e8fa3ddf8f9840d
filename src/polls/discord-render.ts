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
  type APIMessageComponentEmoji,
} from 'discord.js';
import { encodeCustomId } from '../discord/custom-id.js';
import { LIMITS, describeOutcome, resultLines, type Poll, type Tally } from './poll.js';
import { t as tr, type Language } from '../i18n/index.js';
import { discordTime, ellipsize, plainText } from '../text.js';

export const KIND = { vote: 'poll-vote', select: 'poll-select', withdraw: 'poll-withdraw' } as const;

const OPEN_COLOR = 0x5865f2;
const CLOSED_COLOR = 0x4f545c;

// Discord's embed limits; only pathological polls (20 long choices full of markdown) reach them.
const DESCRIPTION_MAX = 4096;
const FIELD_MAX = 1024;


/** Text cut to a Discord limit with "…", never through an emoji. */
const clip = ellipsize;

/** Whether Pulse may show a custom emoji (by id) on its components: it is in a server Pulse is in. */
export type UsableEmoji = (id: string) => boolean;

/** A custom emoji (`<:pepe:123>`, `<a:dance:123>`), or a Unicode one (with its variation, skin tone, ZWJ parts), a flag or a keycap. */
const LEADING_EMOJI =
  /^(?:<(a)?:(\w{2,32}):(\d{17,20})>|(\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*)*|\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3))\s*/u;

/**
 * A choice's label for a button or menu option, with a leading emoji moved into the component's
 * emoji field (a label shows `<:pepe:123>` as raw code). A custom emoji Pulse cannot use stays in
 * the label, as does an emoji that is the whole choice (a label must not be empty).
 */
export function choiceLabel(choice: string, usable: UsableEmoji): { label: string; emoji?: APIMessageComponentEmoji } {
  const m = LEADING_EMOJI.exec(choice);
  const rest = m ? choice.slice(m[0].length).trim() : '';
  if (!m || rest === '') return { label: choice };
  if (m[4] !== undefined) return { label: rest, emoji: { name: m[4] } };
  if (!usable(m[3]!)) return { label: choice };
  return { label: rest, emoji: { id: m[3]!, name: m[2]!, ...(m[1] ? { animated: true } : {}) } };
}

/** The result block: bars, or a notice while results are hidden. */
export function resultsText(lang: Language, poll: Poll, t: Tally, options: { reveal: boolean }): string {
  const choices = poll.choices.map((c) => plainText(c));
  if (!options.reveal) {
    const list = choices.map((c, i) => `${i + 1}. ${c}`).join('\n');
    return `${list}\n\n${tr(lang, 'polls.card.hiddenNote')}`;
  }
  return resultLines(lang, choices, t).join('\n');
}

function rules(lang: Language, poll: Poll): string {
  const how = poll.maxChoices > 1 ? tr(lang, 'polls.card.pickUpTo', { count: poll.maxChoices }) : tr(lang, 'polls.card.pickOne');
  const anon = poll.anonymous ? tr(lang, 'polls.card.anonymous') : '';
  return how + anon;
}

/** The card everyone sees: `lang` is the server's language. */
export function pollEmbed(lang: Language, poll: Poll, t: Tally): APIEmbed {
  const closed = poll.status === 'closed';
  const reveal = closed || !poll.hideResults;
  const embed = new EmbedBuilder()
    .setColor(closed ? CLOSED_COLOR : OPEN_COLOR)
    .setAuthor({ name: tr(lang, closed ? 'polls.card.titleClosed' : 'polls.card.title', { id: poll.id }) })
    .setDescription(clip(`### ${plainText(poll.question)}\n${resultsText(lang, poll, t, { reveal })}`, DESCRIPTION_MAX))
    .addFields(
      { name: tr(lang, 'polls.card.whoMayVote'), value: poll.roleId ? tr(lang, 'polls.card.roleMembers', { role: poll.roleId }) : tr(lang, 'polls.card.everyone'), inline: true },
      { name: tr(lang, 'polls.card.how'), value: rules(lang, poll), inline: true },
    )
    .setFooter({ text: tr(lang, 'polls.card.voters', { count: t.voters }) });
  if (closed) {
    embed.addFields({ name: tr(lang, 'polls.card.closedAt'), value: poll.closedAt ? discordTime(poll.closedAt, 'f') : tr(lang, 'polls.card.closedYes'), inline: true });
    embed.addFields({ name: tr(lang, 'polls.card.result'), value: clip(describeOutcome(lang, poll.choices.map((c) => plainText(c)), t), FIELD_MAX) });
  } else {
    embed.addFields({ name: tr(lang, 'polls.card.closes'), value: poll.closesAt ? `${discordTime(poll.closesAt, 'R')} (${discordTime(poll.closesAt, 'f')})` : tr(lang, 'polls.card.closesManually'), inline: true });
  }
  return embed.toJSON();
}

export function pollComponents(lang: Language, poll: Poll, usable: UsableEmoji = () => false): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const disabled = poll.status === 'closed';
  if (poll.choices.length <= LIMITS.maxButtons) {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      poll.choices.map((choice, i) => {
        const { label, emoji } = choiceLabel(choice, usable);
        const button = new ButtonBuilder()
          .setCustomId(encodeCustomId(KIND.vote, poll.id, i))
          .setLabel(clip(label, 80))
          .setStyle(ButtonStyle.Secondary)
          .setDisabled(disabled);
        return emoji ? button.setEmoji(emoji) : button;
      }),
    );
    return [row.toJSON()];
  }
  const select = new StringSelectMenuBuilder()
    .setCustomId(encodeCustomId(KIND.select, poll.id))
    .setPlaceholder(tr(lang, disabled ? 'polls.menu.closed' : poll.maxChoices > 1 ? 'polls.card.pickUpTo' : 'polls.menu.pickOne', { count: poll.maxChoices }))
    .setMinValues(1)
    .setMaxValues(poll.maxChoices)
    .setDisabled(disabled)
    .addOptions(
      poll.choices.map((choice, i) => {
        const { label, emoji } = choiceLabel(choice, usable);
        return { label: clip(label, 100), value: String(i), ...(emoji ? { emoji } : {}) };
      }),
    );
  const withdraw = new ButtonBuilder()
    .setCustomId(encodeCustomId(KIND.withdraw, poll.id))
    .setLabel(tr(lang, 'polls.button.withdraw'))
    .setStyle(ButtonStyle.Secondary)
    .setDisabled(disabled);
  return [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select).toJSON(), new ActionRowBuilder<ButtonBuilder>().addComponents(withdraw).toJSON()];
}

/** The poll message's body, for posting and for every later edit. */
export function pollMessage(lang: Language, poll: Poll, t: Tally, usable: UsableEmoji = () => false) {
  return { embeds: [pollEmbed(lang, poll, t)], components: pollComponents(lang, poll, usable), allowed_mentions: { parse: [] as never[] } };
}

/** /poll results: like the message, with `reveal` deciding whether hidden counts are shown. */
export function resultsEmbed(lang: Language, poll: Poll, t: Tally, reveal: boolean): APIEmbed {
  const embed = new EmbedBuilder()
    .setColor(poll.status === 'closed' ? CLOSED_COLOR : OPEN_COLOR)
    .setAuthor({ name: tr(lang, poll.status === 'closed' ? 'polls.results.final' : 'polls.results.current', { id: poll.id }) })
    .setDescription(clip(`### ${plainText(poll.question)}\n${resultsText(lang, poll, t, { reveal })}`, DESCRIPTION_MAX))
    .setFooter({ text: tr(lang, 'polls.card.voters', { count: t.voters }) });
  if (poll.status === 'open' && poll.hideResults && reveal) embed.addFields({ name: tr(lang, 'polls.results.note'), value: tr(lang, 'polls.results.hiddenFromMembers') });
  if (poll.status === 'closed') embed.addFields({ name: tr(lang, 'polls.card.result'), value: clip(describeOutcome(lang, poll.choices.map((c) => plainText(c)), t), FIELD_MAX) });
  return embed.toJSON();
}

