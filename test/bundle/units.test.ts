import { describe, expect, it } from 'vitest';
import { safeName, utcStamp } from '../../src/bundle/writer.js';
import { splitMessages } from '../../src/sources/bundle.js';
import { trendLine } from '../../src/bundle/summary-md.js';

describe('safeName', () => {
  const cases = [
    { name: 'plain', input: 'one-api', want: 'one-api' },
    { name: 'leading slash (inspect Name)', input: '/one-api', want: 'one-api' },
    { name: 'spaces, colons, slashes', input: 'my app:1/x', want: 'my-app-1-x' },
    { name: 'dot name', input: '..', want: 'container' },
    { name: 'empty', input: '', want: 'container' },
    { name: 'unicode', input: '网关-1', want: '1' },
  ];
  for (const c of cases) it(c.name, () => expect(safeName(c.input)).toBe(c.want));
  it('utcStamp', () => expect(utcStamp(Date.UTC(2025, 10, 3, 14, 0, 5, 123))).toBe('20251103T140005.123Z'));
});

describe('splitMessages (docker logs -t text → messages)', () => {
  const TS1 = '2026-11-26T12:37:49.450722864Z';
  const TS2 = '2026-11-26T12:37:50.000000001Z';
  const cases: { name: string; input: string; want: [string | null, string][] }[] = [
    { name: 'one line', input: `${TS1} hello`, want: [[TS1, 'hello']] },
    { name: 'no timestamp', input: 'plain text', want: [[null, 'plain text']] },
    { name: '16 KB parts repeat the timestamp: removed', input: `${TS1} ${'x'.repeat(16384)}${TS1} ${'y'.repeat(10)}`, want: [[TS1, `${'x'.repeat(16384)}${'y'.repeat(10)}`]] },
    { name: 'unterminated message then a later one (restart)', input: `${TS1} no newline${TS2} [SYS] started`, want: [[TS1, 'no newline'], [TS2, '[SYS] started']] },
    { name: 'an earlier timestamp in the text is text', input: `${TS2} logged ${TS1} at`, want: [[TS2, `logged ${TS1} at`]] },
    { name: 'a shorter timestamp in the text is text', input: `${TS1} at 2026-11-26T12:37:50.5Z ok`, want: [[TS1, 'at 2026-11-26T12:37:50.5Z ok']] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got: [string | null, string][] = [];
      splitMessages((ts, text) => got.push([ts, text]))(c.input, false);
      expect(got).toEqual(c.want);
    });
  }
});

describe('trendLine', () => {
  const s = (counts: number[]) => counts.map((count) => ({ time: null, count }));
  const cases = [
    { name: 'none', input: s([]), want: null },
    { name: 'few: every sample', input: s([800, 1200, 900]), want: '800 → 1200 → 900' },
    { name: 'many: bucket peaks', input: s(Array.from({ length: 20 }, (_, i) => i * 100)), want: '100 → 300 → 500 → 700 → 900 → 1100 → 1300 → 1500 → 1700 → 1900' },
  ];
  for (const c of cases) it(c.name, () => expect(trendLine(c.input)).toBe(c.want));
});
