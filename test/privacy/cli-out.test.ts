// `pulse privacy-export --out`: never over the database, a clear line for a folder or a missing
// one, and a write that fails part-way leaves no cut-off file and keeps the export already there.
// `pulse privacy-opt-out --wait` takes plain whole seconds only.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityStore } from '../../src/activity/store.js';
import { runCli } from '../../src/cli.js';
import { openDatabase } from '../../src/db/open.js';
import { cliDatabase, removeCliDatabase } from './cli-setup.js';

const GUILD = '111111111111111111';
const ANA = '222222222222222201';

let dir: string;
let printed: string[];
beforeEach(async () => void ({ dir, printed } = await cliDatabase('pulse-privacy-out-')));
afterEach(() => removeCliDatabase(dir));
const db = () => join(dir, 'pulse.db');
/** The files in the folder but the database's own. */
const files = () => readdirSync(dir).filter((f) => !f.startsWith('pulse.db')).sort();
const env = () => ({ DATABASE_URL: `sqlite:${db()}` });
const exportTo = (out: string, ...more: string[]) => runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', out, ...more], env());
/** The database still opens and holds Ana's messages. */
const anaMessages = async () => {
  const database = openDatabase(db());
  try {
    return database.sqlite.prepare(`SELECT count(*) FROM activity_messages WHERE user_id = ?`).pluck().get(ANA) as number;
  } finally {
    await database.close();
  }
};

describe('pulse privacy-export --out', () => {
  it('refuses the database itself, by any name, and its companion files, --force or not', async () => {
    const before = await anaMessages();
    expect(before).toBeGreaterThan(0);
    const size = statSync(db()).size;
    mkdirSync(join(dir, 'sub'));
    symlinkSync(db(), join(dir, 'link.db'));
    for (const out of [db(), join(dir, 'sub', '..', 'pulse.db'), join(dir, 'link.db'), `${db()}-wal`, `${db()}-journal`]) {
      expect(await exportTo(out, '--force')).toBe(1);
      expect(printed.at(-1)).toMatch(/is Pulse's database.*: writing the export there would destroy it\. Pick another --out\.$/);
    }
    expect(statSync(db()).size).toBe(size);
    expect(await anaMessages()).toBe(before);
    expect(existsSync(`${db()}-journal`)).toBe(false);
  });

  it('says plainly when --out is a folder or in a missing folder, and writes nothing', async () => {
    expect(await exportTo(dir, '--force')).toBe(1);
    expect(printed.at(-1)).toBe(`${dir} is a folder: give a file name, e.g. --out ${join(dir, 'pulse-data.json')}.`);
    expect(await exportTo(join(dir, 'missing', 'ana.json'))).toBe(1);
    expect(printed.at(-1)).toBe(`Cannot write ${join(dir, 'missing', 'ana.json')}: the folder ${join(dir, 'missing')} does not exist.`);
    expect(printed.join('\n')).not.toMatch(/ENOENT|EISDIR/);
    expect(files()).toEqual([]);
  });

  it('a write that fails part-way (a file size limit) leaves no cut-off file and keeps the export already there', { timeout: 60_000 }, async () => {
    // Ana, a very active member: 3,000 more messages (an export of ~500 KB).
    const database = openDatabase(db());
    const at = Date.parse('2026-11-02T12:00:00Z');
    new ActivityStore(database.sqlite).applyBatch(
      Array.from({ length: 3000 }, (_, i) => ({
        kind: 'message' as const, guildId: GUILD, at: at + i * 1000, messageId: String(800000000000000000n + BigInt(i)),
        channelId: '333333333333333301', userId: ANA, replyToId: null, hasAttachment: false,
      })),
    );
    await database.close();
    const out = join(dir, 'ana.json');
    expect(await exportTo(out)).toBe(0);
    const good = readFileSync(out, 'utf8');
    expect(good.length).toBeGreaterThan(300 * 1024);

    // Again with --force, in a process that may write files of 200 KB at most.
    const child = spawn('bash', ['-c', 'ulimit -f 200 && exec "$0" --import tsx src/cli.ts "$@"', process.execPath, 'privacy-export', '--guild', GUILD, '--user', ANA, '--out', out, '--force'], {
      cwd: process.cwd(),
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: `sqlite:${db()}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, output).toBe(1);
    expect(output.trim()).toMatch(new RegExp(`^Cannot write ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: EFBIG.*\\. No file was written \\(the file already there is unchanged\\)\\.$`));
    expect(readFileSync(out, 'utf8')).toBe(good);
    expect(files()).toEqual(['ana.json']);
  });

  it('an export into an existing file needs --force, and then replaces it whole', async () => {
    const out = join(dir, 'ana.json');
    writeFileSync(out, 'x'.repeat(1_000_000));
    expect(await exportTo(out)).toBe(1);
    expect(readFileSync(out, 'utf8')).toHaveLength(1_000_000);
    expect(await exportTo(out, '--force')).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ guild_id: GUILD, user_id: ANA });
    expect(files()).toEqual(['ana.json']);
  });
});

describe('pulse privacy-opt-out --wait', () => {
  it('takes plain whole seconds from 0 to 3600 only', async () => {
    for (const wait of ['', ' ', '0x10', '1e2', '-0', '+5', '1.0', '3601']) {
      printed.length = 0;
      expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, `--wait=${wait}`], env())).toBe(1);
      expect(printed, wait).toHaveLength(1);
      expect(printed[0], wait).toMatch(/^--wait must be a whole number of seconds, 0 to 3600\.\nUsage: /);
    }
    // Nobody was opted out by the refused lines; a good one goes through.
    const database = openDatabase(db());
    expect(database.sqlite.prepare(`SELECT count(*) FROM activity_opt_outs`).pluck().get()).toBe(0);
    await database.close();
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, '--wait', '0'], env())).toBe(0);
  });
});
