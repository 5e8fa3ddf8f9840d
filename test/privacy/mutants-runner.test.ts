// The opt-out runner: a member's job runs once at a time (asked again while it runs, the same run
// goes over the rows once more, never two at once, and each answer is told "done" once); a job a shutdown interrupts is paused, not failed
// (the member is not told of an error that is only the bot stopping); a job asked again while a
// retry waits keeps counting its failures (its next wait grows).
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { OptOutRunner, type OptOutPorts } from '../../src/privacy/service.js';

const job = { guildId: '1', userId: '2', requestedAt: 0, notifyToken: null };

function runner(ports: Partial<OptOutPorts>, retryDelaysMs?: number[]) {
  const told: string[] = [];
  const written: unknown[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const r = new OptOutRunner(
    {
      entries: [{ name: 'e', table: 'e', columns: ['user_id'], label: 'privacy.entry.messages', fate: 'deleted', stepSize: 64 }],
      logger,
      dropAtTheDoor: () => undefined,
      record: async () => undefined,
      scan: async (_e, _g, _u, _size, onKeys) => onKeys(Array.from({ length: 10 }, (_, i) => [i])),
      write: async (_e, _g, _u, slice) => {
        written.push(...slice.map((k) => k[0]));
        return 1;
      },
      finish: async () => undefined,
      notify: async () => void told.push('done'),
      notifyFailed: async (_job, errorId) => void told.push(`failed ${errorId}`),
      ...ports,
    },
    retryDelaysMs ? { retryDelaysMs } : {},
  );
  return { r, told, written, logs };
}

describe('the opt-out runner', () => {
  it('asked again while it runs, the same run goes over the rows once more (never two at once): "done" once per answer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let scans = 0;
    let scanning = 0;
    let most = 0;
    const { r, told, written } = runner({
      scan: async (_e, _g, _u, _size, onKeys) => {
        scans++;
        most = Math.max(most, ++scanning);
        await gate;
        onKeys(Array.from({ length: 10 }, (_, i) => [i]));
        scanning--;
      },
      notify: async (asked) => void told.push(`done ${asked.notifyToken}`),
    });
    const first = r.start({ ...job, notifyToken: 'a' });
    const second = r.start({ ...job, notifyToken: 'b' });
    const third = r.start({ ...job, notifyToken: 'b' });
    expect(r.has(job.guildId, job.userId)).toBe(true);
    release();
    await Promise.all([first, second, third]);
    expect([scans, most]).toEqual([2, 1]);
    expect(written).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => i)]);
    expect(told).toEqual(['done a', 'done b']);
    expect(r.has(job.guildId, job.userId)).toBe(false);
  });

  it('a newer request the database holds when the job finishes (an admin asked) runs the job again and is told too', async () => {
    let finishes = 0;
    const { r, told } = runner({
      finish: async (done) => (++finishes === 1 ? { ...done, requestedAt: done.requestedAt + 1, notifyToken: null } : undefined),
      notify: async (asked) => void told.push(`done ${asked.notifyToken} ${asked.requestedAt}`),
    });
    await r.start({ ...job, notifyToken: 'a' });
    expect(finishes).toBe(2);
    expect(told).toEqual(['done a 0', 'done null 1']);
  });

  it('a job a shutdown interrupts (its scan fails as the pool stops) is paused: the member is not told of a failure', async () => {
    let fail!: (err: Error) => void;
    const { r, told, logs } = runner({
      scan: () => new Promise<void>((_resolve, reject) => (fail = reject)),
    }, [10]);
    const run = r.start(job);
    await vi.waitFor(() => expect(fail).toBeDefined());
    const stopped = r.stop();
    fail(new Error('the pool is stopping'));
    await stopped;
    expect(await run).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(told).toEqual([]);
    expect(logs.map((l) => l['msg'])).toContain('privacy.opt-out-paused');
    expect(logs.map((l) => l['msg'])).not.toContain('privacy.opt-out-failed');
  });

  it('asked again while a retry waits, the job keeps its failure count: the next wait is the next delay', async () => {
    const { r, logs } = runner({
      write: async () => {
        throw new Error('disk I/O error');
      },
    }, [5_000, 7_000, 9_000]);
    await r.start(job);
    await r.start(job); // the member asks again: runs now, fails a second time
    const failed = logs.filter((l) => l['msg'] === 'privacy.opt-out-failed').map((l) => [l['failures'], l['retryInMs']]);
    expect(failed).toEqual([[1, 5_000], [2, 7_000]]);
    await r.stop();
  });
});
