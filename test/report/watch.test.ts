// What watch prints (src/report/watch.ts) that is pure: the growth's text, cutting a coloured line to the terminal's
// width, the session's min/max/mean, the sparkline and the line per sample. The screen and lines as a whole: test/e2e/watch*.engine.test.ts.
import { describe, expect, it } from 'vitest';
import { fit, growthText, renderWatchLine, sessionStats, sparkline, type WatchRecord, type WatchView } from '../../src/report/watch.js';
import { noFacts } from '../../src/sources/facts.js';

describe('growthText', () => {
  const cases: { input: number | null; want: string }[] = [
    { input: null, want: '—' },
    { input: 0, want: '0/h (0/min)' },
    { input: 600, want: '+600/h (+10/min)' },
    { input: 30, want: '+30/h (+0.5/min)' },
    { input: -1234.4, want: '-1234/h (-21/min)' },
    { input: 2.04, want: '+2/h (0/min)' },
    { input: 0.01, want: '0/h (0/min)' },
  ];
  for (const c of cases) it(`${c.input} → ${c.want}`, () => expect(growthText(c.input, '—')).toBe(c.want));
});

describe('fit: a line cut to the terminal width', () => {
  const cases: { name: string; input: [string, number]; want: string }[] = [
    { name: 'short enough: untouched', input: ['abc', 3], want: 'abc' },
    { name: 'too long: cut with an ellipsis in the last column', input: ['abcdef', 4], want: 'abc…' },
    { name: 'colour codes take no columns and are closed when cut', input: ['\x1b[33mabcdef\x1b[39m', 4], want: '\x1b[33mabc…\x1b[0m' },
    { name: 'colour codes around a line that fits', input: ['\x1b[1mab\x1b[22m', 2], want: '\x1b[1mab\x1b[22m' },
    { name: 'CJK characters take two columns', input: ['增长增长增长', 7], want: '增长增…' },
  ];
  for (const c of cases) it(c.name, () => expect(fit(...c.input)).toBe(c.want));
});

describe('sessionStats: min, max and mean of every count seen, whatever the length of the session', () => {
  // 8 days of watching at 5 s is 138,240 samples: Math.min/max(...seen) overflowed the stack past ~125k
  const week = Array.from({ length: 200_000 }, (_, i) => (i === 150_000 ? 4000 : 900 + (i % 81) - 40));
  it.each<{ name: string; input: number[]; want: { min: number; max: number; avg: number } | null }>([
    { name: 'no sample', input: [], want: null },
    { name: 'three samples', input: [2100, 1900, 2301], want: { min: 1900, max: 2301, avg: 2100 } },
    { name: '200,000 samples (8 days at 3.5 s)', input: week, want: { min: 860, max: 4000, avg: Math.round(week.reduce((a, b) => a + b, 0) / week.length) } },
  ])('$name', ({ input, want }) => expect(sessionStats(input)).toEqual(want));
});

describe('sparkline', () => {
  const table = [
    { name: 'empty', input: [], want: '' },
    { name: 'rising', input: [0, 1, 2, 3, 4, 5, 6, 7], want: '▁▂▃▄▅▆▇█' },
    { name: 'flat', input: [5, 5, 5], want: '▄▄▄' },
    { name: 'gaps stay blank', input: [100, null, 200], want: '▁ █' },
    { name: 'all unknown', input: [null, null], want: '' },
  ];
  it.each(table)('$name', ({ input, want }) => expect(sparkline(input)).toBe(want));
});

describe('renderWatchLine: one key=value line per sample', () => {
  const view = (over: Partial<WatchView> = {}, rec: Partial<WatchRecord> = {}): WatchView => ({
    c: noFacts('gw', 'no such container'),
    rec: { time: '2026-03-02T08:00:00.000Z', container: 'gw', goroutines: null, goroutineSource: null, memory: null, cpuPercent: null, containerMemory: null, restarts: null, state: null, ...rec },
    thresholds: { warning: 2000, critical: 5000, emergency: 10000 },
    history: [],
    seen: [],
    started: 0,
    now: 0,
    events: [],
    followError: null,
    growth: null,
    growthWindowMs: 15 * 60_000,
    channels: [],
    ...over,
  });

  it('Docker gone: every value unknown, the problem named', () => {
    expect(renderWatchLine(view(), { lang: 'en' })).toBe(
      '2026-03-02T08:00:00.000Z goroutines=? level=unknown cpu=? restarts=? state=? problem="cannot inspect the container: no such container (retrying)" growth=?',
    );
  });

  it('a running sample from the log: level by the thresholds, memory, growth per hour', () => {
    const c = noFacts('gw');
    c.state = { status: 'running', running: true } as NonNullable<typeof c.state>;
    const rec = { goroutines: 2400, goroutineSource: 'log' as const, memory: { allocMb: 12, totalAllocMb: null, sysMb: 30, numGc: 7 }, cpuPercent: 3.1, restarts: 2, state: 'running' };
    expect(renderWatchLine(view({ c, growth: 600 }, rec), { lang: 'en' })).toBe(
      '2026-03-02T08:00:00.000Z goroutines=2400 level=warning source=log alloc=12MB sys=30MB gc=7 cpu=3.10% restarts=2 state=running growth=+600/h',
    );
  });
});
