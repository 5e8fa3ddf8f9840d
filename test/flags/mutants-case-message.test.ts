// The case message's buttons: which steps a moderator is offered in each state of the case.
import { describe, expect, it } from 'vitest';
import { renderCase } from '../../src/flags/discord-case.js';
import type { FlagCase } from '../../src/flags/store.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const aCase = (over: Partial<FlagCase> = {}): FlagCase =>
  ({ id: 4, guildId: '900000000000000001', channelId: '900000000000000100', messageId: '900000000000000500', authorId: '900000000000000201', excerpt: 'hello', status: 'open', outcome: null, openedAt: NOW - 60_000, claimedBy: null, closedBy: null, closedAt: null, note: null, ...over }) as FlagCase;

/** Each button's label and whether it is disabled. */
function offered(c: FlagCase): Record<string, boolean> {
  const { components } = renderCase('en', c, [], NOW);
  const out: Record<string, boolean> = {};
  for (const row of components) for (const b of row.toJSON().components) if ('label' in b && b.label) out[b.label] = b.disabled === true;
  return out;
}

describe('the case buttons', () => {
  it('an open case offers every step', () => {
    expect(Object.values(offered(aCase())).every((disabled) => !disabled)).toBe(true);
  });

  it('a claimed case cannot be claimed again, but can still be closed', () => {
    const b = offered(aCase({ status: 'claimed', claimedBy: '900000000000000205' }));
    expect(b['Claim']).toBe(true);
    expect(b['Resolve']).toBe(false);
    expect(b['Delete message']).toBe(false);
    expect(b['Warn author']).toBe(false);
  });

  it('without a known author, nobody can be warned or timed out: only claim, resolve, dismiss and delete', () => {
    const b = offered(aCase({ authorId: null }));
    expect(b['Warn author']).toBe(true);
    expect(b['Timeout 10 min']).toBe(true);
    expect(b['Timeout 1 h']).toBe(true);
    expect(b['Timeout 1 day']).toBe(true);
    expect(b['Claim']).toBe(false);
    expect(b['Delete message']).toBe(false);
  });
});
