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
}

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Character codes `from`..`to` inclusive. */
export function charRange(from: string, to: string): number[] {
  const out: number[] = [];
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out.push(c);
  return out;
}
