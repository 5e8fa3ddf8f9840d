// /digest schedule refuses cron schedules more frequent than hourly, with the reason, and keeps the hourly ones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { isWellFormed } from '../../src/text.js';

describe('/digest schedule with a cron expression', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await TestBot.start();
    await updateSettings(bot.db, bot.ids.guildId, { staffRoleId: bot.ids.staffRoleId, staffChannelId: bot.ids.staffChannel }, bot.clock.now());
  });
  afterEach(async () => {
    await bot.close();
  });

  const scheduleCron = (cron: string) =>
    bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.moderator, name: 'digest', subcommand: 'schedule', options: { frequency: 'cron', cron } }).reply();

  it.each([
    ['* * * * *', '60 times an hour'],
    ['*/15 * * * *', '4 times an hour'],
    ['0,30 9 * * 1', '2 times an hour'],
  ])('refuses %j: %s', async (cron, why) => {
    const reply = await scheduleCron(cron);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('too frequent');
    expect(reply.content).toContain(why);
    expect(reply.content).toContain('at most once an hour');
    expect(await bot.db.selectFrom('digest_schedules').selectAll().execute()).toEqual([]);
  });

  it('refuses an invalid expression of emoji with its text cut between whole emoji (a reply Discord takes)', async () => {
    // 101 UTF-16 units: a cut at 100 would leave half of the last emoji, and Discord refuse the answer.
    const reply = await scheduleCron(`a${'🍕'.repeat(50)}`);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/a(🍕)+/);
    expect(isWellFormed(reply.content ?? '')).toBe(true);
    expect(await bot.db.selectFrom('digest_schedules').selectAll().execute()).toEqual([]);
  });

  it('accepts an hourly schedule', async () => {
    const reply = await scheduleCron('0 * * * *');
    expect(reply.embeds[0]?.description).toContain('Schedule saved.');
    expect(await bot.db.selectFrom('digest_schedules').select('timing').execute()).toEqual([{ timing: JSON.stringify({ kind: 'cron', expression: '0 * * * *' }) }]);
  });
});
