// The goroutine series behind "is it still leaking?", built in one pass over time-ordered events with bounded memory
// (docs/trend.md "How the goroutine series is built"). Pure: a function of the events fed to it.
//
// - Samples are `goroutine` events: the ezlinkai monitor lines and health samples (`watch --record`, bundles).
// - Runs: a startup banner starts a new run; a crash or FATAL line ends one (the next event starts the next run); a
//   silence of more than 10 min followed by a count under half the last one also splits (a restart whose banner is
//   not in the input). Docker stamps stdout and stderr apart, so lines of the other stream stamped up to 500 ms before
//   a banner belong to the new run, and at equal times a banner sorts first and a crash last.
// - Censored ticks: a run whose samples are all warnings (no DEBUG or recorded samples) has, on every monitor tick
//   without a sample, a censored sample "< warning", as long as the service was logging around it (no silence longer
//   than 2 h). They are counted and iterated, never stored: `points()` yields them between the stored samples.
// - The monitor's period is detected from the spacing of the samples (robust.ts GapHistogram); `--monitor-interval`
//   overrides it; 30 s (the ezlinkai monitor's) when neither says anything.
// - Memory: the samples of a run are kept in typed arrays; past SAMPLE_BUDGET stored points in all, the largest run is
//   halved (neighbours become one point: mean time and count, highest count kept for charts).
import type { GEvent } from '../events.js';
import type { Thresholds } from '../config.js';
import { GapHistogram } from './robust.js';
import { Points } from './points.js';

export { Points } from './points.js';
import { isRestart, restartDetail } from './restarts.js';

export const DEFAULT_TICK_MS = 30_000;
/**
 * What a tick without a monitor line says: the ezlinkai monitor logs "Goroutine count elevated: N" when N > 2000,
 * fixed in the gateway whatever goroscope's thresholds are, so a silent tick is a count of at most 2000.
 */
export const MONITOR_LOGS_ABOVE = 2000;
/** Inside a silence longer than this, ticks are unknown rather than censored. */
export const SILENCE_MS = 2 * 3_600_000;
/** A silence longer than this followed by a count under half the last one splits runs. */
export const GAP_MS = 10 * 60_000;
/** How far apart Docker may stamp lines of stdout and stderr written together (it reads the two pipes separately). */
export const STREAM_SKEW_MS = 500;
/** Stored samples (goroutine and memory) across all runs before the largest run is halved. */
export const SAMPLE_BUDGET = 400_000;
/** Restart and crash marks listed (their counts stay exact). */
export const MARKS_LISTED = 1_000;

export interface SeriesOptions {
  thresholds: Thresholds;
  /** The monitor's period (`--monitor-interval`): overrides the period detected from the samples. */
  tickMs?: number;
  /** Treat silence as "< warning" even when the input has no goroutine event at all. */
  assumeMonitor?: boolean;
  /** Stored samples before halving (default SAMPLE_BUDGET; tests use a small one). */
  sampleBudget?: number;
}

export interface RunSeries {
  from: number;
  to: number;
  /** Goroutine samples in this run (exact, however many are stored). */
  observed: number;
  /** Censored ticks (set by `finish`). */
  censored: number;
  /** True when the run has DEBUG or recorded samples (every tick is logged, nothing is censored). */
  complete: boolean;
  /** Why the run ended. */
  endedBy: 'restart' | 'crash' | 'gap' | 'end';
  samples: Points;
  memory: Points;
  /** Highest sample and when. */
  peak: { count: number; t: number } | null;
  /** Gaps between consecutive events longer than SILENCE_MS: [from, to, from, to, …]. */
  silences: number[];
}

export interface RestartMark {
  t: number;
  /** The banner: `One API v1.9.2 started`. */
  detail: string;
  /** What ended the run before it, when the input shows it: a crash or a FATAL line, and its message. */
  after: { kind: 'crash' | 'fatal'; message: string } | null;
}

export interface CrashMark {
  t: number;
  kind: 'crash' | 'fatal';
  message: string;
}

export interface Series {
  runs: RunSeries[];
  /** Restarts (src/analyze/restarts.ts), at most MARKS_LISTED of them; `restartCount` is exact. */
  restarts: RestartMark[];
  restartCount: number;
  crashes: CrashMark[];
  crashCount: number;
  /** True when censoring applies (the monitor is known to exist). */
  monitor: boolean;
  /** The monitor's period the series is read with, and where it came from. */
  tickMs: number;
  tickSource: 'flag' | 'detected' | 'default';
  /** A censored tick's count is at most this (MONITOR_LOGS_ABOVE). */
  censoredAtMost: number;
  from: number | null;
  to: number | null;
}

interface Held {
  t: number;
  rank: number;
  seq: number;
  e: GEvent;
  /** Whether a banner is a restart, when the caller decided it (its RestartCounter saw the events in input order). */
  restart?: boolean;
  /** Lines of the other stream stamped just before this banner: they belong to its run. */
  carry?: Held[];
}

// At equal times a startup comes first and a crash or FATAL last, so that a run never ends before it began.
const rankOf = (e: GEvent): number => (e.kind === 'startup' ? 0 : e.kind === 'crash' || e.kind === 'fatal' ? 2 : 1);

function newRun(t: number): RunSeries {
  return { from: t, to: t, observed: 0, censored: 0, complete: false, endedBy: 'end', samples: new Points(), memory: new Points(), peak: null, silences: [] };
}

/** Builds a Series from events in (nearly) time order: `add` each, then `finish`. */
export class SeriesBuilder {
  private readonly runs: RunSeries[] = [];
  private cur: RunSeries | null = null;
  /** The current run was ended by a crash: the next event opens a new one. */
  private ended = false;
  private lastEventT = -Infinity;
  private lastSampleT: number | null = null;
  private lastCount: number | null = null;
  /** Events after a silence longer than GAP_MS, until the next sample says whether the process restarted. */
  private deferred: { t: number; e: GEvent }[] | null = null;
  /** The crash or FATAL line since the last banner: what the next banner restarts after. */
  private crashSinceBanner: CrashMark | null = null;
  private readonly pending: Held[] = [];
  private newest = -Infinity;
  private seq = 0;
  private readonly lastTimeOf = new Map<string, number>();
  private readonly seenSources = new Set<string>();
  private readonly gaps = new GapHistogram();
  private readonly restarts: RestartMark[] = [];
  private restartCount = 0;
  private readonly crashes: CrashMark[] = [];
  private crashCount = 0;
  private sawGoroutine = false;
  private stored = 0;
  private from: number | null = null;
  private to: number | null = null;

  constructor(private readonly opts: SeriesOptions) {}

  add(e: GEvent, restart?: boolean): void {
    let t = e.time === null ? NaN : Date.parse(e.time);
    // A record without a time of its own (a Go crash dump in a plain file) takes the last time of its source.
    if (Number.isFinite(t)) this.lastTimeOf.set(e.source, t);
    else t = this.lastTimeOf.get(e.source) ?? NaN;
    if (!Number.isFinite(t)) return;
    const h: Held = { t, rank: rankOf(e), seq: this.seq++, e, ...(restart !== undefined ? { restart } : {}) };
    const p = this.pending;
    let i = p.length;
    while (i > 0 && after(p[i - 1]!, h)) i--;
    p.splice(i, 0, h);
    if (t > this.newest) this.newest = t;
    while (p.length > 0 && p[0]!.t < this.newest - STREAM_SKEW_MS) this.release();
  }

  finish(): Series {
    while (this.pending.length > 0) this.release();
    this.applyDeferred();
    const flag = this.opts.tickMs;
    const detected = this.gaps.period();
    const tickMs = flag ?? detected ?? DEFAULT_TICK_MS;
    const monitor = this.opts.assumeMonitor === true || this.sawGoroutine;
    const runs = this.runs;
    for (const r of runs) r.censored = monitor && !r.complete ? countCensored(r, tickMs) : 0;
    return {
      runs,
      restarts: this.restarts,
      restartCount: this.restartCount,
      crashes: this.crashes,
      crashCount: this.crashCount,
      monitor,
      tickMs,
      tickSource: flag !== undefined ? 'flag' : detected !== null ? 'detected' : 'default',
      censoredAtMost: MONITOR_LOGS_ABOVE,
      from: this.from,
      to: this.to,
    };
  }

  /** Takes the oldest held event; a line of the other stream just before a banner waits for the banner. */
  private release(): void {
    const p = this.pending;
    const x = p.shift()!;
    // A crash or FATAL line ends the old process's run: it never moves into the next one, however close the banner.
    if (x.e.kind !== 'startup' && x.e.kind !== 'crash' && x.e.kind !== 'fatal' && !this.ended) {
      const banner = bannerAfter(p, x);
      if (banner) {
        (banner.carry ??= []).push(x);
        return;
      }
    }
    this.commit(x);
    for (const c of x.carry ?? []) this.commit(c);
  }

  private commit(h: Held): void {
    const { t, e } = h;
    if (this.from === null || t < this.from) this.from = t;
    if (this.to === null || t > this.to) this.to = t;
    const restart = e.kind === 'startup' && (h.restart ?? isRestart(e, this.seenSources.has(e.source)));
    this.seenSources.add(e.source);
    if (e.kind === 'startup') {
      this.applyDeferred();
      if (this.cur && !this.ended) this.cur.endedBy = 'restart';
      if (restart) {
        this.restartCount++;
        if (this.restarts.length < MARKS_LISTED) {
          const c = this.crashSinceBanner;
          this.restarts.push({ t, detail: restartDetail(e), after: c ? { kind: c.kind, message: c.message } : null });
        }
      }
      this.crashSinceBanner = null;
      this.open(t);
    } else if (this.cur === null || this.ended) {
      this.open(t);
    } else if (this.deferred === null && this.lastCount !== null && t - this.lastEventT > GAP_MS) {
      this.deferred = [];
    }
    if (this.deferred !== null) {
      if (e.kind === 'goroutine') {
        if (this.lastCount !== null && e.count < this.lastCount / 2) {
          // A silence, then a much lower count: the process restarted without a banner in the input.
          const moved = this.deferred;
          this.deferred = null;
          this.cur!.endedBy = 'gap';
          this.open(moved[0]?.t ?? t);
          for (const m of moved) this.apply(m.t, m.e);
        } else this.applyDeferred();
      } else if (e.kind !== 'crash' && e.kind !== 'fatal' && this.deferred.length < 10_000) {
        this.deferred.push({ t, e });
        return;
      } else this.applyDeferred();
    }
    this.apply(t, e);
    if (e.kind === 'crash' || e.kind === 'fatal') {
      this.cur!.endedBy = 'crash';
      this.ended = true;
      const message = e.message.slice(0, 120);
      const mark: CrashMark = { t, kind: e.kind, message };
      this.crashSinceBanner = mark;
      this.crashCount++;
      if (this.crashes.length < MARKS_LISTED) this.crashes.push(mark);
    }
  }

  private open(t: number): void {
    this.cur = newRun(t);
    this.runs.push(this.cur);
    this.ended = false;
    this.lastCount = null;
    this.lastSampleT = null;
    this.lastEventT = -Infinity;
    this.deferred = null;
  }

  private applyDeferred(): void {
    const d = this.deferred;
    this.deferred = null;
    if (d) for (const m of d) this.apply(m.t, m.e);
  }

  private apply(t: number, e: GEvent): void {
    const r = this.cur!;
    if (this.lastEventT > -Infinity && t - this.lastEventT > SILENCE_MS) r.silences.push(this.lastEventT, t);
    if (t < r.from) r.from = t;
    if (t > r.to) r.to = t;
    if (t > this.lastEventT) this.lastEventT = t;
    if (e.kind === 'goroutine') {
      this.sawGoroutine = true;
      if (this.lastSampleT !== null) this.gaps.add(t - this.lastSampleT);
      this.lastSampleT = t;
      this.lastCount = e.count;
      r.observed++;
      if (e.level === 'debug' || e.level === 'sample') r.complete = true;
      if (r.peak === null || e.count > r.peak.count) r.peak = { count: e.count, t };
      r.samples.push(t, e.count);
      this.grew();
    } else if (e.kind === 'memory') {
      r.memory.push(t, e.allocMb);
      this.grew();
    }
  }

  private grew(): void {
    if (++this.stored <= (this.opts.sampleBudget ?? SAMPLE_BUDGET)) return;
    let big: Points | null = null;
    for (const r of this.runs) for (const p of [r.samples, r.memory]) if (big === null || p.n > big.n) big = p;
    this.stored -= big!.halve();
  }
}

/**
 * The banner x belongs after: the first startup within STREAM_SKEW_MS after x, on the other stream than x, with only
 * lines of x's side (not the banner's stream, no crash) between them. Null when there is none.
 */
function bannerAfter(p: readonly Held[], x: Held): Held | null {
  const between: Held[] = [];
  for (const s of p) {
    if (s.t - x.t > STREAM_SKEW_MS) return null;
    if (s.e.kind === 'startup') {
      if (s.e.stream === x.e.stream || between.some((b) => b.e.stream === s.e.stream)) return null;
      return s;
    }
    if (s.e.kind === 'crash' || s.e.kind === 'fatal') return null;
    between.push(s);
  }
  return null;
}

function after(a: Held, b: Held): boolean {
  return a.t > b.t || (a.t === b.t && a.rank > b.rank);
}

/** True when x lies inside one of the run's silences. */
function silenceEnd(silences: readonly number[], x: number): number | null {
  for (let i = 0; i < silences.length; i += 2) if (silences[i]! <= x && x < silences[i + 1]!) return silences[i + 1]!;
  return null;
}

/**
 * The ticks of one gap between anchors: from the run start to the first sample (every full tick unseen), between two
 * samples (round(gap / tick) − 1 ticks), from the last sample to the run end (the last tick before the end is not
 * evidence: the process may have been dying). Calls `each` with the first and last tick of every stretch outside a
 * silence and how many ticks it holds.
 */
function gapTicks(run: RunSeries, tick: number, each: (first: number, last: number, count: number) => void): void {
  const s = run.samples;
  // anchors: the run start, every stored sample (a halved one from its first to its last time), the run end
  const anchors = s.n + 2;
  const leftEdge = (i: number) => (i === 0 ? run.from : s.tEnd[i - 1]!);
  const rightEdge = (j: number) => (j === anchors - 1 ? run.to : s.t[j - 1]!);
  for (let i = 0; i + 1 < anchors; i++) {
    const a = leftEdge(i);
    const b = rightEdge(i + 1);
    const sampleA = i > 0;
    const sampleB = i + 1 < anchors - 1;
    let x = sampleA ? a + tick : a;
    const limit = sampleB ? b - tick / 2 : b - tick - 1;
    while (x <= limit) {
      const end = silenceEnd(run.silences, x);
      if (end !== null) {
        x += Math.ceil((end - x) / tick) * tick;
        continue;
      }
      // the stretch runs to the limit or to the next silence
      let stop = limit;
      for (let k = 0; k < run.silences.length; k += 2) {
        const sa = run.silences[k]!;
        if (sa > x && sa - 1 < stop) stop = sa - 1;
      }
      const count = Math.floor((stop - x) / tick) + 1;
      each(x, x + (count - 1) * tick, count);
      x += count * tick;
    }
  }
}

function countCensored(run: RunSeries, tick: number): number {
  let n = 0;
  gapTicks(run, tick, (_a, _b, c) => (n += c));
  return n;
}

export interface SeriesPoint {
  t: number;
  /** The count; for a censored tick, what the gateway's monitor leaves unlogged at most (an upper bound). */
  count: number;
  censored: boolean;
}

/** Stored samples and censored ticks of a run, in time order (censored ticks only where the series has them). */
export function* points(series: Series, run: RunSeries): Generator<SeriesPoint> {
  const s = run.samples;
  if (run.censored === 0) {
    for (let i = 0; i < s.n; i++) yield { t: s.t[i]!, count: s.v[i]!, censored: false };
    return;
  }
  const stretches: number[] = [];
  gapTicks(run, series.tickMs, (a, _b, c) => stretches.push(a, c));
  let k = 0;
  for (let i = 0; i <= s.n; i++) {
    const until = i < s.n ? s.t[i]! : Infinity;
    while (k < stretches.length && stretches[k]! < until) {
      const first = stretches[k]!;
      const count = stretches[k + 1]!;
      for (let j = 0; j < count; j++) yield { t: first + j * series.tickMs, count: series.censoredAtMost, censored: true };
      k += 2;
    }
    if (i < s.n) yield { t: s.t[i]!, count: s.v[i]!, censored: false };
  }
}

/** Censored stretches of a run as [first tick, last tick] pairs (charts draw them as "< warning"). */
export function censoredStretches(series: Series, run: RunSeries): [number, number][] {
  const out: [number, number][] = [];
  if (run.censored > 0) gapTicks(run, series.tickMs, (a, b) => out.push([a, b]));
  return out;
}

/** Every run's stored samples as {t, v} (observed only). */
export function observedPoints(run: RunSeries): { t: number; v: number }[] {
  const s = run.samples;
  const out: { t: number; v: number }[] = new Array(s.n);
  for (let i = 0; i < s.n; i++) out[i] = { t: s.t[i]!, v: s.v[i]! };
  return out;
}

/** Events → series in one call (tests, and analyses that already hold their events). */
export function buildSeries(events: Iterable<GEvent>, opts: SeriesOptions): Series {
  const b = new SeriesBuilder(opts);
  for (const e of events) b.add(e);
  return b.finish();
}

