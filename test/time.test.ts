import { describe, expect, it } from 'vitest';
import { dockerTimeToIso, sleep } from '../src/time.js';

// dockerTimeToIso has a fast path for Docker's `…SS.nnnnnnnnnZ` form; it must agree with Date.parse everywhere.
describe('dockerTimeToIso', () => {
  const slow = (t: string) => {
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
  };
  const cases: { name: string; input: string; want: string | null }[] = [
    { name: '9 digits truncated to ms', input: '2026-11-26T12:37:49.450922864Z', want: '2026-11-26T12:37:49.450Z' },
    { name: 'all nines not rounded up', input: '2026-11-26T12:37:49.999999999Z', want: '2026-11-26T12:37:49.999Z' },
    { name: 'json-file trims zeros', input: '2025-02-21T11:30:16.93802264Z', want: '2025-02-21T11:30:16.938Z' },
    { name: 'one digit', input: '2026-11-26T12:37:49.1Z', want: '2026-11-26T12:37:49.100Z' },
    { name: 'no fraction', input: '2025-02-21T11:30:16Z', want: '2025-02-21T11:30:16.000Z' },
    { name: 'offset', input: '2025-02-21T19:30:16.123+08:00', want: '2025-02-21T11:30:16.123Z' },
    { name: 'Feb 30 normalised like Date.parse', input: '2025-02-30T00:00:00.123456789Z', want: '2025-03-02T00:00:00.123Z' },
    { name: 'month 13', input: '2025-13-01T00:00:00.123Z', want: null },
    { name: 'letters in the fraction', input: '2025-02-21T11:30:16.12a456789Z', want: null },
    { name: 'garbage', input: 'garbage', want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(dockerTimeToIso(c.input)).toBe(c.want);
      expect(dockerTimeToIso(c.input)).toBe(slow(c.input));
    });
  }
});

describe('sleep: the one abortable pause', () => {
  it('resolves true when the whole time passed', async () => {
    await expect(sleep(5)).resolves.toBe(true);
  });
  it('resolves false at once when the signal had already aborted', async () => {
    const c = new AbortController();
    c.abort(new Error('stop'));
    await expect(sleep(3_600_000, c.signal)).resolves.toBe(false);
  });
  it('resolves false when the signal aborts during the wait, never throws', async () => {
    const c = new AbortController();
    const p = sleep(3_600_000, c.signal);
    c.abort(new Error('stop'));
    await expect(p).resolves.toBe(false);
  });
  it('a negative wait is no wait', async () => {
    await expect(sleep(-50)).resolves.toBe(true);
  });
});
