// The logger's err serializer: a failed Discord request is logged without what Pulse sent.
import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

const SECRET = 'the member wrote this in confidence';
const TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA';

describe('the err serializer', () => {
  it('keeps what went wrong and drops the request body of a DiscordAPIError', () => {
    const { logger, lines } = capture();
    const err = new DiscordAPIError(
      { code: 40005, message: 'Request entity too large' },
      40005,
      400,
      'PATCH',
      `https://discord.com/api/v10/webhooks/123456789012345678/${TOKEN}/messages/@original?wait=true`,
      { files: [{ name: 'pulse-data.json', data: Buffer.from(JSON.stringify({ note: SECRET })) }], body: { content: SECRET } },
    );
    // A child logger (as features make) logs through the same serializers.
    logger.child({ feature: 'privacy' }).error({ err, guild: '1' }, 'interaction.failed');
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).not.toContain(SECRET);
    // The body as bytes, as JSON or as base64 is gone, and the interaction's token with it.
    expect(line).not.toContain(Buffer.from(JSON.stringify({ note: SECRET })).toString('base64'));
    expect(line).not.toContain('requestBody');
    expect(line).not.toContain(TOKEN);
    const logged = (JSON.parse(line) as { err: Record<string, unknown> }).err;
    expect(logged).toMatchObject({ type: 'DiscordAPIError', code: 40005, status: 400, method: 'PATCH', url: '/api/v10/webhooks/123456789012345678/:token/messages/@original', discord: { code: 40005, message: 'Request entity too large' } });
    expect(logged['message']).toBe('Request entity too large');
    expect(typeof logged['stack']).toBe('string');
  });

  it("drops an HTTPError's body, and a nested error's", () => {
    const { logger, lines } = capture();
    const http = new HTTPError(502, 'Bad Gateway', 'POST', 'https://discord.com/api/v10/channels/1/messages', { files: undefined, body: { content: SECRET } });
    const wrapper = Object.assign(new Error('post failed'), { inner: http });
    logger.warn({ err: wrapper }, 'feedback.post-failed');
    logger.warn({ err: new AggregateError([http], 'several') }, 'x');
    expect(lines.join('\n')).not.toContain(SECRET);
    expect((JSON.parse(lines[0]!) as { err: { inner: Record<string, unknown> } }).err.inner).toMatchObject({ status: 502, method: 'POST', url: '/api/v10/channels/1/messages' });
  });

  it('leaves other errors as they were', () => {
    const { logger, lines } = capture();
    logger.error({ err: Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR', errorId: 'ab12cd34' }) }, 'x');
    expect((JSON.parse(lines[0]!) as { err: unknown }).err).toMatchObject({ type: 'Error', message: 'disk I/O error', code: 'SQLITE_IOERR', errorId: 'ab12cd34' });
  });
});
