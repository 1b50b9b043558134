// What people and tools put in front of a log line when it is copied: peeled here, once, before any dialect sees the
// line, so that no dialect needs to know about them. A prefix is peeled only when a known record start follows it
// ("in front of a known line"); the record then remembers the prefix's shape, and its continuation lines (a stack
// trace, the second line of a GORM trace) lose the same prefix. Layers, in any order and combination:
//
//   residue    what is left of Docker's 8-byte frame header when a multiplexed stream is copied as text: control
//              characters and U+FFFD, and the header's last size byte, which can be any character
//              `\x01\0\0\0\0\0\0J[SYS] 2025/11/03 - 16:41:05 | …`, `\ufffd\ufffd[SYS] …`
//   gui-time   a GUI's own time stamp (Docker Desktop's log view, Portainer): `2025-06-11 09:14:02 [GIN] …`;
//              also a `docker logs -t` stamp that survived in a mixed paste: `2025-02-21T11:30:16.123456789Z [SYS] …`
//   compose    `docker compose logs`: `one-api  | [SYS] …`, `new-api-1 | …` (an issue renderer collapses the padding),
//              in colour from a terminal: `\x1b[36mone-api  |\x1b[0m [SYS] …` (src/stream/wrappers.ts composePrefixEnd)
//   syslog     the journald or syslog log driver's lines as journalctl or /var/log/syslog show them: a syslog time
//              (`Nov 03 16:41:05 `, `Nov  3 …`; an ISO time is the gui-time layer), then host and tag:
//              `Nov 03 16:41:05 gw-host 7f2a3c1b9d4e[812]: [SYS] …`, `2025-11-03T16:41:05.123456+08:00 gw-host one-api: …`
//   quote      a markdown / e-mail reply quote: `> [ERR] …`, `>` alone on a blank line
//   indent     a markdown code block or a chat paste: `    panic: assignment to entry in nil map`
//
// The wrappers of whole files (json-file, `docker logs -t`, compose) are removed earlier, per file, by the stream
// layer (src/stream/wrappers.ts); this is for what is left: mixed pastes, GUIs, lines a file-level rule missed.
import { composePrefixEnd, isComposeNameChar } from '../stream/wrappers.js';
import { BLANK, CONTINUATION, type StartKind } from './dialect.js';

type Layer = 'residue' | 'gui-time' | 'syslog-time' | 'syslog-tag' | 'compose' | 'quote' | 'indent';

/** The shape of a record's prefix: its layers, and the exact text of the layers that must repeat exactly. */
export interface Prefix {
  readonly layers: readonly Layer[];
  /** Per layer: the exact text for `quote` and `indent` (a stack's own indentation must survive), else null. */
  readonly exact: readonly (string | null)[];
}

export interface Peeled {
  /** Characters peeled. */
  length: number;
  /** The first time stamp peeled: `2025-06-11 09:14:02` (a GUI's, naive) or `2025-02-21T11:30:16.123456789Z` (Docker's). */
  time: string | null;
  /** What the rest of the line is: a start kind (never CONTINUATION). */
  kind: StartKind;
  prefix: Prefix;
}

const MAX_LAYERS = 5;

/**
 * Peels layers off a line that is not a record start by itself until a record start shows (`classify` is the start
 * fold). `inStack`: the open record of the stream is a Go stack, whose indented lines must stay its own (a re-panic's
 * `\tpanic: …` is not a new crash), so indentation alone is not peeled.
 */
export function peelStart(text: string, classify: (t: string) => StartKind, inStack: boolean): Peeled | null {
  const c0 = text.charCodeAt(0);
  // Cheap exit for the lines that continue records (`github.com/x.F(…)`, `{"id":…}`, SSE `data: …`): no layer can
  // start with them, except a compose service name or a syslog time or host, which are checked below.
  if (!(c0 <= 32 || c0 === 62 /* > */ || c0 === 0xfffd || (c0 >= 0x7f && c0 <= 0x9f) || isDigit(c0) || isComposeNameChar(c0))) return null;
  const layers: Layer[] = [];
  const exact: (string | null)[] = [];
  let pos = 0;
  let time: string | null = null;
  for (let n = 0; n < MAX_LAYERS; n++) {
    const l = layerAt(text, pos);
    if (l === null) return null;
    if (l.layer === 'indent' && inStack && n === 0) return null;
    if (l.layer === 'gui-time' && time === null) time = text.slice(pos, l.end - 1);
    layers.push(l.layer);
    exact.push(l.layer === 'quote' || l.layer === 'indent' ? text.slice(pos, l.end) : null);
    pos = l.end;
    const rest = text.slice(pos);
    const kind = classify(rest);
    if (kind !== CONTINUATION && kind !== BLANK) return { length: pos, kind, prefix: { layers, exact }, time };
  }
  return null;
}

/** How many characters of `text` are the record's prefix `p`, or -1 when the line does not carry it. */
export function prefixLength(text: string, p: Prefix): number {
  let pos = 0;
  for (let i = 0; i < p.layers.length; i++) {
    const want = p.exact[i];
    if (want !== null && want !== undefined) {
      if (text.startsWith(want, pos)) {
        pos += want.length;
        continue;
      }
      // a blank quote line: `>` without its space
      if (p.layers[i] === 'quote' && text.length === pos + 1 && text.charCodeAt(pos) === 62) return text.length;
      return -1;
    }
    const l = layerAt(text, pos, p.layers[i]);
    if (l === null) return -1;
    pos = l.end;
  }
  return pos;
}

function layerAt(text: string, pos: number, only?: Layer): { layer: Layer; end: number } | null {
  const c = text.charCodeAt(pos);
  if (Number.isNaN(c)) return null;
  if ((only === undefined || only === 'residue') && isResidue(c)) return { layer: 'residue', end: residueEnd(text, pos) };
  if ((only === undefined || only === 'gui-time') && isDigit(c)) {
    const end = guiTimeEnd(text, pos);
    if (end > 0) return { layer: 'gui-time', end };
  }
  if ((only === undefined || only === 'quote') && c === 62 /* > */) {
    let end = pos + 1;
    if (text.charCodeAt(end) === 32) end++;
    return { layer: 'quote', end };
  }
  if ((only === undefined || only === 'indent') && (c === 32 || c === 9)) {
    let end = pos + 1;
    while (text.charCodeAt(end) === 32 || text.charCodeAt(end) === 9) end++;
    return end < text.length ? { layer: 'indent', end } : null;
  }
  if ((only === undefined || only === 'compose') && (isComposeNameChar(c) || c === 27 /* a colour */)) {
    const end = composePrefixEnd(text, pos);
    if (end > 0) return { layer: 'compose', end };
  }
  if ((only === undefined || only === 'syslog-time') && c >= 65 && c <= 90) {
    const end = syslogTimeEnd(text, pos);
    if (end > 0) return { layer: 'syslog-time', end };
  }
  if ((only === undefined || only === 'syslog-tag') && isComposeNameChar(c)) {
    const end = syslogTagEnd(text, pos);
    if (end > 0) return { layer: 'syslog-tag', end };
  }
  return null;
}

/** C0 controls but tab and ESC (ANSI colour is the stream's own), DEL, C1 controls (a size byte read as Latin-1), U+FFFD. */
function isResidue(c: number): boolean {
  return (c < 32 && c !== 9 && c !== 27) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd;
}

/**
 * The end of a residue run. A run that starts like a frame header (type byte 1 or 2) may end with the header's last
 * size byte as a printable character: it is part of the residue when it equals the byte length of the rest of the line
 * plus its newline (a one-line frame), e.g. `\x01\0\0\0\0\0\0J` before a 73-byte line.
 */
function residueEnd(text: string, pos: number): number {
  let end = pos;
  while (end < text.length && isResidue(text.charCodeAt(end))) end++;
  const t = text.charCodeAt(pos);
  if ((t === 1 || t === 2) && end < text.length) {
    const size = text.charCodeAt(end);
    if (size >= 32 && size < 127 && (Buffer.byteLength(text.slice(end + 1)) + 1) % 256 === size) end++;
  }
  return end;
}

/** `2025-06-11 09:14:02 ` (GUI) or `2025-02-21T11:30:16.123456789Z ` (Docker), with one space after; 0 if not. */
function guiTimeEnd(t: string, p: number): number {
  if (t.charCodeAt(p + 4) !== 45 || t.charCodeAt(p + 7) !== 45 || t.charCodeAt(p + 13) !== 58 || t.charCodeAt(p + 16) !== 58) return 0;
  const sep = t.charCodeAt(p + 10);
  if (sep !== 32 && sep !== 84) return 0;
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!isDigit(t.charCodeAt(p + k))) return 0;
  let i = p + 19;
  if (t.charCodeAt(i) === 46 || t.charCodeAt(i) === 44) {
    i++;
    while (isDigit(t.charCodeAt(i))) i++;
  }
  if (t.charCodeAt(i) === 90) i++;
  else if ((t.charCodeAt(i) === 43 || t.charCodeAt(i) === 45) && isDigit(t.charCodeAt(i + 1)) && isDigit(t.charCodeAt(i + 2))) {
    i += 3;
    if (t.charCodeAt(i) === 58) i++;
    if (isDigit(t.charCodeAt(i)) && isDigit(t.charCodeAt(i + 1))) i += 2;
  }
  if (t.charCodeAt(i) !== 32) return 0;
  return i + 1;
}

const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);

/** A syslog time, `Nov 03 16:41:05 ` or `Nov  3 16:41:05 ` (no year), with one space after; 0 if not. */
function syslogTimeEnd(t: string, p: number): number {
  if (!MONTHS.has(t.slice(p, p + 3)) || t.charCodeAt(p + 3) !== 32) return 0;
  const d1 = t.charCodeAt(p + 4);
  if (!(d1 === 32 || isDigit(d1)) || !isDigit(t.charCodeAt(p + 5)) || t.charCodeAt(p + 6) !== 32) return 0;
  for (const k of [7, 8, 10, 11, 13, 14]) if (!isDigit(t.charCodeAt(p + k))) return 0;
  if (t.charCodeAt(p + 9) !== 58 || t.charCodeAt(p + 12) !== 58 || t.charCodeAt(p + 15) !== 32) return 0;
  return p + 16;
}

/**
 * A syslog host and tag after the time: `gw-host one-api[812]: `, `gw-host 7f2a3c1b9d4e: ` (the journald driver tags
 * with the container's short id, the syslog driver with it or `--log-opt tag`): a host, a space, a tag of `[\w./-]`,
 * a pid in brackets or none, a colon and a space; 0 if not.
 */
function syslogTagEnd(t: string, p: number): number {
  let i = p;
  while (i < t.length && isComposeNameChar(t.charCodeAt(i))) i++;
  if (i === p || i - p > 255 || t.charCodeAt(i) !== 32) return 0;
  const tag = ++i;
  while (i < t.length && (isComposeNameChar(t.charCodeAt(i)) || t.charCodeAt(i) === 47)) i++;
  if (i === tag || i - tag > 128) return 0;
  if (t.charCodeAt(i) === 91 /* [ */) {
    const pid = ++i;
    while (isDigit(t.charCodeAt(i))) i++;
    if (i === pid || t.charCodeAt(i) !== 93) return 0;
    i++;
  }
  return t.charCodeAt(i) === 58 && t.charCodeAt(i + 1) === 32 ? i + 2 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
