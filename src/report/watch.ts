// What `goroscope watch` prints (docs/check.md): the redrawn screen of a terminal, one key=value line per sample
// elsewhere, the summary when it ends, and the shape of a `--record` line. Pure functions of what the watch saw; the
// language, chalk instance and terminal width are passed in.
import type { ChalkInstance } from 'chalk';
import { goroutineLevel, type Thresholds } from '../config.js';
import type { ChannelRow } from '../analyze/channels.js';
import { rangeOf } from '../analyze/robust.js';
import { percent } from '../analyze/stats.js';
import type { Cause, GEvent, Kind } from '../events.js';
import { messages, levelNames } from '../i18n/check.js';
import { fmt, type Lang } from '../i18n.js';
import type { Collected } from '../sources/facts.js';
import { CHANNEL_MSG } from './channels.js';
import { memText, statsMem } from './check.js';
import { displayWidth, duration, pad } from './text.js';

/** What the renderers are told: the language and the chalk instance of stdout. */
export interface WatchTextOptions {
  lang: Lang;
  color: ChalkInstance;
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

/** Channels listed on the screen; the rest are counted in one line. */
const CHANNELS_SHOWN = 5;

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

/** One sample as the screen and the sample line show it. */
export interface WatchView {
  c: Collected;
  rec: WatchRecord;
  thresholds: Thresholds;
  history: (number | null)[];
  seen: number[];
  started: number;
  now: number;
  events: GEvent[];
  followError: string | null;
  /** Goroutines per hour over the last `growthWindowMs`. */
  growth: number | null;
  /** The window of `growth`, named on the screen while the watch is younger than it. */
  growthWindowMs: number;
  /** Channels with relay errors since the watch began (the screen only). */
  channels: ChannelRow[];
}

function colourCount(g: number | null, t: Thresholds, o: WatchTextOptions): string {
  if (g === null) return o.color.magenta('?');
  const l = goroutineLevel(g, t);
  const s = String(g);
  return l === 'ok' ? o.color.green(s) : l === 'warning' ? o.color.yellow(s) : o.color.red.bold(l === 'emergency' ? `${s} ${levelNames[o.lang].emergency}` : s);
}

/** The session's lowest, highest and mean goroutine count (null before the first one). */
export function sessionStats(seen: readonly number[]): { min: number; max: number; avg: number } | null {
  // a loop, not Math.min(...seen): 8 days of watching at 5 s (138,240 samples) is past the ~125k arguments a spread takes
  const r = rangeOf(seen);
  return r && { min: r.min, max: r.max, avg: Math.round(r.mean) };
}

function problems(v: WatchView, lang: Lang): string[] {
  const m = messages[lang];
  const out: string[] = [];
  if (!v.c.state) out.push(fmt(m.dockerDown, { error: v.c.facts.lookupError ?? '?' }));
  else if (v.c.health && !v.c.health.ok) out.push(fmt(m.endpointDown, { error: `${v.c.health.errorKind}: ${v.c.health.error}` }));
  return out;
}

/** The redrawn screen of a terminal: every line fits its width, relay errors summed per channel, not listed. */
export function renderWatchScreen(v: WatchView, o: WatchTextOptions & { width: number }): string {
  const m = messages[o.lang];
  const k = o.color;
  const s = sessionStats(v.seen);
  const g = v.rec.goroutines;
  const cols = o.width;
  const shownChannels = v.channels.slice(0, CHANNELS_SHOWN);
  const idWidth = Math.max(0, ...shownChannels.map((r) => (r.channel === null ? 0 : String(r.channel).length + 1)));
  const others = v.channels.slice(CHANNELS_SHOWN);
  const rows = [
    `${k.bold('goroscope watch')} ${k.bold(v.c.name)}   ${new Date(v.now).toISOString().replace(/\.\d+Z$/, 'Z')}   ${m.duration} ${duration((v.now - v.started) / 1000)}   ${m.stopHint}`,
    '',
    `  ${pad(m.goroutines, 19)}${colourCount(g, v.thresholds, o)}${v.rec.goroutineSource === 'log' ? ` (${m.fromLog})` : ''}`,
    `  ${pad(m.growth, 19)}${growthText(v.growth, m.none)}${v.growth !== null ? `   ${fmt(m.growthWindow, { minutes: Math.round(Math.min(v.growthWindowMs, v.now - v.started) / 60_000) })}` : ''}`,
    `  ${pad(m.minMaxAvg, 19)}${s ? `${s.min} / ${s.max} / ${s.avg} / ${g ?? '?'}` : m.none}`,
    `  ${pad('', 19)}${sparkline(v.history)}`,
    `  ${pad(m.memory, 19)}${v.rec.memory ? memText(v.rec.memory) : m.none}`,
    `  ${pad(m.cpu, 19)}${v.rec.cpuPercent !== null ? percent(v.rec.cpuPercent) : m.none}   ${m.containerMemory} ${v.c.stats ? statsMem(v.c.stats) : m.none}`,
    `  ${pad(m.state, 19)}${v.rec.state ?? m.none}, ${m.restarts} ${v.rec.restarts ?? m.none}${v.c.state?.oomKilled ? ', OOMKilled' : ''}`,
    `  ${pad(m.health, 19)}${v.c.health ? `${v.c.health.url} ${v.c.health.ok ? `HTTP ${v.c.health.status}, ${v.c.health.latencyMs} ms` : ''}` : (v.c.urlSource ?? m.noUrl)}`,
    ...problems(v, o.lang).map((p) => `  ${k.yellow(p)}`),
    '',
    `  ${k.bold(fmt(m.relayErrorsSince, { time: new Date(v.started).toISOString().slice(11, 19) }))}`,
    ...(v.channels.length === 0
      ? [`    ${m.noEvents}`]
      : shownChannels.map((r) => {
          const [id, ...rest] = channelErrorsText(r, o.lang).split(' ');
          return `    ${id!.padEnd(idWidth)}  ${k.yellow(rest.join(' '))}`;
        })),
    ...(others.length > 0 ? [`    ${fmt(m.moreChannels, { channels: others.length, errors: others.reduce((n, r) => n + r.relayErrors, 0) })}`] : []),
    '',
    `  ${k.bold(m.events)}`,
    ...(v.events.length === 0 ? [`    ${m.noEvents}`] : v.events.map((e) => `    ${(e.time ?? '').slice(11, 19)} ${kindColour(e.kind, k)(e.kind.padEnd(8))} ${eventText(e)}`)),
  ];
  if (v.followError) rows.push(`  ${k.yellow(v.followError)}`);
  return rows.map((r) => fit(r, cols)).join('\n') + '\n';
}

/** What a panic, crash or timeout says, without the log line's time and request id around it. */
function eventText(e: GEvent): string {
  if ((e.kind === 'panic' || e.kind === 'crash' || e.kind === 'fatal') && 'message' in e && typeof e.message === 'string') return e.message;
  return e.raw;
}

function kindColour(kind: Kind, k: ChalkInstance) {
  return kind === 'panic' || kind === 'crash' || kind === 'fatal' ? k.red : kind === 'timeout' ? k.yellow : k.cyan;
}

/** One line per sample when stdout is not a terminal (grep- and log-friendly, key=value). */
export function renderWatchLine(v: WatchView, o: { lang: Lang }): string {
  const r = v.rec;
  const lvl = r.goroutines === null ? 'unknown' : goroutineLevel(r.goroutines, v.thresholds);
  const mem = r.memory ? ` alloc=${r.memory.allocMb}MB sys=${r.memory.sysMb ?? '?'}MB gc=${r.memory.numGc ?? '?'}` : '';
  const problem = problems(v, o.lang);
  return (
    `${r.time} goroutines=${r.goroutines ?? '?'} level=${lvl}${r.goroutineSource === 'log' ? ' source=log' : ''}${mem}` +
    ` cpu=${r.cpuPercent !== null ? percent(r.cpuPercent) : '?'} restarts=${r.restarts ?? '?'} state=${r.state ?? '?'}` +
    (problem.length ? ` problem="${problem.join('; ')}"` : '') +
    ` growth=${v.growth === null ? '?' : `${signedNumber(v.growth)}/h`}`
  );
}

/** What Ctrl-C prints: the session's duration, samples, counts, growth, restarts and relay errors per channel. */
export function renderWatchSummary(
  name: string,
  seen: number[],
  samples: number,
  ms: number,
  last: Collected | null,
  session: { growth: number | null; channels: ChannelRow[] },
  o: WatchTextOptions,
): string {
  const m = messages[o.lang];
  const s = sessionStats(seen);
  const cur = last?.facts.goroutines ?? null;
  return (
    [
      '',
      o.color.bold(fmt(m.summary, { name })),
      `  ${pad(m.duration, 19)}${duration(ms / 1000)}`,
      `  ${pad(m.samples, 19)}${samples}`,
      `  ${pad(m.minMaxAvg, 19)}${s ? `${s.min} / ${s.max} / ${s.avg} / ${cur ?? '?'}` : m.none}`,
      `  ${pad(m.growth, 19)}${growthText(session.growth, m.none)}`,
      `  ${pad(m.restarts, 19)}${last?.state ? last.facts.restartCount : m.none}`,
      `  ${pad(m.relayErrors, 19)}${session.channels.length === 0 ? m.none : session.channels.map((r) => channelErrorsText(r, o.lang)).join('; ')}`,
    ].join('\n') + '\n'
  );
}
