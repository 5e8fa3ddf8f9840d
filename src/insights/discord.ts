// /insights: the report's figures as a compact ephemeral embed, for staff.
import { EmbedBuilder, MessageFlags } from 'discord.js';
import { insightsCommand, insightsPeriods, type InsightsPeriod } from '../../commands/insights.js';
import { readOptions } from '../discord/options.js';
import type { FeatureContext } from '../feature.js';
import { topOpenItems } from '../feedback/figures-store.js';
import type { Routes } from '../discord/router.js';
import { requireStaff } from '../discord/staff.js';
import { formatInstant, formatNumber, formatPercent, formatPeriod, languageOf, t, type Language } from '../i18n/index.js';
import { getSettings } from '../settings/store.js';
import { plainText, truncate } from '../text.js';
import { lastCompleteDays } from './report.js';
import type { Report } from './report-types.js';
import { busiestHour } from './render.js';
import { MIN_GAP_MS, rate } from '../digests/render.js';
import { answerDeadline } from '../workers/pool.js';

/** The /insights embed, in the reader's language. Mentions render as names and never ping. */
export function renderInsights(r: Report, lang: Language = 'en', topFeedback: ReadonlyArray<{ id: number; title: string; score: number }> = []): EmbedBuilder {
  const a = r.activity;
  const n = r.new_members;
  const f = r.flags;
  const pct = (x: number) => formatPercent(lang, x, 1);
  const num = (x: number) => formatNumber(lang, x, Number.isInteger(x) ? 0 : 1);
  const list = (items: string[]) => (items.length ? items.join('\n') : t(lang, 'common.none'));
  const embed = new EmbedBuilder()
    .setTitle(t(lang, 'insights.title', { period: formatPeriod(lang, r.period.from, r.period.to) }))
    .setFooter({ text: t(lang, 'insights.footer', { zone: r.timezone, asOf: formatInstant(lang, r.as_of, 'UTC') }) })
    .addFields(
      { name: t(lang, 'insights.members'), value: t(lang, 'insights.membersValue', { joined: r.members.joined, left: r.members.left, net: `${r.members.net >= 0 ? '+' : ''}${formatNumber(lang, r.members.net)}` }), inline: false },
      {
        name: t(lang, 'insights.newMembers'),
        value: t(lang, 'insights.newMembersValue', { cohort: n.cohort, activation: rate(n.activated, n.cohort, 'digest.rateActivated', lang), retention: rate(n.retained_week1, n.cohort - n.pending, 'digest.rateStayed', lang) }) + (n.pending ? t(lang, 'insights.pending', { count: n.pending }) : ''),
      },
      { name: t(lang, 'insights.activity'), value: t(lang, 'insights.activityValue', { messages: a.messages, reactions: a.reactions, threads: a.threads_created, voice: a.voice_minutes }) },
      {
        name: t(lang, 'insights.engagement'),
        value: t(lang, 'insights.engagementValue', { active: a.active_members, dau: num(a.dau_avg), wau: a.wau_end, mau: a.mau_end, stickiness: pct(a.stickiness) }),
      },
      { name: t(lang, 'insights.topMembers'), value: list(r.top_contributors.slice(0, 5).map((c, i) => `${i + 1}. <@${c.user_id}> ${formatNumber(lang, c.messages)}`)), inline: true },
      { name: t(lang, 'insights.topChannels'), value: list(r.top_channels.slice(0, 5).map((c, i) => t(lang, 'insights.topChannel', { rank: i + 1, channel: c.channel_id, messages: c.messages, members: c.active_members }))), inline: true },
      {
        name: t(lang, 'insights.atRisk'),
        value: r.churn_risk.count ? `${formatNumber(lang, r.churn_risk.count)}: ${r.churn_risk.user_ids.slice(0, 10).map((u) => `<@${u}>`).join(' ')}${r.churn_risk.count > 10 ? ' …' : ''}` : t(lang, 'common.none'),
      },
      {
        name: t(lang, 'insights.flags'),
        value: t(lang, 'insights.flagsValue', { flags: f.reactions, messages: f.messages_flagged, flaggers: f.flaggers, reached: f.reached_threshold, resolved: f.resolved }),
      },
    );
  if (r.feedback) {
    const fb = r.feedback;
    const min = (x: number | null) => (x === null ? '–' : t(lang, 'insights.feedbackMinutes', { value: num(x) }));
    const value = t(lang, 'insights.feedbackValue', {
      opened: fb.opened,
      answered: fb.responded,
      median: min(fb.median_minutes_to_first_response),
      p90: min(fb.p90_minutes_to_first_response),
      in30: pct(fb.answered_within_30m),
      in24: pct(fb.answered_within_24h),
      decision: fb.median_hours_to_decision === null ? '–' : t(lang, 'insights.feedbackHours', { value: num(fb.median_hours_to_decision) }),
      waiting: fb.waiting.count,
      ids: fb.waiting.count ? ` (${fb.waiting.item_ids.slice(0, 10).map((id) => `#${id}`).join(' ')})` : '',
    });
    // Titles are the members' own text: shown as written (escaped), only shortened.
    const top = topFeedback.length ? `\n${t(lang, 'insights.feedbackTop', { items: topFeedback.map((i) => `#${i.id} ${plainText(truncate(i.title, 40))} (+${i.score})`).join(' · ') })}` : '';
    embed.addFields({ name: t(lang, 'insights.feedback'), value: value + top });
  }
  const busiest = busiestHour(r, lang);
  if (busiest) embed.addFields({ name: t(lang, 'insights.busiest'), value: busiest, inline: true });
  // As in the digest, a gap under a minute (a quick restart) is not worth a manager's attention.
  const gaps = (r.gaps ?? []).filter((g) => Date.parse(g.to) - Date.parse(g.from) >= MIN_GAP_MS).length;
  if (gaps) embed.addFields({ name: t(lang, 'insights.gaps'), value: t(lang, 'insights.gapsValue', { count: gaps }) });
  return embed;
}

export function insightsRoutes(ctx: FeatureContext): Routes {
  return {
    commands: {
      async insights(interaction) {
        const guildId = interaction.guildId!;
        const settings = await getSettings(ctx.db, guildId);
        requireStaff(interaction, settings.staffRoleId);
        const choice = (readOptions(interaction, insightsCommand.options).period ?? '7d') as InsightsPeriod;
        const days = insightsPeriods[choice] ?? 7;
        // 90 days of a big server take a few hundred ms: defer, and build it in a worker.
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const asOf = ctx.clock.now();
        const period = lastCompleteDays(asOf, settings.timezone, days);
        const report = await ctx.pool.run('report', { guildId, ...period, timezone: settings.timezone, asOf }, { waitUntil: answerDeadline() });
        const topFeedback = await topOpenItems(ctx.db, guildId, 3);
        await interaction.editReply({ embeds: [renderInsights(report, languageOf(interaction.locale), topFeedback)], allowedMentions: { parse: [] } });
      },
    },
  };
}
