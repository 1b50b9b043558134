// `goroscope watch CONTAINER`: the live monitor. Every interval: inspect, health endpoint and a stats sample; in the
// background the container's logs are followed for relay errors, panics, crashes and timeouts. A terminal gets a
// redrawn screen (cursor home + clear, never scrolling); other outputs one line per sample. Ctrl-C prints a summary.
// Docker or the endpoint going away is shown and retried, never fatal.
import { openSync, writeSync, closeSync } from 'node:fs';
import { notifyContext, type CommandContext } from '../cli/context.js';
import { readTimeout, type ThresholdFlags } from '../cli/options.js';
import { UsageError, OutputError } from '../errors.js';
import { parseDuration, sleep } from '../time.js';
import { resolveThresholds, goroutineLevel, type Thresholds } from '../config.js';
import { dockerFor } from '../docker/index.js';
import { inspectRaw } from '../docker/containers.js';
import { followStats, type StatsSample } from '../docker/stats.js';
import { collectFacts, type Collected } from '../sources/facts.js';
import type { GEvent, Kind } from '../events.js';
import { messages, levelNames } from '../i18n/check.js';
import { fmt } from '../i18n.js';
import { write } from '../cli/output.js';
import { memText, statsMem } from '../report/check.js';
import { displayWidth, duration, pad } from '../report/text.js';
import { percent } from '../analyze/stats.js';
import { verdict } from '../analyze/verdict.js';
import { theilSen } from '../analyze/trend.js';
import { rangeOf } from '../analyze/robust.js';
import { ChannelTable, channelReport, type ChannelRow } from '../analyze/channels.js';
import { CHANNEL_MSG } from '../report/channels.js';
import type { Cause } from '../events.js';
import type { Lang } from '../i18n.js';
import { reasonText } from '../i18n/check.js';
import type { NotifyFlags } from '../notify/index.js';

export interface WatchOptions extends NotifyFlags, ThresholdFlags {
  interval?: string;
  record?: string;
  healthUrl?: string;
  timeout?: string;
}

/** One line of `--record FILE.jsonl` (docs/check.md): the guide's baseline file, read by `goroscope trend`. */
export interface WatchRecord {
  time: string;
  container: string;
  goroutines: number | null;
  /** `health` (endpoint), `log` (newest monitor line followed from the logs), null. */
  goroutineSource: 'health' | 'log' | null;
  memory: { allocMb: number; totalAllocMb: number | null; sysMb: number | null; numGc: number | null } | null;
  cpuPercent: number | null;
  containerMemory: { usageBytes: number; limitBytes: number; percent: number } | null;
  restarts: number | null;
  state: string | null;
}

const EVENT_KINDS: ReadonlySet<Kind> = new Set(['relay_error', 'retry', 'channel_disabled', 'channel_enabled', 'panic', 'crash', 'fatal', 'timeout', 'goroutine', 'memory']);
/** The kinds the per-channel summary is made of (src/analyze/channels.ts reads them); not listed one by one on the screen. */
const CHANNEL_KINDS: ReadonlySet<Kind> = new Set(['relay_error', 'retry', 'channel_disabled', 'channel_enabled']);
const SHOWN = 8;
/** The growth on the screen and in each sample line is the slope of this recent window; the summary's of the session. */
export const GROWTH_WINDOW_MS = 15 * 60_000;
/** Channels listed on the screen; the rest are counted in one line. */
const CHANNELS_SHOWN = 5;

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

function signedNumber(x: number): string {
  const digits = Math.abs(x) >= 10 ? 0 : 1;
  const r = Number(x.toFixed(digits));
  return r === 0 ? '0' : `${r > 0 ? '+' : ''}${r}`;
}

/** `+120/h (+2/min)`, `+30/h (+0.5/min)`, `0/h (0/min)`: whole numbers from 10 up, one decimal below. */
export function growthText(perHour: number | null, none: string): string {
  if (perHour === null) return none;
  return `${signedNumber(perHour)}/h (${signedNumber(perHour / 60)}/min)`;
}

/** `#2 timeout ×14, 5xx ×2`: one channel's relay errors by cause, commonest first. */
export function channelErrorsText(row: ChannelRow, lang: Lang): string {
  const M = CHANNEL_MSG[lang];
  const causes = (Object.entries(row.causes) as [Cause, number][]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return `${row.channel === null ? M.unknown : `#${row.channel}`} ${causes.map(([c, n]) => `${M.causes[c]} ×${n}`).join(', ')}`;
}

/** The channels with relay errors in [from, to], most errors first: `goroscope channels`' table and report. */
export function channelErrors(table: ChannelTable, from: number, to: number): ChannelRow[] {
  return channelReport(table, { from, to, reason: 'since the watch began' }).channels.filter((r) => r.relayErrors > 0);
}

/** Cut a terminal line to `cols` display columns (ANSI colour codes take none), ending in `…` when cut. */
export function fit(line: string, cols: number): string {
  if (displayWidth(stripSgr(line)) <= cols) return line;
  let out = '';
  let w = 0;
  let coloured = false;
  // ESC [ … m: an SGR colour sequence, e.g. `\x1b[31m`
  const SGR = /^\x1b\[[0-9;]*m/;
  for (let i = 0; i < line.length; ) {
    const m = line[i] === '\x1b' ? SGR.exec(line.slice(i)) : null;
    if (m) {
      out += m[0];
      coloured = true;
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    if (w + displayWidth(ch) > cols - 1) break;
    out += ch;
    w += displayWidth(ch);
    i += ch.length;
  }
  return `${out}…${coloured ? '\x1b[0m' : ''}`;
}

function stripSgr(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}
const SPARK = '▁▂▃▄▅▆▇█';

/** A sparkline of the last values (nulls as spaces), scaled between their min and max. */
export function sparkline(values: (number | null)[]): string {
  const nums = values.filter((v): v is number => v !== null);
  if (nums.length === 0) return '';
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  return values.map((v) => (v === null ? ' ' : SPARK[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (SPARK.length - 1))])).join('');
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
    const view: View = {
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
      channels: tty ? channelErrors(channels, started, now) : [],
    };
    await write(ctx.stdout, tty ? `\x1b[H\x1b[2J${screen(view, ctx)}` : `${line(view, ctx)}\n`);
    await sleep(Math.max(0, intervalMs - (ctx.now() - t0)), ctx.signal);
  }
  await Promise.all([follower.catch(() => undefined), statsFollower.catch(() => undefined)]);
  await notify?.close();
  if (recordFd !== null) closeSync(recordFd);
  const end = ctx.now();
  await write(ctx.stdout, summary(name, seen, samples, end - started, last, { growth: growthPerHour(points), channels: channelErrors(channels, started, end) }, ctx));
}

interface View {
  c: Collected;
  rec: WatchRecord;
  thresholds: Thresholds;
  history: (number | null)[];
  seen: number[];
  started: number;
  now: number;
  events: GEvent[];
  followError: string | null;
  /** Goroutines per hour over the last GROWTH_WINDOW_MS. */
  growth: number | null;
  /** Channels with relay errors since the watch began (the screen only). */
  channels: ChannelRow[];
}

function colourCount(g: number | null, t: Thresholds, ctx: CommandContext): string {
  if (g === null) return ctx.color.magenta('?');
  const l = goroutineLevel(g, t);
  const s = String(g);
  return l === 'ok' ? ctx.color.green(s) : l === 'warning' ? ctx.color.yellow(s) : ctx.color.red.bold(l === 'emergency' ? `${s} ${levelNames[ctx.lang].emergency}` : s);
}

/** The session's lowest, highest and mean goroutine count (null before the first one). */
export function sessionStats(seen: readonly number[]): { min: number; max: number; avg: number } | null {
  // a loop, not Math.min(...seen): 8 days of watching at 5 s (138,240 samples) is past the ~125k arguments a spread takes
  const r = rangeOf(seen);
  return r && { min: r.min, max: r.max, avg: Math.round(r.mean) };
}

function problems(v: View, ctx: CommandContext): string[] {
  const m = messages[ctx.lang];
  const out: string[] = [];
  if (!v.c.state) out.push(fmt(m.dockerDown, { error: v.c.facts.lookupError ?? '?' }));
  else if (v.c.health && !v.c.health.ok) out.push(fmt(m.endpointDown, { error: `${v.c.health.errorKind}: ${v.c.health.error}` }));
  return out;
}

/** The redrawn screen of a terminal: every line fits its width, relay errors summed per channel, not listed. */
export function screen(v: View, ctx: CommandContext): string {
  const m = messages[ctx.lang];
  const k = ctx.color;
  const s = sessionStats(v.seen);
  const g = v.rec.goroutines;
  const cols = ctx.stdout.columns || 80;
  const shownChannels = v.channels.slice(0, CHANNELS_SHOWN);
  const idWidth = Math.max(0, ...shownChannels.map((r) => (r.channel === null ? 0 : String(r.channel).length + 1)));
  const others = v.channels.slice(CHANNELS_SHOWN);
  const rows = [
    `${k.bold('goroscope watch')} ${k.bold(v.c.name)}   ${new Date(v.now).toISOString().replace(/\.\d+Z$/, 'Z')}   ${m.duration} ${duration((v.now - v.started) / 1000)}   ${m.stopHint}`,
    '',
    `  ${pad(m.goroutines, 19)}${colourCount(g, v.thresholds, ctx)}${v.rec.goroutineSource === 'log' ? ` (${m.fromLog})` : ''}`,
    `  ${pad(m.growth, 19)}${growthText(v.growth, m.none)}${v.growth !== null ? `   ${fmt(m.growthWindow, { minutes: Math.round(Math.min(GROWTH_WINDOW_MS, v.now - v.started) / 60_000) })}` : ''}`,
    `  ${pad(m.minMaxAvg, 19)}${s ? `${s.min} / ${s.max} / ${s.avg} / ${g ?? '?'}` : m.none}`,
    `  ${pad('', 19)}${sparkline(v.history)}`,
    `  ${pad(m.memory, 19)}${v.rec.memory ? memText(v.rec.memory) : m.none}`,
    `  ${pad(m.cpu, 19)}${v.rec.cpuPercent !== null ? percent(v.rec.cpuPercent) : m.none}   ${m.containerMemory} ${v.c.stats ? statsMem(v.c.stats) : m.none}`,
    `  ${pad(m.state, 19)}${v.rec.state ?? m.none}, ${m.restarts} ${v.rec.restarts ?? m.none}${v.c.state?.oomKilled ? ', OOMKilled' : ''}`,
    `  ${pad(m.health, 19)}${v.c.health ? `${v.c.health.url} ${v.c.health.ok ? `HTTP ${v.c.health.status}, ${v.c.health.latencyMs} ms` : ''}` : (v.c.urlSource ?? m.noUrl)}`,
    ...problems(v, ctx).map((p) => `  ${k.yellow(p)}`),
    '',
    `  ${k.bold(fmt(m.relayErrorsSince, { time: new Date(v.started).toISOString().slice(11, 19) }))}`,
    ...(v.channels.length === 0
      ? [`    ${m.noEvents}`]
      : shownChannels.map((r) => {
          const [id, ...rest] = channelErrorsText(r, ctx.lang).split(' ');
          return `    ${id!.padEnd(idWidth)}  ${k.yellow(rest.join(' '))}`;
        })),
    ...(others.length > 0 ? [`    ${fmt(m.moreChannels, { channels: others.length, errors: others.reduce((n, r) => n + r.relayErrors, 0) })}`] : []),
    '',
    `  ${k.bold(m.events)}`,
    ...(v.events.length === 0 ? [`    ${m.noEvents}`] : v.events.map((e) => `    ${(e.time ?? '').slice(11, 19)} ${kindColour(e.kind, ctx)(e.kind.padEnd(8))} ${eventText(e)}`)),
  ];
  if (v.followError) rows.push(`  ${k.yellow(v.followError)}`);
  return rows.map((r) => fit(r, cols)).join('\n') + '\n';
}

/** What a panic, crash or timeout says, without the log line's time and request id around it. */
function eventText(e: GEvent): string {
  if ((e.kind === 'panic' || e.kind === 'crash' || e.kind === 'fatal') && 'message' in e && typeof e.message === 'string') return e.message;
  return e.raw;
}

function kindColour(kind: Kind, ctx: CommandContext) {
  return kind === 'panic' || kind === 'crash' || kind === 'fatal' ? ctx.color.red : kind === 'timeout' ? ctx.color.yellow : ctx.color.cyan;
}

/** One line per sample when stdout is not a terminal (grep- and log-friendly, key=value). */
function line(v: View, ctx: CommandContext): string {
  const r = v.rec;
  const lvl = r.goroutines === null ? 'unknown' : goroutineLevel(r.goroutines, v.thresholds);
  const mem = r.memory ? ` alloc=${r.memory.allocMb}MB sys=${r.memory.sysMb ?? '?'}MB gc=${r.memory.numGc ?? '?'}` : '';
  const problem = problems(v, ctx);
  return (
    `${r.time} goroutines=${r.goroutines ?? '?'} level=${lvl}${r.goroutineSource === 'log' ? ' source=log' : ''}${mem}` +
    ` cpu=${r.cpuPercent !== null ? percent(r.cpuPercent) : '?'} restarts=${r.restarts ?? '?'} state=${r.state ?? '?'}` +
    (problem.length ? ` problem="${problem.join('; ')}"` : '') +
    ` growth=${v.growth === null ? '?' : `${signedNumber(v.growth)}/h`}`
  );
}

function summary(
  name: string,
  seen: number[],
  samples: number,
  ms: number,
  last: Collected | null,
  session: { growth: number | null; channels: ChannelRow[] },
  ctx: CommandContext,
): string {
  const m = messages[ctx.lang];
  const s = sessionStats(seen);
  const cur = last?.facts.goroutines ?? null;
  return (
    [
      '',
      ctx.color.bold(fmt(m.summary, { name })),
      `  ${pad(m.duration, 19)}${duration(ms / 1000)}`,
      `  ${pad(m.samples, 19)}${samples}`,
      `  ${pad(m.minMaxAvg, 19)}${s ? `${s.min} / ${s.max} / ${s.avg} / ${cur ?? '?'}` : m.none}`,
      `  ${pad(m.growth, 19)}${growthText(session.growth, m.none)}`,
      `  ${pad(m.restarts, 19)}${last?.state ? last.facts.restartCount : m.none}`,
      `  ${pad(m.relayErrors, 19)}${session.channels.length === 0 ? m.none : session.channels.map((r) => channelErrorsText(r, ctx.lang)).join('; ')}`,
    ].join('\n') + '\n'
  );
}

