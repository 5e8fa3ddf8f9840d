// /pulse about with Pulse in two servers: how many servers the installation serves is shown to
// staff only; a member sees what Pulse does and keeps, nothing about other servers.
import { afterEach, describe, expect, it } from 'vitest';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

describe('/pulse about in one of two servers', () => {
  it('tells staff how many servers Pulse serves, and members nothing of it', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    fake.addGuild({ id: '910000000000000001', name: 'Other', ownerId: '910000000000000010', ownerName: 'bowner' });
    await fake.waitFor(() => b.app.client.guilds.cache.size === 2);
    const about = (userId: string) => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId, name: 'pulse', subcommand: 'about' }).reply();

    const member = await about(ids.alice);
    expect(member.ephemeral).toBe(true);
    expect(member.embeds[0]?.title).toBe('Pulse');
    expect(member.embeds[0]?.footer).toBeUndefined();
    expect(JSON.stringify(member)).not.toMatch(/Serving|2 servers/);

    expect((await about(ids.ownerId)).embeds[0]?.footer?.text).toBe('Serving 2 servers');
    // A moderator (the staff role, without Manage Server) is staff too, once the role is set.
    await updateSettings(b.db, ids.guildId, { staffRoleId: ids.staffRoleId }, b.clock.now());
    expect((await about(ids.moderator)).embeds[0]?.footer?.text).toBe('Serving 2 servers');
  });
});
