// The poll message stays within Discord's limits for every poll the options allow.
import { describe, expect, it } from 'vitest';
import { pollComponents, pollEmbed, resultsEmbed } from '../../src/polls/discord-render.js';
import type { APIButtonComponentWithCustomId, APIStringSelectComponent } from 'discord-api-types/v10';
import { tally, type Poll } from '../../src/polls/poll.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');

function poll(over: Partial<Poll> = {}): Poll {
  return {
    id: 12345,
    guildId: '900000000000000001',
    channelId: '900000000000000100',
    messageId: '900000000000000999',
    authorId: '900000000000000201',
    question: 'Q?',
    choices: ['A', 'B'],
    multiple: false,
    maxChoices: 1,
    anonymous: false,
    hideResults: false,
    roleId: null,
    createdAt: NOW,
    closesAt: NOW + 3_600_000,
    status: 'open',
    closedAt: null,
    ...over,
  };
}

function embedSize(e: ReturnType<typeof pollEmbed>): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.author?.name.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

describe('poll rendering', () => {
  it('uses buttons up to 5 choices, a select menu and a withdraw button past that', () => {
    const five = pollComponents('en', poll({ choices: ['a', 'b', 'c', 'd', 'e'] }));
    expect(five).toHaveLength(1);
    expect(five[0]?.components.map((c) => ('custom_id' in c ? c.custom_id : ''))).toEqual(['v1:poll-vote:12345:0', 'v1:poll-vote:12345:1', 'v1:poll-vote:12345:2', 'v1:poll-vote:12345:3', 'v1:poll-vote:12345:4']);
    const six = pollComponents('en', poll({ choices: ['a', 'b', 'c', 'd', 'e', 'f'], multiple: true, maxChoices: 4 }));
    expect(six.map((r) => r.components[0])).toMatchObject([
      { custom_id: 'v1:poll-select:12345', min_values: 1, max_values: 4 },
      { custom_id: 'v1:poll-withdraw:12345' },
    ]);
  });

  it('disables everything once closed', () => {
    for (const choices of [['a', 'b'], ['a', 'b', 'c', 'd', 'e', 'f']]) {
      const rows = pollComponents('en', poll({ choices, status: 'closed', closedAt: NOW }));
      expect(rows.flatMap((r) => r.components).every((c) => 'disabled' in c && c.disabled)).toBe(true);
    }
  });

  it('stays within embed limits for the largest, most markdown-heavy poll', () => {
    const choices = Array.from({ length: 20 }, (_, i) => `${'*_'.repeat(39)}${String(i).padStart(2, '0')}`);
    const big = poll({ question: '*'.repeat(300), choices, multiple: true, maxChoices: 20, roleId: '900000000000000020', status: 'closed', closedAt: NOW });
    // Everyone ticks every choice: a 20-way tie.
    const t = tally(20, 20, Array.from({ length: 999 }, (_, v) => choices.map((_, choice) => ({ voter: `u${v}`, choice }))).flat());
    expect(t.leaders).toHaveLength(20);
    for (const e of [pollEmbed('en', big, t), resultsEmbed('en', big, t, true)]) {
      expect(e.description!.length).toBeLessThanOrEqual(4096);
      for (const f of e.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(1024);
      expect(embedSize(e)).toBeLessThanOrEqual(6000);
    }
    const labels = pollComponents('en', { ...big, status: 'open' }).flatMap((r) => r.components);
    expect(labels[0]).toMatchObject({ options: expect.arrayContaining([expect.objectContaining({ label: choices[0] })]) });
    const buttons = pollComponents('en', poll({ choices: ['x'.repeat(80), 'y'] }))[0]?.components ?? [];
    expect(buttons.every((b) => !('label' in b) || (b.label?.length ?? 0) <= 80)).toBe(true);
  });

  it('hides counts while hidden and open, shows them once closed', () => {
    const p = poll({ hideResults: true });
    const t = tally(2, 1, [{ voter: 'u1', choice: 1 }]);
    expect(pollEmbed('en', p, t).description).toMatch(/1\. A\n2\. B\n\n\*Results are hidden until the poll closes\.\*/);
    expect(pollEmbed('en', p, t).description).not.toMatch(/vote/);
    expect(pollEmbed('en', { ...p, status: 'closed', closedAt: NOW }, t).description).toMatch(/\*\*B\*\* 🏆\n`▓▓▓▓▓▓▓▓▓▓` 100% · 1 vote/);
    expect(pollEmbed('en', p, t).fields?.find((f) => f.name === 'Closes')?.value).toBe(`<t:${(NOW + 3_600_000) / 1000}:R> (<t:${(NOW + 3_600_000) / 1000}:f>)`);
  });
});

describe('the result of a large tie', () => {
  it('gives the count and votes first, then whole names and how many more tied, within 1,024 characters', () => {
    const choices = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')} ${'x'.repeat(57)}`);
    // 40 voters, two on each choice: a 20-way tie with 2 votes each.
    const t = tally(20, 1, Array.from({ length: 40 }, (_, v) => ({ voter: `u${v}`, choice: v % 20 })));
    const p = poll({ choices, status: 'closed', closedAt: NOW });
    for (const [lang, count] of [['en', '20-way tie, 2 votes each (40 voters):'], ['es', 'Empate entre 20 opciones, con 2 votos cada una (40 votantes):'], ['ru', 'Ничья: 20 вариантов — по 2 голоса (40 проголосовали):']] as const) {
      for (const embed of [pollEmbed(lang, p, t), resultsEmbed(lang, p, t, true)]) {
        const value = embed.fields?.at(-1)?.value ?? '';
        expect(value.length).toBeLessThanOrEqual(1024);
        expect(value.startsWith(count)).toBe(true);
        // Every bold is closed: only whole names.
        expect((value.match(/\*\*/g) ?? []).length % 2).toBe(0);
        const shown = value.split('\n').filter((l) => /^\*\*\d\d x+\*\*$/.test(l)).length;
        expect(shown).toBeGreaterThan(5);
        expect(value.split('\n').at(-1)).toBe({ en: `…and ${20 - shown} more`, es: `…y ${20 - shown} más`, ru: `…и ещё ${20 - shown}` }[lang]);
      }
    }
  });
});

describe('a choice that starts with an emoji', () => {
  const PEPE = '123456789012345678';
  const usable = (id: string) => id === PEPE;
  const choices = [`<:pepe:${PEPE}> Pepe`, '👍🏽 Yes', '<a:gone:999999999999999999> Other server', '🍕'];

  it('shows the emoji in the button’s emoji field and the rest as its label', () => {
    const [row] = pollComponents('en', poll({ choices }), usable);
    const buttons = row!.components as APIButtonComponentWithCustomId[];
    expect(buttons.map((b) => [b.label, b.emoji])).toEqual([
      ['Pepe', { id: PEPE, name: 'pepe' }],
      ['Yes', { name: '👍🏽' }],
      // An emoji Pulse cannot use stays as written; so does an emoji that is the whole choice.
      ['<a:gone:999999999999999999> Other server', undefined],
      ['🍕', undefined],
    ]);
  });

  it('does the same in a select menu', () => {
    const many = [...choices, 'E', 'F'];
    const [row] = pollComponents('en', poll({ choices: many }), usable);
    const menu = row!.components[0] as APIStringSelectComponent;
    expect(menu.options.slice(0, 2).map((o) => [o.label, o.emoji])).toEqual([
      ['Pepe', { id: PEPE, name: 'pepe' }],
      ['Yes', { name: '👍🏽' }],
    ]);
    expect(menu.options[0]!.label).not.toContain('<:pepe:');
  });
});
