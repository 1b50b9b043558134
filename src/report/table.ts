// The readable table of `goroscope scan`: one line per event. Pure: chalk comes in, strings go out.
// Columns: time (UTC, seconds), kind, stream, source, then the fields that matter for that kind.
import type { ChalkInstance } from 'chalk';
import type { EventOf, GEvent, Kind } from '../events.js';

const KIND_WIDTH = 16;
const STREAM_WIDTH = 7;
const TIME_WIDTH = 20;
const DETAIL_MAX = 160;

type Details = { [K in Kind]: (e: EventOf<K>) => string };

/** Key fields per kind. Typed as a full mapping, so a new kind nobody renders fails to compile. */
const DETAILS: Details = {
  goroutine: (e) => `${e.count} goroutines (${e.level})`,
  memory: (e) =>
    [`alloc ${e.allocMb} MB`, e.sysMb !== null ? `sys ${e.sysMb} MB` : '', e.numGc !== null ? `gc ${e.numGc}` : '']
      .filter(Boolean)
      .join(', '),
  relay_error: (e) =>
    [
      e.channel !== null ? `channel #${e.channel}${e.channelName ? `(${e.channelName})` : ''}` : 'channel ?',
      e.userId !== null ? `user ${e.userId}` : '',
      e.statusCode !== null ? `status ${e.statusCode}` : '',
      e.timeoutClass ? `${e.cause}/${e.timeoutClass}` : e.cause,
      e.message ? `: ${e.message}` : '',
    ]
      .filter(Boolean)
      .join(' ')
      .replace(/ : /, ': '),
  retry: (e) => `${e.fromChannel !== null ? `#${e.fromChannel}` : '?'} -> #${e.toChannel}${e.remaining !== null ? ` (remain ${e.remaining})` : ''}`,
  channel_disabled: (e) => `channel #${e.channel}${e.reason ? `: ${e.reason}` : ''}`,
  channel_enabled: (e) => `channel #${e.channel}${e.reason ? `: ${e.reason}` : ''}`,
  panic: (e) => `${e.message} [${e.recoveredBy}] at ${e.frames[0] ?? e.signature}`,
  crash: (e) => `${e.crashKind === 'panic' ? 'panic' : 'fatal error'}: ${e.message}${e.truncated ? ' (dump cut off)' : ''}${e.frames[0] ? ` at ${e.frames[0]}` : ''}`,
  fatal: (e) => e.message,
  startup: (e) => `${e.product} ${e.version ?? '(no version)'} started`,
  timeout: (e) => `${e.timeoutClass}: ${e.message}`,
  http_error: (e) => `${e.status} ${e.method} ${e.path}${e.latencyMs !== null ? ` ${formatMs(e.latencyMs)}` : ''}`,
  db_error: (e) => `${e.origin}: ${e.message}`,
};

/** Severity colour of a kind. */
function paintKind(c: ChalkInstance, kind: Kind): (s: string) => string {
  switch (kind) {
    case 'crash':
    case 'fatal':
    case 'panic':
      return c.red.bold;
    case 'relay_error':
    case 'http_error':
    case 'db_error':
    case 'channel_disabled':
      return c.red;
    case 'goroutine':
    case 'timeout':
    case 'retry':
      return c.yellow;
    case 'startup':
    case 'channel_enabled':
      return c.green;
    default:
      return c.cyan;
  }
}

export function tableHeader(c: ChalkInstance): string {
  return `${c.bold([pad('TIME', TIME_WIDTH), pad('KIND', KIND_WIDTH), pad('STREAM', STREAM_WIDTH), 'SOURCE', 'DETAILS'].join(' '))}\n`;
}

/** One table line for an event, newline included. */
export function tableRow(e: GEvent, c: ChalkInstance): string {
  const detail = (DETAILS[e.kind] as (x: GEvent) => string)(e);
  const level = e.kind === 'goroutine' ? (e.level === 'high' ? c.red : e.level === 'elevated' ? c.yellow : c.cyan) : paintKind(c, e.kind);
  return `${c.dim(pad(shortTime(e.time), TIME_WIDTH))} ${level(pad(e.kind, KIND_WIDTH))} ${c.dim(pad(e.stream, STREAM_WIDTH))} ${e.source} ${clip(oneLine(detail), DETAIL_MAX)}\n`;
}

/** `2026-03-02T00:00:05.123Z` → `2026-03-02T00:00:05Z`; `-` when the record had no time. */
export function shortTime(iso: string | null): string {
  if (iso === null) return '-';
  return iso.length >= 19 ? `${iso.slice(0, 19)}Z` : iso;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** Control characters (NUL, ESC, CR, tabs, newlines) would break the table: show them as spaces. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)}s` : `${Math.round(ms)}ms`;
}
