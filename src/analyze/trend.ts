// Goroutine and memory trend: the series behind "is it still leaking?" (docs/trend.md). Three parts, one job each:
// src/analyze/series.ts builds the series in one pass (runs, censored ticks, the monitor's period), robust.ts holds
// the statistics (medians, Theil–Sen, gamma), rules.ts the verdicts. This module puts them together. Pure.
import type { GEvent } from '../events.js';
import { buildSeries, type Series, type SeriesOptions } from './series.js';
import { analyzeTrend, type TrendResult } from './rules.js';

export { buildSeries, SeriesBuilder, DEFAULT_TICK_MS, STREAM_SKEW_MS, points, censoredStretches, observedPoints } from './series.js';
export type { Series, SeriesOptions, RunSeries, SeriesPoint, RestartMark, CrashMark } from './series.js';
export { analyzeTrend, analyzeRun, compareTrends, RULES, MAX_PROJECTION_MS } from './rules.js';
export type { Verdict, RunResult, Projection, MemoryTrend, TrendResult, Comparison } from './rules.js';
export { median, bin, theilSen, trendGamma } from './robust.js';

/** Events → trend in one call. */
export function trendOf(events: Iterable<GEvent>, opts: SeriesOptions): { series: Series; result: TrendResult } {
  const series = buildSeries(events, opts);
  return { series, result: analyzeTrend(series, opts.thresholds) };
}
