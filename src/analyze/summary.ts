// The scan summary (`goroscope scan --json`, docs/scan.md): one pass over the events, constant memory. Pure: no I/O,
// no clock. One metric is one part (src/analyze/summary-parts.ts, restarts from src/analyze/restarts.ts); state grows
// only with the number of distinct channels, signatures and sources, never with the number of events.
import { KINDS, type GEvent, type Kind } from '../events.js';
import { RestartCounter } from './restarts.js';
import { Breakdowns, ChannelStates, Goroutines, KindCounts, RelayErrors, Signatures, TimeSpan, TimeoutClasses, Versions, type AddContext, type MergeContext, type Part } from './summary-parts.js';

export type { InputStats, Breakdown, ChannelErrors, SignatureGroup, ChannelStateCount, Summary } from './summary-types.js';
import type { InputStats, Summary } from './summary-types.js';

/**
 * Builds a Summary from events in input order: a list of parts (src/analyze/summary-parts.ts), one per metric, each
 * {add, merge, finish}. `add` is O(1) per part; `finish` sorts the small per-key tables.
 */
export class SummaryBuilder {
  private readonly restartPart = new RestartCounter();
  private readonly parts: Part[] = [
    new KindCounts(),
    new TimeSpan(),
    new Goroutines(),
    new RelayErrors(),
    new Signatures(),
    new ChannelStates('channel_disabled'),
    new ChannelStates('channel_enabled'),
    new TimeoutClasses(),
    new Versions(),
    new Breakdowns('source'),
    new Breakdowns('node'),
    new Breakdowns('host'),
  ];

  /** Per kind, the parts that look at it (Part.kinds), in the order of `parts`: most parts want one kind only. */
  private readonly byKind = new Map<Kind, Part[]>(KINDS.map((k) => [k, this.parts.filter((p) => p.kinds === undefined || p.kinds.includes(k))]));
  /** One context object, filled anew for each event (`add` runs once per event of a scan). */
  private readonly ctx: AddContext = { restart: false, kind: 'goroutine', time: null, source: '', task: undefined, node: undefined, host: undefined };

  add(e: GEvent): void {
    const ctx = this.ctx;
    const kind = e.kind;
    ctx.kind = kind;
    ctx.time = e.time;
    ctx.source = e.source;
    ctx.task = e.task;
    ctx.node = e.node;
    ctx.host = e.host;
    ctx.restart = this.restartPart.decide(e);
    const parts = this.byKind.get(kind)!;
    for (let i = 0; i < parts.length; i++) parts[i]!.add(e, ctx);
  }

  /**
   * Folds in the builder of the events that came right AFTER this one's (the next byte range of a file scanned in
   * parallel, src/commands/scan-parallel.ts): the result is what one builder fed both streams of events in order
   * would hold. A startup banner that opened a source in `later` is a restart when this builder saw the source.
   */
  merge(later: SummaryBuilder): this {
    const ctx: MergeContext = { restartedSources: this.restartPart.restartedIn(later.restartPart) };
    this.restartPart.merge(later.restartPart, ctx.restartedSources);
    this.parts.forEach((p, i) => p.merge(later.parts[i] as never, ctx));
    return this;
  }

  /** What `postMessage` carries of a builder (plain data: its parts' fields), made whole again by `revive`. */
  state(): { restartPart: object; parts: object[] } {
    return { restartPart: this.restartPart, parts: this.parts };
  }

  /** A builder sent through `postMessage` (a structured clone: own fields kept, classes lost) made whole again. */
  static revive(state: unknown): SummaryBuilder {
    const b = new SummaryBuilder();
    const s = state as { restartPart: object; parts: object[] };
    Object.assign(b.restartPart, s.restartPart);
    b.parts.forEach((p, i) => Object.assign(p, s.parts[i]));
    return b;
  }

  finish(stats: InputStats): Summary {
    const into: Partial<Summary> = {};
    into.restarts = this.restartPart.count;
    for (const p of this.parts) p.finish(into);
    return {
      lines: stats.lines,
      events: into.events!,
      goroutines: into.goroutines!,
      relayErrors: into.relayErrors!,
      retries: into.retries!,
      restarts: into.restarts!,
      panics: into.panics!,
      unparsed: stats.unparsed,
      oversized: stats.oversized,
      records: stats.records,
      from: into.from!,
      to: into.to!,
      sources: stats.sources.map((src) => ({ ...src })),
      channelsDisabled: into.channelsDisabled!,
      channelsEnabled: into.channelsEnabled!,
      timeouts: into.timeouts!,
      versions: into.versions!,
      bySource: into.bySource!,
      byNode: into.byNode!,
      byHost: into.byHost!,
      hostsDown: (stats.hostsDown ?? []).map((h) => ({ ...h })),
    };
  }
}

/** PipelineStats of consecutive parts of one input (the byte ranges of a parallel file scan) added up. */
export function mergeInputStats<T extends InputStats>(a: T, b: T): T {
  return {
    ...a,
    lines: a.lines + b.lines,
    oversized: a.oversized + b.oversized,
    unparsed: a.unparsed + b.unparsed,
    records: a.records + b.records,
    // (ranges of one file: the same source; one that may lack lines says so for the file — the ranges' words alike)
    sources: a.sources.map((s) => {
      const incomplete = s.incomplete ?? b.sources.find((x) => x.name === s.name)?.incomplete;
      return incomplete === undefined ? { ...s } : { ...s, incomplete };
    }),
    hostsDown: [...(a.hostsDown ?? []), ...(b.hostsDown ?? [])],
  };
}
