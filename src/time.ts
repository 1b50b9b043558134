// Time: the `--since`/`--until` grammar, reading naive app timestamps in a zone, and Docker's timestamp forms.
// Pure: the current time is always passed in.
import { readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import { UsageError } from './errors.js';

/**
 * The machine's zone, used when `--tz` is not given. A machine on UTC (most servers and containers: no TZ, and
 * /etc/localtime a link to the UTC zone file) is told without asking Intl, whose first use loads the zone data — tens
 * of ms that every command would pay before reading a line.
 */
export function localZone(): string {
  if (process.env.TZ === undefined && /\/zoneinfo\/(?:Etc\/)?UTC$/.test(linkTarget('/etc/localtime'))) return 'UTC';
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function linkTarget(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

/** Throws a UsageError unless `tz` is an IANA zone name (or `UTC`, `local`). Returns the resolved name. */
export function checkZone(tz: string): string {
  if (tz === 'local') return localZone();
  if (tz === 'UTC') return tz;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new UsageError('unknown time zone', tz, 'use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC');
  }
}

const offsetCache = new Map<string, Map<number, number>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC in ms at the instant `utcMs` (Asia/Shanghai → +28_800_000). Cached per 15 minutes. */
export function zoneOffsetMs(tz: string, utcMs: number): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 0;
  let cache = offsetCache.get(tz);
  if (!cache) {
    cache = new Map();
    offsetCache.set(tz, cache);
  }
  const bucket = Math.floor(utcMs / 900_000);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  let fmt = formatters.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, fmt);
  }
  const at = bucket * 900_000;
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  const off = asUtc - at;
  if (cache.size > 10_000) cache.clear();
  cache.set(bucket, off);
  return off;
}

/** A wall-clock time in `tz` → UTC epoch ms. Months are 1-based. */
export function zonedToUtcMs(tz: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const off1 = zoneOffsetMs(tz, wall);
  let utc = wall - off1;
  const off2 = zoneOffsetMs(tz, utc);
  if (off2 !== off1) utc = wall - off2;
  return utc;
}

// `2025/02/21 - 19:30:16` (One API, zap) and `2025/02/21 19:30:16` (Go std log): digits at fixed places.
const NAIVE = /^(\d{4})[/-](\d{2})[/-](\d{2})(?: - | |T)(\d{2}):(\d{2}):(\d{2})/;

/** Read a naive app timestamp (`2025/02/21 - 19:30:16`, `2025/02/21 19:30:16`) in `tz`; ISO UTC or null. */
export function naiveToIso(text: string, tz: string): string | null {
  const m = NAIVE.exec(text);
  if (!m) return null;
  const ms = zonedToUtcMs(tz, +m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

// Docker's time stamps: `docker logs -t` and the API put `2025-02-21T11:30:16.123456789Z ` (RFC 3339, UTC, 9 digits)
// before every message; saved and pasted copies may carry fewer digits or an offset. The one owner of that rule.

/** `2025-02-21T11:30:16.123456789Z hello` → the timestamp and a space; also `+08:00` offsets and no fraction. */
const DOCKER_TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) /;

const isDigit = (c: number) => c >= 48 && c <= 57; // NaN (past the end) is not a digit

/**
 * Length of a leading `docker logs -t` timestamp including its space, or 0. Same language as DOCKER_TS
 * (`2025-02-21T11:30:16.123456789Z `, `…:16Z `, `…:16.5+08:00 `), checked by character codes: it runs once per
 * line of every saved `-t` log.
 */
export function dockerTsPrefixLength(text: string): number {
  const n = text.length;
  if (n < 21) return 0;
  const t = text;
  // yyyy-mm-ddThh:mm:ss, unrolled: this runs once per line of every saved `-t` log.
  if (
    t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 ||
    !isDigit(t.charCodeAt(0)) || !isDigit(t.charCodeAt(1)) || !isDigit(t.charCodeAt(2)) || !isDigit(t.charCodeAt(3)) ||
    !isDigit(t.charCodeAt(5)) || !isDigit(t.charCodeAt(6)) || !isDigit(t.charCodeAt(8)) || !isDigit(t.charCodeAt(9)) ||
    !isDigit(t.charCodeAt(11)) || !isDigit(t.charCodeAt(12)) || !isDigit(t.charCodeAt(14)) || !isDigit(t.charCodeAt(15)) ||
    !isDigit(t.charCodeAt(17)) || !isDigit(t.charCodeAt(18))
  ) {
    return 0;
  }
  let i = 19;
  if (t.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && isDigit(t.charCodeAt(i))) i++;
    if (i === start || i - start > 9) return 0;
  }
  const z = t.charCodeAt(i);
  if (z === 90) i++;
  else if (z === 43 || z === 45) {
    // ±hh:mm
    if (i + 6 > n || !isDigit(t.charCodeAt(i + 1)) || !isDigit(t.charCodeAt(i + 2)) || t.charCodeAt(i + 3) !== 58) return 0;
    if (!isDigit(t.charCodeAt(i + 4)) || !isDigit(t.charCodeAt(i + 5))) return 0;
    i += 6;
  } else return 0;
  return t.charCodeAt(i) === 32 ? i + 1 : 0;
}

/**
 * dockerTsPrefixLength on the UTF-8 bytes `b[from, to)` of a line: the same language, all of it ASCII, so the length
 * is the same in bytes and characters. For the byte-level fast path, before a line is decoded.
 */
export function dockerTsPrefixLengthBytes(b: Uint8Array, from: number, to: number): number {
  const n = to - from;
  if (n < 21) return 0;
  const t = (k: number) => b[from + k]!;
  if (
    t(4) !== 45 || t(7) !== 45 || t(10) !== 84 || t(13) !== 58 || t(16) !== 58 ||
    !isDigit(t(0)) || !isDigit(t(1)) || !isDigit(t(2)) || !isDigit(t(3)) || !isDigit(t(5)) || !isDigit(t(6)) ||
    !isDigit(t(8)) || !isDigit(t(9)) || !isDigit(t(11)) || !isDigit(t(12)) || !isDigit(t(14)) || !isDigit(t(15)) ||
    !isDigit(t(17)) || !isDigit(t(18))
  ) {
    return 0;
  }
  let i = 19;
  if (t(i) === 46) {
    const start = ++i;
    while (i < n && isDigit(t(i))) i++;
    if (i === start || i - start > 9) return 0;
  }
  const z = i < n ? t(i) : -1;
  if (z === 90) i++;
  else if (z === 43 || z === 45) {
    if (i + 6 > n || !isDigit(t(i + 1)) || !isDigit(t(i + 2)) || t(i + 3) !== 58) return 0;
    if (!isDigit(t(i + 4)) || !isDigit(t(i + 5))) return 0;
    i += 6;
  } else return 0;
  return i < n && t(i) === 32 ? i + 1 : 0;
}

/** The regexp form of dockerTsPrefixLength, kept for the equivalence test. */
export function dockerTsPrefixLengthRe(text: string): number {
  const m = DOCKER_TS.exec(text);
  return m ? m[0].length : 0;
}

/** `2025-02-21T11:30:16.123456789Z hello` → `{ ts: '2025-02-21T11:30:16.123456789Z', text: 'hello' }`; null without a prefix. */
export function stripDockerTs(text: string): { ts: string; text: string } | null {
  const n = dockerTsPrefixLength(text);
  if (n === 0) return null;
  return { ts: text.slice(0, n - 1), text: text.slice(n) };
}

/** The API's own form, `2026-11-26T12:37:49.450722864Z ` (9 digits, UTC, one space): 31 characters. */
export const DOCKER_API_TS_LEN = 31;

/**
 * True when `text` holds the API's own time stamp (9 digits, `Z`, one space) at `at`: a copy Docker put inside a line
 * (every 16 KB part of a long message repeats its first part's stamp).
 */
export function isDockerApiTs(text: string, at = 0): boolean {
  return text.charCodeAt(at + 29) === 90 && dockerTsPrefixLength(text.slice(at, at + DOCKER_API_TS_LEN)) === DOCKER_API_TS_LEN;
}

let lastSecond = '';
let lastSecondValid = false;

/**
 * Whether the second of `ts` is known valid: `lastSecond` itself, or another second of its minute (`:00`–`:59` are
 * valid in every valid minute). Compared by character codes, from the seconds backwards (the first to differ):
 * `startsWith` with a string held in a variable, or a Date.parse per new second, costs several times more, on every
 * record of a busy log. A new second of the same minute becomes `lastSecond`.
 */
function knownSecond(ts: string): boolean {
  const s = lastSecond;
  if (s.length !== 19 || !lastSecondValid) return false;
  for (let i = 16; i >= 0; i--) if (ts.charCodeAt(i) !== s.charCodeAt(i)) return false;
  const s1 = ts.charCodeAt(17);
  const s2 = ts.charCodeAt(18);
  if (s1 === s.charCodeAt(17) && s2 === s.charCodeAt(18)) return true;
  if (s1 < 48 || s1 > 53 || s2 < 48 || s2 > 57) return false;
  lastSecond = ts.substring(0, 19);
  return true;
}

/** The last time of Docker's API form (30 characters) read on the fast path, and its ISO time. */
let lastMsTs = '';
let lastMsIso = '';

/**
 * `ts` (of the API form, its `Z` checked) is of `lastMsTs`'s millisecond with a fraction of digits: then it is as valid
 * as that one and has the same ISO time. A failed request's relay error, retry and 5xx line often share it.
 * Compared from the millisecond backwards (where two times differ first).
 */
function lastMillisecond(ts: string): boolean {
  const s = lastMsTs;
  if (s.length !== 30) return false;
  for (let i = 22; i >= 0; i--) if (ts.charCodeAt(i) !== s.charCodeAt(i)) return false;
  for (let i = 23; i < 29; i++) {
    const d = ts.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return true;
}

/** `2025-02-21T11:30:16.123456789Z` → ISO with millisecond precision (what events carry); `…16.5Z` → `…16.500Z`. */
export function dockerTimeToIso(ts: string): string | null {
  // Fast path for Docker's own UTC form (one call per record on a million-line container): the fraction is cut
  // to milliseconds as Date.parse does, and the date-time part is validated once per distinct second.
  const n = ts.length;
  if (n >= 22 && n <= 30 && ts.charCodeAt(n - 1) === 90 && ts.charCodeAt(19) === 46 && ts.charCodeAt(10) === 84) {
    if (n === 30 && lastMillisecond(ts)) return lastMsIso;
    let digits = true;
    for (let i = 20; i < n - 1; i++) {
      const c = ts.charCodeAt(i);
      if (c < 48 || c > 57) digits = false;
    }
    if (digits) {
      // (compared in place: no string is made for a second already validated)
      if (!knownSecond(ts)) {
        const second = ts.substring(0, 19);
        lastSecond = second;
        const ms = Date.parse(`${second}Z`);
        lastSecondValid = Number.isFinite(ms) && new Date(ms).toISOString().startsWith(second); // 02-30 is not a day
      }
      if (lastSecondValid) {
        if (n < 24) return `${ts.slice(0, n - 1)}${n === 22 ? '00' : '0'}Z`; // json-file drops trailing zeros
        const iso = `${ts.slice(0, 23)}Z`;
        if (n === 30) {
          lastMsTs = ts;
          lastMsIso = iso;
        }
        return iso;
      }
    }
  }
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** RFC3339 (any fraction length) → Docker API `since`/`until` form `"<sec>.<9 digits>"`; keeps the nanoseconds. */
export function rfc3339ToDockerTs(ts: string): string {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) throw new UsageError('bad timestamp', ts);
  const sec = Math.floor(Date.parse(m[1]! + m[3]!) / 1000);
  return `${sec}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
}

/** Epoch ms → Docker API `since`/`until` form. */
export function msToDockerTs(ms: number): string {
  const sec = Math.floor(ms / 1000);
  return `${sec}.${String((ms - sec * 1000) * 1_000_000).padStart(9, '0')}`;
}

/**
 * The one abortable pause: waits `ms` (0 when negative) or until `signal` aborts, whichever comes first, and never
 * throws. Resolves true when the whole time passed, false when the signal ended it (or had already aborted).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return delay(Math.max(0, ms), true, { signal }).catch(() => false);
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30s`, `15m`, `2h`, `7d`, `1w`, `1h30m` → ms; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (DURATION.test(t)) {
    const m = DURATION.exec(t)!;
    return Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  // compound: 1h30m, 2d12h
  const parts = t.match(/\d+(?:\.\d+)?(?:ms|s|m|h|d|w)/g);
  if (parts && parts.join('') === t) return parts.reduce((sum, p) => sum + (parseDuration(p) ?? 0), 0);
  return null;
}

/** Like parseDuration, but a UsageError naming the flag when the text is not a duration. */
export function requireDuration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) throw new UsageError(`${flag} takes a duration`, text, 'examples: 30s, 15m, 2h, 7d');
  return ms;
}

/**
 * The one `--timeout` grammar: a duration (`500ms`, `5s`, `2m`, `1m30s`), more than zero. A bare number (`5000`) is
 * read as milliseconds only where `bareMs` says the command once took milliseconds (check, watch, alert, doctor);
 * `bare` tells the caller to say so. Anything else is a UsageError naming the flag.
 */
export function parseTimeout(text: string, bareMs: boolean): { ms: number; bare: boolean } {
  const t = text.trim();
  if (bareMs && /^\d+$/.test(t) && Number(t) > 0) return { ms: Number(t), bare: true };
  const ms = parseDuration(t);
  if (ms === null || ms <= 0 || !Number.isFinite(ms)) throw new UsageError('--timeout takes a duration', text, 'examples: 500ms, 5s, 2m');
  return { ms, bare: false };
}

const LOCAL_FORMATS = ['yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm', 'yyyy-MM-dd', 'yyyy/MM/dd HH:mm:ss', 'yyyy/MM/dd HH:mm', 'yyyy/MM/dd - HH:mm:ss'];

type DateFns = { parse: typeof import('date-fns/parse').parse; isValid: typeof import('date-fns/isValid').isValid };
let fns: DateFns | undefined;
/**
 * date-fns, loaded on first use (only a wall-clock `--since`/`--until` needs it): its `parse` pulls in ~190 modules and
 * its index ~860, which cost 0.15–0.2 s of CPU at every start of every command.
 */
function dateFns(): DateFns {
  if (fns === undefined) {
    const require = createRequire(import.meta.url);
    fns = { parse: (require('date-fns/parse') as DateFns).parse, isValid: (require('date-fns/isValid') as DateFns).isValid };
  }
  return fns;
}

/**
 * A point in time from the command line: a duration back from `now` (`30m`, `2h`, `7d`, `168h`),
 * RFC 3339 (`2025-11-03T14:00:00Z`, `…+08:00`), or a wall-clock time in `tz` (`2025-11-03 14:00`, `2025-11-03`).
 * Returns epoch ms; a UsageError naming the flag otherwise.
 */
export function parseTimeArg(flag: string, text: string, now: number, tz: string): number {
  const t = text.trim();
  const dur = parseDuration(t);
  if (dur !== null) return now - dur;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  if (/^\d+(\.\d+)?$/.test(t) && t.length >= 9) return Math.round(Number(t) * 1000); // unix seconds, as docker accepts
  const { parse: parseWithFormat, isValid } = dateFns();
  for (const f of LOCAL_FORMATS) {
    const d = parseWithFormat(t, f, new Date(0));
    if (isValid(d) && d.getFullYear() > 1970) {
      return zonedToUtcMs(tz, d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds());
    }
  }
  throw new UsageError(`${flag} takes a duration or a time`, text, 'examples: 30m, 2h, 7d, 2025-11-03 14:00, 2025-11-03T14:00:00Z');
}
