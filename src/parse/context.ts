// What a dialect knows about the record it is reading, and the services every dialect shares (event time, raw text,
// emitting). A record's context is an immutable value: a dialect that learns the app time or the request id makes a
// new context (`withTime`, `withRid`) instead of setting fields that the next record could see.
import type { GEvent } from '../events.js';
import type { LogRecord } from '../stream/types.js';
import { dockerTimeToIso, naiveToIso } from '../time.js';
import { cap, cleanLine } from './text.js';

export interface RecordContext {
  readonly rec: LogRecord;
  /** Index in `rec.lines` of the record's first non-blank line (GORM and `[Recovery]` records start with blanks). */
  readonly idx: number;
  /** That line as the dialect read it; `raw` of every event of the record is made from it. */
  readonly first: string;
  /** The app's own time, naive (`2025/02/21 - 19:30:16`, `2025/02/21 19:30:16`), read in the parser's zone. */
  readonly naive: string | null;
  /** An ISO time with an offset that the line carries itself (ezlinkai JSON `ts`), already UTC. */
  readonly iso: string | null;
  /** The One API request id, when the record carries a real one. */
  readonly rid: string | undefined;
  /** `first` is cleaned already (cleanLine): the dialect had it so. */
  readonly clean?: boolean;
}

export function recordContext(
  rec: LogRecord,
  idx: number,
  first: string,
  naive: string | null = null,
  rid: string | undefined = undefined,
  iso: string | null = null,
  clean = false,
): RecordContext {
  return clean ? { rec, idx, first, naive, iso, rid, clean } : { rec, idx, first, naive, iso, rid };
}

export function withRid(c: RecordContext, rid: string | undefined): RecordContext {
  return rid === c.rid ? c : { ...c, rid };
}

/** Severity words as the dialects print them: `SYS`, `INFO`, `ERR`, `ERROR`, `FATAL`, zap's `DPANIC`, JSON's upper-cased level. */
export type Level = string;

/** The services a dialect gets from the parser. */
export interface Tools {
  emit(e: GEvent): void;
  /** The event time of a record: Docker's, else the app's naive time in the zone, else an ISO time of the line, else a GUI's time stamp peeled from it. */
  time(c: RecordContext): string | null;
  /** The record's first line as events carry it (ANSI, NUL, trailing `\r`/space removed; capped). */
  raw(c: RecordContext): string;
  /**
   * The message part of an app line, shared by every dialect that has one (`src/parse/message.ts`). `lineIdx` is the
   * index of the line holding `msg` in the record (the lines after it continue the message), or -1 when `msg` is all
   * there is (a JSON field).
   */
  message(c: RecordContext, msg: string, level: Level, lineIdx: number): void;
  /** The cross-record panic state (relay handler parts joined by request id, gin's echo). */
  readonly panics: PanicParts;
}

/** What a dialect hands the cross-record panic state (`RelayPanics` in `src/parse/panics.ts`). */
export interface PanicParts {
  /** `panic detected: <value>` */
  detected(c: RecordContext, value: string): void;
  /** `stacktrace from panic: …` and the stack lines after it */
  stack(c: RecordContext, stack: readonly string[]): void;
  /** `request: POST /v1/…` or `request body: {…}`; false when no panic waits for it */
  request(c: RecordContext, msg: string): boolean;
  /** gin's recovery record, the echo of a panic the relay handler already reported */
  recordGinPanic(r: LogRecord, message: string): void;
}

/**
 * Turns the naive and Docker times of records into ISO UTC strings. It caches per minute and per second of log time
 * (most records share both with the record before): a cache, not per-record state, so it cannot leak a value from one
 * record into another.
 */
export class TimeReader {
  private minuteKey = '';
  private minutePrefix: string | null = null;
  private lastNaive = '';
  private lastNaiveIso: string | null = null;

  constructor(private readonly tz: string) {}

  time(c: RecordContext): string | null {
    let time: string | null = null;
    if (c.rec.dockerTime !== null) time = dockerTimeToIso(c.rec.dockerTime);
    if (time === null && c.naive !== null) time = this.naiveIso(c.naive);
    if (time === null && c.iso === null && c.rec.pastedTime !== undefined) return this.naiveIso(c.rec.pastedTime);
    return time ?? c.iso;
  }

  /** `2025/02/21 - 19:30:16` / `2025/02/21 19:30:16` in the zone → ISO UTC. The zone is consulted once per minute. */
  naiveIso(naive: string): string | null {
    if (naive === this.lastNaive) return this.lastNaiveIso;
    this.lastNaive = naive;
    this.lastNaiveIso = this.naiveIsoUncached(naive);
    return this.lastNaiveIso;
  }

  private naiveIsoUncached(naive: string): string | null {
    const n = naive.length;
    const s1 = naive.charCodeAt(n - 2) - 48;
    const s2 = naive.charCodeAt(n - 1) - 48;
    if (naive.charCodeAt(n - 3) !== 58 || s1 < 0 || s1 > 5 || s2 < 0 || s2 > 9) return naiveToIso(naive, this.tz);
    const key = naive.slice(0, n - 3);
    if (key !== this.minuteKey) {
      this.minuteKey = key;
      // `2025-02-21T11:31:00.000Z` → `2025-02-21T11:31:`; zone offsets are whole minutes, so the seconds carry over.
      const iso = naiveToIso(key + ':00', this.tz);
      this.minutePrefix = iso !== null && iso.endsWith(':00.000Z') ? iso.slice(0, 17) : null;
    }
    // (toISOString costs a microsecond or more; string assembly does not)
    return this.minutePrefix === null ? null : this.minutePrefix + naive.slice(n - 2) + '.000Z';
  }
}

export function rawText(c: RecordContext): string {
  return cap(c.clean === true ? c.first : cleanLine(c.first));
}


export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
