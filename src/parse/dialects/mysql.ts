// The MySQL driver's own logger (go-sql-driver/mysql, stderr): `[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF`
// → `db_error` with origin `mysql`.
import type { LogRecord } from '../../stream/types.js';
import { rawText, recordContext, type Tools } from '../context.js';
import { CONTINUATION, NOT_MINE, START, UNSURE, isDigit, startsWithBytes, type Dialect, type StartKind } from '../dialect.js';
import { cap } from '../text.js';

// `[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF`, `[mysql] 2025/03/26 16:03:03 closing bad idle connection: EOF`
const MYSQL = /^\[mysql\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (?:(\S+\.go:\d+): )?(.*)$/;

function start(t: string): StartKind {
  return t.startsWith('[mysql] ') && isDigit(t.charCodeAt(8)) ? START : CONTINUATION;
}

function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  if (!first.startsWith('[mysql]')) return false;
  const m = MYSQL.exec(first);
  if (m === null) return false;
  const c = recordContext(r, idx, first, first.slice(8, 27));
  t.emit({ kind: 'db_error', time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid, message: cap(m[2]!), origin: 'mysql' });
  return true;
}

const MYSQL_TAG = Buffer.from('[mysql]');

export const mysql: Dialect = {
  name: 'mysql',
  firstChars: [91],
  start,
  parse,
  // every `[mysql]` record is an event; other lines are not this dialect's (so the fold may go on to `[GIN-debug]`)
  quiet: (b, from, to) => (startsWithBytes(b, from, to, MYSQL_TAG) ? UNSURE : NOT_MINE),
};
