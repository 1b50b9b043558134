// A local container's log read from the engine's own files instead of through the API (docs/scan.md, "--via"):
// the json-file driver's `<id>-json.log` with its rotated `.1`, `.2` … (`.gz` when compress=true), or the local
// driver's `local-logs/container.log` set of length-prefixed protobuf entries. The daemon re-encodes every line for
// the API; reading its files is an order of magnitude faster. What comes out is exactly what the API would send: the
// same messages (tail, since and until applied as the daemon applies them), in the same order, with the API's
// timestamps (RFC 3339, UTC, exactly 9 fraction digits), so everything made of them is the same.
import { constants, createReadStream, watch, type FSWatcher } from 'node:fs';
import { access, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { PermissionError, UnavailableError, UsageError } from '../errors.js';
import { jsonFileMessage, type JsonSpan } from '../stream/decode.js';
import type { FrameStream } from '../stream/frames.js';
import { MessageAssembler, TtyAssembler, type DockerLineHandler, type QuietStreams } from '../stream/messages.js';
import { MAX_LINE_CHARS } from '../stream/types.js';
import type { ContainerInfo } from './containers.js';

/** `--via`: how a container's log is read. auto: from the files when they can be read, else through the API. */
export type LogVia = 'auto' | 'file' | 'api';

/** `--via` text → LogVia; UsageError otherwise. */
export function parseVia(text: string | undefined): LogVia {
  if (text === undefined) return 'auto';
  const v = text.trim();
  if (v === 'auto' || v === 'file' || v === 'api') return v;
  throw new UsageError('--via takes auto, file or api', text, 'auto reads a local container\'s log files when it can and the Docker API otherwise');
}

/** A container's log files as the engine keeps them. */
export interface LogFiles {
  driver: 'json-file' | 'local';
  /** The file being written. */
  path: string;
  /** `max-file`: beside `path` the engine keeps `path.1` … `path.(maxFiles − 1)`, each plain or `.gz`. */
  maxFiles: number;
}

/** Why the files cannot be read (for `--via file`). */
export interface Unreadable {
  reason: string;
  permission: boolean;
}

/**
 * The log files of a container, when this machine can read them: a json-file or local driver, the path the engine
 * gave (it names the container's id, so a remote engine's path that happens to exist here is no match), readable.
 */
export async function findLogFiles(info: Pick<ContainerInfo, 'id' | 'logDriver' | 'logOptions' | 'logPath' | 'dir'>): Promise<LogFiles | Unreadable> {
  let path: string;
  let maxFiles: number;
  const maxFile = Number(info.logOptions['max-file']);
  if (info.logDriver === 'json-file') {
    if (info.logPath === '') return { reason: 'the engine gave no LogPath', permission: false };
    path = info.logPath;
    maxFiles = Number.isInteger(maxFile) && maxFile > 0 ? maxFile : 1;
  } else if (info.logDriver === 'local') {
    if (info.dir === '') return { reason: 'the engine gave no container directory', permission: false };
    path = join(info.dir, 'local-logs', 'container.log');
    maxFiles = Number.isInteger(maxFile) && maxFile > 0 ? maxFile : 5;
  } else {
    return { reason: `the ${info.logDriver} log driver keeps no files goroscope reads`, permission: false };
  }
  if (!path.includes(info.id)) return { reason: `${path} is not in the container's directory`, permission: false };
  try {
    await access(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { reason: `no permission to read ${path}`, permission: true };
    return { reason: `${path} is not on this machine (a remote engine?)`, permission: false };
  }
  return { driver: info.logDriver, path, maxFiles };
}

/** The error of `--via file` when the files cannot be read. */
export function unreadableFiles(name: string, why: Unreadable): Error {
  const hint = why.permission
    ? "the engine's files are readable by root only: run as root (sudo), or read through the Docker API with --via api"
    : 'read through the Docker API with --via api (or --via auto)';
  return why.permission
    ? new PermissionError("cannot read the container's log files", `${name}: ${why.reason}`, hint)
    : new UnavailableError("cannot read the container's log files", `${name}: ${why.reason}`, hint);
}

/**
 * One message of the log, as the API would send it. One object is filled again for every message: valid during the
 * callback only (`b` is the read buffer, used again).
 */
export interface FileMessage {
  stream: FrameStream;
  /** The message's text `b[from, to)`, without its line ending. */
  b: Buffer;
  from: number;
  to: number;
  /** 0: none (a 16 KB part, or output that ended without one); 1: `\n`; 2: `\r\n`. */
  ending: 0 | 1 | 2;
  /** The text holds no `\n` of its own (always so in files the engine wrote). */
  clean: boolean;
  /** Docker's timestamp as the API prints it: `2026-11-26T12:37:49.938022640Z`. */
  ts(): string;
}

export interface FileLogQuery {
  /** Docker's `"<sec>.<nanos>"` form, inclusive, as the API takes them. */
  since?: string;
  until?: string;
  /** The last N messages of the whole log (before since/until, as the daemon counts them). */
  tail?: number;
  follow?: boolean;
  signal?: AbortSignal;
}

/** A message sink; returning a promise pauses the reading until it settles. */
export type FileMessageSink = (m: FileMessage) => void | Promise<void>;

/** Following: how often the file is looked at when nothing woke the reader, and the container's state checked. */
export const FOLLOW_POLL_MS = 250;

/**
 * Read the log files as the API would send the log: the rotated files oldest first, then the current one; with
 * `follow`, on along the current file (across rotations) until `running()` says the container stopped (or was
 * removed), or the signal aborts.
 */
export async function readLogFiles(files: LogFiles, q: FileLogQuery, sink: FileMessageSink, running: () => Promise<boolean>): Promise<void> {
  const reader = new MessageReader(files.driver, q, sink);
  const set = await listFiles(files);
  let first = 0;
  let skip = 0;
  let offset = 0;
  if (q.tail !== undefined) {
    if (q.tail <= 0) {
      // no history: a follow starts at the end of the current file
      first = set.length - 1;
      offset = (await stat(set[first]!.path).catch(() => ({ size: 0 }))).size;
    } else ({ first, skip, offset } = await tailStart(files.driver, set, q.tail));
  }
  for (let i = first; i < set.length - 1 && !reader.done; i++) {
    await reader.readFile(set[i]!, i === first ? offset : 0, i === first ? skip : 0);
  }
  if (reader.done || q.signal?.aborted) return;
  const current = set[set.length - 1]!;
  if (!q.follow) {
    await reader.readFile(current, first === set.length - 1 ? offset : 0, first === set.length - 1 ? skip : 0);
    return;
  }
  const here = first === set.length - 1;
  await reader.follow(current.path, here ? offset : 0, here ? skip : 0, running);
}

interface FileRef {
  path: string;
  gz: boolean;
}

/** The files of the log in reading order: rotated ones oldest first (plain `.N` before `.N.gz`, as the engine reads them), then the current one. */
async function listFiles(files: LogFiles): Promise<FileRef[]> {
  const out: FileRef[] = [];
  for (let i = files.maxFiles - 1; i >= 1; i--) {
    const plain = `${files.path}.${i}`;
    if (await exists(plain)) out.push({ path: plain, gz: false });
    else if (await exists(`${plain}.gz`)) out.push({ path: `${plain}.gz`, gz: true });
  }
  out.push({ path: files.path, gz: false });
  return out;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Where the last `tail` messages start: the file, and in it a byte offset (a plain json-file) or a number of messages
 * to skip (compressed files and the local driver, counted on a first pass).
 */
async function tailStart(driver: LogFiles['driver'], set: FileRef[], tail: number): Promise<{ first: number; skip: number; offset: number }> {
  let need = tail;
  for (let i = set.length - 1; i >= 0; i--) {
    const f = set[i]!;
    if (driver === 'json-file' && !f.gz) {
      const { lines, offset } = await lastLines(f.path, need);
      if (lines >= need) return { first: i, skip: 0, offset };
      need -= lines;
    } else {
      const n = await countMessages(driver, f);
      if (n >= need) return { first: i, skip: n - need, offset: 0 };
      need -= n;
    }
  }
  return { first: 0, skip: 0, offset: 0 };
}

/** Backwards from the end of a plain json-file: how many of its last `want` lines are there, and where they start. */
async function lastLines(path: string, want: number): Promise<{ lines: number; offset: number }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const block = Buffer.allocUnsafe(1 << 16);
    let pos = size;
    let lines = 0;
    // a last line still being written (no `\n` yet) is not a message yet
    let seenEnd = false;
    while (pos > 0) {
      const len = Math.min(block.length, pos);
      pos -= len;
      const { bytesRead } = await fh.read(block, 0, len, pos);
      for (let k = bytesRead - 1; k >= 0; k--) {
        if (block[k] !== 10) continue;
        if (!seenEnd) {
          seenEnd = true;
          continue;
        }
        lines++;
        if (lines === want) return { lines, offset: pos + k + 1 };
      }
    }
    return { lines: seenEnd ? lines + 1 : 0, offset: 0 };
  } finally {
    await fh.close();
  }
}

/** The messages in one file (a first pass for `tail` over a compressed or local-driver file). */
async function countMessages(driver: LogFiles['driver'], f: FileRef): Promise<number> {
  let n = 0;
  const counter = new MessageReader(driver, {}, () => {
    n++;
  });
  counter.countOnly = true;
  await counter.readFile(f, 0, 0);
  return n;
}

/**
 * How many bytes of `next` finish the local-driver entry that `carry` begins (size prefix, entry, size suffix), or -1
 * when even its size prefix is not whole yet.
 */
function localEntryLength(carry: Buffer, next: Buffer): number {
  if (carry.length + next.length < 4) return -1;
  const head = carry.length >= 4 ? carry : Buffer.concat([carry, next.subarray(0, 4 - carry.length)]);
  return head.readUInt32BE(0) + 8 - carry.length;
}

/** Largest local-driver entry taken for one (the engine's messages are at most 1 MB, its metadata small). */
const MAX_LOCAL_ENTRY = 4 << 20;

/** Exact `2^(7i)` for the varint bytes of a time in nanoseconds, as whole seconds and the nanoseconds left. */
const VARINT_SEC: number[] = [];
const VARINT_NS: number[] = [];
for (let i = 0; i < 10; i++) {
  const v = 1n << BigInt(7 * i);
  VARINT_SEC.push(Number(v / 1_000_000_000n));
  VARINT_NS.push(Number(v % 1_000_000_000n));
}

/** `"<sec>.<nanos>"` → [sec, nanos]. */
function dockerTsParts(v: string): [number, number] {
  const [s, f = ''] = v.split('.');
  return [Number(s), Number((f + '000000000').slice(0, 9))];
}

/**
 * Reads messages out of log files (json-file lines or local-driver entries), applies since/until as the daemon does
 * (since: skip what is before; until: stop at the first message after it) and hands them to the sink.
 */
class MessageReader {
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
      if (!this.jsonMessage(b, from, nl)) continue;
      if (!this.inWindow()) {
        if (this.done) return b.length;
        continue;
      }
      const r = this.sink(this.msg);
      if (r !== undefined) await r;
    }
    return start;
  }

  /** Fill the message from one json-file line; false when the line is no message (unreadable: skipped). */
  private jsonMessage(b: Buffer, from: number, to: number): boolean {
    const m = this.msg;
    const span = this.span;
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

/** A FileMessage whose time is read (and formatted) only when asked for. */
class FileMessageImpl implements FileMessage {
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

/**
 * A container's log from its files as lines, as readContainerLines makes them of the API's body (MessageAssembler, or
 * TtyAssembler for a TTY container). With `quiet`, a whole line the byte-level test finds quiet goes to its `onQuiet`
 * without being decoded or its timestamp formatted.
 */
export async function readFileLines(
  files: LogFiles,
  tty: boolean,
  q: FileLogQuery,
  onLine: DockerLineHandler,
  quiet: QuietStreams | undefined,
  running: () => Promise<boolean>,
): Promise<void> {
  if (tty) {
    const asm = new TtyAssembler(onLine, undefined, quiet);
    let scratch = Buffer.allocUnsafe(1 << 16);
    await readLogFiles(
      files,
      q,
      (m) => {
        if (scratch.length < m.to - m.from + 64) scratch = Buffer.allocUnsafe(2 * (m.to - m.from + 64));
        // the assembler copies what it keeps: one buffer serves every message
        asm.push(apiPayload(m, scratch));
      },
      running,
    );
    asm.end();
    return;
  }
  const asm = new MessageAssembler(onLine, undefined, quiet);
  await readLogFiles(
    files,
    q,
    (m) => {
      if (!m.clean) return asm.frame(m.stream, apiPayload(m));
      if (quiet !== undefined && m.ending !== 0 && !asm.hasPartial(m.stream)) {
        // the line the splitter would cut: the text, less a `\r` before the `\n`
        let end = m.to;
        if (m.ending === 1 && end > m.from && m.b[end - 1] === 13) end--;
        if (end - m.from <= MAX_LINE_CHARS && quiet.test(m.b, m.from, end)) {
          quiet.onQuiet(m.stream);
          return;
        }
      }
      asm.message(m.stream, m.ts(), m.b, m.from, m.to, m.ending);
    },
    running,
  );
  asm.end();
}

/** A container's log from its files as the API's messages (`<ts> <text><ending>` payloads), for the bundle writer. */
export function streamFileFrames(files: LogFiles, q: FileLogQuery, onFrame: (stream: FrameStream, payload: Buffer) => void | Promise<void>, running: () => Promise<boolean>): Promise<void> {
  return readLogFiles(files, q, (m) => onFrame(m.stream, apiPayload(m)), running);
}
