// Go's standard logger (`log.LstdFlags`): `2025/02/21 19:31:07 <text>`, no ` - ` between date and time. GORM, gin's
// `[Recovery]` and net/http write this way and have their own dialects (gorm.ts, gin-recovery.ts); this one is
// everything else, e.g. net/http's `2025/02/21 19:31:07 http: Accept error: accept tcp [::]:3000: accept4: too many
// open files; retrying in 1s` or ezlinkai's `log.Println` output. Known lines; their message is read as INFO.
// A std-log record takes the blank lines before it (GORM writes `\r\n` first, gin's recovery logger `\n\n`).
import type { LogRecord } from '../../stream/types.js';
import { recordContext, type Tools } from '../context.js';
import { CONTINUATION, STDLOG_START, charRange, isDigit, type Dialect, type StartKind } from '../dialect.js';
import { worthParsing } from '../patterns.js';
import { cleanLine } from '../text.js';

/** `2025/02/21 19:31:07 `: the date, a space, two digits and `:` (the rest of the time is checked when parsing). */
export function stdlogStart(t: string): StartKind {
  if (t.charCodeAt(4) !== 47 || t.charCodeAt(7) !== 47 || t.charCodeAt(10) !== 32) return CONTINUATION;
  if (!isDigit(t.charCodeAt(0)) || !isDigit(t.charCodeAt(1)) || !isDigit(t.charCodeAt(2)) || !isDigit(t.charCodeAt(3))) return CONTINUATION;
  return isDigit(t.charCodeAt(11)) && t.charCodeAt(13) === 58 ? STDLOG_START : CONTINUATION;
}

/** A std-log line split into its naive time and the text after it (colours removed), or null. */
export function stdlogParts(first: string): { naive: string; rest: string } | null {
  // GORM colours the middle of its line: `2025/02/21 19:31:07 \x1b[31;1mgithub.com/…/cache.go:40 \x1b[35;1mrecord not found`
  if (first.indexOf('\x1b') !== -1 || first.charCodeAt(first.length - 1) === 13) first = cleanLine(first);
  // `2025/02/21 19:31:07 ` is 20 characters.
  if (first.charCodeAt(4) !== 47 || first.charCodeAt(13) !== 58 || first.charCodeAt(19) !== 32) return null;
  return { naive: first.slice(0, 19), rest: first.slice(20) };
}

function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  const p = stdlogParts(first);
  if (p === null) return false;
  if (worthParsing(p.rest, 0)) t.message(recordContext(r, idx, first, p.naive), cleanLine(p.rest), 'INFO', idx);
  return true;
}

export const stdlog: Dialect = { name: 'stdlog', firstChars: charRange('0', '9'), start: stdlogStart, parse };
