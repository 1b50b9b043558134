// `goroscope watch CONTAINER`: the live monitor. Every interval: inspect, health endpoint and a stats sample; in the
// background the container's logs are followed for relay errors, panics, crashes and timeouts. A terminal gets a
// redrawn screen (cursor home + clear, never scrolling); other outputs one line per sample. Ctrl-C prints a summary.
// Docker or the endpoint going away is shown and retried, never fatal.
import { openSync, writeSync, closeSync } from 'node:fs';
import { notifyContext, type CommandContext } from '../cli/context.js';
import { readTimeout, type ThresholdFlags } from '../cli/options.js';
import { UsageError, OutputError } from '../errors.js';
import { parseDuration, sleep } from '../time.js';
import { resolveThresholds } from '../config.js';
import { dockerFor } from '../docker/index.js';
import { inspectRaw } from '../docker/containers.js';
import { followStats, type StatsSample } from '../docker/stats.js';
import { collectFacts, type Collected } from '../sources/facts.js';
import type { GEvent, Kind } from '../events.js';
import { messages, reasonText } from '../i18n/check.js';
import { fmt } from '../i18n.js';
import { write } from '../cli/output.js';
import { renderWatchLine, renderWatchScreen, renderWatchSummary, type WatchRecord, type WatchView } from '../report/watch.js';
import { verdict } from '../analyze/verdict.js';
import { theilSen } from '../analyze/trend.js';
import { ChannelTable, channelReport, type ChannelRow } from '../analyze/channels.js';
import type { NotifyFlags } from '../notify/index.js';

export interface WatchOptions extends NotifyFlags, ThresholdFlags {
  interval?: string;
  record?: string;
  healthUrl?: string;
  timeout?: string;
}

const EVENT_KINDS: ReadonlySet<Kind> = new Set(['relay_error', 'retry', 'channel_disabled', 'channel_enabled', 'panic', 'crash', 'fatal', 'timeout', 'goroutine', 'memory']);
/** The kinds the per-channel summary is made of (src/analyze/channels.ts reads them); not listed one by one on the screen. */
const CHANNEL_KINDS: ReadonlySet<Kind> = new Set(['relay_error', 'retry', 'channel_disabled', 'channel_enabled']);
const SHOWN = 8;
/** The growth on the screen and in each sample line is the slope of this recent window; the summary's of the session. */
export const GROWTH_WINDOW_MS = 15 * 60_000;

/** One goroutine sample for the growth: `run` changes when the container restarted, so no slope spans a restart. */
export interface GrowthPoint {
  t: number;
  v: number;
  run: number;
}

/**
 * Goroutines per hour since `from`: the trend's slope (Theil–Sen over the pairs within each run, src/analyze/trend.ts),
 * so watch and trend never disagree on what growth is. Null until one run has two samples.
 */
export function growthPerHour(points: readonly GrowthPoint[], from = -Infinity): number | null {
  const runs = new Map<number, { t: number; v: number }[]>();
  for (const p of points) {
    if (p.t < from) continue;
    const run = runs.get(p.run);
    if (run) run.push({ t: p.t, v: p.v });
    else runs.set(p.run, [{ t: p.t, v: p.v }]);
  }
  return theilSen([...runs.values()])?.perHour ?? null;
}

/** The channels with relay errors in [from, to], most errors first: `goroscope channels`' table and report. */
export function channelErrors(table: ChannelTable, from: number, to: number): ChannelRow[] {
  return channelReport(table, { from, to, reason: 'since the watch began' }).channels.filter((r) => r.relayErrors > 0);
}

export async function run(name: string, opts: WatchOptions, ctx: CommandContext): Promise<void> {
  const intervalMs = parseDuration(opts.interval ?? '5s');
  if (intervalMs === null || intervalMs < 1000) throw new UsageError('--interval must be a duration of at least 1s', opts.interval);
  const timeoutMs = readTimeout(opts.timeout, 5000, { bareMs: true, stderr: ctx.stderr });
  const thresholds = resolveThresholds(opts, ctx.env, ctx.config, name);
  ctx.endsOnSignal(); // Ctrl-C is how a watch ends: exit 0 with its summary
  // --notify: checked now (a bad target is a usage error before watching); alerts are sent in the background.
  const notifier = opts.notify !== undefined || opts.dryRun ? await import('../notify/index.js') : null;
  const notify = notifier?.notifySession(opts, notifyContext(ctx)) ?? null;
  const docker = await dockerFor(ctx.globals.host?.[0]);
  const first = await inspectRaw(docker, name); // a typo or a dead daemon at the start is a clear error, not a retry loop
  let recordFd: number | null = null;
  if (opts.record) {
    try {
      recordFd = openSync(opts.record, 'a', 0o644);
    } catch (err) {
      throw new OutputError('cannot open the record file', opts.record, (err as Error).message, { cause: err });
    }
  }
  const tty = ctx.stdout.isTTY === true;
  const m = messages[ctx.lang];
  const events: GEvent[] = [];
  // Counts per minute and channel, not the events: a long watch of a failing gateway stays small.
  const channels = new ChannelTable();
  let logGoroutine: { count: number; time: string | null } | null = null;
  let followError: string | null = null;

  // The log follower: restarted after the container restarts or the daemon comes back.
  const follower = (async () => {
    let since = ctx.now();
    while (!ctx.signal.aborted) {
      try {
        const { runPipeline } = await import('../pipeline.js');
        await runPipeline([first.Id], { since, follow: true, kinds: EVENT_KINDS, tz: ctx.tz, hosts: ctx.globals.host, signal: ctx.signal, via: ctx.via }, (e) => {
          followError = null;
          if (e.time) since = Math.max(since, Date.parse(e.time) + 1);
          if (e.kind === 'goroutine') logGoroutine = { count: e.count, time: e.time };
          if (e.kind === 'goroutine' || e.kind === 'memory') return;
          const alertable = notifier?.toEventObservation(name, null, e);
          if (alertable) notify?.events([alertable]);
          if (CHANNEL_KINDS.has(e.kind)) {
            channels.add(e);
            if (e.kind !== 'relay_error') return;
          } else {
            events.push(e);
            if (events.length > SHOWN) events.shift();
          }
          if (!tty) void write(ctx.stdout, `${e.time ?? '-'} ${e.kind} ${e.raw}\n`);
        });
        since = Math.max(since, ctx.now() - 1000);
      } catch (err) {
        followError = (err as Error).message;
      }
      await sleep(2000, ctx.signal);
    }
  })();

  // Stats as a stream: a stream:false sample costs 1–2 s, too slow for a 1 s interval; the stream gives one a second.
  let latestStats: { at: number; sample: StatsSample } | null = null;
  const statsFollower = (async () => {
    while (!ctx.signal.aborted) {
      try {
        await followStats(docker, first.Id, (sample) => (latestStats = { at: ctx.now(), sample }), ctx.signal);
      } catch {
        // daemon gone or container removed: the sampler shows it; try again
      }
      await sleep(2000, ctx.signal);
    }
  })();

  const started = ctx.now();
  const history: (number | null)[] = [];
  const seen: number[] = [];
  const points: GrowthPoint[] = [];
  let run = 0;
  let runRestarts: number | null = null;
  let samples = 0;
  let last: Collected | null = null;
  if (!tty) await write(ctx.stdout, `${fmt(m.watching, { name, interval: opts.interval ?? '5s' })}\n`);
  while (!ctx.signal.aborted) {
    const t0 = ctx.now();
    const c = await collectFacts(name, { docker, healthUrl: opts.healthUrl, timeoutMs, logFallback: false, stats: false }, ctx);
    const fresh = latestStats as { at: number; sample: StatsSample } | null;
    if (c.state?.running && fresh && ctx.now() - fresh.at < 5000) {
      const { read: _read, ...numbers } = fresh.sample;
      c.stats = numbers;
    }
    if (ctx.signal.aborted && samples > 0) break;
    if (c.facts.goroutines === null && logGoroutine && c.state?.running) {
      c.facts.goroutines = (logGoroutine as { count: number }).count;
      c.facts.goroutineSource = 'log';
    }
    last = c;
    samples++;
    const g = c.facts.goroutines;
    history.push(g);
    if (history.length > 60) history.shift();
    if (g !== null) seen.push(g);
    // A restart (or a sample of a stopped container) ends a run: the slope is taken within runs, as trend does.
    if (!c.state?.running || (runRestarts !== null && c.facts.restartCount !== runRestarts)) run++;
    runRestarts = c.state ? c.facts.restartCount : runRestarts;
    if (g !== null) points.push({ t: t0, v: g, run });
    const rec: WatchRecord = {
      time: new Date(t0).toISOString(),
      container: name,
      goroutines: g,
      goroutineSource: c.facts.goroutineSource,
      memory: c.health?.memory ?? null,
      cpuPercent: c.stats?.cpuPercent ?? null,
      containerMemory: c.stats?.memory ?? null,
      restarts: c.state ? c.facts.restartCount : null,
      state: c.state?.status ?? null,
    };
    if (recordFd !== null) writeSync(recordFd, JSON.stringify(rec) + '\n');
    if (notify) {
      // --notify: one alert per level change, as check does; restarts since the watch began count.
      const v = verdict({ ...c.facts, baselineRestarts: first.RestartCount, thresholds });
      const reasons = v.reasons.map((r) => reasonText(r, 'en'));
      const shown = ctx.lang === 'en' ? {} : { displayReasons: v.reasons.map((r) => reasonText(r, ctx.lang)) };
      notify.observe([{ name, level: v.level, emergency: v.emergency, reasons, ...shown, goroutines: c.facts.goroutines }]);
    }
    const now = ctx.now();
    const view: WatchView = {
      c,
      rec,
      thresholds,
      history,
      seen,
      started,
      now,
      events,
      followError,
      growth: growthPerHour(points, now - GROWTH_WINDOW_MS),
      growthWindowMs: GROWTH_WINDOW_MS,
      channels: tty ? channelErrors(channels, started, now) : [],
    };
    await write(ctx.stdout, tty ? `\x1b[H\x1b[2J${renderWatchScreen(view, { lang: ctx.lang, color: ctx.color, width: ctx.stdout.columns || 80 })}` : `${renderWatchLine(view, { lang: ctx.lang })}\n`);
    await sleep(Math.max(0, intervalMs - (ctx.now() - t0)), ctx.signal);
  }
  await Promise.all([follower.catch(() => undefined), statsFollower.catch(() => undefined)]);
  await notify?.close();
  if (recordFd !== null) closeSync(recordFd);
  const end = ctx.now();
  await write(ctx.stdout, renderWatchSummary(name, seen, samples, end - started, last, { growth: growthPerHour(points), channels: channelErrors(channels, started, end) }, { lang: ctx.lang, color: ctx.color }));
}
