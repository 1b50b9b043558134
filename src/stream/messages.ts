// Docker log messages → lines. One frame is one message: a line, or one 16 KB part of a longer line
// (docs/docker.md, "Long lines: 16 KB parts"). With timestamps every part carries the first part's timestamp, so the prefix is
// stripped per frame and parts are joined until `\n`.
import type { Stream } from '../events.js';
import type { FrameStream } from './frames.js';
import { LineSplitter, capText, type QuietHandler } from './lines.js';
import { MAX_LINE_CHARS, type QuietTest } from './types.js';
import { dockerTsPrefixLengthBytes, stripDockerTs } from '../time.js';

/** Receives one line of a Docker stream. */
export type DockerLineHandler = (stream: Stream, dockerTime: string | null, text: string, oversized: boolean) => void;

/** The byte-level fast path for a Docker stream: lines `test` finds quiet go to `onQuiet` undecoded. */
export interface QuietStreams {
  test: QuietTest;
  onQuiet: (stream: Stream) => void;
}


interface PerStream {
  splitter: LineSplitter;
  /** Timestamp of the line being assembled. */
  lineTs: string | null;
}

/**
 * Turns the frames of a multiplexed stream into lines, stdout and stderr apart. A timestamp prefix is taken from
 * each frame when present. An unterminated message followed by a message with another timestamp is a line of its
 * own (the program printed no newline before exiting, or before a restart).
 */
export class MessageAssembler {
  private readonly streams: Record<FrameStream, PerStream>;

  constructor(onLine: DockerLineHandler, maxChars = MAX_LINE_CHARS, quiet?: QuietStreams) {
    const make = (stream: FrameStream): PerStream => {
      const tryQuiet: QuietHandler | null = quiet ? (b, from, to) => quiet.test(b, from, to) && (quiet.onQuiet(stream), true) : null;
      const st: PerStream = {
        lineTs: null,
        splitter: new LineSplitter((text, oversized) => onLine(stream, st.lineTs, text, oversized), maxChars, tryQuiet),
      };
      return st;
    };
    this.streams = { stdout: make('stdout'), stderr: make('stderr') };
  }

  frame(stream: FrameStream, payload: Buffer): void {
    const st = this.streams[stream];
    const n = dockerTsPrefixLengthBytes(payload, 0, payload.length);
    const ts = n > 0 ? payload.toString('latin1', 0, n - 1) : null;
    if (st.splitter.hasPartial) {
      if (ts !== st.lineTs) {
        st.splitter.flush();
        st.lineTs = ts;
      }
    } else st.lineTs = ts;
    st.splitter.push(payload, n);
  }

  /**
   * One message whose timestamp is known apart from its text (read from the engine's files): `b[from, to)` is its text
   * without the line ending, `ending` 0 (a 16 KB part, or output cut off without a newline), 1 `\n` or 2 `\r\n`. The
   * same lines as frame() of the API's payload `<ts> <text><ending>`. The text must hold no `\n` of its own.
   */
  message(stream: FrameStream, ts: string | null, b: Buffer, from: number, to: number, ending: 0 | 1 | 2): void {
    const st = this.streams[stream];
    if (st.splitter.hasPartial) {
      if (ts !== st.lineTs) {
        st.splitter.flush();
        st.lineTs = ts;
      }
    } else st.lineTs = ts;
    if (ending === 0) st.splitter.push(b, from, to);
    else st.splitter.pushLine(b, from, to, ending === 2);
  }

  /** True while a line of `stream` is waiting for the rest of its parts. */
  hasPartial(stream: FrameStream): boolean {
    return this.streams[stream].splitter.hasPartial;
  }

  /** End of the stream: unterminated last messages become lines. */
  end(): void {
    this.streams.stdout.splitter.flush();
    this.streams.stderr.splitter.flush();
  }
}

/**
 * A TTY container's log: no frames, stdout and stderr merged by the pty, `\r\n` endings, and (with timestamps)
 * a prefix per message. A line that Docker cut into 16 KB parts has the same timestamp again inside it; that
 * copy is removed.
 */
export class TtyAssembler {
  private readonly splitter: LineSplitter;

  constructor(onLine: DockerLineHandler, maxChars = MAX_LINE_CHARS, quiet?: QuietStreams) {
    // A line under 16,000 bytes has no copy of its timestamp inside to remove: its bytes after the prefix are its text.
    const tryQuiet: QuietHandler | null = quiet
      ? (b, from, to) => to - from <= 16_000 && quiet.test(b, from + dockerTsPrefixLengthBytes(b, from, to), to) && (quiet.onQuiet('stdout'), true)
      : null;
    this.splitter = new LineSplitter(
      (text, oversized) => {
        const s = stripDockerTs(text);
        if (!s) return onLine('stdout', null, text, oversized);
        let body = s.text;
        if (body.length > 16_000) body = body.split(`${s.ts} `).join('');
        if (body.length > maxChars) onLine('stdout', s.ts, capText(body, maxChars), true);
        else onLine('stdout', s.ts, body, oversized);
      },
      maxChars + 40,
      tryQuiet,
    );
  }

  push(chunk: Buffer, from = 0, to = chunk.length): void {
    this.splitter.push(chunk, from, to);
  }

  end(): void {
    this.splitter.flush();
  }
}
