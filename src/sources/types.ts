// The Source contract every reader of logs fulfils (files, stdin, bundles, containers, services, several hosts),
// apart from the resolvers that pick one, so the readers depend on this file and not on each other.
import type { GEvent } from '../events.js';
import type { GoroscopeError } from '../errors.js';
import type { LineSink } from '../stream/decode.js';
import type { QuietTest } from '../stream/types.js';
import type { LogVia } from '../docker/logfiles.js';

export type { LineSink };

export interface SourceInfo {
  /** What the user typed. */
  spec: string;
  kind: 'container' | 'file' | 'stdin' | 'bundle' | 'service' | 'record';
  /** Container name (no leading `/`, `name@host` when several hosts are read), service name, file or directory path, `-`. */
  name: string;
  /** Full container or service id. */
  id?: string;
  /** The `--host` value it was read from, when several were given. */
  host?: string;
  /**
   * A container's Docker RestartCount when it was opened: shown beside the log's restarts under its own name, never
   * instead of them (docs/trend.md "Restarts").
   */
  dockerRestartCount?: number;
  /** A container's log: read from the engine's files or through the API (`--via`), once reading has begun. */
  via?: 'file' | 'api';
  /** Set once read when lines may be missing, and why (a Docker stream that stalled and was ended, a file that shrank). */
  incomplete?: string;
}

/** Add a reason the source's lines may be missing (`SourceInfo.incomplete`, reasons joined by `; `); null adds none. */
export function markIncomplete(info: SourceInfo, why: string | null): void {
  if (why === null) return;
  info.incomplete = info.incomplete ? `${info.incomplete}; ${why}` : why;
}

/** Fleet tags an event gets from its source (docs/sources.md): Swarm task and node, Docker host. */
export interface EventTags {
  task?: string;
  node?: string;
  host?: string;
}

export interface SourceOptions {
  /** Epoch ms, inclusive. Containers apply them in the daemon; saved text is filtered by the pipeline. */
  since?: number;
  until?: number;
  /** Containers only: the last N messages. */
  tail?: number;
  follow?: boolean;
  /** `--host` values. */
  hosts?: string[];
  signal?: AbortSignal;
  /** Several hosts: one that cannot be reached is reported here and skipped instead of failing the spec. */
  onHostDown?: (host: string, err: GoroscopeError) => void;
  /** Containers: from the engine's log files or through the API (`--via`); default auto. */
  via?: LogVia;
}

export interface Source {
  info: SourceInfo;
  /**
   * Hand over every line in input order and resolve at the end (for a followed container: when the user aborts
   * or the container is removed). Rejects with a GoroscopeError on failure; never ends silently on an error.
   * With `quiet` (the byte-level fast path), a source may hand over the lines it finds quiet as quiet Lines, undecoded;
   * a source that cannot test bytes ignores it.
   */
  read(onLine: LineSink, quiet?: QuietTest): Promise<void>;
  /** Tags for an event of this source (task, node, host); the pipeline adds them to the event. */
  tags?: (e: GEvent) => EventTags | undefined;
  /**
   * Ready-made events the source carries beside its log lines (a bundle's health snapshot: a goroutine `sample` and
   * a memory event at the snapshot's time). The pipeline hands them over after the lines, through the same time
   * window, kind filter and tags, only when asked to (`PipelineOptions.sourceEvents`; trend, channels, review).
   */
  events?: () => GEvent[];
  /**
   * A source of ready-made events instead of log lines (a `watch --record` file: samples, not text): the pipeline
   * calls this instead of `read`, and the events go through the same time window, kind filter and merge. Resolves the
   * number of lines read.
   */
  readEvents?: (onEvent: (e: GEvent) => void) => Promise<number>;
}

