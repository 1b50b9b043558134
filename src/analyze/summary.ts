// The scan summary (`goroscope scan --json`, docs/scan.md): one pass over the events, constant memory.
// Pure: no I/O, no clock. State grows only with the number of distinct channels, signatures and sources,
// never with the number of events, so a 700 MB log keeps it flat.
import { KINDS, type GEvent, type Kind } from '../events.js';

/** What the pipeline reports at the end (structurally the `PipelineStats` of src/pipeline.ts). */
export interface InputStats {
  lines: number;
  oversized: number;
  unparsed: number;
  records: number;
  /** `kind` is open-ended (`container`, `file`, `stdin`, `bundle`, `service`, … whatever the pipeline adds). */
  sources: { spec: string; kind: string; name: string; id?: string; host?: string }[];
  /** Hosts that could not be reached (several `--host` values). */
  hostsDown?: { host: string; error: string; exitCode: number }[];
}

/**
 * One source's share of the events (docs/sources.md): a container, a file, a Swarm replica (`svc.1`), or
 * `name@host` when several hosts are read. Also used per node and per host.
 */
export interface Breakdown {
  events: number;
  goroutines: { samples: number; first: number | null; last: number | null; max: number | null };
  relayErrors: number;
  timeouts: number;
  panics: number;
  crashes: number;
  restarts: number;
  /** Swarm tasks (ids) and nodes seen, and the host: only where the events carried those tags. */
  tasks?: string[];
  nodes?: string[];
  host?: string;
}

export interface ChannelErrors {
  channel: number;
  count: number;
  timeouts: number;
}

export interface SignatureGroup {
  signature: string;
  kind: 'panic' | 'crash';
  count: number;
  /** The message of the first occurrence. */
  message: string;
  firstAt: string | null;
  lastAt: string | null;
}

export interface ChannelStateCount {
  channel: number;
  count: number;
  lastAt: string | null;
  /** The reason of the latest event that named one. */
  lastReason: string | null;
}

export interface Summary {
  lines: number;
  events: Record<Kind, number>;
  goroutines: {
    samples: number;
    min: number | null;
    max: number | null;
    last: number | null;
    maxAt: string | null;
    /** Extra: time of `last`. */
    lastAt: string | null;
  };
  relayErrors: {
    total: number;
    timeouts: number;
    byChannel: ChannelErrors[];
    /** Extra: relay errors whose line names no channel (not in byChannel). */
    noChannel: number;
    /** Extra: relay errors by cause. */
    byCause: Record<string, number>;
  };
  retries: number;
  restarts: number;
  panics: {
    recovered: number;
    crashes: number;
    signatures: SignatureGroup[];
    /** Extra: crash dumps cut off at end of input. */
    truncatedCrashes: number;
  };
  unparsed: number;
  oversized: number;
  // ---- extras (not in the minimum contract; never renamed either) ----
  /** Physical records the parser saw. */
  records: number;
  /** Earliest and latest event time (ISO UTC), null when no event had a time. */
  from: string | null;
  to: string | null;
  sources: InputStats['sources'];
  channelsDisabled: ChannelStateCount[];
  channelsEnabled: ChannelStateCount[];
  /** `timeout` events (timeouts outside relay errors) by timeoutClass. */
  timeouts: Record<string, number>;
  /** Versions seen in startup banners, in order of first appearance. */
  versions: string[];
  /** Per source (event `source`), sorted by name. */
  bySource: Record<string, Breakdown>;
  /** Per Swarm node and per Docker host, when events carried `node` / `host` tags (else empty). */
  byNode: Record<string, Breakdown>;
  byHost: Record<string, Breakdown>;
  /** Hosts that could not be reached (several `--host` values; empty otherwise). */
  hostsDown: { host: string; error: string; exitCode: number }[];
}

/** Bounds on what the summary keeps per distinct key, so hostile input cannot grow it without limit. */
const MAX_KEYS = 10_000;

interface SourceState {
  /** An event of this source was seen before (a later startup banner is then a restart). */
  seen: boolean;
  b: Breakdown;
  /**
   * The first event of this source here was a startup banner that was not counted as a restart (nothing came
   * before it here): when this builder is merged after one that saw the source, it is a restart. Its node/host tags.
   */
  firstStartup?: { node?: string; host?: string };
}

function newBreakdown(): Breakdown {
  return { events: 0, goroutines: { samples: 0, first: null, last: null, max: null }, relayErrors: 0, timeouts: 0, panics: 0, crashes: 0, restarts: 0 };
}

/** Most tasks / nodes listed per breakdown. */
const MAX_TAGS = 100;

function addTo(b: Breakdown, e: GEvent, restart: boolean): void {
  b.events += 1;
  switch (e.kind) {
    case 'goroutine': {
      const g = b.goroutines;
      g.samples += 1;
      if (g.first === null) g.first = e.count;
      g.last = e.count;
      if (g.max === null || e.count > g.max) g.max = e.count;
      break;
    }
    case 'relay_error':
      b.relayErrors += 1;
      if (e.cause === 'timeout') b.timeouts += 1;
      break;
    case 'timeout':
      b.timeouts += 1;
      break;
    case 'panic':
      b.panics += 1;
      break;
    case 'crash':
      b.crashes += 1;
      break;
    case 'startup':
      if (restart) b.restarts += 1;
      break;
    default:
      break;
  }
  if (e.task !== undefined) {
    b.tasks ??= [];
    if (!b.tasks.includes(e.task) && b.tasks.length < MAX_TAGS) b.tasks.push(e.task);
  }
  if (e.node !== undefined) {
    b.nodes ??= [];
    if (!b.nodes.includes(e.node) && b.nodes.length < MAX_TAGS) b.nodes.push(e.node);
  }
  if (e.host !== undefined) b.host = e.host;
}

/** Builds a Summary from events in input order. `add` is O(1); `finish` sorts the small per-key tables. */
export class SummaryBuilder {
  private readonly counts = new Map<Kind, number>(KINDS.map((k) => [k, 0] as [Kind, number]));
  private gSamples = 0;
  private gMin: number | null = null;
  private gMax: number | null = null;
  private gMaxAt: string | null = null;
  private gLast: number | null = null;
  private gLastAt: string | null = null;
  private relayTotal = 0;
  private relayTimeouts = 0;
  private relayNoChannel = 0;
  private readonly byCause = new Map<string, number>();
  private readonly byChannel = new Map<number, ChannelErrors>();
  private restarts = 0;
  private readonly perSource = new Map<string, SourceState>();
  private readonly signatures = new Map<string, SignatureGroup>();
  private truncatedCrashes = 0;
  private from: string | null = null;
  private to: string | null = null;
  private readonly disabled = new Map<number, ChannelStateCount>();
  private readonly enabled = new Map<number, ChannelStateCount>();
  private readonly timeoutClasses = new Map<string, number>();
  private readonly versions = new Set<string>();
  private readonly perNode = new Map<string, Breakdown>();
  private readonly perHost = new Map<string, Breakdown>();

  add(e: GEvent): void {
    this.counts.set(e.kind, (this.counts.get(e.kind) ?? 0) + 1);
    const t = e.time;
    if (t !== null) {
      if (this.from === null || t < this.from) this.from = t;
      if (this.to === null || t > this.to) this.to = t;
    }
    let src = this.perSource.get(e.source);
    if (!src) {
      src = { seen: false, b: newBreakdown() };
      if (this.perSource.size < MAX_KEYS) this.perSource.set(e.source, src);
    }
    let restart = false;
    switch (e.kind) {
      case 'goroutine': {
        this.gSamples += 1;
        const n = e.count;
        if (this.gMin === null || n < this.gMin) this.gMin = n;
        if (this.gMax === null || n > this.gMax) {
          this.gMax = n;
          this.gMaxAt = t;
        }
        // "last" is the latest in time; input order breaks ties and covers records without a time.
        if (t === null || this.gLastAt === null || t >= this.gLastAt) {
          this.gLast = n;
          if (t !== null) this.gLastAt = t;
        }
        break;
      }
      case 'relay_error': {
        this.relayTotal += 1;
        const timeout = e.cause === 'timeout';
        if (timeout) this.relayTimeouts += 1;
        bump(this.byCause, e.cause);
        if (e.channel === null) {
          this.relayNoChannel += 1;
        } else {
          let c = this.byChannel.get(e.channel);
          if (!c && this.byChannel.size < MAX_KEYS) {
            c = { channel: e.channel, count: 0, timeouts: 0 };
            this.byChannel.set(e.channel, c);
          }
          if (c) {
            c.count += 1;
            if (timeout) c.timeouts += 1;
          } else {
            this.relayNoChannel += 1;
          }
        }
        break;
      }
      case 'panic':
      case 'crash': {
        if (e.kind === 'crash' && e.truncated) this.truncatedCrashes += 1;
        const key = `${e.kind}\u0000${e.signature}`;
        const g = this.signatures.get(key);
        if (g) {
          g.count += 1;
          if (t !== null) {
            if (g.firstAt === null || t < g.firstAt) g.firstAt = t;
            if (g.lastAt === null || t > g.lastAt) g.lastAt = t;
          }
        } else if (this.signatures.size < MAX_KEYS) {
          this.signatures.set(key, { signature: e.signature, kind: e.kind, count: 1, message: e.message, firstAt: t, lastAt: t });
        }
        break;
      }
      case 'startup':
        // The parser knows whether records (not only events) came first; without it, earlier events decide.
        if (e.restart ?? src.seen) {
          this.restarts += 1;
          restart = true;
        } else if (e.restart === undefined && src.b.events === 0) {
          src.firstStartup = { node: e.node, host: e.host };
        }
        if (e.version !== null && this.versions.size < 100) this.versions.add(e.version);
        break;
      case 'channel_disabled':
      case 'channel_enabled': {
        const table = e.kind === 'channel_disabled' ? this.disabled : this.enabled;
        let c = table.get(e.channel);
        if (!c && table.size < MAX_KEYS) {
          c = { channel: e.channel, count: 0, lastAt: null, lastReason: null };
          table.set(e.channel, c);
        }
        if (c) {
          c.count += 1;
          if (t !== null) c.lastAt = t;
          if (e.reason !== null) c.lastReason = e.reason;
        }
        break;
      }
      case 'timeout':
        bump(this.timeoutClasses, e.timeoutClass);
        break;
      default:
        break;
    }
    src.seen = true;
    addTo(src.b, e, restart);
    if (e.node !== undefined) addTo(tagged(this.perNode, e.node), e, restart);
    if (e.host !== undefined) addTo(tagged(this.perHost, e.host), e, restart);
  }

  /**
   * Folds in the builder of the events that came right AFTER this one's (the next byte range of a file scanned in
   * parallel, src/commands/scan-parallel.ts): the result is what one builder fed both streams of events in order
   * would hold. Counts add; min/max/first/last/from/to combine; a startup banner that opened a source in `later` is a
   * restart when this builder saw the source. `goroutines.last` is the later builder's unless its latest sample is
   * older than this one's (then this one's stands, as the sequential "latest in time, input order on ties" rule gives
   * when times run forward; samples without a time are taken in input order).
   */
  merge(later: SummaryBuilder): this {
    const o = later;
    for (const [k, n] of o.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + n);
    if (o.from !== null && (this.from === null || o.from < this.from)) this.from = o.from;
    if (o.to !== null && (this.to === null || o.to > this.to)) this.to = o.to;
    if (o.gSamples > 0) {
      this.gSamples += o.gSamples;
      if (this.gMin === null || (o.gMin !== null && o.gMin < this.gMin)) this.gMin = o.gMin;
      if (this.gMax === null || (o.gMax !== null && o.gMax > this.gMax)) {
        this.gMax = o.gMax;
        this.gMaxAt = o.gMaxAt;
      }
      if (o.gLastAt === null || this.gLastAt === null || o.gLastAt >= this.gLastAt) {
        this.gLast = o.gLast;
        if (o.gLastAt !== null) this.gLastAt = o.gLastAt;
      }
    }
    this.relayTotal += o.relayTotal;
    this.relayTimeouts += o.relayTimeouts;
    this.relayNoChannel += o.relayNoChannel;
    for (const [k, n] of o.byCause) this.byCause.set(k, (this.byCause.get(k) ?? 0) + n);
    for (const [ch, c] of o.byChannel) {
      const mine = this.byChannel.get(ch);
      if (mine) {
        mine.count += c.count;
        mine.timeouts += c.timeouts;
      } else if (this.byChannel.size < MAX_KEYS) this.byChannel.set(ch, { ...c });
      else this.relayNoChannel += c.count;
    }
    this.restarts += o.restarts;
    this.truncatedCrashes += o.truncatedCrashes;
    for (const [key, g] of o.signatures) {
      const mine = this.signatures.get(key);
      if (mine) {
        mine.count += g.count;
        if (g.firstAt !== null && (mine.firstAt === null || g.firstAt < mine.firstAt)) mine.firstAt = g.firstAt;
        if (g.lastAt !== null && (mine.lastAt === null || g.lastAt > mine.lastAt)) mine.lastAt = g.lastAt;
      } else if (this.signatures.size < MAX_KEYS) this.signatures.set(key, { ...g });
    }
    for (const [table, other] of [
      [this.disabled, o.disabled],
      [this.enabled, o.enabled],
    ] as const) {
      for (const [ch, c] of other) {
        const mine = table.get(ch);
        if (mine) {
          mine.count += c.count;
          if (c.lastAt !== null) mine.lastAt = c.lastAt;
          if (c.lastReason !== null) mine.lastReason = c.lastReason;
        } else if (table.size < MAX_KEYS) table.set(ch, { ...c });
      }
    }
    for (const [k, n] of o.timeoutClasses) this.timeoutClasses.set(k, (this.timeoutClasses.get(k) ?? 0) + n);
    for (const v of o.versions) if (this.versions.size < 100) this.versions.add(v);
    for (const [name, st] of o.perSource) {
      const mine = this.perSource.get(name);
      const restart = mine?.seen === true && st.firstStartup !== undefined;
      if (restart) {
        this.restarts += 1;
        st.b.restarts += 1;
        const { node, host } = st.firstStartup!;
        if (node !== undefined) bumpRestart(o.perNode, node);
        if (host !== undefined) bumpRestart(o.perHost, host);
      }
      if (mine) mergeBreakdown(mine.b, st.b);
      else if (this.perSource.size < MAX_KEYS) this.perSource.set(name, { seen: st.seen, b: st.b, firstStartup: st.firstStartup });
    }
    for (const [mine, other] of [
      [this.perNode, o.perNode],
      [this.perHost, o.perHost],
    ] as const) {
      for (const [k, b] of other) {
        const m = mine.get(k);
        if (m) mergeBreakdown(m, b);
        else if (mine.size < MAX_KEYS) mine.set(k, b);
      }
    }
    return this;
  }

  /** A builder sent through `postMessage` (a structured clone: own fields kept, the class lost) made whole again. */
  static revive(state: unknown): SummaryBuilder {
    return Object.assign(new SummaryBuilder(), state);
  }

  finish(stats: InputStats): Summary {
    const events = Object.fromEntries(KINDS.map((k) => [k, this.counts.get(k) ?? 0])) as Record<Kind, number>;
    const byChannel = [...this.byChannel.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => b.count - a.count || b.timeouts - a.timeouts || a.channel - b.channel);
    const signatures = [...this.signatures.values()]
      .map((g) => ({ ...g }))
      .sort((a, b) => b.count - a.count || cmpNullable(a.firstAt, b.firstAt) || cmp(a.signature, b.signature));
    const states = (m: Map<number, ChannelStateCount>) =>
      [...m.values()].map((c) => ({ ...c })).sort((a, b) => b.count - a.count || a.channel - b.channel);
    return {
      lines: stats.lines,
      events,
      goroutines: {
        samples: this.gSamples,
        min: this.gMin,
        max: this.gMax,
        last: this.gLast,
        maxAt: this.gMaxAt,
        lastAt: this.gLastAt,
      },
      relayErrors: {
        total: this.relayTotal,
        timeouts: this.relayTimeouts,
        byChannel,
        noChannel: this.relayNoChannel,
        byCause: sortedRecord(this.byCause),
      },
      retries: events.retry,
      restarts: this.restarts,
      panics: {
        recovered: events.panic,
        crashes: events.crash,
        signatures,
        truncatedCrashes: this.truncatedCrashes,
      },
      unparsed: stats.unparsed,
      oversized: stats.oversized,
      records: stats.records,
      from: this.from,
      to: this.to,
      sources: stats.sources.map((s) => ({ ...s })),
      channelsDisabled: states(this.disabled),
      channelsEnabled: states(this.enabled),
      timeouts: sortedRecord(this.timeoutClasses),
      versions: [...this.versions],
      bySource: breakdowns(new Map([...this.perSource].map(([k, v]) => [k, v.b]))),
      byNode: breakdowns(this.perNode),
      byHost: breakdowns(this.perHost),
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
    sources: a.sources.map((s) => ({ ...s })),
    hostsDown: [...(a.hostsDown ?? []), ...(b.hostsDown ?? [])],
  };
}

function bumpRestart(m: Map<string, Breakdown>, key: string): void {
  const b = m.get(key);
  if (b) b.restarts += 1;
}

/** `later`'s share folded into `b` (same rules as SummaryBuilder.merge). */
function mergeBreakdown(b: Breakdown, later: Breakdown): void {
  b.events += later.events;
  const g = b.goroutines;
  const lg = later.goroutines;
  g.samples += lg.samples;
  if (g.first === null) g.first = lg.first;
  if (lg.last !== null) g.last = lg.last;
  if (g.max === null || (lg.max !== null && lg.max > g.max)) g.max = lg.max;
  b.relayErrors += later.relayErrors;
  b.timeouts += later.timeouts;
  b.panics += later.panics;
  b.crashes += later.crashes;
  b.restarts += later.restarts;
  for (const t of later.tasks ?? []) {
    b.tasks ??= [];
    if (!b.tasks.includes(t) && b.tasks.length < MAX_TAGS) b.tasks.push(t);
  }
  for (const n of later.nodes ?? []) {
    b.nodes ??= [];
    if (!b.nodes.includes(n) && b.nodes.length < MAX_TAGS) b.nodes.push(n);
  }
  if (later.host !== undefined) b.host = later.host;
}

function tagged(m: Map<string, Breakdown>, key: string): Breakdown {
  let b = m.get(key);
  if (!b) {
    b = newBreakdown();
    if (m.size < MAX_KEYS) m.set(key, b);
  }
  return b;
}

/** Sorted by key, deep copies (the `tasks` / `nodes` lists included). */
function breakdowns(m: Map<string, Breakdown>): Record<string, Breakdown> {
  return Object.fromEntries(
    [...m.entries()]
      .sort((a, b) => cmp(a[0], b[0]))
      .map(([k, b]) => {
        const c: Breakdown = { ...b, goroutines: { ...b.goroutines } };
        if (b.tasks) c.tasks = [...b.tasks];
        if (b.nodes) c.nodes = [...b.nodes];
        return [k, c];
      }),
  );
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Earlier first; null (no time) last. */
function cmpNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return cmp(a, b);
}

/** Count desc, then key, as a plain object (JSON keeps insertion order). */
function sortedRecord(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])));
}
