// `-`: saved log text piped in (`docker logs -t one-api 2>&1 | goroscope scan -`), and other streams that cannot be
// read twice (a FIFO, `<(docker logs …)`). Format detected like files; gzip recognised from the first bytes.
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Readable, addAbortSignal } from 'node:stream';
import { DetectingDecoder, type LineSink } from '../stream/decode.js';
import type { QuietTest } from '../stream/types.js';
import { fileError } from './files.js';

/** Read `input` to its end as source `name`; a gzip stream is unpacked. A user abort ends it quietly. */
export async function readStream(name: string, input: Readable, onLine: LineSink, signal?: AbortSignal, quiet?: QuietTest): Promise<void> {
  const decoder = new DetectingDecoder(name, onLine, undefined, quiet);
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
      const sink = async (s: AsyncIterable<Buffer>) => {
        for await (const chunk of s) decoder.push(chunk);
      };
      if (gz) await pipeline(src, createGunzip({ chunkSize: 1 << 20 }), sink);
      else await pipeline(src, sink);
    }
  } catch (err) {
    if (signal?.aborted) {
      decoder.end();
      return;
    }
    throw fileError(err, name);
  }
  decoder.end();
}

/** Read standard input (or `input`) to its end as source `-`. */
export function readStdin(onLine: LineSink, signal?: AbortSignal, input: Readable = process.stdin, quiet?: QuietTest): Promise<void> {
  return readStream('-', input, onLine, signal, quiet);
}
