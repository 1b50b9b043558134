// Which upstream channels failed in a window, and which of them got worse there than in the rest of the input. Pure.
import type { Cause, GEvent } from '../events.js';
import type { Thresholds } from '../config.js';
import { buildSeries } from './trend.js';
import { largestExcursion, relayErrorBurst } from './spike.js';

export const CAUSES: readonly Cause[] = ['timeout', 'rate_limit', 'auth', 'quota', 'upstream_5xx', 'network', 'other'];

/** The flag rule (docs/channels.md): at least FLAG_MIN_ERRORS relay errors in the window, and a window rate at
 * least FLAG_RATIO times the channel's rate in the rest of the input (or no error there at all). */
export const FLAG_MIN_ERRORS = 5;
export const FLAG_RATIO = 3;

export interface Window {
  from: number;
  to: number;
  /** Why this window, in English. */
  reason: string;
  /** The same for renderers in other languages. */
  why?: WindowWhy;
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
  /** Relay errors per hour in the window. */
  windowRate: number;
  /** Relay errors per hour in the rest of the input; null when the window covers all of it. */
  baselineRate: number | null;
  /** windowRate / baselineRate; null when either is undefined or the baseline is 0. */
  ratio: number | null;
  flagged: boolean;
}

export interface ChannelReport {
  window: { from: string; to: string; reason: string; why?: WindowWhy };
  channels: ChannelRow[];
  /** The span of the input the baseline is taken from. */
  input: { from: string | null; to: string | null };
  rule: { minErrors: number; minRatio: number };
}

const HOUR = 3_600_000;

function t(e: GEvent): number | null {
  if (!e.time) return null;
  const ms = Date.parse(e.time);
  return Number.isFinite(ms) ? ms : null;
}

function emptyCauses(): Record<Cause, number> {
  return { timeout: 0, rate_limit: 0, auth: 0, quota: 0, upstream_5xx: 0, network: 0, other: 0 };
}

interface Acc {
  row: ChannelRow;
  outside: number;
}

/** Rank channels by relay errors inside `window`; compare each with its rate over the rest of [inputFrom, inputTo]. */
export function rankChannels(
  events: readonly GEvent[],
  window: Window,
  input: { from: number | null; to: number | null } = spanOf(events),
): ChannelReport {
  const byRequest = new Map<string, number>();
  for (const e of events) if (e.kind === 'relay_error' && e.requestId && e.channel !== null) byRequest.set(e.requestId, e.channel);
  const acc = new Map<string, Acc>();
  const get = (channel: number | null): Acc => {
    const key = String(channel);
    let a = acc.get(key);
    if (!a) {
      a = {
        outside: 0,
        row: {
          channel,
          relayErrors: 0,
          timeouts: 0,
          causes: emptyCauses(),
          retriesAway: 0,
          disabled: 0,
          enabled: 0,
          disableReason: null,
          firstError: null,
          lastError: null,
          windowRate: 0,
          baselineRate: null,
          ratio: null,
          flagged: false,
        },
      };
      acc.set(key, a);
    }
    return a;
  };
  const inWindow = (ms: number) => ms >= window.from && ms <= window.to;
  for (const e of events) {
    const ms = t(e);
    if (ms === null) continue;
    const inside = inWindow(ms);
    if (e.kind === 'relay_error') {
      const a = get(e.channel);
      if (!inside) {
        a.outside++;
        continue;
      }
      const r = a.row;
      if (e.channelName && !r.name) r.name = e.channelName;
      r.relayErrors++;
      r.causes[e.cause]++;
      if (e.cause === 'timeout') r.timeouts++;
      if (r.firstError === null || e.time! < r.firstError) r.firstError = e.time;
      if (r.lastError === null || e.time! > r.lastError) r.lastError = e.time;
    } else if (!inside) {
      continue;
    } else if (e.kind === 'retry') {
      const from = e.fromChannel ?? (e.requestId ? byRequest.get(e.requestId) : undefined) ?? null;
      if (from !== null) get(from).row.retriesAway++;
    } else if (e.kind === 'channel_disabled') {
      const r = get(e.channel).row;
      r.disabled++;
      if (e.reason) r.disableReason = e.reason;
    } else if (e.kind === 'channel_enabled') {
      get(e.channel).row.enabled++;
    }
  }
  const windowHours = Math.max(window.to - window.from, 60_000) / HOUR;
  let outsideHours = 0;
  if (input.from !== null && input.to !== null) {
    const total = input.to - input.from;
    const overlap = Math.max(0, Math.min(window.to, input.to) - Math.max(window.from, input.from));
    outsideHours = Math.max(0, total - overlap) / HOUR;
  }
  const rows: ChannelRow[] = [];
  for (const { row, outside } of acc.values()) {
    if (row.relayErrors === 0 && row.retriesAway === 0 && row.disabled === 0 && row.enabled === 0) continue;
    row.windowRate = round(row.relayErrors / windowHours);
    // Less than a minute outside the window is no baseline at all.
    row.baselineRate = outsideHours * HOUR >= 60_000 ? round(outside / outsideHours) : null;
    row.ratio = row.baselineRate !== null && row.baselineRate > 0 ? round(row.windowRate / row.baselineRate) : null;
    row.flagged =
      row.baselineRate !== null && row.relayErrors >= FLAG_MIN_ERRORS && (row.baselineRate === 0 || (row.ratio ?? 0) >= FLAG_RATIO);
    rows.push(row);
  }
  rows.sort((a, b) => b.relayErrors - a.relayErrors || b.retriesAway - a.retriesAway || (a.channel ?? Infinity) - (b.channel ?? Infinity));
  return {
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), reason: window.reason, ...(window.why ? { why: window.why } : {}) },
    channels: rows,
    input: {
      from: input.from === null ? null : new Date(input.from).toISOString(),
      to: input.to === null ? null : new Date(input.to).toISOString(),
    },
    rule: { minErrors: FLAG_MIN_ERRORS, minRatio: FLAG_RATIO },
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** First and last event time of the input. */
export function spanOf(events: readonly GEvent[]): { from: number | null; to: number | null } {
  let from: number | null = null;
  let to: number | null = null;
  for (const e of events) {
    const ms = t(e);
    if (ms === null) continue;
    if (from === null || ms < from) from = ms;
    if (to === null || ms > to) to = ms;
  }
  return { from, to };
}

/**
 * The window for `--spike`: from `windowMs` before the onset of the largest goroutine excursion up to its peak;
 * without goroutine samples, the densest `windowMs` of relay errors. Null when there is neither.
 */
export function spikeWindow(events: readonly GEvent[], windowMs: number, thresholds: Thresholds, tickMs?: number): Window | null {
  const series = buildSeries(events, { thresholds, ...(tickMs ? { tickMs } : {}) });
  const ex = largestExcursion(series, thresholds);
  if (ex) {
    return {
      from: ex.onset - windowMs,
      to: ex.peakAt,
      reason: `spike: goroutines peaked at ${ex.peak}; the window runs from ${Math.round(windowMs / 60_000)} min before the climb began to the peak`,
      why: { code: 'spike', peak: ex.peak, minutes: Math.round(windowMs / 60_000) },
    };
  }
  const burst = relayErrorBurst(events, windowMs);
  if (burst && burst.count > 0) {
    return {
      from: burst.from,
      to: burst.to,
      reason: `relay-error burst: ${burst.count} relay errors within ${Math.round(windowMs / 60_000)} min (no goroutine samples)`,
      why: { code: 'burst', count: burst.count, minutes: Math.round(windowMs / 60_000) },
    };
  }
  return null;
}

/** `--around TIME`: the window centred on the time. */
export function aroundWindow(at: number, windowMs: number): Window {
  return {
    from: at - windowMs / 2,
    to: at + windowMs / 2,
    reason: `around ${new Date(at).toISOString()} (±${Math.round(windowMs / 120_000)} min)`,
    why: { code: 'around', at: new Date(at).toISOString(), minutes: Math.round(windowMs / 120_000) },
  };
}
