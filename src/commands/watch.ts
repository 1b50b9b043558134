// `goroscope watch CONTAINER`: the live monitor. Every interval: inspect, health endpoint and a stats sample; in the
// background the container's logs are followed for relay errors, panics, crashes and timeouts. A terminal gets a
// redrawn screen (cursor home + clear, never scrolling); other outputs one line per sample. Ctrl-C prints a summary.
// Docker or the endpoint going away is shown and retried, never fatal.
import { openSync, writeSync, closeSync } from 'node:fs';
import { notifyContext, type CommandContext } from '../cli/context.js';
import { UsageError, OutputError } from '../errors.js';
import { parseDuration } from '../time.js';
import { resolveThresholds, goroutineLevel, type Thresholds } from '../config.js';
import { dockerFor } from '../docker/index.js';
import { inspectRaw } from '../docker/containers.js';
import { followStats, type StatsSample } from '../docker/stats.js';
import { collectFacts, type Collected } from '../sources/facts.js';
import type { GEvent, Kind } from '../events.js';
import { messages, levelNames } from '../i18n/check.js';
import { fmt } from '../i18n.js';
import { write } from '../cli/output.js';
import { duration, memText, statsMem, pad } from './check.js';
import { percent } from '../analyze/stats.js';
import { verdict } from '../analyze/verdict.js';
import { reasonText } from '../i18n/check.js';
import type { NotifyFlags } from '../notify/index.js';

export interface WatchOptions extends NotifyFlags {
  interval?: string;
  record?: string;
  healthUrl?: string;
  warning?: string;
  critical?: string;
  emergency?: string;
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

const EVENT_KINDS: ReadonlySet<Kind> = new Set(['relay_error', 'panic', 'crash', 'fatal', 'timeout', 'goroutine', 'memory']);
const SHOWN = 8;
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
  const timeoutMs = opts.timeout === undefined ? 5000 : Number(opts.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout must be a whole number of ms', opts.timeout);
  const thresholds = resolveThresholds(opts, ctx.env, ctx.config, name);
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
  let logGoroutine: { count: number; time: string | null } | null = null;
  let followError: string | null = null;

  // The log follower: restarted after the container restarts or the daemon comes back.
  const follower = (async () => {
    let since = ctx.now();
    while (!ctx.signal.aborted) {
      try {
        const { runPipeline } = await import('../pipeline.js');
        await runPipeline([first.Id], { since, follow: true, kinds: EVENT_KINDS, tz: ctx.tz, hosts: ctx.globals.host, signal: ctx.signal }, (e) => {
          followError = null;
          if (e.time) since = Math.max(since, Date.parse(e.time) + 1);
          if (e.kind === 'goroutine') logGoroutine = { count: e.count, time: e.time };
          if (e.kind === 'goroutine' || e.kind === 'memory') return;
          const alertable = notifier?.toEventObservation(name, null, e);
          if (alertable) notify?.events([alertable]);
          events.push(e);
          if (events.length > SHOWN) events.shift();
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
    const view = { c, rec, thresholds, history, seen, started, now: ctx.now(), events, followError };
    await write(ctx.stdout, tty ? `\x1b[H\x1b[2J${screen(view, ctx)}` : `${line(view, ctx)}\n`);
    await sleep(Math.max(0, intervalMs - (ctx.now() - t0)), ctx.signal);
  }
  await Promise.all([follower.catch(() => undefined), statsFollower.catch(() => undefined)]);
  await notify?.close();
  if (recordFd !== null) closeSync(recordFd);
  await write(ctx.stdout, summary(name, seen, samples, ctx.now() - started, last, ctx));
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
}

function colourCount(g: number | null, t: Thresholds, ctx: CommandContext): string {
  if (g === null) return ctx.color.magenta('?');
  const l = goroutineLevel(g, t);
  const s = String(g);
  return l === 'ok' ? ctx.color.green(s) : l === 'warning' ? ctx.color.yellow(s) : ctx.color.red.bold(l === 'emergency' ? `${s} ${levelNames[ctx.lang].emergency}` : s);
}

function stats(seen: number[]): { min: number; max: number; avg: number } | null {
  if (seen.length === 0) return null;
  return { min: Math.min(...seen), max: Math.max(...seen), avg: Math.round(seen.reduce((a, b) => a + b, 0) / seen.length) };
}

function problems(v: View, ctx: CommandContext): string[] {
  const m = messages[ctx.lang];
  const out: string[] = [];
  if (!v.c.state) out.push(fmt(m.dockerDown, { error: v.c.facts.lookupError ?? '?' }));
  else if (v.c.health && !v.c.health.ok) out.push(fmt(m.endpointDown, { error: `${v.c.health.errorKind}: ${v.c.health.error}` }));
  return out;
}

/** The redrawn screen of a terminal. */
function screen(v: View, ctx: CommandContext): string {
  const m = messages[ctx.lang];
  const k = ctx.color;
  const s = stats(v.seen);
  const g = v.rec.goroutines;
  const rows = [
    `${k.bold('goroscope watch')} ${k.bold(v.c.name)}   ${new Date(v.now).toISOString().replace(/\.\d+Z$/, 'Z')}   ${m.duration} ${duration((v.now - v.started) / 1000)}   ${m.stopHint}`,
    '',
    `  ${pad(m.goroutines, 19)}${colourCount(g, v.thresholds, ctx)}${v.rec.goroutineSource === 'log' ? ` (${m.fromLog})` : ''}`,
    `  ${pad(m.minMaxAvg, 19)}${s ? `${s.min} / ${s.max} / ${s.avg} / ${g ?? '?'}` : m.none}`,
    `  ${pad('', 19)}${sparkline(v.history)}`,
    `  ${pad(m.memory, 19)}${v.rec.memory ? memText(v.rec.memory) : m.none}`,
    `  ${pad(m.cpu, 19)}${v.rec.cpuPercent !== null ? percent(v.rec.cpuPercent) : m.none}   ${m.containerMemory} ${v.c.stats ? statsMem(v.c.stats) : m.none}`,
    `  ${pad(m.state, 19)}${v.rec.state ?? m.none}, ${m.restarts} ${v.rec.restarts ?? m.none}${v.c.state?.oomKilled ? ', OOMKilled' : ''}`,
    `  ${pad(m.health, 19)}${v.c.health ? `${v.c.health.url} ${v.c.health.ok ? `HTTP ${v.c.health.status}, ${v.c.health.latencyMs} ms` : ''}` : (v.c.urlSource ?? m.noUrl)}`,
    ...problems(v, ctx).map((p) => `  ${k.yellow(p)}`),
    '',
    `  ${k.bold(m.events)}`,
    ...(v.events.length === 0 ? [`  ${m.noEvents}`] : v.events.map((e) => `  ${(e.time ?? '').slice(11, 19)} ${kindColour(e.kind, ctx)(e.kind.padEnd(11))} ${e.raw.slice(0, (ctx.stdout.columns ?? 120) - 24)}`)),
  ];
  if (v.followError) rows.push(`  ${k.yellow(v.followError)}`);
  return rows.join('\n') + '\n';
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
    (problem.length ? ` problem="${problem.join('; ')}"` : '')
  );
}

function summary(name: string, seen: number[], samples: number, ms: number, last: Collected | null, ctx: CommandContext): string {
  const m = messages[ctx.lang];
  const s = stats(seen);
  const cur = last?.facts.goroutines ?? null;
  return (
    [
      '',
      ctx.color.bold(fmt(m.summary, { name })),
      `  ${pad(m.duration, 19)}${duration(ms / 1000)}`,
      `  ${pad(m.samples, 19)}${samples}`,
      `  ${pad(m.minMaxAvg, 19)}${s ? `${s.min} / ${s.max} / ${s.avg} / ${cur ?? '?'}` : m.none}`,
      `  ${pad(m.restarts, 19)}${last?.state ? last.facts.restartCount : m.none}`,
    ].join('\n') + '\n'
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve();
    }, ms);
    const done = () => {
      clearTimeout(t);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
  });
}
