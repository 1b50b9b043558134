// A source spec → a Source that hands over Lines. `-` is stdin, an existing path is a file or directory (or a
// goroscope bundle), anything else is a container. New kinds of spec (`service:NAME`, `compose:PROJECT`) are one
// more entry in RESOLVERS.
import { readFile as readFileText, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { closeSync, constants, createReadStream, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { DataError, InputError } from '../errors.js';
import { FILE_CHUNK, fileError, followFile, readDirectory, readFile } from './files.js';
import { readStdin, readStream } from './stdin.js';

import { markIncomplete, type Source, type SourceInfo, type SourceOptions } from './types.js';

export type { EventTags, LineSink, Source, SourceInfo, SourceOptions } from './types.js';

interface Resolver {
  /** Returns a Source when the spec is of this kind, null to let the next resolver try. */
  open(spec: string, opts: SourceOptions): Promise<Source | null>;
}

/** Names that are files even when they do not exist (so a typo gives "no such file", not "no such container"). */
const LOOKS_LIKE_PATH = /[/\\]|\.(?:log|txt|gz|tgz|json|jsonl)(?:\.\d+)?$|^\.{1,2}$/;

const stdinResolver: Resolver = {
  async open(spec, opts) {
    if (spec !== '-') return null;
    return { info: { spec, kind: 'stdin', name: '-' }, read: (onLine, quiet) => readStdin(onLine, opts.signal, undefined, quiet) };
  },
};

function isBundlePath(path: string, isDir: boolean): boolean {
  if (isDir) return existsSync(join(path, 'manifest.json'));
  return /\.(?:tar\.gz|tgz)$/.test(basename(path));
}

/** Bundles are read by `src/sources/bundle.ts` (the bundle area): `openBundle(path, spec, opts): Promise<Source>`. */
async function openBundle(path: string, spec: string, opts: SourceOptions): Promise<Source> {
  const modulePath = './bundle.js';
  let mod: { openBundle?: (path: string, spec: string, opts: SourceOptions) => Promise<Source> };
  try {
    mod = (await import(modulePath)) as typeof mod;
  } catch {
    mod = {};
  }
  if (typeof mod.openBundle !== 'function') throw new DataError('bundles are not readable yet', path);
  return mod.openBundle(path, spec, opts);
}

/**
 * Release our own reader of the FIFO at `path` from a blocking open() or read(): open it for writing without waiting
 * (possible only while a reader has it open, which ours has or is doing) and write one newline, which our reader,
 * already stopped, throws away. Never blocks; any failure means there was nothing to release.
 */
function releaseFifo(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    writeSync(fd, '\n');
  } catch {
    // no reader (ENXIO) or a full pipe (EAGAIN): our reader is not blocked
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const pathResolver: Resolver = {
  async open(spec, opts) {
    let st;
    try {
      st = await stat(spec);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && !LOOKS_LIKE_PATH.test(spec)) return null; // a container name
      throw fileError(err, spec);
    }
    const isDir = st.isDirectory();
    if (isBundlePath(spec, isDir)) return openBundle(spec, spec, opts);
    if (isDir) {
      const info: SourceInfo = { spec, kind: 'file', name: spec };
      return { info, read: (onLine, quiet) => readDirectory(spec, onLine, opts.signal, quiet, (why) => markIncomplete(info, why), opts.follow === true).then(() => undefined) };
    }
    if (st.isFIFO() || st.isCharacterDevice()) {
      // Readable once: no peeking at the gzip magic before reading. A FIFO's open() and read() wait in the thread
      // pool for a writer and its data, where no abort reaches them, and a process cannot exit past a blocked thread:
      // on abort, an empty write of our own releases them (stdin.ts).
      const unblock = st.isFIFO() ? () => releaseFifo(spec) : undefined;
      return {
        info: { spec, kind: 'file', name: spec },
        read: (onLine, quiet) => readStream(spec, createReadStream(spec, { highWaterMark: FILE_CHUNK }), onLine, opts.signal, quiet, unblock),
      };
    }
    if (!st.isFile()) throw new InputError('not a regular file', spec);
    const info: SourceInfo = { spec, kind: 'file', name: spec };
    if (opts.follow) return { info, read: (onLine, quiet) => followFile(spec, spec, onLine, opts.signal, quiet) };
    return { info, read: async (onLine, quiet) => markIncomplete(info, await readFile(spec, spec, onLine, opts.signal, undefined, quiet)) };
  },
};

const containerResolver: Resolver = {
  async open(spec, opts) {
    const { openContainer } = await import('./docker.js');
    return openContainer(spec, opts);
  },
};

/** Tried in order; the first that recognises the spec wins. Add `service:`/`compose:` resolvers before the container one. */
export const RESOLVERS: Resolver[] = [stdinResolver, pathResolver, containerResolver];

/** Resolve one spec. Throws InputError/PermissionError for unreadable paths, NotFoundError for unknown containers. */
export async function openSource(spec: string, opts: SourceOptions = {}): Promise<Source> {
  if (spec === '') throw new InputError('empty source', "''", 'give a container name, a file path, or - for stdin');
  for (const r of RESOLVERS) {
    const s = await r.open(spec, opts);
    if (s) return s;
  }
  throw new InputError('unrecognised source', spec);
}

/**
 * Resolve one spec into every source it names: `service:NAME`, `compose:PROJECT[/SERVICE]` and a container on
 * several `--host` values name more than one (src/sources/fleet.ts); everything else is `[openSource(spec)]`.
 */
export async function openSources(spec: string, opts: SourceOptions = {}): Promise<Source[]> {
  // A fleet bundle directory (`bundle compose:…`): every container bundle in it.
  const parts = await fleetBundleParts(spec);
  if (parts) {
    const out: Source[] = [];
    for (const p of parts) out.push(await openSource(p, opts));
    return out;
  }
  const fromArchive = await fleetArchiveSources(spec, opts);
  if (fromArchive) return fromArchive;
  if (spec.startsWith('service:') || spec.startsWith('compose:')) {
    const { openFleet } = await import('./fleet.js');
    const list = await openFleet(spec, opts);
    if (list) return list;
  }
  if (opts.hosts && new Set(opts.hosts).size > 1 && spec !== '-') {
    // A path stays a path; anything the container resolver would take is looked up on every host.
    const local = await pathResolver.open(spec, opts);
    if (local) return [local];
    const { openContainerOnHosts } = await import('./fleet.js');
    return openContainerOnHosts(spec, opts);
  }
  return [await openSource(spec, opts)];
}

/**
 * A fleet bundle archive as `bundle` names it (`goroscope-fleet-….tar.gz`): unpacked once into a private temporary
 * directory (src/sources/bundle.ts `unpackBundle`), its container bundles read from there as directories, the
 * directory removed when the last of them has been read (or at exit). Null for any other path, and for an archive of
 * that name that holds a single container bundle (the ordinary bundle reader takes it).
 */
async function fleetArchiveSources(spec: string, opts: SourceOptions): Promise<Source[] | null> {
  if (!/^goroscope-fleet-.*\.(?:tar\.gz|tgz)$/.test(basename(spec))) return null;
  const st = await stat(spec).catch(() => null);
  if (!st?.isFile()) return null; // the ordinary resolvers report it
  const { unpackBundle } = (await import('./bundle.js')) as { unpackBundle: (archive: string) => Promise<string> };
  const tmp = await unpackBundle(spec);
  const remove = () => rmSync(tmp, { recursive: true, force: true });
  process.once('exit', remove);
  const cleanup = async () => {
    process.removeListener('exit', remove);
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    const tops = (await readdir(tmp, { withFileTypes: true })).filter((e) => e.isDirectory());
    const root = tops.length === 1 && !existsSync(join(tmp, 'manifest.json')) ? join(tmp, tops[0]!.name) : tmp;
    const parts = await fleetBundleParts(root);
    if (!parts) {
      await cleanup();
      return null;
    }
    const opened: Source[] = [];
    for (const p of parts) opened.push(await openSource(p, opts));
    if (opened.length === 0) await cleanup();
    let left = opened.length;
    return opened.map((s, i) => ({
      ...s,
      info: { ...s.info, spec: join(spec, basename(parts[i]!)) },
      read: async (onLine, quiet) => {
        try {
          return await s.read(onLine, quiet);
        } finally {
          if (--left === 0) await cleanup();
        }
      },
    }));
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** The container bundle directories of a fleet bundle directory (its manifest's `kind` says so), else null. */
async function fleetBundleParts(spec: string): Promise<string[] | null> {
  if (spec === '-' || !existsSync(join(spec, 'manifest.json'))) return null;
  let m: { kind?: unknown; containers?: { dir?: unknown }[] };
  try {
    m = JSON.parse(await readFileText(join(spec, 'manifest.json'), 'utf8')) as typeof m;
  } catch {
    return null;
  }
  if (m.kind !== 'goroscope-fleet-bundle' || !Array.isArray(m.containers)) return null;
  return m.containers.filter((c) => typeof c.dir === 'string' && !c.dir.includes('/') && !c.dir.startsWith('.')).map((c) => join(spec, c.dir as string));
}

export { readFile, readDirectory } from './files.js';
export { readStdin, readStream } from './stdin.js';
