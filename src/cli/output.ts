// Writing to stdout/stderr: colour decisions and quiet exit on a closed pipe (`goroscope scan x | head`).
import { Chalk, type ChalkInstance } from 'chalk';
import type { Env } from '../config.js';

/** chalk level for a stream: 0 when NO_COLOR is set, --no-color was given, or the stream is not a terminal (unless FORCE_COLOR). */
export function colorFor(stream: { isTTY?: boolean }, env: Env, flag: boolean | undefined): ChalkInstance {
  let level: 0 | 1 | 2 | 3 = stream.isTTY ? 2 : 0;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') level = 2;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') level = 0;
  if (flag === false) level = 0;
  return new Chalk({ level });
}

/** Write and wait for the stream to drain, so large outputs keep memory flat. */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> | void {
  if (!stream.write(text)) return new Promise((resolve) => stream.once('drain', resolve));
}

export { exitQuietlyOnEpipe } from './epipe.js';
