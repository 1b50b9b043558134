// Records → events. One dispatch on the first character(s) of a record's first line picks the dialect; the
// message part of every dialect then goes through the same analysis (`message`). The expensive regexes run only
// after a cheap keyword test passes, so the bulk of `[GIN] … 200` and plain `[INFO]`/`[SYS]` lines cost a few
// character comparisons and one regex test.
import type { GEvent, PanicEvent } from '../events.js';
import type { LogRecord } from '../stream/types.js';
import { dockerTimeToIso, naiveToIso } from '../time.js';
import { classifyCause, classifyTimeout } from './classify.js';
import {
  CHANNEL_STATE,
  CHANNEL_STATE_ZH,
  GOROUTINE,
  MEMORY,
  RELAY_ERROR,
  REQUEST_ID_SUFFIX,
  RETRY,
  RETRY_EZ,
  STARTUP,
  STATUS_IN_TEXT,
  goDurationMs,
  realRequestId,
  worthParsing,
} from './patterns.js';
import { extractFrames, goroutineBlocks, panicSignature, signatureFrames } from './stack.js';
import { cap, cleanLine, isBlank } from './text.js';

export interface EventParserOptions {
  /** IANA zone for naive app timestamps (`2025/02/21 - 19:30:16`). */
  tz: string;
  onEvent: (e: GEvent) => void;
}

/** A relay-handler panic being assembled from its records (`panic detected`, `stacktrace from panic`, `request`, `request body`). */
interface PendingPanic {
  key: string;
  streamKey: string;
  /** Records of the same stream seen since; the panic is emitted when this passes PENDING_MAX_RECORDS. */
  seen: number;
  event: PanicEvent;
  hasDetected: boolean;
}

/** A panic waits at most this many records of its stream for its remaining parts. */
const PENDING_MAX_RECORDS = 64;
/** new-api logs `[SYS] panic detected: X` right after gin's dump of the same panic; within this many records it is the same panic. */
const GIN_ECHO_RECORDS = 8;

// Era D body after `[LEVEL] ts | `: `2025022119310248291533751023948 | relay/controller/helper.go:86 [preConsumeQuota] user 1 …`
// or, without a request id, `main.go:32 [main] One API v0.6.11-preview.1 started`.
const ERA_D = /^(?:(\S+) \| )?([^\s|]+\.go):(\d+) \[([^\]]*)\] ?/;
// new-api variant `[ERR] ts | rid | controller/relay.go:290 | msg`: the file segment after the id.
const FILE_SEGMENT = /^[^\s|]+\.go:\d+ \| /;
// Custom access line (eras B–D, new-api, ezlinkai text):
// `[GIN] 2025/02/21 - 19:31:05 | 2025022119310512345678909876543 | 403 |    3.402117ms |    203.0.113.57 |    POST /v1/chat/completions`
// (ezlinkai ≥ 2026-02 takes the id from the client's X-Request-ID header: any text)
const GIN_CUSTOM = /^\[GIN\] \d{4}\/\d{2}\/\d{2} - \d{2}:\d{2}:\d{2} \| (.*?) \| +(\d{3}) \| +(\S+) \| +(\S+) \| +([A-Z]+) (.*)$/;
// gin default formatter (era A), ANSI removed: `[GIN] 2023/08/04 - 19:38:05 | 500 | 28.509584165s |      10.0.2.100 | POST     "/v1/chat/completions"`
const GIN_DEFAULT = /^\[GIN\] \d{4}\/\d{2}\/\d{2} - \d{2}:\d{2}:\d{2} \| +(\d{3}) +\| +(\S+) \| +(\S+) \| +([A-Z]+) +"(.*)"\s*$/;
// GORM first line after the std-log date: `github.com/songquanpeng/one-api/model/cache.go:40 record not found`, `/build/model/main.go:49`
const GORM_HEAD = /^(\S+\.go:\d+)(?: (.*))?$/;
// `[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF`
const MYSQL = /^\[mysql\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (?:(\S+\.go:\d+): )?(.*)$/;
// one-hub zap: `2025/01/05 - 10:20:30\tINFO\tmiddleware/logger.go:71\tGIN request\t{"status": 200, …}` (tabs; spaces when re-rendered)
const ZAP = /^(\d{4}\/\d{2}\/\d{2} - \d{2}:\d{2}:\d{2})[\t ]+(DEBUG|INFO|WARN|ERROR|DPANIC|PANIC|FATAL)[\t ]+(\S+:\d+)[\t ]+(.*)$/;
// gin Recovery frame: `github.com/songquanpeng/one-api/controller/channel.go:212 (0x1a9c5e3)`
const PC_FRAME = /^\S.*?:\d+ \(0x[0-9a-f]+\)\s*$/;

type Level = string;

/** Turns records into events; keeps the cross-record state (panic parts sharing a request id). */
export class EventParser {
  private readonly tz: string;
  private readonly onEvent: (e: GEvent) => void;
  private _unparsed = 0;
  private readonly pending = new Map<string, PendingPanic>();
  /** Per stream: the message of the last gin `[Recovery]` panic and how many records ago it was. */
  private readonly lastGinPanic = new Map<string, { message: string; ago: number }>();

  // The record being parsed: what `base()` turns into the common event fields.
  private rec: LogRecord | null = null;
  private raw = '';
  private naive: string | null = null;
  private iso: string | null = null;
  private rid: string | undefined = undefined;
  // `naiveIso` reads the zone once per minute of log time
  private minuteKey = '';
  private minutePrefix: string | null = null;
  private lastNaive = '';
  private lastDockerSecond = '';
  private lastNaiveIso: string | null = null;

  constructor(opts: EventParserOptions) {
    this.tz = opts.tz;
    this.onEvent = opts.onEvent;
  }

  /** Records whose first line matched no known format. */
  get unparsed(): number {
    return this._unparsed;
  }

  record(r: LogRecord): void {
    const lines = r.lines;
    let i = 0;
    // leading blank lines: GORM's `\r`, gin's two empty lines before `[Recovery]`
    const c = lines.length > 0 ? lines[0]!.charCodeAt(0) : 0;
    if (!(c > 32 && c !== 0xfeff)) {
      while (i < lines.length && isBlank(lines[i]!)) i++;
      if (i === lines.length) return;
    }
    if (this.pending.size > 0) this.agePending(r);
    if (this.lastGinPanic.size > 0) this.ageGin(r);
    // Cleaning (ANSI, NUL, trailing space) is left to the dialects that need it and to `base()`: most records make no event.
    let first = lines[i]!;
    const c0 = first.charCodeAt(0);
    if (c0 === 27 || c0 === 0 || c0 === 0xfeff) first = cleanLine(first);
    this.rec = r;
    this.raw = first;
    this.naive = null;
    this.iso = null;
    this.rid = undefined;
    let known: boolean;
    switch (first.charCodeAt(0)) {
      case 91: // [
        known = this.bracket(first, r, i);
        break;
      case 123: // {
        known = first.startsWith('{"ts":') && this.json(first, r);
        break;
      case 112: // p
        known = first.startsWith('panic: ') && this.crash(first, 'panic', r, i);
        break;
      case 102: // f
        known = first.startsWith('fatal error: ') && this.crash(first, 'fatal_error', r, i);
        break;
      default: {
        const c = first.charCodeAt(0);
        known = c >= 48 && c <= 57 && this.dated(first, r, i);
      }
    }
    if (!known) this._unparsed++;
    this.rec = null;
  }

  /** Emits the panics still waiting for their parts. Safe to call at any time (e.g. when a follow goes quiet). */
  flush(): void {
    for (const p of [...this.pending.values()]) this.emitPending(p);
    this.pending.clear();
  }

  // ---- dialects -------------------------------------------------------------------------------------------------

  /** `[SYS] …`, `[INFO] …`, `[GIN] …`, `[mysql] …`, `[GIN-debug] …` (character tests: this runs for every line) */
  private bracket(first: string, r: LogRecord, idx: number): boolean {
    const c1 = first.charCodeAt(1);
    const c2 = first.charCodeAt(2);
    let level: Level;
    if (first.charCodeAt(4) === 93 /* ] */) {
      if (c1 === 71 && c2 === 73 && first.charCodeAt(3) === 78) return this.gin(first); // [GIN]
      if (c1 === 83 && c2 === 89 && first.charCodeAt(3) === 83) level = 'SYS';
      else if (c1 === 69 && c2 === 82 && first.charCodeAt(3) === 82) level = 'ERR';
      else return false;
      return this.app(first, level, 6, r, idx);
    }
    if (first.charCodeAt(5) === 93) {
      if (first.startsWith('[INFO')) level = 'INFO';
      else if (first.startsWith('[WARN')) level = 'WARN';
      else return false;
      return this.app(first, level, 7, r, idx);
    }
    if (first.charCodeAt(6) === 93) {
      if (first.startsWith('[ERROR')) level = 'ERROR';
      else if (first.startsWith('[DEBUG')) level = 'DEBUG';
      else if (first.startsWith('[FATAL')) level = 'FATAL';
      else if (first.startsWith('[mysql')) return this.mysql(first);
      else return false;
      return this.app(first, level, 8, r, idx);
    }
    return first.startsWith('[GIN-debug] ');
  }

  /**
   * One API app line, every era:
   * - D: `[ERROR] 2025/02/21 - 19:31:07 | <rid> | controller/relay.go:125 [processChannelRelayError] <msg>` (rid optional)
   * - B/C: `[ERR] 2024/09/10 - 11:02:33 | <rid> | <msg>`; new-api variant `… | <rid> | controller/relay.go:290 | <msg>`
   * - A–C: `[SYS] 2024/02/17 - 04:24:47 | <msg>`, `[FATAL] 2024/02/17 - 04:24:49 | [<msg>]`
   * The message start is found by scanning, without a regex, so lines that make no event allocate nothing.
   */
  private app(first: string, level: Level, tsAt: number, r: LogRecord, idx: number): boolean {
    // `2025/02/21 - 19:30:16` is 21 characters, then ` | `.
    if (first.charCodeAt(tsAt + 21) !== 32 || first.charCodeAt(tsAt + 22) !== 124) return false;
    const bodyAt = tsAt + 24;
    let msgAt = bodyAt;
    let ridEnd = -1;
    if (level !== 'SYS' && first.charCodeAt(bodyAt) !== 91 /* [ : FATAL's slice */) {
      // `<rid> | `: an id has no spaces; an empty one (`… |  | msg`) is no id
      const bar = first.indexOf(' | ', bodyAt);
      if (bar === bodyAt) msgAt = bodyAt + 3;
      else if (bar > bodyAt && first.lastIndexOf(' ', bar - 1) < bodyAt) {
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
    if (level !== 'FATAL' && !worthParsing(first, msgAt, level !== 'INFO' && level !== 'DEBUG')) return true;
    this.naive = first.slice(tsAt, tsAt + 21);
    if (ridEnd > 0) this.rid = realRequestId(first.slice(bodyAt, ridEnd));
    this.message(cleanLine(first.slice(msgAt)), level, r, idx);
    return true;
  }

  /** `[GIN]` access line: only status ≥ 500 becomes an event, so the status is read first, without allocating. */
  private gin(first: string): boolean {
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
    const c = GIN_CUSTOM.exec(line);
    if (c !== null) {
      rid = c[1];
      latency = c[3]!;
      method = c[5]!;
      path = c[6]!.trim();
    } else {
      const g = GIN_DEFAULT.exec(line);
      if (g === null) return true;
      latency = g[2]!;
      method = g[4]!;
      path = g[5]!;
    }
    this.naive = line.slice(6, 27);
    this.rid = realRequestId(rid);
    this.emit({ kind: 'http_error', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, status, method, path, latencyMs: goDurationMs(latency) });
    return true;
  }

  /** `[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF` → db_error. */
  private mysql(first: string): boolean {
    const m = MYSQL.exec(first);
    if (m === null) return false;
    this.naive = first.slice(8, 27);
    this.emit({ kind: 'db_error', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, message: cap(m[2]!), origin: 'mysql' });
    return true;
  }

  /** Lines that start with a date: Go std log (GORM, gin `[Recovery]`, net/http) or one-hub's zap. */
  private dated(first: string, r: LogRecord, idx: number): boolean {
    if (first.charCodeAt(10) === 32 && first.charCodeAt(11) === 45) return this.zap(first, r, idx);
    // GORM colours the middle of its line: `2025/02/21 19:31:07 \x1b[31;1mgithub.com/…/cache.go:40 \x1b[35;1mrecord not found`
    if (first.indexOf('\x1b') !== -1 || first.charCodeAt(first.length - 1) === 13) first = cleanLine(first);
    // `2025/02/21 19:31:07 ` is 20 characters.
    if (first.charCodeAt(4) !== 47 || first.charCodeAt(13) !== 58 || first.charCodeAt(19) !== 32) return false;
    this.naive = first.slice(0, 19);
    const rest = first.slice(20);
    if (rest.startsWith('[Recovery] ')) return this.recovery(r, idx);
    const g = rest.includes('.go:') ? GORM_HEAD.exec(rest) : null;
    if (g !== null) return this.gorm(g[2], r, idx);
    // other std-log output (`http: Accept error: …`, ezlinkai log.Println): known format, message analysed as INFO
    if (worthParsing(rest, 0)) this.message(cleanLine(rest), 'INFO', r, idx);
    return true;
  }

  /**
   * GORM: `2025/02/21 19:31:07 <file>:<line>[ <error | SLOW SQL >= 200ms>]` then `[<ms>ms] [rows:<n>] <SQL>` or
   * `[error] <msg>`. `record not found` and slow SQL are not errors worth an event.
   */
  private gorm(headError: string | undefined, r: LogRecord, idx: number): boolean {
    let message: string | null = null;
    const second = r.lines[idx + 1];
    if (second !== undefined) {
      const s = cleanLine(second);
      if (s.startsWith('[error] ')) message = s.slice(8);
    }
    if (message === null && headError !== undefined && headError !== '' && !headError.startsWith('SLOW SQL')) message = headError;
    if (message === null || message.includes('record not found')) return true;
    this.emit({ kind: 'db_error', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, message: cap(message), origin: 'gorm' });
    return true;
  }

  /**
   * gin `[Recovery]`: `2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:`, (debug mode: the request
   * headers), the panic value, `file:line (0xPC)` frames, and a line that is just `\x1b[0m`.
   */
  private recovery(r: LogRecord, idx: number): boolean {
    const lines: string[] = [];
    for (let i = idx + 1; i < r.lines.length; i++) lines.push(cleanLine(r.lines[i]!));
    let firstFrame = lines.findIndex((l) => PC_FRAME.test(l));
    if (firstFrame < 0) firstFrame = lines.length;
    let message = '';
    for (let i = firstFrame - 1; i >= 0; i--) {
      if (lines[i]!.trim() !== '') {
        message = lines[i]!;
        break;
      }
    }
    const blocks = goroutineBlocks(lines.slice(firstFrame));
    const frames = blocks.length > 0 ? signatureFrames(blocks[0]!.frames) : [];
    const key = this.streamKey(r);
    this.lastGinPanic.set(key, { message, ago: 0 });
    this.emit({
      kind: 'panic',
      time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid,
      message: cap(message),
      signature: panicSignature(frames, message),
      frames,
      recoveredBy: 'gin',
    });
    return true;
  }

  /** one-hub zap console line: `time\tLEVEL\tcaller\tmessage[\t{json}]`. */
  private zap(first: string, r: LogRecord, idx: number): boolean {
    const m = ZAP.exec(first);
    if (m === null) return false;
    const level = m[2]!;
    let msg = m[4]!;
    this.naive = m[1]!;
    let fields: string | null = null;
    const tab = msg.indexOf('\t{');
    if (tab >= 0) {
      fields = msg.slice(tab + 1);
      msg = msg.slice(0, tab);
    } else if (msg.startsWith('GIN request ')) {
      fields = msg.slice(12);
      msg = 'GIN request';
    }
    if (msg === 'GIN request') {
      if (fields === null) return true;
      const st = /"status": ?(\d+)/.exec(fields);
      if (st === null || Number(st[1]) < 500) return true;
      let f: Record<string, unknown>;
      try {
        f = JSON.parse(fields) as Record<string, unknown>;
      } catch {
        return true;
      }
      this.rid = realRequestId(str(f['request_id']));
      const query = str(f['query']);
      const latency = f['latency'];
      this.emit({
        kind: 'http_error',
        time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid,
        status: Number(st[1]),
        method: str(f['method']) ?? '',
        path: (str(f['path']) ?? '') + (query ? '?' + query : ''),
        latencyMs: typeof latency === 'number' ? latency : typeof latency === 'string' ? goDurationMs(latency) : null,
      });
      return true;
    }
    // SysLog: `[SYS] | One Hub v0.12.1 started`; context logs: `<rid> | <msg>`
    if (msg.startsWith('[SYS] | ')) msg = msg.slice(8);
    else {
      const bar = msg.indexOf(' | ');
      if (bar > 0 && msg.lastIndexOf(' ', bar - 1) === -1) {
        this.rid = realRequestId(msg.slice(0, bar));
        msg = msg.slice(bar + 3);
      }
    }
    if (level !== 'FATAL' && !worthParsing(msg, 0)) return true;
    this.message(cleanLine(msg.trimEnd()), level, r, idx);
    return true;
  }

  /**
   * ezlinkai JSON (≥ 2026-05): `{"ts":"2026-08-21T10:15:30.48+08:00","level":"error","request_id":"…","msg":"…",…}`;
   * `"msg":"http request"` is an access line.
   */
  private json(first: string, r: LogRecord): boolean {
    const access = first.includes('"msg":"http request"');
    if (access) {
      const st = /"status":(\d+)/.exec(first);
      if (st === null || Number(st[1]) < 500) return true;
    } else {
      // `"level":"info"` / `"debug"` lines are not searched for timeout text (as for text-era INFO lines)
      const lv = first.indexOf('"level":"');
      const lc = lv < 0 ? 0 : first.charCodeAt(lv + 9);
      const m = first.indexOf('"msg":"');
      if (m < 0 || (lc !== 102 /* fatal */ && !worthParsing(first, m + 7, lc !== 105 && lc !== 100))) return true;
    }
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(first) as Record<string, unknown>;
    } catch {
      return false;
    }
    if (o === null || typeof o !== 'object') return false;
    this.iso = jsonTime(str(o['ts']));
    this.rid = realRequestId(str(o['request_id']));
    const msg = str(o['msg']) ?? '';
    if (access) {
      const latency = o['latency_ms'];
      this.emit({
        kind: 'http_error',
        time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid,
        status: Number(o['status']),
        method: str(o['method']) ?? '',
        path: str(o['path']) ?? '',
        latencyMs: typeof latency === 'number' ? latency : null,
      });
      return true;
    }
    const level = (str(o['level']) ?? '').toUpperCase();
    this.message(msg, level, r, -1);
    return true;
  }

  /** An unrecovered `panic: …` / `fatal error: …` dump: one crash event for the whole record. */
  private crash(first: string, crashKind: 'panic' | 'fatal_error', r: LogRecord, idx: number): boolean {
    const message = first.slice(crashKind === 'panic' ? 7 : 13);
    const rest = r.lines.slice(idx + 1);
    const frames = extractFrames(rest);
    this.emit({
      kind: 'crash',
      time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid,
      message: cap(message),
      crashKind,
      signature: panicSignature(frames, message),
      frames,
      truncated: r.atEnd === true && !dumpComplete(rest),
    });
    return true;
  }

  // ---- the message part, shared by every dialect -----------------------------------------------------------------

  /**
   * `msg` is the message of the record's first line (prefixes removed); `idx` is that line's index in the record
   * (the lines after it continue the message), or -1 when `msg` is all there is (JSON).
   */
  private message(msg: string, level: Level, r: LogRecord, idx: number): void {
    if (level === 'FATAL') {
      // eras A–C and ezlinkai JSON print the message as a Go slice: `[dial tcp …: connection refused]`
      const m = msg.length >= 2 && msg.startsWith('[') && msg.endsWith(']') ? msg.slice(1, -1) : msg;
      this.emit({ kind: 'fatal', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, message: cap(m) });
      return;
    }
    // The message's first character picks the pattern (the same prefixes `worthParsing` let through); the
    // substring tests below are the fallback for wordings that do not start the message.
    switch (msg.charCodeAt(0)) {
      case 112: // p
        if (msg.startsWith('panic detected: ')) return this.panicDetected(msg.slice(16), r);
        break;
      case 115: // s
        if (msg.startsWith('stacktrace from panic: ')) return this.panicStack(msg, r, idx);
        break;
      case 114: // r
        if (msg.startsWith('request: ') || msg.startsWith('request body: ')) {
          if (this.panicRequest(msg, r)) return;
        }
        break;
      case 0x26a0: // ⚠️ High goroutine count detected: N / ⚠️ Goroutine count elevated: N
      case 71: // Goroutine count: N
      case 72: // High goroutine count …
        if (this.goroutine(msg)) return;
        break;
      case 77: // Memory: Alloc=…
        if (this.memory(msg)) return;
        break;
    }
    if (msg.includes('elay error (') || msg.includes('hannel error (')) {
      const m = RELAY_ERROR.exec(msg);
      if (m !== null) return this.relayError(m, msg, r, idx);
    }
    if (msg.includes('渠道切换: #')) {
      const m = RETRY_EZ.exec(msg);
      if (m !== null) {
        this.emit({ kind: 'retry', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, fromChannel: Number(m[1]), toChannel: Number(m[3]), remaining: null });
        return;
      }
    }
    if (msg.includes(' to retry')) {
      const m = RETRY.exec(msg);
      if (m !== null) {
        this.emit({ kind: 'retry', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, fromChannel: null, toChannel: Number(m[1]), remaining: Number(m[3]) });
        return;
      }
    }
    if (msg.includes(' has been ')) {
      const m = CHANNEL_STATE.exec(msg);
      if (m !== null) {
        const kind = m[3] === 'disabled' ? 'channel_disabled' : 'channel_enabled';
        const reason = m[4] ?? (m[5] !== undefined && m[5].trim() !== '' ? cap(m[5].trim()) : null);
        this.emit({ kind, time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, channel: Number(m[1]), reason });
        return;
      }
    }
    if (msg.includes('）已被')) {
      const m = CHANNEL_STATE_ZH.exec(msg);
      if (m !== null) {
        const reason = m[4] !== undefined && m[4].trim() !== '' ? cap(m[4].trim()) : null;
        this.emit({ kind: m[3] === '禁用' ? 'channel_disabled' : 'channel_enabled', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, channel: Number(m[2]), reason });
        return;
      }
    }
    if (msg.includes('child goroutine panic occ')) return this.goroutinePanic(msg, r, idx);
    if (msg.includes('oroutine count') && this.goroutine(msg)) return;
    if (msg.includes('Memory: ') && this.memory(msg)) return;
    if (msg.endsWith(' started')) {
      const m = STARTUP.exec(msg);
      if (m !== null) {
        this.emit({ kind: 'startup', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, version: m[2] ?? null, product: m[1]! });
        return;
      }
    }
    // Timeouts outside relay errors. `DoRequest failed` / `[do_request_failed]` and the DEBUG `error happened` dump are
    // the same failure as the relay error logged right after them, so they are not counted twice.
    if (msg.includes('do request failed') || msg.startsWith('error happened, status code')) return;
    const tc = classifyTimeout(msg);
    if (tc !== null) this.emit({ kind: 'timeout', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, timeoutClass: tc, message: cap(msg) });
  }

  /** `⚠️ High goroutine count detected: 5234`, `⚠️ Goroutine count elevated: 2417`, `Goroutine count: 312` */
  private goroutine(msg: string): boolean {
    const m = GOROUTINE.exec(msg);
    if (m === null) return false;
    const level = m[1] === 'High goroutine count detected' ? 'high' : m[1] === 'Goroutine count elevated' ? 'elevated' : 'debug';
    this.emit({ kind: 'goroutine', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, count: Number(m[2]), level });
    return true;
  }

  /** `Memory: Alloc=812MB, TotalAlloc=91234MB, Sys=1630MB, NumGC=4521` */
  private memory(msg: string): boolean {
    const m = MEMORY.exec(msg);
    if (m === null) return false;
    this.emit({
      kind: 'memory',
      time: this.time(),
      stream: this.rec!.stream,
      source: this.rec!.source,
      raw: this.rawText(),
      requestId: this.rid,
      allocMb: Number(m[1]),
      totalAllocMb: m[2] !== undefined ? Number(m[2]) : null,
      sysMb: m[3] !== undefined ? Number(m[3]) : null,
      numGc: m[4] !== undefined ? Number(m[4]) : null,
    });
    return true;
  }

  private relayError(m: RegExpExecArray, msg: string, r: LogRecord, idx: number): void {
    let text = msg.slice(m.index + m[0].length);
    if (idx >= 0 && r.lines.length > idx + 1) {
      // an upstream error text with newlines continues on the following lines
      for (let i = idx + 1; i < r.lines.length && text.length < 500; i++) text += '\n' + cleanLine(r.lines[i]!);
      text = text.trimEnd();
    }
    const suffix = REQUEST_ID_SUFFIX.exec(text);
    if (suffix !== null) {
      text = text.slice(0, suffix.index);
      if (this.rid === undefined) this.rid = realRequestId(suffix[1]);
    }
    const channel = m[1] ?? m[3] ?? m[7];
    const user = m[2] ?? m[6];
    let status: number | null = m[5] !== undefined ? Number(m[5]) : null;
    if (status === null) {
      const s = STATUS_IN_TEXT.exec(text);
      if (s !== null) status = Number(s[1]);
    }
    const ev: GEvent = {
      kind: 'relay_error',
      time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid,
      channel: channel !== undefined ? Number(channel) : null,
      userId: user !== undefined ? Number(user) : null,
      statusCode: status,
      cause: classifyCause(text, status),
      timeoutClass: classifyTimeout(text),
      message: cap(text),
    };
    if (m[4] !== undefined) ev.channelName = m[4];
    this.emit(ev);
  }

  // ---- recovered panics -----------------------------------------------------------------------------------------

  /**
   * `panic detected: <value>`: opens a panic that the following parts with the same request id complete. Without a
   * request id (v0.5.10's `[SYS]` line, new-api's echo of a gin dump) no parts follow: it stands alone.
   */
  private panicDetected(value: string, r: LogRecord): void {
    const sk = this.streamKey(r);
    if (this.rid === undefined) {
      // new-api: gin's dump of the same panic came just before on this stream.
      const gin = this.lastGinPanic.get(sk);
      if (gin !== undefined && gin.message === value) {
        this.lastGinPanic.delete(sk);
        return;
      }
      this.emit({ kind: 'panic', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, message: cap(value), signature: panicSignature([], value), frames: [], recoveredBy: 'unknown' });
      return;
    }
    const key = this.panicKey(r);
    const old = this.pending.get(key);
    if (old !== undefined) {
      if (!old.hasDetected) {
        // the stack came first (interleaving): complete it
        old.event.message = cap(value);
        old.hasDetected = true;
        return;
      }
      this.emitPending(old);
    }
    const event: PanicEvent = { kind: 'panic', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, message: cap(value), signature: '', frames: [], recoveredBy: 'relay' };
    this.pending.set(key, { key, streamKey: sk, seen: 0, event, hasDetected: true });
  }

  /** `stacktrace from panic: goroutine 2087 [running]:` plus the stack on the following lines (or inside a JSON msg). */
  private panicStack(msg: string, r: LogRecord, idx: number): void {
    const stack = idx >= 0 ? [msg, ...r.lines.slice(idx + 1)] : msg.split('\n');
    const frames = extractFrames(stack);
    const key = this.panicKey(r);
    let p = this.pending.get(key);
    if (p === undefined) {
      const event: PanicEvent = { kind: 'panic', time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid, message: '', signature: '', frames: [], recoveredBy: 'relay' };
      p = { key, streamKey: this.streamKey(r), seen: 0, event, hasDetected: false };
      this.pending.set(key, p);
    }
    p.event.frames = frames;
    p.event.recoveredBy = 'relay';
  }

  /** `request: POST /v1/chat/completions`, `request body: {…}` (the last part: the panic is complete). */
  private panicRequest(msg: string, r: LogRecord): boolean {
    const p = this.pending.get(this.panicKey(r));
    if (p === undefined) return false;
    if (msg.startsWith('request: ')) {
      p.event.request = cap(msg.slice(9));
      return true;
    }
    this.emitPending(p);
    return true;
  }

  /** ezlinkai `SafeGoroutine`: `child goroutine panic occured: error: <v>, stack: goroutine 7 [running]:` + stack. */
  private goroutinePanic(msg: string, r: LogRecord, idx: number): void {
    const at = msg.indexOf('error: ');
    const stackAt = msg.indexOf(', stack: ');
    const message = at >= 0 ? msg.slice(at + 7, stackAt > at ? stackAt : undefined) : msg;
    const stack = idx >= 0 ? [msg, ...r.lines.slice(idx + 1)] : msg.split('\n');
    const frames = extractFrames(stack);
    this.emit({
      kind: 'panic',
      time: this.time(), stream: this.rec!.stream, source: this.rec!.source, raw: this.rawText(), requestId: this.rid,
      message: cap(message),
      signature: panicSignature(frames, message),
      frames,
      recoveredBy: 'goroutine',
    });
  }

  private emitPending(p: PendingPanic): void {
    this.pending.delete(p.key);
    p.event.signature = panicSignature(p.event.frames, p.event.message);
    this.onEvent(p.event);
  }

  private agePending(r: LogRecord): void {
    const sk = this.streamKey(r);
    for (const p of this.pending.values()) {
      if (p.streamKey === sk && ++p.seen > PENDING_MAX_RECORDS) this.emitPending(p);
    }
  }

  private ageGin(r: LogRecord): void {
    const g = this.lastGinPanic.get(this.streamKey(r));
    if (g !== undefined && ++g.ago > GIN_ECHO_RECORDS) this.lastGinPanic.delete(this.streamKey(r));
  }

  /** Panic parts are one handler's writes: same source, same stream (stderr), same request id. */
  private panicKey(r: LogRecord): string {
    return r.stream + '\0' + r.source + '\0' + (this.rid ?? '');
  }

  private streamKey(r: LogRecord): string {
    return r.source + '\0' + r.stream;
  }

  // ---- event plumbing ---------------------------------------------------------------------------------------------

  // Events are built as one object literal each (no spread of a base object: logs where half the lines are
  // goroutine/memory samples make this the hot path). `requestId: undefined` is left out by JSON.stringify.

  /** The event time of the current record: Docker's, else the app's naive time in the zone, else the JSON `ts`. */
  private time(): string | null {
    const r = this.rec!;
    let time: string | null = null;
    if (r.dockerTime !== null) time = this.dockerIso(r.dockerTime);
    if (time === null && this.naive !== null) time = this.naiveIso(this.naive);
    return time ?? this.iso;
  }

  /** The current record's first line as events carry it. */
  private rawText(): string {
    return cap(cleanLine(this.raw));
  }

  /** `2025/02/21 - 19:30:16` / `2025/02/21 19:30:16` in the zone → ISO UTC. The zone is consulted once per minute. */
  private naiveIso(naive: string): string | null {
    if (naive === this.lastNaive) return this.lastNaiveIso;
    this.lastNaive = naive;
    this.lastNaiveIso = this.naiveIsoUncached(naive);
    return this.lastNaiveIso;
  }

  private naiveIsoUncached(naive: string): string | null {
    const n = naive.length;
    const s1 = naive.charCodeAt(n - 2) - 48;
    const s2 = naive.charCodeAt(n - 1) - 48;
    if (naive.charCodeAt(n - 3) !== 58 || s1 < 0 || s1 > 5 || s2 < 0 || s2 > 9) return naiveToIso(naive, this.tz);
    const key = naive.slice(0, n - 3);
    if (key !== this.minuteKey) {
      this.minuteKey = key;
      // `2025-02-21T11:31:00.000Z` → `2025-02-21T11:31:`; zone offsets are whole minutes, so the seconds carry over.
      const iso = naiveToIso(key + ':00', this.tz);
      this.minutePrefix = iso !== null && iso.endsWith(':00.000Z') ? iso.slice(0, 17) : null;
    }
    // (toISOString costs a microsecond or more; string assembly does not)
    return this.minutePrefix === null ? null : this.minutePrefix + naive.slice(n - 2) + '.000Z';
  }

  /** Docker's `2025-02-21T11:30:16.123456789Z` → `2025-02-21T11:30:16.123Z` without a Date round trip. */
  private dockerIso(ts: string): string | null {
    const n = ts.length;
    if (n >= 21 && n <= 30 && ts.charCodeAt(19) === 46 /* . */ && ts.charCodeAt(n - 1) === 90 /* Z */) {
      const second = ts.slice(0, 19);
      // the date part is checked once per second of log time
      const ok = second === this.lastDockerSecond || (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(second) && ((this.lastDockerSecond = second), true));
      if (ok && isDigits(ts, 20, n - 1)) return second + '.' + (ts.slice(20, n - 1) + '00').slice(0, 3) + 'Z';
    }
    return dockerTimeToIso(ts);
  }

  private emit(e: GEvent): void {
    this.onEvent(e);
  }
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

/** Whether `s` has `<something>.go:<digits>` ending right before `end`: `relay/controller/helper.go:86`. */
function goFileEndsAt(s: string, end: number): boolean {
  let i = end - 1;
  while (i > 0 && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i--;
  // s[i] must be ':' after at least one digit, preceded by `.go`
  return i < end - 1 && s.charCodeAt(i) === 58 && s.charCodeAt(i - 1) === 111 && s.charCodeAt(i - 2) === 103 && s.charCodeAt(i - 3) === 46;
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

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `2026-08-21T10:15:30.482915337+08:00` → `2026-08-21T02:15:30.482Z`; null when unreadable. */
function jsonTime(ts: string | undefined): string | null {
  if (ts === undefined) return null;
  const ms = Date.parse(ts.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * Whether a crash dump looks whole: it has a goroutine header and its last non-blank line is a file line
 * (`\tgithub.com/…/relay.go:63 +0x4a5`) or the elision marker, not a function line waiting for its file.
 */
function dumpComplete(lines: readonly string[]): boolean {
  let header = false;
  let last = '';
  for (const l of lines) {
    if (!header && /^goroutine \d+ /.test(l)) header = true;
    if (l.trim() !== '') last = l;
  }
  if (!header) return false;
  const t = cleanLine(last);
  return /^\s+\S+:\d+(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?\s*$/.test(t) || t.includes('additional frames elided');
}
