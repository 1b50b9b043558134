// Wrappers that Docker tooling puts around application lines, recognised and removed before parsing
// (docs/formats.md): the `docker logs -t` timestamp, the `docker compose logs`
// service prefix and the json-file driver envelope.
import type { Stream } from '../events.js';

/** `2025-02-21T11:30:16.123456789Z hello` → the timestamp and a space; also `+08:00` offsets and no fraction. */
const DOCKER_TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) /;

/**
 * `one-api  | [SYS] 2025/…` and `one-api-1  | …` (compose v2) → the service name, padding and `| `; also the
 * coloured form compose prints to a terminal: `\x1b[36mone-api-1  |\x1b[0m [SYS] …`.
 */
const COMPOSE = /^(?:\x1b\[[0-9;]*m)?[\w.-]+ +(?:\x1b\[[0-9;]*m)?\|(?:\x1b\[[0-9;]*m)? ?/;

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

/** `one-api  | hello` → `{ service: 'one-api', text: 'hello' }`; null without a prefix. */
export function stripCompose(text: string): { service: string; text: string } | null {
  const m = COMPOSE.exec(text);
  if (!m) return null;
  const service = m[0].replace(/\x1b\[[0-9;]*m/g, '').split(' ')[0]!;
  return { service, text: text.slice(m[0].length) };
}

export interface JsonFileEntry {
  /** The logged bytes as text; ends with `\n` unless Docker cut a long line into 16 KB parts. */
  log: string;
  stream: Stream;
  time: string | null;
}

/** One line of a json-file driver log: `{"log":"hello\n","stream":"stdout","time":"2025-…Z"}`. Null when it is not one. */
export function parseJsonFileLine(text: string): JsonFileEntry | null {
  if (!text.startsWith('{"log":')) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as { log?: unknown; stream?: unknown; time?: unknown };
  if (typeof o.log !== 'string') return null;
  const stream: Stream = o.stream === 'stdout' || o.stream === 'stderr' ? o.stream : 'unknown';
  return { log: o.log, stream, time: typeof o.time === 'string' ? o.time : null };
}

/** How a saved log file is wrapped. `frames`: the raw 8-byte-framed API stream saved to a file. */
export type TextFormat = 'json-file' | 'docker-t' | 'compose' | 'plain';

/**
 * Decide how the first lines of a file are wrapped. A wrapper wins when at least 60 % of the non-blank sample
 * lines carry it (a crash dump copied out of `docker logs -t` keeps its prefix on every line; a stray
 * unprefixed line does not change the verdict).
 */
export function detectTextFormat(sample: readonly string[]): TextFormat {
  const lines = sample.filter((l) => l.trim() !== '');
  if (lines.length === 0) return 'plain';
  if (lines[0]!.startsWith('{"log":') && parseJsonFileLine(lines[0]!) !== null) return 'json-file';
  const need = Math.ceil(lines.length * 0.6);
  let ts = 0;
  let compose = 0;
  for (const l of lines) {
    if (dockerTsPrefixLength(l) > 0) ts++;
    if (COMPOSE.test(l)) compose++;
  }
  if (compose >= need) return 'compose';
  if (ts >= need) return 'docker-t';
  return 'plain';
}
