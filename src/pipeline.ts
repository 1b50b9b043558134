// The one way every command gets events: sources → lines → RecordGrouper → EventParser → filters → onEvent.
// Several specs are read concurrently; each source has its own grouper and parser, so records never mix.
import type { GEvent, Kind } from './events.js';
import type { Line } from './stream/types.js';
import { RecordGrouper, EventParser } from './parse/index.js';
import { openSource, type Source, type SourceInfo } from './sources/index.js';

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
}

/** Following: how long a source stays quiet before its open records are emitted. */
export const FOLLOW_QUIET_MS = 250;

export interface PipelineStats {
  lines: number;
  oversized: number;
  unparsed: number;
  records: number;
  sources: SourceInfo[];
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
  const stats: PipelineStats = { lines: 0, oversized: 0, unparsed: 0, records: 0, sources: [] };
  const window = new TimeWindow(opts.since, opts.until);
  const kinds = opts.kinds;
  const emit = (e: GEvent) => {
    if (kinds && !kinds.has(e.kind)) return;
    if (window.active && !window.keep(e)) return;
    onEvent(e);
  };
  try {
    const sourceOpts = { since: opts.since, until: opts.until, tail: opts.tail, follow: opts.follow, hosts: opts.hosts, signal: stop.signal };
    const sources: Source[] = [];
    // A ready Source (the bundle writer's live log feed) is taken as it is.
    for (const spec of specs) sources.push(typeof spec === 'string' ? await openSource(spec, sourceOpts) : spec);
    stats.sources = sources.map((s) => s.info);

    let firstError: unknown;
    await Promise.all(
      sources.map(async (source) => {
        const parser = new EventParser({ tz: opts.tz, onEvent: emit });
        const grouper = new RecordGrouper((r) => {
          stats.records++;
          parser.record(r);
        });
        // Following, a record is otherwise only emitted when the next line of its stream arrives: after a quiet
        // spell, emit what is open so a crash or a disabled channel is seen now, not at the next line.
        let quiet: NodeJS.Timeout | undefined;
        const drain = () => {
          grouper.drain();
          parser.flush();
        };
        const onLine = (line: Line) => {
          stats.lines++;
          if (line.oversized) stats.oversized++;
          grouper.push(line);
          if (opts.follow) {
            clearTimeout(quiet);
            quiet = setTimeout(drain, FOLLOW_QUIET_MS);
          }
        };
        try {
          await source.read(onLine);
        } catch (err) {
          if (firstError === undefined && !(opts.signal?.aborted && stop.signal.aborted)) {
            firstError = err;
            stop.abort(err);
          }
        } finally {
          clearTimeout(quiet);
          grouper.flush();
          parser.flush();
          stats.unparsed += parser.unparsed;
        }
      }),
    );
    if (firstError !== undefined) throw firstError;
    return stats;
  } finally {
    opts.signal?.removeEventListener('abort', onUserAbort);
  }
}
