// The weekly review: trend, peaks, events per day, panics, channels, restarts, container, next steps. Pure.
import type { GEvent } from '../events.js';
import type { Thresholds, GoroutineLevel } from '../config.js';
import { goroutineLevel } from '../config.js';
import { trendOf, withEffectiveTimes, type Series, type TrendResult } from './trend.js';
import { groupPanics, type PanicGroup } from './panics.js';
import { rankChannels, spanOf, spikeWindow, type ChannelReport, type ChannelRow } from './channels.js';
import { spanText, type LeakSuspects } from './suspects.js';

/** What the command could learn about a container source (inspect and one stats sample); every part optional. */
export interface ContainerInfo {
  name: string;
  state?: string;
  health?: string | null;
  restartCount?: number;
  startedAt?: string | null;
  image?: string;
  cpuPercent?: number | null;
  memoryMb?: number | null;
  memoryLimitMb?: number | null;
  pids?: number | null;
  /** Live goroutine count from the health endpoint, when it answered. */
  goroutines?: number | null;
  /** Parts that could not be had, and why. */
  missing?: string[];
}

export interface DayRow {
  /** YYYY-MM-DD in the review's zone. */
  day: string;
  goroutineWarnings: number;
  peak: number | null;
  relayErrors: number;
  timeouts: number;
  panics: number;
  crashes: number;
  restarts: number;
}

export interface NextStep {
  severity: 'emergency' | 'critical' | 'warning' | 'info';
  /** Which advice, so that renderers can word it in another language (`vars` fill the template). */
  id: 'bundle_now' | 'watch' | 'bundle_next_time' | 'leak' | 'suspect' | 'channel' | 'channel_disabled' | 'panic' | 'crash' | 'docker_restarts' | 'nothing';
  vars: Record<string, string | number>;
  /** The advice in English. */
  text: string;
  command?: string;
}

export interface ReviewData {
  period: { from: string | null; to: string | null; zone: string };
  sources: { spec: string; kind: string; name: string }[];
  thresholds: Thresholds;
  trend: TrendResult;
  /** The level of the last goroutine sample, when the process it came from is still the current one. */
  current: { count: number; at: string; level: GoroutineLevel } | null;
  peaks: { count: number; at: string; level: GoroutineLevel }[];
  days: DayRow[];
  totals: Omit<DayRow, 'day' | 'peak'> & { events: number };
  panics: PanicGroup[];
  channels: ChannelRow[];
  spike: ChannelReport | null;
  container: ContainerInfo | null;
  /** Leak suspects of the bundle sources with two goroutine dumps (src/analyze/suspects.ts); absent when none. */
  suspects?: LeakSuspects[];
  nextSteps: NextStep[];
}

export interface ReviewOptions {
  thresholds: Thresholds;
  tz: string;
  from: number | null;
  to: number | null;
  sources: { spec: string; kind: string; name: string }[];
  container?: ContainerInfo | null;
  spikeWindowMs?: number;
  /** The goroutine monitor's period (30 s). */
  tickMs?: number;
  /** Rows of the channel table. */
  topChannels?: number;
  /** Leak suspects from the bundle sources' goroutine dumps. */
  suspects?: LeakSuspects[];
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-05` in the zone (formatters are costly to build: one per zone). */
function dayOf(ms: number, tz: string): string {
  let f = dayFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(tz, f);
  }
  return f.format(ms);
}

/** The review's data and the goroutine series behind its charts. */
export function buildReview(input: readonly GEvent[], opts: ReviewOptions): { data: ReviewData; series: Series } {
  const events = withEffectiveTimes(input);
  const { thresholds: th, tz } = opts;
  const { series, result: trend } = trendOf(events, { thresholds: th, ...(opts.tickMs ? { tickMs: opts.tickMs } : {}) });

  const days = new Map<string, DayRow>();
  const row = (ms: number): DayRow => {
    const d = dayOf(ms, tz);
    let r = days.get(d);
    if (!r) {
      r = { day: d, goroutineWarnings: 0, peak: null, relayErrors: 0, timeouts: 0, panics: 0, crashes: 0, restarts: 0 };
      days.set(d, r);
    }
    return r;
  };
  let count = 0;
  for (const e of events) {
    if (!e.time) continue;
    const ms = Date.parse(e.time);
    if (!Number.isFinite(ms)) continue;
    count++;
    switch (e.kind) {
      case 'goroutine': {
        const r = row(ms);
        if (e.level === 'elevated' || e.level === 'high' || e.count >= th.warning) r.goroutineWarnings++;
        if (r.peak === null || e.count > r.peak) r.peak = e.count;
        break;
      }
      case 'relay_error': {
        const r = row(ms);
        r.relayErrors++;
        if (e.cause === 'timeout') r.timeouts++;
        break;
      }
      case 'timeout':
        row(ms).timeouts++;
        break;
      case 'panic':
        row(ms).panics++;
        break;
      case 'crash':
        row(ms).crashes++;
        break;
      case 'startup':
        row(ms).restarts++;
        break;
      default:
        row(ms);
    }
  }
  // Every day from the first to the last event gets a row, quiet days included (at most 400 of them).
  const seenSpan = spanOf(events);
  const pFrom = seenSpan.from;
  const pTo = seenSpan.to;
  if (pFrom !== null && pTo !== null && pTo - pFrom <= 400 * 86_400_000) {
    for (let t = pFrom; t < pTo + 3_600_000; t += 3_600_000) row(Math.min(t, pTo));
  }
  const dayRows = [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
  const totals = { goroutineWarnings: 0, relayErrors: 0, timeouts: 0, panics: 0, crashes: 0, restarts: 0, events: count };
  for (const d of dayRows) {
    totals.goroutineWarnings += d.goroutineWarnings;
    totals.relayErrors += d.relayErrors;
    totals.timeouts += d.timeouts;
    totals.panics += d.panics;
    totals.crashes += d.crashes;
    totals.restarts += d.restarts;
  }

  // Peaks: the highest sample of each run, top 5.
  const peaks = series.runs
    .map((r) => r.points.filter((p) => !p.censored).reduce<{ count: number; t: number } | null>((best, p) => (!best || p.count > best.count ? { count: p.count, t: p.t } : best), null))
    .filter((p): p is { count: number; t: number } => p !== null)
    .sort((a, b) => b.count - a.count || a.t - b.t)
    .slice(0, 5)
    .map((p) => ({ count: p.count, at: new Date(p.t).toISOString(), level: goroutineLevel(p.count, th) }));

  const lastRun = series.runs.at(-1);
  const lastPoint = lastRun?.points.at(-1);
  const current =
    lastRun && lastRun.endedBy === 'end' && lastPoint
      ? {
          count: lastPoint.count,
          at: new Date(lastPoint.t).toISOString(),
          level: lastPoint.censored ? ('ok' as GoroutineLevel) : goroutineLevel(lastPoint.count, th),
        }
      : null;

  const seen = spanOf(events);
  const span = { from: opts.from ?? seen.from, to: opts.to ?? seen.to };
  const whole = rankChannels(events, { from: span.from ?? 0, to: span.to ?? 0, reason: 'the whole review period', why: { code: 'whole' } }, span);
  const sw = spikeWindow(events, opts.spikeWindowMs ?? 15 * 60_000, th, opts.tickMs);
  const spike = sw ? rankChannels(events, sw, span) : null;
  const panics = groupPanics(events);
  const container = opts.container ?? null;

  const data: ReviewData = {
    period: {
      from: span.from === null ? null : new Date(span.from).toISOString(),
      to: span.to === null ? null : new Date(span.to).toISOString(),
      zone: tz,
    },
    sources: opts.sources,
    thresholds: th,
    trend,
    current,
    peaks,
    days: dayRows,
    totals,
    panics,
    channels: whole.channels.slice(0, opts.topChannels ?? 10),
    spike,
    container,
    ...(opts.suspects && opts.suspects.length > 0 ? { suspects: opts.suspects } : {}),
    nextSteps: [],
  };
  data.nextSteps = nextSteps(data);
  return { data, series };
}

/** The guide's advice, most urgent first. */
export function nextSteps(d: ReviewData): NextStep[] {
  const out: NextStep[] = [];
  const target = d.container?.name ?? d.sources.find((s) => s.kind === 'container')?.name ?? 'CONTAINER';
  const live = d.container?.goroutines ?? null;
  const now = live ?? (d.current && d.current.level !== 'ok' ? d.current.count : null);
  const th = d.thresholds;
  if (now !== null && now >= th.emergency) {
    out.push({
      severity: 'emergency',
      id: 'bundle_now',
      vars: { count: now, level: th.emergency },
      text: `goroutines are at ${now} (emergency level ${th.emergency}): collect an emergency bundle before restarting the service`,
      command: `goroscope bundle ${target}`,
    });
  } else if (now !== null && now >= th.critical) {
    out.push({
      severity: 'critical',
      id: 'watch',
      vars: { count: now, level: th.critical },
      text: `goroutines are at ${now} (critical level ${th.critical}): watch it and collect a bundle if it keeps rising`,
      command: `goroscope watch ${target}`,
    });
  } else if (d.trend.peak !== null && d.trend.peak >= th.emergency) {
    out.push({
      severity: 'warning',
      id: 'bundle_next_time',
      vars: { peak: d.trend.peak, at: d.trend.peakAt ?? '' },
      text: `goroutines reached the emergency level (${d.trend.peak} at ${d.trend.peakAt}); next time collect a bundle before the restart`,
      command: `goroscope bundle ${target}`,
    });
  }
  if (d.trend.verdict === 'leak') {
    const proj = d.trend.projection ? `; at this rate it crosses ${d.trend.projection.threshold} at ${d.trend.projection.at}` : '';
    out.push({
      severity: 'critical',
      id: 'leak',
      vars: { slope: d.trend.slopePerHour === null ? '?' : Math.round(d.trend.slopePerHour), ...(d.trend.projection ? { threshold: d.trend.projection.threshold, projectedAt: d.trend.projection.at } : {}) },
      text: `goroutines leak (${d.trend.slopePerHour ?? '?'} per hour within runs${proj}): take two goroutine dumps an hour apart and compare them to find the leaking stack`,
      command: 'goroscope goroutines --compare BEFORE AFTER',
    });
  }
  // A bundle whose goroutine total grew between its dumps: its top growing stack is where to look.
  for (const b of d.suspects ?? []) {
    const top = b.suspects[0];
    if (!top || b.totalAfter <= b.totalBefore) continue;
    const span = spanText(b);
    out.push({
      severity: 'critical',
      id: 'suspect',
      vars: { top: top.top, growth: top.growth, span: span ?? '', source: b.source },
      text: `a leak suspect: ${top.top} (+${top.growth}${span ? ` in ${span}` : ' between the dumps'}) — look at that function`,
    });
  }
  for (const c of d.spike?.channels ?? []) {
    if (!c.flagged) continue;
    out.push({
      severity: 'warning',
      id: c.disabled > 0 ? 'channel_disabled' : 'channel',
      vars: { channel: `#${c.channel}${c.name ? ` (${c.name})` : ''}`, errors: c.relayErrors, ratio: c.ratio === null ? '∞' : `${c.ratio >= 10 ? Math.round(c.ratio) : c.ratio}×` },
      text: `channel #${c.channel}${c.name ? ` (${c.name})` : ''} failed ${c.relayErrors} times in the window before the spike (${c.ratio === null ? '∞' : `${c.ratio >= 10 ? Math.round(c.ratio) : c.ratio}×`} its usual rate): disable it or check its upstream`,
    });
  }
  // Every crash signature (the process died), then the three commonest recovered panics.
  const crashes = d.panics.filter((p) => p.kind === 'crash').slice(0, 3);
  const panics = d.panics.filter((p) => p.kind === 'panic').slice(0, 3);
  for (const p of [...crashes, ...panics]) {
    out.push({
      severity: p.kind === 'crash' ? 'critical' : 'warning',
      id: p.kind === 'crash' ? 'crash' : 'panic',
      vars: { count: p.count, message: p.message.slice(0, 80), frame: p.topFrame ?? '?' },
      text: `${p.kind === 'crash' ? 'crash' : 'panic'} ×${p.count} "${p.message.slice(0, 80)}": fix ${p.topFrame ?? 'the top frame of the sample stack'}`,
    });
  }
  const restarts = d.container?.restartCount;
  if (restarts !== undefined && restarts > 0 && d.totals.crashes === 0) {
    out.push({ severity: 'info', id: 'docker_restarts', vars: { count: restarts }, text: `Docker restarted the container ${restarts} times; the logs hold no crash, so look at OOM kills and the exit code`, command: `docker inspect ${target}` });
  }
  if (out.length === 0) out.push({ severity: 'info', id: 'nothing', vars: {}, text: 'nothing to do: no leak, no emergency, no flagged channel, no panic' });
  const rank = { emergency: 0, critical: 1, warning: 2, info: 3 } as const;
  return out.map((s, i) => ({ s, i })).sort((a, b) => rank[a.s.severity] - rank[b.s.severity] || a.i - b.i).map((x) => x.s);
}
