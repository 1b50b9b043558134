// Goroutine and memory trend: the series behind "is it still leaking?". Pure: a function of events.
//
// How the series is built (docs/trend.md documents the same rules):
// - Observed samples are `goroutine` events: the ezlinkai monitor lines (`⚠️ High goroutine count detected: N`,
//   `⚠️ Goroutine count elevated: N`, DEBUG `Goroutine count: N`) and health samples (`watch --record`, bundles).
// - Censored ticks: the ezlinkai monitor checks every 30 s but logs below 2000 only in DEBUG mode. In a run
//   whose samples are all warnings (no DEBUG or recorded samples), every 30 s tick without a sample is a
//   censored sample "< warning threshold", as long as the service was logging around it (no silence longer
//   than 2 h: the run is one process and its log is contiguous, so quiet means quiet, but a very long silence
//   is treated as unknown). This applies when the input shows the monitor exists (at least one goroutine event) or
//   the caller says so (`assumeMonitor`).
// - Runs: the series is split at process restarts: a startup banner starts a new run; a crash or FATAL line
//   ends one (the next event starts the next run); a silence of more than 10 min followed by a count less
//   than half the last one also splits (a restart whose banner is not in the input).
import type { GEvent } from '../events.js';
import type { Thresholds } from '../config.js';

export type Verdict = 'leak' | 'stable' | 'spike' | 'insufficient-data';

export interface SeriesPoint {
  /** Epoch ms. */
  t: number;
  /** The count; for a censored tick, the warning threshold (an upper bound). */
  count: number;
  censored: boolean;
}

export interface RunSeries {
  from: number;
  to: number;
  /** Observed samples and censored ticks, in time order. */
  points: SeriesPoint[];
  observed: number;
  censored: number;
  /** True when the run has DEBUG or recorded samples (every tick is logged, nothing is censored). */
  complete: boolean;
  /** Why the run ended. */
  endedBy: 'restart' | 'crash' | 'gap' | 'end';
  memory: { t: number; mb: number }[];
}

export interface Restart {
  t: number;
  /** `startup` banner, `crash` (Go panic/fatal error), `fatal` (One API FATAL line), `gap` (inferred). */
  kind: 'startup' | 'crash' | 'fatal' | 'gap';
  detail: string;
}

export interface Series {
  runs: RunSeries[];
  restarts: Restart[];
  /** True when censoring applied (the monitor is known to exist). */
  monitor: boolean;
  /** The monitor's period the series was built with. */
  tickMs: number;
  from: number | null;
  to: number | null;
}

export interface SeriesOptions {
  thresholds: Thresholds;
  /** The monitor's period (30 s). */
  tickMs?: number;
  /** Longest silence inside which ticks still count as censored (240 ticks: 2 h). */
  silenceMs?: number;
  /** A silence longer than this followed by a count under half the last one splits runs (20 ticks: 10 min). */
  gapMs?: number;
  /** Treat silence as "< warning" even when the input has no goroutine event at all. */
  assumeMonitor?: boolean;
}

export const TICK_MS = 30_000;
/** How far apart Docker may stamp lines of stdout and stderr written together (it reads the two pipes separately). */
export const STREAM_SKEW_MS = 500;
/** In monitor ticks: 240 × 30 s = 2 h. */
export const SILENCE_TICKS = 240;
/** In monitor ticks: 20 × 30 s = 10 min. */
export const GAP_TICKS = 20;
const HOUR = 3_600_000;

interface RawRun {
  events: { t: number; e: GEvent }[];
  endedBy: RunSeries['endedBy'];
}

function timeOf(e: GEvent): number | null {
  if (!e.time) return null;
  const t = Date.parse(e.time);
  return Number.isFinite(t) ? t : null;
}

/**
 * Events whose record has no time of its own (a Go crash dump in a plain file) take the time of the last timed
 * event of the same source before them, so that a crash still ends its run where it happened. Copies, never mutates.
 */
export function withEffectiveTimes(events: readonly GEvent[]): GEvent[] {
  const last = new Map<string, string>();
  return events.map((e) => {
    if (e.time) {
      last.set(e.source, e.time);
      return e;
    }
    const t = last.get(e.source);
    return t ? { ...e, time: t } : e;
  });
}

/** Split events into runs and build each run's goroutine series with censored ticks. */
export function buildSeries(input: readonly GEvent[], opts: SeriesOptions): Series {
  const events = withEffectiveTimes(input);
  const tick = opts.tickMs ?? TICK_MS;
  const silence = opts.silenceMs ?? SILENCE_TICKS * tick;
  const gapMs = opts.gapMs ?? GAP_TICKS * tick;
  const timed: { t: number; e: GEvent; i: number }[] = [];
  events.forEach((e, i) => {
    const t = timeOf(e);
    if (t !== null) timed.push({ t, e, i });
  });
  // Lines of one millisecond lose their order across stdout and stderr (event times are ms): at equal times a
  // startup comes first and a crash or FATAL last, so that a run never ends before it began.
  const rank = (e: GEvent) => (e.kind === 'startup' ? 0 : e.kind === 'crash' || e.kind === 'fatal' ? 2 : 1);
  timed.sort((a, b) => a.t - b.t || rank(a.e) - rank(b.e) || a.i - b.i);
  const monitor = opts.assumeMonitor === true || timed.some((x) => x.e.kind === 'goroutine');

  const raw: RawRun[] = [];
  const restarts: Restart[] = [];
  let cur: RawRun | null = null;
  let ended = false; // the current run ended with a crash; the next event opens a new one
  let lastT = -Infinity;
  let lastCount: number | null = null;
  let gapStartIdx: number | null = null; // index in cur.events of the first event after a long silence
  for (const { t, e } of timed) {
    if (e.kind === 'startup') {
      // Docker stamps stdout and stderr lines as it reads each pipe, so a line of the new process on the other
      // stream can carry a time a little before the banner: such lines just before it belong to the new run.
      const moved: RawRun['events'] = [];
      if (cur && !ended) {
        let k = cur.events.length;
        while (k > 0 && t - cur.events[k - 1]!.t <= STREAM_SKEW_MS && cur.events[k - 1]!.e.stream !== e.stream) k--;
        moved.push(...cur.events.splice(k));
      }
      if (cur && cur.events.length > 0 && !ended) cur.endedBy = 'restart';
      restarts.push({ t, kind: 'startup', detail: `${e.product}${e.version ? ` ${e.version}` : ''} started` });
      cur = { events: moved, endedBy: 'end' };
      raw.push(cur);
      ended = false;
      lastCount = null;
      gapStartIdx = null;
    } else if (!cur || ended) {
      cur = { events: [], endedBy: 'end' };
      raw.push(cur);
      ended = false;
      lastCount = null;
      gapStartIdx = null;
    } else if (t - lastT > gapMs) {
      gapStartIdx = cur.events.length;
    }
    if (e.kind === 'goroutine') {
      if (gapStartIdx !== null && lastCount !== null && e.count < lastCount / 2) {
        // A silence, then a much lower count: the process restarted without a banner in the input.
        const moved: RawRun["events"] = cur.events.splice(gapStartIdx);
        cur.endedBy = 'gap';
        cur = { events: moved, endedBy: 'end' };
        raw.push(cur);
        restarts.push({ t: moved[0]?.t ?? t, kind: 'gap', detail: `silence, then ${e.count} after ${lastCount}` });
      }
      gapStartIdx = null;
      lastCount = e.count;
    }
    cur.events.push({ t, e });
    lastT = t;
    if (e.kind === 'crash' || e.kind === 'fatal') {
      cur.endedBy = 'crash';
      ended = true;
      restarts.push({ t, kind: e.kind, detail: e.message.slice(0, 120) });
    }
  }

  const runs: RunSeries[] = [];
  for (const r of raw) {
    if (r.events.length === 0) continue;
    const from = r.events[0]!.t;
    const to = r.events[r.events.length - 1]!.t;
    const observedPts: SeriesPoint[] = [];
    const memory: { t: number; mb: number }[] = [];
    let complete = false;
    for (const { t, e } of r.events) {
      if (e.kind === 'goroutine') {
        observedPts.push({ t, count: e.count, censored: false });
        if (e.level === 'debug' || e.level === 'sample') complete = true;
      } else if (e.kind === 'memory') {
        memory.push({ t, mb: e.allocMb });
      }
    }
    let points = observedPts;
    if (monitor && !complete) {
      const times = r.events.map((x) => x.t);
      const censored = censoredTicks(from, to, observedPts, times, tick, silence, opts.thresholds.warning);
      points = mergeByTime(observedPts, censored);
    }
    runs.push({
      from,
      to,
      points,
      observed: observedPts.length,
      censored: points.length - observedPts.length,
      complete,
      endedBy: r.endedBy,
      memory,
    });
  }
  return { runs, restarts, monitor, tickMs: tick, from: timed[0]?.t ?? null, to: timed[timed.length - 1]?.t ?? null };
}

/** Ticks with no sample between run start, samples and run end; skipped inside silences longer than `silence`. */
function censoredTicks(
  from: number,
  to: number,
  observed: SeriesPoint[],
  eventTimes: number[],
  tick: number,
  silence: number,
  warning: number,
): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  const anchors = [from, ...observed.map((p) => p.t), to];
  const isAnchorSample = (i: number) => i > 0 && i < anchors.length - 1;
  for (let i = 0; i + 1 < anchors.length; i++) {
    const a = anchors[i]!;
    const b = anchors[i + 1]!;
    // Between two samples the monitor ticked round((b-a)/tick) - 1 times unseen; from the run start to the first sample
    // (and from the last sample to the run end) every full tick is unseen.
    const first = isAnchorSample(i) ? a + tick : a;
    // The last tick before the run ends is not evidence: the process may have been dying (a crash follows a hang).
    const limit = isAnchorSample(i + 1) ? b - tick / 2 : b - tick - 1;
    for (let x = first; x <= limit; x += tick) {
      if (!inSilence(x, eventTimes, silence)) out.push({ t: x, count: warning, censored: true });
    }
  }
  return out;
}

/** True when `x` lies in a gap between consecutive events longer than `silence`. */
function inSilence(x: number, times: number[], silence: number): boolean {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  const prev = times[lo]!;
  const next = times[lo + 1];
  if (next === undefined) return x - prev > silence;
  return next - prev > silence;
}

function mergeByTime(a: SeriesPoint[], b: SeriesPoint[]): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.t <= b[j]!.t)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Robust statistics

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** At most `max` points: equal-count bins, each replaced by its median time and median value. */
export function bin(points: readonly { t: number; v: number }[], max = 200): { t: number; v: number }[] {
  if (points.length <= max) return [...points];
  const out: { t: number; v: number }[] = [];
  for (let k = 0; k < max; k++) {
    const lo = Math.floor((k * points.length) / max);
    const hi = Math.floor(((k + 1) * points.length) / max);
    const slice = points.slice(lo, hi);
    out.push({ t: median(slice.map((p) => p.t))!, v: median(slice.map((p) => p.v))! });
  }
  return out;
}

/** Pairwise slopes (per ms) of points within one group. */
function pairSlopes(points: readonly { t: number; v: number }[], into: number[]): void {
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]!.t - points[i]!.t;
      if (dt > 0) into.push((points[j]!.v - points[i]!.v) / dt);
    }
  }
}

/**
 * Theil–Sen estimator over groups: the median of the slopes of all pairs taken within the same group (a run),
 * so that a sawtooth of leaking runs has the slope of its teeth, not of the saw. Slope per hour and the
 * intercept of the last group (median of v − slope·t), or null with fewer than 2 usable points.
 */
export function theilSen(groups: readonly (readonly { t: number; v: number }[])[]): { perHour: number; intercept: number } | null {
  const slopes: number[] = [];
  const binned = groups.map((g) => bin(g));
  for (const g of binned) pairSlopes(g, slopes);
  const m = median(slopes);
  if (m === null) return null;
  const last = binned.filter((g) => g.length > 0).at(-1) ?? [];
  const intercept = median(last.map((p) => p.v - m * p.t)) ?? 0;
  return { perHour: m * HOUR, intercept };
}

/**
 * Rank correlation of value against time (binned), ties left out (Goodman–Kruskal gamma): +1 when every later point
 * is higher, −1 when every later point is lower. Ties are left out because censored ticks all share one value.
 */
export function trendGamma(points: readonly { t: number; v: number }[]): number {
  const b = bin(points, 150);
  let s = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    for (let j = i + 1; j < b.length; j++) {
      const sign = Math.sign((b[j]!.v - b[i]!.v) * (b[j]!.t - b[i]!.t));
      if (sign !== 0) n++;
      s += sign;
    }
  }
  return n === 0 ? 0 : s / n;
}

// ---------------------------------------------------------------------------------------------------------------
// Verdicts

/** The numbers the verdict rules use (docs/trend.md, "Verdict rules"). */
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
  /** …and the last quarter of the run is back within this fraction of the excursion above the median
   * (with a censored median: the last 3 points are back under the warning threshold). */
  returned: 0.25,
} as const;

export interface RunResult {
  from: string;
  to: string;
  /** Observed samples (not censored ticks). */
  samples: number;
  censoredTicks: number;
  slopePerHour: number | null;
  peak: number | null;
  peakAt: string | null;
  median: number | null;
  /** True when the median is a censored tick: the typical count was below the warning threshold. */
  medianBelowWarning: boolean;
  verdict: Verdict;
  endedBy: RunSeries['endedBy'];
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function pointsOf(run: RunSeries): { t: number; v: number }[] {
  return run.points.map((p) => ({ t: p.t, v: p.count }));
}

/** Verdict of one run, by the RULES above. */
export function runVerdict(run: RunSeries, thresholds: Thresholds, tickMs = TICK_MS): Verdict {
  const pts = pointsOf(run);
  if (pts.length < RULES.minPoints || run.to - run.from < RULES.minSpanTicks * tickMs || run.observed === 0 && run.censored === 0) {
    return 'insufficient-data';
  }
  const fit = theilSen([pts]);
  const values = pts.map((p) => p.v);
  const peak = Math.max(...values);
  const q = Math.max(1, Math.floor(pts.length / 4));
  const tail = values.slice(-q);
  const tailMedian = median(tail)!;
  const gamma = trendGamma(pts);
  const endLevel = median(values.slice(-3))!;
  if (fit && fit.perHour > 0) {
    const startFit = fit.intercept + (fit.perHour / HOUR) * pts[0]!.t;
    const endFit = fit.intercept + (fit.perHour / HOUR) * pts[pts.length - 1]!.t;
    const rise = endFit - startFit;
    const startLevel = Math.max(startFit, median(values.slice(0, q))!);
    const minRise = RULES.minRiseOfWarning * thresholds.warning;
    if (gamma >= RULES.minGamma && rise >= Math.max(minRise, RULES.minRiseFraction * startLevel) && endLevel >= RULES.endNearPeak * peak) {
      return 'leak';
    }
  }
  const med = median(values)!;
  const medCensored = run.censored * 2 >= run.points.length && run.censored > 0;
  // With a censored baseline the typical count is "< warning": any warning that went away again is an excursion.
  const excursion = medCensored
    ? run.observed > 0
    : peak - med >= Math.max(RULES.minRiseOfWarning * thresholds.warning, RULES.spikeFraction * med);
  const last3 = run.points.slice(-3);
  const back = medCensored
    ? last3.every((p) => p.censored || p.count <= thresholds.warning)
    : tailMedian <= med + RULES.returned * (peak - med);
  if (excursion && back) return 'spike';
  return 'stable';
}

export function analyzeRun(run: RunSeries, thresholds: Thresholds, tickMs = TICK_MS): RunResult {
  const pts = pointsOf(run);
  const fit = theilSen([pts]);
  let peak: number | null = null;
  let peakAt: number | null = null;
  for (const p of run.points) {
    if (!p.censored && (peak === null || p.count > peak)) {
      peak = p.count;
      peakAt = p.t;
    }
  }
  const med = median(pts.map((p) => p.v));
  return {
    from: iso(run.from),
    to: iso(run.to),
    samples: run.observed,
    censoredTicks: run.censored,
    slopePerHour: fit ? round(fit.perHour, 1) : null,
    peak,
    peakAt: peakAt === null ? null : iso(peakAt),
    median: med,
    medianBelowWarning: run.censored > 0 && run.censored * 2 >= run.points.length,
    verdict: runVerdict(run, thresholds, tickMs),
    endedBy: run.endedBy,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface Projection {
  /** The next threshold above the current level. */
  threshold: number;
  level: 'warning' | 'critical' | 'emergency';
  /** When the fitted line of the last run crosses it (ISO). */
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
  why: { code: 'no_samples' | 'too_few' | 'leak' | 'spike' | 'stable'; runs: number; leaks: number; spikes: number };
  /** Observed samples. */
  samples: number;
  censoredTicks: number;
  runs: RunResult[];
  slopePerHour: number | null;
  peak: number | null;
  peakAt: string | null;
  median: number | null;
  medianBelowWarning: boolean;
  projection: Projection | null;
  thresholds: Thresholds;
  /** Seconds spent at or above each threshold (each sample stands for the time to the next point, at most 2 ticks). */
  timeAboveSeconds: { warning: number; critical: number; emergency: number };
  restarts: { time: string; kind: Restart['kind']; detail: string }[];
  memory: MemoryTrend | null;
  from: string | null;
  to: string | null;
  /** Observed samples, for charts and scripts. */
  series: { time: string; count: number }[];
}

/** Farthest a projection may reach past the last sample before it is dropped as meaningless. */
export const MAX_PROJECTION_MS = 30 * 24 * HOUR;

export function analyzeTrend(series: Series, thresholds: Thresholds): TrendResult {
  const tickMs = series.tickMs;
  const runs = series.runs.map((r) => analyzeRun(r, thresholds, tickMs));
  const withData = runs.filter((r) => r.verdict !== 'insufficient-data');
  let verdict: Verdict;
  let reason: string;
  const leaks = withData.filter((r) => r.verdict === 'leak').length;
  const spikes = withData.filter((r) => r.verdict === 'spike').length;
  const observed = series.runs.reduce((s, r) => s + r.observed, 0);
  const censored = series.runs.reduce((s, r) => s + r.censored, 0);
  if (withData.length === 0) {
    verdict = 'insufficient-data';
    reason =
      observed + censored === 0
        ? 'no goroutine samples in the input: the ezlinkai monitor logs only above 2000 unless DEBUG=true, other gateways log none; for ezlinkai without DEBUG pass --assume-monitor'
        : `too few samples: a run needs ${RULES.minPoints} points over ${RULES.minSpanTicks} monitor ticks (${Math.round((RULES.minSpanTicks * tickMs) / 1000)} s)`;
  } else if (leaks > 0) {
    // One leaking run is a leak: it happened, whatever came after. `latest` tells whether it still does.
    verdict = 'leak';
    reason = `${leaks} of ${withData.length} run${withData.length === 1 ? '' : 's'} grew steadily`;
  } else if (spikes > 0) {
    verdict = 'spike';
    reason = `${spikes} of ${withData.length} runs have an excursion that came back down`;
  } else {
    verdict = 'stable';
    reason = `${withData.length} run${withData.length === 1 ? '' : 's'} without sustained growth`;
  }

  // The overall slope uses observed samples only: censored ticks are flat by construction and would drown
  // the growth of the runs that have real samples. Without any observed sample it is 0 (nothing was seen rising).
  const fit = observed > 0 ? theilSen(series.runs.map((r) => r.points.filter((p) => !p.censored).map((p) => ({ t: p.t, v: p.count })))) : theilSen(series.runs.map(pointsOf));
  let peak: number | null = null;
  let peakAt: number | null = null;
  const all: SeriesPoint[] = [];
  for (const r of series.runs) for (const p of r.points) all.push(p);
  for (const p of all) if (!p.censored && (peak === null || p.count > peak)) (peak = p.count), (peakAt = p.t);
  const med = median(all.map((p) => p.count));
  const censoredShare = all.filter((p) => p.censored).length;

  return {
    verdict,
    latest: withData.at(-1)?.verdict ?? 'insufficient-data',
    reason,
    why: {
      code: verdict === 'insufficient-data' ? (observed + censored === 0 ? 'no_samples' : 'too_few') : verdict,
      runs: withData.length,
      leaks,
      spikes,
    },
    samples: observed,
    censoredTicks: censored,
    runs,
    slopePerHour: fit ? round(fit.perHour, 1) : null,
    peak,
    peakAt: peakAt === null ? null : iso(peakAt),
    median: med,
    medianBelowWarning: censoredShare * 2 >= all.length && censoredShare > 0,
    projection: project(series, thresholds),
    thresholds,
    timeAboveSeconds: timeAbove(series, thresholds, tickMs),
    restarts: series.restarts.map((r) => ({ time: iso(r.t), kind: r.kind, detail: r.detail })),
    memory: memoryTrend(series),
    from: series.from === null ? null : iso(series.from),
    to: series.to === null ? null : iso(series.to),
    series: all.filter((p) => !p.censored).map((p) => ({ time: iso(p.t), count: p.count })),
  };
}

/** predict_linear on the last run: where its Theil–Sen line crosses the next threshold above the current level. */
function project(series: Series, t: Thresholds): Projection | null {
  const run = [...series.runs].reverse().find((r) => r.points.length >= RULES.minPoints);
  if (!run) return null;
  const fit = theilSen([pointsOf(run)]);
  if (!fit || fit.perHour <= 0) return null;
  const lastT = run.points[run.points.length - 1]!.t;
  const now = fit.intercept + (fit.perHour / HOUR) * lastT;
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

function timeAbove(series: Series, t: Thresholds, tickMs: number): TrendResult['timeAboveSeconds'] {
  const out = { warning: 0, critical: 0, emergency: 0 };
  for (const r of series.runs) {
    const pts = r.points;
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i]!;
      if (p.censored) continue;
      const next = pts[i + 1];
      const span = Math.min(next ? next.t - p.t : tickMs, 2 * tickMs) / 1000;
      if (p.count >= t.warning) out.warning += span;
      if (p.count >= t.critical) out.critical += span;
      if (p.count >= t.emergency) out.emergency += span;
    }
  }
  return out;
}

function memoryTrend(series: Series): MemoryTrend | null {
  const all = series.runs.flatMap((r) => r.memory);
  if (all.length === 0) return null;
  let peak = all[0]!;
  for (const m of all) if (m.mb > peak.mb) peak = m;
  const fit = theilSen(series.runs.map((r) => r.memory.map((m) => ({ t: m.t, v: m.mb }))));
  return {
    samples: all.length,
    peakMb: peak.mb,
    peakAt: iso(peak.t),
    firstMb: all[0]!.mb,
    lastMb: all[all.length - 1]!.mb,
    slopeMbPerHour: fit ? round(fit.perHour, 1) : null,
  };
}

/** Events → trend in one call. */
export function trendOf(events: readonly GEvent[], opts: SeriesOptions): { series: Series; result: TrendResult } {
  const series = buildSeries(events, opts);
  return { series, result: analyzeTrend(series, opts.thresholds) };
}

export interface Comparison {
  rows: { metric: 'verdict' | 'peak' | 'median' | 'slopePerHour' | 'runs' | 'samples' | 'restarts'; baseline: string | number | null; current: string | number | null }[];
}

/** Before/after table for `--baseline`. */
export function compareTrends(baseline: TrendResult, current: TrendResult): Comparison {
  const medianOf = (r: TrendResult) => (r.median === null ? null : r.medianBelowWarning ? `< ${r.thresholds.warning}` : r.median);
  const peakOf = (r: TrendResult) => (r.peak ?? (r.censoredTicks > 0 ? `< ${r.thresholds.warning}` : null));
  return {
    rows: [
      { metric: 'verdict', baseline: baseline.verdict, current: current.verdict },
      { metric: 'peak', baseline: peakOf(baseline), current: peakOf(current) },
      { metric: 'median', baseline: medianOf(baseline), current: medianOf(current) },
      { metric: 'slopePerHour', baseline: baseline.slopePerHour, current: current.slopePerHour },
      { metric: 'runs', baseline: baseline.runs.length, current: current.runs.length },
      { metric: 'samples', baseline: baseline.samples, current: current.samples },
      { metric: 'restarts', baseline: baseline.restarts.length, current: current.restarts.length },
    ],
  };
}
