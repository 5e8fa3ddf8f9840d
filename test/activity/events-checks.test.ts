// normalize()'s hand-written checks against the zod schemas they stand in for: valid payloads of
// every tracked type pass without loading zod, and on valid and broken payloads alike the answer
// (events, ignored, or the error message) is zod's. (Its own file: a fresh module, zod unloaded.)
import { describe, expect, it } from 'vitest';
import { normalize, schemasLoaded, trackedTypes } from '../../src/activity/events.js';
import { C, G, join, leave, message, reaction, thread, u, voice, VOICE } from './payloads.js';

const at = Date.parse('2026-11-02T10:00:00Z');
const when = '2026-11-02T10:00:00Z';
const M = '300000000000099999';

const valid: Array<{ t: string; d: unknown }> = [
  message(u(1), when),
  message(u(1), when, { type: 19, message_reference: { message_id: M }, attachments: [{ id: '1' }] }),
  message(u(2), when, { author: { id: u(2), bot: true } }),
  message(u(1), when, { webhook_id: '500000000000000001' }),
  message(u(1), when, { guild_id: null }),
  { t: 'MESSAGE_DELETE', d: { id: M, guild_id: G, channel_id: C } },
  reaction(u(1), M, u(2), when),
  reaction(u(1), M, u(2), when, '👍', G),
  { t: 'MESSAGE_REACTION_ADD', d: { guild_id: G, channel_id: C, message_id: M, user_id: u(1), emoji: { id: '600000000000000001', name: 'party' }, member: null } },
  { t: 'MESSAGE_REACTION_REMOVE', d: { guild_id: G, channel_id: C, message_id: M, user_id: u(1), emoji: { id: null, name: '👍' } } },
  thread(u(1), when),
  thread(u(1), when, false),
  voice(u(1), VOICE, when),
  voice(u(1), null, when),
  { t: 'VOICE_STATE_UPDATE', d: { guild_id: G, channel_id: VOICE, user_id: u(3), member: { user: { id: u(3), bot: true }, joined_at: when } } },
  join(u(1), when),
  leave(u(1), when),
  { t: 'GUILD_MEMBER_ADD', d: { guild_id: G, user: { id: u(4), bot: true } } },
  {
    t: 'GUILD_CREATE',
    d: {
      id: G,
      voice_states: [
        { user_id: u(1), channel_id: VOICE, member: { user: { id: u(1) } } },
        { user_id: u(5), channel_id: VOICE },
      ],
      members: [{ user: { id: u(5), bot: true } }, { user: null }, {}],
      threads: [{ id: '500000000000000011', parent_id: C, name: 'a thread' }, { id: '500000000000000012', parent_id: null }],
    },
  },
  { t: 'GUILD_CREATE', d: { id: G, unavailable: true } },
  { t: 'GUILD_DELETE', d: { id: G, unavailable: true } },
  { t: 'GUILD_DELETE', d: { id: G } },
  { t: 'MESSAGE_DELETE_BULK', d: { ids: [M, '300000000000099998'], guild_id: G, channel_id: C } },
  { t: 'MESSAGE_REACTION_REMOVE_ALL', d: { guild_id: G, channel_id: C, message_id: M } },
  { t: 'MESSAGE_REACTION_REMOVE_EMOJI', d: { guild_id: G, channel_id: C, message_id: M, emoji: { id: null, name: '👍' } } },
];

/** Broken (or unusual) copies of a payload: every field the schema reads, wrong in a few ways. */
function variants(d: Record<string, unknown>): unknown[] {
  const out: unknown[] = [null, [], 'x', 7, {}];
  const wrongs: unknown[] = [undefined, null, 7, 1.5, '', 'abc', '1'.repeat(21), '12:3', '12/3', ' 123', '123\n', '１２３', true, [], {}, [{}], { id: 'x' }, { id: u(9) }, { user: { id: 7 } }];
  for (const key of Object.keys(d)) {
    for (const wrong of wrongs) out.push({ ...d, [key]: wrong });
    const value = d[key];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of Object.keys(value)) for (const wrong of wrongs) out.push({ ...d, [key]: { ...value, [inner]: wrong } });
    }
    if (Array.isArray(value)) {
      for (const wrong of wrongs) out.push({ ...d, [key]: [...value, wrong] });
      for (const [i, element] of value.entries()) {
        if (element && typeof element === 'object') {
          for (const inner of Object.keys(element)) for (const wrong of wrongs) out.push({ ...d, [key]: value.map((e, j) => (j === i ? { ...(e as object), [inner]: wrong } : e)) });
        }
      }
    }
  }
  return out;
}

describe('the hand-written checks', () => {
  it('cover every tracked type: its valid payloads pass without loading zod', () => {
    expect(new Set(valid.map((v) => v.t))).toEqual(new Set(trackedTypes));
    for (const { t, d } of valid) expect(normalize(t, d, at).status, t).not.toBe('invalid');
    expect(schemasLoaded()).toBe(false);
  });

  it("give zod's answer on valid payloads and on thousands of broken ones, error messages included", () => {
    let compared = 0;
    let invalid = 0;
    for (const { t, d } of valid) {
      for (const payload of [d, ...variants(d as Record<string, unknown>)]) {
        const quick = normalize(t, payload, at, new Set([u(7)]));
        expect(quick, `${t} ${JSON.stringify(payload)}`).toEqual(normalize(t, payload, at, new Set([u(7)]), false));
        compared++;
        if (quick.status === 'invalid') invalid++;
      }
    }
    expect(schemasLoaded()).toBe(true);
    expect(compared).toBeGreaterThan(2000);
    expect(invalid).toBeGreaterThan(1000);
    expect(normalize('MESSAGE_CREATE', { ...message(u(1), when).d, author: { id: 'x' } }, at)).toEqual({ status: 'invalid', reason: 'author.id: Invalid string: must match pattern /^\\d{1,20}$/' });
  });
});
