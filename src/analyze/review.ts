// The weekly review: trend, peaks, events per day, panics, channels, restarts, container, next steps. Pure: a
// function of one Analysis (src/analyze/analysis.ts) and what the command learnt about the container.
import type { Thresholds, GoroutineLevel } from '../config.js';
import { goroutineLevel } from '../config.js';
import type { GEvent } from '../events.js';
import type { TrendResult } from './rules.js';
import { censoredStretches, type Series } from './series.js';
import type { PanicGroup } from './panics.js';
import { channelReport, ratioText, wholeWindow, type ChannelReport, type ChannelRow } from './channels.js';
import { spikeWindow } from './spike.js';
import { analyze, type AnalysisResult } from './analysis.js';
import type { DayRow, DayTotals } from './days.js';
import { spanText, type LeakSuspects } from './suspects.js';
import { timesWord } from '../i18n.js';

export type { DayRow } from './days.js';

/** What the command could learn about a container source (inspect and one stats sample); every part optional. */
export interface ContainerInfo {
  name: string;
  state?: string;
  health?: string | null;
  /** Docker's RestartCount: the restarts Docker made since the container was created (not the log's restarts). */
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

export interface NextStep {
  severity: 'emergency' | 'critical' | 'warning' | 'info';
  /** Which advice, so that renderers can word it in another language (`vars` fill the template). */
  id: 'bundle_now' | 'bundle_held' | 'watch' | 'watch_after_bundle' | 'bundle_next_time' | 'leak' | 'leak_live' | 'rising' | 'suspect' | 'channel' | 'channel_disabled' | 'panic' | 'crash' | 'docker_restarts' | 'nothing';
  vars: Record<string, string | number>;
  /** The advice in English. */
  text: string;
  command?: string;
}

/**
 * The last goroutine point of a process that still runs. A censored tick is no count: `count` is then null and
 * `below` says what is known (the monitor logged no warning, so fewer than the warning threshold).
 */
export interface CurrentLevel {
  count: number | null;
  below?: number;
  at: string;
  level: GoroutineLevel;
}

export interface ReviewData {
  period: { from: string | null; to: string | null; zone: string };
  sources: { spec: string; kind: string; name: string }[];
  thresholds: Thresholds;
  trend: TrendResult;
  /** The level of the last goroutine point, when the process it came from is still the current one. */
  current: CurrentLevel | null;
  peaks: { count: number; at: string; level: GoroutineLevel }[];
  days: DayRow[];
  totals: DayTotals;
  panics: PanicGroup[];
  channels: ChannelRow[];
  spike: ChannelReport | null;
  container: ContainerInfo | null;
  /** Leak suspects of the bundle sources with two goroutine dumps (src/analyze/suspects.ts); absent when none. */
  suspects?: LeakSuspects[];
  /** Where a live goroutine dump of the gateway can be had (src/sources/pprof.ts pprofUrlFor); absent when unknown. */
  pprofUrl?: string;
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
  /** `--monitor-interval`: overrides the period detected from the samples. */
  tickMs?: number;
  /** Rows of the channel table. */
  topChannels?: number;
  /** Leak suspects from the bundle sources' goroutine dumps. */
  suspects?: LeakSuspects[];
  /** The gateway's pprof URL, as `bundle` and `doctor` find it. */
  pprofUrl?: string | null;
}

/** The review of an analysis. */
export function reviewOf(a: AnalysisResult, opts: ReviewOptions): ReviewData {
  const th = opts.thresholds;
  const { series, trend } = a;
  // Peaks: the highest sample of each run, top 5.
  const peaks = series.runs
    .map((r) => r.peak)
    .filter((p): p is { count: number; t: number } => p !== null)
    .sort((x, y) => y.count - x.count || x.t - y.t)
    .slice(0, 5)
    .map((p) => ({ count: p.count, at: new Date(p.t).toISOString(), level: goroutineLevel(p.count, th) }));

  const current = currentLevel(series, th);
  const whole = channelReport(a.channels, wholeWindow(a.channels, 'the whole review period'));
  const sw = spikeWindow(series, trend.runs, a.channels, opts.spikeWindowMs ?? 15 * 60_000, th);
  const spike = sw ? channelReport(a.channels, sw) : null;
  const from = opts.from ?? a.from;
  const to = opts.to ?? a.to;
  const data: ReviewData = {
    period: { from: from === null ? null : new Date(from).toISOString(), to: to === null ? null : new Date(to).toISOString(), zone: opts.tz },
    sources: opts.sources,
    thresholds: th,
    trend,
    current,
    peaks,
    days: a.days,
    totals: a.totals,
    panics: a.panics,
    channels: whole.channels.slice(0, opts.topChannels ?? 10),
    spike,
    container: opts.container ?? null,
    ...(opts.suspects && opts.suspects.length > 0 ? { suspects: opts.suspects } : {}),
    ...(opts.pprofUrl ? { pprofUrl: opts.pprofUrl } : {}),
    nextSteps: [],
  };
  data.nextSteps = nextSteps(data);
  return data;
}

/** The last point of the last run when that run is still going (it did not end in a crash or a restart). */
function currentLevel(series: Series, th: Thresholds): CurrentLevel | null {
  const run = series.runs.at(-1);
  if (!run || run.endedBy !== 'end') return null;
  const s = run.samples;
  const lastSample = s.n > 0 ? { t: s.tEnd[s.n - 1]!, count: s.v[s.n - 1]! } : null;
  const lastCensored = censoredStretches(series, run).at(-1)?.[1] ?? null;
  if (lastCensored !== null && (lastSample === null || lastCensored > lastSample.t)) {
    return { count: null, below: series.censoredAtMost, at: new Date(lastCensored).toISOString(), level: 'ok' };
  }
  if (lastSample === null) return null;
  return { count: lastSample.count, at: new Date(lastSample.t).toISOString(), level: goroutineLevel(lastSample.count, th) };
}

/** Events → review in one call (tests): the analysis, then the review. */
export function buildReview(events: Iterable<GEvent>, opts: ReviewOptions): { data: ReviewData; series: Series } {
  const a = analyze(events, { thresholds: opts.thresholds, tz: opts.tz, ...(opts.tickMs ? { tickMs: opts.tickMs } : {}) });
  return { data: reviewOf(a, opts), series: a.series };
}

/** `goroscope goroutines SPEC --interval 60s` for a pprof URL: its base when it is the standard path (pprofUrl's inverse). */
export function liveDumpCommand(url: string): string {
  const standard = /^(https?:\/\/[^/?#]+)\/debug\/pprof\/goroutine\?debug=2$/.exec(url); // http://10.0.0.5:6060/debug/pprof/goroutine?debug=2
  return `goroscope goroutines ${standard ? standard[1] : url} --interval 60s`;
}

/**
 * The guide's advice, most urgent first: `review`'s Next steps and the "What to do next" of a bundle's summary.md.
 * When the input is a bundle (and no live container), the counts are those of the moment it was collected and the
 * bundle already holds the evidence: the advice is then never to collect one.
 */
export function nextSteps(d: ReviewData): NextStep[] {
  const out: NextStep[] = [];
  const target = d.container?.name ?? d.sources.find((s) => s.kind === 'container')?.name ?? d.sources.find((s) => s.kind === 'bundle')?.name ?? 'CONTAINER';
  const bundled = d.sources.some((s) => s.kind === 'bundle') && !d.sources.some((s) => s.kind === 'container');
  const live = d.container?.goroutines ?? null;
  const now = live ?? (d.current && d.current.level !== 'ok' ? d.current.count : null);
  const th = d.thresholds;
  if (bundled && now !== null && now >= th.critical) {
    const level = now >= th.emergency ? th.emergency : th.critical;
    out.push({
      severity: now >= th.emergency ? 'emergency' : 'critical',
      id: now >= th.emergency ? 'bundle_held' : 'watch_after_bundle',
      vars: { count: now, level },
      text:
        now >= th.emergency
          ? `goroutines were at ${now} (emergency level ${level}) when the bundle was collected: its logs, stats and dumps hold the evidence, so the service can be restarted; check it first if time has passed`
          : `goroutines were at ${now} (critical level ${level}) when the bundle was collected: watch the gateway to see whether it is still rising`,
      command: now >= th.emergency ? `goroscope check ${target}` : `goroscope watch ${target}`,
    });
  } else if (now !== null && now >= th.emergency) {
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
  } else if (!bundled && d.trend.peak !== null && d.trend.peak >= th.emergency) {
    out.push({
      severity: 'warning',
      id: 'bundle_next_time',
      vars: { peak: d.trend.peak, at: d.trend.peakAt ?? '' },
      text: `goroutines reached the emergency level (${d.trend.peak} at ${d.trend.peakAt}); next time collect a bundle before the restart`,
      command: `goroscope bundle ${target}`,
    });
  }
  if (d.trend.verdict === 'rising' && d.trend.latest === 'rising') {
    const proj = d.trend.projection ? `; at this rate it crosses ${d.trend.projection.threshold} at ${d.trend.projection.at}` : '';
    out.push({
      severity: 'critical',
      id: 'rising',
      vars: { from: d.trend.why.from ?? '?', to: d.trend.why.to ?? '?', minutes: d.trend.why.minutes ?? '?', ...(d.trend.projection ? { threshold: d.trend.projection.threshold, projectedAt: d.trend.projection.at } : {}) },
      text: `goroutines are rising fast (${d.trend.why.from} → ${d.trend.why.to} in ${d.trend.why.minutes} min${proj}): watch it and take a goroutine dump now`,
      command: `goroscope watch ${target}`,
    });
  }
  if (d.trend.verdict === 'leak') {
    const proj = d.trend.projection ? `; at this rate it crosses ${d.trend.projection.threshold} at ${d.trend.projection.at}` : '';
    const slope = d.trend.slopePerHour === null ? '?' : Math.round(d.trend.slopePerHour);
    const pprof = d.pprofUrl ?? null;
    out.push({
      severity: 'critical',
      id: pprof ? 'leak_live' : 'leak',
      vars: { slope, run: d.trend.slopeRun ?? '?', ...(d.trend.projection ? { threshold: d.trend.projection.threshold, projectedAt: d.trend.projection.at } : {}) },
      text: pprof
        ? `goroutines leak (${slope} per hour in run ${d.trend.slopeRun ?? '?'}${proj}): take two goroutine dumps a minute apart from the live gateway; the stacks that grew are the leak`
        : `goroutines leak (${slope} per hour in run ${d.trend.slopeRun ?? '?'}${proj}): take two goroutine dumps an hour apart and compare them to find the leaking stack`,
      command: pprof ? liveDumpCommand(pprof) : 'goroscope goroutines --compare BEFORE AFTER',
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
      vars: { channel: `#${c.channel}${c.name ? ` (${c.name})` : ''}`, errors: c.relayErrors, ratio: ratioText(c) },
      text: `channel #${c.channel}${c.name ? ` (${c.name})` : ''} failed ${c.relayErrors} times in the window before the spike (${c.ratio === null ? 'none before' : `${ratioText(c)} its usual rate`}): disable it or check its upstream`,
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
    out.push({ severity: 'info', id: 'docker_restarts', vars: { count: restarts }, text: `Docker restarted the container ${restarts} ${timesWord(restarts)}; the logs hold no crash, so look at OOM kills and the exit code`, command: `docker inspect ${target}` });
  }
  if (out.length === 0) out.push({ severity: 'info', id: 'nothing', vars: {}, text: 'nothing to do: no leak, no emergency, no flagged channel, no panic' });
  const rank = { emergency: 0, critical: 1, warning: 2, info: 3 } as const;
  return out.map((s, i) => ({ s, i })).sort((a, b) => rank[a.s.severity] - rank[b.s.severity] || a.i - b.i).map((x) => x.s);
}
