// Reading a container's log files in order: json-file lines or local-driver entries out of plain or compressed files,
// since and until as the daemon applies them, 16 KB parts kept as parts, and following the current file across
// rotation and truncation (src/docker/logfiles.ts is the public face).
import { createReadStream, watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { JsonSpan } from '../stream/decode.js';
import { dockerTsParts, FileMessageImpl, jsonFileEntry, localEntryLength, MAX_LOCAL_ENTRY, VARINT_NS, VARINT_SEC } from './logfiles-entries.js';
import type { FileLogQuery, FileMessageSink, FileRef, LogFiles } from './logfiles-types.js';

/** Following: how often the file is looked at when nothing woke the reader, and the container's state checked. */
export const FOLLOW_POLL_MS = 250;

/**
 * Reads messages out of log files (json-file lines or local-driver entries), applies since/until as the daemon does
 * (since: skip what is before; until: stop at the first message after it) and hands them to the sink.
 */
export class MessageReader {
  /** Past `until`: nothing more is read. */
  done = false;
  /** The current file cannot be read on (a local-driver size that no entry has): the next file is. */
  private brokenFile = false;
  /** Counting for tail: no time, no filters. */
  countOnly = false;
  private readonly msg: FileMessageImpl;
  private readonly since: [number, number] | null;
  private readonly until: [number, number] | null;
  /** The unfinished end of the previous chunk. */
  private carry: Buffer | null = null;
  /** Messages still to skip before the first one handed over (tail in a compressed file). */
  private skip = 0;
  private readonly span: JsonSpan = { start: 0, end: 0, crlf: false, timeFrom: 0, timeTo: 0 };
  private readonly buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(1 << 18), Buffer.allocUnsafe(1 << 18)];

  constructor(
    private readonly driver: LogFiles['driver'],
    private readonly q: FileLogQuery,
    private readonly sink: FileMessageSink,
  ) {
    this.msg = new FileMessageImpl();
    this.since = q.since !== undefined ? dockerTsParts(q.since) : null;
    this.until = q.until !== undefined ? dockerTsParts(q.until) : null;
  }

  /** One whole file from `offset` (plain files) or after `skip` messages. */
  async readFile(f: FileRef, offset: number, skip: number): Promise<void> {
    this.carry = null;
    this.skip = skip;
    this.brokenFile = false;
    if (f.gz) {
      const input = createReadStream(f.path).pipe(createGunzip());
      try {
        for await (const chunk of input as AsyncIterable<Buffer>) {
          await this.push(chunk);
          if (this.done || this.brokenFile || this.q.signal?.aborted) break;
        }
      } finally {
        input.destroy();
      }
      return;
    }
    const fh = await open(f.path, 'r');
    try {
      await this.readFrom(fh, offset);
    } finally {
      await fh.close();
    }
  }

  /**
   * Read `fh` from `pos` to its current end; returns the new position (what was read, unfinished messages included).
   * Two buffers take turns: the next chunk is read while this one is handed over (whoever keeps bytes copies them).
   */
  private async readFrom(fh: FileHandle, pos: number): Promise<number> {
    let cur = this.buffers[0];
    let next = this.buffers[1];
    let reading = fh.read(cur, 0, cur.length, pos);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0 || this.done || this.brokenFile || this.q.signal?.aborted) return pos;
      pos += bytesRead;
      reading = fh.read(next, 0, next.length, pos);
      try {
        await this.push(bytesRead === cur.length ? cur : cur.subarray(0, bytesRead));
      } catch (err) {
        await reading.catch(() => undefined);
        throw err;
      }
      [cur, next] = [next, cur];
    }
  }

  /**
   * Follow the current file: read on as it grows; when the engine rotates it (renamed to `.1`, a new file in its
   * place), finish the old one through the open handle, then go on with the new one; a file truncated in place
   * (max-file=1) is read again from its start. Ends when `running()` says the container stopped, after a last read.
   */
  async follow(path: string, offset: number, skip: number, running: () => Promise<boolean>): Promise<void> {
    this.carry = null;
    this.skip = skip;
    this.brokenFile = false;
    let fh = await open(path, 'r');
    let ino = (await fh.stat()).ino;
    let pos = offset;
    let watcher: FSWatcher | null = null;
    let wake: (() => void) | null = null;
    const onChange = () => wake?.();
    try {
      try {
        watcher = watch(path, { persistent: false }, onChange);
      } catch {
        watcher = null; // polling alone
      }
      let stopped = false;
      let sinceCheck = 0;
      for (;;) {
        const before = pos;
        pos = await this.readFrom(fh, pos);
        if (this.done || this.q.signal?.aborted) return;
        const now = await stat(path).catch(() => null);
        if (now !== null && now.ino !== ino) {
          // rotated: the old file is complete (read to its end above); the new one starts a fresh message
          pos = await this.readFrom(fh, pos);
          await fh.close();
          fh = await open(path, 'r');
          ino = (await fh.stat()).ino;
          pos = 0;
          this.carry = null;
          this.brokenFile = false;
          watcher?.close();
          try {
            watcher = watch(path, { persistent: false }, onChange);
          } catch {
            watcher = null;
          }
          continue;
        }
        if (now !== null && now.size < pos) {
          // truncated in place (max-file=1): what it holds now is new
          pos = 0;
          this.carry = null;
          this.brokenFile = false;
          continue;
        }
        if (stopped) return;
        if (pos !== before) {
          sinceCheck = 0;
          continue;
        }
        // idle: wait for a change or the next poll, and now and then ask whether the container still runs
        await new Promise<void>((resolve) => {
          const signal = this.q.signal;
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            wake = null;
            resolve();
          };
          const timer = setTimeout(done, FOLLOW_POLL_MS);
          wake = done;
          if (signal?.aborted) done();
          else signal?.addEventListener('abort', done, { once: true });
        });
        if (this.q.signal?.aborted) return;
        sinceCheck += FOLLOW_POLL_MS;
        if (sinceCheck >= 2 * FOLLOW_POLL_MS) {
          sinceCheck = 0;
          // one more read after the container stopped: what it wrote last is in the file by then
          if (!(await running())) stopped = true;
        }
      }
    } finally {
      watcher?.close();
      await fh.close();
    }
  }

  /** Bytes of the log; whole messages go to the sink, an unfinished one waits for the next chunk. */
  private async push(chunk: Buffer): Promise<void> {
    let b = chunk;
    if (this.carry !== null) {
      // Only the unfinished message is joined with the start of the chunk, not the whole chunk copied behind it.
      const carry = this.carry;
      this.carry = null;
      const need = this.driver === 'json-file' ? chunk.indexOf(10) + 1 : localEntryLength(carry, chunk);
      if (need <= 0 || need >= chunk.length) b = Buffer.concat([carry, chunk]);
      else {
        const head = Buffer.concat([carry, chunk.subarray(0, need)]);
        const used = this.driver === 'json-file' ? await this.jsonLines(head) : await this.localEntries(head);
        if (this.done) return;
        if (used < head.length) b = Buffer.concat([head.subarray(used), chunk.subarray(need)]);
        else b = chunk.subarray(need);
      }
    }
    const used = this.driver === 'json-file' ? await this.jsonLines(b) : await this.localEntries(b);
    if (used < b.length && !this.done && !this.brokenFile) this.carry = Buffer.from(b.subarray(used));
  }

  /** json-file: one message per line. Returns how many bytes were used. */
  private async jsonLines(b: Buffer): Promise<number> {
    let start = 0;
    for (let nl = b.indexOf(10); nl !== -1; nl = b.indexOf(10, start)) {
      const from = start;
      start = nl + 1;
      if (this.skip > 0 || this.countOnly) {
        if (this.skip > 0) this.skip--;
        else this.sink(this.msg);
        continue;
      }
      if (!jsonFileEntry(this.msg, this.span, b, from, nl)) continue;
      if (!this.inWindow()) {
        if (this.done) return b.length;
        continue;
      }
      const r = this.sink(this.msg);
      if (r !== undefined) await r;
    }
    return start;
  }

  /**
   * local driver: `[size uint32 BE][LogEntry protobuf][size uint32 BE]`; LogEntry: 1 source (string), 2 time_nano
   * (varint), 3 line (bytes, without its `\n`), 4 partial (varint bool), 5 partial metadata (skipped).
   */
  private async localEntries(b: Buffer): Promise<number> {
    let off = 0;
    const m = this.msg;
    while (b.length - off >= 4) {
      const size = b.readUInt32BE(off);
      if (size > MAX_LOCAL_ENTRY) {
        // not an entry the engine wrote (its messages are at most 1 MB): the rest of this file cannot be framed
        this.brokenFile = true;
        return b.length;
      }
      if (b.length - off < size + 8) break;
      const start = off + 4;
      const end = start + size;
      off = end + 4;
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      if (this.countOnly) {
        this.sink(m);
        continue;
      }
      let source = '';
      let sec = 0;
      let ns = 0;
      let lineFrom = 0;
      let lineTo = 0;
      let partial = false;
      let i = start;
      let bad = false;
      while (i < end && !bad) {
        const key = b[i++]!;
        const field = key >> 3;
        const wire = key & 7;
        if (wire === 0) {
          // varint: time_nano (exact, as seconds and nanoseconds) or partial
          let k = 0;
          let s = 0;
          let n = 0;
          let byte: number;
          do {
            byte = b[i++]!;
            const low = byte & 0x7f;
            if (k < 10) {
              s += low * VARINT_SEC[k]!;
              n += low * VARINT_NS[k]!;
            }
            k++;
          } while (byte & 0x80 && i < end);
          if (field === 2) {
            sec = s + Math.floor(n / 1e9);
            ns = n % 1e9;
          } else if (field === 4) partial = s !== 0 || n !== 0;
        } else if (wire === 2) {
          let len = 0;
          let shift = 1;
          let byte: number;
          do {
            byte = b[i++]!;
            len += (byte & 0x7f) * shift;
            shift *= 128;
          } while (byte & 0x80 && i < end);
          if (field === 1) source = b.toString('latin1', i, i + len);
          else if (field === 3) {
            lineFrom = i;
            lineTo = i + len;
          }
          i += len;
        } else if (wire === 5) i += 4;
        else if (wire === 1) i += 8;
        else bad = true;
      }
      if (bad || i !== end || (source !== 'stdout' && source !== 'stderr')) continue;
      m.stream = source;
      m.b = b;
      m.from = lineFrom;
      m.to = lineTo;
      m.ending = partial ? 0 : 1;
      // the engine's copier cuts messages at `\n`: a line never holds one
      m.clean = true;
      m.setTimeParts(sec, ns);
      if (!this.inWindow()) {
        if (this.done) return b.length;
        continue;
      }
      const r = this.sink(m);
      if (r !== undefined) await r;
    }
    return off;
  }

  /** since: the message is skipped when before it; until: the read ends at the first message after it. */
  private inWindow(): boolean {
    if (this.since === null && this.until === null) return true;
    const [sec, ns] = this.msg.time();
    if (this.since !== null && (sec < this.since[0] || (sec === this.since[0] && ns < this.since[1]))) return false;
    if (this.until !== null && (sec > this.until[0] || (sec === this.until[0] && ns > this.until[1]))) {
      this.done = true;
      return false;
    }
    return true;
  }
}
