// Byte-level line splitting: Buffers in, UTF-8 lines out, without ever holding a huge line twice.
import { MAX_LINE_CHARS } from './types.js';

/** Receives one line: its text (no line ending) and whether it was cut at the cap. */
export type LineHandler = (text: string, oversized: boolean) => void;
/**
 * Offered a line's bytes `b[from, to)` (no line ending) before they are decoded; returns true when it took the line
 * (the line is then not decoded and not handed to the LineHandler).
 */
export type QuietHandler = (b: Buffer, from: number, to: number) => boolean;

const LF = 10;
const CR = 13;
const CR_BYTE = Buffer.from([CR]);

/** Cut decoded text to `max` UTF-16 units without leaving half a surrogate pair at the end. */
export function capText(text: string, max: number): string {
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/**
 * Splits a byte stream on `\n`. A `\r` right before the `\n` is dropped. Bytes are decoded as UTF-8
 * with replacement (invalid sequences become U+FFFD). A line longer than `maxChars` characters is cut
 * and reported as oversized; of such a line at most `4 × maxChars` bytes are ever kept (any UTF-8 text
 * of `maxChars` characters fits in that), the rest is skipped as it arrives.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partLen = 0;
  /** Bytes of the current line were skipped because it is over the byte budget. */
  private dropped = false;
  private readonly maxBytes: number;

  /**
   * `tryQuiet`: the byte-level fast path. Lines that arrive whole within one chunk, within the cap, are offered to it
   * first (the other lines, a few per chunk at most, are always decoded).
   */
  constructor(
    private readonly onLine: LineHandler,
    private readonly maxChars: number = MAX_LINE_CHARS,
    private readonly tryQuiet: QuietHandler | null = null,
  ) {
    this.maxBytes = maxChars * 4;
  }

  /** True while an unterminated line is waiting for more bytes. */
  get hasPartial(): boolean {
    return this.partLen > 0 || this.dropped;
  }

  /** Feed bytes `chunk[from, to)` (default: all of it). */
  push(chunk: Buffer, from = 0, to = chunk.length): void {
    if (to < chunk.length) {
      // A view into a larger buffer (a frame's payload): search only inside it.
      if (from >= to) return;
      chunk = chunk.subarray(from, to);
      from = 0;
    }
    let nl = chunk.indexOf(LF, from);
    if (nl === -1) {
      this.keep(chunk, from, chunk.length);
      return;
    }
    let start = from;
    if (this.hasPartial) {
      this.keep(chunk, start, nl);
      this.flush();
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    const max = this.maxBytes;
    const quiet = this.tryQuiet;
    while (nl !== -1) {
      let end = nl;
      if (end > start && chunk[end - 1] === CR) end--;
      if (end - start <= this.maxChars) {
        // Fast path: n bytes never decode to more than n characters, so the line is within the cap.
        if (quiet === null || !quiet(chunk, start, end)) this.onLine(chunk.toString('utf8', start, end), false);
      } else if (end - start > max) {
        this.onLine(capText(chunk.toString('utf8', start, start + max), this.maxChars), true);
      } else {
        this.emitText(chunk.toString('utf8', start, end), false);
      }
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /**
   * The bytes `chunk[from, to)` followed by a `\n` (`\r\n` with `crlf`), when they hold no `\n` themselves (a Docker
   * message read from the engine's files, whose line ending is not in the buffer): the same lines as push() of those
   * bytes and the ending, without copying them.
   */
  pushLine(chunk: Buffer, from: number, to: number, crlf = false): void {
    if (this.hasPartial) {
      this.keep(chunk, from, to);
      if (crlf) this.keep(CR_BYTE, 0, 1);
      this.flush();
      return;
    }
    let end = to;
    if (!crlf && end > from && chunk[end - 1] === CR) end--;
    if (end - from <= this.maxChars) {
      if (this.tryQuiet === null || !this.tryQuiet(chunk, from, end)) this.onLine(chunk.toString('utf8', from, end), false);
    } else if (end - from > this.maxBytes) {
      this.onLine(capText(chunk.toString('utf8', from, from + this.maxBytes), this.maxChars), true);
    } else {
      this.emitText(chunk.toString('utf8', from, end), false);
    }
  }

  /** Emit the unterminated line, if any (end of input, or the end of a Docker message). */
  flush(): void {
    if (!this.hasPartial) return;
    let buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partLen);
    const dropped = this.dropped;
    this.parts = [];
    this.partLen = 0;
    this.dropped = false;
    if (!dropped && buf.length > 0 && buf[buf.length - 1] === CR) buf = buf.subarray(0, buf.length - 1);
    this.emitText(buf.toString('utf8'), dropped);
  }

  /** Same as flush(): end of input. */
  end(): void {
    this.flush();
  }

  private emitText(text: string, cut: boolean): void {
    if (text.length > this.maxChars) this.onLine(capText(text, this.maxChars), true);
    else this.onLine(text, cut);
  }

  /** Keep bytes of an unterminated line, within the byte budget; copies so the caller's chunk is not retained. */
  private keep(chunk: Buffer, start: number, end: number): void {
    const room = this.maxBytes - this.partLen;
    if (end - start > room) {
      this.dropped = true;
      end = start + room;
    }
    if (end > start) {
      this.parts.push(Buffer.from(chunk.subarray(start, end)));
      this.partLen += end - start;
    }
  }
}
