// gin's access line. Only a status ≥ 500 becomes an event (`http_error`), so the status is read first, without a
// regex or an allocation: most lines of a busy gateway are `[GIN] … 200`.
//   custom (One API eras B–D, new-api, ezlinkai text):
//     `[GIN] 2025/02/21 - 19:31:05 | 2025022119310512345678909876543 | 403 |    3.402117ms |    203.0.113.57 |    POST /v1/chat/completions`
//   gin's default formatter (era A), colours removed:
//     `[GIN] 2023/08/04 - 19:38:05 | 500 | 28.509584165s |      10.0.2.100 | POST     "/v1/chat/completions"`
// and gin's debug-mode lines (`[GIN-debug] [WARNING] Running in "debug" mode.`), known but never an event.
import type { LogRecord } from '../../stream/types.js';
import { rawText, recordContext, type Tools } from '../context.js';
import { CONTINUATION, NOT_MINE, QUIET, START, UNSURE, indexOfByte, isAscii, isDigit, startsWithBytes, type Dialect, type Quietness, type StartKind } from '../dialect.js';
import { goDurationMs, realRequestId } from '../patterns.js';
import { cleanLine } from '../text.js';

// Custom access line; ezlinkai ≥ 2026-02 takes the id from the client's X-Request-ID header: any text.
// `[GIN] 2025/02/21 - 19:31:05 | 2025022119310512345678909876543 | 403 |    3.402117ms |    203.0.113.57 |    POST /v1/chat/completions`
const GIN_CUSTOM = /^\[GIN\] \d{4}\/\d{2}\/\d{2} - \d{2}:\d{2}:\d{2} \| (.*?) \| +(\d{3}) \| +(\S+) \| +(\S+) \| +([A-Z]+) (.*)$/;
// `[GIN] 2023/08/04 - 19:38:05 | 500 | 28.509584165s |      10.0.2.100 | POST     "/v1/chat/completions"`
const GIN_DEFAULT = /^\[GIN\] \d{4}\/\d{2}\/\d{2} - \d{2}:\d{2}:\d{2} \| +(\d{3}) +\| +(\S+) \| +(\S+) \| +([A-Z]+) +"(.*)"\s*$/;

/** `[GIN] 2` */
function isGin(t: string): boolean {
  return t.charCodeAt(0) === 91 && t.charCodeAt(1) === 71 && t.charCodeAt(2) === 73 && t.charCodeAt(3) === 78 && t.charCodeAt(4) === 93 && t.charCodeAt(5) === 32;
}

function start(t: string): StartKind {
  return isGin(t) && isDigit(t.charCodeAt(6)) ? START : CONTINUATION;
}

function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  if (!isGin(first)) return false;
  let line = first;
  // ` | ` after the 21-character timestamp at 6.
  if (line.charCodeAt(27) !== 32 || line.charCodeAt(28) !== 124) return false;
  let status = ginStatus(line);
  if (status === -1 && line.indexOf('\x1b') !== -1) {
    // era A on a TTY: `[GIN] 2023/08/04 - 19:38:05 |\x1b[97;41m 500 \x1b[0m| …`
    line = cleanLine(line);
    status = ginStatus(line);
  }
  if (status < 500) return true;
  let rid: string | undefined;
  let method: string;
  let path: string;
  let latency: string;
  const m = GIN_CUSTOM.exec(line);
  if (m !== null) {
    rid = m[1];
    latency = m[3]!;
    method = m[5]!;
    path = m[6]!.trim();
  } else {
    const g = GIN_DEFAULT.exec(line);
    if (g === null) return true;
    latency = g[2]!;
    method = g[4]!;
    path = g[5]!;
  }
  // (the app's own time is only read when Docker gave none: src/parse/context.ts TimeReader)
  const c = recordContext(r, idx, first, r.dockerTime === null ? line.slice(6, 27) : null, realRequestId(rid));
  t.emit({ kind: 'http_error', time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid, status, method, path, latencyMs: goDurationMs(latency) });
  return true;
}

/** The status of a `[GIN]` line (custom: after the request id; default: first), or -1. */
function ginStatus(line: string): number {
  const bar = line.indexOf('|', 30);
  if (bar < 0) return -1;
  const status = statusBetween(line, 30, bar);
  if (status >= 0) return status;
  const next = line.indexOf('|', bar + 1);
  return next < 0 ? -1 : statusBetween(line, bar + 1, next);
}

/** The 3-digit status between `from` and `to` (spaces around it allowed), or -1. */
function statusBetween(s: string, from: number, to: number): number {
  let i = from;
  while (i < to && s.charCodeAt(i) === 32) i++;
  if (to - i < 3) return -1;
  let v = 0;
  for (let k = 0; k < 3; k++) {
    const c = s.charCodeAt(i + k);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  i += 3;
  while (i < to && s.charCodeAt(i) === 32) i++;
  return i === to ? v : -1;
}

/**
 * `start` and `parse` on the bytes: QUIET for an access line below 500, the bulk of a busy gateway's log. The first 30
 * bytes must be ASCII (the offsets 27, 28 and 30 that parse() reads are then the same in bytes and characters); the
 * status is found by content (`|`), so the rest of the line may be anything.
 */
function quiet(b: Uint8Array, from: number, to: number): Quietness {
  if (to - from < 6 || b[from] !== 91 || b[from + 1] !== 71 || b[from + 2] !== 73 || b[from + 3] !== 78 || b[from + 4] !== 93 || b[from + 5] !== 32) {
    return NOT_MINE; // not `[GIN] `: start() is CONTINUATION and parse() false
  }
  if (to - from < 30 || !isAscii(b, from + 6, from + 30)) return UNSURE;
  if (!isDigit(b[from + 6]!) || b[from + 27] !== 32 || b[from + 28] !== 124) return UNSURE;
  const status = ginStatusBytes(b, from, to);
  if (status === -1) return indexOfByte(b, 27, from, to) !== -1 ? UNSURE : QUIET; // ESC: parse() retries without colours
  return status < 500 ? QUIET : UNSURE;
}

/** ginStatus on bytes (offsets relative to `from`). */
function ginStatusBytes(b: Uint8Array, from: number, to: number): number {
  const bar = indexOfByte(b, 124, from + 30, to);
  if (bar < 0) return -1;
  const status = statusBetweenBytes(b, from + 30, bar);
  if (status >= 0) return status;
  const next = indexOfByte(b, 124, bar + 1, to);
  return next < 0 ? -1 : statusBetweenBytes(b, bar + 1, next);
}

/** statusBetween on bytes: only spaces and three digits are accepted, so bytes and characters read the same. */
function statusBetweenBytes(b: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && b[i] === 32) i++;
  if (to - i < 3) return -1;
  let v = 0;
  for (let k = 0; k < 3; k++) {
    const c = b[i + k]!;
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  i += 3;
  while (i < to && b[i] === 32) i++;
  return i === to ? v : -1;
}

export const gin: Dialect = { name: 'gin', firstChars: [91], start, parse, quiet };

/** `[GIN-debug] [WARNING] Running in "debug" mode.`, `[GIN-debug] POST /v1/chat/completions --> …` */
export const ginDebug: Dialect = {
  name: 'gin-debug',
  firstChars: [91],
  start: (t) => (t.startsWith('[GIN-debug] ') ? START : CONTINUATION),
  parse: (first) => first.startsWith('[GIN-debug] '),
  // a known line that never makes an event
  quiet: (b, from, to) => (startsWithBytes(b, from, to, GIN_DEBUG) ? QUIET : NOT_MINE),
};

const GIN_DEBUG = Buffer.from('[GIN-debug] ');

