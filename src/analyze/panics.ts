// Panics and crashes grouped by signature (the same bug always has the same signature). Pure.
import type { CrashEvent, GEvent, PanicEvent } from '../events.js';

export interface PanicGroup {
  signature: string;
  /** `panic` (recovered) or `crash` (the process died). */
  kind: 'panic' | 'crash';
  count: number;
  message: string;
  /** The first frame that is the application's own code (not the runtime, debug.Stack, or a recover handler). */
  topFrame: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Frames of one occurrence, innermost first. */
  sampleFrames: string[];
  /** Where the recovered panics were caught. */
  recoveredBy?: PanicEvent['recoveredBy'];
  request?: string;
}

// Frames that belong to the machinery of panicking and recovering, not to the bug:
// `runtime.gopanic`, `panic`, `runtime/debug.Stack`, `…middleware.RelayPanicRecover.func1.1`, `gin.CustomRecoveryWithWriter.func1`.
const MACHINERY = /^(runtime[./]|panic$|panic\(|runtime\/debug\.|.*[Rr]ecover(y|WithWriter)?\b|.*\.RelayPanicRecover|.*CustomRecovery)/;

export function topFrame(frames: readonly string[]): string | null {
  return frames.find((f) => !MACHINERY.test(f)) ?? frames[0] ?? null;
}

/** Most signatures kept (hostile input cannot grow the table without limit). */
export const MAX_SIGNATURES = 10_000;

/** Panics and crashes grouped by signature, one event at a time: {add, merge, finish}. */
export class PanicGroups {
  private readonly groups = new Map<string, PanicGroup>();

  add(e: GEvent): void {
    if (e.kind !== 'panic' && e.kind !== 'crash') return;
    const ev = e as PanicEvent | CrashEvent;
    const sig = ev.signature || ev.message;
    const key = `${ev.kind}\u0000${sig}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= MAX_SIGNATURES) return;
      g = { signature: sig, kind: ev.kind, count: 0, message: ev.message, topFrame: topFrame(ev.frames), firstSeen: ev.time, lastSeen: ev.time, sampleFrames: ev.frames.slice(0, 30) };
      if (ev.kind === 'panic') {
        g.recoveredBy = ev.recoveredBy;
        if (ev.request) g.request = ev.request;
      }
      this.groups.set(key, g);
    }
    g.count++;
    if (ev.time) {
      if (g.firstSeen === null || ev.time < g.firstSeen) g.firstSeen = ev.time;
      if (g.lastSeen === null || ev.time > g.lastSeen) g.lastSeen = ev.time;
    }
    if (g.sampleFrames.length === 0 && ev.frames.length > 0) {
      g.sampleFrames = ev.frames.slice(0, 30);
      g.topFrame = topFrame(ev.frames);
    }
  }

  /** Folds in the groups of the events that came after this one's. */
  merge(later: PanicGroups): void {
    for (const [key, o] of later.groups) {
      const g = this.groups.get(key);
      if (!g) {
        if (this.groups.size < MAX_SIGNATURES) this.groups.set(key, { ...o, sampleFrames: [...o.sampleFrames] });
        continue;
      }
      g.count += o.count;
      if (o.firstSeen !== null && (g.firstSeen === null || o.firstSeen < g.firstSeen)) g.firstSeen = o.firstSeen;
      if (o.lastSeen !== null && (g.lastSeen === null || o.lastSeen > g.lastSeen)) g.lastSeen = o.lastSeen;
      if (g.sampleFrames.length === 0 && o.sampleFrames.length > 0) {
        g.sampleFrames = [...o.sampleFrames];
        g.topFrame = o.topFrame;
      }
    }
  }

  /** Most frequent first, then the earliest seen. */
  finish(): PanicGroup[] {
    return [...this.groups.values()].map((g) => ({ ...g, sampleFrames: [...g.sampleFrames] })).sort((a, b) => b.count - a.count || (a.firstSeen ?? '\uffff').localeCompare(b.firstSeen ?? '\uffff') || a.signature.localeCompare(b.signature));
  }
}

export function groupPanics(events: Iterable<GEvent>): PanicGroup[] {
  const g = new PanicGroups();
  for (const e of events) g.add(e);
  return g.finish();
}
