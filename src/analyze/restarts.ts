// What a restart is, in one place (docs/review.md "Restarts"): a startup banner after earlier records of the same
// source. The first banner of a source's input is its start, not a restart; a crash is not a restart (the banner
// that follows it is). The parser marks each banner (`StartupEvent.restart`, it sees every record, not only
// events); producers that cannot tell leave it out, and then an earlier event of the same source decides.
// Docker's own RestartCount is another fact (it counts the restarts Docker made, since the container was created)
// and is shown beside this one under its own name, never instead of it. Pure.
import type { GEvent, StartupEvent } from '../events.js';

/** True when the banner is a restart; `seenBefore`: an event of the same source came before it. */
export function isRestart(e: StartupEvent, seenBefore: boolean): boolean {
  return e.restart ?? seenBefore;
}

/** `One API v1.9.2 started`. */
export function restartDetail(e: StartupEvent): string {
  return `${e.product}${e.version ? ` ${e.version}` : ''} started`;
}

/** Bound on the sources remembered (hostile input cannot grow it without limit). */
const MAX_SOURCES = 10_000;

/** A banner that opened a source in a later part of the input, with its fleet tags. */
export interface OpenedByBanner {
  source: string;
  node?: string;
  host?: string;
}

/**
 * Counts restarts in events of any number of sources, in input order; `decide` says for each event whether it is
 * one. `merge` folds in the counter of the events that came right after (the next byte range of one file, scanned in
 * parallel): a banner that opened a source there is a restart when this counter saw the source. Plain data only, so
 * a counter sent through `postMessage` is made whole again by Object.assign.
 */
export class RestartCounter {
  count = 0;
  seen = new Set<string>();
  /** Sources whose first event here was a banner not counted (nothing came before it here), with its tags. */
  openedByBanner = new Map<string, { node?: string; host?: string }>();

  /** Feeds one event; true when it is a restart. */
  decide(e: GEvent): boolean {
    const before = this.seen.has(e.source);
    if (!before && this.seen.size < MAX_SOURCES) this.seen.add(e.source);
    if (e.kind !== 'startup') return false;
    if (isRestart(e, before)) {
      this.count++;
      return true;
    }
    if (!before) this.openedByBanner.set(e.source, { node: e.node, host: e.host });
    return false;
  }

  /** The banners that opened a source in `later` and are restarts here (this counter saw the source). */
  restartedIn(later: RestartCounter): OpenedByBanner[] {
    const out: OpenedByBanner[] = [];
    for (const [source, tags] of later.openedByBanner) if (this.seen.has(source)) out.push({ source, ...tags });
    return out;
  }

  merge(later: RestartCounter, restarted: readonly OpenedByBanner[]): void {
    this.count += later.count + restarted.length;
    for (const [s, tags] of later.openedByBanner) if (!this.seen.has(s) && !this.openedByBanner.has(s)) this.openedByBanner.set(s, tags);
    for (const s of later.seen) if (this.seen.size < MAX_SOURCES) this.seen.add(s);
  }
}
