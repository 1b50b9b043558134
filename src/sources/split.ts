// Where a big plain log file can be cut into byte ranges that are scanned independently (the parallel
// `scan --json`, src/commands/scan-parallel.ts) and still give, merged, exactly the sequential answer.
//
// The rule (docs/scan.md, "Both cores for one big file"): a cut is the start of a line such that
//   - the CUT_WINDOW lines before it and the CUT_WINDOW lines from it on are each, unwrapped with the file's
//     format, a one-line `[GIN]` access line or One API app line (`[SYS]`, `[INFO]`, `[WARN]`, `[ERR]`, `[ERROR]`,
//     `[DEBUG]`, `[FATAL]`): a record START in its stream, never a continuation, a blank, a std-log (GORM,
//     `[Recovery]`) or crash line, so no multi-line record spans the cut and the record before it is complete;
//   - every part of a relay panic or gin panic before it in its range (`panic detected`, `stacktrace from panic`,
//     `request body:`, `[Recovery]`) has at least AGED_RECORDS one-line record starts of its own stream between it and
//     the cut: the parser's cross-record panic state (parts sharing a request id, at most 64 records of a stream
//     apart; gin's echo within 8) has let it go by then, so it is empty at the cut;
//   - json-file: every stream seen in the file's head also has a line in the window before the cut (no stream
//     keeps a record open across it).
// The search starts at the k-th n-th of the file and moves forward; when no cut is found before the range would
// become too small, the rest is one range (no cut at all: the file is read sequentially).
import { open, type FileHandle } from 'node:fs/promises';
import type { Stream } from '../events.js';
import { looksLikeFrames } from '../stream/frames.js';
import { DetectingDecoder, detectHeadFormat, HEAD_SAMPLE_BYTES, Unwrapper } from '../stream/decode.js';
import type { TextFormat } from '../stream/wrappers.js';
import { MAX_LINE_CHARS, type Line } from '../stream/types.js';
import { START, quietStart, startKind } from '../parse/starts.js';
import { GIN_ECHO_RECORDS, PENDING_MAX_RECORDS } from '../parse/panics.js';
import { readFile, type FileRange } from './files.js';
import type { Source } from './types.js';

/** One-line record starts required on each side of a cut. */
export const CUT_WINDOW = 16;
/**
 * Bytes before the search's start read at first to count the records after panic parts (and the window before a
 * cut); a search that finds no cut reads up to BLOCK behind it (very long lines).
 */
const LOOK_BACK = 128 * 1024;
/** Records of its stream after which the parser has let a panic part go (src/parse/panics.ts), plus one. */
export const AGED_RECORDS = Math.max(PENDING_MAX_RECORDS, GIN_ECHO_RECORDS) + 1;
const BLOCK = 4 << 20;
/** What is read past the search's start at first. */
const FIRST_BLOCK = 64 * 1024;
const MARKERS = ['panic detected', 'stacktrace from panic', 'request body:', '[Recovery]'].map((m) => Buffer.from(m));
const APP = /^\[(?:GIN|SYS|INFO|WARN|ERR|ERROR|DEBUG|FATAL)\] /;

/** A physical line unwrapped with the file's format, or null when it is not one whole line. */
function unwrapped(format: TextFormat, text: string): Line | null {
  if (text.length > MAX_LINE_CHARS) return null;
  let out: Line | null = null;
  let n = 0;
  new Unwrapper('', format, (l) => {
    out = l;
    n++;
  }).line(text, false);
  const l = out as Line | null;
  return n !== 1 || l === null || l.oversized ? null : l;
}

/** A line usable around a cut: its stream, or null. */
function goodLine(format: TextFormat, text: string): Stream | null {
  const l = unwrapped(format, text);
  return l !== null && startKind(l.text) === START && APP.test(l.text) ? l.stream : null;
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, pos);
  return buf.subarray(0, bytesRead);
}

/** Text of a line (bytes a..b, no `\n`), `\r` before the `\n` dropped as the line splitter does. */
function lineText(buf: Buffer, a: number, b: number): string {
  return buf.toString('utf8', a, b > a && buf[b - 1] === 13 ? b - 1 : b);
}

/**
 * The byte ranges of a plain (not gzipped, not multiplexed) file of `size` bytes for `threads` threads, in file order,
 * each found when it is asked for (`next`). Their sizes shrink as the file is handed out (guided scheduling): the
 * first is the file's share per thread, each later one half of what is left per thread — the first ones big, so that
 * each thread's start (its compiler still learning the code) is spent in one long range, the last ones small, so that
 * the threads end together — never under `minBytes`, and the first `threads` ranges leave one for each of the others. Fewer ranges
 * when a cut is found late (a dense part of the file) or not at all after some point (the rest is the last range).
 * Every range starts at a line start; the first at 0, the last ends at `size`. A file that cannot be cut at all gives
 * one range, the whole file.
 */
export class RangeCutter {
  private prev = 0;
  private done = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** The ranges handed out so far. */
  readonly ranges: FileRange[] = [];

  private constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
    private readonly threads: number,
    private readonly minBytes: number,
    readonly format: TextFormat,
    private readonly headStreams: Set<Stream>,
  ) {}

  /** null when the file is not one that can be cut (gzipped, a saved multiplexed stream, under two bytes). */
  static async open(path: string, size: number, threads: number, minBytes: number): Promise<RangeCutter | null> {
    const fh = await open(path, 'r');
    try {
      const head = await readAt(fh, 0, Math.min(size, 256 * 1024));
      if (threads < 2 || head.length < 2 || (head[0] === 0x1f && head[1] === 0x8b) || looksLikeFrames(head)) {
        await fh.close();
        return null;
      }
      const format = detectHeadFormat(head, head.length <= HEAD_SAMPLE_BYTES && head.length === size);
      const headStreams = new Set<Stream>();
      if (format === 'json-file') {
        const lines = head.toString('utf8', 0, Math.min(head.length, HEAD_SAMPLE_BYTES)).split('\n');
        lines.pop();
        for (const t of lines) {
          new Unwrapper('', format, (l) => headStreams.add(l.stream)).line(t.endsWith('\r') ? t.slice(0, -1) : t, false);
        }
      }
      return new RangeCutter(fh, size, threads, Math.max(1, minBytes), format, headStreams);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** The next range in file order, or null when the whole file has been handed out. Calls are served one at a time. */
  next(): Promise<FileRange | null> {
    const r = this.queue.then(() => this.cut());
    this.queue = r.catch(() => undefined);
    return r;
  }

  private async cut(): Promise<FileRange | null> {
    if (this.done) return null;
    const { size, threads, prev } = this;
    const left = size - prev;
    // the threads still without a range get one each of what is left
    const owed = threads - this.ranges.length;
    let want = Math.max(this.minBytes, Math.ceil(this.ranges.length === 0 ? left / threads : left / (2 * threads)));
    if (owed > 1) want = Math.min(want, Math.floor(left / owed));
    const from = prev + want;
    // the last range is never much smaller than the one before it
    const limit = size - Math.floor(want / 4);
    const end = from >= limit ? null : await findCut(this.fh, this.format, this.headStreams, from, limit, prev);
    if (end === null) this.done = true;
    const range = { start: prev, end: end ?? size, format: this.format };
    this.prev = range.end;
    this.ranges.push(range);
    return range;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.fh.close();
  }
}

/** The first cut at or after `from` and before `limit`, reading no further back than `floor`. */
async function findCut(fh: FileHandle, format: TextFormat, headStreams: Set<Stream>, from: number, limit: number, floor: number): Promise<number | null> {
  // Most cuts are found within a few lines of `from`: read a little past it first, more only when needed.
  let ahead = FIRST_BLOCK;
  let back = LOOK_BACK;
  while (from < limit) {
    const blockStart = Math.max(floor, from - back);
    const buf = await readAt(fh, blockStart, ahead + (from - blockStart));
    if (buf.length === 0) return null;
    // Panic-part positions in the block.
    const marks: number[] = [];
    for (const m of MARKERS) for (let i = buf.indexOf(m); i !== -1; i = buf.indexOf(m, i + 1)) marks.push(blockStart + i);
    marks.sort((a, b) => a - b);
    // Complete lines of the block (the first piece may be a cut line unless the block starts the file / a range).
    const starts: number[] = [];
    const ends: number[] = [];
    let p = blockStart === floor ? 0 : buf.indexOf(10) + 1;
    if (blockStart !== floor && p === 0) return null; // no line end in a whole block
    for (let nl = buf.indexOf(10, p); nl !== -1; nl = buf.indexOf(10, p)) {
      starts.push(p);
      ends.push(nl);
      p = nl + 1;
    }
    if (starts.length === 0) return null;
    // Whether line j is usable around a cut (its stream), looked at only for lines near a candidate.
    const memo: (Stream | null | undefined)[] = new Array<Stream | null | undefined>(starts.length);
    const streamOf = (j: number): Stream | null => {
      let v = memo[j];
      if (v === undefined) memo[j] = v = goodLine(format, lineText(buf, starts[j]!, ends[j]!));
      return v;
    };
    // The line holding byte `at` of the block.
    const lineAt = (at: number): number => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    // Every panic part before line i has AGED_RECORDS usable lines of its stream between it and i. A part behind
    // `floor` belongs to the range before (the parser starts afresh there); the parts behind the block, not read,
    // are taken to be right before its first line, on every stream.
    const everyStream: Stream[] = headStreams.size > 0 ? [...headStreams] : ['unknown'];
    // The parts in the block's lines, in order, with their line and stream (the first piece counts as behind it).
    const markLines: number[] = [];
    const markStreams: Stream[] = [];
    for (const mark of marks) {
      const at = mark - blockStart;
      if (at < starts[0]!) continue;
      const line = lineAt(at);
      if (markLines[markLines.length - 1] === line) continue;
      markLines.push(line);
      markStreams.push(unwrapped(format, lineText(buf, starts[line]!, ends[line]!))?.stream ?? 'unknown');
    }
    // Per stream, the last part before the candidate (candidates only move forward).
    const latest = new Map<Stream, number>();
    if (blockStart !== floor) for (const st of everyStream) latest.set(st, -1);
    let mp = 0;
    const panicsLetGo = (i: number): boolean => {
      while (mp < markLines.length && markLines[mp]! < i) latest.set(markStreams[mp]!, markLines[mp++]!);
      for (const [st, line] of latest) {
        let n = 0;
        for (let j = i - 1; j > line && n < AGED_RECORDS; j--) if (streamOf(j) === st) n++;
        if (n < AGED_RECORDS) return false;
      }
      return true;
    };
    let i = 0;
    while (i < starts.length && blockStart + starts[i]! < from) i++;
    candidates: while (i + CUT_WINDOW <= starts.length) {
      const c = blockStart + starts[i]!;
      if (c >= limit) return null;
      if (i < CUT_WINDOW) {
        i++;
        continue;
      }
      // CUT_WINDOW usable lines on each side; a bad one moves the next candidate past it.
      for (let j = i + CUT_WINDOW - 1; j >= i - CUT_WINDOW; j--) {
        if (streamOf(j) === null) {
          i = Math.max(i, j) + 1;
          continue candidates;
        }
      }
      if (!panicsLetGo(i)) {
        i++;
        continue;
      }
      if (headStreams.size > 1) {
        const before = new Set<Stream | null | undefined>();
        for (let j = i - CUT_WINDOW; j < i; j++) before.add(memo[j]);
        let all = true;
        for (const st of headStreams) if (!before.has(st)) all = false;
        if (!all) {
          i++;
          continue;
        }
      }
      return c;
    }
    // Next block: from the last line start seen (the windows and the gap are read again behind it), reading more.
    const next = blockStart + starts[Math.max(0, starts.length - CUT_WINDOW)]!;
    if (next <= from || buf.length < ahead + (from - blockStart)) return null;
    from = next;
    ahead = Math.min(ahead * 4, BLOCK);
    back = Math.min(back * 4, BLOCK);
  }
  return null;
}

/** A Source reading one byte range of a file (the same pipeline as the whole file, src/pipeline.ts). */
export function fileRangeSource(path: string, range: FileRange, signal?: AbortSignal): Source {
  return { info: { spec: path, kind: 'file', name: path }, read: (onLine, quiet) => readFile(path, path, onLine, signal, range, quiet) };
}

/** Bytes of a file's start that busyShare reads. */
const BUSY_SAMPLE = 256 << 10;

/**
 * The share of the lines in a file's first 256 KB that the byte-level test (starts.ts quietStart) does not find quiet,
 * unwrapped as the scan unwraps them: the lines that may make an event. null for an empty sample. (Some 1,000 lines,
 * read and tested in ~11 ms, where the first MB took ~30 ms of every big scan's start.)
 */
export async function busyShare(path: string): Promise<number | null> {
  const fh = await open(path, 'r');
  let sample: Buffer;
  try {
    sample = await readAt(fh, 0, BUSY_SAMPLE);
  } finally {
    await fh.close();
  }
  const end = sample.lastIndexOf(10) + 1;
  let quiet = 0;
  let all = 0;
  const d = new DetectingDecoder('', (l) => {
    const n = l.count ?? 1;
    all += n;
    if (l.quiet === true) quiet += n;
  }, undefined, quietStart);
  d.push(sample.subarray(0, end));
  d.end();
  return all === 0 ? null : (all - quiet) / all;
}
