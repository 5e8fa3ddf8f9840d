// The plain line for each kind of start-up failure, and the advice for each gateway close code.
import { describe, expect, it } from 'vitest';
import { closeCodeAdvice } from '../../src/discord/gateway-watch.js';
import { explainStartFailure } from '../../src/discord/start-failure.js';

const network = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect failed'), { code }) });

describe('explainStartFailure', () => {
  it.each([
    ['REST 401 (discord.js TokenInvalid)', Object.assign(new Error('An invalid token was provided.'), { code: 'TokenInvalid' }), null, /^Pulse cannot start: Discord rejected the token: .*DISCORD_TOKEN\.$/],
    ['gateway 4004', new Error('Authentication failed'), 4004, /^Pulse cannot start: Discord rejected the token/],
    ['gateway 4014', new Error('Used disallowed intents'), 4014, /^Pulse cannot start: Discord refused the Server Members intent: .*; then start Pulse again\.$/],
    ['gateway 4013', new Error('Used invalid intents'), 4013, /update Pulse; then start Pulse again\.$/],
    ['DNS failure', network('ENOTFOUND'), null, /^Pulse cannot start: it cannot reach Discord at https:\/\/discord\.com\/api \(ENOTFOUND\)\. Check the network connection, then start Pulse again\.$/],
    ['timeout', Object.assign(new Error('aborted'), { name: 'AbortError' }), null, /did not answer in time/],
    ['Discord 503', Object.assign(new Error('Service Unavailable'), { status: 503 }), null, /^Pulse cannot start: Discord answered HTTP 503; .*Start Pulse again later\.$/],
    ['anything else', new Error('boom'), null, /^Pulse cannot start: boom\. The log above has the details\.$/],
  ] as const)('%s', (_name, err, code, expected) => {
    const line = explainStartFailure(err, code, undefined);
    expect(line).toMatch(expected);
    expect(line).not.toContain('\n');
  });

  it('names DISCORD_API_URL when one is set', () => {
    expect(explainStartFailure(network('ECONNREFUSED'), null, 'http://127.0.0.1:9')).toBe(
      'Pulse cannot start: it cannot reach Discord at http://127.0.0.1:9 (ECONNREFUSED). Check the network connection and DISCORD_API_URL, then start Pulse again.',
    );
  });
});

describe('closeCodeAdvice', () => {
  it('says what to do for the codes an operator can fix, and that Pulse retries otherwise', () => {
    expect(closeCodeAdvice(4004)).toMatch(/Reset Token.*DISCORD_TOKEN/);
    expect(closeCodeAdvice(4014)).toMatch(/Server Members Intent/);
    expect(closeCodeAdvice(4011)).toMatch(/sharding/);
    expect(closeCodeAdvice(1006)).toMatch(/network.*Pulse retries/);
    expect(closeCodeAdvice(4000)).toBe('Discord closed the connection (code 4000); Pulse retries. If this goes on, check https://discordstatus.com, the network, and DISCORD_API_URL if set');
  });
});
