// Saved logs (files, stdin) → Lines: detect how the bytes are wrapped from their start, then unwrap every line.
import type { Stream } from '../events.js';
import type { Line } from './types.js';
import { MAX_LINE_CHARS } from './types.js';
import { LineSplitter, capText } from './lines.js';
import { FrameDemuxer, looksLikeFrames } from './frames.js';
import { MessageAssembler } from './messages.js';
import { detectTextFormat, dockerTsPrefixLength, parseJsonFileLine, stripCompose, type TextFormat } from './wrappers.js';

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

/** Removes the wrapper of one text format from each physical line. */
export class Unwrapper {
  /** json-file: a line Docker cut into 16 KB entries (no `\n` at the end of `log`) waits here, per stream. */
  private partial = new Map<Stream, { text: string; time: string | null; cut: boolean }>();

  constructor(
    private readonly source: string,
    private readonly format: TextFormat,
    private readonly emit: LineSink,
  ) {}

  line(text: string, oversized: boolean): void {
    const src = this.source;
    switch (this.format) {
      case 'plain':
        this.emit(line(src, 'unknown', null, text, oversized));
        return;
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

  end(): void {
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
  ) {
    if (format !== undefined) this.textDecoder(format);
  }

  push(chunk: Buffer): void {
    if (this.inner) return this.inner.push(chunk);
    this.head.push(chunk);
    this.headLen += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1 && this.newlines <= SAMPLE_LINES; i = chunk.indexOf(10, i + 1)) this.newlines++;
    if (this.headLen >= SAMPLE_BYTES || this.newlines > SAMPLE_LINES) this.decide(false);
  }

  end(): void {
    if (!this.inner) this.decide(true);
    this.inner!.end();
  }

  private decide(atEnd: boolean): void {
    const head = Buffer.concat(this.head, this.headLen);
    this.head = [];
    if (looksLikeFrames(head)) {
      this.info.format = 'frames';
      const asm = new MessageAssembler((stream, ts, text, oversized) => this.emit(line(this.source, stream, ts, text, oversized)));
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

  private textDecoder(format: TextFormat): void {
    this.info.format = format;
    const unwrap = new Unwrapper(this.source, format, this.emit);
    const split = new LineSplitter((text, oversized) => unwrap.line(text, oversized));
    this.inner = {
      push: (c) => split.push(c),
      end: () => {
        split.end();
        unwrap.end();
      },
    };
  }
}

/** The text format of a saved log from its first bytes (not a multiplexed stream); `atEnd`: the head is the whole input. */
export function detectHeadFormat(head: Buffer, atEnd: boolean): TextFormat {
  const sample = head.toString('utf8', 0, Math.min(head.length, SAMPLE_BYTES)).split('\n');
  if (!atEnd || head.length > SAMPLE_BYTES) sample.pop(); // the last piece may be a cut line
  return detectTextFormat(sample.slice(0, SAMPLE_LINES).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
}

/** How many bytes of a file's head the format is detected on. */
export const HEAD_SAMPLE_BYTES = SAMPLE_BYTES;
