// Which physical lines open a record. Every other line continues the previous record of its stream
// (a stack trace, a multi-line JSON body, the second line of a GORM trace).
import { isBlank, stripAnsi } from './text.js';

/** Not a record start: continues the open record of its stream. */
export const CONTINUATION = 0;
/** Empty / `\r` / whitespace-only: belongs to the following GORM or `[Recovery]` record, else to the previous one. */
export const BLANK = 1;
/** Opens a record. */
export const START = 2;
/** Opens a Go std-log record (`2025/02/21 19:31:07 …`: GORM, gin `[Recovery]`, net/http): takes the blank lines before it. */
export const STDLOG_START = 3;

export type StartKind = typeof CONTINUATION | typeof BLANK | typeof START | typeof STDLOG_START;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** `[SYS] 2024/…`, `[INFO] 2025/…`, `[GIN] 2025/…`, `[mysql] 2025/…`, `[GIN-debug] …`. */
function bracketStart(t: string): boolean {
  const close = t.indexOf(']', 2);
  if (close < 0 || close > 10 || t.charCodeAt(close + 1) !== 32) return false;
  switch (close) {
    case 4: // [SYS] [ERR] [GIN]
      if (!(t.startsWith('[SYS') || t.startsWith('[ERR') || t.startsWith('[GIN'))) return false;
      break;
    case 5: // [INFO] [WARN]
      if (!(t.startsWith('[INFO') || t.startsWith('[WARN'))) return false;
      break;
    case 6: // [ERROR] [DEBUG] [FATAL] [mysql]
      if (!(t.startsWith('[ERROR') || t.startsWith('[DEBUG') || t.startsWith('[FATAL') || t.startsWith('[mysql'))) return false;
      break;
    case 10: // [GIN-debug] [WARNING] Running in "debug" mode.
      return t.startsWith('[GIN-debug');
    default:
      return false;
  }
  return isDigit(t.charCodeAt(close + 2));
}

/**
 * `2025/02/21 19:31:07 …` (std log: GORM, Recovery, net/http) → STDLOG_START;
 * `2025/01/05 - 10:20:30\tINFO\t…` (one-hub zap) → START.
 */
function dateStart(t: string): StartKind {
  if (t.charCodeAt(4) !== 47 || t.charCodeAt(7) !== 47 || t.charCodeAt(10) !== 32) return CONTINUATION;
  if (!isDigit(t.charCodeAt(1)) || !isDigit(t.charCodeAt(2)) || !isDigit(t.charCodeAt(3))) return CONTINUATION;
  if (isDigit(t.charCodeAt(11)) && t.charCodeAt(13) === 58) return STDLOG_START;
  if (t.charCodeAt(11) === 45 && t.charCodeAt(12) === 32 && isDigit(t.charCodeAt(13))) return START;
  return CONTINUATION;
}

/** Classifies a physical line (as the stream layer hands it over: ANSI and `\r` still in). */
export function startKind(text: string): StartKind {
  let c = text.charCodeAt(0);
  if (c === 27 /* ESC */ || c === 0xfeff || c === 0 /* NUL padding of a json-file cut by a crash */) {
    text = stripAnsi(text).replace(/^[\0\ufeff]+/, '');
    c = text.charCodeAt(0);
  }
  switch (c) {
    case 91: // [
      return bracketStart(text) ? START : CONTINUATION;
    case 123: // {"ts":"2026-08-21T10:15:30.48+08:00",…}
      return text.startsWith('{"ts":') ? START : CONTINUATION;
    case 112: // panic: runtime error: …
      return text.startsWith('panic: ') ? START : CONTINUATION;
    case 102: // fatal error: concurrent map writes
      return text.startsWith('fatal error: ') ? START : CONTINUATION;
    default:
      if (isDigit(c)) return dateStart(text);
      return isBlank(text) ? BLANK : CONTINUATION;
  }
}
