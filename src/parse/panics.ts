// Relay-panic assembly. One API's relay panic handler (`RelayPanicRecover`, v0.6.2 →) writes one panic as four
// records of the same stream that share a request id, and other records (the `[GIN]` 500 line, other requests) may
// come between them; a `[SYS] panic detected` of new-api repeats the gin `[Recovery]` dump just before it. This file
// joins the parts into one `panic` event. It is a state machine per key (source, stream, request id):
//
//   (none)        `…| <rid> | panic detected: <value>`                         → DETECTED
//                 e.g. `[ERROR] 2025/02/21 - 19:50:03 | 2025022119500312345678987654321 | middleware/recover.go:17 [1] panic detected: runtime error: …`
//                 RE: the message starts with `panic detected: ` (message.ts); no request id → emitted alone, unless it
//                 repeats the gin `[Recovery]` dump of the last GIN_ECHO_RECORDS records of its stream (then dropped)
//   (none)        `…| <rid> | stacktrace from panic: goroutine 2087 [running]:` + stack lines → STACK
//                 (the handler's writes can reach the log out of order when stdout and stderr interleave)
//   DETECTED      `stacktrace from panic: …`                                   → COMPLETE (frames from the stack lines)
//   STACK         `panic detected: <value>`                                    → COMPLETE (message filled in)
//   DETECTED      `panic detected: …` again with the same key                  → emits the old panic, DETECTED anew
//   any open      `…| <rid> | request: POST /v1/chat/completions`              → same state, `request` set
//   any open      `…| <rid> | request body: {…}` (the handler's last write)     → emitted
//   any open      PENDING_MAX_RECORDS more records of its stream               → emitted as it is
//   any open      end of input / `flush()` (a follow gone quiet)               → emitted as it is
//
// The gin side: `recordGinPanic` remembers the value of the last `[Recovery]` dump per stream for GIN_ECHO_RECORDS
// records, so that new-api's `[SYS] panic detected: <same value>` right after it is not counted twice.
import type { GEvent, PanicEvent } from '../events.js';
import type { LogRecord } from '../stream/types.js';
import { rawText, type PanicParts, type RecordContext } from './context.js';
import { extractFrames, panicSignature } from './stack.js';
import { cap } from './text.js';

/** A panic waits at most this many records of its stream for its remaining parts. */
export const PENDING_MAX_RECORDS = 64;
/** new-api logs `[SYS] panic detected: X` right after gin's dump of the same panic; within this many records it is the same panic. */
export const GIN_ECHO_RECORDS = 8;

/** A panic being assembled from its parts. `detected`: its `panic detected` part has been seen (DETECTED or COMPLETE). */
interface Pending {
  key: string;
  streamKey: string;
  /** Records of the same stream seen since; the panic is emitted when this passes PENDING_MAX_RECORDS. */
  seen: number;
  event: PanicEvent;
  detected: boolean;
}

export class RelayPanics implements PanicParts {
  private readonly pending = new Map<string, Pending>();
  /** Per stream: the value of the last gin `[Recovery]` panic and how many records ago it was. */
  private readonly lastGin = new Map<string, { message: string; ago: number }>();

  constructor(
    private readonly emit: (e: GEvent) => void,
    private readonly time: (c: RecordContext) => string | null,
  ) {}

  /** Called for every record before it is parsed: ages the open panics and gin echoes of its stream. */
  age(r: LogRecord, n = 1): void {
    if (this.pending.size > 0) {
      const sk = streamKey(r);
      for (const p of this.pending.values()) if (p.streamKey === sk && (p.seen += n) > PENDING_MAX_RECORDS) this.emitPending(p);
    }
    if (this.lastGin.size > 0) {
      const sk = streamKey(r);
      const g = this.lastGin.get(sk);
      if (g !== undefined && (g.ago += n) > GIN_ECHO_RECORDS) this.lastGin.delete(sk);
    }
  }

  /** A gin `[Recovery]` dump with this panic value was just emitted on the record's stream. */
  recordGinPanic(r: LogRecord, message: string): void {
    this.lastGin.set(streamKey(r), { message, ago: 0 });
  }

  /** `panic detected: <value>` (the value after the prefix). */
  detected(c: RecordContext, value: string): void {
    const sk = streamKey(c.rec);
    if (c.rid === undefined) {
      const gin = this.lastGin.get(sk);
      if (gin !== undefined && gin.message === value) {
        this.lastGin.delete(sk);
        return;
      }
      this.emit(this.event(c, cap(value), 'unknown', panicSignature([], value)));
      return;
    }
    const key = panicKey(c);
    const old = this.pending.get(key);
    if (old !== undefined) {
      if (!old.detected) {
        old.event.message = cap(value);
        old.detected = true;
        return;
      }
      this.emitPending(old);
    }
    this.pending.set(key, { key, streamKey: sk, seen: 0, event: this.event(c, cap(value), 'relay', ''), detected: true });
  }

  /** `stacktrace from panic: goroutine 2087 [running]:` plus the stack: `stack` is the message and the lines after it. */
  stack(c: RecordContext, stack: readonly string[]): void {
    const frames = extractFrames(stack);
    const key = panicKey(c);
    let p = this.pending.get(key);
    if (p === undefined) {
      p = { key, streamKey: streamKey(c.rec), seen: 0, event: this.event(c, '', 'relay', ''), detected: false };
      this.pending.set(key, p);
    }
    p.event.frames = frames;
    p.event.recoveredBy = 'relay';
  }

  /** `request: …` / `request body: …`; false when no panic of this key is open (then it is an ordinary message). */
  request(c: RecordContext, msg: string): boolean {
    const p = this.pending.get(panicKey(c));
    if (p === undefined) return false;
    if (msg.startsWith('request: ')) {
      p.event.request = cap(msg.slice(9));
      return true;
    }
    this.emitPending(p);
    return true;
  }

  /** Epoch ms of the oldest panic still waiting for its parts, or null. */
  oldestPending(): number | null {
    let min: number | null = null;
    for (const p of this.pending.values()) {
      const ms = p.event.time === null ? NaN : Date.parse(p.event.time);
      if (Number.isFinite(ms) && (min === null || ms < min)) min = ms;
    }
    return min;
  }

  /** Emits the panics still waiting for their parts. */
  flush(): void {
    for (const p of [...this.pending.values()]) this.emitPending(p);
    this.pending.clear();
  }

  private event(c: RecordContext, message: string, recoveredBy: PanicEvent['recoveredBy'], signature: string): PanicEvent {
    return { kind: 'panic', time: this.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, message, signature, frames: [], recoveredBy };
  }

  private emitPending(p: Pending): void {
    this.pending.delete(p.key);
    p.event.signature = panicSignature(p.event.frames, p.event.message);
    this.emit(p.event);
  }
}

/** Panic parts are one handler's writes: same source, same stream (stderr), same request id. */
function panicKey(c: RecordContext): string {
  return c.rec.stream + '\0' + c.rec.source + '\0' + (c.rid ?? '');
}

function streamKey(r: LogRecord): string {
  return r.source + '\0' + r.stream;
}
