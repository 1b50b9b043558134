// GORM's default logger (stdout, colours even without a TTY): a record is a blank `\r` line, then
//   `2025/02/21 19:31:07 <file>.go:<line>[ <error | SLOW SQL >= 200ms>]`, then
//   `[<ms>ms] [rows:<n>] <SQL>` or `[error] <message>`.
// `[error] …` becomes a `db_error` (origin `gorm`), as does an error in the head line; `record not found` (any
// `.First()` miss) and slow SQL do not.
//   `2023/04/24 01:30:38 /build/model/main.go:49` + `[error] failed to initialize database, got error …`
//   `2025/02/21 19:31:10 /build/model/log.go:51 Error 1062 (23000): Duplicate entry '5' for key 'PRIMARY'` + `[1.201ms] [rows:0] INSERT …`
// An `[error] …` line whose head line is gone (`docker logs one-api | grep error` keeps only it; a paste starts at it)
// opens a record of its own and is the same `db_error`, without a time of its own:
//   `[error] failed to initialize database, got error dial tcp 10.0.8.5:3306: connect: connection refused`
import type { LogRecord } from '../../stream/types.js';
import { rawText, recordContext, type Tools } from '../context.js';
import { CONTINUATION, DETAIL_START, charRange, type Dialect, type StartKind } from '../dialect.js';
import { cap, cleanLine } from '../text.js';
import { stdlogParts, stdlogStart } from './stdlog.js';

// The head after the std-log date: `github.com/songquanpeng/one-api/model/cache.go:40 record not found`, `/build/model/main.go:49`
const GORM_HEAD = /^(\S+\.go:\d+)(?: (.*))?$/;

/** A std-log line whose text names a `.go:` file; or `[error] ` (which continues an open GORM head instead). */
function start(t: string): StartKind {
  if (t.charCodeAt(0) === 91) return t.startsWith('[error] ') ? DETAIL_START : CONTINUATION;
  const k = stdlogStart(t);
  return k !== CONTINUATION && t.indexOf('.go:', 20) !== -1 ? k : CONTINUATION;
}

function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  if (first.charCodeAt(0) === 91) {
    if (!first.startsWith('[error] ')) return false;
    const message = cleanLine(first).slice(8);
    if (message.includes('record not found')) return true;
    const c = recordContext(r, idx, first);
    t.emit({ kind: 'db_error', time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid, message: cap(message), origin: 'gorm' });
    return true;
  }
  const p = stdlogParts(first);
  if (p === null || !p.rest.includes('.go:')) return false;
  const g = GORM_HEAD.exec(p.rest);
  if (g === null) return false;
  const headError = g[2];
  let message: string | null = null;
  const second = r.lines[idx + 1];
  if (second !== undefined) {
    const s = cleanLine(second);
    if (s.startsWith('[error] ')) message = s.slice(8);
  }
  if (message === null && headError !== undefined && headError !== '' && !headError.startsWith('SLOW SQL')) message = headError;
  if (message === null || message.includes('record not found')) return true;
  const c = recordContext(r, idx, first, p.naive);
  t.emit({ kind: 'db_error', time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid, message: cap(message), origin: 'gorm' });
  return true;
}

export const gorm: Dialect = { name: 'gorm', firstChars: [...charRange('0', '9'), 91], start, parse };
