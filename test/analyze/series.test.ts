// The series in one pass (src/analyze/series.ts) and the rules read from it (rules.ts): the monitor period from the
// samples' spacing, censored ticks counted without being stored, bounded memory for any length, rising fast, and a
// headline slope that is one named run's slope.
import { describe, expect, it } from 'vitest';
import { GapHistogram } from '../../src/analyze/robust.js';
import { buildSeries, censoredStretches, points, SAMPLE_BUDGET, SeriesBuilder } from '../../src/analyze/series.js';
import { analyzeTrend } from '../../src/analyze/rules.js';
import { trendOf } from '../../src/analyze/trend.js';
import { DEFAULT_THRESHOLDS } from '../../src/config.js';
import type { GEvent } from '../../src/events.js';
import { T0, MIN, HOUR, samples, startup, crash, gor, activity, warningsOnly, noise } from '../helpers/synth.js';

const th = DEFAULT_THRESHOLDS;

describe('the monitor period from the spacing of the samples', () => {
  const cases: { name: string; input: number[]; want: number | null }[] = [
    { name: 'every 2 s', input: Array(40).fill(2000), want: 2000 },
    { name: 'every 200 ms, Docker jitter of a few ms', input: Array.from({ length: 40 }, (_, i) => 200 + ((i * 7) % 5) - 2), want: 200 },
    // a non-DEBUG monitor: one-tick gaps while above 2000, longer ones below it
    { name: 'every 30 s, with gaps of several ticks', input: [...Array(30).fill(30_000), ...Array(50).fill(90_000), ...Array(20).fill(300_000)], want: 30_000 },
    { name: 'silences over 10 min are not spacing', input: [...Array(6).fill(5000), ...Array(50).fill(3_600_000)], want: 5000 },
    { name: 'fewer than 5 gaps say nothing', input: [30_000, 30_000, 30_000, 30_000], want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = new GapHistogram();
      for (const g of c.input) h.add(g);
      expect(h.period()).toBe(c.want);
    });
  }

  it('the series uses it, --monitor-interval overrides it, 30 s without samples', () => {
    const ev = samples(T0, 10 * MIN, () => 900).map((e, i) => ({ ...e, time: new Date(T0 + i * 2000).toISOString() }));
    expect([buildSeries(ev, { thresholds: th }).tickMs, buildSeries(ev, { thresholds: th }).tickSource]).toEqual([2000, 'detected']);
    expect(buildSeries(ev, { thresholds: th, tickMs: 5000 }).tickSource).toBe('flag');
    expect([buildSeries(activity(T0, HOUR), { thresholds: th }).tickMs, buildSeries([], { thresholds: th }).tickSource]).toEqual([30_000, 'default']);
  });
});

describe('censored ticks are counted, not stored', () => {
  // a non-DEBUG leak over 4 h, logging every 5 min
  const ev = [startup(T0), ...activity(T0, 4 * HOUR), ...warningsOnly(samples(T0, 4 * HOUR, (dt) => 300 + (dt / HOUR) * 2200))];
  const s = buildSeries(ev, { thresholds: th });
  const run = s.runs[0]!;
  it('the count equals the ticks the series yields, and the stretches hold them', () => {
    const all = [...points(s, run)];
    expect(all.filter((p) => p.censored).length).toBe(run.censored);
    expect(all.filter((p) => !p.censored).length).toBe(run.observed);
    const perStretch = censoredStretches(s, run).reduce((n, [a, b]) => n + (b - a) / s.tickMs + 1, 0);
    expect(perStretch).toBe(run.censored);
    // stored: the samples only
    expect(run.samples.n).toBe(run.observed);
    expect(all.map((p) => p.t)).toEqual([...all.map((p) => p.t)].sort((a, b) => a - b));
  });
});

describe('memory stays bounded, any length works', () => {
  it('past the budget (here 20,000 points; by default SAMPLE_BUDGET) the largest run is halved: exact count and peak', () => {
    expect(SAMPLE_BUDGET).toBe(400_000);
    const budget = 20_000;
    const b = new SeriesBuilder({ thresholds: th, sampleBudget: budget });
    const n = 3 * budget + 17;
    const base = { stream: 'unknown' as const, source: 'record', raw: '' };
    for (let i = 0; i < n; i++) b.add({ ...base, kind: 'goroutine', time: new Date(T0 + i * 5000).toISOString(), count: 800 + (i % 1000) + (i === 12_345 ? 50_000 : 0), level: 'sample' });
    const s = b.finish();
    const run = s.runs[0]!;
    expect(run.observed).toBe(n);
    expect(run.samples.n).toBeLessThanOrEqual(budget);
    expect(run.peak).toEqual({ count: 800 + (12_345 % 1000) + 50_000, t: T0 + 12_345 * 5000 });
    const r = analyzeTrend(s, th);
    expect([r.samples, r.peak, r.monitorPeriodMs]).toEqual([n, run.peak!.count, 5000]);
    expect(r.series.length).toBeLessThanOrEqual(1000);
    // the halved points keep the peak for charts
    expect(Math.max(...r.series.map((p) => p.count))).toBe(run.peak!.count);
  });
});

describe('rising fast, and the headline slope', () => {
  it('a run that climbs fast at its end is never stable', () => {
    // 5 h at ~900, then the last 40 min 900 → 3300
    const ev = samples(T0, 5 * HOUR + 40 * MIN, (dt, i) => (dt < 5 * HOUR ? 900 + 20 * noise(i) : 900 + ((dt - 5 * HOUR) / MIN) * 60));
    const { result } = trendOf(ev, { thresholds: th });
    expect(result.runs.map((r) => r.verdict)).toEqual(['rising']);
    expect(result.verdict).toBe('rising');
    expect(result.why).toMatchObject({ code: 'rising', to: 3300 });
    expect(result.projection).toMatchObject({ threshold: 5000, level: 'critical' });
  });

  it('a short run climbing fast says rising, with a projection, not only insufficient data', () => {
    const ev = samples(T0, 4 * MIN, (dt) => 1500 + (dt / MIN) * 300);
    const { result } = trendOf(ev, { thresholds: th });
    expect([result.verdict, result.runs[0]!.verdict]).toEqual(['rising', 'rising']);
    expect(result.projection).toMatchObject({ threshold: 5000, level: 'critical', from: 2700 });
  });

  it('a short run that does not climb is still insufficient data', () => {
    expect(trendOf(samples(T0, 4 * MIN, () => 1500), { thresholds: th }).result.verdict).toBe('insufficient-data');
  });

  it('the headline slope is the slope of the latest run with the overall verdict, named', () => {
    const ev: GEvent[] = [
      startup(T0),
      ...samples(T0 + 30_000, 2 * HOUR, (dt) => 1000 + (dt / HOUR) * 3000),
      crash(T0 + 2 * HOUR + MIN),
      startup(T0 + 3 * HOUR),
      ...samples(T0 + 3 * HOUR + 30_000, 2 * HOUR, (_dt, i) => 900 + 30 * noise(i)),
    ];
    const { result } = trendOf(ev, { thresholds: th });
    expect(result.runs.map((r) => r.verdict)).toEqual(['leak', 'stable']);
    expect([result.verdict, result.latest, result.slopeRun, result.slopePerHour]).toEqual(['leak', 'stable', 1, 3000]);
    expect(result.runs[0]!.slopePerHour).toBe(3000);
  });

  it('censored ticks do not flatten a run slope: it is read from the samples', () => {
    // 20 min below 2000 (censored), then 2000 → 3000 over 10 min, every 30 s, without DEBUG
    const ev = [startup(T0), ...activity(T0, 20 * MIN, MIN), ...warningsOnly(samples(T0 + 20 * MIN, 10 * MIN, (dt) => 2000 + (dt / MIN) * 100))];
    const { result } = trendOf(ev, { thresholds: th });
    expect(result.runs[0]!.censoredTicks).toBeGreaterThan(30);
    expect([result.runs[0]!.slopePerHour, result.slopePerHour, result.verdict]).toEqual([6000, 6000, 'leak']);
  });
});

describe('the review current level', () => {
  it('a censored last point is no count: below the warning threshold', async () => {
    const { buildReview } = await import('../../src/analyze/review.js');
    const ev = [startup(T0), ...activity(T0, 2 * HOUR), gor(T0 + 10 * MIN, 2100, 'elevated')];
    const { data } = buildReview(ev, { thresholds: th, tz: 'UTC', from: null, to: null, sources: [] });
    expect(data.current).toMatchObject({ count: null, below: 2000, level: 'ok' });
  });
});
