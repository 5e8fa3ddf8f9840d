// Members' text in polls: choices and questions counted as Discord counts them (an emoji is one
// character), never cut through an emoji, and a vote receipt that always fits a message.
import { describe, expect, it } from 'vitest';
import { pollComponents, pollEmbed } from '../../src/polls/discord-render.js';
import { parseChoices, parseCreateOptions, tally, voteReceipt, type Poll } from '../../src/polls/poll.js';
import { isWellFormed } from '../../src/text.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');

function poll(over: Partial<Poll> = {}): Poll {
  return {
    id: 7,
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

describe('poll limits, counted as Discord counts', () => {
  it('takes a choice of 80 emoji and a question of 300 (the option’s max_length), refuses one more', () => {
    const ok = parseChoices(`${'🍕'.repeat(80)} | Tacos`);
    expect(ok).toEqual({ ok: true, value: ['🍕'.repeat(80), 'Tacos'] });
    const long = parseChoices(`${'🍕'.repeat(81)} | Tacos`);
    expect(long.ok).toBe(false);
    const base = { choices: 'A | B', multiple: null, maxChoices: null, anonymous: null, hideResults: null, duration: null, roleId: null, native: null };
    expect(parseCreateOptions({ ...base, question: '🍕'.repeat(300) }).ok).toBe(true);
    expect(parseCreateOptions({ ...base, question: '🍕'.repeat(301) }).ok).toBe(false);
  });

  it('cuts button and menu labels to Discord’s limits without splitting an emoji', () => {
    const buttons = pollComponents('en', poll({ choices: ['🍕'.repeat(80), 'B'] }));
    const label = (buttons[0]!.components[0] as { label: string }).label;
    expect(isWellFormed(label)).toBe(true);
    expect(label).toMatch(/^(🍕)+…$/);
    expect(label.length).toBeLessThanOrEqual(80);
    const menu = pollComponents('en', poll({ choices: Array.from({ length: 6 }, (_, i) => `${'🍕'.repeat(80)}${i}`), multiple: true, maxChoices: 6 }));
    const options = (menu[0]!.components[0] as { options: Array<{ label: string }> }).options;
    for (const o of options) expect(isWellFormed(o.label)).toBe(true);
  });

  it('cuts an emoji-heavy question in the card without splitting an emoji', () => {
    const p = poll({ question: '🍕'.repeat(2100), choices: ['A', 'B'] });
    const embed = pollEmbed('en', p, tally(p.choices.length, p.maxChoices, []));
    expect(isWellFormed(embed.description!)).toBe(true);
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
  });
});

describe('the vote receipt', () => {
  it('fits a message even for 20 picks of 80 markdown-heavy characters, naming every pick', () => {
    const choices = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}${'*_'.repeat(39)}`);
    const p = poll({ choices, multiple: true, maxChoices: 20 });
    const picks = choices.map((_, i) => i);
    for (const lang of ['en', 'es', 'ru'] as const) {
      const receipt = voteReceipt(lang, p, picks);
      expect(receipt.length).toBeLessThanOrEqual(2000);
      // Every pick is still named, in bold, each by its own start.
      const names = [...receipt.matchAll(/\*\*(\d\d)(?:\\[*_])*…?\*\*/g)].map((m) => m[1]);
      expect(names).toEqual(choices.map((c) => c.slice(0, 2)));
    }
  });

  it('keeps short receipts as they were: every pick in full', () => {
    const p = poll({ choices: ['Pizza', 'Tacos', 'Sushi'], multiple: true, maxChoices: 3 });
    expect(voteReceipt('en', p, [0, 2])).toBe('You voted for **Pizza** and **Sushi**; click again to withdraw. You can pick 1 more.');
    // As each language writes a list.
    expect(voteReceipt('es', p, [0, 1, 2])).toMatch(/^Votaste por \*\*Pizza\*\*, \*\*Tacos\*\* y \*\*Sushi\*\*; /);
    expect(voteReceipt('ru', p, [0, 2])).toMatch(/^Вы проголосовали за \*\*Pizza\*\* и \*\*Sushi\*\*; /);
  });

  it('a select-menu poll says a new selection replaces this one, not that more can be picked', () => {
    const p = poll({ choices: ['A', 'B', 'C', 'D', 'E', 'F'], multiple: true, maxChoices: 3 });
    expect(voteReceipt('en', p, [0, 1])).toBe(
      'You voted for **A** and **B**; pick again to change it, or use “Withdraw my vote”. A new selection replaces this one, so select all your choices (up to 3) at once.',
    );
    expect(voteReceipt('es', p, [0, 1])).toContain('Una nueva selección reemplaza a esta, así que elige todas tus opciones (hasta 3) a la vez.');
    expect(voteReceipt('ru', p, [0, 1])).toContain('Новый выбор заменит этот, поэтому отмечайте все нужные варианты сразу (не больше 3).');
    for (const lang of ['en', 'es', 'ru'] as const) expect(voteReceipt(lang, p, [0, 1])).not.toMatch(/pick 1 more|elegir 1 más|ещё 1/);
  });
});
