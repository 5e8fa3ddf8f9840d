// `npm run bench` runs this in its own process: `pulse replay` end to end (reading, parsing,
// validating and storing) on a JSON Lines file of real-sized gateway dispatches (full message,
// member and author objects as Discord sends them, ~1 KB a message), into the database at
// argv[2]. The file is generated once into bench/out/. Prints `name value unit` lines.
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { replayFile } from '../src/activity/replay.js';
import { openDatabase } from '../src/db/open.js';
import { BENCH_GUILD, channelId, rng, snowflake, userId } from './generate.js';

const LINES = Number(process.env.BENCH_REPLAY_LINES ?? '300000');
/** After the generated days and the bench's own ingest windows. */
const START = Date.parse('2026-11-01T00:00:00Z') + 10 * 86_400_000;

const path = process.argv[2];
if (!path) throw new Error('usage: bench/replay.ts DATABASE');
// argv[3]: the benchmark's cache directory (bench/out/; this file may run from a bundle elsewhere).
const file = join(process.argv[3] ?? join(import.meta.dirname, 'out'), `replay-${LINES}.jsonl`);

const WORDS = ['the', 'raid', 'tonight', 'anyone', 'up', 'for', 'a', 'game', 'lol', 'thanks', 'see', 'you', 'later', 'nice', 'build', 'patch', 'notes', 'are', 'out'];

async function writeFile(): Promise<void> {
  const rand = rng(5);
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  let seq = 12_000_000;
  for (let i = 0; i < LINES; i++) {
    const at = START + Math.floor(i * 40);
    const iso = new Date(at).toISOString();
    const member = Math.floor(50_000 * Math.pow(rand(), 2.2));
    const id = userId(member);
    const author = { username: `member${member}`, public_flags: 0, primary_guild: null, id, global_name: `Member ${member}`, discriminator: '0', collectibles: null, clan: null, avatar_decoration_data: null, avatar: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' };
    const guildMember = { roles: ['600000000000000901', '600000000000000902'], premium_since: null, pending: false, nick: null, mute: false, joined_at: '2025-03-01T10:00:00.000000+00:00', flags: 0, deaf: false, communication_disabled_until: null, banner: null, avatar: null };
    const x = rand();
    let line: unknown;
    if (x < 0.6) {
      const words = Array.from({ length: 4 + Math.floor(rand() * 20) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
      line = {
        at: iso,
        t: 'MESSAGE_CREATE',
        d: {
          type: 0, tts: false, timestamp: iso, referenced_message: null, pinned: false, nonce: String(seq), mentions: [], mention_roles: [], mention_everyone: false,
          member: guildMember, id: snowflake(at, seq++), flags: 0, embeds: [], edited_timestamp: null, content: words, components: [], channel_id: channelId(member % 50),
          author, attachments: [], guild_id: BENCH_GUILD,
        },
      };
    } else if (x < 0.92) {
      line = {
        at: iso,
        t: 'MESSAGE_REACTION_ADD',
        d: {
          user_id: id, type: 0, message_id: snowflake(at - 5000, seq - 3), message_author_id: userId(member % 100), member: { ...guildMember, user: author },
          emoji: { name: '👍', id: null }, channel_id: channelId(1), burst: false, guild_id: BENCH_GUILD,
        },
      };
    } else if (x < 0.96) {
      line = { at: iso, t: 'TYPING_START', d: { user_id: id, timestamp: Math.floor(at / 1000), member: { ...guildMember, user: author }, channel_id: channelId(1), guild_id: BENCH_GUILD } };
    } else {
      line = {
        at: iso,
        t: 'VOICE_STATE_UPDATE',
        d: { member: { ...guildMember, user: author }, user_id: id, suppress: false, session_id: 'f0e1d2c3b4a5968778695a4b3c2d1e0f', self_video: false, self_mute: false, self_deaf: false, request_to_speak_timestamp: null, mute: false, guild_id: BENCH_GUILD, deaf: false, channel_id: rand() < 0.5 ? channelId(60) : null },
      };
    }
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, file);
}

if (!existsSync(file)) await writeFile();
const database = openDatabase(path);
const t0 = performance.now();
const outcome = await replayFile(database, file);
// Closing is part of the command (pulse replay closes before it returns): the last checkpoint of
// what the WAL still holds.
await database.close();
const seconds = (performance.now() - t0) / 1000;
if (outcome.badLines) throw new Error(`replay: ${outcome.badLines} bad lines, first: ${JSON.stringify(outcome.bad[0])}`);
const print = (name: string, value: number, unit: string) => console.log(`${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);
console.error(`# replay: ${outcome.lines.toLocaleString('en-US')} lines (${(statSync(file).size / outcome.lines).toFixed(0)} bytes each), ${outcome.ingested} stored, ${outcome.duplicates} duplicates`);
print('replay_lines_per_s', Math.round(outcome.lines / seconds), 'lines/s');
print('peak_rss_replay', process.resourceUsage().maxRSS / 1024, 'MB');
