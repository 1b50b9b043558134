// The pure pieces of watch's loop: the growth (the trend's slope, within runs) and the per-channel relay-error summary
// (the channels ranking). What it prints of them is test/report/watch.test.ts.
import { describe, expect, it } from 'vitest';
import { channelErrors, growthPerHour, type GrowthPoint } from '../../src/commands/watch.js';
import { channelErrorsText } from '../../src/report/watch.js';
import { theilSen } from '../../src/analyze/trend.js';
import { ChannelTable } from '../../src/analyze/channels.js';
import type { GEvent } from '../../src/events.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');
/** `values` one a minute from T0, all in `run`. */
const series = (values: number[], run = 0, start = T0): GrowthPoint[] => values.map((v, i) => ({ t: start + i * MIN, v, run }));

describe('growthPerHour: the slope trend uses, within runs', () => {
  const cases: { name: string; input: { points: GrowthPoint[]; from?: number }; want: number | null }[] = [
    { name: 'no samples', input: { points: [] }, want: null },
    { name: 'one sample', input: { points: series([900]) }, want: null },
    { name: 'steady', input: { points: series([1500, 1500, 1500, 1500]) }, want: 0 },
    { name: '+10 a minute is +600 an hour', input: { points: series([100, 110, 120, 130, 140]) }, want: 600 },
    { name: 'one outlier does not move the median slope', input: { points: series([100, 110, 5000, 130, 140, 150]) }, want: 600 },
    {
      name: 'a restart is not a fall: two leaking runs, +10/min each, with a drop between',
      input: { points: [...series([1000, 1010, 1020, 1030], 0), ...series([100, 110, 120, 130], 1, T0 + 4 * MIN)] },
      want: 600,
    },
    { name: 'only the window after `from`', input: { points: series([100, 100, 100, 100, 130, 160, 190]), from: T0 + 3 * MIN }, want: 1800 },
    { name: 'one sample in each of two runs: no slope', input: { points: [...series([100], 0), ...series([900], 1, T0 + MIN)] }, want: null },
  ];
  for (const c of cases) it(c.name, () => expect(growthPerHour(c.input.points, c.input.from)).toBe(c.want));

  it('is theilSen over the runs, not a second slope', () => {
    const pts = [...series([5, 9, 30, 31], 0), ...series([2, 50, 51], 1, T0 + 10 * MIN)];
    expect(growthPerHour(pts)).toBe(theilSen([series([5, 9, 30, 31], 0).map(({ t, v }) => ({ t, v })), series([2, 50, 51], 1, T0 + 10 * MIN).map(({ t, v }) => ({ t, v }))])!.perHour);
  });
});

function relay(channel: number | null, cause: 'timeout' | 'rate_limit' | 'upstream_5xx', at: number): GEvent {
  return { kind: 'relay_error', time: new Date(at).toISOString(), stream: 'stderr', source: 'gw', raw: 'x', channel, userId: null, statusCode: null, cause, timeoutClass: null, message: 'x' } as unknown as GEvent;
}

describe('channelErrors and channelErrorsText: #2 timeout ×14', () => {
  it('per channel, most errors first, causes commonest first; only the window counts', () => {
    const events = [
      ...Array.from({ length: 14 }, (_, i) => relay(2, 'timeout', T0 + i * 1000)),
      relay(5, 'upstream_5xx', T0 + 100),
      relay(5, 'rate_limit', T0 + 200),
      relay(5, 'rate_limit', T0 + 300),
      relay(null, 'timeout', T0 + 400),
      relay(7, 'timeout', T0 - 1), // before the watch began
    ];
    const table = new ChannelTable();
    for (const e of events) table.add(e);
    const rows = channelErrors(table, T0, T0 + MIN);
    expect(rows.map((r) => channelErrorsText(r, 'en'))).toEqual(['#2 timeout ×14', '#5 rate limit ×2, 5xx ×1', '(none) timeout ×1']);
    expect(rows.map((r) => channelErrorsText(r, 'zh'))).toEqual(['#2 超时 ×14', '#5 限流 ×2, 5xx ×1', '（无） 超时 ×1']);
  });
});
