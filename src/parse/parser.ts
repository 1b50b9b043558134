// Records → events: a fold over the dialects (dialects/index.ts). The record's first line picks the dialects to ask
// by its first character; the first that knows the record turns it into events. What crosses records (the relay
// panic handler's parts, gin's echo) lives in panics.ts; what a record means lives in its immutable context
// (context.ts), so nothing of one record can leak into the next.
import type { GEvent } from '../events.js';
import type { LogRecord } from '../stream/types.js';
import { TimeReader, rawText, type Level, type RecordContext, type Tools } from './context.js';
import { analyseMessage } from './message.js';
import { RelayPanics } from './panics.js';
import { isStackLine } from './stack.js';
import { dialectsFor } from './starts.js';
import { cleanLine, isBlank } from './text.js';

export interface EventParserOptions {
  /** IANA zone for naive app timestamps (`2025/02/21 - 19:30:16`). */
  tz: string;
  onEvent: (e: GEvent) => void;
}

/** Turns records into events; keeps the cross-record state (panic parts sharing a request id). */
export class EventParser {
  private _unparsed = 0;
  private readonly tools: Tools;
  private readonly panics: RelayPanics;
  /**
   * Streams (source + stream) that had a record already, and whether the record being parsed is its stream's first: a
   * banner then is a start, not a restart (`StartupEvent.restart`, src/analyze/restarts.ts). Per stream, so the answer
   * does not depend on how stdout and stderr interleave: the banner is on stdout, and every process writes it first.
   */
  private readonly streamsSeen = new Set<string>();
  /** The stream of the last record (compared by its two strings: no key is made per record). */
  private lastSource: string | null = null;
  private lastStreamName: string | null = null;
  private firstOfStream = false;

  constructor(opts: EventParserOptions) {
    const times = new TimeReader(opts.tz);
    const time = (c: RecordContext) => times.time(c);
    this.panics = new RelayPanics(opts.onEvent, time);
    const tools: Tools = {
      // a banner is emitted while its own record is parsed: whether it is a restart is known then
      emit: (e) => {
        if (e.kind === 'startup') e.restart = !this.firstOfStream;
        opts.onEvent(e);
      },
      time,
      raw: rawText,
      message: (c: RecordContext, msg: string, level: Level, lineIdx: number) => analyseMessage(c, msg, level, lineIdx, tools),
      panics: this.panics,
    };
    this.tools = tools;
  }

  /** Records that nothing in them is known of: no dialect knows the first line, and it is no line of a Go stack. */
  get unparsed(): number {
    return this._unparsed;
  }

  record(r: LogRecord): void {
    const lines = r.lines;
    let i = 0;
    // leading blank lines: GORM's `\r`, gin's two empty lines before `[Recovery]` (a quiet record has none)
    const c = lines.length > 0 ? lines[0]!.charCodeAt(0) : 0;
    if (r.quiet !== true && !(c > 32 && c !== 0xfeff)) {
      while (i < lines.length && isBlank(lines[i]!)) i++;
      if (i === lines.length) return;
    }
    if (r.stream !== this.lastStreamName || r.source !== this.lastSource) {
      const sk = r.stream + '\0' + r.source;
      this.firstOfStream = !this.streamsSeen.has(sk);
      if (this.firstOfStream) this.streamsSeen.add(sk);
      this.lastStreamName = r.stream;
      this.lastSource = r.source;
    } else this.firstOfStream = false;
    // a quiet record may stand for a run of records (LogRecord.count): each of them ages the panics waiting for parts
    this.panics.age(r, r.count ?? 1);
    // Opened by a line the byte-level test found quiet (starts.ts quietStart): a record like any other up to here (it
    // counts for what crosses records), but it makes no event.
    if (r.quiet === true) return;
    // Cleaning (ANSI, NUL, trailing space) is left to the dialects that need it: most records make no event.
    let first = lines[i]!;
    const c0 = first.charCodeAt(0);
    if (c0 === 27 || c0 === 0 || c0 === 0xfeff) first = cleanLine(first);
    const list = dialectsFor(first.charCodeAt(0));
    if (list !== undefined) {
      for (let k = 0; k < list.length; k++) if (list[k]!.parse(first, r, i, this.tools)) return;
    }
    // Nothing in it is known? A Go stack whose head was not copied is known text (no event can be made of it).
    if (isStackLine(cleanLine(first))) return;
    this._unparsed++;
  }

  /** Emits the panics still waiting for their parts. Safe to call at any time (e.g. when a follow goes quiet). */
  flush(): void {
    this.panics.flush();
  }

  /**
   * Epoch ms of the oldest panic still waiting for its parts (it is emitted with that time), or null: the time-ordered
   * merge (src/stream/merge.ts) holds later events back until it is out.
   */
  oldestPending(): number | null {
    return this.panics.oldestPending();
  }
}
