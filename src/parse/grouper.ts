// Physical lines → records, per (source, stream). A One API record is one write (one Fprintf), so its
// lines are contiguous within a stream while stdout and stderr interleave freely.
import type { Line, LogRecord } from '../stream/types.js';
import type { Stream } from '../events.js';
import { BLANK, CONTINUATION, STDLOG_START, startKind } from './starts.js';

/** A record keeps at most this many lines; later ones are counted in `droppedLines` (a crash dump of 10,000 goroutines). */
export const MAX_RECORD_LINES = 2000;
/** …and at most this many characters. */
export const MAX_RECORD_CHARS = 1 << 20;
/** Blank lines waiting for the next record; beyond this they go to the open record. */
const MAX_PENDING_BLANKS = 16;

interface StreamState {
  source: string;
  stream: Stream;
  cur: LogRecord | null;
  chars: number;
  /** Blank lines seen since the last non-blank line, with the docker time of the first one. */
  blanks: string[];
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
    const st = this.state(line.source, line.stream);
    const text = line.text;
    const kind = startKind(text);
    if (kind === BLANK) {
      if (st.blanks.length >= MAX_PENDING_BLANKS) this.blanksToCurrent(st);
      st.blanks.push(text);
      return;
    }
    if (kind === CONTINUATION && st.cur !== null) {
      if (st.blanks.length > 0) this.blanksToCurrent(st);
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
    if (kind === CONTINUATION) {
      // No open record to continue (start of input, or after noise): the line stands alone, and is complete.
      this.onRecord(rec);
      return;
    }
    st.cur = rec;
    st.chars = text.length;
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
      st = { source, stream, cur: null, chars: 0, blanks: [] };
      this.states.set(key, st);
    }
    this.last = st;
    return st;
  }

  private append(st: StreamState, text: string): void {
    const cur = st.cur!;
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
