// The metrics of the scan summary (src/analyze/summary.ts), one object each: `add` takes an event, `merge` folds in
// the part of the events that came right after (the next byte range of a file scanned in parallel), `finish` gives
// its share of the Summary. Every part holds plain data only (numbers, Maps, Sets), so a part sent through
// `postMessage` is made whole again by Object.assign onto a new one. State grows with the distinct channels,
// signatures and sources (each bounded by MAX_KEYS), never with the number of events. Pure.
import { KINDS, type ChannelStateEvent, type GEvent, type GoroutineEvent, type Kind, type RelayErrorEvent } from '../events.js';
import type { OpenedByBanner } from './restarts.js';
import type { Breakdown, ChannelErrors, ChannelStateCount, SignatureGroup, Summary } from './summary-types.js';

/** Bounds on what a part keeps per distinct key, so hostile input cannot grow it without limit. */
export const MAX_KEYS = 10_000;
/** Most tasks / nodes listed per breakdown. */
const MAX_TAGS = 100;

/**
 * What `add` knows besides the event: whether it is a restart (decided once, by the Restarts part), and the fields
 * every event has, read once per event by the builder (an event of each kind has a shape of its own: read from the
 * event, each is a lookup by name in every part that wants it).
 */
export interface AddContext {
  restart: boolean;
  kind: Kind;
  time: string | null;
  source: string;
  task: string | undefined;
  node: string | undefined;
  host: string | undefined;
}

/** What `merge` knows besides the later part: banners that opened a source there and are restarts here. */
export interface MergeContext {
  restartedSources: readonly OpenedByBanner[];
}

export interface Part {
  /** The kinds of event `add` looks at (absent: every kind); the builder hands it no other. */
  readonly kinds?: readonly Kind[];
  add(e: GEvent, ctx: AddContext): void;
  merge(later: this, ctx: MergeContext): void;
  finish(into: Partial<Summary>): void;
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

function bump(m: Map<string, number>, key: string, n = 1): void {
  m.set(key, (m.get(key) ?? 0) + n);
}

/** Count desc, then key, as a plain object (JSON keeps insertion order). */
function sortedRecord(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])));
}

/** Events per kind (and retries, recovered panics and crashes, which are kinds too). */
export class KindCounts implements Part {
  counts = new Map<Kind, number>(KINDS.map((k) => [k, 0] as [Kind, number]));
  add(_e: GEvent, ctx: AddContext): void {
    const k = ctx.kind;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  merge(o: KindCounts): void {
    for (const [k, n] of o.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + n);
  }
  finish(into: Partial<Summary>): void {
    into.events = Object.fromEntries(KINDS.map((k) => [k, this.counts.get(k) ?? 0])) as Record<Kind, number>;
    into.retries = into.events.retry;
  }
}

/** Earliest and latest event time. */
export class TimeSpan implements Part {
  from: string | null = null;
  to: string | null = null;
  add(_e: GEvent, ctx: AddContext): void {
    const t = ctx.time;
    if (t === null) return;
    if (this.from === null || t < this.from) this.from = t;
    if (this.to === null || t > this.to) this.to = t;
  }
  merge(o: TimeSpan): void {
    if (o.from !== null && (this.from === null || o.from < this.from)) this.from = o.from;
    if (o.to !== null && (this.to === null || o.to > this.to)) this.to = o.to;
  }
  finish(into: Partial<Summary>): void {
    into.from = this.from;
    into.to = this.to;
  }
}

/** Goroutine samples: count, min, max (when first reached), last (latest in time; input order on ties). */
export class Goroutines implements Part {
  readonly kinds: readonly Kind[] = ['goroutine'];
  samples = 0;
  min: number | null = null;
  max: number | null = null;
  maxAt: string | null = null;
  last: number | null = null;
  lastAt: string | null = null;
  add(e: GEvent): void {
    if (e.kind !== 'goroutine') return;
    const t = e.time;
    this.samples++;
    if (this.min === null || e.count < this.min) this.min = e.count;
    if (this.max === null || e.count > this.max) {
      this.max = e.count;
      this.maxAt = t;
    }
    if (t === null || this.lastAt === null || t >= this.lastAt) {
      this.last = e.count;
      if (t !== null) this.lastAt = t;
    }
  }
  /** `last` is the later part's unless its latest sample is older than this one's. */
  merge(o: Goroutines): void {
    if (o.samples === 0) return;
    this.samples += o.samples;
    if (this.min === null || (o.min !== null && o.min < this.min)) this.min = o.min;
    if (this.max === null || (o.max !== null && o.max > this.max)) {
      this.max = o.max;
      this.maxAt = o.maxAt;
    }
    if (o.lastAt === null || this.lastAt === null || o.lastAt >= this.lastAt) {
      this.last = o.last;
      if (o.lastAt !== null) this.lastAt = o.lastAt;
    }
  }
  finish(into: Partial<Summary>): void {
    into.goroutines = { samples: this.samples, min: this.min, max: this.max, last: this.last, maxAt: this.maxAt, lastAt: this.lastAt };
  }
}

/** Relay errors: total, timeouts, per channel (bounded), without a channel, per cause. */
export class RelayErrors implements Part {
  readonly kinds: readonly Kind[] = ['relay_error'];
  total = 0;
  timeouts = 0;
  noChannel = 0;
  byCause = new Map<string, number>();
  byChannel = new Map<number, ChannelErrors>();
  add(e: GEvent): void {
    if (e.kind !== 'relay_error') return;
    this.total++;
    const timeout = e.cause === 'timeout';
    if (timeout) this.timeouts++;
    bump(this.byCause, e.cause);
    let c = e.channel === null ? undefined : this.byChannel.get(e.channel);
    if (e.channel !== null && !c && this.byChannel.size < MAX_KEYS) this.byChannel.set(e.channel, (c = { channel: e.channel, count: 0, timeouts: 0 }));
    if (!c) {
      this.noChannel++;
      return;
    }
    c.count++;
    if (timeout) c.timeouts++;
  }
  merge(o: RelayErrors): void {
    this.total += o.total;
    this.timeouts += o.timeouts;
    this.noChannel += o.noChannel;
    for (const [k, n] of o.byCause) bump(this.byCause, k, n);
    for (const [ch, c] of o.byChannel) {
      const mine = this.byChannel.get(ch);
      if (mine) {
        mine.count += c.count;
        mine.timeouts += c.timeouts;
      } else if (this.byChannel.size < MAX_KEYS) this.byChannel.set(ch, { ...c });
      else this.noChannel += c.count;
    }
  }
  finish(into: Partial<Summary>): void {
    const byChannel = [...this.byChannel.values()].map((c) => ({ ...c })).sort((a, b) => b.count - a.count || b.timeouts - a.timeouts || a.channel - b.channel);
    into.relayErrors = { total: this.total, timeouts: this.timeouts, byChannel, noChannel: this.noChannel, byCause: sortedRecord(this.byCause) };
  }
}

/** Panics and crashes by signature (count, first and last time, message of the first), and truncated crashes. */
export class Signatures implements Part {
  readonly kinds: readonly Kind[] = ['panic', 'crash'];
  groups = new Map<string, SignatureGroup>();
  truncated = 0;
  recovered = 0;
  crashes = 0;
  add(e: GEvent): void {
    if (e.kind !== 'panic' && e.kind !== 'crash') return;
    if (e.kind === 'crash') {
      this.crashes++;
      if (e.truncated) this.truncated++;
    } else this.recovered++;
    const t = e.time;
    const key = `${e.kind}\u0000${e.signature}`;
    const g = this.groups.get(key);
    if (g) {
      g.count++;
      if (t !== null) {
        if (g.firstAt === null || t < g.firstAt) g.firstAt = t;
        if (g.lastAt === null || t > g.lastAt) g.lastAt = t;
      }
    } else if (this.groups.size < MAX_KEYS) this.groups.set(key, { signature: e.signature, kind: e.kind, count: 1, message: e.message, firstAt: t, lastAt: t });
  }
  merge(o: Signatures): void {
    this.truncated += o.truncated;
    this.recovered += o.recovered;
    this.crashes += o.crashes;
    for (const [key, g] of o.groups) {
      const mine = this.groups.get(key);
      if (mine) {
        mine.count += g.count;
        if (g.firstAt !== null && (mine.firstAt === null || g.firstAt < mine.firstAt)) mine.firstAt = g.firstAt;
        if (g.lastAt !== null && (mine.lastAt === null || g.lastAt > mine.lastAt)) mine.lastAt = g.lastAt;
      } else if (this.groups.size < MAX_KEYS) this.groups.set(key, { ...g });
    }
  }
  finish(into: Partial<Summary>): void {
    const signatures = [...this.groups.values()].map((g) => ({ ...g })).sort((a, b) => b.count - a.count || cmpNullable(a.firstAt, b.firstAt) || cmp(a.signature, b.signature));
    into.panics = { recovered: this.recovered, crashes: this.crashes, signatures, truncatedCrashes: this.truncated };
  }
}

/** `channel #N has been disabled` (or enabled) lines per channel: count, last time, last reason. */
export class ChannelStates implements Part {
  table = new Map<number, ChannelStateCount>();
  constructor(public kind: 'channel_disabled' | 'channel_enabled' = 'channel_disabled') {}
  get kinds(): readonly Kind[] {
    return [this.kind];
  }
  add(e: GEvent): void {
    if (e.kind !== this.kind) return;
    const ce = e as ChannelStateEvent;
    let c = this.table.get(ce.channel);
    if (!c && this.table.size < MAX_KEYS) this.table.set(ce.channel, (c = { channel: ce.channel, count: 0, lastAt: null, lastReason: null }));
    if (!c) return;
    c.count++;
    if (e.time !== null) c.lastAt = e.time;
    if (ce.reason !== null) c.lastReason = ce.reason;
  }
  merge(o: ChannelStates): void {
    for (const [ch, c] of o.table) {
      const mine = this.table.get(ch);
      if (mine) {
        mine.count += c.count;
        if (c.lastAt !== null) mine.lastAt = c.lastAt;
        if (c.lastReason !== null) mine.lastReason = c.lastReason;
      } else if (this.table.size < MAX_KEYS) this.table.set(ch, { ...c });
    }
  }
  finish(into: Partial<Summary>): void {
    const rows = [...this.table.values()].map((c) => ({ ...c })).sort((a, b) => b.count - a.count || a.channel - b.channel);
    if (this.kind === 'channel_disabled') into.channelsDisabled = rows;
    else into.channelsEnabled = rows;
  }
}

/** `timeout` events (timeouts outside relay errors) by class. */
export class TimeoutClasses implements Part {
  readonly kinds: readonly Kind[] = ['timeout'];
  classes = new Map<string, number>();
  add(e: GEvent): void {
    if (e.kind === 'timeout') bump(this.classes, e.timeoutClass);
  }
  merge(o: TimeoutClasses): void {
    for (const [k, n] of o.classes) bump(this.classes, k, n);
  }
  finish(into: Partial<Summary>): void {
    into.timeouts = sortedRecord(this.classes);
  }
}

/** Versions seen in startup banners, in order of first appearance. */
export class Versions implements Part {
  readonly kinds: readonly Kind[] = ['startup'];
  versions = new Set<string>();
  add(e: GEvent): void {
    if (e.kind === 'startup' && e.version !== null && this.versions.size < 100) this.versions.add(e.version);
  }
  merge(o: Versions): void {
    for (const v of o.versions) if (this.versions.size < 100) this.versions.add(v);
  }
  finish(into: Partial<Summary>): void {
    into.versions = [...this.versions];
  }
}

function newBreakdown(): Breakdown {
  return { events: 0, goroutines: { samples: 0, first: null, last: null, max: null }, relayErrors: 0, timeouts: 0, panics: 0, crashes: 0, restarts: 0 };
}

function addTags(b: Breakdown, tasks: readonly string[] | undefined, nodes: readonly string[] | undefined, host: string | undefined): void {
  for (const t of tasks ?? []) {
    b.tasks ??= [];
    if (!b.tasks.includes(t) && b.tasks.length < MAX_TAGS) b.tasks.push(t);
  }
  for (const n of nodes ?? []) {
    b.nodes ??= [];
    if (!b.nodes.includes(n) && b.nodes.length < MAX_TAGS) b.nodes.push(n);
  }
  if (host !== undefined) b.host = host;
}

/** One breakdown per source, Swarm node or Docker host (README "fleet"), keyed by the event's field. */
export class Breakdowns implements Part {
  table = new Map<string, Breakdown>();
  constructor(public key: 'source' | 'node' | 'host' = 'source') {}
  add(e: GEvent, ctx: AddContext): void {
    const k = this.key === 'source' ? ctx.source : this.key === 'node' ? ctx.node : ctx.host;
    if (k === undefined) return;
    let b = this.table.get(k);
    if (!b) {
      b = newBreakdown();
      if (this.table.size < MAX_KEYS) this.table.set(k, b);
    }
    b.events++;
    switch (ctx.kind) {
      case 'goroutine': {
        const count = (e as GoroutineEvent).count;
        const g = b.goroutines;
        g.samples++;
        if (g.first === null) g.first = count;
        g.last = count;
        if (g.max === null || count > g.max) g.max = count;
        break;
      }
      case 'relay_error':
        b.relayErrors++;
        if ((e as RelayErrorEvent).cause === 'timeout') b.timeouts++;
        break;
      case 'timeout':
        b.timeouts++;
        break;
      case 'panic':
        b.panics++;
        break;
      case 'crash':
        b.crashes++;
        break;
      case 'startup':
        if (ctx.restart) b.restarts++;
        break;
      default:
        break;
    }
    if (ctx.task !== undefined || ctx.node !== undefined || ctx.host !== undefined) {
      addTags(b, ctx.task === undefined ? undefined : [ctx.task], ctx.node === undefined ? undefined : [ctx.node], ctx.host);
    }
  }
  merge(o: Breakdowns, ctx: MergeContext): void {
    // A banner that opened a source in the later part and is a restart here counts for its source, node and host.
    for (const r of ctx.restartedSources) {
      const k = this.key === 'source' ? r.source : this.key === 'node' ? r.node : r.host;
      const b = k === undefined ? undefined : o.table.get(k);
      if (b) b.restarts++;
    }
    for (const [k, later] of o.table) {
      const b = this.table.get(k);
      if (!b) {
        if (this.table.size < MAX_KEYS) this.table.set(k, later);
        continue;
      }
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
      addTags(b, later.tasks, later.nodes, later.host);
    }
  }
  finish(into: Partial<Summary>): void {
    const rows = Object.fromEntries(
      [...this.table.entries()]
        .sort((a, b) => cmp(a[0], b[0]))
        .map(([k, b]) => {
          const c: Breakdown = { ...b, goroutines: { ...b.goroutines } };
          if (b.tasks) c.tasks = [...b.tasks];
          if (b.nodes) c.nodes = [...b.nodes];
          return [k, c];
        }),
    );
    if (this.key === 'source') into.bySource = rows;
    else if (this.key === 'node') into.byNode = rows;
    else into.byHost = rows;
  }
}
