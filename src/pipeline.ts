// The one way every command gets events: sources → lines → RecordGrouper → EventParser → filters → onEvent.
// Several specs are read concurrently; each source has its own grouper and parser, so records never mix.
import type { GEvent, Kind } from './events.js';
import type { Line } from './stream/types.js';
import { RecordGrouper, EventParser, quietStart } from './parse/index.js';
import { openSources, type Source, type SourceInfo } from './sources/index.js';
import { GoroscopeError } from './errors.js';
import { TimeMerge, MERGE_FOLLOW_WINDOW_MS } from './stream/merge.js';
import type { LogVia } from './docker/logfiles.js';

export interface PipelineOptions {
  /** Epoch ms, inclusive, compared with the event's time. Containers also get them as Docker `since`/`until`. */
  since?: number;
  until?: number;
  /** Containers only: last N lines. */
  tail?: number;
  follow?: boolean;
  /** Filter; undefined = all. */
  kinds?: ReadonlySet<Kind>;
  /** For naive app timestamps. */
  tz: string;
  /** `--host` values. */
  hosts?: string[];
  signal?: AbortSignal;
  /** Containers: from the engine's log files or through the API (`--via`, src/docker/logfiles.ts); default auto. */
  via?: LogVia;
  /** Most sources read at once (`--max-streams`); default 8. Following reads every source at once. */
  maxStreams?: number;
  /** Events of several sources in time order (bounded k-way merge, src/stream/merge.ts), for ordered output. */
  ordered?: boolean;
  /** A host that could not be reached (several hosts given): reported here, the others go on. */
  onHostDown?: (host: string, err: GoroscopeError) => void;
  /** A source read to its end whose lines may be incomplete (a Docker stream that stalled): `info.incomplete` says why. */
  onIncomplete?: (info: SourceInfo) => void;
  /**
   * Also hand over the ready-made events sources carry beside their lines (`Source.events`, e.g. a bundle's health
   * snapshot), after each source's lines. Off by default, so `scan` counts what the logs say.
   */
  sourceEvents?: boolean;
}

/** Default of `--max-streams`: log streams read at once. */
export const DEFAULT_MAX_STREAMS = 8;

/** A host that could not be reached, as the summary JSON lists it. */
export interface HostDown {
  host: string;
  error: string;
  exitCode: number;
}

/** How far back Docker may stamp a line of one stream after a line of the other (it reads the two pipes apart). */
export const STREAM_SKEW_MS = 1_000;

/** Below a frontier's millisecond (event times are whole milliseconds): see the lane frontier in runPipeline. */
const HALF_MS = 0.5;

/** Following: how long a source stays quiet before its open records are emitted. */
export const FOLLOW_QUIET_MS = 250;

export interface PipelineStats {
  lines: number;
  oversized: number;
  unparsed: number;
  records: number;
  sources: SourceInfo[];
  /** Hosts that could not be reached (only with several `--host` values; empty otherwise). */
  hostsDown: HostDown[];
}

/**
 * Decides whether an event is inside the time window. An event without a time (a crash dump has no timestamp of
 * its own) is judged by the last time seen on the same source before it; with none seen yet it is kept.
 */
class TimeWindow {
  private last = new Map<string, number>();
  constructor(
    private readonly since: number | undefined,
    private readonly until: number | undefined,
  ) {}

  get active(): boolean {
    return this.since !== undefined || this.until !== undefined;
  }

  keep(e: GEvent): boolean {
    let t: number | undefined;
    if (e.time !== null) {
      t = Date.parse(e.time);
      if (Number.isFinite(t)) this.last.set(e.source, t);
      else t = undefined;
    }
    t ??= this.last.get(e.source);
    if (t === undefined) return true;
    if (this.since !== undefined && t < this.since) return false;
    if (this.until !== undefined && t > this.until) return false;
    return true;
  }
}

/**
 * Open every spec (all of them first, so a bad spec fails before any output), then read them concurrently.
 * The first failing source aborts the others and its error is thrown after they stopped. A user abort
 * (`opts.signal`) ends every source quietly and the stats are returned.
 */
export async function runPipeline(specs: (string | Source)[], opts: PipelineOptions, onEvent: (e: GEvent) => void): Promise<PipelineStats> {
  const stop = new AbortController();
  const onUserAbort = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) stop.abort(opts.signal.reason);
  opts.signal?.addEventListener('abort', onUserAbort, { once: true });
  const stats: PipelineStats = { lines: 0, oversized: 0, unparsed: 0, records: 0, sources: [], hostsDown: [] };
  const hostDown = (host: string, err: GoroscopeError) => {
    if (stats.hostsDown.some((h) => h.host === host)) return;
    stats.hostsDown.push({ host, error: err.headline().replace(/^error: /, ''), exitCode: err.exitCode });
    opts.onHostDown?.(host, err);
  };
  const window = new TimeWindow(opts.since, opts.until);
  const kinds = opts.kinds;
  try {
    const sourceOpts = {
      since: opts.since,
      until: opts.until,
      tail: opts.tail,
      follow: opts.follow,
      hosts: opts.hosts,
      signal: stop.signal,
      onHostDown: hostDown,
      via: opts.via,
    };
    const sources: Source[] = [];
    // A ready Source (the bundle writer's live log feed) is taken as it is.
    for (const spec of specs) sources.push(...(typeof spec === 'string' ? await openSources(spec, sourceOpts) : [spec]));
    stats.sources = sources.map((s) => s.info);

    // Ordered output: each source is a lane of a bounded time-ordered merge (src/stream/merge.ts), its stdout and
    // stderr records (or a bundle's two logs) sorted there: a record stays open on one stream until that stream's next
    // line comes, so the parser hands events over a little out of time order. A lane's frontier is set below, where
    // its grouper and parser are. A service's stream carries its tasks in the daemon's order: it is held (within the
    // merge's bounds) until it ends.
    const merge = opts.ordered
      ? new TimeMerge<GEvent>(sources.length, onEvent, {
          timeOf: (e) => (e.time === null ? null : Date.parse(e.time)),
          // the same millisecond on both streams: stderr first (a relay error before the retry it caused)
          rankOf: (e) => (e.stream === 'stderr' ? 0 : e.stream === 'stdout' ? 1 : 2),
          windowMs: opts.follow ? MERGE_FOLLOW_WINDOW_MS : undefined,
        })
      : null;
    // Following never ends a stream, so every source gets one; otherwise at most maxStreams are read at once.
    const limit = opts.follow ? sources.length : Math.max(1, opts.maxStreams ?? DEFAULT_MAX_STREAMS);
    let running = 0;
    const queue: (() => void)[] = [];
    const slot = () =>
      running < limit
        ? (running++, Promise.resolve())
        : new Promise<void>((resolve) => queue.push(() => (running++, resolve())));
    const freeSlot = () => {
      running--;
      queue.shift()?.();
    };

    let firstError: unknown;
    await Promise.all(
      sources.map(async (source, lane) => {
        const tags = source.tags;
        const out = !merge ? onEvent : (e: GEvent) => merge.push(lane, e);
        const tagged = tags
          ? (e: GEvent) => {
              const t = tags(e);
              if (t) Object.assign(e, t);
              out(e);
            }
          : out;
        const emitLane = (e: GEvent) => {
          if (kinds && !kinds.has(e.kind)) return;
          if (window.active && !window.keep(e)) return;
          tagged(e);
        };
        const parser = new EventParser({ tz: opts.tz, onEvent: emitLane });
        const grouper = new RecordGrouper((r) => {
          stats.records += r.count ?? 1;
          parser.record(r);
        });
        // The newest Docker time read on this source: later lines of either stream are at most STREAM_SKEW_MS older.
        let lastLineTime: string | null = null;
        if (merge) {
          merge.setFrontier(
            lane,
            source.info.kind === 'service'
              ? () => -Infinity
              : (lastPushed) => {
                  // Half a millisecond under a bound that a line or an open record sets: that millisecond may still
                  // bring an event of the other stream, and the events of one millisecond leave together (merge.ts).
                  let f = lastLineTime === null ? lastPushed : Date.parse(lastLineTime) - STREAM_SKEW_MS - HALF_MS;
                  const open = grouper.oldestOpen();
                  if (open !== null && open - HALF_MS < f) f = open - HALF_MS;
                  const pending = parser.oldestPending();
                  if (pending !== null && pending - HALF_MS < f) f = pending - HALF_MS;
                  return f;
                },
          );
        }
        // Following, a record is otherwise only emitted when the next line of its stream arrives: after a quiet
        // spell, emit what is open so a crash or a disabled channel is seen now, not at the next line.
        let quiet: NodeJS.Timeout | undefined;
        const drain = () => {
          grouper.drain();
          parser.flush();
        };
        const onLine = (line: Line) => {
          stats.lines += line.count ?? 1;
          if (line.oversized) stats.oversized++;
          if (line.dockerTime !== null) lastLineTime = line.dockerTime;
          grouper.push(line);
          if (opts.follow) {
            clearTimeout(quiet);
            quiet = setTimeout(drain, FOLLOW_QUIET_MS);
          }
        };
        await slot();
        try {
          if (!stop.signal.aborted) {
            if (source.readEvents) stats.lines += await source.readEvents(emitLane);
            else await source.read(onLine, quietStart);
          }
          if (source.info.incomplete !== undefined) opts.onIncomplete?.(source.info);
          if (opts.sourceEvents && source.events && !stop.signal.aborted) {
            grouper.flush();
            parser.flush();
            for (const e of source.events()) emitLane(e);
          }
        } catch (err) {
          // Several hosts: a host lost while reading is reported like one that was down from the start.
          if (source.info.host !== undefined && err instanceof GoroscopeError && (err.exitCode === 69 || err.exitCode === 77)) {
            hostDown(source.info.host, err);
          } else if (firstError === undefined && !(opts.signal?.aborted && stop.signal.aborted)) {
            firstError = err;
            stop.abort(err);
          }
        } finally {
          clearTimeout(quiet);
          grouper.flush();
          parser.flush();
          stats.unparsed += parser.unparsed;
          freeSlot();
          merge?.end(lane);
        }
      }),
    );
    merge?.flush();
    if (firstError !== undefined) throw firstError;
    return stats;
  } finally {
    opts.signal?.removeEventListener('abort', onUserAbort);
  }
}
