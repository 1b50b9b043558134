import { describe, expect, it } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import { dockerTimeToIso, dockerTsPrefixLength, dockerTsPrefixLengthRe, isDockerApiTs, localZone, sleep, stripDockerTs } from '../src/time.js';

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
    { name: 'two digits', input: '2026-11-26T12:37:49.12Z', want: '2026-11-26T12:37:49.120Z' },
    { name: 'a dot and no digit', input: '2026-11-26T12:37:49.Z', want: null },
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
  // A second validated once stands for its whole minute: the next seconds of the minute, and a bad second after a
  // good one, must still read as Date.parse reads them.
  it('in a row, as a log has them: seconds of one minute, a leap second, the next minute, a day that does not exist', () => {
    const inputs = [
      '2026-11-26T12:37:49.450922864Z',
      '2026-11-26T12:37:49.451000000Z',
      '2026-11-26T12:37:50.000000001Z',
      '2026-11-26T12:37:59.999999999Z',
      '2026-11-26T12:37:60.000000000Z',
      '2026-11-26T12:37:05.5Z',
      '2026-11-26T12:37:6x.000000000Z',
      '2026-11-26T12:38:00.000000000Z',
      '2025-02-29T23:59:58.000000000Z',
      '2025-02-29T23:59:59.000000000Z',
      '2025-02-28T23:59:59.000000000Z',
      '2025-02-28T23:59:60.000000000Z',
    ];
    expect(inputs.map(dockerTimeToIso)).toEqual(inputs.map(slow));
    expect(inputs.map(dockerTimeToIso)).toEqual([
      '2026-11-26T12:37:49.450Z',
      '2026-11-26T12:37:49.451Z',
      '2026-11-26T12:37:50.000Z',
      '2026-11-26T12:37:59.999Z',
      null,
      '2026-11-26T12:37:05.500Z',
      null,
      '2026-11-26T12:38:00.000Z',
      '2025-03-01T23:59:58.000Z',
      '2025-03-01T23:59:59.000Z',
      '2025-02-28T23:59:59.000Z',
      null,
    ]);
  });
  ptest.prop([fc.array(fc.tuple(fc.integer({ min: 7, max: 8 }), fc.integer({ min: 0, max: 69 }), fc.integer({ min: 0, max: 999_999_999 })), { minLength: 1, maxLength: 40 })])(
    'any run of seconds (60–69 among them) over two minutes reads as Date.parse reads it',
    (xs) => {
      for (const [min, sec, ns] of xs) {
        const t = `2026-11-26T12:3${min}:${String(sec).padStart(2, '0')}.${String(ns).padStart(9, '0')}Z`;
        expect(dockerTimeToIso(t)).toBe(slow(t));
      }
    },
  );
});

describe('localZone', () => {
  it("is the zone Intl reports for this process (TZ as it is, and unset)", () => {
    const saved = process.env.TZ;
    try {
      expect(localZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
      delete process.env.TZ;
      expect(localZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
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

describe('stripDockerTs', () => {
  const cases = [
    { name: 'nano Z', input: '2025-02-21T11:30:16.123456789Z [SYS] x', want: { ts: '2025-02-21T11:30:16.123456789Z', text: '[SYS] x' } },
    { name: 'no fraction', input: '2025-02-21T11:30:16Z a b', want: { ts: '2025-02-21T11:30:16Z', text: 'a b' } },
    { name: 'offset', input: '2025-02-21T19:30:16.5+08:00 hi', want: { ts: '2025-02-21T19:30:16.5+08:00', text: 'hi' } },
    { name: 'empty message', input: '2025-02-21T11:30:16.123456789Z ', want: { ts: '2025-02-21T11:30:16.123456789Z', text: '' } },
    { name: 'app time is not a docker prefix', input: '2025/02/21 - 11:30:16 | x', want: null },
    { name: 'no space after', input: '2025-02-21T11:30:16Zx', want: null },
  ];
  for (const c of cases) it(c.name, () => expect(stripDockerTs(c.input)).toEqual(c.want));
});

describe('dockerTsPrefixLength agrees with the regexp', () => {
  const cases = [
    '2025-02-21T11:30:16.123456789Z x', '2025-02-21T11:30:16Z x', '2025-02-21T11:30:16.5+08:00 x', '2025-02-21T11:30:16.5-05:30 x',
    '2025-02-21T11:30:16.1234567890Z x', '2025-02-21T11:30:16.Z x', '2025-02-21T11:30:16.123Z', '2025-02-21T11:30:16.123Zx',
    '2025-02-21 11:30:16.123Z x', '2025/02/21T11:30:16Z x', '2025-02-21T11:30:16+0800 x', '', 'short',
  ];
  for (const c of cases) it(JSON.stringify(c), () => expect(dockerTsPrefixLength(c)).toBe(dockerTsPrefixLengthRe(c)));
  ptest.prop([fc.string({ unit: fc.constantFrom(...'0123456789-T:.Z+ x'.split('')), maxLength: 40 })])('random strings of the timestamp alphabet', (s) => {
    expect(dockerTsPrefixLength(s)).toBe(dockerTsPrefixLengthRe(s));
  });
  ptest.prop([fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), fc.integer({ min: 0, max: 9 }), fc.string({ maxLength: 5 })])('real timestamps', (d, digits, rest) => {
    const iso = d.toISOString().slice(0, 19) + (digits ? '.' + '123456789'.slice(0, digits) : '') + 'Z ' + rest;
    expect(dockerTsPrefixLength(iso)).toBe(dockerTsPrefixLengthRe(iso));
    expect(dockerTsPrefixLength(iso)).toBeGreaterThan(0);
  });
});

describe('isDockerApiTs: the API own stamp (9 digits, Z, one space) at a place in a line', () => {
  const cases = [
    { name: 'at the start', input: '2026-11-26T12:37:49.450722864Z hello', at: 0, want: true },
    { name: 'inside a line', input: 'part one2026-11-26T12:37:49.450722864Z part two', at: 8, want: true },
    { name: 'fewer digits', input: '2026-11-26T12:37:49.4507228Z x', at: 0, want: false },
    { name: 'an offset', input: '2026-11-26T12:37:49.4507+08:00 x', at: 0, want: false },
    { name: 'no space after', input: '2026-11-26T12:37:49.450722864Zx', at: 0, want: false },
    { name: 'cut short', input: '2026-11-26T12:37:49.450722864Z', at: 0, want: false },
    { name: 'not at that place', input: 'x 2026-11-26T12:37:49.450722864Z y', at: 0, want: false },
  ];
  for (const c of cases) it(c.name, () => expect(isDockerApiTs(c.input, c.at)).toBe(c.want));
});
