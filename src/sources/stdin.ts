// `-`: saved log text piped in (`docker logs -t one-api 2>&1 | goroscope scan -`), and other streams that cannot be
// read twice (a FIFO, `<(docker logs …)`). Format detected like files; gzip recognised from the first bytes.
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Readable, addAbortSignal } from 'node:stream';
import { DetectingDecoder, type LineSink } from '../stream/decode.js';
import type { QuietTest } from '../stream/types.js';
import { fileError } from './files.js';

/**
 * Read `input` to its end as source `name`; a gzip stream is unpacked. A user abort ends it quietly and at once,
 * also when the stream cannot be stopped: a FIFO with no writer yet holds its open() in the thread pool, where no
 * abort reaches it, so the read is left behind instead of waited for, and `unblock` releases its thread.
 */
export async function readStream(name: string, input: Readable, onLine: LineSink, signal?: AbortSignal, quiet?: QuietTest, unblock?: () => void): Promise<void> {
  let open = true;
  const decoder = new DetectingDecoder(
    name,
    (line) => {
      if (open) onLine(line);
    },
    undefined,
    quiet,
  );
  const work = pump(name, input, decoder, signal);
  if (!signal) return work;
  let onAbort = () => undefined as void;
  const stopped = new Promise<void>((resolve) => {
    onAbort = resolve;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => undefined); // left behind on abort: whatever it ends with is no longer anyone's business
  try {
    await Promise.race([work, stopped]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (signal.aborted) {
    decoder.end();
    open = false;
    unblock?.(); // the read left behind holds a thread; let it go, or the process cannot exit
  }
}

/** How long a stream stays idle before its format is decided on the lines that came (as the pipeline's follow waits). */
const SETTLE_IDLE_MS = 250;

async function pump(name: string, input: Readable, decoder: DetectingDecoder, signal?: AbortSignal): Promise<void> {
  try {
    if (signal) addAbortSignal(signal, input);
    const it = input[Symbol.asyncIterator]();
    const first = await it.next();
    if (!first.done) {
      const head = first.value as Buffer;
      const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
      const src = Readable.from(
        (async function* () {
          yield head;
          for (let n = await it.next(); !n.done; n = await it.next()) yield n.value as Buffer;
        })(),
        { objectMode: false },
      );
      // A live pipe (`docker logs -f one-api | goroscope scan - --follow`) may bring a few lines a minute: once it has
      // been idle for SETTLE_IDLE_MS, the format is decided on what came, not after 20 lines or 64 KB.
      let idle: NodeJS.Timeout | undefined;
      const sink = async (s: AsyncIterable<Buffer>) => {
        for await (const chunk of s) {
          decoder.push(chunk);
          if (decoder.settled) continue;
          clearTimeout(idle);
          idle = setTimeout(() => decoder.settle(), SETTLE_IDLE_MS);
        }
      };
      try {
        if (gz) await pipeline(src, createGunzip({ chunkSize: 1 << 20 }), sink);
        else await pipeline(src, sink);
      } finally {
        clearTimeout(idle);
      }
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw fileError(err, name);
  }
  if (!signal?.aborted) decoder.end();
}

/** Read standard input (or `input`) to its end as source `-`. */
export function readStdin(onLine: LineSink, signal?: AbortSignal, input: Readable = process.stdin, quiet?: QuietTest): Promise<void> {
  return readStream('-', input, onLine, signal, quiet);
}
