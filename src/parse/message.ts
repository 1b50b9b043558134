// The message part of an app line, the same for every dialect that has one (One API text eras, new-api, ezlinkai
// text and JSON, one-hub zap, std-log lines): relay errors, retries, channel state, the goroutine monitor, memory,
// startup banners, the relay panic handler's parts and timeouts. The message's first character picks the pattern;
// substring tests are the fallback for wordings that do not start the message. docs/formats.md lists them.
import type { GEvent } from '../events.js';
import { causeOf, classifyTimeout, relayTextClass } from './classify.js';
import { rawText, withRid, type Level, type RecordContext, type Tools } from './context.js';
import { CHANNEL_STATE, CHANNEL_STATE_ZH, GOROUTINE, MEMORY, RELAY_ERROR, REQUEST_ID_SUFFIX, RETRY, RETRY_EZ, STARTUP, realRequestId } from './patterns.js';
import { extractFrames, panicSignature } from './stack.js';
import { cap, cleanLine } from './text.js';

/**
 * `msg` is the message of the record's first line (prefixes removed); `lineIdx` is that line's index in the record
 * (the lines after it continue the message), or -1 when `msg` is all there is (JSON).
 */
export function analyseMessage(c: RecordContext, msg: string, level: Level, lineIdx: number, t: Tools): void {
  if (level === 'FATAL') {
    // eras A–C and ezlinkai JSON print the message as a Go slice: `[dial tcp …: connection refused]`
    const m = msg.length >= 2 && msg.startsWith('[') && msg.endsWith(']') ? msg.slice(1, -1) : msg;
    t.emit({ kind: 'fatal', time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, message: cap(m) });
    return;
  }
  switch (msg.charCodeAt(0)) {
    case 112: // p
      // `panic detected: runtime error: invalid memory address or nil pointer dereference`
      if (msg.startsWith('panic detected: ')) return t.panics.detected(c, msg.slice(16));
      break;
    case 115: // s
      // `stacktrace from panic: goroutine 2087 [running]:` and the stack on the following lines (or inside a JSON msg)
      if (msg.startsWith('stacktrace from panic: ')) return t.panics.stack(c, lineIdx >= 0 ? [msg, ...c.rec.lines.slice(lineIdx + 1)] : msg.split('\n'));
      break;
    case 114: // r
      // `request: POST /v1/chat/completions`, `request body: {"model":"gpt-4o",…}`
      if ((msg.startsWith('request: ') || msg.startsWith('request body: ')) && t.panics.request(c, msg)) return;
      break;
    case 0x26a0: // ⚠️ High goroutine count detected: N / ⚠️ Goroutine count elevated: N
    case 71: // Goroutine count: N
    case 72: // High goroutine count …
      if (goroutine(c, msg, t)) return;
      break;
    case 77: // Memory: Alloc=…
      if (memory(c, msg, t)) return;
      break;
  }
  // The two commonest relay error heads, read by hand; any other is left to the pattern (one search first for what
  // every head has)
  if (commonRelayHead(msg, HEAD)) return relayError(c, HEAD, msg, lineIdx, t);
  if (msg.includes(' error (')) {
    const m = RELAY_ERROR.exec(msg);
    if (m !== null) return relayError(c, headOf(m, HEAD), msg, lineIdx, t);
  }
  if (msg.includes('渠道切换: #')) {
    const m = RETRY_EZ.exec(msg);
    if (m !== null) {
      t.emit({ kind: 'retry', time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, fromChannel: Number(m[1]), toChannel: Number(m[3]), remaining: null });
      return;
    }
  }
  if (msg.includes(' to retry')) {
    const m = RETRY.exec(msg);
    if (m !== null) {
      t.emit({ kind: 'retry', time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, fromChannel: null, toChannel: Number(m[1]), remaining: Number(m[3]) });
      return;
    }
  }
  if (msg.includes(' has been ')) {
    const m = CHANNEL_STATE.exec(msg);
    if (m !== null) {
      const kind = m[3] === 'disabled' ? 'channel_disabled' : 'channel_enabled';
      const reason = m[4] ?? (m[5] !== undefined && m[5].trim() !== '' ? cap(m[5].trim()) : null);
      t.emit({ kind, time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, channel: Number(m[1]), reason });
      return;
    }
  }
  if (msg.includes('）已被')) {
    const m = CHANNEL_STATE_ZH.exec(msg);
    if (m !== null) {
      const reason = m[4] !== undefined && m[4].trim() !== '' ? cap(m[4].trim()) : null;
      t.emit({ kind: m[3] === '禁用' ? 'channel_disabled' : 'channel_enabled', time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, channel: Number(m[2]), reason });
      return;
    }
  }
  if (msg.includes('child goroutine panic occ')) return goroutinePanic(c, msg, lineIdx, t);
  if (msg.includes('oroutine count') && goroutine(c, msg, t)) return;
  if (msg.includes('Memory: ') && memory(c, msg, t)) return;
  if (msg.endsWith(' started')) {
    const m = STARTUP.exec(msg);
    if (m !== null) {
      t.emit({ kind: 'startup', time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, version: m[2] || null, product: m[1]! });
      return;
    }
  }
  // Timeouts outside relay errors. `DoRequest failed` / `[do_request_failed]` and the DEBUG `error happened` dump are
  // the same failure as the relay error logged right after them, so they are not counted twice.
  if (msg.includes('do request failed') || msg.startsWith('error happened, status code')) return;
  const tc = classifyTimeout(msg);
  if (tc !== null) t.emit({ kind: 'timeout', time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, timeoutClass: tc, message: cap(msg) });
}

/** `⚠️ High goroutine count detected: 5234`, `⚠️ Goroutine count elevated: 2417`, `Goroutine count: 312` */
function goroutine(c: RecordContext, msg: string, t: Tools): boolean {
  const m = GOROUTINE.exec(msg);
  if (m === null) return false;
  const level = m[1] === 'High goroutine count detected' ? 'high' : m[1] === 'Goroutine count elevated' ? 'elevated' : 'debug';
  t.emit({ kind: 'goroutine', time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid, count: Number(m[2]), level });
  return true;
}

/** `Memory: Alloc=812MB, TotalAlloc=91234MB, Sys=1630MB, NumGC=4521` */
function memory(c: RecordContext, msg: string, t: Tools): boolean {
  const m = MEMORY.exec(msg);
  if (m === null) return false;
  t.emit({
    kind: 'memory',
    time: t.time(c),
    stream: c.rec.stream,
    source: c.rec.source,
    raw: rawText(c),
    requestId: c.rid,
    allocMb: Number(m[1]),
    totalAllocMb: m[2] !== undefined ? Number(m[2]) : null,
    sysMb: m[3] !== undefined ? Number(m[3]) : null,
    numGc: m[4] !== undefined ? Number(m[4]) : null,
  });
  return true;
}

/** A relay error's head as RELAY_ERROR reads it: where the text after it starts, and the groups it names. */
export interface RelayHead {
  end: number;
  channel: string | undefined;
  user: string | undefined;
  status: string | undefined;
  channelName: string | undefined;
}

/** One head object, filled for the relay error being read (relayError copies what it needs first). */
const HEAD: RelayHead = { end: 0, channel: undefined, user: undefined, status: undefined, channelName: undefined };

export function headOf(m: RegExpExecArray, h: RelayHead): RelayHead {
  h.end = m.index + m[0].length;
  h.channel = m[1] ?? m[3] ?? m[7];
  h.user = m[2] ?? m[6];
  h.status = m[5];
  h.channelName = m[4];
  return h;
}

/** The end of the ASCII digits after `label` at `at` in `s`; -1 without the label or a digit. */
function numberAfter(s: string, at: number, label: string): number {
  if (!s.startsWith(label, at)) return -1;
  const from = at + label.length;
  let i = from;
  while (i < s.length) {
    const d = s.charCodeAt(i);
    if (d < 48 || d > 57) break;
    i++;
  }
  return i === from ? -1 : i;
}

/**
 * RELAY_ERROR's own match, read without it, for a message that starts with one of the two commonest heads:
 * `relay error (userId #34,channel #12): ` (ezlinkai) and `relay error (channel id 3, user id: 1): ` (One API
 * v0.6.7 →). At the message's start no other alternative of the pattern can match these, so the pattern's leftmost
 * match is this one; false for anything else (the pattern then reads the message).
 */
export function commonRelayHead(msg: string, h: RelayHead): boolean {
  if (!msg.startsWith('relay error (')) return false;
  let i: number;
  let channel: string;
  let user: string;
  const u1 = numberAfter(msg, 13, 'userId #');
  if (u1 !== -1) {
    // `userId #(\d+), ?channel #(\d+)`
    if (msg.charCodeAt(u1) !== 44) return false;
    const at = msg.charCodeAt(u1 + 1) === 32 ? u1 + 2 : u1 + 1;
    i = numberAfter(msg, at, 'channel #');
    if (i === -1) return false;
    user = msg.slice(13 + 8, u1);
    channel = msg.slice(at + 9, i);
  } else {
    // `channel id (\d+), user id: (\d+)`
    const c1 = numberAfter(msg, 13, 'channel id ');
    if (c1 === -1) return false;
    i = numberAfter(msg, c1, ', user id: ');
    if (i === -1) return false;
    channel = msg.slice(13 + 11, c1);
    user = msg.slice(c1 + 11, i);
  }
  // `\):? ?`
  if (msg.charCodeAt(i) !== 41) return false;
  i++;
  if (msg.charCodeAt(i) === 58) i++;
  if (msg.charCodeAt(i) === 32) i++;
  h.end = i;
  h.channel = channel;
  h.user = user;
  h.status = undefined;
  h.channelName = undefined;
  return true;
}

function relayError(c: RecordContext, h: RelayHead, msg: string, lineIdx: number, t: Tools): void {
  const { end, channel, user, status: headStatus, channelName } = h;
  const lines = c.rec.lines;
  let text = msg.slice(end);
  if (lineIdx >= 0 && lines.length > lineIdx + 1) {
    // an upstream error text with newlines continues on the following lines
    for (let i = lineIdx + 1; i < lines.length && text.length < 500; i++) text += '\n' + cleanLine(lines[i]!);
    text = text.trimEnd();
  }
  // (the patterns below only run where their literal part is: most texts have neither)
  const suffix = text.endsWith(')') ? REQUEST_ID_SUFFIX.exec(text) : null;
  if (suffix !== null) {
    text = text.slice(0, suffix.index);
    // era B appends ` (request id: …)` to the message; the line's own id segment wins
    if (c.rid === undefined) c = withRid(c, realRequestId(suffix[1]));
  }
  const tc = relayTextClass(text);
  const status: number | null = headStatus !== undefined ? Number(headStatus) : tc.statusInText;
  const ev: GEvent = {
    kind: 'relay_error',
    time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid,
    channel: channel !== undefined ? Number(channel) : null,
    userId: user !== undefined ? Number(user) : null,
    statusCode: status,
    cause: causeOf(tc, status),
    timeoutClass: tc.timeoutClass,
    message: cap(text),
  };
  if (channelName !== undefined) ev.channelName = channelName;
  t.emit(ev);
}

/** ezlinkai `SafeGoroutine`: `child goroutine panic occured: error: <v>, stack: goroutine 7 [running]:` + stack. */
function goroutinePanic(c: RecordContext, msg: string, lineIdx: number, t: Tools): void {
  const at = msg.indexOf('error: ');
  const stackAt = msg.indexOf(', stack: ');
  const message = at >= 0 ? msg.slice(at + 7, stackAt > at ? stackAt : undefined) : msg;
  const stack = lineIdx >= 0 ? [msg, ...c.rec.lines.slice(lineIdx + 1)] : msg.split('\n');
  const frames = extractFrames(stack);
  t.emit({
    kind: 'panic',
    time: t.time(c), stream: c.rec.stream, source: c.rec.source, raw: rawText(c), requestId: c.rid,
    message: cap(message),
    signature: panicSignature(frames, message),
    frames,
    recoveredBy: 'goroutine',
  });
}
