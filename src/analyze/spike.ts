// Where is the spike? The largest goroutine excursion of a series, or the densest burst of relay errors. Pure.
import type { GEvent } from '../events.js';
import type { Series } from './trend.js';
import { median, runVerdict } from './trend.js';
import type { Thresholds } from '../config.js';

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
export function largestExcursion(series: Series, thresholds: Thresholds): Excursion | null {
  const warning = thresholds.warning;
  const spiky = series.runs.map((r) => runVerdict(r, thresholds, series.tickMs) === 'spike');
  const prefer = spiky.some(Boolean);
  let best: { size: number; run: number; idx: number; base: number; censoredBase: boolean } | null = null;
  series.runs.forEach((run, r) => {
    if (prefer && !spiky[r]) return;
    const censoredBase = run.censored * 2 >= run.points.length && run.censored > 0;
    const base = censoredBase ? warning : (median(run.points.map((p) => p.count)) ?? 0);
    run.points.forEach((p, i) => {
      if (p.censored) return;
      const size = p.count - base;
      if (!best || size > best.size) best = { size, run: r, idx: i, base, censoredBase };
    });
  });
  if (!best) return null;
  const b: { size: number; run: number; idx: number; base: number; censoredBase: boolean } = best;
  const pts = series.runs[b.run]!.points;
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

/** The window of length `windowMs` holding the most relay errors (earliest on ties); null without relay errors. */
export function relayErrorBurst(events: readonly GEvent[], windowMs: number): Burst | null {
  const times: number[] = [];
  for (const e of events) {
    if (e.kind !== 'relay_error' || !e.time) continue;
    const t = Date.parse(e.time);
    if (Number.isFinite(t)) times.push(t);
  }
  if (times.length === 0) return null;
  times.sort((a, b) => a - b);
  let best: Burst = { from: times[0]!, to: times[0]! + windowMs, count: 0 };
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (j < times.length && times[j]! <= times[i]! + windowMs) j++;
    if (j - i > best.count) best = { from: times[i]!, to: times[i]! + windowMs, count: j - i };
  }
  return best;
}
