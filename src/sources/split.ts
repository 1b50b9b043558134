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
// Where the cuts go: where the file's work (its lines, those that may make an event weighing more), estimated from
// samples, is shared out evenly; the search moves forward from there. When no cut is found, the rest is one range
// (no cut at all: the file is read sequentially).
import { open, type FileHandle } from 'node:fs/promises';
import type { Stream } from '../events.js';
import { looksLikeFrames } from '../stream/frames.js';
import { DetectingDecoder, detectHeadFormat, HEAD_SAMPLE_BYTES, Unwrapper } from '../stream/decode.js';
import type { TextFormat } from '../stream/wrappers.js';
import { MAX_LINE_CHARS, type Line } from '../stream/types.js';
import { START, quietStart, startKind } from '../parse/starts.js';
import { GIN_ECHO_RECORDS, PENDING_MAX_RECORDS } from '../parse/panics.js';
import { readFile, type FileRange } from './files.js';
import { markIncomplete, type Source, type SourceInfo } from './types.js';

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

/** Samples of a file's lines taken to weigh its parts (planRanges), evenly spread, the first at its start. */
const SAMPLES = 32;
/** Bytes read at each sample (some 70 lines of a gateway's log). */
const SAMPLE_BYTES = 16 * 1024;
/**
 * What a line that may make an event costs over a quiet one, in quiet lines: on the benchmark files a line costs
 * ~0.4 µs all told and one that may make an event (decoded, grouped, parsed, counted) ~3.3 µs more.
 */
const BUSY_LINE_COST = 8;

/** One sample: the bytes of its whole lines, their number, and how many of them may make an event. */
interface Sample {
  bytes: number;
  lines: number;
  busy: number;
}

/** What planRanges found: the share of the sampled lines that may make an event, and the ranges. */
export interface RangePlan {
  /** Lines not found quiet on their bytes over all sampled lines (null: no whole line in the samples). */
  busy: number | null;
  /**
   * One range per thread, in file order, of about the same work each (fewer where no cut was found: the rest of the
   * file is one range; one range, the whole file, when it cannot be cut at all). The first starts at 0, the last
   * ends at the file's end, each at a line start.
   */
  ranges: FileRange[];
}

/**
 * Where a plain (not gzipped, not multiplexed) file of `size` bytes is cut for `threads` threads, each reading one
 * range from start to end. The cuts are planned at once, before any thread starts, so that each range holds about
 * the same work: SAMPLES samples of SAMPLE_BYTES spread over the file are unwrapped as the scan unwraps them and
 * their lines tested on their bytes (starts.ts quietStart), a line that may make an event weighing BUSY_LINE_COST
 * more than a quiet one; the work between two samples is the earlier one's work per byte. A cut (findCut) is searched
 * forward from where the work is shared out. One range per thread rather than many small ones handed to whichever
 * thread is free: each range after a thread's first is a new pipeline over code the compiler has specialised, and
 * guided ranges took the event-heavy benchmark file 1.04-1.2x the wall time of one range per thread (paired runs,
 * docs/performance.md). null for a file that cannot be cut (gzipped, a saved multiplexed stream, under two bytes).
 */
export async function planRanges(path: string, size: number, threads: number): Promise<RangePlan | null> {
  const fh = await open(path, 'r');
  try {
    const head = await readAt(fh, 0, Math.min(size, LOOK_BACK * 2));
    if (head.length < 2 || (head[0] === 0x1f && head[1] === 0x8b) || looksLikeFrames(head)) return null;
    const format = detectHeadFormat(head, head.length <= HEAD_SAMPLE_BYTES && head.length === size);
    const headStreams = new Set<Stream>();
    if (format === 'json-file') {
      const lines = head.toString('utf8', 0, Math.min(head.length, HEAD_SAMPLE_BYTES)).split('\n');
      lines.pop();
      for (const t of lines) {
        new Unwrapper('', format, (l) => headStreams.add(l.stream)).line(t.endsWith('\r') ? t.slice(0, -1) : t, false);
      }
    }
    // the samples: at 0 and at every 32nd of the file after it
    const at = Array.from({ length: SAMPLES }, (_, i) => Math.floor((i * size) / SAMPLES));
    const samples: Sample[] = [];
    for (const a of at) samples.push(sampleAt(a === 0 ? head.subarray(0, SAMPLE_BYTES) : await readAt(fh, a, SAMPLE_BYTES), a === 0, format));
    const lines = samples.reduce((n, s) => n + s.lines, 0);
    const busy = lines === 0 ? null : samples.reduce((n, s) => n + s.busy, 0) / lines;
    if (threads < 2) return { busy, ranges: [{ start: 0, end: size, format }] };
    // Work per byte of each sample (a sample without a whole line: the file's mean), the work of the part it opens.
    const sampledBytes = samples.reduce((n, s) => n + s.bytes, 0);
    const mean = sampledBytes === 0 ? 1 : samples.reduce((n, s) => n + workOf(s), 0) / sampledBytes;
    const parts = samples.map((s, i) => ((i + 1 < SAMPLES ? at[i + 1]! : size) - at[i]!) * (s.bytes === 0 ? mean : workOf(s) / s.bytes));
    const total = parts.reduce((a, b) => a + b, 0);
    const ranges: FileRange[] = [];
    let prev = 0;
    for (let k = 1; k < threads; k++) {
      // (a share that ends before the last cut, which a dense part pushed forward, is left out: one thread fewer)
      const target = offsetOfWork(at, parts, total, size, (total * k) / threads);
      if (target >= size) break;
      if (target <= prev) continue;
      const cut = await findCut(fh, format, headStreams, target, size, prev);
      if (cut === null) break;
      ranges.push({ start: prev, end: cut, format });
      prev = cut;
    }
    ranges.push({ start: prev, end: size, format });
    return { busy, ranges };
  } finally {
    await fh.close();
  }
}

/** A sample's lines weighed: each one, and BUSY_LINE_COST more for each that may make an event. */
function workOf(s: Sample): number {
  return s.lines + BUSY_LINE_COST * s.busy;
}

/** The lines of one sample (the first piece dropped unless it starts the file, the last if it is cut) weighed. */
function sampleAt(buf: Buffer, atStart: boolean, format: TextFormat): Sample {
  const from = atStart ? 0 : buf.indexOf(10) + 1;
  const end = buf.lastIndexOf(10) + 1;
  if (from === 0 && !atStart) return { bytes: 0, lines: 0, busy: 0 };
  const s: Sample = { bytes: Math.max(0, end - from), lines: 0, busy: 0 };
  if (end <= from) return s;
  const d = new DetectingDecoder('', (l) => {
    const n = l.count ?? 1;
    s.lines += n;
    if (l.quiet !== true) s.busy += n;
  }, format, quietStart);
  d.push(buf.subarray(from, end));
  d.end();
  return s;
}

/**
 * The byte offset at which the work of the parts before it reaches `work`: the parts' start offsets `at`, their work
 * `parts` (adding up to `total`) spread evenly over their bytes. A share that ends where a part ends (to a millionth of the total) is that
 * part's end exactly, so two equal halves of a file are cut in the middle.
 */
function offsetOfWork(at: readonly number[], parts: readonly number[], total: number, size: number, work: number): number {
  let sum = 0;
  for (let i = 0; i < parts.length; i++) {
    const end = i + 1 < parts.length ? at[i + 1]! : size;
    const next = sum + parts[i]!;
    if (Math.abs(next - work) <= total * 1e-6) return end;
    if (next > work) return at[i]! + Math.floor(((work - sum) / parts[i]!) * (end - at[i]!));
    sum = next;
  }
  return size;
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
  const info: SourceInfo = { spec: path, kind: 'file', name: path };
  return { info, read: async (onLine, quiet) => markIncomplete(info, await readFile(path, path, onLine, signal, range, quiet)) };
}
