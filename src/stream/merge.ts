// Events of several lanes in time order, with bounded memory (docs/sources.md, "Time order"; docs/architecture.md).
//
// A lane is a producer of events: a source, whose stdout and stderr records, Swarm tasks or bundle streams come out
// of the parser in roughly, not exactly, time order (a record stays open on one stream until that stream's next
// line arrives, a recovered panic is assembled from several records). Every event held goes into one heap ordered by
// time. The oldest is released once no open lane can still produce an older one: each lane has a frontier, a lower
// bound on the times of the events it will push from now on. By default that is the latest time the lane pushed
// (a lane in order); a lane that knows better (the pipeline: the oldest record still open, the oldest panic still
// being assembled, the newest line read minus the skew Docker allows between streams) passes its own.
//
// Events of the same time leave by lane, then by `rankOf` (the pipeline: stderr before stdout), then in the order they
// came; a lane whose frontier sits just below a millisecond (the pipeline's: half a millisecond under an open record)
// holds every event of that millisecond together, so reading a container and reading its bundle, whose lines come in
// other interleavings, give the same order.
//
// Two bounds keep it from waiting forever: at most `maxBuffered` events are held (then the oldest goes out even if a
// lane is silent), and with `windowMs` (following) nothing is held longer than that in wall time.

export interface MergeOptions<T> {
  /** Epoch ms of an event, or null (it then takes the time of the lane's previous event). */
  timeOf: (e: T) => number | null;
  /** Most events held across all lanes. */
  maxBuffered?: number;
  /** Following: release everything held at most this long after it arrived (wall time). Off when undefined. */
  windowMs?: number;
  /** Of two events of the same time and lane, the lower rank leaves first (default: the order they came). */
  rankOf?: (e: T) => number;
}

/**
 * A lane's lower bound on the times of its future events, given the latest time it pushed (-Infinity before its
 * first event). -Infinity holds everything back until the lane ends (a Swarm service, whose tasks come in the
 * daemon's order).
 */
export type Frontier = (lastPushed: number) => number;

/** Default bound: ~10k events of ~0.5 KB each, a few MB whatever the number of sources. */
export const MERGE_MAX_BUFFERED = 10_000;
/** Default wall-time reorder window when following. */
export const MERGE_FOLLOW_WINDOW_MS = 1_000;

interface Held<T> {
  t: number;
  lane: number;
  rank: number;
  seq: number;
  e: T;
}

interface Lane {
  open: boolean;
  /** Latest time pushed. */
  last: number;
  frontier: Frontier | undefined;
  /** The frontier as last computed (lanes move on between their events: recomputed when it holds things back). */
  bound: number;
}

/** Binary min-heap on (t, lane, rank, seq). */
class Heap<T> {
  private readonly a: Held<T>[] = [];

  get size(): number {
    return this.a.length;
  }

  peek(): Held<T> | undefined {
    return this.a[0];
  }

  push(h: Held<T>): void {
    const a = this.a;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = h;
  }

  pop(): Held<T> {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && before(a[r]!, a[l]!) ? r : l;
        if (!before(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

function before<T>(x: Held<T>, y: Held<T>): boolean {
  if (x.t !== y.t) return x.t < y.t;
  if (x.lane !== y.lane) return x.lane < y.lane;
  if (x.rank !== y.rank) return x.rank < y.rank;
  return x.seq < y.seq;
}

export class TimeMerge<T> {
  private readonly lanes: Lane[] = [];
  private readonly heap = new Heap<T>();
  private seq = 0;
  private readonly max: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    lanes: number,
    private readonly out: (e: T) => void,
    private readonly opts: MergeOptions<T>,
  ) {
    for (let i = 0; i < lanes; i++) this.addLane();
    this.max = opts.maxBuffered ?? MERGE_MAX_BUFFERED;
  }

  /** A new lane (with its own frontier, else "in order"); returns its number. */
  addLane(frontier?: Frontier): number {
    this.lanes.push({ open: true, last: -Infinity, frontier, bound: -Infinity });
    return this.lanes.length - 1;
  }

  /** Gives lane `lane` its own frontier. */
  setFrontier(lane: number, frontier: Frontier): void {
    this.lanes[lane]!.frontier = frontier;
  }

  /** Events currently held. */
  get held(): number {
    return this.heap.size;
  }

  push(lane: number, e: T): void {
    const l = this.lanes[lane]!;
    const t0 = this.opts.timeOf(e);
    const t = t0 ?? l.last;
    if (t0 !== null && t0 > l.last) l.last = t0;
    this.heap.push({ t, lane, rank: this.opts.rankOf === undefined ? 0 : this.opts.rankOf(e), seq: this.seq++, e });
    l.bound = boundOf(l);
    this.release(false);
    if (this.opts.windowMs !== undefined && this.heap.size > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.release(true);
      }, this.opts.windowMs);
      this.timer.unref?.();
    }
  }

  /** The lane has no more events. */
  end(lane: number): void {
    this.lanes[lane]!.open = false;
    this.release(false);
  }

  /** Release everything held, in time order (end of input, or an abort). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.release(true);
  }

  /** The lowest frontier of the open lanes; `fresh` recomputes every lane's first. */
  private floor(fresh: boolean): number {
    let min = Infinity;
    for (const l of this.lanes) {
      if (!l.open) continue;
      if (fresh) l.bound = boundOf(l);
      if (l.bound < min) min = l.bound;
    }
    return min;
  }

  private release(all: boolean): void {
    const heap = this.heap;
    if (heap.size === 0) return;
    if (!all) {
      let floor = this.floor(false);
      if (heap.peek()!.t > floor) floor = this.floor(true);
      while (heap.size > 0 && heap.peek()!.t <= floor) this.out(heap.pop().e);
    }
    // Over the bound (or flushing): the oldest go out whatever the silent lanes may still bring.
    const keep = all ? 0 : this.max;
    while (heap.size > keep) this.out(heap.pop().e);
  }
}

function boundOf(l: Lane): number {
  return l.frontier ? l.frontier(l.last) : l.last;
}
