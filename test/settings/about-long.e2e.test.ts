// /pulse about when the bot lacks everything: the permissions list (es, ru) and the "settings to
// fix" list (ru) run past one embed field's 1,024 characters, and are split at whole lines, never cut.
import { OverwriteType, PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPermissions } from '../../src/discord/permissions.js';
import { t } from '../../src/i18n/index.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

describe('/pulse about with no permission at all', () => {
  for (const [locale, lang] of [
    ['es-ES', 'es'],
    ['ru', 'ru'],
    ['en-US', 'en'],
  ] as const) {
    it(`lists every missing permission whole, in ${locale}`, async () => {
      const granted = 0n;
      bot = await TestBot.start({ botPermissions: granted });
      const b = bot;
      const { ids, fake, db, clock } = b;
      // @everyone (whose role id is the server's) keeps no more than the bot's own role.
      fake.setRolePermissions(ids.guildId, ids.guildId, granted);
      await fake.waitFor(() => b.app.client.guilds.cache.get(ids.guildId)?.members.me?.permissions.has(PermissionFlagsBits.EmbedLinks) === false);
      // Every setting to fix at once: three channels the bot cannot use (one readable by all) and a deleted role.
      fake.addRole(ids.guildId, { id: '900000000000000021', name: 'Gone' });
      // The moderation channel open to everyone, nothing else granted anywhere.
      fake.setChannelOverwrites(ids.modChannel, [{ id: ids.guildId, type: OverwriteType.Role, allow: String(PermissionFlagsBits.ViewChannel), deny: '0' }]);
      await fake.waitFor(() => {
        const mod = b.app.client.channels.cache.get(ids.modChannel);
        return !!mod && 'permissionOverwrites' in mod && mod.permissionOverwrites.cache.has(ids.guildId);
      });
      await updateSettings(db, ids.guildId, { staffChannelId: ids.staffChannel, modChannelId: ids.modChannel, feedbackChannelId: ids.general, staffRoleId: '900000000000000021' }, clock.now());
      fake.deleteRole(ids.guildId, '900000000000000021');
      await fake.waitFor(() => b.app.client.guilds.cache.get(ids.guildId)?.roles.cache.has('900000000000000021') === false);
      const reply = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'pulse', subcommand: 'about', locale }).reply();
      const fields = reply.embeds[0]?.fields ?? [];
      for (const f of fields) {
        expect(f.value.length).toBeLessThanOrEqual(1024);
        // No bold left open: every field holds whole lines.
        expect((f.value.match(/\*\*/g) ?? []).length % 2).toBe(0);
      }
      const permissions = fields.filter((f) => f.name === t(lang, 'about.permissions.title')).map((f) => f.value).join('\n');
      const missing = missingPermissions(granted);
      expect(missing).toHaveLength(12);
      for (const p of missing) expect(permissions).toContain(`- **${t(lang, p.name)}**: ${t(lang, p.why)}`);
      const toFix = fields.filter((f) => f.name === t(lang, 'settings.fix.title'));
      expect(toFix.length).toBeGreaterThan(0);
      // Lines near the end are there, whole: the public moderation channel, then the deleted role.
      expect(toFix.map((f) => f.value).join('\n')).toContain(t(lang, 'settings.fix.modChannelPublic', { setting: t(lang, 'settings.field.modChannel'), channel: ids.modChannel }));
      expect(toFix.at(-1)?.value).toContain(t(lang, 'settings.fix.roleGone', { setting: t(lang, 'settings.field.staffRole') }));
    });
  }
});
