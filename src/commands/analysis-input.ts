// Input for trend, channels and review: events from every source (log sources through the pipeline, `watch --record`
// files through their own reader), and the time window.
//
// Durations in --since/--until (`7d`, `2h`) count back from now for containers, but from the LATEST EVENT of the
// input when every source is saved text (a file, a bundle, stdin): a log saved last month still reviews as "its
// last 7 days". RFC 3339 and wall-clock times are absolute either way.
import { existsSync } from 'node:fs';
import type { CommandContext } from '../cli/context.js';
import type { GEvent } from '../events.js';
import { GoroscopeError, UsageError } from '../errors.js';
import type { LeakSuspects } from '../analyze/suspects.js';
import { parseDuration, parseTimeArg } from '../time.js';
import { runPipeline } from '../pipeline.js';
import { isRecordFile, readRecordFile } from '../sources/record.js';

export interface InputSource {
  spec: string;
  kind: 'container' | 'file' | 'stdin' | 'bundle' | 'record' | 'service';
  name: string;
  id?: string;
}

export interface Input {
  events: GEvent[];
  sources: InputSource[];
  /** The window actually applied (epoch ms), null where open. */
  since: number | null;
  until: number | null;
  /** True when durations counted back from the latest event (saved text only). */
  relativeToLatest: boolean;
  lines: number;
  unparsed: number;
}

/** True when a spec names saved text (stdin or an existing path) rather than a container. */
export function isSavedText(spec: string): boolean {
  return spec === '-' || existsSync(spec);
}

function latestTime(events: readonly GEvent[]): number | null {
  let max: number | null = null;
  for (const e of events) {
    if (!e.time) continue;
    const t = Date.parse(e.time);
    if (Number.isFinite(t) && (max === null || t > max)) max = t;
  }
  return max;
}

export async function readInput(specs: string[], window: { since?: string; until?: string }, ctx: CommandContext): Promise<Input> {
  if (specs.length === 0) throw new UsageError('no source given', '', 'name a container, a log file, a bundle or - for stdin');
  const saved = specs.every(isSavedText);
  const now = ctx.now();
  const durSince = window.since !== undefined ? parseDuration(window.since) : null;
  const durUntil = window.until !== undefined ? parseDuration(window.until) : null;
  const relative = saved && (durSince !== null || durUntil !== null);
  // Absolute bounds can go to the sources now; bounds relative to the latest event are applied after reading.
  const absSince = window.since !== undefined && !(relative && durSince !== null) ? parseTimeArg('--since', window.since, now, ctx.tz) : undefined;
  const absUntil = window.until !== undefined && !(relative && durUntil !== null) ? parseTimeArg('--until', window.until, now, ctx.tz) : undefined;
  if (durSince !== null && durSince <= 0) throw new UsageError('--since takes a positive duration', window.since);
  if (absSince !== undefined && absUntil !== undefined && absSince > absUntil) {
    throw new UsageError('--since is later than --until', `${new Date(absSince).toISOString()} > ${new Date(absUntil).toISOString()}`);
  }

  const records: string[] = [];
  const logs: string[] = [];
  for (const s of specs) ((s !== '-' && existsSync(s) && (await isRecordFile(s))) ? records : logs).push(s);

  const events: GEvent[] = [];
  const sources: InputSource[] = [];
  let lines = 0;
  let unparsed = 0;
  // The analyses never read `raw`; dropping it keeps a week of events small.
  const push = (e: GEvent) => {
    e.raw = '';
    events.push(e);
  };
  for (const r of records) {
    lines += await readRecordFile(r, { since: absSince, until: absUntil }, push);
    sources.push({ spec: r, kind: 'record', name: r });
  }
  if (logs.length > 0) {
    const { hostDownLine, parseMaxStreams } = await import('../sources/fleet.js');
    const stats = await runPipeline(
      logs,
      {
        since: absSince,
        until: absUntil,
        tz: ctx.tz,
        hosts: ctx.globals.host,
        signal: ctx.signal,
        maxStreams: parseMaxStreams(ctx.globals.maxStreams),
        // A bundle's health snapshot is one more goroutine/memory sample of the series.
        sourceEvents: true,
        // Several hosts: one that cannot be reached is skipped with a warning (docs/sources.md).
        onHostDown: (host, err) => ctx.stderr.write(hostDownLine(host, err)),
      },
      push,
    );
    lines += stats.lines;
    unparsed += stats.unparsed;
    for (const s of stats.sources) sources.push({ spec: s.spec, kind: s.kind, name: s.name, ...(s.id ? { id: s.id } : {}) });
  }

  let since = absSince ?? null;
  let until = absUntil ?? null;
  let kept = events;
  if (relative) {
    const latest = latestTime(events);
    if (latest !== null) {
      if (durSince !== null) since = latest - durSince;
      if (durUntil !== null) until = latest - durUntil;
      if (since !== null && until !== null && since > until) {
        throw new UsageError('--since is later than --until', `${new Date(since).toISOString()} > ${new Date(until).toISOString()}`);
      }
      kept = filterWindow(events, since, until);
    }
  }
  return { events: byTime(kept), sources, since, until, relativeToLatest: relative, lines, unparsed };
}

/**
 * Leak suspects of every bundle source with two goroutine dumps (`pprof/goroutine-1.txt`, `-2.txt`; the rate from
 * the manifest's pprof interval). A bundle without dumps, or with dumps that cannot be compared, adds nothing.
 */
export async function readBundleSuspects(sources: readonly InputSource[]): Promise<LeakSuspects[]> {
  const out: LeakSuspects[] = [];
  const bundles = sources.filter((s) => s.kind === 'bundle');
  if (bundles.length === 0) return out;
  const { readDumpSource } = await import('../sources/pprof.js');
  const { leakSuspectsOf } = await import('../analyze/suspects.js');
  for (const b of bundles) {
    let dumps;
    try {
      dumps = await readDumpSource(b.spec);
    } catch (err) {
      if (err instanceof GoroscopeError) continue; // no pprof in this bundle (collected without --pprof-url, or skipped)
      throw err;
    }
    const s = leakSuspectsOf(b.spec, dumps.dumps, dumps.secondsApart);
    if (s) out.push(s);
  }
  return out;
}

/** Events inside [since, until]; an event without a time keeps the fate of the last timed event before it. */
export function filterWindow(events: readonly GEvent[], since: number | null, until: number | null): GEvent[] {
  const out: GEvent[] = [];
  let lastIn = true;
  for (const e of events) {
    let inside: boolean = lastIn;
    if (e.time) {
      const t = Date.parse(e.time);
      inside = (since === null || t >= since) && (until === null || t <= until);
      lastIn = inside;
    }
    if (inside) out.push(e);
  }
  return out;
}

/** Stable sort by time; an event without a time sorts with the last timed event of its source before it. */
export function byTime(events: readonly GEvent[]): GEvent[] {
  const last = new Map<string, number>();
  const keyed = events.map((e, i) => {
    let t = e.time ? Date.parse(e.time) : NaN;
    if (Number.isFinite(t)) last.set(e.source, t);
    else t = last.get(e.source) ?? -Infinity;
    return { e, t, i };
  });
  keyed.sort((a, b) => a.t - b.t || a.i - b.i);
  return keyed.map((k) => k.e);
}
