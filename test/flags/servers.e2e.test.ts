// Two servers on the fake Discord, and the backlog of a server Pulse was removed from: after a
// restart, the other server's case still catches up (flags added while Pulse was down join it), and
// Pulse asks Discord nothing about the server it left.
import type { APIEmbed } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { getCaseByMessage, openCase, setReviewMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { until } from './helpers.js';

const B = '910000000000000001';
const bOwner = '910000000000000010';
const bGeneral = '910000000000000100';
const bMod = '910000000000000102';
const [eve, frank, grace] = ['910000000000000201', '910000000000000202', '910000000000000203'];
/** A server Pulse was removed from, with 250 old cases nobody will triage. */
const LEFT = '930000000000000001';
const leftChannel = '930000000000000100';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const field = (embed: APIEmbed | undefined, prefix: string) => embed?.fields?.find((f) => f.name.startsWith(prefix))?.value;

describe('flag cases of several servers after a restart', () => {
  it("a server Pulse left, with a backlog of old cases, does not keep another server's case from catching up", async () => {
    bot = await TestBot.start();
    const b = bot;
    const { fake } = b;
    fake.addGuild({ id: B, name: 'Other', ownerId: bOwner, ownerName: 'bowner' });
    fake.addChannel(B, { id: bGeneral, name: 'general' });
    fake.addChannel(B, { id: bMod, name: 'mod' });
    for (const [id, username] of [
      [eve, 'eve'],
      [frank, 'frank'],
      [grace, 'grace'],
    ] as const) {
      fake.addMember(B, { id, username });
    }
    await fake.waitFor(() => b.app.client.channels.cache.has(bMod));
    await updateSettings(b.db, B, { modChannelId: bMod, flagThreshold: 1 }, b.clock.now());

    // The backlog: older than any case of B's.
    for (let i = 0; i < 250; i++) {
      const c = (await openCase(b.db, { guildId: LEFT, channelId: leftChannel, messageId: `93${String(i).padStart(16, '0')}`, authorId: 'x', excerpt: null, openedBy: null }, b.clock.now() - 30 * 86_400_000 + i))!;
      await setReviewMessage(b.db, c.id, '930000000000000102', `94${String(i).padStart(16, '0')}`);
    }

    const msg = fake.post({ channelId: bGeneral, userId: eve, content: 'spam spam spam' });
    fake.react({ channelId: bGeneral, messageId: msg.id, userId: frank, emoji: '🚩' });
    const caseMessage = () => fake.channelMessages(bMod).find((m) => m.author.id === fake.appId);
    await until(() => field(caseMessage()?.embeds[0], 'Flaggers (1)'), 'the case in B');

    // While Pulse is down, grace flags it too.
    await b.restart(() => fake.react({ channelId: bGeneral, messageId: msg.id, userId: grace, emoji: '🚩' }));

    const shown = await until(() => field(caseMessage()?.embeds[0], 'Flaggers (2)'), "B's case reconciled");
    expect(shown).toContain(`<@${grace}>`);
    expect((await getCaseByMessage(b.db, msg.id))?.status).toBe('open');
    // Nothing was asked about the server Pulse left: no reactions read, no case message edited.
    expect(fake.requestsMatching('GET', new RegExp(`/channels/${leftChannel}/`))).toEqual([]);
    expect(fake.requestsMatching('PATCH', /\/channels\/930000000000000102\//)).toEqual([]);
    expect(b.logs.filter((l) => String(l.msg).startsWith('flags.reconcile-'))).toEqual([]);
  });
});
