// Saved logs on disk: a file (plain, `docker logs -t`, compose, json-file, rotated `.1`, gzipped, a saved
// multiplexed API body) or a directory of them (One API `--log-dir`, a container's json-file directory).
// The format is detected from the bytes, never flagged.
import { createReadStream, readdirSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { DataError, InputError, PermissionError } from '../errors.js';
import { DetectingDecoder, type LineSink } from '../stream/decode.js';
import type { QuietTest } from '../stream/types.js';
import type { TextFormat } from '../stream/wrappers.js';
import { suggestNames } from '../suggest.js';

/**
 * Read size for files: 1 MB. Each read is a round trip to the thread pool, and 256 KB reads cost ~0.3 s more system
 * time per 734 MB; the RSS that once favoured small reads came from a fresh buffer per chunk, gone since two buffers
 * take turns and are reused from file to file (readPlain).
 */
export const FILE_CHUNK = 1 << 20;

/** What to do about a path that is not there: its directory is missing too, or these names in it are close. */
export function missingFileHint(path: string): string {
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `the directory ${dir} does not exist either` : 'check the path';
  }
  const close = suggestNames(basename(path), names);
  return close.length > 0 ? `did you mean ${close.map((n) => join(dir, n)).join(', ')}?` : `nothing close in ${dir}; check the path`;
}

/** Maps a failed fs call on a user-named path to the error the user sees. */
export function fileError(err: unknown, path: string): Error {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return new InputError('no such file', path, missingFileHint(path), { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new PermissionError('permission denied reading the file', path, 'run as a user who can read it (Docker\'s own log files need root: sudo)', {
        cause: err,
      });
    case 'EISDIR':
    case 'ENOTDIR':
      return new InputError('not a readable file', path, undefined, { cause: err });
    case 'ELOOP':
      return new InputError('a symbolic link loop', path, 'the path (or a link on the way to it) points back at itself: ls -l shows where', { cause: err });
    case 'ENAMETOOLONG':
      return new InputError('the path is too long', path, undefined, { cause: err });
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return new DataError('not a valid gzip file', path, 'the archive is damaged or was cut short', { cause: err });
    default:
      // Any other refusal of the file system (EIO, ENXIO, ENODEV, …) is about this file, not a bug in goroscope.
      if (typeof e?.code === 'string' && typeof e.syscall === 'string') {
        return new InputError(`cannot read the file: ${e.code}`, path, e.message, { cause: err });
      }
      return err instanceof Error ? err : new Error(String(err));
  }
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function aborted(signal: AbortSignal | undefined, err: unknown): boolean {
  return signal?.aborted === true && (err as Error)?.name === 'AbortError';
}

/**
 * A byte range of a plain (not gzipped) file, `start` inclusive, `end` exclusive, both at line starts, read with a
 * format detected once on the file's head (the parallel scan, src/sources/split.ts).
 */
export interface FileRange {
  start: number;
  end: number;
  format: TextFormat;
}

/**
 * Decode one file (or a byte range of it) into lines with `source` set to `name`. Resolves at end of file; a user
 * abort ends it quietly. With `quiet`, lines it finds quiet are handed over undecoded (quiet Lines). Resolves to why
 * the lines may be incomplete (the file shrank while it was read: `SourceInfo.incomplete`), or null.
 */
export async function readFile(path: string, name: string, onLine: LineSink, signal?: AbortSignal, range?: FileRange, quiet?: QuietTest): Promise<string | null> {
  const decoder = new DetectingDecoder(name, onLine, range?.format, quiet);
  let shrank: string | null = null;
  try {
    const gz = range ? false : await isGzip(path);
    if (gz) {
      const sink = async (src: AsyncIterable<Buffer>) => {
        for await (const chunk of src) decoder.push(chunk);
      };
      await pipeline(createReadStream(path, { highWaterMark: FILE_CHUNK }), createGunzip({ chunkSize: FILE_CHUNK }), sink, { signal });
    } else shrank = await readPlain(path, decoder, signal, range);
  } catch (err) {
    if (aborted(signal, err)) {
      decoder.end();
      return null;
    }
    throw fileError(err, path);
  }
  decoder.end();
  return shrank;
}

/** How often a followed file is looked at again once it has been read to its end. */
export const FOLLOW_POLL_MS = 250;

/**
 * Read a file, then on as it grows (`scan FILE --follow`, like `tail -F`), until `signal` aborts (Ctrl-C), which ends
 * it quietly. A file truncated in place (logrotate's copytruncate) is read again from its new start; a file renamed
 * away (logrotate's default rotation) is finished through its open handle, then the new file at the path is read from
 * its start. A gzipped file is read once. `moveOn`: asked each time the file has been read to its end; true ends the
 * following there (a log directory's next file has appeared).
 */
export async function followFile(
  path: string,
  name: string,
  onLine: LineSink,
  signal: AbortSignal | undefined,
  quiet?: QuietTest,
  moveOn?: () => Promise<boolean>,
): Promise<void> {
  if (await isGzip(path).catch((err: unknown) => Promise.reject(fileError(err, path)))) {
    await readFile(path, name, onLine, signal, undefined, quiet);
    return;
  }
  const decoder = new DetectingDecoder(name, onLine, undefined, quiet);
  const buf = Buffer.allocUnsafe(FILE_CHUNK);
  let fh = await open(path, 'r').catch((err: unknown) => Promise.reject(fileError(err, path)));
  let ino = (await fh.stat()).ino;
  let pos = 0;
  try {
    while (signal?.aborted !== true) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        decoder.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
        continue;
      }
      decoder.settle();
      if ((await fh.stat()).size < pos) {
        // truncated in place: what is there now was written since
        pos = 0;
        continue;
      }
      if (moveOn !== undefined && (await moveOn())) break;
      const now = await stat(path).catch(() => null);
      if (now !== null && now.ino !== ino) {
        // renamed away, and a new file in its place: the old one was read to its end above
        await fh.close();
        fh = await open(path, 'r');
        ino = now.ino;
        pos = 0;
        continue;
      }
      await sleep(FOLLOW_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
  } catch (err) {
    throw fileError(err, path); // (the new file after a rotation unreadable, an I/O error)
  } finally {
    await fh.close();
    decoder.end();
  }
}

/** Why a file's lines may be incomplete when it was `size` bytes at the end of a read that had reached byte `at`. */
function shrankText(size: number, at: number): string {
  return `the file shrank to ${size} bytes while it was read, at byte ${at} (truncated, or rotated with copytruncate): the lines after that are not in the result`;
}

/**
 * Feed a plain file (or a byte range of it) to the decoder through two read buffers that take turns: the next chunk
 * is read while this one is decoded, and no buffer is made per chunk (a fresh one cost as much CPU again as the
 * reading: the kernel clears every new page). The decoder copies what it keeps (an unfinished line, the format
 * sample). An abort stops it between chunks.
 */
async function readPlain(path: string, decoder: DetectingDecoder, signal: AbortSignal | undefined, range: FileRange | undefined): Promise<string | null> {
  const fh = await open(path, 'r');
  let cur = spareBuffers.pop() ?? Buffer.allocUnsafe(FILE_CHUNK);
  let next = spareBuffers.pop() ?? Buffer.allocUnsafe(FILE_CHUNK);
  try {
    let pos = range?.start ?? 0;
    const end = range?.end ?? Number.POSITIVE_INFINITY;
    const read = (buf: Buffer) => (pos < end ? fh.read(buf, 0, Math.min(buf.length, end - pos), pos) : Promise.resolve({ bytesRead: 0 }));
    let reading = read(cur);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      pos += bytesRead;
      if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      reading = read(next);
      try {
        decoder.push(bytesRead === cur.length ? cur : cur.subarray(0, bytesRead));
      } catch (err) {
        await reading.catch(() => undefined);
        throw err;
      }
      [cur, next] = [next, cur];
    }
    // The end of the file came before the end of the range, or before where the reading had got to: it was cut.
    if (range === undefined || pos < end) {
      const size = (await fh.stat()).size;
      if (size < pos || (range !== undefined && size < end)) return shrankText(size, pos);
    }
    return null;
  } finally {
    await fh.close();
    // no read is in flight any more (each was awaited, or caught above): the next file of this thread reuses them
    if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(cur, next);
  }
}

/**
 * Read buffers of files already read, for the next file (the byte ranges of the parallel scan, a directory's files):
 * fresh pages cost the kernel time to clear, and a buffer that is given back costs the garbage collector nothing.
 */
const spareBuffers: Buffer[] = [];
const MAX_SPARE_BUFFERS = 4;

/** `oneapi-20250221.log`, `x-json.log.1`, `x-json.log.2.gz`, `error.log`, `app.txt`: files a log directory is read for. */
const LOG_FILE = /\.(?:log|txt)(?:\.(\d+))?(?:\.gz)?$/;

/**
 * The log files of a directory in reading order: by name (One API's `oneapi-YYYYMMDD.log` names sort by date),
 * and a rotated set oldest first (`x.log.2.gz`, `x.log.1`, `x.log`).
 */
export function orderLogFiles(names: readonly string[]): string[] {
  const key = (n: string) => {
    const m = LOG_FILE.exec(n)!;
    return { base: n.slice(0, m.index) + n.slice(m.index).replace(/\.\d+(?:\.gz)?$|\.gz$/, ''), gen: m[1] ? Number(m[1]) : 0 };
  };
  return names
    .filter((n) => LOG_FILE.test(n))
    .map((n) => ({ n, ...key(n) }))
    .sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : b.gen - a.gen))
    .map((x) => x.n);
}

/** The log files of a directory in reading order (orderLogFiles), regular files only. */
async function logFilesOf(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw fileError(err, dir);
  }
  const files: string[] = [];
  for (const n of orderLogFiles(names)) {
    const p = join(dir, n);
    const st = await stat(p).catch(() => null);
    if (st?.isFile()) files.push(p);
  }
  return files;
}

/**
 * Read every log file of a directory in order; each file is its own `source` so records never span two files.
 * `onShrank`: a file that shrank while it was read (readFile), with its path. `follow`: the last file is followed
 * (followFile) until Ctrl-C, and when a file that comes after it appears (One API's next `oneapi-YYYYMMDD.log`),
 * the last one is read to its end and the new one followed.
 */
export async function readDirectory(
  dir: string,
  onLine: LineSink,
  signal?: AbortSignal,
  quiet?: QuietTest,
  onShrank?: (why: string) => void,
  follow = false,
): Promise<number> {
  const files = await logFilesOf(dir);
  if (files.length === 0) {
    throw new InputError('no log files in the directory', dir, 'expected *.log, *.log.1, *.log.gz (One API --log-dir, json-file) files');
  }
  const last = follow ? files.length - 1 : files.length;
  for (let i = 0; i < last; i++) {
    if (signal?.aborted) break;
    const shrank = await readFile(files[i]!, files[i]!, onLine, signal, undefined, quiet);
    if (shrank !== null) onShrank?.(`${files[i]}: ${shrank}`);
  }
  if (!follow) return files.length;
  let current = files[last]!;
  let n = files.length;
  while (signal?.aborted !== true) {
    let next: string | null = null;
    await followFile(current, current, onLine, signal, quiet, async () => {
      // the file after this one in reading order (also when this one was deleted by a clean-up of old logs)
      const names = orderLogFiles([...new Set([...(await logFilesOf(dir)).map((p) => basename(p)), basename(current)])]);
      const at = names.indexOf(basename(current));
      next = at + 1 < names.length ? join(dir, names[at + 1]!) : null;
      return next !== null;
    });
    if (next === null) break;
    current = next;
    n++;
  }
  return n;
}
