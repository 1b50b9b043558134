// Wrappers that Docker tooling puts around application lines, recognised and removed before parsing
// (docs/formats.md): the `docker logs -t` timestamp, the `docker compose logs`
// service prefix and the json-file driver envelope.
import type { Stream } from '../events.js';
import { dockerTsPrefixLength } from '../time.js';

/**
 * `one-api  | [SYS] 2025/…` and `one-api-1  | …` (compose v2) → the service name, padding and `| `; also the
 * coloured form compose prints to a terminal: `\x1b[36mone-api-1  |\x1b[0m [SYS] …`.
 */
const COMPOSE = /^(?:\x1b\[[0-9;]*m)?[\w.-]+ +(?:\x1b\[[0-9;]*m)?\|(?:\x1b\[[0-9;]*m)? ?/;

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
  // A json-file log whose first record was cut by a crash: the others parse, the cut one still starts like one.
  if (lines.every((l) => l.startsWith('{"log":')) && lines.some((l) => parseJsonFileLine(l) !== null)) return 'json-file';
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
