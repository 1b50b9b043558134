// Events of several sources in time order, with bounded memory (docs/sources.md, "Time order"). Each source is a lane whose
// events come roughly in time order (stdout and stderr, or the tasks of a service, can be a little out of order:
// a lane keeps its queue sorted by insertion from the back). The oldest head is released as soon as every open lane
// has something queued, so the output never waits longer than the slowest lane. Two bounds keep it from waiting
// forever: at most `maxBuffered` events are held (then the oldest goes out even if a lane is silent), and with
// `windowMs` (following) nothing is held longer than that in wall time.

export interface MergeOptions<T> {
  /** Epoch ms of an event, or null (it then takes the time of the lane's previous event). */
  timeOf: (e: T) => number | null;
  /** Most events held across all lanes. */
  maxBuffered?: number;
  /** Following: release everything held at most this long after it arrived (wall time). Off when undefined. */
  windowMs?: number;
}

/** Default bound: ~10k events of ~0.5 KB each, a few MB whatever the number of sources. */
export const MERGE_MAX_BUFFERED = 10_000;
/** Default wall-time reorder window when following. */
export const MERGE_FOLLOW_WINDOW_MS = 1_000;

interface Held<T> {
  t: number;
  e: T;
}

class Lane<T> {
  q: Held<T>[] = [];
  head = 0;
  open = true;
  last = -Infinity;

  get size(): number {
    return this.q.length - this.head;
  }

  insert(h: Held<T>): void {
    const q = this.q;
    let i = q.length;
    // Usually in order: one comparison. Out of order: walk back to its place (stable for equal times).
    while (i > this.head && q[i - 1]!.t > h.t) i--;
    if (i === q.length) q.push(h);
    else q.splice(i, 0, h);
  }

  shift(): Held<T> {
    const h = this.q[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
    return h;
  }
}

export class TimeMerge<T> {
  private readonly lanes: Lane<T>[];
  private buffered = 0;
  private readonly max: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    lanes: number,
    private readonly out: (e: T) => void,
    private readonly opts: MergeOptions<T>,
  ) {
    this.lanes = Array.from({ length: lanes }, () => new Lane<T>());
    this.max = opts.maxBuffered ?? MERGE_MAX_BUFFERED;
  }

  /** A new lane (a replica seen for the first time in a service's stream); returns its number. */
  addLane(): number {
    this.lanes.push(new Lane<T>());
    return this.lanes.length - 1;
  }

  /** Events currently held. */
  get held(): number {
    return this.buffered;
  }

  push(lane: number, e: T): void {
    const l = this.lanes[lane]!;
    const t0 = this.opts.timeOf(e);
    const t = t0 ?? l.last;
    if (t0 !== null && t0 > l.last) l.last = t0;
    l.insert({ t, e });
    this.buffered++;
    this.release(false);
    if (this.opts.windowMs !== undefined && this.buffered > 0 && this.timer === undefined) {
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

  private release(all: boolean): void {
    for (;;) {
      if (this.buffered === 0) return;
      let best: Lane<T> | undefined;
      let waiting = false;
      for (const l of this.lanes) {
        if (l.size === 0) {
          if (l.open) waiting = true;
          continue;
        }
        if (!best || l.q[l.head]!.t < best.q[best.head]!.t) best = l;
      }
      if (!best) return;
      if (waiting && !all && this.buffered <= this.max) return;
      this.buffered--;
      this.out(best.shift().e);
    }
  }
}
