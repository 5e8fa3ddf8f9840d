// A digest whose channel is gone or closed to the bot is not built and refused again every period
// for ever: it is given up at once (before anything is built), the schedule is paused, staff are
// told once, and /digest show says what to fix, in the reader's language. Servers the bot was
// removed from are skipped.
import { Locale, OverwriteType, PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DigestsFeature } from '../../src/digests/discord.js';
import { getSchedule, recentRuns } from '../../src/digests/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

const at = (s: string) => Date.parse(s);
const DAY = 86_400_000;

describe('digests whose channel refuses for good', () => {
  let bot: TestBot;
  let builds: number;

  beforeEach(async () => {
    bot = await TestBot.start({ now: at('2026-11-02T09:30:00Z') });
    await updateSettings(bot.db, bot.ids.guildId, { staffChannelId: bot.ids.staffChannel, staffRoleId: bot.ids.staffRoleId, timezone: 'UTC' }, bot.clock.now());
    builds = 0;
    bot.app.pool.on('started', (kind: string) => void (kind === 'digest-figures' && builds++));
  });
  afterEach(() => bot.close());

  const feature = () => bot.app.features.find((f) => f.name === 'digests') as DigestsFeature;
  const slash = (subcommand: string, options?: Record<string, string | number>, locale?: Locale) =>
    bot.fake.slash({ channelId: bot.ids.general, userId: bot.ids.moderator, name: 'digest', subcommand, ...(options ? { options } : {}), ...(locale ? { locale } : {}) }).reply(15_000);
  const posts = (channelId: string) => bot.fake.requestsMatching('POST', `/channels/${channelId}/messages`).length;
  const notices = () => bot.fake.channelMessages(bot.fake.dmChannelId(bot.ids.moderator) ?? '').map((m) => m.content);
  const logged = (event: string) => bot.logs.filter((l) => l.msg === event).length;
  const show = async (locale?: Locale) => JSON.stringify((await slash('show', undefined, locale)).embeds[0]);

  /** Ticks every 5 minutes, as the cron job would (it runs each minute), for `days` days. */
  async function tickFor(days: number): Promise<void> {
    const end = bot.clock.now() + days * DAY;
    while (bot.clock.now() < end) {
      bot.clock.advance(5 * 60_000);
      await feature().tick();
    }
  }

  it('the staff channel deleted: one run given up before anything is built, the schedule paused, staff told once, over 3 days and a restart', async () => {
    await slash('schedule', { frequency: 'daily', time: '09:00' });
    bot.fake.deleteChannel(bot.ids.staffChannel);
    await slash('show'); // the gateway's CHANNEL_DELETE has reached the bot

    await tickFor(3);
    // Not one post, not one build: the first run was given up at once.
    expect(posts(bot.ids.staffChannel)).toBe(0);
    expect(builds).toBe(0);
    expect(logged('digest.post-given-up')).toBe(1);
    expect(logged('digest.post-failed')).toBe(0);
    const runs = await recentRuns(bot.db, bot.ids.guildId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null, periodKey: 'day:2026-11-02' });
    expect(runs[0]!.lastError).toBe(`I can't find the channel <#${bot.ids.staffChannel}>: it may have been deleted.`);
    expect((await getSchedule(bot.db, bot.ids.guildId))?.paused).toBe(true);

    // The staff channel is the one that is gone: whoever set the schedule up is told, by DM, once.
    expect(notices()).toEqual([
      `⚠️ I could not post the digest, so I paused its schedule: no more runs will fail the same way. I can't find the channel <#${bot.ids.staffChannel}>: it may have been deleted. ` +
        'Choose another channel with `/digest schedule channel:` (which starts the schedule again), or set the staff channel with `/settings set staff_channel` and then use `/digest resume`.',
    ]);

    // /digest show: paused, why and what to fix; no "Next runs" as if all were well, and the run's line reads once.
    const shown = await show();
    expect(shown).toContain('"name":"Status"');
    expect(shown).not.toContain('Next runs');
    expect(shown).toContain(`⚠️ Paused by Pulse <t:${Math.floor(at('2026-11-03T09:00:00Z') / 1000)}:R>: the digest could not be posted. I can't find the channel <#${bot.ids.staffChannel}>`);
    expect(shown).toContain('`/digest schedule channel:`');
    expect(shown).toContain(`gave up after 1 try (I can't find the channel <#${bot.ids.staffChannel}>: it may have been deleted.). To post elsewhere`);
    expect(shown).not.toContain('..');
    expect(shown).not.toContain('/digest preview');
    // In Russian for a Russian reader.
    expect(await show(Locale.Russian)).toContain('Pulse поставил расписание на паузу');

    await bot.restart();
    await tickFor(1);
    expect(posts(bot.ids.staffChannel)).toBe(0);
    expect(await recentRuns(bot.db, bot.ids.guildId)).toHaveLength(1);
    expect(notices()).toHaveLength(1);

    // Fixed as the text says: another channel; the refused period and the next run are posted there.
    await slash('schedule', { frequency: 'daily', time: '09:00', channel: bot.ids.modChannel });
    expect(await show()).toContain('Next runs');
    bot.clock.set(at('2026-11-07T09:00:30Z'));
    await feature().tick();
    expect(bot.fake.channelMessages(bot.ids.modChannel).map((m) => m.embeds[0]?.title).sort()).toEqual(['Daily digest: Nov 2, 2026', 'Daily digest: Nov 6, 2026']);
    expect(bot.errors).toEqual([]);
  });

  it('permissions taken away: paused naming the channel and what is missing, in the reader language; resume refuses until they are back', async () => {
    await slash('schedule', { frequency: 'daily', time: '09:00', channel: bot.ids.modChannel });
    bot.fake.setChannelOverwrites(bot.ids.modChannel, [
      { id: bot.fake.appId, type: OverwriteType.Member, allow: '0', deny: String(PermissionFlagsBits.SendMessages | PermissionFlagsBits.AttachFiles) },
    ]);
    await slash('show');

    await tickFor(2);
    expect(posts(bot.ids.modChannel)).toBe(0);
    expect(builds).toBe(0);
    const [run] = await recentRuns(bot.db, bot.ids.guildId);
    expect(run).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(run!.lastError).toBe(`I can't post in <#${bot.ids.modChannel}>: I need Send Messages and Attach Files there.`);

    // The staff channel works: staff are told there, once (not by DM).
    const told = bot.fake.channelMessages(bot.ids.staffChannel).map((m) => m.content);
    expect(told).toEqual([
      `⚠️ I could not post the digest, so I paused its schedule: no more runs will fail the same way. I can't post in <#${bot.ids.modChannel}>: I need Send Messages and Attach Files there. ` +
        'Give me those permissions there, then use `/digest resume`; or choose another channel with `/digest schedule channel:`.',
    ]);
    expect(notices()).toEqual([]);

    const es = await show(Locale.SpanishES);
    expect(es).toContain(`No puedo publicar en <#${bot.ids.modChannel}>: necesito Enviar mensajes y Adjuntar archivos ahí.`);
    expect(es).toContain('Dame esos permisos ahí');

    // Resuming while the channel still refuses would only fail again: refused, with why.
    const refused = await slash('resume');
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(`I can't post in <#${bot.ids.modChannel}>: I need Send Messages and Attach Files there.`);
    expect((await getSchedule(bot.db, bot.ids.guildId))?.paused).toBe(true);

    bot.fake.setChannelOverwrites(bot.ids.modChannel, []);
    const resumed = await slash('resume');
    expect(JSON.stringify(resumed.embeds[0])).toContain('Digests resumed.');
    expect(JSON.stringify(resumed.embeds[0])).toContain('Next runs');
    // The period whose post was refused is not lost: it is posted at the next tick.
    await feature().tick();
    expect(bot.fake.channelMessages(bot.ids.modChannel)).toHaveLength(1);
    expect((await recentRuns(bot.db, bot.ids.guildId)).find((r) => r.periodKey === 'day:2026-11-02')).toMatchObject({ status: 'posted' });
    bot.clock.set(at('2026-11-05T09:00:30Z'));
    await feature().tick();
    expect(bot.fake.channelMessages(bot.ids.modChannel)).toHaveLength(2);
    expect(bot.errors).toEqual([]);
  });

  it('a refused period is posted after staff choose another channel with /digest schedule channel:', async () => {
    await slash('schedule', { frequency: 'daily', time: '09:00', channel: bot.ids.modChannel });
    bot.fake.setChannelOverwrites(bot.ids.modChannel, [
      { id: bot.fake.appId, type: OverwriteType.Member, allow: '0', deny: String(PermissionFlagsBits.SendMessages) },
    ]);
    await slash('show');
    await tickFor(1);
    const [given] = await recentRuns(bot.db, bot.ids.guildId);
    expect(given).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect((await getSchedule(bot.db, bot.ids.guildId))?.paused).toBe(true);

    await slash('schedule', { frequency: 'daily', time: '09:00', channel: bot.ids.staffChannel });
    await feature().tick();
    expect(posts(bot.ids.modChannel)).toBe(0);
    expect(posts(bot.ids.staffChannel)).toBeGreaterThanOrEqual(1);
    expect((await recentRuns(bot.db, bot.ids.guildId)).find((r) => r.periodKey === given!.periodKey)).toMatchObject({ status: 'posted', channelId: bot.ids.staffChannel });
  });

  it('a refusal Discord gives only at send time (Missing Access) is given up at once too', async () => {
    await slash('schedule', { frequency: 'daily', time: '09:00' });
    bot.fake.failNext({ method: 'POST', path: `/channels/${bot.ids.staffChannel}/messages` }, { status: 403, code: 50001, message: 'Missing Access' });
    bot.clock.set(at('2026-11-03T09:00:30Z'));
    await feature().tick();
    await tickFor(1);
    expect(posts(bot.ids.staffChannel)).toBe(1);
    expect(builds).toBe(1);
    const [run] = await recentRuns(bot.db, bot.ids.guildId);
    expect(run).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(run!.lastError).toContain(`I can't post in <#${bot.ids.staffChannel}>: I need View Channel there.`);
    expect((await getSchedule(bot.db, bot.ids.guildId))?.paused).toBe(true);
    expect(notices()).toHaveLength(1);
  });

  it('a server the bot was removed from is skipped: nothing claimed, built or tried', async () => {
    await slash('schedule', { frequency: 'daily', time: '09:00' });
    bot.fake.dispatch('GUILD_DELETE', { id: bot.ids.guildId });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await tickFor(2);
    expect(await recentRuns(bot.db, bot.ids.guildId)).toEqual([]);
    expect(builds).toBe(0);
    expect(posts(bot.ids.staffChannel)).toBe(0);
  });
});
