// One API's app lines, every era, and the forks that kept the format (new-api, ezlinkai before its JSON logs):
//   era D (v0.6.11):  `[ERROR] 2025/02/21 - 19:31:07 | <rid> | controller/relay.go:125 [processChannelRelayError] <msg> ` (rid optional)
//   eras B/C:         `[ERR] 2024/09/10 - 11:02:33 | <rid> | <msg> `; era B prints a missing id as `%!s(<nil>)`
//   new-api:          `[ERR] 2025/03/26 - 16:10:01 | <rid> | controller/relay.go:374 | <msg> `, a missing id is `SYSTEM`
//   eras A–C:         `[SYS] 2024/02/17 - 04:24:47 | <msg> `, `[FATAL] 2024/02/17 - 04:24:49 | [<msg>] `
// The message goes to message.ts.
import type { LogRecord } from '../../stream/types.js';
import { recordContext, type Level, type Tools } from '../context.js';
import { CONTINUATION, NOT_MINE, QUIET, START, UNSURE, isAscii, isDigit, type Dialect, type Quietness, type StartKind } from '../dialect.js';
import { eventPrefixAt, realRequestId, worthParsing } from '../patterns.js';
import { cleanLine, plainEnd } from '../text.js';

/** `[SYS] `/`[ERR] `, `[INFO] `/`[WARN] `, `[ERROR] `/`[DEBUG] `/`[FATAL] ` followed by a digit (the date). */
function start(t: string): StartKind {
  if (t.charCodeAt(0) !== 91) return CONTINUATION;
  switch (level(t)) {
    case 'SYS': case 'ERR':
      return isDigit(t.charCodeAt(6)) ? START : CONTINUATION;
    case 'INFO': case 'WARN':
      return isDigit(t.charCodeAt(7)) ? START : CONTINUATION;
    case 'ERROR': case 'DEBUG': case 'FATAL':
      return isDigit(t.charCodeAt(8)) ? START : CONTINUATION;
    default:
      return CONTINUATION;
  }
}

/** The level of `[LEVEL] ` at the start of a line, by character codes, or null. */
function level(t: string): Level | null {
  if (t.charCodeAt(4) === 93 /* ] */) {
    if (t.charCodeAt(5) !== 32) return null;
    const c1 = t.charCodeAt(1);
    if (c1 === 83 && t.charCodeAt(2) === 89 && t.charCodeAt(3) === 83) return 'SYS';
    if (c1 === 69 && t.charCodeAt(2) === 82 && t.charCodeAt(3) === 82) return 'ERR';
    return null;
  }
  if (t.charCodeAt(5) === 93) {
    if (t.charCodeAt(6) !== 32) return null;
    if (t.startsWith('[INFO')) return 'INFO';
    if (t.startsWith('[WARN')) return 'WARN';
    return null;
  }
  if (t.charCodeAt(6) === 93) {
    if (t.charCodeAt(7) !== 32) return null;
    if (t.startsWith('[ERROR')) return 'ERROR';
    if (t.startsWith('[DEBUG')) return 'DEBUG';
    if (t.startsWith('[FATAL')) return 'FATAL';
  }
  return null;
}

/**
 * The message start is found by scanning, without a regex, so lines that make no event allocate nothing.
 */
function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  const lv = level(first);
  if (lv === null) return false;
  const tsAt = lv.length + 3;
  // `2025/02/21 - 19:30:16` is 21 characters, then ` | `.
  if (first.charCodeAt(tsAt + 21) !== 32 || first.charCodeAt(tsAt + 22) !== 124) return false;
  const bodyAt = tsAt + 24;
  let msgAt = bodyAt;
  let ridEnd = -1;
  if (lv !== 'SYS' && first.charCodeAt(bodyAt) !== 91 /* [ : FATAL's slice */) {
    // `<rid> | `: an id has no spaces; an empty one (`… |  | msg`) is no id
    const bar = first.indexOf(' | ', bodyAt);
    if (bar === bodyAt) msgAt = bodyAt + 3;
    else if (bar > bodyAt && !hasSpace(first, bodyAt, bar)) {
      ridEnd = bar;
      msgAt = bar + 3;
    }
    // `<file>.go:<line> [<func>] ` (era D) or `<file>.go:<line> | ` (new-api variant), read backwards from the space
    const sp = first.indexOf(' ', msgAt);
    if (sp > msgAt && goFileEndsAt(first, sp)) {
      const next = first.charCodeAt(sp + 1);
      if (next === 91 /* [ */) {
        const close = first.indexOf('] ', sp);
        if (close > 0) msgAt = close + 2;
        else if (first.endsWith(']')) msgAt = first.length;
      } else if (next === 124 /* | */ && first.charCodeAt(sp + 2) === 32) msgAt = sp + 3;
    }
  }
  // Timeout text is looked for in every level but INFO/DEBUG, the bulk of app lines (consume logs, quota checks):
  // the gateways log their timeouts as errors or warnings (`[SYS]` is SysError too in eras A–C).
  if (lv !== 'FATAL' && !worthParsing(first, msgAt, lv !== 'INFO' && lv !== 'DEBUG')) return true;
  // (the app's own time is only read when Docker gave none: src/parse/context.ts TimeReader)
  const naive = r.dockerTime === null ? first.slice(tsAt, tsAt + 21) : null;
  const rid = ridEnd > 0 ? realRequestId(first.slice(bodyAt, ridEnd)) : undefined;
  // A line with no ANSI, NUL or BOM is cleaned once, for the message and the events' raw text alike.
  const end = plainEnd(first);
  if (end >= 0 && first.charCodeAt(msgAt) !== 0xfeff) {
    const line = end === first.length ? first : first.slice(0, end);
    t.message(recordContext(r, idx, line, naive, rid, null, true), msgAt >= end ? '' : line.slice(msgAt), lv, idx);
  } else {
    t.message(recordContext(r, idx, first, naive, rid), cleanLine(first.slice(msgAt)), lv, idx);
  }
  return true;
}

/** Whether `s` has a space in [from, to) (a loop: lastIndexOf is a runtime call, and this runs for every app line). */
function hasSpace(s: string, from: number, to: number): boolean {
  for (let i = to - 1; i >= from; i--) if (s.charCodeAt(i) === 32) return true;
  return false;
}

/** Whether `s` has `<something>.go:<digits>` ending right before `end`: `relay/controller/helper.go:86`. */
export function goFileEndsAt(s: string, end: number): boolean {
  let i = end - 1;
  while (i > 0 && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i--;
  // s[i] must be ':' after at least one digit, preceded by `.go`
  return i < end - 1 && s.charCodeAt(i) === 58 && s.charCodeAt(i - 1) === 111 && s.charCodeAt(i - 2) === 103 && s.charCodeAt(i - 3) === 46;
}

/** `level()` on bytes: the length of `INFO` / `DEBUG` (the levels whose lines are not searched for timeout text), 0 for another level, -1 for none. */
function quietLevel(b: Uint8Array, from: number, to: number): number {
  const n = to - from;
  const c4 = n > 4 ? b[from + 4] : -1;
  if (c4 === 93) return n > 5 && b[from + 5] === 32 && (isWord(b, from, 'SYS') || isWord(b, from, 'ERR')) ? 0 : -1;
  const c5 = n > 5 ? b[from + 5] : -1;
  if (c5 === 93) {
    if (n <= 6 || b[from + 6] !== 32) return -1;
    if (isWord(b, from, 'INFO')) return 4;
    return isWord(b, from, 'WARN') ? 0 : -1;
  }
  const c6 = n > 6 ? b[from + 6] : -1;
  if (c6 === 93) {
    if (n <= 7 || b[from + 7] !== 32) return -1;
    if (isWord(b, from, 'DEBUG')) return 5;
    return isWord(b, from, 'ERROR') || isWord(b, from, 'FATAL') ? 0 : -1;
  }
  return -1;
}

/** `[` + `word` at `from` (the caller has checked the length). */
function isWord(b: Uint8Array, from: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (b[from + 1 + i] !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * `start` and `parse` on the bytes: QUIET for an `[INFO]` / `[DEBUG]` line whose message does not begin with an event
 * keyword (consume logs, quota checks). The other levels are also searched for timeout text: UNSURE. The bytes up to
 * the request id must be ASCII; from there on, parse() finds its way by content (` | `, `.go:`, `] `), as this does.
 */
function quiet(b: Uint8Array, from: number, to: number): Quietness {
  if (b[from] !== 91) return NOT_MINE;
  const lv = quietLevel(b, from, to);
  if (lv === -1) return NOT_MINE; // level() null: start() is CONTINUATION and parse() false
  if (lv === 0) return UNSURE;
  const tsAt = from + lv + 3;
  // start(): a digit after `[INFO] ` / `[DEBUG] `
  if (tsAt >= to || !isDigit(b[tsAt]!)) return UNSURE;
  if (tsAt + 22 >= to || b[tsAt + 21] !== 32 || b[tsAt + 22] !== 124) return UNSURE;
  const bodyAt = tsAt + 24;
  if (!isAscii(b, from, Math.min(bodyAt, to))) return UNSURE;
  let msgAt = bodyAt;
  if (bodyAt >= to || b[bodyAt] !== 91) {
    // the first ` | ` and whether a space comes before it (then the text before it is no request id), in one pass
    let bar = -1;
    let spaced = false;
    for (let i = bodyAt; i + 2 < to; i++) {
      if (b[i] !== 32) continue;
      if (b[i + 1] === 124 && b[i + 2] === 32) {
        bar = i;
        break;
      }
      spaced = true;
    }
    if (bar === bodyAt) msgAt = bodyAt + 3;
    else if (bar > bodyAt && !spaced) msgAt = bar + 3;
    let sp = msgAt;
    while (sp < to && b[sp] !== 32) sp++;
    if (sp < to && sp > msgAt && goFileEndsAtBytes(b, from, sp)) {
      const next = sp + 1 < to ? b[sp + 1] : -1;
      if (next === 91) {
        let close = -1;
        for (let i = sp; i + 1 < to; i++) {
          if (b[i] === 93 && b[i + 1] === 32) {
            close = i;
            break;
          }
        }
        if (close >= 0) msgAt = close + 2;
        else if (b[to - 1] === 93) msgAt = to;
      } else if (next === 124 && sp + 2 < to && b[sp + 2] === 32) msgAt = sp + 3;
    }
  }
  return eventPrefixAt(b, msgAt, to) ? UNSURE : QUIET;
}

/** goFileEndsAt on bytes (`from` is the line's start): only ASCII is compared, so it reads as the character test does. */
function goFileEndsAtBytes(b: Uint8Array, from: number, end: number): boolean {
  let i = end - 1;
  while (i > from && b[i]! >= 48 && b[i]! <= 57) i--;
  return i < end - 1 && i - 3 >= from && b[i] === 58 && b[i - 1] === 111 && b[i - 2] === 103 && b[i - 3] === 46;
}

export const oneapi: Dialect = { name: 'oneapi', firstChars: [91], start, parse, quiet };
