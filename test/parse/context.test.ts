// TimeReader: an event's time from its record (Docker's time first; dockerTimeToIso remembers the last millisecond).
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { TimeReader, recordContext } from '../../src/parse/context.js';
import { dockerTimeToIso } from '../../src/time.js';
import type { LogRecord } from '../../src/stream/types.js';

const rec = (dockerTime: string | null): LogRecord => ({ source: 's', stream: 'stdout', dockerTime, lines: ['x'], seq: 0 });

describe('TimeReader.time with Docker times', () => {
  it('the same millisecond in a row, a bad fraction after a good one, a good one after a bad one: as dockerTimeToIso reads each', () => {
    const times = [
      '2026-03-02T00:00:02.416418000Z',
      '2026-03-02T00:00:02.416418001Z',
      '2026-03-02T00:00:02.416418x02Z',
      '2026-03-02T00:00:02.416418003Z',
      '2026-03-02T00:00:02.41641800Z', // json-file drops a trailing zero: 29 characters
      '2026-03-02T00:00:02.416999999Z',
      '2026-03-02T00:00:02.417000000Z',
      '2026-02-30T00:00:02.417000000Z',
      '2026-02-30T00:00:02.417000001Z',
      '2026-03-02T00:00:60.417000000Z',
      '2026-03-02T00:00:60.417000001Z',
    ];
    const r = new TimeReader('UTC');
    const got = times.map((t) => r.time(recordContext(rec(t), 0, 'x')));
    expect(got).toEqual(times.map((t) => dockerTimeToIso(t)));
    expect(got).toEqual([
      '2026-03-02T00:00:02.416Z',
      '2026-03-02T00:00:02.416Z',
      null,
      '2026-03-02T00:00:02.416Z',
      '2026-03-02T00:00:02.416Z',
      '2026-03-02T00:00:02.416Z',
      '2026-03-02T00:00:02.417Z',
      '2026-03-02T00:00:02.417Z', // Feb 30 reads as Mar 2, as Date.parse reads it
      '2026-03-02T00:00:02.417Z',
      null,
      null,
    ]);
  });

  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom('000', '001', '999', '0x1', '00'), fc.boolean()), { minLength: 1, maxLength: 30 })])(
    'any run of times around one millisecond reads as dockerTimeToIso reads each',
    (xs) => {
      const r = new TimeReader('UTC');
      for (const [ms, tail, z] of xs) {
        const t = `2026-03-02T00:00:02.41${ms}418${tail}${z ? 'Z' : '+00:00'}`;
        expect(r.time(recordContext(rec(t), 0, 'x'))).toBe(dockerTimeToIso(t));
      }
    },
  );

  it('no Docker time: the app time in the zone', () => {
    const r = new TimeReader('Asia/Shanghai');
    expect(r.time(recordContext(rec(null), 0, 'x', '2025/02/21 - 19:30:16'))).toBe('2025-02-21T11:30:16.000Z');
  });
});
