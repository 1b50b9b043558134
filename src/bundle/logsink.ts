// Where a container's log frames go: one sink per stream, writing the raw frame payloads (timestamp prefix
// included, exactly as `docker logs -t` prints them) to `logs/<stream>.log`, through the redactor unless
// `--no-redact`. Payloads are batched so 1,000,000 tiny frames become a few hundred writes. The bytes that
// go to the file are also handed to `onOut` (the live scan) frame by frame, in Docker's order.
import type { BundleFile } from './writer.js';
import type { StreamRedactor } from '../redact/index.js';

const BATCH = 256 * 1024;

export class LogSink {
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes received from Docker (before redaction). */
  bytesIn = 0;
  /** Complete lines received (payloads ending in `\n`). */
  lines = 0;
  frames = 0;
  /** Docker timestamps of the first and last frame (the first 30-ish bytes of a `-t` payload). */
  firstTime: string | null = null;
  lastTime: string | null = null;
  private pending: Promise<void> = Promise.resolve();
  private inflight = 0;
  private error: unknown = null;

  constructor(
    private readonly file: BundleFile,
    private readonly redactor: StreamRedactor | null,
    private readonly onOut?: (chunk: Buffer) => void,
  ) {}

  /** Take one frame payload. Returns a promise when the caller should wait (disk slower than Docker). */
  push(payload: Buffer): Promise<void> | void {
    if (this.error) throw this.error;
    this.frames += 1;
    this.bytesIn += payload.length;
    if (payload[payload.length - 1] === 10) this.lines += 1;
    const sp = payload.indexOf(32);
    if (sp > 0 && sp < 40) {
      const ts = payload.toString('latin1', 0, sp);
      if (this.firstTime === null) this.firstTime = ts;
      this.lastTime = ts;
    }
    // Redacted frame by frame (a frame is normally one whole line), so the live scan sees the frames in Docker's
    // order across both streams while the file writes stay batched.
    const out = this.redactor ? this.redactor.push(payload) : payload;
    if (out.length === 0) return;
    this.onOut?.(out);
    this.parts.push(out);
    this.size += out.length;
    if (this.size >= BATCH) {
      const p = this.flush();
      // Let Docker's stream run ahead of the disk by a few batches; beyond that, make the reader wait.
      if (this.inflight > 4) return p;
    }
  }

  /** Queue the batched bytes for the file. Resolves when the file has taken them. */
  flush(): Promise<void> {
    if (this.size === 0) return this.pending;
    const chunk = this.parts.length === 1 ? Buffer.from(this.parts[0]!) : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return this.write(chunk);
  }

  private write(out: Buffer): Promise<void> {
    if (out.length === 0) return this.pending;
    this.inflight++;
    this.pending = this.pending.then(async () => {
      await this.file.write(out);
      this.inflight--;
    });
    this.pending.catch((err) => {
      this.error = err;
    });
    return this.pending;
  }

  /** Flush, end the redactor, close the file. */
  async close(): Promise<void> {
    if (this.redactor) {
      const rest = this.redactor.end();
      if (rest.length > 0) {
        this.onOut?.(rest);
        this.parts.push(rest);
        this.size += rest.length;
      }
    }
    this.flush();
    await this.pending;
    await this.file.close();
  }

  get bytesOut(): number {
    return this.file.bytes;
  }
}
