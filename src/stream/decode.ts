// Saved logs (files, stdin) → Lines: detect how the bytes are wrapped from their start, then unwrap every line.
import type { Stream } from '../events.js';
import type { Line, QuietTest } from './types.js';
import { MAX_LINE_CHARS } from './types.js';
import { LineSplitter, capText, type QuietHandler } from './lines.js';
import { FrameDemuxer, looksLikeFrames } from './frames.js';
import { MessageAssembler, type QuietStreams } from './messages.js';
import { detectTextFormat, parseJsonFileLine, stripCompose, type JsonFileEntry, type TextFormat } from './wrappers.js';
import { dockerTsPrefixLength, dockerTsPrefixLengthBytes } from '../time.js';

export type LineSink = (line: Line) => void;
/** What a byte source feeds. */
export interface ByteDecoder {
  push(chunk: Buffer): void;
  end(): void;
}
/** Everything a decoder found out, for the caller's statistics. */
export interface DecodeInfo {
  format: TextFormat | 'frames' | null;
  /** Bytes of a Docker frame cut short at the end of a saved multiplexed stream. */
  truncatedFrameBytes: number;
}

function line(source: string, stream: Stream, dockerTime: string | null, text: string, oversized: boolean): Line {
  return oversized ? { source, stream, dockerTime, text, oversized } : { source, stream, dockerTime, text };
}

/** The quiet Line of one source and stream (one object, handed over again and again: readers never keep Lines). */
export function quietLine(source: string, stream: Stream): Line {
  return { source, stream, dockerTime: null, text: '', quiet: true };
}

const utf8 = (b: Uint8Array, from: number, to: number): string => Buffer.prototype.utf8Slice.call(b, from, to) as string;
const latin1 = (b: Uint8Array, from: number, to: number): string => Buffer.prototype.latin1Slice.call(b, from, to) as string;

/** `{"log":"` */
const JSON_LOG = Buffer.from('{"log":"');
/** `","stream":"stdout","time":"` after the message's `\n` */
const JSON_STDOUT = Buffer.from('","stream":"stdout","time":"');
const JSON_STDERR = Buffer.from('","stream":"stderr","time":"');

/** Where the parts of a json-file line are, as jsonFileMessage found them. */
export interface JsonSpan {
  /** The message text: `start` to `end` (before its `\n` or `\r\n`). */
  start: number;
  end: number;
  /** It ended with `\r\n`. */
  crlf: boolean;
  /** The time's characters. */
  timeFrom: number;
  timeTo: number;
}

/**
 * A json-file line in Docker's own shape, when the slow path (JSON.parse) would read exactly its bytes as the line
 * (`engineWritten`: the file is the engine's own, whose encoder escapes every quote and control byte, so they need not
 * be looked for):
 * `{"log":"<text>\n","stream":"stdout|stderr","time":"<time>"}`, no escape and no control byte in the text (JSON.parse
 * would refuse a raw control byte), a time of plain characters, nothing after. Returns the stream and fills `span`, or
 * null for any other line (a line Docker cut in 16 KB parts has no `\n`: null).
 */
export function jsonFileMessage(b: Buffer, from: number, to: number, span: JsonSpan, engineWritten = false): 'stdout' | 'stderr' | null {
  if (to - from < 60) return null;
  for (let k = 0; k < JSON_LOG.length; k++) if (b[from + k] !== JSON_LOG[k]) return null;
  let i = from + JSON_LOG.length;
  if (engineWritten) {
    // The engine's encoder escapes quotes and control bytes: the first backslash ends the plain text. (A message
    // always holds one, its `\n`, unless it is a 16 KB part: then the search runs on into the next line, and fails.)
    i = b.indexOf(92, i);
    if (i === -1 || i >= to) return null;
  } else {
    while (i < to) {
      const c = b[i]!;
      if (c === 92 /* \ */ || c < 32 || c === 34 /* " */) break;
      i++;
    }
  }
  if (b[i] !== 92) return null;
  const end = i;
  let crlf = false;
  if (b[i + 1] === 114 /* r */ && b[i + 2] === 92) {
    i += 2; // `\r\n`: the line ending, dropped like the \n
    crlf = true;
  }
  if (b[i + 1] !== 110 /* n */) return null;
  i += 2;
  // `","stream":"stdout","time":"`
  const tag = b[i + 15] === 111 /* the o of stdout */ ? JSON_STDOUT : JSON_STDERR;
  if (to - i < tag.length + 2) return null;
  for (let k = 0; k < tag.length; k++) if (b[i + k] !== tag[k]) return null;
  i += tag.length;
  const timeFrom = i;
  // the time: digits, `-:.TZ+`, then `"}` and the end of the line
  while (i < to) {
    const c = b[i]!;
    if ((c >= 48 && c <= 58) || c === 45 || c === 46 || c === 84 || c === 90 || c === 43) i++;
    else break;
  }
  if (i + 2 !== to || b[i] !== 34 || b[i + 1] !== 125) return null;
  span.start = from + JSON_LOG.length;
  span.end = end;
  span.crlf = crlf;
  span.timeFrom = timeFrom;
  span.timeTo = i;
  return tag === JSON_STDOUT ? 'stdout' : 'stderr';
}

/** Removes the wrapper of one text format from each physical line. */
export class Unwrapper {
  /** json-file: a line Docker cut into 16 KB entries (no `\n` at the end of `log`) waits here, per stream. */
  private partial = new Map<Stream, { text: string; time: string | null; cut: boolean }>();
  /**
   * Quiet lines in a row of one stream, not handed over yet: a run goes out as one quiet Line with its `count` (before
   * the next line that is not one of them, and at the end of every chunk: `flushQuiet`), so a busy log's bulk costs
   * one call down the pipeline per run, not per line.
   */
  private quietRun = 0;
  private quietStream: Stream = 'unknown';
  private readonly quietLines: Record<Stream, Line>;
  /** Every Line this unwrapper makes goes out here: a waiting quiet run first. */
  private readonly emit: LineSink;
  /**
   * The byte-level fast path for this format, for the LineSplitter (null without a QuietTest, and for compose): a quiet
   * line becomes a quiet Line; a `-t` or json-file line that is not quiet is unwrapped on its bytes (only the message is
   * decoded, the timestamp read as ASCII), which is what line() would make of its decoded text.
   */
  readonly tryQuiet: QuietHandler | null = null;

  constructor(
    private readonly source: string,
    private readonly format: TextFormat,
    out: LineSink,
    quiet?: QuietTest,
  ) {
    const emit: LineSink = (l) => {
      if (this.quietRun > 0) this.flushQuiet();
      out(l);
    };
    this.emit = emit;
    this.quietLines = { unknown: quietLine(source, 'unknown'), stdout: quietLine(source, 'stdout'), stderr: quietLine(source, 'stderr') };
    this.flushQuiet = () => {
      const n = this.quietRun;
      if (n === 0) return;
      this.quietRun = 0;
      const l = this.quietLines[this.quietStream];
      l.count = n;
      out(l);
    };
    if (quiet === undefined) return;
    const one = (stream: Stream) => {
      if (this.quietRun > 0 && stream !== this.quietStream) this.flushQuiet();
      this.quietStream = stream;
      this.quietRun++;
    };
    switch (format) {
      case 'plain':
        this.tryQuiet = (b, from, to) => quiet(b, from, to) && (one('unknown'), true);
        break;
      case 'docker-t':
        this.tryQuiet = (b, from, to) => {
          const n = dockerTsPrefixLengthBytes(b, from, to);
          if (quiet(b, from + n, to)) one('unknown');
          else if (n === 0) return false;
          else emit({ source, stream: 'unknown', dockerTime: latin1(b, from, from + n - 1), text: utf8(b, from + n, to) });
          return true;
        };
        break;
      case 'json-file': {
        const span: JsonSpan = { start: 0, end: 0, crlf: false, timeFrom: 0, timeTo: 0 };
        const partial = this.partial;
        this.tryQuiet = (b, from, to) => {
          const stream = jsonFileMessage(b, from, to, span);
          if (stream === null || (partial.size > 0 && partial.has(stream))) return false;
          const at = from + JSON_LOG.length;
          if (quiet(b, at, span.end)) one(stream);
          else emit({ source, stream, dockerTime: latin1(b, span.timeFrom, span.timeTo), text: utf8(b, at, span.end) });
          return true;
        };
        break;
      }
      case 'compose':
        break;
    }
  }

  line(text: string, oversized: boolean): void {
    const src = this.source;
    switch (this.format) {
      case 'plain': {
        // a json-file line in a mixed paste (after other lines, or indented in a code block): unwrapped as the
        // file's own would be
        if (!oversized) {
          let i = 0;
          for (let c = text.charCodeAt(0); c === 32 || c === 9; c = text.charCodeAt(++i));
          if (text.startsWith('{"log":', i)) {
            const e = parseJsonFileLine(i === 0 ? text : text.slice(i));
            if (e !== null) return this.jsonEntry(e);
          }
        }
        this.emit(line(src, 'unknown', null, text, oversized));
        return;
      }
      case 'docker-t': {
        const n = dockerTsPrefixLength(text);
        if (n === 0) this.emit(line(src, 'unknown', null, text, oversized));
        else this.emit(line(src, 'unknown', text.slice(0, n - 1), text.slice(n), oversized));
        return;
      }
      case 'compose': {
        const c = stripCompose(text);
        const body = c ? c.text : text;
        const n = dockerTsPrefixLength(body); // `docker compose logs -t`
        if (n === 0) this.emit(line(src, 'unknown', null, body, oversized));
        else this.emit(line(src, 'unknown', body.slice(0, n - 1), body.slice(n), oversized));
        return;
      }
      case 'json-file':
        this.jsonLine(text, oversized);
        return;
    }
  }

  private jsonLine(text: string, oversized: boolean): void {
    const e = oversized ? null : parseJsonFileLine(text);
    if (!e) {
      this.emit(line(this.source, 'unknown', null, text, oversized));
      return;
    }
    this.jsonEntry(e);
  }

  /** One json-file entry: a whole message, or a 16 KB part kept until its message is complete. */
  private jsonEntry(e: JsonFileEntry): void {
    const complete = e.log.endsWith('\n');
    let body = complete ? e.log.slice(0, e.log.endsWith('\r\n') ? -2 : -1) : e.log;
    const prev = this.partial.get(e.stream);
    let time = e.time;
    let cut = false;
    if (prev) {
      this.partial.delete(e.stream);
      time = prev.time;
      cut = prev.cut;
      body = cut ? prev.text : prev.text + body;
    }
    if (body.length > MAX_LINE_CHARS) {
      body = capText(body, MAX_LINE_CHARS);
      cut = true;
    }
    if (complete) this.emit(line(this.source, e.stream, time, body, cut));
    else this.partial.set(e.stream, { text: body, time, cut });
  }

  /** Hand over the quiet run waiting, if any: at the end of every chunk, so nothing is held back while a file is followed. */
  readonly flushQuiet: () => void;

  end(): void {
    this.flushQuiet();
    for (const [stream, p] of this.partial) this.emit(line(this.source, stream, p.time, p.text, p.cut));
    this.partial.clear();
  }
}

const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 20;

/**
 * Collects the first bytes of a saved log (up to 20 lines or 64 KB), decides its format — a multiplexed Docker
 * stream, json-file, `docker logs -t`, `docker compose logs`, or plain — and then decodes everything with it.
 */
export class DetectingDecoder implements ByteDecoder {
  private head: Buffer[] = [];
  private headLen = 0;
  private newlines = 0;
  private inner: ByteDecoder | null = null;
  readonly info: DecodeInfo = { format: null, truncatedFrameBytes: 0 };

  /**
   * `format`: a text format already detected on the file's head (a byte range that starts mid-file, src/sources/split.ts):
   * no detection, every line unwrapped with it.
   */
  constructor(
    private readonly source: string,
    private readonly emit: LineSink,
    format?: TextFormat,
    private readonly quiet?: QuietTest,
  ) {
    if (format !== undefined) this.textDecoder(format);
  }

  /** `chunk` is only read during the call (a file reader hands over the same buffer again): what is kept is copied. */
  push(chunk: Buffer): void {
    if (this.inner) return this.inner.push(chunk);
    this.head.push(Buffer.from(chunk));
    this.headLen += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1 && this.newlines <= SAMPLE_LINES; i = chunk.indexOf(10, i + 1)) this.newlines++;
    if (this.headLen >= SAMPLE_BYTES || this.newlines > SAMPLE_LINES) this.decide(false);
  }

  end(): void {
    if (!this.inner) this.decide(true);
    this.inner!.end();
  }

  /**
   * Decide the format on the head collected so far, if it is not decided yet (a followed file that has fewer than
   * 20 lines and 64 KB: its lines are wanted now, not once more have come). The head's last piece, perhaps a cut
   * line, is left out of the decision, as it is before any decision on a head that is still growing.
   */
  settle(): void {
    if (!this.inner && this.headLen > 0) this.decide(false);
  }

  /** The format is decided (settle, or enough of the head came). */
  get settled(): boolean {
    return this.inner !== null;
  }

  private decide(atEnd: boolean): void {
    const head = Buffer.concat(this.head, this.headLen);
    this.head = [];
    if (looksLikeFrames(head)) {
      this.info.format = 'frames';
      const source = this.source;
      const asm = new MessageAssembler((stream, ts, text, oversized) => this.emit(line(source, stream, ts, text, oversized)), undefined, this.quietStreams());
      const demux = new FrameDemuxer((stream, payload) => asm.frame(stream, payload));
      const info = this.info;
      this.inner = {
        push: (c) => demux.push(c),
        end: () => {
          demux.end();
          info.truncatedFrameBytes = demux.truncatedBytes;
          asm.end();
        },
      };
    } else {
      this.textDecoder(detectHeadFormat(head, atEnd));
    }
    if (head.length > 0) this.inner!.push(head);
  }

  private quietStreams(): QuietStreams | undefined {
    const test = this.quiet;
    if (test === undefined) return undefined;
    const q = { stdout: quietLine(this.source, 'stdout'), stderr: quietLine(this.source, 'stderr'), unknown: quietLine(this.source, 'unknown') };
    return { test, onQuiet: (stream) => this.emit(q[stream]) };
  }

  private textDecoder(format: TextFormat): void {
    this.info.format = format;
    const unwrap = new Unwrapper(this.source, format, this.emit, this.quiet);
    const split = new LineSplitter((text, oversized) => unwrap.line(text, oversized), MAX_LINE_CHARS, unwrap.tryQuiet);
    this.inner = {
      push: (c) => {
        if (c.indexOf(0) === -1) split.push(c);
        else pushAroundNuls(split, c);
        unwrap.flushQuiet();
      },
      end: () => {
        split.end();
        unwrap.end();
      },
    };
  }
}

/**
 * A run of NUL bytes this long ends the line it interrupts. Shorter ones inside a line are left to the parser: the
 * 8-byte header of a Docker frame pasted as text holds up to 7 (`\x01` + NUL×6 + size, peeled in src/parse); a hole
 * left by a crash is a file-system block or more.
 */
const NUL_RUN_ENDS_LINE = 16;

/**
 * A file cut by a crash (a json-file log, an app log) holds a run of NUL bytes where the lost writes were, and the
 * next record starts right after it, on the same physical line: `{"log":"trunc` + NUL×4096 + `{"log":"next…"}\n`.
 * The run is dropped; when it starts a line or is long (16 bytes), it also ends the line before it, so the next record is
 * read as a line of its own instead of being lost inside (or behind the cap of) a line of zeros.
 */
function pushAroundNuls(split: LineSplitter, chunk: Buffer): void {
  let at = 0;
  for (let nul = chunk.indexOf(0); nul !== -1; nul = chunk.indexOf(0, at)) {
    let end = nul;
    while (end < chunk.length && chunk[end] === 0) end++;
    const lineStart = nul === 0 ? !split.hasPartial : chunk[nul - 1] === 10;
    if (lineStart || end - nul >= NUL_RUN_ENDS_LINE) {
      if (nul > at) split.push(chunk, at, nul);
      if (!lineStart && split.hasPartial) split.flush();
    } else if (end > at) split.push(chunk, at, end); // a short run inside a line stays in it
    at = end;
  }
  if (at < chunk.length) split.push(chunk, at, chunk.length);
}

/** The text format of a saved log from its first bytes (not a multiplexed stream); `atEnd`: the head is the whole input. */
export function detectHeadFormat(head: Buffer, atEnd: boolean): TextFormat {
  // NUL runs (a crash) part lines as the decoder parts them.
  const sample = head
    .toString('utf8', 0, Math.min(head.length, SAMPLE_BYTES))
    .replace(/\0{16,}|^\0+|(?<=\n)\0+/g, '\n')
    .split('\n');
  if (!atEnd || head.length > SAMPLE_BYTES) sample.pop(); // the last piece may be a cut line
  return detectTextFormat(sample.slice(0, SAMPLE_LINES).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
}

/** How many bytes of a file's head the format is detected on. */
export const HEAD_SAMPLE_BYTES = SAMPLE_BYTES;
