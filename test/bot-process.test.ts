// What `pulse start` adds to its own process (bot-process.ts). That the started bot really runs
// with it is checked on the built bundle (build.e2e.test.ts).
import { describe, expect, it } from 'vitest';
import { BOT_ENV, BOT_NODE_FLAGS, botRelaunch } from '../src/bot-process.js';

describe('botRelaunch', () => {
  it('adds the flags and the environment a plain `node cli.mjs start` lacks, keeping what it has', () => {
    const relaunch = botRelaunch(['--enable-source-maps'], { PATH: '/usr/bin', DATABASE_URL: 'sqlite:x.db', UNSET: undefined });
    expect(relaunch).toEqual({
      execArgv: ['--enable-source-maps', '--max-semi-space-size=2'],
      env: { PATH: '/usr/bin', DATABASE_URL: 'sqlite:x.db', MALLOC_ARENA_MAX: '2' },
      missing: ['--max-semi-space-size=2', 'MALLOC_ARENA_MAX=2'],
    });
    expect(BOT_NODE_FLAGS).toEqual(['--max-semi-space-size=2']);
    expect(BOT_ENV).toEqual({ MALLOC_ARENA_MAX: '2' });
  });

  it('asks for nothing once they are there: the relaunched process does not relaunch again', () => {
    const first = botRelaunch([], { PATH: '/usr/bin' })!;
    expect(botRelaunch(first.execArgv, first.env)).toBeUndefined();
  });

  it("keeps the operator's own choices, in the command line or NODE_OPTIONS, in either spelling", () => {
    expect(botRelaunch(['--max-semi-space-size=8'], { MALLOC_ARENA_MAX: '4' })).toBeUndefined();
    expect(botRelaunch(['--max_semi_space_size=8'], { MALLOC_ARENA_MAX: '4' })).toBeUndefined();
    expect(botRelaunch([], { NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=16', MALLOC_ARENA_MAX: '4' })).toBeUndefined();
    // Only the missing part is added.
    expect(botRelaunch(['--max-semi-space-size=8'], {})?.missing).toEqual(['MALLOC_ARENA_MAX=2']);
    expect(botRelaunch([], { MALLOC_ARENA_MAX: '1' })).toMatchObject({ execArgv: ['--max-semi-space-size=2'], env: { MALLOC_ARENA_MAX: '1' }, missing: ['--max-semi-space-size=2'] });
  });

  it('does not mistake another flag with a common prefix for it', () => {
    expect(botRelaunch(['--max-semi-space-size-extra=1'], { MALLOC_ARENA_MAX: '2' })?.missing).toEqual(['--max-semi-space-size=2']);
  });
});
