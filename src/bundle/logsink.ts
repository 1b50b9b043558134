// Where a container's log frames go: one sink per stream, writing the raw frame payloads (timestamp prefix
// included, exactly as `docker logs -t` prints them) to `logs/<stream>.log`, through the redactor unless
// `--no-redact`. Payloads are batched so 1,000,000 tiny frames become a few hundred writes.
import type { BundleFile } from './writer.js';
import type { StreamRedactor } from './redact.js';

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
    // The caller may reuse the payload's memory (a slice of the socket chunk): keep a copy only when batching.
    this.parts.push(payload);
    this.size += payload.length;
    if (this.size >= BATCH) {
      const p = this.flush();
      // Let Docker's stream run ahead of the disk by a few batches; beyond that, make the reader wait.
      if (this.inflight > 4) return p;
    }
  }

  /** Write what is batched; resolves when the file has taken it. */
  flush(): Promise<void> {
    if (this.size === 0) return this.pending;
    const chunk = this.parts.length === 1 ? Buffer.from(this.parts[0]!) : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.inflight++;
    this.pending = this.pending.then(async () => {
      const out = this.redactor ? this.redactor.push(chunk) : chunk;
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
    await this.flush();
    if (this.redactor) await this.file.write(this.redactor.end());
    await this.file.close();
  }

  get bytesOut(): number {
    return this.file.bytes;
  }
}
