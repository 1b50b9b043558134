// Events per day in the review's zone (docs/review.md "Events per day"): one row per day, quiet days included.
// Memory grows with the number of days, never with the number of events. Pure.
import type { GEvent } from '../events.js';
import type { Thresholds } from '../config.js';

export interface DayRow {
  /** YYYY-MM-DD in the review's zone. */
  day: string;
  goroutineWarnings: number;
  peak: number | null;
  relayErrors: number;
  timeouts: number;
  panics: number;
  crashes: number;
  /** Restarts (src/analyze/restarts.ts): banners after earlier records of the same source. */
  restarts: number;
}

export type DayTotals = Omit<DayRow, 'day' | 'peak'> & { events: number };

/** Most days listed with a row each, quiet ones included, between the first and the last event. */
export const MAX_DAYS = 400;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-05` in the zone (formatters are costly to build: one per zone). */
export function dayOf(ms: number, tz: string): string {
  let f = dayFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(tz, f);
  }
  return f.format(ms);
}

export class DayTable {
  private readonly days = new Map<string, DayRow>();
  private events = 0;
  private from: number | null = null;
  private to: number | null = null;
  /** The last day looked up and its start and end (events come in time order: most lookups hit it). */
  private cached: { row: DayRow; from: number; to: number } | null = null;

  constructor(
    private readonly tz: string,
    private readonly th: Thresholds,
  ) {}

  /**
   * One event at `ms` (its time, or for a record without one the time of its source's previous event; NaN: none);
   * `restart` says whether it is a restart (the caller's RestartCounter decides).
   */
  add(e: GEvent, ms: number, restart: boolean): void {
    if (!Number.isFinite(ms)) return;
    this.events++;
    if (this.from === null || ms < this.from) this.from = ms;
    if (this.to === null || ms > this.to) this.to = ms;
    const r = this.row(ms);
    switch (e.kind) {
      case 'goroutine':
        if (e.level === 'elevated' || e.level === 'high' || e.count >= this.th.warning) r.goroutineWarnings++;
        if (r.peak === null || e.count > r.peak) r.peak = e.count;
        break;
      case 'relay_error':
        r.relayErrors++;
        if (e.cause === 'timeout') r.timeouts++;
        break;
      case 'timeout':
        r.timeouts++;
        break;
      case 'panic':
        r.panics++;
        break;
      case 'crash':
        r.crashes++;
        break;
      case 'startup':
        if (restart) r.restarts++;
        break;
      default:
        break;
    }
  }

  private row(ms: number): DayRow {
    const c = this.cached;
    if (c && ms >= c.from && ms < c.to) return c.row;
    const d = dayOf(ms, this.tz);
    let r = this.days.get(d);
    if (!r) this.days.set(d, (r = { day: d, goroutineWarnings: 0, peak: null, relayErrors: 0, timeouts: 0, panics: 0, crashes: 0, restarts: 0 }));
    // The hour around ms that stays on the same day (zones shift by whole or half hours): good enough for a cache.
    const hour = Math.floor(ms / 1_800_000) * 1_800_000;
    if (dayOf(hour, this.tz) === d && dayOf(hour + 1_799_999, this.tz) === d) this.cached = { row: r, from: hour, to: hour + 1_800_000 };
    return r;
  }

  /** Rows in day order, every day from the first to the last event (at most MAX_DAYS), and their totals. */
  finish(): { days: DayRow[]; totals: DayTotals } {
    if (this.from !== null && this.to !== null && this.to - this.from <= MAX_DAYS * 86_400_000) {
      for (let t = this.from; t < this.to + 3_600_000; t += 3_600_000) this.row(Math.min(t, this.to));
    }
    const days = [...this.days.values()].sort((a, b) => a.day.localeCompare(b.day)).map((r) => ({ ...r }));
    const totals: DayTotals = { goroutineWarnings: 0, relayErrors: 0, timeouts: 0, panics: 0, crashes: 0, restarts: 0, events: this.events };
    for (const d of days) {
      totals.goroutineWarnings += d.goroutineWarnings;
      totals.relayErrors += d.relayErrors;
      totals.timeouts += d.timeouts;
      totals.panics += d.panics;
      totals.crashes += d.crashes;
      totals.restarts += d.restarts;
    }
    return { days, totals };
  }
}
