// `pulse privacy-export` and `pulse privacy-opt-out` with a wrong, or swapped, --guild or --user:
// an unknown server is refused (as `report` refuses it), and a member Pulse keeps nothing about is
// said so plainly.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { openDatabase } from '../../src/db/open.js';
import { cliDatabase, removeCliDatabase } from './cli-setup.js';

const GUILD = '111111111111111111';
const ANA = '222222222222222201';
/** A member id no row of the replay names. */
const NOBODY = '222222222222222299';

let dir: string;
let printed: string[];
beforeEach(async () => void ({ dir, printed } = await cliDatabase('pulse-privacy-cli-')));
afterEach(() => removeCliDatabase(dir));
const env = () => ({ DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}` });
const optOuts = async () => {
  const database = openDatabase(join(dir, 'pulse.db'));
  try {
    return {
      optOuts: database.sqlite.prepare(`SELECT guild_id, user_id FROM activity_opt_outs ORDER BY user_id`).all(),
      jobs: database.sqlite.prepare(`SELECT guild_id, user_id FROM privacy_opt_out_jobs ORDER BY user_id`).all(),
    };
  } finally {
    await database.close();
  }
};

describe('pulse privacy-export with the wrong ids', () => {
  it('refuses a server Pulse has nothing recorded for (here --guild and --user swapped), and writes nothing', async () => {
    const out = join(dir, 'swapped.json');
    expect(await runCli(['privacy-export', '--guild', ANA, '--user', GUILD, '--out', out], env())).toBe(1);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(new RegExp(`^No activity is recorded for server ${ANA} in .*pulse\\.db\\. Check --guild and DATABASE_URL.* No file was written\\.$`));
    expect(existsSync(out)).toBe(false);
  });

  it('says plainly that Pulse keeps nothing about a member with no row, not that the file is everything', async () => {
    const out = join(dir, 'nobody.json');
    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', NOBODY, '--out', out], env())).toBe(0);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(`0 rows. Pulse keeps nothing about member ${NOBODY} in server ${GUILD}: check --user`);
    expect(printed[0]).not.toContain('everything Pulse keeps');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ guild_id: GUILD, user_id: NOBODY });
  });
});

describe('pulse privacy-opt-out with the wrong ids', () => {
  it('refuses a server Pulse has nothing recorded for, and records no opt-out', async () => {
    expect(await runCli(['privacy-opt-out', '--guild', ANA, '--user', GUILD], env())).toBe(1);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(new RegExp(`^No activity is recorded for server ${ANA} in .*pulse\\.db\\. Check --guild and DATABASE_URL.* Nobody was opted out\\.$`));
    expect(await optOuts()).toEqual({ optOuts: [], jobs: [] });
  });

  it('records the opt-out of a member with no rows (they may come back), and says there was nothing', async () => {
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', NOBODY], env())).toBe(0);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toBe(
      `Opted out member ${NOBODY} in server ${GUILD}, who has no records in Pulse (check --user, the member's id, if you expected some): nothing to delete, and Pulse records nothing about them if they come back.`,
    );
    expect(await optOuts()).toEqual({ optOuts: [{ guild_id: GUILD, user_id: NOBODY }], jobs: [{ guild_id: GUILD, user_id: NOBODY }] });
    // A member with rows is still told how many.
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA], env())).toBe(0);
    expect(printed.at(-1)).toMatch(new RegExp(`^Opted out member ${ANA} in server ${GUILD} \\(\\d+ records to delete or anonymise\\)`));
  });
});
