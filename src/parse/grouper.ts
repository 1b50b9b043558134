// Physical lines → records, per (source, stream). A One API record is one write (one Fprintf), so its
// lines are contiguous within a stream while stdout and stderr interleave freely.
import type { Line, LogRecord } from '../stream/types.js';
import type { Stream } from '../events.js';
import { gorm } from './dialects/gorm.js';
import { peelStart, prefixLength, type Prefix } from './peel.js';
import { BLANK, CONTINUATION, DETAIL_START, STACK_START, START, STDLOG_START, startKind, type StartKind } from './starts.js';

/** A record keeps at most this many lines; later ones are counted in `droppedLines` (a crash dump of 10,000 goroutines). */
export const MAX_RECORD_LINES = 2000;
/** …and at most this many characters. */
export const MAX_RECORD_CHARS = 1 << 20;
/** The lines of a quiet record until one continues it (most never are): one shared empty array, never written. */
const NO_LINES = Object.freeze([]) as unknown as string[];
/** Blank lines waiting for the next record; beyond this they go to the open record. */
const MAX_PENDING_BLANKS = 16;

interface StreamState {
  source: string;
  stream: Stream;
  cur: LogRecord | null;
  chars: number;
  /** Blank lines seen since the last non-blank line, with the docker time of the first one. */
  blanks: string[];
  /** The prefix peeled from the open record's first line (peel.ts), which its continuation lines lose too. */
  prefix: Prefix | null;
  /** The open record is a Go stack (a crash dump, `stacktrace from panic: goroutine …`): a goroutine header continues it. */
  stack: boolean;
  /** The open record is a GORM head still waiting for its `[error]` / `[…ms] [rows:N]` line. */
  gormHead: boolean;
}

/** `panic: …`, `fatal error: …`, `goroutine 1 [running]:`, or a line ending in a goroutine header (`… stacktrace from panic: goroutine 2087 [running]:`). */
function stackHead(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c === 112 || c === 102) return text.startsWith('panic: ') || text.startsWith('fatal error: ');
  // (by character codes from the end: this runs for every record)
  let end = text.length - 1;
  while (end > 0 && (text.charCodeAt(end) === 32 || text.charCodeAt(end) === 13)) end--;
  return text.charCodeAt(end) === 58 && text.charCodeAt(end - 1) === 93 && text.lastIndexOf('goroutine ', end) !== -1;
}

/** Groups physical lines into records, per (source, stream). Calls onRecord in input order (per stream). */
export class RecordGrouper {
  private readonly states = new Map<string, StreamState>();
  private last: StreamState | null = null;
  private seq = 0;
  /** Lines not kept because their record had reached MAX_RECORD_LINES / MAX_RECORD_CHARS. */
  droppedLines = 0;

  constructor(private readonly onRecord: (r: LogRecord) => void) {}

  push(line: Line): void {
    if (line.quiet === true) return this.pushQuiet(line);
    const st = this.state(line.source, line.stream);
    let text = line.text;
    let kind: StartKind = startKind(text);
    let prefix: Prefix | null = null;
    let stamp: string | null = null;
    if (kind === CONTINUATION) {
      // the open record's prefix first (its stack keeps its own indentation), else any prefix before a known start
      const n = st.prefix !== null && st.cur !== null ? prefixLength(text, st.prefix) : -1;
      if (n >= 0) {
        text = text.slice(n);
        kind = startKind(text);
        prefix = st.prefix;
      } else {
        const p = peelStart(text, startKind, st.stack && st.cur !== null);
        if (p !== null) {
          text = text.slice(p.length);
          kind = p.kind;
          prefix = p.prefix;
          stamp = p.time;
        }
      }
    }
    if (kind === STACK_START) kind = st.cur !== null && st.stack ? CONTINUATION : START;
    else if (kind === DETAIL_START) kind = st.cur !== null && st.gormHead ? CONTINUATION : START;
    if (kind === BLANK) {
      if (st.blanks.length >= MAX_PENDING_BLANKS) this.blanksToCurrent(st);
      st.blanks.push(text);
      return;
    }
    if (kind === CONTINUATION && st.cur !== null) {
      if (st.blanks.length > 0) this.blanksToCurrent(st);
      st.gormHead = false;
      this.append(st, text);
      return;
    }
    // A new record. Blank lines before a std-log record (GORM's "\r\n" prefix, gin's "\n\n" before [Recovery]) are its own.
    let lead: string[] | null = null;
    if (st.blanks.length > 0) {
      if (kind === STDLOG_START) {
        lead = st.blanks;
        st.blanks = [];
      } else this.blanksToCurrent(st);
    }
    if (st.cur !== null) this.emit(st, false);
    // `[text]` rather than `[]` + push: a one-line record (most of them) gets a one-slot array, not a grown one
    let lines: string[];
    if (lead === null) lines = [text];
    else {
      lines = lead;
      lines.push(text);
    }
    const rec: LogRecord = { source: line.source, stream: line.stream, dockerTime: line.dockerTime, lines, seq: this.seq++ };
    // a peeled time stamp: Docker's own (`…T11:30:16.123456789Z`) is the record's Docker time; a GUI's is a fallback
    if (stamp !== null) {
      if (stamp.charCodeAt(10) === 84 /* T */ && stamp.endsWith('Z')) rec.dockerTime ??= stamp;
      else rec.pastedTime = stamp;
    }
    if (kind === CONTINUATION) {
      // No open record to continue (start of input, or after noise): the line stands alone, and is complete.
      this.onRecord(rec);
      return;
    }
    st.cur = rec;
    st.chars = text.length;
    st.prefix = prefix;
    st.stack = kind === START && stackHead(text);
    st.gormHead = kind === STDLOG_START && gorm.start(text) !== CONTINUATION;
  }

  /**
   * A quiet line (never decoded): a START whose record makes no event, whatever continues it (starts.ts quietStart).
   * The same steps as push() takes for a START line, with a record that keeps no text of its first line. A Line that
   * stands for a run of quiet lines (Line.count) is the same as that many quiet lines in a row: each closes the one
   * before without a line continuing it, so only the last can be continued.
   */
  private pushQuiet(line: Line): void {
    const st = this.state(line.source, line.stream);
    if (st.blanks.length > 0) this.blanksToCurrent(st);
    if (st.cur !== null) this.emit(st, false);
    // a run of n quiet lines is one record object standing for n records (LogRecord.count): none is made per line
    const n = line.count ?? 1;
    this.seq += n;
    st.cur = n === 1
      ? { source: line.source, stream: line.stream, dockerTime: null, lines: NO_LINES, seq: this.seq - 1, quiet: true }
      : { source: line.source, stream: line.stream, dockerTime: null, lines: NO_LINES, seq: this.seq - 1, quiet: true, count: n };
    st.chars = 0;
    // what push() sets for a START: no prefix was peeled (a quiet line starts with its dialect's own first bytes), not a
    // Go stack head (quietStart leaves lines ending in `]:` to push()), not a GORM head (not a std-log start)
    st.prefix = null;
    st.stack = false;
    st.gormHead = false;
  }

  /** End of input: emits every open record with `atEnd: true`. The grouper can be reused afterwards. */
  flush(): void {
    this.emitOpen(true);
  }

  /**
   * Emits open records now, without `atEnd` (follow mode, after a quiet spell): a single-line record is otherwise
   * only emitted when the next line of its stream arrives. A continuation arriving later then stands alone.
   */
  drain(): void {
    this.emitOpen(false);
  }

  /**
   * Epoch ms of the oldest record still open that carries a Docker time, or null: no event of this grouper's records
   * can be older than that or than the lines still to come (the time-ordered merge's frontier, src/stream/merge.ts).
   */
  oldestOpen(): number | null {
    let min: number | null = null;
    for (const st of this.states.values()) {
      const t = st.cur?.dockerTime;
      if (t == null) continue;
      const ms = Date.parse(t);
      if (Number.isFinite(ms) && (min === null || ms < min)) min = ms;
    }
    return min;
  }

  /** Open records of every stream, oldest first (by seq), so the order does not depend on which stream came first. */
  private emitOpen(atEnd: boolean): void {
    const open: StreamState[] = [];
    for (const st of this.states.values()) {
      if (st.cur !== null) {
        if (st.blanks.length > 0) this.blanksToCurrent(st);
        open.push(st);
      }
      if (atEnd) st.blanks = [];
    }
    open.sort((a, b) => a.cur!.seq - b.cur!.seq);
    for (const st of open) this.emit(st, atEnd);
  }

  private state(source: string, stream: Stream): StreamState {
    const last = this.last;
    if (last !== null && last.source === source && last.stream === stream) return last;
    const key = stream + '\0' + source;
    let st = this.states.get(key);
    if (st === undefined) {
      st = { source, stream, cur: null, chars: 0, blanks: [], prefix: null, stack: false, gormHead: false };
      this.states.set(key, st);
    }
    this.last = st;
    return st;
  }

  private append(st: StreamState, text: string): void {
    const cur = st.cur!;
    if (cur.lines === NO_LINES) cur.lines = [];
    if (cur.lines.length >= MAX_RECORD_LINES || st.chars + text.length > MAX_RECORD_CHARS) {
      this.droppedLines++;
      return;
    }
    cur.lines.push(text);
    st.chars += text.length;
  }

  private blanksToCurrent(st: StreamState): void {
    if (st.cur !== null) for (const b of st.blanks) this.append(st, b);
    st.blanks = [];
  }

  private emit(st: StreamState, atEnd: boolean): void {
    const rec = st.cur!;
    st.cur = null;
    st.chars = 0;
    if (atEnd) rec.atEnd = true;
    this.onRecord(rec);
  }
}
