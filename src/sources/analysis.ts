// What `trend`, `channels` and `review` read: every source through the one pipeline (src/pipeline.ts), in time order,
// into an accumulator that keeps tables, not events (src/analyze/analysis.ts), so a week of a busy gateway is read in
// flat memory. `watch --record` files are pipeline sources too (their lines are samples: src/sources/record.ts).
//
// Durations in --since/--until (`7d`, `2h`) count back from now for containers, but from the LATEST EVENT of the
// input when every source is saved text (a file, a bundle, stdin): a log saved last month still reviews as "its
// last 7 days". That point is only known at the end, so the input is read once, and a second time with the window
// made absolute when the window cuts something off (stdin is kept in a private temporary file for that).
// RFC 3339 and wall-clock times are absolute either way.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline as pipe } from 'node:stream/promises';
import type { GEvent } from '../events.js';
import { GoroscopeError, UsageError } from '../errors.js';
import { parseDuration, parseTimeArg } from '../time.js';
import { runPipeline } from '../pipeline.js';
import type { LogVia } from '../docker/logfiles.js';
import type { LeakSuspects } from '../analyze/suspects.js';
import { isRecordFile, recordSource } from './record.js';
import { readFile, type Source } from './index.js';
import type { SourceInfo } from './types.js';

export interface InputSource {
  spec: string;
  kind: 'container' | 'file' | 'stdin' | 'bundle' | 'record' | 'service';
  name: string;
  id?: string;
}

/** What reading needs from the command (no CLI context below the command). */
export interface ReadOptions {
  tz: string;
  now: number;
  hosts?: string[];
  maxStreams?: number;
  signal: AbortSignal;
  /** Containers: from the engine's log files or through the API (`--via`); default auto. */
  via?: LogVia;
  /** Several hosts: one that cannot be reached is skipped and reported here. */
  onHostDown?: (host: string, err: GoroscopeError) => void;
  /** A source whose lines may be incomplete (a Docker stream that stalled, docs/faults.md). */
  onIncomplete?: (info: SourceInfo) => void;
}

/** Where the events go: one accumulator per read (a second read, when the window moves, gets a new one). */
export interface Sink<R> {
  add(e: GEvent): void;
  finish(): R;
}

export interface Input<R> {
  result: R;
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

/** `-` kept in a private temporary file, read as source `-` (so it can be read twice). */
async function spoolStdin(signal: AbortSignal): Promise<{ source: Source; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'goroscope-stdin-'));
  const path = join(dir, 'stdin');
  await pipe(process.stdin, createWriteStream(path, { mode: 0o600 }), { signal });
  return {
    source: { info: { spec: '-', kind: 'stdin', name: '-' }, read: async (onLine) => void (await readFile(path, '-', onLine, signal)) },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function readAnalysis<R>(specs: string[], window: { since?: string; until?: string }, opts: ReadOptions, sink: () => Sink<R>): Promise<Input<R>> {
  if (specs.length === 0) throw new UsageError('no source given', '', 'name a container, a log file, a bundle or - for stdin');
  const saved = specs.every(isSavedText);
  const durSince = window.since !== undefined ? parseDuration(window.since) : null;
  const durUntil = window.until !== undefined ? parseDuration(window.until) : null;
  const relative = saved && (durSince !== null || durUntil !== null);
  // Absolute bounds go to the sources now; bounds relative to the latest event are known after a first read.
  const absSince = window.since !== undefined && !(relative && durSince !== null) ? parseTimeArg('--since', window.since, opts.now, opts.tz) : undefined;
  const absUntil = window.until !== undefined && !(relative && durUntil !== null) ? parseTimeArg('--until', window.until, opts.now, opts.tz) : undefined;
  if (durSince !== null && durSince <= 0) throw new UsageError('--since takes a positive duration', window.since);
  if (absSince !== undefined && absUntil !== undefined && absSince > absUntil) {
    throw new UsageError('--since is later than --until', `${new Date(absSince).toISOString()} > ${new Date(absUntil).toISOString()}`);
  }

  const stdin = relative && specs.includes('-') ? await spoolStdin(opts.signal) : null;
  try {
    const resolved: (string | Source)[] = [];
    for (const s of specs) {
      if (s === '-' && stdin) resolved.push(stdin.source);
      else if (s !== '-' && existsSync(s) && (await isRecordFile(s))) resolved.push(recordSource(s, opts.signal));
      else resolved.push(s);
    }
    const read = async (since: number | undefined, until: number | undefined) => {
      const acc = sink();
      let first: number | null = null;
      let latest: number | null = null;
      const stats = await runPipeline(
        resolved,
        {
          since,
          until,
          tz: opts.tz,
          hosts: opts.hosts,
          signal: opts.signal,
          maxStreams: opts.maxStreams,
          via: opts.via,
          // Time order: the series, runs and restarts are built as the events come.
          ordered: true,
          // A bundle's health snapshot is one more goroutine/memory sample of the series.
          sourceEvents: true,
          onHostDown: opts.onHostDown,
          onIncomplete: opts.onIncomplete,
        },
        (e) => {
          if (e.time !== null) {
            const t = Date.parse(e.time);
            if (first === null || t < first) first = t;
            if (latest === null || t > latest) latest = t;
          }
          e.raw = ''; // the analyses never read it
          acc.add(e);
        },
      );
      return { acc, stats, first: first as number | null, latest: latest as number | null };
    };

    let r = await read(absSince, absUntil);
    let since = absSince ?? null;
    let until = absUntil ?? null;
    if (relative && r.latest !== null) {
      if (durSince !== null) since = r.latest - durSince;
      if (durUntil !== null) until = r.latest - durUntil;
      // Saved text begins where it begins: a bundle of a few seconds read with the default `--since 7d` covers
      // those seconds, not a week (the first read saw the whole input).
      if (since !== null && r.first !== null && r.first > since) since = r.first;
      if (since !== null && until !== null && since > until) {
        throw new UsageError('--since is later than --until', `${new Date(since).toISOString()} > ${new Date(until).toISOString()}`);
      }
      // Read again with the window made absolute, only when it cuts something off.
      if ((since !== null && r.first !== null && r.first < since) || (until !== null && until < r.latest)) r = await read(since ?? undefined, until ?? undefined);
    }
    return {
      result: r.acc.finish(),
      sources: r.stats.sources.map((s) => ({ spec: s.spec, kind: s.kind, name: s.name, ...(s.id ? { id: s.id } : {}) })),
      since,
      until,
      relativeToLatest: relative,
      lines: r.stats.lines,
      unparsed: r.stats.unparsed,
    };
  } finally {
    await stdin?.remove();
  }
}

/**
 * Leak suspects of every bundle source with two goroutine dumps (`pprof/goroutine-1.txt`, `-2.txt`; the rate from
 * the manifest's pprof interval). A bundle without dumps, or with dumps that cannot be compared, adds nothing.
 */
export async function readBundleSuspects(sources: readonly InputSource[]): Promise<LeakSuspects[]> {
  const out: LeakSuspects[] = [];
  const bundles = sources.filter((s) => s.kind === 'bundle');
  if (bundles.length === 0) return out;
  const { readDumpSource } = await import('./pprof.js');
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

/**
 * Docker's RestartCount of the container sources, by name (shown beside the log's restarts under its own name).
 * A container that cannot be inspected is left out: the count is a fact beside the analysis, never a failure.
 */
export async function dockerRestartCounts(sources: readonly InputSource[], opts: { host?: string; signal?: AbortSignal }): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const containers = sources.filter((s) => s.kind === 'container');
  if (containers.length === 0) return out;
  const { dockerFor } = await import('../docker/index.js');
  const { inspectRaw } = await import('../docker/containers.js');
  try {
    const docker = await dockerFor(opts.host);
    for (const c of containers) {
      try {
        out.set(c.name, (await inspectRaw(docker, c.id ?? c.name, opts.signal)).RestartCount);
      } catch {
        // removed meanwhile, or on another host: no count
      }
    }
  } catch {
    // no daemon now: no counts
  }
  return out;
}

/**
 * Where a live goroutine dump of the gateway of a bundle source can be had, for `review`'s leak step: the URL
 * `bundle` and `doctor` use (pprofUrlFor: --pprof-url's settings, METRICS_PORT, ENABLE_PPROF, the health server),
 * applied to the container as the bundle's `inspect.json` saw it. Null when no bundle says (or none can be read).
 */
export async function bundlePprofUrl(
  sources: readonly InputSource[],
  ctx: { env: Record<string, string | undefined>; config: { pprofUrl?: string; containers?: Record<string, { pprofUrl?: string }> } },
): Promise<string | null> {
  const { readFile: readText } = await import('node:fs/promises');
  const { pprofUrlFor } = await import('./pprof.js');
  const { deriveHealthUrl } = await import('./health.js');
  for (const b of sources.filter((s) => s.kind === 'bundle')) {
    let text: string | null = null;
    try {
      if (/\.(tar\.gz|tgz)$/i.test(b.spec)) {
        // only inspect.json, wherever the archive's top directory puts it
        const tar = await import('tar');
        const chunks: Buffer[] = [];
        await tar.t({ file: b.spec, filter: (p) => /(^|\/)inspect\.json$/.test(p), onReadEntry: (e) => e.on('data', (c: Buffer) => chunks.push(c)) });
        text = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null;
      } else text = await readText(join(b.spec, 'inspect.json'), 'utf8');
    } catch {
      continue; // no inspect.json (an older or foreign bundle): nothing known
    }
    if (text === null) continue;
    try {
      const inspect = JSON.parse(text) as Parameters<typeof deriveHealthUrl>[0];
      const found = pprofUrlFor(b.name, inspect, undefined, ctx, deriveHealthUrl(inspect)?.url ?? null);
      if (found) return found.url;
    } catch {
      continue; // not valid JSON: nothing known
    }
  }
  return null;
}
