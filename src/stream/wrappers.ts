// Wrappers that Docker tooling puts around application lines, recognised and removed before parsing
// (docs/formats.md): the `docker logs -t` timestamp, the `docker compose logs`
// service prefix and the json-file driver envelope.
import type { Stream } from '../events.js';
import { dockerTsPrefixLength } from '../time.js';

/** `[\w.-]`: a character of a compose service or container name. */
export function isComposeNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
}

/** The end of an ANSI colour sequence (`ESC [ 0-9; m`) at `p`; `p` itself when there is none. */
function colourEnd(t: string, p: number): number {
  if (t.charCodeAt(p) !== 27 || t.charCodeAt(p + 1) !== 91) return p;
  let i = p + 2;
  for (let c = t.charCodeAt(i); (c >= 48 && c <= 57) || c === 59; c = t.charCodeAt(++i));
  return t.charCodeAt(i) === 109 ? i + 1 : p;
}

/**
 * The `docker compose logs` prefix at `p`: a service name (1 to 64 of `[\w.-]`), one or more spaces, a bar, at most
 * one space: `one-api  | [SYS] 2025/…`, `one-api-1  | …` (compose v2), `new-api-1 | …` (the padding collapsed by an
 * issue renderer), `one-api  |` alone (a blank line); also the coloured form compose prints to a terminal, a colour
 * before the name, before or after the bar: `\x1b[36mone-api-1  |\x1b[0m [SYS] …`. Where the prefix ends; 0 without
 * one. The one rule for a whole file (stripCompose, detectTextFormat) and for a line in a mixed paste (src/parse/peel.ts).
 */
export function composePrefixEnd(t: string, p = 0): number {
  const name = colourEnd(t, p);
  let i = name;
  while (i < t.length && isComposeNameChar(t.charCodeAt(i))) i++;
  if (i === name || i - name > 64 || t.charCodeAt(i) !== 32) return 0;
  while (t.charCodeAt(i) === 32) i++;
  i = colourEnd(t, i);
  if (t.charCodeAt(i) !== 124 /* | */) return 0;
  i = colourEnd(t, i + 1);
  if (t.charCodeAt(i) === 32) i++;
  return i;
}

/** `one-api  | hello` → `{ service: 'one-api', text: 'hello' }`; null without a prefix. */
export function stripCompose(text: string): { service: string; text: string } | null {
  const end = composePrefixEnd(text);
  if (end === 0) return null;
  const from = colourEnd(text, 0);
  let to = from;
  while (isComposeNameChar(text.charCodeAt(to))) to++;
  return { service: text.slice(from, to), text: text.slice(end) };
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
  // A json-file log whose first record was cut by a crash: the others parse, the cut one still starts like one.
  if (lines.every((l) => l.startsWith('{"log":')) && lines.some((l) => parseJsonFileLine(l) !== null)) return 'json-file';
  const need = Math.ceil(lines.length * 0.6);
  let ts = 0;
  let compose = 0;
  for (const l of lines) {
    if (dockerTsPrefixLength(l) > 0) ts++;
    if (composePrefixEnd(l) > 0) compose++;
  }
  if (compose >= need) return 'compose';
  if (ts >= need) return 'docker-t';
  return 'plain';
}
