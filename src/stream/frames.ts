// Docker's multiplexed log stream: `[type:1][0 0 0][size:uint32 BE]` + size bytes of payload per message
// (docs/docker.md, "Framing"). Type 1 = stdout, 2 = stderr, 3 = the daemon's own error text.
import { DataError, UnavailableError } from '../errors.js';

export type FrameStream = 'stdout' | 'stderr';
/** Receives one frame's payload. The Buffer may be a view into the caller's chunk: copy it to keep it. */
export type FrameHandler = (stream: FrameStream, payload: Buffer) => void;

/** True when `buf` starts like a multiplexed stream (a saved API body), not like text. */
export function looksLikeFrames(buf: Buffer): boolean {
  return buf.length >= 8 && (buf[0] === 1 || buf[0] === 2) && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
}

/**
 * Streaming demultiplexer: frames may be split across chunks at any byte. Never recursive, never quadratic:
 * only the unfinished tail of a chunk is carried over.
 */
export class FrameDemuxer {
  private pending: Buffer | null = null;
  /** Bytes of an incomplete frame seen at end(): the stream was cut short. */
  truncatedBytes = 0;

  constructor(private readonly onFrame: FrameHandler) {}

  /** Feed bytes (`chunk[from, to)`). Throws UnavailableError for a type-3 frame (the daemon reports an error inside the stream) and DataError for a bad header. */
  push(chunk: Buffer, from = 0, to = chunk.length): void {
    let buf = chunk;
    let off = from;
    let n = to;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk.subarray(from, to)]);
      off = 0;
      n = buf.length;
    }
    this.pending = null;
    while (n - off >= 8) {
      const type = buf[off]!;
      const len = buf.readUInt32BE(off + 4);
      if (n - off - 8 < len) break; // the rest of the frame is in a later chunk
      const start = off + 8;
      off = start + len;
      if (type === 1) this.onFrame('stdout', buf.subarray(start, off));
      else if (type === 2) this.onFrame('stderr', buf.subarray(start, off));
      else if (type === 3) {
        const text = buf.toString('utf8', start, off).trim();
        throw new UnavailableError('the Docker daemon reported an error while sending logs', text || 'empty error frame');
      } else if (type !== 0) {
        throw new DataError('bad Docker log frame header', `type ${type} at byte ${off - len - 8}`, 'is this a TTY container read without Tty set?');
      }
    }
    if (off < n) this.pending = Buffer.from(buf.subarray(off, n));
  }

  /**
   * End of input. A frame cut short (its header promised more bytes than came) is delivered as far as it got,
   * and its size is kept in `truncatedBytes`; a lone partial header is dropped.
   */
  end(): void {
    const rest = this.pending;
    this.pending = null;
    if (!rest) return;
    this.truncatedBytes = rest.length;
    if (rest.length > 8 && (rest[0] === 1 || rest[0] === 2)) this.onFrame(rest[0] === 1 ? 'stdout' : 'stderr', rest.subarray(8));
  }
}
