// Batches many small strings into ~64 KB writes, with backpressure a slow reader can feel.
//
// The pipeline calls its event callback synchronously while it reads, so a stream write that returns `false`
// cannot pause it: `scan big.log --jsonl | slow-reader` would queue the whole output in memory (measured:
// 780 MB for 1 M events). When the output is a file descriptor (stdout), chunks are therefore written with
// fs.writeSync, which waits while the pipe is full — the way grep or cat behave — and memory stays flat.
// Other writables (tests, in-process use) get ordinary stream writes.
import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { OutputError } from '../errors.js';

const CHUNK = 64 * 1024;
/** How long to sleep when a non-blocking pipe is full (EAGAIN) before trying again. */
const EAGAIN_SLEEP_MS = 2;

export class BufferedOutput {
  private parts: string[] = [];
  private size = 0;
  private blocked: Promise<void> | null = null;
  private scheduled = false;
  private sleeper: Int32Array | null = null;

  /** `fd`: write synchronously to this descriptor (1 for stdout) instead of through the stream. */
  constructor(
    private readonly stream: Writable,
    private readonly fd?: number,
  ) {}

  /** Queue text. Returns a promise when the caller should wait for the reader (stream mode); undefined otherwise. */
  push(text: string): Promise<void> | undefined {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK) this.flush();
    else if (!this.scheduled) {
      // A slow trickle (`--follow`) still shows up promptly.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return this.blocked ?? undefined;
  }

  private flush(): void {
    if (this.size === 0) return;
    const chunk = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.fd !== undefined) {
      this.writeAllSync(Buffer.from(chunk, 'utf8'));
      return;
    }
    if (!this.stream.write(chunk) && !this.blocked) {
      this.blocked = new Promise((resolve) =>
        this.stream.once('drain', () => {
          this.blocked = null;
          resolve();
        }),
      );
    }
  }

  private writeAllSync(buf: Buffer): void {
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd!, buf, off, buf.length - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          // stdout is a non-blocking pipe whose reader is behind: wait for it, as a blocking write would.
          this.sleeper ??= new Int32Array(new SharedArrayBuffer(4));
          Atomics.wait(this.sleeper, 0, 0, EAGAIN_SLEEP_MS);
          continue;
        }
        if (code === 'EPIPE') process.exit(0); // the reader went away (`| head`): end quietly, as exitQuietlyOnEpipe does
        throw new OutputError('cannot write the output', code ?? String(err), 'check the disk space and where stdout goes', { cause: err });
      }
    }
  }

  /** Write what is left and wait until the stream has taken it. */
  async end(): Promise<void> {
    this.flush();
    if (this.blocked) await this.blocked;
  }
}
