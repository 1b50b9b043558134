// The event union every stage of the pipeline speaks: types, plus the list of kinds.
// Field names are a public contract (docs/events.md): add fields, never rename them.

/** Which Docker stream a line came from. `unknown` for saved text that lost the distinction. */
export type Stream = 'stdout' | 'stderr' | 'unknown';

/** Why a relay failed, classified from the error text. */
export type Cause = 'timeout' | 'rate_limit' | 'auth' | 'quota' | 'upstream_5xx' | 'network' | 'other';

/**
 * Which kind of timeout, from the Go / One API text that names it:
 * - `awaiting_headers`: `Client.Timeout exceeded while awaiting headers`, `timeout awaiting response headers`
 * - `reading_body`: `Client.Timeout or context cancellation while reading body`
 * - `dial`: `dial tcp …: i/o timeout`, `connect: connection timed out`
 * - `tls_handshake`: `TLS handshake timeout`
 * - `deadline`: a bare `context deadline exceeded`
 * - `streaming`: ezlinkai `streaming timeout` and its stream-scanner siblings
 * - `upstream`: `upstream request timeout` (a proxy's 504 body)
 * - `slow_response`: `响应时间 … 超过阈值 …` (channel test too slow)
 * - `other`: any other text with "timeout"/"timed out"
 */
export type TimeoutClass =
  | 'awaiting_headers'
  | 'reading_body'
  | 'dial'
  | 'tls_handshake'
  | 'deadline'
  | 'streaming'
  | 'upstream'
  | 'slow_response'
  | 'other';

/** Fields every event has. */
export interface EventBase {
  /** ISO-8601 UTC. Docker's timestamp when known, else the app timestamp read in `--tz`; null when the record has none. */
  time: string | null;
  stream: Stream;
  /** Container name, file path, `-` for stdin, or `bundle:<path>`. */
  source: string;
  /** The record's first line (wrappers and ANSI removed), capped at 500 characters. */
  raw: string;
  /** The One API request id when the record carries one. */
  requestId?: string;
  /**
   * Fleet tags (docs/sources.md), present only where they apply. `task`: the Swarm task id that wrote the line
   * (`service:` sources). `node`: the Swarm node's hostname (its id when the node list is not readable).
   * `host`: the `--host` value the source was read from, when several hosts were given.
   */
  task?: string;
  node?: string;
  host?: string;
}

export interface GoroutineEvent extends EventBase {
  kind: 'goroutine';
  count: number;
  /**
   * The monitor's own level: `debug` for `Goroutine count: N` (DEBUG mode, any count),
   * `elevated` for `⚠️ Goroutine count elevated: N` (> 2000), `high` for `⚠️ High goroutine count detected: N` (> 5000),
   * `sample` for a count that came from a health endpoint or `/metrics` rather than a log line.
   */
  level: 'debug' | 'elevated' | 'high' | 'sample';
}

export interface MemoryEvent extends EventBase {
  kind: 'memory';
  /** MB as the gateway reports them (`Memory: Alloc=…MB, …` debug lines or the health endpoint). */
  allocMb: number;
  totalAllocMb: number | null;
  sysMb: number | null;
  numGc: number | null;
}

export interface RelayErrorEvent extends EventBase {
  kind: 'relay_error';
  channel: number | null;
  /** Channel name where the format carries one (one-hub `#4(name)`, ezlinkai retry lines). */
  channelName?: string;
  userId: number | null;
  statusCode: number | null;
  cause: Cause;
  timeoutClass: TimeoutClass | null;
  /** The error text after `relay error (…): `, capped at 500 characters. May be empty. */
  message: string;
}

export interface RetryEvent extends EventBase {
  kind: 'retry';
  /** The channel that failed, when the line names it (ezlinkai `渠道切换: #a(x) -> #b(y)`). */
  fromChannel: number | null;
  toChannel: number;
  /** `remain times N` where present. */
  remaining: number | null;
}

export interface ChannelStateEvent extends EventBase {
  kind: 'channel_disabled' | 'channel_enabled';
  channel: number;
  reason: string | null;
}

export interface PanicEvent extends EventBase {
  kind: 'panic';
  message: string;
  /** Stable id of the bug: function stack without goroutine ids, arguments, pointers and offsets. */
  signature: string;
  /** Function names, innermost first, as in the signature. */
  frames: string[];
  /** Where it was recovered: One API's relay handler, gin's `[Recovery]`, ezlinkai `SafeGoroutine`, or a bare `panic detected` line. */
  recoveredBy: 'relay' | 'gin' | 'goroutine' | 'unknown';
  /** `request: POST /v1/...` of the relay handler, when seen. */
  request?: string;
}

export interface CrashEvent extends EventBase {
  kind: 'crash';
  /** The text after `panic: ` or `fatal error: `. */
  message: string;
  crashKind: 'panic' | 'fatal_error';
  signature: string;
  frames: string[];
  /** True when the dump was cut off at end of input. */
  truncated: boolean;
}

export interface FatalEvent extends EventBase {
  kind: 'fatal';
  message: string;
}

export interface StartupEvent extends EventBase {
  kind: 'startup';
  /** `One API v0.6.7 started` → `v0.6.7`; null when the banner names none. */
  version: string | null;
  /** `One API`, `New API`, `One Hub`. */
  product: string;
  /**
   * True when earlier records of the same input came before this banner (the process restarted), false when it
   * is the first record. Set by the parser, which sees every record; absent from producers that cannot tell
   * (the summary then falls back to "an earlier event of the same source").
   */
  restart?: boolean;
}

export interface TimeoutEvent extends EventBase {
  kind: 'timeout';
  timeoutClass: TimeoutClass;
  message: string;
}

/** A `[GIN]` / JSON access line with status ≥ 500 (the final status of the request). */
export interface HttpErrorEvent extends EventBase {
  kind: 'http_error';
  status: number;
  method: string;
  path: string;
  latencyMs: number | null;
}

/** GORM `[error]` records and `[mysql]` driver errors. `record not found` is not reported. */
export interface DbErrorEvent extends EventBase {
  kind: 'db_error';
  message: string;
  origin: 'gorm' | 'mysql';
}

export type GEvent =
  | GoroutineEvent
  | MemoryEvent
  | RelayErrorEvent
  | RetryEvent
  | ChannelStateEvent
  | PanicEvent
  | CrashEvent
  | FatalEvent
  | StartupEvent
  | TimeoutEvent
  | HttpErrorEvent
  | DbErrorEvent;

export type Kind = GEvent['kind'];

/** Every kind, in the order reports list them. Typed so that a new kind that is not listed fails to compile. */
export const KINDS = [
  'goroutine',
  'memory',
  'relay_error',
  'retry',
  'channel_disabled',
  'channel_enabled',
  'panic',
  'crash',
  'fatal',
  'startup',
  'timeout',
  'http_error',
  'db_error',
] as const satisfies readonly Kind[];

type MissingKinds = Exclude<Kind, (typeof KINDS)[number]>;
// If this line fails to compile, a kind was added to GEvent but not to KINDS.
export const _allKindsListed: MissingKinds extends never ? true : never = true;

// Distributes over the union and matches kinds by inclusion: `Extract<GEvent, {kind: K}>` would give
// `never` for ChannelStateEvent, whose kind is itself a union ('channel_disabled' | 'channel_enabled').
export type EventOf<K extends Kind> = GEvent extends infer E ? (E extends { kind: infer EK } ? (K extends EK ? E : never) : never) : never;
