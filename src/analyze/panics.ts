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

export function groupPanics(events: readonly GEvent[]): PanicGroup[] {
  const groups = new Map<string, PanicGroup>();
  for (const e of events) {
    if (e.kind !== 'panic' && e.kind !== 'crash') continue;
    const ev = e as PanicEvent | CrashEvent;
    const kind = ev.kind;
    const sig = ev.signature || ev.message;
    const key = `${kind}\u0000${sig}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        signature: sig,
        kind,
        count: 0,
        message: ev.message,
        topFrame: topFrame(ev.frames),
        firstSeen: ev.time,
        lastSeen: ev.time,
        sampleFrames: ev.frames.slice(0, 30),
      };
      if (ev.kind === 'panic') {
        g.recoveredBy = ev.recoveredBy;
        if (ev.request) g.request = ev.request;
      }
      groups.set(key, g);
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
  return [...groups.values()].sort((a, b) => b.count - a.count || (a.firstSeen ?? '').localeCompare(b.firstSeen ?? ''));
}
