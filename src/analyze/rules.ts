// The leak verdict (docs/trend.md "Verdict rules"): per run, then overall, with the slope, projection, time above the
// thresholds and memory trend. Pure: a function of a Series (src/analyze/series.ts).
//
// Slopes are Theil–Sen over a run's observed samples only: censored ticks are upper bounds ("< 2000"), not counts,
// and a run that logged a warning only while climbing would otherwise get the flat slope of its censored stretch.
// The headline slope is the slope of one named run (`slopeRun`): the latest run whose verdict is the overall
// verdict, so the headline and the run table always agree.
import type { Thresholds } from '../config.js';
import { lineAt, maxOf, median, theilSen, trendGamma, type Pt } from './robust.js';
import { censoredStretches, points, observedPoints, type RunSeries, type Series } from './series.js';

export type Verdict = 'leak' | 'rising' | 'stable' | 'spike' | 'insufficient-data';

const HOUR = 3_600_000;

/** The numbers the verdict rules use (docs/trend.md "Verdict rules"). */
export const RULES = {
  /** A run needs at least this many points (samples + censored ticks)… */
  minPoints: 6,
  /** …spanning at least this many monitor ticks (20 × 30 s = 10 min). */
  minSpanTicks: 20,
  /** Leak: rank correlation of count with time (Goodman–Kruskal gamma) at least this: growth is sustained… */
  minGamma: 0.5,
  /** …and a fitted rise over the run of at least this fraction of the warning threshold (¼ × 2000 = 500)… */
  minRiseOfWarning: 0.25,
  /** …and at least this fraction of the fitted start level… */
  minRiseFraction: 0.5,
  /** …and the last 3 points of the run still at this fraction of the peak or more (it did not come back). */
  endNearPeak: 0.6,
  /** Spike: the peak rises above the run median by max(minRiseOfWarning × warning, this fraction of the median)… */
  spikeFraction: 0.5,
  /** …and the last quarter of the run, and its last 3 points, are back within this fraction of the excursion above
   * the median (with a censored median: the last 3 points are back under the warning threshold). */
  returned: 0.25,
  /** Rising fast: over the run's last quarter (the whole run when it is too short for a verdict), at least 3 samples
   * whose slope is at least this fraction of the warning threshold per hour (¼ × 2000 = 500/h)… */
  risingPerHourOfWarning: 0.25,
  /** …a fitted rise of at least minRiseOfWarning × warning, gamma ≥ minGamma, and the last 3 points at this fraction
   * of that stretch's peak or more (still climbing). */
  risingEndNearPeak: 0.9,
} as const;

export interface RunResult {
  from: string;
  to: string;
  /** Observed samples (not censored ticks). */
  samples: number;
  censoredTicks: number;
  /** Theil–Sen over the run's samples (per hour); null with fewer than 2. */
  slopePerHour: number | null;
  peak: number | null;
  peakAt: string | null;
  /** Null when the median is a censored tick (`medianBelowWarning`): the typical count was below the warning threshold. */
  median: number | null;
  medianBelowWarning: boolean;
  verdict: Verdict;
  endedBy: RunSeries['endedBy'];
}

/** A run's points in time order, as arrays (censored ticks included, as the warning threshold). */
interface RunPoints {
  all: Pt[];
  censored: boolean[];
  observed: Pt[];
}

function runPoints(series: Series, run: RunSeries): RunPoints {
  const all: Pt[] = [];
  const censored: boolean[] = [];
  for (const p of points(series, run)) {
    all.push({ t: p.t, v: p.count });
    censored.push(p.censored);
  }
  return { all, censored, observed: observedPoints(run) };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Rising fast over `pts` (the whole run, or its last quarter): enough samples climbing at a high rate, steadily, and
 * still at the top. Returns the fit of the climbing stretch, or null.
 */
export function risingFit(pts: RunPoints, th: Thresholds): { perHour: number; intercept: number } | null {
  if (pts.observed.length < 3) return null;
  const fit = theilSen([pts.observed]);
  if (!fit || fit.perHour < RULES.risingPerHourOfWarning * th.warning) return null;
  const first = pts.all[0]!.t;
  const last = pts.all[pts.all.length - 1]!.t;
  const rise = lineAt(fit, last) - lineAt(fit, first);
  if (rise < RULES.minRiseOfWarning * th.warning) return null;
  if (trendGamma(pts.all) < RULES.minGamma) return null;
  const values = pts.all.map((p) => p.v);
  const end = median(values.slice(-3))!;
  return end >= RULES.risingEndNearPeak * maxOf(values)! ? fit : null;
}

/** The last quarter of a run's points (at least minPoints). */
function tail(pts: RunPoints): RunPoints {
  const k = Math.max(RULES.minPoints, Math.floor(pts.all.length / 4));
  const all = pts.all.slice(-k);
  const from = all[0]?.t ?? Infinity;
  return { all, censored: pts.censored.slice(-k), observed: pts.observed.filter((p) => p.t >= from) };
}

/** True when the run is long enough for a verdict of its own (else it can only be rising or insufficient). */
function longEnough(run: RunSeries, pts: RunPoints, tickMs: number): boolean {
  return pts.all.length >= RULES.minPoints && run.to - run.from >= RULES.minSpanTicks * tickMs;
}

/** The stretch the rising rule reads: the last quarter of a long run, a short run whole. */
function risingStretch(run: RunSeries, pts: RunPoints, tickMs: number): RunPoints {
  return longEnough(run, pts, tickMs) ? tail(pts) : pts;
}

/** Verdict of one run, by the RULES above. */
export function runVerdict(run: RunSeries, pts: RunPoints, th: Thresholds, tickMs: number): Verdict {
  const all = pts.all;
  if (!longEnough(run, pts, tickMs)) return risingFit(pts, th) ? 'rising' : 'insufficient-data';
  const values = all.map((p) => p.v);
  const peak = maxOf(values)!;
  const q = Math.max(1, Math.floor(all.length / 4));
  const gamma = trendGamma(all);
  const endLevel = median(values.slice(-3))!;
  const fit = pts.observed.length >= 2 ? theilSen([pts.observed]) : null;
  if (fit && fit.perHour > 0) {
    const startFit = lineAt(fit, all[0]!.t);
    const rise = lineAt(fit, all[all.length - 1]!.t) - startFit;
    const startLevel = Math.max(startFit, median(values.slice(0, q))!);
    const minRise = RULES.minRiseOfWarning * th.warning;
    if (gamma >= RULES.minGamma && rise >= Math.max(minRise, RULES.minRiseFraction * startLevel) && endLevel >= RULES.endNearPeak * peak) {
      return 'leak';
    }
  }
  const med = median(values)!;
  const censoredCount = pts.censored.filter(Boolean).length;
  const medCensored = censoredCount > 0 && censoredCount * 2 >= all.length;
  // With a censored baseline the typical count is "< warning": any warning that went away again is an excursion.
  const excursion = medCensored ? run.observed > 0 : peak - med >= Math.max(RULES.minRiseOfWarning * th.warning, RULES.spikeFraction * med);
  const last3 = Math.max(0, all.length - 3);
  const back = medCensored
    ? all.slice(last3).every((p, j) => pts.censored[last3 + j] || p.v <= th.warning)
    : median(values.slice(-q))! <= med + RULES.returned * (peak - med) && endLevel <= med + RULES.returned * (peak - med);
  if (excursion && back) return 'spike';
  if (risingFit(tail(pts), th)) return 'rising';
  return 'stable';
}

export function analyzeRun(series: Series, run: RunSeries, th: Thresholds, pts = runPoints(series, run)): RunResult {
  const fit = pts.observed.length >= 2 ? theilSen([pts.observed]) : null;
  const censoredCount = run.censored;
  const medianBelowWarning = censoredCount > 0 && censoredCount * 2 >= pts.all.length;
  return {
    from: iso(run.from),
    to: iso(run.to),
    samples: run.observed,
    censoredTicks: run.censored,
    slopePerHour: fit ? round(fit.perHour, 1) : null,
    peak: run.peak?.count ?? null,
    peakAt: run.peak ? iso(run.peak.t) : null,
    median: medianBelowWarning ? null : median(pts.all.map((p) => p.v)),
    medianBelowWarning,
    verdict: runVerdict(run, pts, th, series.tickMs),
    endedBy: run.endedBy,
  };
}

export interface Projection {
  /** The next threshold above the current level. */
  threshold: number;
  level: 'warning' | 'critical' | 'emergency';
  /** When the fitted line crosses it (ISO). */
  at: string;
  /** The fitted count at the last sample. */
  from: number;
}

export interface MemoryTrend {
  samples: number;
  peakMb: number;
  peakAt: string;
  firstMb: number;
  lastMb: number;
  slopeMbPerHour: number | null;
}

export interface TrendResult {
  verdict: Verdict;
  /** The verdict of the latest run with enough data ("is it still leaking?"). */
  latest: Verdict;
  /** One sentence: why the verdict (English; `why` says the same for renderers in other languages). */
  reason: string;
  why: {
    code: 'no_samples' | 'too_few' | 'leak' | 'rising' | 'spike' | 'stable';
    runs: number;
    leaks: number;
    spikes: number;
    /** Rising: the climb of the headline run's last stretch. */
    from?: number;
    to?: number;
    minutes?: number;
  };
  /** Observed samples. */
  samples: number;
  censoredTicks: number;
  /** The monitor's period the series was read with (ms) and where it came from: `--monitor-interval`, detected, default. */
  monitorPeriodMs: number;
  monitorPeriodSource: Series['tickSource'];
  runs: RunResult[];
  /** The headline slope: the slope of run `slopeRun` (1-based), the latest run whose verdict is the overall verdict. */
  slopePerHour: number | null;
  slopeRun: number | null;
  peak: number | null;
  peakAt: string | null;
  /** Null when the median is censored (`medianBelowWarning`). */
  median: number | null;
  medianBelowWarning: boolean;
  projection: Projection | null;
  thresholds: Thresholds;
  /** A censored tick is a count of at most this (the gateway's own logging threshold, series.ts MONITOR_LOGS_ABOVE). */
  censoredAtMost: number;
  /** Seconds spent at or above each threshold (each sample stands for the time to the next point, at most 2 ticks). */
  timeAboveSeconds: { warning: number; critical: number; emergency: number };
  /** Restarts (a banner after earlier records of the same source, src/analyze/restarts.ts), at most 1000 listed. */
  restartCount: number;
  restarts: { time: string; detail: string; after: { kind: 'crash' | 'fatal'; message: string } | null }[];
  /** Crashes and FATAL lines (each ends a run). */
  crashes: { time: string; kind: 'crash' | 'fatal'; message: string }[];
  memory: MemoryTrend | null;
  from: string | null;
  to: string | null;
  /** Observed samples for charts and scripts: every one up to 1000, else the highest of each of 1000 equal time slices. */
  series: { time: string; count: number }[];
}

/** Farthest a projection may reach past the last sample before it is dropped as meaningless. */
export const MAX_PROJECTION_MS = 30 * 24 * HOUR;
/** Most points in TrendResult.series. */
export const SERIES_POINTS = 1000;

export function analyzeTrend(series: Series, th: Thresholds): TrendResult {
  const all = series.runs.map((r) => runPoints(series, r));
  const runs = series.runs.map((r, i) => analyzeRun(series, r, th, all[i]));
  const withData = runs.filter((r) => r.verdict !== 'insufficient-data');
  const count = (v: Verdict) => withData.filter((r) => r.verdict === v).length;
  const leaks = count('leak');
  const spikes = count('spike');
  const risings = count('rising');
  const observed = series.runs.reduce((s, r) => s + r.observed, 0);
  const censored = series.runs.reduce((s, r) => s + r.censored, 0);
  const verdict: Verdict = withData.length === 0 ? 'insufficient-data' : leaks > 0 ? 'leak' : risings > 0 ? 'rising' : spikes > 0 ? 'spike' : 'stable';
  let headline: number | null = null;
  for (let i = runs.length - 1; i >= 0; i--) if (runs[i]!.verdict === verdict && verdict !== 'insufficient-data') (headline = i), (i = -1);
  const why: TrendResult['why'] = {
    code: verdict === 'insufficient-data' ? (observed + censored === 0 ? 'no_samples' : 'too_few') : verdict,
    runs: withData.length,
    leaks,
    spikes,
  };
  let reason: string;
  if (verdict === 'insufficient-data') {
    reason =
      observed + censored === 0
        ? 'no goroutine samples in the input: the ezlinkai monitor logs only above 2000 unless DEBUG=true, other gateways log none; for ezlinkai without DEBUG pass --assume-monitor'
        : `too few samples: a run needs ${RULES.minPoints} points over ${RULES.minSpanTicks} monitor ticks (${Math.round((RULES.minSpanTicks * series.tickMs) / 1000)} s)`;
  } else if (verdict === 'leak') {
    // One leaking run is a leak: it happened, whatever came after. `latest` tells whether it still does.
    reason = `${leaks} of ${withData.length} run${withData.length === 1 ? '' : 's'} grew steadily`;
  } else if (verdict === 'rising') {
    const stretch = risingStretch(series.runs[headline!]!, all[headline!]!, series.tickMs);
    const first = stretch.observed[0] ?? stretch.all[0]!;
    const last = stretch.all[stretch.all.length - 1]!;
    const lastObs = stretch.observed.at(-1) ?? last;
    why.from = Math.round(first.v);
    why.to = Math.round(lastObs.v);
    why.minutes = Math.max(1, Math.round((last.t - first.t) / 60_000));
    reason = `rising fast: ${why.from} → ${why.to} in ${why.minutes} min, still climbing`;
  } else if (verdict === 'spike') {
    reason = `${spikes} of ${withData.length} runs have an excursion that came back down`;
  } else {
    reason = `${withData.length} run${withData.length === 1 ? '' : 's'} without sustained growth`;
  }

  let peak: { count: number; t: number } | null = null;
  for (const r of series.runs) if (r.peak && (peak === null || r.peak.count > peak.count)) peak = r.peak;
  const values: number[] = [];
  let censoredShare = 0;
  for (const p of all) for (let i = 0; i < p.all.length; i++) (values.push(p.all[i]!.v), p.censored[i] && censoredShare++);
  const medianBelowWarning = censoredShare > 0 && censoredShare * 2 >= values.length;
  return {
    verdict,
    latest: withData.at(-1)?.verdict ?? 'insufficient-data',
    reason,
    why,
    samples: observed,
    censoredTicks: censored,
    monitorPeriodMs: series.tickMs,
    monitorPeriodSource: series.tickSource,
    runs,
    slopePerHour: headline === null ? null : runs[headline]!.slopePerHour,
    slopeRun: headline === null ? null : headline + 1,
    peak: peak?.count ?? null,
    peakAt: peak ? iso(peak.t) : null,
    median: medianBelowWarning ? null : median(values),
    medianBelowWarning,
    projection: project(series, runs, all, th),
    thresholds: th,
    censoredAtMost: series.censoredAtMost,
    timeAboveSeconds: timeAbove(series, th),
    restartCount: series.restartCount,
    restarts: series.restarts.map((r) => ({ time: iso(r.t), detail: r.detail, after: r.after })),
    crashes: series.crashes.map((c) => ({ time: iso(c.t), kind: c.kind, message: c.message })),
    memory: memoryTrend(series),
    from: series.from === null ? null : iso(series.from),
    to: series.to === null ? null : iso(series.to),
    series: seriesPoints(series),
  };
}

/**
 * predict_linear on the latest run, when it leaks or rises: where its Theil–Sen line (of the climbing stretch, for a
 * rising run) crosses the next threshold above the fitted level at its last point.
 */
function project(series: Series, runs: RunResult[], all: RunPoints[], t: Thresholds): Projection | null {
  let i = runs.length - 1;
  while (i >= 0 && runs[i]!.verdict === 'insufficient-data') i--;
  if (i < 0 || (runs[i]!.verdict !== 'leak' && runs[i]!.verdict !== 'rising')) return null;
  const fit = runs[i]!.verdict === 'rising' ? risingFit(risingStretch(series.runs[i]!, all[i]!, series.tickMs), t) : theilSen([all[i]!.observed]);
  if (!fit || fit.perHour <= 0) return null;
  const lastT = all[i]!.all[all[i]!.all.length - 1]!.t;
  const now = lineAt(fit, lastT);
  const levels: [Projection['level'], number][] = [
    ['warning', t.warning],
    ['critical', t.critical],
    ['emergency', t.emergency],
  ];
  const next = levels.find(([, v]) => v > now);
  if (!next) return null;
  const at = lastT + ((next[1] - now) / fit.perHour) * HOUR;
  if (at - lastT > MAX_PROJECTION_MS) return null;
  return { threshold: next[1], level: next[0], at: iso(Math.round(at)), from: Math.round(now) };
}

function timeAbove(series: Series, t: Thresholds): TrendResult['timeAboveSeconds'] {
  const out = { warning: 0, critical: 0, emergency: 0 };
  const cap = 2 * series.tickMs;
  for (const r of series.runs) {
    const s = r.samples;
    const stretches = censoredStretches(series, r);
    let k = 0;
    for (let i = 0; i < s.n; i++) {
      // the time to the next point: the next sample, or the next censored tick
      while (k < stretches.length && stretches[k]![1] < s.tEnd[i]!) k++;
      const nextCensored = k < stretches.length ? stretches[k]![0] : Infinity;
      const nextSample = i + 1 < s.n ? s.t[i + 1]! : Infinity;
      const next = Math.min(nextCensored, nextSample);
      const inside = s.tEnd[i]! - s.t[i]!;
      const span = (inside + Math.min(next === Infinity ? series.tickMs : next - s.tEnd[i]!, cap)) / 1000;
      const v = s.v[i]!;
      if (v >= t.warning) out.warning += span;
      if (v >= t.critical) out.critical += span;
      if (v >= t.emergency) out.emergency += span;
    }
  }
  return out;
}

function memoryTrend(series: Series): MemoryTrend | null {
  let samples = 0;
  let first: { t: number; count: number } | null = null;
  let last: { t: number; count: number } | null = null;
  let peak: { v: number; t: number } | null = null;
  const groups: Pt[][] = [];
  for (const r of series.runs) {
    const m = r.memory;
    const g: Pt[] = [];
    for (let i = 0; i < m.n; i++) {
      samples += m.w[i]!;
      g.push({ t: m.t[i]!, v: m.v[i]! });
      if (first === null) first = { t: m.t[i]!, count: m.v[i]! };
      last = { t: m.tEnd[i]!, count: m.v[i]! };
      if (peak === null || m.vMax[i]! > peak.v) peak = { v: m.vMax[i]!, t: m.t[i]! };
    }
    groups.push(g);
  }
  if (samples === 0 || !first || !last || !peak) return null;
  const fit = theilSen(groups);
  return { samples, peakMb: peak.v, peakAt: iso(peak.t), firstMb: first.count, lastMb: last.count, slopeMbPerHour: fit ? round(fit.perHour, 1) : null };
}

/** Observed samples, at most SERIES_POINTS: beyond that the highest of each equal time slice. */
function seriesPoints(series: Series): { time: string; count: number }[] {
  let n = 0;
  for (const r of series.runs) n += r.samples.n;
  const out: { time: string; count: number }[] = [];
  if (n <= SERIES_POINTS) {
    for (const r of series.runs) for (let i = 0; i < r.samples.n; i++) out.push({ time: iso(r.samples.t[i]!), count: r.samples.vMax[i]! });
    return out;
  }
  const from = series.from!;
  const span = Math.max(1, series.to! - from);
  const best = new Map<number, { t: number; v: number }>();
  for (const r of series.runs) {
    for (let i = 0; i < r.samples.n; i++) {
      const t = r.samples.t[i]!;
      const k = Math.min(SERIES_POINTS - 1, Math.floor(((t - from) / span) * SERIES_POINTS));
      const cur = best.get(k);
      if (!cur || r.samples.vMax[i]! > cur.v) best.set(k, { t, v: r.samples.vMax[i]! });
    }
  }
  for (const [, p] of [...best].sort((a, b) => a[0] - b[0])) out.push({ time: iso(p.t), count: p.v });
  return out;
}

export interface Comparison {
  rows: {
    metric: 'verdict' | 'peak' | 'median' | 'slopePerHour' | 'runs' | 'samples' | 'restarts' | 'dockerRestartCount';
    baseline: string | number | null;
    current: string | number | null;
  }[];
}

/**
 * Before/after table for `--baseline`. `docker` is Docker's RestartCount of each side where that side is one
 * container (null otherwise): a row of its own under its own name, beside the log's restarts, never instead of them.
 */
export function compareTrends(baseline: TrendResult, current: TrendResult, docker?: { baseline: number | null; current: number | null }): Comparison {
  const medianOf = (r: TrendResult) => (r.medianBelowWarning ? `≤ ${r.censoredAtMost}` : r.median);
  const peakOf = (r: TrendResult) => (r.peak ?? (r.censoredTicks > 0 ? `≤ ${r.censoredAtMost}` : null));
  return {
    rows: [
      { metric: 'verdict', baseline: baseline.verdict, current: current.verdict },
      { metric: 'peak', baseline: peakOf(baseline), current: peakOf(current) },
      { metric: 'median', baseline: medianOf(baseline), current: medianOf(current) },
      { metric: 'slopePerHour', baseline: baseline.slopePerHour, current: current.slopePerHour },
      { metric: 'runs', baseline: baseline.runs.length, current: current.runs.length },
      { metric: 'samples', baseline: baseline.samples, current: current.samples },
      { metric: 'restarts', baseline: baseline.restartCount, current: current.restartCount },
      ...(docker && (docker.baseline !== null || docker.current !== null) ? [{ metric: 'dockerRestartCount' as const, baseline: docker.baseline, current: docker.current }] : []),
    ],
  };
}
