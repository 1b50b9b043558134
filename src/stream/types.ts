// Shapes passed between the pipeline stages (docs/architecture.md). Types only.
import type { Stream } from '../events.js';

/** One physical line after the source has removed its wrappers (Docker timestamp, compose prefix, json-file envelope). */
export interface Line {
  /** Where the line came from: container name, file path, `-`. */
  source: string;
  stream: Stream;
  /** Docker's RFC3339Nano timestamp when the source carries one (`docker logs -t`, json-file `time`, the API). */
  dockerTime: string | null;
  /** The text without its line ending. Invalid UTF-8 is replaced (U+FFFD); a line over the cap is cut. */
  text: string;
  /** True when the line was longer than the cap (`MAX_LINE_CHARS`) and was cut. */
  oversized?: boolean;
  /**
   * A line the byte-level test (`QuietTest`) found to open a record that makes no event: never decoded, so `text` is
   * empty and `dockerTime` null. Only handed over to a reader that passed a QuietTest.
   */
  quiet?: true;
  /**
   * A quiet Line may stand for a run of quiet lines of its stream, one after the other (a file's decoder hands a run
   * over as one Line, src/stream/decode.ts): how many. Absent means one.
   */
  count?: number;
}

/**
 * The byte-level fast path's question (src/parse/starts.ts `quietStart`): do the UTF-8 bytes `b[from, to)` of a line
 * (no line ending) open a record that makes no event whatever follows? A source given one may hand such lines over as
 * quiet Lines instead of decoding them.
 */
export type QuietTest = (b: Uint8Array, from: number, to: number) => boolean;

/** A record: one write of the application, possibly several physical lines, grouped per stream. */
export interface LogRecord {
  source: string;
  stream: Stream;
  /** The Docker timestamp of the record's first line, when known. */
  dockerTime: string | null;
  /** Physical lines, first one first; ANSI codes and trailing `\r`/single space are NOT removed here (parsers do it). */
  lines: string[];
  /** Order of the record in its input, a tie-breaker for equal timestamps. */
  seq: number;
  /** True when the record was still open at end of input (e.g. a crash dump cut short). */
  atEnd?: boolean;
  /**
   * A GUI's own time stamp that was peeled from the record's first line (`2025-06-11 09:14:02 `, Docker Desktop's log
   * view; src/parse/peel.ts): naive, read in the zone like app times, used only when the record has no time of its own.
   */
  pastedTime?: string;
  /** Opened by a quiet Line: makes no event; `lines` holds only the lines that continued it, `dockerTime` is null. */
  quiet?: true;
  /**
   * A quiet record opened by a run of quiet lines stands for that many records, one per line (`seq` is the last
   * one's); lines that continue it continue the last. Absent means one.
   */
  count?: number;
}

/** Longest line the pipeline keeps, in characters; longer lines are cut to this and counted as oversized. */
export const MAX_LINE_CHARS = 64 * 1024;
