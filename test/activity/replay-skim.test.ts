// The replay's line skim (replay-skim.ts) against JSON.parse: on every line it returns something
// for, normalize() must read the same as from JSON.parse's value; on invalid JSON it must give up
// (JSON.parse then names the error). And LineParser, which skims, must give the same chunk
// outcome as parsing every line with JSON.parse.
import { describe, expect, it } from 'vitest';
import { normalize, type ActivityEvent } from '../../src/activity/events.js';
import { lineTexts, linesOf } from '../../src/activity/lines.js';
import { isoMillis } from '../../src/activity/instants.js';
import { LineParser, MAX_LISTED, type ParsedChunk } from '../../src/activity/replay-lines.js';
import { skimLine } from '../../src/activity/replay-skim.js';
import { G, join, leave, message, reaction, thread, u, voice } from './payloads.js';

const AT = '2026-11-04T20:00:00.000Z';
const line = (v: unknown) => JSON.stringify(v);

/** The replay's line checks on JSON.parse's value (what LineParser did before it skimmed). */
function reference(texts: readonly string[]): ParsedChunk {
  const out: ParsedChunk = { lines: texts.length, events: [], ignored: 0, skippedTypes: {}, badLines: 0, bad: [] };
  const knownBots = new Set<string>();
  const bad = (line: number, reason: string) => {
    out.badLines++;
    if (out.bad.length < MAX_LISTED) out.bad.push({ line, reason });
  };
  texts.forEach((text, i) => {
    const n = i + 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return bad(n, 'not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad(n, 'not a JSON object');
    const { at, t, d } = value as { at?: unknown; t?: unknown; d?: unknown };
    const missing = [at === undefined && 'at', t === undefined && 't', d === undefined && 'd'].filter(Boolean);
    if (missing.length) return bad(n, `missing ${missing.join(', ')}`);
    const instant =
      typeof at === 'number' ? (Number.isFinite(at) ? at : Number.NaN) : typeof at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(at) ? Date.parse(at) : Number.NaN;
    if (typeof t !== 'string' || Number.isNaN(instant)) return bad(n, typeof t !== 'string' ? '"t" is not a string' : '"at" is not an ISO instant');
    const result = normalize(t, d, instant, knownBots);
    if (result.status === 'events') out.events.push(...result.events);
    else if (result.status === 'untracked') out.skippedTypes[t] = (out.skippedTypes[t] ?? 0) + 1;
    else if (result.status === 'invalid') bad(n, `${t}: ${result.reason}`);
    else {
      out.ignored++;
      if (result.learned) out.events.push(result.learned); // a bot or webhook first seen
    }
  });
  return out;
}

const skim = (text: string) => {
  const b = Buffer.from(text);
  return skimLine(b, 0, b.length);
};

/** Lines the skim must read itself (not give up on), each as JSON.parse would. */
const valid: string[] = [
  line(message(u(1), AT)),
  line(message(u(2), AT, { type: 19, message_reference: { message_id: '300000000000099999', channel_id: '1' }, attachments: [{ id: '1', url: 'x' }, {}] })),
  line(message(u(3), AT, { type: 7 })), // a system message: ignored
  line(message(u(4), AT, { author: { id: u(4), bot: true } })),
  line(message(u(5), AT, { webhook_id: '500000000000000001' })),
  line(message(u(6), AT, { guild_id: null })),
  line(message(u(7), AT, { timestamp: null, content: 'héllo wörld 👍 \u2028 "quoted" back\\slash\ttab\nnewline \u0000 \u001f' })),
  line(reaction(u(1), '300000000000000001', u(2), AT)),
  line(reaction(u(1), '300000000000000001', u(2), AT, '🏳️‍🌈')),
  line({ ...reaction(u(1), '300000000000000001', u(2), AT), d: { ...reaction(u(1), '300000000000000001', u(2), AT).d, emoji: { id: '900000000000000001', name: 'custom' }, member: { user: { id: u(1), bot: true }, joined_at: '2025-01-01' } } }),
  line({ at: AT, t: 'MESSAGE_REACTION_REMOVE', d: { user_id: u(1), guild_id: G, channel_id: '400000000000000001', message_id: '300000000000000001', emoji: { id: null, name: '👍' } } }),
  line({ at: AT, t: 'MESSAGE_DELETE', d: { id: '300000000000000001', guild_id: G, channel_id: '400000000000000001' } }),
  line(voice(u(3), '400000000000000009', AT)),
  line(voice(u(3), null, AT)),
  line(join(u(8), AT)),
  line(leave(u(8), AT)),
  line(thread(u(1), AT)),
  line(thread(u(1), AT, false)),
  line({ at: AT, t: 'GUILD_CREATE', d: { id: G, voice_states: [{ user_id: u(1), channel_id: '400000000000000009' }], members: [{ user: { id: u(9), bot: true } }] } }),
  line({ at: AT, t: 'GUILD_CREATE', d: { id: G, voice_states: [], threads: [{ id: '500000000000000011', parent_id: '400000000000000001', name: 'x', thread_metadata: { archived: false } }] } }),
  line({ at: AT, t: 'GUILD_DELETE', d: { id: G, unavailable: true } }),
  line({ at: AT, t: 'GUILD_DELETE', d: { id: G } }),
  line({ at: AT, t: 'MESSAGE_DELETE_BULK', d: { ids: ['300000000000000001', '300000000000000002'], guild_id: G, channel_id: '400000000000000001' } }),
  line({ at: AT, t: 'MESSAGE_REACTION_REMOVE_ALL', d: { guild_id: G, channel_id: '400000000000000001', message_id: '300000000000000001' } }),
  line({ at: AT, t: 'MESSAGE_REACTION_REMOVE_EMOJI', d: { guild_id: G, channel_id: '400000000000000001', message_id: '300000000000000001', emoji: { id: null, name: '👍' } } }),
  line({ at: AT, t: 'TYPING_START', d: { user_id: u(1), timestamp: 1_793_000_000 } }),
  line({ at: 1_793_000_000_000, t: 'MESSAGE_DELETE', d: { id: '300000000000000002', guild_id: G, channel_id: '400000000000000001' } }),
  line({ at: -0, t: 'MESSAGE_DELETE', d: { id: '300000000000000002', guild_id: G, channel_id: '400000000000000001' } }),
  // Whitespace between every token, a key twice (the last wins), numbers in every JSON form.
  ` \t{ "at" : "${AT}" ,\r"t":"MESSAGE_CREATE", "d" : { "id" : "1" , "id": "300000000000000077", "guild_id":"${G}","channel_id":"400000000000000001",` +
    `"author":{"id":"${u(1)}","id":"${u(2)}"},"type":0.0e0,"n":[-1.5E+3,0,-0,1e-2,[],{},[[{"a":[true,false,null]}]]],"attachments":[ ]}} `,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"id":"300000000000000078","guild_id":"${G}","channel_id":"400000000000000001","author":{"id":"${u(1)}"},"type":19.0}}`,
  // Escapes and non-ASCII in the values the replay reads.
  `{"at":"${AT}","t":"MESSAGE_REACTION_ADD","d":{"user_id":"\\u0032${u(1).slice(1)}","guild_id":"${G}","channel_id":"400000000000000001","message_id":"300000000000000001","emoji":{"id":null,"name":"\\ud83d\\udc4d\\"\\\\\\/\\b\\f\\n\\r\\t"}}}`,
  `{"at":"${AT}","t":"MESSAGE_REACTION_ADD","d":{"user_id":"${u(1)}","guild_id":"${G}","channel_id":"400000000000000001","message_id":"300000000000000001","emoji":{"id":null,"name":"\\ud83d"}}}`,
  `{"at":"${AT}","t":"MESSAGE_REACTION_ADD","d":{"user_id":"${u(1)}","guild_id":"${G}","channel_id":"400000000000000001","message_id":"300000000000000001","emoji":{"id":null,"name":"日本"},"名前":"値"}}`,
  // Invalid payloads (valid JSON): normalize's reasons come from the same values.
  line({ at: AT, t: 'MESSAGE_CREATE', d: { id: 'x' } }),
  line({ at: AT, t: 'MESSAGE_CREATE', d: [] }),
  line({ at: AT, t: 'MESSAGE_CREATE', d: 'text' }),
  line(message(u(1), AT, { author: 'someone' })),
  line(message(u(1), AT, { author: [u(1)] })),
  line(message(u(1), AT, { type: 1.5 })),
  line(message(u(1), AT, { attachments: { length: 1 } })),
  line(message(u(1), AT, { attachments: 'none' })),
  line(message(u(1), AT, { message_reference: [] })),
  line({ ...reaction(u(1), '300000000000000001', u(2), AT), d: { ...reaction(u(1), '300000000000000001', u(2), AT).d, member: { joined_at: 5 } } }),
  line({ ...reaction(u(1), '300000000000000001', u(2), AT), d: { ...reaction(u(1), '300000000000000001', u(2), AT).d, member: { user: 'x', joined_at: ['2025'] } } }),
  line({ ...reaction(u(1), '300000000000000001', u(2), AT), d: { ...reaction(u(1), '300000000000000001', u(2), AT).d, emoji: null } }),
  line({ at: AT, t: 'GUILD_CREATE', d: { id: G, voice_states: {}, members: 'x' } }),
  line({ at: AT, t: 'GUILD_CREATE', d: { id: G, threads: [{ id: 'x', parent_id: 5 }] } }),
  line({ at: AT, t: 'GUILD_DELETE', d: { id: G, unavailable: 'yes' } }),
  line({ at: AT, t: 'MESSAGE_DELETE_BULK', d: { ids: ['300000000000000001', 'x'], guild_id: G, channel_id: '400000000000000001' } }),
  line({ at: AT, t: 'MESSAGE_DELETE_BULK', d: { ids: '300000000000000001', guild_id: G, channel_id: '400000000000000001' } }),
  // Bad line shapes that are still JSON objects.
  line({ t: 'MESSAGE_CREATE', d: {} }),
  line({ at: AT, d: {} }),
  line({}),
  line({ at: AT, t: 5, d: {} }),
  line({ at: 'yesterday', t: 'MESSAGE_CREATE', d: {} }),
  line({ at: { when: AT }, t: ['MESSAGE_CREATE'], d: null }),
  line({ at: true, t: 'MESSAGE_CREATE', d: {} }),
];

/** Lines JSON.parse refuses (or that are not objects): the skim must give up on every one. */
const invalid: string[] = [
  'this is not json',
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{}`, // unclosed
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{}}}`, // trailing brace
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{},}`, // trailing comma
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":[1,]}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":01}}`, // leading zero
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":1.}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":.5}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":-}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":1e}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":+1}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":NaN}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":tru}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":nulll}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":"bad \\x escape"}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":"bad \\u12G4 escape"}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":"raw \t tab"}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a":"unterminated}}`,
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{a:1}}`, // unquoted key
  `{'at':'${AT}'}`,
  `{"at":"${AT}" "t":"MESSAGE_CREATE"}`, // missing comma
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"a" 1}}`, // missing colon
  `{"at":"${AT}","t":"MESSAGE_CREATE","d":{"id":"1"}} x`,
  `\ufeff{"at":"${AT}","t":"TYPING_START","d":{}}`, // a byte-order mark
  `{"at":"${AT}","t":"TYPING_START","d":{}}\u00a0`, // whitespace JSON does not allow
  '[1,2]',
  '"a string"',
  '42',
  'null',
  '',
  '   ',
];

describe('replay line skim', () => {
  it('reads each valid line itself, as normalize would read JSON.parse of it', () => {
    for (const text of valid) {
      const skimmed = skim(text);
      expect(skimmed, text).toBeDefined();
      const full = JSON.parse(text) as { at?: unknown; t?: unknown; d?: unknown };
      // The top level: the same keys, `at` and `t` exactly.
      expect(Object.keys(skimmed!).sort(), text).toEqual(Object.keys(full).filter((k) => ['at', 't', 'd'].includes(k)).sort());
      expect(skimmed!.at, text).toEqual(full.at);
      expect(Object.is(skimmed!.at, full.at) || typeof full.at === 'object', text).toBe(true);
      expect(skimmed!.t, text).toEqual(full.t);
      // `attachments` is kept as its length.
      const attachments = (full.d as { attachments?: unknown } | null)?.attachments;
      if (Array.isArray(attachments)) expect((skimmed!.d as { attachments: unknown[] }).attachments).toHaveLength(attachments.length);
      // `d`: normalize gives the same, for every type (tracked or not).
      for (const t of [full.t, 'MESSAGE_CREATE', 'MESSAGE_DELETE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'THREAD_CREATE', 'VOICE_STATE_UPDATE', 'GUILD_MEMBER_ADD', 'GUILD_CREATE']) {
        if (typeof t !== 'string') continue;
        const bots = [new Set<string>(), new Set<string>()];
        expect(normalize(t, skimmed!.d, 5, bots[0]), `${t} ${text}`).toEqual(normalize(t, full.d, 5, bots[1]));
        expect(bots[0]).toEqual(bots[1]);
      }
    }
  });

  it('gives up on every line that is not a JSON object', () => {
    for (const text of invalid) {
      expect(() => {
        const v = JSON.parse(text) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      }, text).toThrow();
      expect(skim(text), text).toBeUndefined();
    }
  });

  it('gives up on an escaped key (it might be a wanted one), and the parser still reads it', () => {
    const text = `{"at":"${AT}","t":"MESSAGE_DELETE","\\u0064":{"id":"300000000000000001","guild_id":"${G}","channel_id":"400000000000000001"}}`;
    expect(skim(text)).toBeUndefined();
    const parsed = new LineParser().parse(linesOf(text));
    expect(parsed.events).toEqual([{ kind: 'message-delete', guildId: G, at: Date.parse(AT), messageId: '300000000000000001', channelId: '400000000000000001' }]);
  });

  it('reads a range inside a bigger buffer, not past its end', () => {
    const text = line({ at: AT, t: 'TYPING_START', d: {} });
    const b = Buffer.from(`xx${text}}yy`);
    expect(skimLine(b, 2, 2 + Buffer.byteLength(text))).toEqual({ at: AT, t: 'TYPING_START', d: {} });
    expect(skimLine(b, 2, 2 + Buffer.byteLength(text) - 1)).toBeUndefined(); // cut short: not JSON
  });

  it('a chunk of every kind of line: LineParser gives what JSON.parse line by line gives, line numbers and all', () => {
    const texts = [...valid, ...invalid, ...valid.slice(0, 5)];
    const parsed = new LineParser().parse(linesOf(texts.join('\n') + '\n'));
    expect(parsed).toEqual(reference(texts));
    expect(parsed.events.length).toBeGreaterThan(20);
    expect(parsed.bad.find((b) => b.line === valid.length + 1)).toEqual({ line: valid.length + 1, reason: 'not valid JSON' });
    // Kept across chunks: line numbers go on, bots seen before are still known.
    const parser = new LineParser();
    const halves = [texts.slice(0, 30), texts.slice(30)];
    const both = halves.map((h) => parser.parse(linesOf(h.join('\n'))));
    expect(both[1]!.bad.map((b) => b.line)).toEqual(reference(texts).bad.filter((b) => b.line > 30).map((b) => b.line));
    expect([...both[0]!.events, ...both[1]!.events]).toEqual(reference(texts).events as ActivityEvent[]);
  });

  it('CRLF line ends: the CR is dropped before the line is read', () => {
    const texts = [line(message(u(1), AT)), line(join(u(2), AT)), '', 'not json'];
    const chunk = linesOf(texts.join('\r\n') + '\r\n');
    expect(lineTexts(chunk)).toEqual(texts);
    expect(new LineParser().parse(chunk)).toEqual(reference(texts));
  });
});

/** How many of the samples isoMillis reads itself, each checked against Date.parse (the rest it leaves to it). */
function readAsDateParse(samples: readonly string[]): number {
  let read = 0;
  for (const s of samples) {
    const fast = isoMillis(s);
    if (fast === undefined) continue;
    read++;
    expect(fast, s).toBe(Date.parse(s));
  }
  return read;
}

describe('the replay reads "at" instants', () => {
  it('as Date.parse does, or leaves them to it', () => {
    const pad = (v: number, n: number) => String(v).padStart(n, '0');
    const iso = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const samples = [
      iso(2026, 11, 11, 0, 0, 0, 40),
      iso(2024, 2, 28, 23, 59, 59, 999),
      iso(2024, 2, 29, 12, 0, 0, 0), // a leap day
      iso(2025, 2, 29, 12, 0, 0, 0), // no such day: left out (Date.parse would read March 1)
      iso(2026, 13, 1, 0, 0, 0, 0),
      iso(2026, 0, 1, 0, 0, 0, 0),
      iso(2026, 1, 0, 0, 0, 0, 0),
      iso(2026, 1, 1, 24, 0, 0, 0),
      iso(2026, 1, 1, 0, 60, 0, 0),
      iso(2026, 1, 1, 0, 0, 60, 0),
      iso(50, 1, 1, 0, 0, 0, 0), // a two-digit year Date.UTC would move to 1950
      iso(0, 1, 1, 0, 0, 0, 0),
      '2026-11-11T00:00:00.040+00:00',
      '2026-11-11T00:00:00Z',
      '2026-11-11T00:00:00.04Z',
      '2026-11-11 00:00:00.040Z',
      '2026-11-1a T00:00:00.040Z',
      '2026-11-11T00:00:00.0-0Z',
      '+02026-11-11T00:00:00.0Z',
    ];
    for (let i = 0; i < 3000; i++) samples.push(iso(rand(3000), rand(15), rand(33), rand(26), rand(62), rand(62), rand(1000)));
    expect(readAsDateParse(samples)).toBeGreaterThan(500);
    expect(isoMillis(iso(2026, 11, 11, 0, 0, 0, 40))).toBe(Date.parse('2026-11-11T00:00:00.040Z'));
    expect(isoMillis(iso(50, 1, 1, 0, 0, 0, 0))).toBeUndefined();
  });

  it('past the 28th: the days the month has (February 29 in a leap year), none it does not', () => {
    for (const s of ['2024-02-29T12:00:00.000Z', '2000-02-29T00:00:00Z', '2026-01-31T23:59:59.999Z', '2026-04-30T00:00:00+02:00', '2026-12-31T12:00:00.123456+00:00']) expect(isoMillis(s), s).toBe(Date.parse(s));
    for (const s of ['2025-02-29T12:00:00.000Z', '1900-02-29T00:00:00Z', '2026-02-30T09:00:00.000Z', '2026-04-31T00:00:00Z', '2026-06-31T00:00:00Z', '2026-09-31T00:00:00Z', '2026-11-31T00:00:00Z', '2026-01-32T00:00:00Z']) {
      expect(isoMillis(s), s).toBeUndefined();
    }
  });

  it("in Discord's form (microseconds, an offset) and other fractions and offsets, as Date.parse does", () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), Math.floor(seed / 65536) % n);
    const digits = (n: number) => Array.from({ length: n }, () => String(rand(10))).join('');
    const pad = (v: number) => String(v).padStart(2, '0');
    const samples = [
      '2026-11-11T17:27:07.299000+00:00',
      '2026-11-11T17:27:07+00:00',
      '2026-11-11T17:27:07Z',
      '2026-11-11T17:27:07.5Z',
      '2026-11-11T17:27:07.25-05:30',
      '2026-11-11T17:27:07.123456789Z',
      '2026-11-11T17:27:07.1234567890Z', // 10 digits
      '2026-11-11T17:27:07.Z',
      '2026-11-11T17:27:07.299000+24:00',
      '2026-11-11T17:27:07.299000+00:60',
      '2026-11-11T17:27:07.299000 00:00',
      '2026-11-11T17:27:07.299000+0000',
      '2026-11-11T17:27:07.299000+00:00Z',
      '2026-11-29T17:27:07.299000+00:00', // past the 28th
      '2026-11-31T17:27:07.299000+00:00', // no such day: left out
    ];
    for (let i = 0; i < 3000; i++) {
      const date = `${String(rand(2200)).padStart(4, '0')}-${pad(1 + rand(13))}-${pad(rand(30))}T${pad(rand(25))}:${pad(rand(61))}:${pad(rand(61))}`;
      const fraction = rand(4) === 0 ? '' : `.${digits(rand(11))}`;
      const zone = [`Z`, `+00:00`, `-${pad(rand(26))}:${pad(rand(62))}`, `+${pad(rand(24))}:${pad(rand(60))}`, ``, `z`][rand(6)];
      samples.push(date + fraction + zone);
    }
    expect(readAsDateParse(samples)).toBeGreaterThan(500);
    expect(isoMillis('2026-11-11T17:27:07.299000+00:00')).toBe(Date.UTC(2026, 10, 11, 17, 27, 7, 299));
    expect(isoMillis('2026-11-11T17:27:07.25-05:30')).toBe(Date.UTC(2026, 10, 11, 22, 57, 7, 250));
    for (const s of ['2026-11-11T17:27:07.Z', '2026-11-11T17:27:07.1234567890Z', '2026-11-11T17:27:07.299000+24:00', '2026-11-11T17:27:07.299000+0000']) expect(isoMillis(s), s).toBeUndefined();
  });
});
