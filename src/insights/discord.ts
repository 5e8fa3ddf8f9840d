// /insights: the report's figures as a compact ephemeral embed, for staff.
import { EmbedBuilder, MessageFlags } from 'discord.js';
import { insightsPeriods, type InsightsPeriod } from '../../commands/insights.js';
import type { FeatureContext } from '../feature.js';
import type { Routes } from '../discord/router.js';
import { requireStaff } from '../discord/staff.js';
import { getSettings } from '../settings/store.js';
import { UserError } from '../discord/errors.js';
import { JobError } from '../workers/pool.js';
import { lastCompleteDays } from './report.js';
import type { Report } from './report-types.js';
import { busiestHour } from './render.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function renderInsights(r: Report): EmbedBuilder {
  const a = r.activity;
  const n = r.new_members;
  const f = r.flags;
  const list = (items: string[]) => (items.length ? items.join('\n') : 'none');
  const embed = new EmbedBuilder()
    .setTitle(`Insights: ${r.period.from} to ${r.period.to}`)
    .setFooter({ text: `${r.timezone} · as of ${r.as_of.slice(0, 16).replace('T', ' ')} UTC · per-member figures are for staff only` })
    .addFields(
      { name: 'Members', value: `joined **${r.members.joined}** · left **${r.members.left}** · net **${r.members.net >= 0 ? '+' : ''}${r.members.net}**`, inline: false },
      {
        name: 'New members',
        value: `${n.cohort} joined · ${pct(n.activation_rate)} posted in week 1 · week-1 retention ${pct(n.week1_retention)}${n.pending ? ` (${n.pending} pending)` : ''}`,
      },
      { name: 'Activity', value: `${a.messages} messages · ${a.reactions} reactions · ${a.threads_created} threads · ${a.voice_minutes} voice min` },
      {
        name: 'Engagement',
        value: `${a.active_members} active · DAU ${num(a.dau_avg)} · WAU ${a.wau_end} · MAU ${a.mau_end} · stickiness ${pct(a.stickiness)}`,
      },
      { name: 'Top members', value: list(r.top_contributors.slice(0, 5).map((c, i) => `${i + 1}. <@${c.user_id}> ${c.messages}`)), inline: true },
      { name: 'Top channels', value: list(r.top_channels.slice(0, 5).map((c, i) => `${i + 1}. <#${c.channel_id}> ${c.messages} (${c.active_members} members)`)), inline: true },
      {
        name: 'At-risk regulars',
        value: r.churn_risk.count ? `${r.churn_risk.count}: ${r.churn_risk.user_ids.slice(0, 10).map((u) => `<@${u}>`).join(' ')}${r.churn_risk.count > 10 ? ' …' : ''}` : 'none',
      },
      {
        name: 'Flags',
        value: `${f.reactions} flags · ${f.messages_flagged} messages · ${f.flaggers} flaggers · ${f.reached_threshold} reached the threshold · ${f.resolved} reviews closed`,
      },
    );
  const busiest = busiestHour(r);
  if (busiest) embed.addFields({ name: 'Busiest hour', value: busiest, inline: true });
  if (r.gaps?.length) embed.addFields({ name: 'Not listening', value: `${r.gaps.length} gap(s) in this period: figures may be low there.` });
  return embed;
}

export function insightsRoutes(ctx: FeatureContext): Routes {
  return {
    commands: {
      async insights(interaction) {
        const guildId = interaction.guildId!;
        const settings = await getSettings(ctx.db, guildId);
        requireStaff(interaction, settings.staffRoleId);
        const choice = (interaction.options.getString('period') ?? '7d') as InsightsPeriod;
        const days = insightsPeriods[choice] ?? 7;
        // 90 days of a big server take a few hundred ms: defer, and build it in a worker.
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const asOf = ctx.clock.now();
        const period = lastCompleteDays(asOf, settings.timezone, days);
        const report = await ctx.pool.run('report', { guildId, ...period, timezone: settings.timezone, asOf }).catch((err: unknown) => {
          throw err instanceof JobError ? new UserError(err.message) : err;
        });
        await interaction.editReply({ embeds: [renderInsights(report)], allowedMentions: { parse: [] } });
      },
    },
  };
}
