// Everything `trend`, `channels`, `review` and the bundle's summary.md know, from one pass over time-ordered events
// (docs/architecture.md "Analyses"): the goroutine series, the restarts, events per day, channel activity per minute,
// panics by signature, the time the sources cover. Memory grows with those tables (days, channel-minutes, signatures,
// bounded series), never with the number of events: the events themselves are not kept. Pure.
import type { GEvent } from '../events.js';
import type { Thresholds } from '../config.js';
import { SeriesBuilder, type Series } from './series.js';
import { analyzeTrend, type TrendResult } from './rules.js';
import { RestartCounter } from './restarts.js';
import { DayTable, type DayRow, type DayTotals } from './days.js';
import { ChannelTable } from './channels.js';
import { PanicGroups, type PanicGroup } from './panics.js';

export interface AnalysisOptions {
  thresholds: Thresholds;
  /** Zone of the per-day table. */
  tz: string;
  /** `--monitor-interval`: overrides the monitor period detected from the samples. */
  tickMs?: number;
  /** Treat silence as "< warning" even when the input has no goroutine event at all. */
  assumeMonitor?: boolean;
}

export interface AnalysisResult {
  series: Series;
  trend: TrendResult;
  days: DayRow[];
  totals: DayTotals;
  channels: ChannelTable;
  panics: PanicGroup[];
  /** First and last event time (epoch ms), null without any. */
  from: number | null;
  to: number | null;
}

export class Analysis {
  private readonly series: SeriesBuilder;
  private readonly restarts = new RestartCounter();
  private readonly days: DayTable;
  private readonly channels = new ChannelTable();
  private readonly panics = new PanicGroups();
  private readonly lastTimeOf = new Map<string, number>();
  private from: number | null = null;
  private to: number | null = null;

  constructor(private readonly opts: AnalysisOptions) {
    this.series = new SeriesBuilder(opts);
    this.days = new DayTable(opts.tz, opts.thresholds);
  }

  add(e: GEvent): void {
    // A record without a time of its own (a Go crash dump in a plain file) counts at its source's previous time.
    let t = e.time === null ? NaN : Date.parse(e.time);
    if (Number.isFinite(t)) {
      this.lastTimeOf.set(e.source, t);
      if (this.from === null || t < this.from) this.from = t;
      if (this.to === null || t > this.to) this.to = t;
    } else t = this.lastTimeOf.get(e.source) ?? NaN;
    const restart = this.restarts.decide(e);
    this.series.add(e, e.kind === 'startup' ? restart : undefined);
    this.days.add(e, t, restart);
    this.channels.add(e, t);
    this.panics.add(e);
  }

  finish(): AnalysisResult {
    const series = this.series.finish();
    const { days, totals } = this.days.finish();
    return {
      series,
      trend: analyzeTrend(series, this.opts.thresholds),
      days,
      totals,
      channels: this.channels,
      panics: this.panics.finish(),
      from: this.from,
      to: this.to,
    };
  }
}

/** Events → analysis in one call (tests, and the bundle's summary). */
export function analyze(events: Iterable<GEvent>, opts: AnalysisOptions): AnalysisResult {
  const a = new Analysis(opts);
  for (const e of events) a.add(e);
  return a.finish();
}
