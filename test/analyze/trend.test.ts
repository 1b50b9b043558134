import { describe, expect, it } from 'vitest';
import { buildSeries, analyzeTrend, compareTrends, points, theilSen, trendOf } from '../../src/analyze/trend.js';
import { DEFAULT_THRESHOLDS } from '../../src/config.js';
import type { GEvent } from '../../src/events.js';
import { T0, MIN, HOUR, samples, startup, crash, noise, warningsOnly, activity, gor, memory } from '../helpers/synth.js';

const th = DEFAULT_THRESHOLDS;

/** One leaking run: 1000 → 10000 over `ms`, with ±3 % noise. */
function leakingRun(from: number, ms: number, level: 'debug' | 'sample' = 'debug'): GEvent[] {
  return samples(from, ms, (dt, i) => (1000 + (9000 * dt) / ms) * (1 + 0.03 * noise(i)), level);
}

const sawtooth: GEvent[] = [];
for (let k = 0; k < 3; k++) {
  const s = T0 + k * 3 * HOUR;
  sawtooth.push(startup(s), ...leakingRun(s + 30_000, 2 * HOUR), crash(s + 2 * HOUR + 60_000));
}

// "800 → 1200 → 900": wandering without growth for 6 h.
const stable = samples(T0, 6 * HOUR, (dt, i) => 1000 + 200 * Math.sin(dt / (40 * MIN)) + 30 * noise(i));
// A 20-minute excursion to ~4000 in the middle of a flat 900.
const spike = samples(T0, 6 * HOUR, (dt, i) => {
  const mid = 3 * HOUR;
  const d = Math.abs(dt - mid);
  return (d < 10 * MIN ? 4000 - 150 * (d / MIN) : 900) + 20 * noise(i);
});
// Non-DEBUG monitor: the same leak seen only through warnings, plus ordinary log activity every 5 min.
const censoredLeak = [startup(T0), ...activity(T0, 4 * HOUR), ...warningsOnly(samples(T0, 4 * HOUR, (dt) => 300 + (dt / HOUR) * 2200)), crash(T0 + 4 * HOUR + MIN)];
const censoredSpike = [
  startup(T0),
  ...activity(T0, 4 * HOUR),
  ...warningsOnly(samples(T0, 4 * HOUR, (dt) => (Math.abs(dt - 2 * HOUR) < 8 * MIN ? 3500 : 600))),
];

const cases: { name: string; input: GEvent[]; opts?: { assumeMonitor?: boolean }; want: { verdict: string; runs: string[]; restarts?: number; samples?: number; censoredTicks?: number } }[] = [
  { name: 'sawtooth of leaking runs ended by crashes (1000 → 5000 → 10000 per run)', input: sawtooth, want: { verdict: 'leak', runs: ['leak', 'leak', 'leak'], restarts: 2, samples: 3 * 241 } },
  { name: 'stable: 800 → 1200 → 900', input: stable, want: { verdict: 'stable', runs: ['stable'], restarts: 0, samples: 721, censoredTicks: 0 } },
  { name: 'spike: excursion to 4000 that comes back', input: spike, want: { verdict: 'spike', runs: ['spike'] } },
  { name: 'insufficient: three samples', input: [gor(T0, 900), gor(T0 + 30_000, 950), gor(T0 + 60_000, 990)], want: { verdict: 'insufficient-data', runs: ['insufficient-data'] } },
  { name: 'insufficient: no goroutine events at all', input: activity(T0, HOUR), want: { verdict: 'insufficient-data', runs: ['insufficient-data'], samples: 0, censoredTicks: 0 } },
  { name: 'censored leak: warnings only, then a crash', input: censoredLeak, want: { verdict: 'leak', runs: ['leak'], restarts: 0 } },
  { name: 'censored spike: a few warnings, then silence again', input: censoredSpike, want: { verdict: 'spike', runs: ['spike'], samples: 31 } },
  // 4 h of 30 s ticks, less the last one before the end: 479
  { name: 'censored stable: activity only, monitor assumed', input: activity(T0, 4 * HOUR), opts: { assumeMonitor: true }, want: { verdict: 'stable', runs: ['stable'], samples: 0, censoredTicks: 479 } },
  {
    name: 'leaking runs then a stable latest run: a leak happened (latest: stable)',
    input: [...sawtooth, startup(T0 + 9 * HOUR), ...samples(T0 + 9 * HOUR + 30_000, 2 * HOUR, (dt, i) => 900 + 50 * noise(i))],
    want: { verdict: 'leak', runs: ['leak', 'leak', 'leak', 'stable'] },
  },
  {
    name: 'stable runs then a leaking latest run',
    input: [startup(T0), ...stable.map((e) => ({ ...e })), startup(T0 + 7 * HOUR), ...leakingRun(T0 + 7 * HOUR + 30_000, HOUR)],
    want: { verdict: 'leak', runs: ['stable', 'leak'] },
  },
];

describe('trend verdicts on synthetic series', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { result } = trendOf(c.input, { thresholds: th, ...c.opts });
      expect(result.verdict).toBe(c.want.verdict);
      expect(result.latest).toBe(c.want.runs.filter((v) => v !== 'insufficient-data').at(-1) ?? 'insufficient-data');
      expect(result.runs.map((r) => r.verdict)).toEqual(c.want.runs);
      if (c.want.restarts !== undefined) expect(result.restartCount).toBe(c.want.restarts);
      if (c.want.samples !== undefined) expect(result.samples).toBe(c.want.samples);
      if (c.want.censoredTicks !== undefined) expect(result.censoredTicks).toBe(c.want.censoredTicks);
    });
  }
});

describe('trend numbers', () => {
  it('Theil–Sen slope of an exact line, ignoring one outlier', () => {
    const pts = Array.from({ length: 50 }, (_, i) => ({ t: T0 + i * 30_000, v: 1000 + i * 10 }));
    pts[20] = { t: pts[20]!.t, v: 90_000 };
    // 10 per 30 s = 1200 per hour
    expect(theilSen([pts])!.perHour).toBeCloseTo(1200, 6);
  });

  it('sawtooth: overall slope is the slope within runs (4500/h), not across the saw', () => {
    const exact: GEvent[] = [];
    for (let k = 0; k < 3; k++) {
      const s = T0 + k * 3 * HOUR;
      exact.push(startup(s), ...samples(s + 30_000, 2 * HOUR, (dt) => 1000 + (dt / HOUR) * 4500), crash(s + 2 * HOUR + MIN));
    }
    const { result } = trendOf(exact, { thresholds: th });
    expect(result.slopePerHour).toBe(4500);
    expect(result.runs.map((r) => r.slopePerHour)).toEqual([4500, 4500, 4500]);
    expect(result.runs.map((r) => r.peak)).toEqual([10000, 10000, 10000]);
    expect(result.runs.map((r) => r.endedBy)).toEqual(['crash', 'crash', 'crash']);
    expect(result.peak).toBe(10000);
    expect(result.peakAt).toBe(new Date(T0 + 30_000 + 2 * HOUR).toISOString());
    // ≥ 2000 from 1000 + 4500 t ≥ 2000 → t ≥ 13.33 min: samples 27..240 → 214 samples × 30 s per run
    expect(result.timeAboveSeconds).toEqual({ warning: 3 * 214 * 30, critical: 3 * 134 * 30, emergency: 3 * 1 * 30 });
    expect(result.projection).toBeNull(); // the last run is already at 10000, above every threshold
  });

  it('projection: predict_linear to the next threshold', () => {
    const ev = samples(T0, 1.5 * HOUR, (dt) => 1000 + (dt / HOUR) * 1000); // ends at 2500
    const { result } = trendOf(ev, { thresholds: th });
    expect(result.projection).toEqual({ threshold: 5000, level: 'critical', at: new Date(T0 + 4 * HOUR).toISOString(), from: 2500 });
  });

  it('no projection when the line falls', () => {
    const ev = samples(T0, HOUR, (dt) => 3000 - (dt / HOUR) * 1000);
    expect(trendOf(ev, { thresholds: th }).result.projection).toBeNull();
  });

  it('censored ticks fill the 30 s grid between warnings, and not inside a silence over 2 h', () => {
    // Activity at 0 and 10 min, warnings at 10:00 and 10:30 min, then 3 h of silence, then activity at 190:30.
    const ev = [
      ...activity(T0, 10 * MIN, 10 * MIN),
      gor(T0 + 10 * MIN, 2100, 'elevated'),
      gor(T0 + 10.5 * MIN, 2200, 'elevated'),
      ...activity(T0 + 190.5 * MIN, 0),
    ];
    const s = buildSeries(ev, { thresholds: th });
    expect(s.runs.length).toBe(1);
    const run = s.runs[0]!;
    expect(run.observed).toBe(2);
    // 0..9.5 min: 20 ticks before the first warning; none in the 3-h silence; none in the last tick before the end.
    expect(run.censored).toBe(20);
    expect([...points(s, run)].filter((p) => p.censored).every((p) => p.count === 2000)).toBe(true);
  });

  it('a silence then a much lower count splits the run (restart without banner)', () => {
    const ev = [...samples(T0, HOUR, () => 4000), ...samples(T0 + 2 * HOUR, HOUR, () => 800)];
    const { result } = trendOf(ev, { thresholds: th });
    expect(result.runs.length).toBe(2);
    expect(result.runs[0]!.endedBy).toBe('gap');
    // a run boundary, not a restart: no banner says the process started again
    expect(result.restartCount).toBe(0);
  });

  it('memory trend from memory events', () => {
    const ev = [...samples(T0, HOUR, () => 900), ...Array.from({ length: 13 }, (_, i) => memory(T0 + i * 5 * MIN, 100 + i * 10))];
    const { result } = trendOf(ev, { thresholds: th });
    expect(result.memory).toEqual({ samples: 13, peakMb: 220, peakAt: new Date(T0 + HOUR).toISOString(), firstMb: 100, lastMb: 220, slopeMbPerHour: 120 });
  });

  it('baseline comparison: before leaking, after stable', () => {
    const before = trendOf(sawtooth, { thresholds: th }).result;
    const after = trendOf(stable, { thresholds: th }).result;
    const cmp = compareTrends(before, after);
    expect(cmp.rows.find((r) => r.metric === 'verdict')).toEqual({ metric: 'verdict', baseline: 'leak', current: 'stable' });
    expect(cmp.rows.find((r) => r.metric === 'runs')).toEqual({ metric: 'runs', baseline: 3, current: 1 });
    expect(analyzeTrend(buildSeries([], { thresholds: th }), th).verdict).toBe('insufficient-data');
  });
});

describe('events without a time', () => {
  it('a crash dump without a timestamp still ends its run (it takes the time of the event before it)', () => {
    const c = crash(T0 + HOUR);
    const untimed = { ...c, time: null };
    const ev = [startup(T0), ...samples(T0 + 30_000, HOUR - MIN, () => 900), untimed, startup(T0 + HOUR + 10_000), ...samples(T0 + HOUR + 20_000, HOUR, () => 900)];
    const { result } = trendOf(ev, { thresholds: th });
    expect(result.runs.map((r) => r.endedBy)).toEqual(['crash', 'end']);
    expect(result.crashes.map((c) => [c.kind, c.time])).toEqual([['crash', new Date(T0 + HOUR - 30_000).toISOString()]]);
    expect(result.restarts).toEqual([{ time: new Date(T0 + HOUR + 10_000).toISOString(), detail: 'One API v0.6.11 started', after: { kind: 'crash', message: 'concurrent map writes' } }]);
  });
});

describe('events of the same millisecond', () => {
  it('a crash delivered before the banner of its own run still ends that run', () => {
    const ev = [crash(T0), gor(T0, 2417, 'elevated'), startup(T0), startup(T0 + 200), gor(T0 + 300, 2100, 'elevated')];
    const { result } = trendOf(ev, { thresholds: th });
    expect([result.restartCount, result.crashes.length]).toEqual([1, 1]);
    expect(result.runs.map((r) => [r.samples, r.endedBy])).toEqual([
      [1, 'crash'],
      [1, 'end'],
    ]);
  });
});

describe('stdout/stderr timestamp skew', () => {
  it('a stderr line stamped 1 ms before the stdout banner belongs to the new run', () => {
    const high = { ...gor(T0 - 1, 5234, 'high'), stream: 'stderr' as const };
    const ev = [high, startup(T0), gor(T0 + 1, 2417, 'elevated'), crash(T0 + 50), startup(T0 + 1000)];
    const { result } = trendOf(ev, { thresholds: th });
    expect(result.runs.map((r) => [r.samples, r.endedBy])).toEqual([
      [2, 'crash'],
      [0, 'end'],
    ]);
    expect(result.runs[0]!.from).toBe(new Date(T0 - 1).toISOString());
  });
  it('a crash on stderr 300 ms before the restarted banner still ends the old run (Docker restarts fast)', () => {
    const c = { ...crash(T0 - 300), stream: 'stderr' as const };
    const ev = [startup(T0 - 60_000), gor(T0 - 30_000, 2417, 'elevated'), c, startup(T0), gor(T0 + 1000, 2100, 'elevated')];
    expect(trendOf(ev, { thresholds: th }).result.runs.map((r) => [r.samples, r.endedBy])).toEqual([
      [1, 'crash'],
      [1, 'end'],
    ]);
  });
  it('a line of the same stream before the banner stays in the old run', () => {
    const ev = [gor(T0 - 1, 5234, 'high'), startup(T0), gor(T0 + 1, 2417, 'elevated')];
    expect(trendOf(ev, { thresholds: th }).result.runs.map((r) => [r.samples, r.endedBy])).toEqual([
      [1, 'restart'],
      [1, 'end'],
    ]);
  });
});
