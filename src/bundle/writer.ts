// The only writer of bundles. Everything goes into a private staging directory under a `.partial` name;
// `finish` writes the manifest, then either renames the directory or packs it into `.tar.gz` (+ `.sha256`).
// An interrupted bundle is renamed to a name that says `incomplete`; it never gets the final name. Names are
// unique to the millisecond, and a name that is taken gets a counter (`-2`, `-3`, …): nothing ever replaces an
// existing bundle, also when two bundles finish at the same moment. A process ended while a bundle is being
// written (a second Ctrl-C) removes the partial files and says so in one line.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, rmdirSync, writeSync, type WriteStream } from 'node:fs';
import { link, mkdir, open, rename, rm, stat, unlink, writeFile, chmod, readdir } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { OutputError } from '../errors.js';
import { makeDirs } from '../fs.js';

export type BundleFormat = 'tgz' | 'dir';

export interface FileEntry {
  /** Relative to the bundle root, `/`-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** `one-api`, `/my app:1` → `my-app-1`: letters, digits, `.`, `_`, `-` only; never empty, never a dot name. */
export function safeName(name: string): string {
  const s = name
    .replace(/^\/+/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 100);
  return s === '' ? 'container' : s;
}

/** `20251103T140000.123Z` for an epoch ms (milliseconds kept: two bundles a second apart are not rare). */
export function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

/** Most counters tried for a name that is taken before giving up. */
const MAX_SUFFIX = 1000;

function outputError(what: string, path: string, err: unknown): OutputError {
  const e = err as NodeJS.ErrnoException;
  const hint =
    e?.code === 'EACCES' || e?.code === 'EPERM'
      ? 'choose a directory you can write to with --out DIR'
      : e?.code === 'ENOSPC'
        ? 'the disk is full: free space or choose another --out DIR'
        : e?.code === 'ENOENT'
          ? 'the --out directory does not exist'
          : e?.code === 'EROFS'
            ? 'the file system is read-only: choose another --out DIR'
            : String(e?.message ?? err);
  return new OutputError(`${what}${e?.code ? `: ${e.code}` : ''}`, path, hint, { cause: err });
}

/** A file being streamed into the bundle: bytes are counted and hashed as they are written. */
export class BundleFile {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private readonly done: Promise<void>;
  private failed: unknown = null;

  constructor(
    readonly path: string,
    private readonly stream: WriteStream,
    private readonly onClose: (e: FileEntry) => void,
  ) {
    this.done = new Promise((resolve, reject) => {
      stream.once('error', (err) => {
        this.failed = err;
        reject(err);
      });
      stream.once('close', () => resolve());
    });
    this.done.catch(() => undefined);
  }

  /** Write a chunk; resolves at once unless the file's buffer is full (backpressure). */
  write(chunk: Buffer): Promise<void> | void {
    if (this.failed) throw outputError('cannot write bundle file', this.path, this.failed);
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) {
      return new Promise((resolve, reject) => {
        const onDrain = () => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (err: unknown) => {
          this.stream.off('drain', onDrain);
          reject(outputError('cannot write bundle file', this.path, err));
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }

  async close(): Promise<FileEntry> {
    this.stream.end();
    try {
      await this.done;
    } catch (err) {
      throw outputError('cannot write bundle file', this.path, err);
    }
    const entry = { path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex') };
    this.onClose(entry);
    return entry;
  }
}

export interface Finished {
  /** The bundle: the `.tar.gz` or the directory. */
  path: string;
  /** Bytes of the archive, or the sum of the files of a directory. */
  bytes: number;
  /** `<archive>.sha256` for tgz. */
  checksumPath?: string;
  /** sha256 of the archive (tgz only). */
  sha256?: string;
  /**
   * An incomplete bundle only: the caller has said where it is kept. Until then, should the process end (a second
   * Ctrl-C right after the rename), the writer's exit handler says it in one line, so a kept bundle is never silent.
   */
  said?: () => void;
}

/**
 * rmSync of a tree, in an exit handler: a write the thread pool was still doing when the process began to end may add
 * a file while the directory is emptied (ENOTEMPTY), so it is tried again after a short wait (the handler cannot
 * await; Atomics.wait sleeps this thread), up to 20 times.
 */
function removeTree(p: string): void {
  for (let i = 1; ; i++) {
    try {
      rmSync(p, { recursive: true, force: true });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || i >= 20) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

export class BundleWriter {
  /** Where files are staged: `<out>/.<base>-<tag>.partial`, private to this writer. */
  readonly staging: string;
  /** The archive being packed (tgz): `<out>/.<base>-<tag>.tar.gz.partial`. */
  private readonly partialArchive: string;
  private readonly files = new Map<string, FileEntry>();
  private readonly dirs = new Set<string>();
  private readonly onExit = () => this.removeOnExit();
  private readonly onExitKept = () => this.sayKeptOnExit();
  /** An incomplete bundle placed under its final name and not yet announced by the caller. */
  private kept: string | null = null;
  /** The empty directory placeDir made to reserve the final name, while the staging directory is not renamed onto it yet. */
  private reserved: string | null = null;
  /** Bytes of the directories adopted from other writers. */
  private adopted = 0;

  constructor(
    readonly outDir: string,
    /** `<safe-name>-<UTC stamp>`, the bundle's name without extension. */
    readonly base: string,
    readonly format: BundleFormat,
  ) {
    this.outDir = resolve(outDir);
    // Two writers of one name (concurrent bundles of one container) never share a staging area.
    const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
    this.staging = join(this.outDir, `.${base}-${tag}.partial`);
    this.partialArchive = join(this.outDir, `.${base}-${tag}.tar.gz.partial`);
  }

  /**
   * Create `--out` when it does not exist (as `mkdir -p`, new directories 0700: in an emergency nobody should have to
   * make it first) and the staging directory; an unwritable `--out` fails here, before anything is collected.
   */
  async open(): Promise<void> {
    try {
      await makeDirs(this.outDir, DIR_MODE);
      const st = await stat(this.outDir);
      if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      await mkdir(this.staging, { mode: DIR_MODE });
      await chmod(this.staging, DIR_MODE);
    } catch (err) {
      throw outputError('cannot create the bundle', this.outDir, err);
    }
    process.on('exit', this.onExit);
  }

  /** The process is ending while the bundle is still being written: remove what was staged, say so in one line. */
  private removeOnExit(): void {
    const left = [this.staging, this.partialArchive].filter((p) => existsSync(p));
    if (left.length === 0) return;
    let line: string;
    try {
      // The name reserved for the staging directory (empty until the rename): it goes too, or an empty bundle
      // directory would be left under a final name.
      if (this.reserved && existsSync(this.staging) && existsSync(this.reserved)) rmdirSync(this.reserved);
      for (const p of left) removeTree(p);
      line = `goroscope: stopped before the bundle was finished; removed its partial files (${left.join(', ')})\n`;
    } catch (err) {
      line = `goroscope: stopped before the bundle was finished; partial files left in ${left.join(', ')} (${(err as Error).message})\n`;
    }
    try {
      writeSync(2, line);
    } catch {
      // stderr is gone: nothing more can be said
    }
  }

  /** The process is ending after an incomplete bundle got its name, before the command said so: say it here. */
  private sayKeptOnExit(): void {
    // Gone already: a nested bundle whose parent's staging directory was removed or renamed with it.
    if (this.kept === null || !existsSync(this.kept)) return;
    try {
      writeSync(2, `goroscope: interrupted: kept the incomplete bundle ${this.kept} (manifest.json says complete: false)\n`);
    } catch {
      // stderr is gone: nothing more can be said
    }
  }

  private async ensureDir(rel: string): Promise<void> {
    const dir = posix.dirname(rel);
    if (dir === '.' || this.dirs.has(dir)) return;
    await mkdir(join(this.staging, dir), { recursive: true, mode: DIR_MODE });
    this.dirs.add(dir);
  }

  /** Open a file for streaming (0600). */
  async create(rel: string): Promise<BundleFile> {
    try {
      await this.ensureDir(rel);
      const fh = await open(join(this.staging, rel), 'w', FILE_MODE);
      const stream = fh.createWriteStream({ highWaterMark: 1 << 20 });
      return new BundleFile(rel, stream, (e) => this.files.set(rel, e));
    } catch (err) {
      throw outputError('cannot write bundle file', join(this.staging, rel), err);
    }
  }

  /** Write a whole small file (0600). */
  async write(rel: string, data: string | Buffer): Promise<FileEntry> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      await this.ensureDir(rel);
      await writeFile(join(this.staging, rel), buf, { mode: FILE_MODE });
    } catch (err) {
      throw outputError('cannot write bundle file', join(this.staging, rel), err);
    }
    const entry = { path: rel, bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') };
    this.files.set(rel, entry);
    return entry;
  }

  /**
   * A private directory inside the staging area for a part written by another writer (a fleet bundle's container
   * bundles); it is not part of the bundle until adopt() moves what was written there.
   */
  async workDir(rel: string): Promise<string> {
    const dir = join(this.staging, rel);
    try {
      await mkdir(dir, { mode: DIR_MODE });
    } catch (err) {
      throw outputError('cannot write bundle file', dir, err);
    }
    return dir;
  }

  /** Move a finished directory (another writer's bundle) into this bundle as `rel`, counting its bytes. */
  async adopt(path: string, rel: string, bytes: number): Promise<void> {
    try {
      await rename(path, join(this.staging, rel));
    } catch (err) {
      throw outputError('cannot write bundle file', join(this.staging, rel), err);
    }
    this.adopted += bytes;
  }

  /** Absolute path of a staged file (to read it back, e.g. for the scan over the bundle's own logs). */
  pathOf(rel: string): string {
    return join(this.staging, rel);
  }

  /** Every file written so far, sorted by path. */
  entries(): FileEntry[] {
    return [...this.files.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * Rename (dir) or pack (tgz) the staged bundle. `complete: false` gives a name that says so:
   * `<base>.incomplete` / `<base>.incomplete.tar.gz`. `base` may be settled only now (a bundle named after its
   * container once Docker answered). A name already taken gets a counter; nothing existing is replaced. `format`
   * `dir` keeps a tgz bundle as a directory (an interrupted one: packing could outlast a Ctrl-C).
   */
  async finish(complete: boolean, base = this.base, format: BundleFormat = this.format): Promise<Finished> {
    const name = complete ? base : `${base}.incomplete`;
    // From the rename on, the partial files are the kept bundle: the exit handler says where it is instead.
    const keep = (dest: string): Pick<Finished, 'said'> => {
      if (complete) return {};
      this.kept = dest;
      process.on('exit', this.onExitKept);
      process.removeListener('exit', this.onExit);
      return { said: () => process.removeListener('exit', this.onExitKept) };
    };
    try {
      if (format === 'dir') {
        const dest = this.placeDir(name);
        let bytes = this.adopted;
        for (const f of this.files.values()) bytes += f.bytes;
        return { path: dest, bytes, ...keep(dest) };
      }
      const { bytes, sha256 } = await this.pack(this.partialArchive, name);
      const dest = await this.placeFile(name, '.tar.gz');
      const checksumPath = `${dest}.sha256`;
      await writeFile(checksumPath, `${sha256}  ${basename(dest)}\n`, { mode: FILE_MODE, flag: 'wx' });
      await rm(this.staging, { recursive: true, force: true });
      return { path: dest, bytes, checksumPath, sha256, ...keep(dest) };
    } catch (err) {
      throw outputError('cannot finish the bundle', this.outDir, err);
    } finally {
      process.removeListener('exit', this.onExit);
    }
  }

  /** `name`, `name-2`, `name-3`, … */
  private static candidate(name: string, n: number, ext = ''): string {
    return n === 1 ? `${name}${ext}` : `${name}-${n}${ext}`;
  }

  /**
   * Move the staging directory to the first free name: an empty directory made exclusively reserves it. Synchronous
   * on purpose (two quick system calls): a second Ctrl-C ends the process with its exit handlers while the thread
   * pool may still be running an asynchronous rename, which could then land after the handler removed or reported the
   * staging directory; done here in one piece, the handlers see it either before or after.
   */
  private placeDir(name: string): string {
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const dest = join(this.outDir, BundleWriter.candidate(name, n));
      try {
        mkdirSync(dest, { mode: DIR_MODE });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      this.reserved = dest;
      try {
        renameSync(this.staging, dest); // onto our own empty directory: atomic on POSIX
      } catch (err) {
        rmdirSync(dest);
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'EEXIST' && code !== 'ENOTEMPTY') throw err;
        renameSync(this.staging, dest); // Windows does not rename onto a directory: the reservation is freed first
      }
      return dest;
    }
    throw Object.assign(new Error(`${MAX_SUFFIX} bundles of this name exist`), { code: 'EEXIST' });
  }

  /** Give the packed archive the first free name: a hard link fails rather than replace, then the partial goes. */
  private async placeFile(name: string, ext: string): Promise<string> {
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const dest = join(this.outDir, BundleWriter.candidate(name, n, ext));
      if (existsSync(`${dest}.sha256`)) continue;
      try {
        await link(this.partialArchive, dest);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      await unlink(this.partialArchive);
      return dest;
    }
    throw Object.assign(new Error(`${MAX_SUFFIX} bundles of this name exist`), { code: 'EEXIST' });
  }

  /** tar + gzip the staging directory into `file` (0600), entries under `<name>/`. */
  private async pack(file: string, name: string): Promise<{ bytes: number; sha256: string }> {
    const tar = await import('tar');
    const hash = createHash('sha256');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        bytes += chunk.length;
        cb(null, chunk);
      },
    });
    const fh = await open(file, 'w', FILE_MODE);
    const out = fh.createWriteStream();
    // `.` first: the archive has an entry for the top directory, so it unpacks 0700 like the rest (not umask's 0755)
    const entries = ['.', ...(await this.walk(''))];
    const packer = tar.create({ gzip: { level: 6 }, cwd: this.staging, portable: true, prefix: name, noDirRecurse: true }, entries);
    await pipeline(packer as unknown as NodeJS.ReadableStream, counter, out);
    return { bytes, sha256: hash.digest('hex') };
  }

  /** Every path under the staging directory (relative, `/`-separated), sorted, each directory before its files. */
  private async walk(rel: string): Promise<string[]> {
    const out: string[] = [];
    for (const e of (await readdir(join(this.staging, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      out.push(path);
      if (e.isDirectory()) out.push(...(await this.walk(path)));
    }
    return out;
  }

  /** Remove everything this writer created (staging and partial archive). */
  async discard(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true }).catch(() => undefined);
    await rm(this.partialArchive, { force: true }).catch(() => undefined);
    process.removeListener('exit', this.onExit);
  }
}

