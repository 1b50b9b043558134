// Which upstream channels failed in a window, and which of them got worse there than before (docs/channels.md). Pure.
//
// One table, one function. `ChannelTable` takes the events once ({add, finish}) and keeps, per minute and channel,
// what the report needs (relay errors by cause, retries away, disable/enable lines, first and last error): memory
// grows with the minutes that had channel activity, never with the number of events (past MAX_CELLS the minutes
// become 2, 4, … minutes). `channelReport` is the only place that decides a window's counts, the baseline (the time
// the sources actually cover outside the window) and the ratio; `channels`, `review` and the bundle's summary.md
// call it, and `ratioText` is the only way a ratio is written.
import type { Cause, GEvent } from '../events.js';

export const CAUSES: readonly Cause[] = ['timeout', 'rate_limit', 'auth', 'quota', 'upstream_5xx', 'network', 'other'];

/** The flag rule (docs/channels.md): at least FLAG_MIN_ERRORS relay errors in the window, and a window rate at
 * least FLAG_RATIO times the channel's rate in the rest of the covered time (or no error there at all). */
export const FLAG_MIN_ERRORS = 5;
export const FLAG_RATIO = 3;
/** A baseline shorter than this is no baseline. */
export const MIN_BASELINE_MS = 60_000;
/** Most (bucket, channel) cells kept before buckets double in length. */
export const MAX_CELLS = 100_000;
/** Request ids remembered to find the channel a retry moved away from (retries follow their relay error closely). */
const RECENT_REQUESTS = 4096;

export interface Window {
  from: number;
  to: number;
  /** Why this window, in English. */
  reason: string;
  /** The same for renderers in other languages. */
  why?: WindowWhy;
  /** The whole input, when it holds no time at all (empty, or no line with a time): the report's window is null. */
  untimed?: true;
}

export interface WindowWhy {
  code: 'whole' | 'spike' | 'burst' | 'around' | 'nothing';
  peak?: number;
  count?: number;
  minutes?: number;
  at?: string;
}

export interface ChannelRow {
  /** Channel id; null for relay errors whose line names none. */
  channel: number | null;
  name?: string;
  relayErrors: number;
  /** Relay errors whose cause is a timeout. */
  timeouts: number;
  causes: Record<Cause, number>;
  /** Retries that moved a request away from this channel. */
  retriesAway: number;
  /** `channel #N has been disabled` lines in the window. */
  disabled: number;
  enabled: number;
  disableReason: string | null;
  firstError: string | null;
  lastError: string | null;
  /** Relay errors per hour of covered time in the window. */
  windowRate: number;
  /** Relay errors per hour of covered time outside the window; null when there is less than a minute of it. */
  baselineRate: number | null;
  /** windowRate / baselineRate; null when the baseline is null or 0 (see `ratioText`). */
  ratio: number | null;
  flagged: boolean;
}

export interface ChannelReport {
  /** null from and to: the input holds no time (Window.untimed). */
  window: { from: string | null; to: string | null; reason: string; why?: WindowWhy };
  channels: ChannelRow[];
  /** The span the sources cover (first to last event of each source, joined). */
  input: { from: string | null; to: string | null };
  /** Covered minutes inside the window and outside it (the baseline's time). */
  covered: { windowMinutes: number; baselineMinutes: number };
  rule: { minErrors: number; minRatio: number };
}

/** One channel's counts while the events go by: the row's counts, with times kept as epoch ms until the end. */
interface Cell extends Pick<ChannelRow, 'relayErrors' | 'timeouts' | 'causes' | 'retriesAway' | 'disabled' | 'enabled' | 'disableReason' | 'name'> {
  disableAt: number;
  firstError: number | null;
  lastError: number | null;
}

function emptyCauses(): Record<Cause, number> {
  return { timeout: 0, rate_limit: 0, auth: 0, quota: 0, upstream_5xx: 0, network: 0, other: 0 };
}

function newCell(): Cell {
  return { relayErrors: 0, timeouts: 0, causes: emptyCauses(), retriesAway: 0, disabled: 0, enabled: 0, disableReason: null, disableAt: -Infinity, firstError: null, lastError: null };
}

function addCell(into: Cell, c: Cell): void {
  into.relayErrors += c.relayErrors;
  into.timeouts += c.timeouts;
  for (const k of CAUSES) into.causes[k] += c.causes[k];
  into.retriesAway += c.retriesAway;
  into.disabled += c.disabled;
  into.enabled += c.enabled;
  if (c.disableReason !== null && c.disableAt >= into.disableAt) {
    into.disableReason = c.disableReason;
    into.disableAt = c.disableAt;
  }
  if (c.firstError !== null && (into.firstError === null || c.firstError < into.firstError)) into.firstError = c.firstError;
  if (c.lastError !== null && (into.lastError === null || c.lastError > into.lastError)) into.lastError = c.lastError;
  if (c.name && !into.name) into.name = c.name;
}

/** Per source, the first and last event time: the time the input covers. */
export class Coverage {
  private readonly spans = new Map<string, [number, number]>();

  add(source: string, t: number): void {
    const s = this.spans.get(source);
    if (!s) this.spans.set(source, [t, t]);
    else {
      if (t < s[0]) s[0] = t;
      if (t > s[1]) s[1] = t;
    }
  }

  /** The union of the sources' spans, as sorted disjoint [from, to] intervals. */
  intervals(): [number, number][] {
    const all = [...this.spans.values()].map((s) => [s[0], s[1]] as [number, number]).sort((a, b) => a[0] - b[0]);
    const out: [number, number][] = [];
    for (const s of all) {
      const last = out.at(-1);
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else out.push(s);
    }
    return out;
  }

  /** Milliseconds of covered time inside [from, to). */
  within(from: number, to: number): number {
    let ms = 0;
    for (const [a, b] of this.intervals()) ms += Math.max(0, Math.min(b, to) - Math.max(a, from));
    return ms;
  }

  span(): { from: number | null; to: number | null } {
    const i = this.intervals();
    return { from: i[0]?.[0] ?? null, to: i.at(-1)?.[1] ?? null };
  }
}

/** Channel activity per time bucket, from events in any order. */
export class ChannelTable {
  bucketMs = 60_000;
  private buckets = new Map<number, Map<number | null, Cell>>();
  private cells = 0;
  private readonly recent = new Map<string, number>();
  /**
   * Retries whose relay error has not come yet, by request id: Docker stamps stdout and stderr apart, so the retry
   * (stdout) can carry a time a little before the relay error (stderr) that caused it.
   */
  private readonly orphans = new Map<string, number[]>();
  readonly coverage = new Coverage();

  /** One event at `t` (its time, or for a record without one the time of its source's previous event; NaN: none). */
  add(e: GEvent, t: number = e.time === null ? NaN : Date.parse(e.time)): void {
    if (!Number.isFinite(t)) return;
    this.coverage.add(e.source, t);
    switch (e.kind) {
      case 'relay_error': {
        const c = this.cell(t, e.channel);
        c.relayErrors++;
        c.causes[e.cause]++;
        if (e.cause === 'timeout') c.timeouts++;
        if (c.firstError === null || t < c.firstError) c.firstError = t;
        if (c.lastError === null || t > c.lastError) c.lastError = t;
        if (e.channelName && !c.name) c.name = e.channelName;
        if (e.requestId && e.channel !== null) {
          this.recent.delete(e.requestId);
          this.recent.set(e.requestId, e.channel);
          if (this.recent.size > RECENT_REQUESTS) this.recent.delete(this.recent.keys().next().value!);
          const waiting = this.orphans.get(e.requestId);
          if (waiting) {
            this.orphans.delete(e.requestId);
            for (const rt of waiting) this.cell(rt, e.channel).retriesAway++;
          }
        }
        break;
      }
      case 'retry': {
        const from = e.fromChannel ?? (e.requestId ? this.recent.get(e.requestId) : undefined) ?? null;
        if (from !== null) this.cell(t, from).retriesAway++;
        else if (e.requestId) {
          const waiting = this.orphans.get(e.requestId);
          if (waiting) waiting.push(t);
          else {
            this.orphans.set(e.requestId, [t]);
            if (this.orphans.size > RECENT_REQUESTS) this.orphans.delete(this.orphans.keys().next().value!);
          }
        }
        break;
      }
      case 'channel_disabled': {
        const c = this.cell(t, e.channel);
        c.disabled++;
        if (e.reason && t >= c.disableAt) {
          c.disableReason = e.reason;
          c.disableAt = t;
        }
        break;
      }
      case 'channel_enabled':
        this.cell(t, e.channel).enabled++;
        break;
      default:
        break;
    }
  }

  private cell(t: number, channel: number | null): Cell {
    const k = Math.floor(t / this.bucketMs);
    let b = this.buckets.get(k);
    if (!b) this.buckets.set(k, (b = new Map()));
    let c = b.get(channel);
    if (!c) {
      b.set(channel, (c = newCell()));
      if (++this.cells > MAX_CELLS) {
        this.coarsen();
        return this.cell(t, channel);
      }
    }
    return c;
  }

  /** Buckets twice as long: cells of neighbouring buckets become one. */
  private coarsen(): void {
    const old = this.buckets;
    this.bucketMs *= 2;
    this.buckets = new Map();
    this.cells = 0;
    for (const [k, b] of old) {
      const nk = Math.floor(k / 2);
      let nb = this.buckets.get(nk);
      if (!nb) this.buckets.set(nk, (nb = new Map()));
      for (const [ch, c] of b) {
        const into = nb.get(ch);
        if (into) addCell(into, c);
        else {
          nb.set(ch, c);
          this.cells++;
        }
      }
    }
  }

  /** Cells of buckets starting in [from, to), summed per channel. */
  sum(from: number, to: number): Map<number | null, Cell> {
    const out = new Map<number | null, Cell>();
    for (const [k, b] of this.buckets) {
      const start = k * this.bucketMs;
      if (start < from || start >= to) continue;
      for (const [ch, c] of b) {
        let into = out.get(ch);
        if (!into) out.set(ch, (into = newCell()));
        addCell(into, c);
      }
    }
    return out;
  }

  /** A window [from, to] (inclusive) snapped outwards to whole buckets: [from, to). */
  snap(w: { from: number; to: number }): { from: number; to: number } {
    const b = this.bucketMs;
    return { from: Math.floor(w.from / b) * b, to: Math.floor(w.to / b) * b + b };
  }

  /** Relay errors per bucket, in time order (the burst search). */
  relayErrorsPerBucket(): { start: number; count: number }[] {
    const out: { start: number; count: number }[] = [];
    for (const [k, b] of this.buckets) {
      let n = 0;
      for (const c of b.values()) n += c.relayErrors;
      if (n > 0) out.push({ start: k * this.bucketMs, count: n });
    }
    return out.sort((a, b) => a.start - b.start);
  }
}

const HOUR = 3_600_000;

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}

/**
 * The channels of a window, ranked by relay errors, each compared with its own rate outside the window. Both rates are
 * per hour of covered time (the sources' spans, so days before a container existed are no baseline); the window is
 * snapped outwards to whole buckets (minutes).
 */
export function channelReport(table: ChannelTable, window: Window): ChannelReport {
  const w = table.snap(window);
  const inside = table.sum(w.from, w.to);
  const all = table.sum(-Infinity, Infinity);
  const windowMs = table.coverage.within(w.from, w.to);
  const span = table.coverage.span();
  const baselineMs = (span.from === null ? 0 : table.coverage.within(span.from, span.to! + 1)) - windowMs;
  const windowHours = Math.max(windowMs, 60_000) / HOUR;
  const rows: ChannelRow[] = [];
  for (const [channel, c] of inside) {
    if (c.relayErrors === 0 && c.retriesAway === 0 && c.disabled === 0 && c.enabled === 0) continue;
    const outside = (all.get(channel)?.relayErrors ?? 0) - c.relayErrors;
    const windowRate = round(c.relayErrors / windowHours);
    const baselineRate = baselineMs >= MIN_BASELINE_MS ? round(outside / (baselineMs / HOUR)) : null;
    const ratio = baselineRate !== null && baselineRate > 0 ? round(windowRate / baselineRate) : null;
    rows.push({
      channel,
      ...(c.name ? { name: c.name } : {}),
      relayErrors: c.relayErrors,
      timeouts: c.timeouts,
      causes: c.causes,
      retriesAway: c.retriesAway,
      disabled: c.disabled,
      enabled: c.enabled,
      disableReason: c.disableReason,
      firstError: iso(c.firstError),
      lastError: iso(c.lastError),
      windowRate,
      baselineRate,
      ratio,
      flagged: baselineRate !== null && c.relayErrors >= FLAG_MIN_ERRORS && (baselineRate === 0 || (ratio ?? 0) >= FLAG_RATIO),
    });
  }
  rows.sort((a, b) => b.relayErrors - a.relayErrors || b.retriesAway - a.retriesAway || (a.channel ?? Infinity) - (b.channel ?? Infinity));
  return {
    window: { from: window.untimed ? null : iso(w.from), to: window.untimed ? null : iso(w.to), reason: window.reason, ...(window.why ? { why: window.why } : {}) },
    channels: rows,
    input: { from: iso(span.from), to: iso(span.to) },
    covered: { windowMinutes: Math.round(windowMs / 60_000), baselineMinutes: Math.round(Math.max(0, baselineMs) / 60_000) },
    rule: { minErrors: FLAG_MIN_ERRORS, minRatio: FLAG_RATIO },
  };
}

/**
 * A ratio as every renderer writes it: `228×` (rounded from 10 up), `new` when the channel had no error in the
 * baseline time, `-` when there is no baseline (the window covers all the input).
 */
export function ratioText(r: Pick<ChannelRow, 'ratio' | 'baselineRate' | 'relayErrors'>): string {
  if (r.ratio !== null) return `${r.ratio >= 10 ? Math.round(r.ratio) : r.ratio}×`;
  return r.baselineRate === 0 && r.relayErrors > 0 ? 'new' : '-';
}

/** The whole input as a window. */
export function wholeWindow(table: ChannelTable, reason = 'the whole input'): Window {
  const s = table.coverage.span();
  if (s.from === null || s.to === null) return { from: 0, to: 0, reason, why: { code: 'whole' }, untimed: true };
  return { from: s.from, to: s.to, reason, why: { code: 'whole' } };
}

/** `--around TIME`: the window centred on the time ([from, to] inclusive: it ends a millisecond before at + ½ window). */
export function aroundWindow(at: number, windowMs: number): Window {
  return {
    from: at - windowMs / 2,
    to: at + windowMs / 2 - 1,
    reason: `around ${new Date(at).toISOString()} (±${Math.round(windowMs / 120_000)} min)`,
    why: { code: 'around', at: new Date(at).toISOString(), minutes: Math.round(windowMs / 120_000) },
  };
}

/** Events → report in one call (tests). */
export function rankChannels(events: Iterable<GEvent>, window: Window): ChannelReport {
  const t = new ChannelTable();
  for (const e of events) t.add(e);
  return channelReport(t, window);
}
