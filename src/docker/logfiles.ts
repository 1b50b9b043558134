// A local container's log read from the engine's own files instead of through the API (docs/scan.md, "--via"):
// the json-file driver's `<id>-json.log` with its rotated `.1`, `.2` … (`.gz` when compress=true), or the local
// driver's `local-logs/container.log` set of length-prefixed protobuf entries. The daemon re-encodes every line for
// the API; reading its files is an order of magnitude faster. What comes out is exactly what the API would send: the
// same messages (tail, since and until applied as the daemon applies them), in the same order, with the API's
// timestamps (RFC 3339, UTC, exactly 9 fraction digits), so everything made of them is the same.
//
// The work is in four files beside this one: logfiles-find.ts (which files, where a tail starts), logfiles-reader.ts
// (reading them in order, following), logfiles-entries.ts (one entry decoded), logfiles-types.ts (the shared shapes).
import { stat } from 'node:fs/promises';
import type { FrameStream } from '../stream/frames.js';
import { MessageAssembler, TtyAssembler, type DockerLineHandler, type QuietStreams } from '../stream/messages.js';
import { MAX_LINE_CHARS } from '../stream/types.js';
import { apiPayload } from './logfiles-entries.js';
import { listFiles, tailStart } from './logfiles-find.js';
import { MessageReader } from './logfiles-reader.js';
import type { FileLogQuery, FileMessageSink, LogFiles } from './logfiles-types.js';

export { apiPayload } from './logfiles-entries.js';
export { findLogFiles, unreadableFiles, type Unreadable } from './logfiles-find.js';
export { FOLLOW_POLL_MS } from './logfiles-reader.js';
export type { FileLogQuery, FileMessage, FileMessageSink, LogFiles } from './logfiles-types.js';

export { parseVia, type LogVia } from './via.js';

/**
 * Read the log files as the API would send the log: the rotated files oldest first, then the current one; with
 * `follow`, on along the current file (across rotations) until `running()` says the container stopped (or was
 * removed), or the signal aborts.
 */
export async function readLogFiles(files: LogFiles, q: FileLogQuery, sink: FileMessageSink, running: () => Promise<boolean>): Promise<void> {
  const reader = new MessageReader(files.driver, q, sink);
  const set = await listFiles(files);
  let first = 0;
  let skip = 0;
  let offset = 0;
  if (q.tail !== undefined) {
    if (q.tail <= 0) {
      // no history: a follow starts at the end of the current file
      first = set.length - 1;
      offset = (await stat(set[first]!.path).catch(() => ({ size: 0 }))).size;
    } else ({ first, skip, offset } = await tailStart(files.driver, set, q.tail));
  }
  for (let i = first; i < set.length - 1 && !reader.done; i++) {
    await reader.readFile(set[i]!, i === first ? offset : 0, i === first ? skip : 0);
  }
  if (reader.done || q.signal?.aborted) return;
  const current = set[set.length - 1]!;
  if (!q.follow) {
    await reader.readFile(current, first === set.length - 1 ? offset : 0, first === set.length - 1 ? skip : 0);
    return;
  }
  const here = first === set.length - 1;
  await reader.follow(current.path, here ? offset : 0, here ? skip : 0, running);
}

/**
 * A container's log from its files as lines, as readContainerLines makes them of the API's body (MessageAssembler, or
 * TtyAssembler for a TTY container). With `quiet`, a whole line the byte-level test finds quiet goes to its `onQuiet`
 * without being decoded or its timestamp formatted.
 */
export async function readFileLines(
  files: LogFiles,
  tty: boolean,
  q: FileLogQuery,
  onLine: DockerLineHandler,
  quiet: QuietStreams | undefined,
  running: () => Promise<boolean>,
): Promise<void> {
  if (tty) {
    const asm = new TtyAssembler(onLine, undefined, quiet);
    let scratch = Buffer.allocUnsafe(1 << 16);
    await readLogFiles(
      files,
      q,
      (m) => {
        if (scratch.length < m.to - m.from + 64) scratch = Buffer.allocUnsafe(2 * (m.to - m.from + 64));
        // the assembler copies what it keeps: one buffer serves every message
        asm.push(apiPayload(m, scratch));
      },
      running,
    );
    asm.end();
    return;
  }
  const asm = new MessageAssembler(onLine, undefined, quiet);
  await readLogFiles(
    files,
    q,
    (m) => {
      if (!m.clean) return asm.frame(m.stream, apiPayload(m));
      if (quiet !== undefined && m.ending !== 0 && !asm.hasPartial(m.stream)) {
        // the line the splitter would cut: the text, less a `\r` before the `\n`
        let end = m.to;
        if (m.ending === 1 && end > m.from && m.b[end - 1] === 13) end--;
        if (end - m.from <= MAX_LINE_CHARS && quiet.test(m.b, m.from, end)) {
          quiet.onQuiet(m.stream);
          return;
        }
      }
      asm.message(m.stream, m.ts(), m.b, m.from, m.to, m.ending);
    },
    running,
  );
  asm.end();
}

/** A container's log from its files as the API's messages (`<ts> <text><ending>` payloads), for the bundle writer. */
export function streamFileFrames(files: LogFiles, q: FileLogQuery, onFrame: (stream: FrameStream, payload: Buffer) => void | Promise<void>, running: () => Promise<boolean>): Promise<void> {
  return readLogFiles(files, q, (m) => onFrame(m.stream, apiPayload(m)), running);
}
