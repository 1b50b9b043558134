// Where is the spike? The largest goroutine excursion of a series, or the densest burst of relay errors; and the
// window `channels --spike` and the review's "before the spike" read. Pure.
import type { Thresholds } from '../config.js';
import { median } from './robust.js';
import { points, type Series } from './series.js';
import type { RunResult } from './rules.js';
import type { ChannelTable, Window } from './channels.js';

export interface Excursion {
  peak: number;
  peakAt: number;
  /** Start of the climb: the earliest sample before the peak, with no lower point in between, above baseline + 20 % of the rise. */
  onset: number;
  /** The run's median; null when the run's typical count was censored (< warning). */
  baseline: number | null;
}

/** Fraction of the rise above baseline that marks where a climb begins. */
export const ONSET_FRACTION = 0.2;

/**
 * The observed sample highest above its run's median (censored runs: above the warning threshold). Runs whose
 * verdict is `spike` (an excursion that came back) are preferred: a leak is not an excursion, the trend covers it.
 */
export function largestExcursion(series: Series, runs: readonly RunResult[], thresholds: Thresholds): Excursion | null {
  const warning = thresholds.warning;
  const prefer = runs.some((r) => r.verdict === 'spike');
  let best: { size: number; pts: { t: number; count: number; censored: boolean }[]; idx: number; base: number; censoredBase: boolean } | null = null;
  series.runs.forEach((run, r) => {
    if (prefer && runs[r]?.verdict !== 'spike') return;
    if (run.observed === 0) return;
    const pts = [...points(series, run)];
    const censoredBase = run.censored * 2 >= pts.length && run.censored > 0;
    const base = censoredBase ? warning : (median(pts.map((p) => p.count)) ?? 0);
    pts.forEach((p, i) => {
      if (p.censored) return;
      const size = p.count - base;
      if (!best || size > best.size) best = { size, pts, idx: i, base, censoredBase };
    });
  });
  if (!best) return null;
  const b: { size: number; pts: { t: number; count: number; censored: boolean }[]; idx: number; base: number; censoredBase: boolean } = best;
  const pts = b.pts;
  const peak = pts[b.idx]!;
  const floor = b.base + ONSET_FRACTION * (peak.count - b.base);
  let k = b.idx;
  while (k > 0 && !pts[k - 1]!.censored && pts[k - 1]!.count > floor && pts[k - 1]!.count <= pts[k]!.count + 0.5 * (peak.count - b.base)) k--;
  return { peak: peak.count, peakAt: peak.t, onset: pts[k]!.t, baseline: b.censoredBase ? null : b.base };
}

export interface Burst {
  from: number;
  to: number;
  count: number;
}

/** The window of `windowMs` (whole buckets) holding the most relay errors (earliest on ties); null without relay errors. */
export function relayErrorBurst(table: ChannelTable, windowMs: number): Burst | null {
  const b = table.relayErrorsPerBucket();
  if (b.length === 0) return null;
  let best: Burst = { from: b[0]!.start, to: b[0]!.start + windowMs, count: 0 };
  let j = 0;
  let sum = 0;
  for (let i = 0; i < b.length; i++) {
    while (j < b.length && b[j]!.start < b[i]!.start + windowMs) sum += b[j++]!.count;
    if (sum > best.count) best = { from: b[i]!.start, to: b[i]!.start + windowMs, count: sum };
    sum -= b[i]!.count;
  }
  return best;
}

/**
 * The window for `--spike`: from `windowMs` before the onset of the largest goroutine excursion up to its peak;
 * without goroutine samples, the densest `windowMs` of relay errors. Null when there is neither.
 */
export function spikeWindow(series: Series, runs: readonly RunResult[], table: ChannelTable, windowMs: number, thresholds: Thresholds): Window | null {
  const ex = largestExcursion(series, runs, thresholds);
  const minutes = Math.round(windowMs / 60_000);
  if (ex) {
    return {
      from: ex.onset - windowMs,
      to: ex.peakAt,
      reason: `spike: goroutines peaked at ${ex.peak}; the window runs from ${minutes} min before the climb began to the peak`,
      why: { code: 'spike', peak: ex.peak, minutes },
    };
  }
  const burst = relayErrorBurst(table, windowMs);
  if (burst && burst.count > 0) {
    return {
      from: burst.from,
      to: burst.to - 1,
      reason: `relay-error burst: ${burst.count} relay errors within ${minutes} min (no goroutine samples)`,
      why: { code: 'burst', count: burst.count, minutes },
    };
  }
  return null;
}
