// What a dialect is: one file in src/parse/dialects/ that knows how its records start and how a record becomes
// events. `starts.ts` (which physical lines open a record) and `parser.ts` (records → events) are folds over the list
// in `dialects/index.ts`; a new fork is one dialect file, one line in that list and one table test.
import type { LogRecord } from '../stream/types.js';
import type { Tools } from './context.js';

/** Not a record start: continues the open record of its stream. */
export const CONTINUATION = 0;
/** Empty / `\r` / whitespace-only: belongs to the following GORM or `[Recovery]` record, else to the previous one. */
export const BLANK = 1;
/** Opens a record. */
export const START = 2;
/** Opens a Go std-log record (`2025/02/21 19:31:07 …`: GORM, gin `[Recovery]`, net/http): takes the blank lines before it. */
export const STDLOG_START = 3;
/**
 * Opens a record unless the open record of its stream is a Go stack (a crash dump's second goroutine, the stack of
 * `stacktrace from panic: …`): `goroutine 1 [running]:` with no `panic:` line above it is still a crash.
 */
export const STACK_START = 4;
/** Opens a record unless the open record of its stream is a GORM trace: `[error] …` whose `date file.go:N` line was lost. */
export const DETAIL_START = 5;

export type StartKind = typeof CONTINUATION | typeof BLANK | typeof START | typeof STDLOG_START | typeof STACK_START | typeof DETAIL_START;

/**
 * Answers of `Dialect.quiet`, the byte-level question asked before a line is decoded (starts.ts `quietStart`).
 * NOT_MINE: `start(text)` is CONTINUATION and `parse()` returns false for a record opening with the line, so the fold
 * may ask the next dialect.
 */
export const NOT_MINE = 0;
/**
 * QUIET: `start(text)` is START, and `parse()` of a record opening with the line returns true without emitting an event
 * or touching any state, whatever lines follow it (a `[GIN] … 200 …` access line, an `[INFO]` consume log).
 */
export const QUIET = 1;
/** UNSURE: anything else (an event, or a line the byte test does not cover): the line is decoded and read as usual. */
export const UNSURE = 2;
export type Quietness = typeof NOT_MINE | typeof QUIET | typeof UNSURE;

export interface Dialect {
  /** File name in src/parse/dialects/ and the name docs/formats.md uses. */
  readonly name: string;
  /** The first characters (UTF-16 codes) its record-opening lines can have: the fold only asks dialects that fit. */
  readonly firstChars: readonly number[];
  /**
   * Does this physical line open one of this dialect's records? A few character comparisons at fixed offsets (no
   * regex, no allocation): it runs for every line of every log, and a byte-level fast path can ask the same question.
   * The line is as the stream hands it over, trailing `\r` included, prefixes already peeled (`peel.ts`).
   */
  start(text: string): StartKind;
  /**
   * The record's events. `first` is `r.lines[idx]` with ANSI/NUL/BOM already removed when it began with one. Returns
   * false when the record is not this dialect's after all (the next dialect for the same first character is tried;
   * when none knows it, the record counts as unparsed).
   */
  parse(first: string, r: LogRecord, idx: number, t: Tools): boolean;
  /**
   * The same question as `start` and `parse` together, asked on the line's UTF-8 bytes `b[from, to)` (no line ending,
   * a `\r` before the `\n` already dropped) before any string is made: is this one of my record starts, and can its
   * record make no event? It reads the bytes at the offsets `start`/`parse` read the characters (byte and character
   * offsets agree while the bytes are ASCII, so it answers UNSURE when they are not) and must never answer QUIET or
   * NOT_MINE wrongly: when in doubt, UNSURE. Optional: a dialect without it is UNSURE for every line it may own.
   */
  quiet?(b: Uint8Array, from: number, to: number): Quietness;
}

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** True when the bytes `b[from, to)` are all ASCII (so byte offsets in them are character offsets). */
export function isAscii(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/** The first `c` in `b[from, to)`, or -1. (Buffer#indexOf would search past `to`, into the lines after this one.) */
export function indexOfByte(b: Uint8Array, c: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (b[i] === c) return i;
  return -1;
}

/** `b[from, to)` starts with the bytes `p`. */
export function startsWithBytes(b: Uint8Array, from: number, to: number, p: Uint8Array): boolean {
  if (to - from < p.length) return false;
  for (let i = 0; i < p.length; i++) if (b[from + i] !== p[i]) return false;
  return true;
}

/** Character codes `from`..`to` inclusive. */
export function charRange(from: string, to: string): number[] {
  const out: number[] = [];
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out.push(c);
  return out;
}
