// One entry of a container's log file decoded: a json-file line (the fast path of src/stream/decode.ts, else JSON), the
// local driver's framing and varint times, and the message made of it, with its time formatted only when asked for
// (src/docker/logfiles.ts is the public face).
import { jsonFileMessage, type JsonSpan } from '../stream/decode.js';
import type { FrameStream } from '../stream/frames.js';
import type { FileMessage } from './logfiles-types.js';

/**
 * How many bytes of `next` finish the local-driver entry that `carry` begins (size prefix, entry, size suffix), or -1
 * when even its size prefix is not whole yet.
 */
export function localEntryLength(carry: Buffer, next: Buffer): number {
  if (carry.length + next.length < 4) return -1;
  const head = carry.length >= 4 ? carry : Buffer.concat([carry, next.subarray(0, 4 - carry.length)]);
  return head.readUInt32BE(0) + 8 - carry.length;
}

/** Largest local-driver entry taken for one (the engine's messages are at most 1 MB, its metadata small). */
export const MAX_LOCAL_ENTRY = 4 << 20;

/** Exact `2^(7i)` for the varint bytes of a time in nanoseconds, as whole seconds and the nanoseconds left. */
export const VARINT_SEC: number[] = [];
export const VARINT_NS: number[] = [];
for (let i = 0; i < 10; i++) {
  const v = 1n << BigInt(7 * i);
  VARINT_SEC.push(Number(v / 1_000_000_000n));
  VARINT_NS.push(Number(v % 1_000_000_000n));
}

/** `"<sec>.<nanos>"` → [sec, nanos]. */
export function dockerTsParts(v: string): [number, number] {
  const [s, f = ''] = v.split('.');
  return [Number(s), Number((f + '000000000').slice(0, 9))];
}

/** A FileMessage whose time is read (and formatted) only when asked for. */
export class FileMessageImpl implements FileMessage {
  stream: FrameStream = 'stdout';
  b: Buffer = Buffer.alloc(0);
  from = 0;
  to = 0;
  ending: 0 | 1 | 2 = 1;
  clean = true;
  private tb: Buffer = Buffer.alloc(0);
  private tFrom = 0;
  private tTo = 0;
  private sec = 0;
  private ns = 0;
  /** The time is in sec/ns (local driver) rather than in tb (json-file). */
  private parts = false;
  /** The whole-second part of the last time read, and its seconds since the epoch and ISO form. */
  private lastPrefix = Buffer.alloc(19);
  private lastZone = '';
  private lastSec = Number.NaN;
  private lastIso = '';

  setTimeBytes(tb: Buffer, from: number, to: number): void {
    this.tb = tb;
    this.tFrom = from;
    this.tTo = to;
    this.parts = false;
  }

  setTimeParts(sec: number, ns: number): void {
    this.sec = sec;
    this.ns = ns;
    this.parts = true;
  }

  /** [seconds since the epoch, nanoseconds]. */
  time(): [number, number] {
    if (this.parts) return [this.sec, this.ns];
    const { sec, frac } = this.readBytes();
    return [sec, Number((frac + '000000000').slice(0, 9))];
  }

  ts(): string {
    if (this.parts) {
      if (this.sec !== this.lastSec) {
        this.lastSec = this.sec;
        this.lastIso = new Date(this.sec * 1000).toISOString().slice(0, 19);
      }
      return `${this.lastIso}.${String(this.ns).padStart(9, '0')}Z`;
    }
    const { frac } = this.readBytes();
    // Go's RFC3339Nano trims trailing zeros (`…49.93802264Z`, `…49Z`); the API prints exactly 9 digits
    return `${this.lastIso}.${(frac + '000000000').slice(0, 9)}${this.lastZone}`;
  }

  /** `2026-11-26T12:37:49.93802264Z` → its whole seconds (cached per second of log time) and fraction digits. */
  private readBytes(): { sec: number; frac: string } {
    const b = this.tb;
    const from = this.tFrom;
    const to = this.tTo;
    let i = from + 19;
    let frac = '';
    if (b[i] === 46 /* . */) {
      const f = ++i;
      while (i < to && b[i]! >= 48 && b[i]! <= 57) i++;
      frac = b.toString('latin1', f, i);
    }
    const zone = this.lastZone;
    let same = to - from >= 19 && to - i === zone.length;
    for (let k = 0; same && k < 19; k++) same = b[from + k] === this.lastPrefix[k];
    for (let k = 0; same && k < zone.length; k++) same = b[i + k] === zone.charCodeAt(k);
    if (!same) {
      this.lastIso = b.toString('latin1', from, from + 19);
      this.lastZone = b.toString('latin1', i, to);
      b.copy(this.lastPrefix, 0, from, from + 19);
      const ms = Date.parse(this.lastIso + this.lastZone);
      this.lastSec = Number.isFinite(ms) ? Math.floor(ms / 1000) : Number.NaN;
    }
    return { sec: this.lastSec, frac };
  }
}

/** Fill `m` from one json-file line `b[from, to)`; false when the line is no message (unreadable: skipped). */
export function jsonFileEntry(m: FileMessageImpl, span: JsonSpan, b: Buffer, from: number, to: number): boolean {
  const stream = jsonFileMessage(b, from, to, span, true);
  if (stream !== null) {
    m.stream = stream;
    m.b = b;
    m.from = span.start;
    m.to = span.end;
    m.ending = span.crlf ? 2 : 1;
    m.clean = true;
    m.setTimeBytes(b, span.timeFrom, span.timeTo);
    return true;
  }
  // Any other shape (escapes, a 16 KB part, `attrs` from --log-opt labels): read as JSON.
  let o: { log?: unknown; stream?: unknown; time?: unknown };
  try {
    o = JSON.parse(b.toString('utf8', from, to)) as typeof o;
  } catch {
    return false;
  }
  if (o === null || typeof o !== 'object' || typeof o.log !== 'string' || typeof o.time !== 'string') return false;
  if (o.stream !== 'stdout' && o.stream !== 'stderr') return false;
  const text = Buffer.from(o.log, 'utf8');
  let end = text.length;
  let ending: 0 | 1 | 2 = 0;
  if (end > 0 && text[end - 1] === 10) {
    end--;
    ending = 1;
    if (end > 0 && text[end - 1] === 13) {
      end--;
      ending = 2;
    }
  }
  m.stream = o.stream;
  m.b = text;
  m.from = 0;
  m.to = end;
  m.ending = ending;
  m.clean = text.indexOf(10) === -1 || text.indexOf(10) >= end;
  const tb = Buffer.from(o.time, 'latin1');
  m.setTimeBytes(tb, 0, tb.length);
  return true;
}

/** The API's payload of a message: `<ts> <text><ending>` (a TTY container's body is these, one after the other). */
export function apiPayload(m: FileMessage, into?: Buffer): Buffer {
  const ts = m.ts();
  const len = ts.length + 1 + (m.to - m.from) + m.ending;
  const out = into !== undefined && into.length >= len ? into.subarray(0, len) : Buffer.allocUnsafe(len);
  let at = out.write(ts, 0, 'latin1');
  out[at++] = 32;
  at += m.b.copy(out, at, m.from, m.to);
  if (m.ending === 2) out[at++] = 13;
  if (m.ending !== 0) out[at++] = 10;
  return out;
}
