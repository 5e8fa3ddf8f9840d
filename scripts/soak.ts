// Soak run: the real `pulse start` child process against the fake Discord under a steady stream
// of gateway events and interactions for N minutes, then SIGTERM; checks a clean exit, no error
// logs, and that the events are in the database. Not part of `npm test`.
//
//   npx tsx scripts/soak.ts [--minutes 3] [--rate 1]      (rate multiplies the event rates)
//   npm run test:node -- 24 npx tsx scripts/soak.ts        (on a chosen Node.js line)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { commands } from '../commands/index.js';
import { FakeDiscord } from '../src/fake-discord/index.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const minutes = option('minutes', 3);
const rate = option('rate', 1);
const TICK_MS = 100;
// Per second, at --rate 1.
const PER_SECOND = { messages: 20, reactions: 10, voice: 1, joins: 0.5, leaves: 0.2, threads: 0.2, interactions: 0.5 };

const rssOf = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(/(\d+)/.exec(line)![1]) / 1024 : Number.NaN;
};
const random = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-soak-'));
  const dbPath = join(dir, 'pulse.db');
  const fake = await FakeDiscord.start();
  const guild = fake.addGuild({ name: 'Soak' });
  const text = ['general', 'help', 'random', 'dev'].map((name) => fake.addChannel(guild.id, { name }).id);
  const voiceChannels = ['lounge', 'gaming'].map((name) => fake.addChannel(guild.id, { name, type: 2 }).id);
  const system = fake.addChannel(guild.id, { name: 'welcome' }).id;
  fake.setSystemChannel(guild.id, system);
  const members: string[] = [];
  for (let i = 0; i < 300; i++) members.push(fake.addMember(guild.id, { username: `member${i}` }).user.id);
  fake.setCommands(commands);

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
    cwd: process.cwd(),
    env: { PATH: process.env['PATH'] ?? '', DISCORD_TOKEN: 'soak-token-0123456789abcdef', DISCORD_APP_ID: fake.appId, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: `sqlite:${dbPath}`, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<{ level: number; msg?: string }> = [];
  const stray: string[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as { level: number; msg?: string });
      } catch {
        stray.push(line);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => stray.push(chunk.toString().trim()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  await fake.waitForReady(60_000);
  await fake.waitFor(() => logs.some((l) => l.msg === 'commands.synced'), 60_000);
  const rssStart = rssOf(child.pid!);
  console.log(`node ${process.version}; bot pid ${child.pid}; ready; RSS ${rssStart.toFixed(0)} MB; driving for ${minutes} min at rate ${rate}`);

  const sent = { messages: 0, systemMessages: 0, reactions: 0, voiceUpdates: 0, voiceSessions: 0, joins: 0, leaves: 0, threads: 0, interactions: 0, interactionsFailed: 0 };
  const recent: Array<{ channelId: string; id: string }> = [];
  const reacted = new Set<string>();
  const inVoice = new Set<string>();
  const polls: Array<{ channelId: string; id: string; customIds: string[] }> = [];
  const rssSamples: number[] = [rssStart];
  const carry: Record<string, number> = {};
  const due = (kind: keyof typeof PER_SECOND) => {
    carry[kind] = (carry[kind] ?? 0) + (PER_SECOND[kind] * rate * TICK_MS) / 1000;
    const n = Math.floor(carry[kind]!);
    carry[kind]! -= n;
    return n;
  };
  let joined = 0;
  const interactionsInFlight: Array<Promise<void>> = [];

  const interact = () => {
    const user = random(members);
    const channelId = random(text);
    const pick = Math.floor(Math.random() * 5);
    sent.interactions++;
    const run = async () => {
      if (pick === 0) {
        const reply = await fake.slash({ guildId: guild.id, channelId, userId: user, name: 'poll', subcommand: 'create', options: { question: `Soak question ${sent.interactions}?`, choices: 'Yes | No | Maybe' } }).reply(10_000);
        const message = reply.message ?? fake.channelMessages(channelId).at(-1);
        const customIds = JSON.stringify(message?.components ?? []).match(/"custom_id":"([^"]+)"/g)?.map((m) => m.slice(13, -1)) ?? [];
        if (message && customIds.length) polls.push({ channelId: message.channel_id, id: message.id, customIds });
      } else if (pick === 1 && polls.length) {
        const poll = random(polls);
        await fake.click({ userId: user, message: { channelId: poll.channelId, messageId: poll.id }, customId: random(poll.customIds) }).reply(10_000);
      } else if (pick === 2) {
        await fake.slash({ guildId: guild.id, channelId, userId: user, name: 'privacy', subcommand: 'show' }).reply(10_000);
      } else if (pick === 3) {
        await fake.slash({ guildId: guild.id, channelId, userId: guild.ownerId, name: 'insights', options: { period: '7d' } }).reply(15_000);
      } else {
        await fake.slash({ guildId: guild.id, channelId, userId: user, name: 'pulse', subcommand: 'about' }).reply(10_000);
      }
    };
    interactionsInFlight.push(
      run().catch((err: unknown) => {
        sent.interactionsFailed++;
        console.log(`interaction failed: ${err instanceof Error ? err.message : String(err)}`);
      }),
    );
  };

  const end = Date.now() + minutes * 60_000;
  let nextSample = Date.now() + 10_000;
  while (Date.now() < end) {
    const tickStart = Date.now();
    for (let i = due('messages'); i > 0; i--) {
      const channelId = random(text);
      const replyTo = recent.length && Math.random() < 0.2 ? recent.filter((m) => m.channelId === channelId).at(-1)?.id : undefined;
      const m = fake.post({ channelId, userId: random(members), content: 'soak', ...(replyTo ? { replyTo } : {}) });
      sent.messages++;
      recent.push({ channelId, id: m.id });
      if (recent.length > 200) recent.shift();
    }
    for (let i = due('reactions'); i > 0 && recent.length; i--) {
      const target = random(recent);
      const user = random(members);
      const emoji = random(['👍', '🎉', '❤️']);
      const key = `${target.id}:${user}:${emoji}`;
      if (reacted.has(key)) continue;
      reacted.add(key);
      fake.react({ channelId: target.channelId, messageId: target.id, userId: user, emoji });
      sent.reactions++;
    }
    for (let i = due('voice'); i > 0; i--) {
      const user = random(members);
      if (inVoice.has(user)) {
        fake.voice(guild.id, user, null);
        inVoice.delete(user);
      } else {
        fake.voice(guild.id, user, random(voiceChannels));
        inVoice.add(user);
        sent.voiceSessions++;
      }
      sent.voiceUpdates++;
    }
    for (let i = due('joins'); i > 0; i--) {
      const member = fake.join(guild.id, { username: `joiner${joined++}` });
      members.push(member.user.id);
      sent.joins++;
      sent.systemMessages++; // the type-7 "joined" message in the system channel
    }
    for (let i = due('leaves'); i > 0 && members.length > 50; i--) {
      const user = members.splice(Math.floor(Math.random() * members.length), 1)[0]!;
      inVoice.delete(user);
      fake.leave(guild.id, user);
      sent.leaves++;
    }
    for (let i = due('threads'); i > 0; i--) {
      fake.createThread({ parentId: random(text), ownerId: random(members), name: `thread ${sent.threads}` });
      sent.threads++;
      sent.systemMessages++; // the type-18 "started a thread" message
    }
    for (let i = due('interactions'); i > 0; i--) interact();
    if (Date.now() >= nextSample) {
      rssSamples.push(rssOf(child.pid!));
      nextSample += 10_000;
      const elapsed = Math.round((minutes * 60_000 - (end - Date.now())) / 1000);
      console.log(`${elapsed}s: ${sent.messages} messages, ${sent.reactions} reactions, ${sent.interactions} interactions; RSS ${rssSamples.at(-1)!.toFixed(0)} MB`);
    }
    await sleep(Math.max(0, TICK_MS - (Date.now() - tickStart)));
  }
  await Promise.all(interactionsInFlight);
  await sleep(2_000); // let the writer's last batch land
  const rssEnd = rssOf(child.pid!);

  const stopAt = Date.now();
  child.kill('SIGTERM');
  const code = await exited;
  const stopMs = Date.now() - stopAt;
  await fake.close();

  const db = new Database(dbPath, { readonly: true });
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  const stored = {
    messages: count('SELECT count(*) FROM activity_messages'),
    reactions: count('SELECT count(*) FROM activity_reactions'),
    threads: count('SELECT count(*) FROM activity_threads'),
    voiceSessions: count('SELECT count(*) FROM activity_voice_sessions'),
    joins: count("SELECT count(*) FROM activity_member_events WHERE kind = 'join'"),
    leaves: count("SELECT count(*) FROM activity_member_events WHERE kind = 'leave'"),
  };
  db.close();
  rmSync(dir, { recursive: true, force: true });

  const errors = logs.filter((l) => l.level >= 50);
  const warnings = logs.filter((l) => l.level === 40);
  const checks: Array<[string, boolean]> = [
    ['exit code 0 after SIGTERM', code === 0],
    ['no error logs', errors.length === 0],
    ['no output besides JSON logs', stray.filter(Boolean).length === 0],
    ['every message stored, no system message', stored.messages === sent.messages],
    ['every reaction stored', stored.reactions === sent.reactions],
    ['every thread stored', stored.threads === sent.threads],
    ['every voice session stored', stored.voiceSessions === sent.voiceSessions],
    ['every join and leave stored', stored.joins === sent.joins && stored.leaves === sent.leaves],
    ['no interaction failed', sent.interactionsFailed === 0],
  ];
  console.log(JSON.stringify({ node: process.version, minutes, rate, sent, stored, rssMb: { start: Math.round(rssStart), end: Math.round(rssEnd), max: Math.round(Math.max(...rssSamples, rssEnd)) }, stopMs, exitCode: code, errors: errors.length, warnings: warnings.length, logLines: logs.length }, null, 2));
  for (const e of errors.slice(0, 5)) console.log('error log:', JSON.stringify(e));
  for (const w of warnings.slice(0, 5)) console.log('warn log:', JSON.stringify(w));
  for (const s of stray.slice(0, 5)) console.log('stray output:', s);
  for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  return checks.every(([, ok]) => ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
