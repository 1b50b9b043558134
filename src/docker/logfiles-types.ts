// The shapes the readers of a container's log files share (src/docker/logfiles.ts is their public face): which files,
// what is asked of them, and one message as the API would send it.
import type { FrameStream } from '../stream/frames.js';

/** A container's log files as the engine keeps them. */
export interface LogFiles {
  driver: 'json-file' | 'local';
  /** The file being written. */
  path: string;
  /** `max-file`: beside `path` the engine keeps `path.1` … `path.(maxFiles − 1)`, each plain or `.gz`. */
  maxFiles: number;
}

/**
 * One message of the log, as the API would send it. One object is filled again for every message: valid during the
 * callback only (`b` is the read buffer, used again).
 */
export interface FileMessage {
  stream: FrameStream;
  /** The message's text `b[from, to)`, without its line ending. */
  b: Buffer;
  from: number;
  to: number;
  /** 0: none (a 16 KB part, or output that ended without one); 1: `\n`; 2: `\r\n`. */
  ending: 0 | 1 | 2;
  /** The text holds no `\n` of its own (always so in files the engine wrote). */
  clean: boolean;
  /** Docker's timestamp as the API prints it: `2026-11-26T12:37:49.938022640Z`. */
  ts(): string;
}

export interface FileLogQuery {
  /** Docker's `"<sec>.<nanos>"` form, inclusive, as the API takes them. */
  since?: string;
  until?: string;
  /** The last N messages of the whole log (before since/until, as the daemon counts them). */
  tail?: number;
  follow?: boolean;
  signal?: AbortSignal;
}

/** A message sink; returning a promise pauses the reading until it settles. */
export type FileMessageSink = (m: FileMessage) => void | Promise<void>;

/** One file of the set: plain or gzip-compressed. */
export interface FileRef {
  path: string;
  gz: boolean;
}
