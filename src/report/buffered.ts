// Batches many small strings into ~64 KB writes and honours backpressure: push() returns a promise
// while the stream is full, so a slow reader (`| less`) keeps memory flat instead of queueing the log.
import type { Writable } from 'node:stream';

const CHUNK = 64 * 1024;

export class BufferedOutput {
  private parts: string[] = [];
  private size = 0;
  private blocked: Promise<void> | null = null;
  private scheduled = false;

  constructor(private readonly stream: Writable) {}

  /** Queue text. Returns a promise when the caller should wait for the reader; undefined otherwise. */
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
    if (!this.stream.write(chunk) && !this.blocked) {
      this.blocked = new Promise((resolve) =>
        this.stream.once('drain', () => {
          this.blocked = null;
          resolve();
        }),
      );
    }
  }

  /** Write what is left and wait until the stream has taken it. */
  async end(): Promise<void> {
    this.flush();
    if (this.blocked) await this.blocked;
  }
}
