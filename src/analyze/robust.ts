// Robust statistics for the goroutine trend (docs/trend.md "Verdict rules"): medians, equal-count binning, the
// Theil–Sen slope, Goodman–Kruskal gamma, and the monitor period from sample spacing. Pure, and bounded: the
// pairwise statistics run on at most a few hundred bins whatever the length of the input, and nothing here uses
// `Math.max(...values)` (the spread argument overflows the stack past ~125k values).

export interface Pt {
  t: number;
  v: number;
}

const HOUR = 3_600_000;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Largest value, or null; a loop, safe for any length. */
export function maxOf(values: Iterable<number>): number | null {
  let m: number | null = null;
  for (const v of values) if (m === null || v > m) m = v;
  return m;
}

/** Smallest, largest and mean value, or null when there is none; one loop, safe for any length (a long `watch`). */
export function rangeOf(values: Iterable<number>): { min: number; max: number; mean: number } | null {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return n === 0 ? null : { min, max, mean: sum / n };
}

/** At most `max` points: equal-count bins, each replaced by its median time and median value. */
export function bin(points: readonly Pt[], max = 200): Pt[] {
  if (points.length <= max) return [...points];
  const out: Pt[] = [];
  for (let k = 0; k < max; k++) {
    const lo = Math.floor((k * points.length) / max);
    const hi = Math.floor(((k + 1) * points.length) / max);
    const slice = points.slice(lo, hi);
    out.push({ t: median(slice.map((p) => p.t))!, v: median(slice.map((p) => p.v))! });
  }
  return out;
}

/** Pairwise slopes (per ms) of points within one group. */
function pairSlopes(points: readonly Pt[], into: number[]): void {
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]!.t - points[i]!.t;
      if (dt > 0) into.push((points[j]!.v - points[i]!.v) / dt);
    }
  }
}

/**
 * Theil–Sen estimator over groups: the median of the slopes of all pairs taken within the same group (a run), so
 * that a sawtooth of leaking runs has the slope of its teeth, not of the saw. Groups longer than 200 points are
 * binned to 200 medians first. Slope per hour and the intercept of the last group (median of v − slope·t), or null
 * with fewer than 2 usable points.
 */
export function theilSen(groups: readonly (readonly Pt[])[]): { perHour: number; intercept: number } | null {
  const slopes: number[] = [];
  const binned = groups.map((g) => bin(g));
  for (const g of binned) pairSlopes(g, slopes);
  const m = median(slopes);
  if (m === null) return null;
  const last = binned.filter((g) => g.length > 0).at(-1) ?? [];
  const intercept = median(last.map((p) => p.v - m * p.t)) ?? 0;
  return { perHour: m * HOUR, intercept };
}

/** The value of a Theil–Sen line at time t. */
export function lineAt(fit: { perHour: number; intercept: number }, t: number): number {
  return fit.intercept + (fit.perHour / HOUR) * t;
}

/**
 * Rank correlation of value against time (binned to 150), ties left out (Goodman–Kruskal gamma): +1 when every later
 * point is higher, −1 when every later point is lower. Ties are left out because censored ticks all share one value.
 */
export function trendGamma(points: readonly Pt[]): number {
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

/**
 * The spacing of consecutive samples, kept as a bounded histogram (10 ms steps; gaps over 10 min are silences, not
 * spacing), from which `period()` reads the monitor's period: the lower quartile of the gaps, refined to the median
 * of the gaps within ±20 % of it. A monitor logs at most once per tick, so gaps are whole multiples of its period;
 * the lower quartile finds the one-tick gaps as long as a quarter of the gaps are one tick (a warning logged on two
 * ticks in a row), and is not fooled by the longer gaps of a non-DEBUG monitor that only logs above 2000.
 */
export class GapHistogram {
  /** Gap in 10 ms steps → how often. */
  private readonly counts = new Map<number, number>();
  private n = 0;

  static readonly STEP_MS = 10;
  static readonly MAX_GAP_MS = 600_000;
  /** Fewer gaps than this say nothing about a period. */
  static readonly MIN_GAPS = 5;

  add(gapMs: number): void {
    if (!(gapMs > 0) || gapMs > GapHistogram.MAX_GAP_MS) return;
    const k = Math.round(gapMs / GapHistogram.STEP_MS);
    if (k === 0) return;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    this.n++;
  }

  merge(other: GapHistogram): void {
    for (const [k, c] of other.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + c);
    this.n += other.n;
  }

  get gaps(): number {
    return this.n;
  }

  /** The detected period in ms, or null with fewer than MIN_GAPS gaps. */
  period(): number | null {
    if (this.n < GapHistogram.MIN_GAPS) return null;
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    const quantile = (q: number, lo = 0, hi = Infinity): number | null => {
      let total = 0;
      for (const k of keys) if (k >= lo && k <= hi) total += this.counts.get(k)!;
      if (total === 0) return null;
      const target = q * (total - 1);
      let seen = 0;
      for (const k of keys) {
        if (k < lo || k > hi) continue;
        seen += this.counts.get(k)!;
        if (seen - 1 >= target) return k;
      }
      return keys.at(-1)!;
    };
    const q1 = quantile(0.25)!;
    const refined = quantile(0.5, Math.floor(q1 * 0.8), Math.ceil(q1 * 1.2)) ?? q1;
    return refined * GapHistogram.STEP_MS;
  }
}
