// /privacy export at Discord's upload limit exactly: a file of the limit's size is sent as it
// is, and a compressed file of the limit's size is sent compressed (Discord takes up to the limit,
// inclusive), not refused as too big.
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const count = (b: TestBot, sql: string, ...params: unknown[]) => b.app.database.sqlite.prepare(sql).pluck().get(...params) as number;

describe('/privacy export at the upload limit', () => {
  it('sends a file exactly at the limit plain, and one whose compressed size is exactly the limit gzipped', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    for (let i = 0; i < 5; i++) fake.post({ channelId: ids.general, userId: ids.alice, content: `hello ${i}` });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice) === 5);
    const exportNow = () => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'export' }).reply(15_000);
    const name = `pulse-data-${ids.guildId}-${ids.alice}.json`;

    const first = await exportNow();
    expect(first.files.map((f) => f.filename)).toEqual([name]);
    const json = first.files[0]!.data.toString('utf8');
    // The same file at a later instant (the instant's text has a fixed width).
    const at = (ms: number) => json.replace(/"exported_at": "[^"]*"/, `"exported_at": ${JSON.stringify(new Date(ms).toISOString())}`);

    // Exactly the limit: sent as it is.
    fake.setUploadLimit(Buffer.byteLength(json));
    b.clock.advance(60_000);
    const plain = await exportNow();
    expect(plain.files.map((f) => f.filename)).toEqual([name]);
    expect(plain.files[0]!.data.toString('utf8')).toBe(at(b.clock.now()));

    // Compressed, exactly the limit: sent compressed.
    b.clock.advance(60_000);
    const gzipped = gzipSync(Buffer.from(at(b.clock.now())));
    expect(gzipped.length).toBeLessThan(Buffer.byteLength(json));
    fake.setUploadLimit(gzipped.length);
    const packed = await exportNow();
    expect(packed.content).toMatch(/compressed with gzip/);
    expect(packed.files.map((f) => f.filename)).toEqual([`${name}.gz`]);
    expect(packed.files[0]!.data.length).toBe(gzipped.length);
    expect(gunzipSync(packed.files[0]!.data).toString('utf8')).toBe(at(b.clock.now()));
    expect(fake.requests.filter((r) => r.status === 413)).toEqual([]);
    expect(b.errors).toEqual([]);
  }, 40_000);

  it('says how long to wait in whole seconds, rounded up: never "0 seconds" while it still refuses', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice) === 1);
    const exportNow = () => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'export' }).reply(15_000);
    expect((await exportNow()).files).toHaveLength(1);
    b.clock.advance(30_500);
    expect((await exportNow()).content).toBe('You just got your export. You can ask for a new one in 30 seconds.');
    b.clock.advance(29_200);
    const last = await exportNow();
    expect(last.ephemeral).toBe(true);
    expect(last.files).toEqual([]);
    expect(last.content).toMatch(/^You just got your export\. You can ask for a new one in 1 second\.$/);
  });
});
