// Where a big plain log file can be cut into byte ranges that are scanned independently (the parallel
// `scan --json`, src/commands/scan-parallel.ts) and still give, merged, exactly the sequential answer.
//
// The rule (docs/scan.md, "Both cores for one big file"): a cut is the start of a line such that
//   - the CUT_WINDOW lines before it and the CUT_WINDOW lines from it on are each, unwrapped with the file's
//     format, a one-line `[GIN]` access line or One API app line (`[SYS]`, `[INFO]`, `[WARN]`, `[ERR]`, `[ERROR]`,
//     `[DEBUG]`, `[FATAL]`): a record START in its stream, never a continuation, a blank, a std-log (GORM,
//     `[Recovery]`) or crash line, so no multi-line record spans the cut and the record before it is complete;
//   - the PANIC_GAP bytes before it hold no part of a relay panic or gin panic (`panic detected`,
//     `stacktrace from panic`, `request body:`, `[Recovery]`): the parser's cross-record panic state (parts sharing a
//     request id, at most 64 records apart; gin's echo within 8) is empty at the cut;
//   - json-file: every stream seen in the file's head also has a line in the window before the cut (no stream
//     keeps a record open across it).
// The search starts at the k-th n-th of the file and moves forward; when no cut is found before the range would
// become too small, there is no split and the file is read sequentially.
import { open, type FileHandle } from 'node:fs/promises';
import type { Stream } from '../events.js';
import { looksLikeFrames } from '../stream/frames.js';
import { detectHeadFormat, HEAD_SAMPLE_BYTES, Unwrapper } from '../stream/decode.js';
import type { TextFormat } from '../stream/wrappers.js';
import { MAX_LINE_CHARS, type Line } from '../stream/types.js';
import { START, startKind } from '../parse/starts.js';
import { readFile, type FileRange } from './files.js';
import type { Source } from './types.js';

/** One-line record starts required on each side of a cut. */
export const CUT_WINDOW = 16;
/** Bytes before a cut that must hold no panic part. */
export const PANIC_GAP = 512 * 1024;
const BLOCK = 4 << 20;
const MARKERS = ['panic detected', 'stacktrace from panic', 'request body:', '[Recovery]'].map((m) => Buffer.from(m));
const APP = /^\[(?:GIN|SYS|INFO|WARN|ERR|ERROR|DEBUG|FATAL)\] /;

export interface Split {
  format: TextFormat;
  ranges: FileRange[];
}

/** A line usable around a cut: its stream, or null. */
function goodLine(format: TextFormat, text: string): Stream | null {
  if (text.length > MAX_LINE_CHARS) return null;
  let out: Line | null = null;
  let n = 0;
  new Unwrapper('', format, (l) => {
    out = l;
    n++;
  }).line(text, false);
  const l = out as Line | null;
  if (n !== 1 || l === null || l.oversized) return null;
  return startKind(l.text) === START && APP.test(l.text) ? l.stream : null;
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
 * Byte ranges for `parts` workers over a plain (not gzipped, not multiplexed) file of `size` bytes, or null when
 * the file cannot be split by the rule above. Every range starts at a line start; the first at 0, the last ends at `size`.
 */
export async function findSplit(path: string, size: number, parts: number): Promise<Split | null> {
  if (parts < 2) return null;
  const fh = await open(path, 'r');
  try {
    const head = await readAt(fh, 0, Math.min(size, 256 * 1024));
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
    const cuts: number[] = [];
    const minRange = Math.floor(size / (parts * 4));
    for (let k = 1; k < parts; k++) {
      const prev = cuts[cuts.length - 1] ?? 0;
      const cut = await findCut(fh, format, headStreams, Math.max(Math.floor((size * k) / parts), prev + minRange), size - minRange, prev);
      if (cut === null) return null;
      cuts.push(cut);
    }
    const bounds = [0, ...cuts, size];
    return { format, ranges: cuts.concat(size).map((end, i) => ({ start: bounds[i]!, end, format })) };
  } finally {
    await fh.close();
  }
}

/** The first cut at or after `from` and before `limit`, reading no further back than `floor`. */
async function findCut(fh: FileHandle, format: TextFormat, headStreams: Set<Stream>, from: number, limit: number, floor: number): Promise<number | null> {
  while (from < limit) {
    const blockStart = Math.max(floor, from - PANIC_GAP - 64 * 1024);
    const buf = await readAt(fh, blockStart, BLOCK + (from - blockStart));
    if (buf.length === 0) return null;
    // Panic-part positions in the block.
    const marks: number[] = [];
    for (const m of MARKERS) for (let i = buf.indexOf(m); i !== -1; i = buf.indexOf(m, i + 1)) marks.push(blockStart + i);
    marks.sort((a, b) => a - b);
    // Complete lines of the block (the first piece may be a cut line unless the block starts the file / a range).
    const starts: number[] = [];
    const streams: (Stream | null)[] = [];
    let p = blockStart === floor ? 0 : buf.indexOf(10) + 1;
    if (blockStart !== floor && p === 0) return null; // no line end in a whole block
    for (let nl = buf.indexOf(10, p); nl !== -1; nl = buf.indexOf(10, p)) {
      starts.push(blockStart + p);
      streams.push(goodLine(format, lineText(buf, p, nl)));
      p = nl + 1;
    }
    let run = 0; // good lines ending right before line i
    let mi = 0;
    let lastMark = -Infinity;
    for (let i = 0; i < starts.length; i++) {
      const c = starts[i]!;
      while (mi < marks.length && marks[mi]! < c) lastMark = marks[mi++]!;
      if (c >= from && c < limit && run >= CUT_WINDOW && c - lastMark > PANIC_GAP && c - PANIC_GAP >= blockStart - (blockStart === floor ? Infinity : 0)) {
        let after = true;
        for (let j = i; j < i + CUT_WINDOW; j++) {
          if (j >= starts.length || streams[j] === null) {
            after = false;
            break;
          }
        }
        let streamsOk = true;
        if (after && headStreams.size > 1) {
          const before = new Set(streams.slice(i - CUT_WINDOW, i));
          for (const s of headStreams) if (!before.has(s)) streamsOk = false;
        }
        if (after && streamsOk) return c;
      }
      run = streams[i] === null ? 0 : run + 1;
    }
    if (starts.length === 0) return null;
    // Next block: from the last line start seen (the windows and the gap are read again behind it).
    const next = starts[starts.length - 1]!;
    if (next <= from) return null;
    from = next;
  }
  return null;
}

/** A Source reading one byte range of a file (the same pipeline as the whole file, src/pipeline.ts). */
export function fileRangeSource(path: string, range: FileRange, signal?: AbortSignal): Source {
  return { info: { spec: path, kind: 'file', name: path }, read: (onLine, quiet) => readFile(path, path, onLine, signal, range, quiet) };
}
